package render

import (
	"strings"
	"testing"
)

func TestMarkdownToPlain(t *testing.T) {
	for _, tt := range []struct{ name, md, want string }{
		{"link keeps its text", "資料は[登壇スライド](https://example.com/slides)にある", "資料は登壇スライドにある"},
		{"emphasis marks go", "**本番**の*障害*と~~旧~~ `kubectl` \\*星\\*", "本番の障害と旧 kubectl *星*"},
		{"heading and list markers go", "# 振り返り\n\n- 原因\n- 対策\n", "振り返り\n原因\n対策"},
		{"image shows its alt text", "![構成図](attachments/ab.png)", "構成図"},
		{"autolink shows the address", "<https://example.com/a>", "https://example.com/a"},
		{"quote", "> 引用した一文", "引用した一文"},
		{"code block keeps its code", "```go\nfmt.Println(\"hi\")\n```", "fmt.Println(\"hi\")"},
		{"raw HTML block keeps its text", "<div class=\"x\"><p>はてなの<b>本文</b></p></div>", "はてなの本文"},
		{"inline HTML tags go", "前<br>後", "前後"},
		{"table cells are spaced", "| a | b |\n|---|---|\n| c | d |", "a b\nc d"},
		{"entities are decoded", "AT&amp;T &lt;3", "AT&T <3"},
		{"soft line breaks stay", "一行目\n二行目", "一行目\n二行目"},
	} {
		if got := MarkdownToPlain(tt.md); got != tt.want {
			t.Errorf("%s: MarkdownToPlain(%q) = %q, want %q", tt.name, tt.md, got, tt.want)
		}
	}
}

func TestMarkdownToPlainBoundsItsInput(t *testing.T) {
	big := strings.Repeat("あ", plainLimit) // three bytes each: the cut falls inside a rune
	got := MarkdownToPlain(big)
	if !strings.HasPrefix(got, "あああ") || len(got) > plainLimit || !strings.HasSuffix(got, "あ") {
		t.Errorf("MarkdownToPlain of %d bytes gave %d bytes ending %q", len(big), len(got), got[len(got)-6:])
	}
}

func FuzzMarkdownToPlain(f *testing.F) {
	for _, s := range []string{"[a](b)", "**x**", "<div>y</div>", "| a |\n|---|", "```\nz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, md string) {
		out := MarkdownToPlain(md)
		if strings.Contains(out, "](") && !strings.Contains(md, "](") {
			t.Errorf("link syntax appeared from nowhere: %q -> %q", md, out)
		}
	})
}
