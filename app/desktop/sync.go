package desktop

import (
	"context"
	"slices"
	"sync"

	"github.com/tsuzuri/tsuzuri/app"
	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/syncfolder"
)

// Sync is the diary shared through a folder another engine replicates:
// choosing the folder, the state of the last passes, and the conflicts
// that concurrent edits left for the person to decide.
//
// While a diary with sync on is open, the backend keeps it in step in the
// background (app.Service.WatchSync) and tells the window after each pass:
// "sync:pass" always (the status line), "sync:changed" when the pass
// brought something the window shows (lists, the open entry, badges).
type Sync struct{ b *Backend }

// SyncState is what the settings' status line shows: the core's status and
// how the last pass in this window went.
type SyncState struct {
	app.SyncStatus
	Watching  bool     `json:"watching"`
	LastError *uiError `json:"lastError"`
}

// SyncPass is the "sync:pass" and "sync:changed" events' data.
type SyncPass struct {
	Sent      int      `json:"sent"`
	Received  int      `json:"received"`
	Changed   []string `json:"changed"`
	More      bool     `json:"more"` // more entries changed than Changed names
	Conflicts []string `json:"conflicts"`
	Error     *uiError `json:"error"`
}

// maxChangedIDs bounds an event's list: a computer joining a large diary
// changes every entry in one pass, and the window only needs to know
// whether its open entry is among them (with More, it asks).
const maxChangedIDs = 500

// syncWatch is the background loop of the open diary.
type syncWatch struct {
	mu        sync.Mutex
	cancel    context.CancelFunc
	done      chan struct{}
	lastErr   *uiError
	conflicts []string // after the last pass, to notice a change of them
}

// Status is sync's state on this computer.
func (x *Sync) Status() (SyncState, error) {
	st, err := call(x.b, "sync status", func(s *app.Service) (app.SyncStatus, error) { return s.SyncStatus(x.b.ctx) })
	if err != nil {
		return SyncState{}, err
	}
	w := &x.b.watch
	w.mu.Lock()
	defer w.mu.Unlock()
	return SyncState{SyncStatus: st, Watching: w.cancel != nil, LastError: w.lastErr}, nil
}

// ChooseFolder asks for the folder to sync through; "" means cancelled.
// Only a folder chosen here can be given to Enable.
func (x *Sync) ChooseFolder() (string, error) {
	dir, err := x.b.shell.ChooseFolder(x.b.text().SyncFolderTitle)
	if err != nil || dir == "" {
		return "", x.b.fail("choose folder", err)
	}
	x.b.picks.remember(pickedForSync, dir)
	return dir, nil
}

// Enable turns sync on with a folder the user chose in ChooseFolder (or
// moves it there) and starts keeping the diary in step with it: the first
// pass runs at once in the background. encrypt makes a new folder
// encrypted with passphrase; an encrypted folder is joined with its
// passphrase (a "passphrase" error asks for it, and changes nothing).
func (x *Sync) Enable(folder string, encrypt bool, passphrase string) (SyncState, error) {
	if err := firstError(checkText("folder", folder, 4096), checkText("passphrase", passphrase, 1024), x.b.checkPicked(pickedForSync, folder)); err != nil {
		return SyncState{}, x.b.fail("turn on sync", err)
	}
	svc, err := x.b.service()
	if err != nil {
		return SyncState{}, x.b.fail("turn on sync", err)
	}
	if _, err := svc.EnableSyncWith(x.b.ctx, app.SyncSetup{Folder: folder, Encrypt: encrypt, Passphrase: passphrase}); err != nil {
		return SyncState{}, x.b.fail("turn on sync", err)
	}
	x.b.stopSyncWatch()
	x.b.startSyncWatch(svc)
	return x.Status()
}

// FolderEncrypted says whether a folder the user chose is already an
// encrypted sync folder, so the window asks for its passphrase, not a new
// one.
func (x *Sync) FolderEncrypted(folder string) (bool, error) {
	if err := firstError(checkText("folder", folder, 4096), x.b.checkPicked(pickedForSync, folder)); err != nil {
		return false, x.b.fail("sync folder", err)
	}
	ok, err := syncfolder.Encrypted(folder)
	return ok, x.b.fail("sync folder", err)
}

// Unlock takes the folder's passphrase after another computer changed it.
func (x *Sync) Unlock(passphrase string) (SyncState, error) {
	if err := checkText("passphrase", passphrase, 1024); err != nil {
		return SyncState{}, x.b.fail("unlock sync", err)
	}
	if err := do(x.b, "unlock sync", func(s *app.Service) error { _, err := s.UnlockSync(x.b.ctx, passphrase); return err }); err != nil {
		return SyncState{}, err
	}
	if svc, err := x.b.service(); err == nil {
		x.b.stopSyncWatch()
		x.b.startSyncWatch(svc)
	}
	return x.Status()
}

// ChangePassphrase re-wraps the folder's key with a new passphrase.
func (x *Sync) ChangePassphrase(current, next string) (SyncState, error) {
	if err := firstError(checkText("passphrase", current, 1024), checkText("passphrase", next, 1024)); err != nil {
		return SyncState{}, x.b.fail("change passphrase", err)
	}
	if err := do(x.b, "change passphrase", func(s *app.Service) error {
		_, err := s.ChangeSyncPassphrase(x.b.ctx, current, next)
		return err
	}); err != nil {
		return SyncState{}, err
	}
	return x.Status()
}

// Disable stops syncing; nothing is deleted here or in the folder.
func (x *Sync) Disable() (SyncState, error) {
	if err := do(x.b, "turn off sync", func(s *app.Service) error { return s.DisableSync(x.b.ctx) }); err != nil {
		return SyncState{}, err
	}
	x.b.stopSyncWatch()
	w := &x.b.watch
	w.mu.Lock()
	w.lastErr = nil
	w.mu.Unlock()
	return x.Status()
}

// SyncNow makes one pass now, and tells the window as a background pass
// would.
func (x *Sync) SyncNow() (app.SyncReport, error) {
	svc, err := x.b.service()
	if err != nil {
		return app.SyncReport{}, x.b.fail("sync", err)
	}
	rep, err := svc.SyncNow(x.b.ctx)
	x.b.afterSyncPass(rep, err)
	return rep, x.b.fail("sync", err)
}

// RenameDevice names another computer here ("" goes back to its host name).
func (x *Sync) RenameDevice(id, alias string) error {
	if err := firstError(checkText("device", id, 64), checkText("device name", alias, 400)); err != nil {
		return x.b.fail("rename device", err)
	}
	return do(x.b, "rename device", func(s *app.Service) error { return s.RenameSyncDevice(x.b.ctx, id, alias) })
}

// ConflictVersions lists the texts competing with entry id's current one.
func (x *Sync) ConflictVersions(id string) ([]diary.Entry, error) {
	if err := checkID(id); err != nil {
		return nil, x.b.fail("conflict", err)
	}
	return call(x.b, "conflict", func(s *app.Service) ([]diary.Entry, error) { return s.ConflictVersions(x.b.ctx, id) })
}

// Resolve ends a conflict with the text the person picked or merged; it
// reaches the other computers with the next pass.
func (x *Sync) Resolve(in app.EntryInput) (diary.Entry, error) {
	if err := checkID(in.ID); err != nil {
		return diary.Entry{}, x.b.fail("resolve conflict", err)
	}
	return call(x.b, "resolve conflict", func(s *app.Service) (diary.Entry, error) { return s.ResolveConflict(x.b.ctx, in) })
}

// startSyncWatch runs svc's sync loop in the background when sync is on.
func (b *Backend) startSyncWatch(svc *app.Service) {
	st, err := svc.SyncStatus(b.ctx)
	if err != nil || !st.Enabled {
		return
	}
	ctx, cancel := context.WithCancel(b.ctx)
	done := make(chan struct{})
	w := &b.watch
	w.mu.Lock()
	w.cancel, w.done, w.conflicts = cancel, done, st.Conflicts
	w.mu.Unlock()
	go func() {
		defer close(done)
		if err := svc.WatchSync(ctx, b.afterSyncPass); err != nil && ctx.Err() == nil {
			b.afterSyncPass(app.SyncReport{}, err)
		}
	}()
}

// stopSyncWatch ends the loop and waits for a pass under way to finish, so
// the diary can be closed under it.
func (b *Backend) stopSyncWatch() {
	w := &b.watch
	w.mu.Lock()
	cancel, done := w.cancel, w.done
	w.cancel, w.done = nil, nil
	w.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// afterSyncPass tells the window how a pass went, and what it changed.
func (b *Backend) afterSyncPass(rep app.SyncReport, err error) {
	pass := SyncPass{Sent: rep.Sent, Received: rep.Received, Changed: rep.Changed, Conflicts: rep.Conflicts, Error: b.uiErrorOf("sync", err)}
	if pass.Changed == nil {
		pass.Changed = []string{}
	}
	if len(pass.Changed) > maxChangedIDs {
		pass.Changed, pass.More = pass.Changed[:maxChangedIDs], true
	}
	w := &b.watch
	w.mu.Lock()
	w.lastErr = pass.Error
	conflictsMoved := false
	if err == nil {
		if pass.Conflicts == nil {
			pass.Conflicts = []string{}
		}
		// The current text can stay while an entry falls into conflict:
		// its badge must still appear.
		conflictsMoved = !slices.Equal(w.conflicts, pass.Conflicts)
		w.conflicts = pass.Conflicts
	}
	w.mu.Unlock()
	b.emit.Emit("sync:pass", pass)
	if err == nil && (len(pass.Changed) > 0 || rep.Received > 0 || rep.Synonyms || conflictsMoved) {
		b.emit.Emit("sync:changed", pass)
	}
}
