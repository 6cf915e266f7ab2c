package search

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// scattered is a diary where each query below stands word for word in one
// entry, while others hold all its character pairs apart.
var scattered = []Document{
	{ID: "phrase", Title: "夕方の電話", Body: "母に言われた。もうどうにもならないよ、と。", Date: "2024-01-05"},
	{ID: "apart1", Title: "散歩", Body: "どうしても外へ出たい。にわかに雨。もうならない。ないよりはまし。", Date: "2024-03-02"},
	{ID: "apart2", Title: "うにの話", Body: "もうに、もどう、どうに、にも、もな、なら、らな、ない、いよ。ならないよ。", Date: "2024-03-03"},
	{ID: "linter", Title: "lint の設定", Body: "新しいリンタールールを入れた。", Date: "2024-02-01"},
	{ID: "linter-apart", Title: "雑記", Body: "リンゴとタール、ルールの話。ンタの字も。", Date: "2024-04-01"},
	{ID: "reader", Title: "accessibility", Body: "今日は screen reader でページを確かめた。", Date: "2024-02-02"},
	{ID: "reader-apart", Title: "notes", Body: "reader の設定を変えたら screen が明るすぎた。", Date: "2024-05-02"},
	{ID: "mixed", Title: "React メモ", Body: "props のデフォルト値を決める。", Date: "2024-02-03"},
}

func openScattered(t *testing.T) *Index {
	t.Helper()
	return openWithTexts(t, scattered)
}

func TestExactMeansTheWordsAsTyped(t *testing.T) {
	ix := openScattered(t)
	tests := []struct {
		query string
		want  []string // id:match, in order
	}{
		// A kana phrase: the entry that has it, then those with its pairs apart.
		{"どうにもならないよ", []string{"phrase:exact", "apart2:partial"}},
		{"もうどうにも", []string{"phrase:exact"}},
		// Long katakana: the entry that has the word first.
		{"リンタールール", []string{"linter:exact", "linter-apart:partial"}},
		{"リンタールー", []string{"linter:exact", "linter-apart:partial"}},
		// English words typed together rank the entry with them together first;
		// both entries have both words, so both are literal hits.
		{"screen reader", []string{"reader:exact", "reader-apart:exact"}},
		// Quoted, they must stand together, and apart they are a partial hit.
		{`"screen reader"`, []string{"reader:exact", "reader-apart:partial"}},
		// Words of two scripts typed together may stand apart in the text.
		{"propsデフォルト値", []string{"mixed:exact"}},
		// Two characters: the pair is the word.
		{"ルー", []string{"linter:exact", "linter-apart:exact"}},
	}
	for _, tt := range tests {
		if got := matches(t, ix, tt.query); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Search(%q) = %v, want %v", tt.query, got, tt.want)
		}
	}
}

func TestPartialHitsComeAfterEveryExactOneOnEveryPage(t *testing.T) {
	ix := openScattered(t)
	var pages []string
	for off := 0; off < 3; off++ {
		for _, id := range ids(t, ix, Request{Query: "どうにもならないよ", Limit: 1, Offset: off}) {
			pages = append(pages, id)
		}
	}
	if want := []string{"phrase", "apart2"}; !reflect.DeepEqual(pages, want) {
		t.Errorf("pages = %v, want %v", pages, want)
	}
}

// The check reads hits a window at a time; an entry with the words as
// typed still comes first when many entries with their pairs apart score
// above it.
func TestExactHitBelowManyScatteredOnesComesFirst(t *testing.T) {
	var docs []Document
	for i := range 40 {
		docs = append(docs, Document{ID: fmt.Sprintf("apart%02d", i), Title: "雑記",
			Body: strings.Repeat("どうに。にも。もな。なら。らな。ない。いよ。", 3), Date: "2024-06-01"})
	}
	docs = append(docs, Document{ID: "phrase", Title: "長い一日",
		Body: strings.Repeat("朝から会議が続き、昼は駅前で同僚と食事をした。", 20) + "帰り道、どうにもならないよと呟いた。", Date: "2023-01-01"})
	got := matches(t, openWithTexts(t, docs), "どうにもならないよ")
	if len(got) == 0 || got[0] != "phrase:exact" {
		t.Errorf("first hits = %v, want phrase:exact first", got[:min(len(got), 3)])
	}
	for _, m := range got[1:] {
		if strings.HasSuffix(m, ":exact") {
			t.Errorf("%s is exact, but no other entry has the words as typed", m)
		}
	}
}

func TestCheckedSpans(t *testing.T) {
	tests := []struct {
		word string
		want []string
	}{
		{"ちゅうしょうか", []string{"ちゅうしょうか"}},
		{"京都", nil},     // one pair is the word
		{"screen", nil}, // a whole term
		{"propsデフォルト値", []string{"デフォルト値"}},
		{"あい うえお", []string{"うえお"}},
		{"", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, s := range checkedSpans(Fold(tt.word)) {
			got = append(got, string(s))
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("checkedSpans(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

// The check folds an entry's text only where folding could make the query
// appear; where it skips folding, folding would not have found it either.
func TestLiteralCheckFoldsOnlyWhereFoldingCouldJoin(t *testing.T) {
	tests := []struct {
		query, text  string
		exact, folds bool
	}{
		// Pairs apart, nothing folding changes: no fold, not exact.
		{"トーン", "トースト を焼いた。パターン も。", false, false},
		{"トーン", "サーバー が落ちた。ユーザー に連絡。", false, false}, // word-final ー, span all katakana
		{"どうにもならない", "どうしても、もうならない。", false, false},
		// Folding makes the word: half-width, a combining mark, a lookalike.
		{"トーン", "ﾄｰﾝ を調整した。", true, true},
		{"ガイド", "カ\u3099イドを読んだ。", true, true},
		{"サーバー", "サ〜バ〜の設定。", true, true},
		{"トーン", "ト〜ン を調整。", true, true},
		{"トーン", "ト－ン（全角のハイフン）", true, true},
		{"ドーナツ", "トﾞーナツを買った。", true, true},
		{"キロ走", "㌔走った。", true, true},
		// Full-width punctuation folds to ASCII and still separates.
		{"トーン", "トースト（朝）！パターン？", false, false},
		// A dropped long vowel joins katakana to what follows.
		{"サーバの", "サーバーの再起動。", true, true},
		{"サーバの", "サーバー、の話。", false, true},
		// Written as typed: found without folding.
		{"トーン", "声のトーンを落とす。", true, false},
	}
	for _, tt := range tests {
		lit := literalOf(Query{Must: [][]Term{{{Text: tt.query}}}})
		if lit == nil {
			t.Fatalf("%q: no check", tt.query)
		}
		text := Text{Body: tt.text}
		if got := lit.holdsIn(text); got != tt.exact {
			t.Errorf("%q in %q: exact %v, want %v", tt.query, tt.text, got, tt.exact)
		}
		if got := lit.foldMayJoin(tt.text); got != tt.folds && !tt.exact {
			t.Errorf("%q in %q: folds %v, want %v", tt.query, tt.text, got, tt.folds)
		}
		if folded := lit.holds(foldBytes([]byte("\n" + tt.text))); folded != lit.holdsIn(text) {
			t.Errorf("%q in %q: check says %v, folding the whole text %v", tt.query, tt.text, lit.holdsIn(text), folded)
		}
	}
}

// Skipping the fold never loses an exact hit: the check agrees with
// folding the whole text, on any text and query.
func FuzzLiteralCheckAgreesWithFolding(f *testing.F) {
	for _, seed := range [][2]string{
		{"トーン", "ﾄｰﾝ を調整"}, {"サーバの", "サーバーの再起動"}, {"ガイド", "カ\u3099イド"},
		{"トーン", "ト〜ン"}, {"どうにもならない", "どうにもならないよ"}, {"サーバー", "サ－バ－"},
		{"ドーナツ", "ト\uff9eーナツ"}, {"キロ走", "㌔走"}, {"トーン", "トー（ン）"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, query, text string) {
		lit := literalOf(Query{Must: [][]Term{{{Text: query}}}})
		if lit == nil || !utf8.ValidString(text) {
			return
		}
		want := lit.holds(foldBytes([]byte("\n" + text)))
		if got := lit.holdsIn(Text{Body: text}); got != want && !lit.holds([]byte(text)) {
			t.Errorf("%q in %q: check says %v, folding the whole text %v", query, text, got, want)
		}
	})
}

// English prose keeps few word pairs in the index, so a quoted phrase is
// found in the hits' text: together it is exact, apart it is partial.
func TestAQuotedPhraseOfEnglishProseIsFoundInTheText(t *testing.T) {
	ix := openWithTexts(t, []Document{
		{ID: "prose", Title: "a11y", Body: "Yesterday we tested the new settings page with a screen reader and found two problems.", Date: "2024-06-01"},
		{ID: "prose-apart", Title: "notes", Body: "The reader of this note may find the screen settings confusing at first.", Date: "2024-06-02"},
		{ID: "other", Title: "notes", Body: "Nothing about that here, only a long walk by the river.", Date: "2024-06-03"},
	})
	for _, q := range []string{`"screen reader"`, `"Screen Reader"`, `"ｓｃｒｅｅｎ ｒｅａｄｅｒ"`, `「screen reader」`} {
		if got, want := matches(t, ix, q), []string{"prose:exact", "prose-apart:partial"}; !reflect.DeepEqual(got, want) {
			t.Errorf("Search(%s) = %v, want %v", q, got, want)
		}
	}
}
