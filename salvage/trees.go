package salvage

import (
	"encoding/binary"
	"math"
)

func float(b []byte) float64 { return math.Float64frombits(binary.BigEndian.Uint64(b)) }

// readSchema reads sqlite_schema (the tree rooted at page 1) for the root
// page of each table and index.
func (f *file) readSchema(r *Result) {
	seen := map[uint32]bool{}
	var walk func(p uint32, depth int)
	walk = func(p uint32, depth int) {
		if depth > 20 || seen[p] {
			return
		}
		seen[p] = true
		pg, ok := f.btree(p)
		if !ok {
			return
		}
		if !pg.leaf() {
			for _, c := range f.children(pg) {
				walk(c, depth+1)
			}
			return
		}
		f.cells(pg, func(_ int64, payload []byte, complete bool, _ []uint32) {
			v, ok := decodeRecord(payload, complete)
			if !ok || len(v) < 4 {
				return
			}
			name, _ := v[1].(string)
			root, _ := v[3].(int64)
			if name != "" && root > 1 && root <= int64(f.npages) {
				r.Roots[uint32(root)] = name
			}
		})
	}
	walk(1, 0)
}

// trace assigns pages to the trees they belong to: downwards from each
// known root first, then upwards through whatever interior pages are
// intact, for the pages cut off from their root by a damaged parent.
// Damaged pages a parent points to are listed in r.Damaged.
func (f *file) trace(roots map[uint32]string, r *Result) map[uint32]string {
	owner := map[uint32]string{}
	damaged := map[uint32]bool{}
	for root, name := range roots {
		stack := []uint32{root}
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if _, done := owner[p]; done {
				continue
			}
			pg, ok := f.btree(p)
			if !ok {
				damaged[p] = true
				continue
			}
			owner[p] = name
			if !pg.leaf() {
				stack = append(stack, f.children(pg)...)
			}
		}
	}
	parent := map[uint32]uint32{}
	for p := uint32(1); p <= f.npages; p++ {
		if _, done := owner[p]; done {
			continue
		}
		pg, ok := f.btree(p)
		if !ok || pg.leaf() {
			continue
		}
		for _, c := range f.children(pg) {
			if _, ok := parent[c]; !ok {
				parent[c] = p
			}
		}
	}
	for p := uint32(1); p <= f.npages; p++ {
		if _, done := owner[p]; done {
			continue
		}
		q, steps := p, 0
		for steps < 64 {
			up, ok := parent[q]
			if !ok {
				break
			}
			if name, ok := owner[up]; ok {
				owner[p] = name
				break
			}
			q, steps = up, steps+1
		}
	}
	for p := range damaged {
		r.Damaged = append(r.Damaged, p)
	}
	return owner
}

// freePages lists the pages on the free list, as far as its trunk pages
// can be read.
func (f *file) freePages() map[uint32]bool {
	free := map[uint32]bool{}
	h := f.page(1)
	if len(h) < 100 || string(h[:16]) != string(magic) {
		return free
	}
	trunk := binary.BigEndian.Uint32(h[32:])
	for trunk != 0 && trunk <= f.npages && !free[trunk] {
		free[trunk] = true
		b := f.page(trunk)
		if len(b) < 8 {
			break
		}
		n := binary.BigEndian.Uint32(b[4:])
		if int(n) > (f.usable-8)/4 {
			break
		}
		for i := range int(n) {
			if leaf := binary.BigEndian.Uint32(b[8+4*i:]); leaf != 0 && leaf <= f.npages {
				free[leaf] = true
			}
		}
		trunk = binary.BigEndian.Uint32(b)
	}
	return free
}

// readWAL returns, for each page, its newest copy among the log's
// committed frames. Reading stops at the first frame whose salt or
// checksum is wrong, as SQLite's recovery of a log does.
func readWAL(wal []byte, pageSize int) map[uint32][]byte {
	out := map[uint32][]byte{}
	if len(wal) < 32 || pageSize == 0 {
		return out
	}
	m := binary.BigEndian.Uint32(wal)
	if m != 0x377f0682 && m != 0x377f0683 {
		return out
	}
	if int(binary.BigEndian.Uint32(wal[8:])) != pageSize {
		return out
	}
	var order binary.ByteOrder = binary.LittleEndian
	if m&1 == 1 {
		order = binary.BigEndian
	}
	s0, s1 := walChecksum(order, wal[:24], 0, 0)
	if s0 != binary.BigEndian.Uint32(wal[24:]) || s1 != binary.BigEndian.Uint32(wal[28:]) {
		return out
	}
	salt := wal[16:24]
	pending := map[uint32][]byte{}
	for off := 32; off+24+pageSize <= len(wal); off += 24 + pageSize {
		fh := wal[off : off+24]
		if string(fh[8:16]) != string(salt) {
			break
		}
		s0, s1 = walChecksum(order, fh[:8], s0, s1)
		s0, s1 = walChecksum(order, wal[off+24:off+24+pageSize], s0, s1)
		if s0 != binary.BigEndian.Uint32(fh[16:]) || s1 != binary.BigEndian.Uint32(fh[20:]) {
			break
		}
		pending[binary.BigEndian.Uint32(fh)] = wal[off+24 : off+24+pageSize]
		if binary.BigEndian.Uint32(fh[4:]) != 0 { // a commit
			for p, b := range pending {
				out[p] = b
			}
			clear(pending)
		}
	}
	return out
}

func walPageSize(wal []byte) int {
	if len(wal) < 32 {
		return 0
	}
	size := int(binary.BigEndian.Uint32(wal[8:]))
	if size < 512 || size > 65536 || size&(size-1) != 0 {
		return 0
	}
	return size
}

func walChecksum(order binary.ByteOrder, b []byte, s0, s1 uint32) (uint32, uint32) {
	for i := 0; i+8 <= len(b); i += 8 {
		s0 += order.Uint32(b[i:]) + s1
		s1 += order.Uint32(b[i+4:]) + s0
	}
	return s0, s1
}
