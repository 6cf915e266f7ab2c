//go:build !windows

package syncfolder

import "os"

// syncDir flushes a folder's entries, so a rename survives a power cut.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
