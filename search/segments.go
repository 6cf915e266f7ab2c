package search

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// A segment file (Bleve's zap format) ends with the CRC-32 (IEEE, big
// endian) of every byte before it. Bleve does not read it when it opens a
// segment, so noise inside one goes unseen by searches, which answer from
// the damaged data; CheckSegments reads it.

// segmentsChecked remembers, in the index folder, the files found sound
// and their size and time then, so that a check at every start reads only
// what changed. Removing the index removes it too.
const segmentsChecked = "segments-checked.json"

type segmentStamp struct {
	Size    int64 `json:"size"`
	ModTime int64 `json:"mtime"`
}

// SegmentProblem is a segment file that fails its checksum.
type SegmentProblem struct {
	File   string // the file's name, in the index's store folder
	Reason string
}

// CheckSegments compares each segment file's checksum with its content.
// With changedOnly, files already found sound and unchanged since are not
// read again.
func (ix *Index) CheckSegments(ctx context.Context, changedOnly bool) ([]SegmentProblem, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	files, release, err := ix.segmentFilesLocked()
	if err != nil {
		return nil, err
	}
	defer release()
	return checkFiles(ctx, ix.dir, files, changedOnly)
}

// Damaged lists the segment files that failed their checksum when Open
// found them, after which it started an empty index.
func (ix *Index) Damaged() []SegmentProblem { return ix.damaged }

// openChecked opens the index with Bleve once the segment files changed
// since the last check pass theirs: Bleve trusts a segment's offsets and
// panics on a damaged one. A panic of Bleve's in opening is a damaged
// index as well.
func (ix *Index) openChecked() (idx bleve.Index, err error) {
	files, err := filepath.Glob(filepath.Join(ix.dir, "store", "*.zap"))
	if err != nil {
		return nil, err
	}
	if ix.damaged, err = checkFiles(context.Background(), ix.dir, files, true); err != nil {
		return nil, err
	}
	if len(ix.damaged) > 0 {
		return nil, errors.New("damaged segments")
	}
	defer func() {
		if r := recover(); r != nil {
			idx, err = nil, fmt.Errorf("open index: %v", r)
		}
	}()
	return bleve.OpenUsing(ix.dir, config())
}

func checkFiles(ctx context.Context, dir string, files []string, changedOnly bool) ([]SegmentProblem, error) {
	known := map[string]segmentStamp{}
	stampPath := filepath.Join(dir, segmentsChecked)
	if changedOnly {
		if raw, err := os.ReadFile(stampPath); err == nil {
			json.Unmarshal(raw, &known) // an unreadable record means: read everything
		}
	}
	sound := map[string]segmentStamp{}
	var problems []SegmentProblem
	for _, path := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		name := filepath.Base(path)
		st, err := os.Stat(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue // merged away meanwhile
		}
		if err != nil {
			return nil, fmt.Errorf("check index segment %s: %w", name, err)
		}
		stamp := segmentStamp{Size: st.Size(), ModTime: st.ModTime().UnixNano()}
		if old, ok := known[name]; ok && old == stamp {
			sound[name] = stamp
			continue
		}
		reason, err := checkSegment(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("check index segment %s: %w", name, err)
		}
		if reason == "" {
			sound[name] = stamp
			continue
		}
		problems = append(problems, SegmentProblem{File: name, Reason: reason})
	}
	if raw, err := json.Marshal(sound); err == nil {
		// Only a cache: failing to keep it costs the next start a full read.
		os.WriteFile(stampPath, raw, 0o644)
	}
	return problems, nil
}

// SegmentFiles lists the segment files the index reads now.
func (ix *Index) SegmentFiles() ([]string, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	files, release, err := ix.segmentFilesLocked()
	if err != nil {
		return nil, err
	}
	release()
	return files, nil
}

// segmentFilesLocked lists the files of the segments the index's current
// snapshot holds on disk (segments still in memory have none). Older
// files in the folder, which a merge replaced, are not read by searches;
// until release is called the snapshot keeps these from being removed.
func (ix *Index) segmentFilesLocked() (files []string, release func(), err error) {
	if ix.idx == nil {
		return nil, nil, errors.New("the index is closed")
	}
	r, err := ix.openReader()
	if err != nil {
		return nil, nil, fmt.Errorf("list index segments: %w", err)
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		r.Close()
		return nil, nil, fmt.Errorf("list index segments: the index is a %T", r)
	}
	for _, ss := range snap.Segments() {
		if p, ok := ss.Segment().(interface{ Path() string }); ok {
			files = append(files, p.Path())
		}
	}
	sort.Strings(files)
	return files, func() { r.Close() }, nil
}

// checkSegment returns why the segment at path is damaged, or "".
func checkSegment(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", err
	}
	const footer = 4 + 4 + 4 + 8 + 8 + 8 + 8 + 8
	if st.Size() < footer {
		return fmt.Sprintf("%d bytes, shorter than a segment's footer", st.Size()), nil
	}
	h := crc32.NewIEEE()
	if _, err := io.CopyN(h, f, st.Size()-4); err != nil {
		return "", err
	}
	var stored [4]byte
	if _, err := io.ReadFull(f, stored[:]); err != nil {
		return "", err
	}
	if got, want := h.Sum32(), binary.BigEndian.Uint32(stored[:]); got != want {
		return fmt.Sprintf("checksum %08x, the file says %08x", got, want), nil
	}
	return "", nil
}
