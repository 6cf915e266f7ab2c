package app

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/storage"
)

func openService(t *testing.T, dir string) *Service {
	t.Helper()
	s, err := Open(context.Background(), Options{DataDir: dir})
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	return s
}

func searchIDs(t *testing.T, s *Service, q string) []string {
	t.Helper()
	res, err := s.Search(context.Background(), SearchRequest{Query: q, Limit: 50})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids
}

func TestSaveSearchTrashRestore(t *testing.T) {
	ctx := context.Background()
	s := openService(t, t.TempDir())
	defer s.Close()

	e, err := s.SaveEntry(ctx, EntryInput{Title: "障害対応", Body: "夜中にサーバーが落ちた。ポストモーテムを書く。", Date: "2024-06-01", Tags: []string{"SRE"}})
	if err != nil {
		t.Fatal(err)
	}
	// Hiragana is not katakana as typed, but the diary has the word in
	// katakana: a variant hit.
	if res, err := s.Search(ctx, SearchRequest{Query: "ｻｰﾊﾞ ぽすともーてむ", Limit: 50}); err != nil || len(res.Hits) != 1 || res.Hits[0].Match != "variant" {
		t.Errorf("hiragana for the diary's katakana = %+v, %v; want one variant hit", res, err)
	}
	if got := searchIDs(t, s, "サーバ ポストモーテム"); len(got) != 1 || got[0] != e.ID {
		t.Fatalf("search after save = %v, want [%s]", got, e.ID)
	}
	res, err := s.Search(ctx, SearchRequest{Query: "ポストモーテム", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if h := res.Hits[0]; h.Title != "障害対応" || h.Date != "2024-06-01" || !strings.Contains(h.Snippet, "<mark>ポストモーテム</mark>") {
		t.Errorf("hit = %+v", h)
	}

	// An autosave from the editor must not lose what the editor does not show.
	if _, err := s.SaveEntry(ctx, EntryInput{ID: e.ID, Title: "障害対応（追記）", Body: e.Body, Date: e.Date, Tags: e.Tags}); err != nil {
		t.Fatal(err)
	}
	if err := s.TrashEntry(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, s, "ポストモーテム"); len(got) != 0 {
		t.Errorf("a trashed entry is still found: %v", got)
	}
	if err := s.RestoreEntry(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, s, "追記"); len(got) != 1 {
		t.Errorf("a restored entry is not found again: %v", got)
	}
	if _, err := s.GetEntry(ctx, "no-such-id"); diary.ErrorCode(err) != diary.ENotFound {
		t.Errorf("get missing: %v", err)
	}
}

// A save while a long catch-up holds the index (an import's indexer, a
// rebuild) returns without waiting for it, and is searchable once the
// catch-up lets go.
func TestSaveDuringACatchUpDoesNotWaitForIt(t *testing.T) {
	ctx := context.Background()
	s := openService(t, t.TempDir())
	defer s.Close()
	s.syncMu.Lock() // as an import's indexer holds it while it replays
	saved := make(chan error, 1)
	go func() {
		_, err := s.SaveEntry(ctx, EntryInput{Title: "割り込みのメモ", Body: "読み込みの途中で書いた。", Date: "2024-01-01"})
		saved <- err
	}()
	select {
	case err := <-saved:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the save is waiting for the catch-up to finish")
	}
	s.unlockSync(ctx)
	if got := searchIDs(t, s, "割り込み"); len(got) != 1 {
		t.Errorf("after the catch-up the new entry is not found: %v", got)
	}
}

// Checking the index against the database holds it still; saves made
// meanwhile are indexed as soon as the check lets go, not at the next write.
func TestSavesDuringAnIndexCheckAreIndexedWhenItEnds(t *testing.T) {
	ctx := context.Background()
	s := openService(t, t.TempDir())
	defer s.Close()
	stop := make(chan struct{})
	checked := make(chan error, 1)
	go func() {
		for {
			select {
			case <-stop:
				checked <- nil
				return
			default:
			}
			if _, err := s.Verify(ctx); err != nil {
				checked <- err
				return
			}
		}
	}()
	const saves = 30
	for i := range saves {
		if _, err := s.SaveEntry(ctx, EntryInput{Title: fmt.Sprintf("点検中のメモ %d", i), Body: "点検の最中に書いた。", Date: "2024-01-01"}); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	if err := <-checked; err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, s, "点検"); len(got) != saves {
		t.Errorf("%d of %d entries saved during checks are found", len(got), saves)
	}
}

func TestSecondOpenIsLocked(t *testing.T) {
	dir := t.TempDir()
	s := openService(t, dir)
	_, err := Open(context.Background(), Options{DataDir: dir})
	if diary.ErrorCode(err) != diary.ELocked {
		t.Fatalf("second open: %v, want a locked error", err)
	}
	s.Close()
	openService(t, dir).Close() // closing released the lock
}

// The index follows SQLite commits; a crash between a commit and the index
// update must be repaired on the next open.
func TestIndexCatchesUpWithCommitsItMissed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openService(t, dir)
	kept, _ := s.SaveEntry(ctx, EntryInput{Title: "残る", Body: "インシデント対応の記録", Date: "2024-01-01"})
	gone, _ := s.SaveEntry(ctx, EntryInput{Title: "消える", Body: "インシデントの下書き", Date: "2024-01-02"})
	s.Close()

	// Write behind the index's back, as a process that died right after
	// committing would have.
	st, err := storage.Open(ctx, filepath.Join(dir, "tsuzuri.db"))
	if err != nil {
		t.Fatal(err)
	}
	added, err := st.Save(ctx, diary.Entry{Title: "追加", Body: "インシデント後の改善", Date: "2024-01-03"})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Trash(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	st.Close()

	s = openService(t, dir)
	defer s.Close()
	got := strings.Join(searchIDs(t, s, "インシデント"), ",")
	if !strings.Contains(got, kept.ID) || !strings.Contains(got, added.ID) || strings.Contains(got, gone.ID) {
		t.Errorf("after reopen: %s; want %s and %s, not %s", got, kept.ID, added.ID, gone.ID)
	}
}

func TestDeletedIndexIsRebuilt(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openService(t, dir)
	e, _ := s.SaveEntry(ctx, EntryInput{Title: "Bytebase", Body: "スキーマ移行のレビュー", Date: "2024-02-02"})
	s.Close()
	if err := os.RemoveAll(filepath.Join(dir, "index")); err != nil {
		t.Fatal(err)
	}
	s = openService(t, dir)
	defer s.Close()
	if got := searchIDs(t, s, "スキーマ"); len(got) != 1 || got[0] != e.ID {
		t.Errorf("after deleting the index: %v", got)
	}
	if err := s.Reindex(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.IndexedCount(); n != 1 {
		t.Errorf("reindex holds %d entries, want 1", n)
	}
}

// A rebuild cancelled between rounds stops there, with what it indexed
// kept and its position true, so the next catch-up finishes the rest.
func TestCancelledRebuildIsFinishedByTheNextStart(t *testing.T) {
	dir := diaryWithoutIndex(t, 3000)
	s := openService(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := s.Reindex(ctx, func(done, total int) {
		if done >= syncBatch {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled rebuild: err = %v, want context.Canceled", err)
	}
	n, _ := s.IndexedCount()
	if n < syncBatch || n >= 3000 {
		t.Errorf("the cancelled rebuild left %d entries indexed, want from %d to fewer than 3000", n, syncBatch)
	}
	s.Close()

	s = openService(t, dir)
	defer s.Close()
	if n, _ := s.IndexedCount(); n != 3000 {
		t.Errorf("after reopening, the index holds %d entries, want 3000", n)
	}
	if got := searchIDs(t, s, "2999番目"); len(got) != 1 {
		t.Errorf("the last entry: %v", got)
	}
}

// diaryWithoutIndex makes a data folder of n imported entries whose search
// index is gone, as after an upgrade that changes the index.
func diaryWithoutIndex(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(t.TempDir(), "many.jsonl")
	writeJSONL(t, src, n)
	s := openService(t, dir)
	if _, err := s.Import(context.Background(), ImportRequest{Format: "jsonl", Paths: []string{src}}, nil); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := os.RemoveAll(filepath.Join(dir, "index")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// With IndexInBackground, a data folder whose index must be rebuilt opens
// at once: entries can be read and written while the index catches up, and
// the catch-up reports its progress and its end.
func TestIndexRebuildsInTheBackground(t *testing.T) {
	ctx := context.Background()
	dir := diaryWithoutIndex(t, 3000)

	reports := make(chan IndexProgress, 100)
	s, err := Open(ctx, Options{DataDir: dir, IndexInBackground: true, IndexProgress: func(p IndexProgress) {
		select {
		case reports <- p:
		default: // a slow reader misses a report, not the last one
			if p.Finished {
				reports <- p
			}
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.GetEntry(ctx, "entry-002999"); err != nil {
		t.Errorf("reading an entry while the index catches up: %v", err)
	}
	added, err := s.SaveEntry(ctx, EntryInput{Title: "再構築中のメモ", Body: "索引の作り直し中に書いた。", Date: "2024-03-03"})
	if err != nil {
		t.Fatal(err)
	}
	var last IndexProgress
	timeout := time.After(2 * time.Minute)
	for !last.Finished {
		select {
		case last = <-reports:
		case <-timeout:
			t.Fatalf("the catch-up did not finish; last report %+v", last)
		}
	}
	if last.Total < 3000 || last.Done < 3000 {
		t.Errorf("last report %+v, want all 3000 entries done", last)
	}
	if n, _ := s.IndexedCount(); n != 3001 {
		t.Errorf("index holds %d entries, want 3001", n)
	}
	if got := searchIDs(t, s, "再構築中"); len(got) != 1 || got[0] != added.ID {
		t.Errorf("the entry saved during the catch-up: %v", got)
	}
}

// Closing during a background catch-up stops it; the next start finishes it.
func TestCloseStopsABackgroundCatchUp(t *testing.T) {
	ctx := context.Background()
	dir := diaryWithoutIndex(t, 2000)
	s, err := Open(ctx, Options{DataDir: dir, IndexInBackground: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openService(t, dir)
	defer s.Close()
	if n, _ := s.IndexedCount(); n != 2000 {
		t.Errorf("after reopening, the index holds %d entries, want 2000", n)
	}
}

func writeJSONL(t *testing.T, path string, n int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for i := 0; i < n; i++ {
		enc.Encode(map[string]any{
			"id":    fmt.Sprintf("entry-%06d", i),
			"title": fmt.Sprintf("日報 %d", i),
			"body":  strings.Repeat(fmt.Sprintf("今日は%d番目の作業をした。デプロイは順調。", i), 20),
			"date":  time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%1500).Format(diary.DateLayout),
			"tags":  []string{"日報"},
		})
	}
	w.Flush()
	f.Close()
}

// The import's progress follows the index, not only the saves: on a large
// import the index finishes well after the last entry is saved, and a
// person watching should see that, not a count stuck at the end.
func TestImportProgressFollowsSavingAndIndexing(t *testing.T) {
	src := filepath.Join(t.TempDir(), "many.jsonl")
	writeJSONL(t, src, 3000)
	s := openService(t, t.TempDir())
	defer s.Close()
	var reports []ImportProgress
	collect := func(p ImportProgress) { reports = append(reports, p) }
	if _, err := s.Import(context.Background(), ImportRequest{Format: "jsonl", Paths: []string{src}}, collect); err != nil {
		t.Fatal(err)
	}
	last := reports[len(reports)-1]
	if last.Done != 3000 || last.Written != 3000 || last.Indexed != 3000 {
		t.Errorf("last report %+v, want 3000 done, written and indexed", last)
	}
	for i := 1; i < len(reports); i++ {
		if reports[i].Indexed < reports[i-1].Indexed || reports[i].Done < reports[i-1].Done {
			t.Fatalf("progress went back: %+v then %+v", reports[i-1], reports[i])
		}
	}

	// Importing the same file again changes nothing: nothing to index.
	reports = nil
	if _, err := s.Import(context.Background(), ImportRequest{Format: "jsonl", Paths: []string{src}}, collect); err != nil {
		t.Fatal(err)
	}
	if last := reports[len(reports)-1]; last.Done != 3000 || last.Written != 0 || last.Indexed != 0 {
		t.Errorf("re-import's last report %+v, want 3000 done and nothing written", last)
	}
}

func TestImportCancelKeepsWhatWasSaved(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(t.TempDir(), "many.jsonl")
	writeJSONL(t, src, 3000)
	s := openService(t, dir)
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var progressed int
	sum, err := s.Import(ctx, ImportRequest{Format: "jsonl", Paths: []string{src}}, func(p ImportProgress) {
		progressed = p.Done
		cancel()
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("import after cancel: %v", err)
	}
	st, _ := s.Stats(context.Background())
	if progressed == 0 || st.Entries != progressed || st.Entries >= 3000 || sum.Imported != st.Entries {
		t.Errorf("after cancel: %d entries stored, %d reported done, summary %+v", st.Entries, progressed, sum)
	}
	if n, _ := s.IndexedCount(); int(n) != st.Entries {
		t.Errorf("what was saved must be searchable: %d indexed, %d stored", n, st.Entries)
	}
}

// A save the user saw succeed survives kill -9, and the index catches up
// on the next start. The child is this test binary, importing for real.
func TestKillDuringImport(t *testing.T) {
	if os.Getenv("TSUZURI_CRASH_CHILD") != "" {
		crashChild()
		return
	}
	dir := t.TempDir()
	src := filepath.Join(t.TempDir(), "many.jsonl")
	writeJSONL(t, src, 20000)

	cmd := exec.Command(os.Args[0], "-test.run=^TestKillDuringImport$")
	cmd.Env = append(os.Environ(), "TSUZURI_CRASH_CHILD="+dir+"|"+src)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill the child once it has reported two committed batches.
	sc := bufio.NewScanner(out)
	confirmed := 0
	for sc.Scan() {
		if n, ok := strings.CutPrefix(sc.Text(), "committed "); ok {
			confirmed, _ = strconv.Atoi(n)
			if confirmed >= 1000 {
				break
			}
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if confirmed < 1000 {
		t.Fatalf("child reported only %d entries before ending", confirmed)
	}

	s := openService(t, dir)
	defer s.Close()
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Entries < confirmed {
		t.Errorf("kill -9 lost saves: %d stored, %d were confirmed", st.Entries, confirmed)
	}
	if n, _ := s.IndexedCount(); int(n) != st.Entries {
		t.Errorf("index did not catch up after the crash: %d indexed, %d stored", n, st.Entries)
	}
	last := fmt.Sprintf("entry-%06d", confirmed-1)
	if _, err := s.GetEntry(context.Background(), last); err != nil {
		t.Errorf("last confirmed entry %s: %v", last, err)
	}
}

func crashChild() {
	dir, src, _ := strings.Cut(os.Getenv("TSUZURI_CRASH_CHILD"), "|")
	s, err := Open(context.Background(), Options{DataDir: dir})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	s.Import(context.Background(), ImportRequest{Format: "jsonl", Paths: []string{src}}, func(p ImportProgress) {
		fmt.Printf("committed %d\n", p.Done)
	})
	os.Exit(0)
}

func TestUserSynonyms(t *testing.T) {
	dir := t.TempDir()
	s := openService(t, dir)
	defer s.Close()
	ctx := context.Background()
	if _, err := s.SaveEntry(ctx, EntryInput{Title: "進捗", Body: "Project Hoge の進捗を共有した。", Date: "2024-05-01"}); err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, s, "ほげ計画"); len(got) != 0 {
		t.Fatalf("found %v before any synonyms", got)
	}
	if err := s.SetSynonyms(ctx, "# team words\nほげ計画, Project Hoge\n"); err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, s, "ほげ計画"); len(got) != 1 {
		t.Errorf("synonym not applied: %v", got)
	}
	if text, err := s.Synonyms(); err != nil || !strings.Contains(text, "ほげ計画") {
		t.Errorf("Synonyms() = %q, %v", text, err)
	}
	// The file is the user's: an edit made in another program counts at
	// the next search, and so does deleting it.
	path := filepath.Join(dir, SynonymsFile)
	if err := os.WriteFile(path, []byte("ふが, Project Hoge\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(2 * time.Second)
	os.Chtimes(path, later, later)
	if got := searchIDs(t, s, "ふが"); len(got) != 1 {
		t.Errorf("hand-edited synonym not applied: %v", got)
	}
	os.Remove(path)
	if got := searchIDs(t, s, "ふが"); len(got) != 0 {
		t.Errorf("deleted synonyms still apply: %v", got)
	}
	if err := s.SetSynonyms(ctx, "bad \xff text"); diary.ErrorCode(err) != diary.EInvalid {
		t.Errorf("invalid UTF-8: %v, want an invalid-input error", err)
	}
}

// Results show the text a reader sees: no Markdown link targets or
// emphasis marks in the snippet, and the title's matches marked too.
func TestSearchHitsArePlainTextWithTitlesMarked(t *testing.T) {
	ctx := context.Background()
	s := openService(t, t.TempDir())
	defer s.Close()
	if _, err := s.SaveEntry(ctx, EntryInput{Title: "Kubernetes <勉強会> の振り返り",
		Body: "**Kubernetes** の[発表資料](https://example.com/k8s-slides)を読んだ。", Date: "2024-06-01"}); err != nil {
		t.Fatal(err)
	}
	res, err := s.Search(ctx, SearchRequest{Query: "kubernetes 資料", Limit: 10})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("search = %+v, %v", res, err)
	}
	h := res.Hits[0]
	if want := "<mark>Kubernetes</mark> の発表<mark>資料</mark>を読んだ。"; h.Snippet != want {
		t.Errorf("snippet = %q, want %q", h.Snippet, want)
	}
	if want := "<mark>Kubernetes</mark> &lt;勉強会&gt; の振り返り"; h.TitleHTML != want {
		t.Errorf("title = %q, want %q", h.TitleHTML, want)
	}
}

// A phrase copied from a note finds that note first, marked exact, above
// newer notes that score higher on its character pairs but hold them apart:
// the check reads each hit's text from the database.
func TestCopiedPhraseFindsItsNoteFirst(t *testing.T) {
	ctx := context.Background()
	s := openService(t, t.TempDir())
	defer s.Close()
	save := func(title, body, date string) string {
		e, err := s.SaveEntry(ctx, EntryInput{Title: title, Body: body, Date: date})
		if err != nil {
			t.Fatal(err)
		}
		return e.ID
	}
	// Newer notes hold every pair of the phrase, apart.
	for i := range 5 {
		save(fmt.Sprintf("雑記%d", i), strings.Repeat("ねむいと。と言う。うな重。", 4), fmt.Sprintf("2024-05-%02d", 10+i))
	}
	want := save("夜", "帰り道で、もうねむいと言うな、と笑われた。"+strings.Repeat("駅から家まで歩いた。月がきれいだった。", 20), "2024-01-02")
	res, err := s.Search(ctx, SearchRequest{Query: "ねむいと言うな", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].ID != want || res.Hits[0].Match != "exact" {
		t.Fatalf("hits = %+v, want %s first, exact", res.Hits, want)
	}
	for _, h := range res.Hits[1:] {
		if h.Match == "exact" {
			t.Errorf("%s has the pairs apart but is marked exact", h.ID)
		}
	}
}
