package search

import (
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
)

// tokenAnalyzer is the view as an ordinary Bleve analyser: a token a term.
type tokenAnalyzer func([]byte, func([]byte))

func (view tokenAnalyzer) Analyze(input []byte) analysis.TokenStream {
	var out analysis.TokenStream
	view(foldBytes(input), func(term []byte) {
		out = append(out, &analysis.Token{Term: term, Position: len(out) + 1})
	})
	return out
}

// termField must give the index exactly what Bleve's own text field gives it
// for the same terms, or scores would shift.
func TestTermFieldCountsAsBleveDoes(t *testing.T) {
	texts := []string{
		"",
		"障害対応の障害報告。障害は障害。",
		"AWS Security Hub と aws security hub を比べる aws",
		"サーバーを再起動した。ｻｰﾊﾞｰ、サーバ、サーバー管理。",
		"東京都の京都出身者が京都へ行く 🍣 v1.2 v1.2",
	}
	views := map[string]view{"gram": gramView, "word": wordView}
	for _, s := range texts {
		for name, v := range views {
			ours := newTermField(name, &foldedText{raw: []byte(s)}, v)
			ours.Analyze()
			theirs := document.NewTextFieldCustom(name, nil, []byte(s), index.IndexField, tokenAnalyzer(v.of))
			theirs.Analyze()
			if ours.AnalyzedLength() != theirs.AnalyzedLength() {
				t.Errorf("%s view of %q: length %d, Bleve says %d", name, s, ours.AnalyzedLength(), theirs.AnalyzedLength())
			}
			got, want := ours.AnalyzedTokenFrequencies(), theirs.AnalyzedTokenFrequencies()
			if len(got) != len(want) {
				t.Errorf("%s view of %q: %d distinct terms, Bleve says %d", name, s, len(got), len(want))
			}
			for term, w := range want {
				g, ok := got[term]
				if !ok || g.Frequency() != w.Frequency() || string(g.Term) != string(w.Term) {
					t.Errorf("%s view of %q: term %q counted %v, Bleve says %d", name, s, term, g, w.Frequency())
				}
			}
		}
	}
}
