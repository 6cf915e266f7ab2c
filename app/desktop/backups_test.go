package desktop

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tsuzuri/tsuzuri/app"
)

// The window opens on a diary and the day's backup appears in Settings;
// after the page files are damaged, the next start says so, refuses saves,
// and restoring that backup from Settings brings the diary back.
func TestBackupsListAndRestoreFromSettings(t *testing.T) {
	dir := t.TempDir()
	s, err := app.Open(context.Background(), app.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 150 {
		if _, err := s.SaveEntry(context.Background(), app.EntryInput{Title: "勉強会", Body: strings.Repeat("メモ ", i+1), Date: "2025-01-01"}); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()

	b, rec := newBackend(t, dir)
	if st := b.Open(); !st.Ready {
		t.Fatalf("open: %+v", st)
	}
	settings := &Settings{b}
	var list []Backup
	for range 300 { // the daily backup is made in the background
		if list, _ = settings.Backups(); len(list) > 0 && list[0].Reason == "daily" {
			break
		}
		waitABit()
	}
	// The first session made its first backup; the start makes the day's.
	if len(list) != 2 || list[0].Reason != "daily" || list[0].Size == 0 || list[1].Reason != "first" {
		t.Fatalf("backups after the first start = %+v", list)
	}
	b.Close()

	db := filepath.Join(dir, "tsuzuri.db")
	f, _ := os.OpenFile(db, os.O_RDWR, 0)
	st, _ := f.Stat()
	for off := int64(4096); off < st.Size(); off += 4096 {
		f.WriteAt([]byte(strings.Repeat("\xff", 4096)), off)
	}
	f.Close()

	status := b.Open()
	if !status.Ready {
		// Damaged beyond reading: the start screen offers the backup.
		if status.Code != "corrupt" {
			t.Fatalf("open of a damaged diary: %+v", status)
		}
	} else {
		rec.waitFor(t, "data:damaged")
		if st, _ := (&System{b}).Status(); st.Damaged == "" {
			t.Errorf("status of a damaged diary does not say so: %+v", st)
		}
		_, err := (&Entries{b}).Save(app.EntryInput{Title: "x", Body: "y", Date: "2025-01-02"})
		if e := uiErr(t, err); e.Code != "read_only" {
			t.Errorf("save into a damaged diary: %+v", e)
		}
	}
	if _, err := settings.RestoreBackup("../tsuzuri.db"); uiErr(t, err).Code != "not_found" {
		t.Errorf("a name not in the list was accepted")
	}
	status, err = settings.RestoreBackup(list[0].Name)
	if err != nil || !status.Ready || status.Damaged != "" {
		t.Fatalf("restore: %+v, %v", status, err)
	}
	stats, err := (&Entries{b}).Stats()
	if err != nil || stats.Entries != 150 {
		t.Errorf("after restore: %+v, %v", stats, err)
	}
	after, _ := settings.Backups()
	if len(after) < 2 || (after[0].Reason != "damaged" && after[0].Reason != "restore") {
		t.Errorf("the damaged diary was not kept before the restore: %+v", after)
	}
}

func waitABit() { time.Sleep(20 * time.Millisecond) }

// Recover on a damaged diary brings back what its pages still hold,
// including entries written after the latest backup, and opens the
// result; a backup name not in the list is refused.
func TestRecoverFromTheBanner(t *testing.T) {
	dir := t.TempDir()
	b, _ := newBackend(t, dir)
	if st := b.Open(); !st.Ready {
		t.Fatalf("open: %+v", st)
	}
	entries, settings := &Entries{b}, &Settings{b}
	for i := range 150 {
		if _, err := entries.Save(app.EntryInput{Title: "勉強会", Body: strings.Repeat("メモ ", i+1), Date: "2025-01-01"}); err != nil {
			t.Fatal(err)
		}
	}
	s, err := b.service()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AutoBackup(context.Background(), app.BackupDaily); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if _, err := entries.Save(app.EntryInput{Title: "後から", Body: strings.Repeat("追記 ", i+1), Date: "2025-02-01"}); err != nil {
			t.Fatal(err)
		}
	}
	b.Close()
	db := filepath.Join(dir, "tsuzuri.db")
	f, _ := os.OpenFile(db, os.O_RDWR, 0)
	st, _ := f.Stat()
	f.WriteAt([]byte(strings.Repeat("\xff", 8192)), st.Size()/2/4096*4096)
	f.Close()
	b.Open()

	if _, err := settings.Recover("../tsuzuri.db"); uiErr(t, err).Code != "not_found" {
		t.Errorf("a name not in the list was accepted")
	}
	got, err := settings.Recover("")
	if err != nil || !got.Status.Ready || got.Status.Damaged != "" {
		t.Fatalf("recover: %+v, %v", got, err)
	}
	if got.FromDamaged == 0 || !strings.Contains(got.Report, "recovered from the damaged database") {
		t.Errorf("nothing came from the damaged file: %+v", got)
	}
	stats, err := entries.Stats()
	if err != nil || stats.Entries <= 150 {
		t.Errorf("after recovering: %+v, %v (want the backup's 150 and those written since)", stats, err)
	}
}

func TestBackUpNowFromSettings(t *testing.T) {
	b, _ := newBackend(t, t.TempDir())
	b.Open()
	settings := &Settings{b}
	if _, err := settings.BackupNow(); uiErr(t, err).Code != "invalid" {
		t.Errorf("an empty diary was backed up: %v", err)
	}
	if _, err := (&Entries{b}).Save(app.EntryInput{Title: "メモ", Body: "本文", Date: "2025-01-02"}); err != nil {
		t.Fatal(err)
	}
	made, err := settings.BackupNow()
	if err != nil || made.Reason != "manual" || made.Size == 0 {
		t.Fatalf("BackupNow = %+v, %v", made, err)
	}
	list, _ := settings.Backups()
	if len(list) == 0 || list[0] != made {
		t.Errorf("the new backup is not listed first: %+v", list)
	}
}
