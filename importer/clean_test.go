package importer

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// oddTagSources writes, for each format, an export whose second entry (the
// one the test looks at) carries the given tags and date.
func oddTagSource(t *testing.T, format string, tags []string, date string) (path string, line int) {
	t.Helper()
	dir := t.TempDir()
	q := func(s string) string {
		return strings.ReplaceAll(strings.ReplaceAll(`"`+s+`"`, "\t", `\t`), "\n", `\n`)
	}
	quoted := make([]string, len(tags))
	for i, tag := range tags {
		quoted[i] = q(tag)
	}
	list := "[" + strings.Join(quoted, ",") + "]"
	var text string
	switch format {
	case "jsonl":
		path, line = filepath.Join(dir, "notes.jsonl"), 2
		text = `{"id":"first","date":"2024-01-01","body":"x"}` + "\n" +
			`{"id":"odd","title":"変なタグ","body":"本文","date":` + q(date) + `,"tags":` + list + "}\n"
	case "hatena":
		path, line = filepath.Join(dir, "blog.txt"), 9
		text = "TITLE: first\nBASENAME: a\nDATE: 01/01/2024 10:00:00\n-----\nBODY:\n<p>x</p>\n-----\n--------\n" +
			"TITLE: 変なタグ\nBASENAME: b\nDATE: " + date + "\n"
		for _, tag := range tags {
			text += "CATEGORY: " + tag + "\n"
		}
		text += "-----\nBODY:\n<p>本文</p>\n-----\n--------\n"
	case "markdown":
		path, line = filepath.Join(dir, "note.md"), 1
		text = "---\ntitle: 変なタグ\ndate: " + q(date) + "\ntags: " + list + "\n---\n本文\n"
	case "dayone":
		path, line = filepath.Join(dir, "Journal.json"), 0
		text = `{"entries":[{"uuid":"ODD","creationDate":` + q(date) + `,"text":"# 変なタグ\n本文","tags":` + list + `}]}`
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, line
}

func recordTitled(t *testing.T, recs []Record, probs []Problem, title string) Record {
	t.Helper()
	for _, r := range recs {
		if r.Entry.Title == title {
			return r
		}
	}
	t.Fatalf("no record titled %q; problems %+v", title, probs)
	return Record{}
}

func TestOddTagsAreCleanedAndKept(t *testing.T) {
	long := strings.Repeat("あ", 100) // 300 bytes
	tags := []string{"Go, Rust", "tab\there", long, "ok"}
	// Hatena writes one CATEGORY a line: a tab is the one control
	// character it can carry.
	want := []string{"Go", "Rust", "tab here", strings.Repeat("あ", 66), "ok"}
	for _, format := range []string{"jsonl", "hatena", "markdown", "dayone"} {
		t.Run(format, func(t *testing.T) {
			path, line := oddTagSource(t, format, tags, map[string]string{"hatena": "03/04/2024 10:00:00"}[format]+map[bool]string{true: "2024-03-04T10:00:00Z"}[format != "hatena"])
			recs, probs := readAll(t, format, path)
			rec := recordTitled(t, recs, probs, "変なタグ")
			if !slices.Equal(rec.Entry.Tags, want) {
				t.Errorf("tags = %q, want %q", rec.Entry.Tags, want)
			}
			if rec.Entry.Body == "" || len(probs) != 0 {
				t.Errorf("body %q, problems %+v", rec.Entry.Body, probs)
			}
			var said []string
			for _, w := range rec.Warnings {
				if w.File != path || w.Line != line {
					t.Errorf("warning at %s:%d, want %s:%d", w.File, w.Line, path, line)
				}
				said = append(said, w.Message)
			}
			all := strings.Join(said, "\n")
			for _, about := range []string{"comma", "control characters", "longer than 200 bytes"} {
				if !strings.Contains(all, about) {
					t.Errorf("no warning about %s in:\n%s", about, all)
				}
			}
		})
	}
}

func TestTooManyTagsKeepTheRestInTheBody(t *testing.T) {
	var tags []string
	for i := range 70 {
		tags = append(tags, "t"+strings.Repeat("x", i))
	}
	path, _ := oddTagSource(t, "jsonl", tags, "2024-03-04")
	recs, probs := readAll(t, "jsonl", path)
	rec := recordTitled(t, recs, probs, "変なタグ")
	if len(rec.Entry.Tags) != 64 || !strings.Contains(rec.Entry.Body, "#t"+strings.Repeat("x", 69)) || len(rec.Warnings) != 1 {
		t.Fatalf("%d tags, body %q, warnings %+v", len(rec.Entry.Tags), rec.Entry.Body, rec.Warnings)
	}
}

func TestUnreadableDateFallsBackToTheFileDate(t *testing.T) {
	fileTime := time.Date(2019, 7, 8, 12, 0, 0, 0, time.Local)
	for _, format := range []string{"jsonl", "hatena", "markdown", "dayone"} {
		t.Run(format, func(t *testing.T) {
			path, line := oddTagSource(t, format, []string{"ok"}, "the day after the meetup")
			if err := os.Chtimes(path, fileTime, fileTime); err != nil {
				t.Fatal(err)
			}
			recs, probs := readAll(t, format, path)
			rec := recordTitled(t, recs, probs, "変なタグ")
			if rec.Entry.Date != "2019-07-08" {
				t.Errorf("date = %s, want the file's, 2019-07-08", rec.Entry.Date)
			}
			if len(rec.Warnings) != 1 || rec.Warnings[0].Line != line || !strings.Contains(rec.Warnings[0].Message, "the day after the meetup") {
				t.Errorf("warnings %+v, want one naming the unreadable date at line %d", rec.Warnings, line)
			}
		})
	}
}

func TestHatenaRejectKeepsTheEntryAsWritten(t *testing.T) {
	bad := "TITLE: 壊れた記事\nDATE: 01/02/2024 10:00:00\nこれはヘッダーでも節でもない\n-----\nBODY:\n<p>本文</p>\n-----\n--------\n"
	good := "TITLE: 良い記事\nDATE: 01/03/2024 10:00:00\n-----\nBODY:\n<p>本文</p>\n-----\n--------\n"
	path := filepath.Join(t.TempDir(), "blog.txt")
	if err := os.WriteFile(path, []byte(good+"\n"+bad+good), 0o644); err != nil {
		t.Fatal(err)
	}
	recs, probs := readAll(t, "hatena", path)
	if len(recs) != 2 || len(probs) != 1 {
		t.Fatalf("%d records, problems %+v", len(recs), probs)
	}
	if p := probs[0]; p.Line != 9 || string(p.Raw) != bad || !strings.Contains(p.Message, "neither a header field nor a section") {
		t.Fatalf("problem %+v raw %q", p, p.Raw)
	}
}

// checkStorable fails when a record carries what storage refuses.
func checkStorable(t *testing.T, rec Record) {
	if !utf8.ValidString(rec.Entry.Title) || len(rec.Entry.Title) > maxTitle {
		t.Fatalf("title %q", rec.Entry.Title)
	}
	if countDistinct(rec.Entry.Tags) > maxTags {
		t.Fatalf("%d tags", len(rec.Entry.Tags))
	}
	for _, tag := range rec.Entry.Tags {
		if !utf8.ValidString(tag) || len(tag) > maxTagBytes || strings.ContainsFunc(tag, func(r rune) bool { return r == ',' || unicode.IsControl(r) }) {
			t.Fatalf("tag %q would be refused", tag)
		}
	}
}

func TestDayOneEntryOfTheWrongShapeCostsOnlyItself(t *testing.T) {
	path := filepath.Join(t.TempDir(), "Journal.json")
	journal := `{"entries":[
		{"uuid":"A","creationDate":"2024-03-01T10:00:00Z","text":"一つ目"},
		{"uuid":"B","creationDate":"2024-03-02T10:00:00Z","text":5},
		{"uuid":"C","creationDate":"2024-03-03T10:00:00Z","text":"三つ目","tags":"旅行, 京都"}
	]}`
	if err := os.WriteFile(path, []byte(journal), 0o644); err != nil {
		t.Fatal(err)
	}
	recs, probs := readAll(t, "dayone", path)
	if len(recs) != 2 || len(probs) != 1 || !strings.Contains(probs[0].Message, "entry 2 of 3") || !strings.Contains(probs[0].Message, `"text"`) {
		t.Fatalf("records %d, problems %+v", len(recs), probs)
	}
	if got := recs[1].Entry.Tags; !slices.Equal(got, []string{"旅行", "京都"}) {
		t.Errorf("tags written as one string: %q", got)
	}
}
