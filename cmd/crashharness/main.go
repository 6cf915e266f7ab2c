// Command crashharness kills Tsuzuri with SIGKILL at random points of its
// writes (single saves as autosave makes them, imports, index rebuilds,
// automatic backups) and checks, after each kill, that the data folder
// opens, passes its integrity check, agrees with its index and still
// holds every save that was acknowledged. `make bench-crash` runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"
)

func main() {
	if os.Getenv(childEnv) != "" {
		os.Exit(runChild())
	}
	kills := flag.Int("kills", 1000, "how many times to kill the writer")
	maxDelay := flag.Duration("max-delay", 400*time.Millisecond, "kill at a random moment up to this long after start")
	seed := flag.Int64("seed", time.Now().UnixNano(), "random seed (printed, to rerun a failure)")
	dir := flag.String("dir", "", "work folder (default: a temporary one, removed afterwards)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	work := *dir
	if work == "" {
		tmp, err := os.MkdirTemp("", "tsuzuri-crash-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "crashharness:", err)
			os.Exit(1)
		}
		defer os.RemoveAll(tmp)
		work = tmp
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "crashharness:", err)
		os.Exit(1)
	}
	fmt.Printf("crash harness: %d kills, seed %d, in %s\n", *kills, *seed, work)
	figs, err := run(ctx, config{Kills: *kills, MaxDelay: *maxDelay, Seed: *seed, Dir: work, Child: self, Log: os.Stderr})
	figs.print(os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "crashharness:", err)
		os.Exit(1)
	}
	if figs.Failures > 0 {
		os.Exit(1)
	}
}
