package syncfolder

// An encrypted sync folder: one that a cloud drive can hold without
// reading it.
//
// One random data key seals every file this diary writes into the folder.
// The folder holds that key only in the key file, wrapped by the
// passphrase with age's scrypt recipient (memory-hard, so a stolen folder
// costs a guesser dearly per try). Each computer keeps the unwrapped key in
// its data folder (never synced, mode 0600), so the passphrase is typed
// once per computer and changing it re-wraps the key, never the data.
//
// Files are age files (filippo.io/age: its STREAM construction gives
// chunked authenticated encryption and detects truncation) with one custom
// recipient rather than a public-key one. The stanza wraps each file's key
// with XChaCha20-Poly1305 under a key derived from the data key, and binds
// the place the file belongs (device id and segment number, or the
// attachment's name) as additional data. Why not X25519: anyone holding
// the public recipient could then write files that decrypt, so it would
// have to be kept out of the folder and still would not prove who wrote a
// file; with a symmetric stanza only a holder of the data key can make a
// file that opens, and a file moved to another device's folder or renamed
// to another number fails to open.

import (
	"bufio"
	"bytes"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"filippo.io/age"
	"golang.org/x/crypto/chacha20poly1305"
)

const (
	// KeyFile, at the top of an encrypted sync folder, holds the data key
	// wrapped by the passphrase. Its presence is what makes a folder
	// encrypted.
	KeyFile  = "key.tzkey"
	keyMagic = "TSUZURI-KEY 1\n"
	// keyPlaintext starts what the key file's age payload holds, before
	// the raw data key.
	keyPlaintext = "tsuzuri data key 1\n"
	// sealedMagic starts every encrypted segment and attachment; the
	// next line is the length of the age file that follows, so that a file
	// still arriving is told from a damaged one without the key.
	sealedMagic = "TSUZURI-SEALED 1\n"
	blobExt     = ".tzblob"
	stanzaType  = "tsuzuri-sync"
	localMagic  = "TSUZURI-LOCAL-KEY 1\n"
	dataKeySize = 32
	// maxSealed bounds a sealed file: the largest segment or attachment,
	// and age's overhead (16 bytes a 64 KiB chunk, and its header).
	maxSealed = maxSegment + 16<<20
)

// scryptWorkFactor is the log2 of scrypt's cost for the key file. A
// variable so that tests can make unlocking cheap.
var scryptWorkFactor = 18

// maxScryptWorkFactor bounds the cost a key file may ask of the computer
// unlocking it (2^20 is 1 GiB of memory): one planted in the folder must
// not make a joining computer try to allocate 4 GiB, as age's default
// bound would let it.
const maxScryptWorkFactor = 20

// ErrWrongPassphrase: the passphrase does not open the folder's key file.
var ErrWrongPassphrase = errors.New("the passphrase does not open this sync folder's key")

// ErrNotEncrypted: the folder has no key file.
var ErrNotEncrypted = errors.New("the sync folder is not encrypted")

// Key is a diary's data key and the keys derived from it.
type Key struct {
	data  []byte
	wrap  []byte // wraps each file's age file key
	names []byte // hashes attachment names, so the folder does not show them
}

// NewKey makes a random data key for a folder about to be encrypted.
func NewKey() (*Key, error) {
	data := make([]byte, dataKeySize)
	if _, err := rand.Read(data); err != nil {
		return nil, fmt.Errorf("make a data key: %w", err)
	}
	return keyOf(data)
}

func keyOf(data []byte) (*Key, error) {
	if len(data) != dataKeySize {
		return nil, fmt.Errorf("a data key is %d bytes, not %d", dataKeySize, len(data))
	}
	wrap, err := hkdf.Key(sha256.New, data, nil, "tsuzuri sync file key wrap 1", chacha20poly1305.KeySize)
	if err != nil {
		return nil, fmt.Errorf("derive the wrapping key: %w", err)
	}
	names, err := hkdf.Key(sha256.New, data, nil, "tsuzuri sync attachment names 1", sha256.Size)
	if err != nil {
		return nil, fmt.Errorf("derive the naming key: %w", err)
	}
	return &Key{data: bytes.Clone(data), wrap: wrap, names: names}, nil
}

// Equal reports whether two keys are the same data key.
func (k *Key) Equal(o *Key) bool {
	return k != nil && o != nil && subtle.ConstantTimeCompare(k.data, o.data) == 1
}

// Encrypted reports whether the folder has a key file.
func Encrypted(folder string) (bool, error) {
	fi, err := os.Lstat(filepath.Join(folder, KeyFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("sync folder: %w", err)
	case !fi.Mode().IsRegular():
		return false, fmt.Errorf("sync folder: %s is not a regular file", KeyFile)
	}
	return true, nil
}

// WriteKeyFile wraps key with passphrase into the folder's key file,
// replacing the one there (a passphrase change re-wraps the same key).
func WriteKeyFile(folder string, key *Key, passphrase string) error {
	if passphrase == "" {
		return errors.New("an empty passphrase protects nothing")
	}
	r, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		return fmt.Errorf("wrap the data key: %w", err)
	}
	r.SetWorkFactor(scryptWorkFactor)
	var out bytes.Buffer
	out.WriteString(keyMagic)
	w, err := age.Encrypt(&out, r)
	if err != nil {
		return fmt.Errorf("wrap the data key: %w", err)
	}
	w.Write([]byte(keyPlaintext))
	w.Write(key.data)
	if err := w.Close(); err != nil {
		return fmt.Errorf("wrap the data key: %w", err)
	}
	return writeOnce(filepath.Join(folder, KeyFile), func(f *os.File) error {
		_, err := f.Write(out.Bytes())
		return err
	})
}

// UnlockKeyFile unwraps the folder's data key with passphrase. It returns
// the key and the key file's stamp (see KeyFileStamp), or
// ErrWrongPassphrase, or ErrNotEncrypted.
func UnlockKeyFile(folder, passphrase string) (*Key, string, error) {
	raw, err := readKeyFile(folder)
	if err != nil {
		return nil, "", err
	}
	if !bytes.HasPrefix(raw, []byte(keyMagic)) {
		return nil, "", fmt.Errorf("%s is not a Tsuzuri key file (or a newer format)", KeyFile)
	}
	id, err := age.NewScryptIdentity(passphrase)
	if err != nil {
		return nil, "", ErrWrongPassphrase
	}
	id.SetMaxWorkFactor(maxScryptWorkFactor)
	r, err := age.Decrypt(bytes.NewReader(raw[len(keyMagic):]), id)
	var noMatch *age.NoIdentityMatchError
	if errors.As(err, &noMatch) {
		return nil, "", ErrWrongPassphrase
	}
	if err != nil {
		return nil, "", fmt.Errorf("%s is damaged: %v", KeyFile, err)
	}
	plain, err := io.ReadAll(io.LimitReader(r, 1<<10))
	if err != nil {
		return nil, "", fmt.Errorf("%s is damaged: %v", KeyFile, err)
	}
	if !bytes.HasPrefix(plain, []byte(keyPlaintext)) {
		return nil, "", fmt.Errorf("%s does not hold a Tsuzuri data key", KeyFile)
	}
	key, err := keyOf(plain[len(keyPlaintext):])
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", KeyFile, err)
	}
	return key, stampOf(raw), nil
}

// KeyFileStamp identifies the key file as it is now, so a computer can
// tell that the passphrase was changed elsewhere; "" when there is none.
func KeyFileStamp(folder string) (string, error) {
	raw, err := readKeyFile(folder)
	if errors.Is(err, ErrNotEncrypted) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return stampOf(raw), nil
}

func stampOf(raw []byte) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:16])
}

func readKeyFile(folder string) ([]byte, error) {
	ok, err := Encrypted(folder)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrNotEncrypted
	}
	raw, err := readLimited(filepath.Join(folder, KeyFile), 64<<10)
	if err != nil {
		return nil, fmt.Errorf("read the key file: %w", err)
	}
	return raw, nil
}

// SaveLocalKey keeps the data key on this computer, readable by its owner
// only: the passphrase is then not asked for again at every start.
func SaveLocalKey(path string, key *Key) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".tmp-key-")
	if err != nil {
		return fmt.Errorf("keep the sync key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("keep the sync key: %w", err)
	}
	_, err = tmp.WriteString(localMagic + hex.EncodeToString(key.data) + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("keep the sync key: %w", err)
	}
	return nil
}

// LoadLocalKey reads the key SaveLocalKey kept.
func LoadLocalKey(path string) (*Key, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the sync key: %w", err)
	}
	text, ok := strings.CutPrefix(string(raw), localMagic)
	if !ok {
		return nil, fmt.Errorf("%s is not a Tsuzuri sync key", path)
	}
	data, err := hex.DecodeString(strings.TrimSpace(text))
	if err != nil {
		return nil, fmt.Errorf("%s is damaged: %v", path, err)
	}
	return keyOf(data)
}

// segmentPlace and attachmentPlace name where a sealed file belongs; the
// name is bound into its stanza, so a copy found anywhere else fails.
func segmentPlace(device string, number int) string {
	return fmt.Sprintf("segment %s %08d", device, number)
}

func attachmentPlace(name string) string { return "attachment " + name }

// sealedName is an attachment's file name in an encrypted folder: a keyed
// hash, so the folder shows neither the content hash (which would let a
// reader confirm a guessed picture) nor the kind of file.
func sealedName(key *Key, name string) string {
	m := hmac.New(sha256.New, key.names)
	m.Write([]byte(name))
	return hex.EncodeToString(m.Sum(nil)) + blobExt
}

// placeRecipient and placeIdentity wrap an age file key with the data key,
// bound to a place.
type placeRecipient struct {
	key   *Key
	place string
}

func (r placeRecipient) Wrap(fileKey []byte) ([]*age.Stanza, error) {
	aead, err := chacha20poly1305.NewX(r.key.wrap)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(fileKey)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return []*age.Stanza{{Type: stanzaType, Args: []string{"1"}, Body: aead.Seal(nonce, nonce, fileKey, []byte(r.place))}}, nil
}

type placeIdentity placeRecipient

// errWrongPlace is why a sealed file does not open: another diary's key,
// or a file moved from the place it was sealed for.
var errWrongPlace = errors.New("not sealed with this diary's key for this place: made by another diary, altered, or moved from another device or number; not applied")

func (id placeIdentity) Unwrap(stanzas []*age.Stanza) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(id.key.wrap)
	if err != nil {
		return nil, err
	}
	for _, s := range stanzas {
		if s.Type != stanzaType || len(s.Args) != 1 || s.Args[0] != "1" || len(s.Body) < aead.NonceSize() {
			continue
		}
		fileKey, err := aead.Open(nil, s.Body[:aead.NonceSize()], s.Body[aead.NonceSize():], []byte(id.place))
		if err == nil {
			return fileKey, nil
		}
	}
	return nil, fmt.Errorf("%w: %w", age.ErrIncorrectIdentity, errWrongPlace)
}

// seal encrypts plain for place into a sealed file's bytes.
func seal(key *Key, place string, plain []byte) ([]byte, error) {
	var enc bytes.Buffer
	w, err := age.Encrypt(&enc, placeRecipient{key, place})
	if err != nil {
		return nil, fmt.Errorf("encrypt: %w", err)
	}
	if _, err := w.Write(plain); err != nil {
		return nil, fmt.Errorf("encrypt: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("encrypt: %w", err)
	}
	out := make([]byte, 0, len(sealedMagic)+20+enc.Len()) // 20: the length line
	out = append(out, sealedMagic...)
	out = strconv.AppendInt(out, int64(enc.Len()), 10)
	out = append(out, '\n')
	return append(out, enc.Bytes()...), nil
}

// isSealed tells a sealed file from a plain one by its first bytes.
func isSealed(r *bufio.Reader) (bool, error) {
	head, err := r.Peek(len(sealedMagic))
	if err != nil {
		return false, err
	}
	return string(head) == sealedMagic, nil
}

// openSealed checks a sealed file's length (size is the whole file's) and
// opens it, returning a reader of the plaintext: every byte it gives is
// authenticated, and a cut is an error when it is reached.
func openSealed(r *bufio.Reader, size int64, key *Key, place string) (io.Reader, error) {
	if _, err := r.Discard(len(sealedMagic)); err != nil {
		return nil, errArriving{"shorter than a sealed file's header: still arriving, or cut short"}
	}
	line, err := r.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return nil, errors.New("a sealed file without a valid length")
	case err != nil:
		return nil, errArriving{"header cut short: still arriving"}
	}
	length, err := strconv.ParseInt(string(line[:len(line)-1]), 10, 64)
	if err != nil || length < 0 || length > maxSealed {
		return nil, errors.New("a sealed file without a valid length")
	}
	want := int64(len(sealedMagic)+len(line)) + length
	switch {
	case size < want:
		return nil, errArriving{fmt.Sprintf("%d of %d bytes: still arriving, or cut short", size, want)}
	case size > want:
		return nil, fmt.Errorf("%d bytes where the header says %d", size, want)
	}
	plain, err := age.Decrypt(io.LimitReader(r, length), placeIdentity{key, place})
	if err != nil {
		var noMatch *age.NoIdentityMatchError
		if errors.As(err, &noMatch) {
			return nil, errWrongPlace
		}
		return nil, fmt.Errorf("not a sound encrypted file: %v", err)
	}
	return plain, nil
}

// openSealedBytes opens a whole sealed file held in memory.
func openSealedBytes(data []byte, key *Key, place string) ([]byte, error) {
	r := bufio.NewReaderSize(bytes.NewReader(data), 4096)
	if ok, err := isSealed(r); err != nil || !ok {
		return nil, errors.New("not an encrypted Tsuzuri file")
	}
	pr, err := openSealed(r, int64(len(data)), key, place)
	if err != nil {
		return nil, err
	}
	plain, err := io.ReadAll(pr)
	if err != nil {
		return nil, fmt.Errorf("fails its authentication: altered, or cut short: %v", err)
	}
	return plain, nil
}
