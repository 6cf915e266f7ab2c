// Package search is Tsuzuri's full-text index: Bleve with Japanese-aware
// analysis. It holds only what search needs and can always be rebuilt from
// storage; it knows nothing of storage itself.
package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// version names the analysis and field layout. Changing either makes old
// indexes useless, so Open recreates an index of another version (empty, at
// Seq 0) and the app rebuilds it from storage.
const version = "tsuzuri-5"

var (
	keySeq     = []byte("tsuzuri_seq")
	keyVersion = []byte("tsuzuri_version")
)

// Document is what the index needs of an entry.
type Document struct {
	ID    string
	Title string
	Body  string
	Date  string // YYYY-MM-DD
	Tags  []string
	// Seq is the entry's change number in storage, so that the index can
	// be checked against the database entry by entry (see EachSeq).
	Seq int64
}

// Index is an open search index. It is safe for concurrent use; Reset must
// not run at the same time as Apply.
type Index struct {
	dir string
	mu  sync.RWMutex // guards idx against Reset
	idx bleve.Index

	// Batches are written to disk in the background (see config); Close
	// waits until the last applied one is, so a clean exit never leaves
	// work for the next start.
	applied, persisted atomic.Int64

	userSynonyms atomic.Pointer[Synonyms]
	texts        atomic.Pointer[TextSource]
	freqs        lookupCache[uint64]
	matches      lookupCache[[]string]
	katakana     lookupCache[*katakanaTerms]
	damaged      []SegmentProblem // found by Open

	facetRows *facetTable
	dates     dateColumns // for sorting by date (see datesort.go)
	closing   atomic.Bool // stops filling facetRows, for Close and Reset
}

// SetSynonyms replaces the user's synonyms; searches from now on use them.
func (ix *Index) SetSynonyms(s Synonyms) { ix.userSynonyms.Store(&s) }

// TextSource reads the title and body of entries by id from where they are
// kept; ids it does not know are left out. The index keeps no text of its
// own (see literal.go for what it is needed for).
type TextSource func(ctx context.Context, ids []string) (map[string]Text, error)

// Text is what the index needs of an entry to check a hit against it.
type Text struct{ Title, Body string }

// SetTextSource tells the index where to read entries' text. Without one,
// a hit is exact when the query's character pairs are all in it.
func (ix *Index) SetTextSource(src TextSource) { ix.texts.Store(&src) }

func (ix *Index) textSource() TextSource {
	if src := ix.texts.Load(); src != nil {
		return *src
	}
	return nil
}

func (ix *Index) synonyms() Synonyms {
	if s := ix.userSynonyms.Load(); s != nil {
		return *s
	}
	return nil
}

// flushWait bounds how long Close waits for the index to reach the disk.
const flushWait = 60 * time.Second

// Field names. Only the date, year and tag facets keep doc values (for
// sorting and counting); nothing is stored, as storage has the text.
const (
	fieldText  = "text"  // title and body, character pairs and whole words
	fieldTitle = "title" // title alone, to rank title matches higher
	fieldWord  = "word"  // words standing on their own
	fieldChar  = "char"  // each Japanese character, for one-character queries
	fieldDate  = "date"
	fieldYear  = "year"
	fieldTag   = "tag"  // folded, for tag: filters
	fieldTagF  = "tagf" // as written, for facet counts
	fieldSeq   = "seq"  // the entry's change number, zero-padded
)

// config is Bleve's configuration for one index, made afresh for each
// call: Bleve writes the index's path into the map it is given, and a later
// open with the same map would read the store of the index created last.
func config() map[string]any {
	return map[string]any{
		// The index is rebuildable and records how far it got in the same
		// batch as the documents, so skipping the fsync of every batch
		// loses at worst some recent batches, which the change feed
		// replays on the next start.
		"unsafe_batch": true,
	}
}

// Open opens the index in dir, creating it if needed. An index of another
// version, one that cannot be read, or one with a segment file that fails
// its checksum (see Damaged) is replaced by an empty one.
func Open(dir string) (*Index, error) {
	ix := &Index{dir: dir, facetRows: newFacetTable()}
	idx, err := ix.openChecked()
	if err == nil {
		v, verr := idx.GetInternal(keyVersion)
		if verr == nil && string(v) == version {
			ix.idx = idx
			ix.facetRows.clear(false) // filled when first needed
			return ix, nil
		}
		idx.Close()
	}
	if err := ix.create(); err != nil {
		return nil, err
	}
	return ix, nil
}

func (ix *Index) create() error {
	if err := os.RemoveAll(ix.dir); err != nil {
		return fmt.Errorf("remove old index %s: %w", ix.dir, err)
	}
	idx, err := bleve.NewUsing(ix.dir, newMapping(), scorch.Name, scorch.Name, config())
	if err != nil {
		return fmt.Errorf("create index %s: %w", ix.dir, err)
	}
	if err := idx.SetInternal(keyVersion, []byte(version)); err != nil {
		idx.Close()
		return fmt.Errorf("mark index version: %w", err)
	}
	ix.idx = idx
	ix.forgetLookups()
	ix.facetRows.reset()
	ix.dates.reset()
	return nil
}

// forgetLookups empties what the dictionary answered before the index
// changed.
func (ix *Index) forgetLookups() {
	ix.freqs.clear()
	ix.matches.clear()
	ix.katakana.clear()
}

// newMapping describes the index to Bleve: each field with its analyser,
// nothing stored (storage has the text), doc values only where facets and
// sorting need them. Documents are built directly (see toBleve), so the
// mapping is what Bleve's own queries and tools go by, not how documents
// are indexed; nothing is mapped dynamically.
func newMapping() mapping.IndexMapping {
	m := bleve.NewIndexMapping()
	m.ScoringModel = index.BM25Scoring
	m.DefaultMapping.Dynamic = false
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	field := func(name, analyzer string, docValues bool) {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = docValues
		m.DefaultMapping.AddFieldMappingsAt(name, f)
	}
	field(fieldText, gramName, false)
	field(fieldTitle, gramName, false)
	field(fieldWord, wordName, false)
	field(fieldChar, charName, false)
	field(fieldDate, keyword.Name, true)
	field(fieldYear, keyword.Name, true)
	field(fieldTag, tagName, false)
	field(fieldTagF, keyword.Name, true)
	field(fieldSeq, keyword.Name, true)
	return m
}

// Close writes what is pending to disk and closes the index.
func (ix *Index) Close() error {
	ix.closing.Store(true)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.idx == nil {
		return nil
	}
	err := ix.closeIdx()
	ix.idx = nil
	return err
}

// closeWait bounds how long Close waits for Bleve's own close, which waits
// for its merger. A merge that reads a segment damaged under the running
// index can spin in it for ever (the term dictionary's reader follows the
// noise), and the app must still quit; what was applied is on disk by then.
var closeWait = 20 * time.Second

// errCloseStuck is a close that gave up waiting for Bleve.
var errCloseStuck = errors.New("the index did not close: a merge of its segments is stuck, perhaps on a damaged file")

// closeIdx closes the Bleve index once what was applied is on disk.
func (ix *Index) closeIdx() error {
	ix.waitPersisted()
	idx := ix.idx
	done := make(chan error, 1)
	go func() { done <- idx.Close() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(closeWait):
		err = errCloseStuck
	}
	ix.applied.Store(0)
	ix.persisted.Store(0)
	return err
}

func (ix *Index) waitPersisted() {
	deadline := time.Now().Add(flushWait)
	for ix.persisted.Load() < ix.applied.Load() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
}

// Compact merges the index into one segment. Each search reads every
// segment's term dictionaries, so after a bulk load, which leaves a dozen
// segments behind, one segment answers in about two thirds of the time
// (100k entries: p95 4.9 → 3.5 ms, for 5 s of merging). Searches and writes
// go on meanwhile; cancelling ctx stops the merge.
func (ix *Index) Compact(ctx context.Context) error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.idx == nil {
		return fmt.Errorf("compact: index is closed")
	}
	ix.waitPersisted() // only segments on disk are merged
	in, err := ix.idx.Advanced()
	if err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	sc, ok := in.(*scorch.Scorch)
	if !ok {
		return nil
	}
	if err := sc.ForceMerge(ctx, &mergeplan.SingleSegmentMergePlanOptions); err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	return ctx.Err()
}

// Reset empties the index (Seq becomes 0).
func (ix *Index) Reset() error {
	ix.closing.Store(true)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	defer ix.closing.Store(false)
	if ix.idx != nil {
		// A stuck close leaves Bleve's merger with the old files; the new
		// index is made beside them, as a reset is what a damaged one needs.
		if err := ix.closeIdx(); err != nil && !errors.Is(err, errCloseStuck) {
			return fmt.Errorf("close index: %w", err)
		}
		ix.idx = nil
	}
	return ix.create()
}

// Seq is the storage sequence number the index is up to date with.
func (ix *Index) Seq() (int64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	v, err := ix.idx.GetInternal(keySeq)
	if err != nil {
		return 0, fmt.Errorf("read index position: %w", err)
	}
	if v == nil {
		return 0, nil
	}
	return strconv.ParseInt(string(v), 10, 64)
}

// Count is how many documents the index holds.
func (ix *Index) Count() (uint64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.idx.DocCount()
}

// Apply indexes upserts, removes deletes and records seq. The documents go
// in first (split across cores, as building index segments is the costly
// part), and seq only in a batch after them: Bleve persists batches in
// order, so an index that has recorded seq has everything up to it, and a
// crash in between only means replaying changes again, which is harmless.
func (ix *Index) Apply(ctx context.Context, upserts []Document, deletes []string, seq int64) error {
	return ix.apply(ctx, upserts, deletes, seq, runtime.GOMAXPROCS(0), maxChunkBytes)
}

// ApplyBeside is Apply building one segment at a time, for changes that
// arrive while the diary is in use (another computer's, through sync): the
// other cores stay free for searches. On 2 cores, 10,000 changes into a
// 100k diary take as long either way, as the database writes take a core,
// and search p95 meanwhile falls from about 70 ms to about 45.
func (ix *Index) ApplyBeside(ctx context.Context, upserts []Document, deletes []string, seq int64) error {
	return ix.apply(ctx, upserts, deletes, seq, 1, maxBesideBytes)
}

func (ix *Index) apply(ctx context.Context, upserts []Document, deletes []string, seq int64, workers, chunkBytes int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.idx == nil {
		return errors.New("index is closed")
	}
	chunks := chunkEvenly(upserts, chunkBytes, workers)
	if len(chunks) == 0 && len(deletes) > 0 {
		chunks = [][]Document{nil}
	}
	errs := make([]error, len(chunks))
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for i, c := range chunks {
		var del []string
		if i == 0 {
			del = deletes
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			errs[i] = ix.batch(c, del, -1)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return ix.batch(nil, nil, seq)
}

// maxChunkBytes is the text of one Bleve batch when batches are built side
// by side: small enough that a thousand changes keep every core busy.
const maxChunkBytes = 1 << 20

// maxBesideBytes is the text of one Bleve batch built alone. One batch is
// one new segment, and each segment writes its own dictionary of every term
// it holds, which later merges read and write again: a thousand changes in
// one segment rather than a handful of 1 MB ones take less work to build,
// less to merge, and leave searches fewer segments to read meanwhile.
const maxBesideBytes = 8 << 20

// chunkEvenly splits docs into runs of at most about maxBytes of text;
// when that takes more than one run, into as many as a multiple of
// workers, of about equal size. A change round of 1,000 entries is a
// little over 1 MB of text: cut at 1 MB it was one full run and a small
// one, and the core with the small one waited for the other; a 100k
// import kept its two cores busy 155% of the time rather than 188%.
// Text under the bound stays one run: a few saved entries make one
// segment, not one per core.
func chunkEvenly(docs []Document, maxBytes, workers int) [][]Document {
	total := 0
	for _, d := range docs {
		total += len(d.Title) + len(d.Body)
	}
	if workers <= 1 || total <= maxBytes {
		return chunk(docs, maxBytes)
	}
	runs := (total + maxBytes - 1) / maxBytes
	runs = (runs + workers - 1) / workers * workers
	return chunk(docs, (total+runs-1)/runs)
}

// chunk splits docs into runs of about maxBytes of text.
func chunk(docs []Document, maxBytes int) [][]Document {
	var out [][]Document
	start, size := 0, 0
	for i, d := range docs {
		size += len(d.Title) + len(d.Body)
		if size >= maxBytes {
			out = append(out, docs[start:i+1])
			start, size = i+1, 0
		}
	}
	if start < len(docs) {
		out = append(out, docs[start:])
	}
	return out
}

// batch writes one Bleve batch; seq < 0 records no position. An empty
// batch must not be written: Bleve would never report it persisted.
func (ix *Index) batch(upserts []Document, deletes []string, seq int64) error {
	b := ix.idx.NewBatch()
	for _, id := range deletes {
		b.Delete(id)
	}
	for _, d := range upserts {
		if err := b.IndexAdvanced(toBleve(d)); err != nil {
			return fmt.Errorf("index %s: %w", d.ID, err)
		}
	}
	if seq >= 0 {
		b.SetInternal(keySeq, []byte(strconv.FormatInt(seq, 10)))
	}
	b.SetPersistedCallback(func(err error) {
		if err == nil {
			ix.persisted.Add(1)
		}
	})
	if err := ix.idx.Batch(b); err != nil {
		return fmt.Errorf("write index batch: %w", err)
	}
	ix.facetRows.write(upserts, deletes)
	ix.forgetLookups()
	ix.applied.Add(1)
	return nil
}

const facetOptions = index.IndexField | index.DocValues

func toBleve(d Document) *document.Document {
	doc := document.NewDocument(d.ID)
	all := &foldedText{raw: []byte(d.Title + "\n" + d.Body)}
	doc.AddField(newTermField(fieldText, all, gramView))
	doc.AddField(newTermField(fieldTitle, &foldedText{raw: []byte(d.Title)}, gramView))
	doc.AddField(newTermField(fieldWord, all, wordView))
	doc.AddField(newTermField(fieldChar, all, charView))
	doc.AddField(document.NewTextFieldCustom(fieldDate, nil, []byte(d.Date), facetOptions, keywordAnalyzer{}))
	if year := yearOf(d.Date); year != "" {
		doc.AddField(document.NewTextFieldCustom(fieldYear, nil, []byte(year), facetOptions, keywordAnalyzer{}))
	}
	doc.AddField(document.NewTextFieldCustom(fieldSeq, nil, []byte(formatSeq(d.Seq)), facetOptions, keywordAnalyzer{}))
	for i, t := range d.Tags {
		pos := []uint64{uint64(i)}
		doc.AddField(document.NewTextFieldCustom(fieldTag, pos, []byte(foldTag(t)), index.IndexField, keywordAnalyzer{}))
		doc.AddField(document.NewTextFieldCustom(fieldTagF, pos, []byte(t), facetOptions, keywordAnalyzer{}))
	}
	return doc
}

// foldTag is how tags compare: #SRE, sre and ＳＲＥ are one tag.
func foldTag(t string) string {
	return Fold(strings.TrimPrefix(strings.TrimSpace(t), "#"))
}

// keywordAnalyzer indexes a value as one term.
type keywordAnalyzer struct{}

func (keywordAnalyzer) Analyze(input []byte) analysis.TokenStream {
	if len(input) == 0 {
		return nil
	}
	return analysis.TokenStream{{Term: input, Start: 0, End: len(input), Position: 1, Type: analysis.AlphaNumeric}}
}
