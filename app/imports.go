package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/importer"
	"github.com/tsuzuri/tsuzuri/render"
	"github.com/tsuzuri/tsuzuri/storage"
)

// ImportRequest names what to import. An empty Format is detected per path.
type ImportRequest struct {
	Format string
	Paths  []string
	// FetchImages copies the remote images of the imported entries into
	// the data folder. Off unless the user asks: it contacts their servers.
	FetchImages bool
	// AllowHosts are hosts on the user's own network that FetchImages may
	// contact all the same (the person named them); others are refused.
	AllowHosts []string
}

// ImportProgress reports how far an import has come. Saving runs ahead of
// indexing: on a large import the index is still catching up for a while
// after the last entry is saved, until Indexed reaches Written.
type ImportProgress struct {
	File    string
	Done    int // entries read and handled (saved, unchanged or skipped)
	Total   int // 0 when the source cannot tell in advance
	Written int // entries created or updated: what the index has to take in
	Indexed int // of those, how many search finds already
}

// ImportSummary is what an import did, entry by entry.
type ImportSummary struct {
	Imported  int
	Updated   int
	Unchanged int
	Skipped   int
	Problems  []importer.Problem // entries skipped, and why
	Warnings  []importer.Problem // entries kept with a change: a tag cleaned, a date guessed
	// Rejects are the files the entries that could not be read at all
	// were written to, as they were, to be fixed and imported again.
	Rejects []string
	// LocalHosts are the hosts on the user's own network whose images
	// FetchImages refused; imported again with them in AllowHosts, their
	// images are copied.
	LocalHosts []string
}

// ImportPreview shows what an import would bring in, without saving.
type ImportPreview struct {
	Format   string
	Entries  []storage.Summary
	Count    int
	Problems []importer.Problem
	Warnings []importer.Problem
	// RemoteImages counts the images on other servers the entries show:
	// the import dialog offers to copy them only when there are some.
	RemoteImages int
}

// importBatch bounds how many entries one transaction holds; the byte bound
// keeps a batch of huge entries from holding hundreds of MB at once.
const (
	importBatch      = 500
	importBatchBytes = 16 << 20
	previewRunes     = 160
)

// PreviewImport reads the sources through and returns their first max
// entries, the total count and every problem found, saving nothing.
func (s *Service) PreviewImport(ctx context.Context, req ImportRequest, max int) (ImportPreview, error) {
	var p ImportPreview
	err := s.eachSource(ctx, req, func(path, format string) {
		if p.Format == "" {
			p.Format = format
		}
	}, func(rec importer.Record) error {
		p.Count++
		p.Warnings = append(p.Warnings, rec.Warnings...)
		if mayShowRemoteImage(rec.Entry.Body) {
			p.RemoteImages += len(render.RemoteImageSources(rec.Entry.Body))
		}
		if len(p.Entries) < max {
			e := rec.Entry
			p.Entries = append(p.Entries, storage.Summary{
				ID: e.ID, Title: e.Title, Date: e.Date, Tags: e.Tags, Preview: storage.Preview(e.Body, previewRunes),
			})
		}
		return nil
	}, func(pr importer.Problem) {
		pr.Raw = nil
		p.Problems = append(p.Problems, pr)
	})
	return p, err
}

// mayShowRemoteImage is a cheap test that saves parsing most bodies.
func mayShowRemoteImage(body string) bool {
	return strings.Contains(body, "//") && strings.ContainsAny(body, "!<]")
}

// Import saves every readable entry of the sources. Each batch is committed
// whole, so cancelling (through ctx) keeps what was saved before and never
// leaves an entry half-written. Bad entries are skipped and reported; they
// never stop the good ones.
func (s *Service) Import(ctx context.Context, req ImportRequest, progress func(ImportProgress)) (ImportSummary, error) {
	var sum ImportSummary
	rejects := &rejectsFiles{open: map[string]*os.File{}}
	backedUp := false
	report := progressReporter(progress)
	restoreGC := collectLessOften()
	defer restoreGC()
	ix := s.startIndexer(ctx, func(n int) { report(func(p *ImportProgress) { p.Indexed = n }) })
	var (
		batch      []diary.Entry
		where      []importer.Problem // File and Line of each batch entry, for reports
		batchBytes int
		done       int
		file       string
	)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if !backedUp {
			// An import can update many entries at once; the diary as it
			// was is kept first, once there is something to import.
			if _, err := s.AutoBackup(ctx, BackupImport); err != nil {
				return fmt.Errorf("back up the diary before importing: %w", err)
			}
			backedUp = true
		}
		results, err := s.store.SaveMany(ctx, batch)
		if err != nil {
			return fmt.Errorf("save entries from %s: %w", file, err)
		}
		for i, r := range results {
			switch {
			case r.Err != nil:
				sum.Skipped++
				p := where[i]
				p.Message = diary.ErrorMessage(r.Err)
				sum.Problems = append(sum.Problems, p)
			case r.Created:
				sum.Imported++
			case r.Unchanged:
				sum.Unchanged++
			default:
				sum.Updated++
			}
		}
		done += len(batch)
		batch, where, batchBytes = batch[:0], where[:0], 0
		ix.kick()
		report(func(p *ImportProgress) { p.File, p.Done, p.Written = file, done, sum.Imported+sum.Updated })
		return nil
	}
	err := s.eachSource(ctx, req, func(path, _ string) { file = path }, func(rec importer.Record) error {
		e := rec.Entry
		sum.Warnings = append(sum.Warnings, rec.Warnings...)
		e.Body = s.copyAttachments(rec, &sum)
		if req.FetchImages {
			e.Body = s.copyRemoteImagesOf(WithAllowedHosts(ctx, req.AllowHosts), rec, e.Body, &sum)
		}
		batch = append(batch, e)
		where = append(where, importer.Problem{File: rec.File, Line: rec.Line})
		batchBytes += len(e.Body) + len(e.OriginalHTML)
		if len(batch) >= importBatch || batchBytes >= importBatchBytes {
			return flush()
		}
		return nil
	}, func(p importer.Problem) {
		sum.Skipped++
		rejects.write(p, &sum)
		p.Raw = nil
		sum.Problems = append(sum.Problems, p)
	})
	if err == nil {
		err = flush()
	}
	// What was committed must become searchable even when the import was
	// cancelled, so the last catch-up ignores ctx's cancellation.
	if ierr := ix.finish(context.WithoutCancel(ctx)); ierr != nil {
		s.log.Error("index update after import failed; it will be retried", "err", ierr)
	}
	// The last merge reads every segment; the heap goes back to its
	// usual pace first, so that it does not grow beside them.
	restoreGC()
	written := sum.Imported + sum.Updated
	backedUpFirst := make(chan struct{})
	go func() {
		// The first import into a new diary is the first thing to lose.
		// Its backup reads and deflates the database while the index
		// merges into one segment on about one core: on a 100k import,
		// one after the other they were 1.3 s and 2 s of waiting.
		defer close(backedUpFirst)
		if written > 0 {
			s.firstBackup(ctx)
		}
	}()
	s.afterBulk(ctx, written)
	<-backedUpFirst
	rejects.close(&sum)
	return sum, err
}

// rejectsFiles writes the entries an import could not read, each to the
// rejects file beside its source (importer.RejectsPath), made afresh by
// each import that finds one.
type rejectsFiles struct {
	open  map[string]*os.File // source file → its rejects file
	paths []string
}

func (r *rejectsFiles) write(p importer.Problem, sum *ImportSummary) {
	if len(p.Raw) == 0 {
		return
	}
	f, ok := r.open[p.File]
	if !ok {
		path := importer.RejectsPath(p.File)
		var err error
		if f, err = os.Create(path); err != nil {
			sum.Problems = append(sum.Problems, importer.Problem{File: path,
				Message: fmt.Sprintf("the entries that could not be read could not be kept here either: %v", err)})
		}
		r.open[p.File] = f // nil after a failure: not tried again
		if f != nil {
			r.paths = append(r.paths, path)
		}
	}
	if f == nil {
		return
	}
	raw := p.Raw
	if raw[len(raw)-1] != '\n' {
		raw = append(raw, '\n')
	}
	if _, err := f.Write(raw); err != nil {
		sum.Problems = append(sum.Problems, importer.Problem{File: f.Name(), Message: fmt.Sprintf("writing the entries that could not be read failed: %v", err)})
		f.Close()
		r.open[p.File] = nil
	}
}

func (r *rejectsFiles) close(sum *ImportSummary) {
	for _, f := range r.open {
		if f == nil {
			continue
		}
		if err := f.Close(); err != nil {
			sum.Problems = append(sum.Problems, importer.Problem{File: f.Name(), Message: fmt.Sprintf("writing the entries that could not be read failed: %v", err)})
		}
	}
	sum.Rejects = r.paths
}

// eachSource opens every path of req in turn and streams its records to
// onRecord and its bad entries to onProblem. A path that cannot be opened at
// all is itself a problem; the other paths still import.
func (s *Service) eachSource(ctx context.Context, req ImportRequest,
	onOpen func(path, format string), onRecord func(importer.Record) error, onProblem func(importer.Problem)) error {
	if len(req.Paths) == 0 {
		return diary.Errorf(diary.EInvalid, "Choose a file or folder to import.")
	}
	for _, path := range req.Paths {
		format := req.Format
		if format == "" {
			f, err := importer.Detect(path)
			if err != nil {
				onProblem(importer.Problem{File: path, Message: diary.ErrorMessage(err)})
				continue
			}
			format = f
		}
		src, err := importer.Open(ctx, format, path)
		if err != nil {
			onProblem(importer.Problem{File: path, Message: diary.ErrorMessage(err)})
			continue
		}
		onOpen(path, format)
		err = readSource(ctx, src, onRecord, onProblem)
		if cerr := src.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close %s: %w", path, cerr)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func readSource(ctx context.Context, src importer.Source, onRecord func(importer.Record) error, onProblem func(importer.Problem)) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			return nil
		}
		var perr *importer.ProblemError
		if errors.As(err, &perr) {
			onProblem(perr.Problem)
			continue
		}
		if err != nil {
			return err
		}
		if err := onRecord(rec); err != nil {
			return err
		}
	}
}

// copyAttachments stores the local files an entry refers to in the data
// folder and returns the body with its links pointing at the copies. A file
// that cannot be copied keeps its original link and is reported.
func (s *Service) copyAttachments(rec importer.Record, sum *ImportSummary) string {
	body := rec.Entry.Body
	for _, a := range rec.Attachments {
		ref, err := s.copyAttachment(a.Path)
		if err != nil {
			sum.Problems = append(sum.Problems, importer.Problem{
				File: rec.File, Line: rec.Line,
				Message: fmt.Sprintf("attachment %s not copied: %s", a.Ref, diary.ErrorMessage(err)),
			})
			continue
		}
		body = strings.ReplaceAll(body, a.Ref, ref)
	}
	return body
}

// copyRemoteImagesOf is copyRemoteImages for an import: what fails is
// reported against the entry's file and line, and the entry keeps the
// address.
func (s *Service) copyRemoteImagesOf(ctx context.Context, rec importer.Record, body string, sum *ImportSummary) string {
	body, _, failed := s.copyRemoteImages(ctx, body)
	for _, h := range localHostsOf(failed) {
		if !slices.Contains(sum.LocalHosts, h) {
			sum.LocalHosts = append(sum.LocalHosts, h)
		}
	}
	for _, f := range failed {
		sum.Problems = append(sum.Problems, importer.Problem{
			File: rec.File, Line: rec.Line, Message: fmt.Sprintf("image %s not copied: %s", f.URL, f.Message),
		})
	}
	return body
}

func (s *Service) copyAttachment(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", diary.Errorf(diary.EInvalid, "cannot read %s", filepath.Base(path))
	}
	defer f.Close()
	return s.attach.Put(f, filepath.Base(path))
}

// progressReporter serialises progress reports, which come from the saving
// and the indexing goroutines, each updating its part of one report.
func progressReporter(progress func(ImportProgress)) func(update func(*ImportProgress)) {
	var (
		mu   sync.Mutex
		last ImportProgress
	)
	return func(update func(*ImportProgress)) {
		if progress == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		update(&last)
		progress(last)
	}
}

// indexer keeps the search index following a long write (an import) on
// another goroutine, so analysis runs on one core while SQLite writes on the
// other.
type indexer struct {
	s         *Service
	kicks     chan struct{}
	done      chan struct{}
	indexed   int // entries indexed so far, owned by whichever goroutine is syncing
	onIndexed func(indexed int)
	// beside says the window is in use meanwhile: build one index segment
	// at a time, leaving cores to searches (see search.Index.ApplyBeside).
	beside bool
}

func (s *Service) startIndexer(ctx context.Context, onIndexed func(indexed int)) *indexer {
	ix := &indexer{s: s, kicks: make(chan struct{}, 1), done: make(chan struct{}), onIndexed: onIndexed}
	go func() {
		defer close(ix.done)
		for range ix.kicks {
			// A failure here is not final: finish replays from the index's
			// recorded position, so nothing is skipped.
			if err := ix.sync(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("index catch-up during import failed", "err", err)
			}
		}
	}()
	return ix
}

func (ix *indexer) sync(ctx context.Context) error {
	ix.s.syncMu.Lock()
	defer ix.s.unlockSync(ctx)
	base := ix.indexed
	apply := ix.s.index.Apply
	if ix.beside {
		apply = ix.s.index.ApplyBeside
	}
	return ix.s.followLocked(ctx, func(done int) {
		ix.indexed = base + done
		ix.onIndexed(ix.indexed)
	}, apply)
}

// kick asks for a catch-up; kicks that arrive during one merge into the next.
func (ix *indexer) kick() {
	select {
	case ix.kicks <- struct{}{}:
	default:
	}
}

// finish waits for the goroutine and runs a last catch-up with ctx, which
// covers whatever the goroutine missed or failed on.
func (ix *indexer) finish(ctx context.Context) error {
	close(ix.kicks)
	<-ix.done
	return ix.sync(ctx)
}
