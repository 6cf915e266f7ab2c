package search

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/registry"
)

// The registered analysers make the terms the documents were indexed with,
// so Bleve's own queries, which analyse through the mapping, find what
// Tsuzuri's queries find.
func TestRegisteredAnalysisMatchesTheIndex(t *testing.T) {
	cache := registry.NewCache()
	texts := []string{"ＡＷＳ Security Hubを導入", "ｻｰﾊﾞｰの障害対応", "東京都の京都出身者 v1.2 🍣"}
	for name, v := range map[string]view{gramName: gramView, wordName: wordView} {
		a, err := cache.AnalyzerNamed(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range texts {
			var got []string
			for _, tok := range a.Analyze([]byte(s)) {
				got = append(got, string(tok.Term))
				if folded := foldBytes([]byte(s)); string(folded[tok.Start:tok.End]) != string(tok.Term) {
					t.Errorf("%s of %q: token %q at %d–%d, text there is %q", name, s, tok.Term, tok.Start, tok.End, folded[tok.Start:tok.End])
				}
			}
			if want := termsOf(v.of, s); !slices.Equal(got, want) {
				t.Errorf("%s of %q = %q, the index has %q", name, s, got, want)
			}
		}
	}

	ix, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Apply(context.Background(), fixture, nil, 5); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ field, text, want string }{
		{fieldText, "ｻｰﾊﾞｰ", "kyoto"},
		{fieldWord, "ポストモーテム", "pm"},
		{fieldTag, "#sre", "pm"},
	} {
		q := bleve.NewMatchQuery(tt.text)
		q.SetField(tt.field)
		res, err := ix.idx.Search(bleve.NewSearchRequest(q))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		if !slices.Contains(got, tt.want) {
			t.Errorf("Bleve match query %s:%q = %v, want %s among them", tt.field, tt.text, got, tt.want)
		}
	}
}
