package syncfolder

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

const (
	attachmentsDir = "attachments"
	// maxAttachment matches what a diary accepts (attach.MaxBytes).
	maxAttachment = 50 << 20
)

// ValidAttachment reports whether name is an attachment file name as a
// diary stores them: its content's SHA-256 and an image extension.
func ValidAttachment(name string) bool { return attachmentName.MatchString(name) }

// PutAttachment copies an attachment of this device's diary into its
// folder, unless some device's folder already holds it.
func PutAttachment(folder, device, name, src string) error {
	if !ValidAttachment(name) {
		return fmt.Errorf("%q is not an attachment name", name)
	}
	if _, err := FindAttachment(folder, name); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("read attachment %s: %w", name, err)
	}
	defer in.Close()
	return writeOnce(filepath.Join(DeviceDir(folder, device), attachmentsDir, name), func(f *os.File) error {
		_, err := io.Copy(f, io.LimitReader(in, maxAttachment))
		return err
	})
}

// errNoAttachment: no device's folder holds it whole yet.
var errNoAttachment = errors.New("not in the sync folder yet")

// FindAttachment finds an attachment in any device's folder, checking that
// its content is what its name says. It returns the path of a good copy.
func FindAttachment(folder, name string) (string, error) {
	if !ValidAttachment(name) {
		return "", fmt.Errorf("%q is not an attachment name", name)
	}
	devices, _, err := Devices(folder)
	if err != nil {
		return "", err
	}
	for _, dev := range devices {
		p := filepath.Join(DeviceDir(folder, dev), attachmentsDir, name)
		fi, err := os.Lstat(p)
		if err != nil || !fi.Mode().IsRegular() || fi.Size() > maxAttachment {
			continue
		}
		if dir, err := os.Lstat(filepath.Dir(p)); err != nil || dir.Mode()&fs.ModeSymlink != 0 {
			continue
		}
		if ok, _ := hasHash(p, strings.TrimSuffix(name, filepath.Ext(name))); ok {
			return p, nil
		}
	}
	return "", errNoAttachment
}

func hasHash(path, want string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, io.LimitReader(f, maxAttachment+1)); err != nil {
		return false, err
	}
	return hex.EncodeToString(h.Sum(nil)) == want, nil
}

// CopyAttachment copies an attachment from the sync folder into dir (a
// diary's attachments folder) if it is not there yet. It reports false
// when no whole copy has arrived yet.
func CopyAttachment(folder, name, dir string) (bool, error) {
	if !ValidAttachment(name) {
		return false, fmt.Errorf("%q is not an attachment name", name)
	}
	dest := filepath.Join(dir, name)
	if _, err := os.Stat(dest); err == nil {
		return true, nil
	}
	src, err := FindAttachment(folder, name)
	if errors.Is(err, errNoAttachment) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	in, err := os.Open(src)
	if err != nil {
		return false, fmt.Errorf("read attachment %s: %w", name, err)
	}
	defer in.Close()
	err = writeOnce(dest, func(f *os.File) error {
		h := sha256.New()
		if _, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(in, maxAttachment)); err != nil {
			return err
		}
		// It was checked when found; check again what was copied, in case
		// the file changed in between.
		if hex.EncodeToString(h.Sum(nil)) != strings.TrimSuffix(name, filepath.Ext(name)) {
			return fmt.Errorf("attachment %s changed while it was copied", name)
		}
		return nil
	})
	return err == nil, err
}
