// Package server is the end-to-end bridge's HTTP side: the built UI, the
// bound desktop structs called by reflection, and Go→JS events as
// server-sent events. It is a test harness and never ships in the app.
package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/tsuzuri/tsuzuri/app/desktop"
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
	quits   int        // times the UI or the app asked to quit

	noBrowser  bool // OpenURL fails, as on a desktop without a browser
	canaryHits []string
}

// Canary is bound beside the app's structs in the bridge only (never in the
// app): the XSS corpus's payloads call window.go.desktop.Canary.Hit(), so a
// payload that ran leaves a trace the tests read at GET /__test/canary.
// Every request to it is counted before its arguments are looked at, so a
// payload calling it wrongly still shows.
type Canary struct{}

// Hit is the method payloads call; ServeHTTP has counted the call.
func (Canary) Hit() {}

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
	case p == "/__bridge/events":
		s.events(w, r)
	case p == "/__bridge/client.js":
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte(clientJS))
	case strings.HasPrefix(p, "/__bridge/"):
		if strings.HasPrefix(p, "/__bridge/Canary/") {
			body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<10))
			s.mu.Lock()
			s.canaryHits = append(s.canaryHits, p+" "+string(body))
			s.mu.Unlock()
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		s.call(w, r, strings.TrimPrefix(p, "/__bridge/"))
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
	case p == "/__test/open-url":
		// runtime.BrowserOpenURL: in the app the system browser opens it.
		var url string
		if err := json.NewDecoder(r.Body).Decode(&url); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.OpenURL(url)
	case p == "/__test/canary":
		s.mu.Lock()
		json.NewEncoder(w).Encode(append([]string{}, s.canaryHits...))
		s.mu.Unlock()
	case p == "/__test/browser-fails":
		var fails bool
		if err := json.NewDecoder(r.Body).Decode(&fails); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.noBrowser = fails
		s.mu.Unlock()
	case p == "/__test/quit":
		s.mu.Lock()
		if r.Method == http.MethodPost {
			s.quits++
		}
		json.NewEncoder(w).Encode(s.quits)
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

// call runs POST /__bridge/<Struct>/<Method> with a JSON array of
// arguments. Like Wails, the number of arguments must match, and an error
// result is sent as the error's text — here the body of a 422, already the
// UI's {code,message} JSON.
func (s *Server) call(w http.ResponseWriter, r *http.Request, name string) {
	if r.Method != http.MethodPost {
		http.Error(w, `{"code":"invalid","message":"use POST"}`, http.StatusMethodNotAllowed)
		return
	}
	m, ok := s.methods[strings.Replace(name, "/", ".", 1)]
	if !ok {
		writeError(w, http.StatusNotFound, "not_found", "no bound method "+name)
		return
	}
	var raw []json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&raw); err != nil && err != io.EOF {
		writeError(w, http.StatusBadRequest, "invalid", "the body must be a JSON array of arguments: "+err.Error())
		return
	}
	if len(raw) != m.Type().NumIn() {
		writeError(w, http.StatusBadRequest, "invalid", fmt.Sprintf("%s takes %d arguments, not %d", name, m.Type().NumIn(), len(raw)))
		return
	}
	args := make([]reflect.Value, len(raw))
	for i, a := range raw {
		p := reflect.New(m.Type().In(i))
		if err := json.Unmarshal(a, p.Interface()); err != nil {
			writeError(w, http.StatusBadRequest, "invalid", fmt.Sprintf("argument %d of %s: %v", i+1, name, err))
			return
		}
		args[i] = p.Elem()
	}
	var result any
	for _, v := range m.Call(args) {
		if v.Type() == reflect.TypeFor[error]() {
			if !v.IsNil() {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnprocessableEntity)
				io.WriteString(w, v.Interface().(error).Error())
				return
			}
			continue
		}
		result = v.Interface()
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(result)
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"code": code, "message": message})
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

func (s *Server) OpenFiles(string, bool, []desktop.FileFilter) ([]string, error) {
	return s.nextPick(), nil
}

func (s *Server) SaveFile(string, string) (string, error) { return first(s.nextPick()), nil }

func (s *Server) ChooseFolder(string) (string, error) { return first(s.nextPick()), nil }

func (s *Server) OpenURL(url string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.noBrowser {
		return errors.New("exec: \"xdg-open\": executable file not found in $PATH")
	}
	s.opened = append(s.opened, url)
	return nil
}

// ShowFolder is recorded with the links: GET /__test/opened lists both.
func (s *Server) ShowFolder(dir string) error { return s.OpenURL(dir) }

// Quit is counted, not obeyed: the test runner ends the bridge.
func (s *Server) Quit() {
	s.mu.Lock()
	s.quits++
	s.mu.Unlock()
}

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
