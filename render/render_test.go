package render

import (
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
)

// unsafe reports what in out could run script in the webview: elements
// that load or run code, event handler attributes, and script URLs.
func unsafe(out string) string {
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
		case "script", "iframe", "object", "embed", "style", "form", "frame", "base", "meta", "link", "svg", "math":
			return "element " + tok.Data
		}
		for _, a := range tok.Attr {
			v := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
			switch {
			case strings.HasPrefix(strings.ToLower(a.Key), "on"), a.Key == "style", a.Key == "srcdoc":
				return "attribute " + a.Key
			case (a.Key == "href" || a.Key == "src" || a.Key == "action") &&
				(strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") || strings.HasPrefix(v, "data:text")):
				return "URL " + a.Val
			}
		}
	}
}

var xss = []string{
	`<script>alert(1)</script>`,
	`<img src=x onerror=alert(1)>`,
	`[クリック](javascript:alert(1))`,
	`[x](JaVaScRiPt:alert(1))`,
	`[x](java&#x09;script:alert(1))`,
	`<svg onload=alert(1)>`,
	`<iframe src="https://example.com"></iframe>`,
	`<a href="javascript&colon;alert(1)">x</a>`,
	`<IMG SRC="jav&#x0A;ascript:alert('XSS');">`,
	`![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
	`<div style="background:url(javascript:alert(1))">x</div>`,
	`<a href="#" onclick="window.go.app.DeleteEverything()">押して</a>`,
	"```html\n<script>alert(1)</script>\n```",
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
}

func TestMarkdownNeverPassesScript(t *testing.T) {
	for _, in := range xss {
		if out := Markdown(in); unsafe(out) != "" {
			t.Errorf("Markdown(%q) = %q: %s", in, out, unsafe(out))
		}
	}
}

func TestMarkdownRendersWhatNotesUse(t *testing.T) {
	tests := []struct{ in, want string }{
		{"# 勉強会メモ", "<h1>勉強会メモ</h1>"},
		{"- [x] ポストモーテムを書く", `type="checkbox"`},
		{"| 指標 | 値 |\n|---|---|\n| SLA | 99.95% |", "<td>99.95%</td>"},
		{"```go\nfmt.Println()\n```", `<code class="language-go">`},
		{"![構成図](attachments/ab12.png)", `src="/attachments/ab12.png"`},
		{"[資料](https://example.com/slides)", `rel="nofollow noreferrer"`},
		{"~~古い手順~~", "<del>古い手順</del>"},
		{"![](data:image/png;base64,iVBORw0KGgo=)", `src="data:image/png;base64,iVBORw0KGgo="`},
		{"一行目\n二行目", "一行目<br>"},
	}
	for _, tt := range tests {
		if out := Markdown(tt.in); !strings.Contains(out, tt.want) {
			t.Errorf("Markdown(%q) = %q, want it to contain %q", tt.in, out, tt.want)
		}
	}
}

func TestHTMLToMarkdownKeepsHatenaNotations(t *testing.T) {
	in := `<p>登壇しました。</p><p>[f:id:tsuzuri-dev:20240301120000p:plain]</p><p>[https://example.com/slides:embed:cite]</p><ul><li>AWS Security Hub</li></ul>`
	md, err := HTMLToMarkdown(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"登壇しました。", "https://f.hatena.ne.jp/tsuzuri-dev/20240301120000", "<https://example.com/slides>", "- AWS Security Hub"} {
		if !strings.Contains(md, want) {
			t.Errorf("HTMLToMarkdown = %q, want %q in it", md, want)
		}
	}
}

func TestPlainText(t *testing.T) {
	got := PlainText(`<h1>題</h1><p>本文<b>強調</b></p><script>alert(1)</script><style>p{}</style>`)
	if got != "題 本文強調" {
		t.Errorf("PlainText = %q", got)
	}
}

func FuzzMarkdown(f *testing.F) {
	for _, s := range xss {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, md string) {
		if out := Markdown(md); unsafe(out) != "" {
			t.Fatalf("Markdown(%q) = %q: %s", md, out, unsafe(out))
		}
	})
}
