package syncfolder

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tsuzuri/tsuzuri/diary"
)

const (
	logDir = "log"
	// magic starts every segment; the number is the format's version.
	magic = "TSUZURI-SYNC 1\n"

	// Bounds on what a segment may make a reader hold.
	maxHeader    = 4 << 10
	maxSegment   = 512 << 20 // compressed body
	maxExpanded  = 2 << 30   // all records, uncompressed
	maxParents   = 256
	maxHostBytes = 200
)

// Record types.
const (
	TypeEntry    = "entry"    // a version of an entry
	TypeSynonyms = "synonyms" // a version of synonyms.txt
)

// Record is one line of a segment.
type Record struct {
	Type string `json:"t"`
	// VID stamps every record: the writer's clock and device id.
	VID string `json:"v"`
	// Entry versions: the entry id, the versions written over, the state
	// (0 live, 1 trashed, 2 purged) and, unless purged, the entry.
	ID      string       `json:"id,omitempty"`
	Parents []string     `json:"p,omitempty"`
	State   int          `json:"s,omitempty"`
	Entry   *diary.Entry `json:"e,omitempty"`
	// Synonyms: the whole file.
	Text string `json:"text,omitempty"`
}

// header is the segment's second line.
type header struct {
	Device  string `json:"device"`
	Number  int    `json:"number"`
	Host    string `json:"host"`
	Records int    `json:"records"`
	Length  int64  `json:"length"`
	SHA256  string `json:"sha256"`
}

// SegmentRef is a segment found in the folder, its header read and its
// body not yet.
type SegmentRef struct {
	Device string
	Name   string
	Path   string
	Host   string
	SHA256 string
	Number int
	key    *Key // the folder's, when it is encrypted
}

// Segment is a whole segment, checked.
type Segment struct {
	SegmentRef
	Records  []Record
	Problems []string // records left out, and why
}

// maxRecord bounds one line: a 32 MB body and its imported HTML, escaped.
// A variable so that a test can meet it without writing 160 MB.
var maxRecord = 160 << 20

var vidPattern = regexp.MustCompile(`^[0-9a-f]{16}-([0-9a-f]{16})$`)

// WriteSegment seals records into the device's next segment and returns
// its name. Numbers only grow: the next is one past the highest in the
// folder or next, whichever is higher (a diary restored from a backup must
// not reuse a number the folder already holds). With a key (an encrypted
// folder) the whole segment, header included, is compressed and then
// encrypted for its device and number.
func WriteSegment(folder string, key *Key, device, host string, next int, records []Record) (string, int, error) {
	if !deviceName.MatchString(device) {
		return "", 0, fmt.Errorf("device id %q is not 16 hex digits", device)
	}
	dir := filepath.Join(DeviceDir(folder, device), logDir)
	if n := highestSegment(dir); n >= next {
		next = n + 1
	}
	var body bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&body, gzip.BestSpeed)
	enc := json.NewEncoder(zw)
	enc.SetEscapeHTML(false)
	for _, r := range records {
		if err := enc.Encode(r); err != nil {
			return "", 0, fmt.Errorf("encode record %s: %w", r.VID, err)
		}
	}
	if err := zw.Close(); err != nil {
		return "", 0, fmt.Errorf("compress segment: %w", err)
	}
	sum := sha256.Sum256(body.Bytes())
	if len(host) > maxHostBytes {
		host = host[:maxHostBytes]
	}
	h, _ := json.Marshal(header{Device: device, Number: next, Host: strings.ToValidUTF8(host, ""), Records: len(records),
		Length: int64(body.Len()), SHA256: hex.EncodeToString(sum[:])})
	name := fmt.Sprintf("%08d.tzlog", next)
	file := make([]byte, 0, len(magic)+len(h)+1+body.Len())
	file = append(append(append(append(file, magic...), h...), '\n'), body.Bytes()...)
	if key != nil {
		var err error
		if file, err = seal(key, segmentPlace(device, next), file); err != nil {
			return "", 0, fmt.Errorf("segment %s: %w", name, err)
		}
	}
	err := writeOnce(filepath.Join(dir, name), func(f *os.File) error {
		_, err := f.Write(file)
		return err
	})
	if err != nil {
		return "", 0, err
	}
	return name, next, nil
}

func highestSegment(dir string) int {
	items, _ := os.ReadDir(dir)
	high := 0
	for _, it := range items {
		if segmentName.MatchString(it.Name()) {
			if n, err := strconv.Atoi(it.Name()[:8]); err == nil && n > high {
				high = n
			}
		}
	}
	return high
}

// Segments lists the segments of every device but self, in device and
// number order, with their headers read; files that are not (yet) whole
// segments are reported instead. Segments for which done(device, name)
// is true (applied before) are left out unread: a folder holds years of
// them, and a pass should cost what arrived, not what is there.
func Segments(folder string, key *Key, self string, done func(device, name string) bool) ([]SegmentRef, []Skip, error) {
	return segmentsOf(folder, key, func(dev string) bool { return dev != self }, done)
}

// OwnSegments lists the segments a device wrote itself, to check that
// what it sent is still there.
func OwnSegments(folder string, key *Key, self string) ([]SegmentRef, []Skip, error) {
	return segmentsOf(folder, key, func(dev string) bool { return dev == self }, nil)
}

func segmentsOf(folder string, key *Key, want func(device string) bool, done func(device, name string) bool) ([]SegmentRef, []Skip, error) {
	if err := Check(folder); err != nil {
		return nil, nil, err
	}
	devices, skipped, err := Devices(folder)
	if err != nil {
		return nil, nil, err
	}
	var refs []SegmentRef
	for _, dev := range devices {
		if !want(dev) {
			continue
		}
		dir := filepath.Join(DeviceDir(folder, dev), logDir)
		rel := filepath.ToSlash(filepath.Join(DevicesDir, dev, logDir))
		if fi, err := os.Lstat(dir); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			skipped = append(skipped, Skip{rel, Refused, "a link, not a folder: not followed"})
			continue
		}
		items, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", dir, err)
		}
		for _, it := range items {
			relFile := rel + "/" + it.Name()
			if !segmentName.MatchString(it.Name()) || !it.Type().IsRegular() {
				switch kind, why := classifyStray(it.Name()); {
				case it.Type()&fs.ModeSymlink != 0:
					skipped = append(skipped, Skip{relFile, Refused, "a link: not followed"})
				case kind != "":
					skipped = append(skipped, Skip{relFile, kind, why})
				}
				continue
			}
			if done != nil && done(dev, it.Name()) {
				continue
			}
			ref, err := readHeader(filepath.Join(dir, it.Name()), dev, key)
			if err != nil {
				skipped = append(skipped, skipOf(relFile, err))
				continue
			}
			refs = append(refs, ref)
		}
	}
	sort.Slice(refs, func(i, j int) bool {
		if refs[i].Device != refs[j].Device {
			return refs[i].Device < refs[j].Device
		}
		return refs[i].Number < refs[j].Number
	})
	return refs, skipped, nil
}

// errArriving marks a file that is shorter than it says: still arriving.
type errArriving struct{ why string }

func (e errArriving) Error() string { return e.why }

// errRefused marks a file whose protection does not match the folder's.
type errRefused struct{ why string }

func (e errRefused) Error() string { return e.why }

func skipOf(rel string, err error) Skip {
	var a errArriving
	if errors.As(err, &a) {
		return Skip{rel, Arriving, a.why}
	}
	var r errRefused
	if errors.As(err, &r) {
		return Skip{rel, Refused, r.why}
	}
	return Skip{rel, Damaged, err.Error()}
}

// readHeader reads and checks a segment's header, and that the file is as
// long as it says. In an encrypted folder (key set) only sealed segments
// are read, and their header is read from the first authenticated chunk.
func readHeader(path, device string, key *Key) (SegmentRef, error) {
	f, err := os.Open(path)
	if err != nil {
		return SegmentRef{}, fmt.Errorf("open: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return SegmentRef{}, fmt.Errorf("stat: %w", err)
	}
	name := filepath.Base(path)
	r := bufio.NewReaderSize(f, maxHeader)
	size := fi.Size()
	sealed, err := isSealed(r)
	if err != nil {
		return SegmentRef{}, errArriving{"shorter than a segment's header: still arriving, or cut short"}
	}
	switch {
	case sealed && key == nil:
		return SegmentRef{}, errRefused{"encrypted: this computer syncs without the folder's passphrase; not read"}
	case !sealed && key != nil:
		return SegmentRef{}, errRefused{"not encrypted, in an encrypted folder: anyone could have written it; not applied"}
	case sealed:
		number, _ := strconv.Atoi(name[:8])
		plain, err := openSealed(r, size, key, segmentPlace(device, number))
		if err != nil {
			return SegmentRef{}, err
		}
		r, size = bufio.NewReaderSize(plain, maxHeader), -1
	}
	h, headLen, err := parseHeader(r, device, name)
	var arriving errArriving
	if sealed && errors.As(err, &arriving) {
		// Its outer length was whole, so a sealed file that ends early
		// was cut or altered, not still arriving.
		return SegmentRef{}, fmt.Errorf("fails its authentication: altered, or cut short (%s)", err)
	}
	if err != nil {
		return SegmentRef{}, err
	}
	if size >= 0 {
		want := headLen + h.Length
		switch {
		case size < want:
			return SegmentRef{}, errArriving{fmt.Sprintf("%d of %d bytes: still arriving, or cut short", size, want)}
		case size > want:
			return SegmentRef{}, fmt.Errorf("%d bytes where the header says %d", size, want)
		}
	}
	host := h.Host
	if !utf8.ValidString(host) || len(host) > maxHostBytes {
		host = ""
	}
	host = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, host)
	return SegmentRef{Device: device, Name: name, Path: path, Host: host, SHA256: h.SHA256, Number: h.Number, key: key}, nil
}

// parseHeader reads a segment's magic and header from the (decrypted)
// segment and checks them against the place the file was found; it
// returns the header and how many bytes the two took.
func parseHeader(r *bufio.Reader, device, name string) (header, int64, error) {
	m := make([]byte, len(magic))
	if _, err := io.ReadFull(r, m); err != nil {
		return header{}, 0, errArriving{"shorter than a segment's header: still arriving, or cut short"}
	}
	if string(m) != magic {
		return header{}, 0, errors.New("not a Tsuzuri segment (or a newer format): skipped")
	}
	line, err := r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return header{}, 0, errors.New("header longer than any segment writes")
	}
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return header{}, 0, errArriving{"header cut short: still arriving"}
		}
		return header{}, 0, fmt.Errorf("header does not open: %v", err)
	}
	var h header
	if err := json.Unmarshal(line, &h); err != nil {
		return header{}, 0, fmt.Errorf("header is not valid JSON: %v", err)
	}
	switch {
	case h.Device != device:
		return header{}, 0, fmt.Errorf("written by device %.20q but found in the folder of %s: not applied", h.Device, device)
	case fmt.Sprintf("%08d.tzlog", h.Number) != name:
		return header{}, 0, fmt.Errorf("header says segment %d: not applied", h.Number)
	case h.Length < 0 || h.Length > maxSegment:
		return header{}, 0, fmt.Errorf("says it is %d bytes long, over the %d MB limit", h.Length, maxSegment>>20)
	case len(h.SHA256) != 64:
		return header{}, 0, errors.New("header has no checksum")
	}
	return h, int64(len(magic) + len(line)), nil
}

// ReadSegment reads a whole segment and checks it: its checksum, then
// every record. Records that are not sound are left out and named in
// Problems; a file that fails as a whole is an error (Arriving or Damaged,
// see SkipOf).
func ReadSegment(ref SegmentRef) (Segment, error) {
	data, again, err := segmentBytes(ref)
	if err != nil {
		return Segment{}, err
	}
	bodyStart := bytes.IndexByte(data[len(magic):], '\n') + len(magic) + 1
	body := data[bodyStart:]
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != ref.SHA256 {
		return Segment{}, errors.New("checksum does not match: damaged in transfer or on disk; read again on the next pass")
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return Segment{}, fmt.Errorf("not compressed as a segment is: %v", err)
	}
	seg := Segment{SegmentRef: again}
	sc := bufio.NewScanner(io.LimitReader(zr, maxExpanded))
	sc.Buffer(make([]byte, 0, 64<<10), maxRecord)
	line := 0
	for sc.Scan() {
		line++
		var r Record
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			seg.Problems = append(seg.Problems, fmt.Sprintf("record %d is not valid: %v", line, err))
			continue
		}
		if why := checkRecord(r, ref.Device); why != "" {
			seg.Problems = append(seg.Problems, fmt.Sprintf("record %d (%.60s): %s", line, r.VID, why))
			continue
		}
		seg.Records = append(seg.Records, r)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return Segment{}, fmt.Errorf("record %d is longer than %d MB", line+1, maxRecord>>20)
		}
		return Segment{}, fmt.Errorf("decompress: %v", err)
	}
	return seg, nil
}

// segmentBytes reads a listed segment whole (decrypted, when sealed) and
// checks that its header is still the one listed.
func segmentBytes(ref SegmentRef) ([]byte, SegmentRef, error) {
	if ref.key == nil {
		again, err := readHeader(ref.Path, ref.Device, nil)
		if err != nil {
			return nil, SegmentRef{}, err
		}
		if again.SHA256 != ref.SHA256 {
			return nil, SegmentRef{}, errArriving{"changed since it was listed: read again on the next pass"}
		}
		data, err := os.ReadFile(ref.Path)
		if err != nil {
			return nil, SegmentRef{}, fmt.Errorf("read: %w", err)
		}
		return data, again, nil
	}
	// Sealed: one read and one decryption; the header inside is then
	// checked as the listing checked it.
	data, err := os.ReadFile(ref.Path)
	if err != nil {
		return nil, SegmentRef{}, fmt.Errorf("read: %w", err)
	}
	if data, err = openSealedBytes(data, ref.key, segmentPlace(ref.Device, ref.Number)); err != nil {
		return nil, SegmentRef{}, err
	}
	h, headLen, err := parseHeader(bufio.NewReader(bytes.NewReader(data)), ref.Device, ref.Name)
	if err != nil {
		return nil, SegmentRef{}, fmt.Errorf("fails its authentication: altered, or cut short (%s)", err)
	}
	if h.SHA256 != ref.SHA256 {
		return nil, SegmentRef{}, errArriving{"changed since it was listed: read again on the next pass"}
	}
	if int64(len(data)) != headLen+h.Length {
		return nil, SegmentRef{}, errors.New("its contents do not match its header: not applied")
	}
	return data, ref, nil
}

// checkRecord says what is wrong with a record, or "".
func checkRecord(r Record, device string) string {
	m := vidPattern.FindStringSubmatch(r.VID)
	switch {
	case m == nil:
		return "no valid version stamp"
	case m[1] != device:
		return "stamped by another device than the folder it is in"
	}
	switch r.Type {
	case TypeSynonyms:
		if !utf8.ValidString(r.Text) || len(r.Text) > 1<<20 {
			return "synonyms that are not text or over 1 MB"
		}
		return ""
	case TypeEntry:
	default:
		return fmt.Sprintf("unknown record type %.20q", r.Type)
	}
	switch {
	case r.ID == "" || len(r.ID) > 128 || !utf8.ValidString(r.ID) || strings.ContainsFunc(r.ID, func(c rune) bool { return unicode.IsSpace(c) || unicode.IsControl(c) }):
		return "no valid entry id"
	case r.State < 0 || r.State > 2:
		return "unknown state"
	case len(r.Parents) > maxParents:
		return "too many parents"
	case r.State < 2 && r.Entry == nil:
		return "an entry version without the entry"
	}
	for _, p := range r.Parents {
		if !vidPattern.MatchString(p) {
			return "a parent without a valid version stamp"
		}
	}
	return ""
}

// SkipOf describes why a segment could not be read, for the status.
func SkipOf(ref SegmentRef, folder string, err error) Skip {
	rel, _ := filepath.Rel(folder, ref.Path)
	return skipOf(filepath.ToSlash(rel), err)
}
