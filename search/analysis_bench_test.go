package search

import (
	"os"
	"path/filepath"
	"testing"

	index "github.com/blevesearch/bleve_index_api"
	"github.com/tsuzuri/tsuzuri/bench/corpus"
)

// BenchmarkAnalyse makes the index documents of the shared dev corpus and
// counts their terms, as an import does before Bleve builds segments: the
// part of indexing that is Tsuzuri's own.
func BenchmarkAnalyse(b *testing.B) {
	path := filepath.Join("..", "..", "shared", "corpus", "dev.jsonl.gz")
	if _, err := os.Stat(path); err != nil {
		b.Skip("../shared/corpus is not here")
	}
	var docs []Document
	var size int64
	err := corpus.ReadDocs(path, func(d corpus.Doc) error {
		docs = append(docs, Document{ID: d.ID, Title: d.Title, Body: d.Body, Date: d.Date, Tags: d.Tags})
		size += int64(len(d.Title) + len(d.Body))
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range docs {
			doc := toBleve(d)
			doc.VisitFields(func(f index.Field) { f.Analyze() })
		}
	}
}
