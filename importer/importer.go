// Package importer reads diaries exported from elsewhere — JSON Lines, a
// Hatena Blog (Movable Type) export, a folder of Markdown notes, a blogsync
// checkout or a Day One export — as a stream of entries. A bad entry is reported with
// where it is and reading goes on: one broken post never costs the others.
package importer

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"

	"github.com/tsuzuri/tsuzuri/diary"
)

// Record is one entry read from a source.
type Record struct {
	// Entry carries Source and SourceKey (or an ID) so that importing the
	// same source again updates entries instead of duplicating them.
	Entry diary.Entry
	File  string
	Line  int // where the entry starts, 1-based; 0 when lines mean nothing
	// Attachments are local files the body links to, to copy into the
	// data folder.
	Attachments []Attachment
	// Warnings say what was changed to keep the entry: an odd tag cleaned,
	// an unreadable date replaced by the file's.
	Warnings []Problem
}

// Attachment is a local file an entry links to.
type Attachment struct {
	Path string // absolute path of the file
	Ref  string // the link target exactly as written in the body
}

// Problem says what is wrong with one entry or file, and where.
type Problem struct {
	File    string
	Line    int
	Message string
	// Raw is the entry exactly as the file has it, when it could not be
	// read at all: written to a rejects file to be fixed and imported
	// again. Nil when the whole file is the entry, or it is too large.
	Raw []byte `json:"-"`
}

// ProblemError is the error Next returns for an entry it skips.
type ProblemError struct{ Problem Problem }

func (e *ProblemError) Error() string {
	if e.Problem.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Problem.File, e.Problem.Line, e.Problem.Message)
	}
	return e.Problem.File + ": " + e.Problem.Message
}

func problem(file string, line int, format string, args ...any) error {
	return &ProblemError{Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...)}}
}

// rejected is problem for an entry whose text raw can be written out again.
func rejected(raw []byte, file string, line int, format string, args ...any) error {
	return &ProblemError{Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...), Raw: raw}}
}

// Source streams the entries of one file or folder.
type Source interface {
	// Next returns the next entry, io.EOF at the end, or a *ProblemError
	// for an entry it skipped (call Next again to go on). Any other error
	// means the source cannot be read further.
	Next(ctx context.Context) (Record, error)
	Close() error
}

// Formats lists the formats Open reads.
func Formats() []string { return []string{"jsonl", "hatena", "markdown", "blogsync", "dayone"} }

// maxEntryBytes bounds one entry's text, as storage does.
const maxEntryBytes = 32 << 20

// Open opens path (a file or a folder) as format. Its records carry tags
// and titles storage accepts, cleaned where needed with a warning.
func Open(ctx context.Context, format, path string) (Source, error) {
	src, err := open(ctx, format, path)
	if err != nil {
		return nil, err
	}
	return cleaning{src}, nil
}

// RejectsPath is where the entries of the export at path that could not be
// read at all are written: beside it, named after it, in its own format.
func RejectsPath(path string) string {
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + ".rejects" + ext
}

func open(ctx context.Context, format, path string) (Source, error) {
	switch format {
	case "jsonl":
		return openJSONL(path)
	case "hatena":
		return openHatena(path)
	case "markdown":
		return openMarkdown(ctx, path, false)
	case "blogsync":
		return openMarkdown(ctx, path, true)
	case "dayone":
		return openDayOne(path)
	}
	return nil, diary.Errorf(diary.EInvalid, "Unknown import format %q; choose one of %s.", format, strings.Join(Formats(), ", "))
}

// Detect tells the format of path from its name and first bytes.
func Detect(path string) (string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", diary.Errorf(diary.EInvalid, "It cannot be read: %v.", unwrapPathError(err))
	}
	if info.IsDir() {
		if journals, _ := filepath.Glob(filepath.Join(path, "*.json")); len(journals) > 0 {
			return "dayone", nil
		}
		if looksLikeBlogsync(path) {
			return "blogsync", nil
		}
		return "markdown", nil
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".ndjson":
		return "jsonl", nil
	case ".zip", ".json":
		return "dayone", nil
	case ".md", ".markdown":
		return "markdown", nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", diary.Errorf(diary.EInvalid, "It cannot be read: %v.", unwrapPathError(err))
	}
	defer f.Close()
	head := make([]byte, 8<<10)
	n, _ := io.ReadFull(f, head)
	head = bytes.TrimPrefix(head[:n], utf8BOM)
	trimmed := bytes.TrimSpace(head)
	switch {
	case len(trimmed) > 0 && trimmed[0] == '{':
		return "jsonl", nil
	case isMTHeader(head):
		return "hatena", nil
	}
	return "", diary.Errorf(diary.EInvalid, "Tsuzuri cannot tell what kind of export %s is. Choose its format (%s).", filepath.Base(path), strings.Join(Formats(), ", "))
}

// openFile opens a one-file export (what names the kind, for the message
// when path is a folder).
func openFile(path, what string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, diary.Errorf(diary.EInvalid, "It cannot be read: %v.", unwrapPathError(err))
	}
	if info, err := f.Stat(); err == nil && info.IsDir() {
		f.Close()
		return nil, diary.Errorf(diary.EInvalid, "%s is a folder; %s is one file.", filepath.Base(path), what)
	}
	return f, nil
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

var utf8BOM = []byte("\xef\xbb\xbf")

// decodingReader returns a reader of f's text as UTF-8: files saved by old
// Windows tools in Shift_JIS are converted rather than refused.
func decodingReader(f io.Reader) io.Reader {
	br := bufio.NewReaderSize(f, 64<<10)
	head, _ := br.Peek(64 << 10)
	head = bytes.TrimPrefix(head, utf8BOM)
	if validPrefix(head) || !isShiftJIS(head) {
		return br
	}
	return transform.NewReader(br, japanese.ShiftJIS.NewDecoder())
}

// validPrefix reports whether b is valid UTF-8 but for a rune cut at its end.
func validPrefix(b []byte) bool {
	for i := 0; i < 3 && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return true
		}
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

func isShiftJIS(b []byte) bool {
	out, _, err := transform.Bytes(japanese.ShiftJIS.NewDecoder(), b)
	return err == nil && !bytes.ContainsRune(out, utf8.RuneError)
}
