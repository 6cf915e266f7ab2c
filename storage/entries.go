package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/oklog/ulid/v2"
	"github.com/tsuzuri/tsuzuri/diary"
)

// Limits keep one bad input from making the database or the index unusable.
const (
	MaxBodyBytes  = 32 << 20
	MaxTitleBytes = 4 << 10
	MaxTags       = 64
	MaxTagBytes   = 200
	MaxIDBytes    = 128
)

// SaveResult is the outcome of saving one entry of a batch.
type SaveResult struct {
	ID        string
	Created   bool // a new entry was written
	Unchanged bool // the entry already had exactly this content: nothing was written
	Err       error
}

var (
	entropyMu sync.Mutex
	entropy   = ulid.Monotonic(rand.Reader, 0)
)

func newID(now time.Time) string {
	entropyMu.Lock()
	defer entropyMu.Unlock()
	return ulid.MustNew(ulid.Timestamp(now), entropy).String()
}

// Save creates or updates one entry and returns it as stored. An entry with
// no ID is new, unless its Source and SourceKey match an entry imported
// before, which it then updates. An ID that does not exist yet is kept (ids
// given by imports survive). An entry in the trash cannot be saved over.
//
// Save is how a person's edits arrive (autosave): the text before an editing
// session is kept as a revision, and saves within FoldRevisions of that
// revision fold into it.
func (s *Store) Save(ctx context.Context, e diary.Entry) (diary.Entry, error) {
	results, err := s.saveMany(ctx, []diary.Entry{e}, FoldRevisions)
	if err != nil {
		return diary.Entry{}, err
	}
	if results[0].Err != nil {
		return diary.Entry{}, results[0].Err
	}
	return s.Get(ctx, results[0].ID)
}

// SaveMany saves a batch in one transaction: far faster for imports than
// one commit an entry. An entry that fails validation gets its error in its
// SaveResult and the rest are saved; a database failure returns an error
// and saves none of them. Every update whose text changes keeps the
// previous text as a revision; new entries cost nothing more.
func (s *Store) SaveMany(ctx context.Context, entries []diary.Entry) ([]SaveResult, error) {
	return s.saveMany(ctx, entries, 0)
}

// saveMany is SaveMany; an update keeps the previous text as a revision
// unless the entry kept one less than fold ago.
func (s *Store) saveMany(ctx context.Context, entries []diary.Entry, fold time.Duration) ([]SaveResult, error) {
	results := make([]SaveResult, len(entries))
	now := s.now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		w := &writer{tx: tx, tags: map[string]int64{}, fold: fold, clock: &s.clock}
		defer w.close()
		if err := w.prefetch(ctx, entries); err != nil {
			return err
		}
		for i := range entries {
			if err := ctx.Err(); err != nil {
				return err
			}
			e := entries[i]
			if err := normalise(&e, now); err != nil {
				results[i] = SaveResult{ID: e.ID, Err: err}
				continue
			}
			r, err := w.save(ctx, e, now)
			if err != nil {
				var de *diary.Error
				if errors.As(err, &de) {
					results[i] = SaveResult{ID: e.ID, Err: err}
					continue
				}
				return err
			}
			results[i] = r
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// normalise validates e and fills what may be left empty. It never changes
// what the user wrote beyond trimming tags.
func normalise(e *diary.Entry, now time.Time) error {
	label := e.Title
	if label == "" {
		label = e.ID
	}
	switch {
	case len(e.ID) > MaxIDBytes:
		return diary.Errorf(diary.EInvalid, "The id %.40q… is longer than %d bytes.", e.ID, MaxIDBytes)
	case !validID(e.ID):
		return diary.Errorf(diary.EInvalid, "The id %q may not contain spaces, control characters or invalid UTF-8.", e.ID)
	case !utf8.ValidString(e.Title) || !utf8.ValidString(e.Body):
		return diary.Errorf(diary.EInvalid, "Entry %q contains invalid UTF-8 text.", label)
	case len(e.Title) > MaxTitleBytes:
		return diary.Errorf(diary.EInvalid, "The title of %q is longer than %d bytes.", label, MaxTitleBytes)
	case len(e.Body) > MaxBodyBytes:
		return diary.Errorf(diary.EInvalid, "Entry %q is %d MB; the limit is %d MB.", label, len(e.Body)>>20, MaxBodyBytes>>20)
	case !utf8.ValidString(e.Source) || !utf8.ValidString(e.SourceKey) || !utf8.ValidString(e.SourceURL) || !utf8.ValidString(e.OriginalHTML):
		return diary.Errorf(diary.EInvalid, "The source details of %q contain invalid UTF-8.", label)
	}
	if e.Date == "" {
		e.Date = now.Format(diary.DateLayout)
	}
	if _, err := time.Parse(diary.DateLayout, e.Date); err != nil {
		return diary.Errorf(diary.EInvalid, "The date %q of %q is not a valid YYYY-MM-DD date.", e.Date, label)
	}
	tags, err := cleanTags(e.Tags)
	if err != nil {
		return diary.Errorf(diary.EInvalid, "Entry %q: %v", label, err)
	}
	e.Tags = tags
	for _, c := range e.Comments {
		if !utf8.ValidString(c.Author) || !utf8.ValidString(c.Body) {
			return diary.Errorf(diary.EInvalid, "A comment on %q contains invalid UTF-8.", label)
		}
	}
	return nil
}

func validID(id string) bool {
	if !utf8.ValidString(id) {
		return false
	}
	for _, r := range id {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// cleanTags trims tags, drops empty ones and repeats (ignoring case), and
// keeps the order the user gave. A comma separates tags wherever tags are
// typed, so "旅行,京都" typed as one tag is two, as import makes it.
func cleanTags(in []string) ([]string, error) {
	out := make([]string, 0, len(in))
	seen := map[string]bool{}
	for _, t := range splitTags(in) {
		t = strings.TrimSpace(t)
		t = strings.TrimPrefix(t, "#")
		if t == "" {
			continue
		}
		if !utf8.ValidString(t) {
			return nil, errors.New("a tag contains invalid UTF-8")
		}
		if len(t) > MaxTagBytes {
			return nil, fmt.Errorf("the tag %.30q… is longer than %d bytes", t, MaxTagBytes)
		}
		if strings.ContainsFunc(t, unicode.IsControl) {
			return nil, fmt.Errorf("the tag %q contains a control character", t)
		}
		key := strings.ToLower(t)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, t)
	}
	if len(out) > MaxTags {
		return nil, fmt.Errorf("%d tags; the limit is %d", len(out), MaxTags)
	}
	return out, nil
}

func splitTags(in []string) []string {
	var out []string
	for _, t := range in {
		if !strings.Contains(t, ",") {
			out = append(out, t)
			continue
		}
		out = append(out, strings.Split(t, ",")...)
	}
	return out
}

// writer holds the statements of one write transaction.
type writer struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
	tags  map[string]int64 // lower-cased name → id, cached for the batch
	fold  time.Duration    // see saveMany

	// clock stamps a version of each write while sync is on; overHeads
	// makes the version resolve a conflict (written over every head).
	clock     *syncClock
	overHeads bool

	// The batch's existing entries, read in a few queries up front rather
	// than three a save, and kept current as the batch is saved.
	known    map[string]*diary.Entry // id → entry
	bySource map[string]string       // source + "\x00" + key → id
}

// prefetch reads the entries a batch may update: by id and by source key.
func (w *writer) prefetch(ctx context.Context, entries []diary.Entry) error {
	w.known, w.bySource = map[string]*diary.Entry{}, map[string]string{}
	var ids, keys []string
	for _, e := range entries {
		if e.ID != "" {
			ids = append(ids, e.ID)
		} else if e.SourceKey != "" {
			keys = append(keys, e.SourceKey)
		}
	}
	for chunk := range slices.Chunk(keys, 500) {
		rows, err := w.tx.QueryContext(ctx, "SELECT id, source, source_key FROM entries WHERE source_key IN ("+placeholders(len(chunk))+")", anys(chunk)...)
		if err != nil {
			return fmt.Errorf("find imported entries: %w", err)
		}
		for rows.Next() {
			var id, source, key string
			if err := rows.Scan(&id, &source, &key); err != nil {
				rows.Close()
				return fmt.Errorf("find imported entries: %w", err)
			}
			w.bySource[source+"\x00"+key] = id
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("find imported entries: %w", err)
		}
	}
	found, err := entriesByID(ctx, w.tx, ids, loadEntries)
	if err != nil {
		return err
	}
	for id, e := range found {
		w.known[id] = &e
	}
	return nil
}

// nextSeq is the package's nextSeq through the batch's prepared statement:
// a batch takes one number an entry.
func (w *writer) nextSeq(ctx context.Context) (int64, error) {
	st, err := w.stmt(ctx, nextSeqQuery)
	if err != nil {
		return 0, err
	}
	return scanSeq(st.QueryRowContext(ctx))
}

func (w *writer) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := w.stmts[query]; ok {
		return st, nil
	}
	st, err := w.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare %q: %w", query, err)
	}
	if w.stmts == nil {
		w.stmts = map[string]*sql.Stmt{}
	}
	w.stmts[query] = st
	return st, nil
}

func (w *writer) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := w.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (w *writer) close() {
	for _, st := range w.stmts {
		st.Close()
	}
}

func (w *writer) save(ctx context.Context, e diary.Entry, now time.Time) (SaveResult, error) {
	if e.ID == "" && e.SourceKey != "" {
		e.ID = w.bySource[e.Source+"\x00"+e.SourceKey]
	}
	old := w.known[e.ID]
	if old != nil {
		if old.DeletedAt != nil {
			return SaveResult{}, diary.Errorf(diary.EConflict, "Entry %q is in the trash; restore it before changing it.", old.Title)
		}
		if sameContent(*old, e) && !w.overHeads {
			return SaveResult{ID: e.ID, Unchanged: true}, nil
		}
	}
	seq, err := w.nextSeq(ctx)
	if err != nil {
		return SaveResult{}, err
	}
	kept := false
	if old == nil {
		if e.ID == "" {
			e.ID = newID(now)
		}
		created := e.CreatedAt
		if created.IsZero() {
			created = now
		}
		updated := e.UpdatedAt
		if updated.IsZero() || updated.Before(created) {
			updated = created
		}
		_, err = w.exec(ctx, `INSERT INTO entries (id, title, body, date, source, source_key, source_url, original_html, created_at, updated_at, seq)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.ID, e.Title, e.Body, e.Date, e.Source, e.SourceKey, e.SourceURL, e.OriginalHTML, created.UnixMilli(), updated.UnixMilli(), seq)
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE constraint failed: entries.source") {
				return SaveResult{}, diary.Errorf(diary.EConflict, "Another entry was already imported from %s %s.", e.Source, e.SourceKey)
			}
			return SaveResult{}, fmt.Errorf("insert entry %s: %w", e.ID, err)
		}
		e.CreatedAt, e.UpdatedAt = created, updated
		if _, err := w.exec(ctx, "DELETE FROM tombstones WHERE id = ?", e.ID); err != nil {
			return SaveResult{}, fmt.Errorf("clear tombstone of %s: %w", e.ID, err)
		}
	} else {
		_, err = w.exec(ctx, `UPDATE entries SET title = ?, body = ?, date = ?, source = ?, source_key = ?, source_url = ?, original_html = ?, updated_at = ?, seq = ?
			WHERE id = ?`,
			e.Title, e.Body, e.Date, e.Source, e.SourceKey, e.SourceURL, e.OriginalHTML, now.UnixMilli(), seq, e.ID)
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE constraint failed: entries.source") {
				return SaveResult{}, diary.Errorf(diary.EConflict, "Another entry was already imported from %s %s.", e.Source, e.SourceKey)
			}
			return SaveResult{}, fmt.Errorf("update entry %s: %w", e.ID, err)
		}
		if textChanged(*old, e) {
			fold, err := w.foldFor(ctx, e.ID)
			if err != nil {
				return SaveResult{}, err
			}
			if kept, err = w.keepRevision(ctx, *old, now, fold); err != nil {
				return SaveResult{}, err
			}
		}
	}
	if err := w.writeTags(ctx, e.ID, e.Tags, old != nil); err != nil {
		return SaveResult{}, err
	}
	if err := w.writeComments(ctx, e.ID, e.Comments, old != nil); err != nil {
		return SaveResult{}, err
	}
	if err := w.recordLocal(ctx, e, old, Live, !kept, w.overHeads, now); err != nil {
		return SaveResult{}, err
	}
	saved := e
	if old != nil {
		saved.CreatedAt, saved.UpdatedAt = old.CreatedAt, now
	}
	saved.DeletedAt = nil
	w.known[e.ID] = &saved
	if e.SourceKey != "" {
		w.bySource[e.Source+"\x00"+e.SourceKey] = e.ID
	}
	return SaveResult{ID: e.ID, Created: old == nil}, nil
}

func (w *writer) writeTags(ctx context.Context, id string, tags []string, replace bool) error {
	if replace {
		if _, err := w.exec(ctx, "DELETE FROM entry_tags WHERE entry_id = ?", id); err != nil {
			return fmt.Errorf("clear tags of %s: %w", id, err)
		}
	}
	for pos, name := range tags {
		tagID, err := w.tagID(ctx, name)
		if err != nil {
			return err
		}
		if _, err := w.exec(ctx, "INSERT INTO entry_tags (entry_id, tag_id, position) VALUES (?, ?, ?)", id, tagID, pos); err != nil {
			return fmt.Errorf("tag %s with %q: %w", id, name, err)
		}
	}
	return nil
}

func (w *writer) tagID(ctx context.Context, name string) (int64, error) {
	key := strings.ToLower(name)
	if id, ok := w.tags[key]; ok {
		return id, nil
	}
	st, err := w.stmt(ctx, "INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO UPDATE SET name = name RETURNING id")
	if err != nil {
		return 0, err
	}
	var id int64
	if err := st.QueryRowContext(ctx, name).Scan(&id); err != nil {
		return 0, fmt.Errorf("find or create tag %q: %w", name, err)
	}
	w.tags[key] = id
	return id, nil
}

func (w *writer) writeComments(ctx context.Context, id string, comments []diary.Comment, replace bool) error {
	if replace {
		if _, err := w.exec(ctx, "DELETE FROM comments WHERE entry_id = ?", id); err != nil {
			return fmt.Errorf("clear comments of %s: %w", id, err)
		}
	}
	for pos, c := range comments {
		if _, err := w.exec(ctx, "INSERT INTO comments (entry_id, position, author, date, body) VALUES (?, ?, ?, ?, ?)",
			id, pos, c.Author, c.Date.UnixMilli(), c.Body); err != nil {
			return fmt.Errorf("save comment on %s: %w", id, err)
		}
	}
	return nil
}

// textChanged reports whether saving e over old changes what a revision
// keeps: what the person edits.
func textChanged(old, e diary.Entry) bool {
	return old.Title != e.Title || old.Body != e.Body || old.Date != e.Date || !slices.Equal(old.Tags, e.Tags)
}

// sameContent reports whether saving e over old would change anything the
// user or the index can see.
func sameContent(old, e diary.Entry) bool {
	if old.Title != e.Title || old.Body != e.Body || old.Date != e.Date ||
		old.Source != e.Source || old.SourceKey != e.SourceKey || old.SourceURL != e.SourceURL ||
		old.OriginalHTML != e.OriginalHTML || !slices.Equal(old.Tags, e.Tags) || len(old.Comments) != len(e.Comments) {
		return false
	}
	for i, c := range old.Comments {
		n := e.Comments[i]
		if c.Author != n.Author || c.Body != n.Body || c.Date.UnixMilli() != n.Date.UnixMilli() {
			return false
		}
	}
	return true
}

// Get returns one entry, including one in the trash.
func (s *Store) Get(ctx context.Context, id string) (diary.Entry, error) {
	found, err := loadEntries(ctx, s.read, []string{id})
	if err != nil {
		return diary.Entry{}, err
	}
	if len(found) == 0 {
		return diary.Entry{}, diary.Errorf(diary.ENotFound, "There is no entry with id %q.", id)
	}
	if _, ok := s.clock.enabled(); ok {
		if err := s.read.QueryRowContext(ctx, "SELECT conflicts FROM entries WHERE id = ?", id).Scan(&found[0].Conflicts); err != nil {
			return diary.Entry{}, fmt.Errorf("count conflicts of %s: %w", id, err)
		}
	}
	return found[0], nil
}

// GetMany returns the entries with the given ids that exist, by id.
func (s *Store) GetMany(ctx context.Context, ids []string) (map[string]diary.Entry, error) {
	return entriesByID(ctx, s.read, ids, loadEntries)
}

// Trash moves an entry to the trash. Trashing a trashed entry does nothing.
func (s *Store) Trash(ctx context.Context, id string) error {
	return s.setDeleted(ctx, id, true)
}

// Restore brings an entry back from the trash. Restoring an entry that is
// not in the trash does nothing.
func (s *Store) Restore(ctx context.Context, id string) error {
	return s.setDeleted(ctx, id, false)
}

func (s *Store) setDeleted(ctx context.Context, id string, trash bool) error {
	now := s.now()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		found, err := loadEntries(ctx, tx, []string{id})
		if err != nil {
			return err
		}
		if len(found) == 0 {
			if trash {
				return diary.Errorf(diary.ENotFound, "There is no entry with id %q.", id)
			}
			return diary.Errorf(diary.ENotFound, "There is no entry with id %q; it may have been deleted for good.", id)
		}
		e := found[0]
		if (e.DeletedAt != nil) == trash {
			return nil
		}
		seq, err := nextSeq(ctx, tx)
		if err != nil {
			return err
		}
		var deleted any
		state := Live
		if trash {
			deleted, state = now.UnixMilli(), Trashed
		}
		if _, err := tx.ExecContext(ctx, "UPDATE entries SET deleted_at = ?, seq = ? WHERE id = ?", deleted, seq, id); err != nil {
			return fmt.Errorf("move entry %s (trash: %v): %w", id, trash, err)
		}
		w := &writer{tx: tx, clock: &s.clock}
		defer w.close()
		return w.recordLocal(ctx, e, &e, state, false, false, now)
	})
}

// EmptyTrash deletes every entry in the trash for good and returns how many.
func (s *Store) EmptyTrash(ctx context.Context) (int, error) {
	n := 0
	now := s.now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT id FROM entries WHERE deleted_at IS NOT NULL")
		if err != nil {
			return fmt.Errorf("list trash: %w", err)
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("list trash: %w", err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("list trash: %w", err)
		}
		w := &writer{tx: tx, clock: &s.clock}
		defer w.close()
		for _, id := range ids {
			if _, on := s.clock.enabled(); on {
				found, err := loadEntries(ctx, tx, []string{id})
				if err != nil {
					return err
				}
				if err := w.recordLocal(ctx, found[0], &found[0], Purged, false, false, now); err != nil {
					return err
				}
			}
			seq, err := nextSeq(ctx, tx)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO tombstones (id, seq) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq", id, seq); err != nil {
				return fmt.Errorf("record deletion of %s: %w", id, err)
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM entries WHERE id = ?", id); err != nil {
				return fmt.Errorf("delete entry %s: %w", id, err)
			}
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM entry_tags)"); err != nil {
			return fmt.Errorf("drop unused tags: %w", err)
		}
		n = len(ids)
		return nil
	})
	return n, err
}
