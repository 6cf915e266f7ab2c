//go:build !linux

package embedded

// Release does nothing here: the pages stay until the system reclaims them
// under memory pressure, as file-backed pages are everywhere.
func Release(data string) {}
