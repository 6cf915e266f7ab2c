package search

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segmentapi "github.com/blevesearch/scorch_segment_api/v2"
)

// vocabulary answers what the index's terms say about candidate spellings:
// whether text written some way occurs at all, and which indexed words are
// near a typed one. Variants are only worth searching for where the diary
// actually uses them, and the index knows that at the cost of a dictionary
// lookup. One vocabulary serves one search.
type vocabulary struct {
	r        index.IndexReader
	fuzzy    index.IndexReaderFuzzy
	regex    index.IndexReaderRegexp
	df       *lookupCache[uint64]
	matches  *lookupCache[[]string]
	katakana *lookupCache[*katakanaTerms]
	posts    map[string][]string // see postings
	segments []*scorch.SegmentSnapshot
	dicts    map[string][]segmentapi.TermDictionary // field → each segment's
}

// lookupCache keeps what the index's dictionary answered between searches:
// the keystrokes of one query ask about the same terms and patterns again
// and again. Document frequencies are cheap to look up but many; a list of
// terms (a pattern's, a prefix's, those near a word) is one lookup, but a
// walk of the dictionary, and building a pattern's automaton costs more
// than many a whole search. Any write to the index empties them all.
type lookupCache[V any] struct {
	mu sync.Mutex
	m  map[string]V
}

// maxCachedLookups bounds a cache; past it, it starts again.
const maxCachedLookups = 1 << 16

func (c *lookupCache[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	return v, ok
}

func (c *lookupCache[V]) put(key string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedLookups {
		c.m = make(map[string]V, 1024)
	}
	c.m[key] = v
}

func (c *lookupCache[V]) clear() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

func (ix *Index) vocabulary() (*vocabulary, error) {
	r, err := ix.openReader()
	if err != nil {
		return nil, fmt.Errorf("open index dictionary: %w", err)
	}
	v := &vocabulary{r: r, df: &ix.freqs, matches: &ix.matches, katakana: &ix.katakana}
	v.fuzzy, _ = r.(index.IndexReaderFuzzy)
	v.regex, _ = r.(index.IndexReaderRegexp)
	if snapshot, ok := r.(*scorch.IndexSnapshot); ok {
		v.segments = snapshot.Segments()
	}
	return v, nil
}

func (v *vocabulary) close() { v.r.Close() }

// docFreq is how many documents hold term in field.
func (v *vocabulary) docFreq(field, term string) uint64 {
	key := field + "\x00" + term
	if n, ok := v.df.get(key); ok {
		return n
	}
	n, ok := v.segmentFreq(field, term)
	if !ok {
		if d, err := v.r.FieldDictRange(field, []byte(term), []byte(term)); err == nil {
			if e, err := d.Next(); err == nil && e != nil && e.Term == term {
				n = e.Count
			}
			d.Close()
		}
	}
	v.df.put(key, n)
	return n
}

// segmentFreq is docFreq asked of each segment's dictionary, where the
// index is Bleve's scorch. Through FieldDictRange a lookup started a
// goroutine per segment and merged their answers, some ten microseconds;
// the first search after the index changes, before the cache has its
// lookups, makes fifty or more, and they were a fifth of its time.
func (v *vocabulary) segmentFreq(field, term string) (n uint64, ok bool) {
	dicts, ok := v.segmentDicts(field)
	if !ok {
		return 0, false
	}
	for i, d := range dicts {
		pl, err := d.PostingsList(unsafe.Slice(unsafe.StringData(term), len(term)), v.segments[i].Deleted(), nil)
		if err != nil {
			return 0, false
		}
		n += pl.Count()
	}
	return n, true
}

// segmentDicts are each segment's dictionary of field, where the index is
// Bleve's scorch.
func (v *vocabulary) segmentDicts(field string) ([]segmentapi.TermDictionary, bool) {
	if v.segments == nil {
		return nil, false
	}
	if dicts, ok := v.dicts[field]; ok {
		return dicts, true
	}
	var dicts []segmentapi.TermDictionary
	for _, s := range v.segments {
		d, err := s.Segment().Dictionary(field)
		if err != nil {
			return nil, false
		}
		dicts = append(dicts, d)
	}
	if v.dicts == nil {
		v.dicts = map[string][]segmentapi.TermDictionary{}
	}
	v.dicts[field] = dicts
	return dicts, true
}

// termsBetween lists up to max terms of field from start up to end (not
// included; nil: no end), in order. Bleve's own range and prefix lists
// read each term's postings to count its entries, which a list does not
// need: for a few thousand terms that was most of the time. So where the
// index is scorch's, each segment's dictionary is read without them.
func (v *vocabulary) termsBetween(field string, start, end []byte, max int) ([]string, error) {
	dicts, ok := v.segmentDicts(field)
	if !ok {
		d, err := v.r.FieldDictRange(field, start, end) // end included
		if err != nil {
			return nil, fmt.Errorf("list terms of %s: %w", field, err)
		}
		defer d.Close()
		return entriesBefore(d, end, max)
	}
	var terms []string
	for _, d := range dicts {
		var it segmentapi.DictionaryIterator
		if uncounted, ok := d.(interface {
			AutomatonIteratorOmitCount(a segmentapi.Automaton, start, end []byte) segmentapi.DictionaryIterator
		}); ok {
			it = uncounted.AutomatonIteratorOmitCount(nil, start, end)
		} else {
			it = d.AutomatonIterator(nil, start, end)
		}
		found, err := entriesBefore(it, nil, max)
		if err != nil {
			return nil, fmt.Errorf("list terms of %s: %w", field, err)
		}
		terms = append(terms, found...)
	}
	if len(dicts) > 1 {
		// Each segment's first max hold the first max of them all.
		slices.Sort(terms)
		terms = slices.Compact(terms)
	}
	return terms[:min(len(terms), max)], nil
}

// entriesBefore reads up to max terms from a dictionary iterator, stopping
// at end (nil: none).
func entriesBefore(it interface {
	Next() (*index.DictEntry, error)
}, end []byte, max int) ([]string, error) {
	var out []string
	for len(out) < max {
		e, err := it.Next()
		if err != nil {
			return nil, err
		}
		if e == nil || end != nil && e.Term >= string(end) {
			break
		}
		out = append(out, e.Term)
	}
	return out, nil
}

// textFreq estimates how many documents contain text written as folded,
// as a query for it matches (see textQuery): the document frequency of its
// rarest word or character pair (0: nowhere).
func (v *vocabulary) textFreq(folded string) uint64 {
	least, any := uint64(math.MaxUint64), false
	eachRun([]byte(folded), func(kind runKind, run []byte, _ int) {
		if least == 0 {
			return
		}
		any = true
		switch {
		case kind == runWord:
			least = min(least, v.docFreq(fieldText, string(run[:min(len(run), maxTermBytes)])))
		case utf8.RuneCount(run) == 1:
			least = min(least, v.docFreq(fieldChar, string(run)))
		default:
			grams(run, func(g []byte, at int) {
				if at+len(g) < len(run) || utf8.RuneCount(g) == 2 {
					least = min(least, v.docFreq(fieldText, string(g)))
				}
			})
		}
	})
	if !any {
		return 0
	}
	return least
}

// maxNear bounds how many near terms one lookup lists.
const maxNear = 200

// near lists the terms of field that start with prefix and are within edit
// distance dist of term (not term itself).
func (v *vocabulary) near(field, term string, dist int, prefix string) []string {
	if v.fuzzy == nil {
		return nil
	}
	key := "~" + field + "\x00" + strconv.Itoa(dist) + "\x00" + prefix + "\x00" + term
	if field == fieldWord && dist == 1 && holdsPrefix(prefix) {
		return v.amongKatakana(key, func(kt *katakanaTerms) ([]string, error) {
			return kt.oneSlipFrom(term, prefix, maxNear), nil
		})
	}
	return v.listed(key, func() ([]string, error) {
		d, err := v.fuzzy.FieldDictFuzzy(field, term, dist, prefix)
		out := slices.DeleteFunc(terms(d, err, maxNear+1), func(t string) bool { return t == term })
		return out[:min(len(out), maxNear)], err
	})
}

// startingWith lists up to max terms of field that start with prefix.
func (v *vocabulary) startingWith(field, prefix string, max int) []string {
	key := "^" + field + "\x00" + strconv.Itoa(max) + "\x00" + prefix
	if field == fieldWord && holdsPrefix(prefix) {
		return v.amongKatakana(key, func(kt *katakanaTerms) ([]string, error) {
			return kt.startingWith(prefix, max), nil
		})
	}
	return v.listed(key, func() ([]string, error) {
		return v.termsBetween(field, []byte(prefix), prefixEnd(prefix), max)
	})
}

// prefixEnd is the first string after all those starting with prefix, or
// nil if there is none.
func prefixEnd(prefix string) []byte {
	end := []byte(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i]++; end[i] != 0 {
			return end[:i+1]
		}
	}
	return nil
}

// listed is what list answers, kept under key until the index changes:
// the keystrokes of a query ask for the same lists again and again, and
// each is a walk of the dictionary.
func (v *vocabulary) listed(key string, list func() ([]string, error)) []string {
	if found, ok := v.matches.get(key); ok {
		return found
	}
	found, err := list()
	if err == nil {
		v.matches.put(key, found)
	}
	return found
}

// matching lists up to max terms of field matching the regular expression.
func (v *vocabulary) matching(field, re string, max int) []string {
	if v.regex == nil {
		return nil
	}
	return v.listed(field+"\x00"+strconv.Itoa(max)+"\x00"+re, func() ([]string, error) {
		d, err := v.regex.FieldDictRegexp(field, re)
		return terms(d, err, max), err
	})
}

// katakanaTerms are the diary's katakana words, read once until the index
// changes (see the type).
func (v *vocabulary) katakanaTerms() (*katakanaTerms, error) {
	if kt, ok := v.katakana.get(""); ok {
		return kt, nil
	}
	kt, err := readKatakanaTerms(v)
	if err != nil {
		return nil, err
	}
	v.katakana.put("", kt)
	return kt, nil
}

// spelledAlike lists up to max of the diary's words that kanaPattern(s)
// matches, s being a katakana word.
func (v *vocabulary) spelledAlike(s string, max int) []string {
	return v.amongKatakana("K"+strconv.Itoa(max)+"\x00"+s, func(kt *katakanaTerms) ([]string, error) {
		return kt.spelledAlike(s, max)
	})
}

// soundingLike lists up to max of the diary's words that
// soundPattern(sk, true) matches: katakana with a Latin word's skeleton.
func (v *vocabulary) soundingLike(sk string, max int) []string {
	return v.amongKatakana("S"+strconv.Itoa(max)+"\x00"+sk, func(kt *katakanaTerms) ([]string, error) {
		return kt.soundingLike(sk, max)
	})
}

// amongKatakana is what list finds among the katakana terms, kept under
// key like any list.
func (v *vocabulary) amongKatakana(key string, list func(*katakanaTerms) ([]string, error)) []string {
	return v.listed(key, func() ([]string, error) {
		kt, err := v.katakanaTerms()
		if err != nil {
			return nil, err
		}
		return list(kt)
	})
}

// terms reads up to max terms from a dictionary iterator and closes it.
func terms(d index.FieldDict, err error, max int) []string {
	if err != nil {
		return nil
	}
	defer d.Close()
	var out []string
	for len(out) < max {
		e, err := d.Next()
		if err != nil || e == nil {
			break
		}
		out = append(out, e.Term)
	}
	return out
}

// together lists the documents (internal ids) that hold every one of
// terms in field, of the first maxTogether that hold each: whether words
// the dictionary has apart also stand in one entry.
func (v *vocabulary) together(ctx context.Context, field string, terms []string) []string {
	var have []string
	for i, t := range terms {
		docs := v.postings(ctx, field, t)
		if i == 0 {
			have = docs
		} else {
			have = intersect(have, docs)
		}
		if len(have) == 0 {
			return nil
		}
	}
	return have
}

// postings lists the documents (internal ids, sorted) that hold term in
// field, up to maxTogether; one vocabulary reads each term once.
func (v *vocabulary) postings(ctx context.Context, field, term string) []string {
	key := field + "\x00" + term
	if docs, ok := v.posts[key]; ok {
		return docs
	}
	var docs []string
	if r, err := v.r.TermFieldReader(ctx, []byte(term), field, false, false, false); err == nil {
		var m index.TermFieldDoc
		for len(docs) < maxTogether {
			d, err := r.Next(m.Reset())
			if err != nil || d == nil {
				break
			}
			docs = append(docs, string(d.ID))
		}
		r.Close()
	}
	slices.Sort(docs)
	if v.posts == nil {
		v.posts = map[string][]string{}
	}
	v.posts[key] = docs
	return docs
}

func intersect(a, b []string) []string {
	var out []string
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch c := cmp.Compare(a[i], b[j]); {
		case c < 0:
			i++
		case c > 0:
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	return out
}

// maxTogether bounds the documents postings reads per term.
const maxTogether = 10000
