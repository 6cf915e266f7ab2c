package desktop

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/tsuzuri/tsuzuri/app"
	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/version"
)

// Prefs are the app's preferences, kept as JSON in the user's config
// folder — not in the data folder, which they point to.
type Prefs struct {
	path string
	mu   sync.Mutex
	v    PrefValues
}

// PrefValues is the preferences file.
type PrefValues struct {
	Theme          string `json:"theme"`    // system, light, dark
	Language       string `json:"language"` // "" (the system's), ja, en
	EditorFontSize int    `json:"editorFontSize"`
	DataDir        string `json:"dataDir"` // "" means the default
	WindowWidth    int    `json:"windowWidth"`
	WindowHeight   int    `json:"windowHeight"`
	// WindowX and WindowY are where the window was; nil until it has been
	// placed once (then the system centres it).
	WindowX *int `json:"windowX,omitempty"`
	WindowY *int `json:"windowY,omitempty"`
}

// LoadPrefs reads the preferences at path; a missing or unreadable file
// gives the defaults (it is rewritten on the next save).
func LoadPrefs(path string) *Prefs {
	p := &Prefs{path: path, v: PrefValues{Theme: "system", EditorFontSize: 15, WindowWidth: 1200, WindowHeight: 800}}
	if raw, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(raw, &p.v)
	}
	p.v = p.v.normalised()
	return p
}

// DefaultPrefsPath is <user config dir>/Tsuzuri/settings.json.
func DefaultPrefsPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the settings folder: %w", err)
	}
	return filepath.Join(dir, "Tsuzuri", "settings.json"), nil
}

func (v PrefValues) normalised() PrefValues {
	switch v.Theme {
	case "system", "light", "dark":
	default:
		v.Theme = "system"
	}
	switch v.Language {
	case "", "ja", "en":
	default:
		v.Language = ""
	}
	v.EditorFontSize = min(max(v.EditorFontSize, 11), 28)
	v.WindowWidth = min(max(v.WindowWidth, 640), 4000)
	v.WindowHeight = min(max(v.WindowHeight, 480), 3000)
	return v
}

// Values returns a copy of the preferences.
func (p *Prefs) Values() PrefValues {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.v
}

// Update changes the preferences and writes them.
func (p *Prefs) Update(fn func(*PrefValues)) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	v := p.v
	fn(&v)
	v = v.normalised()
	raw, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p.path), 0o755); err != nil {
		return fmt.Errorf("create settings folder: %w", err)
	}
	tmp := p.path + ".tmp"
	if err := os.WriteFile(tmp, raw, 0o644); err != nil {
		return fmt.Errorf("write settings: %w", err)
	}
	if err := os.Rename(tmp, p.path); err != nil {
		return fmt.Errorf("write settings: %w", err)
	}
	p.v = v
	return nil
}

// DataDirOrDefault is the data folder to open.
func (p *Prefs) DataDirOrDefault() string {
	if env := os.Getenv("TSUZURI_DATA"); env != "" {
		return env
	}
	if dir := p.Values().DataDir; dir != "" {
		return dir
	}
	dir, err := app.DefaultDataDir()
	if err != nil {
		return ""
	}
	return dir
}

// Settings is the preferences as the UI edits them.
type Settings struct{ b *Backend }

// SettingsValues is what the settings panel shows.
type SettingsValues struct {
	Theme          string
	Language       string
	EditorFontSize int
	DataDir        string // read-only here: ChooseDataFolder changes it
}

func (x *Settings) Get() (SettingsValues, error) {
	v := x.b.prefs.Values()
	return SettingsValues{Theme: v.Theme, Language: v.Language, EditorFontSize: v.EditorFontSize, DataDir: x.b.prefs.DataDirOrDefault()}, nil
}

func (x *Settings) Save(s SettingsValues) error {
	if err := firstError(checkOneOf("theme", s.Theme, "system", "light", "dark"), checkOneOf("language", s.Language, "", "ja", "en")); err != nil {
		return x.b.fail("save settings", err)
	}
	if s.EditorFontSize < 11 || s.EditorFontSize > 28 {
		return x.b.fail("save settings", diary.Errorf(diary.EInvalid, "The editor font size is 11 to 28, not %d.", s.EditorFontSize))
	}
	return x.b.fail("save settings", x.b.prefs.Update(func(v *PrefValues) {
		v.Theme, v.Language, v.EditorFontSize = s.Theme, s.Language, s.EditorFontSize
	}))
}

// OpenDataFolder shows the data folder in the file manager.
func (x *Settings) OpenDataFolder() error {
	return x.b.fail("open data folder", x.b.shell.ShowFolder(x.b.prefs.DataDirOrDefault()))
}

// ChooseDataFolder picks another data folder, used from the next start; ""
// means cancelled.
func (x *Settings) ChooseDataFolder() (string, error) {
	dir, err := x.b.shell.ChooseFolder(x.b.text().DataFolderTitle)
	if err != nil || dir == "" {
		return "", x.b.fail("choose folder", err)
	}
	return dir, x.b.fail("save settings", x.b.prefs.Update(func(v *PrefValues) { v.DataDir = dir }))
}

// System is the app itself: its state, links, quitting.
type System struct{ b *Backend }

func (x *System) Status() (Status, error) {
	x.b.mu.RLock()
	defer x.b.mu.RUnlock()
	st := x.b.status
	if x.b.svc != nil {
		st.Damaged = x.b.svc.Damaged()
	}
	return st, nil
}

// RetryOpen tries the data folder again (after the other Tsuzuri quit).
func (x *System) RetryOpen() (Status, error) { return x.b.Open(), nil }

func (x *System) Quit() error {
	x.b.shell.Quit()
	return nil
}

// OpenURL opens a web or mail link in the system browser or mail app; the
// app window itself never navigates. Anything else is refused, including
// the disguised forms of script and file links (tabs, newlines and
// controls inside the scheme, leading spaces), which the webview would
// have read as javascript: or file:.
func (x *System) OpenURL(link string) error {
	u, ok := openableLink(link)
	if !ok {
		return x.b.fail("open link", diary.Errorf(diary.EInvalid, "Only web and mail links (http, https, mailto) open from a note."))
	}
	if err := x.b.shell.OpenURL(u); err != nil {
		// Not an internal error: the UI says the browser did not open and
		// offers to copy the link.
		x.b.log.Warn("open link", "err", err)
		return x.b.fail("open link", diary.Errorf(diary.EConflict, "The browser could not be opened (%v).", err))
	}
	return nil
}

// maxLinkBytes is far beyond any real link and bounds what reaches the
// system opener.
const maxLinkBytes = 8 << 10

// openableLink returns link, as the opener should get it, if it is an
// http(s) link with a host or a mailto link with an address.
func openableLink(link string) (string, bool) {
	if len(link) > maxLinkBytes || !utf8.ValidString(link) ||
		strings.ContainsFunc(link, func(r rune) bool { return r <= ' ' || r == 0x7f || unicode.IsControl(r) || unicode.IsSpace(r) }) {
		return "", false
	}
	u, err := url.Parse(link)
	if err != nil {
		return "", false
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" || u.Opaque != "" {
			return "", false
		}
	case "mailto":
		if u.Opaque == "" || u.Host != "" {
			return "", false
		}
	default:
		return "", false
	}
	return u.String(), true
}

// Locale is the system's language tag, e.g. "ja-JP".
func (x *System) Locale() string { return SystemLocale() }

// SystemLocale is the language tag of LC_ALL, LC_MESSAGES or LANG, e.g.
// "ja-JP"; "" when none is set (Windows and macOS set none).
func SystemLocale() string {
	for _, env := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		tag, _, _ := strings.Cut(os.Getenv(env), ".")
		if tag != "" && tag != "C" && tag != "POSIX" {
			return strings.ReplaceAll(tag, "_", "-")
		}
	}
	return ""
}

// Version is the release number, for the About dialog.
func (x *System) Version() string { return version.String() }

// ReadyToClose is called by the UI once unsaved text is saved.
func (x *System) ReadyToClose() {
	x.b.closeOnce.Do(func() { close(x.b.ready) })
}

// ClosingWait returns a channel closed when the UI says it has saved
// everything.
func (b *Backend) ClosingWait() <-chan struct{} { return b.ready }
