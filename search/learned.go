package search

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	index "github.com/blevesearch/bleve_index_api"
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

// A consonant is one sound however many letters write it (commit, コミット;
// tunnel, トンネル), but two where a vowel stands between (florian, フロリアン,
// has two r's): without that, フロリアン sounded like from, form and helm.

// kanaSkeleton is the skeleton of a katakana word. A consonant after ン,
// which has no vowel, repeats the ン's when it is the same.
func kanaSkeleton(w string) string {
	var b []byte
	afterN := false
	for _, r := range w {
		c := kanaConsonant(r)
		if c != "" && !(afterN && c[0] == b[len(b)-1]) {
			b = append(b, c...)
		}
		afterN = r == 'ン'

	}
	return string(b)
}

func kanaConsonant(r rune) string { return kanaConsonants[r] }

var kanaConsonants = func() map[rune]string {
	m := map[rune]string{}
	for _, row := range []struct{ kana, c string }{
		{"カキクケコ", "k"}, {"ガギグゲゴ", "g"}, {"サシスセソザズゼゾ", "s"}, {"ジヂ", "j"},
		{"タテト", "t"}, {"チ", "c"}, {"ツ", "ts"}, {"ダデド", "d"}, {"ヅ", "s"},
		{"ナニヌネノンマミムメモ", "n"}, {"ハヒフヘホ", "f"}, {"バビブベボヴ", "b"},
		{"パピプペポ", "p"}, {"ラリルレロ", "r"},
	} {
		for _, k := range row.kana {
			m[k] = row.c
		}
	}
	return m
}()

// latinSkeleton is the skeleton of a Latin word as katakana would spell it.
// Letters of one sound side by side (ll, mm, lr) are one consonant.
func latinSkeleton(w string) string {
	var b []byte
	vowelSince := true // a vowel since the last consonant
	add := func(cs ...byte) {
		for _, c := range cs {
			if vowelSince || len(b) == 0 || b[len(b)-1] != c {
				b = append(b, c)
			}
			vowelSince = false
		}
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		next := byte(0)
		if i+1 < len(w) {
			next = w[i+1]
		}
		two := func(s string) bool { return c == s[0] && next == s[1] }
		switch {
		case two("ph"):
			add('f')
			i++
		case two("th"):
			// Katakana writes th as s (スレッド) or t (テーマ).
			add('T')
			i++
		case two("sh"):
			add('s')
			i++
		case two("ch"):
			add('c')
			i++
		case two("ck"), two("qu"):
			add('k')
			i++
		case two("gh"), two("wh"):
			i++
		case c == 'x':
			add('k', 's')
		case c == 'c':
			if next == 'e' || next == 'i' || next == 'y' {
				add('s')
			} else {
				add('k')
			}
		case c == 'q':
			add('k')
		case c == 'l':
			add('r')
		case c == 'v':
			add('b')
		case c == 'm':
			add('n')
		case c == 'z':
			add('s')
		case c == 'h':
			add('f')
		case strings.IndexByte("aeiouwy", c) >= 0:
			vowelSince = true
		case c >= 'a' && c <= 'z':
			add(c)
		default:
			return ""
		}
	}
	return string(b)
}

// Patterns over the index's terms for the words whose skeleton is a given
// one: each consonant written any way the other script writes it, with
// anything a skeleton leaves out around it.
var (
	latinSpellings = map[byte]string{
		'T': "(th|t|s)",
		'k': "(k|c|ck|q|qu|ch|x|kh)", 'g': "(g|gh|gu)", 's': "(s|c|z|x|th|sh|sc|ts)", 'j': "(j|g|dg|z|s)",
		't': "(t|th|d)", 'c': "(ch|tch|t|ti)", 'd': "(d|th)", 'n': "(n|m|kn|gn)", 'f': "(f|ph|h|v|wh)",
		'b': "(b|v)", 'p': "(p)", 'r': "(r|l)",
	}
	kanaSpellings = map[byte]string{
		'T': "[サシスセソザジズゼゾタチツテト]",
		'k': "[カキクケコ]", 'g': "[ガギグゲゴ]", 's': "[サシスセソザジズゼゾツ]", 'j': "[ジヂガギグゲゴ]",
		'c': "[チシキツ]", 't': "[タチツテト]", 'd': "[ダヂヅデドジ]", 'n': "[ナニヌネノンマミムメモ]",
		'f': "[ハヒフヘホ]", 'b': "[バビブベボヴ]", 'p': "[パピプペポ]", 'r': "[ラリルレロ]",
	}
)

const (
	latinFill = "[aeiouywh]*"
	kanaFill  = "[アイウエオァィゥェォャュョヤユヨワヲッー]*"
)

// minSkeleton is the fewest consonants a word needs for its sound alone to
// pick out words; with two, its vowels must agree as well.
const minSkeleton = 3

// specificSkeleton is how many consonants make a sound specific enough to
// try on a word the diary also writes as typed.
const specificSkeleton = 5

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
		if !toKana && sk[i] == 'k' && i+1 < len(sk) && sk[i+1] == 's' {
			// ks is also one letter: リダックス, redux.
			alt = "(x|(k|c|ck)+" + fill + "(s|z))"
			i++
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
	if len(sk) < 2 {
		return nil
	}
	pattern := soundPattern(sk, toKana)
	if pattern == "" {
		return nil
	}
	// The diary's katakana words are at hand; its Latin ones are many more
	// and are asked of the dictionary.
	var terms []string
	if toKana {
		terms = e.v.soundingLike(sk, maxSoundsLike)
	} else {
		terms = e.v.matching(field, pattern, maxSoundsLike)
	}
	var out []candidate
	for _, t := range terms {
		if toKana && !isKatakanaWord(t) || !toKana && !isLatinText(t) {
			continue
		}
		// The pattern is generous with spellings; the skeletons decide.
		other := latinSkeleton(t)
		if toKana {
			other = kanaSkeleton(t)
		}
		latin, kana := other, sk
		if toKana {
			latin, kana = sk, other
		}
		if !sameSound(latin, kana) {
			continue
		}
		if len(sk) < minSkeleton {
			kv, lv := kanaVowels(w), latinVowels(t)
			if toKana {
				kv, lv = kanaVowels(t), latinVowels(w)
			}
			if kv != lv {
				continue
			}
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

// sameSound compares the skeletons of a Latin and a katakana word, where
// katakana writes ch and sh alike (Gavroche, ガヴローシュ) and may leave a
// final r unwritten (elevator, エレベーター; color, カラー).
func sameSound(latin, kana string) bool {
	l, k := soundKey(latin), soundKey(kana)
	return sameSoundKey(l, k) || len(l) > 1 && strings.HasSuffix(l, "r") && sameSoundKey(l[:len(l)-1], k)
}

// kanaVowels and latinVowels are the vowels of a word in order, which
// must agree too where a skeleton has only two consonants (ピニア, pinia;
// not open).
func kanaVowels(w string) string {
	cols := []struct{ kana, v string }{
		{"アカサタナハマヤラワガザダバパ", "a"}, {"イキシチニヒミリギジヂビピ", "i"},
		{"ウクスツヌフムユルグズヅブプヴ", "u"}, {"エケセテネヘメレゲゼデベペ", "e"}, {"オコソトノホモヨロヲゴゾドボポ", "o"},
		{"ァャ", "A"}, {"ィ", "I"}, {"ゥュ", "U"}, {"ェ", "E"}, {"ォョ", "O"},
	}
	var b []byte
	for _, r := range w {
		for _, c := range cols {
			if strings.ContainsRune(c.kana, r) {
				if c.v[0] < 'a' { // a small kana changes the vowel before it
					if len(b) > 0 {
						b = b[:len(b)-1]
					}
					b = append(b, c.v[0]+'a'-'A')
				} else {
					b = append(b, c.v[0])
				}
				break
			}
		}
	}
	return string(b)
}

func latinVowels(w string) string {
	var b []byte
	for i := 0; i < len(w); i++ {
		switch c := w[i]; c {
		case 'a', 'e', 'i', 'o', 'u':
			b = append(b, c)
		case 'y':
			if i > 0 {
				b = append(b, 'i')
			}
		}
	}
	return string(b)
}

func isKatakanaWord(s string) bool {
	return utf8.RuneCountInString(s) >= 2 && strings.IndexFunc(s, func(r rune) bool { return !isKatakana(r) && r != longVowel }) < 0
}

// Acronyms and initialisms: SLC for Salt Lake City, CoC for Code of
// Conduct, OTel for OpenTelemetry. The word view holds every two adjacent
// words of the diary, so the words an acronym's letters start can be
// followed pair by pair through the index's dictionary.

// maxAcronymLetters bounds what is read as an acronym: longer all-capital
// words are names (NASDAQ) more often than a diary's initials.
const maxAcronymLetters = 6

// maxExpansions bounds the phrases followed at each letter.
const maxExpansions = 24

// acronymChunks reads a typed word as an acronym: each letter the start of
// a word (SLC, CoC), and, where it is camel case, each capital with the
// small letters after it the start of a word (OTel: o…, tel…). nil if the
// word is no acronym: three letters or more, two of them capitals, ASCII
// letters only. Two letters (DB, UI) start too many pairs of words to say
// anything.
func acronymChunks(typed string) [][]string {
	if len(typed) < 2 || len(typed) > maxAcronymLetters*2 {
		return nil
	}
	upper := 0
	for i := 0; i < len(typed); i++ {
		c := typed[i]
		switch {
		case c >= 'A' && c <= 'Z':
			upper++
		case c >= 'a' && c <= 'z':
		default:
			return nil
		}
	}
	if upper < 2 || len(typed) < 3 || typed[0] < 'A' || typed[0] > 'Z' {
		return nil
	}
	var out [][]string
	if len(typed) <= maxAcronymLetters {
		letters := make([]string, len(typed))
		for i := range typed {
			letters[i] = strings.ToLower(typed[i : i+1])
		}
		out = append(out, letters)
	}
	if upper < len(typed) {
		var camel []string
		for i := 0; i < len(typed); {
			j := i + 1
			for j < len(typed) && typed[j] >= 'a' && typed[j] <= 'z' {
				j++
			}
			camel = append(camel, strings.ToLower(typed[i:j]))
			i = j
		}
		out = append(out, camel)
	}
	return out
}

// expandAcronym lists what the diary's words spell out of an acronym's
// chunks: adjacent words it writes (salt lake city), and one word whose
// parts start with the chunks in order (opentelemetry).
func (e *expander) expandAcronym(chunks []string) []string {
	const word = "[a-z0-9]*"
	var out []string
	// One word, from camel case whose last part is spelled out: OTel →
	// opentelemetry (single letters would start half the diary's words).
	if len(chunks) >= 2 && len(chunks[len(chunks)-1]) > 1 {
		var b strings.Builder
		for _, c := range chunks {
			b.WriteString(c + word)
		}
		for _, t := range e.v.matching(fieldText, b.String(), maxExpansions) {
			if isLatinText(t) && !strings.Contains(t, " ") {
				out = append(out, t)
			}
		}
	}
	// Adjacent words, pair by pair: s… l…, then lake c…. A name's words
	// keep together: what counts is how often they stand side by side
	// against how often each stands anywhere (salt lake: always; you
	// should: a sliver of the entries with "you"), for its loosest pair.
	type phrase struct {
		text string
		bond float64
		docs []string // the entries that hold all its pairs
	}
	var phrases []phrase
	for _, p := range e.v.matching(fieldWord, chunks[0]+word+" "+chunks[1]+word, maxFirstPairs) {
		phrases = append(phrases, phrase{text: p, bond: e.bond(p)})
	}
	for _, c := range chunks[2:] {
		var next []phrase
		grow := func(p phrase, pair string, bond float64) {
			if strings.Count(pair, " ") != 1 || !isLatinText(pair) {
				return
			}
			text := p.text + " " + pair[strings.IndexByte(pair, ' ')+1:]
			// Only what one entry holds goes on: pairs met one by one
			// may stand apart (capable of + of conduct).
			if len(e.v.together(e.ctx, fieldWord, phrasePairs(text))) > 0 {
				next = append(next, phrase{text: text, bond: min(bond, e.bond(pair))})
			}
		}
		for _, p := range phrases {
			last := p.text[strings.LastIndexByte(p.text, ' ')+1:]
			for _, pair := range e.v.startingWith(fieldWord, last+" "+c, maxNextPairs) {
				grow(p, pair, p.bond)
			}
			// Small words go without a letter: Windows Subsystem for Linux.
			for _, small := range acronymSkips {
				if e.v.docFreq(fieldWord, last+" "+small) == 0 {
					continue
				}
				withSmall := phrase{text: p.text + " " + small, bond: min(p.bond, e.bond(last+" "+small))}
				for _, pair := range e.v.startingWith(fieldWord, small+" "+c, maxNextPairs) {
					grow(withSmall, pair, withSmall.bond)
				}
			}
		}
		phrases = next
	}
	// The pairs were found one by one: keep a phrase only where one
	// entry holds all of them (capable of + of conduct stand apart). A
	// name's rarest word stands in the name wherever it stands (conduct
	// in code of conduct), however common its other words are (code):
	// that share ranks them, then how many entries hold the name.
	for i := range phrases {
		p := &phrases[i]
		if !isLatinText(p.text) {
			continue
		}
		p.docs = e.v.together(e.ctx, fieldWord, phrasePairs(p.text))
		rarest := uint64(0)
		for _, w := range strings.Fields(p.text) {
			if df := e.v.docFreq(fieldText, w); !slices.Contains(acronymSkips, w) && df > 0 && (rarest == 0 || df < rarest) {
				rarest = df
			}
		}
		if rarest > 0 {
			p.bond = float64(len(p.docs)) / float64(rarest)
		}
	}
	phrases = slices.DeleteFunc(phrases, func(p phrase) bool { return len(p.docs) == 0 })
	sort.SliceStable(phrases, func(i, j int) bool {
		if phrases[i].bond != phrases[j].bond {
			return phrases[i].bond > phrases[j].bond
		}
		return len(phrases[i].docs) > len(phrases[j].docs)
	})
	// An acronym is typed in capitals because what it stands for is a
	// name, and names are written with capitals (Code of Conduct, not a
	// cascade of china): of the best, those the diary writes so go first.
	phrases = phrases[:min(len(phrases), maxNameChecks)]
	named := make([]bool, len(phrases))
	for i, p := range phrases {
		named[i] = e.writtenAsName(p.text, p.docs)
	}
	order := make([]int, len(phrases))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return named[order[a]] && !named[order[b]] })
	for _, i := range order[:min(len(order), 2)] {
		out = append(out, phrases[i].text)
	}
	return out
}

// maxNameChecks bounds the phrases whose writing is looked at in the text.
const maxNameChecks = 8

// writtenAsName reports whether an entry among docs writes phrase with a
// capital starting each word but the small ones.
func (e *expander) writtenAsName(phrase string, docs []string) bool {
	if e.texts == nil {
		return false
	}
	var ids []string
	for _, d := range docs[:min(len(docs), 3)] {
		if id, err := e.v.r.ExternalID(index.IndexInternalID(d)); err == nil {
			ids = append(ids, id)
		}
	}
	texts, err := e.texts(e.ctx, ids)
	if err != nil {
		return false
	}
	words := strings.Fields(phrase)
	var pat strings.Builder
	pat.WriteString(`(?i)\b`)
	for i, w := range words {
		if i > 0 {
			pat.WriteString(`[\s\-]+`)
		}
		pat.WriteString(regexp.QuoteMeta(w))
	}
	pat.WriteString(`\b`)
	re, err := regexp.Compile(pat.String())
	if err != nil {
		return false
	}
	for _, t := range texts {
		for _, m := range re.FindAllString(t.Title+"\n"+t.Body, 8) {
			if capitalised(m) {
				return true
			}
		}
	}
	return false
}

// capitalised reports whether every word of s but the small ones starts
// with a capital letter.
func capitalised(s string) bool {
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '-' || unicode.IsSpace(r) }) {
		if slices.Contains(acronymSkips, strings.ToLower(w)) {
			continue
		}
		if w[0] < 'A' || w[0] > 'Z' {
			return false
		}
	}
	return true
}

// bond is how often the two words of pair stand together, against how
// often the rarer of them stands anywhere: 1 for words only ever together.
func (e *expander) bond(pair string) float64 {
	a, b, _ := strings.Cut(pair, " ")
	n := min(e.v.docFreq(fieldText, a), e.v.docFreq(fieldText, b))
	if n == 0 {
		return 0
	}
	return float64(e.v.docFreq(fieldWord, pair)) / float64(n)
}

// phrasePairs lists the adjacent word pairs of a phrase, as the word field
// indexes them.
func phrasePairs(phrase string) []string {
	words := strings.Fields(phrase)
	pairs := make([]string, 0, len(words))
	for i := 0; i+1 < len(words); i++ {
		pairs = append(pairs, words[i]+" "+words[i+1])
	}
	return pairs
}

// acronymSkips are the small words an acronym leaves out.
var acronymSkips = []string{"of", "for", "and", "the", "to", "in", "on"}

// maxNextPairs bounds the pairs each phrase may go on with at each letter
// (of c… has many).
const maxNextPairs = 256

// maxFirstPairs bounds the word pairs an acronym's first two letters
// start; each is followed through the dictionary once per further letter.
const maxFirstPairs = 1000

// initials is the acronym of two or more Latin words (hot module
// replacement → hmr), or "".
func initials(words []string) string {
	var b strings.Builder
	for _, w := range words {
		if w == "" || !isASCIILetter(w[0]) {
			return ""
		}
		b.WriteByte(w[0])
	}
	return b.String()
}

// clipped lists the diary's kanji words that a two- or three-kanji word
// is clipped from, taking the first kanji of each part in order (普選 for
// 普通選挙, 高女 for 高等女学校): each typed kanji one to three characters
// after the one before, at most three after the last. The candidates are
// the words that start with the first kanji, read in dictionary order (a
// pattern over the whole dictionary took milliseconds a search).
func (e *expander) clipped(w string) []string {
	rs := []rune(w)
	if len(rs) < 2 || len(rs) > 3 {
		return nil
	}
	var out []string
	for _, t := range e.v.startingWith(fieldWord, string(rs[0]), maxClippedScan) {
		word := []rune(t)
		if clippedFrom(rs, word) && !slices.ContainsFunc(word, func(r rune) bool { return !isHan(r) }) {
			out = append(out, t)
			if len(out) == maxExpansions {
				break
			}
		}
	}
	return out
}

// maxClippedScan bounds the words starting with one kanji that clipped reads.
const maxClippedScan = 4000

// clippedFrom reports whether typed is word clipped: word starts with
// typed's first character, each next one stands one to three characters
// after the one before, and at most three characters follow the last.
func clippedFrom(typed, word []rune) bool {
	if len(word) <= len(typed) || word[0] != typed[0] {
		return false
	}
	var from func(i, k int) bool // word[i] is typed[k]
	from = func(i, k int) bool {
		if k == len(typed)-1 {
			return len(word)-1-i <= 3
		}
		for j := i + 2; j <= i+4 && j < len(word); j++ {
			if word[j] == typed[k+1] && from(j, k+1) {
				return true
			}
		}
		return false
	}
	return from(0, 0)
}
