package app

import (
	"context"
	"slices"
	"testing"
)

func TestHistoryRestoreIsSearchable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openService(t, dir)
	e, err := s.SaveEntry(ctx, EntryInput{Title: "勉強会メモ", Body: "Kubernetes の話を聞いた。", Date: "2024-06-01"})
	if err != nil {
		t.Fatal(err)
	}
	// A bad paste over the note, autosaved.
	if _, err := s.SaveEntry(ctx, EntryInput{ID: e.ID, Title: "勉強会メモ", Body: "貼り間違えたテキスト", Date: "2024-06-01"}); err != nil {
		t.Fatal(err)
	}
	revs, err := s.History(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 1 || revs[0].Number != 1 {
		t.Fatalf("history = %+v, want one revision", revs)
	}
	rev, err := s.Revision(ctx, e.ID, 1)
	if err != nil || rev.Body != "Kubernetes の話を聞いた。" {
		t.Fatalf("revision 1 = %q, %v", rev.Body, err)
	}
	if got := searchIDs(t, s, "Kubernetes"); len(got) != 0 {
		t.Fatalf("the overwritten text is still found: %v", got)
	}

	restored, err := s.RestoreRevision(ctx, e.ID, 1)
	if err != nil || restored.Body != rev.Body {
		t.Fatalf("restore: %q, %v", restored.Body, err)
	}
	if got := searchIDs(t, s, "Kubernetes"); !slices.Equal(got, []string{e.ID}) {
		t.Fatalf("search after restore = %v", got)
	}
	s.Close()

	// The history outlives the process; the restore is itself a revision.
	s = openService(t, dir)
	defer s.Close()
	revs, err = s.History(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 2 || revs[0].Number != 2 {
		t.Fatalf("history after restore = %+v", revs)
	}
	if rev, _ := s.Revision(ctx, e.ID, 2); rev.Body != "貼り間違えたテキスト" {
		t.Fatalf("revision 2 = %q", rev.Body)
	}
}
