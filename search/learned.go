package search

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Words no dictionary lists — product and API names, loanwords of one
// field — are still in the diary, and the index's dictionary of terms is
// where to learn them. The lookups here turn a query word into a pattern
// over the diary's own terms and keep what the diary holds.

// kanaOfOtherKind writes a word of hiragana as katakana and back
// (ぽすともーてむ ↔ ポストモーテム), or "" if it is not all kana.
func kanaOfOtherKind(w string) string {
	var b strings.Builder
	hira, kata := false, false
	for _, r := range w {
		switch {
		case r >= 'ぁ' && r <= 'ゖ':
			hira = true
			b.WriteRune(r + 0x60)
		case r >= 'ァ' && r <= 'ヶ':
			kata = true
			b.WriteRune(r - 0x60)
		case r == longVowel:
			b.WriteRune(r)
		default:
			return ""
		}
	}
	if hira == kata {
		return ""
	}
	return b.String()
}

// A sound skeleton is a word reduced to the consonants a katakana spelling
// of English keeps: vowels, which Japanese inserts (webpack, ウェブパック),
// and long vowels (er, ー) say little; l/r, v/b, m/n before consonants, th/s
// and ph/h/f are one sound each in katakana.

// kanaSkeleton is the skeleton of a katakana word.
func kanaSkeleton(w string) string {
	var b []byte
	for _, r := range w {
		if c := kanaConsonant(r); c != "" {
			b = append(b, c...)
		}
	}
	return string(collapse(b))
}

func kanaConsonant(r rune) string {
	rows := []struct {
		kana, c string
	}{
		{"カキクケコ", "k"}, {"ガギグゲゴ", "g"}, {"サシスセソザズゼゾ", "s"}, {"ジヂ", "j"},
		{"タテト", "t"}, {"チ", "c"}, {"ツ", "ts"}, {"ダデド", "d"}, {"ヅ", "s"},
		{"ナニヌネノンマミムメモ", "n"}, {"ハヒフヘホ", "f"}, {"バビブベボヴ", "b"},
		{"パピプペポ", "p"}, {"ラリルレロ", "r"},
	}
	for _, row := range rows {
		if strings.ContainsRune(row.kana, r) {
			return row.c
		}
	}
	return ""
}

// latinSkeleton is the skeleton of a Latin word as katakana would spell it.
func latinSkeleton(w string) string {
	var b []byte
	for i := 0; i < len(w); i++ {
		c := w[i]
		next := byte(0)
		if i+1 < len(w) {
			next = w[i+1]
		}
		two := func(s string) bool { return c == s[0] && next == s[1] }
		switch {
		case two("ph"):
			b = append(b, 'f')
			i++
		case two("th"), two("sh"):
			b = append(b, 's')
			i++
		case two("ch"):
			b = append(b, 'c')
			i++
		case two("ck"), two("qu"):
			b = append(b, 'k')
			i++
		case two("gh"), two("wh"):
			i++
		case c == 'x':
			b = append(b, 'k', 's')
		case c == 'c':
			if next == 'e' || next == 'i' || next == 'y' {
				b = append(b, 's')
			} else {
				b = append(b, 'k')
			}
		case c == 'q':
			b = append(b, 'k')
		case c == 'l':
			b = append(b, 'r')
		case c == 'v':
			b = append(b, 'b')
		case c == 'm':
			b = append(b, 'n')
		case c == 'z':
			b = append(b, 's')
		case c == 'h':
			b = append(b, 'f')
		case strings.IndexByte("aeiouwy", c) >= 0:
		case c >= 'a' && c <= 'z':
			b = append(b, c)
		default:
			return ""
		}
	}
	return string(collapse(b))
}

func collapse(b []byte) []byte {
	out := b[:0]
	for i, c := range b {
		if i == 0 || c != b[i-1] {
			out = append(out, c)
		}
	}
	return out
}

// Patterns over the index's terms for the words whose skeleton is a given
// one: each consonant written any way the other script writes it, with
// anything a skeleton leaves out around it.
var (
	latinSpellings = map[byte]string{
		'k': "(k|c|ck|q|qu|ch|x|kh)", 'g': "(g|gh|gu)", 's': "(s|c|z|x|th|sh|sc|ts)", 'j': "(j|g|dg|z|s)",
		't': "(t|th|d)", 'c': "(ch|tch|t|ti)", 'd': "(d|th)", 'n': "(n|m|kn|gn)", 'f': "(f|ph|h|v|wh)",
		'b': "(b|v)", 'p': "(p)", 'r': "(r|l)",
	}
	kanaSpellings = map[byte]string{
		'k': "[カキクケコ]", 'g': "[ガギグゲゴ]", 's': "[サシスセソザジズゼゾツ]", 'j': "[ジヂガギグゲゴ]",
		'c': "[チシキツ]", 't': "[タチツテト]", 'd': "[ダヂヅデドジ]", 'n': "[ナニヌネノンマミムメモ]",
		'f': "[ハヒフヘホ]", 'b': "[バビブベボヴ]", 'p': "[パピプペポ]", 'r': "[ラリルレロ]",
	}
)

const (
	latinFill = "[aeiouywh]*"
	kanaFill  = "[アイウエオァィゥェォャュョヤユヨワヲッー]*"
)

// minSkeleton is the fewest consonants a word needs for its sound to pick
// out words: two would match half the diary's short words.
const minSkeleton = 3

// soundPattern is a regular expression for the terms of the other script
// with skeleton sk; toKana writes it in katakana. A final r may go
// unwritten in katakana (elevator, エレベーター).
func soundPattern(sk string, toKana bool) string {
	spell, fill := latinSpellings, latinFill
	if toKana {
		spell, fill = kanaSpellings, kanaFill
	}
	var b strings.Builder
	b.WriteString(fill)
	for i := 0; i < len(sk); i++ {
		alt, ok := spell[sk[i]]
		if !ok {
			return ""
		}
		b.WriteString(alt)
		if toKana && i == len(sk)-1 && sk[i] == 'r' {
			b.WriteString("?")
		} else if !toKana {
			b.WriteString("+")
		}
		b.WriteString(fill)
	}
	return b.String()
}

// maxSoundsLike bounds the terms one sound lookup reads.
const maxSoundsLike = 64

// soundsLike lists the diary's words in the other script that sound like
// w (a folded katakana or Latin word), the most used first.
func (e *expander) soundsLike(w string) []string {
	toKana := isLatinText(w)
	sk, field := kanaSkeleton(w), fieldText
	if toKana {
		sk, field = latinSkeleton(w), fieldWord
	}
	if len(sk) < minSkeleton {
		return nil
	}
	pattern := soundPattern(sk, toKana)
	if pattern == "" {
		return nil
	}
	var out []candidate
	for _, t := range e.v.matching(field, pattern, maxSoundsLike) {
		if toKana && !isKatakanaWord(t) || !toKana && !isLatinText(t) {
			continue
		}
		// The pattern is generous with spellings; the skeletons decide.
		other := latinSkeleton(t)
		if toKana {
			other = kanaSkeleton(t)
		}
		if other != sk && !(toKana && strings.HasSuffix(sk, "r") && other == sk[:len(sk)-1]) {
			continue
		}
		out = append(out, candidate{t, e.v.docFreq(field, t)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].freq > out[j].freq })
	words := make([]string, 0, min(len(out), 4))
	for _, c := range out[:min(len(out), 4)] {
		words = append(words, c.text)
	}
	return words
}

func isKatakanaWord(s string) bool {
	return utf8.RuneCountInString(s) >= 2 && strings.IndexFunc(s, func(r rune) bool { return !isKatakana(r) && r != longVowel }) < 0
}
