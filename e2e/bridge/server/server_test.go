package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tsuzuri/tsuzuri/app"
	"github.com/tsuzuri/tsuzuri/app/desktop"
	"github.com/tsuzuri/tsuzuri/e2e/bridge/server"
)

// start runs the bridge over a new data folder and a one-page UI.
func start(t *testing.T) *httptest.Server {
	t.Helper()
	dist, data := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(dist, "index.html"), []byte(`<html><head><title>Tsuzuri</title></head><body></body></html>`), 0o644)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	prefs := desktop.LoadPrefs(filepath.Join(t.TempDir(), "settings.json"))
	if err := prefs.Update(func(v *desktop.PrefValues) { v.DataDir = data }); err != nil {
		t.Fatal(err)
	}
	srv := server.New(dist, data)
	backend := desktop.NewBackend(context.Background(), log, srv, srv, prefs, app.Open)
	if s := backend.Open(); !s.Ready {
		t.Fatalf("open data folder: %+v", s)
	}
	srv.Bind(backend.Bind())
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.Close()
		backend.Close()
	})
	return hs
}

// post calls a bound method and decodes its JSON answer into out.
func post(t *testing.T, hs *httptest.Server, path string, args []any, out any) int {
	t.Helper()
	body, _ := json.Marshal(args)
	res, err := http.Post(hs.URL+path, "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			t.Fatalf("%s: answer is not JSON: %v", path, err)
		}
	}
	return res.StatusCode
}

func TestCallsReachTheCoreAndErrorsKeepTheirCode(t *testing.T) {
	hs := start(t)
	var saved struct{ ID string }
	if st := post(t, hs, "/__bridge/Entries/Save", []any{map[string]any{"Title": "障害対応", "Body": "Kubernetes のノードが落ちた", "Date": "2024-05-01"}}, &saved); st != 200 || saved.ID == "" {
		t.Fatalf("Save: status %d, %+v", st, saved)
	}
	var found struct {
		Total int
		Hits  []struct{ ID string }
	}
	// A save while the start-up check holds the index is indexed as soon
	// as the check lets go (see Service.afterWrite): moments later, or some
	// seconds under the race detector beside the rest of the suite.
	st := 0
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		st = post(t, hs, "/__bridge/Finder/Search", []any{map[string]any{"Query": "kubernetes"}}, &found)
		if st != 200 || found.Total > 0 || time.Now().After(deadline) {
			break
		}
	}
	if st != 200 || found.Total != 1 || found.Hits[0].ID != saved.ID {
		t.Errorf("Search: status %d, %+v", st, found)
	}

	var e struct{ Code, Message string }
	if st := post(t, hs, "/__bridge/Entries/Get", []any{"missing"}, &e); st != http.StatusUnprocessableEntity || e.Code != "not_found" || e.Message == "" {
		t.Errorf("Get(missing): status %d, %+v", st, e)
	}
	if st := post(t, hs, "/__bridge/Entries/Get", []any{}, &e); st != http.StatusBadRequest || e.Code != "invalid" {
		t.Errorf("Get(): status %d, %+v", st, e)
	}
	if st := post(t, hs, "/__bridge/Entries/Nope", []any{}, &e); st != http.StatusNotFound {
		t.Errorf("unknown method: status %d, %+v", st, e)
	}
}

func TestPageGetsTheClientBeforeTheApp(t *testing.T) {
	hs := start(t)
	res, err := http.Get(hs.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	html, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(html), `<head><script src="/__bridge/client.js"></script>`) {
		t.Errorf("index.html does not load the bridge client first:\n%s", html)
	}
}

func TestImportPicksTheTestsFileAndReportsOverEvents(t *testing.T) {
	hs := start(t)
	events, err := http.Get(hs.URL + "/__bridge/events")
	if err != nil {
		t.Fatal(err)
	}
	defer events.Body.Close()
	lines := bufio.NewScanner(events.Body)
	lines.Scan() // ": connected": the page is subscribed from here on

	src := filepath.Join(t.TempDir(), "notes.jsonl")
	os.WriteFile(src, []byte(`{"id":"a","title":"勉強会","body":"Rust の所有権","date":"2024-01-02"}`+"\n"), 0o644)
	body, _ := json.Marshal([]string{src})
	http.Post(hs.URL+"/__test/next-pick", "application/json", strings.NewReader(string(body)))
	var picked []string
	post(t, hs, "/__bridge/Library/PickImportSource", []any{"jsonl", false}, &picked)
	if len(picked) != 1 || picked[0] != src {
		t.Fatalf("PickImportSource = %v, want the file the test set", picked)
	}
	var job string
	post(t, hs, "/__bridge/Library/StartImport", []any{map[string]any{"Format": "jsonl", "Paths": picked}}, &job)

	got := make(chan map[string]any)
	go func() {
		for lines.Scan() {
			data, ok := strings.CutPrefix(lines.Text(), "data: ")
			if !ok {
				continue
			}
			var ev struct {
				Name string
				Data map[string]any
			}
			json.Unmarshal([]byte(data), &ev)
			if ev.Name == "import:done" {
				got <- ev.Data
				return
			}
		}
	}()
	select {
	case done := <-got:
		if done["jobId"] != job || done["error"] != nil {
			t.Errorf("import:done = %v, want job %s without error", done, job)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no import:done event over SSE")
	}
}
