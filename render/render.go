// Package render turns diary Markdown into HTML that is safe to put in the
// webview. The webview can call into Go, so script in a note — imported from
// a blog, pasted from a page — would be a way into the user's files: every
// piece of HTML leaves here through one sanitising policy.
package render

import (
	"bytes"
	"regexp"
	"strings"

	htmltomarkdown "github.com/JohannesKaufmann/html-to-markdown/v2"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
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
	p.AllowDataURIImages()
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[\w+-]+$`)).OnElements("code")
	p.AllowAttrs("type", "checked", "disabled").OnElements("input")
	p.RequireNoReferrerOnLinks(true)
	p.RequireNoFollowOnLinks(true)
	return p
}

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
	return policy.Sanitize(out)
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
