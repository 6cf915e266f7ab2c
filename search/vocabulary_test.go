package search

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// vocabularyOf is a vocabulary of ix, closed when the test ends.
func vocabularyOf(t *testing.T, ix *Index) *vocabulary {
	t.Helper()
	v, err := ix.vocabulary()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.close)
	return v
}

// A document frequency asked of each segment counts the entries a search
// for the term finds, across segments and after deletions (the dictionary's
// own count still has deleted entries).
func TestDocFreqCountsWhatASearchFinds(t *testing.T) {
	ctx := context.Background()
	var ix *Index
	var v *vocabulary
	// Bleve's merger may join the two batches' segments before the
	// snapshot is taken (it did once under the race detector); a fresh
	// index is tried again then.
	for attempt := 1; ; attempt++ {
		ix = openIndex(t, []Document{
			{ID: "a", Title: "朝", Body: "コードを読んだ。サーバーの設定。", Date: "2024-01-01"},
			{ID: "b", Title: "昼", Body: "コードレビューとサーバー。", Date: "2024-01-02"},
		}, 1)
		if err := ix.Apply(ctx, []Document{{ID: "c", Title: "夜", Body: "サーバーが落ちた。コード。", Date: "2024-01-03"}}, nil, 2); err != nil {
			t.Fatal(err)
		}
		if err := ix.Apply(ctx, nil, []string{"a"}, 3); err != nil {
			t.Fatal(err)
		}
		v = vocabularyOf(t, ix)
		if len(v.segments) >= 2 {
			break
		}
		if attempt == 5 {
			t.Fatalf("%d segments in 5 tries, want the two batches' own", len(v.segments))
		}
	}
	checked := 0
	for _, field := range []string{fieldText, fieldWord, fieldChar} {
		d, err := v.r.FieldDict(field)
		if err != nil {
			t.Fatal(err)
		}
		for {
			e, err := d.Next()
			if err != nil {
				t.Fatal(err)
			}
			if e == nil {
				break
			}
			found, err := ix.idx.Search(bleve.NewSearchRequestOptions(term(field, e.Term, 1), 0, 0, false))
			if err != nil {
				t.Fatal(err)
			}
			if got := v.docFreq(field, e.Term); got != found.Total {
				t.Errorf("docFreq(%s, %q) = %d, a search finds %d", field, e.Term, got, found.Total)
			}
			checked++
		}
		d.Close()
	}
	if n := v.docFreq(fieldText, "ない語"); n != 0 {
		t.Errorf("docFreq of a term nowhere = %d", n)
	}
	if checked < 20 {
		t.Errorf("only %d terms checked", checked)
	}
}

// Terms listed by prefix, read from each segment's dictionary, are the
// ones Bleve's prefix list gives, in order, once each, however many
// segments hold them and wherever the list is cut.
func TestTermsByPrefixAcrossSegments(t *testing.T) {
	ix := openIndex(t, []Document{
		{ID: "a", Title: "朝", Body: "サーバーとサーバレスの話。server と serverless と service。", Date: "2024-01-01"},
		{ID: "b", Title: "昼", Body: "サービスの設計。set と setup。", Date: "2024-01-02"},
	}, 1)
	ctx := context.Background()
	if err := ix.Apply(ctx, []Document{{ID: "c", Title: "夜", Body: "サーバーを止めた。サーモン。server と settings と sequence。", Date: "2024-01-03"}}, nil, 2); err != nil {
		t.Fatal(err)
	}
	v := vocabularyOf(t, ix)
	if len(v.segments) < 2 {
		t.Fatalf("%d segments, want the two batches' own", len(v.segments))
	}
	for _, field := range []string{fieldText, fieldWord} {
		for _, prefix := range []string{"サ", "サー", "se", "ser", "set", "x"} {
			for _, max := range []int{1, 2, 3, 100} {
				d, err := v.r.FieldDictPrefix(field, []byte(prefix))
				want := terms(d, err, max)
				got, err := v.termsBetween(field, []byte(prefix), prefixEnd(prefix), max)
				if err != nil {
					t.Fatalf("termsBetween: %v", err)
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s terms starting with %q, at most %d: %q, Bleve lists %q", field, prefix, max, got, want)
				}
			}
		}
	}
	if got := v.startingWith(fieldText, "se", 100); !slices.Equal(got, []string{"sequence", "server", "serverless", "service", "set", "settings", "setup"}) {
		t.Errorf("words starting with se: %q", got)
	}
}

func TestPrefixEnd(t *testing.T) {
	for _, tt := range []struct {
		prefix string
		want   []byte
	}{
		{"se", []byte("sf")},
		{"サ", []byte("\xe3\x82\xb6")},
		{"a\xff", []byte("b")},
		{"\xff\xff", nil},
	} {
		if got := prefixEnd(tt.prefix); !bytes.Equal(got, tt.want) {
			t.Errorf("prefixEnd(%q) = %q, want %q", tt.prefix, got, tt.want)
		}
	}
}
