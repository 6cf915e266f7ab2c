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
	if err != nil && diary.ErrorCode(err) == diary.EInternal && svc.Damaged() != "" {
		// Reads that fail on a damaged database say so, not "something
		// went wrong".
		b.log.Error(op, "err", err)
		err = diary.Errorf(diary.ECorrupt, "%s", svc.Damaged())
	}
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
	// What was saved, for tests that type into the real window
	// (TSUZURI_LOG=debug): the text a person writes stays out of normal logs.
	x.b.log.Debug("save", "id", in.ID, "title", in.Title, "body", in.Body)
	if in.ID != "" {
		if err := checkID(in.ID); err != nil {
			return diary.Entry{}, x.b.fail("save", err)
		}
	}
	return call(x.b, "save", func(s *app.Service) (diary.Entry, error) { return s.SaveEntry(x.b.ctx, in) })
}

func (x *Entries) Get(id string) (diary.Entry, error) {
	x.b.log.Debug("open entry", "id", id)
	if err := checkID(id); err != nil {
		return diary.Entry{}, x.b.fail("open entry", err)
	}
	return call(x.b, "open entry", func(s *app.Service) (diary.Entry, error) { return s.GetEntry(x.b.ctx, id) })
}

func (x *Entries) Trash(id string) error {
	if err := checkID(id); err != nil {
		return x.b.fail("move to trash", err)
	}
	return do(x.b, "move to trash", func(s *app.Service) error { return s.TrashEntry(x.b.ctx, id) })
}

func (x *Entries) Restore(id string) error {
	if err := checkID(id); err != nil {
		return x.b.fail("restore", err)
	}
	return do(x.b, "restore", func(s *app.Service) error { return s.RestoreEntry(x.b.ctx, id) })
}

func (x *Entries) EmptyTrash() (int, error) {
	return call(x.b, "empty trash", func(s *app.Service) (int, error) { return s.EmptyTrash(x.b.ctx) })
}

func (x *Entries) ListTrash() ([]storage.Summary, error) {
	return call(x.b, "list trash", func(s *app.Service) ([]storage.Summary, error) { return s.ListTrash(x.b.ctx) })
}

func (x *Entries) List(q storage.ListQuery) (storage.ListPage, error) {
	if err := firstError(checkText("page cursor", q.Cursor, 512), checkText("tag", q.Tag, storage.MaxTagBytes),
		checkText("date", q.From, 10), checkText("date", q.To, 10)); err != nil {
		return storage.ListPage{}, x.b.fail("list entries", err)
	}
	return call(x.b, "list entries", func(s *app.Service) (storage.ListPage, error) { return s.ListEntries(x.b.ctx, q) })
}

func (x *Entries) Tags() ([]storage.TagCount, error) {
	return call(x.b, "list tags", func(s *app.Service) ([]storage.TagCount, error) { return s.Tags(x.b.ctx) })
}

func (x *Entries) DayCounts(from, to string) ([]storage.DayCount, error) {
	if err := firstError(checkText("date", from, 10), checkText("date", to, 10)); err != nil {
		return nil, x.b.fail("calendar", err)
	}
	return call(x.b, "calendar", func(s *app.Service) ([]storage.DayCount, error) { return s.DayCounts(x.b.ctx, from, to) })
}

func (x *Entries) OnThisDay(date string) ([]storage.Summary, error) {
	if err := checkText("date", date, 10); err != nil {
		return nil, x.b.fail("on this day", err)
	}
	return call(x.b, "on this day", func(s *app.Service) ([]storage.Summary, error) { return s.OnThisDay(x.b.ctx, date) })
}

// Stats counts entries, tags and dates; the window never shows the size of
// the text, which would read the whole diary.
func (x *Entries) Stats() (storage.Stats, error) {
	return call(x.b, "statistics", func(s *app.Service) (storage.Stats, error) { return s.Counts(x.b.ctx) })
}

// CopyRemoteImages copies the images entry id shows from other servers into
// the data folder (the user pressed "Load images" on it) and returns the
// entry as saved, with what could not be copied. Hosts on the user's own
// network are contacted only if listed in allowHosts, which the window
// fills only after asking the person about each.
func (x *Entries) CopyRemoteImages(id string, allowHosts []string) (app.RemoteImagesResult, error) {
	if err := checkID(id); err != nil {
		return app.RemoteImagesResult{}, x.b.fail("load images", err)
	}
	if err := checkHosts(allowHosts); err != nil {
		return app.RemoteImagesResult{}, x.b.fail("load images", err)
	}
	return call(x.b, "load images", func(s *app.Service) (app.RemoteImagesResult, error) {
		return s.CopyRemoteImages(x.b.ctx, id, allowHosts)
	})
}

// History lists the open entry's earlier versions, newest first.
func (x *Entries) History(id string) ([]storage.RevisionInfo, error) {
	if err := checkID(id); err != nil {
		return nil, x.b.fail("history", err)
	}
	return call(x.b, "history", func(s *app.Service) ([]storage.RevisionInfo, error) { return s.History(x.b.ctx, id) })
}

// Revision returns one earlier version with its text, to compare.
func (x *Entries) Revision(id string, number int) (storage.Revision, error) {
	if err := firstError(checkID(id), checkRevision(number)); err != nil {
		return storage.Revision{}, x.b.fail("history", err)
	}
	return call(x.b, "history", func(s *app.Service) (storage.Revision, error) { return s.Revision(x.b.ctx, id, number) })
}

// RestoreRevision makes an earlier version the current text again.
func (x *Entries) RestoreRevision(id string, number int) (diary.Entry, error) {
	if err := firstError(checkID(id), checkRevision(number)); err != nil {
		return diary.Entry{}, x.b.fail("restore version", err)
	}
	return call(x.b, "restore version", func(s *app.Service) (diary.Entry, error) { return s.RestoreRevision(x.b.ctx, id, number) })
}
