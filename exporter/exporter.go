// Package exporter writes a diary out in plain formats anyone can read
// without Tsuzuri: JSON Lines (lossless; the importer reads it back), a
// folder of Markdown files, a Movable Type file Hatena Blog imports, and one
// HTML page for reading and printing. An export is written beside its destination and
// moved into place at the end, so a failure never leaves half of one.
package exporter

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/tsuzuri/tsuzuri/diary"
)

// Each calls fn with every entry to export.
type Each func(ctx context.Context, fn func(diary.Entry) error) error

// Options tune an export.
type Options struct {
	// AttachmentsDir is the data folder's attachments, copied beside a
	// Markdown export so its image links keep working.
	AttachmentsDir string
	// Stdout receives a jsonl export to "-"; nil means os.Stdout.
	Stdout io.Writer
}

// Formats lists the formats Export writes.
func Formats() []string { return []string{"jsonl", "markdown", "hatena", "html"} }

// Export writes every entry each gives to dest and returns how many.
func Export(ctx context.Context, format, dest string, each Each, opts Options) (int, error) {
	if dest == "" {
		return 0, diary.Errorf(diary.EInvalid, "Choose where to export to.")
	}
	switch format {
	case "jsonl":
		if dest == "-" {
			out := opts.Stdout
			if out == nil {
				out = os.Stdout
			}
			w := bufio.NewWriter(out)
			n, err := writeJSONL(ctx, w, each)
			if ferr := w.Flush(); err == nil {
				err = ferr
			}
			return n, err
		}
		return exportFile(dest, func(w io.Writer) (int, error) { return writeJSONL(ctx, w, each) })
	case "markdown":
		return exportMarkdown(ctx, dest, each, opts)
	case "hatena":
		return exportFile(dest, func(w io.Writer) (int, error) { return writeHatena(ctx, w, each) })
	case "html":
		return exportFile(dest, func(w io.Writer) (int, error) { return writeHTML(ctx, w, each, opts) })
	}
	return 0, diary.Errorf(diary.EInvalid, "Unknown export format %q; choose one of %s.", format, strings.Join(Formats(), ", "))
}

// exportFile writes a one-file export through a temporary file.
func exportFile(dest string, write func(io.Writer) (int, error)) (int, error) {
	if info, err := os.Stat(dest); err == nil && info.IsDir() {
		return 0, diary.Errorf(diary.EInvalid, "%s is a folder; give a file name to export to.", dest)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".*.tmp")
	if err != nil {
		return 0, diary.Errorf(diary.EInvalid, "Cannot write to %s: %v", filepath.Dir(dest), unwrap(err))
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriterSize(tmp, 1<<20)
	n, err := write(w)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), dest)
	}
	if err != nil {
		return 0, fmt.Errorf("export to %s: %w", dest, err)
	}
	return n, nil
}

func unwrap(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// jsonlEntry is the exported line: what the jsonl importer reads.
type jsonlEntry struct {
	ID        string          `json:"id"`
	Title     string          `json:"title"`
	Date      string          `json:"date"`
	Tags      []string        `json:"tags"`
	Body      string          `json:"body"`
	Source    string          `json:"source,omitempty"`
	SourceKey string          `json:"sourceKey,omitempty"`
	SourceURL string          `json:"sourceUrl,omitempty"`
	HTML      string          `json:"originalHtml,omitempty"`
	Comments  []diary.Comment `json:"comments,omitempty"`
	CreatedAt string          `json:"createdAt"`
	UpdatedAt string          `json:"updatedAt"`
}

const timeLayout = "2006-01-02T15:04:05.000Z07:00"

func writeJSONL(ctx context.Context, w io.Writer, each Each) (int, error) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	n := 0
	err := each(ctx, func(e diary.Entry) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		n++
		return enc.Encode(jsonlEntry{
			ID: e.ID, Title: e.Title, Date: e.Date, Tags: e.Tags, Body: e.Body,
			Source: e.Source, SourceKey: e.SourceKey, SourceURL: e.SourceURL, HTML: e.OriginalHTML, Comments: e.Comments,
			CreatedAt: e.CreatedAt.Format(timeLayout), UpdatedAt: e.UpdatedAt.Format(timeLayout),
		})
	})
	return n, err
}

// exportMarkdown writes YYYY/MM/DD-slug.md files with YAML front matter.
func exportMarkdown(ctx context.Context, dest string, each Each, opts Options) (int, error) {
	if _, err := os.Stat(dest); err == nil {
		if entries, _ := os.ReadDir(dest); len(entries) > 0 {
			return 0, diary.Errorf(diary.EInvalid, "%s already exists and is not empty; choose a new folder.", dest)
		}
	}
	parent := filepath.Dir(filepath.Clean(dest))
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dest)+".*.tmp")
	if err != nil {
		return 0, diary.Errorf(diary.EInvalid, "Cannot write to %s: %v", parent, unwrap(err))
	}
	defer os.RemoveAll(tmp)
	used := map[string]bool{}
	linked := map[string]bool{}
	n := 0
	err = each(ctx, func(e diary.Entry) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		rel := markdownPath(e, used)
		full := filepath.Join(tmp, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		// Links are relative to the note, so they work from YYYY/MM/.
		body := attachmentLink.ReplaceAllStringFunc(e.Body, func(m string) string {
			linked[strings.TrimPrefix(m, "attachments/")] = true
			return "../../attachments/" + strings.TrimPrefix(m, "attachments/")
		})
		front, err := yaml.Marshal(map[string]any{"id": e.ID, "title": e.Title, "date": e.Date, "tags": e.Tags})
		if err != nil {
			return err
		}
		n++
		return os.WriteFile(full, []byte("---\n"+string(front)+"---\n\n"+body+"\n"), 0o644)
	})
	if err != nil {
		return 0, fmt.Errorf("export to %s: %w", dest, err)
	}
	if opts.AttachmentsDir != "" && len(linked) > 0 {
		if err := copyAttachments(opts.AttachmentsDir, filepath.Join(tmp, "attachments"), linked); err != nil {
			return 0, fmt.Errorf("export attachments: %w", err)
		}
	}
	os.Remove(dest) // an empty folder the user picked
	if err := os.Rename(tmp, dest); err != nil {
		return 0, fmt.Errorf("export to %s: %w", dest, err)
	}
	return n, nil
}

var (
	attachmentLink = regexp.MustCompile(`attachments/[0-9a-f]{64}\.[a-z]+`)
	dashes         = regexp.MustCompile(`-{2,}`)
	unsafeInName   = regexp.MustCompile(`[\\/:*?"<>|\x00-\x1f#%&{}$!'@+=` + "`" + `]+`)
)

// markdownPath names an entry's file, unique within the export and valid
// on Windows, macOS and Linux.
func markdownPath(e diary.Entry, used map[string]bool) string {
	slug := strings.TrimSpace(unsafeInName.ReplaceAllString(e.Title, "-"))
	slug = strings.Trim(dashes.ReplaceAllString(strings.Join(strings.Fields(slug), "-"), "-"), "-.")
	for len(slug) > 80 {
		_, size := utf8.DecodeLastRuneInString(slug)
		slug = slug[:len(slug)-size]
	}
	if slug == "" {
		slug = "entry"
	}
	y, m, d := e.Date[:4], e.Date[5:7], e.Date[8:10]
	base := fmt.Sprintf("%s/%s/%s-%s", y, m, d, slug)
	name := base + ".md"
	for i := 2; used[strings.ToLower(name)]; i++ {
		name = fmt.Sprintf("%s-%d.md", base, i)
	}
	used[strings.ToLower(name)] = true
	return name
}

func copyAttachments(from, to string, files map[string]bool) error {
	if err := os.MkdirAll(to, 0o755); err != nil {
		return err
	}
	for name := range files {
		src, err := os.Open(filepath.Join(from, name))
		if errors.Is(err, os.ErrNotExist) {
			continue // a dangling link stays dangling; the note is still exported
		}
		if err != nil {
			return err
		}
		dst, err := os.Create(filepath.Join(to, name))
		if err == nil {
			_, err = io.Copy(dst, src)
			if cerr := dst.Close(); err == nil {
				err = cerr
			}
		}
		src.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
