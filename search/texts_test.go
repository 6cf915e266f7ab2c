package search

import (
	"context"
	"fmt"
	"testing"
)

// openWithTexts indexes docs in a fresh index that reads their text as
// storage would give it.
func openWithTexts(t *testing.T, docs []Document) *Index {
	t.Helper()
	ix := openIndex(t, docs, 1)
	ix.SetTextSource(textsOf(docs))
	return ix
}

// textsOf is a text source over docs, standing in for storage.
func textsOf(docs []Document) TextSource {
	m := make(map[string]Text, len(docs))
	for _, d := range docs {
		m[d.ID] = Text{Title: d.Title, Body: d.Body}
	}
	return func(_ context.Context, ids []string) (map[string]Text, error) {
		out := make(map[string]Text, len(ids))
		for _, id := range ids {
			if t, ok := m[id]; ok {
				out[id] = t
			}
		}
		return out, nil
	}
}

// matches lists a search's hits as id:match, in order.
func matches(t *testing.T, ix *Index, query string) []string {
	t.Helper()
	return matchesOf(t, ix, Request{Query: query})
}

// matchesOf is matches for any request.
func matchesOf(t *testing.T, ix *Index, req Request) []string {
	t.Helper()
	res, err := ix.Search(context.Background(), req)
	if err != nil {
		t.Fatalf("Search(%+v): %v", req, err)
	}
	got := []string{}
	for _, h := range res.Hits {
		got = append(got, fmt.Sprintf("%s:%s", h.ID, h.Match))
	}
	return got
}
