package desktop

import (
	"time"

	"github.com/tsuzuri/tsuzuri/app"
	"github.com/tsuzuri/tsuzuri/diary"
)

// Backup is one automatic backup as the settings list shows it.
type Backup struct {
	Name   string
	Time   string // RFC 3339, UTC
	Size   int64
	Reason string // daily, import, restore, migration, damaged, manual
}

// Backups lists the data folder's automatic backups, newest first. It
// works when the folder could not be opened too: that is when one is
// needed most.
func (x *Settings) Backups() ([]Backup, error) {
	list, err := app.ListBackups(x.b.prefs.DataDirOrDefault())
	if err != nil {
		return nil, x.b.fail("list backups", err)
	}
	out := make([]Backup, len(list))
	for i, b := range list {
		out[i] = Backup{Name: b.Name, Time: b.Time.UTC().Format(time.RFC3339), Size: b.Size, Reason: b.Reason}
	}
	return out, nil
}

// BackupNow makes a backup into the backups folder at once (Settings ›
// Backups › Back up now) and returns it as the list shows it. An empty
// diary is refused: there is nothing to keep yet.
func (x *Settings) BackupNow() (Backup, error) {
	info, err := call(x.b, "back up", func(s *app.Service) (app.BackupInfo, error) { return s.ManualBackup(x.b.ctx) })
	if err != nil {
		return Backup{}, err
	}
	if info.Name == "" {
		return Backup{}, x.b.fail("back up", diary.Errorf(diary.EInvalid, "The diary is empty: there is nothing to back up yet."))
	}
	return Backup{Name: info.Name, Time: info.Time.UTC().Format(time.RFC3339), Size: info.Size, Reason: info.Reason}, nil
}

// RestoreBackup replaces the diary with the automatic backup called name,
// after backing up the diary as it is, and opens it again. The search
// index is rebuilt in the background.
func (x *Settings) RestoreBackup(name string) (Status, error) {
	dir := x.b.prefs.DataDirOrDefault()
	list, err := app.ListBackups(dir)
	if err != nil {
		return Status{}, x.b.fail("restore backup", err)
	}
	// Only a backup from the list: the name never reaches the file system
	// as a path of the caller's making.
	path := ""
	for _, b := range list {
		if b.Name == name {
			path = b.Path
		}
	}
	if path == "" {
		return Status{}, x.b.fail("restore backup", diary.Errorf(diary.ENotFound, "There is no backup called %q.", name))
	}
	if err := x.b.Close(); err != nil {
		x.b.log.Error("close before restore", "err", err)
	}
	if _, err := app.RestoreBackup(x.b.ctx, dir, path, time.Now()); err != nil {
		x.b.mu.Lock()
		x.b.status = Status{Code: diary.ErrorCode(err), Message: openMessage(err, dir), DataDir: dir}
		x.b.mu.Unlock()
		// The diary as it was is still there (or in the backups): open it.
		x.b.Open()
		return Status{}, x.b.fail("restore backup", err)
	}
	return x.b.Open(), nil
}

// Salvaged is what Recover brought back, as the window reports it.
type Salvaged struct {
	FromDamaged int
	FromBackup  int
	Unreadable  int
	Report      string // the report's text, also kept in the backups folder
	Status      Status
}

// Recover reads everything the damaged diary still holds, merges it with
// the automatic backup called backup ("" for the latest sound one, if
// any), and puts the result in the diary's place; the damaged database
// is kept as a backup. The diary is then opened again.
func (x *Settings) Recover(backup string) (Salvaged, error) {
	dir := x.b.prefs.DataDirOrDefault()
	path := ""
	if backup == "" {
		path = app.LatestGoodBackup(dir)
	} else {
		list, err := app.ListBackups(dir)
		if err != nil {
			return Salvaged{}, x.b.fail("recover", err)
		}
		// Only a backup from the list, as for RestoreBackup.
		for _, b := range list {
			if b.Name == backup {
				path = b.Path
			}
		}
		if path == "" {
			return Salvaged{}, x.b.fail("recover", diary.Errorf(diary.ENotFound, "There is no backup called %q.", backup))
		}
	}
	if err := x.b.Close(); err != nil {
		x.b.log.Error("close before recovering", "err", err)
	}
	rep, err := app.SalvageInPlace(x.b.ctx, dir, path, time.Now())
	if err != nil {
		x.b.Open()
		return Salvaged{}, x.b.fail("recover", err)
	}
	return Salvaged{FromDamaged: rep.FromDamaged, FromBackup: rep.FromBackup, Unreadable: len(rep.Unreadable),
		Report: rep.Text(), Status: x.b.Open()}, nil
}
