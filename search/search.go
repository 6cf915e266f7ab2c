package search

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Request is one search.
type Request struct {
	Query  string
	Sort   string // "relevance" (default) or "date" (newest first)
	Limit  int    // 1–200; 0 means 20
	Offset int
	Facets bool // count results by tag and by year
}

// Result is one page of results.
type Result struct {
	Total uint64
	Hits  []Hit
	Tags  []Facet
	Years []Facet
	// Terms are the folded words and phrases searched for, to highlight:
	// as typed, and the other spellings that found variant hits.
	Terms []string
	// Suggestion is the query as the diary writes it, when nothing matched
	// as typed and another spelling did ("もしかして").
	Suggestion string
	// FacetsFromTop says Tags and Years count the top results, not all:
	// there were too many to count quickly.
	FacetsFromTop bool
}

// Hit is a matching entry.
type Hit struct {
	ID    string
	Score float64
	Match string // MatchExact, MatchVariant or MatchPartial
}

// Facet is a value and how many results have it.
type Facet struct {
	Name  string
	Count int
}

// Boosts: a match in the title, or of a whole word rather than part of a
// longer one, ranks higher. Whole-word matches outweigh everything else so
// that 京都 finds Kyoto before it finds 東京都.
const (
	boostTitle = 2.0
	boostWord  = 6.0
)

// How a hit matched: the query as typed, another way of writing it, or
// only the characters of a word, not together (ranked last).
const (
	MatchExact   = "exact"
	MatchVariant = "variant"
	MatchPartial = "partial"
)

// Search runs req. Any query string is valid; one with nothing to search
// for finds nothing. Entries that match the query as typed come first; when
// they do not fill the page, entries that match another spelling of its
// words follow (see variants.go).
func (ix *Index) Search(ctx context.Context, req Request) (*Result, error) {
	limit := req.Limit
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 200)
	offset := max(req.Offset, 0)

	q := ParseQuery(req.Query)
	res := &Result{Hits: []Hit{}, Tags: []Facet{}, Years: []Facet{}, Terms: q.Terms()}
	if res.Terms == nil {
		res.Terms = []string{}
	}
	// The words as typed are checked in the hits' text (see literal.go).
	var lit literal
	src := ix.textSource()
	if src != nil {
		lit = literalOf(q)
	}
	bq, scored := compile(q, lit != nil)
	if bq == nil {
		return res, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.idx == nil {
		return nil, fmt.Errorf("search: index is closed")
	}
	var weak []*search.DocumentMatch
	var exact uint64 // hits with the words as typed (at most: see below)
	// Variant hits leave out the literal ones. When those are all known,
	// leaving out their ids is cheaper than matching the query again.
	var literal query.Query = bq
	if lit != nil && scored {
		order := func(ctx context.Context, q query.Query, n int) (*bleve.SearchResult, search.DocumentMatchCollection, error) {
			if req.Sort == "date" {
				out, err := ix.byDate(ctx, q, n, 0)
				if err != nil {
					return nil, nil, err
				}
				return out, out.Hits, nil
			}
			return ix.byRelevance(ctx, q, n, 0, 0)
		}
		lh, err := ix.checkLiteral(context.WithValue(ctx, commonUnscored{}, unscoreBesideRare), src, bq, lit, offset+limit, order)
		if err != nil {
			return nil, err
		}
		for _, h := range lh.exact[min(offset, len(lh.exact)):min(offset+limit, len(lh.exact))] {
			res.Hits = append(res.Hits, Hit{ID: h.ID, Score: h.Score, Match: MatchExact})
		}
		res.Total = lh.total
		exact, weak, literal = lh.count, lh.weak, lh.holding
		if req.Facets && lh.total > 0 {
			checked := append(append([]*search.DocumentMatch(nil), lh.exact...), lh.weak...)
			if err := ix.countFacets(ctx, res, bq, checked, lh.all, lh.total, req.Query); err != nil {
				return nil, err
			}
		}
	} else {
		if err := ix.run(ctx, res, bq, scored, req, limit, offset, MatchExact); err != nil {
			return nil, err
		}
		exact = res.Total
		if offset == 0 && uint64(len(res.Hits)) == exact {
			literal = nil
			if exact > 0 {
				ids := make([]string, len(res.Hits))
				for i, h := range res.Hits {
					ids[i] = h.ID
				}
				literal = bleve.NewDocIDQuery(ids)
			}
		}
	}
	if !scored || uint64(offset+limit) <= exact {
		return res, nil
	}
	v, err := ix.vocabulary()
	if err != nil {
		return nil, err
	}
	defer v.close()
	e := &expander{ctx: ctx, v: v, texts: src, synonyms: ix.synonyms(), typed: cleanQuery(req.Query), phrases: map[string]bool{}}
	before := res.Total
	for _, round := range []func(Query) (Query, []string, string){e.spellingRound, e.typoRound, e.partsRound} {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		vq, terms, suggestion := round(q)
		if terms == nil {
			continue
		}
		alt, _ := compile(exactKatakana(vq, v), false)
		if alt == nil {
			continue
		}
		b := bleve.NewBooleanQuery()
		b.AddMust(alt)
		if literal != nil {
			b.AddMustNot(matchOnly{literal})
		}
		if err := ix.run(context.WithValue(ctx, commonUnscored{}, unscoreAll), res, b, true, req, limit-len(res.Hits), max(0, offset-int(exact)), MatchVariant); err != nil {
			return nil, err
		}
		if res.Total > before {
			res.Terms = append(res.Terms, terms...)
			if exact == 0 {
				res.Suggestion = suggestion
			}
		}
		if res.Total > before || exact > 0 {
			break
		}
	}
	// Hits with the pairs of the words apart come last: after every hit
	// that has the words, and after every other spelling's.
	variants := int(res.Total - before)
	from := max(0, offset-int(exact)-variants)
	shown := make(map[string]bool, len(res.Hits))
	for _, h := range res.Hits {
		shown[h.ID] = true
	}
	for _, h := range weak[min(from, len(weak)):] {
		if len(res.Hits) >= limit {
			break
		}
		if shown[h.ID] {
			continue
		}
		res.Hits = append(res.Hits, Hit{ID: h.ID, Score: h.Score, Match: MatchPartial})
	}
	return res, nil
}

func idsOf(hits []*search.DocumentMatch) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	return ids
}

// run searches bq and adds its hits, total and facets to res.
func (ix *Index) run(ctx context.Context, res *Result, bq query.Query, scored bool, req Request, limit, offset int, match string) error {
	limit = max(limit, 0)
	sample := 0
	if req.Facets {
		sample = facetSample
	}
	var out *bleve.SearchResult
	var page search.DocumentMatchCollection
	var err error
	first := 0 // where out.Hits start among all hits
	if req.Sort == "date" || !scored {
		first = offset
		if out, err = ix.byDate(ctx, bq, max(limit, sample), offset); err != nil {
			return fmt.Errorf("search %q: %w", req.Query, err)
		}
		page = out.Hits[:min(len(out.Hits), limit)]
	} else if out, page, err = ix.byRelevance(ctx, bq, limit, offset, sample); err != nil {
		return fmt.Errorf("search %q: %w", req.Query, err)
	}
	for _, h := range page {
		res.Hits = append(res.Hits, Hit{ID: h.ID, Score: h.Score, Match: match})
	}
	res.Total += out.Total
	if !req.Facets || out.Total == 0 {
		return nil
	}
	return ix.countFacets(ctx, res, bq, out.Hits, first == 0 && out.Total == uint64(len(out.Hits)), out.Total, req.Query)
}

// countFacets adds the tags and years of bq's total results to res, given
// the top hits in hand (all of them when all is true). Facets count every
// result when there are not too many; beyond that, reading each one's tags
// and year costs more than the search itself, and the top results give the
// same picture.
func (ix *Index) countFacets(ctx context.Context, res *Result, bq query.Query, top []*search.DocumentMatch, all bool, total uint64, typed string) error {
	if all || total > facetAll {
		// Counting the hits in hand is cheaper than searching again.
		res.FacetsFromTop = !all
		return ix.facetsOf(ctx, res, idsOf(top), typed)
	}
	return ix.facets(ctx, res, bq, typed)
}

// byRelevance finds the hits up to the end of the page (offset+limit),
// best first and the newer first among equal scores, and at least sample
// of them for facets; page is the part from offset. Sorting every match by
// score and date would read the date of each of them, which for a word in
// most entries was a third of the search; so Bleve sorts by score alone and
// only runs of equal scores that reach into the page are put in date order.
// A run that crosses the page's end is fetched whole first, as which of it
// belong on the page depends on the dates of all of it.
func (ix *Index) byRelevance(ctx context.Context, bq query.Query, limit, offset, sample int) (out *bleve.SearchResult, page search.DocumentMatchCollection, err error) {
	end := offset + limit
	for size := max(end+1, sample); ; size *= 2 {
		if size > maxTiedFetch {
			// Scores this flat are better sorted with the date at once.
			sr := bleve.NewSearchRequestOptions(bq, max(end, sample), 0, false)
			sr.SortBy([]string{"-_score", "-" + fieldDate})
			if out, err = ix.idx.SearchInContext(ctx, sr); err != nil {
				return nil, nil, err
			}
			end = min(end, len(out.Hits))
			return out, out.Hits[min(offset, end):end], nil
		}
		sr := bleve.NewSearchRequestOptions(bq, size, 0, false)
		sr.SortBy([]string{"-_score"})
		if out, err = ix.idx.SearchInContext(ctx, sr); err != nil {
			return nil, nil, err
		}
		hits := out.Hits
		if last := min(end, len(hits)); last > 0 && hits[last-1].Score == 0 && out.Total > uint64(last) && ctx.Value(commonUnscored{}) == unscoreAll {
			// Hits of common terms alone score zero, and the page ends
			// among them: their order needs their scores after all.
			return ix.byRelevance(context.WithValue(ctx, commonUnscored{}, unscoreNone), bq, limit, offset, sample)
		}
		if end >= len(hits) || end == 0 || hits[end-1].Score != hits[len(hits)-1].Score || uint64(len(hits)) == out.Total {
			break
		}
	}
	hits := out.Hits
	end = min(end, len(hits))
	// The runs of equal scores that reach into the page, whole.
	from, to := min(offset, end), end
	for from > 0 && from < end && hits[from-1].Score == hits[from].Score {
		from--
	}
	for to > from && to < len(hits) && hits[to].Score == hits[to-1].Score {
		to++
	}
	if err := ix.newestFirstAmongTies(ctx, hits[from:to]); err != nil {
		return nil, nil, err
	}
	return out, hits[min(offset, end):end], nil
}

// byDate finds n hits of bq from offset on, newest first; among entries
// of one day, by id, so that pages do not overlap.
func (ix *Index) byDate(ctx context.Context, bq query.Query, n, offset int) (*bleve.SearchResult, error) {
	if out, ok, err := ix.newestFirst(ctx, bq, n, offset); ok || err != nil {
		return out, err
	}
	return ix.byDateInBleve(ctx, bq, n, offset)
}

// byDateInBleve is byDate by Bleve's own sort.
func (ix *Index) byDateInBleve(ctx context.Context, bq query.Query, n, offset int) (*bleve.SearchResult, error) {
	sr := unscored(bleve.NewSearchRequestOptions(bq, n, offset, false))
	sr.SortBy([]string{"-" + fieldDate, "-_id"})
	return ix.idx.SearchInContext(ctx, sr)
}

// maxTiedFetch bounds how many hits byRelevance fetches to see a run of
// equal scores whole.
const maxTiedFetch = 4096

// unscored marks a search whose order or use needs no relevance (a sort by
// date, counting facets): Bleve then skips scoring every match and joins
// and intersects postings as bitmaps, which for a word in half the diary
// is most of the search.
func unscored(sr *bleve.SearchRequest) *bleve.SearchRequest {
	sr.Score = bleve.ScoreNone
	return sr
}

// newestFirstAmongTies puts each run of hits with the same score in date
// order, newest first, as a sort by score and date would have.
func (ix *Index) newestFirstAmongTies(ctx context.Context, hits search.DocumentMatchCollection) error {
	var tied []string
	for i := range hits {
		if (i > 0 && hits[i-1].Score == hits[i].Score) || (i+1 < len(hits) && hits[i+1].Score == hits[i].Score) {
			tied = append(tied, hits[i].ID)
		}
	}
	if len(tied) == 0 {
		return nil
	}
	sr := unscored(bleve.NewSearchRequestOptions(bleve.NewDocIDQuery(tied), len(tied), 0, false))
	sr.SortBy([]string{"-" + fieldDate})
	byDate, err := ix.idx.SearchInContext(ctx, sr)
	if err != nil {
		return fmt.Errorf("order tied results by date: %w", err)
	}
	rank := make(map[string]int, len(byDate.Hits))
	for i, h := range byDate.Hits {
		rank[h.ID] = i
	}
	for i := 0; i < len(hits); {
		j := i + 1
		for j < len(hits) && hits[j].Score == hits[i].Score {
			j++
		}
		run := hits[i:j]
		sort.SliceStable(run, func(a, b int) bool { return rank[run[a].ID] < rank[run[b].ID] })
		i = j
	}
	return nil
}

// compile turns a parsed query into a Bleve query; scored is false when the
// query only filters (then results come newest first). It returns nil when
// there is nothing to search for. checked says the hits' text is checked
// for the words as typed (see literal.go): a quoted phrase's words are
// then only ranked by standing together, as the index does not hold every
// two words of English prose.
func compile(q Query, checked bool) (bq query.Query, scored bool) {
	b := bleve.NewBooleanQuery()
	var musts []query.Query
	for _, clause := range q.Must {
		var alts []query.Query
		for _, t := range clause {
			if m := termQuery(t, checked); m != nil {
				alts = append(alts, m)
			}
		}
		switch len(alts) {
		case 0:
			continue // only symbols or emoji: nothing to look for
		case 1:
			musts = append(musts, alts[0])
		default:
			musts = append(musts, bleve.NewDisjunctionQuery(alts...))
		}
	}
	must := len(musts)
	scored = must > 0
	pairs := typedTogether(q)
	if must == 1 && len(pairs) == 0 && len(q.Tags) == 0 && q.From == "" && q.To == "" && len(q.Not) == 0 && len(q.NotTags) == 0 {
		// One word alone: Bleve would wrap it in a conjunction of one,
		// which scores each hit a second time (a word in half the diary
		// spent a sixth of its search there) for the same score.
		return musts[0], true
	}
	if must > 0 {
		b.AddMust(musts...)
	}
	if scored && len(pairs) > 0 {
		b.AddShould(pairs...)
	}
	// Filters narrow the results without changing their order.
	var filters []query.Query
	for _, t := range q.Tags {
		filters = append(filters, term(fieldTag, t, 1))
	}
	if q.From != "" || q.To != "" {
		r := bleve.NewTermRangeInclusiveQuery(q.From, q.To, boolPtr(true), boolPtr(true))
		r.SetField(fieldDate)
		filters = append(filters, r)
	}
	if must == 0 && len(filters) == 0 {
		return nil, false
	}
	if must == 0 {
		// Filters alone: their own postings are the results, which reads
		// far less than every document with the filters advanced beside.
		if len(q.Not) == 0 && len(q.NotTags) == 0 {
			return conjunction(filters), false
		}
		b.AddMust(conjunction(filters))
	} else if len(filters) > 0 {
		b.AddFilter(conjunction(filters))
	}
	// What is left out never scores: matched only, it is a bitmap.
	for _, t := range q.Not {
		if m := textQuery(fieldText, t.Text); m != nil {
			b.AddMustNot(matchOnly{m})
		}
	}
	for _, t := range q.NotTags {
		b.AddMustNot(matchOnly{term(fieldTag, t, 1)})
	}
	return b, scored
}

func boolPtr(v bool) *bool { return &v }

// typedTogether scores, for each two words typed one after the other
// (aws security), the pair as a note writes it, so that notes with the
// words together rank above notes with the same words apart.
func typedTogether(q Query) []query.Query {
	var out []query.Query
	prev := ""
	for _, clause := range q.Must {
		w := ""
		if len(clause) == 1 && !clause[0].Phrase {
			w = singleWord(clause[0].Text)
		}
		if prev != "" && w != "" && len(prev)+1+len(w) <= maxTermBytes {
			out = append(out, term(fieldWord, prev+" "+w, boostWord))
		}
		prev = w
	}
	return out
}

// singleWord is t folded if it is one word of the kind wordPairs pairs
// (Latin, digits), or "".
func singleWord(t string) string {
	folded := []byte(Fold(t))
	word := ""
	runs := 0
	eachRun(folded, func(kind runKind, run []byte, _ int) {
		runs++
		if kind == runWord && len(run) == len(folded) {
			word = string(run)
		}
	})
	if runs != 1 {
		return ""
	}
	return word
}

// maxGramsPerRun bounds the work for a long pasted phrase: every other pair
// of a long run still pins the text down.
const maxGramsPerRun = 24

// termQuery is what finding one word or phrase means. Its text query must
// match: every character pair and word of it, and for a quoted phrase whose
// text is not checked (see compile) every two adjacent words as written
// together. Scoring is a disjunction of that
// text query with the title, the whole words and the adjacent word pairs,
// so Bleve's coordination ranks title, whole-word and together matches
// first. Where any one of its parts (a word of a compound) matches more
// than the term, the disjunction only scores and the text query filters.
// nil if t has nothing searchable.
func termQuery(t Term, checked bool) query.Query {
	if t.Tag {
		return term(fieldTag, t.Text, 1)
	}
	required, scoring, implied := termQueryParts(t, checked)
	if required == nil {
		return nil
	}
	// Matched beside the disjunction, the text query's postings are read a
	// second time: for a word in most of the diary (コード, 使用) that was
	// about a tenth of the search, and it narrows nothing when the
	// disjunction cannot match more.
	if implied {
		return scoring
	}
	return filtered(required, scoring)
}

// filtered matches where both queries do, scored by scoring alone. Bleve's
// own filter would read every match of the disjunction and check each in
// turn: where a part of the word is common (自分 of 自分の勝手) that is most
// of the diary, a few milliseconds, for a handful of hits. As a conjunction
// each side skips ahead to the other's next match, and the text query,
// matched only, is an intersection of its terms' bitmaps.
func filtered(required, scoring query.Query) query.Query {
	return bleve.NewConjunctionQuery(matchOnly{required}, scoring)
}

// matchOnly matches what its query matches and adds nothing to a score.
// Bleve reads its terms' postings without frequencies and norms: skipping
// ahead in a common term's postings is then a jump, not a walk past every
// entry on the way, and a conjunction or disjunction of terms is one
// operation on their bitmaps.
type matchOnly struct{ query.Query }

func (q matchOnly) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	options.Score, options.IncludeTermVectors, options.Explain = "none", false, false
	s, err := q.Query.Searcher(ctx, r, m, options)
	if err != nil {
		return nil, err
	}
	return scoreless{s, 0}, nil
}

// termQueryParts is what must match for t and the disjunction that scores
// it; implied says the disjunction matches only where required does (each
// of its words is a whole run of t, not a part of it, and t is no quoted
// phrase), so required need not be checked beside it. A phrase's word
// pairs are required unless its text is checked (see compile).
func termQueryParts(t Term, checked bool) (required, scoring query.Query, implied bool) {
	text := textQuery(fieldText, t.Text)
	if text == nil {
		return nil, nil, false
	}
	if len(t.words) > 0 {
		text = wordsQuery(t.words)
	}
	alts := []query.Query{text}
	// A character alone has no title term: textQuery answers with the
	// character's own, which text reads already. Read twice, every
	// posting of の cost twice over, for the same order.
	if !charsAlone(t.Text) {
		title := textQuery(fieldTitle, t.Text)
		title.(boostable).SetBoost(boostTitle)
		alts = append(alts, title)
	}
	folded := []byte(Fold(t.Text))
	implied = true
	eachRun(folded, func(kind runKind, run []byte, _ int) {
		if kind != runJapanese {
			return
		}
		n := len(alts)
		Words(run, func(w []byte) {
			alts = append(alts, term(fieldWord, string(w), boostWord))
			implied = implied && bytes.Equal(w, run)
		})
		if len(alts) == n && wholeWord(run) {
			alts = append(alts, term(fieldWord, string(run), boostWord))
		}
	})
	required = text
	var pairs []query.Query
	wordPairs(folded, func(p []byte) { pairs = append(pairs, term(fieldWord, string(p), boostWord)) })
	if t.Phrase && len(pairs) > 0 {
		implied = false
		if !checked {
			required = conjunction(append([]query.Query{text}, pairs...))
		}
	}
	if alts = append(alts, pairs...); len(alts) == 1 {
		return required, alts[0], implied
	}
	return required, bleve.NewDisjunctionQuery(alts...), implied
}

// charsAlone reports whether each run of t is one character, which
// textQuery matches in the character field whatever field it is given.
func charsAlone(t string) bool {
	alone := true
	eachRun([]byte(Fold(t)), func(kind runKind, run []byte, _ int) {
		alone = alone && kind != runWord && utf8.RuneCount(run) == 1
	})
	return alone
}

// textQuery matches the folded t in field as the gram view indexes it:
// every word and every character pair of t.
func textQuery(field, t string) query.Query {
	var parts []query.Query
	eachRun([]byte(Fold(t)), func(kind runKind, run []byte, _ int) {
		switch {
		case kind == runWord:
			if len(run) > maxTermBytes {
				run = run[:maxTermBytes]
			}
			parts = append(parts, term(field, string(run), 1))
		case utf8.RuneCount(run) == 1:
			parts = append(parts, term(fieldChar, string(run), 1))
		default:
			var gs []string
			grams(run, func(g []byte, _ int) { gs = append(gs, string(g)) })
			gs = gs[:len(gs)-1] // the last character alone adds nothing to its pair
			step := 1
			if len(gs) > maxGramsPerRun {
				step = 2
			}
			for i := 0; i < len(gs); i += step {
				parts = append(parts, term(field, gs[i], 1))
			}
			if step > 1 && len(gs)%2 == 0 {
				parts = append(parts, term(field, gs[len(gs)-1], 1))
			}
		}
	})
	if len(parts) == 0 {
		return nil
	}
	return conjunction(parts)
}

type boostable interface{ SetBoost(float64) }

// conjunction matches where each of qs does; terms alone make allTerms.
func conjunction(qs []query.Query) query.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	terms := make(allTerms, 0, len(qs))
	for _, q := range qs {
		t, ok := q.(scoredTerm)
		if !ok {
			return bleve.NewConjunctionQuery(qs...)
		}
		terms = append(terms, t)
	}
	return terms
}

func term(field, value string, boost float64) query.Query {
	q := bleve.NewTermQuery(value)
	q.SetField(field)
	q.SetBoost(boost)
	return scoredTerm{q}
}

// wholeWord reports whether a query run is all kanji or all katakana: a word
// the word view may hold even if the analyser, seeing it alone, splits it.
func wholeWord(run []byte) bool {
	han, kata := true, true
	for _, r := range string(run) {
		han = han && isHan(r)
		kata = kata && (isKatakana(r) || r == longVowel)
	}
	return han || kata
}
