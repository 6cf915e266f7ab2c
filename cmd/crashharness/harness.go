package main

import (
	"archive/zip"
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tsuzuri/tsuzuri/app"
	"github.com/tsuzuri/tsuzuri/diary"
)

type config struct {
	Kills    int
	MaxDelay time.Duration
	Seed     int64
	Dir      string
	Child    string    // the program to start as the writer
	Log      io.Writer // one line per failure
}

// freshEvery starts a new data folder every so many kills, so the diary
// stays small enough for a rebuild to be a kill target, not the whole run.
const freshEvery = 100

// figures is what a run found.
type figures struct {
	Kills        int
	ByOperation  map[string]int
	AckedSaves   int
	AckedImports int
	// Pruned is how many revisions the prune operation's PruneRevisions
	// reported deleting (saves prune too, uncounted).
	Pruned   int
	Failures int
	Recovery time.Duration // total time of the opens and checks after kills
	Elapsed  time.Duration
}

func (f figures) print(w io.Writer) {
	var ops []string
	for op, n := range f.ByOperation {
		ops = append(ops, fmt.Sprintf("%s %d", op, n))
	}
	sort.Strings(ops)
	avg := time.Duration(0)
	if f.Kills > 0 {
		avg = f.Recovery / time.Duration(f.Kills)
	}
	fmt.Fprintf(w, "kills %d (%s)\nacknowledged saves %d, acknowledged imports %d (%d entries), revisions pruned %d\nfailures %d\nrecovery (open, replay, verify) %.0f ms on average\nelapsed %.1f s\n",
		f.Kills, strings.Join(ops, ", "), f.AckedSaves, f.AckedImports, f.AckedImports*importSize, f.Pruned, f.Failures,
		float64(avg.Microseconds())/1000, f.Elapsed.Seconds())
}

// acked is what the writers have acknowledged in the current data folder.
type acked struct {
	versions map[string]int // entry id → latest acknowledged version
	imports  []string       // import names
	pruned   int            // revisions PruneRevisions reported deleting
}

func run(ctx context.Context, cfg config) (figures, error) {
	start := time.Now()
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x7473757a757269))
	figs := figures{ByOperation: map[string]int{}}
	var data string
	var want acked
	for i := range cfg.Kills {
		if err := ctx.Err(); err != nil {
			return figs, err
		}
		if i%freshEvery == 0 {
			data = filepath.Join(cfg.Dir, fmt.Sprintf("data-%d", i/freshEvery))
			if i > 0 {
				os.RemoveAll(filepath.Join(cfg.Dir, fmt.Sprintf("data-%d", i/freshEvery-1)))
			}
			want = acked{versions: map[string]int{}}
		}
		op := operations[rng.IntN(len(operations))]
		delay := time.Duration(rng.Int64N(int64(cfg.MaxDelay) + 1))
		// One kill in ten lands while the writer is still opening the
		// folder (replaying what the last kill left) or making its first
		// save; the rest once it writes.
		duringOpen := rng.IntN(10) == 0
		saves, imports, err := killOnce(ctx, cfg, data, op, i, delay, duringOpen, &want)
		if err != nil {
			return figs, err
		}
		figs.Kills++
		figs.ByOperation[op]++
		figs.AckedSaves += saves
		figs.AckedImports += imports
		t0 := time.Now()
		problems := check(ctx, data, want)
		figs.Recovery += time.Since(t0)
		for _, p := range problems {
			figs.Failures++
			fmt.Fprintf(cfg.Log, "kill %d (%s after %v): %s\n", i, op, delay, p)
		}
	}
	figs.Elapsed = time.Since(start)
	figs.Pruned = want.pruned
	return figs, nil
}

// killOnce starts a writer doing op, kills it after delay, and records
// what it acknowledged before that.
func killOnce(ctx context.Context, cfg config, data, op string, gen int, delay time.Duration, duringOpen bool, want *acked) (saves, imports int, err error) {
	cmd := exec.CommandContext(ctx, cfg.Child)
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s|%s|%d", childEnv, op, data, gen))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, 0, fmt.Errorf("start writer: %w", err)
	}
	lines := make(chan string, 1024)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	timer := time.NewTimer(delay)
	defer timer.Stop()
	if !duringOpen {
		timer.Stop()
	}
	killed, started := false, false
	for !killed {
		select {
		case line, ok := <-lines:
			if !ok {
				// The writer ended by itself: that is a failure of its own.
				cmd.Wait()
				return saves, imports, fmt.Errorf("writer (%s) exited before it was killed: %s", op, strings.TrimSpace(stderr.String()))
			}
			// The clock starts at the first acknowledged write: the first
			// save also loads the dictionary, which takes longer than
			// most delays.
			if !started && !duringOpen && strings.HasPrefix(line, "ack ") {
				started = true
				timer.Reset(delay)
			}
			saves, imports = record(line, want, saves, imports)
		case <-timer.C:
			cmd.Process.Signal(syscall.SIGKILL)
			killed = true
		}
	}
	// Lines written before the kill are still in the pipe: a save is
	// acknowledged once its line was printed, read now or not.
	for line := range lines {
		saves, imports = record(line, want, saves, imports)
	}
	cmd.Wait()
	return saves, imports, nil
}

func record(line string, want *acked, saves, imports int) (int, int) {
	f := strings.Fields(line)
	switch {
	case len(f) == 3 && f[0] == "ack":
		v, _ := strconv.Atoi(f[2])
		want.versions[f[1]] = max(want.versions[f[1]], v)
		return saves + 1, imports
	case len(f) == 2 && f[0] == "import":
		want.imports = append(want.imports, f[1])
		return saves, imports + 1
	case len(f) == 2 && f[0] == "pruned":
		n, _ := strconv.Atoi(f[1])
		want.pruned += n
	}
	return saves, imports
}

var versionIn = regexp.MustCompile(` v(\d+)。`)

// check opens the data folder as the app does (replaying what the index
// missed) and reports every way it falls short.
func check(ctx context.Context, data string, want acked) []string {
	s, err := app.Open(ctx, app.Options{DataDir: data})
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return []string{fmt.Sprintf("open after kill: %v", err)}
	}
	defer s.Close()
	var problems []string
	r, err := s.Verify(ctx)
	switch {
	case err != nil:
		problems = append(problems, fmt.Sprintf("verify: %v", err))
	case !r.OK():
		problems = append(problems, fmt.Sprintf("verify: database %v, index %+v, attachments %v", r.DatabaseProblems, r.Index, r.MissingAttachments))
	}
	for id, v := range want.versions {
		e, err := s.GetEntry(ctx, id)
		if err != nil {
			problems = append(problems, fmt.Sprintf("acknowledged save %s v%d is missing: %v", id, v, err))
			continue
		}
		m := versionIn.FindStringSubmatch(e.Body)
		if got, _ := strconv.Atoi(m[1]); m == nil || got < v {
			problems = append(problems, fmt.Sprintf("acknowledged save %s v%d: the diary has %q", id, v, e.Body[:min(len(e.Body), 60)]))
		}
	}
	for _, name := range want.imports {
		for _, i := range []int{0, importSize - 1} {
			id := fmt.Sprintf("%s-%d", name, i)
			if _, err := s.GetEntry(ctx, id); diary.ErrorCode(err) != "" {
				problems = append(problems, fmt.Sprintf("acknowledged import %s lost %s: %v", name, id, err))
			}
		}
	}
	backups, err := s.Backups()
	if err != nil {
		problems = append(problems, fmt.Sprintf("list backups: %v", err))
	}
	for _, b := range backups {
		zr, err := zip.OpenReader(b.Path)
		if err != nil {
			problems = append(problems, fmt.Sprintf("backup %s is unreadable: %v", b.Name, err))
			continue
		}
		zr.Close()
	}
	return problems
}
