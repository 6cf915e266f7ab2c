package search

import (
	"fmt"
	"unsafe"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/registry"
)

// The analysis is registered with Bleve by name, as Bleve's own analysers
// are, and the index mapping names it for each field: the index describes
// itself, and Bleve's own queries (a match query on "text", say) analyse
// their text the way the documents were. Indexing does not go through
// these: documents are built directly with termField, which makes the same
// terms without a token object per character.
const (
	foldCharFilterName = "tsuzuri_fold"
	tagFoldName        = "tsuzuri_tag_fold"
	gramName           = "tsuzuri_gram"
	wordName           = "tsuzuri_word"
	charName           = "tsuzuri_char"
	tagName            = "tsuzuri_tag"
)

// foldCharFilter folds text as the index does: NFKC, lower case, a long
// vowel mark ending a katakana word dropped.
type foldCharFilter struct{}

func (foldCharFilter) Filter(input []byte) []byte { return foldBytes(input) }

// tagFoldCharFilter folds a tag as tag: filters compare them (#SRE = sre).
type tagFoldCharFilter struct{}

func (tagFoldCharFilter) Filter(input []byte) []byte { return []byte(foldTag(string(input))) }

// viewTokenizer makes a token of each term a view emits. Offsets are into
// the folded text, which every term is a slice of.
type viewTokenizer struct{ view view }

func (t viewTokenizer) Tokenize(folded []byte) analysis.TokenStream {
	var out analysis.TokenStream
	base := uintptr(unsafe.Pointer(unsafe.SliceData(folded)))
	t.view.of(folded, func(term []byte) {
		start := int(uintptr(unsafe.Pointer(unsafe.SliceData(term))) - base)
		out = append(out, &analysis.Token{
			Term: term, Start: start, End: start + len(term), Position: len(out) + 1, Type: analysis.Ideographic,
		})
	})
	return out
}

func init() {
	must := func(err error) {
		if err != nil {
			panic(fmt.Sprintf("register Tsuzuri's analysis: %v", err))
		}
	}
	must(registry.RegisterCharFilter(foldCharFilterName, charFilter(foldCharFilter{})))
	must(registry.RegisterCharFilter(tagFoldName, charFilter(tagFoldCharFilter{})))
	must(registry.RegisterAnalyzer(tagName, foldingAnalyzer(tagFoldName, single.Name)))
	for name, v := range map[string]view{gramName: gramView, wordName: wordView, charName: charView} {
		must(registry.RegisterTokenizer(name, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
			return viewTokenizer{v}, nil
		}))
		must(registry.RegisterAnalyzer(name, foldingAnalyzer(foldCharFilterName, name)))
	}
}

func charFilter(f analysis.CharFilter) registry.CharFilterConstructor {
	return func(map[string]any, *registry.Cache) (analysis.CharFilter, error) { return f, nil }
}

// foldingAnalyzer is the registered char filter fold, then tokenizer tok.
func foldingAnalyzer(fold, tok string) registry.AnalyzerConstructor {
	return func(_ map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
		f, err := cache.CharFilterNamed(fold)
		if err != nil {
			return nil, err
		}
		t, err := cache.TokenizerNamed(tok)
		if err != nil {
			return nil, err
		}
		return &analysis.DefaultAnalyzer{CharFilters: []analysis.CharFilter{f}, Tokenizer: t}, nil
	}
}
