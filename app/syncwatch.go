package app

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/tsuzuri/tsuzuri/syncfolder"
)

// How a watching device paces its passes.
const (
	// arrivalDelay lets a burst of arriving files (a segment and its
	// attachments) settle into one pass.
	arrivalDelay = 300 * time.Millisecond
	// sendDelay lets autosaves of one editing moment go out as one
	// segment: a send waits until writing pauses this long, but never more
	// than maxSendDelay after the first unsent write. (Once sent, a text is
	// kept as a revision on every device, so sending every autosave would
	// fill the history.)
	sendDelay    = 5 * time.Second
	maxSendDelay = 30 * time.Second
	// safetyPass catches what a file system did not report (network
	// drives, some cloud folders): one listing a minute is next to no work.
	safetyPass = time.Minute
)

// WatchSync keeps this device in step until ctx ends: a pass at once, then
// one whenever files arrive in the sync folder or something is written
// here. It waits on the file system's notifications; an idle diary costs
// no CPU. onPass hears every pass (errors included: a pass that fails is
// tried again on the next event).
func (s *Service) WatchSync(ctx context.Context, onPass func(SyncReport, error)) error {
	folder, err := s.syncFolderPath(ctx)
	if err != nil {
		return err
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	watchTree(w, folder)

	pass := func() {
		rep, err := s.SyncNow(ctx)
		if ctx.Err() == nil {
			onPass(rep, err)
		}
		watchTree(w, folder) // device folders that appeared meanwhile
	}
	pass()
	timer := time.NewTimer(safetyPass)
	defer timer.Stop()
	// due is when the next pass runs; arrival, whether files arriving
	// set it (a write here then does not put it off).
	var due, firstWrite time.Time
	arrival := false
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if ev.Op&fsnotify.Create != 0 {
				if fi, err := os.Lstat(ev.Name); err == nil && fi.IsDir() {
					watchTree(w, folder)
				}
			}
			if ev.Op&(fsnotify.Create|fsnotify.Write|fsnotify.Rename) != 0 && !ownWrite(folder, s.store.SyncDevice(), ev.Name) {
				if at := time.Now().Add(arrivalDelay); due.IsZero() || at.Before(due) {
					due, arrival = at, true
					timer.Reset(arrivalDelay)
				}
			}
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			s.log.Warn("sync folder watch", "err", err)
		case <-s.folderSync.kick:
			now := time.Now()
			if firstWrite.IsZero() {
				firstWrite = now
			}
			at := now.Add(sendDelay)
			if limit := firstWrite.Add(maxSendDelay); limit.Before(at) {
				at = limit
			}
			if !arrival || at.Before(due) {
				due = at
				timer.Reset(time.Until(at))
			}
		case <-timer.C:
			due, firstWrite, arrival = time.Time{}, time.Time{}, false
			pass()
			timer.Reset(safetyPass)
		}
	}
}

// ownWrite reports whether a path is under this device's own folder: the
// pass that wrote it needs no other pass.
func ownWrite(folder, device, path string) bool {
	rel, err := filepath.Rel(syncfolder.DeviceDir(folder, device), path)
	return err == nil && rel != ".." && !filepath.IsAbs(rel) && (len(rel) < 3 || rel[:3] != "../")
}

// watchTree watches the folders a pass reads: the sync folder, its devices
// folder, and each device's log and attachments. Adding a watch twice is
// harmless.
func watchTree(w *fsnotify.Watcher, folder string) {
	w.Add(folder)
	devices := filepath.Join(folder, syncfolder.DevicesDir)
	w.Add(devices)
	items, _ := os.ReadDir(devices)
	for _, it := range items {
		if !it.IsDir() {
			continue
		}
		dev := filepath.Join(devices, it.Name())
		w.Add(dev)
		for _, sub := range []string{"log", "attachments"} {
			w.Add(filepath.Join(dev, sub))
		}
	}
}
