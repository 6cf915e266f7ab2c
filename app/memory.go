package app

import (
	"context"
	"os"
	"runtime/debug"
	"sync"

	"github.com/tsuzuri/tsuzuri/search"
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

// bulkGCPercent is how far the heap may grow past what is live before a
// collection while an import or a rebuild runs: twice, where Go's default
// is once. Indexing makes garbage fast, and with about 100 MB live, a 100k
// import of English-heavy text spent 8% of its CPU collecting; at 200 it
// takes about 5% less time (same-run pairs, whole process), peaking at 430
// MB rather than 398. The memory limit still bounds the heap: on the dev
// corpus's growth, where it already set when to collect, the peak is the
// same either way (545 and 553 MB).
const bulkGCPercent = 200

// bulkGC counts the bulk writes running, so that the last one to finish
// puts back the setting the first one found.
var bulkGC struct {
	sync.Mutex
	running, before int
}

// collectLessOften applies bulkGCPercent until restore is called, unless
// GOGC sets the collector's pace.
func collectLessOften() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	bulkGC.Lock()
	defer bulkGC.Unlock()
	if bulkGC.running == 0 {
		bulkGC.before = debug.SetGCPercent(bulkGCPercent)
	}
	bulkGC.running++
	return sync.OnceFunc(func() {
		bulkGC.Lock()
		defer bulkGC.Unlock()
		if bulkGC.running--; bulkGC.running == 0 {
			debug.SetGCPercent(bulkGC.before)
		}
	})
}

// bulkWrites is how many entries an import or rebuild indexes before its
// end tidies up after it.
const bulkWrites = 1000

// afterBulk tidies up after an import or rebuild of n entries: the index,
// left in many segments, is merged into one for quicker searches, and the
// heap the work grew is handed back to the system, which Go does by itself
// only over minutes; until then a diary open in the background would hold
// hundreds of megabytes it no longer uses.
func (s *Service) afterBulk(ctx context.Context, n int) {
	if n < bulkWrites {
		return
	}
	// The merge maps every segment into memory as it reads them; with the
	// heap the import left behind still held, that was the import's peak.
	debug.FreeOSMemory()
	if err := s.index.Compact(ctx); err != nil && ctx.Err() == nil {
		s.log.Warn("merge the search index after a bulk write", "err", err)
	}
	debug.FreeOSMemory()
}

// releaseStartupGarbage hands back what starting left in the heap: loading
// the dictionaries and checking the diary make garbage (about half the heap
// at 100k entries) that an idle window, allocating little, would otherwise
// keep until its next collection, which may be hours away.
func releaseStartupGarbage() {
	search.Warm() // its garbage too: it runs beside the checks
	debug.FreeOSMemory()
}
