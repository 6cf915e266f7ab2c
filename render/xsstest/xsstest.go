// Package xsstest holds what the tests of several packages share to prove
// that notes stay inert in the webview: the corpus of attack vectors in
// render/testdata/xss.txt and a judge of rendered HTML. Tests only.
package xsstest

import (
	"os"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
)

// Unsafe reports what in out could run script, navigate the app window or
// load something from the network: elements that load or run code, event
// handler and style attributes, and any URL attribute other than a
// relative link, an http(s) or mailto link, an attachment or an inline
// raster image. Remote images must have become placeholders.
func Unsafe(out string) string {
	z := xhtml.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return ""
		}
		if tt != xhtml.StartTagToken && tt != xhtml.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		switch tok.Data {
		case "script", "iframe", "object", "embed", "style", "form", "frame", "frameset", "base", "meta", "link",
			"svg", "math", "noscript", "template", "button", "video", "audio", "source", "picture", "animate", "set",
			"marquee", "body", "html", "head", "textarea", "select", "image", "foreignobject", "applet", "portal":
			return "element " + tok.Data
		}
		if tok.Data == "input" {
			checkbox := false
			for _, a := range tok.Attr {
				checkbox = checkbox || (a.Key == "type" && a.Val == "checkbox")
			}
			if !checkbox {
				return "element input that is not a task-list checkbox"
			}
		}
		for _, a := range tok.Attr {
			key := strings.ToLower(a.Key)
			switch {
			case strings.HasPrefix(key, "on"), key == "style", key == "srcdoc", key == "formaction", key == "action",
				key == "srcset", key == "background", key == "poster", key == "xmlns", strings.Contains(key, ":"):
				return "attribute " + a.Key
			case key == "href" || key == "src" || key == "cite" || key == "data":
				if why := badURL(tok.Data, key, a.Val); why != "" {
					return why
				}
			}
		}
	}
}

// badURL judges a URL the way a browser reads it: entities are already
// decoded by the tokenizer, and tabs, newlines and controls inside a
// scheme are ignored.
func badURL(element, attr, val string) string {
	v := strings.Map(func(r rune) rune {
		if r <= ' ' {
			return -1
		}
		return r
	}, strings.ToLower(val))
	scheme := ""
	if i := strings.IndexAny(v, ":/?#"); i >= 0 && v[i] == ':' {
		scheme = v[:i]
	}
	switch {
	case element == "img" && attr == "src":
		if scheme == "" && !strings.HasPrefix(v, "//") || strings.HasPrefix(v, "data:image/png;base64,") ||
			strings.HasPrefix(v, "data:image/jpeg;base64,") || strings.HasPrefix(v, "data:image/gif;base64,") ||
			strings.HasPrefix(v, "data:image/webp;base64,") {
			return ""
		}
		return "image source " + val
	case scheme == "" || scheme == "http" || scheme == "https" || scheme == "mailto":
		return ""
	}
	return attr + " URL " + val
}

// Vector is one entry of the corpus.
type Vector struct{ Name, Payload string }

// Corpus reads the vectors of path (render/testdata/xss.txt): each starts
// with a line "=== name".
func Corpus(t testing.TB, path string) []Vector {
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var vs []Vector
	for _, block := range strings.Split("\n"+string(raw), "\n=== ")[1:] {
		name, payload, _ := strings.Cut(block, "\n")
		vs = append(vs, Vector{name, strings.TrimSuffix(payload, "\n")})
	}
	if len(vs) < 50 {
		t.Fatalf("the corpus has %d vectors; it was not read right", len(vs))
	}
	return vs
}
