// Package lexicon answers the questions search asks about Japanese words:
// how else a word is spelled (打ち合わせ, 打合せ), how it is read (障害 →
// しょうがい), which words a reading writes, and which loanwords an English
// word became (edge → エッジ). Words go in and come out folded as search
// folds them.
//
// The tables are generated from UniDic and SudachiDict's synonym dictionary
// by gen/ (`make lexicon`); see NOTICE for their licences. They are
// embedded as sorted text and searched where they lie in the binary, so they
// cost no start-up time and no heap: a lookup reads a few dozen of their
// pages, which the system can always take back.
package lexicon

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
)

var (
	//go:embed variants.tsv
	variantsTSV string
	//go:embed readings.tsv
	readingsTSV string
	//go:embed yomi.tsv
	yomiTSV string
	//go:embed loanwords.tsv
	loanwordsTSV string
	//go:embed tech.txt
	techTxt string

	variants = table(variantsTSV)
	readings = table(readingsTSV)
	yomi     = table(yomiTSV)
	loans    = table(loanwordsTSV)
)

// table is lines "key\tvalue\tvalue…\n" sorted by key, searched in place
// by binary search over byte offsets: each probe backs up to the start of
// the line it landed in.
type table string

// keyAt returns the key of the line starting at i.
func (t table) keyAt(i int) string {
	l := string(t[i:])
	if end := strings.IndexAny(l, "\t\n"); end >= 0 {
		return l[:end]
	}
	return l
}

// nextLine returns the start of the line after the one starting at i.
func (t table) nextLine(i int) int {
	if nl := strings.IndexByte(string(t[i:]), '\n'); nl >= 0 {
		return i + nl + 1
	}
	return len(t)
}

// search returns the start of the first line whose key is not less than
// key, or len(t).
func (t table) search(key string) int {
	lo, hi := 0, len(t) // both line starts; the answer lies in [lo, hi]
	for lo < hi {
		// lo is a line start, so backing up never goes below it.
		mid := strings.LastIndexByte(string(t[:lo+(hi-lo)/2]), '\n') + 1
		if t.keyAt(mid) < key {
			lo = t.nextLine(mid)
		} else {
			hi = mid
		}
	}
	return lo
}

// get returns the values filed under key.
func (t table) get(key string) []string {
	i := t.search(key)
	if i == len(t) || t.keyAt(i) != key {
		return nil
	}
	line := string(t[i:t.nextLine(i)])
	_, values, _ := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
	return strings.Split(values, "\t")
}

// has reports whether any key starts with prefix.
func (t table) has(prefix string) bool {
	i := t.search(prefix)
	return i < len(t) && strings.HasPrefix(t.keyAt(i), prefix)
}

// tech is our own list of software abbreviations, parsed on first use.
var tech = sync.OnceValue(func() map[string][]string { return parseGroups(techTxt) })

// Variants lists other spellings of the word as one lexeme: okurigana and
// kanji/kana spellings (打合せ, 打ち合わせ), long-vowel spellings,
// abbreviations and alphabetic forms (DB, データベース, database).
func Variants(word string) []string {
	return union(variants.get(word), tech()[word])
}

// Words lists the words written with kanji that read as reading (in
// hiragana): しょうがい → 障害, 生涯, ….
func Words(reading string) []string { return readings.get(reading) }

// IsReadingPrefix reports whether some word's reading starts with prefix,
// so a search for how a long reading splits into words can stop early.
func IsReadingPrefix(prefix string) bool { return readings.has(prefix) }

// Readings lists how a word written with kanji is read, in hiragana.
func Readings(word string) []string { return yomi.get(word) }

// Loanwords lists the katakana words that came from an English word or
// phrase: edge → エッジ, trade-off → トレードオフ.
func Loanwords(english string) []string { return loans.get(english) }

// EnglishWords lists the English words with a loanword that start with
// first, end with last and have n letters in between: what a numeronym
// such as a11y or o11y can stand for.
func EnglishWords(first, last byte, n int) []string {
	var out []string
	for i := loans.search(string(first)); i < len(loans); i = loans.nextLine(i) {
		k := loans.keyAt(i)
		if k == "" || k[0] != first {
			break
		}
		if len(k) == n+2 && k[len(k)-1] == last && strings.IndexFunc(k, func(r rune) bool { return r < 'a' || r > 'z' }) < 0 {
			out = append(out, k)
		}
	}
	return out
}

func union(a, b []string) []string {
	if len(b) == 0 {
		return a
	}
	out := append([]string(nil), a...)
	for _, w := range b {
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// parseGroups reads lines of words that mean the same, separated by commas
// ("k8s, kubernetes"); # starts a comment. Each word maps to the others.
func parseGroups(text string) map[string][]string {
	m := map[string][]string{}
	for _, line := range strings.Split(text, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		var words []string
		for _, w := range strings.Split(line, ",") {
			if w = strings.TrimSpace(w); w != "" && !slices.Contains(words, w) {
				words = append(words, w)
			}
		}
		for _, a := range words {
			for _, b := range words {
				if a != b && !slices.Contains(m[a], b) {
					m[a] = append(m[a], b)
				}
			}
		}
	}
	return m
}
