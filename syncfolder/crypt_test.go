package syncfolder

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func init() {
	// Unlocking at the real cost takes most of a second per try.
	scryptWorkFactor = 10
}

func newTestKey(t testing.TB) *Key {
	t.Helper()
	k, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestKeyFileUnlocksOnlyWithItsPassphraseAndRewrapsTheSameKey(t *testing.T) {
	folder := t.TempDir()
	if ok, err := Encrypted(folder); ok || err != nil {
		t.Fatalf("an empty folder is encrypted: %v %v", ok, err)
	}
	if _, _, err := UnlockKeyFile(folder, "x"); !errors.Is(err, ErrNotEncrypted) {
		t.Fatalf("unlock without a key file: %v", err)
	}
	key := newTestKey(t)
	if err := WriteKeyFile(folder, key, "夜の図書館で会いましょう"); err != nil {
		t.Fatal(err)
	}
	if ok, err := Encrypted(folder); !ok || err != nil {
		t.Fatalf("a folder with a key file is not encrypted: %v %v", ok, err)
	}
	raw, _ := os.ReadFile(filepath.Join(folder, KeyFile))
	if bytes.Contains(raw, key.data) || bytes.Contains(raw, []byte(hex.EncodeToString(key.data))) {
		t.Fatal("the key file holds the data key in clear")
	}
	if _, _, err := UnlockKeyFile(folder, "夜の図書館で会いましょう!"); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("a wrong passphrase: %v", err)
	}
	got, stamp, err := UnlockKeyFile(folder, "夜の図書館で会いましょう")
	if err != nil || !got.Equal(key) {
		t.Fatalf("unlock = %v, same key %v", err, got.Equal(key))
	}
	if s, _ := KeyFileStamp(folder); s != stamp {
		t.Fatalf("stamp %q, unlock said %q", s, stamp)
	}

	if err := WriteKeyFile(folder, key, "new words for the same key"); err != nil {
		t.Fatal(err)
	}
	if s, _ := KeyFileStamp(folder); s == stamp {
		t.Fatal("a re-wrapped key file has the old stamp: other computers would not notice")
	}
	if _, _, err := UnlockKeyFile(folder, "夜の図書館で会いましょう"); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("the old passphrase still opens the key file: %v", err)
	}
	if again, _, err := UnlockKeyFile(folder, "new words for the same key"); err != nil || !again.Equal(key) {
		t.Fatalf("after a change of passphrase: %v, same key %v", err, again.Equal(key))
	}

	local := filepath.Join(t.TempDir(), "sync.key")
	if err := SaveLocalKey(local, key); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(local); fi.Mode().Perm() != 0o600 {
		t.Fatalf("the local key is mode %v", fi.Mode().Perm())
	}
	if back, err := LoadLocalKey(local); err != nil || !back.Equal(key) {
		t.Fatalf("LoadLocalKey = %v", err)
	}
}

func TestEncryptedSegmentsAndAttachmentsRoundTrip(t *testing.T) {
	folder, data := t.TempDir(), t.TempDir()
	key := newTestKey(t)
	recs := []Record{entryRecord(devA, "e1", "暗号の本文"), {Type: TypeSynonyms, VID: "0000018f00000001-" + devA, Text: "本番, prod\n"}}
	if _, _, err := WriteSegment(folder, key, devA, "laptop", 1, recs); err != nil {
		t.Fatal(err)
	}
	refs, skipped, err := Segments(folder, key, devB, nil)
	if err != nil || len(refs) != 1 || len(skipped) != 0 {
		t.Fatalf("Segments = %+v %+v %v", refs, skipped, err)
	}
	if refs[0].Host != "laptop" || refs[0].Number != 1 {
		t.Fatalf("header read as %+v", refs[0])
	}
	seg, err := ReadSegment(refs[0])
	if err != nil || !sameRecords(seg.Records, recs) {
		t.Fatalf("ReadSegment = %+v, %v", seg.Records, err)
	}

	// A computer without the key reads nothing, and says why.
	refs, skipped, _ = Segments(folder, nil, devB, nil)
	if len(refs) != 0 || len(skipped) != 1 || skipped[0].Kind != Refused || !strings.Contains(skipped[0].Reason, "encrypted") {
		t.Fatalf("read without the key: %+v %+v", refs, skipped)
	}

	img := []byte("\x89PNG\r\n\x1a\nan image of a cat, in spirit")
	sum := sha256.Sum256(img)
	name := hex.EncodeToString(sum[:]) + ".png"
	src := filepath.Join(t.TempDir(), name)
	os.WriteFile(src, img, 0o644)
	if err := PutAttachment(folder, key, devA, name, src); err != nil {
		t.Fatal(err)
	}
	items, _ := os.ReadDir(filepath.Join(DeviceDir(folder, devA), attachmentsDir))
	if len(items) != 1 || strings.Contains(items[0].Name(), hex.EncodeToString(sum[:])) || strings.Contains(items[0].Name(), "png") {
		t.Fatalf("the attachment's file name shows what it is: %v", items)
	}
	if ok, err := CopyAttachment(folder, key, name, data); !ok || err != nil {
		t.Fatalf("CopyAttachment = %v %v", ok, err)
	}
	if got, _ := os.ReadFile(filepath.Join(data, name)); !bytes.Equal(got, img) {
		t.Fatal("the attachment came back different")
	}
	// Another diary's key finds nothing it can use.
	if ok, err := CopyAttachment(folder, newTestKey(t), name, t.TempDir()); ok || err != nil {
		t.Fatalf("an attachment opened with another key: %v %v", ok, err)
	}
}

// sealedSegmentFile writes a sealed segment and returns its bytes.
func sealedSegmentFile(t testing.TB, key *Key, device string, number int, body string) []byte {
	t.Helper()
	folder := t.TempDir()
	name, _, err := WriteSegment(folder, key, device, "host", number, []Record{entryRecord(device, "e"+strconv.Itoa(number), body)})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(DeviceDir(folder, device), logDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestTamperedEncryptedFilesAreSkippedAndNothingIsApplied(t *testing.T) {
	key := newTestKey(t)
	long := incompressible(300 << 10) // several of age's chunks
	one := sealedSegmentFile(t, key, devB, 1, "first")
	bigSeg := sealedSegmentFile(t, key, devB, 2, long)
	fromA := sealedSegmentFile(t, key, devA, 4, "written by A")
	otherDiary := sealedSegmentFile(t, newTestKey(t), devB, 5, "another diary")
	flip := func(data []byte, at int) []byte {
		c := bytes.Clone(data)
		c[at] ^= 0x01
		return c
	}
	// truncated keeps the first keep bytes of the age file's payload and
	// mends the length line, as an attacker would so that the file does
	// not look like one still arriving.
	truncated := func(data []byte, keep int) []byte {
		ageFile := data[bytes.IndexByte(data[len(sealedMagic):], '\n')+len(sealedMagic)+1:]
		macLine := bytes.Index(ageFile, []byte("\n--- "))
		payload := macLine + 1 + bytes.IndexByte(ageFile[macLine+1:], '\n') + 1 + 16 // after the stream nonce
		ageFile = ageFile[:payload+keep]
		return append([]byte(sealedMagic+strconv.Itoa(len(ageFile))+"\n"), ageFile...)
	}
	const chunk = 64<<10 + 16 // one sealed chunk of age's payload
	plain := sealed(t, devB, 9, `{"t":"entry","v":"0000018f00000000-`+devB+`","id":"p","e":{"title":"plain"}}`)
	cases := []struct {
		what string
		name string
		data []byte
		kind SkipKind
		want string
	}{
		{"a bit flipped in the stanza", "00000001.tzlog", flip(one, len(sealedMagic)+60), Damaged, ""},
		{"a bit flipped in the first chunk", "00000001.tzlog", flip(one, len(one)-20), Damaged, ""},
		{"a bit flipped in the last chunk", "00000002.tzlog", flip(bigSeg, len(bigSeg)-5), Damaged, ""},
		{"cut short", "00000002.tzlog", bigSeg[:len(bigSeg)-100], Arriving, "still arriving"},
		{"cut short, length mended", "00000002.tzlog", truncated(bigSeg, chunk+100), Damaged, ""},
		{"cut at a chunk's end, length mended", "00000002.tzlog", truncated(bigSeg, 2*chunk), Damaged, ""},
		{"longer than it says", "00000001.tzlog", append(bytes.Clone(one), 0), Damaged, "where the header says"},
		{"moved from another device's folder", "00000004.tzlog", fromA, Damaged, "moved from another device"},
		{"an old segment under a new number", "00000007.tzlog", one, Damaged, "moved from another device or number"},
		{"sealed by another diary", "00000005.tzlog", otherDiary, Damaged, "another diary"},
		{"plain in an encrypted folder", "00000009.tzlog", plain, Refused, "not encrypted"},
	}
	for _, c := range cases {
		t.Run(c.what, func(t *testing.T) {
			folder := t.TempDir()
			writeRaw(t, folder, devB, c.name, c.data)
			refs, skipped, err := Segments(folder, key, devA, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range refs {
				seg, err := ReadSegment(r)
				if err == nil {
					t.Fatalf("read %d records from a tampered file", len(seg.Records))
				}
				skipped = append(skipped, SkipOf(r, folder, err))
			}
			if len(skipped) != 1 || skipped[0].Kind != c.kind || !strings.Contains(skipped[0].Reason, c.want) ||
				skipped[0].Path != "devices/"+devB+"/log/"+c.name {
				t.Fatalf("reported as %+v; want one %s skip of %s saying %q", skipped, c.kind, c.name, c.want)
			}
		})
	}
	// The untouched files read, so the table tests what was done to them.
	folder := t.TempDir()
	writeRaw(t, folder, devB, "00000001.tzlog", one)
	writeRaw(t, folder, devB, "00000002.tzlog", bigSeg)
	refs, skipped, _ := Segments(folder, key, devA, nil)
	for _, r := range refs {
		if seg, err := ReadSegment(r); err != nil || len(seg.Records) != 1 {
			t.Fatalf("an untouched segment: %v", err)
		}
	}
	if len(refs) != 2 || len(skipped) != 0 {
		t.Fatalf("untouched segments: %+v %+v", refs, skipped)
	}
}

func TestTamperedEncryptedAttachmentIsNotTaken(t *testing.T) {
	key := newTestKey(t)
	img := []byte("GIF89a and then some pixels")
	sum := sha256.Sum256(img)
	name := hex.EncodeToString(sum[:]) + ".gif"
	for _, c := range []struct {
		what   string
		mangle func(folder, path string)
	}{
		{"a bit flipped", func(_, p string) {
			b, _ := os.ReadFile(p)
			b[len(b)-3] ^= 0x10
			os.WriteFile(p, b, 0o644)
		}},
		{"cut short", func(_, p string) {
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:len(b)-7], 0o644)
		}},
		{"another attachment's file under its name", func(folder, p string) {
			other := []byte("GIF89a another picture")
			s := sha256.Sum256(other)
			src := filepath.Join(folder, "src")
			os.WriteFile(src, other, 0o644)
			otherName := hex.EncodeToString(s[:]) + ".gif"
			PutAttachment(folder, key, devB, otherName, src)
			os.Rename(filepath.Join(DeviceDir(folder, devB), attachmentsDir, sealedName(key, otherName)), p)
		}},
	} {
		t.Run(c.what, func(t *testing.T) {
			folder, data := t.TempDir(), t.TempDir()
			src := filepath.Join(t.TempDir(), name)
			os.WriteFile(src, img, 0o644)
			if err := PutAttachment(folder, key, devA, name, src); err != nil {
				t.Fatal(err)
			}
			c.mangle(folder, filepath.Join(DeviceDir(folder, devA), attachmentsDir, sealedName(key, name)))
			if ok, err := CopyAttachment(folder, key, name, data); ok || err != nil {
				t.Fatalf("a tampered attachment was taken: %v %v", ok, err)
			}
			if _, err := os.Stat(filepath.Join(data, name)); err == nil {
				t.Fatal("a tampered attachment reached the diary")
			}
		})
	}
}

func FuzzReadEncryptedSegment(f *testing.F) {
	key, err := keyOf(bytes.Repeat([]byte{7}, dataKeySize))
	if err != nil {
		f.Fatal(err)
	}
	var original []Record
	for i, body := range []string{"短い", incompressible(150 << 10)} {
		folder := f.TempDir()
		rec := entryRecord(devB, "e1", body)
		original = append(original, rec)
		WriteSegment(folder, key, devB, "h", 1, []Record{rec})
		data, _ := os.ReadFile(filepath.Join(DeviceDir(folder, devB), logDir, "00000001.tzlog"))
		f.Add(data)
		if i == 0 {
			f.Add(data[:len(data)/2])
		}
	}
	f.Add([]byte(sealedMagic + "12\nage-encrypt"))
	f.Fuzz(func(t *testing.T, data []byte) {
		folder := t.TempDir()
		writeRaw(t, folder, devB, "00000001.tzlog", data)
		refs, _, err := Segments(folder, key, devA, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range refs {
			seg, err := ReadSegment(r)
			if err != nil {
				continue
			}
			// Only files sealed with the key open, so anything read is
			// exactly what was sealed.
			if !slices.ContainsFunc(original, func(o Record) bool { return sameRecords([]Record{o}, seg.Records) }) {
				t.Fatalf("read something that was never sealed: %+v", seg.Records)
			}
		}
	})
}

// sameRecords compares records as a segment carries them.
func sameRecords(a, b []Record) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

// incompressible is text that gzip cannot shrink much, so a segment of it
// spans several of age's 64 KiB chunks. The same every run: the fuzzer's
// workers make their seeds again.
func incompressible(n int) string {
	b := make([]byte, n/2)
	rand.NewChaCha8([32]byte{1}).Read(b)
	return hex.EncodeToString(b)
}

func TestSealedSizeIsCloseToPlain(t *testing.T) {
	var recs []Record
	for i := range 3000 {
		recs = append(recs, entryRecord(devA, fmt.Sprintf("e%d", i), fmt.Sprintf("日記 %d: 今日は雨で、散歩は短くした。", i)))
	}
	plainFolder, sealedFolder := t.TempDir(), t.TempDir()
	WriteSegment(plainFolder, nil, devA, "h", 1, recs)
	WriteSegment(sealedFolder, newTestKey(t), devA, "h", 1, recs)
	p, _ := os.Stat(filepath.Join(DeviceDir(plainFolder, devA), logDir, "00000001.tzlog"))
	s, _ := os.Stat(filepath.Join(DeviceDir(sealedFolder, devA), logDir, "00000001.tzlog"))
	if ratio := float64(s.Size()) / float64(p.Size()); ratio > 1.05 {
		t.Fatalf("sealed %d bytes, plain %d: ratio %.3f over 1.05", s.Size(), p.Size(), ratio)
	}
}

func TestAKeyFileAskingTooMuchMemoryIsRefusedUnread(t *testing.T) {
	folder := t.TempDir()
	if err := WriteKeyFile(folder, newTestKey(t), "p"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(folder, KeyFile)
	raw, _ := os.ReadFile(path)
	// The stanza names its cost last: " 10\n". 2^21 would be 2 GiB.
	costly := bytes.Replace(raw, []byte(" "+strconv.Itoa(scryptWorkFactor)+"\n"), []byte(" 21\n"), 1)
	if bytes.Equal(costly, raw) {
		t.Fatal("no scrypt stanza found in the key file")
	}
	os.WriteFile(path, costly, 0o644)
	_, _, err := UnlockKeyFile(folder, "p")
	if err == nil || errors.Is(err, ErrWrongPassphrase) || !strings.Contains(err.Error(), "work factor") {
		t.Fatalf("a key file asking 2 GiB: %v", err)
	}
}
