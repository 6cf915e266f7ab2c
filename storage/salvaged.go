package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tsuzuri/tsuzuri/diary"
)

// Salvaged is an entry read back from a damaged database (or a backup),
// with the revisions found for it.
type Salvaged struct {
	Entry     diary.Entry
	Revisions []Revision
}

// PutSalvaged writes salvaged entries into a new database as they were:
// ids, times, the trash and the revisions' numbers and times are kept,
// and no revision is added for them. The entries get change numbers in
// the order given.
func (s *Store) PutSalvaged(ctx context.Context, entries []Salvaged) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		w := &writer{tx: tx, stmts: map[string]*sql.Stmt{}, tags: map[string]int64{}}
		defer w.close()
		for _, sv := range entries {
			e := sv.Entry
			if !validID(e.ID) || e.ID == "" {
				return diary.Errorf(diary.EInvalid, "A salvaged entry has an invalid id %q.", e.ID)
			}
			tags, err := cleanTags(e.Tags)
			if err != nil {
				return diary.Errorf(diary.EInvalid, "Entry %s: %v", e.ID, err)
			}
			seq, err := nextSeq(ctx, tx)
			if err != nil {
				return err
			}
			var deleted any
			if e.DeletedAt != nil {
				deleted = e.DeletedAt.UnixMilli()
			}
			if _, err := w.exec(ctx, `INSERT INTO entries (id, title, body, date, source, source_key, source_url, original_html, created_at, updated_at, deleted_at, seq)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				e.ID, e.Title, e.Body, e.Date, e.Source, e.SourceKey, e.SourceURL, e.OriginalHTML,
				e.CreatedAt.UnixMilli(), e.UpdatedAt.UnixMilli(), deleted, seq); err != nil {
				return fmt.Errorf("insert salvaged entry %s: %w", e.ID, err)
			}
			if err := w.writeTags(ctx, e.ID, tags, false); err != nil {
				return err
			}
			if err := w.writeComments(ctx, e.ID, e.Comments, false); err != nil {
				return err
			}
			for _, r := range sv.Revisions {
				rt, err := json.Marshal(nonNil(r.Tags))
				if err != nil {
					return fmt.Errorf("encode tags of a revision of %s: %w", e.ID, err)
				}
				if _, err := w.exec(ctx, `INSERT INTO revisions (entry_id, number, recorded_at, saved_at, size, date, tags, title, body)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
					e.ID, r.Number, r.RecordedAt.UnixMilli(), r.SavedAt.UnixMilli(), len(r.Body), r.Date, string(rt), r.Title, r.Body); err != nil {
					return fmt.Errorf("insert revision %d of %s: %w", r.Number, e.ID, err)
				}
			}
		}
		return nil
	})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Millis turns a stored time (Unix milliseconds) into a time, as the
// database's readers do.
func Millis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
