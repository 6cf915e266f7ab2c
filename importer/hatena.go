package importer

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/render"
)

// The Movable Type export format, as Hatena Blog writes it: header lines
// "KEY: value", then sections ("BODY:", "COMMENT:" …) each closed by
// "-----", and "--------" after each entry.
const (
	sectionEnd = "-----"
	entryEnd   = "--------"
)

// DraftTag marks imported drafts, so they can be found (tag:draft) and
// told apart from published posts.
const DraftTag = "draft"

func isMTHeader(head []byte) bool {
	for _, line := range bytes.SplitN(head, []byte("\n"), 12) {
		line = bytes.TrimRight(line, "\r")
		for _, key := range []string{"AUTHOR: ", "TITLE: ", "BASENAME: ", "DATE: "} {
			if bytes.HasPrefix(line, []byte(key)) {
				return bytes.Contains(head, []byte("\n"+sectionEnd)) || bytes.Contains(head, []byte("\nBODY:"))
			}
		}
	}
	return false
}

type hatenaSource struct {
	f    *os.File
	r    *bufio.Reader
	file string
	line int
	eof  bool
}

func openHatena(path string) (Source, error) {
	f, err := openFile(path, "a Hatena Blog export")
	if err != nil {
		return nil, err
	}
	return &hatenaSource{f: f, r: bufio.NewReaderSize(decodingReader(f), 256<<10), file: path}, nil
}

func (s *hatenaSource) Close() error { return s.f.Close() }

// readLine returns the next line without its line ending; ok is false at
// the end of the file.
func (s *hatenaSource) readLine() (string, bool, error) {
	if s.eof {
		return "", false, nil
	}
	line, err := s.r.ReadString('\n')
	if err == io.EOF {
		s.eof = true
		if line == "" {
			return "", false, nil
		}
	} else if err != nil {
		return "", false, fmt.Errorf("read %s: %w", s.file, err)
	}
	s.line++
	if s.line == 1 {
		line = strings.TrimPrefix(line, "\ufeff")
	}
	return strings.TrimRight(line, "\r\n"), true, nil
}

// mtEntry collects one entry as it is read.
type mtEntry struct {
	start      int
	header     map[string]string
	categories []string
	sections   map[string]*strings.Builder
	comments   []diary.Comment
	size       int
	bad        string          // the first thing found wrong
	cutShort   string          // the file ended inside the entry, after its body began
	raw        strings.Builder // the entry's lines as written, for a rejects file
}

func (s *hatenaSource) Next(ctx context.Context) (Record, error) {
	for {
		if err := ctx.Err(); err != nil {
			return Record{}, err
		}
		e, err := s.readEntry()
		if err != nil {
			return Record{}, err
		}
		if e == nil {
			return Record{}, io.EOF
		}
		if e.bad != "" {
			return Record{}, rejected(e.rawText(), s.file, e.start, "%s", e.bad)
		}
		if len(e.header) == 0 && len(e.sections) == 0 {
			continue // blank space between entries
		}
		rec, err := s.record(e)
		if err != nil {
			return Record{}, rejected(e.rawText(), s.file, e.start, "%v", err)
		}
		if e.cutShort != "" {
			rec.warn("%s", e.cutShort)
		}
		return rec, nil
	}
}

// readEntry reads up to the next "--------". It returns nil at the end.
func (s *hatenaSource) readEntry() (*mtEntry, error) {
	e := &mtEntry{header: map[string]string{}, sections: map[string]*strings.Builder{}}
	var section string // "" while in the header
	var body *strings.Builder
	var comment *diary.Comment
	inCommentHeader := false
	started := false
	for {
		line, ok, err := s.readLine()
		if err != nil {
			return nil, err
		}
		if !ok {
			if !started {
				return nil, nil
			}
			if section != "" {
				e.cutShort = fmt.Sprintf("the file ends inside this entry (in its %s section); the export may be cut short: what was there is kept", section)
			} else if e.bad == "" && len(e.sections) == 0 {
				e.bad = "the file ends inside the entry that starts here, before its body; the export may be cut short"
			}
			return e, nil
		}
		if !started {
			if strings.TrimSpace(line) == "" {
				continue
			}
			started, e.start = true, s.line
		}
		if e.raw.Len() <= maxEntryBytes {
			e.raw.WriteString(line)
			e.raw.WriteByte('\n')
		}
		if e.bad == "" && !utf8.ValidString(line) {
			e.bad = fmt.Sprintf("line %d is not valid UTF-8 text", s.line)
		}
		switch {
		case line == entryEnd:
			if comment != nil {
				e.comments = append(e.comments, finishComment(comment, body))
			}
			return e, nil
		case line == sectionEnd:
			if comment != nil {
				e.comments = append(e.comments, finishComment(comment, body))
				comment = nil
			}
			section, body = "", nil
			continue
		case section == "" && strings.HasSuffix(line, ":") && isSectionName(strings.TrimSuffix(line, ":")):
			section = strings.TrimSuffix(line, ":")
			body = &strings.Builder{}
			if section == "COMMENT" {
				comment, inCommentHeader = &diary.Comment{}, true
			} else {
				e.sections[section] = body
			}
			continue
		}
		if section == "" {
			key, value, ok := strings.Cut(line, ": ")
			if !ok {
				key, value, ok = strings.Cut(line, ":")
			}
			if !ok {
				if e.bad == "" && strings.TrimSpace(line) != "" {
					e.bad = fmt.Sprintf("line %d (%.40q) is neither a header field nor a section", s.line, line)
				}
				continue
			}
			if key == "CATEGORY" {
				e.categories = append(e.categories, strings.TrimSpace(value))
			} else {
				e.header[key] = strings.TrimSpace(value)
			}
			continue
		}
		if comment != nil && inCommentHeader {
			if key, value, ok := strings.Cut(line, ": "); ok && isCommentField(key) {
				switch key {
				case "AUTHOR":
					comment.Author = value
				case "DATE":
					comment.Date, _ = parseMTDate(value)
				}
				continue
			}
			if key, ok := strings.CutSuffix(line, ":"); ok && isCommentField(key) {
				continue
			}
			inCommentHeader = false
		}
		e.size += len(line) + 1
		if e.size > maxEntryBytes {
			if e.bad == "" {
				e.bad = fmt.Sprintf("the entry is larger than %d MB", maxEntryBytes>>20)
			}
			continue
		}
		body.WriteString(line)
		body.WriteByte('\n')
	}
}

// rawText is the entry as the file has it, closed as an entry is, or nil
// when it is too large to be worth writing out again.
func (e *mtEntry) rawText() []byte {
	if e.raw.Len() > maxEntryBytes {
		return nil
	}
	raw := e.raw.String()
	if !strings.HasSuffix(raw, entryEnd+"\n") {
		raw += entryEnd + "\n"
	}
	return []byte(raw)
}

func isSectionName(s string) bool {
	switch s {
	case "BODY", "EXTENDED BODY", "EXCERPT", "KEYWORDS", "COMMENT", "PING":
		return true
	}
	return false
}

func isCommentField(s string) bool {
	switch s {
	case "AUTHOR", "EMAIL", "URL", "IP", "DATE":
		return true
	}
	return false
}

func finishComment(c *diary.Comment, body *strings.Builder) diary.Comment {
	out := *c
	if body != nil {
		out.Body = strings.TrimSpace(body.String())
	}
	return out
}

// mtDateLayouts are the DATE forms Movable Type exports use.
var mtDateLayouts = []string{"01/02/2006 15:04:05", "01/02/2006 03:04:05 PM", "01/02/2006 15:04", "2006-01-02 15:04:05"}

// parseMTDate reads a DATE in the blog's own clock, which is the diary day.
func parseMTDate(s string) (time.Time, error) {
	for _, layout := range mtDateLayouts {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(s), time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("the DATE %q is not MM/DD/YYYY hh:mm:ss", s)
}

func (s *hatenaSource) record(e *mtEntry) (Record, error) {
	rec := Record{File: s.file, Line: e.start}
	date, err := parseMTDate(e.header["DATE"])
	if err != nil {
		var day string
		date, day = dateFallback(s.file)
		if e.header["DATE"] == "" {
			rec.warn("the entry %q has no DATE; the file's date, %s, was used", e.header["TITLE"], day)
		} else {
			rec.warn("%v; the file's date, %s, was used", err, day)
		}
	}
	html := strings.TrimSpace(sectionText(e, "BODY"))
	if more := strings.TrimSpace(sectionText(e, "EXTENDED BODY")); more != "" {
		html += "\n" + more
	}
	source := html
	if e.header["CONVERT BREAKS"] == "1" {
		// The body is text whose line breaks are the author's.
		source = strings.ReplaceAll(html, "\n", "<br>\n")
	}
	md, err := render.HTMLToMarkdown(source)
	if err != nil {
		return Record{}, fmt.Errorf("the body of %q cannot be converted: %v", e.header["TITLE"], err)
	}
	tags := e.categories
	if strings.EqualFold(e.header["STATUS"], "Draft") {
		tags = append(tags, DraftTag)
	}
	key := e.header["BASENAME"]
	permalink := ""
	if key != "" {
		// The export does not name the blog, so the permalink is kept as
		// its path: https://<your blog>/entry/<BASENAME>.
		permalink = "/entry/" + key
	} else {
		key = date.Format("2006/01/02/150405") + " " + e.header["TITLE"]
	}
	rec.Entry = diary.Entry{
		Title: e.header["TITLE"], Body: md, Date: date.Format(diary.DateLayout), Tags: tags,
		Source: "hatena", SourceKey: key, SourceURL: permalink, OriginalHTML: html, Comments: e.comments,
		CreatedAt: date, UpdatedAt: date,
	}
	return rec, nil
}

func sectionText(e *mtEntry, name string) string {
	if b, ok := e.sections[name]; ok {
		return b.String()
	}
	return ""
}
