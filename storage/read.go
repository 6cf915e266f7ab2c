package storage

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tsuzuri/tsuzuri/diary"
)

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// shownColumns are what search indexes and lists of an entry; whole
// entries add wholeColumns.
const (
	shownColumns = "id, title, body, date, created_at, updated_at, deleted_at"
	wholeColumns = ", source, source_key, source_url, original_html"
)

// loadEntries reads whole entries (tags and comments included) by id, in
// no particular order; ids that do not exist are left out.
func loadEntries(ctx context.Context, q querier, ids []string) ([]diary.Entry, error) {
	return load(ctx, q, ids, true)
}

// loadShown reads, by id and in no particular order, what search indexes
// and lists of an entry: its title, body, date and tags, and when it was
// written. Not its comments, source or original HTML, which for a post
// imported from a blog can be larger than its text; ids that do not exist
// are left out.
func loadShown(ctx context.Context, q querier, ids []string) ([]diary.Entry, error) {
	return load(ctx, q, ids, false)
}

func load(ctx context.Context, q querier, ids []string, whole bool) ([]diary.Entry, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in := placeholders(len(ids))
	args := anys(ids)
	columns := shownColumns
	if whole {
		columns += wholeColumns
	}
	rows, err := q.QueryContext(ctx, "SELECT "+columns+" FROM entries WHERE id IN ("+in+")", args...)
	if err != nil {
		return nil, fmt.Errorf("load entries: %w", err)
	}
	var out []diary.Entry
	index := map[string]int{}
	for rows.Next() {
		var e diary.Entry
		var created, updated int64
		var deleted sql.NullInt64
		dest := []any{&e.ID, &e.Title, &e.Body, &e.Date, &created, &updated, &deleted}
		if whole {
			dest = append(dest, &e.Source, &e.SourceKey, &e.SourceURL, &e.OriginalHTML)
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return nil, fmt.Errorf("load entries: %w", err)
		}
		e.CreatedAt = time.UnixMilli(created).UTC()
		e.UpdatedAt = time.UnixMilli(updated).UTC()
		if deleted.Valid {
			t := time.UnixMilli(deleted.Int64).UTC()
			e.DeletedAt = &t
		}
		e.Tags = []string{}
		index[e.ID] = len(out)
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load entries: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	tags, err := loadTags(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	for id, t := range tags {
		out[index[id]].Tags = t
	}
	if !whole {
		return out, nil
	}
	rows, err = q.QueryContext(ctx, "SELECT entry_id, author, date, body FROM comments WHERE entry_id IN ("+in+") ORDER BY entry_id, position", args...)
	if err != nil {
		return nil, fmt.Errorf("load comments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var c diary.Comment
		var date int64
		if err := rows.Scan(&id, &c.Author, &date, &c.Body); err != nil {
			return nil, fmt.Errorf("load comments: %w", err)
		}
		c.Date = time.UnixMilli(date).UTC()
		e := &out[index[id]]
		e.Comments = append(e.Comments, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load comments: %w", err)
	}
	return out, nil
}

// Shown returns what a list of search results shows of the entries with
// the given ids that exist, by id (see loadShown): less to read than whole
// entries.
func (s *Store) Shown(ctx context.Context, ids []string) (map[string]diary.Entry, error) {
	return entriesByID(ctx, s.read, ids, loadShown)
}

// entriesByID reads the entries with the given ids that exist with load
// (loadEntries or loadShown), in chunks SQLite takes as parameters, by id.
func entriesByID(ctx context.Context, q querier, ids []string, load func(context.Context, querier, []string) ([]diary.Entry, error)) (map[string]diary.Entry, error) {
	out := make(map[string]diary.Entry, len(ids))
	for chunk := range slices.Chunk(ids, 500) {
		found, err := load(ctx, q, chunk)
		if err != nil {
			return nil, err
		}
		for _, e := range found {
			out[e.ID] = e
		}
	}
	return out, nil
}

// loadTags returns the tags of each entry in ids, in the order they were given.
func loadTags(ctx context.Context, q querier, ids []string) (map[string][]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT et.entry_id, t.name FROM entry_tags et JOIN tags t ON t.id = et.tag_id
		WHERE et.entry_id IN (`+placeholders(len(ids))+`) ORDER BY et.entry_id, et.position`, anys(ids)...)
	if err != nil {
		return nil, fmt.Errorf("load tags: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("load tags: %w", err)
		}
		out[id] = append(out[id], name)
	}
	return out, rows.Err()
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// Change is one entry's latest state after a sequence number, as search
// indexes it (title, body, date, tags: see loadShown): Entry is nil when
// the entry is gone from search (trashed or deleted for good).
type Change struct {
	Seq   int64
	ID    string
	Entry *diary.Entry
}

// Changes lists, in sequence order, up to limit entries whose last write came
// after the sequence number after. Each entry appears once, with its latest
// state, so replaying from 0 rebuilds exactly the live entries.
func (s *Store) Changes(ctx context.Context, after int64, limit int) ([]Change, error) {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read changes: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT seq, id, deleted_at IS NOT NULL FROM entries WHERE seq > ?1
		UNION ALL SELECT seq, id, 1 FROM tombstones WHERE seq > ?1
		ORDER BY 1 LIMIT ?2`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("read changes after %d: %w", after, err)
	}
	var changes []Change
	var live []string
	for rows.Next() {
		var c Change
		var gone bool
		if err := rows.Scan(&c.Seq, &c.ID, &gone); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read changes after %d: %w", after, err)
		}
		if !gone {
			live = append(live, c.ID)
			// A placeholder marks it live; the entry is filled in below.
			c.Entry = &diary.Entry{}
		}
		changes = append(changes, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read changes after %d: %w", after, err)
	}
	found, err := loadShown(ctx, tx, live)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*diary.Entry, len(found))
	for i := range found {
		byID[found[i].ID] = &found[i]
	}
	for i := range changes {
		if changes[i].Entry != nil {
			changes[i].Entry = byID[changes[i].ID]
		}
	}
	return changes, nil
}

// Each calls fn with every entry not in the trash, oldest diary date first.
// It reads in pages, so memory stays flat however large the diary is.
func (s *Store) Each(ctx context.Context, fn func(diary.Entry) error) error {
	const page = 500
	lastDate, lastID := "", ""
	for {
		rows, err := s.read.QueryContext(ctx, `SELECT id, date FROM entries WHERE deleted_at IS NULL AND (date, id) > (?, ?)
			ORDER BY date, id LIMIT ?`, lastDate, lastID, page)
		if err != nil {
			return fmt.Errorf("list entries: %w", err)
		}
		var ids []string
		for rows.Next() {
			if err := rows.Scan(&lastID, &lastDate); err != nil {
				rows.Close()
				return fmt.Errorf("list entries: %w", err)
			}
			ids = append(ids, lastID)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("list entries: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		found, err := s.GetMany(ctx, ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			e, ok := found[id]
			if !ok || e.DeletedAt != nil {
				continue // trashed or deleted since the page was listed
			}
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(ids) < page {
			return nil
		}
	}
}

// EntryText is an entry's title and body, what search checks a hit against.
type EntryText struct{ Title, Body string }

// Texts returns the title and body of the entries with the given ids that
// exist, by id: less to read than whole entries, for checking many hits.
func (s *Store) Texts(ctx context.Context, ids []string) (map[string]EntryText, error) {
	out := make(map[string]EntryText, len(ids))
	for chunk := range slices.Chunk(ids, 500) {
		rows, err := s.read.QueryContext(ctx, "SELECT id, title, body FROM entries WHERE id IN ("+placeholders(len(chunk))+")", anys(chunk)...)
		if err != nil {
			return nil, fmt.Errorf("read entries' text: %w", err)
		}
		for rows.Next() {
			var id string
			var t EntryText
			if err := rows.Scan(&id, &t.Title, &t.Body); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read entries' text: %w", err)
			}
			out[id] = t
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read entries' text: %w", err)
		}
	}
	return out, nil
}
