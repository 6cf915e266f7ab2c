package app

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/syncfolder"
)

// syncedPair is two diaries syncing through one folder that a perfect
// engine replicates (it is the same folder).
func syncedPair(t *testing.T) (a, b *Service, folder string) {
	t.Helper()
	ctx := context.Background()
	folder = filepath.Join(t.TempDir(), "Sync", "tsuzuri")
	a, b = openService(t, t.TempDir()), openService(t, t.TempDir())
	t.Cleanup(func() { a.Close(); b.Close() })
	for _, s := range []*Service{a, b} {
		if _, err := s.EnableSync(ctx, folder); err != nil {
			t.Fatal(err)
		}
	}
	return a, b, folder
}

func pass(t *testing.T, s *Service) SyncReport {
	t.Helper()
	rep, err := s.SyncNow(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestSyncCarriesEntriesSynonymsAndImagesAndTheIndexFollows(t *testing.T) {
	ctx := context.Background()
	a, b, folder := syncedPair(t)
	img := []byte("\x89PNG\r\n\x1a\n a picture of a whiteboard")
	ref, err := a.SaveAttachment(ctx, "board.png", img)
	if err != nil {
		t.Fatal(err)
	}
	e, err := a.SaveEntry(ctx, EntryInput{Title: "ポストモーテム", Body: "SLA 99.95% を割った。\n\n![図](" + ref + ")", Date: "2026-11-30", Tags: []string{"SRE"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.SetSynonyms(ctx, "本番, prod, production\n"); err != nil {
		t.Fatal(err)
	}
	if rep := pass(t, a); rep.Sent != 1 || rep.Segments != 1 {
		t.Fatalf("A's pass: %+v", rep)
	}
	rep := pass(t, b)
	if rep.Received != 1 || !rep.Synonyms || rep.Waiting != 0 {
		t.Fatalf("B's pass: %+v", rep)
	}
	if got := searchIDs(t, b, "ポストモーテム"); !slices.Equal(got, []string{e.ID}) {
		t.Fatalf("B's search = %v, want A's entry", got)
	}
	if text, _ := b.Synonyms(); text != "本番, prod, production\n" {
		t.Fatalf("B's synonyms = %q", text)
	}
	if got, err := os.ReadFile(filepath.Join(b.DataDir(), ref)); err != nil || string(got) != string(img) {
		t.Fatalf("B's copy of the image: %v", err)
	}
	// Each version once: a second pass sends nothing, and the folder holds
	// only sealed segments and the image.
	if rep := pass(t, a); rep.Sent != 0 {
		t.Fatalf("a second pass sent %d again", rep.Sent)
	}
	var files []string
	filepath.WalkDir(folder, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(folder, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if len(files) != 2 {
		t.Fatalf("the folder holds %v", files)
	}
	// B's status names A by its host name.
	st, err := b.SyncStatus(ctx)
	if err != nil || len(st.Devices) != 1 || st.Devices[0].Host == "" || st.LastReceived.IsZero() {
		t.Fatalf("B's status: %+v %v", st, err)
	}
	if err := b.RenameSyncDevice(ctx, st.Devices[0].ID, "会社のノート"); err != nil {
		t.Fatal(err)
	}
	if st, _ := b.SyncStatus(ctx); st.Devices[0].Alias != "会社のノート" {
		t.Fatalf("rename did not stick: %+v", st.Devices)
	}
	if v, err := a.Verify(ctx); err != nil || !v.OK() || v.Sync == nil || v.Sync.Sent != 1 {
		t.Fatalf("A's verify: %+v %v", v, err)
	}
}

func TestAConflictShowsOnBothAndTheChoiceSyncs(t *testing.T) {
	ctx := context.Background()
	a, b, _ := syncedPair(t)
	e, _ := a.SaveEntry(ctx, EntryInput{Title: "設計レビュー", Body: "v1", Date: "2026-11-30"})
	pass(t, a)
	pass(t, b)
	a.SaveEntry(ctx, EntryInput{ID: e.ID, Title: e.Title, Body: "A: キャッシュを足す", Date: e.Date})
	b.SaveEntry(ctx, EntryInput{ID: e.ID, Title: e.Title, Body: "B: 索引を見直す", Date: e.Date})
	pass(t, a)
	if rep := pass(t, b); !slices.Equal(rep.Conflicts, []string{e.ID}) {
		t.Fatalf("B's pass: %+v", rep)
	}
	pass(t, a)
	ga, _ := a.GetEntry(ctx, e.ID)
	gb, _ := b.GetEntry(ctx, e.ID)
	if ga.Body != gb.Body || ga.Conflicts != 1 || gb.Conflicts != 1 {
		t.Fatalf("A %q (%d), B %q (%d)", ga.Body, ga.Conflicts, gb.Body, gb.Conflicts)
	}
	others, err := a.ConflictVersions(ctx, e.ID)
	if err != nil || len(others) != 1 || others[0].Body == ga.Body {
		t.Fatalf("conflict versions: %+v %v", others, err)
	}
	// A keeps the other text; B hears of the choice.
	if _, err := a.ResolveConflict(ctx, EntryInput{ID: e.ID, Title: e.Title, Body: others[0].Body, Date: e.Date}); err != nil {
		t.Fatal(err)
	}
	pass(t, a)
	pass(t, b)
	gb, _ = b.GetEntry(ctx, e.ID)
	if gb.Body != others[0].Body || gb.Conflicts != 0 {
		t.Fatalf("after A's choice, B shows %q with %d conflicts", gb.Body, gb.Conflicts)
	}
	if got := searchIDs(t, b, "索引"); len(got) != 1 && gb.Body == "B: 索引を見直す" {
		t.Fatalf("B's index does not follow the choice: %v", got)
	}
}

func TestSyncRefusesAFolderThatWouldHoldTheDatabase(t *testing.T) {
	ctx := context.Background()
	parent := t.TempDir()
	s := openService(t, filepath.Join(parent, "diary"))
	defer s.Close()
	for _, folder := range []string{filepath.Join(parent, "diary", "sync"), parent, filepath.Join(parent, "diary")} {
		if _, err := s.EnableSync(ctx, folder); diary.ErrorCode(err) != diary.EInvalid {
			t.Errorf("sync folder %s: %v, want a clear refusal", folder, err)
		}
	}
	if _, err := s.SyncNow(ctx); diary.ErrorCode(err) != diary.EInvalid || !strings.Contains(diary.ErrorMessage(err), "not turned on") {
		t.Errorf("a pass before sync is on: %v", err)
	}
	folder := filepath.Join(parent, "usb")
	if _, err := s.EnableSync(ctx, folder); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(folder) // the stick is not plugged in
	if _, err := s.SyncNow(ctx); diary.ErrorCode(err) != diary.ENotFound {
		t.Errorf("a pass with the folder gone: %v", err)
	}
}

func TestSyncReportsWhatItSkipsAndAppliesTheRest(t *testing.T) {
	ctx := context.Background()
	a, b, folder := syncedPair(t)
	a.SaveEntry(ctx, EntryInput{Title: "一つ目", Body: "届く", Date: "2026-11-30"})
	pass(t, a)
	st, _ := a.SyncStatus(ctx)
	log := filepath.Join(syncfolder.DeviceDir(folder, st.Device), "log")
	seg, _ := os.ReadFile(filepath.Join(log, "00000001.tzlog"))
	os.WriteFile(filepath.Join(log, "00000001.sync-conflict-20261130-101010-ABCDEF1.tzlog"), seg, 0o644)
	os.WriteFile(filepath.Join(log, "00000009.tzlog"), seg[:len(seg)/2], 0o644)
	rep := pass(t, b)
	if rep.Received != 1 {
		t.Fatalf("the good segment was not applied: %+v", rep)
	}
	kinds := map[syncfolder.SkipKind]int{}
	for _, s := range rep.Skipped {
		kinds[s.Kind]++
	}
	if kinds[syncfolder.Leftover] != 1 || kinds[syncfolder.Arriving]+kinds[syncfolder.Damaged] != 1 {
		t.Fatalf("skipped: %+v", rep.Skipped)
	}
}

func TestWatchingAppliesWhatArrives(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, b, _ := syncedPair(t)
	passes := make(chan SyncReport, 10)
	go b.WatchSync(ctx, func(r SyncReport, err error) {
		if err == nil {
			passes <- r
		}
	})
	<-passes
	e, _ := a.SaveEntry(ctx, EntryInput{Title: "届いた", Body: "見える", Date: "2026-11-30"})
	pass(t, a)
	deadline := time.After(20 * time.Second)
	for {
		select {
		case r := <-passes:
			if slices.Contains(r.Changed, e.ID) {
				return
			}
		case <-deadline:
			t.Fatal("a watching diary did not apply a segment that landed in its folder")
		}
	}
}

func TestMovingToAnotherFolderSendsTheWholeDiaryThere(t *testing.T) {
	ctx := context.Background()
	a, b, _ := syncedPair(t)
	e, _ := a.SaveEntry(ctx, EntryInput{Title: "引っ越し前", Body: "古いフォルダで書いた", Date: "2026-11-30"})
	pass(t, a)
	pass(t, b)
	// B moves to a new folder (off and on again with another one); a
	// third computer joins there and gets everything, without conflicts.
	if err := b.DisableSync(ctx); err != nil {
		t.Fatal(err)
	}
	if st, _ := b.SyncStatus(ctx); st.Enabled {
		t.Fatal("sync still on after turning it off")
	}
	moved := filepath.Join(t.TempDir(), "new")
	if _, err := b.EnableSync(ctx, moved); err != nil {
		t.Fatal(err)
	}
	pass(t, b)
	c := openService(t, t.TempDir())
	defer c.Close()
	if _, err := c.EnableSync(ctx, moved); err != nil {
		t.Fatal(err)
	}
	rep := pass(t, c)
	got, err := c.GetEntry(ctx, e.ID)
	if err != nil || got.Body != e.Body || got.Conflicts != 0 || len(rep.Conflicts) != 0 {
		t.Fatalf("the computer that joined the new folder has %+v, %v (report %+v)", got, err, rep)
	}
}

// A computer joining a diary gets what an import gives: the index merged
// into one segment, which searches read faster than the dozen the arrival
// leaves behind.
func TestJoiningLeavesTheIndexAsAnImportDoes(t *testing.T) {
	ctx := context.Background()
	a, b, _ := syncedPair(t)
	src := filepath.Join(t.TempDir(), "many.jsonl")
	writeJSONL(t, src, 3000)
	if _, err := a.Import(ctx, ImportRequest{Format: "jsonl", Paths: []string{src}}, nil); err != nil {
		t.Fatal(err)
	}
	pass(t, a)
	if rep := pass(t, b); rep.Received != 3000 {
		t.Fatalf("B received %d of 3000", rep.Received)
	}
	segs, err := b.index.SegmentFiles()
	if err != nil {
		t.Fatal(err)
	}
	if len(segs) != 1 {
		t.Errorf("after joining, the index is in %d segments, want 1: %v", len(segs), segs)
	}
	if got := searchIDs(t, b, "2999番目"); len(got) != 1 {
		t.Errorf("the last entry: %v", got)
	}
}
