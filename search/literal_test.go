package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
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

// Sorted by date, too, a hit is exact only with the words as typed, and
// the entries with them apart come after every one that has them.
func TestByDateTheWordsAsTypedComeFirst(t *testing.T) {
	ix := openWithTexts(t, []Document{
		{ID: "old-phrase", Title: "夕方の電話", Body: "母に言われた。もうどうにもならないよ、と。", Date: "2023-01-05"},
		{ID: "new-apart", Title: "うにの話", Body: "もうに、もどう、どうに、にも、もな、なら、らな、ない、いよ。", Date: "2024-03-03"},
		// English prose keeps no pairs of its words (see wordPairer): a
		// quoted phrase of it is found by the text.
		{ID: "old-prose", Title: "notes", Body: "we went through every page of the site with a screen reader and fixed the labels", Date: "2023-06-01"},
		{ID: "new-prose-apart", Title: "notes", Body: "the reader said that the screen was far too bright for reading at night", Date: "2024-06-01"},
	})
	tests := []struct {
		query string
		want  []string // id:match, in order
	}{
		{"どうにもならないよ", []string{"old-phrase:exact", "new-apart:partial"}},
		{`"screen reader"`, []string{"old-prose:exact", "new-prose-apart:partial"}},
		{"screen reader", []string{"new-prose-apart:exact", "old-prose:exact"}},
	}
	for _, tt := range tests {
		if got := matchesOf(t, ix, Request{Query: tt.query, Sort: "date"}); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Search(%q) by date = %v, want %v", tt.query, got, tt.want)
		}
	}
	var pages []string
	for off := range 3 {
		pages = append(pages, ids(t, ix, Request{Query: "どうにもならないよ", Sort: "date", Limit: 1, Offset: off})...)
	}
	if want := []string{"old-phrase", "new-apart"}; !reflect.DeepEqual(pages, want) {
		t.Errorf("pages by date = %v, want %v", pages, want)
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

// readsCounted is a text source over docs that counts the texts read.
func readsCounted(docs []Document, read *int) TextSource {
	src := textsOf(docs)
	return func(ctx context.Context, ids []string) (map[string]Text, error) {
		*read += len(ids)
		return src(ctx, ids)
	}
}

// A katakana word stands in the text only inside a katakana word, which the
// index holds: the entries with it are found without reading the texts of
// every entry with its pairs apart.
func TestKatakanaWordsAreFoundByTheDiarysWordsNotByReadingEveryHit(t *testing.T) {
	var docs []Document
	for i := range 40 {
		docs = append(docs, Document{ID: fmt.Sprintf("apart%02d", i), Title: "週末",
			Body: strings.Repeat("ミルクを飲んでゴルフに行き、フィーバーした。ニューユーザーも来た。", 3), Date: "2024-06-01"})
	}
	docs = append(docs,
		Document{ID: "cake", Title: "おやつ", Body: strings.Repeat("駅前の店で買ったミルフィーユケーキを分けた。", 5), Date: "2024-01-02"},
		Document{ID: "half", Title: "カフェ", Body: strings.Repeat("ﾐﾙﾌｨｰﾕ が名物の店に寄った。", 5), Date: "2024-01-01"},
	)
	ix, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if err := ix.Apply(context.Background(), docs, nil, 1); err != nil {
		t.Fatal(err)
	}
	read := 0
	ix.SetTextSource(readsCounted(docs, &read))

	tests := []struct {
		query string
		exact []string
	}{
		{"ミルフィーユ", []string{"cake", "half"}},
		{"ﾐﾙﾌｨｰﾕ", []string{"cake", "half"}},
		{"ミルフィーユケーキ", []string{"cake"}},
		{"ゴルフィー", nil}, // its pairs are in every entry of the weekend, the word in none
		{"ｺﾞﾙﾌｨｰ", nil},
	}
	for _, tt := range tests {
		read = 0
		res, err := ix.Search(context.Background(), Request{Query: tt.query, Limit: 10})
		if err != nil {
			t.Fatalf("Search(%q): %v", tt.query, err)
		}
		var exact []string
		for i, h := range res.Hits {
			if h.Match == MatchExact {
				if i > len(exact) {
					t.Errorf("%q: exact hit %s at %d comes after others", tt.query, h.ID, i)
				}
				exact = append(exact, h.ID)
			}
		}
		slices.Sort(exact)
		if !reflect.DeepEqual(exact, tt.exact) {
			t.Errorf("%q: exact hits %v, want %v", tt.query, exact, tt.exact)
		}
		if len(res.Hits) != min(10, int(res.Total)) {
			t.Errorf("%q: %d hits on the page of %d found", tt.query, len(res.Hits), res.Total)
		}
		if read >= 40 {
			t.Errorf("%q: read %d texts, as many as the entries with the pairs apart", tt.query, read)
		}
	}
}

// The diary's katakana words say which entries hold an all-katakana query
// exactly as reading their text does, whatever the text.
func TestKatakanaWordsAgreeWithTheText(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"ア", "イ", "ミ", "ル", "フ", "ィ", "ー", "ユ", "ン", "ト", "ｱ", "ﾐ", "ﾙ", "ｰ", "の", "は", "日", "本", "、", " ", "a"}
	var docs []Document
	for i := range 80 {
		var b strings.Builder
		for range 40 {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		docs = append(docs, Document{ID: fmt.Sprintf("d%02d", i), Body: b.String(), Date: "2024-01-01"})
	}
	ix := openWithTexts(t, docs)
	v := vocabularyOf(t, ix)
	checked := 0
	for range 400 {
		var q strings.Builder
		for range 3 + rng.IntN(3) {
			q.WriteString(alphabet[rng.IntN(10)])
		}
		lit := literalOf(Query{Must: [][]Term{{{Text: q.String()}}}})
		if lit == nil || !lit.asksKatakana() {
			continue
		}
		filter, ok, err := lit.katakanaFilter(v)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			t.Fatalf("%q: the words of 80 entries are too many to say", q.String())
		}
		var got []string
		if filter != nil {
			out, err := ix.idx.Search(bleve.NewSearchRequestOptions(filter, len(docs), 0, false))
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range out.Hits {
				got = append(got, h.ID)
			}
			slices.Sort(got)
		}
		var want []string
		for _, d := range docs {
			if lit.holdsIn(Text{Body: d.Body}) {
				want = append(want, d.ID)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: the words say %v, the texts %v", q.String(), got, want)
		}
		checked++
	}
	if checked < 100 {
		t.Errorf("only %d queries were all katakana", checked)
	}
}

func TestKatakanaSpan(t *testing.T) {
	tests := []struct {
		span string
		want bool
	}{
		{"ミルフィーユ", true},
		{"サーバ", true},
		{"ーバー", false}, // a long vowel may stand after other scripts
		{"ミルク茶", false},
		{"みるく", false},
		{strings.Repeat("ア", 41), false}, // longer than any indexed word
	}
	for _, tt := range tests {
		if got := katakanaSpan([]byte(tt.span)); got != tt.want {
			t.Errorf("katakanaSpan(%q) = %v, want %v", tt.span, got, tt.want)
		}
	}
}

func TestWordsContaining(t *testing.T) {
	words := []byte("ケーキ\nミルフィーユ\nミルフィーユケーキ\nミルク\n")
	if got, want := wordsContaining(words, []byte("ミルフィ")), []string{"ミルフィーユ", "ミルフィーユケーキ"}; !reflect.DeepEqual(got, want) {
		t.Errorf("wordsContaining(ミルフィ) = %q, want %q", got, want)
	}
	if got, want := wordsContaining(words, []byte("ケーキ")), []string{"ケーキ", "ミルフィーユケーキ"}; !reflect.DeepEqual(got, want) {
		t.Errorf("wordsContaining(ケーキ) = %q, want %q", got, want)
	}
	if got := wordsContaining(words, []byte("タルト")); got != nil {
		t.Errorf("wordsContaining(タルト) = %q, want none", got)
	}
}

// The katakana words are kept between searches, and a write that brings
// new ones is seen by the next search.
func TestKatakanaWordsFollowTheIndex(t *testing.T) {
	ix := openWithTexts(t, []Document{{ID: "a", Body: "ミルクを買った。", Date: "2024-01-01"}})
	words := func() string {
		v := vocabularyOf(t, ix)
		kt, err := v.katakanaTerms()
		if err != nil {
			t.Fatal(err)
		}
		return string(kt.lines)
	}
	if got := words(); got != "ミルク\n" {
		t.Fatalf("katakana words = %q, want ミルク", got)
	}
	if err := ix.Apply(context.Background(), []Document{{ID: "b", Body: "ゴルフィールドへ。", Date: "2024-01-02"}}, nil, 2); err != nil {
		t.Fatal(err)
	}
	if got := words(); got != "ゴルフィールド\nミルク\n" {
		t.Errorf("katakana words after a write = %q, want ゴルフィールド and ミルク", got)
	}
}

// A katakana variant is another spelling the diary has: it is found where
// it stands as written, not where its pairs lie apart.
func TestAKatakanaVariantIsFoundAsWritten(t *testing.T) {
	ix := openWithTexts(t, []Document{
		{ID: "iface", Title: "設計", Body: "モジュールのインタフェースを決めた。", Date: "2024-01-01"},
		{ID: "apart", Title: "雑記", Body: "インタビューの日。タフな質問のあと、次のフェーズとコースの話。", Date: "2024-01-02"},
	})
	if got, want := matches(t, ix, "インターフェース"), []string{"iface:variant"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Search(インターフェース) = %v, want %v", got, want)
	}
}

// The filter of the diary's katakana words narrows the hits of a query
// without changing their scores, so exact hits found by it rank as the
// query ranks them.
func TestKatakanaFilterLeavesScoresAsTheyAre(t *testing.T) {
	ix := openWithTexts(t, []Document{
		{ID: "a", Title: "ミルフィーユ", Body: "ミルフィーユを焼いた。", Date: "2024-01-01"},
		{ID: "b", Title: "おやつ", Body: "駅前のミルフィーユケーキ。ミルフィーユは二つ。", Date: "2024-01-02"},
		{ID: "c", Title: "週末", Body: "ミルクとゴルフとフィーバーとニューユーザー。", Date: "2024-01-03"},
	})
	q := ParseQuery("ミルフィーユ")
	bq, _ := compile(q, true)
	v := vocabularyOf(t, ix)
	filter, ok, err := literalOf(q).katakanaFilter(v)
	if err != nil || !ok || filter == nil {
		t.Fatalf("no filter (ok %v, err %v)", ok, err)
	}
	all, filtered := scoresOf(t, ix, bq), scoresOf(t, ix, conjunction([]query.Query{bq, filter}))
	if len(all) != 3 || len(filtered) != 2 {
		t.Fatalf("hits %v, filtered %v: want all three, and a and b filtered", all, filtered)
	}
	for id, s := range filtered {
		if s != all[id] {
			t.Errorf("%s: score %v filtered, %v not", id, s, all[id])
		}
	}
}
