package app

import (
	"context"
	"path/filepath"
	"runtime/debug"
	"testing"
)

// gcPercent reads the collector's pace without changing it.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// An import collects garbage less often while it indexes, and the window
// that ran it goes back to the usual pace after, also when the import was
// cancelled: a diary left open must not keep the heap an import needed.
func TestImportCollectsLessOftenOnlyWhileItRuns(t *testing.T) {
	t.Setenv("GOGC", "")
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	src := filepath.Join(t.TempDir(), "many.jsonl")
	writeJSONL(t, src, 1500)
	s := openService(t, t.TempDir())
	defer s.Close()

	during := 0
	if _, err := s.Import(context.Background(), ImportRequest{Format: "jsonl", Paths: []string{src}}, func(ImportProgress) {
		during = max(during, gcPercent())
	}); err != nil {
		t.Fatal(err)
	}
	if during != bulkGCPercent {
		t.Errorf("collector pace during the import %d, want %d", during, bulkGCPercent)
	}
	if got := gcPercent(); got != 100 {
		t.Errorf("collector pace after the import %d, want 100 as before", got)
	}

	ctx, cancel := context.WithCancel(context.Background())
	s2 := openService(t, t.TempDir())
	defer s2.Close()
	s2.Import(ctx, ImportRequest{Format: "jsonl", Paths: []string{src}}, func(ImportProgress) { cancel() })
	if got := gcPercent(); got != 100 {
		t.Errorf("collector pace after a cancelled import %d, want 100 as before", got)
	}

	if err := s.Reindex(context.Background(), func(int, int) { during = gcPercent() }); err != nil {
		t.Fatal(err)
	}
	if during != bulkGCPercent || gcPercent() != 100 {
		t.Errorf("collector pace during a rebuild %d and after %d, want %d and 100", during, gcPercent(), bulkGCPercent)
	}
}

// Bulk writes that overlap put the pace back only when the last ends, to
// what it was before the first; GOGC set by the user is left alone.
func TestOverlappingBulkWritesRestoreThePace(t *testing.T) {
	t.Setenv("GOGC", "")
	defer debug.SetGCPercent(debug.SetGCPercent(150))
	first := collectLessOften()
	second := collectLessOften()
	first()
	first() // twice is once
	if got := gcPercent(); got != bulkGCPercent {
		t.Fatalf("pace with one bulk write still running %d, want %d", got, bulkGCPercent)
	}
	second()
	if got := gcPercent(); got != 150 {
		t.Fatalf("pace after both %d, want 150 as before", got)
	}

	t.Setenv("GOGC", "150")
	restore := collectLessOften()
	got := gcPercent()
	restore()
	if got != 150 {
		t.Errorf("pace with GOGC set %d, want it left at 150", got)
	}
}
