package storage

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tsuzuri/tsuzuri/diary"
)

// Summary is what a list shows of an entry.
type Summary struct {
	ID        string
	Title     string
	Date      string
	Tags      []string
	Preview   string // the start of the body as plain text
	UpdatedAt time.Time
	DeletedAt *time.Time
	Conflict  bool // other computers wrote other texts of it (sync only)
}

// ListQuery selects a page of the timeline. Empty fields do not filter.
type ListQuery struct {
	Limit  int    // 1–500; 0 means 50
	Cursor string // ListPage.Next of the previous page
	Tag    string
	From   string // first diary date, inclusive
	To     string // last diary date, inclusive
}

// ListPage is one page of the timeline; Next is "" on the last page.
type ListPage struct {
	Entries []Summary
	Next    string
}

// TagCount is a tag and how many entries (not in the trash) carry it.
type TagCount struct {
	Name  string
	Count int
}

// DayCount is how many entries a diary day has.
type DayCount struct {
	Date  string
	Count int
}

// Stats describes what the database holds.
type Stats struct {
	Entries   int
	Trashed   int
	Tags      int
	FirstDate string
	LastDate  string
	TextBytes int64
	LastSeq   int64
}

// previewRunes is how much of the body a summary carries: a line in a list.
const previewRunes = 140

const summaryColumns = "id, title, date, substr(body, 1, 600), updated_at, deleted_at"

// List returns a page of entries not in the trash, newest diary date first.
func (s *Store) List(ctx context.Context, q ListQuery) (ListPage, error) {
	limit := q.Limit
	switch {
	case limit == 0:
		limit = 50
	case limit < 0 || limit > 500:
		return ListPage{}, diary.Errorf(diary.EInvalid, "A page holds 1 to 500 entries, not %d.", limit)
	}
	where := []string{"deleted_at IS NULL"}
	var args []any
	if q.Cursor != "" {
		date, id, err := decodeCursor(q.Cursor)
		if err != nil {
			return ListPage{}, err
		}
		where = append(where, "(date, id) < (?, ?)")
		args = append(args, date, id)
	}
	for _, bound := range []struct{ value, op string }{{q.From, ">="}, {q.To, "<="}} {
		if bound.value == "" {
			continue
		}
		if _, err := time.Parse(diary.DateLayout, bound.value); err != nil {
			return ListPage{}, diary.Errorf(diary.EInvalid, "%q is not a date (YYYY-MM-DD).", bound.value)
		}
		where = append(where, "date "+bound.op+" ?")
		args = append(args, bound.value)
	}
	if q.Tag != "" {
		where = append(where, "id IN (SELECT et.entry_id FROM entry_tags et JOIN tags t ON t.id = et.tag_id WHERE t.name = ?)")
		args = append(args, q.Tag)
	}
	args = append(args, limit+1)
	summaries, err := s.summaries(ctx, "SELECT "+summaryColumns+" FROM entries WHERE "+strings.Join(where, " AND ")+
		" ORDER BY date DESC, id DESC LIMIT ?", args...)
	if err != nil {
		return ListPage{}, err
	}
	page := ListPage{Entries: summaries}
	if len(summaries) > limit {
		page.Entries = summaries[:limit]
		last := page.Entries[limit-1]
		page.Next = encodeCursor(last.Date, last.ID)
	}
	return page, nil
}

// The cursor is opaque to callers; it names the last entry shown.
func encodeCursor(date, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(date + "\x00" + id))
}

func decodeCursor(c string) (date, id string, err error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil {
		var ok bool
		if date, id, ok = strings.Cut(string(raw), "\x00"); ok {
			return date, id, nil
		}
	}
	return "", "", diary.Errorf(diary.EInvalid, "The page cursor %q is not one this list gave out.", c)
}

// ListTrash lists the entries in the trash, most recently trashed first.
func (s *Store) ListTrash(ctx context.Context) ([]Summary, error) {
	return s.summaries(ctx, "SELECT "+summaryColumns+" FROM entries WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC, id DESC")
}

// OnThisDay lists entries whose diary date falls on monthDay ("MM-DD") in a
// year before beforeYear, newest first.
func (s *Store) OnThisDay(ctx context.Context, monthDay string, beforeYear int) ([]Summary, error) {
	return s.summaries(ctx, "SELECT "+summaryColumns+` FROM entries
		WHERE deleted_at IS NULL AND substr(date, 6, 5) = ? AND date < ? ORDER BY date DESC, id DESC LIMIT 100`,
		monthDay, fmt.Sprintf("%04d", beforeYear))
}

func (s *Store) summaries(ctx context.Context, query string, args ...any) ([]Summary, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list entries: %w", err)
	}
	out := []Summary{}
	var ids []string
	for rows.Next() {
		var sum Summary
		var head string
		var updated int64
		var deleted sql.NullInt64
		if err := rows.Scan(&sum.ID, &sum.Title, &sum.Date, &head, &updated, &deleted); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list entries: %w", err)
		}
		sum.Preview = Preview(head, previewRunes)
		sum.UpdatedAt = time.UnixMilli(updated).UTC()
		if deleted.Valid {
			t := time.UnixMilli(deleted.Int64).UTC()
			sum.DeletedAt = &t
		}
		sum.Tags = []string{}
		out = append(out, sum)
		ids = append(ids, sum.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list entries: %w", err)
	}
	if len(ids) == 0 {
		return out, nil
	}
	tags, err := loadTags(ctx, s.read, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if t, ok := tags[out[i].ID]; ok {
			out[i].Tags = t
		}
	}
	if _, ok := s.clock.enabled(); ok {
		rows, err := s.read.QueryContext(ctx, "SELECT id FROM entries WHERE conflicts > 0 AND id IN ("+placeholders(len(ids))+")", anys(ids)...)
		if err != nil {
			return nil, fmt.Errorf("find conflicts: %w", err)
		}
		defer rows.Close()
		conflicted := map[string]bool{}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return nil, fmt.Errorf("find conflicts: %w", err)
			}
			conflicted[id] = true
		}
		for i := range out {
			out[i].Conflict = conflicted[out[i].ID]
		}
	}
	return out, nil
}

// Preview turns the start of a Markdown body into one line of plain text of
// at most max runes: markup a reader would not see is dropped.
func Preview(markdown string, max int) string {
	var b strings.Builder
	n := 0
	for line := range strings.Lines(markdown) {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "```") || strings.HasPrefix(line, "<!--") {
			continue
		}
		line = strings.TrimLeft(line, "#>-*+ \t")
		line = stripMarkup(line)
		if line == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
			n++
		}
		for _, r := range line {
			if n >= max {
				return strings.TrimRightFunc(b.String(), unicode.IsSpace) + "…"
			}
			b.WriteRune(r)
			n++
		}
	}
	return strings.ToValidUTF8(b.String(), "")
}

// stripMarkup drops image links, keeps link text, and removes emphasis and
// code marks.
func stripMarkup(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], "!["):
			if end := strings.Index(s[i:], ")"); end > 0 {
				i += end + 1
				continue
			}
		case s[i] == '[':
			if mid := strings.Index(s[i:], "]("); mid > 0 {
				if end := strings.Index(s[i+mid:], ")"); end > 0 {
					b.WriteString(s[i+1 : i+mid])
					i += mid + end + 1
					continue
				}
			}
		case s[i] == '*' || s[i] == '_' || s[i] == '`' || s[i] == '~':
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		b.WriteRune(r)
		i += size
	}
	return strings.TrimSpace(b.String())
}

// Tags lists the tags in use, most used first.
func (s *Store) Tags(ctx context.Context) ([]TagCount, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT t.name, count(*) AS n FROM tags t
		JOIN entry_tags et ON et.tag_id = t.id JOIN entries e ON e.id = et.entry_id
		WHERE e.deleted_at IS NULL GROUP BY t.id ORDER BY n DESC, t.name`)
	if err != nil {
		return nil, fmt.Errorf("count tags: %w", err)
	}
	defer rows.Close()
	out := []TagCount{}
	for rows.Next() {
		var t TagCount
		if err := rows.Scan(&t.Name, &t.Count); err != nil {
			return nil, fmt.Errorf("count tags: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// DayCounts counts entries per diary day from from to to, inclusive; days
// without entries are left out.
func (s *Store) DayCounts(ctx context.Context, from, to string) ([]DayCount, error) {
	for _, d := range []string{from, to} {
		if _, err := time.Parse(diary.DateLayout, d); err != nil {
			return nil, diary.Errorf(diary.EInvalid, "%q is not a date (YYYY-MM-DD).", d)
		}
	}
	rows, err := s.read.QueryContext(ctx, `SELECT date, count(*) FROM entries
		WHERE deleted_at IS NULL AND date BETWEEN ? AND ? GROUP BY date ORDER BY date`, from, to)
	if err != nil {
		return nil, fmt.Errorf("count entries per day: %w", err)
	}
	defer rows.Close()
	out := []DayCount{}
	for rows.Next() {
		var d DayCount
		if err := rows.Scan(&d.Date, &d.Count); err != nil {
			return nil, fmt.Errorf("count entries per day: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Stats describes the database's contents, including how much text it
// holds, which reads every entry: for the CLI's stats, not for start-up.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	st, err := s.Counts(ctx)
	if err != nil {
		return Stats{}, err
	}
	err = s.read.QueryRowContext(ctx, `SELECT coalesce(sum(length(CAST(title AS BLOB)) + length(CAST(body AS BLOB))), 0)
		FROM entries WHERE deleted_at IS NULL`).Scan(&st.TextBytes)
	if err != nil {
		return Stats{}, fmt.Errorf("measure the text: %w", err)
	}
	return st, nil
}

// Counts is Stats without TextBytes. Everything it reads comes from
// indexes, so it is quick on a diary of any size: a window shows the
// timeline after it. (deleted_at is stored after the body, so a query that
// reads it from the table reads every body.)
func (s *Store) Counts(ctx context.Context) (Stats, error) {
	var st Stats
	var first, last sql.NullString
	err := s.read.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM entries WHERE deleted_at IS NULL),
		(SELECT count(*) FROM entries WHERE deleted_at IS NOT NULL),
		(SELECT min(date) FROM entries WHERE deleted_at IS NULL),
		(SELECT max(date) FROM entries WHERE deleted_at IS NULL),
		(SELECT value FROM counters WHERE name = 'seq'),
		(SELECT count(*) FROM tags t WHERE EXISTS (SELECT 1 FROM entry_tags et WHERE et.tag_id = t.id
			AND et.entry_id NOT IN (SELECT id FROM entries WHERE deleted_at IS NOT NULL)))`).
		Scan(&st.Entries, &st.Trashed, &first, &last, &st.LastSeq, &st.Tags)
	if err != nil {
		return Stats{}, fmt.Errorf("count entries: %w", err)
	}
	st.FirstDate, st.LastDate = first.String, last.String
	return st, nil
}
