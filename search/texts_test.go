package search

import "context"

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
