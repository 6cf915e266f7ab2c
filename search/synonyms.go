package search

import (
	"slices"
	"strings"
)

// Synonyms are the user's own words that mean the same thing (team jargon,
// project names, a colleague's nickname for a service), folded: each word
// maps to the others. They apply when a query is searched, so changing
// them needs no reindex.
type Synonyms map[string][]string

// maxSynonymWords bounds a synonyms file that is not one (a pasted book).
const maxSynonymWords = 20000

// ParseSynonyms reads one group a line, words separated by commas (、 and
// ， too); # starts a comment. Words are folded as the index folds text,
// so ｋ８ｓ and K8s are one word.
func ParseSynonyms(text string) Synonyms {
	s := Synonyms{}
	words := 0
	for _, line := range strings.Split(strings.ToValidUTF8(text, " "), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		var group []string
		for _, w := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == '、' || r == '，' }) {
			w = strings.TrimSpace(Fold(w))
			if w != "" && len(w) <= maxTermBytes && !slices.Contains(group, w) {
				group = append(group, w)
			}
		}
		words += len(group)
		if words > maxSynonymWords {
			break
		}
		for _, a := range group {
			for _, b := range group {
				if a != b && !slices.Contains(s[a], b) {
					s[a] = append(s[a], b)
				}
			}
		}
	}
	return s
}
