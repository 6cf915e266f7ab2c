package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The short run of the crash harness (make bench-crash runs the long one):
// every operation is killed a few times, and after each kill nothing that
// was acknowledged is missing and the index agrees with the database.
func TestKillNineAtRandomPoints(t *testing.T) {
	kills := 10
	if testing.Short() {
		kills = 8
	}
	// The writer is built on its own, without the race detector the
	// tests may run under: under it, each start (the dictionary load
	// above all) takes seconds, and the kills would be few and late.
	child := filepath.Join(t.TempDir(), "crashharness")
	if out, err := exec.Command("go", "build", "-o", child, ".").CombinedOutput(); err != nil {
		t.Fatalf("build the writer: %v\n%s", err, out)
	}
	var log strings.Builder
	figs, err := run(context.Background(), config{
		Kills: kills, MaxDelay: 300 * time.Millisecond, Seed: time.Now().UnixNano(),
		Dir: t.TempDir(), Child: child, Log: &log,
	})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	figs.print(&out)
	t.Log(out.String())
	if figs.Failures > 0 {
		t.Errorf("%d failures:\n%s", figs.Failures, log.String())
	}
	if figs.AckedSaves == 0 {
		t.Errorf("no save was acknowledged before the kills: the harness tested nothing")
	}
	for _, op := range operations {
		if figs.ByOperation[op] == 0 && kills >= 4*len(operations) {
			t.Logf("operation %s was not drawn this run", op)
		}
	}
}
