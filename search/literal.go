package search

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"golang.org/x/text/unicode/norm"
)

// The index finds a Japanese word through its character pairs, and pairs
// do not say where they stand: ちゅうしょうか "matches" every kana-heavy page
// that has ちゅ, ゅう, うし, しょ, ょう and うか somewhere. Positions for every
// pair would say, at about two bytes of index per byte of text, and so would
// a folded copy of the text kept in the index (a third more index, and more
// memory and time to build it). The text is in storage already: a hit of a
// long word is checked against its entry's text, read and folded at search
// time. Only words of three or more characters need the check, and only as
// many hits as it takes to fill the page.

// literal is what an exact hit contains as typed: for every clause of the
// query, one of its words with each of its spans contiguous in the folded
// text. A clause any of whose words needs no check is left out.
type literal [][][][]byte // clause → word → spans

// literalOf is the check q needs, or nil when its pairs already pin every
// word down (words of one or two characters, Latin words).
func literalOf(q Query) literal {
	var out literal
	for _, clause := range q.Must {
		var words [][][]byte
		for _, t := range clause {
			folded := Fold(t.Text)
			spans := checkedSpans(folded)
			if t.Phrase {
				spans = append(spans, wordLines(folded)...)
			}
			if len(spans) == 0 {
				words = nil
				break
			}
			words = append(words, spans)
		}
		if len(words) > 0 {
			out = append(out, words)
		}
	}
	return out
}

// checkedSpans lists the Japanese runs of a folded word whose pairs can
// match apart: those of three or more characters. Latin words are whole
// terms already; runs of different scripts typed together (propsデフォルト値)
// are words typed together, which may stand apart in the text.
func checkedSpans(folded string) [][]byte {
	var spans [][]byte
	eachRun([]byte(folded), func(kind runKind, run []byte, _ int) {
		if kind == runJapanese && utf8.RuneCount(run) >= 3 {
			spans = append(spans, run)
		}
	})
	return spans
}

// wordLines lists the stretches of two or more Latin words one separator
// apart in a folded phrase: what its word pairs stand for, which the index
// holds for names and short terms but not for English prose (see
// wordPairer).
func wordLines(folded string) [][]byte {
	var lines [][]byte
	(&wordPairer{folded: []byte(folded), lines: func(l []byte) { lines = append(lines, l) }}).all()
	return lines
}

// holds reports whether folded text contains the query as typed.
func (l literal) holds(text []byte) bool {
	for _, clause := range l {
		ok := false
		for _, spans := range clause {
			ok = true
			for _, s := range spans {
				if !bytes.Contains(text, s) {
					ok = false
					break
				}
			}
			if ok {
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// A katakana span stands in the text only inside a katakana word, and the
// word view holds every katakana word of the diary (see Words). So where
// every span of a query is katakana, the entries holding it as typed are
// those with words containing its spans, and the index tells them without
// reading a text. A word typed half width or spelled as the diary never
// does (ｸﾞﾗﾝﾃｰﾙ, ﾄｰﾝ) has its pairs apart in hundreds of entries, and
// reading up to maxChecked of them to find few or none holding it was most
// of the slowest searches.

// katakanaSpan reports whether span stands in folded text only inside a
// run that Words indexes: it starts with a katakana letter and has nothing
// but katakana and long vowels. (A run longer than maxTermBytes is not
// indexed; an entry with the span only in one counts as a weak hit.)
func katakanaSpan(span []byte) bool {
	for i, r := range string(span) {
		if !isKatakana(r) && (i == 0 || r != longVowel) {
			return false
		}
	}
	return len(span) <= maxTermBytes
}

// asksKatakana reports whether every span of the query is katakana.
func (l literal) asksKatakana() bool {
	for _, clause := range l {
		for _, spans := range clause {
			if slices.ContainsFunc(spans, func(s []byte) bool { return !katakanaSpan(s) }) {
				return false
			}
		}
	}
	return true
}

// maxWordEntries bounds the entries the words holding a query's spans may
// be in for the index to list them: past it, the first hits checked in
// their text have enough exact ones about as fast.
const maxWordEntries = maxChecked

// katakanaFilter matches the entries that hold an all-katakana query as
// typed (see asksKatakana), by the diary's katakana words that contain its
// spans; nil when none does. It adds nothing to a hit's score (see
// matchOnly). ok is false when those words are in more than
// maxWordEntries entries.
func (l literal) katakanaFilter(v *vocabulary) (filter query.Query, ok bool, err error) {
	total := uint64(0)
	var clauses []query.Query
	for _, clause := range l {
		var alternatives []query.Query
		for _, spans := range clause {
			var all []query.Query
			for _, s := range spans {
				words, entries, err := v.katakanaWordsHolding(s)
				if err != nil {
					return nil, false, err
				}
				if total += entries; total > maxWordEntries {
					return nil, false, nil
				}
				if len(words) == 0 {
					all = nil
					break
				}
				all = append(all, wordsQuery(words))
			}
			if len(all) > 0 {
				alternatives = append(alternatives, conjunction(all))
			}
		}
		if len(alternatives) == 0 {
			return nil, true, nil
		}
		clauses = append(clauses, bleve.NewDisjunctionQuery(alternatives...))
	}
	return matchOnly{conjunction(clauses)}, true, nil
}

// katakanaWordsHolding lists the diary's katakana words that contain the
// span, and how many entries they are in (an entry counts once per word).
func (v *vocabulary) katakanaWordsHolding(span []byte) (words []string, entries uint64, err error) {
	kt, err := v.katakanaTerms()
	if err != nil {
		return nil, 0, err
	}
	words = wordsContaining(kt.lines, span)
	for _, w := range words {
		entries += v.docFreq(fieldWord, w)
	}
	return words, entries, nil
}

// wordsQuery matches the entries with any of words in the word view.
func wordsQuery(words []string) query.Query {
	each := make([]query.Query, len(words))
	for i, w := range words {
		each[i] = term(fieldWord, w, 1)
	}
	return bleve.NewDisjunctionQuery(each...)
}

// wordsContaining lists the lines of words that contain s.
func wordsContaining(words, s []byte) []string {
	var out []string
	for at := 0; ; {
		i := bytes.Index(words[at:], s)
		if i < 0 {
			return out
		}
		i += at
		from := bytes.LastIndexByte(words[:i], '\n') + 1
		to := i + bytes.IndexByte(words[i:], '\n')
		out = append(out, string(words[from:to]))
		at = to + 1
	}
}

// exactKatakana gives each katakana word of a variant query the diary's
// words that hold it, when they are few enough (see maxWordEntries): a
// variant is another spelling the diary has, and it is found where it
// stands as written, not where its pairs are apart. The pairs of a common
// loanword (ドキュメント: ント, メン) are in most entries, and searching
// them was most of the time of a variant round.
func exactKatakana(q Query, v *vocabulary) Query {
	out := q
	out.Must = make([][]Term, len(q.Must))
	for i, clause := range q.Must {
		out.Must[i] = append([]Term(nil), clause...)
		for j, t := range clause {
			if t.Tag || t.Phrase {
				continue
			}
			folded := Fold(t.Text)
			if spans := checkedSpans(folded); len(spans) != 1 || len(spans[0]) != len(folded) || !katakanaSpan(spans[0]) {
				continue
			}
			holding, entries, err := v.katakanaWordsHolding([]byte(folded))
			if err != nil {
				return q
			}
			if len(holding) > 0 && entries <= maxWordEntries {
				out.Must[i][j].words = holding
			}
		}
	}
	return out
}

// literalHits are the hits of a query's pairs, sorted by the check.
type literalHits struct {
	exact []*search.DocumentMatch // the words as typed, best first
	weak  []*search.DocumentMatch // only their pairs, apart; best first
	total uint64                  // all hits of the pairs
	// all says exact and weak are every hit; otherwise the check stopped
	// once the page was full of exact hits, or at maxChecked, or the
	// index found the exact ones (see exactByWords).
	all bool
	// count is how many hits hold the words as typed (at most: unchecked
	// hits count too), and holding matches them (nil: none).
	count   uint64
	holding query.Query
}

// maxChecked bounds how many hits one search checks: past it, the rest
// count as weak. Checking reads and folds each hit's text, some tens of
// microseconds.
const maxChecked = 2000

// hitOrder finds the first n hits of a query in the order a page lists
// them: best first (see byRelevance) or newest first (see byDate).
type hitOrder func(ctx context.Context, q query.Query, n int) (*bleve.SearchResult, search.DocumentMatchCollection, error)

// checkLiteral reads the hits of bq in order and sorts them into exact and
// weak until need exact ones are found or every hit is checked. A search costs
// far more than reading a few hits more, so it runs at most twice: for the
// first hits, and if those were not enough, for all that may be checked,
// whose texts are then read a window at a time. Where the first hits were
// not enough and the diary's katakana words tell the exact hits (see
// katakanaFilter), the index finds them instead.
func (ix *Index) checkLiteral(ctx context.Context, src TextSource, bq query.Query, lit literal, need int, order hitOrder) (*literalHits, error) {
	lh := &literalHits{}
	window := max(need+need/2, 16)
	out, hits, err := order(ctx, bq, window)
	if err != nil {
		return nil, fmt.Errorf("check hits: %w", err)
	}
	lh.total = out.Total
	for from := 0; ; {
		if from == len(hits) && uint64(from) < lh.total && from < maxChecked {
			if from > 0 && lit.asksKatakana() {
				found, err := ix.exactByWords(ctx, lh, bq, lit, need, order)
				if err != nil || found {
					return lh, err
				}
			}
			if out, hits, err = order(ctx, bq, min(int(lh.total), maxChecked)); err != nil {
				return nil, fmt.Errorf("check hits: %w", err)
			}
			lh.total = out.Total
		}
		page := hits[from:min(from+window, len(hits))]
		texts, err := readTexts(ctx, src, page)
		if err != nil {
			return nil, err
		}
		for _, h := range page {
			if lit.holdsIn(texts[h.ID]) {
				lh.exact = append(lh.exact, h)
			} else {
				lh.weak = append(lh.weak, h)
			}
		}
		from += len(page)
		if len(page) == 0 || uint64(from) >= lh.total {
			lh.all = true
			break
		}
		if len(lh.exact) >= need || from >= maxChecked {
			break
		}
		window *= 2
	}
	lh.count, lh.holding = uint64(len(lh.exact)), bq
	if lh.all {
		// Weak hits may match another spelling, and then rank as such.
		lh.holding = idsOrNone(lh.exact)
	} else if len(lh.exact) >= need {
		lh.count = lh.total - uint64(len(lh.weak))
	}
	return lh, nil
}

// exactByWords finds the exact hits of an all-katakana query by the
// diary's katakana words, once the first hits checked hold fewer than need
// of them (and enough weak ones for the page). found is false when the
// words are in too many entries to say (see katakanaFilter).
func (ix *Index) exactByWords(ctx context.Context, lh *literalHits, bq query.Query, lit literal, need int, order hitOrder) (found bool, err error) {
	v, err := ix.vocabulary()
	if err != nil {
		return false, err
	}
	filter, ok, err := lit.katakanaFilter(v)
	v.close()
	if err != nil || !ok {
		return false, err
	}
	lh.count, lh.holding = uint64(len(lh.exact)), idsOrNone(lh.exact)
	if filter == nil {
		return true, nil
	}
	lh.holding = conjunction([]query.Query{bq, filter})
	out, page, err := order(ctx, lh.holding, need)
	if err != nil {
		return false, fmt.Errorf("find exact hits: %w", err)
	}
	lh.exact, lh.count = page, out.Total
	return true, nil
}

// idsOrNone matches the hits, or is nil when there are none.
func idsOrNone(hits []*search.DocumentMatch) query.Query {
	if len(hits) == 0 {
		return nil
	}
	return bleve.NewDocIDQuery(idsOf(hits))
}

// readTexts reads the text of hits from the text source, by id. A hit
// storage no longer has is missing.
func readTexts(ctx context.Context, src TextSource, hits search.DocumentMatchCollection) (map[string]Text, error) {
	if len(hits) == 0 {
		return nil, nil
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	texts, err := src(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("read hits' text: %w", err)
	}
	return texts, nil
}

// holdsIn reports whether an entry's title or body holds the query as
// typed. Most text is in folded form already (kana, kanji, lower-case
// words), so a span found in the text as written is there folded too, and
// only an entry that does not show it as written is folded to look again.
// A span never crosses from the title into the body.
func (l literal) holdsIn(t Text) bool {
	if l.holds(unsafe.Slice(unsafe.StringData(t.Body), len(t.Body))) || l.holds(unsafe.Slice(unsafe.StringData(t.Title), len(t.Title))) {
		return true
	}
	if !l.hasLatin() && !l.foldMayJoin(t.Title) && !l.foldMayJoin(t.Body) {
		return false
	}
	return l.holds(foldBytes([]byte(t.Title + "\n" + t.Body)))
}

// foldMayJoin reports whether folding text could make one of the spans
// appear where the text as written lacks it. Most hits that fail the check
// are entries with the pairs apart, and folding each of them (a search for
// ﾄｰﾝ checks hundreds) was most of the search. Spans are folded Japanese
// runs, which folding changes in the text only
//   - at a character that NFKC makes Japanese or that composes with one
//     (ﾄ, ㌔, a combining sound mark),
//   - at a long-vowel lookalike after katakana (ト〜ン, ト－ン), and
//   - where it drops the long vowel ending a katakana word (サーバーの
//     becomes サーバの), which matters only to a span with katakana followed
//     by another script.
//
// Elsewhere the text's Japanese runs are the same bytes folded or not;
// full-width punctuation, the most common character NFKC changes in
// Japanese text, becomes ASCII and still separates runs.
func (l literal) foldMayJoin(text string) bool {
	wordEndsLong := false
	prev := rune(0)
	for _, r := range text {
		if !settled(r) {
			var joins bool
			if r, joins = foldAlone(r); joins {
				return true
			}
		}
		if (isKatakana(prev) || prev == longVowel) && isLongVowelLookalike(r) {
			return true
		}
		if prev == longVowel && !isKatakana(r) && r != longVowel {
			wordEndsLong = true
		}
		prev = r
	}
	if prev == longVowel {
		wordEndsLong = true
	}
	return wordEndsLong && l.spansLeaveKatakana()
}

// foldAlone is what NFKC makes of r, when that is one character outside
// Japanese, or joins if NFKC may make Japanese text of it or of it and its
// neighbour: a Japanese character, or a combining mark, comes out.
func foldAlone(r rune) (folded rune, joins bool) {
	if r >= '！' && r <= '～' { // full-width ASCII
		return r - '！' + '!', false
	}
	if unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me) {
		return r, true
	}
	var buf [utf8.UTFMax]byte
	d := norm.NFKC.Properties(buf[:utf8.EncodeRune(buf[:], r)]).Decomposition()
	if d == nil {
		return r, false
	}
	for _, c := range string(d) {
		if isJapanese(c) || unicode.In(c, unicode.Mn, unicode.Mc, unicode.Me) {
			return r, true
		}
		folded = c
	}
	return folded, false
}

// hasLatin reports whether a span has Latin letters or digits, which the
// text may write in capitals or full width.
func (l literal) hasLatin() bool {
	for _, clause := range l {
		for _, spans := range clause {
			for _, s := range spans {
				for _, c := range s {
					if c < utf8.RuneSelf && c != ' ' {
						return true
					}
				}
			}
		}
	}
	return false
}

// spansLeaveKatakana reports whether a span goes from katakana (or the
// long-vowel mark) straight into another script.
func (l literal) spansLeaveKatakana() bool {
	for _, clause := range l {
		for _, spans := range clause {
			for _, s := range spans {
				prev := rune(0)
				for _, r := range string(s) {
					if (isKatakana(prev) || prev == longVowel) && !isKatakana(r) && r != longVowel {
						return true
					}
					prev = r
				}
			}
		}
	}
	return false
}
