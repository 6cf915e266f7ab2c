package search

import (
	"context"
	"fmt"
	"testing"
)

// The start-up check compares every entry's change number in the index
// with the database's; a page boundary must neither drop nor repeat one.
func TestEachSeqReadsEveryChangeNumberOnceInOrder(t *testing.T) {
	n := seqPage*2 + 7
	docs := make([]Document, n)
	for i := range docs {
		// Ids run against the change numbers, so an order by id would show.
		docs[i] = Document{ID: fmt.Sprintf("e%05d", n-i), Title: "メモ", Body: "本文", Date: "2024-01-01", Seq: int64(i + 1)}
	}
	ix := openIndex(t, docs, int64(n))
	var want int64 = 1
	err := ix.EachSeq(context.Background(), func(id string, seq int64) error {
		if seq != want || id != fmt.Sprintf("e%05d", n-int(seq)+1) {
			return fmt.Errorf("got %s at %d, want change %d", id, seq, want)
		}
		want++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want != int64(n)+1 {
		t.Fatalf("read %d change numbers of %d", want-1, n)
	}
}
