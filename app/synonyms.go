package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/search"
)

// SynonymsFile is the user's own synonyms in the data folder: one group of
// words that mean the same a line, separated by commas. Settings edits it,
// and so can any text editor; searches pick up a change at once.
const SynonymsFile = "synonyms.txt"

// maxSynonymsBytes bounds the file: a list of jargon, not a book.
const maxSynonymsBytes = 1 << 20

// synonyms keeps the index's synonyms in step with the file.
type synonyms struct {
	mu      sync.Mutex
	path    string
	modTime time.Time
	size    int64
}

// refresh reads the file again if it changed since the last look, and
// gives the index its groups. A missing file is no synonyms; an unreadable
// one keeps the last good list (and says why in the log).
func (s *Service) refreshSynonyms() {
	sy := &s.synonyms
	sy.mu.Lock()
	defer sy.mu.Unlock()
	info, err := os.Stat(sy.path)
	if errors.Is(err, fs.ErrNotExist) {
		if !sy.modTime.IsZero() || sy.size != 0 {
			s.index.SetSynonyms(nil)
			sy.modTime, sy.size = time.Time{}, 0
		}
		return
	}
	if err != nil || info.ModTime().Equal(sy.modTime) && info.Size() == sy.size {
		return
	}
	b, err := os.ReadFile(sy.path)
	if err != nil || len(b) > maxSynonymsBytes {
		s.log.Warn("synonyms file not read; keeping the previous list", "path", sy.path, "err", err, "bytes", len(b))
		return
	}
	s.index.SetSynonyms(search.ParseSynonyms(string(b)))
	sy.modTime, sy.size = info.ModTime(), info.Size()
}

// Synonyms returns the synonyms file's text ("" when there is none).
func (s *Service) Synonyms() (string, error) {
	b, err := os.ReadFile(s.synonyms.path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read synonyms: %w", err)
	}
	return string(b), nil
}

// SetSynonyms replaces the synonyms file and applies it to searches from
// now on. The file is written beside and renamed into place, so a crash
// leaves the old list or the new one, never half of one.
func (s *Service) SetSynonyms(ctx context.Context, text string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !utf8.ValidString(text) {
		return diary.Errorf(diary.EInvalid, "The synonyms are not valid text (UTF-8).")
	}
	if len(text) > maxSynonymsBytes {
		return diary.Errorf(diary.EInvalid, "The synonyms list is too long (at most 1 MB).")
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.synonyms.path), ".synonyms-*.txt")
	if err != nil {
		return fmt.Errorf("save synonyms: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(text); err != nil {
		tmp.Close()
		return fmt.Errorf("save synonyms: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("save synonyms: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save synonyms: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.synonyms.path); err != nil {
		return fmt.Errorf("save synonyms: %w", err)
	}
	s.refreshSynonyms()
	return nil
}
