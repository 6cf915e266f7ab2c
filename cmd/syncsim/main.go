// Command syncsim is the sync simulation: several devices, each a real data
// folder run in its own process and sometimes killed with SIGKILL, make
// random edits, deletes, restores, tag changes and concurrent edits of the
// same notes, while a copier standing in for the sync engine carries their
// files late, out of order, cut short and then whole, twice, and leaves the
// conflict copies and temporary files real engines leave. When the copier
// goes quiet, every device must hold the same entries with the same text
// and the same conflict versions, every acknowledged save must be on every
// device (current or in the history), no entry twice, and each index must
// agree with its database. `make bench-sync` runs it; `make test` a short
// run (main_test.go).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"time"
)

func main() {
	if os.Getenv(childEnv) != "" {
		os.Exit(runChild())
	}
	devices := flag.Int("devices", 4, "how many computers (3–5 is typical)")
	ops := flag.Int("ops", 10000, "operations over all devices, at least")
	kill := flag.Float64("kill", 0.3, "chance that a device's run of operations is killed with SIGKILL")
	seed := flag.Uint64("seed", uint64(time.Now().UnixNano()), "random seed (printed, to rerun a failure)")
	dir := flag.String("dir", "", "work folder (default: a temporary one, removed afterwards)")
	figures := flag.Bool("figures", false, "after the simulation, measure joining, applying remote changes, the folder's size and idle watching")
	corpus := flag.String("corpus", "../shared/corpus", "with -figures: the corpus folder (synth.py grows it)")
	seedCorpus := flag.String("seed-corpus", "", "with -figures: the JSON Lines corpus synth.py grows (default: the corpus's dev.jsonl.gz)")
	join := flag.Int("join", 20000, "with -figures: entries of the diary a second computer joins")
	open := flag.Int("open", 100000, "with -figures: entries of the open diary that receives changes")
	remote := flag.Int("remote", 10000, "with -figures: remote changes it receives")
	encrypt := flag.Bool("encrypt", false, "run the devices on an encrypted sync folder")
	cpuProfile := flag.String("cpuprofile", "", "with -figures: write a CPU profile of the figures to this file")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	work := *dir
	if work == "" {
		tmp, err := os.MkdirTemp("", "tsuzuri-syncsim-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "syncsim:", err)
			os.Exit(1)
		}
		defer os.RemoveAll(tmp)
		work = tmp
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "syncsim:", err)
		os.Exit(1)
	}
	figs, err := run(ctx, config{Devices: *devices, Ops: *ops, Kill: *kill, Seed: *seed, Dir: work, Child: self, Log: os.Stderr, Encrypt: *encrypt})
	figs.print(os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "syncsim:", err)
		os.Exit(1)
	}
	if figs.Failures > 0 {
		os.Exit(1)
	}
	if *figures {
		if *cpuProfile != "" {
			f, err := os.Create(*cpuProfile)
			if err == nil {
				pprof.StartCPUProfile(f)
				defer pprof.StopCPUProfile()
			}
		}
		bdir := filepath.Join(work, "bench")
		os.MkdirAll(bdir, 0o755)
		bf, err := runBench(ctx, benchConfig{Corpus: *corpus, Seed: *seedCorpus, Join: *join, Open: *open, Remote: *remote, Dir: bdir}, os.Stderr)
		if err != nil {
			fmt.Fprintln(os.Stderr, "syncsim:", err)
			os.Exit(1)
		}
		bf.print(os.Stdout)
		pprof.StopCPUProfile()
	}
}
