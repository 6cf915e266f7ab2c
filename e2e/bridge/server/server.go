// Package server is the end-to-end bridge's HTTP side: the built UI, the
// bound desktop structs called by reflection, and Go→JS events as
// server-sent events. It is a test harness and never ships in the app.
package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/tsuzuri/tsuzuri/attach"
)

// Server implements desktop.Emitter and desktop.Shell for tests.
type Server struct {
	dist    string
	data    string
	methods map[string]reflect.Value // "Struct.Method"

	mu      sync.Mutex
	clients map[chan []byte]bool
	picks   [][]string // answers for the next native dialogs
	opened  []string   // URLs the app asked the browser to open
}

// New serves the UI in dist and attachments of the data folder data.
func New(dist, data string) *Server {
	return &Server{dist: dist, data: data, methods: map[string]reflect.Value{}, clients: map[chan []byte]bool{}}
}

// Bind exposes the exported methods of each struct pointer.
func (s *Server) Bind(structs []any) {
	for _, st := range structs {
		v := reflect.ValueOf(st)
		name := v.Elem().Type().Name()
		for i := range v.NumMethod() {
			s.methods[name+"."+v.Type().Method(i).Name] = v.Method(i)
		}
	}
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch p := r.URL.Path; {
	case strings.HasPrefix(p, "/__bridge/call/"):
		s.call(w, r, strings.TrimPrefix(p, "/__bridge/call/"))
	case p == "/__bridge/events":
		s.events(w, r)
	case p == "/__bridge/client.js":
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte(clientJS))
	case p == "/__test/next-pick":
		var paths []string
		if err := json.NewDecoder(r.Body).Decode(&paths); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.picks = append(s.picks, paths)
		s.mu.Unlock()
	case p == "/__test/opened":
		s.mu.Lock()
		json.NewEncoder(w).Encode(s.opened)
		s.mu.Unlock()
	case strings.HasPrefix(p, "/attachments/"):
		f, err := attach.Store{Dir: filepath.Join(s.data, "attachments")}.Open(strings.TrimPrefix(p, "/attachments/"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		http.ServeContent(w, r, p, fileTime(f), f)
	case p == "/" || p == "/index.html":
		s.index(w)
	default:
		http.FileServer(http.Dir(s.dist)).ServeHTTP(w, r)
	}
}

// index serves the UI with the bridge client loaded before the app.
func (s *Server) index(w http.ResponseWriter) {
	html, err := os.ReadFile(filepath.Join(s.dist, "index.html"))
	if err != nil {
		http.Error(w, "build the frontend first (npm run build): "+err.Error(), http.StatusInternalServerError)
		return
	}
	html = bytes.Replace(html, []byte("<head>"), []byte(`<head><script src="/__bridge/client.js"></script>`), 1)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(html)
}

func (s *Server) call(w http.ResponseWriter, r *http.Request, name string) {
	m, ok := s.methods[strings.Replace(name, "/", ".", 1)]
	if !ok {
		http.Error(w, `{"code":"internal","message":"no such method `+name+`"}`, http.StatusNotFound)
		return
	}
	var raw []json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&raw); err != nil || len(raw) != m.Type().NumIn() {
		http.Error(w, fmt.Sprintf(`{"code":"invalid","message":"%s takes %d arguments"}`, name, m.Type().NumIn()), http.StatusBadRequest)
		return
	}
	args := make([]reflect.Value, len(raw))
	for i, a := range raw {
		p := reflect.New(m.Type().In(i))
		if err := json.Unmarshal(a, p.Interface()); err != nil {
			http.Error(w, fmt.Sprintf(`{"code":"invalid","message":"argument %d: %s"}`, i, strings.ReplaceAll(err.Error(), `"`, `'`)), http.StatusBadRequest)
			return
		}
		args[i] = p.Elem()
	}
	out := m.Call(args)
	var result any
	for _, v := range out {
		if v.Type() == reflect.TypeFor[error]() {
			if !v.IsNil() {
				http.Error(w, v.Interface().(error).Error(), http.StatusUnprocessableEntity)
				return
			}
			continue
		}
		result = v.Interface()
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(result)
}

func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	ch := make(chan []byte, 64)
	s.mu.Lock()
	s.clients[ch] = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.clients, ch)
		s.mu.Unlock()
	}()
	fmt.Fprint(w, ": connected\n\n")
	flusher.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case msg := <-ch:
			fmt.Fprintf(w, "data: %s\n\n", msg)
			flusher.Flush()
		}
	}
}

// Emit sends an event to every connected page.
func (s *Server) Emit(name string, data any) {
	msg, err := json.Marshal(map[string]any{"name": name, "data": data})
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for ch := range s.clients {
		select {
		case ch <- msg:
		default: // a stalled page misses events rather than stalling the app
		}
	}
}

func (s *Server) nextPick() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.picks) == 0 {
		return nil
	}
	p := s.picks[0]
	s.picks = s.picks[1:]
	return p
}

func (s *Server) OpenFiles(string, bool) ([]string, error) { return s.nextPick(), nil }

func (s *Server) SaveFile(string, string) (string, error) { return first(s.nextPick()), nil }

func (s *Server) ChooseFolder(string) (string, error) { return first(s.nextPick()), nil }

func (s *Server) OpenURL(url string) {
	s.mu.Lock()
	s.opened = append(s.opened, url)
	s.mu.Unlock()
}

// Quit does nothing: the test runner ends the bridge.
func (s *Server) Quit() {}

func first(p []string) string {
	if len(p) == 0 {
		return ""
	}
	return p[0]
}

func fileTime(f *os.File) time.Time {
	if info, err := f.Stat(); err == nil {
		return info.ModTime()
	}
	return time.Time{}
}
