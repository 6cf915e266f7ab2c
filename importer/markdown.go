package importer

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"gopkg.in/yaml.v3"

	"github.com/tsuzuri/tsuzuri/diary"
)

// markdownSource reads a folder of Markdown notes (an Obsidian vault,
// Jekyll or Hugo posts, a blogsync checkout) or one Markdown file.
type markdownSource struct {
	root     string
	files    []string
	next     int
	blogsync bool
	byName   map[string]string // file name → path, for Obsidian's ![[name]]
}

func openMarkdown(ctx context.Context, path string, blogsync bool) (Source, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, diary.Errorf(diary.EInvalid, "It cannot be read: %v.", unwrapPathError(err))
	}
	s := &markdownSource{root: path, blogsync: blogsync, byName: map[string]string{}}
	if !info.IsDir() {
		s.root = filepath.Dir(path)
		s.files = []string{path}
		return s, nil
	}
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != path && (strings.HasPrefix(name, ".") || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		switch strings.ToLower(filepath.Ext(name)) {
		case ".md", ".markdown":
			s.files = append(s.files, p)
		default:
			if _, seen := s.byName[name]; !seen {
				s.byName[name] = p
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", path, err)
	}
	sort.Strings(s.files)
	if len(s.files) == 0 {
		return nil, diary.Errorf(diary.EInvalid, "%s holds no Markdown (.md) files.", path)
	}
	return s, nil
}

func looksLikeBlogsync(dir string) bool {
	found := false
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || found {
			return filepath.SkipAll
		}
		if d.IsDir() || !strings.EqualFold(filepath.Ext(p), ".md") {
			return nil
		}
		head := make([]byte, 2048)
		if f, err := os.Open(p); err == nil {
			n, _ := io.ReadFull(f, head)
			f.Close()
			found = bytes.Contains(head[:n], []byte("\nEditURL:"))
		}
		return filepath.SkipAll
	})
	return found
}

func (s *markdownSource) Close() error { return nil }

func (s *markdownSource) Next(ctx context.Context) (Record, error) {
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	if s.next >= len(s.files) {
		return Record{}, io.EOF
	}
	path := s.files[s.next]
	s.next++
	rec, err := s.read(path)
	if err != nil {
		return Record{}, problem(path, 0, "%v", err)
	}
	return rec, nil
}

func (s *markdownSource) read(path string) (Record, error) {
	info, err := os.Stat(path)
	if err != nil {
		return Record{}, fmt.Errorf("cannot be read: %v", unwrapPathError(err))
	}
	if info.Size() > maxEntryBytes {
		return Record{}, fmt.Errorf("the file is larger than %d MB", maxEntryBytes>>20)
	}
	f, err := os.Open(path)
	if err != nil {
		return Record{}, fmt.Errorf("cannot be read: %v", unwrapPathError(err))
	}
	raw, err := io.ReadAll(decodingReader(f))
	f.Close()
	if err != nil {
		return Record{}, fmt.Errorf("cannot be read: %v", err)
	}
	raw = bytes.TrimPrefix(raw, utf8BOM)
	if !utf8.Valid(raw) {
		return Record{}, fmt.Errorf("the file is neither UTF-8 nor Shift_JIS text")
	}
	text := strings.ReplaceAll(string(raw), "\r\n", "\n")
	rec := Record{File: path, Line: 1}
	meta, body, err := frontMatter(text)
	if err != nil {
		rec.warn("%v; the whole file was kept as the body", err)
		body = text
	}
	rel, _ := filepath.Rel(s.root, path)
	rel = filepath.ToSlash(rel)
	e := diary.Entry{Source: "markdown", SourceKey: rel, Tags: []string{}}
	if s.blogsync {
		e.Source = "blogsync"
		if u := meta.str("URL"); u != "" {
			e.SourceKey, e.SourceURL = u, u
		}
	}
	e.Title = firstNonEmpty(meta.str("title", "Title"), "")
	if e.Title == "" {
		e.Title, body = headingTitle(body, path)
	}
	date := s.date(&rec, meta, path, info.ModTime())
	e.Date = date.Format(diary.DateLayout)
	e.CreatedAt = date
	e.Tags = append(e.Tags, meta.list("tags", "Tags", "categories", "Category", "category")...)
	if meta.boolean("draft", "Draft") {
		e.Tags = append(e.Tags, DraftTag)
	}
	body, attachments := s.localImages(body, filepath.Dir(path))
	e.Body = strings.TrimSpace(body)
	rec.Entry, rec.Attachments = e, attachments
	return rec, nil
}

var datedName = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})`)

// date is the front matter's date, else the YYYY-MM-DD a file name starts
// with, else when the file was last changed. A front matter date that
// cannot be read is warned about and skipped.
func (s *markdownSource) date(rec *Record, meta meta, path string, mtime time.Time) time.Time {
	if v, ok := meta.value("date", "Date"); ok {
		switch d := v.(type) {
		case time.Time:
			return d
		case string:
			t, err := parseTime(d)
			if err == nil && !t.IsZero() {
				return t
			}
			if err != nil {
				rec.warn("front matter date: %v; the date was taken from the file instead", err)
			}
		default:
			rec.warn("front matter date: %v is not a date; the date was taken from the file instead", d)
		}
	}
	if m := datedName.FindString(filepath.Base(path)); m != "" {
		if t, err := time.ParseInLocation(diary.DateLayout, m, time.Local); err == nil {
			return t
		}
	}
	return mtime
}

func headingTitle(body, path string) (string, string) {
	trimmed := strings.TrimLeft(body, "\n")
	if strings.HasPrefix(trimmed, "# ") {
		line, rest, _ := strings.Cut(trimmed, "\n")
		return strings.TrimSpace(line[2:]), rest
	}
	return strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)), body
}

var (
	mdImage       = regexp.MustCompile(`!\[([^\]]*)\]\(([^)\s]+)(\s+"[^"]*")?\)`)
	obsidianImage = regexp.MustCompile(`!\[\[([^\]|]+)(\|[^\]]*)?\]\]`)
)

// localImages finds images the note links to on disk (remote ones are
// never fetched) and rewrites Obsidian's ![[name]] as Markdown.
func (s *markdownSource) localImages(body, dir string) (string, []Attachment) {
	body = obsidianImage.ReplaceAllStringFunc(body, func(m string) string {
		name := obsidianImage.FindStringSubmatch(m)[1]
		if p, ok := s.byName[filepath.Base(name)]; ok {
			rel, err := filepath.Rel(dir, p)
			if err == nil {
				return "![](" + filepath.ToSlash(rel) + ")"
			}
		}
		return m
	})
	var out []Attachment
	seen := map[string]bool{}
	for _, m := range mdImage.FindAllStringSubmatch(body, -1) {
		target := m[2]
		if seen[target] || strings.Contains(target, "://") || strings.HasPrefix(target, "data:") || strings.HasPrefix(target, "attachments/") {
			continue
		}
		seen[target] = true
		p := filepath.Clean(filepath.Join(dir, filepath.FromSlash(target)))
		if rel, err := filepath.Rel(s.root, p); err != nil || strings.HasPrefix(rel, "..") {
			continue // outside the folder being imported: left as written
		}
		if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() {
			out = append(out, Attachment{Path: p, Ref: target})
		}
	}
	return body, out
}

// meta is parsed front matter.
type meta map[string]any

// frontMatter splits YAML (---) or TOML (+++) front matter from the body.
func frontMatter(text string) (meta, string, error) {
	for _, fence := range []string{"---", "+++"} {
		if !strings.HasPrefix(text, fence+"\n") {
			continue
		}
		rest := text[len(fence)+1:]
		end := strings.Index(rest, "\n"+fence)
		if end < 0 {
			if strings.HasPrefix(rest, fence) {
				end = -1
			} else {
				return nil, "", fmt.Errorf("the front matter that starts on line 1 is never closed with %s", fence)
			}
		}
		head, body := "", rest
		if end >= 0 {
			head = rest[:end]
			body = rest[end+1+len(fence):]
		} else {
			body = rest[len(fence):]
		}
		body = strings.TrimPrefix(body, "\n")
		m := meta{}
		var err error
		if fence == "---" {
			err = yaml.Unmarshal([]byte(head), &m)
		} else {
			_, err = toml.Decode(head, &m)
		}
		if err != nil {
			return nil, "", fmt.Errorf("the front matter is not valid %s: %v", map[string]string{"---": "YAML", "+++": "TOML"}[fence], err)
		}
		return m, body, nil
	}
	return meta{}, text, nil
}

func (m meta) value(keys ...string) (any, bool) {
	for _, k := range keys {
		if v, ok := m[k]; ok && v != nil {
			return v, true
		}
	}
	return nil, false
}

func (m meta) str(keys ...string) string {
	v, _ := m.value(keys...)
	switch s := v.(type) {
	case string:
		return strings.TrimSpace(s)
	case nil:
		return ""
	default:
		return strings.TrimSpace(fmt.Sprint(s))
	}
}

func (m meta) boolean(keys ...string) bool {
	v, _ := m.value(keys...)
	b, _ := v.(bool)
	return b
}

// list reads tags written as a list or as one comma- or space-separated string.
func (m meta) list(keys ...string) []string {
	var out []string
	for _, k := range keys {
		switch v := m[k].(type) {
		case []any:
			for _, x := range v {
				out = append(out, strings.TrimSpace(fmt.Sprint(x)))
			}
		case string:
			out = append(out, strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '、' })...)
		}
	}
	return out
}
