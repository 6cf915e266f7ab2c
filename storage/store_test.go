package storage

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tsuzuri/tsuzuri/diary"
)

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tsuzuri.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func mustSave(t *testing.T, s *Store, e diary.Entry) diary.Entry {
	t.Helper()
	saved, err := s.Save(context.Background(), e)
	if err != nil {
		t.Fatalf("Save(%q): %v", e.Title, err)
	}
	return saved
}

func TestSaveAndGetKeepEverything(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	commented := time.Date(2024, 3, 2, 9, 30, 0, 0, time.UTC)
	in := diary.Entry{
		Title: "AWS Security Hub の勉強会", Body: "## メモ\nサーバーの設定を見直した。SLA 99.95%",
		Date: "2024-03-01", Tags: []string{"AWS", "勉強会"},
		Source: "hatena", SourceKey: "2024/03/01/120000", SourceURL: "https://example.hatenablog.com/entry/2024/03/01/120000",
		OriginalHTML: "<p>サーバーの設定</p>",
		Comments:     []diary.Comment{{Author: "読者", Date: commented, Body: "参考になりました"}},
	}
	saved := mustSave(t, s, in)
	if len(saved.ID) != 26 {
		t.Errorf("new entry got id %q, want a ULID", saved.ID)
	}
	got, err := s.Get(ctx, saved.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != in.Title || got.Body != in.Body || got.Date != in.Date || !slices.Equal(got.Tags, in.Tags) ||
		got.Source != in.Source || got.SourceKey != in.SourceKey || got.SourceURL != in.SourceURL || got.OriginalHTML != in.OriginalHTML {
		t.Errorf("Get = %+v, want the saved fields of %+v", got, in)
	}
	if len(got.Comments) != 1 || !got.Comments[0].Date.Equal(commented) || got.Comments[0].Body != "参考になりました" {
		t.Errorf("comments = %+v", got.Comments)
	}
	if got.CreatedAt.IsZero() || got.UpdatedAt.Before(got.CreatedAt) {
		t.Errorf("timestamps created %v updated %v", got.CreatedAt, got.UpdatedAt)
	}
}

// A list of search results, and the index, read what they show of an
// entry: an imported post's original HTML and comments stay unread.
func TestShownReadsWhatAListShows(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	imported := mustSave(t, s, diary.Entry{Title: "勉強会の記録", Body: "本文だけ", Date: "2024-03-01", Tags: []string{"AWS", "勉強会"},
		Source: "hatena", OriginalHTML: strings.Repeat("<p>元の記事</p>", 100),
		Comments: []diary.Comment{{Author: "読者", Date: time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC), Body: "参考になりました"}}})
	plain := mustSave(t, s, diary.Entry{Title: "メモ", Date: "2024-03-02"})
	shown, err := s.Shown(ctx, []string{imported.ID, plain.ID, "no-such-entry"})
	if err != nil {
		t.Fatal(err)
	}
	if len(shown) != 2 {
		t.Fatalf("Shown = %d entries, want the 2 that exist", len(shown))
	}
	got := shown[imported.ID]
	if got.Title != imported.Title || got.Body != imported.Body || got.Date != imported.Date || !slices.Equal(got.Tags, imported.Tags) {
		t.Errorf("shown = %+v, want the title, body, date and tags of %+v", got, imported)
	}
	if got.OriginalHTML != "" || got.Comments != nil || got.Source != "" {
		t.Errorf("shown read more than a list shows: %+v", got)
	}
	if p := shown[plain.ID]; p.Tags == nil || len(p.Tags) != 0 {
		t.Errorf("an entry without tags: tags %#v, want empty", p.Tags)
	}
	changes, err := s.Changes(ctx, 0, 10)
	if err != nil || len(changes) != 2 {
		t.Fatalf("Changes = %v, %v", changes, err)
	}
	for _, c := range changes {
		if c.ID == imported.ID && (c.Entry == nil || !slices.Equal(c.Entry.Tags, imported.Tags) || c.Entry.Body != imported.Body) {
			t.Errorf("change of the imported post = %+v, want what search indexes of it", c.Entry)
		}
	}
}

// A comma typed into the tag field separates tags, as it does in imports.
func TestSaveSplitsTagsAtCommas(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	e, err := s.Save(ctx, diary.Entry{Title: "x", Date: "2024-01-02", Tags: []string{"旅行, 京都", "京都", ",", "夏,"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got.Tags, "|") != "旅行|京都|夏" {
		t.Fatalf("tags saved as %q, want 旅行, 京都, 夏", got.Tags)
	}
	if strings.Join(e.Tags, "|") != "旅行|京都|夏" {
		t.Fatalf("Save returned tags %q, want them split as stored", e.Tags)
	}
}

func TestSaveValidates(t *testing.T) {
	s, _ := openTemp(t)
	tests := []struct {
		name  string
		entry diary.Entry
		code  string
		msg   string
	}{
		{"bad date", diary.Entry{Title: "x", Date: "2024-13-40"}, diary.EInvalid, "not a valid YYYY-MM-DD"},
		{"slashed date", diary.Entry{Title: "x", Date: "2024/01/02"}, diary.EInvalid, "YYYY-MM-DD"},
		{"invalid UTF-8 body", diary.Entry{Title: "x", Body: "ok\xff\xfe", Date: "2024-01-02"}, diary.EInvalid, "invalid UTF-8"},
		{"invalid UTF-8 title", diary.Entry{Title: "\xc3", Date: "2024-01-02"}, diary.EInvalid, "invalid UTF-8"},
		{"id with space", diary.Entry{ID: "a b", Date: "2024-01-02"}, diary.EInvalid, "may not contain spaces"},
		{"huge body", diary.Entry{Title: "big", Body: strings.Repeat("あ", MaxBodyBytes/3+1), Date: "2024-01-02"}, diary.EInvalid, "the limit is 32 MB"},
		{"tag with a tab", diary.Entry{Title: "x", Date: "2024-01-02", Tags: []string{"a\tb"}}, diary.EInvalid, "control character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Save(context.Background(), tt.entry)
			if diary.ErrorCode(err) != tt.code || !strings.Contains(diary.ErrorMessage(err), tt.msg) {
				t.Errorf("Save = %v (code %q), want code %q mentioning %q", err, diary.ErrorCode(err), tt.code, tt.msg)
			}
		})
	}
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Entries != 0 || st.LastSeq != 0 {
		t.Errorf("rejected saves left %d entries, seq %d", st.Entries, st.LastSeq)
	}
}

func TestTagsAreCleanedAndShared(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	a := mustSave(t, s, diary.Entry{Title: "a", Date: "2024-01-01", Tags: []string{" SRE ", "#障害対応", "sre", ""}})
	if want := []string{"SRE", "障害対応"}; !slices.Equal(a.Tags, want) {
		t.Errorf("tags = %q, want %q", a.Tags, want)
	}
	mustSave(t, s, diary.Entry{Title: "b", Date: "2024-01-02", Tags: []string{"Sre"}})
	tags, err := s.Tags(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []TagCount{{"SRE", 2}, {"障害対応", 1}}
	if !slices.Equal(tags, want) {
		t.Errorf("Tags = %v, want %v", tags, want)
	}
	page, err := s.List(ctx, ListQuery{Tag: "sre"})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Entries) != 2 {
		t.Errorf("List(tag sre) = %d entries, want 2", len(page.Entries))
	}
}

func TestUpdateKeepsIDAndCreatedAt(t *testing.T) {
	s, _ := openTemp(t)
	first := mustSave(t, s, diary.Entry{Title: "下書き", Body: "v1", Date: "2024-05-05", Tags: []string{"a"}})
	first.Body, first.Tags = "v2", []string{"b"}
	second := mustSave(t, s, first)
	if second.ID != first.ID || !second.CreatedAt.Equal(first.CreatedAt) || second.Body != "v2" || !slices.Equal(second.Tags, []string{"b"}) {
		t.Errorf("update gave %+v", second)
	}
	st, _ := s.Stats(context.Background())
	if st.Entries != 1 {
		t.Errorf("%d entries after an update, want 1", st.Entries)
	}
}

func TestSaveManyReimportIsIdempotent(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	batch := []diary.Entry{
		{ID: "note-1", Title: "ポストモーテム", Body: "原因はDNS", Date: "2023-02-01"},
		{Source: "hatena", SourceKey: "2023/02/02/000000", Title: "Bytebase 導入", Date: "2023-02-02"},
		{Title: "壊れた日付", Date: "yesterday"},
	}
	res, err := s.SaveMany(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if !res[0].Created || res[0].ID != "note-1" || !res[1].Created || res[2].Err == nil {
		t.Fatalf("first import = %+v", res)
	}
	seq, _ := s.LastSeq(ctx)

	again, err := s.SaveMany(ctx, batch[:2])
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range again {
		if !r.Unchanged || r.ID != res[i].ID {
			t.Errorf("re-import %d = %+v, want unchanged %s", i, r, res[i].ID)
		}
	}
	if now, _ := s.LastSeq(ctx); now != seq {
		t.Errorf("unchanged re-import moved seq from %d to %d", seq, now)
	}

	edited := batch[1]
	edited.Body = "追記あり"
	upd, err := s.SaveMany(ctx, []diary.Entry{edited})
	if err != nil {
		t.Fatal(err)
	}
	if upd[0].Created || upd[0].Unchanged || upd[0].ID != res[1].ID {
		t.Errorf("changed source entry = %+v, want an update of %s", upd[0], res[1].ID)
	}
	if st, _ := s.Stats(ctx); st.Entries != 2 {
		t.Errorf("%d entries, want 2", st.Entries)
	}
}

func TestTrashRestoreEmpty(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	keep := mustSave(t, s, diary.Entry{Title: "残す", Date: "2024-01-01", Tags: []string{"keep"}})
	gone := mustSave(t, s, diary.Entry{Title: "消す", Date: "2024-01-02", Tags: []string{"only-here"}})

	if err := s.Trash(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	page, _ := s.List(ctx, ListQuery{})
	if len(page.Entries) != 1 || page.Entries[0].ID != keep.ID {
		t.Errorf("timeline after trash = %v", page.Entries)
	}
	trash, _ := s.ListTrash(ctx)
	if len(trash) != 1 || trash[0].ID != gone.ID || trash[0].DeletedAt == nil {
		t.Errorf("trash = %+v", trash)
	}
	gone.Body = "edit while trashed"
	if _, err := s.Save(ctx, gone); diary.ErrorCode(err) != diary.EConflict {
		t.Errorf("saving a trashed entry: %v, want conflict", err)
	}

	if err := s.Restore(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	if page, _ := s.List(ctx, ListQuery{}); len(page.Entries) != 2 {
		t.Errorf("restore did not bring the entry back: %v", page.Entries)
	}

	if err := s.Trash(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	n, err := s.EmptyTrash(ctx)
	if err != nil || n != 1 {
		t.Fatalf("EmptyTrash = %d, %v", n, err)
	}
	if _, err := s.Get(ctx, gone.ID); diary.ErrorCode(err) != diary.ENotFound {
		t.Errorf("Get after empty trash: %v", err)
	}
	if err := s.Restore(ctx, gone.ID); diary.ErrorCode(err) != diary.ENotFound {
		t.Errorf("Restore after empty trash: %v", err)
	}
	tags, _ := s.Tags(ctx)
	if len(tags) != 1 || tags[0].Name != "keep" {
		t.Errorf("tags after empty trash = %v", tags)
	}
	if err := s.Trash(ctx, "no-such-id"); diary.ErrorCode(err) != diary.ENotFound {
		t.Errorf("Trash(missing) = %v", err)
	}
}

func TestChangesReplayLatestStateOnce(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	a := mustSave(t, s, diary.Entry{Title: "a", Date: "2024-01-01"})
	b := mustSave(t, s, diary.Entry{Title: "b", Date: "2024-01-02"})
	a.Body = "edited"
	mustSave(t, s, a)
	if err := s.Trash(ctx, b.ID); err != nil {
		t.Fatal(err)
	}

	all, err := s.Changes(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 {
		t.Fatalf("Changes(0) = %d changes, want one per entry", len(all))
	}
	byID := map[string]Change{}
	for _, c := range all {
		byID[c.ID] = c
	}
	if c := byID[a.ID]; c.Entry == nil || c.Entry.Body != "edited" {
		t.Errorf("change of a = %+v, want its edited state", c)
	}
	if c := byID[b.ID]; c.Entry != nil {
		t.Errorf("trashed b should come as a removal, got %+v", c.Entry)
	}
	last := all[len(all)-1].Seq

	if _, err := s.EmptyTrash(ctx); err != nil {
		t.Fatal(err)
	}
	after, err := s.Changes(ctx, last, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != 1 || after[0].ID != b.ID || after[0].Entry != nil {
		t.Errorf("Changes after purge = %+v, want a removal of %s", after, b.ID)
	}
	limited, _ := s.Changes(ctx, 0, 1)
	if len(limited) != 1 {
		t.Errorf("limit 1 gave %d", len(limited))
	}
}

func TestListPagesThroughTheTimeline(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	var batch []diary.Entry
	for d := 1; d <= 25; d++ {
		batch = append(batch, diary.Entry{Title: "日記", Body: "# 見出し\n本文 **強調** [リンク](https://example.com)", Date: time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC).Format(diary.DateLayout)})
	}
	if _, err := s.SaveMany(ctx, batch); err != nil {
		t.Fatal(err)
	}
	var dates []string
	cursor := ""
	for pages := 0; ; pages++ {
		page, err := s.List(ctx, ListQuery{Limit: 10, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Entries {
			dates = append(dates, e.Date)
		}
		if page.Next == "" {
			break
		}
		cursor = page.Next
		if pages > 5 {
			t.Fatal("paging does not end")
		}
	}
	if len(dates) != 25 || dates[0] != "2024-01-25" || dates[24] != "2024-01-01" {
		t.Errorf("paged dates = %v", dates)
	}
	page, _ := s.List(ctx, ListQuery{From: "2024-01-10", To: "2024-01-12"})
	if len(page.Entries) != 3 {
		t.Errorf("From/To gave %d entries", len(page.Entries))
	}
	if p := page.Entries[0].Preview; p != "見出し 本文 強調 リンク" {
		t.Errorf("preview = %q", p)
	}
	if _, err := s.List(ctx, ListQuery{Cursor: "garbage!"}); diary.ErrorCode(err) != diary.EInvalid {
		t.Errorf("bad cursor: %v", err)
	}
	days, _ := s.DayCounts(ctx, "2024-01-24", "2024-02-01")
	if len(days) != 2 || days[0] != (DayCount{"2024-01-24", 1}) {
		t.Errorf("DayCounts = %v", days)
	}
}

func TestOnThisDayAndStats(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	for _, d := range []string{"2021-11-24", "2023-11-24", "2024-11-24", "2023-11-25"} {
		mustSave(t, s, diary.Entry{Title: d, Body: "あ", Date: d})
	}
	got, err := s.OnThisDay(ctx, "11-24", 2024)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Date != "2023-11-24" || got[1].Date != "2021-11-24" {
		t.Errorf("OnThisDay = %v", got)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Entries != 4 || st.FirstDate != "2021-11-24" || st.LastDate != "2024-11-24" || st.TextBytes != 4*(10+3) || st.LastSeq != 4 {
		t.Errorf("Stats = %+v", st)
	}
}

func TestEachVisitsEveryLiveEntry(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	var batch []diary.Entry
	for i := range 1203 {
		batch = append(batch, diary.Entry{Title: "e", Date: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%400).Format(diary.DateLayout), Tags: []string{"t"}})
	}
	res, err := s.SaveMany(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Trash(ctx, res[0].ID); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	prev := ""
	err = s.Each(ctx, func(e diary.Entry) error {
		if seen[e.ID] {
			t.Fatalf("%s visited twice", e.ID)
		}
		if e.Date < prev {
			t.Fatalf("dates out of order: %s after %s", e.Date, prev)
		}
		if len(e.Tags) != 1 {
			t.Fatalf("entry without its tags: %+v", e)
		}
		seen[e.ID], prev = true, e.Date
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1202 || seen[res[0].ID] {
		t.Errorf("Each visited %d entries (trashed visited: %v), want 1202", len(seen), seen[res[0].ID])
	}
}

func TestReopenKeepsDataAndRefusesNewerSchema(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()
	e := mustSave(t, s, diary.Entry{Title: "再起動", Date: "2024-02-02"})
	s.Close()

	again, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := again.Get(ctx, e.ID); err != nil || got.Title != "再起動" {
		t.Errorf("after reopen: %+v, %v", got, err)
	}
	again.Close()

	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(ctx, path); diary.ErrorCode(err) != diary.EConflict || !strings.Contains(err.Error(), "newer version") {
		t.Errorf("Open of a newer schema = %v", err)
	}
}

func TestOpenRejectsAFileThatIsNotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tsuzuri.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("これはデータベースではない。", 400)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), path)
	if diary.ErrorCode(err) != diary.ECorrupt {
		t.Errorf("Open(garbage) = %v, want an invalid-data error", err)
	}
}

func TestBackupIsAUsableDatabase(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	e := mustSave(t, s, diary.Entry{Title: "バックアップ", Date: "2024-02-02"})
	dest := filepath.Join(t.TempDir(), "copy.db")
	if err := s.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	copy, err := Open(ctx, dest)
	if err != nil {
		t.Fatal(err)
	}
	defer copy.Close()
	if got, err := copy.Get(ctx, e.ID); err != nil || got.Title != "バックアップ" {
		t.Errorf("backup holds %+v, %v", got, err)
	}
}

// Counts reads only indexes; it must still count what Stats counts.
func TestCountsAgreeWithStats(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	for i, tags := range [][]string{{"a"}, {"a", "b"}, nil, {"only-in-trash"}} {
		e, err := s.Save(ctx, diary.Entry{Title: "t", Body: strings.Repeat("本", i+1), Date: fmt.Sprintf("2024-01-0%d", i+1), Tags: tags})
		if err != nil {
			t.Fatal(err)
		}
		if i == 3 {
			if err := s.Trash(ctx, e.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	c, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := Stats{Entries: 3, Trashed: 1, Tags: 2, FirstDate: "2024-01-01", LastDate: "2024-01-03", LastSeq: c.LastSeq}
	if c != want || c.LastSeq == 0 {
		t.Errorf("Counts = %+v, want %+v", c, want)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.TextBytes != int64(3*len("t")+len("本")*(1+2+3)) {
		t.Errorf("TextBytes = %d", st.TextBytes)
	}
	st.TextBytes = 0
	if st != c {
		t.Errorf("Stats = %+v, Counts = %+v", st, c)
	}
}

// A database written by an older schema is reported before Open migrates
// it (the app backs it up first); a current one and a missing one are not.
func TestPendingMigrations(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	missing := filepath.Join(dir, "none.db")
	if pending, err := PendingMigrations(ctx, missing); err != nil || pending {
		t.Errorf("missing database: pending=%v err=%v", pending, err)
	}
	s, path := openTemp(t)
	mustSave(t, s, diary.Entry{Title: "a", Body: "b", Date: "2024-01-01"})
	if pending, err := PendingMigrations(ctx, path); err != nil || pending {
		t.Errorf("current database: pending=%v err=%v", pending, err)
	}
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	if len(names) < 2 {
		t.Skip("only one migration: no older schema to upgrade from")
	}
	old := filepath.Join(dir, "old.db")
	db, err := sql.Open("sqlite", old)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, n := range names[:len(names)-1] {
		script, _ := migrations.ReadFile(n)
		if _, err := db.Exec(string(script)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec("PRAGMA user_version = " + strconv.Itoa(len(names)-1)); err != nil {
		t.Fatal(err)
	}
	if pending, err := PendingMigrations(ctx, old); err != nil || !pending {
		t.Errorf("older database: pending=%v err=%v", pending, err)
	}
}

// A store opened read-only refuses writes with read_only and still reads.
func TestReadOnlyStoreRefusesWrites(t *testing.T) {
	s, path := openTemp(t)
	e := mustSave(t, s, diary.Entry{Title: "a", Body: "b", Date: "2024-01-01"})
	s.Close()
	ro, err := OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.Get(context.Background(), e.ID); err != nil {
		t.Errorf("read from a read-only store: %v", err)
	}
	if _, err := ro.Save(context.Background(), diary.Entry{Title: "x", Body: "y", Date: "2024-01-02"}); diary.ErrorCode(err) != diary.EReadOnly {
		t.Errorf("save into a read-only store = %v", err)
	}
	if problems, err := ro.QuickCheck(context.Background()); err != nil || len(problems) != 0 {
		t.Errorf("quick check of a sound database = %v, %v", problems, err)
	}
}
