package app

import (
	"os"
	"runtime/debug"
)

// DefaultMemoryLimit is the heap size the garbage collector works to stay
// under. Indexing makes garbage fast; without a limit the heap grows to
// twice what is live before Go collects, which on a large import means
// gigabytes for nothing. During a 100k-entry import about 170 MB is live
// (the dictionary, the batches being indexed); at this limit the process
// peaks near 490 MB and spends a few percent more time collecting than with
// no limit, while 256 MiB costs a fifth more time.
const DefaultMemoryLimit = 320 << 20

// LimitMemory applies DefaultMemoryLimit unless GOMEMLIMIT sets another.
// It is a soft limit: Go exceeds it rather than fail.
func LimitMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(DefaultMemoryLimit)
	}
}

// bulkWrites is how many entries an import or rebuild indexes before its
// end hands the memory it used back to the system.
const bulkWrites = 1000

// releaseBulkMemory returns to the system the heap a large import or
// rebuild grew. Go gives it back by itself only over minutes; until then a
// diary open in the background would hold hundreds of megabytes it no
// longer uses, on top of the index pages searching reads in.
func releaseBulkMemory(entries int) {
	if entries >= bulkWrites {
		debug.FreeOSMemory()
	}
}
