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
	"reflect"
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
	Tags       tagList         `json:"tags"`
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
		return Record{}, rejected(line, s.file, s.line, "the line is not valid UTF-8 text")
	}
	var in jsonlEntry
	if err := json.Unmarshal(line, &in); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return Record{}, rejected(line, s.file, s.line, "the field %q has the wrong type (%s where %s was expected)", typeErr.Field, typeErr.Value, typeErr.Type)
		}
		return Record{}, rejected(line, s.file, s.line, "not a JSON object: %v", err)
	}
	rec := Record{File: s.file, Line: s.line}
	created, err := parseTime(firstNonEmpty(in.CreatedAt, in.CreatedAt2))
	if err != nil {
		rec.warn("created_at: %v; it was left out", err)
	}
	updated, err := parseTime(firstNonEmpty(in.UpdatedAt, in.UpdatedAt2))
	if err != nil {
		rec.warn("updated_at: %v; it was left out", err)
	}
	date, err := entryDate(in.Date)
	switch {
	case err == nil:
	case !created.IsZero():
		date = created.Format(diary.DateLayout)
		if in.Date != "" {
			rec.warn("%v; the day it was created, %s, was used", err, date)
		}
	default:
		_, date = dateFallback(s.file)
		rec.warn("%v; the file's date, %s, was used", err, date)
	}
	rec.Entry = diary.Entry{
		ID: in.ID, Title: in.Title, Body: in.Body, Date: date, Tags: in.Tags,
		Source: in.Source, SourceKey: in.SourceKey, SourceURL: in.SourceURL, OriginalHTML: in.HTML,
		Comments: in.Comments, CreatedAt: created, UpdatedAt: updated,
	}
	if rec.Entry.Tags == nil {
		rec.Entry.Tags = []string{}
	}
	return rec, nil
}

// tagList reads tags written as a list, or as one string (which cleaning
// splits at its commas); numbers and other plain values in a list become
// their text.
type tagList []string

func (l *tagList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = tagList{one}
		return nil
	}
	var many []any
	if err := json.Unmarshal(b, &many); err != nil {
		return &json.UnmarshalTypeError{Value: "a " + jsonKind(b), Type: reflect.TypeFor[[]string](), Field: "tags"}
	}
	out := make(tagList, 0, len(many))
	for _, v := range many {
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case float64, bool:
			out = append(out, fmt.Sprint(v))
		case nil:
		default:
			return &json.UnmarshalTypeError{Value: "a list holding " + jsonKind(b), Type: reflect.TypeFor[[]string](), Field: "tags"}
		}
	}
	*l = out
	return nil
}

func jsonKind(b []byte) string {
	switch b = bytes.TrimSpace(b); {
	case len(b) == 0:
		return "nothing"
	case b[0] == '{':
		return "object"
	case b[0] == '[':
		return "list"
	default:
		return "number"
	}
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
