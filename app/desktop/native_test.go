package desktop

import (
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/wailsapp/wails/v2/pkg/menu"
)

// labels lists the menu as a person reads it: each submenu's title, then
// its items; separators and the macOS-only role menus are left out.
func labels(m *menu.Menu) []string {
	var out []string
	for _, top := range m.Items {
		if top.SubMenu == nil || top.Role != 0 {
			continue
		}
		out = append(out, top.Label+":")
		for _, it := range top.SubMenu.Items {
			if it.Type != menu.SeparatorType {
				out = append(out, it.Label)
			}
		}
	}
	return out
}

func TestMenuFollowsTheLanguage(t *testing.T) {
	for _, tt := range []struct {
		lang string
		want []string
	}{
		{"ja", []string{"ファイル:", "新しい日記", "読み込み…", "書き出し…", "バックアップ…", "終了",
			"編集:", "元に戻す", "やり直す", "切り取り", "コピー", "貼り付け", "すべて選択", "設定…",
			"表示:", "検索", "タイムライン", "ゴミ箱", "ヘルプ:", "バージョン情報"}},
		{"en", []string{"File:", "New Entry", "Import…", "Export…", "Backup…", "Quit",
			"Edit:", "Undo", "Redo", "Cut", "Copy", "Paste", "Select All", "Settings…",
			"View:", "Search", "Timeline", "Trash", "Help:", "About Tsuzuri"}},
		{"fr", []string{"File:", "New Entry", "Import…", "Export…", "Backup…", "Quit",
			"Edit:", "Undo", "Redo", "Cut", "Copy", "Paste", "Select All", "Settings…",
			"View:", "Search", "Timeline", "Trash", "Help:", "About Tsuzuri"}},
	} {
		got := labels(Menu(tt.lang, MenuActions{Emit: func(string) {}, Quit: func() {}}))
		if !slices.Equal(got, tt.want) {
			t.Errorf("menu in %q = %q, want %q", tt.lang, got, tt.want)
		}
	}
}

// On macOS the Edit menu is Wails' role menu (Cmd+C and Cmd+V in text
// fields need it) and Settings is not under View.
func TestMacMenuHasTheEditRole(t *testing.T) {
	menuOS = "darwin"
	defer func() { menuOS = runtime.GOOS }()
	m := Menu("ja", MenuActions{Emit: func(string) {}, Quit: func() {}})
	roles := 0
	for _, top := range m.Items {
		if top.Role == menu.EditMenuRole {
			roles++
		}
	}
	got := labels(m)
	want := []string{"ファイル:", "新しい日記", "読み込み…", "書き出し…", "バックアップ…", "設定…", "終了",
		"表示:", "検索", "タイムライン", "ゴミ箱", "ヘルプ:", "バージョン情報"}
	if roles != 1 || !slices.Equal(got, want) {
		t.Errorf("macOS menu: %d edit roles, %q; want 1 and %q", roles, got, want)
	}
}

func TestMenuItemsDoWhatTheySay(t *testing.T) {
	var emitted []string
	quit := false
	m := Menu("ja", MenuActions{Emit: func(e string) { emitted = append(emitted, e) }, Quit: func() { quit = true }})
	for _, top := range m.Items {
		if top.SubMenu == nil {
			continue
		}
		for _, it := range top.SubMenu.Items {
			if it.Click != nil {
				it.Click(&menu.CallbackData{MenuItem: it})
			}
		}
	}
	want := []string{"menu:new-entry", "menu:import", "menu:export", "menu:backup",
		"menu:edit:undo", "menu:edit:redo", "menu:edit:cut", "menu:edit:copy", "menu:edit:paste", "menu:edit:selectAll", "menu:settings",
		"menu:search", "menu:timeline", "menu:trash", "menu:about"}
	if !slices.Equal(emitted, want) || !quit {
		t.Errorf("clicks emitted %q (quit %v), want %q and quit", emitted, quit, want)
	}
}

func TestLangFor(t *testing.T) {
	for _, tt := range []struct{ setting, locale, want string }{
		{"", "ja_JP.UTF-8", "ja"},
		{"", "ja-JP", "ja"},
		{"", "en_US.UTF-8", "en"},
		{"", "", "en"},
		{"en", "ja_JP.UTF-8", "en"},
		{"ja", "C", "ja"},
	} {
		if got := LangFor(tt.setting, tt.locale); got != tt.want {
			t.Errorf("LangFor(%q, %q) = %q, want %q", tt.setting, tt.locale, got, tt.want)
		}
	}
}

type followingShell struct {
	*recorder
	langs []string
	darks []bool
}

func (f *followingShell) SetLanguage(lang string) { f.langs = append(f.langs, lang) }
func (f *followingShell) SetDark(dark bool)       { f.darks = append(f.darks, dark) }

// The GTK menu bar is drawn dark with the page, and the file dialogs'
// buttons have Japanese labels (Wails gives GTK English ones).
func TestNativeChromeFollowsTheThemeAndLanguage(t *testing.T) {
	b, rec := newBackend(t, t.TempDir())
	shell := &followingShell{recorder: rec}
	b.shell = shell
	(&System{b}).SetDarkTheme(true)
	(&System{b}).SetDarkTheme(false)
	if !slices.Equal(shell.darks, []bool{true, false}) {
		t.Errorf("shell told dark = %v", shell.darks)
	}
	ja := Text("ja")
	if ja.DialogCancel != "キャンセル(_C)" || ja.DialogOpen != "開く(_O)" || ja.DialogSave != "保存(_S)" {
		t.Errorf("Japanese dialog buttons = %q %q %q", ja.DialogCancel, ja.DialogOpen, ja.DialogSave)
	}
}

// Dialogs open in the language the UI shows, and switch when it does;
// the shell (the app's menu) is told each time.
func TestDialogsFollowTheUILanguage(t *testing.T) {
	t.Setenv("LANG", "ja_JP.UTF-8")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	b, rec := newBackend(t, t.TempDir())
	shell := &followingShell{recorder: rec}
	b.shell = shell
	lib := &Library{b}
	if _, err := lib.PickImportSource("", false); err != nil {
		t.Fatal(err)
	}
	if got := rec.titles[len(rec.titles)-1]; got != "日記を読み込む" {
		t.Errorf("import dialog title under LANG=ja = %q", got)
	}
	if !strings.HasPrefix(rec.filters[0].Name, "書き出したファイル") || rec.filters[1].Name != "すべてのファイル" {
		t.Errorf("import filters under LANG=ja = %+v", rec.filters)
	}
	(&System{b}).SetLanguage("en")
	if _, err := lib.PickImportSource("markdown", false); err != nil {
		t.Fatal(err)
	}
	if got := rec.titles[len(rec.titles)-1]; got != "Import entries" || rec.filters[1].Name != "All files" {
		t.Errorf("import dialog after switching to English = %q, %+v", got, rec.filters)
	}
	if _, err := lib.Backup(); err != nil {
		t.Fatal(err)
	}
	if got := rec.titles[len(rec.titles)-1]; got != "Save a backup" {
		t.Errorf("backup dialog title = %q", got)
	}
	(&System{b}).SetLanguage("xx") // ignored
	if !slices.Equal(shell.langs, []string{"en"}) {
		t.Errorf("shell told %q, want [en]", shell.langs)
	}
}
