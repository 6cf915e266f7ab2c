// Command damagesuite damages a real diary in the ways files get hurt
// (noise, truncation, a lost header page, a damaged free list, a log cut
// short) and prints, for each, what verify says and what salvage brings
// back from the damaged file and from the latest backup. `make
// bench-crash` runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/signal"
	"path/filepath"
	"time"
)

func main() {
	entries := flag.Int("entries", 3000, "entries in the diary")
	seed := flag.Int64("seed", time.Now().UnixNano(), "random seed (printed, to rerun a case)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *entries, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "damagesuite:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, n int, seed int64) error {
	work, err := os.MkdirTemp("", "tsuzuri-damage-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	fmt.Printf("damage suite: seed %d\n", seed)
	rng := rand.New(rand.NewSource(seed))
	f, err := makeDiary(ctx, work, n, rng)
	if err != nil {
		return fmt.Errorf("make the diary: %w", err)
	}
	var rows []outcome
	failed := false
	for i, d := range damages() {
		o, err := runCase(ctx, f, d, filepath.Join(work, fmt.Sprint("case", i)), rng)
		if err != nil {
			return fmt.Errorf("%s: %w", d.Name, err)
		}
		rows = append(rows, o)
		failed = failed || o.IntactBack < o.Intact || o.BackupBack < o.AtBackup || !o.Unchanged
	}
	printTable(os.Stdout, f, rows)
	if failed {
		return fmt.Errorf("a floor was missed (see the table)")
	}
	return nil
}
