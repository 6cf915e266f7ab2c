package importer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
	"unicode/utf8"

	"github.com/tsuzuri/tsuzuri/diary"
)

// maxLineBytes bounds one JSON Lines line: an entry at storage's limit,
// escaped, fits.
const maxLineBytes = 3 * maxEntryBytes

type jsonlSource struct {
	f    *os.File
	r    *bufio.Reader
	file string
	line int
}

func openJSONL(path string) (Source, error) {
	f, err := openFile(path, "a JSON Lines export")
	if err != nil {
		return nil, err
	}
	return &jsonlSource{f: f, r: bufio.NewReaderSize(decodingReader(f), 1<<20), file: path}, nil
}

func (s *jsonlSource) Close() error { return s.f.Close() }

// jsonlEntry is one line. Both camelCase and snake_case timestamps are
// read, as other tools write either.
type jsonlEntry struct {
	ID         string          `json:"id"`
	Title      string          `json:"title"`
	Body       string          `json:"body"`
	Date       string          `json:"date"`
	Tags       []string        `json:"tags"`
	Source     string          `json:"source"`
	SourceKey  string          `json:"sourceKey"`
	SourceURL  string          `json:"sourceUrl"`
	HTML       string          `json:"originalHtml"`
	Comments   []diary.Comment `json:"comments"`
	CreatedAt  string          `json:"createdAt"`
	UpdatedAt  string          `json:"updatedAt"`
	CreatedAt2 string          `json:"created_at"`
	UpdatedAt2 string          `json:"updated_at"`
}

func (s *jsonlSource) Next(ctx context.Context) (Record, error) {
	for {
		if err := ctx.Err(); err != nil {
			return Record{}, err
		}
		line, tooLong, err := s.readLine()
		if err == io.EOF && len(line) == 0 && !tooLong {
			return Record{}, io.EOF
		}
		if err != nil && err != io.EOF {
			return Record{}, fmt.Errorf("read %s: %w", s.file, err)
		}
		s.line++
		if tooLong {
			return Record{}, problem(s.file, s.line, "the line is longer than %d MB", maxLineBytes>>20)
		}
		if s.line == 1 {
			line = bytes.TrimPrefix(line, utf8BOM)
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		return s.parse(line)
	}
}

// readLine reads one line without its newline. A line over maxLineBytes is
// read through and reported, not kept.
func (s *jsonlSource) readLine() (line []byte, tooLong bool, err error) {
	for {
		chunk, err := s.r.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(chunk) > maxLineBytes {
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return bytes.TrimSuffix(line, []byte("\n")), tooLong, err
	}
}

func (s *jsonlSource) parse(line []byte) (Record, error) {
	if !utf8.Valid(line) {
		return Record{}, problem(s.file, s.line, "the line is not valid UTF-8 text")
	}
	var in jsonlEntry
	if err := json.Unmarshal(line, &in); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return Record{}, problem(s.file, s.line, "the field %q has the wrong type (%s where %s was expected)", typeErr.Field, typeErr.Value, typeErr.Type)
		}
		return Record{}, problem(s.file, s.line, "not a JSON object: %v", err)
	}
	created, err := parseTime(firstNonEmpty(in.CreatedAt, in.CreatedAt2))
	if err != nil {
		return Record{}, problem(s.file, s.line, "created_at: %v", err)
	}
	updated, err := parseTime(firstNonEmpty(in.UpdatedAt, in.UpdatedAt2))
	if err != nil {
		return Record{}, problem(s.file, s.line, "updated_at: %v", err)
	}
	date := in.Date
	if date == "" && !created.IsZero() {
		date = created.Format(diary.DateLayout)
	}
	date, err = entryDate(date)
	if err != nil {
		return Record{}, problem(s.file, s.line, "%v", err)
	}
	e := diary.Entry{
		ID: in.ID, Title: in.Title, Body: in.Body, Date: date, Tags: in.Tags,
		Source: in.Source, SourceKey: in.SourceKey, SourceURL: in.SourceURL, OriginalHTML: in.HTML,
		Comments: in.Comments, CreatedAt: created, UpdatedAt: updated,
	}
	if e.Tags == nil {
		e.Tags = []string{}
	}
	return Record{Entry: e, File: s.file, Line: s.line}, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// entryDate reads a diary date: YYYY-MM-DD, or a timestamp whose day (in
// its own time zone, the writer's) is the diary day.
func entryDate(s string) (string, error) {
	if s == "" {
		return "", errors.New("the entry has no date")
	}
	if t, err := time.Parse(diary.DateLayout, s); err == nil {
		return t.Format(diary.DateLayout), nil
	}
	if t, err := parseTime(s); err == nil {
		return t.Format(diary.DateLayout), nil
	}
	return "", fmt.Errorf("the date %q is neither YYYY-MM-DD nor an RFC 3339 timestamp", s)
}

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04", diary.DateLayout}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time Tsuzuri can read", s)
}
