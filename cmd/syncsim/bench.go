package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tsuzuri/tsuzuri/app"
	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/storage"
	"github.com/tsuzuri/tsuzuri/syncfolder"
)

// benchConfig sizes the figures make bench-sync prints.
type benchConfig struct {
	Corpus string // folder with synth.py and dev.jsonl.gz
	Seed   string // the corpus to grow (default: the corpus's dev.jsonl.gz)
	Join   int    // entries of the diary a second computer joins
	Open   int    // entries of the open diary that receives changes
	Remote int    // changes it receives
	Dir    string
}

type benchFigures struct {
	JoinEntries   int
	ImportTook    time.Duration
	JoinTook      time.Duration
	TextBytes     int64
	FolderBytes   int64
	OpenEntries   int
	Remote        int
	ApplyTook     time.Duration
	ApplyCPU      time.Duration // CPU time of the whole process meanwhile, searches included
	SearchP50     time.Duration
	SearchP95     time.Duration
	Searches      int
	IdleCPU       time.Duration // CPU time a watching diary used while idle
	IdleFor       time.Duration
	IdleWakeups   int // passes it made while idle
	FirstSeenTook time.Duration
	// The same diary through an encrypted folder.
	PlainSegmentBytes  int64
	SealedSegmentBytes int64
	SealedJoinTook     time.Duration
}

func (f benchFigures) print(w io.Writer) {
	fmt.Fprintf(w, "sync figures:\n")
	fmt.Fprintf(w, "  join a %d-entry diary: %.1f s; importing the same JSON Lines: %.1f s; ratio %.2f (target ≤ 1.2)\n",
		f.JoinEntries, f.JoinTook.Seconds(), f.ImportTook.Seconds(), f.JoinTook.Seconds()/f.ImportTook.Seconds())
	fmt.Fprintf(w, "  sync folder %.1f MB for %.1f MB of text: %.2f × the text (target ≤ 1.0)\n",
		float64(f.FolderBytes)/1e6, float64(f.TextBytes)/1e6, float64(f.FolderBytes)/float64(f.TextBytes))
	fmt.Fprintf(w, "  encrypted folder: segments %.2f MB against %.2f MB plain, ratio %.3f (target ≤ 1.05); joining it %.1f s against %.1f s plain, ratio %.2f (target ≤ 1.3)\n",
		float64(f.SealedSegmentBytes)/1e6, float64(f.PlainSegmentBytes)/1e6, float64(f.SealedSegmentBytes)/float64(f.PlainSegmentBytes),
		f.SealedJoinTook.Seconds(), f.JoinTook.Seconds(), f.SealedJoinTook.Seconds()/f.JoinTook.Seconds())
	fmt.Fprintf(w, "  apply %d remote changes to an open %d-entry diary: %.1f s (target ≤ 10 s), %.1f s of CPU; search meanwhile p50 %.1f ms, p95 %.1f ms over %d searches (target p95 ≤ 50 ms)\n",
		f.Remote, f.OpenEntries, f.ApplyTook.Seconds(), f.ApplyCPU.Seconds(), ms(f.SearchP50), ms(f.SearchP95), f.Searches)
	fmt.Fprintf(w, "  a change arriving in a watched folder is in the diary %.0f ms after its file lands (target ≤ 2 s)\n", ms(f.FirstSeenTook))
	fmt.Fprintf(w, "  idle watching: %.0f ms of CPU in %.0f s (%.2f %% of one core), %d passes\n",
		ms(f.IdleCPU), f.IdleFor.Seconds(), 100*f.IdleCPU.Seconds()/f.IdleFor.Seconds(), f.IdleWakeups)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func grow(ctx context.Context, cfg benchConfig, n int, dest string) error {
	seed := cfg.Seed
	if seed == "" {
		seed = filepath.Join(cfg.Corpus, "dev.jsonl.gz")
	}
	out, err := os.Create(dest)
	if err != nil {
		return err
	}
	defer out.Close()
	cmd := exec.CommandContext(ctx, "python3", filepath.Join(cfg.Corpus, "synth.py"), seed, strconv.Itoa(n))
	cmd.Stdout, cmd.Stderr = out, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("synth.py: %w", err)
	}
	return out.Close()
}

func openDiary(ctx context.Context, dir string) (*app.Service, error) {
	return app.Open(ctx, app.Options{DataDir: dir})
}

func importFile(ctx context.Context, s *app.Service, file string) error {
	_, err := s.Import(ctx, app.ImportRequest{Paths: []string{file}, Format: "jsonl"}, nil)
	return err
}

func runBench(ctx context.Context, cfg benchConfig, log io.Writer) (benchFigures, error) {
	var f benchFigures
	f.JoinEntries, f.OpenEntries, f.Remote = cfg.Join, cfg.Open, cfg.Remote

	// A second computer joins: A imports (timed), sends; B receives (timed).
	fmt.Fprintf(log, "growing the corpus to %d entries…\n", cfg.Join)
	joinFile := filepath.Join(cfg.Dir, "join.jsonl")
	if err := grow(ctx, cfg, cfg.Join, joinFile); err != nil {
		return f, err
	}
	folder := filepath.Join(cfg.Dir, "folder")
	a, err := openDiary(ctx, filepath.Join(cfg.Dir, "a"))
	if err != nil {
		return f, err
	}
	start := time.Now()
	if err := importFile(ctx, a, joinFile); err != nil {
		return f, err
	}
	f.ImportTook = time.Since(start)
	st, err := a.Stats(ctx)
	if err != nil {
		return f, err
	}
	f.TextBytes = st.TextBytes
	if _, err := a.EnableSync(ctx, folder); err != nil {
		return f, err
	}
	if _, err := a.SyncNow(ctx); err != nil {
		return f, err
	}
	a.Close()
	f.FolderBytes = treeSize(folder, "")
	b, err := openDiary(ctx, filepath.Join(cfg.Dir, "b"))
	if err != nil {
		return f, err
	}
	fmt.Fprintf(log, "joining…\n")
	start = time.Now()
	if _, err := b.EnableSync(ctx, folder); err != nil {
		return f, err
	}
	rep, err := b.SyncNow(ctx)
	if err != nil {
		return f, err
	}
	f.JoinTook = time.Since(start)
	if rep.Received != cfg.Join {
		return f, fmt.Errorf("joining received %d of %d entries", rep.Received, cfg.Join)
	}
	b.Close()
	if err := benchEncryptedJoin(ctx, cfg, &f, folder, log); err != nil {
		return f, err
	}

	if err := benchApply(ctx, cfg, &f, log); err != nil {
		return f, err
	}
	return f, benchWatch(ctx, cfg, &f)
}

// benchEncryptedJoin moves the joined diary to an encrypted folder (it
// sends all of itself there) and times a third computer joining it, to set
// against the plain folder and join.
func benchEncryptedJoin(ctx context.Context, cfg benchConfig, f *benchFigures, plainFolder string, log io.Writer) error {
	const passphrase = "bench passphrase, not a secret"
	sealed := filepath.Join(cfg.Dir, "folder-encrypted")
	a, err := openDiary(ctx, filepath.Join(cfg.Dir, "a"))
	if err != nil {
		return err
	}
	if _, err := a.EnableSyncWith(ctx, app.SyncSetup{Folder: sealed, Encrypt: true, Passphrase: passphrase}); err != nil {
		return err
	}
	if _, err := a.SyncNow(ctx); err != nil {
		return err
	}
	a.Close()
	f.PlainSegmentBytes, f.SealedSegmentBytes = treeSize(plainFolder, ".tzlog"), treeSize(sealed, ".tzlog")
	c, err := openDiary(ctx, filepath.Join(cfg.Dir, "c"))
	if err != nil {
		return err
	}
	defer c.Close()
	fmt.Fprintf(log, "joining the encrypted folder…\n")
	start := time.Now()
	if _, err := c.EnableSyncWith(ctx, app.SyncSetup{Folder: sealed, Passphrase: passphrase}); err != nil {
		return err
	}
	rep, err := c.SyncNow(ctx)
	if err != nil {
		return err
	}
	f.SealedJoinTook = time.Since(start)
	if rep.Received != cfg.Join {
		return fmt.Errorf("joining the encrypted folder received %d of %d entries", rep.Received, cfg.Join)
	}
	return nil
}

// benchApply lands cfg.Remote edits from another device in an open diary
// of cfg.Open entries while searches run, as a window would.
func benchApply(ctx context.Context, cfg benchConfig, f *benchFigures, log io.Writer) error {
	fmt.Fprintf(log, "growing the corpus to %d entries…\n", cfg.Open)
	openFile := filepath.Join(cfg.Dir, "open.jsonl")
	if err := grow(ctx, cfg, cfg.Open, openFile); err != nil {
		return err
	}
	dir := filepath.Join(cfg.Dir, "open")
	s, err := openDiary(ctx, dir)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(log, "importing %d entries…\n", cfg.Open)
	if err := importFile(ctx, s, openFile); err != nil {
		return err
	}
	folder := filepath.Join(cfg.Dir, "open-folder")
	if _, err := s.EnableSync(ctx, folder); err != nil {
		return err
	}
	// The diary has synced before: what it wrote is in the folder already.
	if _, err := s.SyncNow(ctx); err != nil {
		return err
	}
	// What another device would write: edits of existing entries, written
	// over their current versions, in segments as a pass seals them.
	other := storage.NewDeviceID()
	var ids []string
	for cursor := ""; len(ids) < cfg.Remote; {
		page, err := s.ListEntries(ctx, storage.ListQuery{Limit: 500, Cursor: cursor})
		if err != nil {
			return err
		}
		for _, e := range page.Entries {
			ids = append(ids, e.ID)
		}
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	ids = ids[:min(len(ids), cfg.Remote)]
	vids, err := s.CurrentVersions(ctx, ids)
	if err != nil {
		return err
	}
	var records []syncfolder.Record
	clock := uint64(time.Now().UnixMilli()) << 16
	next := 1
	for i, id := range ids {
		e, err := s.GetEntry(ctx, id)
		if err != nil {
			return err
		}
		e.Body += "\n\n追記: 別のパソコンで書いた一行。"
		clock++
		records = append(records, syncfolder.Record{Type: syncfolder.TypeEntry, VID: fmt.Sprintf("%016x-%s", clock, other),
			ID: id, Parents: []string{vids[id]}, Entry: &e})
		if len(records) == 1000 || i == len(ids)-1 {
			_, n, err := syncfolder.WriteSegment(folder, nil, other, "other", next, records)
			if err != nil {
				return err
			}
			next = n + 1
			records = records[:0]
		}
	}
	queries := []string{"障害", "設計", "React", "コンポーネント", "東京", "state", "移行", "レビュー"}
	stop := make(chan struct{})
	var lat []time.Duration
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			t := time.Now()
			if _, err := s.Search(ctx, app.SearchRequest{Query: queries[i%len(queries)], Limit: 20}); err == nil {
				lat = append(lat, time.Since(t))
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	fmt.Fprintf(log, "applying %d remote changes…\n", len(ids))
	// The CPU it took says more than the time on a machine whose speed
	// varies from run to run: on 2 cores the time is at least half of it.
	start, cpu := time.Now(), cpuTime()
	rep, err := s.SyncNow(ctx)
	f.ApplyTook, f.ApplyCPU = time.Since(start), cpuTime()-cpu
	close(stop)
	wg.Wait()
	if err != nil {
		return err
	}
	if rep.Received != len(ids) || len(rep.Changed) != len(ids) {
		return fmt.Errorf("applied %d (changed %d) of %d remote changes", rep.Received, len(rep.Changed), len(ids))
	}
	slices.Sort(lat)
	f.Searches = len(lat)
	if len(lat) > 0 {
		f.SearchP50, f.SearchP95 = lat[len(lat)/2], lat[len(lat)*95/100]
	}
	return nil
}

// benchWatch measures a watching diary: how soon an arriving change is in
// it, and what it costs while nothing happens.
func benchWatch(ctx context.Context, cfg benchConfig, f *benchFigures) error {
	dir := filepath.Join(cfg.Dir, "watch")
	folder := filepath.Join(cfg.Dir, "watch-folder")
	s, err := openDiary(ctx, dir)
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := s.EnableSync(ctx, folder); err != nil {
		return err
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	passes := make(chan app.SyncReport, 100)
	go s.WatchSync(wctx, func(r app.SyncReport, err error) {
		if err == nil {
			passes <- r
		}
	})
	<-passes // the first pass
	time.Sleep(time.Second)
	for len(passes) > 0 {
		<-passes
	}
	// Idle: nothing arrives, nothing is written. The diaries of the
	// earlier figures, closed now, left hundreds of megabytes of garbage in
	// this process; Go's scavenger would hand it back to the system over
	// the next minutes, at up to 1 % of a core, and that is not the
	// watcher's cost.
	runtime.GC()
	debug.FreeOSMemory()
	idle := 10 * time.Second
	before := cpuTime()
	time.Sleep(idle)
	f.IdleCPU, f.IdleFor = cpuTime()-before, idle
	f.IdleWakeups = len(passes)
	for len(passes) > 0 {
		<-passes
	}
	// A segment lands, as a sync engine renames it into place.
	other := storage.NewDeviceID()
	id := fmt.Sprintf("arrival-%d", rand.IntN(1e9))
	landed := time.Now()
	if _, _, err := syncfolder.WriteSegment(folder, nil, other, "other", 1, []syncfolder.Record{{Type: syncfolder.TypeEntry,
		VID: fmt.Sprintf("%016x-%s", uint64(time.Now().UnixMilli())<<16, other), ID: id, Parents: []string{},
		Entry: &diary.Entry{ID: id, Title: "届いた", Body: "別のパソコンから", Date: "2026-12-01"}}}); err != nil {
		return err
	}
	for {
		select {
		case r := <-passes:
			if slices.Contains(r.Changed, id) {
				f.FirstSeenTook = time.Since(landed)
				return nil
			}
		case <-time.After(10 * time.Second):
			return fmt.Errorf("an arriving change was not applied within 10 s")
		}
	}
}

// treeSize adds up the files under dir whose names end in suffix ("": all
// of them): the whole sync folder, or only its change-log segments.
func treeSize(dir, suffix string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(d.Name(), suffix) {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}
