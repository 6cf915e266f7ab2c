package embedded

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Release drops the whole pages that data lies on from the process's
// resident memory. It does so only when they belong to a read-only mapping
// of a file, so it can never discard heap memory or anything written.
func Release(data string) {
	if len(data) == 0 {
		return
	}
	page := os.Getpagesize()
	at := uintptr(unsafe.Pointer(unsafe.StringData(data)))
	skip := (page - int(at%uintptr(page))) % page
	n := (len(data) - skip) / page * page
	if n <= 0 {
		return
	}
	start := unsafe.Add(unsafe.Pointer(unsafe.StringData(data)), skip)
	from := uintptr(start)
	if !readOnlyFileMapping(from, from+uintptr(n)) {
		return
	}
	// Advice only: an error leaves the pages where they were.
	_ = unix.Madvise(unsafe.Slice((*byte)(start), n), unix.MADV_DONTNEED)
}

// readOnlyFileMapping reports whether [from, to) lies within one mapping
// of /proc/self/maps that is backed by a file and not writable.
func readOnlyFileMapping(from, to uintptr) bool {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// 00fb2000-029c5000 r--p 00bb2000 fe:00 9987014   /path/to/binary
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 {
			continue
		}
		var lo, hi uintptr
		if _, err := fmt.Sscanf(fields[0], "%x-%x", &lo, &hi); err != nil {
			continue
		}
		if from < lo || to > hi {
			continue
		}
		perms, inode := fields[1], fields[4]
		return strings.HasPrefix(perms, "r-") && inode != "0"
	}
	return false
}
