package desktop

import (
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/storage"
)

// The webview is the least trusted part of the app: should a script ever
// run in it, it could call any bound method with any argument. So every
// argument is checked here, and no bound method reads or writes a file
// outside the data folder unless the user picked that path in one of the
// app's own native dialogs: the dialogs' answers are remembered, and a
// path the webview sends is accepted only if it is one of them.

// pickKind is what the user picked a path for.
type pickKind int

const (
	pickedToRead pickKind = iota + 1
	pickedToWrite
	pickedForSync // a folder to sync through: read and written for as long as sync is on
)

// maxPicks bounds what is remembered; the dialogs' answers are used within
// moments of being given.
const maxPicks = 64

type pickedPaths struct {
	mu    sync.Mutex
	order []string
	kinds map[string]pickKind
}

// remember notes paths a native dialog returned.
func (p *pickedPaths) remember(kind pickKind, paths ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.kinds == nil {
		p.kinds = map[string]pickKind{}
	}
	for _, path := range paths {
		if path == "" {
			continue
		}
		if _, ok := p.kinds[path]; !ok {
			p.order = append(p.order, path)
		}
		p.kinds[path] = kind
	}
	for len(p.order) > maxPicks {
		delete(p.kinds, p.order[0])
		p.order = p.order[1:]
	}
}

// allowed reports whether the user picked path, as given, for kind.
func (p *pickedPaths) allowed(kind pickKind, path string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return path != "" && p.kinds[path] == kind
}

// checkPicked refuses a path the user did not pick in a native dialog.
func (b *Backend) checkPicked(kind pickKind, paths ...string) error {
	if len(paths) == 0 {
		return diary.Errorf(diary.EInvalid, "Choose a file or folder first.")
	}
	for _, p := range paths {
		if !b.picks.allowed(kind, p) {
			return diary.Errorf(diary.EInvalid, "%s was not chosen in a file dialog; choose it again.", shortArg(filepath.Base(p)))
		}
	}
	return nil
}

// checkID accepts what storage could have given out as an entry id.
func checkID(id string) error {
	if id == "" || len(id) > storage.MaxIDBytes || !utf8.ValidString(id) ||
		strings.ContainsFunc(id, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return diary.Errorf(diary.EInvalid, "%q is not an entry id.", shortArg(id))
	}
	return nil
}

// maxAllowedHosts bounds the hosts one "Load images" may be allowed: one
// note's images come from a handful.
const maxAllowedHosts = 32

// checkHosts accepts host names and addresses as a URL writes them (the
// window passes back hosts the core named), nothing with a path, port,
// space or user part.
func checkHosts(hosts []string) error {
	if len(hosts) > maxAllowedHosts {
		return diary.Errorf(diary.EInvalid, "%d hosts; at most %d may be allowed at once.", len(hosts), maxAllowedHosts)
	}
	for _, h := range hosts {
		ok := h != "" && len(h) <= 253 && !strings.ContainsFunc(h, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-:[]%", r))
		})
		if !ok {
			return diary.Errorf(diary.EInvalid, "%q is not a host name.", shortArg(h))
		}
	}
	return nil
}

// checkRevision accepts what storage numbers revisions with.
func checkRevision(n int) error {
	if n < 1 {
		return diary.Errorf(diary.EInvalid, "%d is not a revision number.", n)
	}
	return nil
}

// checkText bounds free text the webview sends and refuses invalid UTF-8
// and NUL, which no note or query contains.
func checkText(what, s string, maxBytes int) error {
	switch {
	case len(s) > maxBytes:
		return diary.Errorf(diary.EInvalid, "The %s is longer than %d bytes.", what, maxBytes)
	case !utf8.ValidString(s) || strings.ContainsRune(s, 0):
		return diary.Errorf(diary.EInvalid, "The %s contains invalid characters.", what)
	}
	return nil
}

// checkOneOf accepts only the listed values of an enumeration.
func checkOneOf(what, s string, allowed ...string) error {
	if !slices.Contains(allowed, s) {
		return diary.Errorf(diary.EInvalid, "%q is not a %s (%s).", shortArg(s), what, strings.Join(allowed, ", "))
	}
	return nil
}

// shortArg keeps a hostile argument from filling an error message.
func shortArg(s string) string {
	s = strings.ToValidUTF8(s, "?")
	if len(s) > 60 {
		i := 60
		for !utf8.RuneStart(s[i]) {
			i--
		}
		return s[:i] + "…"
	}
	return s
}

// firstError is the first of errs that is not nil.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
