package main

import (
	"context"
	"fmt"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"
)

// Every kind of damage on a small diary: salvage never writes to the
// damaged file, brings back every entry whose pages are intact with its
// newest text, and with the backup merged every entry the backup holds.
// make bench-crash runs the same on 3,000 entries and prints the table.
func TestSalvageFloors(t *testing.T) {
	ctx := context.Background()
	work := t.TempDir()
	rng := rand.New(rand.NewSource(19))
	f, err := makeDiary(ctx, work, 150, rng)
	if err != nil {
		t.Fatal(err)
	}
	if f.Revisions == 0 || f.LogBytes == 0 {
		t.Fatalf("the diary has %d revisions and a log of %d bytes; the cases need both", f.Revisions, f.LogBytes)
	}
	var rows []outcome
	for i, d := range damages() {
		t.Run(d.Name, func(t *testing.T) {
			o, err := runCase(ctx, f, d, filepath.Join(work, fmt.Sprint("case", i)), rng)
			if err != nil {
				t.Fatal(err)
			}
			rows = append(rows, o)
			if !o.Unchanged {
				t.Error("salvage changed the damaged file")
			}
			if o.IntactBack < o.Intact {
				t.Errorf("%d of %d entries with intact pages came back with their newest text", o.IntactBack, o.Intact)
			}
			if o.BackupBack < o.AtBackup {
				t.Errorf("%d of %d entries the backup holds came back", o.BackupBack, o.AtBackup)
			}
			if o.Intact == 0 {
				t.Error("no entry was left intact: the case measures nothing")
			}
		})
	}
	var b strings.Builder
	printTable(&b, f, rows)
	t.Log("\n" + b.String())
}
