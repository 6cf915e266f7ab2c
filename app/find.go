package app

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/tsuzuri/tsuzuri/render"
	"github.com/tsuzuri/tsuzuri/search"
)

// SearchRequest is a query as a person types it, with how to show results.
type SearchRequest struct {
	Query  string
	Sort   string // "relevance" (default) or "date"
	Limit  int
	Offset int
	Facets bool
}

// SearchResult is one page of results.
type SearchResult struct {
	Query  string
	Total  uint64
	TookMS float64
	Hits   []SearchHit
	Tags   []search.Facet
	Years  []search.Facet
	// Terms are the words to highlight in an opened entry: as typed, and
	// the other spellings variant hits were found by.
	Terms []string
	// Suggestion is the query as the diary writes it, when nothing
	// matched as typed but another spelling did ("もしかして").
	Suggestion string
	// FacetsFromTop says Tags and Years count the top results only.
	FacetsFromTop bool
}

// SearchHit is one result, ready to show.
type SearchHit struct {
	ID      string
	Title   string
	Date    string
	Tags    []string
	Score   float64
	Snippet string // HTML-escaped text with matches in <mark>
	// Match is "exact" when the entry has the query as typed, "variant"
	// when it has another spelling of it, "partial" when it has only the
	// characters of a word, not together (these come last).
	Match string
	// TitleHTML is Title escaped with its matches in <mark>.
	TitleHTML string
}

// snippetRunes is about two lines of a results list; titleRunes is more
// than any title a results row shows.
const (
	snippetRunes = 120
	titleRunes   = 200
)

// Search runs a query and fills in titles and snippets from the database, so
// the index need not store any text.
func (s *Service) Search(ctx context.Context, req SearchRequest) (SearchResult, error) {
	start := time.Now()
	s.refreshSynonyms()
	res, err := s.index.Search(ctx, search.Request{
		Query: req.Query, Sort: req.Sort, Limit: req.Limit, Offset: req.Offset, Facets: req.Facets,
	})
	if err != nil {
		return SearchResult{}, fmt.Errorf("search %q: %w", req.Query, err)
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	entries, err := s.store.Shown(ctx, ids)
	if err != nil {
		return SearchResult{}, fmt.Errorf("load results: %w", err)
	}
	out := SearchResult{
		Query: req.Query, Total: res.Total, Tags: res.Tags, Years: res.Years, Terms: res.Terms, Suggestion: res.Suggestion, FacetsFromTop: res.FacetsFromTop,
		Hits: make([]SearchHit, 0, len(res.Hits)),
	}
	for _, h := range res.Hits {
		e, ok := entries[h.ID]
		if !ok {
			// Deleted between the index lookup and now; the next sync drops it.
			continue
		}
		out.Hits = append(out.Hits, SearchHit{
			ID: e.ID, Title: e.Title, Date: e.Date, Tags: e.Tags, Score: h.Score, Match: h.Match,
			// The snippet is of the text a reader sees, not its Markdown.
			Snippet:   search.Snippet(render.MarkdownToPlain(e.Body), res.Terms, snippetRunes),
			TitleHTML: search.Snippet(e.Title, res.Terms, titleRunes),
		})
	}
	out.TookMS = float64(time.Since(start).Microseconds()) / 1000
	return out, nil
}

// Highlights returns the byte ranges of text that match terms.
func (s *Service) Highlights(text string, terms []string) [][2]int {
	return search.Highlights(text, terms)
}

// RenderMarkdown turns Markdown into HTML that is safe to put in the webview.
func (s *Service) RenderMarkdown(md string) string {
	return render.Markdown(md)
}

// SaveAttachment stores an image in the data folder and returns the link
// target to put in Markdown.
func (s *Service) SaveAttachment(ctx context.Context, name string, data []byte) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return s.attach.Put(bytes.NewReader(data), name)
}
