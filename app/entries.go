package app

import (
	"context"
	"fmt"
	"time"

	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/storage"
)

// EntryInput is what a person edits: everything else about an entry is kept
// by the app.
type EntryInput struct {
	ID    string
	Title string
	Body  string
	Date  string
	Tags  []string
}

// SaveEntry creates (ID "") or updates an entry. When it returns without
// error the entry is committed to the database; the index follows at once.
func (s *Service) SaveEntry(ctx context.Context, in EntryInput) (diary.Entry, error) {
	e := diary.Entry{ID: in.ID, Title: in.Title, Body: in.Body, Date: in.Date, Tags: in.Tags}
	if in.ID != "" {
		// Keep what the editor does not show (source, comments, original
		// HTML) instead of wiping it on every autosave.
		old, err := s.store.Get(ctx, in.ID)
		if err != nil && diary.ErrorCode(err) != diary.ENotFound {
			return diary.Entry{}, fmt.Errorf("load entry %s: %w", in.ID, err)
		}
		if err == nil {
			old.Title, old.Body, old.Date, old.Tags = in.Title, in.Body, in.Date, in.Tags
			e = old
		}
	}
	saved, err := s.store.Save(ctx, e)
	if err != nil {
		return diary.Entry{}, err
	}
	s.afterWrite(ctx)
	s.backupOnceWritten(ctx)
	return saved, nil
}

// GetEntry returns one entry, including one in the trash.
func (s *Service) GetEntry(ctx context.Context, id string) (diary.Entry, error) {
	return s.store.Get(ctx, id)
}

// TrashEntry moves an entry to the trash; it leaves search results at once.
func (s *Service) TrashEntry(ctx context.Context, id string) error {
	if err := s.store.Trash(ctx, id); err != nil {
		return err
	}
	s.afterWrite(ctx)
	s.backupOnceWritten(ctx)
	return nil
}

// RestoreEntry brings an entry back from the trash.
func (s *Service) RestoreEntry(ctx context.Context, id string) error {
	if err := s.store.Restore(ctx, id); err != nil {
		return err
	}
	s.afterWrite(ctx)
	return nil
}

// EmptyTrash deletes the entries in the trash for good.
func (s *Service) EmptyTrash(ctx context.Context) (int, error) {
	n, err := s.store.EmptyTrash(ctx)
	if err != nil {
		return 0, err
	}
	s.afterWrite(ctx)
	return n, nil
}

// ListTrash lists the entries in the trash, most recently deleted first.
func (s *Service) ListTrash(ctx context.Context) ([]storage.Summary, error) {
	return s.store.ListTrash(ctx)
}

// ListEntries pages through the timeline, newest diary date first.
func (s *Service) ListEntries(ctx context.Context, q storage.ListQuery) (storage.ListPage, error) {
	return s.store.List(ctx, q)
}

// Tags lists every tag in use with how many entries carry it.
func (s *Service) Tags(ctx context.Context) ([]storage.TagCount, error) {
	return s.store.Tags(ctx)
}

// DayCounts counts entries per diary day between from and to, inclusive.
func (s *Service) DayCounts(ctx context.Context, from, to string) ([]storage.DayCount, error) {
	return s.store.DayCounts(ctx, from, to)
}

// OnThisDay lists entries written on the same month and day as date in
// earlier years.
func (s *Service) OnThisDay(ctx context.Context, date string) ([]storage.Summary, error) {
	d, err := time.Parse(diary.DateLayout, date)
	if err != nil {
		return nil, diary.Errorf(diary.EInvalid, "%q is not a date (YYYY-MM-DD)", date)
	}
	return s.store.OnThisDay(ctx, d.Format("01-02"), d.Year())
}

// Stats describes the data folder's contents.
func (s *Service) Stats(ctx context.Context) (storage.Stats, error) {
	return s.store.Stats(ctx)
}

// Counts is Stats without the size of the text, which takes reading every
// entry; quick at any size, for the window's start.
func (s *Service) Counts(ctx context.Context) (storage.Stats, error) {
	return s.store.Counts(ctx)
}
