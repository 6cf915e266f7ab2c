package search

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// A term in a large share of the diary (the pairs した, いま, ット) says
// little about which entry is meant, and its frequencies are the dearest to
// read: Bleve keeps them in chunks of about a thousand entries, and skipping
// ahead in a term whose frequencies are read walks every entry on the way.
// A reading variant made of such pairs (したし, おうよう) was most of a
// search's time on a large diary. So in the rounds of other spellings a
// common term is matched and not scored: its postings are a bitmap, skipped
// by a jump, and the common pairs of a word are intersected as bitmaps. Its
// weight still counts in the normalisation of the query, so every other
// term scores as before.

// commonTermShare: a term in at least one entry in commonTermShare is
// common. At one in 16 no figure of the search-quality sets moves; one in
// 32, tried with every round leaving common terms unscored, lowered
// precision@10 of the dev queries.
const commonTermShare = 16

// commonTermMin: a term in fewer entries is never common. Bleve keeps up to
// 1024 postings in one chunk, a walk of at most that anyway, and in a small
// diary every word is in a large share of it.
var commonTermMin uint64 = 1024

// commonUnscored in a context, set to an unscoring, says which common
// terms go unscored. The rounds of other spellings leave every common term
// unscored (unscoreAll). The words as typed keep a score each: a search of
// common words alone would score every hit zero (see byRelevance), and a
// first keystroke's single character would rank by date beside a rarer
// word. So there a common pair goes unscored only beside a rarer pair of
// the same word (unscoreBesideRare), which scores the word: ソース and
// プロ say little more of オープンソースプロジェクト than ンソ and スプ do,
// and cost the most to score.
type commonUnscored struct{}

type unscoring int

const (
	unscoreNone unscoring = iota
	unscoreBesideRare
	unscoreAll
)

// unscoringCommon says which common terms go unscored.
func unscoringCommon(ctx context.Context, options search.SearcherOptions) unscoring {
	if options.Score == "none" || options.Explain {
		return unscoreNone
	}
	u, _ := ctx.Value(commonUnscored{}).(unscoring)
	return u
}

// scoredTerm is a term query that reads a common term without its scores.
type scoredTerm struct{ *query.TermQuery }

func (q scoredTerm) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	if unscoringCommon(ctx, options) != unscoreAll {
		return q.TermQuery.Searcher(ctx, r, m, options)
	}
	weight, common, err := commonWeight(ctx, r, q.TermQuery)
	if err != nil {
		return nil, err
	}
	if !common {
		return q.TermQuery.Searcher(ctx, r, m, options)
	}
	options.Score = "none"
	s, err := q.TermQuery.Searcher(ctx, r, m, options)
	if err != nil {
		return nil, err
	}
	return scoreless{s, weight}, nil
}

// allTerms matches where every one of its terms does: the character pairs
// of a word. Its boost multiplies each term's, as a title's boost should;
// Bleve's own conjunction leaves its boost unused.
type allTerms []scoredTerm

func (q allTerms) SetBoost(b float64) {
	for _, t := range q {
		t.SetBoost(t.Boost() * b)
	}
}

func (q allTerms) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	scoredInFull := func() (search.Searcher, error) {
		qs := make([]query.Query, len(q))
		for i, t := range q {
			qs[i] = t.TermQuery
		}
		return bleve.NewConjunctionQuery(qs...).Searcher(ctx, r, m, options)
	}
	u := unscoringCommon(ctx, options)
	if u == unscoreNone {
		return scoredInFull()
	}
	var common, rare []query.Query
	weight := 0.0
	for _, t := range q {
		w, isCommon, err := commonWeight(ctx, r, t.TermQuery)
		if err != nil {
			return nil, err
		}
		if isCommon {
			common = append(common, t.TermQuery)
			weight += w
		} else {
			rare = append(rare, t.TermQuery)
		}
	}
	if len(common) == 0 || (u == unscoreBesideRare && len(rare) == 0) {
		return scoredInFull()
	}
	var ss []search.Searcher
	fail := func(err error) (search.Searcher, error) {
		for _, s := range ss {
			_ = s.Close()
		}
		return nil, err
	}
	for _, t := range rare {
		s, err := t.Searcher(ctx, r, m, options)
		if err != nil {
			return fail(err)
		}
		ss = append(ss, s)
	}
	unscoredOptions := options
	unscoredOptions.Score = "none"
	s, err := bleve.NewConjunctionQuery(common...).Searcher(ctx, r, m, unscoredOptions)
	if err != nil {
		return fail(err)
	}
	ss = append(ss, scoreless{s, weight})
	if len(ss) == 1 {
		return ss[0], nil
	}
	if s, err = searcher.NewConjunctionSearcher(ctx, r, ss, options); err != nil {
		return fail(err)
	}
	return s, nil
}

// commonWeight reports whether t's term is common and, if so, the weight
// Bleve's scorer would give it in the normalisation of a query: its boost
// times BM25's inverse document frequency (the index scores by BM25), squared.
func commonWeight(ctx context.Context, r index.IndexReader, t *query.TermQuery) (weight float64, common bool, err error) {
	n, err := r.DocCount()
	if err != nil {
		return 0, false, fmt.Errorf("count entries: %w", err)
	}
	tr, err := r.TermFieldReader(ctx, []byte(t.Term), t.Field(), false, false, false)
	if err != nil {
		return 0, false, fmt.Errorf("read %s:%s: %w", t.Field(), t.Term, err)
	}
	df := tr.Count()
	if err := tr.Close(); err != nil {
		return 0, false, fmt.Errorf("read %s:%s: %w", t.Field(), t.Term, err)
	}
	if df < commonTermMin || df*commonTermShare < n {
		return 0, false, nil
	}
	w := t.Boost() * idf(n, df)
	return w * w, true, nil
}

// scoreless is a searcher whose matches score zero and whose weight in the
// normalisation of the scores around it is weight: zero for a query that
// only filters, a common term's own for one matched without its scores.
type scoreless struct {
	search.Searcher
	weight float64
}

func (s scoreless) Weight() float64    { return s.weight }
func (scoreless) SetQueryNorm(float64) {}
