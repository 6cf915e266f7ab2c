package storage

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/tsuzuri/tsuzuri/diary"
)

// clock lets a test move the store's time.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func withClock(s *Store, start time.Time) *clock {
	c := &clock{t: start}
	s.now = c.now
	return c
}

func revisionNumbers(t *testing.T, s *Store, id string) []int {
	t.Helper()
	revs, err := s.Revisions(context.Background(), id)
	if err != nil {
		t.Fatalf("Revisions(%s): %v", id, err)
	}
	var out []int
	for _, r := range revs {
		out = append(out, r.Number)
	}
	return out
}

func revisionBody(t *testing.T, s *Store, id string, n int) string {
	t.Helper()
	r, err := s.Revision(context.Background(), id, n)
	if err != nil {
		t.Fatalf("Revision(%s, %d): %v", id, n, err)
	}
	return r.Body
}

func TestSavesKeepThePreviousTextAndFoldASession(t *testing.T) {
	s, _ := openTemp(t)
	c := withClock(s, time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC))
	e := mustSave(t, s, diary.Entry{Title: "朝会", Body: "最初の文", Date: "2025-06-01", Tags: []string{"会議"}})
	if got := revisionNumbers(t, s, e.ID); len(got) != 0 {
		t.Fatalf("a new entry has revisions %v", got)
	}

	c.advance(time.Hour)
	e.Body = "二度目の文"
	e = mustSave(t, s, e)
	// An editing session: autosaves every few seconds for four minutes.
	for i := range 4 {
		c.advance(time.Minute)
		e.Body = "途中 " + string(rune('A'+i))
		e = mustSave(t, s, e)
	}
	if got := revisionNumbers(t, s, e.ID); !slices.Equal(got, []int{1}) {
		t.Fatalf("after one session: revisions %v, want [1]", got)
	}
	if got := revisionBody(t, s, e.ID, 1); got != "最初の文" {
		t.Fatalf("revision 1 = %q, want the text from before the session", got)
	}
	r, _ := s.Revision(context.Background(), e.ID, 1)
	if r.Title != "朝会" || r.Date != "2025-06-01" || !slices.Equal(r.Tags, []string{"会議"}) || r.Size != len("最初の文") {
		t.Fatalf("revision 1 = %+v", r.RevisionInfo)
	}
	if want := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC); !r.SavedAt.Equal(want) {
		t.Fatalf("revision 1 saved at %v, want %v", r.SavedAt, want)
	}

	// Past the fold window the next save keeps the session's last text.
	c.advance(FoldRevisions + time.Second)
	e.Body = "翌日の文"
	e = mustSave(t, s, e)
	if got := revisionNumbers(t, s, e.ID); !slices.Equal(got, []int{2, 1}) {
		t.Fatalf("revisions %v, want [2 1]", got)
	}
	if got := revisionBody(t, s, e.ID, 2); got != "途中 D" {
		t.Fatalf("revision 2 = %q", got)
	}

	// Saving the same text again, or changing only what the editor does
	// not show, keeps nothing new.
	c.advance(time.Hour)
	mustSave(t, s, e)
	e.SourceURL = "https://example.com/x"
	c.advance(time.Hour)
	e = mustSave(t, s, e)
	if got := revisionNumbers(t, s, e.ID); !slices.Equal(got, []int{2, 1}) {
		t.Fatalf("revisions after saves that change no text: %v", got)
	}
}

func TestImportKeepsRevisionsOnlyForRealUpdates(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()
	batch := []diary.Entry{
		{Title: "a", Body: "one", Date: "2024-01-01", Source: "jsonl", SourceKey: "a"},
		{Title: "b", Body: "two", Date: "2024-01-02", Source: "jsonl", SourceKey: "b"},
	}
	res, err := s.SaveMany(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, path, "revisions"); n != 0 {
		t.Fatalf("importing new entries wrote %d revisions", n)
	}
	// The same import again changes nothing; an edited source updates one
	// entry, and an import does not fold: both updates keep their text.
	if _, err := s.SaveMany(ctx, batch); err != nil {
		t.Fatal(err)
	}
	batch[1].Body = "two, edited"
	if _, err := s.SaveMany(ctx, batch); err != nil {
		t.Fatal(err)
	}
	batch[1].Body = "two, edited again"
	if _, err := s.SaveMany(ctx, batch); err != nil {
		t.Fatal(err)
	}
	if got := revisionNumbers(t, s, res[1].ID); !slices.Equal(got, []int{2, 1}) {
		t.Fatalf("revisions of the updated entry: %v", got)
	}
	if got := revisionBody(t, s, res[1].ID, 1); got != "two" {
		t.Fatalf("revision 1 = %q", got)
	}
	if got := revisionNumbers(t, s, res[0].ID); len(got) != 0 {
		t.Fatalf("the unchanged entry has revisions %v", got)
	}
}

func TestRestoreRevisionKeepsTheCurrentText(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	c := withClock(s, time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC))
	e := mustSave(t, s, diary.Entry{Title: "元", Body: "大事な原文", Date: "2025-06-01", Tags: []string{"x"}})
	c.advance(time.Hour)
	e.Title, e.Body, e.Tags = "上書き", "間違えて貼り付けた", []string{"y"}
	e = mustSave(t, s, e)

	// Within the fold window of revision 1: the restore still keeps the
	// text it replaces.
	c.advance(time.Second)
	restored, err := s.RestoreRevision(ctx, e.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if restored.Title != "元" || restored.Body != "大事な原文" || !slices.Equal(restored.Tags, []string{"x"}) {
		t.Fatalf("restored entry = %q %q %v", restored.Title, restored.Body, restored.Tags)
	}
	if got := revisionNumbers(t, s, e.ID); !slices.Equal(got, []int{2, 1}) {
		t.Fatalf("revisions after restore: %v", got)
	}
	if got := revisionBody(t, s, e.ID, 2); got != "間違えて貼り付けた" {
		t.Fatalf("revision 2 = %q", got)
	}

	for _, tc := range []struct {
		name   string
		id     string
		number int
		code   string
	}{
		{"no such revision", e.ID, 9, diary.ENotFound},
		{"no such entry", "nope", 1, diary.ENotFound},
	} {
		if _, err := s.RestoreRevision(ctx, tc.id, tc.number); diary.ErrorCode(err) != tc.code {
			t.Errorf("%s: err %v, want code %s", tc.name, err, tc.code)
		}
	}
	if err := s.Trash(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RestoreRevision(ctx, e.ID, 1); diary.ErrorCode(err) != diary.EConflict {
		t.Fatalf("restoring a revision of a trashed entry: %v", err)
	}
}

func TestRevisionsListEachTextOnceAndNoBlankOne(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	c := withClock(s, time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC))
	e := mustSave(t, s, diary.Entry{Date: "2025-06-01"})
	for _, body := range []string{"一行目", "二行目まで書いた", "三行目"} {
		c.advance(time.Hour)
		e.Body = body
		e = mustSave(t, s, e)
	}
	// Restores bring old texts back: each becomes a revision again.
	for _, n := range []int{2, 3} {
		c.advance(time.Hour)
		if _, err := s.RestoreRevision(ctx, e.ID, n); err != nil {
			t.Fatal(err)
		}
	}
	revs, err := s.Revisions(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range revs {
		got = append(got, fmt.Sprintf("%d:%d", r.Number, r.Chars))
	}
	// 1 is the blank note; 5 (一行目) repeats 2 and is listed in its
	// place as the newer one.
	if want := []string{"5:3", "4:3", "3:8"}; !slices.Equal(got, want) {
		t.Fatalf("versions listed = %v, want %v", got, want)
	}
}

func TestEmptyTrashPurgesRevisions(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()
	c := withClock(s, time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC))
	gone := mustSave(t, s, diary.Entry{Title: "消す", Body: "v1", Date: "2025-06-01"})
	kept := mustSave(t, s, diary.Entry{Title: "残す", Body: "v1", Date: "2025-06-01"})
	c.advance(time.Hour)
	gone.Body, kept.Body = "v2", "v2"
	mustSave(t, s, gone)
	mustSave(t, s, kept)
	if n := countRows(t, path, "revisions"); n != 2 {
		t.Fatalf("%d revisions, want 2", n)
	}
	if err := s.Trash(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	// In the trash the history stays, for a restore.
	if n := countRows(t, path, "revisions"); n != 2 {
		t.Fatalf("trashing dropped revisions: %d left", n)
	}
	if _, err := s.EmptyTrash(ctx); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, path, "revisions"); n != 1 {
		t.Fatalf("%d revisions after emptying the trash, want only the kept entry's", n)
	}
	if got := revisionNumbers(t, s, kept.ID); !slices.Equal(got, []int{1}) {
		t.Fatalf("kept entry's revisions: %v", got)
	}
}

func TestKeepRevisions(t *testing.T) {
	now := time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	for _, tc := range []struct {
		name     string
		recorded []time.Time
		want     []bool
	}{
		{"none", nil, []bool{}},
		{"one old revision is the oldest: kept", []time.Time{ago(400 * day)}, []bool{true}},
		{"everything in the last week", []time.Time{ago(6 * day), ago(3 * day), ago(time.Hour), ago(time.Minute)}, []bool{true, true, true, true}},
		{"the last of each day after a week",
			[]time.Time{ago(30 * day), ago(20*day + 3*time.Hour), ago(20*day + 2*time.Hour), ago(20*day + time.Hour), ago(10 * day), ago(day)},
			[]bool{true, false, false, true, true, true}},
		{"the last of each month after 90 days",
			[]time.Time{
				time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC), // oldest: kept
				time.Date(2024, 1, 20, 0, 0, 0, 0, time.UTC),
				time.Date(2024, 1, 28, 0, 0, 0, 0, time.UTC), // last of January
				time.Date(2024, 2, 3, 0, 0, 0, 0, time.UTC),
				time.Date(2024, 2, 4, 0, 0, 0, 0, time.UTC), // last of February
				ago(100 * day),                         // alone in its month
				ago(50 * day), ago(50*day - time.Hour), // one day: the later
			},
			[]bool{true, false, true, false, true, true, false, true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := KeepRevisions(tc.recorded, now)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("KeepRevisions = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPruneRevisionsOnDisk(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()
	start := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	c := withClock(s, start)
	e := mustSave(t, s, diary.Entry{Title: "t", Body: "v0", Date: "2025-01-01"})
	other := mustSave(t, s, diary.Entry{Title: "u", Body: "w0", Date: "2025-01-01"})
	// Four edits a day, two hours apart, for 120 days: 480 revisions.
	body := 0
	for d := range 120 {
		c.t = start.Add(time.Duration(d) * 24 * time.Hour)
		for range 4 {
			c.advance(2 * time.Hour)
			body++
			e.Body = "v" + strconv.Itoa(body)
			e = mustSave(t, s, e)
		}
	}
	// Pruning on save kept the recent ones and thinned the old.
	n := countRows(t, path, "revisions")
	if n >= 480 || n < 28 {
		t.Fatalf("%d revisions after 120 days of edits", n)
	}
	other.Body = "w1"
	mustSave(t, s, other) // one revision, 120 days ago by the end

	// A month later, with no edits, PruneRevisions thins what aged.
	c.advance(30 * 24 * time.Hour)
	deleted, err := s.PruneRevisions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if deleted == 0 {
		t.Fatal("PruneRevisions deleted nothing")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	s2.now = c.now
	assertPolicyHolds(t, s2, e.ID, c.t)
	revs, err := s2.Revisions(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	var times []time.Time
	for i := len(revs) - 1; i >= 0; i-- {
		times = append(times, revs[i].RecordedAt)
	}
	// Now 30 to 150 days back: the oldest, one a month past 90 days, one a
	// day between 90 and 30 days ago. No edit in the last week.
	days := map[string]bool{}
	for _, at := range times {
		days[at.Format("2006-01-02")] = true
	}
	if len(days) != len(times) {
		t.Fatalf("two revisions kept on one day: %v", times)
	}
	if revs[len(revs)-1].Number != 1 {
		t.Fatalf("the oldest revision was pruned: numbers %v", revisionNumbers(t, s2, e.ID))
	}
	if got := len(revs); got < 60 || got > 66 {
		t.Fatalf("%d revisions kept, want about 60 daily and a few monthly", got)
	}
	if got := revisionNumbers(t, s2, other.ID); !slices.Equal(got, []int{1}) {
		t.Fatalf("an entry's only revision was pruned: %v", got)
	}

	// At once again: nothing crossed an age since, nothing to do.
	if n, err := s2.PruneRevisions(ctx); err != nil || n != 0 {
		t.Fatalf("a second prune deleted %d, %v", n, err)
	}
	// A month on, the daily revisions that passed 90 days are thinned to
	// one a month, though nothing was saved.
	c.advance(31 * 24 * time.Hour)
	if n, err := s2.PruneRevisions(ctx); err != nil || n == 0 {
		t.Fatalf("a month later the prune deleted %d, %v", n, err)
	}
	assertPolicyHolds(t, s2, e.ID, c.t)
}

// assertPolicyHolds fails if an entry keeps a revision the policy drops.
func assertPolicyHolds(t *testing.T, s *Store, id string, now time.Time) {
	t.Helper()
	revs, err := s.Revisions(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var times []time.Time
	for i := len(revs) - 1; i >= 0; i-- {
		times = append(times, revs[i].RecordedAt)
	}
	for i, keep := range KeepRevisions(times, now) {
		if !keep {
			t.Fatalf("revision %d (%v) outlived the policy", revs[len(revs)-1-i].Number, times[i])
		}
	}
}

func TestMigrationAddsRevisionsToAnOldDatabase(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()
	e := mustSave(t, s, diary.Entry{Title: "古い", Body: "v1", Date: "2020-01-01"})
	s.Close()
	// Turn it back into a schema 1 database, as an older Tsuzuri left it.
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DROP TABLE revisions; DROP TABLE sync_versions; DROP TABLE sync_meta; DROP TABLE sync_segments;
		DROP TABLE sync_devices; DROP INDEX entries_in_conflict; ALTER TABLE entries DROP COLUMN vid;
		ALTER TABLE entries DROP COLUMN conflicts; PRAGMA user_version = 1`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	e.Body = "v2"
	if _, err := s2.Save(ctx, e); err != nil {
		t.Fatal(err)
	}
	if got := revisionBody(t, s2, e.ID, 1); got != "v1" {
		t.Fatalf("revision 1 after the upgrade = %q", got)
	}
}

func countRows(t *testing.T, path, table string) int {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
