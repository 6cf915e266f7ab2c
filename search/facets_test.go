package search

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// countsFromIndex counts ids by the index's doc values, as before the
// table existed.
func countsFromIndex(t *testing.T, ix *Index, ids []string) *Result {
	t.Helper()
	res := &Result{}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if err := ix.facets(context.Background(), res, bleve.NewDocIDQuery(ids), "test"); err != nil {
		t.Fatal(err)
	}
	return res
}

func countsFromTable(t *testing.T, ix *Index, ids []string) *Result {
	t.Helper()
	res := &Result{}
	if !ix.facetRows.count(res, ids) {
		t.Fatal("the tag and year table is not ready")
	}
	return res
}

// sameCounts fails unless the table counts ids as the index does.
func sameCounts(t *testing.T, ix *Index, ids []string, when string) {
	t.Helper()
	want, got := countsFromIndex(t, ix, ids), countsFromTable(t, ix, ids)
	if !reflect.DeepEqual(got.Tags, want.Tags) || !reflect.DeepEqual(got.Years, want.Years) {
		t.Errorf("%s: table counts tags %v years %v, the index %v %v", when, got.Tags, got.Years, want.Tags, want.Years)
	}
}

func waitFacetRows(t *testing.T, ix *Index) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if ix.facetRows.count(&Result{}, nil) {
			return
		}
	}
	t.Fatal("the tag and year table was not filled in 10 s")
}

// diaryOfYears is n entries over five years, with tags that repeat, one
// entry carrying a tag twice and some none.
func diaryOfYears(n int) []Document {
	docs := make([]Document, n)
	for i := range docs {
		var tags []string
		switch i % 4 {
		case 1:
			tags = []string{"SRE"}
		case 2:
			tags = []string{"SRE", "障害"}
		case 3:
			tags = []string{fmt.Sprintf("会議%d", i%7), "SRE", "SRE"}
		}
		docs[i] = Document{ID: fmt.Sprintf("e%04d", i), Title: "夜の作業", Body: fmt.Sprintf("監視の設定を見直した。%d 件目", i), Date: fmt.Sprintf("%d-0%d-1%d", 2020+i%5, 1+i%9, i%10), Tags: tags, Seq: int64(i + 1)}
	}
	return docs
}

func idsOfDocs(docs []Document) []string {
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	return ids
}

// The tags and years counted for results follow every edit, removal and
// reopening of the index, and are what the index's own counts are.
func TestTagAndYearCountsFollowEveryChange(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	docs := diaryOfYears(60)
	if err := ix.Apply(ctx, docs, nil, 60); err != nil {
		t.Fatal(err)
	}
	// An id the index does not have, and one given twice.
	all := append(idsOfDocs(docs), "unknown", docs[0].ID)
	sameCounts(t, ix, all, "indexed")

	moved := docs[2]
	moved.Date, moved.Tags = "2031-01-01", []string{"移行"}
	if err := ix.Apply(ctx, []Document{moved}, []string{docs[1].ID, docs[5].ID}, 61); err != nil {
		t.Fatal(err)
	}
	sameCounts(t, ix, all, "edited and removed")
	res := countsFromTable(t, ix, all)
	if res.Years[0] != (Facet{"2031", 1}) || !containsFacet(res.Tags, Facet{"移行", 1}) {
		t.Errorf("an entry moved to 2031 and tagged 移行 is not counted so: %v %v", res.Tags, res.Years)
	}
	// A search whose hits are all in hand counts them from the table.
	found, err := ix.Search(ctx, Request{Query: "監視", Limit: 200, Facets: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := countsFromIndex(t, ix, all); !reflect.DeepEqual(found.Tags, want.Tags) || !reflect.DeepEqual(found.Years, want.Years) {
		t.Errorf("search counts tags %v years %v, want %v %v", found.Tags, found.Years, want.Tags, want.Years)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	if ix, err = Open(dir); err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	// The first count after opening comes from the index and starts the
	// table's fill; the next from the table.
	for _, when := range []string{"first search after reopening", "once the table is filled"} {
		reopened, err := ix.Search(ctx, Request{Query: "監視", Limit: 200, Facets: true})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(reopened.Tags, found.Tags) || !reflect.DeepEqual(reopened.Years, found.Years) {
			t.Errorf("%s: tags %v years %v, before closing %v %v", when, reopened.Tags, reopened.Years, found.Tags, found.Years)
		}
		waitFacetRows(t, ix)
	}
	sameCounts(t, ix, all, "reopened")

	if err := ix.Reset(); err != nil {
		t.Fatal(err)
	}
	if res := countsFromTable(t, ix, all); len(res.Tags)+len(res.Years) != 0 {
		t.Errorf("an emptied index still counts %v %v", res.Tags, res.Years)
	}
}

func containsFacet(fs []Facet, f Facet) bool {
	for _, g := range fs {
		if g == f {
			return true
		}
	}
	return false
}

// Edits made while the table is filled from an older snapshot of the
// index win over what the snapshot says.
func TestEditsDuringTheFillAreKept(t *testing.T) {
	ctx := context.Background()
	docs := diaryOfYears(40)
	ix := openIndex(t, docs, 40)
	fill, snapshot, err := ix.fillSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer snapshot.Close()
	retagged := docs[3]
	retagged.Date, retagged.Tags = "2030-05-05", []string{"振り返り"}
	if err := ix.Apply(ctx, []Document{retagged}, []string{docs[6].ID}, 41); err != nil {
		t.Fatal(err)
	}
	if err := ix.facetRows.fillFrom(snapshot, fill, func() bool { return false }); err != nil {
		t.Fatal(err)
	}
	sameCounts(t, ix, idsOfDocs(docs), "filled from the snapshot before the edit")
}

// A fill stopped half way leaves counts to the index, which are right.
func TestAStoppedFillLeavesCountsToTheIndex(t *testing.T) {
	docs := diaryOfYears(3000)
	ix := openIndex(t, docs, 3000)
	fill, snapshot, err := ix.fillSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer snapshot.Close()
	if err := ix.facetRows.fillFrom(snapshot, fill, func() bool { return true }); !errors.Is(err, errFillStopped) {
		t.Fatalf("fill told to stop: %v", err)
	}
	if ix.facetRows.count(&Result{}, nil) {
		t.Fatal("a stopped fill left the table ready")
	}
	ids := idsOfDocs(docs[:200])
	res := &Result{}
	ix.mu.RLock()
	err = ix.facetsOf(context.Background(), res, ids, "test")
	ix.mu.RUnlock()
	if err != nil {
		t.Fatal(err)
	}
	if want := countsFromIndex(t, ix, ids); !reflect.DeepEqual(res.Tags, want.Tags) || !reflect.DeepEqual(res.Years, want.Years) {
		t.Errorf("counts %v %v, want %v %v", res.Tags, res.Years, want.Tags, want.Years)
	}
}
