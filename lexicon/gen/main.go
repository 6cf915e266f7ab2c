// Command gen converts the dictionaries Tsuzuri's search draws on into the
// compact tables embedded in package lexicon. It is a module of its own so
// that the large source dictionary (UniDic, through kagome-dict/uni) is
// needed only to regenerate the tables, never to build the app.
//
//	make lexicon    # fetches the pinned sources and runs this
//
// Sources (versions pinned here and in the Makefile):
//   - UniDic 2.1.2 as packaged by github.com/ikawaha/kagome-dict/uni v1.2.6:
//     spelling variants of one lexeme (orthographies sharing a lemma),
//     readings, and the English originals of loanwords (lemmas such as
//     エッジ-edge).
//   - SudachiDict's synonym dictionary, npm sudachi-synonyms-dictionary
//     18.0.0: spelling variants, abbreviations and alphabetic forms of one
//     lexeme (same vocabulary number within a group).
//   - The IPA dictionary as packaged by github.com/ikawaha/kagome-dict/ipa
//     (version in go.mod): search's analyser dictionary, written to
//     search/analyser.dict without the word features search never reads.
package main

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ikawaha/kagome-dict/dict"
	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/ikawaha/kagome-dict/uni"

	"github.com/tsuzuri/tsuzuri/search"
)

// UniDic's feature columns as kagome-dict stores them (part of speech kept
// apart, in the POS table).
const (
	colLForm    = 2 // reading of the lemma, katakana
	colLemma    = 3
	colOrth     = 4
	colOrthBase = 6
	colGoshu    = 8 // word origin: 和 native, 漢 Sino-Japanese, 外 foreign, 混 mixed
)

func main() {
	sudachi := flag.String("sudachi", "", "path to sudachi-synonyms-dictionary.json")
	out := flag.String("out", "..", "folder to write the tables to")
	analyser := flag.String("analyser", "../../search/analyser.dict", "file to write search's analyser dictionary to")
	flag.Parse()
	if *sudachi == "" {
		log.Fatal("gen: -sudachi is required")
	}
	t := newTables()
	t.readUniDic()
	if err := t.readSudachi(*sudachi); err != nil {
		log.Fatal(err)
	}
	for name, table := range map[string]map[string]set{
		"variants.tsv":  t.variants,
		"readings.tsv":  t.readings,
		"yomi.tsv":      t.yomi,
		"loanwords.tsv": t.loans,
	} {
		if err := write(filepath.Join(*out, name), table); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %d keys\n", name, len(table))
	}
	if err := writeAnalyser(*analyser); err != nil {
		log.Fatal(err)
	}
}

// writeAnalyser saves the IPA dictionary with only what cutting text into
// words needs. Search reads token surfaces alone; without the word features
// (parts of speech, base forms, readings) the dictionary is 8 MB instead of
// the package's 11.7, and the app reads it where it lies in the binary
// instead of copying the package's whole archive at every start.
func writeAnalyser(path string) error {
	d := ipa.DictShrink()
	d.POSTable = dict.POSTable{}
	d.Contents = nil
	d.ContentsMeta = nil
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	if err := d.Save(zw); err != nil {
		return fmt.Errorf("analyser dictionary: %w", err)
	}
	if err := zw.Close(); err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		return err
	}
	fmt.Printf("%s: %d bytes\n", filepath.Base(path), st.Size())
	return f.Close()
}

type set map[string]bool

type tables struct {
	variants map[string]set // folded word → other spellings of the same lexeme
	readings map[string]set // reading in hiragana → words written with kanji
	yomi     map[string]set // word written with kanji → its readings in hiragana
	loans    map[string]set // English word or phrase (folded) → katakana loanwords
}

func newTables() *tables {
	return &tables{variants: map[string]set{}, readings: map[string]set{}, yomi: map[string]set{}, loans: map[string]set{}}
}

func add(m map[string]set, key, value string) {
	if key == "" || value == "" || key == value {
		return
	}
	if m[key] == nil {
		m[key] = set{}
	}
	m[key][value] = true
}

// group links every member of a group of spellings with every other.
func group(m map[string]set, words []string) {
	for _, a := range words {
		for _, b := range words {
			add(m, a, b)
		}
	}
}

func (t *tables) readUniDic() {
	d := uni.Dict()
	lexemes := map[string][]string{}
	for i, c := range d.Contents {
		if len(c) <= colGoshu {
			continue
		}
		pos := posName(d.POSTable.NameList, d.POSTable.POSs[i])
		if strings.HasPrefix(pos, "名詞-固有名詞") || strings.HasPrefix(pos, "補助記号") || strings.HasPrefix(pos, "記号") {
			continue
		}
		orth, lemma, lform := c[colOrth], c[colLemma], c[colLForm]
		// Inflected forms (行っ, 行か) would only add noise: people search
		// for words as a dictionary writes them.
		if orth != c[colOrthBase] || utf8.RuneCountInString(orth) < 2 && !hasHan(orth) {
			continue
		}
		folded := search.Fold(orth)
		if english, ok := strings.CutPrefix(lemma, katakanaPrefix(lemma)); ok && c[colGoshu] == "外" && strings.HasPrefix(english, "-") {
			english = strings.TrimPrefix(english, "-")
			if i := strings.IndexAny(english, "（("); i >= 0 {
				english = english[:i]
			}
			if isLatin(english) && isKatakanaWord(folded) {
				addLoan(t.loans, search.Fold(english), folded)
				// A note may have the English where the query has katakana.
				add(t.variants, folded, search.Fold(english))
			}
			continue
		}
		key := lemma + "\t" + lform
		if !slices.Contains(lexemes[key], folded) {
			lexemes[key] = append(lexemes[key], folded)
		}
		if hasHan(orth) && utf8.RuneCountInString(lform) >= 2 {
			kana := search.Fold(toHiragana(lform))
			add(t.readings, kana, folded)
			add(t.yomi, folded, kana)
		}
	}
	for _, words := range lexemes {
		if len(words) > 1 && len(words) <= 12 {
			group(t.variants, words)
		}
	}
}

// addLoan files a loanword under its English spelling as written and, for
// a hyphenated one (trade-off), glued and spaced too, as people type it
// every way. Phrases written with a space (screen reader) are found word
// by word.
func addLoan(m map[string]set, english, katakana string) {
	add(m, english, katakana)
	if strings.Contains(english, "-") {
		add(m, strings.ReplaceAll(english, "-", ""), katakana)
		add(m, strings.ReplaceAll(english, "-", " "), katakana)
	}
}

// sudachiGroup is one group of the synonym dictionary; see its
// documentation (docs/synonyms.md in SudachiDict).
type sudachiGroup struct {
	Items []struct {
		ExpandControl    int    `json:"expandControl"`
		VocabularyNumber int    `json:"vocabularyNumber"`
		Midashi          string `json:"midashi"`
	} `json:"items"`
}

// readSudachi adds the spellings the synonym dictionary gives for one
// lexeme (the same vocabulary number in a group: variants, abbreviations,
// translations, alphabetic forms). Different vocabulary numbers are
// near-synonyms (曖昧, 不明確), which would flood results, so they are not
// linked.
func (t *tables) readSudachi(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read Sudachi synonyms: %w", err)
	}
	var groups []sudachiGroup
	if err := json.Unmarshal(b, &groups); err != nil {
		return fmt.Errorf("parse Sudachi synonyms: %w", err)
	}
	for _, g := range groups {
		lexemes := map[int][]string{}
		for _, it := range g.Items {
			if it.ExpandControl == 2 { // kept only as a record of removed entries
				continue
			}
			w := search.Fold(it.Midashi)
			if !slices.Contains(lexemes[it.VocabularyNumber], w) {
				lexemes[it.VocabularyNumber] = append(lexemes[it.VocabularyNumber], w)
			}
		}
		for _, words := range lexemes {
			group(t.variants, words)
			for _, w := range words {
				if isLatin(w) {
					for _, k := range words {
						if isKatakanaWord(k) {
							addLoan(t.loans, w, k)
						}
					}
				}
			}
		}
	}
	return nil
}

// write stores a table as sorted lines "key\tvalue\tvalue…".
func write(path string, m map[string]set) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		if !strings.ContainsAny(k, "\t\n") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	// Plain sorted text: the app searches it where it lies in the binary.
	w := bufio.NewWriter(f)
	for _, k := range keys {
		values := make([]string, 0, len(m[k]))
		for v := range m[k] {
			if !strings.ContainsAny(v, "\t\n") {
				values = append(values, v)
			}
		}
		sort.Strings(values)
		fmt.Fprintf(w, "%s\t%s\n", k, strings.Join(values, "\t"))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func posName(names []string, ids dict.POS) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = names[id]
	}
	return strings.Join(parts, "-")
}

func katakanaPrefix(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { return !unicode.In(r, unicode.Katakana) && r != 'ー' && r != '・' })
	if i < 0 {
		return s
	}
	return s[:i]
}

func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

func isLatin(s string) bool {
	letters := 0
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf && unicode.IsLetter(r):
			letters++
		case r == ' ' || r == '-' || r == '.' || r == '\'' || r < utf8.RuneSelf && unicode.IsDigit(r):
		default:
			return false
		}
	}
	return letters > 0
}

func isKatakanaWord(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !unicode.In(r, unicode.Katakana) && r != 'ー' && r != '・'
	}) < 0
}

// toHiragana writes a katakana reading in hiragana, as people type it.
func toHiragana(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'ァ' && r <= 'ヶ' {
			return r - 'ァ' + 'ぁ'
		}
		return r
	}, s)
}
