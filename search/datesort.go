package search

import (
	"container/heap"
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	segmentapi "github.com/blevesearch/scorch_segment_api/v2"
)

// Bleve sorts by date by reading, for every hit, the date's doc value
// (a compressed chunk decoded for nearly each one, as the hits of a tag
// are spread over the diary) and, for the tie-break by id, the stored id:
// for a tag on half of 100k entries that was 25–35 ms, the slowest of the
// first keystrokes. Here each segment's dates are read once, term by term
// from its dictionary, into a column by document number (segments never
// change, so a column lasts as long as its segment); a search then keeps
// the newest hits by that column and reads the ids of only those.

// dateColumns holds, for each segment, every document's date by number as
// a dayKey; nil for a segment with a date of another form.
type dateColumns struct {
	mu   sync.Mutex
	cols map[segmentapi.Segment][]uint32
}

// dayKey orders dates as their text does: YYYYMMDD+1 of a date written
// YYYY-MM-DD, 0 for none. ok is false for any other text.
func dayKey(date string) (key uint32, ok bool) {
	if len(date) != 10 || date[4] != '-' || date[7] != '-' {
		return 0, false
	}
	for i := 0; i < 10; i++ {
		if i == 4 || i == 7 {
			continue
		}
		c := date[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		key = key*10 + uint32(c-'0')
	}
	return key + 1, true
}

// of returns seg's column, reading it on first use.
func (c *dateColumns) of(seg segmentapi.Segment) ([]uint32, error) {
	c.mu.Lock()
	col, ok := c.cols[seg]
	c.mu.Unlock()
	if ok {
		return col, nil
	}
	col = make([]uint32, seg.Count())
	dict, err := seg.Dictionary(fieldDate)
	if err != nil {
		return nil, fmt.Errorf("read dates: %w", err)
	}
	it := dict.AutomatonIterator(nil, nil, nil) // every term
	var postings segmentapi.PostingsList
	var pit segmentapi.PostingsIterator
	for {
		e, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("read dates: %w", err)
		}
		if e == nil {
			break
		}
		key, ok := dayKey(e.Term)
		if !ok {
			col = nil
			break
		}
		if postings, err = dict.PostingsList([]byte(e.Term), nil, postings); err != nil {
			return nil, fmt.Errorf("read dates: %w", err)
		}
		pit = postings.Iterator(false, false, false, pit)
		for {
			p, err := pit.Next()
			if err != nil {
				return nil, fmt.Errorf("read dates: %w", err)
			}
			if p == nil {
				break
			}
			if n := p.Number(); n < uint64(len(col)) {
				col[n] = key
			}
		}
	}
	c.mu.Lock()
	if c.cols == nil {
		c.cols = map[segmentapi.Segment][]uint32{}
	}
	c.cols[seg] = col
	c.mu.Unlock()
	return col, nil
}

// keep drops the columns of segments not in live, merged away since.
func (c *dateColumns) keep(live []*scorch.SegmentSnapshot) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.cols) <= len(live) {
		return
	}
	in := make(map[segmentapi.Segment]bool, len(live))
	for _, ss := range live {
		in[ss.Segment()] = true
	}
	for seg := range c.cols {
		if !in[seg] {
			delete(c.cols, seg)
		}
	}
}

func (c *dateColumns) reset() {
	c.mu.Lock()
	c.cols = map[segmentapi.Segment][]uint32{}
	c.mu.Unlock()
}

// dated is a hit by its global document number, with its date.
type dated struct {
	num  uint64
	date uint32 // dayKey
}

// oldestOnTop is a heap of the newest hits so far, the oldest of them on
// top.
type oldestOnTop []dated

func (h oldestOnTop) Len() int           { return len(h) }
func (h oldestOnTop) Less(i, j int) bool { return h[i].date < h[j].date }
func (h oldestOnTop) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *oldestOnTop) Push(x any)        { *h = append(*h, x.(dated)) }
func (h *oldestOnTop) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// newestFirst finds n hits of bq from offset on, newest first and by id
// (descending) within a day, as Bleve's sort by "-date", "-_id" does, and
// how many hits bq has. ok is false when the index is not one whose
// segments it can read or holds a date not written YYYY-MM-DD; the caller
// then sorts with Bleve.
func (ix *Index) newestFirst(ctx context.Context, bq query.Query, n, offset int) (out *bleve.SearchResult, ok bool, err error) {
	v, err := ix.openView()
	if v == nil || err != nil {
		return nil, false, err
	}
	defer v.close()
	ix.dates.keep(v.segs)
	cols := make([][]uint32, len(v.segs))
	for i, ss := range v.segs {
		if cols[i], err = ix.dates.of(ss.Segment()); err != nil {
			return nil, false, err
		}
		if cols[i] == nil {
			return nil, false, nil
		}
	}

	s, err := bq.Searcher(ctx, v.r, ix.idx.Mapping(), search.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, false, err
	}
	defer s.Close()
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0)}
	want := offset + n
	var top oldestOnTop
	// ties are hits as old as the oldest kept (tieDate) that found the
	// heap full: which of them make the page is for their ids to say.
	var ties []dated
	var tieDate uint32
	tie := func(h dated) {
		if tieDate != h.date {
			ties, tieDate = ties[:0], h.date
		}
		ties = append(ties, h)
	}
	var total uint64
	for {
		d, err := s.Next(sctx)
		if err != nil {
			return nil, false, err
		}
		if d == nil {
			break
		}
		total++
		if total%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, false, err
			}
		}
		num := docNumber(d.IndexInternalID)
		sctx.DocumentMatchPool.Put(d)
		if want == 0 {
			continue
		}
		seg, local := v.locate(num)
		h := dated{num, cols[seg][local]}
		switch {
		case len(top) < want:
			heap.Push(&top, h)
		case h.date > top[0].date:
			evicted := top[0]
			top[0] = h
			heap.Fix(&top, 0)
			if evicted.date == top[0].date {
				tie(evicted)
			}
		case h.date == top[0].date:
			tie(h)
		}
	}
	cands := []dated(top)
	if len(top) > 0 && tieDate == top[0].date {
		cands = append(cands, ties...)
	}
	type found struct {
		dated
		id string
	}
	page := make([]found, len(cands))
	for i, c := range cands {
		id, err := v.id(c.num)
		if err != nil {
			return nil, false, err
		}
		page[i] = found{c, id}
	}
	sort.Slice(page, func(a, b int) bool {
		if page[a].date != page[b].date {
			return page[a].date > page[b].date
		}
		return page[a].id > page[b].id
	})
	page = page[min(offset, len(page)):min(want, len(page))]
	out = &bleve.SearchResult{Total: total, Hits: make(search.DocumentMatchCollection, len(page))}
	for i, f := range page {
		out.Hits[i] = &search.DocumentMatch{ID: f.id, IndexInternalID: internalID(f.num), HitNumber: uint64(offset + i)}
	}
	return out, true, nil
}
