package lexicon

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestLookups(t *testing.T) {
	tests := []struct {
		name string
		got  []string
		want string
	}{
		{"okurigana", Variants("打合せ"), "打ち合わせ"},
		{"kana spelling", Variants("すべて"), "全て"},
		{"abbreviation", Variants("db"), "データベース"},
		{"our own list", Variants("k8s"), "kubernetes"},
		{"our own list, back", Variants("kubernetes"), "k8s"},
		{"reading", Words("しょうがい"), "障害"},
		{"rare reading", Words("こおろぎ"), "蟋蟀"},
		{"reading of a word", Readings("障害"), "しょうがい"},
		{"loanword", Loanwords("migration"), "マイグレーション"},
		{"loanword from UniDic", Loanwords("edge"), "エッジ"},
		{"loanword glued", Loanwords("tradeoff"), "トレードオフ"},
		{"numeronym", EnglishWords('a', 'y', 11), "accessibility"},
	}
	for _, tt := range tests {
		if !slices.Contains(tt.got, tt.want) {
			t.Errorf("%s: %v does not have %q", tt.name, tt.got, tt.want)
		}
	}
	if got := Variants("no such word here"); len(got) != 0 {
		t.Errorf("Variants of an unknown word = %v", got)
	}
	if !IsReadingPrefix("しょうが") || IsReadingPrefix("ゑゑゑゑ") {
		t.Error("IsReadingPrefix does not tell readings from non-readings")
	}
}

// The list is written in search's folded form, as lookups arrive folded:
// lower case, and no long-vowel mark ending a katakana word.
func TestTechListIsFolded(t *testing.T) {
	for w := range parseGroups(techTxt) {
		if strings.ToLower(w) != w {
			t.Errorf("%q is not lower case", w)
		}
		last, _ := utf8.DecodeLastRuneInString(w)
		if last == 'ー' && utf8.RuneCountInString(w) >= 3 && unicode.In([]rune(w)[0], unicode.Katakana) {
			t.Errorf("%q ends in a long-vowel mark that search drops", w)
		}
	}
}

func TestParseGroups(t *testing.T) {
	g := parseGroups("a, b ,c # comment\n\n# only a comment\nb, d\n")
	if !slices.Equal(g["a"], []string{"b", "c"}) || !slices.Equal(g["b"], []string{"a", "c", "d"}) || len(g["d"]) != 1 {
		t.Errorf("parseGroups = %v", g)
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		t := &tables{}
		t.variants = decode(variantsGz)
		t.readings = decode(readingsGz)
		t.yomi = decode(yomiGz)
		t.loans = decode(loanwordsGz)
	}
}
