package corpus

import (
	"math"
	"sort"
)

// Quality is the retrieval quality of an engine on a query set.
type Quality struct {
	SuccessAt10          float64 // known-item queries with a relevant id in the top 10
	MRR                  float64 // known-item queries: mean of 1/rank of the first relevant id
	PrecisionAt10        float64 // precision queries: relevant in top 10 / min(10, |relevant|)
	KnownItem, Precision int
	// ByKind is success@10 per known-item kind and precision@10 for "prec".
	ByKind map[string]float64
}

// Score computes Quality from each query's ranked result ids.
func Score(queries []Query, results [][]string) Quality {
	q := Quality{ByKind: map[string]float64{}}
	kindN := map[string]int{}
	for i, query := range queries {
		relevant := make(map[string]bool, len(query.Relevant))
		for _, id := range query.Relevant {
			relevant[id] = true
		}
		top := results[i]
		if len(top) > 10 {
			top = top[:10]
		}
		kindN[query.Kind]++
		if query.Kind == PrecisionKind {
			hits := 0
			for _, id := range top {
				if relevant[id] {
					hits++
				}
			}
			p := float64(hits) / float64(min(10, len(query.Relevant)))
			q.PrecisionAt10 += p
			q.ByKind[query.Kind] += p
			q.Precision++
			continue
		}
		q.KnownItem++
		for rank, id := range top {
			if relevant[id] {
				q.SuccessAt10++
				q.MRR += 1 / float64(rank+1)
				q.ByKind[query.Kind]++
				break
			}
		}
	}
	if q.KnownItem > 0 {
		q.SuccessAt10 /= float64(q.KnownItem)
		q.MRR /= float64(q.KnownItem)
	}
	if q.Precision > 0 {
		q.PrecisionAt10 /= float64(q.Precision)
	}
	for k, n := range kindN {
		q.ByKind[k] /= float64(n)
	}
	return q
}

// Percentiles returns the nearest-rank p-th percentiles (0–100) of ms.
func Percentiles(ms []float64, ps ...float64) []float64 {
	out := make([]float64, len(ps))
	if len(ms) == 0 {
		return out
	}
	sorted := append([]float64(nil), ms...)
	sort.Float64s(sorted)
	for i, p := range ps {
		idx := int(math.Ceil(p/100*float64(len(sorted)))) - 1
		out[i] = sorted[max(0, min(idx, len(sorted)-1))]
	}
	return out
}
