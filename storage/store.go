// Package storage keeps diary entries in SQLite, the source of truth of a
// Tsuzuri data folder. Every write is one transaction stamped with a value of
// a global change counter, so the rebuildable search index can always ask
// what changed since it last looked.
package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/tsuzuri/tsuzuri/diary"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is an open database. It is safe for concurrent use.
type Store struct {
	// write has a single connection: SQLite allows one writer at a time,
	// and queueing in Go is kinder than SQLITE_BUSY.
	write *sql.DB
	read  *sql.DB
	// now is the clock writes are stamped with; tests move it to age
	// revisions.
	now func() time.Time

	// readOnly, when set, is why writes are refused: a damaged database is
	// kept for reading (and backing up) but never written to.
	readOnly atomic.Pointer[string]

	// clock stamps the versions sync carries; its device is "" until sync
	// is turned on, and writes then record no versions.
	clock syncClock
}

// SetClock sets the clock writes are stamped with (time.Now unless set);
// revisions age by it. Call it before the first write.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Open opens (creating if needed) the database at path and applies pending
// migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	// synchronous(FULL): in WAL mode NORMAL may lose the last commits on power
	// loss, and a save the user saw succeed must survive that.
	pragmas := []string{"busy_timeout(10000)", "foreign_keys(1)", "journal_mode(WAL)", "synchronous(FULL)"}
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()

	// The writer's page cache holds a large import's transaction (500
	// entries, their tags, the change feed and the indexes over them). At
	// SQLite's default 2 MB the cache spilled mid-transaction, writing pages
	// to the log that the same transaction then wrote again: on a 100k
	// import, a fifth of the saves' CPU (10.1 s → 8.1 s at 16 MB; 64 MB
	// saved no more). Readers keep the default; they read few pages each.
	write, err := sql.Open("sqlite", dsn+"&_pragma=cache_size(-16000)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	s := &Store{write: write, now: time.Now}
	if err := s.migrate(ctx); err != nil {
		write.Close()
		return nil, err
	}
	read, err := sql.Open("sqlite", dsn)
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open %s for reading: %w", path, err)
	}
	read.SetMaxOpenConns(4)
	s.read = read
	if err := s.loadSyncClock(ctx); err != nil {
		s.Close()
		if isCorrupt(err) {
			return nil, classifyOpenError(err)
		}
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	var errs []error
	if s.read != nil {
		errs = append(errs, s.read.Close())
	}
	errs = append(errs, s.write.Close())
	return errors.Join(errs...)
}

// migrate applies the embedded migrations newer than the database's
// user_version, each in its own transaction with the version bump.
func (s *Store) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	var current int
	if err := s.write.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return classifyOpenError(err)
	}
	if current > len(names) {
		return diary.Errorf(diary.EConflict,
			"This data folder was written by a newer version of Tsuzuri (schema %d; this version knows %d). Update Tsuzuri to open it.",
			current, len(names))
	}
	for i, name := range names {
		version := i + 1
		if !strings.HasPrefix(strings.TrimPrefix(name, "migrations/"), fmt.Sprintf("%04d_", version)) {
			return fmt.Errorf("migration %s is out of sequence (want %04d_…)", name, version)
		}
		if version <= current {
			continue
		}
		script, err := migrations.ReadFile(name)
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, string(script)); err != nil {
				return fmt.Errorf("apply %s: %w", name, err)
			}
			// PRAGMA takes no parameters; version is an int we computed.
			_, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(version))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func classifyOpenError(err error) error {
	if isCorrupt(err) {
		return diary.Errorf(diary.ECorrupt, "The database file is damaged or is not a Tsuzuri database (%v).", err)
	}
	return fmt.Errorf("read schema version: %w", err)
}

func isCorrupt(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "file is not a database") || strings.Contains(msg, "malformed")
}

// inTx runs fn in a write transaction and commits it, or rolls back on error.
func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	if why := s.readOnly.Load(); why != nil {
		return diary.Errorf(diary.EReadOnly, "%s", *why)
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return classifyWriteError(fmt.Errorf("begin transaction: %w", err))
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return classifyWriteError(err)
	}
	if err := tx.Commit(); err != nil {
		return classifyWriteError(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// classifyWriteError gives the failures a person can act on their own code:
// a full disk (free space and save again) and a damaged database (restore
// a backup). Errors that already carry a code keep it.
func classifyWriteError(err error) error {
	var de *diary.Error
	if errors.As(err, &de) {
		return err
	}
	switch {
	case errors.Is(err, syscall.ENOSPC) || strings.Contains(err.Error(), "database or disk is full"):
		return &diary.Error{Code: diary.EDiskFull,
			Message: "The disk holding the data folder is full, so this was not saved. Free some space and save again; what was saved before is safe."}
	case isCorrupt(err):
		return &diary.Error{Code: diary.ECorrupt,
			Message: "The database is damaged, so this was not saved. Restore the latest backup (Settings → Backups)."}
	}
	return err
}

// nextSeq advances the global change counter inside tx.
func nextSeq(ctx context.Context, tx *sql.Tx) (int64, error) {
	return scanSeq(tx.QueryRowContext(ctx, nextSeqQuery))
}

const nextSeqQuery = "UPDATE counters SET value = value + 1 WHERE name = 'seq' RETURNING value"

func scanSeq(row *sql.Row) (int64, error) {
	var seq int64
	if err := row.Scan(&seq); err != nil {
		return 0, fmt.Errorf("advance change counter: %w", err)
	}
	return seq, nil
}

// LastSeq is the sequence number of the latest write.
func (s *Store) LastSeq(ctx context.Context) (int64, error) {
	var seq int64
	if err := s.read.QueryRowContext(ctx, "SELECT value FROM counters WHERE name = 'seq'").Scan(&seq); err != nil {
		return 0, fmt.Errorf("read change counter: %w", err)
	}
	return seq, nil
}

// Backup writes a consistent, compacted copy of the database to dest, which
// must not exist. It runs alongside readers and writers.
func (s *Store) Backup(ctx context.Context, dest string) error {
	if _, err := s.read.ExecContext(ctx, "VACUUM INTO ?", dest); err != nil {
		return fmt.Errorf("copy database to %s: %w", dest, err)
	}
	return nil
}
