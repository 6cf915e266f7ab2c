// Package render turns diary Markdown into HTML that is safe to put in the
// webview. The webview can call into Go, so script in a note — imported from
// a blog, pasted from a page — would be a way into the user's files: every
// piece of HTML leaves here through one sanitising policy.
package render

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	htmltomarkdown "github.com/JohannesKaufmann/html-to-markdown/v2"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	xhtml "golang.org/x/net/html"
)

var (
	markdown = goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		// Raw HTML in notes (common in imported blog posts) is passed on
		// to the sanitiser rather than dropped, so it keeps its formatting.
		goldmark.WithRendererOptions(html.WithUnsafe(), html.WithHardWraps()),
	)
	policy = newPolicy()
)

func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	// Inline raster images only: bluemonday's AllowDataURIImages also lets
	// SVG through, which is script-capable when opened on its own.
	p.AllowURLSchemeWithCustomPolicy("data", func(u *url.URL) bool {
		return inlineRaster.MatchString(u.Opaque)
	})
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[\w+-]+$`)).OnElements("code")
	// Task-list checkboxes only: no text fields or submit buttons.
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").OnElements("input")
	p.RequireNoReferrerOnLinks(true)
	p.RequireNoFollowOnLinks(true)
	return p
}

var inlineRaster = regexp.MustCompile(`^image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+={0,2}$`)

// attachmentSrc finds links to the data folder's attachments, which the app
// serves from /attachments/.
var attachmentSrc = regexp.MustCompile(`(src|href)="attachments/`)

// Markdown renders CommonMark with GitHub extensions (tables, task lists,
// strikethrough, autolinks) to sanitised HTML.
func Markdown(md string) string {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(strings.ToValidUTF8(md, "\uFFFD")), &buf); err != nil {
		// goldmark fails only on writer errors; show the text rather than nothing.
		return "<pre>" + xhtml.EscapeString(md) + "</pre>"
	}
	out := attachmentSrc.ReplaceAllString(buf.String(), `$1="/attachments/`)
	return holdRemoteImages(policy.Sanitize(out))
}

// RemoteImageClass marks the placeholder that stands for an image on
// another server. Reading a note never contacts a server: the webview's
// Content-Security-Policy allows images from the app and data: URLs only,
// and a remote image is shown as this placeholder until the user copies it
// into the data folder (app.Service.LoadRemoteImages).
const RemoteImageClass = "remote-image"

// IsRemote reports whether a link target leaves the machine when fetched:
// an absolute http(s) URL or a scheme-relative one ("//host/…").
func IsRemote(link string) bool {
	l := strings.ToLower(strings.TrimSpace(link))
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "//")
}

// holdRemoteImages replaces every remote <img> of sanitised HTML with a
// placeholder carrying the alt text and, as its title, the address.
func holdRemoteImages(sanitised string) string {
	if !strings.Contains(sanitised, "<img") {
		return sanitised
	}
	z := xhtml.NewTokenizer(strings.NewReader(sanitised))
	var b strings.Builder
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return b.String()
		}
		raw := z.Raw()
		if tt != xhtml.StartTagToken && tt != xhtml.SelfClosingTagToken {
			b.Write(raw)
			continue
		}
		tok := z.Token()
		if tok.Data != "img" {
			b.Write(raw)
			continue
		}
		var src, alt string
		for _, a := range tok.Attr {
			switch a.Key {
			case "src":
				src = a.Val
			case "alt":
				alt = a.Val
			}
		}
		if !IsRemote(src) {
			b.Write(raw)
			continue
		}
		// Without alt text, the server's name says what the image would be.
		label := alt
		if label == "" {
			if u, err := url.Parse(src); err == nil {
				label = u.Host
			}
		}
		fmt.Fprintf(&b, `<span class="%s" role="img" title="%s" aria-label="%s">%s</span>`,
			RemoteImageClass, xhtml.EscapeString(src), xhtml.EscapeString(label), xhtml.EscapeString(label))
	}
}

// RemoteImageSources lists the distinct remote image addresses of a note
// as its Markdown writes them (Markdown images, reference definitions and
// raw <img> tags), in order: what copying the note's images would fetch.
func RemoteImageSources(md string) []string {
	src := []byte(strings.ToValidUTF8(md, "\uFFFD"))
	doc := markdown.Parser().Parse(text.NewReader(src))
	var urls []string
	seen := map[string]bool{}
	add := func(u string) {
		if IsRemote(u) && !seen[u] {
			seen[u] = true
			urls = append(urls, u)
		}
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Image:
			add(string(n.Destination))
		case *ast.RawHTML:
			var b strings.Builder
			for i := range n.Segments.Len() {
				seg := n.Segments.At(i)
				b.Write(seg.Value(src))
			}
			for _, u := range imgSources(b.String()) {
				add(u)
			}
		case *ast.HTMLBlock:
			var b strings.Builder
			for i := range n.Lines().Len() {
				seg := n.Lines().At(i)
				b.Write(seg.Value(src))
			}
			for _, u := range imgSources(b.String()) {
				add(u)
			}
		}
		return ast.WalkContinue, nil
	})
	return urls
}

func imgSources(fragment string) []string {
	z := xhtml.NewTokenizer(strings.NewReader(fragment))
	var urls []string
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return urls
		}
		if tt != xhtml.StartTagToken && tt != xhtml.SelfClosingTagToken {
			continue
		}
		if tok := z.Token(); tok.Data == "img" {
			for _, a := range tok.Attr {
				if a.Key == "src" {
					urls = append(urls, strings.TrimSpace(a.Val))
				}
			}
		}
	}
}

// ReplaceImageSource points the images of md that show from at to
// instead: Markdown image targets (not links to the same address), reference definitions and <img src>
// attributes, written plainly or HTML-escaped. ok is false when md writes
// from in no form it can rewrite.
func ReplaceImageSource(md, from, to string) (out string, ok bool) {
	variants := []string{regexp.QuoteMeta(from)}
	if esc := xhtml.EscapeString(from); esc != from {
		variants = append(variants, regexp.QuoteMeta(esc))
	}
	re := regexp.MustCompile(`(!\[[^\]]*\]\(\s*<?|(?m:^ {0,3}\[[^\]]+\]:[ \t]*<?)|\bsrc\s*=\s*["']?)(?:` + strings.Join(variants, "|") + `)([)\s>"']|$)`)
	out = re.ReplaceAllStringFunc(md, func(m string) string {
		g := re.FindStringSubmatch(m)
		return g[1] + to + g[2]
	})
	return out, out != md
}

// hatenaImage is Hatena's photo notation, [f:id:USER:YYYYMMDDhhmmssX:plain],
// which only Hatena can resolve: it becomes a link to the photo's page.
var (
	hatenaImage = regexp.MustCompile(`\[f:id:([A-Za-z0-9_-]+):(\d{14})([a-z]?)(?::[a-z]+)*\]`)
	hatenaEmbed = regexp.MustCompile(`\[(https?://[^\]\s]+?)(?::(?:embed|title|detail|image)(?::[^\]]*)?)\]`)
)

// HTMLToMarkdown converts an HTML body (a Hatena Blog post) to Markdown the
// editor can show. Hatena's own notations, which are not HTML, become plain
// links instead of being lost.
func HTMLToMarkdown(src string) (string, error) {
	src = strings.ToValidUTF8(src, "\uFFFD")
	md, err := htmltomarkdown.ConvertString(src)
	if err != nil {
		return "", err
	}
	md = hatenaImage.ReplaceAllString(md, "[写真 $2](https://f.hatena.ne.jp/$1/$2)")
	md = hatenaEmbed.ReplaceAllString(md, "<$1>")
	return strings.TrimSpace(md), nil
}

// PlainText returns the visible text of an HTML fragment.
func PlainText(src string) string {
	z := xhtml.NewTokenizer(strings.NewReader(src))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case xhtml.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case xhtml.StartTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				skip++
			case "br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6":
				b.WriteByte(' ')
			}
		case xhtml.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				skip = max(skip-1, 0)
			case "p", "div", "li", "td":
				b.WriteByte(' ')
			}
		}
	}
}
