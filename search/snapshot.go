package search

import (
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
)

// snapshotView is one snapshot of the index with its segments, for the
// searches that read segments themselves (datesort.go).
// Bleve numbers the documents of a snapshot one segment after another.
type snapshotView struct {
	r      index.IndexReader
	segs   []*scorch.SegmentSnapshot
	starts []uint64 // each segment's first number; the last is one past the end
}

// openReader opens a reader of the index's current snapshot, which the
// caller closes. ix.mu is held.
func (ix *Index) openReader() (index.IndexReader, error) {
	in, err := ix.idx.Advanced()
	if err != nil {
		return nil, err
	}
	return in.Reader()
}

// openView opens the index's current snapshot; nil when the index is not
// one whose segments can be read this way. ix.mu is held.
func (ix *Index) openView() (*snapshotView, error) {
	r, err := ix.openReader()
	if err != nil {
		return nil, fmt.Errorf("open index snapshot: %w", err)
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		r.Close()
		return nil, nil
	}
	v := &snapshotView{r: r, segs: snap.Segments()}
	v.starts = make([]uint64, len(v.segs)+1)
	for i, ss := range v.segs {
		// Bleve counts deleted documents too, as their numbers stay taken.
		v.starts[i+1] = v.starts[i] + ss.Segment().Count()
	}
	return v, nil
}

func (v *snapshotView) close() { v.r.Close() }

// locate is the segment of document number num and its number there.
func (v *snapshotView) locate(num uint64) (seg int, local uint64) {
	seg = sort.Search(len(v.segs), func(i int) bool { return v.starts[i+1] > num })
	return seg, num - v.starts[seg]
}

// id is the entry id of document number num.
func (v *snapshotView) id(num uint64) (string, error) {
	seg, local := v.locate(num)
	id, err := v.segs[seg].DocID(local)
	if err != nil {
		return "", fmt.Errorf("read id of a hit: %w", err)
	}
	return string(id), nil
}

func docNumber(id index.IndexInternalID) uint64 { return binary.BigEndian.Uint64(id) }

func internalID(num uint64) index.IndexInternalID {
	id := make(index.IndexInternalID, 8)
	binary.BigEndian.PutUint64(id, num)
	return id
}
