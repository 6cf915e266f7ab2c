package search

import (
	"reflect"
	"unicode/utf8"
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
	// runesPerTerm is about how many characters of text make one distinct
	// term, to size the count map once instead of growing it.
	runesPerTerm int
}

var (
	gramView = view{gramTerms, 2}
	wordView = view{wordTerms, 16}
	charView = view{charTerms, 8}
)

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
	// A huge entry repeats itself: its distinct terms grow far slower than
	// its length, so the map starts at most this large and grows as needed.
	const maxHint = 1 << 16
	freqs := make(index.TokenFrequencies, min(utf8.RuneCount(folded)/f.view.runesPerTerm+4, maxHint))
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
