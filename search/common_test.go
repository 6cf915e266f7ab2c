package search

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// everyTermCountsAsCommonIn lowers the floor under which no term is common,
// so that a diary of a few entries shows what a large one does.
func everyTermCountsAsCommonIn(t *testing.T) {
	old := commonTermMin
	commonTermMin = 1
	t.Cleanup(func() { commonTermMin = old })
}

// commonDiary: every one of its 40 entries has した; two have 監視 once,
// at the same length, one of them with した five times, the other once.
func commonDiary(t *testing.T) *Index {
	docs := []Document{
		{ID: "often", Title: "メモ", Body: "監視をした。した。した。した。した。", Date: "2024-01-01"},
		{ID: "once", Title: "メモ", Body: "監視をした。あれ。これ。それ。どれ。", Date: "2024-01-02"},
	}
	for i := range 38 {
		docs = append(docs, Document{ID: fmt.Sprintf("other-%02d", i), Title: "日記", Body: strings.Repeat("散歩をした。", i+1), Date: "2024-02-01"})
	}
	return openIndex(t, docs, int64(len(docs)))
}

func TestACommonTermMatchesWithoutScoring(t *testing.T) {
	everyTermCountsAsCommonIn(t)
	ix := commonDiary(t)
	common, rare := term(fieldText, "した", 1), term(fieldText, "監視", 1)
	plain := bleve.NewConjunctionQuery(common.(scoredTerm).TermQuery, rare.(scoredTerm).TermQuery)
	ours := conjunction([]query.Query{common, rare})
	if _, ok := ours.(allTerms); !ok {
		t.Fatalf("conjunction of terms is a %T, want allTerms", ours)
	}

	want := scoresOf(t, ix, plain)
	if want["often"] <= want["once"] {
		t.Fatalf("the fixture does not show した's frequency in the score: %v", want)
	}
	got := scoresUnscoringCommon(t, ix, ours)
	if !slices.Equal(slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want))) {
		t.Errorf("hits %v, want those of Bleve's conjunction %v", got, want)
	}
	if got["often"] != got["once"] || got["often"] == 0 {
		t.Errorf("scores %v: した, in every entry, should add nothing and 監視 the same to both", got)
	}

	if alone := scoresUnscoringCommon(t, ix, common); len(alone) != 40 {
		t.Errorf("した alone finds %d entries, want all 40", len(alone))
	}
}

// scoresUnscoringCommon is scoresOf where common terms go unscored.
func scoresUnscoringCommon(t *testing.T, ix *Index, q query.Query) map[string]float64 {
	t.Helper()
	return scoresIn(context.WithValue(context.Background(), commonUnscored{}, unscoreAll), t, ix, q)
}

func TestAPageOfCommonTermsAloneIsInTheOrderOfTheirScores(t *testing.T) {
	everyTermCountsAsCommonIn(t)
	ix := commonDiary(t)
	common := term(fieldText, "した", 1)
	page := func(ctx context.Context) []string {
		_, hits, err := ix.byRelevance(ctx, common, 5, 3, 0)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range hits {
			out = append(out, h.ID)
		}
		return out
	}
	want := page(context.Background())
	if got := page(context.WithValue(context.Background(), commonUnscored{}, unscoreAll)); !slices.Equal(got, want) {
		t.Errorf("hits 4–8 of した with common terms unscored = %v, want the scored order %v", got, want)
	}
}

// The words as typed: a common pair goes unscored beside a rarer pair of
// its word, and a word of common pairs alone keeps its scores.
func TestATypedWordIsScoredByItsRarerPairs(t *testing.T) {
	everyTermCountsAsCommonIn(t)
	ix := commonDiary(t)
	typed := func(q query.Query) map[string]float64 {
		return scoresIn(context.WithValue(context.Background(), commonUnscored{}, unscoreBesideRare), t, ix, q)
	}
	withRare := conjunction([]query.Query{term(fieldText, "監視", 1), term(fieldText, "視を", 1), term(fieldText, "をし", 1), term(fieldText, "した", 1)})
	if got := typed(withRare); len(got) != 2 || got["often"] != got["once"] || got["often"] == 0 {
		t.Errorf("監視をした scores %v: した and をし, in every entry, should add nothing beside 監視 and 視を", got)
	}
	for word, q := range map[string]query.Query{
		"した":  term(fieldText, "した", 1),
		"をした": conjunction([]query.Query{term(fieldText, "をし", 1), term(fieldText, "した", 1)}),
	} {
		if got := typed(q); len(got) != 40 || got["often"] <= got["once"] {
			t.Errorf("%s: often %v, once %v of %d hits: a word of common pairs alone should keep their scores, した five times over once", word, got["often"], got["once"], len(got))
		}
	}
}

func TestARareTermIsScoredAsBleveScoresIt(t *testing.T) {
	ix := commonDiary(t)
	for _, q := range []query.Query{
		term(fieldText, "監視", 1),
		conjunction([]query.Query{term(fieldText, "した", 1), term(fieldText, "監視", 1)}),
	} {
		var plain query.Query
		switch q := q.(type) {
		case scoredTerm:
			plain = q.TermQuery
		case allTerms:
			plain = bleve.NewConjunctionQuery(q[0].TermQuery, q[1].TermQuery)
		}
		// In a diary of forty entries no term is in enough of them to
		// be common: a small diary is scored in full.
		if got, want := scoresUnscoringCommon(t, ix, q), scoresOf(t, ix, plain); !maps.Equal(got, want) {
			t.Errorf("%T: scores %v, want Bleve's %v", q, got, want)
		}
	}
}

func TestATitlesBoostCountsForAWordOfManyPairs(t *testing.T) {
	ix := openIndex(t, []Document{
		{ID: "in-title", Title: "勉強会の記録", Body: "会場は渋谷だった。", Date: "2024-01-01"},
		{ID: "in-text", Title: "渋谷の記録", Body: "会場で勉強会だった。", Date: "2024-01-02"},
	}, 2)
	ratio := func(boost float64) float64 {
		title := textQuery(fieldTitle, "勉強会")
		title.(boostable).SetBoost(boost)
		s := scoresOf(t, ix, bleve.NewDisjunctionQuery(textQuery(fieldText, "勉強会"), title))
		return s["in-title"] / s["in-text"]
	}
	if plain, boosted := ratio(1), ratio(boostTitle); boosted <= plain {
		t.Errorf("title hit over text hit: %.3f boosted, %.3f not: the boost is lost", boosted, plain)
	}
}
