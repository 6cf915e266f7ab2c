package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/tsuzuri/tsuzuri/lexicon"
)

// Related entries ("see also") are found with the index the diary already
// has: the words of the text that are most its own, weighed by how few of
// the diary's entries use them, searched for as one disjunction. The
// diary's own document frequencies decide what is distinctive, so a word
// that fills a work diary (会議) counts for little there and much in a
// diary where it is rare.

// RelatedRequest asks for the entries most like a text.
type RelatedRequest struct {
	// Text is the entry's title and body, as it stands (being typed).
	Text string
	// Title is counted twice as much as the body: a title names the topic.
	Title string
	// Exclude is the entry's own id: never listed, and its own use of a
	// word does not count towards how common the word is.
	Exclude string
	// Limit is how many to list: 0 means 5, at most 20.
	Limit int
	// Plain is the textbook more-like-this, for comparison only: the top
	// 25 terms by tf-idf, each searched for with the same weight. Without
	// it, each word weighs its tf-idf, the title counts twice, words in
	// over 5 % of the entries and words only ever inside a longer chosen
	// one are left out, and other spellings of the words are searched too.
	Plain bool
}

// RelatedHit is one entry like the text, with the words it shares with it
// (folded, the most distinctive first).
type RelatedHit struct {
	ID     string
	Score  float64
	Shared []string
}

const (
	relatedDefault = 5
	relatedMax     = 20
	// maxRelatedTerms is how many of the text's words are searched for.
	// On the dev corpus, 15 words found 80.5 % of entries of the same
	// document, 32 found 82.2 %, 60 found 82.6 % for a third more time.
	maxRelatedTerms = 32
	// plainTerms is what the plain more-like-this searches for.
	plainTerms = 25
	// minRelatedTerms: a text with fewer distinctive words than this (a
	// title alone, a line just begun) says too little to find anything by.
	minRelatedTerms = 2
	// maxRelatedBytes bounds the text read: the words that make an entry
	// what it is are long since there in its first 32 KB, and a pasted log
	// must not make each keystroke slower.
	maxRelatedBytes = 32 << 10
	// maxShared is how many shared words a hit shows.
	maxShared = 6
	// commonShare: a word in more than this share of the diary's entries
	// describes the diary, not the entry. It also bounds the postings the
	// disjunction reads: on the dev corpus 5 % lists as well as 20 % (82.0
	// against 82.2 % from the same document), and at 100k entries it
	// halved the p95 (about 43 → 27 ms, one noisy run each).
	commonShare = 0.05
	// variantWeight is what another spelling of a word counts for.
	variantWeight = 0.6
	// maxUnseen bounds the words in no other entry whose other spellings
	// are looked up.
	maxUnseen = 64
)

// relatedTerm is one word of the text searched for.
type relatedTerm struct {
	field, term string
	tf          int
	df          uint64
	weight      float64
	// shown is the word as the text has it: for another spelling, the
	// text's own spelling, so the shared words are the writer's.
	shown string
}

// Related lists the entries most like req.Text, never req.Exclude. A text
// too short to say what it is about gives no hits and no error.
func (ix *Index) Related(ctx context.Context, req RelatedRequest) ([]RelatedHit, error) {
	limit := req.Limit
	if limit <= 0 {
		limit = relatedDefault
	}
	limit = min(limit, relatedMax)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.idx == nil {
		return nil, errors.New("related entries: index is closed")
	}
	v, err := ix.vocabulary()
	if err != nil {
		return nil, err
	}
	defer v.close()
	n, err := v.r.DocCount()
	if err != nil {
		return nil, fmt.Errorf("related entries: %w", err)
	}
	self := uint64(0)
	if req.Exclude != "" {
		if id, err := v.r.InternalID(req.Exclude); err == nil && len(id) > 0 {
			self = 1
		}
	}
	others := n - self
	if others == 0 {
		return []RelatedHit{}, nil
	}
	terms := v.distinctive(req, self, others)
	if len(terms) < minRelatedTerms {
		return []RelatedHit{}, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	alts := make([]query.Query, len(terms))
	for i, t := range terms {
		boost := t.weight
		if req.Plain {
			boost = 1
		}
		alts[i] = term(t.field, t.term, boost)
	}
	d := bleve.NewDisjunctionQuery(alts...)
	var q query.Query = d
	if req.Exclude != "" {
		b := bleve.NewBooleanQuery()
		b.AddMust(d)
		b.AddMustNot(bleve.NewDocIDQuery([]string{req.Exclude}))
		q = b
	}
	sr := bleve.NewSearchRequestOptions(q, limit, 0, false)
	sr.SortBy([]string{"-_score", "_id"})
	res, err := ix.idx.SearchInContext(ctx, sr)
	if err != nil {
		return nil, fmt.Errorf("related entries: %w", err)
	}
	hits := make([]RelatedHit, len(res.Hits))
	for i, h := range res.Hits {
		hits[i] = RelatedHit{ID: h.ID, Score: h.Score, Shared: []string{}}
	}
	if err := v.shared(ctx, hits, terms); err != nil {
		return nil, err
	}
	return hits, nil
}

// distinctive picks the words of the text to search for, the most
// distinctive first: each weighed by tf-idf over the diary's entries other
// than the text's own.
func (v *vocabulary) distinctive(req RelatedRequest, self, others uint64) []relatedTerm {
	text := req.Text
	if len(text) > maxRelatedBytes {
		text = text[:maxRelatedBytes]
	}
	title := req.Title
	if req.Plain {
		title = ""
	}
	counts := map[[2]string]int{}
	count := func(s string, times int) {
		folded := foldBytes([]byte(strings.ToValidUTF8(s, " ")))
		runs := runsOf(folded)
		wordTerms(folded, runs, func(w []byte) {
			counts[[2]string{fieldWord, string(w)}] += times
		})
		eachOf(folded, runs, func(kind runKind, run []byte, _ int) {
			if kind == runWord && len(run) <= maxTermBytes && latinWord(run) {
				counts[[2]string{fieldText, string(run)}] += times
			}
		})
	}
	count(text, 1)
	if title != "" {
		count(title, 1) // the title is also in Text: twice in all
	}

	nTerms := plainTerms
	if !req.Plain {
		nTerms = maxRelatedTerms
	}
	cands := make([]relatedTerm, 0, len(counts))
	var unseen []relatedTerm
	for k, tf := range counts {
		df := v.docFreq(k[0], k[1])
		if df <= self {
			// In no other entry as written; perhaps in another spelling.
			unseen = append(unseen, relatedTerm{field: k[0], term: k[1], tf: tf, shown: k[1]})
			continue
		}
		df -= self
		if !req.Plain && common(df, others) {
			continue
		}
		w := (1 + math.Log(float64(tf))) * idf(others, df)
		cands = append(cands, relatedTerm{field: k[0], term: k[1], tf: tf, df: df, weight: w, shown: k[1]})
	}
	byWeight := func(a, b relatedTerm) int {
		if a.weight != b.weight {
			if a.weight > b.weight {
				return -1
			}
			return 1
		}
		return strings.Compare(a.term, b.term)
	}
	slices.SortFunc(cands, byWeight)
	if !req.Plain {
		cands = dropContained(cands, nTerms)
	}
	cands = cands[:min(len(cands), nTerms)]
	if req.Plain || len(cands) == 0 {
		return cands
	}
	// Other spellings of the chosen words, and of words the diary writes
	// only some other way: データベース finds the entry that wrote
	// database. The unseen words most used come first, and only so many,
	// as each costs a lookup.
	seen := map[string]bool{}
	for _, c := range cands {
		seen[c.term] = true
	}
	slices.SortFunc(unseen, func(a, b relatedTerm) int {
		if a.tf != b.tf {
			return b.tf - a.tf
		}
		return strings.Compare(a.term, b.term)
	})
	base := append(slices.Clone(cands), unseen[:min(len(unseen), maxUnseen)]...)
	for _, c := range base {
		if c.field != fieldWord && !isLatinText(c.term) {
			continue
		}
		for _, alt := range lexicon.Variants(c.term) {
			alt = Fold(alt)
			if seen[alt] || utf8.RuneCountInString(alt) < 2 {
				continue
			}
			seen[alt] = true
			// One Latin word is a term of the gram view; two are a pair
			// of the word view.
			field := fieldWord
			if isLatinText(alt) && !strings.Contains(alt, " ") {
				field = fieldText
			}
			df := v.docFreq(field, alt)
			if df == 0 || common(df, others) {
				continue
			}
			w := c.weight
			if w == 0 { // an unseen word: weighed by its other spelling
				w = (1 + math.Log(float64(c.tf))) * idf(others, df)
			}
			cands = append(cands, relatedTerm{field: field, term: alt, tf: c.tf, df: df, weight: w * variantWeight, shown: c.term})
		}
	}
	return cands
}

// common reports whether a word in df of n entries describes the diary
// rather than an entry. A small diary has no such words to tell.
func common(df, n uint64) bool {
	return n >= 20 && float64(df) > commonShare*float64(n)
}

// idf is BM25's inverse document frequency of a word in df of n entries.
func idf(n, df uint64) float64 {
	return math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
}

// dropContained leaves out, among the first max terms, a word whose every
// occurrence may be inside a longer chosen one (障害 inside 障害対応): it
// would only count the same evidence twice.
func dropContained(cands []relatedTerm, max int) []relatedTerm {
	out := cands[:0:0]
	for _, c := range cands {
		if len(out) >= max {
			break
		}
		inside := false
		for _, o := range out {
			if o.tf >= c.tf && len(o.term) > len(c.term) && strings.Contains(o.term, c.term) {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, c)
		}
	}
	return out
}

// latinWord is a word of letters worth comparing entries by: three or more
// characters with a letter in them (not a number, a year or a version).
func latinWord(w []byte) bool {
	if utf8.RuneCount(w) < 3 {
		return false
	}
	for _, r := range string(w) {
		if r >= 'a' && r <= 'z' || r > 0x7f && !isJapanese(r) {
			return true
		}
	}
	return false
}

// shared fills in, for each hit, which of the searched words it holds,
// reading each word's postings only at the hits.
func (v *vocabulary) shared(ctx context.Context, hits []RelatedHit, terms []relatedTerm) error {
	if len(hits) == 0 {
		return nil
	}
	type doc struct {
		at  int
		iid index.IndexInternalID
	}
	docs := make([]doc, 0, len(hits))
	for i, h := range hits {
		iid, err := v.r.InternalID(h.ID)
		if err != nil {
			return fmt.Errorf("related entries: %w", err)
		}
		docs = append(docs, doc{i, iid})
	}
	// Postings are read forwards only.
	sort.Slice(docs, func(a, b int) bool { return docs[a].iid.Compare(docs[b].iid) < 0 })
	found := make([]map[string]bool, len(hits))
	for i := range found {
		found[i] = map[string]bool{}
	}
	for _, t := range terms {
		if err := ctx.Err(); err != nil {
			return err
		}
		tfr, err := v.r.TermFieldReader(ctx, []byte(t.term), t.field, false, false, false)
		if err != nil {
			return fmt.Errorf("related entries: %w", err)
		}
		for _, d := range docs {
			got, err := tfr.Advance(d.iid, nil)
			if err != nil {
				tfr.Close()
				return fmt.Errorf("related entries: %w", err)
			}
			if got == nil {
				break
			}
			if got.ID.Equals(d.iid) && !found[d.at][t.shown] && len(hits[d.at].Shared) < maxShared {
				found[d.at][t.shown] = true
				hits[d.at].Shared = append(hits[d.at].Shared, t.shown)
			}
		}
		tfr.Close()
	}
	return nil
}
