package render

import (
	"strings"
	"testing"

	"github.com/tsuzuri/tsuzuri/render/xsstest"
)

func TestMarkdownNeverPassesScriptOrNetwork(t *testing.T) {
	for _, v := range xsstest.Corpus(t, "testdata/xss.txt") {
		t.Run(v.Name, func(t *testing.T) {
			// Alone, and inside the text around it, as notes have it.
			for _, in := range []string{v.Payload, "前の段落\n\n" + v.Payload + "\n\n後の段落", "- 箇条書き " + v.Payload} {
				if out := Markdown(in); xsstest.Unsafe(out) != "" {
					t.Errorf("Markdown(%q) = %q: %s", in, out, xsstest.Unsafe(out))
				}
			}
		})
	}
}

func TestUnsafeCatches(t *testing.T) {
	// The checker itself must see what it is there to see.
	for _, html := range []string{
		`<img src="https://evil.example/p.png">`, `<a href="java&#x09;script:x">`, `<a href=" vbscript:x">`,
		`<a href="file:///etc/passwd">`, `<p style="background:url(x)">`, `<details ontoggle="x">`,
		`<img src="data:image/svg+xml;base64,AAAA">`, `<embed src="x">`, `<svg>`, `<img src="//evil.example/p.png">`,
	} {
		if xsstest.Unsafe(html) == "" {
			t.Errorf("xsstest.Unsafe(%q) found nothing", html)
		}
	}
	for _, html := range []string{`<a href="https://example.com/">`, `<a href="mailto:a@example.com">`, `<img src="/attachments/ab.png">`, `<a href="#見出し">`} {
		if why := xsstest.Unsafe(html); why != "" {
			t.Errorf("xsstest.Unsafe(%q) = %s, want nothing", html, why)
		}
	}
}

func TestRemoteImagesBecomePlaceholders(t *testing.T) {
	tests := []struct{ in, want string }{
		{"![構成図](https://cdn.example/a.png)", `<span class="remote-image" role="img" title="https://cdn.example/a.png" aria-label="構成図">構成図</span>`},
		{`<img src="http://cdn.example/b.jpg?x=1&amp;y=2" alt="写真">`, `title="http://cdn.example/b.jpg?x=1&amp;y=2"`},
		{`<IMG SRC="HTTPS://cdn.example/c.gif">`, `aria-label="cdn.example">cdn.example</span>`},
		{"![](attachments/ab12.png)", `<img src="/attachments/ab12.png"`},
	}
	for _, tt := range tests {
		out := Markdown(tt.in)
		if !strings.Contains(out, tt.want) {
			t.Errorf("Markdown(%q) = %q, want %q in it", tt.in, out, tt.want)
		}
		if strings.Contains(out, `src="http`) || strings.Contains(out, `src="HTTP`) {
			t.Errorf("Markdown(%q) = %q still loads a remote image", tt.in, out)
		}
	}
}

func TestRemoteImageSourcesAndReplace(t *testing.T) {
	md := "# 勉強会\n\n![図](https://cdn.example/a.png)\n![図2](<https://cdn.example/a b.png>)\n" +
		"![参照][logo]\n\n[logo]: https://cdn.example/logo.svg\n\n" +
		`<p><img src="https://cdn.example/c.jpg?x=1&amp;y=2" alt="c"></p>` + "\n\n" +
		"本文 <img src='http://cdn.example/d.webp'> 途中\n\n" +
		"![ローカル](attachments/ab.png) [リンク](https://cdn.example/a.png?page=2) ![図](https://cdn.example/a.png)\n"
	got := RemoteImageSources(md)
	want := []string{"https://cdn.example/a.png", "https://cdn.example/a b.png", "https://cdn.example/logo.svg",
		"https://cdn.example/c.jpg?x=1&y=2", "http://cdn.example/d.webp"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("RemoteImageSources = %q, want %q", got, want)
	}
	out := md
	for i, u := range got {
		var ok bool
		if out, ok = ReplaceImageSource(out, u, "attachments/"+string(rune('0'+i))+".png"); !ok {
			t.Errorf("ReplaceImageSource(%q) found nothing to replace", u)
		}
	}
	if left := RemoteImageSources(out); len(left) != 0 {
		t.Errorf("after replacing, still remote: %q in\n%s", left, out)
	}
	if !strings.Contains(out, "[リンク](https://cdn.example/a.png?page=2)") {
		t.Errorf("a link that only starts with an image's address was changed:\n%s", out)
	}
	if strings.Contains(Markdown(out), "remote-image") {
		t.Errorf("rendered after replacing, a placeholder is left:\n%s", Markdown(out))
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
	for _, v := range xsstest.Corpus(f, "testdata/xss.txt") {
		f.Add(v.Payload)
	}
	f.Fuzz(func(t *testing.T, md string) {
		if out := Markdown(md); xsstest.Unsafe(out) != "" {
			t.Fatalf("Markdown(%q) = %q: %s", md, out, xsstest.Unsafe(out))
		}
	})
}
