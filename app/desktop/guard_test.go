package desktop

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tsuzuri/tsuzuri/app"
	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/storage"
)

// hostile are arguments a script in the webview could send in place of
// ids, names and paths.
var hostile = []string{
	"../../etc/passwd", "/etc/passwd", `C:\Windows\win.ini`, `..\..\secret`, "a\x00b", "\x00",
	strings.Repeat("x", 1<<20), "id with space", "改行\nあり", "\xff\xfe", "",
}

func TestBoundMethodsRefuseHostileArguments(t *testing.T) {
	t.Setenv("TSUZURI_DATA", "")
	dataDir := t.TempDir()
	b, rec := newBackend(t, dataDir)
	if s := b.Open(); !s.Ready {
		t.Fatalf("Open: %+v", s)
	}
	entries, finder, render, lib, settings := &Entries{b}, &Finder{b: b}, &Render{b}, &Library{b}, &Settings{b}
	outside := filepath.Join(t.TempDir(), "outside.jsonl")
	os.WriteFile(outside, []byte(`{"id":"x","title":"t","body":"b","date":"2024-01-01"}`+"\n"), 0o644)
	written := filepath.Join(t.TempDir(), "stolen.jsonl")

	// An id is a database key, never a path: a path-like id is simply not
	// found. Everything else hostile is refused as invalid.
	type call struct {
		name string
		fn   func(arg string) error
	}
	isID := func(name string) bool { return strings.HasPrefix(name, "Entries.") || name == "Finder.Related(ID)" }
	calls := []call{
		{"Entries.Get", func(a string) error { _, err := entries.Get(a); return err }},
		{"Entries.Trash", func(a string) error { return entries.Trash(a) }},
		{"Entries.Restore", func(a string) error { return entries.Restore(a) }},
		{"Entries.CopyRemoteImages", func(a string) error { _, err := entries.CopyRemoteImages(a, nil); return err }},
		{"Entries.History", func(a string) error { _, err := entries.History(a); return err }},
		{"Entries.Revision", func(a string) error { _, err := entries.Revision(a, 1); return err }},
		{"Entries.RestoreRevision", func(a string) error { _, err := entries.RestoreRevision(a, 1); return err }},
		{"Entries.Save(ID)", func(a string) error {
			if checkID(a) == nil || a == "" { // a new id, or a new entry
				return errSkip
			}
			_, err := entries.Save(app.EntryInput{ID: a, Title: "t", Date: "2024-01-01"})
			return err
		}},
		{"Library.PreviewImport", func(a string) error { _, err := lib.PreviewImport(app.ImportRequest{Paths: []string{a}}); return err }},
		{"Library.StartImport", func(a string) error { _, err := lib.StartImport(app.ImportRequest{Paths: []string{a}}); return err }},
		{"Library.Export(Dest)", func(a string) error { _, err := lib.Export(app.ExportRequest{Format: "jsonl", Dest: a}); return err }},
		{"Library.PickImportSource(format)", func(a string) error {
			if a == "" { // detect the format
				return errSkip
			}
			_, err := lib.PickImportSource(a, false)
			return err
		}},
		{"Library.PickExportTarget(format)", func(a string) error { _, err := lib.PickExportTarget(a); return err }},
		{"Finder.Search(Sort)", func(a string) error {
			_, err := finder.Search(app.SearchRequest{Query: "x", Sort: a + "!"})
			return err
		}},
		{"Finder.Related(ID)", func(a string) error {
			if a == "" { // a new entry, not yet saved
				return errSkip
			}
			_, err := finder.Related(app.RelatedRequest{ID: a})
			return err
		}},
		{"Finder.Related(Body)", func(a string) error {
			if checkText("text", a, storage.MaxBodyBytes) == nil { // any text is something to compare
				return errSkip
			}
			_, err := finder.Related(app.RelatedRequest{Body: a})
			return err
		}},
		{"Settings.Save(Theme)", func(a string) error {
			return settings.Save(SettingsValues{Theme: a, Language: "ja", EditorFontSize: 15})
		}},
		{"Settings.Save(Language)", func(a string) error {
			return settings.Save(SettingsValues{Theme: "dark", Language: a + "x", EditorFontSize: 15})
		}},
	}
	for _, c := range calls {
		for _, arg := range hostile {
			err := c.fn(arg)
			if err == errSkip {
				continue
			}
			if err == nil {
				t.Errorf("%s(%.30q) succeeded", c.name, arg)
				continue
			}
			e := uiErr(t, err)
			if isID(c.name) && e.Code == "not_found" {
				continue
			}
			if e.Code != "invalid" || e.Message == "" || len(e.Message) > 400 {
				t.Errorf("%s(%.30q) = %+v, want a short invalid-input error", c.name, arg, e)
			}
		}
	}
	// Real files outside the data folder, not picked in a dialog.
	if _, err := lib.PreviewImport(app.ImportRequest{Paths: []string{outside}}); uiErr(t, err).Code != "invalid" {
		t.Errorf("PreviewImport of a file never picked: %v", err)
	}
	if _, err := lib.Export(app.ExportRequest{Format: "jsonl", Dest: written}); uiErr(t, err).Code != "invalid" {
		t.Errorf("Export to a file never picked: %v", err)
	}
	if _, err := os.Stat(written); err == nil {
		t.Error("Export wrote a file the user never picked")
	}
	// A path picked to read may not be written, and one picked to write may not be read.
	rec.picks = []string{outside}
	if _, err := lib.PickImportSource("jsonl", false); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Export(app.ExportRequest{Format: "jsonl", Dest: outside}); uiErr(t, err).Code != "invalid" {
		t.Errorf("Export over a file picked for import: %v", err)
	}
	if p, err := lib.PreviewImport(app.ImportRequest{Format: "jsonl", Paths: []string{outside}}); err != nil || p.Count != 1 {
		t.Errorf("PreviewImport of the picked file = %+v, %v", p, err)
	}

	// The synonyms list is text kept at a fixed place in the data folder.
	for _, bad := range []string{"同義語\x00", "\xff\xfe", strings.Repeat("x", 1<<20+1)} {
		if err := finder.SetSynonyms(bad); uiErr(t, err).Code != "invalid" {
			t.Errorf("SetSynonyms(%.20q) = %v", bad, err)
		}
	}

	// Sizes and counts.
	huge := strings.Repeat("あ", storage.MaxBodyBytes/3+1)
	if _, err := render.Markdown(huge); uiErr(t, err).Code != "invalid" {
		t.Error("Markdown of more than a note can hold was rendered")
	}
	if _, err := finder.Search(app.SearchRequest{Query: strings.Repeat("q", 5000)}); uiErr(t, err).Code != "invalid" {
		t.Error("a 5000-byte query was run")
	}
	if _, err := finder.Search(app.SearchRequest{Query: "q", Limit: 1 << 30}); uiErr(t, err).Code != "invalid" {
		t.Error("a page of 2^30 results was asked for")
	}
	if _, err := finder.Related(app.RelatedRequest{Body: "本文", Limit: 1 << 20}); uiErr(t, err).Code != "invalid" {
		t.Error("2^20 related entries were asked for")
	}
	if _, err := finder.Related(app.RelatedRequest{Title: strings.Repeat("題", storage.MaxTitleBytes)}); uiErr(t, err).Code != "invalid" {
		t.Error("a title longer than a title can be was compared")
	}
	if _, err := finder.Search(app.SearchRequest{Query: "q", Offset: -1}); uiErr(t, err).Code != "invalid" {
		t.Error("a negative offset was accepted")
	}
	if _, err := finder.Highlights("本文", make([]string, 1000)); uiErr(t, err).Code != "invalid" {
		t.Error("1000 highlight terms were accepted")
	}
	if err := settings.Save(SettingsValues{Theme: "dark", EditorFontSize: 1 << 20}); uiErr(t, err).Code != "invalid" {
		t.Error("a font size of 2^20 was accepted")
	}
	big := base64.StdEncoding.EncodeToString(make([]byte, 51<<20))
	if _, err := render.SaveAttachment("big.png", big); uiErr(t, err).Code != "invalid" {
		t.Error("a 51 MB attachment was accepted")
	}
	// The attachment's name never places the file: it lands in the data folder.
	ref, err := render.SaveAttachment("../../../escape.png", base64.StdEncoding.EncodeToString([]byte("\x89PNG\r\n\x1a\n画像")))
	if err != nil || !strings.HasPrefix(ref, "attachments/") || strings.Contains(ref, "..") {
		t.Errorf("SaveAttachment with a climbing name = %q, %v", ref, err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "attachments", filepath.Base(ref))); err != nil {
		t.Errorf("the attachment is not in the data folder: %v", err)
	}
}

var errSkip = errors.New("not a case for this method")

func TestOpenURLOpensOnlyWebAndMailLinks(t *testing.T) {
	b, rec := newBackend(t, t.TempDir())
	sys := &System{b}
	for _, bad := range []string{
		"javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "java\nscript:alert(1)",
		" javascript:alert(1)", "\x01javascript:alert(1)", "javascript&colon;alert(1)",
		"vbscript:msgbox(1)", "VBScript:msgbox(1)", "data:text/html,<script>alert(1)</script>",
		"file:///etc/passwd", "FILE:///C:/Windows/win.ini", "fi\tle:///etc/passwd", "wails://app", "about:blank",
		"http://", "https:///path", "mailto:", "//example.com/x", "/attachments/a.png", "not a url", "",
		"https://example.com/\x00", "https://exa mple.com/", "https://example.com/" + strings.Repeat("a", 9000),
	} {
		if err := sys.OpenURL(bad); err == nil || uiErr(t, err).Code != "invalid" {
			t.Errorf("OpenURL(%.40q) = %v, want refused", bad, err)
		}
	}
	if len(rec.opened) != 0 {
		t.Fatalf("refused links reached the opener: %q", rec.opened)
	}
	for _, good := range []string{
		"https://ja.wikipedia.org/wiki/綴り_(曖昧さ回避)", // Wails' own BrowserOpenURL refuses parentheses
		"HTTPS://Example.com/slides", "http://192.0.2.1:8080/a?b=c#d", "mailto:team@example.com?subject=議事録",
	} {
		if err := sys.OpenURL(good); err != nil {
			t.Errorf("OpenURL(%q) = %v", good, err)
		}
	}
	if len(rec.opened) != 4 || !strings.HasPrefix(rec.opened[1], "https://") || !strings.HasPrefix(rec.opened[3], "mailto:") {
		t.Errorf("opened %q", rec.opened)
	}
}

// failingShell is a desktop without a browser.
type failingShell struct{ recorder }

func (*failingShell) OpenURL(string) error { return os.ErrNotExist }

func TestOpenURLSaysWhenTheBrowserDoesNotOpen(t *testing.T) {
	b, _ := newBackend(t, t.TempDir())
	b.shell = &failingShell{}
	e := uiErr(t, (&System{b}).OpenURL("https://example.com/"))
	if e.Code != "conflict" || !strings.Contains(e.Message, "browser could not be opened") {
		t.Errorf("OpenURL without a browser = %+v", e)
	}
}

func TestCheckHosts(t *testing.T) {
	for _, ok := range [][]string{nil, {"192.168.0.1"}, {"printer.local", "[fe80::1%25eth0]", "Router"}} {
		if err := checkHosts(ok); err != nil {
			t.Errorf("checkHosts(%q) = %v", ok, err)
		}
	}
	many := make([]string, maxAllowedHosts+1)
	for i := range many {
		many[i] = "h"
	}
	for _, bad := range [][]string{{""}, {"a b"}, {"user@host"}, {"host/path"}, {strings.Repeat("a", 254)}, many} {
		if err := checkHosts(bad); diary.ErrorCode(err) != diary.EInvalid {
			t.Errorf("checkHosts(%.40q) = %v, want invalid", bad, err)
		}
	}
}
