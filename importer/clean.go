package importer

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tsuzuri/tsuzuri/diary"
)

// Storage's limits on what an entry's metadata may hold. A record that
// breaks them is cleaned here, with a warning, so that an odd tag never
// costs a note.
const (
	maxTags     = 64
	maxTagBytes = 200
	maxTitle    = 4 << 10
)

// cleaning passes records through cleanRecord.
type cleaning struct{ Source }

func (c cleaning) Next(ctx context.Context) (Record, error) {
	rec, err := c.Source.Next(ctx)
	if err == nil {
		cleanRecord(&rec)
	}
	return rec, err
}

// warn notes something the reader changed about a record it kept.
func (r *Record) warn(format string, args ...any) {
	r.Warnings = append(r.Warnings, Problem{File: r.File, Line: r.Line, Message: fmt.Sprintf(format, args...)})
}

// cleanRecord makes the tags and title of rec ones storage accepts.
func cleanRecord(rec *Record) {
	e := &rec.Entry
	if !utf8.ValidString(e.Title) {
		e.Title = strings.ToValidUTF8(e.Title, "\uFFFD")
		rec.warn("the title was not valid UTF-8; the unreadable bytes became \uFFFD")
	}
	if len(e.Title) > maxTitle {
		rec.warn("the title was longer than %d bytes; the rest of it was moved to the start of the body", maxTitle)
		cut := cutAt(e.Title, maxTitle)
		e.Body = "…" + e.Title[len(cut):] + "\n\n" + e.Body
		e.Title = cut + "…"
	}
	tags := make([]string, 0, len(e.Tags))
	for _, raw := range e.Tags {
		tag := raw
		if !utf8.ValidString(tag) {
			tag = strings.ToValidUTF8(tag, "\uFFFD")
			rec.warn("the tag %q was not valid UTF-8; the unreadable bytes became \uFFFD", tag)
		}
		if strings.ContainsFunc(tag, unicode.IsControl) {
			tag = strings.Join(strings.FieldsFunc(tag, unicode.IsControl), " ")
			rec.warn("the tag %q held control characters (a tab or a line break); they became spaces", tag)
		}
		parts := []string{tag}
		if strings.Contains(tag, ",") {
			parts = nil
			for _, p := range strings.Split(tag, ",") {
				if p = strings.TrimSpace(p); p != "" {
					parts = append(parts, p)
				}
			}
			rec.warn("the tag %q holds a comma, which separates tags; it was kept as %s", tag, quoteAll(parts))
		}
		for _, p := range parts {
			if len(p) > maxTagBytes {
				cut := cutAt(p, maxTagBytes)
				rec.warn("the tag %.40q… was longer than %d bytes; its first %d were kept", p, maxTagBytes, len(cut))
				p = cut
			}
			tags = append(tags, p)
		}
	}
	if n := countDistinct(tags); n > maxTags {
		kept := keepDistinct(tags, maxTags)
		rec.warn("%d tags; the first %d were kept as tags and all of them were added to the end of the body", n, maxTags)
		e.Body = strings.TrimRight(e.Body, "\n") + "\n\n" + strings.Join(prefixAll(tags, "#"), " ") + "\n"
		tags = kept
	}
	e.Tags = tags
}

// cutAt returns the longest prefix of s of at most n bytes that ends on a
// character boundary.
func cutAt(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func prefixAll(ss []string, p string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = p + strings.ReplaceAll(s, " ", "_")
	}
	return out
}

// Tags repeat without counting, ignoring case, as storage counts them.
func countDistinct(tags []string) int { return len(keepDistinct(tags, len(tags))) }

func keepDistinct(tags []string, n int) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range tags {
		key := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(t), "#"))
		if key == "" || seen[key] {
			continue
		}
		if len(out) == n {
			break
		}
		seen[key] = true
		out = append(out, t)
	}
	return out
}

// fileDate is the day a file was last changed: the date of an entry whose
// own date cannot be read.
func fileDate(path string) time.Time {
	if info, err := os.Stat(path); err == nil {
		return info.ModTime()
	}
	return time.Now()
}

// dateFallback is fileDate's day, for a warning that says what was used.
func dateFallback(path string) (time.Time, string) {
	t := fileDate(path)
	return t, t.Format(diary.DateLayout)
}
