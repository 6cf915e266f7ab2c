package search

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"サーバー", "サーバ"},
		{"ｻｰﾊﾞｰ", "サーバ"},
		{"ｻｰﾊﾞ", "サーバ"},
		{"ユーザー管理", "ユーザ管理"},
		{"コンテナー", "コンテナ"},
		{"サーバーレス", "サーバーレス"}, // the mark inside a word stays
		{"バー", "バー"},         // short words keep theirs
		{"トーン", "トーン"},
		{"ＡＷＳ　Ｓｅｃｕｒｉｔｙ Hub", "aws security hub"},
		{"SLA ９９．９５％", "sla 99.95%"},
		{"Bytebase", "bytebase"},
		{"すごーい", "すごーい"}, // hiragana is not a loanword
		{"①障害", "1障害"},
		{"ポストモーテム。", "ポストモーテム。"},
		{"データーベース", "データーベース"},
		{"データー", "データ"},
		{"ok\xffng", "ok\uFFFDng"},
		// Look-alikes of the long-vowel mark after katakana.
		{"サーバ－", "サーバ"},
		{"ユーザ－インタフェース", "ユーザーインタフェース"},
		{"コンテナ〜イメージ", "コンテナーイメージ"},
		{"バ‐", "バー"},
		{"x-y ～", "x-y ~"}, // not after katakana: left alone
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// termsOf lists the terms a view makes of s, in order.
func termsOf(view func([]byte, func([]byte)), s string) []string {
	var out []string
	view([]byte(Fold(s)), func(term []byte) { out = append(out, string(term)) })
	return out
}

func TestGramView(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"障害対応", []string{"障害", "害対", "対応", "応"}},
		{"AWS Security Hubを導入", []string{"aws", "security", "hub", "を導", "導入", "入"}},
		{"猫", []string{"猫"}},
		{"🍣 と 🍺", []string{"と"}},
		{"v1.2", []string{"v1", "2"}},
	}
	for _, tt := range tests {
		if got := termsOf(gramView.of, tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("gram terms of %q = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWordView(t *testing.T) {
	tests := []struct {
		in      string
		has     []string
		hasNot  []string
		explain string
	}{
		{"東京都に住む", []string{"東京都"}, []string{"京都"}, "京都 is inside 東京都"},
		{"京都に行った", []string{"京都"}, nil, "a word of its own"},
		{"意気地がない", nil, []string{"意気"}, "意気地 is one word"},
		{"郷土の意気が上がる", []string{"意気"}, nil, "a word of its own"},
		{"見込みがある", nil, []string{"見込"}, "見込み is one word"},
		{"サーバーを再起動", []string{"サーバ", "再起動"}, nil, "katakana words and compounds"},
		{"ＡＷＳ Security Hubを導入", []string{"aws security", "security hub"}, []string{"aws security hub"}, "adjacent words pair up"},
		{"SLA 99.95%, node.js", []string{"sla 99", "99.95", "node.js"}, []string{"95 node", "95, node"}, "one separator joins, two do not"},
		{"aws\nsecurity", nil, []string{"aws\nsecurity"}, "a line break ends a phrase"},
	}
	for _, tt := range tests {
		got := termsOf(wordView.of, tt.in)
		for _, w := range tt.has {
			if !slices.Contains(got, w) {
				t.Errorf("words of %q = %q, want %q (%s)", tt.in, got, w, tt.explain)
			}
		}
		for _, w := range tt.hasNot {
			if slices.Contains(got, w) {
				t.Errorf("words of %q = %q, must not hold %q (%s)", tt.in, got, w, tt.explain)
			}
		}
	}
}

func TestAnalysisSurvivesBadInput(t *testing.T) {
	inputs := []string{
		"",
		"\xff\xfe\xfd",
		strings.Repeat("あ", 100000),
		strings.Repeat("x", 10000),
		"👨‍👩‍👧‍👦🏳️‍🌈",
		"\u0000\u0001制御文字",
		"ｶﾞｷﾞｸﾞｹﾞｺﾞ ﾟﾞ",
	}
	for _, in := range inputs {
		for _, term := range termsOf(gramView.of, in) {
			if !utf8.ValidString(term) || len(term) == 0 || len(term) > maxTermBytes {
				t.Errorf("bad gram term %q from %.20q", term, in)
			}
		}
		for _, term := range termsOf(wordView.of, in) {
			if !utf8.ValidString(term) || len(term) == 0 {
				t.Errorf("bad word term %q from %.20q", term, in)
			}
		}
	}
}

// foldThroughNormaliser folds s with every character through the
// normaliser, as Fold did before it folded settled characters directly.
func foldThroughNormaliser(s string) string {
	var f folder
	f.foldStretch(s, 0, false)
	f.flush(false, false)
	return string(f.out)
}

func TestDecodeThreeBytesAgreesWithUTF8(t *testing.T) {
	for lead := 0xE0; lead <= 0xEF; lead++ {
		for b1 := range 256 {
			for b2 := range 256 {
				s := string([]byte{byte(lead), byte(b1), byte(b2), 'x'})
				r, size := decodeThreeBytes(s)
				wantR, wantSize := utf8.DecodeRuneInString(s)
				if r != wantR || size != wantSize {
					t.Fatalf("decodeThreeBytes(%q) = %U, %d; utf8 says %U, %d", s, r, size, wantR, wantSize)
				}
			}
		}
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"サーバー", "ｻｰﾊﾞｰ", "Ａ", "\xff", "ーーー", "アーー", "ﾞ", "カﾞ", "か\u3099", "e\u0301", "한\u11a8", "ＡＷＳのｻｰﾊﾞ", "㈱テスト", "今日は設定を見直した。Go の話", "障害対応のポストモーテムを書いた"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if want := foldThroughNormaliser(s); got != want {
			t.Fatalf("Fold(%q) = %q, but normalised as a whole it is %q", s, got, want)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("Fold(%q) = %q, not valid UTF-8", s, got)
		}
		if Fold(got) != got {
			t.Fatalf("Fold is not idempotent on %q: %q then %q", s, got, Fold(got))
		}
		// A document is folded noting its capitals, into the same text.
		doc, runs := (&foldedText{raw: []byte(s)}).get()
		if string(doc) != got {
			t.Fatalf("a document %q folds to %q, a query to %q", s, doc, got)
		}
		for _, r := range runs {
			if r.capital && !strings.ContainsFunc(s, unicode.IsUpper) {
				t.Fatalf("run %q of %q marked capital, but %q has none", doc[r.start:r.end], s, s)
			}
		}
		// Tracked, the copied stretches map to the input as folding each
		// character on its own does.
		var fast, each folder
		fast.fold(s, true)
		copyWhileTracking = false
		each.fold(s, true)
		copyWhileTracking = true
		if string(fast.out) != got || !slices.Equal(fast.start, each.start) || !slices.Equal(fast.end, each.end) {
			t.Fatalf("tracked fold of %q maps %q %v %v; character by character %q %v %v", s, fast.out, fast.start, fast.end, each.out, each.start, each.end)
		}
		spans := Highlights(s, []string{got})
		if strings.TrimSpace(got) != "" && len(spans) == 0 {
			t.Fatalf("text %q does not find its own folded form %q", s, got)
		}
		for _, sp := range spans {
			if sp[0] < 0 || sp[1] > len(s) || sp[0] >= sp[1] {
				t.Fatalf("span %v out of range for %q", sp, s)
			}
		}
	})
}

// classify answers ASCII and kana by itself; everywhere it must agree with
// isJapanese and isWordRune, which the queries' side uses.
func TestClassifyAgreesWithTheTables(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		kind, ok := classify(r)
		want, wantOK := runWord, false
		switch {
		case isJapanese(r):
			want, wantOK = runJapanese, true
		case isWordRune(r):
			want, wantOK = runWord, true
		}
		if ok != wantOK || (ok && kind != want) {
			t.Fatalf("classify(%U) = %v, %v; want %v, %v", r, kind, ok, want, wantOK)
		}
	}
}

// A document's word pairs: every two adjacent words of a name or term a
// note writes among its Japanese, but of English prose only those where a
// word has a capital, which names and acronyms are made of.
func TestWordPairsKeepTermsAndNamesNotProse(t *testing.T) {
	tests := []struct {
		in          string
		has, hasNot []string
		explain     string
	}{
		{"今日は screen reader で確かめた", []string{"screen reader"}, nil, "a term among Japanese"},
		{"Windows Subsystem for Linux を入れた", []string{"windows subsystem", "subsystem for", "for linux"}, nil, "a name of four words"},
		{"we tested the page with a screen reader today", nil, []string{"screen reader", "the page", "we tested"}, "English prose"},
		{"we finally visited the Yorkshire Sculpture Park last spring", []string{"the yorkshire", "yorkshire sculpture", "sculpture park", "park last"}, []string{"we finally", "last spring"}, "a name in prose"},
		{"we wrote an iPhone app for the whole team", []string{"an iphone", "iphone app"}, []string{"for the", "whole team"}, "a capital inside a word"},
		{"ＡＷＳ was down for the whole afternoon again", []string{"aws was"}, []string{"the whole", "was down"}, "full-width capitals"},
		{"one two three four\nfive six seven eight", []string{"one two", "three four", "five six"}, []string{"four\nfive"}, "a line break ends a line of words"},
	}
	for _, tt := range tests {
		f := newTermField(fieldWord, &foldedText{raw: []byte(tt.in)}, wordView)
		f.Analyze()
		got := f.AnalyzedTokenFrequencies()
		for _, w := range tt.has {
			if _, ok := got[w]; !ok {
				t.Errorf("word pairs of %q lack %q (%s)", tt.in, w, tt.explain)
			}
		}
		for _, w := range tt.hasNot {
			if _, ok := got[w]; ok {
				t.Errorf("word pairs of %q hold %q (%s)", tt.in, w, tt.explain)
			}
		}
	}
}
