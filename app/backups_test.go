package app

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tsuzuri/tsuzuri/diary"
)

// fakeClock is a settable clock for dating backups.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func openWithClock(t *testing.T, dir string, c *fakeClock) *Service {
	t.Helper()
	s, err := Open(context.Background(), Options{DataDir: dir, Now: c.now})
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	return s
}

func backupNames(t *testing.T, dir string) []string {
	t.Helper()
	list, err := ListBackups(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range list {
		names = append(names, b.Name)
	}
	return names
}

// Sixty days of use, a daily backup each morning and an import backup
// each afternoon: what is left is the newest of each of the last 7 days
// and of each of the last 4 weeks, all real zip files.
func TestBackupRetentionKeepsSevenDaysAndFourWeeks(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	clock := &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} // a Monday
	s := openWithClock(t, dir, clock)
	defer s.Close()
	if _, made, err := s.DailyBackup(ctx); err != nil || made {
		t.Fatalf("an empty diary was backed up (made=%v, err=%v)", made, err)
	}
	if _, err := s.SaveEntry(ctx, EntryInput{Title: "朝会", Body: "本文", Date: "2026-03-02"}); err != nil {
		t.Fatal(err)
	}
	start := clock.t
	for day := range 60 {
		clock.t = start.AddDate(0, 0, day)
		if _, made, err := s.DailyBackup(ctx); err != nil || !made {
			t.Fatalf("day %d: daily backup made=%v err=%v", day, made, err)
		}
		clock.t = clock.t.Add(time.Hour)
		if _, made, _ := s.DailyBackup(ctx); made {
			t.Fatalf("day %d: a second daily backup on the same day", day)
		}
		clock.t = clock.t.Add(5 * time.Hour)
		if _, err := s.AutoBackup(ctx, BackupImport); err != nil {
			t.Fatal(err)
		}
	}
	last := start.AddDate(0, 0, 59) // Wednesday 2026-04-29
	var want []string
	for d := range 7 { // the afternoon backup of each of the last 7 days
		want = append(want, backupFileName(last.AddDate(0, 0, -d).Add(6*time.Hour), BackupImport, 1))
	}
	// The newest of each of the three weeks before this one: Sundays.
	for _, sunday := range []string{"2026-04-26", "2026-04-19", "2026-04-12"} {
		d, _ := time.Parse(diary.DateLayout, sunday)
		name := backupFileName(d.Add(15*time.Hour), BackupImport, 1)
		if !slices.Contains(want, name) {
			want = append(want, name)
		}
	}
	slices.Sort(want)
	slices.Reverse(want)
	got := backupNames(t, dir)
	if !slices.Equal(got, want) {
		t.Errorf("kept backups:\n got  %v\n want %v", got, want)
	}
	for _, b := range got {
		if _, err := os.Stat(filepath.Join(dir, "backups", b)); err != nil {
			t.Errorf("listed backup %s: %v", b, err)
		}
	}
}

// Restoring a backup brings its entries back, after backing up the diary
// as it was, and the index follows on the next open.
func TestRestoreBackupReplacesTheDiaryAfterBackingItUp(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	clock := &fakeClock{t: time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)}
	s := openWithClock(t, dir, clock)
	kept, err := s.SaveEntry(ctx, EntryInput{Title: "残す日記", Body: "ポストモーテム", Date: "2026-05-01"})
	if err != nil {
		t.Fatal(err)
	}
	synonyms := filepath.Join(dir, SynonymsFile)
	os.WriteFile(synonyms, []byte("ポストモーテム,振り返り\n"), 0o644)
	first, err := s.AutoBackup(ctx, BackupDaily)
	if err != nil || first.Size == 0 {
		t.Fatalf("backup = %+v, %v", first, err)
	}
	later, err := s.SaveEntry(ctx, EntryInput{Title: "後で書いた", Body: "障害対応", Date: "2026-05-02"})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	os.WriteFile(synonyms, []byte("障害,インシデント\n"), 0o644)

	clock.t = clock.t.Add(time.Hour)
	before, err := RestoreBackup(ctx, dir, first.Path, clock.t)
	if err != nil {
		t.Fatal(err)
	}
	if before.Reason != BackupRestore {
		t.Errorf("backup before restoring = %+v", before)
	}
	s = openWithClock(t, dir, clock)
	if _, err := s.GetEntry(ctx, kept.ID); err != nil {
		t.Errorf("restored entry: %v", err)
	}
	if _, err := s.GetEntry(ctx, later.ID); diary.ErrorCode(err) != diary.ENotFound {
		t.Errorf("entry written after the backup still there: %v", err)
	}
	if ids := searchIDs(t, s, "ポストモーテム"); !slices.Equal(ids, []string{kept.ID}) {
		t.Errorf("search after restore = %v", ids)
	}
	if b, _ := os.ReadFile(synonyms); string(b) != "ポストモーテム,振り返り\n" {
		t.Errorf("synonyms after restore = %q, want the backup's", b)
	}
	s.Close()

	// The restore is undone by restoring the backup it made.
	if _, err := RestoreBackup(ctx, dir, before.Path, clock.t.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	s = openWithClock(t, dir, clock)
	defer s.Close()
	if _, err := s.GetEntry(ctx, later.ID); err != nil {
		t.Errorf("undoing the restore lost %s: %v", later.ID, err)
	}
}

func TestRestoreBackupRefusesADamagedBackupAndKeepsTheDiary(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openService(t, dir)
	e, err := s.SaveEntry(ctx, EntryInput{Title: "大事", Body: "x", Date: "2026-05-01"})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	bad := filepath.Join(t.TempDir(), "bad.zip")
	os.WriteFile(bad, []byte("PK\x03\x04 not really"), 0o644)
	if _, err := RestoreBackup(ctx, dir, bad, time.Now()); diary.ErrorCode(err) != diary.EInvalid {
		t.Errorf("restore of a damaged backup = %v", err)
	}
	s = openService(t, dir)
	defer s.Close()
	if _, err := s.GetEntry(ctx, e.ID); err != nil {
		t.Errorf("diary lost after a refused restore: %v", err)
	}
}

// Backups made before restores stand apart: the last 3 are kept whatever
// the day, and they never push a daily backup out.
func TestBackupsBeforeRestoresAreKeptApart(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "backups"), 0o755)
	day := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	touch := func(t0 time.Time, reason string) string {
		name := backupFileName(t0, reason, 1)
		os.WriteFile(filepath.Join(dir, "backups", name), []byte("zip"), 0o644)
		return name
	}
	daily := touch(day, BackupDaily)
	var restores []string
	for i := range 5 {
		restores = append(restores, touch(day.Add(time.Duration(i+1)*time.Minute), BackupRestore))
	}
	damaged := touch(day.Add(time.Hour), BackupDamaged)
	if _, err := pruneBackups(dir, time.UTC); err != nil {
		t.Fatal(err)
	}
	want := []string{damaged, restores[4], restores[3], daily}
	if got := backupNames(t, dir); !slices.Equal(got, want) {
		t.Errorf("kept %v, want %v", got, want)
	}
}

// A data folder written by an older version is backed up before its
// database is upgraded, and the CLI or the app hears of it.
func TestUpgradeIsPrecededByABackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	script, err := os.ReadFile(filepath.Join("..", "storage", "migrations", "0001_init.sql"))
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "tsuzuri.db"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(string(script) + `;
		INSERT INTO entries (id, title, body, date, created_at, updated_at, seq) VALUES ('old-1', '昔の日記', '本文', '2020-01-01', 0, 0, 1);
		UPDATE counters SET value = 1 WHERE name = 'seq';
		PRAGMA user_version = 1;`)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	var heard []BackupInfo
	s, err := Open(ctx, Options{DataDir: dir, OnBackup: func(b BackupInfo) { heard = append(heard, b) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if len(heard) != 1 || heard[0].Reason != BackupMigration {
		t.Fatalf("backups heard of = %+v, want one before the upgrade", heard)
	}
	if _, err := s.GetEntry(ctx, "old-1"); err != nil {
		t.Errorf("entry after the upgrade: %v", err)
	}
	// The backup holds the database as it was: restoring it elsewhere
	// upgrades it again.
	other := t.TempDir()
	if err := Restore(ctx, heard[0].Path, other); err != nil {
		t.Fatal(err)
	}
	o, err := Open(ctx, Options{DataDir: other})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if _, err := o.GetEntry(ctx, "old-1"); err != nil {
		t.Errorf("entry in the backup: %v", err)
	}
}

// A new diary is backed up in its first session, once there is something
// to lose: after the first import, or after some writing.
func TestFirstSessionIsBackedUp(t *testing.T) {
	ctx := context.Background()
	t.Run("writing", func(t *testing.T) {
		dir := t.TempDir()
		s := openWithClock(t, dir, &fakeClock{t: time.Date(2026, 3, 2, 21, 0, 0, 0, time.UTC)})
		defer s.Close()
		e, err := s.SaveEntry(ctx, EntryInput{Title: "初日", Body: "書き始め", Date: "2026-03-02"})
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < firstBackupAfter; i++ {
			if got := backupNames(t, dir); len(got) != 0 {
				t.Fatalf("backed up after %d saves already: %v", i, got)
			}
			if _, err := s.SaveEntry(ctx, EntryInput{ID: e.ID, Title: "初日", Body: strings.Repeat("書いた", i), Date: "2026-03-02"}); err != nil {
				t.Fatal(err)
			}
		}
		if got := backupNames(t, dir); len(got) != 1 || !strings.HasSuffix(got[0], "-first.zip") {
			t.Fatalf("after %d saves: backups %v", firstBackupAfter, got)
		}
		// The next start the same day still keeps the whole session.
		if _, made, err := s.DailyBackup(ctx); err != nil || !made {
			t.Fatalf("the day's backup after the first: made=%v, %v", made, err)
		}
	})
	t.Run("import", func(t *testing.T) {
		dir := t.TempDir()
		s := openWithClock(t, dir, &fakeClock{t: time.Date(2026, 3, 2, 21, 0, 0, 0, time.UTC)})
		defer s.Close()
		src := filepath.Join(t.TempDir(), "notes.jsonl")
		os.WriteFile(src, []byte(`{"title":"読み込んだ","body":"本文","date":"2026-03-01"}`+"\n"), 0o644)
		if _, err := s.Import(ctx, ImportRequest{Paths: []string{src}}, nil); err != nil {
			t.Fatal(err)
		}
		if got := backupNames(t, dir); len(got) != 1 {
			t.Fatalf("after the first import: backups %v", got)
		}
	})
	t.Run("manual", func(t *testing.T) {
		dir := t.TempDir()
		s := openWithClock(t, dir, &fakeClock{t: time.Date(2026, 3, 2, 21, 0, 0, 0, time.UTC)})
		defer s.Close()
		if _, err := s.SaveEntry(ctx, EntryInput{Title: "一件", Body: "本文", Date: "2026-03-02"}); err != nil {
			t.Fatal(err)
		}
		info, err := s.ManualBackup(ctx)
		if err != nil || info.Reason != BackupManual || info.Size == 0 {
			t.Fatalf("manual backup = %+v, %v", info, err)
		}
		if list, _ := s.Backups(); len(list) != 1 || list[0].Reason != BackupManual {
			t.Fatalf("listed = %+v", list)
		}
	})
}

// The day's backup, made in the background at start, and Back up now can
// run at once: each is made whole, and neither one's tidying up removes
// the other's work in progress.
func TestBackupsAtOnceBothMade(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	// As Service.Backup writes: a temporary folder beside, then a rename.
	// The day's takes longer, and the other finishes (and tidies up) meanwhile.
	write := func(took time.Duration) func(string) error {
		return func(dest string) error {
			tmp, err := os.MkdirTemp(filepath.Dir(dest), ".tsuzuri-backup-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(tmp)
			time.Sleep(took)
			if err := os.WriteFile(filepath.Join(tmp, "backup.zip"), []byte("PK"), 0o644); err != nil {
				return err
			}
			return os.Rename(filepath.Join(tmp, "backup.zip"), dest)
		}
	}
	var wg sync.WaitGroup
	infos := make([]BackupInfo, 2)
	errs := make([]error, 2)
	for i, reason := range []string{BackupDaily, BackupManual} {
		took := 100 * time.Millisecond
		if reason == BackupManual {
			took = 0
		}
		wg.Go(func() {
			if reason == BackupManual {
				time.Sleep(20 * time.Millisecond) // after the day's has begun
			}
			infos[i], errs[i] = newBackup(context.Background(), dir, now, reason, write(took))
		})
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil || infos[0].Name == infos[1].Name {
		t.Fatalf("two backups in one second: %+v %v, %+v %v", infos[0], errs[0], infos[1], errs[1])
	}
}

// A window holds the start-up checks back until it has drawn its first
// screen (they would take a core from its start); then they run, and the
// day's backup is made.
func TestStartupChecksWaitForTheFirstScreen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveEntry(ctx, EntryInput{Title: "一件", Body: "本文", Date: "2026-03-02"}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	shown := make(chan struct{})
	daily := make(chan BackupInfo, 1)
	s, err = Open(ctx, Options{DataDir: dir, StartupChecks: true, BackgroundAfter: shown,
		OnBackup: func(b BackupInfo) {
			if b.Reason == BackupDaily {
				daily <- b
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	select {
	case b := <-daily:
		t.Fatalf("the day's backup %s was made before the first screen", b.Name)
	case <-time.After(time.Second):
	}
	close(shown)
	select {
	case <-daily:
	case <-time.After(30 * time.Second):
		t.Fatal("no day's backup after the first screen")
	}
}
