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

// Every line of every table is found by its key, with its own values, and
// keys that fall between, before or after the table's are not found.
func TestTablesFindEveryKey(t *testing.T) {
	for name, tab := range map[string]table{"variants": variants, "readings": readings, "yomi": yomi, "loans": loans} {
		lines := strings.Split(strings.TrimSuffix(string(tab), "\n"), "\n")
		if len(lines) < 1000 {
			t.Fatalf("%s: only %d lines", name, len(lines))
		}
		for _, line := range lines {
			key, values, _ := strings.Cut(line, "\t")
			if got := tab.get(key); strings.Join(got, "\t") != values {
				t.Fatalf("%s: get(%q) = %v, want %q", name, key, got, values)
			}
			if !tab.has(key) {
				t.Fatalf("%s: has(%q) = false", name, key)
			}
			if got := tab.get(key + "\x00"); got != nil {
				t.Fatalf("%s: get of a key just after %q = %v", name, key, got)
			}
		}
		if tab.get("") != nil || tab.get("\U0010FFFF") != nil {
			t.Errorf("%s: keys before the first or after the last are found", name)
		}
	}
}

func TestTableEdges(t *testing.T) {
	tab := table("b\t1\nc\t2\t3\nd\t4\n")
	tests := []struct {
		key  string
		want []string
	}{{"a", nil}, {"b", []string{"1"}}, {"c", []string{"2", "3"}}, {"cc", nil}, {"d", []string{"4"}}, {"e", nil}}
	for _, tt := range tests {
		if got := tab.get(tt.key); !slices.Equal(got, tt.want) {
			t.Errorf("get(%q) = %v, want %v", tt.key, got, tt.want)
		}
	}
	if table("").get("a") != nil || table("").has("") {
		t.Error("the empty table finds something")
	}
	if got := table("x\ty").get("x"); !slices.Equal(got, []string{"y"}) {
		t.Errorf("a last line without a newline: get = %v", got)
	}
}

func BenchmarkVariants(b *testing.B) {
	for b.Loop() {
		Variants("打合せ")
		Words("しょうがい")
	}
}
