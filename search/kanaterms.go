package search

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// katakanaTerms are the word view's terms from ァ to ヾ: the diary's
// katakana words, a few thousand, read from the dictionary once and kept
// until the index changes. Which of them start with a prefix, lie one slip
// from a word, or are spelled or sound like one is then found in a few
// microseconds; a walk of the dictionary's automaton for each took a few
// hundred, and the first search of a query makes dozens of them.
type katakanaTerms struct {
	lines []byte   // each term followed by a line break, for finding spans
	terms []string // in the dictionary's order

	keysOnce  sync.Once
	spellings []string // spellingKey of each term
	sounds    []string // soundKey of each term's skeleton; "" if no katakana word
}

// Terms of the word view starting with a rune in [katakanaFirst,
// katakanaEnd) are all among the katakana terms.
const (
	katakanaFirst = '\u30a1' // ァ
	katakanaEnd   = '\u30ff' // ヿ, after ヾ
)

func readKatakanaTerms(v *vocabulary) (*katakanaTerms, error) {
	terms, err := v.termsBetween(fieldWord, []byte(string(katakanaFirst)), []byte(string(katakanaEnd)), math.MaxInt)
	if err != nil {
		return nil, fmt.Errorf("read katakana words: %w", err)
	}
	kt := &katakanaTerms{terms: terms}
	for _, t := range terms {
		kt.lines = append(append(kt.lines, t...), '\n')
	}
	return kt, nil
}

// holdsPrefix reports whether every term of the word view starting with prefix
// is a katakana term.
func holdsPrefix(prefix string) bool {
	r, _ := utf8.DecodeRuneInString(prefix)
	return prefix != "" && r >= katakanaFirst && r < katakanaEnd
}

// startingWith lists up to max terms that start with prefix.
func (kt *katakanaTerms) startingWith(prefix string, max int) []string {
	var out []string
	for i := sort.SearchStrings(kt.terms, prefix); i < len(kt.terms) && len(out) < max && strings.HasPrefix(kt.terms[i], prefix); i++ {
		out = append(out, kt.terms[i])
	}
	return out
}

// oneSlipFrom lists up to max terms other than term that start with
// prefix and are one edit from it: a kana added, dropped, changed, or two
// side by side swapped, as the index's own edit distance counts them.
func (kt *katakanaTerms) oneSlipFrom(term, prefix string, max int) []string {
	want := []rune(term)
	var out []string
	for i := sort.SearchStrings(kt.terms, prefix); i < len(kt.terms) && len(out) < max && strings.HasPrefix(kt.terms[i], prefix); i++ {
		if t := kt.terms[i]; t != term && oneEditApart(want, []rune(t)) {
			out = append(out, t)
		}
	}
	return out
}

// oneEditApart reports whether a and b differ by one insertion, deletion,
// substitution or transposition of adjacent runes.
func oneEditApart(a, b []rune) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if len(a) < len(b) {
		return string(a[i:]) == string(b[i+1:])
	}
	if i == len(a) {
		return false // the same
	}
	if string(a[i+1:]) == string(b[i+1:]) {
		return true
	}
	return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && string(a[i+2:]) == string(b[i+2:])
}

func (kt *katakanaTerms) keys() {
	kt.keysOnce.Do(func() {
		kt.spellings = make([]string, len(kt.terms))
		kt.sounds = make([]string, len(kt.terms))
		for i, t := range kt.terms {
			kt.spellings[i] = spellingKey(t)
			if isKatakanaWord(t) {
				kt.sounds[i] = soundKey(kanaSkeleton(t))
			}
		}
	})
}

// spelledAlike lists up to max terms that kanaPattern(s) matches.
func (kt *katakanaTerms) spelledAlike(s string, max int) ([]string, error) {
	kt.keys()
	key := spellingKey(s)
	return kt.matching(kanaPattern(s), max, func(i int) bool { return kt.spellings[i] == key })
}

// soundingLike lists up to max terms that soundPattern(sk, true) matches,
// leaving out some whose skeleton is not sk's (soundsLike decides).
func (kt *katakanaTerms) soundingLike(sk string, max int) ([]string, error) {
	kt.keys()
	return kt.matching(soundPattern(sk, true), max, func(i int) bool { return kt.sounds[i] != "" && sameSound(sk, kt.sounds[i]) })
}

// matching lists up to max terms that pattern matches whole, of those
// candidate allows: a cheap test every term the pattern matches passes.
func (kt *katakanaTerms) matching(pattern string, max int, candidate func(i int) bool) ([]string, error) {
	re, err := regexp.Compile("^(?:" + pattern + ")$")
	if err != nil {
		return nil, fmt.Errorf("katakana pattern %q: %w", pattern, err)
	}
	var out []string
	for i, t := range kt.terms {
		if len(out) == max {
			break
		}
		if candidate(i) && re.MatchString(t) {
			out = append(out, t)
		}
	}
	return out, nil
}

// spellingKey is a katakana word as kanaPattern sees it: without long-vowel
// marks, each kana standing for those it allows in its place.
func spellingKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		if canonical, _ := kanaAlike(r); canonical != 0 {
			b.WriteRune(canonical)
		}
	}
	return b.String()
}

// soundKey is a skeleton as sameSound compares it: katakana writes ch as
// sh.
func soundKey(sk string) string { return strings.ReplaceAll(sk, "c", "s") }

// sameSoundKey reports whether two soundKeys may be the same sound; sameSound
// decides. A Latin th (T) is a katakana t or s.
func sameSoundKey(latin, kana string) bool {
	if len(latin) != len(kana) {
		return false
	}
	for i := 0; i < len(latin); i++ {
		if x, y := latin[i], kana[i]; x != y && !(x == 'T' && (y == 't' || y == 's')) {
			return false
		}
	}
	return true
}
