// Package attach keeps the images of a diary in the data folder, named by
// their content, so the same picture pasted twice is stored once and a
// Markdown link to it never goes stale.
package attach

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/tsuzuri/tsuzuri/diary"
)

// MaxBytes bounds one attachment.
const MaxBytes = 50 << 20

// Prefix starts every reference: bodies link to "attachments/<file>".
const Prefix = "attachments/"

// kinds are the file types a diary embeds as images. SVG can carry script,
// so the app only ever shows it through <img>, which does not run it.
var kinds = map[string]bool{".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true, ".svg": true}

// Store is the attachments folder of a data folder.
type Store struct{ Dir string }

// Put copies r into the store and returns its reference,
// "attachments/<sha256>.<ext>". name gives the file type.
func (s Store) Put(r io.Reader, name string) (string, error) {
	ext := strings.ToLower(filepath.Ext(name))
	if ext == ".jpeg" {
		ext = ".jpg"
	}
	if !kinds[ext] {
		return "", diary.Errorf(diary.EInvalid, "%s is not an image Tsuzuri can attach (PNG, JPEG, GIF, WebP or SVG).", filepath.Base(name))
	}
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return "", fmt.Errorf("create attachments folder: %w", err)
	}
	tmp, err := os.CreateTemp(s.Dir, ".incoming-*")
	if err != nil {
		return "", fmt.Errorf("create attachment file: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, MaxBytes+1))
	if err == nil && n > MaxBytes {
		err = diary.Errorf(diary.EInvalid, "%s is larger than %d MB.", filepath.Base(name), MaxBytes>>20)
	}
	if err == nil && n == 0 {
		err = diary.Errorf(diary.EInvalid, "%s is empty.", filepath.Base(name))
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	file := hex.EncodeToString(h.Sum(nil)) + ext
	if err := os.Rename(tmp.Name(), filepath.Join(s.Dir, file)); err != nil {
		return "", fmt.Errorf("store attachment %s: %w", file, err)
	}
	return Prefix + file, nil
}

// Open opens the attachment a reference ("attachments/<file>" or just
// "<file>") names. It refuses anything that would reach outside the store.
func (s Store) Open(ref string) (*os.File, error) {
	file := strings.TrimPrefix(strings.TrimPrefix(ref, "/"), Prefix)
	if file == "" || file != path.Base(file) || strings.ContainsAny(file, `\:`) || file[0] == '.' {
		return nil, diary.Errorf(diary.EInvalid, "%q is not an attachment.", ref)
	}
	full := filepath.Join(s.Dir, file)
	info, err := os.Lstat(full)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, diary.Errorf(diary.ENotFound, "The attachment %s is missing.", file)
		}
		return nil, fmt.Errorf("open attachment: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, diary.Errorf(diary.EInvalid, "%q is not an attachment.", ref)
	}
	return os.Open(full)
}
