package exporter

import (
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"mime"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/render"
)

const htmlHead = `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tsuzuri</title>
<style>
body { font-family: system-ui, -apple-system, "Hiragino Sans", "Hiragino Kaku Gothic ProN", "Yu Gothic UI", Meiryo, "Noto Sans CJK JP", sans-serif;
  line-height: 1.8; color: #24292f; max-width: 46em; margin: 2em auto; padding: 0 1em; }
article { border-bottom: 1px solid #ddd; padding: 1.5em 0; break-inside: avoid-page; }
h1.entry { font-size: 1.4em; margin: 0; }
.meta { color: #5f6770; font-size: 0.9em; }
.tag { background: #dce6ea; border-radius: 9px; padding: 0 6px; margin-right: 4px; }
img { max-width: 100%; }
pre { background: #f1efe9; padding: 8px; overflow-x: auto; }
@media print { body { max-width: none; } }
</style>
</head>
<body>
`

var attachmentSrcAttr = regexp.MustCompile(`src="/attachments/([0-9a-f]{64}\.[a-z]+)"`)

// writeHTML writes one self-contained page: sanitised bodies, styles inline,
// attached images inlined as data URIs, so it opens anywhere and prints.
func writeHTML(ctx context.Context, w io.Writer, each Each, opts Options) (int, error) {
	if _, err := io.WriteString(w, htmlHead); err != nil {
		return 0, err
	}
	n := 0
	err := each(ctx, func(e diary.Entry) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		n++
		var tags strings.Builder
		for _, t := range e.Tags {
			fmt.Fprintf(&tags, `<span class="tag">%s</span>`, html.EscapeString(t))
		}
		body := attachmentSrcAttr.ReplaceAllStringFunc(render.Markdown(e.Body), func(m string) string {
			return inlineImage(opts.AttachmentsDir, attachmentSrcAttr.FindStringSubmatch(m)[1], m)
		})
		_, err := fmt.Fprintf(w, "<article>\n<h1 class=\"entry\">%s</h1>\n<p class=\"meta\">%s %s</p>\n%s</article>\n",
			html.EscapeString(e.Title), html.EscapeString(e.Date), tags.String(), body)
		return err
	})
	if err == nil {
		_, err = io.WriteString(w, "</body>\n</html>\n")
	}
	return n, err
}

func inlineImage(dir, file, fallback string) string {
	if dir == "" {
		return fallback
	}
	data, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return fallback
	}
	kind := mime.TypeByExtension(filepath.Ext(file))
	if kind == "" || strings.Contains(kind, "svg") {
		return fallback // SVG stays a link: inlined it could carry script
	}
	return `src="data:` + kind + `;base64,` + base64.StdEncoding.EncodeToString(data) + `"`
}
