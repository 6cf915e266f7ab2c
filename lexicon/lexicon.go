// Package lexicon answers the questions search asks about Japanese words:
// how else a word is spelled (打ち合わせ, 打合せ), how it is read (障害 →
// しょうがい), which words a reading writes, and which loanwords an English
// word became (edge → エッジ). Words go in and come out folded as search
// folds them.
//
// The tables are generated from UniDic and SudachiDict's synonym dictionary
// by gen/ (`make lexicon`) and embedded gzipped; see NOTICE for their
// licences. They are decoded once, on first use or when Load is called
// early (the app does that in the background at start).
package lexicon

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"unsafe"
)

var (
	//go:embed variants.tsv.gz
	variantsGz []byte
	//go:embed readings.tsv.gz
	readingsGz []byte
	//go:embed yomi.tsv.gz
	yomiGz []byte
	//go:embed loanwords.tsv.gz
	loanwordsGz []byte
	//go:embed tech.txt
	techTxt string
)

// table is sorted lines "key\tvalue\tvalue…" kept as one string, searched
// by binary search over line starts: a few MB and one slice, where maps of
// the same words would be several times the size in the heap.
type table struct {
	data  string
	lines []uint32
}

func decode(gz []byte) table {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		panic("lexicon: embedded table is corrupt: " + err.Error())
	}
	// gzip ends with the size of what it holds: one allocation, kept as
	// the table's string without a copy (it is never written again).
	b := make([]byte, binary.LittleEndian.Uint32(gz[len(gz)-4:]))
	if _, err := io.ReadFull(zr, b); err != nil {
		panic("lexicon: embedded table is corrupt: " + err.Error())
	}
	t := table{data: unsafe.String(unsafe.SliceData(b), len(b)), lines: make([]uint32, 0, bytes.Count(b, []byte{'\n'}))}
	for at := 0; at < len(b); {
		t.lines = append(t.lines, uint32(at))
		nl := bytes.IndexByte(b[at:], '\n')
		if nl < 0 {
			break
		}
		at += nl + 1
	}
	return t
}

func (t table) line(i int) string {
	end := len(t.data)
	if i+1 < len(t.lines) {
		end = int(t.lines[i+1]) - 1
	}
	return t.data[t.lines[i]:end]
}

func (t table) key(i int) string {
	l := t.line(i)
	if tab := strings.IndexByte(l, '\t'); tab >= 0 {
		return l[:tab]
	}
	return l
}

// get returns the values filed under key.
func (t table) get(key string) []string {
	i := sort.Search(len(t.lines), func(i int) bool { return t.key(i) >= key })
	if i == len(t.lines) || t.key(i) != key {
		return nil
	}
	_, values, _ := strings.Cut(t.line(i), "\t")
	return strings.Split(values, "\t")
}

// has reports whether any key starts with prefix.
func (t table) has(prefix string) bool {
	i := sort.Search(len(t.lines), func(i int) bool { return t.key(i) >= prefix })
	return i < len(t.lines) && strings.HasPrefix(t.key(i), prefix)
}

type tables struct {
	variants, readings, yomi, loans table
	tech                            map[string][]string
}

var (
	once   sync.Once
	loaded *tables
)

// Load decodes the tables if that has not happened yet. It is safe to call
// from several goroutines; later calls wait for the first.
func Load() {
	once.Do(func() {
		t := &tables{tech: parseGroups(techTxt)}
		var wg sync.WaitGroup
		for dst, src := range map[*table][]byte{&t.variants: variantsGz, &t.readings: readingsGz, &t.yomi: yomiGz, &t.loans: loanwordsGz} {
			wg.Go(func() { *dst = decode(src) })
		}
		wg.Wait()
		loaded = t
	})
}

func get() *tables {
	Load()
	return loaded
}

// Variants lists other spellings of the word as one lexeme: okurigana and
// kanji/kana spellings (打合せ, 打ち合わせ), long-vowel spellings,
// abbreviations and alphabetic forms (DB, データベース, database).
func Variants(word string) []string {
	t := get()
	return union(t.variants.get(word), t.tech[word])
}

// Words lists the words written with kanji that read as reading (in
// hiragana): しょうがい → 障害, 生涯, ….
func Words(reading string) []string { return get().readings.get(reading) }

// IsReadingPrefix reports whether some word's reading starts with prefix,
// so a search for how a long reading splits into words can stop early.
func IsReadingPrefix(prefix string) bool { return get().readings.has(prefix) }

// Readings lists how a word written with kanji is read, in hiragana.
func Readings(word string) []string { return get().yomi.get(word) }

// Loanwords lists the katakana words that came from an English word or
// phrase: edge → エッジ, trade-off → トレードオフ.
func Loanwords(english string) []string { return get().loans.get(english) }

// EnglishWords lists the English words with a loanword that start with
// first, end with last and have n letters in between: what a numeronym
// such as a11y or o11y can stand for.
func EnglishWords(first, last byte, n int) []string {
	t := get().loans
	var out []string
	i := sort.Search(len(t.lines), func(i int) bool { return t.key(i) >= string(first) })
	for ; i < len(t.lines); i++ {
		k := t.key(i)
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
