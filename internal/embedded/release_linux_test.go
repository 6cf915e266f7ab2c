package embedded

import (
	_ "embed"
	"encoding/binary"
	"os"
	"strings"
	"testing"
	"unsafe"
)

//go:embed testdata/blob.txt
var blob string

// presentPages counts the pages s lies on that are mapped into the process
// (bit 63 of each page's entry in /proc/self/pagemap).
func presentPages(t *testing.T, s string) int {
	t.Helper()
	f, err := os.Open("/proc/self/pagemap")
	if err != nil {
		t.Skip("no /proc/self/pagemap:", err)
	}
	defer f.Close()
	page := uintptr(os.Getpagesize())
	at := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	first, last := at/page, (at+uintptr(len(s))-1)/page
	entries := make([]byte, 8*(last-first+1))
	if _, err := f.ReadAt(entries, int64(first*8)); err != nil {
		t.Skip("pagemap not readable:", err)
	}
	present := 0
	for i := 0; i < len(entries); i += 8 {
		if binary.LittleEndian.Uint64(entries[i:])&(1<<63) != 0 {
			present++
		}
	}
	return present
}

func TestReleaseDropsEmbeddedPagesAndKeepsTheirContent(t *testing.T) {
	want, err := os.ReadFile("testdata/blob.txt")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(blob, "\n") != 1000 { // reads every page of it
		t.Fatal("embedded blob is not the test file")
	}
	if before := presentPages(t, blob); before < 17 {
		t.Fatalf("only %d of the blob's pages are mapped after reading it all", before)
	}
	Release(blob)
	// All but the two pages it shares with its neighbours are gone.
	if after := presentPages(t, blob); after > 2 {
		t.Errorf("%d of the blob's pages still mapped after Release", after)
	}
	if blob != string(want) {
		t.Error("the blob reads differently after its pages were released")
	}
	if after := presentPages(t, blob); after < 17 {
		t.Errorf("reading the blob again mapped only %d pages", after)
	}
}

func TestReleaseLeavesHeapMemoryAlone(t *testing.T) {
	heap := strings.Repeat("日記", 20000)
	Release(heap)
	if heap != strings.Repeat("日記", 20000) {
		t.Fatal("Release discarded heap memory")
	}
}
