package search

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tsuzuri/tsuzuri/lexicon"
)

// People do not remember how they wrote something. When a query finds less
// than a page literally, search looks for the other ways the text may write
// each word, in rounds that go from near-certain to guesswork, and stops at
// the first round that finds anything:
//
//  1. spellings of the same word: okurigana and kanji/kana (打合せ,
//     打ち合わせ), long vowels and small kana inside loanwords (サーバー
//     アクション, サーバアクション), compounds glued or with の (障害訓練,
//     障害の訓練; SecurityHub, Security Hub), loanwords across scripts
//     (postmortem, ポストモーテム), abbreviations (k8s, Kubernetes), readings
//     (しょうがい, shougai → 障害), and the user's own synonyms;
//  2. typos and IME mis-conversions: a word read the same but written with
//     other kanji (以降 for 移行), one character wrong or missing
//     (ストップウッチ, コロナ渦);
//  3. the words of a compound anywhere in the entry.
//
// Every candidate is checked against the index's own terms, so a variant is
// searched only if the diary uses it; literal matches always come first.

// maxVariants bounds the alternatives of one query word, most used first;
// maxCandidates bounds the spellings checked against the index to choose
// them, which keeps a pasted paragraph a quick search.
const (
	maxVariants   = 8
	maxCandidates = 64
)

// expander finds the variants of query words.
type expander struct {
	ctx      context.Context
	v        *vocabulary
	texts    TextSource // nil: what the text says is not looked at
	synonyms Synonyms
	typed    string // the query as typed, to suggest a correction of
	// phrases are variants whose words must stand together: the words
	// an acronym stands for.
	phrases map[string]bool
}

// candidate is a way to write a query word and how often the diary has it.
type candidate struct {
	text string
	freq uint64
}

// spellings returns other ways the text may write t (round 1), most used
// first, each folded.
func (e *expander) spellings(t Term) []candidate {
	f := Fold(t.Text)
	c := e.collector(f)
	segs := segments(f)
	for i := range segs {
		for j := i + 1; j <= len(segs) && j-i <= 3; j++ {
			from, to := segs[i].start, segs[j-1].end
			for _, alt := range e.wordVariants(f[from:to]) {
				c.add(f[:from] + alt + f[to:])
			}
		}
	}
	e.composeLoanwords(f, segs, c)
	if k := kanaOfOtherKind(f); k != "" {
		c.add(k)
	}
	// What the dictionaries know an acronym for (DoS), where the diary
	// writes it, beats a guess.
	acronym := acronymChunks(strings.TrimSpace(t.Text))
	if acronym != nil && !slices.ContainsFunc(e.wordVariants(f), func(w string) bool { return e.v.textFreq(Fold(w)) > 0 }) {
		for _, chunks := range acronym {
			for _, w := range e.expandAcronym(chunks) {
				if strings.Contains(w, " ") {
					e.phrases[w] = true
				}
				c.add(w)
			}
		}
	}
	if len(segs) == 1 && segs[0].kind == segKanji && e.v.docFreq(fieldWord, f) == 0 {
		for _, w := range e.clipped(f) {
			c.add(w)
		}
	}
	e.compounds(t, f, segs, c)
	e.okurigana(f, segs, c)
	for _, s := range segs {
		if s.kind == segHiragana && utf8.RuneCountInString(s.text) >= 3 {
			for _, w := range e.readingWords(s.text) {
				c.add(f[:s.start] + w + f[s.end:])
			}
		}
		if s.kind == segKatakana && fuzzyLength(s.text) && e.v.docFreq(fieldWord, s.text) == 0 && len(e.v.startingWith(fieldWord, s.text, 1)) == 0 {
			for _, w := range e.soundsLike(s.text) {
				c.add(f[:s.start] + w + f[s.end:])
			}
		}
		// A loanword the diary writes in katakana, even where it writes
		// the English elsewhere (dropdown, ドロップダウン), if its sound is
		// specific enough not to stand for other words too.
		if s.kind == segLatin && acronym == nil && (len(latinSkeleton(s.text)) >= specificSkeleton || e.v.docFreq(fieldText, s.text) == 0) {
			for _, w := range e.soundsLike(s.text) {
				c.add(f[:s.start] + w + f[s.end:])
			}
		}
		if s.kind == segLatin && e.v.docFreq(fieldText, s.text) == 0 {
			e.splitLoanword(f, s, c)
			if kana, ok := romajiToKana(s.text); ok && utf8.RuneCountInString(kana) >= 3 {
				for _, w := range e.readingWords(kana) {
					c.add(f[:s.start] + w + f[s.end:])
				}
			}
		}
	}
	// Long vowels and small kana: a katakana word the diary never wrote
	// may stand there spelled a little differently.
	for _, cand := range append([]string{f}, c.pending()...) {
		for _, s := range segments(cand) {
			if s.kind != segKatakana || !fuzzyLength(s.text) || e.v.docFreq(fieldWord, s.text) > 0 {
				continue
			}
			for _, w := range e.v.spelledAlike(s.text, 8) {
				c.add(cand[:s.start] + w + cand[s.end:])
			}
		}
	}
	return c.best()
}

// wordVariants lists what the dictionaries and the user's synonyms give for
// one word or phrase of a query.
func (e *expander) wordVariants(w string) []string {
	out := append(lexicon.Variants(w), e.synonyms[w]...)
	if isLatinText(w) {
		out = append(out, lexicon.Loanwords(w)...)
		if glued := strings.ReplaceAll(w, " ", ""); glued != w {
			out = append(out, glued)
			out = append(out, lexicon.Loanwords(glued)...)
		}
		// A numeronym is a guess; the lists know a11y and k8s for sure.
		if len(out) == 0 {
			out = append(out, e.numeronym(w)...)
		}
	}
	return out
}

// numeronym expands a11y, i18n, o11y: a first letter, how many letters
// follow, a last letter. What they stand for comes from the English words
// the dictionary knows (and our list, for k8s and the like), and from the
// diary's own words of that shape, which variants rank by how often the
// diary uses them.
func (e *expander) numeronym(w string) []string {
	n := len(w)
	if n < 3 || !isASCIILetter(w[0]) || !isASCIILetter(w[n-1]) {
		return nil
	}
	count := 0
	for _, r := range w[1 : n-1] {
		if r < '0' || r > '9' {
			return nil
		}
		count = count*10 + int(r-'0')
	}
	if count < 2 || count > 30 {
		return nil
	}
	var out []string
	for _, word := range lexicon.EnglishWords(w[0], w[n-1], count) {
		out = append(out, word)
		out = append(out, lexicon.Loanwords(word)...)
	}
	// The diary's own words of that shape, and their katakana.
	for _, word := range e.v.matching(fieldText, fmt.Sprintf("%c[a-z]{%d}%c", w[0], count, w[n-1]), maxNumeronymWords) {
		if slices.Contains(out, word) {
			continue
		}
		out = append(out, word)
		out = append(out, lexicon.Loanwords(word)...)
		out = append(out, e.soundsLike(word)...)
	}
	return out
}

// maxNumeronymWords bounds the diary's words one numeronym stands for.
const maxNumeronymWords = 8

// composeLoanwords writes two or three English words typed one after the
// other as the katakana compound they became (memory leak → メモリリーク,
// edge case → エッジケース), where the dictionary has no entry for the whole.
func (e *expander) composeLoanwords(f string, segs []segment, c *collector) {
	for i := 0; i+1 < len(segs); i++ {
		for j := i + 2; j <= len(segs) && j-i <= 3; j++ {
			words := segs[i:j]
			latin := true
			for _, s := range words {
				latin = latin && s.kind == segLatin
			}
			if !latin || len(lexicon.Loanwords(f[words[0].start:words[len(words)-1].end])) > 0 {
				continue
			}
			parts := []string{""}
			for _, s := range words {
				kata := e.katakana(s.text)
				if len(kata) == 0 {
					parts = nil
					break
				}
				var next []string
				for _, p := range parts {
					for _, k := range kata[:min(len(kata), 3)] {
						next = append(next, p+k)
					}
				}
				parts = next
			}
			for _, p := range parts {
				c.add(f[:words[0].start] + p + f[words[len(words)-1].end:])
			}
		}
	}
}

// katakana lists the katakana words an English word is written as: its
// loanwords, and the katakana among its variants (repo → リポジトリ).
func (e *expander) katakana(english string) []string {
	out := lexicon.Loanwords(english)
	for _, v := range e.wordVariants(english) {
		if v != "" && strings.IndexFunc(v, func(r rune) bool { return !isKatakana(r) && r != longVowel }) < 0 && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// splitLoanword writes an English word that is two words glued (cleanup,
// monorepo) as the katakana of its halves: クリーンアップ, モノレポ.
func (e *expander) splitLoanword(f string, s segment, c *collector) {
	w := s.text
	if len(w) < 5 || len(w) > 24 || !isLatinText(w) {
		return
	}
	for i := 2; i <= len(w)-2; i++ {
		left := lexicon.Loanwords(w[:i])
		if len(left) == 0 {
			continue
		}
		right := e.katakana(w[i:])
		for _, l := range left[:min(len(left), 2)] {
			for _, r := range right[:min(len(right), 2)] {
				c.add(f[:s.start] + l + r + f[s.end:])
			}
		}
	}
}

// compounds writes a compound glued or apart: 障害訓練 ↔ 障害の訓練,
// SecurityHub ↔ Security Hub.
func (e *expander) compounds(t Term, f string, segs []segment, c *collector) {
	for i := 0; i+1 < len(segs); i++ {
		a, b := segs[i], segs[i+1]
		if a.end == b.start && a.kind != segHiragana && b.kind != segHiragana && a.kind != segOther && b.kind != segOther {
			c.add(f[:a.end] + "の" + f[b.start:])
		}
		if a.kind == segLatin && b.kind == segLatin && b.start == a.end+1 {
			c.add(f[:a.end] + f[b.start:])
		}
	}
	// 障害の訓練 → 障害訓練: a の between two words that are not kana.
	for i := 0; i < len(f); {
		j := strings.Index(f[i:], "の")
		if j < 0 {
			break
		}
		at := i + j
		before, _ := utf8.DecodeLastRuneInString(f[:at])
		after, _ := utf8.DecodeRuneInString(f[at+len("の"):])
		if (isHan(before) || isKatakana(before) || before == longVowel || isWordRune(before)) && (isHan(after) || isKatakana(after) || isWordRune(after)) {
			c.add(f[:at] + f[at+len("の"):])
		}
		i = at + len("の")
	}
	// CamelCase as typed (SecurityHub) is two words.
	if split := splitCamel(t.Text); split != t.Text {
		c.add(Fold(split))
	}
}

// okurigana puts in the kana a query left out between two kanji, where the
// diary has them (並替え → 並び替え), and leaves out the one or two it put
// in (並び替え → 並替え). The index's character pairs say which kana fit:
// only pairs the diary has, kanji-kana and kana-kanji, are tried.
func (e *expander) okurigana(f string, segs []segment, c *collector) {
	for i, s := range segs {
		if s.kind == segHiragana && i > 0 && i+1 < len(segs) && segs[i-1].kind == segKanji && segs[i+1].kind == segKanji &&
			segs[i-1].end == s.start && s.end == segs[i+1].start && utf8.RuneCountInString(s.text) <= 2 {
			c.add(f[:s.start] + f[s.end:])
		}
		if s.kind != segKanji {
			continue
		}
		for at := s.start; at < s.end; {
			_, size := utf8.DecodeRuneInString(f[at:])
			next := at + size
			if next >= s.end {
				break
			}
			_, size2 := utf8.DecodeRuneInString(f[next:])
			a, b := f[at:next], f[next:next+size2]
			if e.v.docFreq(fieldText, a+b) == 0 {
				for _, pair := range e.v.startingWith(fieldText, a, 400) {
					kana := pair[len(a):]
					r, n := utf8.DecodeRuneInString(kana)
					if n == len(kana) && isHiragana(r) && e.v.docFreq(fieldText, kana+b) > 0 {
						c.add(f[:next] + kana + f[next:])
					}
				}
			}
			at = next
		}
	}
}

// readingWords lists kanji spellings of a reading that the diary uses: a
// word of the dictionary, or a compound of several (しょうがいくんれん →
// 障害訓練), found by reading the kana left to right and keeping only
// spellings whose every character pair the index holds.
func (e *expander) readingWords(kana string) []string {
	type state struct {
		at   int
		text string
	}
	const beam = 24
	states := []state{{0, ""}}
	var done []string
	for steps := 0; len(states) > 0 && steps < 8; steps++ {
		var next []state
		for _, s := range states {
			for end := s.at; end < len(kana); {
				_, size := utf8.DecodeRuneInString(kana[end:])
				end += size
				prefix := kana[s.at:end]
				if !lexicon.IsReadingPrefix(prefix) {
					break
				}
				for _, w := range lexicon.Words(prefix) {
					text := s.text + w
					if e.v.textFreq(text) == 0 {
						continue
					}
					if end == len(kana) {
						done = append(done, text)
					} else {
						next = append(next, state{end, text})
					}
				}
			}
		}
		// Keep the spellings that read furthest with as few words, then
		// the ones the diary uses most.
		if len(next) > beam {
			sort.Slice(next, func(i, j int) bool {
				if next[i].at != next[j].at {
					return next[i].at > next[j].at
				}
				return e.v.textFreq(next[i].text) > e.v.textFreq(next[j].text)
			})
			next = next[:beam]
		}
		states = next
	}
	return done
}

// typos returns spellings of t that one slip of the keyboard or the IME
// away (round 2): the same reading in other kanji, one character wrong
// where the index holds nothing, a katakana word a letter off.
func (e *expander) typos(t Term) []candidate {
	f := Fold(t.Text)
	c := e.collector(f)
	for _, s := range segments(f) {
		if s.kind == segKanji {
			toks := analyse(s.text)
			at := s.start
			for i, tok := range toks {
				for j := i; j < len(toks) && j < i+2; j++ {
					end := at + len(strings.Join(toks[i:j+1], ""))
					w := f[at:end]
					for _, r := range lexicon.Readings(w) {
						for _, h := range lexicon.Words(r) {
							c.add(f[:at] + h + f[end:])
						}
					}
				}
				at += len(tok)
			}
		}
		// A word the diary has, alone or starting a longer one, is no
		// slip. Slips are rarely in the first character, and holding it
		// fixed spares a walk through every word of the index.
		if s.kind == segKatakana && utf8.RuneCountInString(s.text) >= 4 && fuzzyLength(s.text) && e.v.docFreq(fieldWord, s.text) == 0 && len(e.v.startingWith(fieldWord, s.text, 1)) == 0 {
			_, size := utf8.DecodeRuneInString(s.text)
			for _, near := range e.v.near(fieldWord, s.text, 1, s.text[:size]) {
				c.add(f[:s.start] + near + f[s.end:])
			}
		}
	}
	// A character pair the diary never has, in a word whose other pairs it
	// has, marks the slip (コロナ渦: ナ渦); the pairs it has with the first
	// character and another second of the same script say what was meant
	// (a kanji mistaken for a kana is no slip: スタコラ is not スタのラ). A
	// word none of whose pairs the diary has marks nothing: any pair that
	// starts the same would be a guess, and the most used ones, which would
	// be chosen, are in nearly every entry.
	tried := map[string]bool{}
	for _, p := range slipPairs(f, e.v) {
		if tried[p.gram] {
			continue
		}
		tried[p.gram] = true
		_, size := utf8.DecodeRuneInString(p.gram)
		slipped, _ := utf8.DecodeRuneInString(p.gram[size:])
		for _, near := range e.v.near(fieldText, p.gram, 1, p.gram[:size]) {
			meant, n := utf8.DecodeRuneInString(near[size:])
			if size+n == len(near) && kindOf(meant) == kindOf(slipped) {
				c.add(f[:p.at+size] + near[size:] + f[p.at+len(p.gram):])
			}
		}
	}
	return c.best()
}

type pairAt struct {
	gram string
	at   int
}

// slipPairs returns the character pairs of folded f that the diary never
// has, from the Japanese runs of f in which it has at least one other pair.
func slipPairs(f string, v *vocabulary) []pairAt {
	var out []pairAt
	eachRun([]byte(f), func(kind runKind, run []byte, start int) {
		if kind != runJapanese {
			return
		}
		var unseen []pairAt
		seen := false
		grams(run, func(g []byte, at int) {
			if utf8.RuneCount(g) != 2 {
				return
			}
			if v.docFreq(fieldText, string(g)) > 0 {
				seen = true
			} else {
				unseen = append(unseen, pairAt{string(g), start + at})
			}
		})
		if seen {
			out = append(out, unseen...)
		}
	})
	return out
}

// parts returns the words of a compound term to find anywhere in an entry
// (round 3), or nil if it has only one.
func (e *expander) parts(t Term) []string {
	var out []string
	for _, s := range segments(Fold(t.Text)) {
		if s.kind == segKanji || s.kind == segKatakana || s.kind == segLatin {
			for _, w := range splitKanji(s) {
				if e.v.textFreq(w) > 0 {
					out = append(out, w)
				}
			}
		}
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

func splitKanji(s segment) []string {
	if s.kind != segKanji || utf8.RuneCountInString(s.text) < 4 {
		return []string{s.text}
	}
	var out []string
	for _, tok := range analyse(s.text) {
		if utf8.RuneCountInString(tok) >= 2 {
			out = append(out, tok)
		}
	}
	if len(out) == 0 {
		return []string{s.text}
	}
	return out
}

// collector gathers candidates for one word, keeping those the diary uses.
type collector struct {
	e    *expander
	seen map[string]bool
	list []string
}

// collector starts gathering spellings of self (which is not one of them).
func (e *expander) collector(self string) *collector {
	return &collector{e: e, seen: map[string]bool{self: true}}
}

func (c *collector) add(s string) {
	s = strings.TrimSpace(Fold(s))
	if s == "" || c.seen[s] || len(c.list) >= maxCandidates {
		return
	}
	c.seen[s] = true
	c.list = append(c.list, s)
}

func (c *collector) pending() []string { return append([]string(nil), c.list...) }

// best returns the candidates the index holds, most used first.
func (c *collector) best() []candidate {
	var out []candidate
	for _, s := range c.list {
		if n := c.e.v.textFreq(s); n > 0 {
			out = append(out, candidate{s, n})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].freq > out[j].freq })
	if len(out) <= maxVariants {
		return out
	}
	// A spelling put together from character pairs (高い女, 高の女 for
	// 高女) counts every entry that has its pairs anywhere, so it
	// outnumbers a word the diary has as one (高等女学校): the words are
	// kept first, the guesses fill the rest.
	var words, guesses []candidate
	for _, cand := range out {
		if c.e.v.docFreq(fieldWord, cand.text) > 0 {
			words = append(words, cand)
		} else {
			guesses = append(guesses, cand)
		}
	}
	kept := append(words, guesses...)[:maxVariants]
	sort.SliceStable(kept, func(i, j int) bool { return kept[i].freq > kept[j].freq })
	return kept
}

// A segment is a piece of a folded query word: a Latin word, or a stretch
// of one script in Japanese text (hiragana, katakana, kanji).
type segment struct {
	kind       segKind
	text       string
	start, end int
}

type segKind int

const (
	segOther segKind = iota
	segLatin
	segHiragana
	segKatakana
	segKanji
)

func kindOf(r rune) segKind {
	switch {
	case isHan(r):
		return segKanji
	case isKatakana(r) || r == longVowel:
		return segKatakana
	case isHiragana(r):
		return segHiragana
	case isWordRune(r):
		return segLatin
	}
	return segOther
}

// segments cuts folded text where the script changes. Lookups join up to
// three neighbours, so a word and its okurigana (受け渡し: 受, け, 渡, し)
// are looked up together.
func segments(f string) []segment {
	var out []segment
	for i := 0; i < len(f); {
		r, size := utf8.DecodeRuneInString(f[i:])
		k := kindOf(r)
		j := i + size
		for j < len(f) {
			r2, s2 := utf8.DecodeRuneInString(f[j:])
			k2 := kindOf(r2)
			if k2 != k {
				break
			}
			j += s2
		}
		if k != segOther {
			out = append(out, segment{k, f[i:j], i, j})
		}
		i = j
	}
	return out
}

// fuzzyLength reports whether a katakana word is short enough to look for
// near spellings of: a loanword, not a pasted line of katakana, whose
// automaton would cost more than the search.
func fuzzyLength(w string) bool {
	n := utf8.RuneCountInString(w)
	return n >= 3 && n <= 24
}

// kanaPattern is a regular expression for the spellings of a katakana word
// that differ only in what spellings of loanwords disagree on: long-vowel
// marks (サーバーサイド, サーバサイド), small vowels (ウィ, ウイ), ヴ and ブ.
// Matched against the index's words, it follows a handful of paths through
// the dictionary where edit distance would walk much of it.
func kanaPattern(s string) string {
	var b strings.Builder
	for _, r := range s {
		if _, alternatives := kanaAlike(r); alternatives != "" {
			b.WriteString(alternatives + "ー?")
		}
	}
	return b.String()
}

// kanaAlike is how kanaPattern matches r: the spellings it allows, and
// one of them to stand for all (none for a mark it leaves out).
func kanaAlike(r rune) (canonical rune, alternatives string) {
	switch {
	case r == longVowel || r == '・':
		return 0, ""
	case strings.ContainsRune("ァィゥェォ", r):
		return r + 1, "[" + string(r) + string(r+1) + "]"
	case strings.ContainsRune("アイウエオ", r):
		return r, "[" + string(r) + string(r-1) + "]"
	case r == 'ヴ' || r == 'ブ':
		return 'ブ', "[ヴブ]"
	}
	return r, string(r)
}

// splitCamel puts a space where a lower-case letter meets an upper-case
// one: SecurityHub → Security Hub.
func splitCamel(s string) string {
	var b strings.Builder
	var prev rune
	for _, r := range s {
		if unicode.IsUpper(r) && unicode.IsLower(prev) {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

func isLatinText(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return !isWordRune(r) && r != ' ' && r != '-' && r != '.' }) < 0
}

func isASCIILetter(b byte) bool { return b >= 'a' && b <= 'z' }

// spellingRound, typoRound and partsRound rewrite q for one round: each
// query word becomes a choice of itself and its variants. They return the
// variants (to highlight) and the query as typed with each word written
// its most used way, or nil variants when the round has nothing to try.
func (e *expander) spellingRound(q Query) (Query, []string, string) {
	out, terms, suggestion := e.alternatives(q, e.spellings)
	// A word that is one of the diary's tags finds the entries tagged so,
	// even where their text never writes it.
	for i, clause := range q.Must {
		if len(clause) != 1 || clause[0].Phrase {
			continue
		}
		if tag := foldTag(clause[0].Text); tag != "" && e.v.docFreq(fieldTag, tag) > 0 {
			out.Must[i] = append(out.Must[i], Term{Text: tag, Tag: true})
			terms = append(terms, tag)
		}
	}
	// Two words typed apart that the diary writes as one (security hub,
	// SecurityHub): the glued word satisfies both.
	for i := 0; i+1 < len(q.Must); i++ {
		a, b := q.Must[i], q.Must[i+1]
		if len(a) != 1 || len(b) != 1 || a[0].Phrase || b[0].Phrase {
			continue
		}
		wa, wb := singleWord(a[0].Text), singleWord(b[0].Text)
		if glued := wa + wb; wa != "" && wb != "" && e.v.textFreq(glued) > 0 {
			out.Must[i] = append(out.Must[i], Term{Text: glued})
			out.Must[i+1] = append(out.Must[i+1], Term{Text: glued})
			terms = append(terms, glued)
		}
	}
	// Words typed one after another that the diary writes as their
	// initials (hot module replacement, HMR): the acronym satisfies all.
	for i := 0; i < len(q.Must); i++ {
		var words []string
		for j := i; j < len(q.Must) && j-i < maxAcronymLetters; j++ {
			c := q.Must[j]
			w := ""
			if len(c) == 1 && !c[0].Phrase {
				w = singleWord(c[0].Text)
			}
			if w == "" || !isLatinText(w) {
				break
			}
			words = append(words, w)
			if len(words) < 2 {
				continue
			}
			// Two letters are initials of too much (action semver, as):
			// they count only where the diary writes the two words
			// together too, and so knows what they stand for.
			if len(words) == 2 && e.v.docFreq(fieldWord, words[0]+" "+words[1]) == 0 {
				continue
			}
			if acr := initials(words); acr != "" && e.v.docFreq(fieldText, acr) > 0 {
				for k := i; k <= j; k++ {
					out.Must[k] = append(out.Must[k], Term{Text: acr})
				}
				terms = append(terms, acr)
			}
		}
	}
	return out, terms, suggestion
}

func (e *expander) typoRound(q Query) (Query, []string, string) {
	return e.alternatives(q, e.typos)
}

func (e *expander) alternatives(q Query, find func(Term) []candidate) (Query, []string, string) {
	out := q
	out.Must = make([][]Term, len(q.Must))
	var terms []string
	suggestion := e.typed
	for i, clause := range q.Must {
		out.Must[i] = append([]Term(nil), clause...)
		for _, t := range clause {
			cands := find(t)
			for _, c := range cands {
				out.Must[i] = append(out.Must[i], Term{Text: c.text, Phrase: t.Phrase || e.phrases[c.text]})
				terms = append(terms, c.text)
			}
			// Only words the diary never has are corrected; the rest of
			// the query stays as typed.
			if len(cands) > 0 && e.v.textFreq(Fold(t.Text)) == 0 {
				suggestion = strings.Replace(suggestion, t.Text, cands[0].text, 1)
			}
		}
	}
	return out, terms, suggestion
}

func (e *expander) partsRound(q Query) (Query, []string, string) {
	out := q
	out.Must = nil
	var terms []string
	for _, clause := range q.Must {
		if len(clause) == 1 && !clause[0].Phrase {
			if parts := e.parts(clause[0]); parts != nil {
				for _, p := range parts {
					out.Must = append(out.Must, []Term{{Text: p}})
				}
				terms = append(terms, parts...)
				continue
			}
		}
		out.Must = append(out.Must, clause)
	}
	return out, terms, ""
}
