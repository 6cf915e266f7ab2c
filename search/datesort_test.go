package search

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2/search/query"
)

// A sort by date from the index's own columns gives, page by page, what
// Bleve's sort by date and id gives: over several segments, after edits
// and removals, with many entries on one day (the id decides) and entries
// without a date (last).
func TestNewestFirstIsBlevesOrder(t *testing.T) {
	ctx := context.Background()
	var docs []Document
	for i := range 240 {
		d := Document{
			ID:    fmt.Sprintf("%03x-%d", (i*7919)%4096, i), // ids not in the order of writing
			Title: "夜の記録",
			Body:  []string{"監視の設定を見直した。", "障害の振り返りを書いた。", "監視と障害の話をした。"}[i%3],
			// Few days, so that each has many entries and the page's
			// last day is shared with hits beyond it.
			Date: fmt.Sprintf("202%d-0%d-1%d", i%3, 1+i%2, i%4),
			Tags: [][]string{{"sre"}, {"日記"}, {"sre", "日記"}}[i%3],
		}
		if i%17 == 0 {
			d.Date = ""
		}
		docs = append(docs, d)
	}
	// One segment a batch.
	ix := openIndex(t, docs[:60], 1)
	seq := int64(1)
	for from := 60; from < len(docs); from += 60 {
		seq++
		if err := ix.Apply(ctx, docs[from:from+60], nil, seq); err != nil {
			t.Fatal(err)
		}
	}
	queries := map[string]query.Query{}
	for _, q := range []string{"監視", "障害", "tag:sre", "date:2021", "date:2020-01 監視", "記録 -障害", "tag:日記 -tag:sre"} {
		bq, _ := compile(ParseQuery(q), false)
		queries[q] = bq
	}
	same := func(when string) {
		t.Helper()
		for q, bq := range queries {
			for _, page := range []struct{ n, offset int }{{20, 0}, {20, 20}, {7, 33}, {500, 0}, {1, 0}, {20, 1000}} {
				got, ok, err := ix.newestFirst(ctx, bq, page.n, page.offset)
				if err != nil || !ok {
					t.Fatalf("%s: %q: newestFirst: ok %v, %v", when, q, ok, err)
				}
				want, err := ix.byDateInBleve(ctx, bq, page.n, page.offset)
				if err != nil {
					t.Fatal(err)
				}
				if got.Total != want.Total || !slices.Equal(idsOf(got.Hits), idsOf(want.Hits)) {
					t.Errorf("%s: %q, %d from %d:\n got  %d %v\n want %d %v", when, q, page.n, page.offset, got.Total, idsOf(got.Hits), want.Total, idsOf(want.Hits))
				}
			}
		}
	}
	same("written")

	edited := docs[3]
	edited.Date, edited.Body = "2030-12-31", "監視をやめた。"
	seq++
	if err := ix.Apply(ctx, []Document{edited}, []string{docs[4].ID, docs[10].ID, docs[11].ID}, seq); err != nil {
		t.Fatal(err)
	}
	same("edited and removed")
	if err := ix.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	same("merged")
	res, err := ix.Search(ctx, Request{Query: "監視", Sort: "date", Limit: 1})
	if err != nil || len(res.Hits) != 1 || res.Hits[0].ID != edited.ID {
		t.Errorf("newest 監視 = %+v, %v; want the entry moved to 2030", res.Hits, err)
	}
}

// A date the columns cannot order as a number leaves the sort to Bleve.
func TestDatesOfAnotherFormAreSortedByBleve(t *testing.T) {
	ctx := context.Background()
	ix := openIndex(t, []Document{
		{ID: "a", Title: "監視", Date: "2024-01-02"},
		{ID: "b", Title: "監視", Date: "2024-1-3"},
		{ID: "c", Title: "監視", Date: "2024-01-10"},
	}, 1)
	bq, _ := compile(ParseQuery("監視"), false)
	if _, ok, err := ix.newestFirst(ctx, bq, 10, 0); ok || err != nil {
		t.Errorf("newestFirst over 2024-1-3: ok %v, %v; want it left to Bleve", ok, err)
	}
	if got := ids(t, ix, Request{Query: "監視", Sort: "date", Limit: 10}); !slices.Equal(got, []string{"b", "c", "a"}) {
		t.Errorf("by date = %v, want b c a (as the dates' text sorts)", got)
	}
}

func TestDayKeyOrdersAsTheText(t *testing.T) {
	for _, tc := range []struct {
		date string
		ok   bool
	}{
		{"2024-01-02", true}, {"1999-12-31", true}, {"0000-00-00", true},
		{"", false}, {"2024-1-02", false}, {"2024/01/02", false}, {"2024-01-0x", false}, {"２０２４-01-02", false},
	} {
		_, ok := dayKey(tc.date)
		if ok != tc.ok {
			t.Errorf("dayKey(%q) ok = %v, want %v", tc.date, ok, tc.ok)
		}
	}
	dates := []string{"1999-12-31", "2000-01-01", "2024-01-02", "2024-01-10", "2024-02-01", "2024-10-01"}
	for i := 1; i < len(dates); i++ {
		a, _ := dayKey(dates[i-1])
		b, _ := dayKey(dates[i])
		if a >= b {
			t.Errorf("dayKey(%s) = %d, not below dayKey(%s) = %d", dates[i-1], a, dates[i], b)
		}
	}
	if k, _ := dayKey("0000-00-00"); k == 0 {
		t.Error("the earliest date has the key of no date")
	}
}
