package app

import (
	"context"
	"fmt"

	"github.com/tsuzuri/tsuzuri/search"
)

// RelatedRequest asks for the entries most like one: the entry as saved
// (ID alone), or the text being written (Title and Body, with the entry's
// ID once it has one, so that it is never listed).
type RelatedRequest struct {
	ID    string
	Title string
	Body  string
	Limit int // 0 means 5, at most 20
	// Plain is the textbook more-like-this the bench compares against.
	Plain bool `json:"-"`
}

// RelatedEntry is an entry like the one asked about, with the words the
// two share (folded, the most distinctive first).
type RelatedEntry struct {
	ID     string
	Title  string
	Date   string
	Shared []string
	Score  float64
}

// Related lists up to req.Limit entries most like the one asked about,
// never that entry itself. A text too short to say what it is about gives
// an empty list; an id that names no entry is an error.
func (s *Service) Related(ctx context.Context, req RelatedRequest) ([]RelatedEntry, error) {
	title, body := req.Title, req.Body
	if req.ID != "" && title == "" && body == "" {
		e, err := s.store.Get(ctx, req.ID)
		if err != nil {
			return nil, err
		}
		title, body = e.Title, e.Body
	}
	hits, err := s.index.Related(ctx, search.RelatedRequest{
		Text: title + "\n" + body, Title: title, Exclude: req.ID, Limit: req.Limit, Plain: req.Plain,
	})
	if err != nil {
		return nil, fmt.Errorf("related entries: %w", err)
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	entries, err := s.store.GetMany(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("related entries: %w", err)
	}
	out := make([]RelatedEntry, 0, len(hits))
	for _, h := range hits {
		e, ok := entries[h.ID]
		if !ok || e.DeletedAt != nil {
			continue // deleted since the index saw it; the next sync drops it
		}
		out = append(out, RelatedEntry{ID: e.ID, Title: e.Title, Date: e.Date, Shared: h.Shared, Score: h.Score})
	}
	return out, nil
}
