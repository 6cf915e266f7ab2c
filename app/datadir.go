package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/tsuzuri/tsuzuri/diary"
)

// DataDirEnv overrides the default data folder.
const DataDirEnv = "TSUZURI_DATA"

// DefaultDataDir returns the data folder used when none is given: the
// TSUZURI_DATA environment variable, or the OS's per-user application data
// folder.
func DefaultDataDir() (string, error) {
	if dir := os.Getenv(DataDirEnv); dir != "" {
		return filepath.Abs(dir)
	}
	switch runtime.GOOS {
	case "windows":
		// Local, not Roaming: the index is large and rebuildable, and roaming
		// profiles copy everything at every logon.
		dir, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("find the local app data folder: %w", err)
		}
		return filepath.Join(dir, "Tsuzuri"), nil
	case "darwin":
		dir, err := os.UserConfigDir() // ~/Library/Application Support
		if err != nil {
			return "", fmt.Errorf("find the application support folder: %w", err)
		}
		return filepath.Join(dir, "Tsuzuri"), nil
	default:
		if dir := os.Getenv("XDG_DATA_HOME"); dir != "" {
			return filepath.Join(dir, "tsuzuri"), nil
		}
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("find the home folder: %w", err)
		}
		return filepath.Join(home, ".local", "share", "tsuzuri"), nil
	}
}

var errLocked = errors.New("locked")

// dirLock is held for as long as a Service has the data folder open, so two
// processes never write one index at the same time (SQLite would cope; Bleve
// would not).
type dirLock struct{ f *os.File }

func lockDataDir(dir string) (*dirLock, error) {
	f, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, diary.Errorf(diary.EInvalid, "The data folder %s cannot be written: %v", dir, err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, diary.Errorf(diary.ELocked,
				"The data folder %s is in use by another Tsuzuri (the app or the tsuzuri command). Close it and try again.", dir)
		}
		return nil, fmt.Errorf("lock data folder: %w", err)
	}
	return &dirLock{f: f}, nil
}

func (l *dirLock) release() error {
	// Closing the file drops the lock on every OS.
	return l.f.Close()
}
