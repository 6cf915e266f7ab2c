package desktop

import (
	"runtime"
	"strings"

	"github.com/wailsapp/wails/v2/pkg/menu"
	"github.com/wailsapp/wails/v2/pkg/menu/keys"
)

// NativeText is what the operating system draws for the app — the menu bar
// and the file dialogs — in one language. The web UI has its own table
// (frontend/src/lib/i18n.ts); these must follow the same language setting.
type NativeText struct {
	File, NewEntry, Import, Export, Backup, Quit  string
	Edit, Undo, Redo, Cut, Copy, Paste, SelectAll string
	View, Search, Timeline, Trash, Settings       string
	Help, About                                   string
	// Dialog titles and the file filters' names.
	ImportTitle, ExportTitle, BackupTitle, DataFolderTitle, SyncFolderTitle string
	Exports, AllFiles                                                       string
	// The file dialogs' buttons (GTK; _ marks the access key).
	DialogCancel, DialogOpen, DialogSave string
}

var nativeTexts = map[string]NativeText{
	"ja": {
		File: "ファイル", NewEntry: "新しい日記", Import: "読み込み…", Export: "書き出し…", Backup: "バックアップ…", Quit: "終了",
		Edit: "編集", Undo: "元に戻す", Redo: "やり直す", Cut: "切り取り", Copy: "コピー", Paste: "貼り付け", SelectAll: "すべて選択",
		View: "表示", Search: "検索", Timeline: "タイムライン", Trash: "ゴミ箱", Settings: "設定…",
		Help: "ヘルプ", About: "バージョン情報",
		ImportTitle: "日記を読み込む", ExportTitle: "書き出す", BackupTitle: "バックアップの保存先", DataFolderTitle: "データフォルダを選ぶ", SyncFolderTitle: "同期に使うフォルダを選ぶ",
		Exports: "書き出したファイル", AllFiles: "すべてのファイル",
		DialogCancel: "キャンセル(_C)", DialogOpen: "開く(_O)", DialogSave: "保存(_S)",
	},
	"en": {
		File: "File", NewEntry: "New Entry", Import: "Import…", Export: "Export…", Backup: "Backup…", Quit: "Quit",
		Edit: "Edit", Undo: "Undo", Redo: "Redo", Cut: "Cut", Copy: "Copy", Paste: "Paste", SelectAll: "Select All",
		View: "View", Search: "Search", Timeline: "Timeline", Trash: "Trash", Settings: "Settings…",
		Help: "Help", About: "About Tsuzuri",
		ImportTitle: "Import entries", ExportTitle: "Export", BackupTitle: "Save a backup", DataFolderTitle: "Choose a data folder", SyncFolderTitle: "Choose a folder to sync through",
		Exports: "Exports", AllFiles: "All files",
		DialogCancel: "_Cancel", DialogOpen: "_Open", DialogSave: "_Save",
	},
}

// Text returns the native text for lang ("ja" or "en"; anything else is English).
func Text(lang string) NativeText {
	if t, ok := nativeTexts[lang]; ok {
		return t
	}
	return nativeTexts["en"]
}

// LangFor is the UI language for a setting ("", "ja", "en") and a system
// locale such as "ja-JP" or "ja_JP.UTF-8": the same rule as the web UI's
// pickLang, so the menu and the page never disagree at startup.
func LangFor(setting, locale string) string {
	if setting == "ja" || setting == "en" {
		return setting
	}
	if strings.HasPrefix(strings.ToLower(locale), "ja") {
		return "ja"
	}
	return "en"
}

// MenuActions are what the menu's items do.
type MenuActions struct {
	Emit func(event string) // tells the UI, e.g. "menu:new-entry"
	Quit func()
}

// menuOS is the system the menu is for (tests build the others').
var menuOS = runtime.GOOS

// Menu is the application menu in lang: ファイル, 編集 (with 設定, as
// GNOME and Windows apps keep their preferences), 表示, ヘルプ.
func Menu(lang string, do MenuActions) *menu.Menu {
	t := Text(lang)
	emit := func(name string) func(*menu.CallbackData) {
		return func(*menu.CallbackData) { do.Emit(name) }
	}
	m := menu.NewMenu()
	m.Append(menu.AppMenu()) // macOS only; ignored elsewhere
	file := m.AddSubmenu(t.File)
	file.AddText(t.NewEntry, keys.CmdOrCtrl("n"), emit("menu:new-entry"))
	file.AddSeparator()
	// Import and Export have no shortcut: Ctrl+I and Ctrl+E belong to the
	// editor, and a menu accelerator would take them from it.
	file.AddText(t.Import, nil, emit("menu:import"))
	file.AddText(t.Export, nil, emit("menu:export"))
	file.AddText(t.Backup, nil, emit("menu:backup"))
	file.AddSeparator()
	if menuOS == "darwin" {
		// macOS keeps Settings in the app menu's place for it, which a Wails
		// v2 role menu cannot hold: it goes above Quit.
		file.AddText(t.Settings, keys.CmdOrCtrl(","), emit("menu:settings"))
		file.AddSeparator()
	}
	file.AddText(t.Quit, keys.CmdOrCtrl("q"), func(*menu.CallbackData) { do.Quit() })
	if menuOS == "darwin" {
		// The role menu is what gives text fields Cmd+C and Cmd+V on macOS.
		m.Append(menu.EditMenu())
	} else {
		// Elsewhere the keys reach the page without a menu; these items have
		// no accelerator, so a menu never takes Ctrl+C from a text field.
		edit := m.AddSubmenu(t.Edit)
		edit.AddText(t.Undo, nil, emit("menu:edit:undo"))
		edit.AddText(t.Redo, nil, emit("menu:edit:redo"))
		edit.AddSeparator()
		edit.AddText(t.Cut, nil, emit("menu:edit:cut"))
		edit.AddText(t.Copy, nil, emit("menu:edit:copy"))
		edit.AddText(t.Paste, nil, emit("menu:edit:paste"))
		edit.AddText(t.SelectAll, nil, emit("menu:edit:selectAll"))
		edit.AddSeparator()
		edit.AddText(t.Settings, keys.CmdOrCtrl(","), emit("menu:settings"))
	}
	view := m.AddSubmenu(t.View)
	view.AddText(t.Search, keys.CmdOrCtrl("k"), emit("menu:search"))
	view.AddText(t.Timeline, nil, emit("menu:timeline"))
	view.AddText(t.Trash, nil, emit("menu:trash"))
	// macOS also has the app menu's About panel (mac.AboutInfo in main.go).
	help := m.AddSubmenu(t.Help)
	help.AddText(t.About, nil, emit("menu:about"))
	return m
}

// LanguageFollower is a Shell that redraws its native parts (the menu)
// when the UI language changes. It is optional: test shells have no menu.
type LanguageFollower interface {
	SetLanguage(lang string)
}

// ThemeFollower is a Shell whose native parts (the GTK menu bar) are drawn
// dark or light with the UI. Optional, like LanguageFollower.
type ThemeFollower interface {
	SetDark(dark bool)
}

// SetDarkTheme is called by the UI with the theme it shows (the setting,
// or the system's when it follows the system).
func (x *System) SetDarkTheme(dark bool) {
	if f, ok := x.b.shell.(ThemeFollower); ok {
		f.SetDark(dark)
	}
}

// lang is the language native dialogs use now.
func (b *Backend) lang() string {
	b.langMu.Lock()
	defer b.langMu.Unlock()
	if b.uiLang == "" {
		b.uiLang = LangFor(b.prefs.Values().Language, SystemLocale())
	}
	return b.uiLang
}

func (b *Backend) text() NativeText { return Text(b.lang()) }

// SetLanguage is called by the UI with the language it shows ("ja" or
// "en"), at startup and whenever the setting changes, so the menu and the
// dialogs switch with it.
func (x *System) SetLanguage(lang string) {
	if lang != "ja" && lang != "en" {
		return
	}
	x.b.langMu.Lock()
	x.b.uiLang = lang
	x.b.langMu.Unlock()
	if f, ok := x.b.shell.(LanguageFollower); ok {
		f.SetLanguage(lang)
	}
}
