package search

import (
	"slices"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold returns the search form of s: what both the index and queries see,
// so that the ways people type one word meet.
//   - NFKC: full-width ASCII becomes ASCII, half-width ｶﾀｶﾅ becomes カタカナ,
//     compatibility characters (①, ㈱) become plain ones;
//   - lower case;
//   - a hyphen or wave dash right after katakana is a long-vowel mark
//     (サーバ－, コンテナ〜): old encodings and wrong keys write it so;
//   - a long-vowel mark ending a katakana word of three or more characters
//     is dropped (サーバー = サーバ, ユーザー = ユーザ), as Japanese style
//     guides disagree on it; short words keep theirs (バー is not バ).
//
// Invalid UTF-8 is replaced, never passed on.
func Fold(s string) string {
	f := folderPool.Get().(*folder)
	defer folderPool.Put(f)
	f.fold(s, false)
	return string(f.out)
}

// folder folds text and, when asked, remembers for each output byte which
// bytes of the input it came from, so a match found in folded text can be
// marked in the original.
type folder struct {
	out   []byte
	start []int32 // input offset where the input producing out[i] begins
	end   []int32 // …and ends

	// Long-vowel marks that may end a katakana word are held back until the
	// next character shows whether the word goes on.
	pending      []byte
	pendingStart []int32
	pendingEnd   []int32
	kataRun      int // katakana characters written in the current run

	// capitals lists, when the caller sets it non-nil, the offsets in out
	// of letters that were capitals before folding: the word view pairs
	// words of English prose only where they look like a name.
	capitals []int32

	runs []textRun // a document's runs, found here before they are kept

	// norm walks a stretch through NFKC. Kept here, not made per stretch,
	// as it escapes to the heap: a kilobyte for each stretch of a text
	// was a sixth of what a search allocated, snippets included.
	norm norm.Iter
}

const longVowel = 'ー'

func (f *folder) fold(s string, track bool) {
	f.out = f.out[:0]
	if f.capitals != nil {
		f.capitals = f.capitals[:0]
	}
	f.start, f.end = f.start[:0], f.end[:0]
	f.pending = f.pending[:0]
	f.pendingStart, f.pendingEnd = f.pendingStart[:0], f.pendingEnd[:0]
	f.kataRun = 0
	for i := 0; i < len(s); {
		if f.kataRun == 0 && (!track || copyWhileTracking) {
			if n := f.copyFolded(s[i:]); n > 0 {
				if track {
					f.trackCopied(s[i:i+n], int32(i))
				}
				i += n
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		next := i + size
		if settled(r) && (next == len(s) || settled(firstRune(s[next:]))) {
			if r >= 'A' && r <= 'Z' {
				r += 'a' - 'A'
				f.noteCapital()
			}
			f.emit(r, int32(i), int32(next), track)
			i = next
			continue
		}
		// Up to the next settled character, the text may compose or
		// decompose: normalise that stretch as a whole.
		for next < len(s) {
			r, size := utf8.DecodeRuneInString(s[next:])
			if settled(r) {
				break
			}
			next += size
		}
		f.foldStretch(s[i:next], int32(i), track)
		i = next
	}
	f.flush(false, track)
}

// copyFolded appends the longest start of s that folding leaves as it is
// and that needs no katakana rules (settled characters but upper case,
// katakana and the long-vowel mark), and returns its length.
func (f *folder) copyFolded(s string) int {
	n := 0
	for n < len(s) {
		if c := s[n]; c < utf8.RuneSelf {
			if c >= 'A' && c <= 'Z' {
				break
			}
			n++
			continue
		}
		r, size := decodeThreeBytes(s[n:])
		if !settled(r) || isKatakana(r) || r == longVowel {
			break
		}
		n += size
	}
	if n < len(s) && !settled(firstRune(s[n:])) {
		// The last character may compose with what follows it.
		_, size := utf8.DecodeLastRuneInString(s[:n])
		n -= size
	}
	f.out = append(f.out, s[:n]...)
	return n
}

// decodeThreeBytes decodes the first character of s as DecodeRuneInString
// does, kana and kanji (three bytes from U+3000) without its general path,
// which took a quarter of the time of highlighting a page's hits.
func decodeThreeBytes(s string) (rune, int) {
	if len(s) >= 3 && s[0]&0xF0 == 0xE0 && s[1]&0xC0 == 0x80 && s[2]&0xC0 == 0x80 {
		// From U+3000 the encoding is not an overlong one.
		if r := rune(s[0]&0x0F)<<12 | rune(s[1]&0x3F)<<6 | rune(s[2]&0x3F); r >= 0x3000 && (r < 0xD800 || r > 0xDFFF) {
			return r, 3
		}
	}
	return utf8.DecodeRuneInString(s)
}

// copyWhileTracking lets a fold that maps its output to the input copy
// what folding leaves as it is, as an untracked fold does. Highlighting a
// page's hits folded each character on its own; copying, it takes about
// 40 % less time. Tests turn it off to compare.
var copyWhileTracking = true

// trackCopied maps the bytes copyFolded just copied from s, which starts at
// offset base of the text, each to the character it is part of.
func (f *folder) trackCopied(s string, base int32) {
	f.start, f.end = slices.Grow(f.start, len(s)), slices.Grow(f.end, len(s))
	for j := 0; j < len(s); {
		size := 1 // what copyFolded copies is valid UTF-8: the lead byte tells the length
		switch c := s[j]; {
		case c >= 0xF0:
			size = 4
		case c >= 0xE0:
			size = 3
		case c >= 0xC0:
			size = 2
		}
		from, to := base+int32(j), base+int32(j+size)
		for range size {
			f.start = append(f.start, from)
			f.end = append(f.end, to)
		}
		j += size
	}
}

// settled reports whether r is its own NFKC form and composes with no
// character before it: ASCII, kana, the common kanji and Japanese
// punctuation, which are nearly all of a Japanese diary. A settled
// character followed by another is folded as it stands (ASCII upper case
// lowered by hand), without the normaliser, which took most of the time
// of folding.
func settled(r rune) bool {
	return r < utf8.RuneSelf ||
		(r >= 'ぁ' && r <= 'ゖ') || (r >= 'ァ' && r <= 'ヺ') || r == longVowel ||
		(r >= '\u4e00' && r <= '\u9fff') || r == '、' || r == '。'
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// foldStretch folds s, which starts at offset base of the text, through
// the normaliser.
func (f *folder) foldStretch(s string, base int32, track bool) {
	it := &f.norm
	it.InitString(norm.NFKC, s)
	for !it.Done() {
		from := base + int32(it.Pos())
		seg := it.Next()
		to := base + int32(it.Pos())
		for len(seg) > 0 {
			r, size := utf8.DecodeRune(seg)
			seg = seg[size:]
			if r == utf8.RuneError && size <= 1 {
				r = unicode.ReplacementChar
			}
			if unicode.IsUpper(r) {
				f.noteCapital()
			}
			f.emit(unicode.ToLower(r), from, to, track)
		}
	}
}

// noteCapital records that the letter about to be emitted was a capital.
// Letters are not katakana, so emitting one drops any held-back long vowel
// and writes it where out ends now.
func (f *folder) noteCapital() {
	if f.capitals != nil {
		f.capitals = append(f.capitals, int32(len(f.out)))
	}
}

func (f *folder) emit(r rune, from, to int32, track bool) {
	if f.kataRun > 0 && isLongVowelLookalike(r) {
		r = longVowel
	}
	if r == longVowel && f.kataRun > 0 {
		if f.kataRun+len(f.pending)/3 >= 2 {
			f.pending = utf8.AppendRune(f.pending, r)
			if track {
				f.pendingStart = append(f.pendingStart, from)
				f.pendingEnd = append(f.pendingEnd, to)
			}
			return
		}
		f.kataRun++
		f.write(r, from, to, track)
		return
	}
	if isKatakana(r) {
		f.flush(true, track)
		f.kataRun++
		f.write(r, from, to, track)
		return
	}
	f.flush(false, track)
	f.kataRun = 0
	f.write(r, from, to, track)
}

// flush writes held-back long-vowel marks if the katakana word goes on
// (keep), and drops them if it ended.
func (f *folder) flush(keep bool, track bool) {
	if len(f.pending) == 0 {
		return
	}
	if keep {
		for i := 0; len(f.pending) > 0; i++ {
			var from, to int32
			if track {
				from, to = f.pendingStart[i], f.pendingEnd[i]
			}
			f.kataRun++
			f.write(longVowel, from, to, track)
			f.pending = f.pending[3:]
		}
	}
	f.pending = f.pending[:0]
	f.pendingStart, f.pendingEnd = f.pendingStart[:0], f.pendingEnd[:0]
}

func (f *folder) write(r rune, from, to int32, track bool) {
	n := len(f.out)
	f.out = utf8.AppendRune(f.out, r)
	if track {
		for range len(f.out) - n {
			f.start = append(f.start, from)
			f.end = append(f.end, to)
		}
	}
}

// isLongVowelLookalike reports whether r, right after katakana, is a
// long-vowel mark typed with the wrong key or converted from old encodings:
// サーバ－ (full-width hyphen, after NFKC "-"), ‐, ～ and 〜.
func isLongVowelLookalike(r rune) bool {
	switch r {
	case '-', '‐', '‑', '−', '~', '〜', '～':
		return true
	}
	return false
}

func isKatakana(r rune) bool {
	return (r >= 'ァ' && r <= 'ヺ') || r == 'ヽ' || r == 'ヾ'
}

func isHiragana(r rune) bool {
	return (r >= 'ぁ' && r <= 'ゖ') || r == 'ゝ' || r == 'ゞ'
}

func isHan(r rune) bool {
	return unicode.Is(unicode.Han, r) || r == '々' || r == '〆' || r == 'ヶ'
}

// isJapanese reports whether r is written in runs without spaces between
// words, which the index cuts into overlapping pairs of characters.
func isJapanese(r rune) bool {
	return isHan(r) || isHiragana(r) || isKatakana(r) || r == longVowel
}

// isWordRune reports whether r belongs to a space-separated word (Latin
// letters, digits, other alphabets).
func isWordRune(r rune) bool {
	return (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)) && !isJapanese(r)
}
