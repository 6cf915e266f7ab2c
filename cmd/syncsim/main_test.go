package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The short run of the sync simulation (make bench-sync runs the long
// one), through a plain and an encrypted folder: three devices, some of their runs killed, the copier delaying,
// reordering, cutting short and duplicating files; at the end every device
// must agree and hold every acknowledged save.
func TestDevicesAgreeAfterAnUnreliableCopier(t *testing.T) {
	ops := 900
	if testing.Short() {
		ops = 300
	}
	// The devices are built without the race detector the tests may run
	// under: each start would take seconds, and the kills would be late.
	child := filepath.Join(t.TempDir(), "syncsim")
	if out, err := exec.Command("go", "build", "-o", child, ".").CombinedOutput(); err != nil {
		t.Fatalf("build the device program: %v\n%s", err, out)
	}
	for _, encrypt := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "encrypted"}[encrypt], func(t *testing.T) {
			var log strings.Builder
			figs, err := run(context.Background(), config{Devices: 3, Ops: ops, Kill: 0.3, Seed: uint64(time.Now().UnixNano()),
				Dir: t.TempDir(), Child: child, Log: &log, Encrypt: encrypt})
			var out strings.Builder
			figs.print(&out)
			t.Log(out.String())
			if err != nil {
				t.Fatal(err)
			}
			if figs.Failures > 0 {
				t.Errorf("%d failures (seed %d)", figs.Failures, figs.Seed)
			}
			if figs.Acks == 0 || figs.Entries == 0 || figs.Delivered == 0 {
				t.Errorf("the simulation exercised nothing: %+v", figs)
			}
		})
	}
}
