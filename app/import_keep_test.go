package app

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestImportKeepsOddEntriesAndWritesRejects(t *testing.T) {
	ctx := context.Background()
	s := openService(t, t.TempDir())
	defer s.Close()
	src := filepath.Join(t.TempDir(), "notes.jsonl")
	broken := `{"id":"b1","title":"閉じていない"`
	lines := []string{
		`{"id":"c1","title":"カンマ入りのタグ","body":"Kubernetes 勉強会","date":"2024-05-01","tags":["Go, Rust","SRE"]}`,
		broken,
		`{"id":"d1","title":"日付が読めない","body":"本文","date":"先週の金曜"}`,
		`{"id":"t1","title":"タブ入り","body":"本文","date":"2024-05-02","tags":["a\tb"]}`,
	}
	if err := os.WriteFile(src, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := s.Import(ctx, ImportRequest{Format: "jsonl", Paths: []string{src}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Imported != 3 || sum.Skipped != 1 || len(sum.Problems) != 1 || sum.Problems[0].Line != 2 {
		t.Fatalf("summary %+v", sum)
	}
	lineOf := map[int]bool{}
	for _, w := range sum.Warnings {
		if w.File != src {
			t.Errorf("warning names %s, want %s", w.File, src)
		}
		lineOf[w.Line] = true
	}
	if !lineOf[1] || !lineOf[3] || !lineOf[4] || len(sum.Warnings) != 3 {
		t.Fatalf("warnings %+v, want lines 1, 3 and 4", sum.Warnings)
	}
	if got := searchIDs(t, s, "tag:Rust"); !slices.Equal(got, []string{"c1"}) {
		t.Errorf("tag:Rust = %v", got)
	}
	if e, _ := s.GetEntry(ctx, "t1"); !slices.Equal(e.Tags, []string{"a b"}) {
		t.Errorf("tab tag kept as %q", e.Tags)
	}

	rejects := filepath.Join(filepath.Dir(src), "notes.rejects.jsonl")
	if !slices.Equal(sum.Rejects, []string{rejects}) {
		t.Fatalf("rejects files %v, want %s", sum.Rejects, rejects)
	}
	got, err := os.ReadFile(rejects)
	if err != nil || string(got) != broken+"\n" {
		t.Fatalf("rejects file = %q, %v; want the broken line as written", got, err)
	}
	// Fixed by hand, it imports.
	if err := os.WriteFile(rejects, []byte(broken+`,"date":"2024-05-03"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err = s.Import(ctx, ImportRequest{Paths: []string{rejects}}, nil)
	if err != nil || sum.Imported != 1 || len(sum.Rejects) != 0 {
		t.Fatalf("importing the fixed rejects: %+v, %v", sum, err)
	}

	// A preview says the same and writes nothing.
	os.Remove(rejects)
	p, err := s.PreviewImport(ctx, ImportRequest{Paths: []string{src}}, 10)
	if err != nil || p.Count != 3 || len(p.Warnings) != 3 || len(p.Problems) != 1 {
		t.Fatalf("preview %+v, %v", p, err)
	}
	if _, err := os.Stat(rejects); !os.IsNotExist(err) {
		t.Errorf("a preview wrote %s", rejects)
	}
}

func TestImportOverAnEntryKeepsItsText(t *testing.T) {
	ctx := context.Background()
	s := openService(t, t.TempDir())
	defer s.Close()
	e, err := s.SaveEntry(ctx, EntryInput{ID: "k1", Title: "手で書いた", Body: "大切な原文", Date: "2024-05-01"})
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "over.jsonl")
	os.WriteFile(src, []byte(`{"id":"k1","title":"上書き","body":"別の本文","date":"2024-05-01"}`+"\n"), 0o644)
	if sum, err := s.Import(ctx, ImportRequest{Paths: []string{src}}, nil); err != nil || sum.Updated != 1 {
		t.Fatalf("import: %+v, %v", sum, err)
	}
	rev, err := s.Revision(ctx, e.ID, 1)
	if err != nil || rev.Body != "大切な原文" {
		t.Fatalf("revision 1 = %q, %v", rev.Body, err)
	}
}
