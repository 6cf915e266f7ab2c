package syncfolder

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tsuzuri/tsuzuri/diary"
)

const (
	devA = "aaaaaaaaaaaaaaaa"
	devB = "bbbbbbbbbbbbbbbb"
)

func entryRecord(device, id, body string) Record {
	return Record{Type: TypeEntry, VID: "0000018f00000000-" + device, ID: id, Parents: []string{},
		Entry: &diary.Entry{ID: id, Title: "題", Body: body, Date: "2026-01-02", Tags: []string{"sync"}}}
}

func TestSegmentsRoundTripAndOnlyOthersAreListed(t *testing.T) {
	folder := t.TempDir()
	recs := []Record{entryRecord(devA, "e1", "本文 <script>alert(1)</script>"), {Type: TypeSynonyms, VID: "0000018f00000001-" + devA, Text: "本番, prod\n"}}
	name, n, err := WriteSegment(folder, nil, devA, "laptop", 1, recs)
	if err != nil || name != "00000001.tzlog" || n != 1 {
		t.Fatalf("WriteSegment = %q %d %v", name, n, err)
	}
	// Numbers only grow, even when the caller's counter is behind.
	if name, _, _ := WriteSegment(folder, nil, devA, "laptop", 1, recs[:1]); name != "00000002.tzlog" {
		t.Fatalf("second segment named %q", name)
	}
	refs, skipped, err := Segments(folder, nil, devB, nil)
	if err != nil || len(refs) != 2 || len(skipped) != 0 {
		t.Fatalf("Segments = %+v %+v %v", refs, skipped, err)
	}
	if refs[0].Host != "laptop" || refs[0].Number != 1 {
		t.Fatalf("header read as %+v", refs[0])
	}
	seg, err := ReadSegment(refs[0])
	if err != nil || len(seg.Problems) != 0 {
		t.Fatalf("ReadSegment: %v %v", err, seg.Problems)
	}
	if len(seg.Records) != 2 || seg.Records[0].Entry.Body != recs[0].Entry.Body || seg.Records[1].Text != recs[1].Text {
		t.Fatalf("records came back as %+v", seg.Records)
	}
	if own, _, _ := Segments(folder, nil, devA, nil); len(own) != 0 {
		t.Fatalf("a device reads its own segments: %+v", own)
	}
}

// writeRaw puts a file into a device's log folder as a copier would.
func writeRaw(t *testing.T, folder, device, name string, data []byte) string {
	t.Helper()
	dir := filepath.Join(DeviceDir(folder, device), logDir)
	os.MkdirAll(dir, 0o755)
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func sealed(t *testing.T, device string, number int, lines ...string) []byte {
	t.Helper()
	var body bytes.Buffer
	zw := gzip.NewWriter(&body)
	for _, l := range lines {
		zw.Write([]byte(l + "\n"))
	}
	zw.Close()
	sum := sha256.Sum256(body.Bytes())
	h, _ := json.Marshal(header{Device: device, Number: number, Records: len(lines), Length: int64(body.Len()), SHA256: hex.EncodeToString(sum[:])})
	return append(append([]byte(magic), append(h, '\n')...), body.Bytes()...)
}

func TestBadFilesAreSkippedWithAReasonAndNeverBlockTheRest(t *testing.T) {
	folder := t.TempDir()
	good, _, err := WriteSegment(folder, nil, devA, "", 1, []Record{entryRecord(devA, "e1", "ok")})
	if err != nil {
		t.Fatal(err)
	}
	whole, _ := os.ReadFile(filepath.Join(DeviceDir(folder, devA), logDir, good))
	okRecord, _ := json.Marshal(entryRecord(devB, "e2", "fine"))
	flipped := sealed(t, devB, 3, string(okRecord))
	flipped[len(flipped)-3] ^= 0x40
	otherDevice, _ := json.Marshal(entryRecord(devA, "e3", "stamped by A"))
	cases := []struct {
		name string
		data []byte
		kind SkipKind // "" when the file reads, with problems
		want string
	}{
		{"00000002.tzlog", whole[:len(whole)/2], Arriving, "still arriving"},
		{"00000003.tzlog", flipped, Damaged, "checksum"},
		{"00000004.tzlog", []byte("just some text, long enough to hold a header\n"), Damaged, "not a Tsuzuri segment"},
		{"00000005.tzlog", sealed(t, devB, 5, string(okRecord), `{"t":"entry","v":`), "", "record 2 is not valid"},
		{"00000006.tzlog", sealed(t, devB, 6, string(otherDevice), string(okRecord)), "", "another device"},
		{"00000007.tzlog", sealed(t, devB, 8, string(okRecord)), Damaged, "says segment 8"},
		{"00000009.tzlog", sealed(t, devA, 9, string(okRecord)), Damaged, "folder of"},
		{"00000010.sync-conflict-20261204-120000-ABCDEFG.tzlog", whole, Leftover, "Syncthing"},
		{"00000011 (laptop's conflicted copy 2026-12-04).tzlog", whole, Leftover, "conflict copy"},
		{".syncthing.00000012.tzlog.tmp", whole[:10], Arriving, "Syncthing"},
		{"~$notes.tzlog", nil, Leftover, "lock"},
	}
	for _, c := range cases {
		writeRaw(t, folder, devB, c.name, c.data)
	}
	// A huge line: bigger than any record may be.
	defer func(n int) { maxRecord = n }(maxRecord)
	maxRecord = 1 << 20
	huge := `{"t":"entry","v":"0000018f00000000-` + devB + `","id":"x","e":{"body":"` + strings.Repeat("あ", maxRecord/3+10) + `"}}`
	writeRaw(t, folder, devB, "00000013.tzlog", sealed(t, devB, 13, huge))

	refs, skipped, err := Segments(folder, nil, "cccccccccccccccc", nil)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]Skip{}
	for _, s := range skipped {
		found[filepath.Base(s.Path)] = s
	}
	read := map[string]Segment{}
	for _, r := range refs {
		seg, err := ReadSegment(r)
		if err != nil {
			found[r.Name] = SkipOf(r, folder, err)
			continue
		}
		read[r.Name] = seg
	}
	for _, c := range cases {
		if c.kind == "" {
			seg, ok := read[c.name]
			if !ok || len(seg.Records) != 1 || len(seg.Problems) != 1 || !strings.Contains(seg.Problems[0], c.want) {
				t.Errorf("%s: read %v, problems %q; want one good record and a problem with %q", c.name, ok, seg.Problems, c.want)
			}
			continue
		}
		s, ok := found[c.name]
		if !ok || s.Kind != c.kind || !strings.Contains(s.Reason, c.want) {
			t.Errorf("%s: skipped as %+v (found %v); want %s with %q", c.name, s, ok, c.kind, c.want)
		}
	}
	if s := found["00000013.tzlog"]; s.Kind != Damaged || !strings.Contains(s.Reason, "longer than") {
		t.Errorf("a huge record: %+v", s)
	}
	if seg, ok := read[good]; !ok || len(seg.Records) != 1 {
		t.Errorf("the good segment was not read: %+v", seg)
	}
}

func TestLinksAreNotFollowed(t *testing.T) {
	folder := t.TempDir()
	outside := t.TempDir()
	WriteSegment(outside, nil, devB, "", 1, []Record{entryRecord(devB, "e1", "from outside")})
	os.MkdirAll(filepath.Join(folder, DevicesDir), 0o755)
	if err := os.Symlink(DeviceDir(outside, devB), DeviceDir(folder, devB)); err != nil {
		t.Skip("no symlinks here:", err)
	}
	refs, skipped, err := Segments(folder, nil, devA, nil)
	if err != nil || len(refs) != 0 || len(skipped) != 1 || skipped[0].Kind != Refused {
		t.Fatalf("a device folder that is a link: refs %+v skipped %+v err %v", refs, skipped, err)
	}
}

func TestAttachmentsAreCheckedByTheirName(t *testing.T) {
	folder, data := t.TempDir(), t.TempDir()
	img := []byte("\x89PNG\r\n\x1a\nnot really an image, but bytes")
	sum := sha256.Sum256(img)
	name := hex.EncodeToString(sum[:]) + ".png"
	src := filepath.Join(t.TempDir(), name)
	os.WriteFile(src, img, 0o644)
	if err := PutAttachment(folder, nil, devA, name, src); err != nil {
		t.Fatal(err)
	}
	ok, err := CopyAttachment(folder, nil, name, data)
	if err != nil || !ok {
		t.Fatalf("CopyAttachment = %v %v", ok, err)
	}
	if got, _ := os.ReadFile(filepath.Join(data, name)); !bytes.Equal(got, img) {
		t.Fatal("copied attachment differs")
	}
	// A file whose content is not its name is not taken.
	bad := strings.Repeat("ab", 32) + ".png"
	os.WriteFile(filepath.Join(DeviceDir(folder, devB), attachmentsDir, bad), img, 0o644)
	os.MkdirAll(filepath.Join(DeviceDir(folder, devB), attachmentsDir), 0o755)
	os.WriteFile(filepath.Join(DeviceDir(folder, devB), attachmentsDir, bad), img, 0o644)
	if ok, err := CopyAttachment(folder, nil, bad, data); ok || err != nil {
		t.Fatalf("a mislabelled attachment was taken: %v %v", ok, err)
	}
	for _, evil := range []string{"../../etc/passwd", "../" + name, name + "/..", "x.png", strings.Repeat("0", 64) + ".html"} {
		if _, err := CopyAttachment(folder, nil, evil, data); err == nil {
			t.Errorf("%q was accepted as an attachment name", evil)
		}
	}
}

func FuzzReadSegment(f *testing.F) {
	rec, _ := json.Marshal(entryRecord(devB, "e1", "本文"))
	f.Add(sealed(&testing.T{}, devB, 1, string(rec)))
	f.Add([]byte(magic + "{}\n"))
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		folder := t.TempDir()
		writeRaw(t, folder, devB, "00000001.tzlog", data)
		refs, _, err := Segments(folder, nil, devA, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range refs {
			seg, err := ReadSegment(r)
			if err != nil {
				continue
			}
			for _, rec := range seg.Records {
				if checkRecord(rec, devB) != "" {
					t.Fatalf("a record that fails its check was returned: %+v", rec)
				}
			}
		}
	})
}
