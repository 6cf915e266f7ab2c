package desktop

import (
	"github.com/tsuzuri/tsuzuri/app"
	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/storage"
)

// call runs fn on the open Service and turns its error into the UI's form.
func call[T any](b *Backend, op string, fn func(*app.Service) (T, error)) (T, error) {
	svc, err := b.service()
	if err != nil {
		var zero T
		return zero, b.fail(op, err)
	}
	v, err := fn(svc)
	return v, b.fail(op, err)
}

// do is call for operations that return nothing.
func do(b *Backend, op string, fn func(*app.Service) error) error {
	_, err := call(b, op, func(s *app.Service) (struct{}, error) { return struct{}{}, fn(s) })
	return err
}

// Entries is writing and browsing the diary.
type Entries struct{ b *Backend }

func (x *Entries) Save(in app.EntryInput) (diary.Entry, error) {
	return call(x.b, "save", func(s *app.Service) (diary.Entry, error) { return s.SaveEntry(x.b.ctx, in) })
}

func (x *Entries) Get(id string) (diary.Entry, error) {
	return call(x.b, "open entry", func(s *app.Service) (diary.Entry, error) { return s.GetEntry(x.b.ctx, id) })
}

func (x *Entries) Trash(id string) error {
	return do(x.b, "move to trash", func(s *app.Service) error { return s.TrashEntry(x.b.ctx, id) })
}

func (x *Entries) Restore(id string) error {
	return do(x.b, "restore", func(s *app.Service) error { return s.RestoreEntry(x.b.ctx, id) })
}

func (x *Entries) EmptyTrash() (int, error) {
	return call(x.b, "empty trash", func(s *app.Service) (int, error) { return s.EmptyTrash(x.b.ctx) })
}

func (x *Entries) ListTrash() ([]storage.Summary, error) {
	return call(x.b, "list trash", func(s *app.Service) ([]storage.Summary, error) { return s.ListTrash(x.b.ctx) })
}

func (x *Entries) List(q storage.ListQuery) (storage.ListPage, error) {
	return call(x.b, "list entries", func(s *app.Service) (storage.ListPage, error) { return s.ListEntries(x.b.ctx, q) })
}

func (x *Entries) Tags() ([]storage.TagCount, error) {
	return call(x.b, "list tags", func(s *app.Service) ([]storage.TagCount, error) { return s.Tags(x.b.ctx) })
}

func (x *Entries) DayCounts(from, to string) ([]storage.DayCount, error) {
	return call(x.b, "calendar", func(s *app.Service) ([]storage.DayCount, error) { return s.DayCounts(x.b.ctx, from, to) })
}

func (x *Entries) OnThisDay(date string) ([]storage.Summary, error) {
	return call(x.b, "on this day", func(s *app.Service) ([]storage.Summary, error) { return s.OnThisDay(x.b.ctx, date) })
}

func (x *Entries) Stats() (storage.Stats, error) {
	return call(x.b, "statistics", func(s *app.Service) (storage.Stats, error) { return s.Stats(x.b.ctx) })
}
