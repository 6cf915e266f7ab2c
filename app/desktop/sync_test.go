package desktop

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/tsuzuri/tsuzuri/app"
)

// waitForPass waits for an event called name whose pass satisfies ok.
func (r *recorder) waitForPass(t *testing.T, name string, ok func(SyncPass) bool) SyncPass {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		for i, e := range r.events {
			if p, isPass := r.data[i].(SyncPass); e == name && isPass && ok(p) {
				r.mu.Unlock()
				return p
			}
		}
		r.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no %s event as wanted", name)
	return SyncPass{}
}

// otherComputer is a second data folder syncing through folder, driven
// the way the CLI drives it.
func otherComputer(t *testing.T, folder string) *app.Service {
	t.Helper()
	svc, err := app.Open(context.Background(), app.Options{DataDir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	if _, err := svc.EnableSync(context.Background(), folder); err != nil {
		t.Fatal(err)
	}
	return svc
}

func TestSyncFolderMustComeFromTheDialog(t *testing.T) {
	b, rec := newBackend(t, t.TempDir())
	b.Open()
	x := &Sync{b}
	folder := filepath.Join(t.TempDir(), "Sync")
	// A script in the webview naming a folder itself gets nowhere.
	if e := uiErr(t, func() error { _, err := x.Enable(folder, false, ""); return err }()); e.Code != "invalid" {
		t.Errorf("Enable of a folder never chosen = %+v", e)
	}
	// Nor does a folder chosen for something else (an export).
	rec.folder = folder
	lib := &Library{b}
	if _, err := lib.PickExportTarget("markdown"); err != nil {
		t.Fatal(err)
	}
	if e := uiErr(t, func() error { _, err := x.Enable(folder, false, ""); return err }()); e.Code != "invalid" {
		t.Errorf("Enable of a folder chosen for an export = %+v", e)
	}
	st, err := x.Status()
	if err != nil || st.Enabled || st.Watching {
		t.Fatalf("sync is on after refused calls: %+v, %v", st, err)
	}
	// Cancelling the dialog is "", not an error.
	rec.folder = ""
	if got, err := x.ChooseFolder(); got != "" || err != nil {
		t.Errorf("cancelled ChooseFolder = %q, %v", got, err)
	}
	// The data folder itself is refused with the core's reason, even when
	// chosen in the dialog.
	rec.folder = b.prefs.DataDirOrDefault()
	if _, err := x.ChooseFolder(); err != nil {
		t.Fatal(err)
	}
	if e := uiErr(t, func() error { _, err := x.Enable(rec.folder, false, ""); return err }()); e.Code != "invalid" || e.Message == "" {
		t.Errorf("Enable of the data folder = %+v", e)
	}
	if got := rec.titles[len(rec.titles)-1]; got != Text(b.lang()).SyncFolderTitle {
		t.Errorf("dialog title = %q", got)
	}
}

func TestSyncShowsTheOtherComputersChangesAndResolvesConflicts(t *testing.T) {
	b, rec := newBackend(t, t.TempDir())
	b.Open()
	x, entries := &Sync{b}, &Entries{b}
	e, err := entries.Save(app.EntryInput{Title: "共有する日記", Body: "最初の本文", Date: "2024-03-01", Tags: []string{"sync"}})
	if err != nil {
		t.Fatal(err)
	}
	rec.folder = filepath.Join(t.TempDir(), "Sync")
	folder, err := x.ChooseFolder()
	if err != nil || folder != rec.folder {
		t.Fatalf("ChooseFolder = %q, %v", folder, err)
	}
	st, err := x.Enable(folder, false, "")
	if err != nil || !st.Enabled || !st.Watching || st.Folder != folder {
		t.Fatalf("Enable = %+v, %v", st, err)
	}
	// The first pass runs at once and sends the diary.
	rec.waitForPass(t, "sync:pass", func(p SyncPass) bool { return p.Sent > 0 && p.Error == nil })

	// The other computer gets it, and writes back concurrently with an
	// edit here.
	other := otherComputer(t, folder)
	ctx := context.Background()
	if rep, err := other.SyncNow(ctx); err != nil || rep.Received == 0 {
		t.Fatalf("other SyncNow = %+v, %v", rep, err)
	}
	if _, err := entries.Save(app.EntryInput{ID: e.ID, Title: e.Title, Body: "ここで書き直した本文", Date: e.Date, Tags: e.Tags}); err != nil {
		t.Fatal(err)
	}
	if _, err := other.SaveEntry(ctx, app.EntryInput{ID: e.ID, Title: e.Title, Body: "あちらで書き直した本文", Date: e.Date, Tags: e.Tags}); err != nil {
		t.Fatal(err)
	}
	written, err := other.SaveEntry(ctx, app.EntryInput{Title: "あちらの新しい日記", Body: "別の話", Date: "2024-03-02"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	// The watching window hears of both without anyone asking.
	rec.waitForPass(t, "sync:changed", func(p SyncPass) bool { return slices.Contains(p.Conflicts, e.ID) })
	rec.waitForPass(t, "sync:changed", func(p SyncPass) bool { return slices.Contains(p.Changed, written.ID) })
	got, err := entries.Get(e.ID)
	if err != nil || got.Conflicts != 1 {
		t.Fatalf("entry in conflict: Conflicts = %d, %v", got.Conflicts, err)
	}
	versions, err := x.ConflictVersions(e.ID)
	if err != nil || len(versions) != 1 {
		t.Fatalf("ConflictVersions = %+v, %v", versions, err)
	}
	bodies := []string{got.Body, versions[0].Body}
	slices.Sort(bodies)
	want := []string{"ここで書き直した本文", "あちらで書き直した本文"}
	slices.Sort(want)
	if !slices.Equal(bodies, want) {
		t.Errorf("the two texts = %q", bodies)
	}
	st, err = x.Status()
	if err != nil || !slices.Equal(st.Conflicts, []string{e.ID}) || len(st.Devices) != 1 {
		t.Fatalf("Status in conflict = %+v, %v", st, err)
	}

	// Naming the other computer sticks.
	if err := x.RenameDevice(st.Devices[0].ID, "家のデスクトップ"); err != nil {
		t.Fatal(err)
	}
	if st, _ = x.Status(); st.Devices[0].Alias != "家のデスクトップ" {
		t.Errorf("alias = %q", st.Devices[0].Alias)
	}

	// Picking the other text ends the conflict here.
	resolved, err := x.Resolve(app.EntryInput{ID: e.ID, Title: versions[0].Title, Body: versions[0].Body, Date: versions[0].Date, Tags: versions[0].Tags})
	if err != nil || resolved.Body != versions[0].Body || resolved.Conflicts != 0 {
		t.Fatalf("Resolve = %+v, %v", resolved, err)
	}
	if left, err := x.ConflictVersions(e.ID); err != nil || len(left) != 0 {
		t.Errorf("ConflictVersions after resolving = %+v, %v", left, err)
	}
	// Sync now sends the choice; the other computer follows it.
	if _, err := x.SyncNow(); err != nil {
		t.Fatal(err)
	}
	if _, err := other.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	there, err := other.GetEntry(ctx, e.ID)
	if err != nil || there.Body != versions[0].Body || there.Conflicts != 0 {
		t.Errorf("the other computer after the choice: %q, conflicts %d, %v", there.Body, there.Conflicts, err)
	}

	// Turning off stops the loop and keeps everything.
	st, err = x.Disable()
	if err != nil || st.Enabled || st.Watching {
		t.Fatalf("Disable = %+v, %v", st, err)
	}
	if _, err := entries.Get(written.ID); err != nil {
		t.Errorf("the other computer's entry after turning off: %v", err)
	}
}

func TestSyncBindingsRefuseBadArguments(t *testing.T) {
	b, _ := newBackend(t, t.TempDir())
	b.Open()
	x := &Sync{b}
	for name, call := range map[string]func() error{
		"ConflictVersions": func() error { _, err := x.ConflictVersions("a b"); return err },
		"Resolve":          func() error { _, err := x.Resolve(app.EntryInput{ID: ""}); return err },
		"RenameDevice":     func() error { return x.RenameDevice("dev", "two\nlines") },
		"RenameDevice id":  func() error { return x.RenameDevice(string(make([]byte, 100)), "x") },
		"SyncNow when off": func() error { _, err := x.SyncNow(); return err },
	} {
		if e := uiErr(t, call()); e.Code != "invalid" {
			t.Errorf("%s: %+v", name, e)
		}
	}
}

func TestClosingStopsTheSyncLoop(t *testing.T) {
	dir := t.TempDir()
	b, rec := newBackend(t, dir)
	b.Open()
	x := &Sync{b}
	rec.folder = filepath.Join(t.TempDir(), "Sync")
	if _, err := x.ChooseFolder(); err != nil {
		t.Fatal(err)
	}
	if _, err := x.Enable(rec.folder, false, ""); err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, "sync:pass")
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	// Opening again (as a restore does) starts the loop again: sync stays on.
	if s := b.Open(); !s.Ready {
		t.Fatalf("reopen: %+v", s)
	}
	st, err := x.Status()
	if err != nil || !st.Enabled || !st.Watching {
		t.Errorf("after reopening: %+v, %v", st, err)
	}
}

func TestALargePassNamesSomeChangesAndSaysThereAreMore(t *testing.T) {
	b, rec := newBackend(t, t.TempDir())
	ids := make([]string, maxChangedIDs+100)
	for i := range ids {
		ids[i] = fmt.Sprintf("e%04d", i)
	}
	b.afterSyncPass(app.SyncReport{Received: len(ids), Changed: ids}, nil)
	p := rec.waitForPass(t, "sync:changed", func(SyncPass) bool { return true })
	if len(p.Changed) != maxChangedIDs || !p.More || p.Changed[0] != "e0000" {
		t.Errorf("event names %d entries, more %v", len(p.Changed), p.More)
	}
	// A pass that changed nothing is heard by the status line only.
	rec.mu.Lock()
	rec.events, rec.data = nil, nil
	rec.mu.Unlock()
	b.afterSyncPass(app.SyncReport{}, nil)
	rec.waitFor(t, "sync:pass")
	if got := rec.passes("sync:changed"); len(got) != 0 {
		t.Errorf("an empty pass sent sync:changed: %+v", got)
	}
}

func (r *recorder) passes(name string) []SyncPass {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []SyncPass
	for i, e := range r.events {
		if p, ok := r.data[i].(SyncPass); ok && e == name {
			out = append(out, p)
		}
	}
	return out
}

func TestJoiningAnEncryptedFolderAsksForItsPassphrase(t *testing.T) {
	ctx := context.Background()
	b, rec := newBackend(t, t.TempDir())
	b.Open()
	x := &Sync{b}
	creator, err := app.Open(ctx, app.Options{DataDir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer creator.Close()
	rec.folder = filepath.Join(t.TempDir(), "Dropbox", "日記")
	if _, err := creator.EnableSyncWith(ctx, app.SyncSetup{Folder: rec.folder, Encrypt: true, Passphrase: "正しい合言葉"}); err != nil {
		t.Fatal(err)
	}
	folder, err := x.ChooseFolder()
	if err != nil {
		t.Fatal(err)
	}
	if enc, err := x.FolderEncrypted(folder); err != nil || !enc {
		t.Fatalf("FolderEncrypted = %v, %v", enc, err)
	}
	before, _ := x.Status()
	for _, wrong := range []string{"", "違う合言葉"} {
		if e := uiErr(t, func() error { _, err := x.Enable(folder, false, wrong); return err }()); e.Code != "passphrase" || e.Message == "" {
			t.Fatalf("Enable with %q: %+v", wrong, e)
		}
		if st, _ := x.Status(); st.Folder != before.Folder || st.Encrypted != before.Encrypted {
			t.Fatalf("a refused join changed the state: %+v", st)
		}
	}
	st, err := x.Enable(folder, false, "正しい合言葉")
	if err != nil || !st.Encrypted || st.Folder != folder {
		t.Fatalf("Enable = %+v, %v", st, err)
	}
}
