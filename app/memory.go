package app

import (
	"os"
	"runtime/debug"
)

// DefaultMemoryLimit is the heap size the garbage collector works to stay
// under. Indexing makes garbage fast (a token object per character of
// text); without a limit the heap grows to twice what is live before Go
// collects, which on a large import means gigabytes for nothing.
const DefaultMemoryLimit = 448 << 20

// LimitMemory applies DefaultMemoryLimit unless GOMEMLIMIT sets another.
// It is a soft limit: Go exceeds it rather than fail.
func LimitMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(DefaultMemoryLimit)
	}
}
