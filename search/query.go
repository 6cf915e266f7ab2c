package search

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Query is a parsed search string. Parsing never fails: whatever a person
// types means something, at worst a plain word search.
type Query struct {
	// Must lists what every result contains: each clause is satisfied by
	// any one of its alternatives (words joined with OR).
	Must [][]Term
	// Not lists words no result contains.
	Not  []Term
	Tags []string // folded tags every result carries
	// NotTags are tags no result carries.
	NotTags []string
	// From and To bound the diary date, inclusive; "" is open.
	From, To string
}

// Term is a word or a quoted phrase as typed.
type Term struct {
	Text   string
	Phrase bool
	// Tag says the word stands for entries carrying it as a tag (a
	// variant search makes these; typed queries use tag:).
	Tag bool
	// words are the diary's katakana words that hold a katakana word as
	// written, which a variant search looks for instead of its pairs (see
	// exactKatakana).
	words []string
}

// Limits keep a pasted page of text a fast query instead of a slow one.
const (
	maxQueryRunes = 1000
	maxTerms      = 32
)

// ParseQuery reads the query language:
//
//	サーバー 障害        both words (spaces, including 　, separate words)
//	"SLA 99.95%" 「障害報告」 a phrase
//	-新幹線            not this word
//	AWS OR GCP         either word
//	tag:SRE  #SRE      tagged SRE (-tag:SRE: not tagged)
//	date:2024  date:2024-03  date:2024-03-01
//	after:2024-01-01   on or after the day (also a year or a month)
//	before:2024-04-01  before the day
func ParseQuery(s string) Query {
	s = cleanQuery(s)
	var q Query
	var pendingOr bool
	terms := 0
	for _, tok := range lex(s) {
		if !tok.quoted && tok.text == "OR" && !tok.negated {
			pendingOr = len(q.Must) > 0
			continue
		}
		if !tok.quoted && q.filter(tok) {
			pendingOr = false
			continue
		}
		if strings.TrimSpace(tok.text) == "" || terms >= maxTerms {
			continue
		}
		terms++
		t := Term{Text: tok.text, Phrase: tok.quoted}
		switch {
		case tok.negated:
			q.Not = append(q.Not, t)
		case pendingOr:
			last := len(q.Must) - 1
			q.Must[last] = append(q.Must[last], t)
		default:
			q.Must = append(q.Must, []Term{t})
		}
		pendingOr = false
	}
	return q
}

// cleanQuery is what of a typed query is read: valid UTF-8, at most
// maxQueryRunes characters.
func cleanQuery(s string) string {
	if utf8.RuneCountInString(s) > maxQueryRunes {
		s = string([]rune(s)[:maxQueryRunes])
	}
	return strings.ToValidUTF8(s, " ")
}

// Terms lists the folded words and phrases to highlight in results.
func (q Query) Terms() []string {
	var out []string
	seen := map[string]bool{}
	for _, clause := range q.Must {
		for _, t := range clause {
			f := strings.TrimSpace(Fold(t.Text))
			if f != "" && !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out
}

type token struct {
	text    string
	quoted  bool
	negated bool
}

// lex splits a query into words and quoted phrases. An unclosed quote runs
// to the end; a lone "-" is a word separator, not an operator.
func lex(s string) []token {
	var out []token
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if isQuerySpace(rs[i]) {
			i++
			continue
		}
		negated := false
		if rs[i] == '-' && i+1 < len(rs) && !isQuerySpace(rs[i+1]) && rs[i+1] != '-' {
			negated = true
			i++
		}
		if closer, ok := quoteCloser(rs[i]); ok {
			j := i + 1
			for j < len(rs) && rs[j] != closer {
				j++
			}
			out = append(out, token{text: string(rs[i+1 : j]), quoted: true, negated: negated})
			i = j + 1
			continue
		}
		j := i
		for j < len(rs) && !isQuerySpace(rs[j]) {
			if _, ok := quoteCloser(rs[j]); ok && j > i {
				break
			}
			j++
		}
		text := string(rs[i:j])
		i = j
		if strings.Trim(text, "-") == "" {
			continue
		}
		out = append(out, token{text: text, negated: negated})
	}
	return out
}

func isQuerySpace(r rune) bool { return unicode.IsSpace(r) || r == '\u3000' }

func quoteCloser(r rune) (rune, bool) {
	switch r {
	case '"':
		return '"', true
	case '“':
		return '”', true
	case '「':
		return '」', true
	case '『':
		return '』', true
	}
	return 0, false
}

// filter applies a field word (tag:, #, date:, after:, before:) and reports
// whether tok was one. A field word with a bad value is searched as text.
func (q *Query) filter(tok token) bool {
	name, value, ok := strings.Cut(tok.text, ":")
	if !ok {
		if strings.HasPrefix(tok.text, "#") && len(tok.text) > 1 {
			name, value = "tag", tok.text[1:]
		} else {
			return false
		}
	}
	name = strings.ToLower(Fold(name))
	if value == "" {
		return false
	}
	switch name {
	case "tag":
		t := foldTag(value)
		if t == "" {
			return false
		}
		if tok.negated {
			q.NotTags = append(q.NotTags, t)
		} else {
			q.Tags = append(q.Tags, t)
		}
		return true
	case "date", "after", "before":
		if tok.negated {
			return false
		}
		first, last, ok := dateSpan(Fold(value))
		if !ok {
			return false
		}
		switch name {
		case "date":
			q.From, q.To = maxDate(q.From, first), minDate(q.To, last)
		case "after":
			q.From = maxDate(q.From, first)
		case "before":
			day, _ := time.Parse("2006-01-02", first)
			q.To = minDate(q.To, day.AddDate(0, 0, -1).Format("2006-01-02"))
		}
		return true
	}
	return false
}

// dateSpan reads YYYY, YYYY-MM or YYYY-MM-DD (also with / or .) as its first
// and last day.
func dateSpan(v string) (first, last string, ok bool) {
	v = strings.NewReplacer("/", "-", ".", "-").Replace(v)
	for _, layout := range []struct {
		layout string
		next   func(time.Time) time.Time
	}{
		{"2006-01-02", func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }},
		{"2006-1-2", func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }},
		{"2006-01", func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }},
		{"2006-1", func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }},
		{"2006", func(t time.Time) time.Time { return t.AddDate(1, 0, 0) }},
	} {
		t, err := time.Parse(layout.layout, v)
		if err == nil {
			return t.Format("2006-01-02"), layout.next(t).AddDate(0, 0, -1).Format("2006-01-02"), true
		}
	}
	return "", "", false
}

func maxDate(a, b string) string {
	if a > b {
		return a
	}
	return b
}

func minDate(a, b string) string {
	if a == "" || (b != "" && b < a) {
		return b
	}
	return a
}
