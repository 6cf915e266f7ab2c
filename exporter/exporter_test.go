package exporter_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/exporter"
	"github.com/tsuzuri/tsuzuri/importer"
)

var when = time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)

var entries = []diary.Entry{
	{ID: "01HX0000000000000000000001", Title: "AWS Security Hub 勉強会", Body: "コントロールを見直した。\n\n![図](attachments/" + strings.Repeat("a", 64) + ".png)",
		Date: "2024-03-01", Tags: []string{"AWS", "勉強会"}, CreatedAt: when, UpdatedAt: when},
	{ID: "hatena-1", Title: "障害: DB/接続 \"枯渇\"", Body: "<script>は文字として残る</script>", Date: "2024-03-01", Tags: []string{},
		Source: "hatena", SourceKey: "2024/03/01/120000", SourceURL: "https://example.hatenablog.com/entry/1", OriginalHTML: "<p>x</p>",
		Comments: []diary.Comment{{Author: "読者", Date: when, Body: "なるほど"}}, CreatedAt: when, UpdatedAt: when},
}

func each(list []diary.Entry) exporter.Each {
	return func(ctx context.Context, fn func(diary.Entry) error) error {
		for _, e := range list {
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	}
}

func TestJSONLRoundTrip(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "diary.jsonl")
	n, err := exporter.Export(context.Background(), "jsonl", dest, each(entries), exporter.Options{})
	if err != nil || n != 2 {
		t.Fatalf("Export = %d, %v", n, err)
	}
	src, err := importer.Open(context.Background(), "jsonl", dest)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	for i := 0; ; i++ {
		rec, err := src.Next(context.Background())
		if errors.Is(err, io.EOF) {
			if i != len(entries) {
				t.Errorf("read back %d entries, want %d", i, len(entries))
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		got := rec.Entry
		got.CreatedAt, got.UpdatedAt = got.CreatedAt.UTC(), got.UpdatedAt.UTC()
		for j := range got.Comments {
			got.Comments[j].Date = got.Comments[j].Date.UTC()
		}
		if !reflect.DeepEqual(got, entries[i]) {
			t.Errorf("entry %d came back as\n%+v\nwant\n%+v", i, got, entries[i])
		}
	}
}

func TestMarkdownExport(t *testing.T) {
	attachments := t.TempDir()
	os.WriteFile(filepath.Join(attachments, strings.Repeat("a", 64)+".png"), []byte("png"), 0o644)
	dest := filepath.Join(t.TempDir(), "export")
	n, err := exporter.Export(context.Background(), "markdown", dest, each(entries), exporter.Options{AttachmentsDir: attachments})
	if err != nil || n != 2 {
		t.Fatalf("Export = %d, %v", n, err)
	}
	first, err := os.ReadFile(filepath.Join(dest, "2024", "03", "01-AWS-Security-Hub-勉強会.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(first), "---\ndate: \"2024-03-01\"\n") || !strings.Contains(string(first), "](../../attachments/"+strings.Repeat("a", 64)+".png)") {
		t.Errorf("note:\n%s", first)
	}
	if _, err := os.Stat(filepath.Join(dest, "attachments", strings.Repeat("a", 64)+".png")); err != nil {
		t.Errorf("attachment not copied: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dest, "2024", "03", "01-障害-DB-接続-枯渇.md")); err != nil {
		t.Errorf("a title with / : \" makes a safe file name: %v", err)
	}
}

func TestFailedExportLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	boom := errors.New("disk went away")
	failing := func(ctx context.Context, fn func(diary.Entry) error) error {
		if err := fn(entries[0]); err != nil {
			return err
		}
		return boom
	}
	for _, format := range []string{"jsonl", "markdown"} {
		dest := filepath.Join(dir, "out-"+format)
		if _, err := exporter.Export(context.Background(), format, dest, failing, exporter.Options{}); !errors.Is(err, boom) {
			t.Errorf("%s: err = %v", format, err)
		}
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("a failed export left %v behind", left)
	}
	if _, err := exporter.Export(context.Background(), "docx", filepath.Join(dir, "x"), each(entries), exporter.Options{}); diary.ErrorCode(err) != diary.EInvalid {
		t.Errorf("unknown format: %v", err)
	}
}

func TestHatenaRoundTrip(t *testing.T) {
	list := []diary.Entry{
		{ID: "a1", Title: "ポストモーテム", Body: "## 原因\n\n- DB 接続の枯渇\n\n```\n--------\n```", Date: "2024-06-11", Tags: []string{"SRE", "draft"}, CreatedAt: when,
			Comments: []diary.Comment{{Author: "同僚", Date: when, Body: "お疲れさまでした"}}},
		{ID: "a2", Title: "京都出張", Body: "新幹線で**移動**。", Date: "2024-06-12", Tags: []string{}, Source: "hatena", SourceKey: "2024/06/12/090000", CreatedAt: when},
	}
	dest := filepath.Join(t.TempDir(), "blog.export.txt")
	if n, err := exporter.Export(context.Background(), "hatena", dest, each(list), exporter.Options{}); err != nil || n != 2 {
		t.Fatalf("Export = %d, %v", n, err)
	}
	src, err := importer.Open(context.Background(), "hatena", dest)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var got []diary.Entry
	for {
		rec, err := src.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("reading the export back: %v", err)
		}
		got = append(got, rec.Entry)
	}
	if len(got) != 2 {
		t.Fatalf("read back %d entries", len(got))
	}
	pm := got[0]
	if pm.Title != "ポストモーテム" || pm.Date != "2024-06-11" || !reflect.DeepEqual(pm.Tags, []string{"SRE", "draft"}) ||
		!strings.Contains(pm.Body, "DB 接続の枯渇") || !strings.Contains(pm.Body, "--------") || len(pm.Comments) != 1 {
		t.Errorf("first entry came back as %+v", pm)
	}
	if got[1].SourceKey != "2024/06/12/090000" || !strings.Contains(got[1].Body, "**移動**") {
		t.Errorf("second entry came back as %+v", got[1])
	}
}

func TestHTMLExportIsOneSafePage(t *testing.T) {
	attachments := t.TempDir()
	name := strings.Repeat("b", 64) + ".png"
	os.WriteFile(filepath.Join(attachments, name), []byte("\x89PNG"), 0o644)
	list := []diary.Entry{{ID: "h", Title: "<script>題</script>", Body: "![図](attachments/" + name + ")\n\n<img src=x onerror=alert(1)>", Date: "2024-01-01", Tags: []string{"AWS"}}}
	dest := filepath.Join(t.TempDir(), "diary.html")
	if _, err := exporter.Export(context.Background(), "html", dest, each(list), exporter.Options{AttachmentsDir: attachments}); err != nil {
		t.Fatal(err)
	}
	page, _ := os.ReadFile(dest)
	s := string(page)
	if strings.Contains(s, "<script>") || strings.Contains(s, "onerror") {
		t.Errorf("the page carries script:\n%s", s)
	}
	if !strings.Contains(s, `src="data:image/png;base64,`) || !strings.Contains(s, "&lt;script&gt;題") {
		t.Errorf("page:\n%s", s)
	}
}
