package app

import (
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"sync"
)

// deflateChunk is how much of a file each core compresses on its own.
// Each chunk starts without the previous one's history, which costs well
// under 1% of the size at this length.
const deflateChunk = 1 << 20

// deflated is what a zip entry's header needs after its data is written.
type deflated struct {
	crc     uint32
	in, out int64
}

// deflateParallel writes src to w as one raw deflate stream, compressed a
// chunk at a time on every core, as pigz does: each chunk ends with a sync
// flush, which leaves the stream on a byte boundary, so the chunks join
// into one valid stream, and an empty final block closes it. A backup's
// database is most of its time; on a 100k diary, compressing it on one
// core was 1.5 s after every first import and before every daily backup.
func deflateParallel(w io.Writer, src io.Reader, level int) (deflated, error) {
	type job struct {
		in   []byte
		out  bytes.Buffer
		done chan error
	}
	workers := min(runtime.GOMAXPROCS(0), 4)
	jobs := make(chan *job, workers)
	inOrder := make(chan *job, workers)
	// Buffers go round: at most every job in the two queues, one being
	// read and one being written.
	free := make(chan []byte, 2*workers+2)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var fw *flate.Writer
			for j := range jobs {
				if fw == nil {
					var err error
					if fw, err = flate.NewWriter(&j.out, level); err != nil {
						j.done <- err
						continue
					}
				} else {
					fw.Reset(&j.out)
				}
				_, err := fw.Write(j.in)
				if err == nil {
					err = fw.Flush()
				}
				j.done <- err
			}
		})
	}
	readErr := make(chan error, 1)
	go func() {
		defer close(inOrder)
		defer close(jobs)
		for {
			select {
			case <-stop: // the output failed: the rest would be thrown away
				readErr <- nil
				return
			default:
			}
			var buf []byte
			select {
			case buf = <-free:
			default:
				buf = make([]byte, deflateChunk)
			}
			n, err := io.ReadFull(src, buf)
			if n > 0 {
				j := &job{in: buf[:n], done: make(chan error, 1)}
				jobs <- j
				inOrder <- j
			}
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				readErr <- nil
				return
			}
			if err != nil {
				readErr <- err
				return
			}
		}
	}()
	var d deflated
	var firstErr error
	fail := func(err error) {
		if firstErr == nil {
			firstErr = err
			close(stop)
		}
	}
	for j := range inOrder {
		if err := <-j.done; err != nil {
			fail(fmt.Errorf("compress: %w", err))
		}
		if firstErr == nil {
			d.crc = crc32.Update(d.crc, crc32.IEEETable, j.in)
			d.in += int64(len(j.in))
			n, err := w.Write(j.out.Bytes())
			d.out += int64(n)
			if err != nil {
				fail(err)
			}
		}
		select {
		case free <- j.in[:cap(j.in)]:
		default:
		}
	}
	wg.Wait()
	if err := <-readErr; firstErr == nil && err != nil {
		firstErr = err
	}
	if firstErr != nil {
		return d, firstErr
	}
	// An empty fixed-Huffman block with the final bit set.
	n, err := w.Write([]byte{0x03, 0x00})
	d.out += int64(n)
	return d, err
}
