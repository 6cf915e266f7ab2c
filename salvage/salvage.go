// Package salvage reads the rows that the intact pages of a damaged SQLite
// file still hold. SQLite's own queries stop at the first page they cannot
// read; this reader parses the file format directly, page by page, as
// SQLite's recovery extension does, so a bad page costs only the rows on it.
// It never writes to the file it reads.
package salvage

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"slices"
	"unicode/utf8"
)

// Row is one record found on a b-tree page.
type Row struct {
	// Table names the table or index whose tree the page belongs to, as
	// the schema calls it; "" when the page could not be traced to a root
	// (its parent pages are damaged).
	Table string
	Page  uint32
	// Rowid is the key of a row of a table b-tree; Index rows (indexes and
	// WITHOUT ROWID tables) have none.
	Rowid int64
	Index bool
	// Free is set when the page is on the free list: what it holds was
	// deleted or replaced.
	Free bool
	// Values are the record's columns: nil, int64, float64, string or
	// []byte. A value whose overflow page is lost is cut short and
	// Complete is false.
	Values   []any
	Complete bool
	// Overflow lists the pages the record continues on.
	Overflow []uint32
}

// Result is what Read found.
type Result struct {
	PageSize int
	Pages    int
	// Roots maps the root page of each table and index to its name, from
	// the schema on page 1 (empty when page 1 is damaged).
	Roots map[uint32]string
	Rows  []Row
	// Damaged lists pages a parent points to that are not readable
	// b-tree pages.
	Damaged []uint32
	// WALFrames is how many committed frames of the write-ahead log were
	// read over the file's pages.
	WALFrames int
}

// ReadFile reads the database at path and, if present, its write-ahead log
// (path + "-wal"). Neither is opened for writing.
func ReadFile(path string) (*Result, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	wal, err := os.ReadFile(path + "-wal")
	if err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("read %s-wal: %w", path, err)
	}
	return Read(data, wal), nil
}

// Read finds every row the pages of a database image (and its log, which
// may be nil) still hold. It never fails: a file with nothing readable
// gives an empty result.
func Read(data, wal []byte) *Result {
	f := &file{data: data}
	f.pageSize, f.reserved = headerPageSize(data)
	frames := readWAL(wal, f.pageSize)
	if f.pageSize == 0 {
		if ps := walPageSize(wal); ps != 0 {
			f.pageSize = ps
		} else {
			f.pageSize = guessPageSize(data)
		}
		frames = readWAL(wal, f.pageSize)
	}
	f.wal = frames
	f.usable = f.pageSize - f.reserved
	r := &Result{PageSize: f.pageSize, WALFrames: len(frames), Roots: map[uint32]string{}}
	if f.usable < 480 {
		return r
	}
	// The log can only grow the file by as many pages as it has frames.
	inFile := len(data) / f.pageSize
	limit := inFile + len(wal)/f.pageSize
	f.npages = uint32(min(inFile, 1<<30))
	for p := range frames {
		if int(p) > limit || p == 0 {
			delete(frames, p)
			continue
		}
		f.npages = max(f.npages, p)
	}
	r.Pages = int(f.npages)
	f.readSchema(r)
	free := f.freePages()
	owner := f.trace(r.Roots, r)
	for p := uint32(1); p <= f.npages; p++ {
		pg, ok := f.btree(p)
		if !ok || !pg.leaf() {
			continue
		}
		f.cells(pg, func(rowid int64, payload []byte, complete bool, overflow []uint32) {
			vals, ok := decodeRecord(payload, complete)
			if !ok {
				return
			}
			r.Rows = append(r.Rows, Row{Table: owner[p], Page: p, Rowid: rowid, Index: pg.index(),
				Free: free[p], Values: vals, Complete: complete, Overflow: overflow})
		})
	}
	return r
}

type file struct {
	data             []byte
	wal              map[uint32][]byte
	pageSize         int
	reserved, usable int
	npages           uint32
}

// page returns page p (1-based), from the log when it holds a newer copy.
func (f *file) page(p uint32) []byte {
	if b, ok := f.wal[p]; ok {
		return b
	}
	if p == 0 || p > f.npages {
		return nil
	}
	off := int64(p-1) * int64(f.pageSize)
	if off+int64(f.pageSize) > int64(len(f.data)) {
		return nil
	}
	return f.data[off : off+int64(f.pageSize)]
}

var magic = []byte("SQLite format 3\x00")

func headerPageSize(data []byte) (size, reserved int) {
	if len(data) < 100 || !bytes.Equal(data[:16], magic) {
		return 0, 0
	}
	size = int(binary.BigEndian.Uint16(data[16:]))
	if size == 1 {
		size = 65536
	}
	if size < 512 || size&(size-1) != 0 {
		return 0, 0
	}
	reserved = int(data[20])
	return size, reserved
}

// guessPageSize picks, for a file whose header is gone, the page size at
// which most pages look like b-tree pages.
func guessPageSize(data []byte) int {
	best, bestN := 4096, 0
	for size := 512; size <= 65536; size *= 2 {
		f := &file{data: data, pageSize: size, usable: size, npages: uint32(len(data) / size)}
		// A page's cells are written from its end backwards, so at the
		// right size the last cell lies in the page's second half; a
		// larger size sees real pages' starts with every cell in the
		// first quarter, a smaller one cell pointers past its end.
		n := 0
		for p := uint32(2); p <= f.npages; p++ {
			pg, ok := f.btree(p)
			if !ok || len(pg.cells) == 0 {
				continue
			}
			if slices.Max(pg.cells) >= size/2 {
				n++
			}
		}
		if n*size > bestN {
			best, bestN = size, n*size
		}
	}
	return best
}

// btreePage is a page that parses as a b-tree page.
type btreePage struct {
	num   uint32
	b     []byte
	hdr   int // offset of the page header (100 on page 1)
	kind  byte
	cells []int // offsets of the cells
	right uint32
}

func (p btreePage) leaf() bool  { return p.kind == 10 || p.kind == 13 }
func (p btreePage) index() bool { return p.kind == 2 || p.kind == 10 }

// btree parses page p's header and cell pointers, checking that they fit.
func (f *file) btree(p uint32) (btreePage, bool) {
	b := f.page(p)
	if b == nil {
		return btreePage{}, false
	}
	if f.usable > 0 && f.usable < len(b) {
		b = b[:f.usable]
	}
	hdr := 0
	if p == 1 {
		hdr = 100
	}
	if len(b) < hdr+12 {
		return btreePage{}, false
	}
	pg := btreePage{num: p, b: b, hdr: hdr, kind: b[hdr]}
	hsize := 8
	switch pg.kind {
	case 10, 13:
	case 2, 5:
		hsize = 12
		pg.right = binary.BigEndian.Uint32(b[hdr+8:])
		if pg.right == 0 || pg.right > f.npages || pg.right == p {
			return btreePage{}, false
		}
	default:
		return btreePage{}, false
	}
	n := int(binary.BigEndian.Uint16(b[hdr+3:]))
	content := int(binary.BigEndian.Uint16(b[hdr+5:]))
	if content == 0 {
		content = 65536
	}
	ptrs := hdr + hsize
	if ptrs+2*n > len(b) || (n > 0 && content > len(b)) || content < ptrs+2*n {
		return btreePage{}, false
	}
	if b[hdr+7] > 60 {
		return btreePage{}, false
	}
	pg.cells = make([]int, n)
	for i := range n {
		off := int(binary.BigEndian.Uint16(b[ptrs+2*i:]))
		if off < content || off >= len(b) {
			return btreePage{}, false
		}
		pg.cells[i] = off
	}
	return pg, true
}

// children lists the pages an interior page points to.
func (f *file) children(pg btreePage) []uint32 {
	out := make([]uint32, 0, len(pg.cells)+1)
	for _, off := range pg.cells {
		if off+4 > len(pg.b) {
			continue
		}
		c := binary.BigEndian.Uint32(pg.b[off:])
		if c != 0 && c <= f.npages && c != pg.num {
			out = append(out, c)
		}
	}
	return append(out, pg.right)
}

// cells calls fn with each cell of a leaf page: its rowid (table leaves)
// and its payload, followed through overflow pages as far as they go.
func (f *file) cells(pg btreePage, fn func(rowid int64, payload []byte, complete bool, overflow []uint32)) {
	for _, off := range pg.cells {
		b := pg.b[off:]
		size, n := varint(b)
		if n == 0 || size < 0 || size > int64(f.npages)*int64(f.usable) {
			continue
		}
		b = b[n:]
		var rowid int64
		if pg.kind == 13 {
			rowid, n = varint(b)
			if n == 0 {
				continue
			}
			b = b[n:]
		}
		local := f.localSize(int(size), pg.index())
		if local > len(b) {
			continue
		}
		payload := b[:local]
		complete := true
		var chain []uint32
		if local < int(size) {
			if len(b) < local+4 {
				continue
			}
			payload, chain, complete = f.overflow(payload, int(size), binary.BigEndian.Uint32(b[local:]))
		}
		fn(rowid, payload, complete, chain)
	}
}

// localSize is how much of a payload of size bytes sits on the page.
func (f *file) localSize(size int, index bool) int {
	u := f.usable
	x := u - 35
	if index {
		x = (u-12)*64/255 - 23
	}
	if size <= x {
		return size
	}
	m := (u-12)*32/255 - 23
	k := m + (size-m)%(u-4)
	if k <= x {
		return k
	}
	return m
}

// overflow appends the rest of a payload from its chain of overflow pages.
func (f *file) overflow(local []byte, size int, next uint32) ([]byte, []uint32, bool) {
	out := make([]byte, len(local), size)
	copy(out, local)
	var chain []uint32
	seen := map[uint32]bool{}
	for len(out) < size {
		if next == 0 || next > f.npages || seen[next] {
			return out, chain, false
		}
		seen[next] = true
		chain = append(chain, next)
		b := f.page(next)
		if b == nil || len(b) < f.usable {
			return out, chain, false
		}
		next = binary.BigEndian.Uint32(b)
		chunk := b[4:f.usable]
		if rest := size - len(out); len(chunk) > rest {
			chunk = chunk[:rest]
		}
		out = append(out, chunk...)
	}
	return out, chain, true
}

// varint reads SQLite's big-endian variable-length integer; n is 0 when b
// ends first.
func varint(b []byte) (v int64, n int) {
	var u uint64
	for i := range 9 {
		if i >= len(b) {
			return 0, 0
		}
		if i == 8 {
			u = u<<8 | uint64(b[i])
			return int64(u), 9
		}
		u = u<<7 | uint64(b[i]&0x7f)
		if b[i] < 0x80 {
			return int64(u), i + 1
		}
	}
	return 0, 0
}

// decodeRecord decodes a record. A payload cut short (complete false)
// gives the values that fit and nil for the rest; a header that does not
// make sense gives ok false.
func decodeRecord(p []byte, complete bool) ([]any, bool) {
	hsize, n := varint(p)
	if n == 0 || hsize < int64(n) || hsize > int64(len(p)) || hsize > 1<<16 {
		return nil, false
	}
	var types []int64
	for off := n; off < int(hsize); {
		t, m := varint(p[off:int(hsize)])
		if m == 0 || t == 10 || t == 11 || t < 0 {
			return nil, false
		}
		types = append(types, t)
		off += m
	}
	if len(types) == 0 {
		return nil, false
	}
	vals := make([]any, len(types))
	off := int(hsize)
	for i, t := range types {
		size := serialSize(t)
		if size > int64(len(p)-off) {
			if complete {
				return nil, false
			}
			break
		}
		b := p[off : off+int(size)]
		off += int(size)
		switch {
		case t == 0:
		case t <= 6:
			vals[i] = bigInt(b)
		case t == 7:
			vals[i] = float(b)
		case t == 8:
			vals[i] = int64(0)
		case t == 9:
			vals[i] = int64(1)
		case t%2 == 0:
			vals[i] = bytes.Clone(b)
		default:
			if !utf8.Valid(b) {
				return nil, false
			}
			vals[i] = string(b)
		}
	}
	if complete && off != len(p) {
		return nil, false
	}
	return vals, true
}

func serialSize(t int64) int64 {
	switch {
	case t <= 4:
		return [...]int64{0, 1, 2, 3, 4}[t]
	case t == 5:
		return 6
	case t == 6, t == 7:
		return 8
	case t < 12:
		return 0
	default:
		return (t - 12) / 2
	}
}

func bigInt(b []byte) int64 {
	var v int64
	if len(b) > 0 && b[0]&0x80 != 0 {
		v = -1
	}
	for _, c := range b {
		v = v<<8 | int64(c)
	}
	return v
}
