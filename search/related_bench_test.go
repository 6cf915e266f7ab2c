package search_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tsuzuri/tsuzuri/bench/corpus"
	"github.com/tsuzuri/tsuzuri/search"
)

// BenchmarkRelated times related entries for entries of 2,000 characters
// of the dev corpus, as the editor asks while one is written. make bench
// prints the same at any scale (--scale 100000) through the app.
func BenchmarkRelated(b *testing.B) {
	dir := sharedCorpus(b)
	ix := buildIndex(b, dir)
	if err := ix.Compact(context.Background()); err != nil {
		b.Fatal(err)
	}
	var texts []search.RelatedRequest
	err := corpus.ReadDocs(filepath.Join(dir, "dev.jsonl.gz"), func(d corpus.Doc) error {
		if r := []rune(d.Title + "\n" + d.Body); len(r) >= 2000 && len(texts) < 200 {
			texts = append(texts, search.RelatedRequest{Text: string(r[:2000]), Title: d.Title, Exclude: d.ID})
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := ix.Related(context.Background(), texts[i%len(texts)]); err != nil {
			b.Fatal(err)
		}
	}
}
