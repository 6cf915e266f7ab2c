package search

import (
	"bytes"
	"html"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Highlights returns the byte ranges of text, in order and not overlapping,
// where any of terms (folded, as Result.Terms gives them) occurs. Matching
// is on the folded text, so ｻｰﾊﾞ finds サーバー and the range covers the
// whole of what was written.
func Highlights(text string, terms []string) [][2]int {
	f := folderPool.Get().(*folder)
	defer folderPool.Put(f)
	return highlights(f, text, terms)
}

func highlights(f *folder, text string, terms []string) [][2]int {
	f.fold(text, true)
	var spans [][2]int
	for _, t := range terms {
		needle := []byte(Fold(t))
		if len(bytes.TrimSpace(needle)) == 0 {
			continue
		}
		for at := 0; ; {
			i := bytes.Index(f.out[at:], needle)
			if i < 0 {
				break
			}
			a, b := at+i, at+i+len(needle)
			end := int(f.end[b-1])
			if !bytes.HasPrefix(f.out[b:], []byte("ー")) {
				end = droppedMarks(text, end)
			}
			spans = append(spans, [2]int{int(f.start[a]), end})
			at = b
		}
	}
	if len(spans) == 0 {
		return [][2]int{}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
	merged := spans[:1]
	for _, s := range spans[1:] {
		last := &merged[len(merged)-1]
		if s[0] <= last[1] {
			last[1] = max(last[1], s[1])
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// droppedMarks moves end past long-vowel marks folding dropped (the caller
// knows the folded text did not keep them), so highlighting サーバ in
// サーバー marks the whole word.
func droppedMarks(text string, end int) int {
	for end < len(text) {
		r, size := utf8.DecodeRuneInString(text[end:])
		if r != 'ー' && r != 'ｰ' {
			break
		}
		end += size
	}
	return end
}

// snippetScan bounds how much of an entry a snippet looks through. Finding
// matches folds the text with the offset of every byte, eight bytes a byte:
// on a 30 MB entry that was seconds and hundreds of MB for every search
// that listed it. A diary entry is rarely over a few KB; in a larger one a
// snippet comes from its first MB.
const snippetScan = 1 << 20

// Snippet returns about maxRunes characters of text around the densest group
// of matches of terms as HTML: text escaped, matches in <mark>, whitespace
// collapsed, "…" where text was cut. With no match (in the first
// snippetScan bytes) it shows the beginning.
func Snippet(text string, terms []string, maxRunes int) string {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	scan := text
	if len(scan) > snippetScan {
		cut := snippetScan
		for cut > 0 && !utf8.RuneStart(scan[cut]) {
			cut--
		}
		scan = scan[:cut]
	}
	spans := Highlights(scan, terms)
	from, to := window(text, spans, maxRunes)
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	at := from
	for _, s := range spans {
		if s[1] <= from || s[0] >= to {
			continue
		}
		s[0], s[1] = max(s[0], from), min(s[1], to)
		writeText(&b, text[at:s[0]])
		b.WriteString("<mark>")
		writeText(&b, text[s[0]:s[1]])
		b.WriteString("</mark>")
		at = s[1]
	}
	writeText(&b, text[at:to])
	if to < len(text) {
		b.WriteString("…")
	}
	return strings.TrimSpace(b.String())
}

// window picks the byte range of at most maxRunes runes that holds the most
// matches, starting a little before the first of them.
func window(text string, spans [][2]int, maxRunes int) (from, to int) {
	if maxRunes <= 0 {
		maxRunes = 120
	}
	best, bestCount := 0, -1
	for i, s := range spans {
		end := advance(text, s[0], maxRunes*3/4)
		n := 0
		for _, t := range spans[i:] {
			if t[1] > end {
				break
			}
			n++
		}
		if n > bestCount {
			best, bestCount = s[0], n
		}
	}
	if bestCount >= 0 {
		from = back(text, best, maxRunes/5)
	}
	return from, advance(text, from, maxRunes)
}

// advance moves n runes forward from byte offset i.
func advance(text string, i, n int) int {
	for ; n > 0 && i < len(text); n-- {
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	return i
}

// back moves up to n runes back from i, stopping after a sentence end or a
// line break so the snippet starts where a reader would.
func back(text string, i, n int) int {
	for ; n > 0 && i > 0; n-- {
		r, size := utf8.DecodeLastRuneInString(text[:i])
		if r == '。' || r == '\n' || r == '．' || r == '！' || r == '？' {
			return i
		}
		i -= size
	}
	return i
}

// writeText escapes s into b with runs of whitespace made one space.
func writeText(b *strings.Builder, s string) {
	space := false
	start := 0
	for i, r := range s {
		if unicode.IsSpace(r) {
			if !space {
				b.WriteString(html.EscapeString(s[start:i]))
				b.WriteByte(' ')
				space = true
			}
			start = i + utf8.RuneLen(r)
			continue
		}
		space = false
	}
	b.WriteString(html.EscapeString(s[start:]))
}
