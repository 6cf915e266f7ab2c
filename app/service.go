// Package app is Tsuzuri's application layer: one Service that the desktop
// bindings and the tsuzuri command both call. It wires storage (the source of
// truth) to search (a rebuildable index) and the import/export formats, and
// holds every rule about how they work together.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tsuzuri/tsuzuri/attach"
	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/search"
	"github.com/tsuzuri/tsuzuri/storage"
)

// Options configure Open.
type Options struct {
	// DataDir is the folder that holds everything; "" means DefaultDataDir.
	DataDir string
	// Logger receives details of unexpected failures; nil discards them.
	Logger *slog.Logger
	// IndexInBackground makes Open return once the database and the index
	// are open, and bring the index up to date afterwards when it is far
	// behind: after an upgrade that rebuilds the index, or a crash in a
	// large import, that can take a minute, which a window should not spend
	// blank. Searches meanwhile find what is indexed so far. Otherwise, or
	// when only a few changes are missing, Open waits for it.
	IndexInBackground bool
	// IndexProgress, with IndexInBackground, hears how that goes.
	IndexProgress func(IndexProgress)
	// StartupChecks runs, in the background once the folder is open, the
	// database's quick check, a comparison of the index with the database
	// (rebuilding it when they disagree) and the day's backup. A damaged
	// database is kept open for reading only; OnDamaged hears why.
	StartupChecks bool
	// BackgroundAfter, if set, holds those checks and the loading of the
	// dictionaries back until it is closed (the window has drawn its first
	// screen), or for at most backgroundWait: reading the whole database
	// and index, and decoding the dictionaries (half a second of CPU), they
	// would take a core from the window's start on a two-core machine.
	BackgroundAfter <-chan struct{}
	OnDamaged       func(message string)
	// OnBackup hears of each automatic backup made.
	OnBackup func(BackupInfo)
	// Now is the clock backups are dated by and writes are stamped with
	// (revisions age by it); nil means time.Now.
	Now func() time.Time
}

// IndexProgress is how far bringing the index up to date has come.
type IndexProgress struct {
	Done     int  // entries indexed so far
	Total    int  // entries in the diary
	Finished bool // the index is up to date (or gave up; the log says why)
}

// Service is an open data folder.
type Service struct {
	dir    string
	log    *slog.Logger
	lock   *dirLock
	store  *storage.Store
	index  *search.Index
	attach attach.Store

	// syncMu makes index catch-up single-file: two goroutines replaying the
	// same changes would only waste work, but Reset during a replay would not.
	// A write that finds it held (an import or a rebuild is replaying) sets
	// syncPending and returns; whoever holds it looks at syncPending once
	// it lets go (see unlockSync), so no committed write waits unindexed.
	syncMu      sync.Mutex
	syncPending atomic.Bool

	// folderSync is sync with other devices through a folder (sync.go),
	// not to be confused with the index catch-up above.
	folderSync folderSync

	// background is the catch-up Open started with IndexInBackground;
	// Close stops it and waits for it.
	background       sync.WaitGroup
	cancelBackground context.CancelFunc

	synonyms synonyms

	writes atomic.Int64 // saves and deletes this session, for the first backup

	now       func() time.Time
	onBackup  func(BackupInfo)
	onDamaged func(string)
}

// Open opens the data folder, creating it on first use, and brings the search
// index up to date with the database (replaying whatever a crash left out).
func Open(ctx context.Context, opts Options) (*Service, error) {
	dir := opts.DataDir
	if dir == "" {
		var err error
		if dir, err = DefaultDataDir(); err != nil {
			return nil, err
		}
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("resolve data folder: %w", err)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, diary.Errorf(diary.EInvalid, "The data folder %s cannot be created: %v", dir, err)
	}
	lock, err := lockDataDir(dir)
	if err != nil {
		return nil, err
	}
	s := &Service{dir: dir, log: log, lock: lock, attach: attach.Store{Dir: filepath.Join(dir, "attachments")},
		now: opts.Now, onBackup: opts.OnBackup, onDamaged: opts.OnDamaged}
	if s.now == nil {
		s.now = time.Now
	}
	s.folderSync.kick = make(chan struct{}, 1)
	if s.onBackup == nil {
		s.onBackup = func(BackupInfo) {}
	}
	if s.onDamaged == nil {
		s.onDamaged = func(string) {}
	}
	if err := s.open(ctx); err != nil {
		s.Close()
		return nil, err
	}
	s.pruneOldRevisions(ctx)
	bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancelBackground = cancel
	if !opts.IndexInBackground || s.indexBacklog(ctx) <= syncBatch {
		if err := s.syncIndex(ctx); err != nil {
			if !s.damagedBy(ctx, err) {
				s.Close()
				return nil, fmt.Errorf("bring the search index up to date: %w", err)
			}
		}
	} else {
		// Taken here, not in the goroutine: a write made before the goroutine
		// runs must leave the catch-up to it, not do it itself.
		s.syncMu.Lock()
		s.background.Go(func() { s.catchUpLocked(bg, opts.IndexProgress) })
	}
	// The dictionaries load while the rest of the start-up goes on, so
	// the first search does not wait for them. Close does not wait for
	// them either: a quick command would otherwise pay for them.
	go func() {
		if waitForWindow(bg, opts.BackgroundAfter) {
			search.Warm()
		}
	}()
	if opts.StartupChecks {
		s.background.Go(func() {
			if waitForWindow(bg, opts.BackgroundAfter) {
				s.startupChecks(bg, opts.IndexProgress)
			}
		})
	}
	return s, nil
}

// waitForWindow waits until after is closed (nil is closed), for at most
// backgroundWait; false if ctx ends first.
func waitForWindow(ctx context.Context, after <-chan struct{}) bool {
	if after == nil {
		return ctx.Err() == nil
	}
	select {
	case <-after:
	case <-time.After(backgroundWait):
	case <-ctx.Done():
		return false
	}
	return true
}

// backgroundWait bounds how long the start-up's background work waits for
// the window (one that never says it has drawn must not keep it from
// running).
const backgroundWait = 5 * time.Second

// indexBacklog is about how many changes the index is behind the database:
// a few are caught up at once, many in the background. -1 if unknown, for
// the caught-up-at-once path to report the error.
func (s *Service) indexBacklog(ctx context.Context) int64 {
	last, err := s.store.LastSeq(ctx)
	if err != nil {
		return -1
	}
	seq, err := s.index.Seq()
	if err != nil {
		return -1
	}
	return last - seq
}

// catchUpLocked brings the index up to date, reporting as it goes, and
// releases syncMu, which the caller holds.
func (s *Service) catchUpLocked(ctx context.Context, progress func(IndexProgress)) {
	if progress == nil {
		progress = func(IndexProgress) {}
	}
	total := 0
	if st, err := s.store.Stats(ctx); err == nil {
		total = st.Entries
	}
	done := 0
	restoreGC := collectLessOften()
	err := s.syncIndexLocked(ctx, func(n int) {
		done = n
		progress(IndexProgress{Done: done, Total: total})
	})
	restoreGC()
	s.unlockSync(ctx)
	if err != nil && ctx.Err() == nil {
		s.log.Error("bring the search index up to date; the next start tries again", "err", err)
	}
	progress(IndexProgress{Done: done, Total: total, Finished: true})
}

func (s *Service) open(ctx context.Context) error {
	dbPath := filepath.Join(s.dir, backupDB)
	if pending, err := storage.PendingMigrations(ctx, dbPath); err == nil && pending {
		info, err := backupClosedDB(ctx, s.dir, s.now(), BackupMigration)
		if err != nil {
			return fmt.Errorf("back up the diary before upgrading it: %w", err)
		}
		s.onBackup(info)
	}
	store, err := storage.Open(ctx, dbPath)
	if diary.ErrorCode(err) == diary.ECorrupt {
		// Keep what can still be read in view, for reading and backing up;
		// the person is offered the latest backup.
		if ro, rerr := storage.OpenReadOnly(ctx, dbPath); rerr == nil {
			store, err = ro, nil
			s.store = store
			s.markDamaged(damagedMessage)
		}
	}
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	store.SetClock(s.now)
	s.store = store
	index, err := search.Open(filepath.Join(s.dir, "index"))
	if err != nil {
		return fmt.Errorf("open search index: %w", err)
	}
	s.index = index
	// A hit of a long word is checked against the entry's text, which
	// only the database keeps (see search/literal.go).
	index.SetTextSource(func(ctx context.Context, ids []string) (map[string]search.Text, error) {
		texts, err := s.store.Texts(ctx, ids)
		if err != nil {
			return nil, err
		}
		out := make(map[string]search.Text, len(texts))
		for id, t := range texts {
			out[id] = search.Text{Title: t.Title, Body: t.Body}
		}
		return out, nil
	})
	if bad := index.Damaged(); len(bad) > 0 {
		s.log.Warn("search index damaged; rebuilding it", "segments", bad)
	}
	s.synonyms.path = filepath.Join(s.dir, SynonymsFile)
	s.refreshSynonyms()
	return nil
}

// Close releases the data folder. It is safe on a partly opened Service.
func (s *Service) Close() error {
	if s.cancelBackground != nil {
		s.cancelBackground()
	}
	s.background.Wait()
	var errs []error
	if s.index != nil {
		errs = append(errs, s.index.Close())
	}
	if s.store != nil {
		errs = append(errs, s.store.Close())
	}
	if s.lock != nil {
		errs = append(errs, s.lock.release())
	}
	return errors.Join(errs...)
}

// DataDir is the folder this Service has open.
func (s *Service) DataDir() string { return s.dir }

// syncBatch is how many changes go into one index batch: large enough to
// amortise Bleve's per-batch cost, small enough to bound memory.
const syncBatch = 1000

// syncIndex replays the database's change feed into the index from the
// sequence number the index last recorded. The index stores that number in
// the same batch as the documents, so a crash anywhere leaves the two
// consistent and the next call repairs the gap.
func (s *Service) syncIndex(ctx context.Context) error {
	s.syncMu.Lock()
	defer s.unlockSync(ctx)
	return s.syncIndexLocked(ctx, nil)
}

// unlockSync releases syncMu and indexes what was written while it was
// held. Those writes were committed, so their indexing does not stop with
// the holder's context.
func (s *Service) unlockSync(ctx context.Context) {
	s.syncMu.Unlock()
	if s.syncPending.Load() {
		s.afterWrite(context.WithoutCancel(ctx))
	}
}

func (s *Service) syncIndexLocked(ctx context.Context, progress func(done int)) error {
	return s.followLocked(ctx, progress, s.index.Apply)
}

// followLocked brings the index up to the database's change feed with
// apply, which is search.Index.Apply or ApplyBeside.
func (s *Service) followLocked(ctx context.Context, progress func(done int), apply func(ctx context.Context, upserts []search.Document, deletes []string, seq int64) error) error {
	seq, err := s.index.Seq()
	if err != nil {
		return fmt.Errorf("read index position: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	rounds := s.readAhead(ctx, seq)
	defer func() {
		// The reader stops at the cancel; none outlives the catch-up.
		cancel()
		for range rounds {
		}
	}()
	done := 0
	for r := range rounds {
		if r.err != nil {
			return r.err
		}
		if err := apply(ctx, r.upserts, r.deletes, r.seq); err != nil {
			return fmt.Errorf("index changes up to %d: %w", r.seq, err)
		}
		done += len(r.upserts)
		if progress != nil {
			progress(done)
		}
	}
	return ctx.Err()
}

// changeRound is one read of the change feed, ready for the index.
type changeRound struct {
	upserts []search.Document
	deletes []string
	seq     int64
	err     error
}

// readAhead reads the change feed after seq, a round at a time, one round
// ahead of the index: the next round is read while the last one is being
// indexed. On a 100k import the reads are 3% of the work, and all of it
// was on the index's path, which sets how long an import takes. The
// channel closes after the last round, an error, or ctx's end.
func (s *Service) readAhead(ctx context.Context, seq int64) <-chan changeRound {
	out := make(chan changeRound)
	send := func(r changeRound) bool {
		select {
		case out <- r:
			return true
		case <-ctx.Done():
			return false
		}
	}
	go func() {
		defer close(out)
		for ctx.Err() == nil {
			changes, err := s.store.Changes(ctx, seq, syncBatch)
			if err != nil {
				send(changeRound{err: fmt.Errorf("read changes after %d: %w", seq, err)})
				return
			}
			if len(changes) == 0 {
				return
			}
			seq = changes[len(changes)-1].Seq
			r := changeRound{seq: seq}
			for _, c := range changes {
				if c.Entry == nil {
					r.deletes = append(r.deletes, c.ID)
					continue
				}
				r.upserts = append(r.upserts, toDocument(c.Entry, c.Seq))
			}
			if !send(r) {
				return
			}
		}
	}()
	return out
}

func toDocument(e *diary.Entry, seq int64) search.Document {
	return search.Document{ID: e.ID, Title: e.Title, Body: e.Body, Date: e.Date, Tags: e.Tags, Seq: seq}
}

// afterWrite updates the index after a committed write, unless a catch-up
// is running: then the write is left to it rather than waiting for it (a
// save during a large import would otherwise wait for the whole import).
// The write already succeeded, so an index failure is logged, not returned:
// the change feed keeps the change, and the next sync (or the next start)
// indexes it.
func (s *Service) afterWrite(ctx context.Context) {
	s.kickSync()
	s.syncPending.Store(true)
	for s.syncPending.Load() && s.syncMu.TryLock() {
		s.syncPending.Store(false)
		err := s.syncIndexLocked(ctx, nil)
		s.syncMu.Unlock()
		if err != nil {
			s.log.Error("index update failed; it will be retried", "err", err)
			return
		}
	}
}

// Reindex rebuilds the search index from the database.
func (s *Service) Reindex(ctx context.Context, progress func(done, total int)) error {
	stats, err := s.store.Stats(ctx)
	if err != nil {
		return fmt.Errorf("count entries: %w", err)
	}
	defer s.afterBulk(ctx, stats.Entries) // after the index is let go
	defer collectLessOften()()
	s.syncMu.Lock()
	defer s.unlockSync(ctx)
	if err := s.index.Reset(); err != nil {
		return fmt.Errorf("reset index: %w", err)
	}
	var report func(int)
	if progress != nil {
		report = func(done int) { progress(done, stats.Entries) }
	}
	return s.syncIndexLocked(ctx, report)
}

// IndexedCount is how many entries the search index holds.
func (s *Service) IndexedCount() (uint64, error) {
	return s.index.Count()
}
