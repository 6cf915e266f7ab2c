package desktop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tsuzuri/tsuzuri/app"
)

type recorder struct {
	mu      sync.Mutex
	events  []string
	data    []any
	picks   []string
	filters []FileFilter
	opened  []string
	titles  []string
	folder  string // what the folder dialog answers
}

func (r *recorder) Emit(name string, data any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, name)
	r.data = append(r.data, data)
}

func (r *recorder) OpenFiles(title string, _ bool, filters []FileFilter) ([]string, error) {
	r.filters = filters
	r.titles = append(r.titles, title)
	return r.picks, nil
}
func (r *recorder) SaveFile(title, _ string) (string, error) {
	r.titles = append(r.titles, title)
	return "", nil
}
func (r *recorder) ChooseFolder(title string) (string, error) {
	r.titles = append(r.titles, title)
	return r.folder, nil
}
func (r *recorder) OpenURL(u string) error      { r.opened = append(r.opened, u); return nil }
func (r *recorder) ShowFolder(dir string) error { r.opened = append(r.opened, dir); return nil }
func (r *recorder) Quit()                       {}

func (r *recorder) waitFor(t *testing.T, name string) any {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		for i, e := range r.events {
			if e == name {
				d := r.data[i]
				r.mu.Unlock()
				return d
			}
		}
		r.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no %s event", name)
	return nil
}

func newBackend(t *testing.T, dir string) (*Backend, *recorder) {
	t.Helper()
	rec := &recorder{}
	prefs := LoadPrefs(filepath.Join(t.TempDir(), "settings.json"))
	if err := prefs.Update(func(v *PrefValues) { v.DataDir = dir }); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b := NewBackend(context.Background(), log, rec, rec, prefs, app.Open)
	t.Cleanup(func() { b.Close() })
	return b, rec
}

func uiErr(t *testing.T, err error) uiError {
	t.Helper()
	if err == nil {
		t.Fatal("want an error")
	}
	var e uiError
	if jerr := json.Unmarshal([]byte(err.Error()), &e); jerr != nil {
		t.Fatalf("error %q is not the UI's JSON: %v", err, jerr)
	}
	return e
}

func TestSaveSearchAndErrors(t *testing.T) {
	t.Setenv("TSUZURI_DATA", "")
	b, _ := newBackend(t, t.TempDir())
	if s := b.Open(); !s.Ready {
		t.Fatalf("Open: %+v", s)
	}
	entries, finder, render := &Entries{b}, &Finder{b: b}, &Render{b}
	saved, err := entries.Save(app.EntryInput{Title: "勉強会", Body: "AWS Security Hub とサーバー", Date: "2024-03-01", Tags: []string{"AWS"}})
	if err != nil {
		t.Fatal(err)
	}
	// Open's background checks may hold the index for a moment; the save
	// is indexed when they let go.
	var res app.SearchResult
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		res, err = finder.Search(app.SearchRequest{Query: "ｻｰﾊﾞ"})
		if err != nil || res.Total > 0 || time.Now().After(deadline) {
			break
		}
	}
	if err != nil || res.Total != 1 || res.Hits[0].ID != saved.ID || !strings.Contains(res.Hits[0].Snippet, "<mark>サーバー</mark>") {
		t.Errorf("Search = %+v, %v", res, err)
	}
	if e := uiErr(t, func() error { _, err := entries.Get("missing"); return err }()); e.Code != "not_found" || e.Message == "" {
		t.Errorf("not found error = %+v", e)
	}
	if e := uiErr(t, func() error { _, err := entries.Save(app.EntryInput{Date: "2024-99-99"}); return err }()); e.Code != "invalid" || !strings.Contains(e.Message, "2024-99-99") {
		t.Errorf("invalid error = %+v", e)
	}
	html, err := render.Markdown("<script>alert(1)</script><img src=x onerror=alert(1)>")
	if err != nil || strings.Contains(html, "<script") || strings.Contains(html, "onerror") {
		t.Errorf("Markdown = %q, %v", html, err)
	}
}

func TestImportJobReportsProgressAndCanBeCancelled(t *testing.T) {
	b, rec := newBackend(t, t.TempDir())
	b.Open()
	src := filepath.Join(t.TempDir(), "notes.jsonl")
	var lines []string
	for i := range 3000 {
		lines = append(lines, fmt.Sprintf(`{"id":"n%d","title":"メモ","body":"障害対応の記録","date":"2024-01-02"}`, i))
	}
	os.WriteFile(src, []byte(strings.Join(lines, "\n")), 0o644)
	lib := &Library{b}
	rec.picks = []string{src}
	if _, err := lib.PickImportSource("", false); err != nil {
		t.Fatal(err)
	}
	job, err := lib.StartImport(app.ImportRequest{Paths: []string{src}})
	if err != nil || job == "" {
		t.Fatalf("StartImport = %q, %v", job, err)
	}
	rec.waitFor(t, "import:progress")
	done := rec.waitFor(t, "import:done").(ImportDone)
	if done.JobID != job || done.Error != nil || done.Summary.Imported != 3000 {
		t.Errorf("import:done = %+v", done)
	}

	// A cancelled import keeps what it saved and says it was cancelled.
	rec.events, rec.data = nil, nil
	job, _ = lib.StartImport(app.ImportRequest{Paths: []string{src, src, src}})
	lib.CancelImport(job)
	done = rec.waitFor(t, "import:done").(ImportDone)
	if done.Error == nil || done.Error.Code != "cancelled" || !strings.Contains(done.Error.Message, "Cancelled") {
		t.Errorf("cancelled import:done = %+v", done)
	}
}

// The import dialog offers the chosen format's files first, and always all
// files, since exports are often renamed.
func TestImportDialogFiltersByFormat(t *testing.T) {
	b, rec := newBackend(t, t.TempDir())
	lib := &Library{b}
	for _, tt := range []struct{ format, first string }{
		{"markdown", "*.md;*.markdown"},
		{"hatena", "*.txt;*.export"},
		{"", "*.jsonl;*.ndjson;*.txt;*.export;*.md;*.markdown;*.zip;*.json"},
	} {
		if _, err := lib.PickImportSource(tt.format, false); err != nil {
			t.Fatal(err)
		}
		if len(rec.filters) != 2 || rec.filters[0].Pattern != tt.first || rec.filters[1].Pattern != "*" {
			t.Errorf("filters for %q: %+v", tt.format, rec.filters)
		}
	}
}

func TestLockedFolderStillOpensTheWindow(t *testing.T) {
	dir := t.TempDir()
	first, err := app.Open(context.Background(), app.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := newBackend(t, dir)
	s := b.Open()
	if s.Ready || s.Code != "locked" || s.Message == "" {
		t.Errorf("Open of a locked folder = %+v", s)
	}
	if e := uiErr(t, func() error { _, err := (&Entries{b}).Stats(); return err }()); e.Code != "locked" {
		t.Errorf("call while locked = %+v", e)
	}
	first.Close()
	if s, _ := (&System{b}).RetryOpen(); !s.Ready {
		t.Errorf("RetryOpen after the other process quit = %+v", s)
	}
}

func TestSettingsAreKeptAndTheDataFolderOpens(t *testing.T) {
	t.Setenv("TSUZURI_DATA", "")
	dir := t.TempDir()
	b, rec := newBackend(t, dir)
	settings := &Settings{b}
	if err := settings.Save(SettingsValues{Theme: "dark", Language: "ja", EditorFontSize: 18, DataDir: "/ignored"}); err != nil {
		t.Fatal(err)
	}
	got, err := (&Settings{NewBackend(context.Background(), b.log, rec, rec, LoadPrefs(b.prefs.path), nil)}).Get()
	if err != nil || got != (SettingsValues{Theme: "dark", Language: "ja", EditorFontSize: 18, DataDir: dir}) {
		t.Errorf("settings after a restart = %+v, %v", got, err)
	}
	if err := settings.OpenDataFolder(); err != nil || len(rec.opened) != 1 || rec.opened[0] != dir {
		t.Errorf("OpenDataFolder = %v, opened %v", err, rec.opened)
	}
}

func TestNewerSearchCancelsTheOneInFlight(t *testing.T) {
	b, _ := newBackend(t, t.TempDir())
	if s := b.Open(); !s.Ready {
		t.Fatalf("Open: %+v", s)
	}
	finder := &Finder{b: b}
	first, doneFirst := finder.supersede()
	defer doneFirst()
	second, doneSecond := finder.supersede()
	if !errors.Is(first.Err(), context.Canceled) {
		t.Errorf("the older search goes on: %v", first.Err())
	}
	if second.Err() != nil {
		t.Errorf("the newer search was cancelled: %v", second.Err())
	}
	doneSecond()
	// A cancelled search stops in the index and says so, as a
	// cancellation the UI ignores, not as a failure.
	svc, _ := b.service()
	_, err := svc.Search(first, app.SearchRequest{Query: "障害"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("search with a cancelled context: %v", err)
	}
	if e := uiErr(t, b.fail("search", err)); e.Code != "cancelled" {
		t.Errorf("cancelled search reaches the UI as %+v", e)
	}
}

func TestHistoryBindings(t *testing.T) {
	b, _ := newBackend(t, t.TempDir())
	b.Open()
	entries := &Entries{b}
	e, err := entries.Save(app.EntryInput{Title: "メモ", Body: "最初", Date: "2024-03-01"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := entries.Save(app.EntryInput{ID: e.ID, Title: "メモ", Body: "二度目", Date: "2024-03-01"}); err != nil {
		t.Fatal(err)
	}
	list, err := entries.History(e.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("History = %+v, %v", list, err)
	}
	rev, err := entries.Revision(e.ID, list[0].Number)
	if err != nil {
		t.Fatal(err)
	}
	// The UI reads the revision flat: {Number, SavedAt, …, Body}.
	js, _ := json.Marshal(rev)
	var flat map[string]any
	json.Unmarshal(js, &flat)
	if flat["Body"] != "最初" || flat["Number"] != float64(1) || flat["SavedAt"] == nil {
		t.Errorf("revision JSON = %s", js)
	}
	restored, err := entries.RestoreRevision(e.ID, 1)
	if err != nil || restored.Body != "最初" {
		t.Fatalf("RestoreRevision = %q, %v", restored.Body, err)
	}
	if e := uiErr(t, func() error { _, err := entries.Revision(restored.ID, 99); return err }()); e.Code != "not_found" {
		t.Errorf("missing revision error = %+v", e)
	}
	for _, n := range []int{0, -1} {
		if e := uiErr(t, func() error { _, err := entries.RestoreRevision(restored.ID, n); return err }()); e.Code != "invalid" {
			t.Errorf("RestoreRevision(%d) = %+v", n, e)
		}
	}
}
