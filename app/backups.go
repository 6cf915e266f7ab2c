package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/storage"
)

// Automatic backups live in <data>/backups, one zip each (the same format
// as Backup writes), named for when and why they were made. Retention
// keeps the newest backup of each of the 7 latest days that have one and
// of each of the 4 latest weeks; days and weeks without a backup do not
// count, so a diary left alone for months still has its last backups.
// Backups made before a restore (and damaged databases kept as they were)
// stand apart: the last 3 are kept besides, so restoring never pushes out
// the backup restored from, nor does a damaged database push out a good one.
const (
	backupsFolder = "backups"
	keepDaily     = 7
	keepWeekly    = 4
	keepRestores  = 3
	backupStamp   = "20060102-150405"
)

// Why an automatic backup was made.
const (
	BackupDaily     = "daily"
	BackupImport    = "import"
	BackupRestore   = "restore"
	BackupMigration = "migration"
	// BackupDamaged holds a damaged database as it was found, before a
	// restore replaced it.
	BackupDamaged = "damaged"
	// BackupManual is one the user asked for in Settings.
	BackupManual = "manual"
	// BackupFirst is a new diary's first, made in its first session.
	BackupFirst = "first"
)

// BackupInfo describes one automatic backup.
type BackupInfo struct {
	Name   string    // file name in the backups folder
	Path   string    // full path
	Time   time.Time // when it was made
	Size   int64     // bytes
	Reason string    // daily, import, restore, migration, damaged, manual or first
}

func backupsDir(dataDir string) string { return filepath.Join(dataDir, backupsFolder) }

func backupFileName(t time.Time, reason string, n int) string {
	name := "tsuzuri-" + t.UTC().Format(backupStamp) + "-" + reason
	if n > 1 {
		name += "-" + strconv.Itoa(n)
	}
	return name + ".zip"
}

// parseBackupName reads the time and reason out of a backup's file name.
func parseBackupName(name string) (time.Time, string, bool) {
	rest, ok := strings.CutPrefix(name, "tsuzuri-")
	if !ok {
		return time.Time{}, "", false
	}
	rest, ok = strings.CutSuffix(rest, ".zip")
	if !ok || len(rest) < len(backupStamp)+2 {
		return time.Time{}, "", false
	}
	t, err := time.ParseInLocation(backupStamp, rest[:len(backupStamp)], time.UTC)
	if err != nil || rest[len(backupStamp)] != '-' {
		return time.Time{}, "", false
	}
	reason, _, _ := strings.Cut(rest[len(backupStamp)+1:], "-")
	return t, reason, reason != ""
}

// backupOrder is a backup's place among those made in the same second.
func backupOrder(name string) int {
	rest := strings.TrimSuffix(name, ".zip")
	if i := strings.LastIndexByte(rest, '-'); i >= 0 {
		if n, err := strconv.Atoi(rest[i+1:]); err == nil {
			return n
		}
	}
	return 1
}

// ListBackups lists the automatic backups of dataDir, newest first.
func ListBackups(dataDir string) ([]BackupInfo, error) {
	dir := backupsDir(dataDir)
	des, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return []BackupInfo{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list backups: %w", err)
	}
	out := []BackupInfo{}
	for _, de := range des {
		t, reason, ok := parseBackupName(de.Name())
		if !ok || !de.Type().IsRegular() {
			continue
		}
		info, err := de.Info()
		if err != nil {
			continue // removed meanwhile
		}
		out = append(out, BackupInfo{Name: de.Name(), Path: filepath.Join(dir, de.Name()), Time: t, Size: info.Size(), Reason: reason})
	}
	slices.SortFunc(out, func(a, b BackupInfo) int {
		if c := b.Time.Compare(a.Time); c != 0 {
			return c
		}
		return backupOrder(b.Name) - backupOrder(a.Name)
	})
	return out, nil
}

// Backups lists this data folder's automatic backups, newest first.
func (s *Service) Backups() ([]BackupInfo, error) { return ListBackups(s.dir) }

// AutoBackup writes a backup into the backups folder and prunes the old
// ones. An empty diary has nothing to keep, so no backup is made (the
// returned info is zero); a damaged one is refused with EReadOnly.
func (s *Service) AutoBackup(ctx context.Context, reason string) (BackupInfo, error) {
	// A damaged database would only push good backups out.
	if why := s.Damaged(); why != "" {
		return BackupInfo{}, diary.Errorf(diary.EReadOnly, "%s", why)
	}
	// Counts, not Stats: Stats measures the text, reading every body,
	// which on a 100k diary was half a second before each backup.
	st, err := s.store.Counts(ctx)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("count entries: %w", err)
	}
	if st.Entries+st.Trashed == 0 {
		return BackupInfo{}, nil
	}
	info, err := newBackup(ctx, s.dir, s.now(), reason, func(dest string) error { return s.Backup(ctx, dest) })
	if err != nil {
		return BackupInfo{}, err
	}
	s.onBackup(info)
	return info, nil
}

// firstBackupAfter is how many writes of a session make the day's backup
// if the start did not (the diary was empty then): a new user's first
// evening of writing has something to lose before the next start.
const firstBackupAfter = 10

// backupOnceWritten makes the first backup of a diary that has none at
// the firstBackupAfter-th write of the session; each later write costs
// nothing.
func (s *Service) backupOnceWritten(ctx context.Context) {
	if s.writes.Add(1) != firstBackupAfter {
		return
	}
	s.firstBackup(ctx)
}

// firstBackup backs up a diary that has no backup yet. It does not count
// as the day's: the next start still makes one with all of the session in
// it. A failure is logged; the write that asked for it stands.
func (s *Service) firstBackup(ctx context.Context) {
	list, err := s.Backups()
	if err == nil && len(list) == 0 {
		_, err = s.AutoBackup(context.WithoutCancel(ctx), BackupFirst)
	}
	if err != nil {
		s.log.Error("first backup", "err", err)
	}
}

// ManualBackup makes a backup now, into the backups folder beside the
// automatic ones (Settings › Backups › Back up now). An empty diary has
// nothing to keep: the info is then zero.
func (s *Service) ManualBackup(ctx context.Context) (BackupInfo, error) {
	return s.AutoBackup(ctx, BackupManual)
}

// DailyBackup makes the day's backup unless one was made today already
// (by the clock's time zone). made is false when none was needed.
func (s *Service) DailyBackup(ctx context.Context) (info BackupInfo, made bool, err error) {
	list, err := s.Backups()
	if err != nil {
		return BackupInfo{}, false, err
	}
	now := s.now()
	for _, b := range list {
		if b.Reason == BackupFirst {
			continue
		}
		if sameDay(b.Time.In(now.Location()), now) {
			return BackupInfo{}, false, nil
		}
		break
	}
	info, err = s.AutoBackup(ctx, BackupDaily)
	return info, err == nil && info.Name != "", err
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// newBackup has write make a backup at a fresh path in the backups folder,
// then prunes the folder.
// backupMu makes backups one at a time: the day's, made in the background
// at start, and Back up now can meet, and one's tidying up (pruneBackups)
// would remove the other's work in progress.
var backupMu sync.Mutex

func newBackup(ctx context.Context, dataDir string, now time.Time, reason string, write func(dest string) error) (BackupInfo, error) {
	backupMu.Lock()
	defer backupMu.Unlock()
	dir := backupsDir(dataDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return BackupInfo{}, fmt.Errorf("create backups folder: %w", err)
	}
	// Backups made in the same second are numbered, so they sort in the
	// order they were made.
	same, _ := filepath.Glob(filepath.Join(dir, "tsuzuri-"+now.UTC().Format(backupStamp)+"-*.zip"))
	n := 1
	for _, name := range same {
		n = max(n, backupOrder(name)+1)
	}
	dest := filepath.Join(dir, backupFileName(now, reason, n))
	if err := write(dest); err != nil {
		return BackupInfo{}, fmt.Errorf("automatic backup: %w", err)
	}
	st, err := os.Stat(dest)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("automatic backup: %w", err)
	}
	if _, err := pruneBackups(dataDir, now.Location()); err != nil {
		return BackupInfo{}, err
	}
	return BackupInfo{Name: filepath.Base(dest), Path: dest, Time: now.UTC().Truncate(time.Second), Size: st.Size(), Reason: reason}, nil
}

// pruneBackups removes the backups retention does not keep, and what a
// backup cut short left behind, and returns the names removed. Days and
// weeks are those of loc.
func pruneBackups(dataDir string, loc *time.Location) ([]string, error) {
	list, err := ListBackups(dataDir)
	if err != nil {
		return nil, err
	}
	days := map[string]bool{}
	weeks := map[string]bool{}
	var removed []string
	restores := 0
	for _, b := range list {
		if b.Reason == BackupRestore || b.Reason == BackupDamaged {
			restores++
			if restores <= keepRestores {
				continue
			}
			if err := os.Remove(b.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return removed, fmt.Errorf("remove old backup %s: %w", b.Name, err)
			}
			removed = append(removed, b.Name)
			continue
		}
		if b.Reason == BackupFirst && len(days) < keepDaily {
			// Kept beside the day's backups until a week of them replaces it.
			continue
		}
		t := b.Time.In(loc)
		day := t.Format("2006-01-02")
		y, w := t.ISOWeek()
		week := fmt.Sprintf("%d-%02d", y, w)
		keep := false
		if !days[day] && len(days) < keepDaily {
			days[day] = true
			keep = true
		}
		if !weeks[week] && len(weeks) < keepWeekly {
			weeks[week] = true
			keep = true
		}
		if keep {
			continue
		}
		if err := os.Remove(b.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("remove old backup %s: %w", b.Name, err)
		}
		removed = append(removed, b.Name)
	}
	// Backup works in a temporary folder beside its destination; one that
	// a crash left behind is of no use. The data folder's lock means no
	// other process is backing up, and backupMu no other backup here.
	leftovers, _ := filepath.Glob(filepath.Join(backupsDir(dataDir), ".tsuzuri-backup-*"))
	for _, l := range leftovers {
		os.RemoveAll(l)
	}
	return removed, nil
}

// backupClosedDB backs up the diary of a data folder that is not open (its
// lock is held by the caller): before a migration changes it, and before
// a restore replaces it. A database too damaged to copy through SQLite is
// kept as its raw file, as a "damaged" backup.
func backupClosedDB(ctx context.Context, dataDir string, now time.Time, reason string) (BackupInfo, error) {
	dbPath := filepath.Join(dataDir, backupDB)
	if err := os.MkdirAll(backupsDir(dataDir), 0o755); err != nil {
		return BackupInfo{}, fmt.Errorf("create backups folder: %w", err)
	}
	tmpDir, err := os.MkdirTemp(backupsDir(dataDir), ".tsuzuri-backup-")
	if err != nil {
		return BackupInfo{}, fmt.Errorf("create temporary folder: %w", err)
	}
	defer os.RemoveAll(tmpDir)
	snapshot := filepath.Join(tmpDir, backupDB)
	ro, err := storage.OpenReadOnly(ctx, dbPath)
	if err == nil {
		err = ro.Backup(ctx, snapshot)
		ro.Close()
	}
	if err != nil {
		if diary.ErrorCode(err) != diary.ECorrupt && !strings.Contains(err.Error(), "malformed") {
			return BackupInfo{}, err
		}
		snapshot, reason = dbPath, BackupDamaged
	}
	return newBackup(ctx, dataDir, now, reason, func(dest string) error {
		tmpZip := filepath.Join(tmpDir, "backup.zip")
		if err := writeBackupZip(ctx, tmpZip, snapshot, filepath.Join(dataDir, backupAttachments)); err != nil {
			return err
		}
		return os.Rename(tmpZip, dest)
	})
}

// RestoreBackup replaces the diary in dataDir, which must not be open,
// with the backup at zipPath (one of its automatic backups or any file
// Backup wrote). The diary as it was is backed up first, so a restore can
// itself be undone; its search index is rebuilt on the next open.
// It returns that backup (zero when there was no diary).
func RestoreBackup(ctx context.Context, dataDir, zipPath string, now time.Time) (BackupInfo, error) {
	lock, err := lockDataDir(dataDir)
	if err != nil {
		return BackupInfo{}, err
	}
	defer lock.release()
	staging := filepath.Join(dataDir, ".restoring")
	if err := os.RemoveAll(staging); err != nil {
		return BackupInfo{}, fmt.Errorf("clear %s: %w", staging, err)
	}
	defer os.RemoveAll(staging)
	// Unpacked beside the diary first: a damaged backup stops here, with
	// the diary untouched.
	if err := Restore(ctx, zipPath, staging); err != nil {
		return BackupInfo{}, err
	}
	return replaceDiary(ctx, dataDir, staging, now)
}

// replaceDiary puts the data folder at staging in the place of dataDir's
// diary, after backing that up. The caller holds dataDir's lock.
func replaceDiary(ctx context.Context, dataDir, staging string, now time.Time) (BackupInfo, error) {
	var before BackupInfo
	dbPath := filepath.Join(dataDir, backupDB)
	if _, err := os.Stat(dbPath); err == nil {
		if before, err = backupClosedDB(ctx, dataDir, now, BackupRestore); err != nil {
			return BackupInfo{}, fmt.Errorf("back up the diary before restoring: %w", err)
		}
	}
	// Attachments are named by their content, so adding the backup's to
	// those present loses nothing.
	err := filepath.WalkDir(filepath.Join(staging, backupAttachments), func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(staging, p)
		dest := filepath.Join(dataDir, rel)
		if _, err := os.Stat(dest); err == nil {
			return nil
		}
		if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
			return err
		}
		return os.Rename(p, dest)
	})
	if err != nil {
		return before, fmt.Errorf("restore attachments: %w", err)
	}
	// The synonyms go back to what they were with the diary (the backup
	// just made holds the current ones).
	if err := os.Rename(filepath.Join(staging, SynonymsFile), filepath.Join(dataDir, SynonymsFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return before, fmt.Errorf("restore synonyms: %w", err)
	}
	// The old database's journal must go before the new file takes its
	// place, or SQLite would apply the old journal to the new database.
	// Its commits are in the backup just made.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(dbPath + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return before, fmt.Errorf("remove old journal: %w", err)
		}
	}
	if err := os.Rename(filepath.Join(staging, backupDB), dbPath); err != nil {
		return before, fmt.Errorf("put the restored database in place: %w", err)
	}
	if err := os.RemoveAll(filepath.Join(dataDir, "index")); err != nil {
		return before, fmt.Errorf("remove old search index: %w", err)
	}
	return before, nil
}
