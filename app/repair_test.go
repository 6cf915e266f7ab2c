package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tsuzuri/tsuzuri/diary"
)

// diaryOf writes n entries, each findable by its own word, and closes.
func diaryOf(t *testing.T, dir string, n int) []string {
	t.Helper()
	s := openService(t, dir)
	defer s.Close()
	var ids []string
	for i := range n {
		e, err := s.SaveEntry(context.Background(), EntryInput{
			Title: "障害報告 " + strings.Repeat("あ", i%5), Body: "ポストモーテム no" + string(rune('a'+i%26)) + " 本文", Date: "2026-04-01"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	return ids
}

// openChecked opens dir the way the desktop does and waits for the
// background checks to end.
func openChecked(t *testing.T, dir string) (*Service, <-chan string) {
	t.Helper()
	damaged := make(chan string, 1)
	finished := make(chan struct{}, 4)
	s, err := Open(context.Background(), Options{DataDir: dir, IndexInBackground: true, StartupChecks: true,
		OnDamaged: func(m string) { damaged <- m },
		IndexProgress: func(p IndexProgress) {
			if p.Finished {
				finished <- struct{}{}
			}
		}})
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	t.Cleanup(func() { s.Close() })
	waitBackground(t, s)
	return s, damaged
}

// waitBackground waits until the start-up checks and catch-ups are done.
func waitBackground(t *testing.T, s *Service) {
	t.Helper()
	done := make(chan struct{})
	go func() { s.background.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("background checks did not finish")
	}
}

func indexSegments(t *testing.T, dir string) []string {
	t.Helper()
	segs, _ := filepath.Glob(filepath.Join(dir, "index", "store", "*.zap"))
	if len(segs) == 0 {
		t.Fatalf("no index segments in %s", dir)
	}
	return segs
}

func TestDamagedIndexSegmentsAreRebuilt(t *testing.T) {
	dir := t.TempDir()
	ids := diaryOf(t, dir, 30)
	for _, seg := range indexSegments(t, dir) {
		raw, err := os.ReadFile(seg)
		if err != nil {
			t.Fatal(err)
		}
		for i := range raw {
			raw[i] ^= 0x5a
		}
		if err := os.WriteFile(seg, raw[:len(raw)/2], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, _ := openChecked(t, dir)
	got := searchIDs(t, s, "ポストモーテム")
	slices.Sort(got)
	slices.Sort(ids)
	if !slices.Equal(got, ids) {
		t.Errorf("after repair search finds %d of %d entries", len(got), len(ids))
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	raw, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// A database put back from an old copy leaves an index that is ahead of
// it and holds entries it does not: the start-up check rebuilds the index,
// and later saves are found.
func TestIndexThatDisagreesIsRebuilt(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	old := diaryOf(t, dir, 3)
	copyFile(t, filepath.Join(dir, "tsuzuri.db"), filepath.Join(dir, "old.db"))
	diaryOf(t, dir, 4)
	os.Rename(filepath.Join(dir, "old.db"), filepath.Join(dir, "tsuzuri.db"))

	s, _ := openChecked(t, dir)
	got := searchIDs(t, s, "ポストモーテム")
	slices.Sort(got)
	if !slices.Equal(got, old) {
		t.Errorf("search after repair = %v, want the old copy's %v", got, old)
	}
	e, err := s.SaveEntry(ctx, EntryInput{Title: "新しい", Body: "キャパシティ計画", Date: "2026-04-02"})
	if err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, s, "キャパシティ"); !slices.Equal(got, []string{e.ID}) {
		t.Errorf("a save after the repair is not found: %v", got)
	}
	r, err := s.Verify(ctx)
	if err != nil || !r.OK() {
		t.Errorf("verify after repair = %+v, %v", r, err)
	}
}

// Pages of the database overwritten: it opens for reading only, says so,
// refuses saves, and its latest backup makes it whole again.
func TestDamagedDatabaseOpensReadOnlyAndABackupRestoresIt(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ids := diaryOf(t, dir, 200)
	s := openService(t, dir)
	if _, err := s.AutoBackup(ctx, BackupDaily); err != nil {
		t.Fatal(err)
	}
	s.Close()
	db := filepath.Join(dir, "tsuzuri.db")
	f, err := os.OpenFile(db, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := f.Stat()
	// Garbage over every page but the first (the header and schema).
	junk := []byte(strings.Repeat("壊れた", 1400))[:4096]
	for off := int64(4096); off < st.Size(); off += 4096 {
		f.WriteAt(junk, off)
	}
	f.Close()

	s, damaged := openChecked(t, dir)
	select {
	case msg := <-damaged:
		if !strings.Contains(msg, "backup") {
			t.Errorf("damage message %q does not offer a backup", msg)
		}
	default:
		t.Fatal("a damaged database was not reported")
	}
	if _, err := s.SaveEntry(ctx, EntryInput{Title: "x", Body: "y", Date: "2026-04-03"}); diary.ErrorCode(err) != diary.EReadOnly {
		t.Errorf("save into a damaged database = %v, want read_only", err)
	}
	if _, err := s.AutoBackup(ctx, BackupImport); diary.ErrorCode(err) != diary.EReadOnly {
		t.Errorf("a damaged database was backed up (it would push good backups out): %v", err)
	}
	r, err := s.Verify(ctx)
	if err != nil || r.OK() || len(r.DatabaseProblems) == 0 {
		t.Errorf("verify of a damaged database = %+v, %v", r, err)
	}
	all, _ := s.Backups()
	s.Close()
	// diaryOf's writing made the diary's first backup too; it is not the day's.
	list := slices.DeleteFunc(all, func(b BackupInfo) bool { return b.Reason == BackupFirst })
	if len(list) != 1 {
		t.Fatalf("backups = %+v; the damaged database must not be backed up as a daily", all)
	}
	before, err := RestoreBackup(ctx, dir, list[0].Path, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if before.Reason != BackupDamaged && before.Reason != BackupRestore {
		t.Errorf("the damaged database was not kept: %+v", before)
	}
	s, damaged = openChecked(t, dir)
	if len(damaged) > 0 {
		t.Errorf("still damaged after restore: %s", <-damaged)
	}
	if got := searchTotal(t, s, "ポストモーテム"); got != len(ids) {
		t.Errorf("after restore search finds %d of %d", got, len(ids))
	}
}

func searchTotal(t *testing.T, s *Service, q string) int {
	t.Helper()
	res, err := s.Search(context.Background(), SearchRequest{Query: q, Limit: 1})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	return int(res.Total)
}

// A database cut in half, or whose header is overwritten, is reported as
// damaged (at open, or by the start-up check), and restoring the latest
// backup brings the diary back.
func TestTruncatedOrOverwrittenDatabaseIsReportedAndRestored(t *testing.T) {
	for name, damage := range map[string]func(path string) error{
		"truncated": func(path string) error {
			st, err := os.Stat(path)
			if err != nil {
				return err
			}
			return os.Truncate(path, st.Size()/2)
		},
		"header overwritten": func(path string) error {
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = f.WriteAt([]byte(strings.Repeat("x", 100)), 0)
			return err
		},
	} {
		t.Run(name, func(t *testing.T) { damagedThenRestored(t, damage) })
	}
}

func damagedThenRestored(t *testing.T, damage func(path string) error) {
	ctx := context.Background()
	dir := t.TempDir()
	ids := diaryOf(t, dir, 300)
	s := openService(t, dir)
	info, err := s.AutoBackup(ctx, BackupDaily)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := damage(filepath.Join(dir, "tsuzuri.db")); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, Options{DataDir: dir, StartupChecks: true})
	if err == nil {
		waitBackground(t, s)
		if s.Damaged() == "" {
			t.Error("a damaged database opened as sound")
		}
		s.Close()
	} else if diary.ErrorCode(err) != diary.ECorrupt {
		t.Fatalf("open of a damaged database = %v, want corrupt", err)
	}
	if _, err := RestoreBackup(ctx, dir, info.Path, time.Now()); err != nil {
		t.Fatal(err)
	}
	s = openService(t, dir)
	defer s.Close()
	if got := searchTotal(t, s, "ポストモーテム"); got != len(ids) {
		t.Errorf("after restore search finds %d of %d", got, len(ids))
	}
}

// Noise inside one segment file, which Bleve would open without complaint
// and answer searches from (or panic on), is found: at the next start,
// which rebuilds the index and verify says so, and by verify under a
// running app. For each segment in turn.
func TestNoiseInEachIndexSegmentIsFoundAndRepaired(t *testing.T) {
	dir := t.TempDir()
	ids := diaryOf(t, dir, 40)
	s := openService(t, dir)
	// Saves after a start add segments beside the merged one.
	for i := range 3 {
		e, err := s.SaveEntry(context.Background(), EntryInput{Title: "追記", Body: fmt.Sprintf("ポストモーテム 追記 %d", i), Date: "2026-04-02"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	s.Close()
	slices.Sort(ids)
	s = openService(t, dir)
	segs, err := s.index.SegmentFiles()
	s.Close()
	if err != nil || len(segs) == 0 {
		t.Fatalf("segments: %v, %v", segs, err)
	}
	t.Logf("%d segments", len(segs))
	pristine := map[string][]byte{}
	filepath.WalkDir(filepath.Join(dir, "index"), func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			pristine[p], err = os.ReadFile(p)
		}
		return err
	})
	restore := func(t *testing.T) {
		os.RemoveAll(filepath.Join(dir, "index"))
		for p, raw := range pristine {
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, raw, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, seg := range segs {
		name := filepath.Base(seg)
		t.Run(name, func(t *testing.T) {
			restore(t)
			noise(t, seg)
			s, _ := openChecked(t, dir)
			got := searchIDs(t, s, "ポストモーテム")
			slices.Sort(got)
			if !slices.Equal(got, ids) {
				t.Errorf("after the start-up repair search finds %d of %d entries", len(got), len(ids))
			}
			r, err := s.Verify(context.Background())
			s.Close()
			if err != nil || !r.OK() {
				t.Errorf("verify after the repair: %+v, %v", r, err)
			}
			if len(r.IndexRepaired) != 1 || r.IndexRepaired[0].File != name {
				t.Errorf("verify does not say %s was rebuilt at the start: %+v", name, r.IndexRepaired)
			}

			// A running index may have merged its segments since, and Bleve's
			// merger may merge the noisy file away between the noise and the
			// check; then the check is tried again on a fresh start.
			for attempt := 1; ; attempt++ {
				restore(t)
				live := openService(t, dir)
				now, err := settledSegments(live)
				if err != nil || len(now) == 0 {
					live.Close()
					t.Fatalf("segments of the running index: %v, %v", now, err)
				}
				seg := now[min(i, len(now)-1)]
				name := filepath.Base(seg)
				noise(t, seg)
				r, err := live.Verify(context.Background())
				after, _ := live.index.SegmentFiles()
				live.Close()
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Contains(after, seg) && attempt < 5 {
					t.Logf("%s was merged away before the check; again", name)
					continue
				}
				if r.OK() || len(r.IndexDamage) != 1 || r.IndexDamage[0].File != name {
					t.Errorf("verify after noise in %s under a running app: damage %+v, ok %v", name, r.IndexDamage, r.OK())
				}
				break
			}
		})
	}
}

// settledSegments waits until the running index has stopped merging: a
// merge that reads the noise can spin in it for ever (see closeWait in
// search), which is not what this test is about.
func settledSegments(s *Service) ([]string, error) {
	prev, err := s.index.SegmentFiles()
	for still, deadline := 0, time.Now().Add(10*time.Second); err == nil && still < 5 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		var now []string
		if now, err = s.index.SegmentFiles(); slices.Equal(now, prev) {
			still++
		} else {
			still = 0
		}
		prev = now
	}
	return prev, err
}

// noise overwrites up to 64 KB in the middle third of a file in place.
func noise(t *testing.T, path string) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	n := min(64<<10, st.Size()/4)
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*131 + 7)
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(b, st.Size()/3); err != nil {
		t.Fatal(err)
	}
}
