package search

import (
	"archive/zip"
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/ikawaha/kagome-dict/dict"
	"github.com/ikawaha/kagome/v2/tokenizer"

	"github.com/tsuzuri/tsuzuri/internal/embedded"
)

// The index has two views of the text.
//
// The gram view (gramTerms) finds every substring: Japanese runs are cut
// into overlapping character pairs (plus the last character of each run, so
// one-character searches work), other words are kept whole. It needs no
// dictionary, so unknown words, new loanwords and word fragments are found,
// and it is fast enough to index years of notes in seconds.
//
// The word view (wordTerms) knows where words stand on their own, so a
// search for 京都 ranks notes about Kyoto above notes that only mention
// 東京都. Running the morphological analyser (kagome, IPA dictionary) over
// all text would make indexing several times slower, so it runs only where
// word boundaries are unclear: around runs of kanji. Elsewhere script
// changes mark the boundaries — a two-kanji run between kana is a word, and
// so is a katakana run.

// foldedText is a document's text, folded once for both of its views.
// Folding is a good part of the cost of indexing, and it happens lazily, in
// Bleve's analysis workers, so that it runs on every core.
type foldedText struct {
	raw    []byte
	once   sync.Once
	folded []byte
	runs   []textRun
	// kana and words size each view's count map (view.distinct); the
	// views of one text share them.
	kana, words int
}

// get returns the folded text and its runs.
func (t *foldedText) get() ([]byte, []textRun) {
	t.once.Do(func() {
		f := documentFolders.Get().(*folder)
		f.fold(unsafe.String(unsafe.SliceData(t.raw), len(t.raw)), false)
		t.folded = append([]byte(nil), f.out...)
		// The runs are found in the folder's buffer and kept at their
		// size: grown by appending, they were a sixteenth of what a
		// 100k import allocated.
		f.runs = appendRuns(f.runs[:0], t.folded)
		t.runs = append([]textRun(nil), f.runs...)
		markCapitals(t.runs, f.capitals)
		t.kana, t.words = sizes(t.runs)
		documentFolders.Put(f)
	})
	return t.folded, t.runs
}

// A run is a stretch of text of one kind, in folded form.
type runKind uint8

const (
	runWord     runKind = iota // space-separated word: Latin, digits, other alphabets
	runJapanese                // kanji and kana, written without spaces
)

// eachRun calls fn for every run of word characters or Japanese characters
// in folded text; everything else (spaces, punctuation, emoji) separates.
func eachRun(s []byte, fn func(kind runKind, run []byte, start int)) {
	start, kind := -1, runWord
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRune(s[i:])
		k, ok := classify(r)
		if start >= 0 && (!ok || k != kind) {
			fn(kind, s[start:i], start)
			start = -1
		}
		if ok && start < 0 {
			start, kind = i, k
		}
		i += size
	}
	if start >= 0 {
		fn(kind, s[start:], start)
	}
}

// classify is isJapanese and isWordRune in one, answering ASCII and kana,
// most of any diary's text, without Unicode's tables: indexing classifies
// every character of every entry, and the tables were a sixth of the
// analysis.
func classify(r rune) (kind runKind, ok bool) {
	switch {
	case r < utf8.RuneSelf:
		return runWord, 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	case isHiragana(r) || isKatakana(r) || r == longVowel:
		return runJapanese, true
	case isJapanese(r):
		return runJapanese, true
	case isWordRune(r):
		return runWord, true
	}
	return runWord, false
}

// textRun is one run of a text (see eachRun), kept so that a document's
// views share one pass over its text.
type textRun struct {
	start, end int
	kind       runKind
	// capital says a word run had a capital letter before folding (a
	// document's runs only): AWS, Hub, iPhone.
	capital bool
}

// markCapitals sets capital on each word run holding one of the offsets
// of capitals, which are in order, as runs are.
func markCapitals(runs []textRun, capitals []int32) {
	i := 0
	for r := range runs {
		for i < len(capitals) && int(capitals[i]) < runs[r].start {
			i++
		}
		if i == len(capitals) {
			return
		}
		runs[r].capital = runs[r].kind == runWord && int(capitals[i]) < runs[r].end
	}
}

func runsOf(folded []byte) []textRun { return appendRuns(nil, folded) }

func appendRuns(runs []textRun, folded []byte) []textRun {
	eachRun(folded, func(kind runKind, run []byte, start int) {
		runs = append(runs, textRun{kind: kind, start: start, end: start + len(run)})
	})
	return runs
}

// eachOf calls fn for each of runs, as eachRun would over folded.
func eachOf(folded []byte, runs []textRun, fn func(kind runKind, run []byte, start int)) {
	for _, r := range runs {
		fn(r.kind, folded[r.start:r.end], r.start)
	}
}

// maxTermBytes bounds one term: a 10 KB "word" (a pasted hash, base64) is
// not something anyone searches for, and huge terms bloat the dictionary.
const maxTermBytes = 120

// gramTerms calls emit with each term of the gram view of folded text,
// whose runs are runs.
func gramTerms(folded []byte, runs []textRun, emit func(term []byte)) {
	eachOf(folded, runs, func(kind runKind, run []byte, _ int) {
		if kind == runWord {
			if len(run) <= maxTermBytes {
				emit(run)
			}
			return
		}
		grams(run, func(gram []byte, _ int) { emit(gram) })
	})
}

// charTerms calls emit with each character of the Japanese runs of folded
// text: the char view. A one-character query (の, 見, ー — the first
// keystroke of most searches) is then one term. Found through the pairs it
// starts, it was a union of thousands of terms and took seconds on a large
// diary.
func charTerms(folded []byte, runs []textRun, emit func(term []byte)) {
	eachOf(folded, runs, func(kind runKind, run []byte, _ int) {
		if kind != runJapanese {
			return
		}
		for i := 0; i < len(run); {
			_, size := utf8.DecodeRune(run[i:])
			emit(run[i : i+size])
			i += size
		}
	})
}

// wordTerms calls emit with each term of the word view of folded text,
// whose runs are runs.
func wordTerms(folded []byte, runs []textRun, emit func(term []byte)) {
	pairs := wordPairer{folded: folded, emit: emit, sentences: true}
	for _, r := range runs {
		if r.kind == runJapanese {
			Words(folded[r.start:r.end], emit)
		}
		pairs.run(r)
	}
	pairs.end()
}

// wordPairs calls emit with each two words (Latin, digits) that stand next
// to each other in folded text (a query's), one separator apart.
func wordPairs(folded []byte, emit func(pair []byte)) {
	(&wordPairer{folded: folded, emit: emit}).all()
}

// all feeds the pairer every run of its folded text (a query's).
func (p *wordPairer) all() {
	eachRun(p.folded, func(kind runKind, run []byte, start int) {
		p.run(textRun{kind: kind, start: start, end: start + len(run)})
	})
	p.end()
}

// A line of Latin words longer than this is prose, not the name or term a
// Japanese note writes among its kana (AWS Security Hub, screen reader).
const maxTermWords = 4

// wordPairer finds a text's word pairs run by run, so the word view needs
// no pass of its own for them: each two words (Latin, digits) one
// separator apart on one line. In a document (sentences), a longer line of
// words is prose, and its pairs are kept only where a word has a capital
// (Yorkshire Sculpture, Subsystem for, for Linux): every "you can" and "of
// the" of English prose was a fifth of the index and two thirds of its
// terms, and made an English note twice the work of a Japanese one. Those
// pairs rank notes with words together first and name what an acronym
// stands for; a quoted phrase is found in the text without them (see
// literal.go).
type wordPairer struct {
	folded    []byte
	emit      func(pair []byte) // nil: only lines are wanted
	lines     func(line []byte) // nil, or each line of two words or more
	sentences bool
	line      []textRun // the words next to each other so far
}

func (p *wordPairer) run(r textRun) {
	if r.kind != runWord {
		p.end()
		return
	}
	if n := len(p.line); n > 0 {
		last := p.line[n-1]
		if r.start != last.end+1 || p.folded[last.end] == '\n' {
			p.end()
		}
	}
	p.line = append(p.line, r)
}

// end emits the pairs of the line of words so far and starts another.
func (p *wordPairer) end() {
	if p.lines != nil && len(p.line) >= 2 {
		p.lines(p.folded[p.line[0].start:p.line[len(p.line)-1].end])
	}
	prose := p.sentences && len(p.line) > maxTermWords
	for i := 1; p.emit != nil && i < len(p.line); i++ {
		a, b := p.line[i-1], p.line[i]
		if b.end-a.start <= maxTermBytes && (!prose || a.capital || b.capital) {
			p.emit(p.folded[a.start:b.end])
		}
	}
	p.line = p.line[:0]
}

// grams calls fn with each pair of adjacent characters of a Japanese run and
// then its last character alone.
func grams(run []byte, fn func(gram []byte, at int)) {
	prev := 0
	_, first := utf8.DecodeRune(run)
	for i := first; i < len(run); {
		_, size := utf8.DecodeRune(run[i:])
		fn(run[prev:i+size], prev)
		prev = i
		i += size
	}
	fn(run[prev:], prev)
}

// Words calls fn with each word the word view indexes in a folded Japanese
// run: katakana words, and the words the morphological analyser finds in
// each run of two or more kanji. The analyser sees the kanji and up to two
// kana after them: enough to tell 見込み (one word) from 見込 + が, and
// 意気地 from 意気, while reading only a fifth of the text. Measured on the
// dev corpus against the analyser run over whole entries, this agrees on
// 99.2% of the entries containing a two-kanji word.
func Words(run []byte, fn func(word []byte)) {
	for i := 0; i < len(run); {
		r, size := utf8.DecodeRune(run[i:])
		switch {
		case isHan(r):
			j := i + size
			n := 1
			for j < len(run) {
				r, size := utf8.DecodeRune(run[j:])
				if !isHan(r) {
					break
				}
				j += size
				n++
			}
			if n >= 2 {
				kanjiWords(run, i, j, fn)
			}
			i = j
		case isKatakana(r):
			j := i + size
			n := 1
			for j < len(run) {
				r, size := utf8.DecodeRune(run[j:])
				if !isKatakana(r) && r != longVowel {
					break
				}
				j += size
				n++
			}
			if n >= 2 && j-i <= maxTermBytes {
				fn(run[i:j])
			}
			i = j
		default:
			i += size
		}
	}
}

// kanjiWords emits the analyser's words inside the kanji run run[from:to],
// and the whole run when it is a compound of three or more kanji.
func kanjiWords(run []byte, from, to int, fn func(word []byte)) {
	end := to
	for k := 0; k < 2 && end < len(run); k++ {
		r, size := utf8.DecodeRune(run[end:])
		if !isHiragana(r) && !isKatakana(r) && r != longVowel {
			break
		}
		end += size
	}
	at := from
	for _, tok := range words.get(run[from:end]) {
		next := at + len(tok)
		if next <= to && utf8.RuneCountInString(tok) >= 2 {
			fn(run[at:next])
		}
		at = next
	}
	if utf8.RuneCount(run[from:to]) >= 3 && to-from <= maxTermBytes {
		fn(run[from:to])
	}
}

// analyserDict is the IPA dictionary (kagome-dict/ipa) cut down by
// lexicon/gen to what finding word boundaries needs: no parts of speech,
// base forms or readings, since only surfaces are read. That is 8 MB in the
// binary instead of the package's 11.7, and keeps the features (over 110 MB
// decoded) out of the heap. The cuts are the same (checked over the whole
// dev corpus).
//
//go:embed analyser.dict
var analyserDict string

var (
	kagomeOnce sync.Once
	kagome     *tokenizer.Tokenizer
	kagomeErr  error
)

// analyse cuts s into dictionary words (surface forms, in order). The
// dictionary is loaded once per process, on first use.
func analyse(s string) []string {
	kagomeOnce.Do(func() {
		kagome, kagomeErr = loadAnalyser()
	})
	if kagomeErr != nil {
		return nil
	}
	toks := kagome.Analyze(s, tokenizer.Normal)
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Surface
	}
	return out
}

func loadAnalyser() (*tokenizer.Tokenizer, error) {
	zr, err := zip.NewReader(strings.NewReader(analyserDict), int64(len(analyserDict)))
	if err != nil {
		return nil, fmt.Errorf("analyser dictionary: %w", err)
	}
	d, err := dict.Load(zr, false)
	if err != nil {
		return nil, fmt.Errorf("analyser dictionary: %w", err)
	}
	embedded.Release(analyserDict)
	return tokenizer.New(d, tokenizer.OmitBosEos())
}

// Warm loads the analyser's dictionary, which otherwise loads on the first
// search that needs it: a few hundred milliseconds a person typing would
// wait for. (The lexicon needs no loading: it is searched where it lies.)
func Warm() {
	analyse("")
}

// words caches the analyser's cuts of kanji runs. The same compounds come
// back all through a diary (会議, 自動的に, 障害対応), and the analyser is
// the most expensive step of indexing.
var words = newWordCache(64, 2048)

type wordCache struct {
	shards []wordShard
	limit  int
}

type wordShard struct {
	mu sync.Mutex
	m  map[string][]string
}

// newWordCache leaves its maps to grow with use: made at their full size
// they were 15 MB of the heap from the start, raising every collection's
// goal by as much, for a cache that fills only while notes are indexed.
func newWordCache(shards, perShard int) *wordCache {
	return &wordCache{shards: make([]wordShard, shards), limit: perShard}
}

func (c *wordCache) get(s []byte) []string {
	var h uint32 = 2166136261
	for _, b := range s {
		h = (h ^ uint32(b)) * 16777619
	}
	shard := &c.shards[h%uint32(len(c.shards))]
	shard.mu.Lock()
	got, ok := shard.m[string(s)]
	shard.mu.Unlock()
	if ok {
		return got
	}
	got = analyse(string(s))
	shard.mu.Lock()
	if shard.m == nil {
		shard.m = make(map[string][]string)
	}
	if len(shard.m) >= c.limit {
		// Forgetting a whole shard is cruder than LRU but costs nothing
		// per hit, and the common words are back within a few entries.
		clear(shard.m)
	}
	shard.m[string(s)] = got
	shard.mu.Unlock()
	return got
}

var folderPool = sync.Pool{New: func() any { return new(folder) }}

// documentFolders fold documents' text, noting where capitals were.
var documentFolders = sync.Pool{New: func() any { return &folder{capitals: []int32{}} }}

// foldBytes folds b into a new slice: tokens point into it, and Bleve keeps
// them after Analyze returns.
func foldBytes(b []byte) []byte {
	f := folderPool.Get().(*folder)
	f.fold(string(b), false)
	out := make([]byte, len(f.out))
	copy(out, f.out)
	folderPool.Put(f)
	return out
}
