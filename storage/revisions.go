package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tsuzuri/tsuzuri/diary"
)

// Revision policy. An editing session's autosaves fold into one revision:
// a save keeps the previous text only when the entry's latest revision is
// older than FoldRevisions, so the text from before the session is always
// kept while the typing in between is not. Pruning then keeps every
// revision younger than KeepAllRevisions, the last of each day younger than
// KeepDailyRevisions, the last of each month after that, and always an
// entry's oldest revision (usually its text as first written or imported).
const (
	FoldRevisions      = 5 * time.Minute
	KeepAllRevisions   = 7 * 24 * time.Hour
	KeepDailyRevisions = 90 * 24 * time.Hour
)

// RevisionInfo describes one earlier version of an entry.
type RevisionInfo struct {
	Number     int       // counts up per entry; pruning leaves gaps
	SavedAt    time.Time // when this text was saved
	RecordedAt time.Time // when a later save replaced it
	Size       int       // bytes of body
	Chars      int       // characters of body, what a writer counts
	Title      string
	Date       string
	Tags       []string
}

// Revision is an earlier version with its text.
type Revision struct {
	RevisionInfo
	Body string
}

// keepRevision records old, the text a save is replacing, unless the entry
// kept a revision less than fold ago, and prunes the entry's revisions.
// It reports whether it kept one.
func (w *writer) keepRevision(ctx context.Context, old diary.Entry, now time.Time, fold time.Duration) (bool, error) {
	tags, err := json.Marshal(old.Tags)
	if err != nil {
		return false, fmt.Errorf("encode tags of %s: %w", old.ID, err)
	}
	res, err := w.exec(ctx, `INSERT INTO revisions (entry_id, number, recorded_at, saved_at, size, date, tags, title, body)
		SELECT ?1, COALESCE((SELECT MAX(number) FROM revisions WHERE entry_id = ?1), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8
		WHERE NOT EXISTS (SELECT 1 FROM revisions WHERE entry_id = ?1 AND recorded_at > ?9)`,
		old.ID, now.UnixMilli(), old.UpdatedAt.UnixMilli(), len(old.Body), old.Date, string(tags), old.Title, old.Body,
		now.Add(-fold).UnixMilli())
	if err != nil {
		return false, fmt.Errorf("keep the previous text of %s: %w", old.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	_, err = pruneEntry(ctx, w.tx, old.ID, now)
	return true, err
}

// pruneEntry deletes the revisions of one entry the policy no longer keeps
// and returns how many.
func pruneEntry(ctx context.Context, tx *sql.Tx, id string, now time.Time) (int, error) {
	rows, err := tx.QueryContext(ctx, "SELECT id, recorded_at FROM revisions WHERE entry_id = ? ORDER BY number", id)
	if err != nil {
		return 0, fmt.Errorf("list revisions of %s: %w", id, err)
	}
	var ids []int64
	var times []time.Time
	for rows.Next() {
		var rid, at int64
		if err := rows.Scan(&rid, &at); err != nil {
			rows.Close()
			return 0, fmt.Errorf("list revisions of %s: %w", id, err)
		}
		ids = append(ids, rid)
		times = append(times, time.UnixMilli(at))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("list revisions of %s: %w", id, err)
	}
	var drop []any
	for i, keep := range KeepRevisions(times, now) {
		if !keep {
			drop = append(drop, ids[i])
		}
	}
	if len(drop) == 0 {
		return 0, nil
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM revisions WHERE id IN ("+placeholders(len(drop))+")", drop...); err != nil {
		return 0, fmt.Errorf("prune revisions of %s: %w", id, err)
	}
	return len(drop), nil
}

// KeepRevisions applies the retention policy to one entry's revisions,
// given their recording times oldest first, and says which to keep. Days
// and months are those of now's time zone.
func KeepRevisions(recorded []time.Time, now time.Time) []bool {
	keep := make([]bool, len(recorded))
	// Newest first, so the first revision seen in a day or month bucket is
	// the one kept.
	seen := map[string]bool{}
	for i := len(recorded) - 1; i >= 0; i-- {
		at := recorded[i].In(now.Location())
		age := now.Sub(at)
		var bucket string
		switch {
		case i == 0 || age < KeepAllRevisions:
			keep[i] = true
			continue
		case age < KeepDailyRevisions:
			bucket = at.Format("d2006-01-02")
		default:
			bucket = at.Format("m2006-01")
		}
		keep[i] = !seen[bucket]
		seen[bucket] = true
	}
	return keep
}

// PruneRevisions applies the retention policy to the entries whose
// revisions crossed an age where it changes (7 or 90 days) since the last
// call, and returns how many revisions it deleted. Saves prune the entry
// they touch; this catches entries nobody edits, without reading every
// entry's history at each start.
func (s *Store) PruneRevisions(ctx context.Context) (int, error) {
	now := s.now()
	var last int64
	err := s.read.QueryRowContext(ctx, "SELECT value FROM counters WHERE name = 'revisions_pruned_at'").Scan(&last)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("read when revisions were last pruned: %w", err)
	}
	crossed := func(age time.Duration) (from, to int64) {
		return last - age.Milliseconds(), now.Add(-age).UnixMilli()
	}
	allFrom, allTo := crossed(KeepAllRevisions)
	dailyFrom, dailyTo := crossed(KeepDailyRevisions)
	var ids []string
	rows, err := s.read.QueryContext(ctx, `SELECT DISTINCT entry_id FROM revisions
		WHERE (recorded_at >= ? AND recorded_at < ?) OR (recorded_at >= ? AND recorded_at < ?)`, allFrom, allTo, dailyFrom, dailyTo)
	if err != nil {
		return 0, fmt.Errorf("find revisions to prune: %w", err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("find revisions to prune: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("find revisions to prune: %w", err)
	}
	deleted := 0
	// A transaction per few entries: pruning a large diary must not hold
	// the writer away from an autosave for long. The time is recorded
	// last, so an interrupted run is redone whole.
	for start := 0; start < len(ids); start += 100 {
		chunk := ids[start:min(start+100, len(ids))]
		n := 0
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			for _, id := range chunk {
				d, err := pruneEntry(ctx, tx, id, now)
				if err != nil {
					return err
				}
				n += d
			}
			return nil
		})
		if err != nil {
			return deleted, err
		}
		deleted += n
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO counters (name, value) VALUES ('revisions_pruned_at', ?)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value`, now.UnixMilli())
		return err
	})
	if err != nil {
		return deleted, fmt.Errorf("record when revisions were pruned: %w", err)
	}
	return deleted, nil
}

// Revisions lists an entry's earlier versions, newest first, without their
// text. A version the same as a newer one (a restore brings an old text
// back) is listed once, as the newest; an empty one
// (the blank note before its first words) is not a version worth going
// back to.
func (s *Store) Revisions(ctx context.Context, id string) ([]RevisionInfo, error) {
	if _, err := s.Get(ctx, id); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, "SELECT number, saved_at, recorded_at, size, title, date, tags, body FROM revisions WHERE entry_id = ? ORDER BY number DESC", id)
	if err != nil {
		return nil, fmt.Errorf("list revisions of %s: %w", id, err)
	}
	defer rows.Close()
	version := func(title, date, body string, tags []string) string {
		return strings.Join([]string{title, date, strings.Join(tags, "\x1f"), body}, "\x00")
	}
	seen := map[string]bool{}
	out := []RevisionInfo{}
	for rows.Next() {
		var r RevisionInfo
		var saved, recorded int64
		var tags, body string
		if err := rows.Scan(&r.Number, &saved, &recorded, &r.Size, &r.Title, &r.Date, &tags, &body); err != nil {
			return nil, fmt.Errorf("list revisions of %s: %w", id, err)
		}
		r.SavedAt, r.RecordedAt = time.UnixMilli(saved).UTC(), time.UnixMilli(recorded).UTC()
		if r.Tags, err = decodeTags(tags); err != nil {
			return nil, fmt.Errorf("revision %d of %s: %w", r.Number, id, err)
		}
		key := version(r.Title, r.Date, body, r.Tags)
		if seen[key] || (strings.TrimSpace(body) == "" && strings.TrimSpace(r.Title) == "") {
			continue
		}
		seen[key] = true
		r.Chars = utf8.RuneCountInString(body)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list revisions of %s: %w", id, err)
	}
	return out, nil
}

// Revision returns one earlier version of an entry with its text.
func (s *Store) Revision(ctx context.Context, id string, number int) (Revision, error) {
	return readRevision(ctx, s.read, id, number)
}

func readRevision(ctx context.Context, q querier, id string, number int) (Revision, error) {
	var r Revision
	var saved, recorded int64
	var tags string
	err := q.QueryRowContext(ctx, "SELECT number, saved_at, recorded_at, size, title, date, tags, body FROM revisions WHERE entry_id = ? AND number = ?", id, number).
		Scan(&r.Number, &saved, &recorded, &r.Size, &r.Title, &r.Date, &tags, &r.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return Revision{}, diary.Errorf(diary.ENotFound, "Entry %q has no revision %d; it may have been pruned.", id, number)
	}
	if err != nil {
		return Revision{}, fmt.Errorf("read revision %d of %s: %w", number, id, err)
	}
	r.SavedAt, r.RecordedAt = time.UnixMilli(saved).UTC(), time.UnixMilli(recorded).UTC()
	if r.Tags, err = decodeTags(tags); err != nil {
		return Revision{}, fmt.Errorf("revision %d of %s: %w", number, id, err)
	}
	return r, nil
}

func decodeTags(s string) ([]string, error) {
	tags := []string{}
	if err := json.NewDecoder(strings.NewReader(s)).Decode(&tags); err != nil {
		return nil, fmt.Errorf("decode tags: %w", err)
	}
	return tags, nil
}

// RestoreRevision makes an earlier version the current text again. The
// current text is kept as a revision first (never folded away), so a
// restore can itself be undone.
func (s *Store) RestoreRevision(ctx context.Context, id string, number int) (diary.Entry, error) {
	now := s.now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rev, err := readRevision(ctx, tx, id, number)
		if err != nil {
			return err
		}
		w := &writer{tx: tx, tags: map[string]int64{}, clock: &s.clock}
		defer w.close()
		if err := w.prefetch(ctx, []diary.Entry{{ID: id}}); err != nil {
			return err
		}
		current, ok := w.known[id]
		if !ok {
			return diary.Errorf(diary.ENotFound, "There is no entry with id %q.", id)
		}
		e := *current
		e.Title, e.Body, e.Date, e.Tags = rev.Title, rev.Body, rev.Date, rev.Tags
		_, err = w.save(ctx, e, now)
		return err
	})
	if err != nil {
		return diary.Entry{}, err
	}
	return s.Get(ctx, id)
}
