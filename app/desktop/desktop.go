// Package desktop is what the webview sees of Tsuzuri: thin structs whose
// methods Wails binds to JavaScript. They hold no logic of their own — every
// rule lives in app.Service — and turn errors into a JSON message the UI can
// show: {"code":"invalid|not_found|conflict|locked|internal","message":"…"}.
package desktop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/tsuzuri/tsuzuri/app"
	"github.com/tsuzuri/tsuzuri/diary"
)

// Emitter sends events to the UI (Wails' EventsEmit in the app).
type Emitter interface {
	Emit(name string, data any)
}

// Shell is what only the desktop can do: native dialogs, the browser,
// quitting. The app implements it with the Wails runtime; tests with fakes.
type Shell interface {
	// OpenFiles asks for files (with the dialog offering filters) or, with
	// folder, for one folder.
	OpenFiles(title string, folder bool, filters []FileFilter) ([]string, error)
	SaveFile(title, defaultName string) (string, error)
	ChooseFolder(title string) (string, error)
	// OpenURL opens an http(s) link in the system browser.
	OpenURL(url string) error
	// ShowFolder opens a folder in the system file manager.
	ShowFolder(dir string) error
	Quit()
}

// FileFilter is one choice in a file dialog: Pattern is like "*.md;*.txt".
type FileFilter struct {
	Name    string
	Pattern string
}

// Backend holds the open data folder for all the bound structs. The folder
// may fail to open (locked by another Tsuzuri, unreadable): the window still
// opens and shows why, with a way to retry.
type Backend struct {
	ctx   context.Context
	log   *slog.Logger
	emit  Emitter
	shell Shell
	prefs *Prefs
	open  func(ctx context.Context, opts app.Options) (*app.Service, error)

	mu     sync.RWMutex
	svc    *app.Service
	status Status

	jobsMu sync.Mutex
	jobs   map[string]context.CancelFunc
	nextID int

	closeOnce sync.Once
	ready     chan struct{}

	// picks are the paths the user chose in native dialogs: the only
	// paths outside the data folder a bound method accepts (see guard.go).
	picks pickedPaths

	watch syncWatch // the open diary's sync loop (sync.go)

	langMu sync.Mutex
	uiLang string // "" until first asked: then the setting, else the system's

	// firstScreen, once HoldBackgroundForFirstScreen is called, is closed
	// when the window has drawn its first screen; Open's background work
	// waits for it.
	firstScreen     chan struct{}
	firstScreenOnce sync.Once
}

// HoldBackgroundForFirstScreen makes Open hold its background work (the
// database's quick check, the index check, the day's backup, loading the
// dictionaries) until FirstScreenShown: the window calls it before it
// starts.
func (b *Backend) HoldBackgroundForFirstScreen() { b.firstScreen = make(chan struct{}) }

// FirstScreenShown says the window has drawn its first screen.
func (b *Backend) FirstScreenShown() {
	if b.firstScreen != nil {
		b.firstScreenOnce.Do(func() { close(b.firstScreen) })
	}
}

// Status says whether the data folder is open, and if not, why. Damaged
// is set when it is open for reading only because its database is damaged.
type Status struct {
	Ready   bool
	Code    string
	Message string
	DataDir string
	Damaged string
}

// NewBackend returns a Backend that opens dataDir with open.
func NewBackend(ctx context.Context, log *slog.Logger, emit Emitter, shell Shell, prefs *Prefs,
	open func(ctx context.Context, opts app.Options) (*app.Service, error)) *Backend {
	return &Backend{ctx: ctx, log: log, emit: emit, shell: shell, prefs: prefs, open: open,
		jobs: map[string]context.CancelFunc{}, ready: make(chan struct{})}
}

// SetContext replaces the context calls run with (Wails gives it at startup).
func (b *Backend) SetContext(ctx context.Context) { b.ctx = ctx }

// Open opens the data folder the preferences name.
func (b *Backend) Open() Status {
	b.mu.Lock()
	defer b.mu.Unlock()
	dir := b.prefs.DataDirOrDefault()
	if b.svc != nil {
		return b.status
	}
	// The window must not stay blank while the index catches up (after an
	// upgrade rebuilds it, that is a minute for a large diary): it catches
	// up in the background, and the UI shows how far it has come.
	// The quick check, the index check, the day's backup and loading the
	// dictionaries also run in the background: none of them keeps the
	// window from opening, and in the window they wait until its first
	// screen is drawn.
	svc, err := b.open(b.ctx, app.Options{DataDir: dir, Logger: b.log, IndexInBackground: true, StartupChecks: true, BackgroundAfter: b.firstScreen,
		IndexProgress: func(p app.IndexProgress) {
			b.emit.Emit("index:progress", map[string]any{"done": p.Done, "total": p.Total, "finished": p.Finished})
		},
		OnDamaged: func(msg string) { b.emit.Emit("data:damaged", map[string]string{"message": msg}) },
		OnBackup: func(info app.BackupInfo) {
			b.log.Info("automatic backup", "path", info.Path, "reason", info.Reason)
		}})
	if err != nil {
		b.log.Error("open data folder", "dir", dir, "err", err)
		b.status = Status{Code: diary.ErrorCode(err), Message: openMessage(err, dir), DataDir: dir}
		return b.status
	}
	b.svc = svc
	b.status = Status{Ready: true, DataDir: svc.DataDir()}
	b.startSyncWatch(svc)
	return b.status
}

func openMessage(err error, dir string) string {
	var de *diary.Error
	if errors.As(err, &de) {
		return de.Message
	}
	return fmt.Sprintf("The data folder %s could not be opened: %v", dir, err)
}

// Close cancels running jobs and closes the data folder.
func (b *Backend) Close() error {
	b.jobsMu.Lock()
	for _, cancel := range b.jobs {
		cancel()
	}
	b.jobsMu.Unlock()
	b.stopSyncWatch()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.svc == nil {
		return nil
	}
	err := b.svc.Close()
	b.svc = nil
	return err
}

// service returns the open Service, or the reason there is none.
func (b *Backend) service() (*app.Service, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.svc == nil {
		msg := b.status.Message
		if msg == "" {
			msg = "The data folder is not open."
		}
		return nil, diary.Errorf(diary.ELocked, "%s", msg)
	}
	return b.svc, nil
}

// uiError is the error the UI receives: the promise is rejected with its
// message, which is JSON.
type uiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (b *Backend) fail(op string, err error) error {
	e := b.uiErrorOf(op, err)
	if e == nil {
		return nil
	}
	js, _ := json.Marshal(e)
	return errors.New(string(js))
}

// uiErrorOf is how err reaches the UI: a cancellation as such, an
// unexpected error as a generic message (the details go to the log), any
// other with its own message. The UI words the generic ones in its language.
func (b *Backend) uiErrorOf(op string, err error) *uiError {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled):
		return &uiError{Code: diary.ECancelled, Message: "Cancelled."}
	}
	e := &uiError{Code: diary.ErrorCode(err), Message: diary.ErrorMessage(err)}
	if e.Code == diary.EInternal {
		b.log.Error(op, "err", err)
		e.Message = "Something went wrong (" + op + "). Details are in the log."
	}
	return e
}

// Bind lists the structs to bind, for options.App.Bind.
func (b *Backend) Bind() []any {
	return []any{&Entries{b}, &Finder{b: b}, &Library{b}, &Render{b}, &Settings{b}, &Sync{b}, &System{b}}
}
