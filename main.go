// Command tsuzuri-desktop is the Tsuzuri window: the web UI in frontend/
// over the Go core, bound through app/desktop.
package main

import (
	"context"
	"embed"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pkg/browser"
	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/menu"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/options/mac"
	"github.com/wailsapp/wails/v2/pkg/options/windows"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/tsuzuri/tsuzuri/app"
	"github.com/tsuzuri/tsuzuri/app/desktop"
	"github.com/tsuzuri/tsuzuri/attach"
	"github.com/tsuzuri/tsuzuri/version"
)

//go:embed all:frontend/dist
var assets embed.FS

// The window's icon: appicon.png at 256 px and 8 bits a channel (made with
// `convert build/appicon.png -resize 256x256 -depth 8 -strip`). GTK decodes
// it before the window opens, and the 1024 px, 16-bit original took 50 ms.
//
//go:embed build/windowicon.png
var icon []byte

func main() {
	launched := time.Now()
	// Lets a packaged app say which release it is without opening a window.
	if len(os.Args) == 2 && os.Args[1] == "--version" {
		fmt.Println("Tsuzuri", version.String())
		return
	}
	app.LimitMemory()
	level := slog.LevelInfo
	if os.Getenv("TSUZURI_LOG") == "debug" {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	prefsPath, err := desktop.DefaultPrefsPath()
	if err != nil {
		log.Error("settings", "err", err)
		prefsPath = filepath.Join(os.TempDir(), "tsuzuri-settings.json")
	}
	prefs := desktop.LoadPrefs(prefsPath)
	shell := &wailsShell{}
	shell.lang = desktop.LangFor(prefs.Values().Language, desktop.SystemLocale())
	shell.menu = appMenu(shell, shell.lang)
	backend := desktop.NewBackend(context.Background(), log, shell, shell, prefs, app.Open)
	shell.backend = backend
	backend.HoldBackgroundForFirstScreen()

	v := prefs.Values()
	var openedAt atomic.Int64 // when the data folder was open, unix ms
	err = wails.Run(&options.App{
		Title:            "Tsuzuri",
		Width:            v.WindowWidth,
		Height:           v.WindowHeight,
		MinWidth:         480, // narrow windows show the list in a drawer
		MinHeight:        480,
		BackgroundColour: background(v.Theme),
		AssetServer: &assetserver.Options{
			Assets:     assets,
			Handler:    attachmentHandler(prefs),
			Middleware: desktop.SecurityHeaders,
		},
		Menu: shell.menu,
		OnStartup: func(ctx context.Context) {
			shell.ctx = ctx
			backend.SetContext(ctx)
			localiseDialogs(desktop.Text(shell.lang))
			darkChrome(v.Theme == "dark")
			if v.WindowX != nil && v.WindowY != nil {
				runtime.WindowSetPosition(ctx, *v.WindowX, *v.WindowY)
			}
			windowAt := time.Now()
			runtime.EventsOnce(ctx, "ui:first-screen", func(data ...any) {
				log.Info("first screen shown", startupSplit(launched, windowAt, openedAt.Load(), data)...)
				backend.FirstScreenShown()
			})
			backend.Open()
			openedAt.Store(time.Now().UnixMilli())
		},
		OnBeforeClose: func(ctx context.Context) bool {
			// Give the editor a moment to save what was typed last.
			runtime.EventsEmit(ctx, "app:before-close")
			select {
			case <-backend.ClosingWait():
			case <-time.After(2 * time.Second):
			}
			w, h := runtime.WindowGetSize(ctx)
			x, y := runtime.WindowGetPosition(ctx)
			if w > 0 && h > 0 {
				_ = prefs.Update(func(p *desktop.PrefValues) { p.WindowWidth, p.WindowHeight, p.WindowX, p.WindowY = w, h, &x, &y })
			}
			return false
		},
		OnShutdown: func(context.Context) {
			if err := backend.Close(); err != nil {
				log.Error("close data folder", "err", err)
			}
		},
		Bind: backend.Bind(),
		SingleInstanceLock: &options.SingleInstanceLock{
			UniqueId: "dev.tsuzuri.desktop",
			OnSecondInstanceLaunch: func(options.SecondInstanceData) {
				if shell.ctx != nil {
					runtime.WindowUnminimise(shell.ctx)
					runtime.Show(shell.ctx)
				}
			},
		},
		Windows: &windows.Options{Theme: windows.SystemDefault},
		Mac:     &mac.Options{About: &mac.AboutInfo{Title: "Tsuzuri 綴り", Message: "Version " + version.String() + "\nA local-first diary with Japanese full-text search.", Icon: icon}},
		Linux:   &linux.Options{Icon: icon, ProgramName: "tsuzuri", WebviewGpuPolicy: linux.WebviewGpuPolicyOnDemand},
	})
	if err != nil {
		log.Error("window", "err", err)
		os.Exit(1)
	}
}

// background matches the UI's first paint, so a dark theme never flashes white.
func background(theme string) *options.RGBA {
	if theme == "dark" {
		return &options.RGBA{R: 28, G: 28, B: 30, A: 255}
	}
	return &options.RGBA{R: 250, G: 249, B: 246, A: 255}
}

// attachmentHandler serves /attachments/<file> from the data folder; the
// store refuses any path that leaves it.
func attachmentHandler(prefs *desktop.Prefs) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ref, ok := strings.CutPrefix(r.URL.Path, "/attachments/")
		if !ok {
			http.NotFound(w, r)
			return
		}
		store := attach.Store{Dir: filepath.Join(prefs.DataDirOrDefault(), "attachments")}
		f, err := store.Open(ref)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		if strings.HasSuffix(ref, ".svg") {
			// An SVG opened on its own could run script; as an image it cannot.
			w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
		}
		w.Header().Set("Cache-Control", "max-age=31536000, immutable")
		http.ServeContent(w, r, ref, time.Time{}, f)
	})
}

// appMenu is the menu bar in the language the UI starts in; the UI tells
// the shell its language once it has loaded (System.SetLanguage).
func appMenu(shell *wailsShell, lang string) *menu.Menu {
	return desktop.Menu(lang, desktop.MenuActions{
		Emit: func(name string) { shell.Emit(name, nil) },
		Quit: shell.Quit,
	})
}

// wailsShell is desktop.Shell and desktop.Emitter over the Wails runtime.
type wailsShell struct {
	ctx     context.Context
	backend *desktop.Backend
	menu    *menu.Menu

	langMu sync.Mutex
	lang   string // of the menu on screen
}

// SetLanguage redraws the menu bar in lang.
func (s *wailsShell) SetLanguage(lang string) {
	s.langMu.Lock()
	defer s.langMu.Unlock()
	if s.ctx == nil || lang == s.lang {
		return
	}
	s.lang = lang
	s.menu = appMenu(s, lang)
	relabelMenu(s.ctx, s.menu)
	localiseDialogs(desktop.Text(lang))
}

// SetDark draws the native menu bar dark or light, as the page is.
func (s *wailsShell) SetDark(dark bool) { darkChrome(dark) }

func (s *wailsShell) Emit(name string, data any) {
	if s.ctx != nil {
		runtime.EventsEmit(s.ctx, name, data)
	}
}

func (s *wailsShell) OpenFiles(title string, folder bool, filters []desktop.FileFilter) ([]string, error) {
	if folder {
		dir, err := runtime.OpenDirectoryDialog(s.ctx, runtime.OpenDialogOptions{Title: title})
		if dir == "" {
			return nil, err
		}
		return []string{dir}, err
	}
	opts := runtime.OpenDialogOptions{Title: title}
	for _, f := range filters {
		opts.Filters = append(opts.Filters, runtime.FileFilter{DisplayName: f.Name, Pattern: f.Pattern})
	}
	return runtime.OpenMultipleFilesDialog(s.ctx, opts)
}

func (s *wailsShell) SaveFile(title, name string) (string, error) {
	return runtime.SaveFileDialog(s.ctx, runtime.SaveDialogOptions{Title: title, DefaultFilename: name})
}

func (s *wailsShell) ChooseFolder(title string) (string, error) {
	return runtime.OpenDirectoryDialog(s.ctx, runtime.OpenDialogOptions{Title: title, CanCreateDirectories: true})
}

// OpenURL does not use runtime.BrowserOpenURL: since v2.10 Wails refuses
// valid links containing ( ) ~ ! * (Wikipedia's, for one) and only logs
// why. desktop.System has already allowed only http and https, and
// browser starts the opener without a shell.
func (s *wailsShell) OpenURL(url string) error { return browser.OpenURL(url) }

// ShowFolder hands the plain path to the same opener (xdg-open, open,
// ShellExecute), which shows a folder in the file manager; Wails refuses
// file: URLs.
func (s *wailsShell) ShowFolder(dir string) error { return browser.OpenURL(dir) }

func (s *wailsShell) Quit() { runtime.Quit(s.ctx) }
