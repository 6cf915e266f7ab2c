package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"time"

	"github.com/tsuzuri/tsuzuri/diary"
)

// OpenReadOnly opens the database at path for reading only, applying no
// migration: for backing up a database before it is migrated, and for
// keeping a damaged one readable. Every write through it is refused.
func OpenReadOnly(ctx context.Context, path string) (*Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	q := url.Values{}
	q.Add("mode", "ro")
	q.Add("_pragma", "busy_timeout(10000)")
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(2)
	if _, err := schemaVersion(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	s := &Store{write: db, read: db, now: time.Now}
	s.SetReadOnly("The diary is open for reading only.")
	return s, nil
}

// SetReadOnly makes every later write fail with an EReadOnly error saying
// why.
func (s *Store) SetReadOnly(why string) { s.readOnly.Store(&why) }

// ReadOnly is why writes are refused, or "".
func (s *Store) ReadOnly() string {
	if why := s.readOnly.Load(); why != nil {
		return *why
	}
	return ""
}

// PendingMigrations says whether the database at path exists and was
// written by an older schema than this version applies: before Open
// migrates it, the app backs it up.
func PendingMigrations(ctx context.Context, path string) (bool, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		return false, err
	}
	defer ro.Close()
	current, err := schemaVersion(ctx, ro.read)
	if err != nil {
		return false, err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return false, fmt.Errorf("list migrations: %w", err)
	}
	return current > 0 && current < len(names), nil
}

func schemaVersion(ctx context.Context, db *sql.DB) (int, error) {
	var v int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, classifyOpenError(err)
	}
	return v, nil
}

// QuickCheck runs SQLite's quick_check and returns what it found wrong;
// none means the database's structure is sound. A database too damaged
// to run it at all is an ECorrupt error.
func (s *Store) QuickCheck(ctx context.Context) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		if isCorrupt(err) {
			return nil, diary.Errorf(diary.ECorrupt, "The database is damaged: %v", err)
		}
		return nil, fmt.Errorf("check database: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, fmt.Errorf("check database: %w", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		if isCorrupt(err) {
			return append(problems, err.Error()), nil
		}
		return nil, fmt.Errorf("check database: %w", err)
	}
	return problems, nil
}

// EachSeq calls fn with the id and change number of every entry, in id
// order; live is false for one in the trash (which search does not find).
func (s *Store) EachSeq(ctx context.Context, fn func(id string, seq int64, live bool) error) error {
	rows, err := s.read.QueryContext(ctx, "SELECT id, seq, deleted_at IS NULL FROM entries ORDER BY id")
	if err != nil {
		return fmt.Errorf("list entries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var seq int64
		var live bool
		if err := rows.Scan(&id, &seq, &live); err != nil {
			return fmt.Errorf("list entries: %w", err)
		}
		if err := fn(id, seq, live); err != nil {
			return err
		}
	}
	return rows.Err()
}
