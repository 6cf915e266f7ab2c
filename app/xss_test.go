package app

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tsuzuri/tsuzuri/render/xsstest"
	"github.com/tsuzuri/tsuzuri/storage"
)

// Every vector of the corpus, brought in through each import format as a
// body, a title and a tag, must render inert, and the search snippets that
// show it must be text with <mark> only.
func TestImportedVectorsStayInert(t *testing.T) {
	ctx := context.Background()
	vectors := xsstest.Corpus(t, "../render/testdata/xss.txt")
	src := t.TempDir()
	oneLine := func(s string) string { return strings.NewReplacer("\n", " ", "\r", " ").Replace(s) }
	// A comma separates tags and storage refuses control characters, so
	// both become spaces; the rest of the vector is one tag.
	tagOf := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r < ' ' || r == ',' {
				return ' '
			}
			return r
		}, s)
	}

	var mt, jsonl strings.Builder
	var dayone []map[string]any
	os.MkdirAll(filepath.Join(src, "vault"), 0o755)
	for i, v := range vectors {
		fmt.Fprintf(&mt, "AUTHOR: tester\nTITLE: %s\nBASENAME: xss/%d\nSTATUS: Publish\nDATE: 01/02/2024 10:00:00\nCATEGORY: %s\n-----\nBODY:\n<p>カナリア %s</p>\n%s\n-----\n--------\n",
			oneLine(v.Payload), i, tagOf(v.Payload), v.Name, v.Payload)
		title, _ := json.Marshal(v.Payload)
		tag, _ := json.Marshal(tagOf(v.Payload))
		note := fmt.Sprintf("---\ntitle: %s\ntags: [%s]\n---\nカナリア %s\n\n%s\n", title, tag, v.Name, v.Payload)
		os.WriteFile(filepath.Join(src, "vault", fmt.Sprintf("xss-%02d.md", i)), []byte(note), 0o644)
		dayone = append(dayone, map[string]any{
			"uuid": fmt.Sprintf("XSS%04d", i), "creationDate": "2024-01-03T10:00:00Z",
			"text": "# " + oneLine(v.Payload) + "\n\nカナリア " + v.Name + "\n\n" + v.Payload, "tags": []string{tagOf(v.Payload)},
		})
		line, _ := json.Marshal(map[string]any{"id": fmt.Sprintf("xss-%d", i), "title": v.Payload, "body": "カナリア " + v.Payload, "date": "2024-01-04", "tags": []string{tagOf(v.Payload)}})
		jsonl.Write(append(line, '\n'))
	}
	os.WriteFile(filepath.Join(src, "hatena.txt"), []byte(mt.String()), 0o644)
	os.MkdirAll(filepath.Join(src, "dayone"), 0o755)
	raw, _ := json.Marshal(map[string]any{"entries": dayone})
	os.WriteFile(filepath.Join(src, "dayone", "Journal.json"), raw, 0o644)
	os.WriteFile(filepath.Join(src, "notes.jsonl"), []byte(jsonl.String()), 0o644)

	s := openService(t, t.TempDir())
	defer s.Close()
	for _, in := range []struct{ format, path string }{
		{"hatena", "hatena.txt"}, {"markdown", "vault"}, {"dayone", "dayone"}, {"jsonl", "notes.jsonl"},
	} {
		sum, err := s.Import(ctx, ImportRequest{Format: in.format, Paths: []string{filepath.Join(src, in.path)}}, nil)
		if err != nil {
			t.Fatalf("import %s: %v", in.format, err)
		}
		// A vector is never a reason to drop the note that carries it.
		if got := sum.Imported + sum.Updated; got != len(vectors) {
			t.Errorf("%s: %d of %d entries imported; problems %v", in.format, got, len(vectors), sum.Problems)
		}
	}

	page, err := s.store.List(ctx, storage.ListQuery{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Entries) < 4*len(vectors) {
		t.Fatalf("%d entries in the diary, want %d", len(page.Entries), 4*len(vectors))
	}
	for _, sum := range page.Entries {
		e, err := s.GetEntry(ctx, sum.ID)
		if err != nil {
			t.Fatal(err)
		}
		if why := xsstest.Unsafe(s.RenderMarkdown(e.Body)); why != "" {
			t.Errorf("entry %s (%s): the body renders with %s", e.ID, e.Source, why)
		}
	}
	res, err := s.Search(ctx, SearchRequest{Query: "カナリア", Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total < uint64(4*len(vectors)) {
		t.Errorf("search finds %d of the %d entries", res.Total, 4*len(vectors))
	}
	for _, h := range res.Hits {
		rest := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(h.Snippet)
		if strings.ContainsAny(rest, "<>") {
			t.Errorf("snippet of %s holds markup: %q", h.ID, h.Snippet)
		}
	}
}
