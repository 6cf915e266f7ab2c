package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tsuzuri/tsuzuri/app"
	"github.com/tsuzuri/tsuzuri/storage"
	"github.com/tsuzuri/tsuzuri/syncfolder"
)

var listAll = storage.ListQuery{Limit: 500}

// textKey identifies a saved text in acknowledgements and in the check.
func textKey(title, body string) string {
	sum := sha256.Sum256([]byte(title + "\x00" + body))
	return hex.EncodeToString(sum[:8])
}

type config struct {
	Devices int
	Ops     int     // operations over all devices, at least
	Kill    float64 // chance that a device's run is killed with SIGKILL
	Seed    uint64
	Dir     string
	Child   string // the program to run as a device
	Log     io.Writer
	// Encrypt runs the devices on an encrypted folder: its key file is in
	// every view from the start, as if the first computer had made it.
	Encrypt bool
}

type figures struct {
	Seed        uint64
	Encrypted   bool
	Devices     int
	Ops         int
	Acks        int
	Kills       int
	Delivered   int // files the copier delivered (each to each device)
	Partial     int // ... of them first cut short
	Duplicates  int
	CopyJunk    int // conflict copies and temporary files the copier left
	Conflicts   int // entries in conflict at the end (the same on every device)
	Resolved    int // acknowledged resolutions
	Entries     int
	Failures    int
	Took        time.Duration
	FailureList []string
}

func (f figures) print(w io.Writer) {
	folder := "plain"
	if f.Encrypted {
		folder = "encrypted"
	}
	fmt.Fprintf(w, "sync simulation: seed %d, %d devices, %s folder, %s\n", f.Seed, f.Devices, folder, f.Took.Round(time.Second))
	fmt.Fprintf(w, "  operations %d, acknowledged saves %d, kills (SIGKILL) %d\n", f.Ops, f.Acks, f.Kills)
	fmt.Fprintf(w, "  copier: %d deliveries, %d first cut short, %d twice, %d conflict copies and temporary files left\n", f.Delivered, f.Partial, f.Duplicates, f.CopyJunk)
	fmt.Fprintf(w, "  end: %d entries on every device, %d in conflict\n", f.Entries, f.Conflicts)
	fmt.Fprintf(w, "  failures %d\n", f.Failures)
	for _, s := range f.FailureList {
		fmt.Fprintf(w, "    %s\n", s)
	}
	if f.Failures > 0 {
		encrypt := ""
		if f.Encrypted {
			encrypt = " -encrypt"
		}
		fmt.Fprintf(w, "  rerun with: go run ./cmd/syncsim -seed %d -devices %d -ops %d%s\n", f.Seed, f.Devices, f.Ops, encrypt)
	}
}

// sim is one run: devices, each with its data folder and its own view of
// the sync folder, and the copier standing in for the sync engine.
type sim struct {
	cfg     config
	figs    figures
	mu      sync.Mutex
	rng     *rand.Rand                 // the copier's; the parent's draws are made under mu
	acks    map[string]map[string]bool // entry → acknowledged texts
	purged  map[string]bool            // entries emptied from a trash for good
	copied  map[string]delivery        // "target|relative path" → what was delivered
	settled map[string]bool            // files delivered whole everywhere
}

func (s *sim) data(i int) string { return filepath.Join(s.cfg.Dir, fmt.Sprintf("device%d", i)) }
func (s *sim) view(i int) string { return filepath.Join(s.cfg.Dir, fmt.Sprintf("folder%d", i)) }

func run(ctx context.Context, cfg config) (figures, error) {
	start := time.Now()
	s := &sim{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, 7)), acks: map[string]map[string]bool{}, purged: map[string]bool{}, copied: map[string]delivery{}, settled: map[string]bool{}}
	s.figs.Seed, s.figs.Devices, s.figs.Encrypted = cfg.Seed, cfg.Devices, cfg.Encrypt
	passphrase := ""
	if cfg.Encrypt {
		passphrase = simPassphrase
		if err := s.prepareEncryptedViews(); err != nil {
			return s.figs, err
		}
	}
	clock := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC).UnixMilli()
	const step = int64(time.Minute / time.Millisecond)

	copierCtx, stopCopier := context.WithCancel(ctx)
	var copierDone sync.WaitGroup
	copierDone.Add(1)
	go func() {
		defer copierDone.Done()
		for copierCtx.Err() == nil {
			s.copyRound(false)
			time.Sleep(15 * time.Millisecond)
		}
	}()

	// Each device runs operations in runs of its own process; some runs
	// are killed. Devices run side by side, like computers.
	perDevice := (cfg.Ops + cfg.Devices - 1) / cfg.Devices
	lastClock := make([]int64, cfg.Devices) // each device's clock when its runs end
	var wg sync.WaitGroup
	errs := make(chan error, cfg.Devices)
	for dev := range cfg.Devices {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A device's clock: one a day and a half ahead, to check the bound.
			devClock := clock
			if dev == cfg.Devices-1 && cfg.Devices > 2 {
				devClock += int64(36 * time.Hour / time.Millisecond)
			}
			done := 0
			for run := 0; done < perDevice; run++ {
				if ctx.Err() != nil {
					errs <- ctx.Err()
					return
				}
				s.mu.Lock()
				ops := 20 + s.rng.IntN(120)
				kill := s.rng.Float64() < cfg.Kill
				delay := time.Duration(50+s.rng.IntN(600)) * time.Millisecond
				seed := s.rng.Uint64()
				s.mu.Unlock()
				ran, killed, err := s.runDevice(ctx, dev, childConfig{Data: s.data(dev), Folder: s.view(dev), Device: dev, Seed: seed,
					Ops: ops, Clock: devClock, Step: step, Passphrase: passphrase}, kill, delay)
				if err != nil {
					errs <- err
					return
				}
				// The clock goes on past every operation that may have run.
				devClock += int64(ran+6) * step // past the fold of the last save
				done += ran
				s.mu.Lock()
				lastClock[dev] = devClock
				s.figs.Ops += ran
				if killed {
					s.figs.Kills++
				}
				s.mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			stopCopier()
			copierDone.Wait()
			return s.figs, err
		}
	}
	stopCopier()
	copierDone.Wait()

	// The copier goes quiet: every file reaches every device whole, and
	// each device makes passes until nothing more arrives.
	for range 3 {
		s.copyRound(true)
		for dev := range cfg.Devices {
			lastClock[dev] += step
			if _, _, err := s.runDevice(ctx, dev, childConfig{Data: s.data(dev), Folder: s.view(dev), Device: dev, Final: true, Clock: lastClock[dev], Passphrase: passphrase}, false, 0); err != nil {
				return s.figs, err
			}
		}
	}
	end := slices.Max(lastClock)
	s.check(ctx, time.UnixMilli(end))
	s.figs.Took = time.Since(start)
	return s.figs, nil
}

const simPassphrase = "simulated passphrase"

// prepareEncryptedViews puts one key file in every device's view of the
// folder. The copier carries only device folders, so it never carries the
// key file; a real engine would, before the others join.
func (s *sim) prepareEncryptedViews() error {
	key, err := syncfolder.NewKey()
	if err != nil {
		return err
	}
	first := s.view(0)
	if err := os.MkdirAll(first, 0o755); err != nil {
		return err
	}
	if err := syncfolder.WriteKeyFile(first, key, simPassphrase); err != nil {
		return err
	}
	data, err := os.ReadFile(filepath.Join(first, syncfolder.KeyFile))
	if err != nil {
		return err
	}
	for i := 1; i < s.cfg.Devices; i++ {
		if err := os.MkdirAll(s.view(i), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(s.view(i), syncfolder.KeyFile), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// runDevice runs one device process, killing it after delay if kill, and
// reads its acknowledgements. It returns how many operations started.
func (s *sim) runDevice(ctx context.Context, dev int, cc childConfig, kill bool, delay time.Duration) (int, bool, error) {
	env, _ := json.Marshal(cc)
	cmd := exec.CommandContext(ctx, s.cfg.Child)
	cmd.Env = append(os.Environ(), childEnv+"="+string(env))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, false, err
	}
	if err := cmd.Start(); err != nil {
		return 0, false, fmt.Errorf("start device %d: %w", dev, err)
	}
	var killed bool
	if kill {
		timer := time.AfterFunc(delay, func() {
			s.mu.Lock()
			killed = true
			s.mu.Unlock()
			cmd.Process.Signal(syscall.SIGKILL)
		})
		defer timer.Stop()
	}
	ran, finished := 0, false
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 1 && f[0] == "op":
			ran++
		case len(f) == 3 && f[0] == "ack":
			s.mu.Lock()
			if s.acks[f[1]] == nil {
				s.acks[f[1]] = map[string]bool{}
			}
			s.acks[f[1]][f[2]] = true
			s.figs.Acks++
			s.mu.Unlock()
		case len(f) == 2 && f[0] == "purged":
			s.mu.Lock()
			s.purged[f[1]] = true
			s.mu.Unlock()
		case len(f) == 1 && f[0] == "done":
			finished = true
		}
	}
	err = cmd.Wait()
	s.mu.Lock()
	wasKilled := killed
	s.mu.Unlock()
	if wasKilled && !finished {
		return ran, true, nil
	}
	if err != nil || !finished {
		return ran, false, fmt.Errorf("device %d failed (%v): %s", dev, err, stderr.String())
	}
	return ran, false, nil
}

// delivery is where the copier stands with one file and one device.
type delivery struct {
	size    int64
	partial bool // cut short: to be delivered whole
	again   bool // whole, and to be delivered once more
}

// copyRound is one round of the stand-in sync engine. Each file a device
// wrote in its own subfolder goes to every other device's view of the
// folder: late (only some files each round), out of order, sometimes cut
// short first and whole later, sometimes twice, with the conflict copies
// and temporary files real engines leave. A final round delivers
// everything whole.
func (s *sim) copyRound(final bool) {
	for src := range s.cfg.Devices {
		root := s.view(src)
		devices, _, _ := syncfolder.Devices(root)
		for _, dev := range devices {
			own := syncfolder.DeviceDir(root, dev)
			// Only the device's own files are taken from its view: the
			// engine replicates each file from where it was written.
			if !s.ownsView(src, own) {
				continue
			}
			filepath.WalkDir(own, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return nil
				}
				rel, _ := filepath.Rel(root, path)
				s.mu.Lock()
				settled := s.settled[rel] && !final
				s.mu.Unlock()
				if settled {
					return nil
				}
				tmp := strings.HasPrefix(d.Name(), ".tmp-")
				whole := !tmp
				for dst := range s.cfg.Devices {
					if dst != src {
						s.deliver(path, rel, dst, tmp, final)
						s.mu.Lock()
						if d, ok := s.copied[fmt.Sprintf("%d|%s", dst, rel)]; !ok || d.partial || d.again {
							whole = false
						}
						s.mu.Unlock()
					}
				}
				if whole {
					// Our files never change once in place: done with it.
					s.mu.Lock()
					s.settled[rel] = true
					s.mu.Unlock()
				}
				return nil
			})
		}
	}
}

// ownsView reports whether a device folder in a view is the one that
// view's device writes (each device notes its id in simDeviceFile).
func (s *sim) ownsView(view int, deviceDir string) bool {
	data, err := os.ReadFile(filepath.Join(s.data(view), simDeviceFile))
	return err == nil && filepath.Base(deviceDir) == strings.TrimSpace(string(data))
}

func (s *sim) deliver(path, rel string, dst int, tmp, final bool) {
	key := fmt.Sprintf("%d|%s", dst, rel)
	fi, err := os.Stat(path)
	if err != nil {
		return // a temporary file renamed meanwhile
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	was, seen := s.copied[key]
	if seen && !was.partial && !was.again && was.size == fi.Size() && !tmp {
		return
	}
	target := filepath.Join(s.view(dst), rel)
	if tmp {
		// An engine copies our temporary files too, under its own
		// temporary name, and may leave them behind.
		if final || s.rng.IntN(20) != 0 {
			return
		}
		data, _ := os.ReadFile(path)
		os.MkdirAll(filepath.Dir(target), 0o755)
		os.WriteFile(filepath.Join(filepath.Dir(target), ".syncthing."+filepath.Base(rel)+".tmp"), data, 0o644)
		s.figs.CopyJunk++
		return
	}
	if !final && s.rng.IntN(3) != 0 {
		return // later
	}
	data, err := os.ReadFile(path)
	if err != nil || int64(len(data)) != fi.Size() {
		return
	}
	os.MkdirAll(filepath.Dir(target), 0o755)
	if !final && !seen && s.rng.IntN(5) == 0 && len(data) > 1 {
		// Cut short: the engine is still writing it in place.
		os.WriteFile(target, data[:s.rng.IntN(len(data))], 0o644)
		s.copied[key] = delivery{size: fi.Size(), partial: true}
		s.figs.Partial++
		return
	}
	writeWhole(target, data)
	if seen && was.again {
		s.figs.Duplicates++
	}
	s.copied[key] = delivery{size: fi.Size()}
	s.figs.Delivered++
	if !final && s.rng.IntN(15) == 0 {
		// Delivered again later, as an engine that lost track would.
		s.copied[key] = delivery{size: fi.Size(), again: true}
	}
	if !final && s.rng.IntN(12) == 0 {
		ext := filepath.Ext(target)
		junk := strings.TrimSuffix(target, ext) + fmt.Sprintf(".sync-conflict-20260601-090000-%07X", s.rng.IntN(1<<28)) + ext
		if s.rng.IntN(2) == 0 {
			junk = strings.TrimSuffix(target, ext) + " (device's conflicted copy 2026-06-01)" + ext
		}
		os.WriteFile(junk, data[:s.rng.IntN(len(data)+1)], 0o644)
		s.figs.CopyJunk++
	}
}

func writeWhole(target string, data []byte) {
	tmp := target + ".copier"
	os.WriteFile(tmp, data, 0o644)
	os.Rename(tmp, target)
}

// check compares the devices once everything has arrived.
func (s *sim) check(ctx context.Context, now time.Time) {
	fail := func(format string, args ...any) {
		s.figs.Failures++
		if len(s.figs.FailureList) < 20 {
			s.figs.FailureList = append(s.figs.FailureList, fmt.Sprintf(format, args...))
		}
	}
	if s.cfg.Encrypt {
		// Read without the key, an encrypted folder offers nothing: every
		// segment in every view must be refused as encrypted.
		for i := range s.cfg.Devices {
			refs, skipped, err := syncfolder.Segments(s.view(i), nil, "", nil)
			if err != nil {
				fail("view %d: %v", i, err)
			}
			for _, r := range refs {
				fail("view %d: %s/%s is not encrypted", i, r.Device, r.Name)
			}
			sealed := 0
			for _, sk := range skipped {
				if sk.Kind == syncfolder.Refused && strings.Contains(sk.Reason, "encrypted") {
					sealed++
				}
			}
			if sealed == 0 {
				fail("view %d holds no encrypted segment", i)
			}
		}
	}
	type state struct {
		entries   map[string]string // id → title, body, date, tags, trash
		conflicts map[string][]string
		texts     map[string]map[string]bool // id → every text it holds, current or revision
	}
	var states []state
	for dev := range s.cfg.Devices {
		// On the devices' clock: on today's, the revisions would be months
		// old, and opening prunes them.
		svc, err := app.Open(ctx, app.Options{DataDir: s.data(dev), Now: func() time.Time { return now }})
		if err != nil {
			fail("device %d does not open: %v", dev, err)
			return
		}
		st := state{entries: map[string]string{}, conflicts: map[string][]string{}, texts: map[string]map[string]bool{}}
		var ids []string
		for _, q := range []bool{false, true} {
			if q {
				trash, _ := svc.ListTrash(ctx)
				for _, t := range trash {
					ids = append(ids, t.ID)
				}
				continue
			}
			cursor := ""
			for {
				page, err := svc.ListEntries(ctx, storage.ListQuery{Limit: 500, Cursor: cursor})
				if err != nil {
					fail("device %d: list: %v", dev, err)
					break
				}
				for _, e := range page.Entries {
					ids = append(ids, e.ID)
				}
				if page.Next == "" {
					break
				}
				cursor = page.Next
			}
		}
		for _, id := range ids {
			e, err := svc.GetEntry(ctx, id)
			if err != nil {
				fail("device %d: %s: %v", dev, id, err)
				continue
			}
			st.entries[id] = fmt.Sprintf("%s|%s|%s|%v|trash=%v", e.Title, e.Body, e.Date, e.Tags, e.DeletedAt != nil)
			st.texts[id] = map[string]bool{textKey(e.Title, e.Body): true}
			hist, _ := svc.History(ctx, id)
			for _, h := range hist {
				r, err := svc.Revision(ctx, id, h.Number)
				if err == nil {
					st.texts[id][textKey(r.Title, r.Body)] = true
				}
			}
			if e.Conflicts > 0 {
				others, _ := svc.ConflictVersions(ctx, id)
				var keys []string
				for _, o := range others {
					keys = append(keys, textKey(o.Title, o.Body))
				}
				sort.Strings(keys)
				st.conflicts[id] = keys
			}
		}
		rep, err := svc.Verify(ctx)
		if err != nil || !rep.OK() {
			fail("device %d: verify: %+v %v", dev, rep, err)
		}
		svc.Close()
		states = append(states, st)
	}
	base := states[0]
	s.figs.Entries, s.figs.Conflicts = len(base.entries), len(base.conflicts)
	for dev, st := range states[1:] {
		if len(st.entries) != len(base.entries) {
			fail("device %d has %d entries, device 0 has %d", dev+1, len(st.entries), len(base.entries))
		}
		for id, e := range base.entries {
			if st.entries[id] != e {
				fail("entry %s differs: device 0 %.80q, device %d %.80q", id, e, dev+1, st.entries[id])
			}
			if fmt.Sprint(st.conflicts[id]) != fmt.Sprint(base.conflicts[id]) {
				fail("entry %s: conflict versions differ: device 0 %v, device %d %v", id, base.conflicts[id], dev+1, st.conflicts[id])
			}
		}
	}
	// Every acknowledged save is on every device, current or in the
	// history, unless its entry was emptied from the trash for good (which
	// deletes its history there: an edit made elsewhere meanwhile brings
	// the entry back, not the texts the person deleted).
	for id, keys := range s.acks {
		if s.purged[id] {
			continue
		}
		for dev, st := range states {
			have, ok := st.texts[id]
			if !ok {
				continue
			}
			for k := range keys {
				if !have[k] {
					fail("device %d lost an acknowledged save of %s (%s)", dev, id, k)
				}
			}
		}
	}
	// No entry twice: every created note's mark appears in one entry only.
	marks := map[string]int{}
	for _, e := range base.entries {
		parts := strings.SplitN(e, "|", 3)
		if len(parts) > 1 {
			if f := strings.Fields(parts[1]); len(f) > 0 && strings.HasPrefix(f[0], "c-") {
				marks[f[0]]++
			}
		}
	}
	for m, n := range marks {
		if n > 1 {
			fail("note %s is in %d entries", m, n)
		}
	}
}
