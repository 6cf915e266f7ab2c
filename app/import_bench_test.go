package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/tsuzuri/tsuzuri/bench/corpus"
)

// BenchmarkImport imports the shared dev corpus (as JSON Lines) into a new
// data folder: SQLite and the search index, as a user's import runs.
// TSUZURI_BENCH_JSONL names another JSON Lines file to import instead.
func BenchmarkImport(b *testing.B) {
	src := os.Getenv("TSUZURI_BENCH_JSONL")
	if src == "" {
		gz := filepath.Join("..", "..", "shared", "corpus", "dev.jsonl.gz")
		if _, err := os.Stat(gz); err != nil {
			b.Skip("../shared/corpus is not here")
		}
		src = filepath.Join(b.TempDir(), "dev.jsonl")
		if _, err := corpus.WriteJSONL(gz, src); err != nil {
			b.Fatal(err)
		}
	}
	info, err := os.Stat(src)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size())
	for b.Loop() {
		svc, err := Open(context.Background(), Options{DataDir: filepath.Join(b.TempDir(), "data")})
		if err != nil {
			b.Fatal(err)
		}
		sum, err := svc.Import(context.Background(), ImportRequest{Format: "jsonl", Paths: []string{src}}, nil)
		if err != nil || sum.Imported == 0 {
			b.Fatalf("import: %+v, %v", sum, err)
		}
		if err := svc.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
