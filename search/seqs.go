package search

import (
	"context"
	"fmt"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
)

// formatSeq zero-pads a change number so that sorting the keyword sorts
// the numbers.
func formatSeq(seq int64) string { return fmt.Sprintf("%020d", seq) }

// seqPage is how many documents one EachSeq search returns.
const seqPage = 5000

// EachSeq calls fn with the id and change number of every document in the
// index, in change-number order. The numbers come from the sort values
// (doc values), so nothing has to be stored to read them back.
func (ix *Index) EachSeq(ctx context.Context, fn func(id string, seq int64) error) error {
	var after []string
	for {
		sr := unscored(bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), seqPage, 0, false))
		sr.SortBy([]string{fieldSeq, "_id"})
		if after != nil {
			sr.SearchAfter = after
		}
		hits, err := ix.seqPage(ctx, sr)
		if err != nil {
			return err
		}
		for _, h := range hits {
			if len(h.Sort) < 2 {
				return fmt.Errorf("index document %s has no change number", h.ID)
			}
			seq, err := strconv.ParseInt(h.Sort[0], 10, 64)
			if err != nil {
				return fmt.Errorf("index document %s: change number %q: %w", h.ID, h.Sort[0], err)
			}
			if err := fn(h.ID, seq); err != nil {
				return err
			}
		}
		if len(hits) < seqPage {
			return nil
		}
		after = hits[len(hits)-1].Sort
	}
}

func (ix *Index) seqPage(ctx context.Context, sr *bleve.SearchRequest) (search.DocumentMatchCollection, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.idx == nil {
		return nil, fmt.Errorf("index is closed")
	}
	out, err := ix.idx.SearchInContext(ctx, sr)
	if err != nil {
		return nil, fmt.Errorf("list index documents: %w", err)
	}
	return out.Hits, nil
}
