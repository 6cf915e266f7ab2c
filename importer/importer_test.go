package importer

import (
	"archive/zip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tsuzuri/tsuzuri/diary"
)

// readAll drains a source into its records and problems.
func readAll(t testing.TB, format, path string) ([]Record, []Problem) {
	t.Helper()
	src, err := Open(context.Background(), format, path)
	if err != nil {
		t.Fatalf("Open(%s, %s): %v", format, path, err)
	}
	defer src.Close()
	var recs []Record
	var probs []Problem
	for {
		rec, err := src.Next(context.Background())
		if errors.Is(err, io.EOF) {
			return recs, probs
		}
		var pe *ProblemError
		if errors.As(err, &pe) {
			probs = append(probs, pe.Problem)
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		recs = append(recs, rec)
	}
}

func TestJSONL(t *testing.T) {
	recs, probs := readAll(t, "jsonl", "testdata/notes.jsonl")
	var ids []string
	for _, r := range recs {
		ids = append(ids, r.Entry.ID)
	}
	if !slices.Equal(ids, []string{"n1", "n3", "n4", "n5"}) {
		t.Errorf("imported %v, want n1, n3, n4 and n5", ids)
	}
	if e := recs[0].Entry; e.Title != "京都出張" || e.Date != "2024-06-01" || !slices.Equal(e.Tags, []string{"出張"}) || recs[0].Line != 1 || len(recs[0].Warnings) != 0 {
		t.Errorf("n1 = %+v line %d warnings %v", e, recs[0].Line, recs[0].Warnings)
	}
	if d := recs[1].Entry.Date; d != fileDay(t, "testdata/notes.jsonl") || len(recs[1].Warnings) != 1 || !strings.Contains(recs[1].Warnings[0].Message, "June 1st") {
		t.Errorf("an unreadable date falls back to the file's: %s, %+v", d, recs[1].Warnings)
	}
	if tags := recs[2].Entry.Tags; !slices.Equal(tags, []string{"SRE"}) {
		t.Errorf("tags written as one string: %v", tags)
	}
	if recs[3].Entry.Date != "2024-06-03" {
		t.Errorf("an RFC 3339 date keeps its own day: got %s", recs[3].Entry.Date)
	}
	want := map[int]string{3: "not a JSON object", 7: "UTF-8"}
	if len(probs) != len(want) {
		t.Fatalf("problems %+v, want lines 3 and 7", probs)
	}
	lines := strings.Split(mustRead(t, "testdata/notes.jsonl"), "\n")
	for _, p := range probs {
		if !strings.Contains(p.Message, want[p.Line]) {
			t.Errorf("line %d: %q, want it to mention %q", p.Line, p.Message, want[p.Line])
		}
		if string(p.Raw) != lines[p.Line-1] {
			t.Errorf("line %d: raw %q, want the line as written", p.Line, p.Raw)
		}
	}
	bom, probs := readAll(t, "jsonl", "testdata/bom.jsonl")
	if len(bom) != 1 || len(probs) != 0 {
		t.Errorf("a file starting with a BOM: %v %v", bom, probs)
	}
}

// fileDay is the day path was last changed, which an entry with an
// unreadable date gets.
func fileDay(t *testing.T, path string) string {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.ModTime().Format(diary.DateLayout)
}

func TestJSONLHugeLineIsReportedNotKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.jsonl")
	f, _ := os.Create(path)
	f.WriteString(`{"id":"big","date":"2024-01-01","body":"`)
	chunk := strings.Repeat("あ", 1<<20)
	for written := 0; written <= maxLineBytes; written += len(chunk) {
		f.WriteString(chunk)
	}
	f.WriteString("\"}\n{\"id\":\"after\",\"date\":\"2024-01-02\"}\n")
	f.Close()
	recs, probs := readAll(t, "jsonl", path)
	if len(recs) != 1 || recs[0].Entry.ID != "after" || len(probs) != 1 || !strings.Contains(probs[0].Message, "longer than") {
		t.Errorf("got %d records, problems %+v", len(recs), probs)
	}
}

func TestHatena(t *testing.T) {
	recs, probs := readAll(t, "hatena", "testdata/hatena.txt")
	if len(recs) != 4 {
		t.Fatalf("imported %d entries, want 4; problems %+v", len(recs), probs)
	}
	hub := recs[0].Entry
	if hub.Title != "AWS Security Hub 勉強会に参加した" || hub.Date != "2024-03-01" || hub.Source != "hatena" || hub.SourceKey != "2024/03/01/193000" || hub.SourceURL != "/entry/2024/03/01/193000" {
		t.Errorf("first entry = %+v", hub)
	}
	if !slices.Equal(hub.Tags, []string{"AWS", "勉強会"}) {
		t.Errorf("tags = %v", hub.Tags)
	}
	if !strings.Contains(hub.Body, "**全部**") || !strings.Contains(hub.Body, "f.hatena.ne.jp/tsuzuri-dev/20240301193000") {
		t.Errorf("body = %q", hub.Body)
	}
	if !strings.Contains(hub.OriginalHTML, "<strong>全部</strong>") {
		t.Errorf("original HTML lost: %q", hub.OriginalHTML)
	}
	if len(hub.Comments) != 1 || hub.Comments[0].Author != "通りすがり" || hub.Comments[0].Body != "資料はどこで見られますか？" || hub.Comments[0].Date.Day() != 2 {
		t.Errorf("comments = %+v", hub.Comments)
	}
	draft := recs[2].Entry
	if draft.Date != "2024-04-10" || !slices.Contains(draft.Tags, DraftTag) || !strings.Contains(draft.Body, "- タイムライン") {
		t.Errorf("draft = %+v", draft)
	}
	if len(recs) != 4 || len(probs) != 0 {
		t.Fatalf("%d records, problems %+v: want the dateless entry and the cut-off one kept", len(recs), probs)
	}
	dateless, cut := recs[1], recs[3]
	if dateless.Line != 33 || dateless.Entry.Date != fileDay(t, "testdata/hatena.txt") || len(dateless.Warnings) != 1 || !strings.Contains(dateless.Warnings[0].Message, "no DATE") {
		t.Errorf("dateless entry: line %d date %s warnings %+v", dateless.Line, dateless.Entry.Date, dateless.Warnings)
	}
	if cut.Line != 53 || !strings.Contains(cut.Entry.Body, "ここで終わ") || len(cut.Warnings) != 1 || !strings.Contains(cut.Warnings[0].Message, "cut short") {
		t.Errorf("truncated entry: line %d body %q warnings %+v", cut.Line, cut.Entry.Body, cut.Warnings)
	}
}

func TestMarkdownFolder(t *testing.T) {
	root, _ := filepath.Abs("testdata/vault")
	recs, probs := readAll(t, "markdown", root)
	if len(probs) != 0 || len(recs) != 3 {
		t.Fatalf("%d notes, problems %+v: want all three", len(recs), probs)
	}
	meetup, broken, note := recs[0], recs[1], recs[2]
	if !strings.HasSuffix(broken.File, "broken.md") || len(broken.Warnings) != 1 || !strings.Contains(broken.Warnings[0].Message, "not valid YAML") ||
		!strings.Contains(broken.Entry.Body, "---") {
		t.Errorf("broken.md: body %q warnings %+v; want its front matter kept in the body", broken.Entry.Body, broken.Warnings)
	}
	if meetup.Entry.Title != "Bytebase ミートアップ" || meetup.Entry.Date != "2024-02-03" || !slices.Equal(meetup.Entry.Tags, []string{"DB", "イベント"}) {
		t.Errorf("meetup = %+v", meetup.Entry)
	}
	var refs []string
	for _, a := range meetup.Attachments {
		refs = append(refs, a.Ref)
		if _, err := os.Stat(a.Path); err != nil {
			t.Errorf("attachment %s: %v", a.Path, err)
		}
	}
	if !slices.Equal(refs, []string{"img/arch.png", "img/photo.png"}) {
		t.Errorf("attachments = %v (remote images are never fetched)", refs)
	}
	if note.Entry.Title != "サーバー移行メモ" || strings.Contains(note.Entry.Body, "# サーバー移行メモ") || note.Entry.SourceKey != "note.md" {
		t.Errorf("heading title: %+v", note.Entry)
	}
}

func TestBlogsyncAndShiftJIS(t *testing.T) {
	if f, err := Detect("testdata/blogsync"); err != nil || f != "blogsync" {
		t.Errorf("Detect(blogsync folder) = %q, %v", f, err)
	}
	recs, probs := readAll(t, "blogsync", "testdata/blogsync")
	if len(recs) != 1 || len(probs) != 0 {
		t.Fatalf("blogsync: %+v %+v", recs, probs)
	}
	e := recs[0].Entry
	if e.Title != "SLA 99.95% を守るために" || e.Date != "2024-03-10" || e.SourceURL == "" || e.SourceKey != e.SourceURL ||
		!slices.Equal(e.Tags, []string{"SRE", DraftTag}) {
		t.Errorf("blogsync entry = %+v", e)
	}
	recs, _ = readAll(t, "markdown", "testdata/sjis/memo.md")
	if len(recs) != 1 || recs[0].Entry.Title != "障害報告" || !strings.Contains(recs[0].Entry.Body, "サーバーが止まった") {
		t.Errorf("Shift_JIS note: %+v", recs)
	}
}

func TestDetect(t *testing.T) {
	tests := []struct{ path, want string }{
		{"testdata/notes.jsonl", "jsonl"},
		{"testdata/hatena.txt", "hatena"},
		{"testdata/vault", "markdown"},
		{"testdata/vault/note.md", "markdown"},
	}
	for _, tt := range tests {
		if got, err := Detect(tt.path); err != nil || got != tt.want {
			t.Errorf("Detect(%s) = %q, %v; want %q", tt.path, got, err, tt.want)
		}
	}
	if _, err := Detect("testdata/vault/img/arch.png"); diary.ErrorCode(err) != diary.EInvalid {
		t.Errorf("Detect(png) = %v", err)
	}
	if _, err := Detect("testdata/nothing-here"); diary.ErrorCode(err) != diary.EInvalid {
		t.Errorf("Detect(missing) = %v", err)
	}
}

func fuzzSource(t *testing.T, format, name string, data []byte) {
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := Open(context.Background(), format, path)
	if err != nil {
		return
	}
	defer src.Close()
	for range 10000 {
		rec, err := src.Next(context.Background())
		if errors.Is(err, io.EOF) {
			return
		}
		var pe *ProblemError
		if errors.As(err, &pe) {
			continue
		}
		if err != nil {
			t.Fatalf("fatal error on fuzz input: %v", err)
		}
		if _, err := time.Parse(diary.DateLayout, rec.Entry.Date); err != nil {
			t.Fatalf("record with a bad date %q", rec.Entry.Date)
		}
		checkStorable(t, rec)
	}
	t.Fatal("Next never reached the end")
}

func FuzzJSONL(f *testing.F) {
	for _, s := range []string{`{"id":"a","date":"2024-01-01"}`, "{\n", `{"date":1}`, "\xff", `{"tags":[1,2]}`, `{"tags":"a,b,\u0001"}`, `{"tags":["x,,y"," ,"]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzSource(t, "jsonl", "in.jsonl", data) })
}

func FuzzMT(f *testing.F) {
	seed, _ := os.ReadFile("testdata/hatena.txt")
	f.Add(seed)
	f.Add([]byte("TITLE: x\nDATE: 01/02/2024 00:00:00\n-----\nBODY:\n<p>\n"))
	f.Add([]byte("--------\n--------\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzSource(t, "hatena", "in.txt", data) })
}

func FuzzFrontMatter(f *testing.F) {
	seed, _ := os.ReadFile("testdata/vault/2024-02-03-meetup.md")
	f.Add(seed)
	f.Add([]byte("+++\ntitle = 'x'\n+++\n"))
	f.Add([]byte("---\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzSource(t, "markdown", "in.md", data) })
}

func TestDayOneFolderAndZip(t *testing.T) {
	check := func(t *testing.T, path string) {
		recs, probs := readAll(t, "dayone", path)
		if len(recs) != 2 || len(probs) != 0 || len(recs[1].Warnings) != 1 || !strings.Contains(recs[1].Warnings[0].Message, "BADDATE") ||
			recs[1].Entry.Date != fileDay(t, path) {
			t.Fatalf("records %+v problems %+v", recs, probs)
		}
		e := recs[0].Entry
		// 14:30 UTC is 23:30 in Tokyo: still 1 March there.
		if e.Title != "登壇メモ" || e.Date != "2024-03-01" || e.SourceKey != "0A1B2C3D4E5F" || !strings.Contains(e.Body, "話をした. 質問") {
			t.Errorf("entry = %+v", e)
		}
		if len(recs[0].Attachments) != 1 || recs[0].Attachments[0].Ref != "dayone-moment://PHOTO1" {
			t.Errorf("attachments = %+v", recs[0].Attachments)
		}
	}
	t.Run("folder", func(t *testing.T) { check(t, "testdata/dayone") })
	t.Run("zip", func(t *testing.T) {
		zipPath := filepath.Join(t.TempDir(), "export.zip")
		writeZip(t, zipPath, map[string]string{
			"Journal.json":       mustRead(t, "testdata/dayone/Journal.json"),
			"photos/abc123.jpeg": mustRead(t, "testdata/dayone/photos/abc123.jpeg"),
		})
		if f, err := Detect(zipPath); err != nil || f != "dayone" {
			t.Errorf("Detect(zip) = %q, %v", f, err)
		}
		check(t, zipPath)
	})
}

func TestDayOneZipRefusesEscapingPaths(t *testing.T) {
	zipPath := filepath.Join(t.TempDir(), "evil.zip")
	writeZip(t, zipPath, map[string]string{"Journal.json": `{"entries":[]}`, "../../outside.txt": "x"})
	if _, err := Open(context.Background(), "dayone", zipPath); diary.ErrorCode(err) != diary.EInvalid || !strings.Contains(err.Error(), "unsafe path") {
		t.Errorf("Open(evil zip) = %v", err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(zipPath), "..", "outside.txt")); err == nil {
		t.Error("a file was written outside")
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeZip(t *testing.T, path string, files map[string]string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	zw.Close()
	f.Close()
}

func FuzzDayOne(f *testing.F) {
	seed, _ := os.ReadFile("testdata/dayone/Journal.json")
	f.Add(seed)
	f.Add([]byte(`{"entries":[{"uuid":"x","creationDate":"2024-01-01T00:00:00Z","timeZone":"Nowhere/Else","photos":[{"md5":"../x","identifier":"a"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzSource(t, "dayone", "Journal.json", data) })
}
