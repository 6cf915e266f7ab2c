package render

import (
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// plainLimit bounds how much of a note MarkdownToPlain reads: search
// snippets look only at the first MB (search.snippetScan) anyway.
const plainLimit = 1 << 20

// MarkdownToPlain returns the text a reader sees in a Markdown note, for
// search snippets: link and image text without their targets, no emphasis
// marks, headings or list markers, raw HTML reduced to its text. Blocks are
// separated by newlines. Matching and highlighting then run on this text,
// so their offsets are the plain text's own.
func MarkdownToPlain(md string) string {
	if len(md) > plainLimit {
		cut := plainLimit
		for cut > 0 && md[cut]&0xC0 == 0x80 {
			cut--
		}
		md = md[:cut]
	}
	src := []byte(strings.ToValidUTF8(md, "\uFFFD"))
	doc := markdown.Parser().Parse(text.NewReader(src))
	var b strings.Builder
	// The text is at most about the source's length: grown step by step,
	// the builder's copies were a tenth of what a search allocated, sized
	// once about half that.
	b.Grow(len(src))
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if n.Type() == ast.TypeBlock && n.Kind() != east.KindTableCell && b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
				b.WriteByte('\n')
			}
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			v := n.Segment.Value(src)
			if !n.IsRaw() {
				v = util.ResolveNumericReferences(util.ResolveEntityNames(util.UnescapePunctuations(v)))
			}
			b.Write(v)
			if n.HardLineBreak() || n.SoftLineBreak() {
				b.WriteByte('\n')
			}
		case *ast.String:
			b.Write(n.Value)
		case *ast.AutoLink:
			b.Write(n.Label(src))
		case *ast.CodeBlock, *ast.FencedCodeBlock:
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				b.Write(seg.Value(src))
			}
			return ast.WalkSkipChildren, nil
		case *ast.HTMLBlock:
			var raw strings.Builder
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				raw.Write(seg.Value(src))
			}
			if n.HasClosure() {
				raw.Write(n.ClosureLine.Value(src))
			}
			b.WriteString(PlainText(raw.String()))
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			// An inline tag (<br>, <span>) says nothing a reader sees.
			return ast.WalkSkipChildren, nil
		case *east.TableCell:
			if n.PreviousSibling() != nil {
				b.WriteByte(' ')
			}
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}
