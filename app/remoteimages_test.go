package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// imageServer is a web server on 127.0.0.1 with one real image and a few
// answers that are not images; it counts every request it gets.
type imageServer struct {
	*httptest.Server
	hits atomic.Int32
}

var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")

func newImageServer(t *testing.T) *imageServer {
	s := &imageServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		switch r.URL.Path {
		case "/photo.png":
			w.Header().Set("Content-Type", "image/png")
			w.Write(pngBytes)
		case "/unlabelled":
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write(pngBytes)
		case "/page.png": // says image, is a web page
			w.Header().Set("Content-Type", "image/png")
			fmt.Fprint(w, "<!doctype html><html><script>alert(1)</script></html>")
		case "/to-file":
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		case "/moved.png":
			http.Redirect(w, r, "/photo.png", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func TestCopyRemoteImagesOnlyWhenAsked(t *testing.T) {
	ctx := context.Background()
	srv := newImageServer(t)
	dir := t.TempDir()
	s := openService(t, dir)
	defer s.Close()

	body := fmt.Sprintf("# 勉強会\n\n![会場](%[1]s/photo.png)\n\n<img src=\"%[1]s/unlabelled\" alt=\"ラベルなし\">\n\n"+
		"![偽物](%[1]s/page.png) ![なし](%[1]s/gone.png) ![転送](%[1]s/to-file) ![移動](%[1]s/moved.png)\n\n[会場の写真](%[1]s/photo.png)", srv.URL)
	e, err := s.SaveEntry(ctx, EntryInput{Title: "画像つき", Body: body, Date: "2024-05-01"})
	if err != nil {
		t.Fatal(err)
	}
	// Reading, rendering and searching never contact the server.
	got, _ := s.GetEntry(ctx, e.ID)
	html := s.RenderMarkdown(got.Body)
	searchIDs(t, s, "勉強会")
	if n := srv.hits.Load(); n != 0 {
		t.Fatalf("reading the entry made %d requests", n)
	}
	if strings.Contains(html, `src="http`) || strings.Count(html, `class="remote-image"`) != 6 {
		t.Fatalf("rendered before loading: %s", html)
	}

	// The test server is on this computer: refused until allowed.
	refused, err := s.CopyRemoteImages(ctx, e.ID, nil)
	if err != nil || refused.Copied != 0 || srv.hits.Load() != 0 || !slices.Equal(refused.LocalHosts, []string{"127.0.0.1"}) {
		t.Fatalf("images from 127.0.0.1 without asking: %+v, %v, %d requests", refused, err, srv.hits.Load())
	}
	res, err := s.CopyRemoteImages(ctx, e.ID, []string{"127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Copied != 3 || len(res.Failed) != 3 {
		t.Fatalf("copied %d, failed %+v; want 3 copied (photo, unlabelled, moved) and 3 failed", res.Copied, res.Failed)
	}
	for _, f := range res.Failed {
		if f.Message == "" || !strings.HasPrefix(f.URL, srv.URL) {
			t.Errorf("failure without a reason: %+v", f)
		}
	}
	saved, _ := s.GetEntry(ctx, e.ID)
	if saved.Body != res.Entry.Body || strings.Contains(saved.Body, srv.URL+"/photo.png)\n") {
		t.Errorf("the saved body still shows the remote photo:\n%s", saved.Body)
	}
	if !strings.Contains(saved.Body, "[会場の写真]("+srv.URL+"/photo.png)") {
		t.Errorf("a link (not an image) to the same address was changed:\n%s", saved.Body)
	}
	html = s.RenderMarkdown(saved.Body)
	if strings.Count(html, `<img src="/attachments/`) != 3 || strings.Count(html, `class="remote-image"`) != 3 {
		t.Errorf("rendered after loading: %s", html)
	}
	files, _ := os.ReadDir(filepath.Join(dir, "attachments"))
	if len(files) != 1 { // the same picture three times is stored once
		t.Errorf("%d attachments, want 1", len(files))
	}
	for _, f := range files {
		if raw, _ := os.ReadFile(filepath.Join(dir, "attachments", f.Name())); string(raw) != string(pngBytes) || !strings.HasSuffix(f.Name(), ".png") {
			t.Errorf("attachment %s holds other bytes", f.Name())
		}
	}

	// Nothing left to copy: a second click fetches only what failed.
	before := srv.hits.Load()
	again, err := s.CopyRemoteImages(ctx, e.ID, []string{"127.0.0.1"})
	if err != nil || again.Copied != 0 {
		t.Fatalf("second copy: %+v, %v", again, err)
	}
	if n := srv.hits.Load() - before; n != 3 {
		t.Errorf("second copy made %d requests, want 3 (the failed ones)", n)
	}
}

func TestImportFetchesImagesOnlyWithTheFlag(t *testing.T) {
	ctx := context.Background()
	srv := newImageServer(t)
	s := openService(t, t.TempDir())
	defer s.Close()
	src := filepath.Join(t.TempDir(), "notes.jsonl")
	line := func(id, body string) string {
		raw, _ := json.Marshal(map[string]any{"id": id, "title": "写真", "body": body, "date": "2024-05-02"})
		return string(raw) + "\n"
	}
	os.WriteFile(src, []byte(line("a", "![p]("+srv.URL+"/photo.png)")+line("b", "![g]("+srv.URL+"/gone.png)")), 0o644)

	preview, err := s.PreviewImport(ctx, ImportRequest{Paths: []string{src}}, 10)
	if err != nil || preview.RemoteImages != 2 {
		t.Fatalf("preview counts %d remote images (%v), want 2", preview.RemoteImages, err)
	}
	if _, err := s.Import(ctx, ImportRequest{Paths: []string{src}}, nil); err != nil {
		t.Fatal(err)
	}
	if n := srv.hits.Load(); n != 0 {
		t.Fatalf("an import without FetchImages made %d requests", n)
	}
	a, _ := s.GetEntry(ctx, "a")
	if !strings.Contains(a.Body, srv.URL) {
		t.Fatalf("the body changed without FetchImages: %s", a.Body)
	}

	os.WriteFile(src, []byte(line("a", "![p]("+srv.URL+"/photo.png) 追記")+line("b", "![g]("+srv.URL+"/gone.png) 追記")), 0o644)
	sum, err := s.Import(ctx, ImportRequest{Paths: []string{src}, FetchImages: true, AllowHosts: []string{"127.0.0.1"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, _ = s.GetEntry(ctx, "a")
	if strings.Contains(a.Body, srv.URL) || !strings.Contains(a.Body, "](attachments/") {
		t.Errorf("entry a still shows the remote image: %s", a.Body)
	}
	if len(sum.Problems) != 1 || sum.Problems[0].Line != 2 || !strings.Contains(sum.Problems[0].Message, "gone.png") {
		t.Errorf("problems = %+v, want the missing image of line 2", sum.Problems)
	}
	if sum.Updated != 2 {
		t.Errorf("summary %+v: the entry whose image failed must still be imported", sum)
	}
}

// A name is judged by the address it resolves to when dialled: "localhost"
// is refused as 127.0.0.1 is, and allowing the name lets it through.
func TestImagesFromTheOwnNetworkNeedTheHostAllowed(t *testing.T) {
	ctx := context.Background()
	srv := newImageServer(t)
	s := openService(t, t.TempDir())
	defer s.Close()
	byName := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	e, err := s.SaveEntry(ctx, EntryInput{Title: "ルーター", Body: "![p](" + byName + "/photo.png)", Date: "2024-05-01"})
	if err != nil {
		t.Fatal(err)
	}
	for _, allow := range [][]string{nil, {"127.0.0.1"}, {"example.com"}} {
		res, err := s.CopyRemoteImages(ctx, e.ID, allow)
		if err != nil || res.Copied != 0 || !slices.Equal(res.LocalHosts, []string{"localhost"}) || len(res.Failed) != 1 ||
			!strings.Contains(res.Failed[0].Message, "own network") {
			t.Fatalf("allowing %q: %+v, %v", allow, res, err)
		}
	}
	if n := srv.hits.Load(); n != 0 {
		t.Fatalf("refused fetches reached the server %d times", n)
	}
	res, err := s.CopyRemoteImages(ctx, e.ID, []string{"LOCALHOST"})
	if err != nil || res.Copied != 1 {
		t.Fatalf("with localhost allowed: %+v, %v", res, err)
	}
	for _, c := range []struct {
		addr   string
		public bool
	}{{"8.8.8.8", true}, {"2001:4860:4860::8888", true}, {"127.0.0.1", false}, {"10.1.2.3", false}, {"172.16.0.1", false},
		{"192.168.1.1", false}, {"169.254.169.254", false}, {"100.64.0.1", false}, {"::1", false}, {"fe80::1", false},
		{"fd00::1", false}, {"::ffff:192.168.0.1", false}, {"0.0.0.0", false}} {
		if got := publicAddr(netip.MustParseAddr(c.addr)); got != c.public {
			t.Errorf("publicAddr(%s) = %v", c.addr, got)
		}
	}
}
