package search

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	index "github.com/blevesearch/bleve_index_api"
)

// The lists found among the katakana words kept in memory are the ones the
// index's dictionary gives for the same question: words starting with a
// prefix, one slip from a word, spelled like it but for long vowels, small
// vowels and ヴ, and sounding like a Latin word's skeleton (of the words a
// sound pattern matches, those whose skeleton is the same). Words and
// questions are random, from kana chosen to make near misses common.
func TestKatakanaTermsAnswerAsTheDictionaryDoes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	kana := []string{"ア", "ァ", "イ", "ィ", "ウ", "ク", "サ", "シ", "ス", "ツ", "テ", "ト", "チ", "ド", "ナ", "ン", "マ", "フ", "ブ", "ヴ", "バ", "ル", "リ", "ロ", "ッ", "ャ", "ー"}
	word := func() string {
		var b strings.Builder
		for range 2 + rng.IntN(5) {
			b.WriteString(kana[rng.IntN(len(kana))])
		}
		return b.String()
	}
	var words []string
	var docs []Document
	for i := range 120 {
		var body []string
		for range 6 {
			w := word()
			words = append(words, w)
			body = append(body, w)
		}
		docs = append(docs, Document{ID: fmt.Sprintf("d%03d", i), Body: strings.Join(body, "と") + "。日本語も少し。", Date: "2024-01-01"})
	}
	ix := openIndex(t, docs, 1)
	v := vocabularyOf(t, ix)
	kt, err := v.katakanaTerms()
	if err != nil {
		t.Fatal(err)
	}
	if len(kt.terms) < 400 {
		t.Fatalf("%d katakana terms from 720 random words", len(kt.terms))
	}
	fromDictionary := func(d index.FieldDict, err error, max int) []string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return terms(d, nil, max)
	}
	// Questions about the diary's own words, about words one edit from
	// them, and about random ones.
	var asked []string
	for range 300 {
		w := []rune(words[rng.IntN(len(words))])
		switch i := rng.IntN(len(w)); rng.IntN(4) {
		case 0:
			w = slices.Delete(w, i, i+1)
		case 1:
			w[i] = []rune(kana[rng.IntN(len(kana))])[0]
		case 2:
			w = slices.Insert(w, i, 'ー')
		}
		asked = append(asked, string(w), word())
	}
	found := map[string]int{}
	for _, q := range asked {
		if q == "" || !holdsPrefix(q) {
			continue
		}
		prefix := string([]rune(q)[:1])
		d, err := v.r.FieldDictPrefix(fieldWord, []byte(q))
		got, want := kt.startingWith(q, 50), fromDictionary(d, err, 50)
		if !slices.Equal(got, want) {
			t.Errorf("starting with %q: %q, the dictionary says %q", q, got, want)
		}
		got = kt.oneSlipFrom(q, prefix, maxNear)
		d, err = v.fuzzy.FieldDictFuzzy(fieldWord, q, 1, prefix)
		want = slices.DeleteFunc(fromDictionary(d, err, 1000), func(s string) bool { return s == q })
		if !slices.Equal(got, want) {
			t.Errorf("one slip from %q: %q, the dictionary says %q", q, got, want)
		}
		found["slip"] += len(got)
		got, err = kt.spelledAlike(q, 8)
		if err != nil {
			t.Fatal(err)
		}
		d, err = v.regex.FieldDictRegexp(fieldWord, kanaPattern(q))
		want = fromDictionary(d, err, 8)
		if !slices.Equal(got, want) {
			t.Errorf("spelled like %q: %q, the dictionary says %q", q, got, want)
		}
		found["spelling"] += len(got)
		if sk := kanaSkeleton(q); len(sk) >= 2 {
			// The same consonants as a Latin word would give them, th
			// for t.
			sk = strings.Replace(sk, "t", "T", 1)
			got, err = kt.soundingLike(sk, maxSoundsLike)
			if err != nil {
				t.Fatal(err)
			}
			d, err = v.regex.FieldDictRegexp(fieldWord, soundPattern(sk, true))
			want = fromDictionary(d, err, maxSoundsLike)
			// The pattern is generous; the skeletons decide (see soundsLike).
			sounds := func(ts []string) []string {
				return slices.DeleteFunc(ts, func(t string) bool { return !sameSound(sk, kanaSkeleton(t)) })
			}
			if got, want = sounds(got), sounds(want); !slices.Equal(got, want) {
				t.Errorf("sounding like %q: %q, the dictionary says %q", sk, got, want)
			}
			found["sound"] += len(got)
		}
	}
	for _, kind := range []string{"slip", "spelling", "sound"} {
		if found[kind] < 50 {
			t.Errorf("only %d words found %s-alike: the questions do not test much", found[kind], kind)
		}
	}
}

func TestOneEditApart(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"サーバー", "サーバ", true},
		{"サーバ", "サーバー", true},
		{"サーバー", "サーパー", true},
		{"サーバー", "サバーー", true}, // two side by side swapped
		{"サーバー", "サーバー", false},
		{"サーバー", "サバ", false},
		{"サーバー", "ーサバー", true},
		{"サーバー", "バーサー", false},
		{"ア", "", true},
		{"アイ", "イア", true},
		{"アイウ", "ウイア", false},
	} {
		if got := oneEditApart([]rune(tt.a), []rune(tt.b)); got != tt.want {
			t.Errorf("oneEditApart(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
