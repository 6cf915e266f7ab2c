package app

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A backup's database goes into the zip compressed a chunk per core; any
// zip reader must get the file back exactly, checksum checked, whatever
// its size against the chunks: empty, one byte, at and around a chunk's
// end, several chunks, and data that does not compress.
func TestParallelDeflateRoundTrips(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	text := func(n int) []byte {
		b := make([]byte, n)
		words := []string{"障害対応 ", "deploy ", "サーバー", "。", "\n", "SLA 99.95% "}
		for i := 0; i < n; {
			i += copy(b[i:], words[rng.IntN(len(words))])
		}
		return b
	}
	noise := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	cases := map[string][]byte{
		"empty":             nil,
		"one byte":          {'x'},
		"a chunk less one":  text(deflateChunk - 1),
		"a chunk":           text(deflateChunk),
		"a chunk and one":   text(deflateChunk + 1),
		"three and a half":  text(3*deflateChunk + deflateChunk/2),
		"incompressible x2": noise(2*deflateChunk + 7),
	}
	for name, want := range cases {
		t.Run(name, func(t *testing.T) {
			src := filepath.Join(t.TempDir(), "db")
			if err := os.WriteFile(src, want, 0o644); err != nil {
				t.Fatal(err)
			}
			var zipped bytes.Buffer
			zw := zip.NewWriter(&zipped)
			if err := addDeflated(zw, "tsuzuri.db", src); err != nil {
				t.Fatal(err)
			}
			if err := addZipFile(zw, "after.txt", src, zip.Deflate); err != nil {
				t.Fatal(err)
			}
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			zr, err := zip.NewReader(bytes.NewReader(zipped.Bytes()), int64(zipped.Len()))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range zr.File {
				r, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(r) // checks the CRC at the end
				if err != nil {
					t.Fatalf("%s: %v", f.Name, err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("%s: got %d bytes back, want the %d written", f.Name, len(got), len(want))
				}
			}
		})
	}
}

// The joined stream is one deflate stream to a plain reader too, not only
// to archive/zip.
func TestParallelDeflateIsOneStream(t *testing.T) {
	want := bytes.Repeat([]byte("今日の振り返り: incident review. "), 3*deflateChunk/40)
	var out bytes.Buffer
	d, err := deflateParallel(&out, bytes.NewReader(want), flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	if d.in != int64(len(want)) || d.out != int64(out.Len()) {
		t.Errorf("sizes: %+v; wrote %d of %d", d, out.Len(), len(want))
	}
	got, err := io.ReadAll(flate.NewReader(&out))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("read back %d bytes, want %d", len(got), len(want))
	}
}

// failAfter is a destination that fills up, as a full disk does.
type failAfter struct{ left int }

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.left {
		n := f.left
		f.left = 0
		return n, errors.New("no space left on device")
	}
	f.left -= len(p)
	return len(p), nil
}

// A destination that fails stops the compression with its error; the
// backup fails instead of hanging or reporting success.
func TestParallelDeflateStopsAtAWriteError(t *testing.T) {
	src := bytes.Repeat([]byte("バックアップ先が一杯 disk full. "), 8*deflateChunk/40)
	_, err := deflateParallel(&failAfter{left: 1000}, bytes.NewReader(src), flate.BestSpeed)
	if err == nil || !strings.Contains(err.Error(), "no space left") {
		t.Fatalf("err = %v, want the destination's error", err)
	}
}
