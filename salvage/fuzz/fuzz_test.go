// Package fuzz fuzzes the page reader apart from salvage's own tests:
// those link SQLite, whose millions of coverage counters the fuzzer would
// compare after every run, slowing it to a run a second.
package fuzz

import (
	"testing"
	"time"

	"github.com/tsuzuri/tsuzuri/salvage"
)

// FuzzRead's seeds in testdata are cuts of a database that salvage's
// makeDB wrote. Read must return, quickly, on any bytes.
func FuzzRead(f *testing.F) {
	f.Add(append([]byte("SQLite format 3\x00\x02\x00"), make([]byte, 1100)...), []byte{0x37, 0x7f, 0x06, 0x82})
	f.Fuzz(func(t *testing.T, data, wal []byte) {
		done := make(chan *salvage.Result, 1)
		go func() { done <- salvage.Read(data, wal) }()
		var r *salvage.Result
		select {
		case r = <-done:
		case <-time.After(2 * time.Second):
			t.Fatalf("Read took over 2 s on %d bytes and a log of %d", len(data), len(wal))
		}
		for _, row := range r.Rows {
			if len(row.Values) == 0 {
				t.Fatal("a row without values")
			}
		}
	})
}
