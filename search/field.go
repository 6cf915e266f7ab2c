package search

import (
	"math"
	"reflect"
	"unsafe"

	index "github.com/blevesearch/bleve_index_api"
)

// termField is an indexed, unstored text field whose term counts are made
// straight from folded text. Bleve's own text field asks its analyser for a
// token object per term, then counts them; the gram view has a term for
// nearly every character, so on a large import those tokens were gigabytes
// of garbage and a good part of the indexing time. Only the counts and the
// field length (for BM25) reach the index, and they are the same either way.
type termField struct {
	name string
	text *foldedText
	view view

	length int
	freqs  index.TokenFrequencies
}

// view is one way of cutting folded text into terms.
type view struct {
	terms func(folded []byte, runs []textRun, emit func(term []byte))
	// distinct is about how many distinct terms the view finds in a text
	// with kana Japanese characters and words other words, a little over
	// rather than under, to size the count map once instead of growing it.
	distinct func(kana, words int) int
}

var (
	gramView = view{gramTerms, func(kana, words int) int { return heaps(kana+words, 2.6, 0.75) }}
	wordView = view{wordTerms, func(kana, words int) int { return heaps(kana/4+words, 1.2, 0.75) }}
	charView = view{charTerms, func(kana, _ int) int { return heaps(kana, 3.1, 0.6) }}
)

// heaps is Heaps' law, k·n^β distinct terms in n, fitted per view on the
// dev corpus and on Japanese and English-heavy translations of programming
// books: the longer an entry, the more its terms repeat. A size in
// proportion to the text made the maps of an English-heavy import three to
// five times too large, a sixth of all it allocated.
func heaps(n int, k, beta float64) int {
	return min(int(k*math.Pow(float64(n), beta))+8, 1<<16)
}

// sizes counts the Japanese characters and the other words of runs.
func sizes(runs []textRun) (kana, words int) {
	for _, r := range runs {
		if r.kind == runJapanese {
			kana += (r.end - r.start) / 3 // nearly every one is 3 bytes in UTF-8
		} else {
			words++
		}
	}
	return kana, words
}

// of cuts folded text that is not a document's (a query, a test's).
func (v view) of(folded []byte, emit func(term []byte)) { v.terms(folded, runsOf(folded), emit) }

func newTermField(name string, text *foldedText, v view) *termField {
	return &termField{name: name, text: text, view: v}
}

// Analyze counts the field's terms. The map keys and terms share the folded
// text's memory, which is never written after folding, so counting a term
// allocates nothing but its first TokenFreq, and those come in slabs.
func (f *termField) Analyze() {
	folded, runs := f.text.get()
	freqs := make(index.TokenFrequencies, f.view.distinct(f.text.kana, f.text.words))
	var slab []index.TokenFreq
	n := 0
	f.view.terms(folded, runs, func(term []byte) {
		n++
		key := unsafe.String(unsafe.SliceData(term), len(term))
		if tf, ok := freqs[key]; ok {
			tf.SetFrequency(tf.Frequency() + 1)
			return
		}
		if len(slab) == cap(slab) {
			slab = make([]index.TokenFreq, 0, max(64, len(freqs)/2))
		}
		slab = append(slab, index.TokenFreq{Term: term})
		tf := &slab[len(slab)-1]
		tf.SetFrequency(1)
		freqs[key] = tf
	})
	f.length, f.freqs = n, freqs
}

func (f *termField) Name() string                                     { return f.name }
func (f *termField) ArrayPositions() []uint64                         { return nil }
func (f *termField) Options() index.FieldIndexingOptions              { return index.IndexField }
func (f *termField) Value() []byte                                    { return f.text.raw }
func (f *termField) NumPlainTextBytes() uint64                        { return uint64(len(f.text.raw)) }
func (f *termField) EncodedFieldType() byte                           { return 't' }
func (f *termField) AnalyzedLength() int                              { return f.length }
func (f *termField) AnalyzedTokenFrequencies() index.TokenFrequencies { return f.freqs }

var termFieldSize = int(reflect.TypeFor[termField]().Size())

// Size is what Bleve counts for this field when it tracks memory.
func (f *termField) Size() int {
	return termFieldSize + len(f.name) + len(f.text.raw) + len(f.freqs)*int(unsafe.Sizeof(index.TokenFreq{})+32)
}
