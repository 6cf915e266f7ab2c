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
	// maxAttachmentFile bounds an attachment's file in the folder: an
	// encrypted one carries age's overhead too.
	maxAttachmentFile = maxAttachment + 1<<20
)

// ValidAttachment reports whether name is an attachment file name as a
// diary stores them: its content's SHA-256 and an image extension.
func ValidAttachment(name string) bool { return attachmentName.MatchString(name) }

// PutAttachment copies an attachment of this device's diary into its
// folder, unless some device's folder already holds it. With a key it is
// encrypted, under a name that does not show what it is.
func PutAttachment(folder string, key *Key, device, name, src string) error {
	if !ValidAttachment(name) {
		return fmt.Errorf("%q is not an attachment name", name)
	}
	if key != nil {
		return putSealedAttachment(folder, key, device, name, src)
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

func putSealedAttachment(folder string, key *Key, device, name, src string) error {
	if _, err := openSealedAttachment(folder, key, name); err == nil {
		return nil
	}
	plain, err := readLimited(src, maxAttachment)
	if err != nil {
		return fmt.Errorf("read attachment %s: %w", name, err)
	}
	sealed, err := seal(key, attachmentPlace(name), plain)
	if err != nil {
		return fmt.Errorf("attachment %s: %w", name, err)
	}
	return writeOnce(filepath.Join(DeviceDir(folder, device), attachmentsDir, sealedName(key, name)), func(f *os.File) error {
		_, err := f.Write(sealed)
		return err
	})
}

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}

// errNoAttachment: no device's folder holds it whole yet.
var errNoAttachment = errors.New("not in the sync folder yet")

// attachmentCopies lists where an attachment's file may be, in each
// device's folder, leaving out links.
func attachmentCopies(folder, file string) ([]string, error) {
	devices, _, err := Devices(folder)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, dev := range devices {
		p := filepath.Join(DeviceDir(folder, dev), attachmentsDir, file)
		fi, err := os.Lstat(p)
		if err != nil || !fi.Mode().IsRegular() || fi.Size() > maxAttachmentFile {
			continue
		}
		if dir, err := os.Lstat(filepath.Dir(p)); err != nil || dir.Mode()&fs.ModeSymlink != 0 {
			continue
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// FindAttachment finds an attachment in any device's folder of a plain
// sync folder, checking that its content is what its name says. It returns
// the path of a good copy.
func FindAttachment(folder, name string) (string, error) {
	if !ValidAttachment(name) {
		return "", fmt.Errorf("%q is not an attachment name", name)
	}
	paths, err := attachmentCopies(folder, name)
	if err != nil {
		return "", err
	}
	for _, p := range paths {
		if ok, _ := hasHash(p, strings.TrimSuffix(name, filepath.Ext(name))); ok {
			return p, nil
		}
	}
	return "", errNoAttachment
}

// openSealedAttachment finds an attachment in an encrypted folder and
// returns its bytes, authenticated and checked against its name.
func openSealedAttachment(folder string, key *Key, name string) ([]byte, error) {
	paths, err := attachmentCopies(folder, sealedName(key, name))
	if err != nil {
		return nil, err
	}
	want := strings.TrimSuffix(name, filepath.Ext(name))
	for _, p := range paths {
		data, err := readLimited(p, maxAttachmentFile)
		if err != nil {
			continue
		}
		plain, err := openSealedBytes(data, key, attachmentPlace(name))
		if err != nil {
			continue
		}
		if sum := sha256.Sum256(plain); hex.EncodeToString(sum[:]) == want {
			return plain, nil
		}
	}
	return nil, errNoAttachment
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
// diary's attachments folder) if it is not there yet, decrypting it when
// key is set. It reports false when no whole copy has arrived yet.
func CopyAttachment(folder string, key *Key, name, dir string) (bool, error) {
	if !ValidAttachment(name) {
		return false, fmt.Errorf("%q is not an attachment name", name)
	}
	dest := filepath.Join(dir, name)
	if _, err := os.Stat(dest); err == nil {
		return true, nil
	}
	if key != nil {
		plain, err := openSealedAttachment(folder, key, name)
		if errors.Is(err, errNoAttachment) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		err = writeOnce(dest, func(f *os.File) error {
			_, err := f.Write(plain)
			return err
		})
		return err == nil, err
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
