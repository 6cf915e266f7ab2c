package bench

import (
	"context"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/tsuzuri/tsuzuri/bench/corpus"
	"github.com/tsuzuri/tsuzuri/search"
)

// Keystroke is a query as the search box sends it while someone types.
type Keystroke struct {
	Q      string
	ByDate bool // the list sorted newest first
}

// Browser is an engine that answers the search box as the app does: a page
// of 20 with the total, the facets and snippets. Engines without it answer
// with their plain Search.
type Browser interface {
	Browse(ctx context.Context, q string, byDate bool) error
}

// TypingQueries are the searches the first keystrokes make, which match
// much of the diary: single characters of each script, the corpus's most
// frequent words, each filter alone, a common word excluded, a sort by
// date, and two words typed one key at a time.
func TypingQueries(path string) ([]Keystroke, error) {
	words := map[string]int{}
	tags := map[string]int{}
	years := map[string]int{}
	n := 0
	err := corpus.ReadDocs(path, func(d corpus.Doc) error {
		n++
		if n > 3000 { // a sample is enough to know the common words
			return nil
		}
		for _, t := range d.Tags {
			tags[t]++
		}
		if len(d.Date) >= 4 {
			years[d.Date[:4]]++
		}
		seen := map[string]bool{}
		for _, w := range strings.FieldsFunc(search.Fold(d.Title+"\n"+d.Body), func(r rune) bool { return r < utf8.RuneSelf && !isLetter(byte(r)) }) {
			search.Words([]byte(w), func(word []byte) {
				if !seen[string(word)] {
					seen[string(word)] = true
					words[string(word)]++
				}
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	top := mostFrequent(words, 20)
	qs := []Keystroke{{Q: "の"}, {Q: "見"}, {Q: "ー"}, {Q: "a"}, {Q: "1"}, {Q: "サ"}}
	for _, w := range top {
		qs = append(qs, Keystroke{Q: w})
	}
	if t := mostFrequent(tags, 1); len(t) > 0 {
		qs = append(qs, Keystroke{Q: "tag:" + t[0]})
	}
	if y := mostFrequent(years, 1); len(y) > 0 {
		qs = append(qs, Keystroke{Q: "date:" + y[0]})
	}
	if len(top) >= 2 {
		qs = append(qs, Keystroke{Q: top[0] + " -の"}, Keystroke{Q: top[1], ByDate: true})
		// Two words, one key at a time.
		typed := []rune(top[0] + " " + top[1])
		for i := 1; i <= len(typed); i++ {
			if typed[i-1] != ' ' {
				qs = append(qs, Keystroke{Q: string(typed[:i])})
			}
		}
	}
	return qs, nil
}

func isLetter(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9'
}

func mostFrequent(counts map[string]int, n int) []string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if counts[keys[i]] != counts[keys[j]] {
			return counts[keys[i]] > counts[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys[:min(n, len(keys))]
}
