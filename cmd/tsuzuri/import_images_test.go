package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

func TestImportFetchesImagesOnlyWithTheFlag(t *testing.T) {
	var hits atomic.Int32
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "image/png")
		w.Write(png)
	}))
	defer srv.Close()
	src := filepath.Join(t.TempDir(), "notes.jsonl")
	os.WriteFile(src, []byte(`{"id":"p1","title":"写真","body":"![会場](`+srv.URL+`/hall.png)","date":"2024-05-01"}`+"\n"), 0o644)

	data := t.TempDir()
	mustRun(t, data, "", "import", src)
	if hits.Load() != 0 {
		t.Fatalf("import without --fetch-images made %d requests", hits.Load())
	}
	if files, _ := os.ReadDir(filepath.Join(data, "attachments")); len(files) != 0 {
		t.Fatalf("import without --fetch-images stored %d attachments", len(files))
	}

	// The test server is on this computer, which a note's images may reach
	// only when the person names the host.
	os.WriteFile(src, []byte(`{"id":"p1","title":"写真","body":"![会場](`+srv.URL+`/hall.png) 改","date":"2024-05-01"}`+"\n"), 0o644)
	_, _, errOut := tsuzuri(t, data, "", "import", "--fetch-images", src)
	if hits.Load() != 0 || !strings.Contains(errOut, "on your own network") {
		t.Fatalf("import --fetch-images from 127.0.0.1 without --allow-local-host: %d requests, stderr %q", hits.Load(), errOut)
	}

	os.WriteFile(src, []byte(`{"id":"p1","title":"写真","body":"![会場](`+srv.URL+`/hall.png) 追記","date":"2024-05-01"}`+"\n"), 0o644)
	out := mustRun(t, data, "", "import", "--fetch-images", "--allow-local-host", "127.0.0.1", src)
	if hits.Load() != 1 || !strings.Contains(out, "updated 1") {
		t.Fatalf("import --fetch-images: %d requests, output %q", hits.Load(), out)
	}
	files, _ := os.ReadDir(filepath.Join(data, "attachments"))
	if len(files) != 1 || !strings.HasSuffix(files[0].Name(), ".png") {
		t.Fatalf("attachments after --fetch-images: %v", files)
	}
	dest := filepath.Join(t.TempDir(), "out.jsonl")
	mustRun(t, data, "", "export", "--format", "jsonl", dest)
	raw, _ := os.ReadFile(dest)
	exported := string(raw)
	if strings.Contains(exported, srv.URL) || !strings.Contains(exported, "attachments/"+files[0].Name()) {
		t.Errorf("the entry does not point at its copy: %s", exported)
	}
}
