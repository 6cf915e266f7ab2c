package corpus

import (
	"math"
	"testing"
)

func TestScore(t *testing.T) {
	queries := []Query{
		{Q: "a", Kind: "exact", Relevant: []string{"x"}},
		{Q: "b", Kind: "exact", Relevant: []string{"y"}},
		{Q: "c", Kind: "short2", Relevant: []string{"z"}},
		{Q: "d", Kind: PrecisionKind, Relevant: []string{"p1", "p2", "p3", "p4"}},
	}
	results := [][]string{
		{"x", "q"}, // rank 1
		{"q", "y"}, // rank 2
		{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "z"}, // rank 11: a miss
		{"p1", "n", "p2", "n2"},                                  // 2 of min(10,4)
	}
	q := Score(queries, results)
	near := func(got, want float64) bool { return math.Abs(got-want) < 1e-9 }
	if !near(q.SuccessAt10, 2.0/3) {
		t.Errorf("success@10 = %v, want 2/3", q.SuccessAt10)
	}
	if !near(q.MRR, (1+0.5+0)/3) {
		t.Errorf("MRR = %v, want 0.5", q.MRR)
	}
	if !near(q.PrecisionAt10, 0.5) {
		t.Errorf("precision@10 = %v, want 0.5", q.PrecisionAt10)
	}
	if !near(q.ByKind["exact"], 1) || !near(q.ByKind["short2"], 0) {
		t.Errorf("by kind = %v", q.ByKind)
	}
}

func TestPercentiles(t *testing.T) {
	ms := []float64{5, 1, 4, 2, 3, 10, 9, 8, 7, 6}
	got := Percentiles(ms, 50, 95, 99, 100)
	want := []float64{5, 10, 10, 10}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("p%v: got %v, want %v", []float64{50, 95, 99, 100}[i], got[i], want[i])
		}
	}
	if got := Percentiles(nil, 50); got[0] != 0 {
		t.Errorf("empty: %v", got)
	}
}
