package search

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// ApplyBeside builds one segment at a time but indexes exactly what Apply
// does: the documents, the deletions and the position.
func TestApplyBesideIndexesAsApplyDoes(t *testing.T) {
	ctx := context.Background()
	docs := []Document{
		{ID: "a", Title: "障害対応", Body: "本番サーバーが止まった。", Date: "2024-01-01"},
		{ID: "b", Title: "設計", Body: "サーバーの構成を見直す。", Date: "2024-01-02"},
	}
	for name, apply := range map[string]func(*Index) func(context.Context, []Document, []string, int64) error{
		"Apply":       func(ix *Index) func(context.Context, []Document, []string, int64) error { return ix.Apply },
		"ApplyBeside": func(ix *Index) func(context.Context, []Document, []string, int64) error { return ix.ApplyBeside },
	} {
		t.Run(name, func(t *testing.T) {
			ix, err := Open(filepath.Join(t.TempDir(), "index"))
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			if err := apply(ix)(ctx, docs, nil, 2); err != nil {
				t.Fatal(err)
			}
			if err := apply(ix)(ctx, nil, []string{"a"}, 3); err != nil {
				t.Fatal(err)
			}
			res, err := ix.Search(ctx, Request{Query: "サーバー"})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) != 1 || res.Hits[0].ID != "b" {
				t.Errorf("hits = %+v, want only b", res.Hits)
			}
			if seq, err := ix.Seq(); err != nil || seq != 3 {
				t.Errorf("seq = %d, %v; want 3", seq, err)
			}
		})
	}
}

// One process opens several indexes: the CLI's benchmarks, salvage beside
// the open diary, the sync simulation's devices. Each must read its own
// folder, whichever was created last.
func TestEachIndexOpensItsOwnFolder(t *testing.T) {
	ctx := context.Background()
	write := func(dir, id, body string) {
		ix, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := ix.Apply(ctx, []Document{{ID: id, Title: id, Body: body, Date: "2026-12-05"}}, nil, 1); err != nil {
			t.Fatal(err)
		}
		if err := ix.Close(); err != nil {
			t.Fatal(err)
		}
	}
	first := filepath.Join(t.TempDir(), "index")
	second := filepath.Join(t.TempDir(), "index")
	write(first, "first", "勉強会で聞いた監視の話。")
	write(second, "second", "引っ越しの荷造りを始めた。")

	ix, err := Open(first)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	res, err := ix.Search(ctx, Request{Query: "監視"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 || res.Hits[0].ID != "first" {
		t.Errorf("reopened first index: hits %+v, want its own entry", res.Hits)
	}
	if n, err := ix.Count(); err != nil || n != 1 {
		t.Errorf("reopened first index holds %d documents (%v), want 1", n, err)
	}
}

// What the dictionary answered is kept between searches, and a write
// forgets it: a word written after a search is among the words a pattern
// matches at the next one.
func TestTermListsSeeNewWords(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	write := func(id, body string, seq int64) {
		if err := ix.Apply(ctx, []Document{{ID: id, Body: body, Date: "2026-12-05"}}, nil, seq); err != nil {
			t.Fatal(err)
		}
	}
	lists := map[string]func(v *vocabulary) []string{
		"pattern": func(v *vocabulary) []string { return v.matching(fieldText, "gra[a-z]*", 10) },
		"prefix":  func(v *vocabulary) []string { return v.startingWith(fieldText, "gra", 10) },
		"near":    func(v *vocabulary) []string { return v.near(fieldText, "graphq", 1, "g") },
	}
	lookup := func(kind string) []string {
		v := vocabularyOf(t, ix)
		return lists[kind](v)
	}
	write("a", "grafana のダッシュボードを作った。", 1)
	before := map[string][]string{"pattern": {"grafana"}, "prefix": {"grafana"}, "near": nil}
	for kind, want := range before {
		if got := lookup(kind); !slices.Equal(got, want) {
			t.Fatalf("%s before: %v, want %v", kind, got, want)
		}
		if got := lookup(kind); !slices.Equal(got, want) {
			t.Fatalf("%s asked again: %v, want %v", kind, got, want)
		}
	}
	write("b", "graphql のスキーマを見直した。", 2)
	after := map[string][]string{"pattern": {"grafana", "graphql"}, "prefix": {"grafana", "graphql"}, "near": {"graphql"}}
	for kind, want := range after {
		if got := lookup(kind); !slices.Equal(got, want) {
			t.Errorf("%s after a write: %v, want %v", kind, got, want)
		}
	}
}

// stuckClose is a Bleve index whose close waits, as one does while its
// merger spins on a segment damaged under it.
type stuckClose struct {
	bleveIndex // named apart: bleve.Index has a method Index
	release    chan struct{}
}

type bleveIndex = bleve.Index

func (s stuckClose) Close() error {
	<-s.release
	return s.bleveIndex.Close()
}

// The app quits, and a reset still gives a working index, when Bleve's own
// close never returns.
func TestAStuckCloseDoesNotHoldTheAppOrAReset(t *testing.T) {
	defer func(w time.Duration) { closeWait = w }(closeWait)
	closeWait = 100 * time.Millisecond
	ctx := context.Background()
	doc := []Document{{ID: "a", Title: "障害対応", Body: "本番サーバーが止まった。", Date: "2024-01-01"}}
	for _, step := range []string{"close", "reset"} {
		t.Run(step, func(t *testing.T) {
			ix, err := Open(filepath.Join(t.TempDir(), "index"))
			if err != nil {
				t.Fatal(err)
			}
			if err := ix.Apply(ctx, doc, nil, 1); err != nil {
				t.Fatal(err)
			}
			release := make(chan struct{})
			defer close(release)
			ix.idx = stuckClose{ix.idx, release}
			done := make(chan error, 1)
			go func() {
				if step == "close" {
					done <- ix.Close()
				} else {
					done <- ix.Reset()
				}
			}()
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				t.Fatalf("%s still waits for Bleve after 5 s", step)
			}
			if step == "close" {
				if !errors.Is(err, errCloseStuck) {
					t.Errorf("close = %v, want %v", err, errCloseStuck)
				}
				return
			}
			if err != nil {
				t.Fatalf("reset after a stuck close: %v", err)
			}
			defer ix.Close()
			if err := ix.Apply(ctx, doc, nil, 2); err != nil {
				t.Fatal(err)
			}
			if res, err := ix.Search(ctx, Request{Query: "サーバー"}); err != nil || len(res.Hits) != 1 {
				t.Errorf("search after the reset: %+v, %v", res.Hits, err)
			}
		})
	}
}

// A round of changes is cut into runs the cores build side by side: as
// many runs as a multiple of the cores, near one size, so that no core
// waits long for another, and every document in exactly one run.
func TestChunkEvenlyKeepsEveryCoreBusy(t *testing.T) {
	docsOf := func(sizes ...int) []Document {
		var docs []Document
		for i, n := range sizes {
			docs = append(docs, Document{ID: string(rune('a' + i%26)), Body: string(make([]byte, n))})
		}
		return docs
	}
	repeat := func(n, size int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = size
		}
		return s
	}
	tests := []struct {
		name              string
		sizes             []int
		maxBytes, workers int
		wantRuns          int
	}{
		{"a little over the bound, two cores", repeat(1000, 1300), 1 << 20, 2, 2},
		{"a little over the bound, one core", repeat(1000, 1300), 1 << 20, 1, 2},
		{"under the bound, two cores", repeat(100, 1000), 1 << 20, 2, 1},
		{"three bounds' worth, two cores", repeat(300, 10000), 1 << 20, 2, 4},
		{"one huge document", []int{5 << 20}, 1 << 20, 2, 1},
		{"nothing", nil, 1 << 20, 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs := docsOf(tt.sizes...)
			runs := chunkEvenly(docs, tt.maxBytes, tt.workers)
			if len(runs) != tt.wantRuns {
				t.Fatalf("%d runs, want %d", len(runs), tt.wantRuns)
			}
			n, largest, smallest := 0, 0, int(^uint(0)>>1)
			for _, r := range runs {
				size := 0
				for _, d := range r {
					size += len(d.Body)
				}
				n += len(r)
				largest, smallest = max(largest, size), min(smallest, size)
			}
			if n != len(docs) {
				t.Errorf("%d documents in the runs, want %d", n, len(docs))
			}
			if tt.workers > 1 && len(runs) > 1 && largest-smallest > slices.Max(tt.sizes) {
				t.Errorf("runs from %d to %d bytes: one core would wait for the other", smallest, largest)
			}
		})
	}
}
