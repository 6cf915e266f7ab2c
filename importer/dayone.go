package importer

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tsuzuri/tsuzuri/diary"
)

// Limits on a Day One zip: a hostile archive (a zip bomb, thousands of
// tiny files) is refused instead of filling the disk.
const (
	maxZipFiles = 100_000
	maxZipBytes = 4 << 30
	maxJSON     = 512 << 20
)

// dayOneExport is read entry by entry: one entry of the wrong shape costs
// only itself.
type dayOneExport struct {
	Entries []json.RawMessage `json:"entries"`
}

type dayOneEntry struct {
	UUID         string        `json:"uuid"`
	CreationDate string        `json:"creationDate"`
	ModifiedDate string        `json:"modifiedDate"`
	TimeZone     string        `json:"timeZone"`
	Text         string        `json:"text"`
	Tags         tagList       `json:"tags"`
	Starred      bool          `json:"starred"`
	Photos       []dayOnePhoto `json:"photos"`
}

type dayOnePhoto struct {
	Identifier string `json:"identifier"`
	MD5        string `json:"md5"`
	Type       string `json:"type"`
}

// dayOneSource reads a Day One JSON export: a folder or a zip with one or
// more journal .json files and a photos/ folder.
type dayOneSource struct {
	origin  string // the folder, journal or zip the person chose
	root    string // where the export's files are (a temporary copy for a zip)
	cleanup string // the temporary folder to remove on Close
	journal []string
	file    int
	entries []json.RawMessage
	next    int
}

func openDayOne(path string) (Source, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, diary.Errorf(diary.EInvalid, "It cannot be read: %v.", unwrapPathError(err))
	}
	s := &dayOneSource{origin: path, root: path}
	if !info.IsDir() {
		if !strings.EqualFold(filepath.Ext(path), ".zip") {
			s.root = filepath.Dir(path)
			s.journal = []string{path}
			return s, nil
		}
		tmp, err := os.MkdirTemp("", "tsuzuri-dayone-")
		if err != nil {
			return nil, fmt.Errorf("make a folder to unpack %s: %w", path, err)
		}
		s.root, s.cleanup = tmp, tmp
		if err := unzip(path, tmp); err != nil {
			os.RemoveAll(tmp)
			return nil, err
		}
	}
	matches, _ := filepath.Glob(filepath.Join(s.root, "*.json"))
	if len(matches) == 0 {
		s.Close()
		return nil, diary.Errorf(diary.EInvalid, "%s holds no Day One journal (.json).", filepath.Base(path))
	}
	s.journal = matches
	return s, nil
}

// unzip extracts archive into dir, refusing paths that leave dir and
// archives past the size and count limits.
func unzip(archive, dir string) error {
	zr, err := zip.OpenReader(archive)
	if err != nil {
		return diary.Errorf(diary.EInvalid, "%s is not a readable zip file: %v.", filepath.Base(archive), err)
	}
	defer zr.Close()
	if len(zr.File) > maxZipFiles {
		return diary.Errorf(diary.EInvalid, "%s holds %d files; the limit is %d.", filepath.Base(archive), len(zr.File), maxZipFiles)
	}
	var total int64
	for _, f := range zr.File {
		name := path.Clean(strings.ReplaceAll(f.Name, `\`, "/"))
		if strings.HasPrefix(name, "../") || name == ".." || path.IsAbs(name) || strings.Contains(name, ":") {
			return diary.Errorf(diary.EInvalid, "%s contains the unsafe path %q; nothing was imported from it.", filepath.Base(archive), f.Name)
		}
		if f.FileInfo().IsDir() || !f.Mode().IsRegular() {
			continue
		}
		dest := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
			return err
		}
		rc, err := f.Open()
		if err != nil {
			return diary.Errorf(diary.EInvalid, "%s: %s cannot be read: %v.", filepath.Base(archive), f.Name, err)
		}
		out, err := os.Create(dest)
		if err != nil {
			rc.Close()
			return err
		}
		// Count what is actually written: the sizes a zip declares can lie.
		n, err := io.Copy(out, io.LimitReader(rc, maxZipBytes-total+1))
		rc.Close()
		out.Close()
		total += n
		if err != nil {
			return diary.Errorf(diary.EInvalid, "%s: %s cannot be unpacked: %v.", filepath.Base(archive), f.Name, err)
		}
		if total > maxZipBytes {
			return diary.Errorf(diary.EInvalid, "%s unpacks to more than %d GB; it was not imported.", filepath.Base(archive), maxZipBytes>>30)
		}
	}
	return nil
}

func (s *dayOneSource) Close() error {
	if s.cleanup != "" {
		return os.RemoveAll(s.cleanup)
	}
	return nil
}

func (s *dayOneSource) Next(ctx context.Context) (Record, error) {
	for s.next >= len(s.entries) {
		if err := ctx.Err(); err != nil {
			return Record{}, err
		}
		if s.file >= len(s.journal) {
			return Record{}, io.EOF
		}
		file := s.journal[s.file]
		s.file++
		s.entries, s.next = nil, 0
		if err := s.load(file); err != nil {
			return Record{}, problem(file, 0, "%v", err)
		}
	}
	raw := s.entries[s.next]
	s.next++
	file := s.journal[s.file-1]
	var e dayOneEntry
	if err := json.Unmarshal(raw, &e); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			err = fmt.Errorf("the field %q has the wrong type", typeErr.Field)
		}
		return Record{}, problem(file, 0, "entry %d of %d: %v", s.next, len(s.entries), err)
	}
	rec, err := s.record(e, file)
	if err != nil {
		return Record{}, problem(file, 0, "entry %s: %v", e.UUID, err)
	}
	return rec, nil
}

func (s *dayOneSource) load(file string) error {
	info, err := os.Stat(file)
	if err != nil {
		return err
	}
	if info.Size() > maxJSON {
		return fmt.Errorf("the journal is larger than %d MB", maxJSON>>20)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var export dayOneExport
	if err := json.Unmarshal(raw, &export); err != nil {
		return fmt.Errorf("not a Day One journal: %v", err)
	}
	s.entries = export.Entries
	return nil
}

func (s *dayOneSource) record(e dayOneEntry, file string) (Record, error) {
	if !utf8.ValidString(e.Text) {
		return Record{}, fmt.Errorf("the text is not valid UTF-8")
	}
	rec := Record{File: file}
	created, err := time.Parse(time.RFC3339, e.CreationDate)
	if err != nil {
		var day string
		// A zip's files are unpacked now: the zip's own date is the file's.
		from := file
		if s.cleanup != "" {
			from = s.origin
		}
		created, day = dateFallback(from)
		rec.warn("entry %s: the creationDate %q is not an RFC 3339 time; the file's date, %s, was used", e.UUID, e.CreationDate, day)
	} else if loc, err := time.LoadLocation(e.TimeZone); e.TimeZone != "" && err == nil {
		// The diary day is the day where it was written.
		created = created.In(loc)
	} else {
		created = created.Local()
	}
	updated, _ := time.Parse(time.RFC3339, e.ModifiedDate)
	title, body := dayOneTitle(e.Text)
	tags := append([]string{}, e.Tags...)
	var attachments []Attachment
	for _, p := range e.Photos {
		if p.MD5 == "" || p.Identifier == "" || strings.ContainsAny(p.MD5+p.Type, `/\.`) {
			continue
		}
		photo := filepath.Join(s.root, "photos", p.MD5+"."+p.Type)
		if _, err := os.Stat(photo); err == nil {
			attachments = append(attachments, Attachment{Path: photo, Ref: "dayone-moment://" + p.Identifier})
		}
	}
	rec.Entry = diary.Entry{
		Title: title, Body: body, Date: created.Format(diary.DateLayout), Tags: tags,
		Source: "dayone", SourceKey: e.UUID, CreatedAt: created, UpdatedAt: updated,
	}
	rec.Attachments = attachments
	return rec, nil
}

// dayOneTitle takes a first "# " line as the title, as Day One shows it.
func dayOneTitle(text string) (string, string) {
	text = strings.ReplaceAll(text, "\\.", ".") // Day One escapes Markdown punctuation
	first, rest, _ := strings.Cut(text, "\n")
	if t, ok := strings.CutPrefix(first, "# "); ok {
		return strings.TrimSpace(t), strings.TrimSpace(rest)
	}
	return "", strings.TrimSpace(text)
}
