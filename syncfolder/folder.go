// Package syncfolder reads and writes the files through which Tsuzuri
// diaries on several computers meet: a folder that another engine
// (Syncthing, Dropbox, iCloud Drive, a USB stick) replicates.
//
// The folder is shaped so that the engine never has two writers of one file
// and so never makes a conflict copy of ours: each device writes only under
// devices/<its id>/, and only files it writes once and never changes —
// change-log segments numbered in order, and attachments named by their
// content. A file is written under a name readers ignore, flushed, then
// renamed into place; every segment carries its length and checksum, so a
// file still arriving or cut short is recognised and left for later.
//
// Everything read from the folder is untrusted: it may come from a damaged
// disk, a half-finished transfer or someone else's hands.
package syncfolder

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// DevicesDir is the folder, inside the sync folder, that holds one folder
// per device.
const DevicesDir = "devices"

var (
	deviceName     = regexp.MustCompile(`^[0-9a-f]{16}$`)
	segmentName    = regexp.MustCompile(`^[0-9]{8}\.tzlog$`)
	attachmentName = regexp.MustCompile(`^[0-9a-f]{64}\.(png|jpg|gif|webp|svg)$`)
)

// SkipKind says why a file was passed over.
type SkipKind string

const (
	// Arriving: a file the engine is still writing, or cut short; it is
	// read again on the next pass.
	Arriving SkipKind = "arriving"
	// Damaged: whole in length but failing its checksum or format.
	Damaged SkipKind = "damaged"
	// Leftover: a sync engine's conflict copy or temporary file, or
	// anything else that is not ours; ignored.
	Leftover SkipKind = "leftover"
	// Refused: a link or a name that would reach outside the folder, or a
	// file whose protection does not match the folder's (plain in an
	// encrypted folder, or encrypted where this computer has no key).
	Refused SkipKind = "refused"
)

// Skip is one file a pass did not use, and why.
type Skip struct {
	Path   string   `json:"path"` // relative to the sync folder
	Kind   SkipKind `json:"kind"`
	Reason string   `json:"reason"`
}

// Check looks at the sync folder itself: it must be a real folder (not a
// link), and its devices folder too if it exists.
func Check(folder string) error {
	for _, p := range []string{folder, filepath.Join(folder, DevicesDir)} {
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) && p != folder {
			return nil
		}
		if err != nil {
			return fmt.Errorf("sync folder: %w", err)
		}
		if fi.Mode()&fs.ModeSymlink != 0 && p != folder {
			return fmt.Errorf("sync folder: %s is a link; Tsuzuri reads only real folders there", p)
		}
		if !fi.Mode().IsDir() && fi.Mode()&fs.ModeSymlink == 0 {
			return fmt.Errorf("sync folder: %s is not a folder", p)
		}
	}
	return nil
}

// DeviceDir is the folder a device writes in.
func DeviceDir(folder, device string) string {
	return filepath.Join(folder, DevicesDir, device)
}

// Devices lists the device folders of the sync folder, skipping (and
// reporting) anything else.
func Devices(folder string) ([]string, []Skip, error) {
	dir := filepath.Join(folder, DevicesDir)
	items, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", dir, err)
	}
	var devices []string
	var skipped []Skip
	for _, it := range items {
		rel := filepath.ToSlash(filepath.Join(DevicesDir, it.Name()))
		switch {
		case it.Type()&fs.ModeSymlink != 0:
			skipped = append(skipped, Skip{rel, Refused, "a link, not a folder: not followed"})
		case !it.IsDir():
			if kind, why := classifyStray(it.Name()); kind != "" {
				skipped = append(skipped, Skip{rel, kind, why})
			}
		case deviceName.MatchString(it.Name()):
			devices = append(devices, it.Name())
		default:
			if kind, why := classifyStray(it.Name()); kind != "" {
				skipped = append(skipped, Skip{rel, kind, why})
			} else {
				skipped = append(skipped, Skip{rel, Leftover, "not a device folder of Tsuzuri"})
			}
		}
	}
	return devices, skipped, nil
}

// classifyStray names what sync engines and editors leave beside real
// files: their conflict copies, their temporary files, our own unfinished
// writes. Names it does not know are reported as not ours.
func classifyStray(name string) (SkipKind, string) {
	lower := strings.ToLower(name)
	switch {
	case strings.HasPrefix(name, ".tmp-"):
		return Arriving, "being written by Tsuzuri"
	case strings.HasPrefix(lower, ".syncthing.") && strings.HasSuffix(lower, ".tmp"),
		strings.HasPrefix(lower, "~syncthing~"):
		return Arriving, "being received by Syncthing"
	case strings.Contains(lower, ".sync-conflict-"):
		return Leftover, "a conflict copy made by Syncthing; Tsuzuri never edits a file, so it holds nothing new"
	case strings.Contains(lower, "conflicted copy") || strings.Contains(lower, "conflicted-copy") || strings.Contains(lower, "'s conflicted"):
		return Leftover, "a conflict copy made by Dropbox or another engine; ignored"
	case strings.HasPrefix(name, "~$") || strings.HasPrefix(name, ".~lock."):
		return Leftover, "an editor's lock file; ignored"
	case strings.HasSuffix(lower, ".tmp") || strings.HasSuffix(lower, ".partial") || strings.HasSuffix(lower, ".part") ||
		strings.HasSuffix(lower, ".download") || strings.HasPrefix(lower, ".dropbox") || strings.HasPrefix(lower, ".~"):
		return Arriving, "a temporary file of a sync engine"
	case strings.HasPrefix(name, ".st") || name == ".DS_Store" || strings.EqualFold(name, "desktop.ini") || strings.EqualFold(name, "thumbs.db"):
		return "", "" // the engine's or the system's own; not worth a report
	}
	return Leftover, "not a file Tsuzuri writes; ignored"
}

// writeOnce writes data to path through a temporary name in the same
// folder, flushed before it is renamed into place, so a reader (and the
// sync engine) never sees a part of it under its real name.
func writeOnce(path string, write func(f *os.File) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	var rnd [6]byte
	rand.Read(rnd[:])
	tmp := filepath.Join(dir, ".tmp-"+hex.EncodeToString(rnd[:]))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("create %s: %w", tmp, err)
	}
	defer os.Remove(tmp) // a no-op once renamed
	err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("put %s in place: %w", path, err)
	}
	syncDir(dir)
	return nil
}

// CleanUp removes what a write of this device left when it was cut short:
// its temporary files. Only this device writes in its folder, so any there
// is ours and dead.
func CleanUp(folder, device string) {
	for _, sub := range []string{logDir, attachmentsDir} {
		dir := filepath.Join(DeviceDir(folder, device), sub)
		items, _ := os.ReadDir(dir)
		for _, it := range items {
			if strings.HasPrefix(it.Name(), ".tmp-") {
				os.Remove(filepath.Join(dir, it.Name()))
			}
		}
	}
}
