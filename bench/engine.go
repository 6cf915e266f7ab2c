package bench

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/tsuzuri/tsuzuri/bench/corpus"
)

// Engine is one search engine under measurement.
type Engine interface {
	Name() string
	// Build indexes the JSON Lines corpus at path from nothing.
	Build(ctx context.Context, path string) error
	// Search returns the ids of the top k results for a query as typed.
	Search(ctx context.Context, q string, k int) ([]string, error)
	// Dir is the folder holding everything the engine wrote.
	Dir() string
	Close() error
}

// Report is what Run measured of one engine.
type Report struct {
	Engine        string
	Quality       corpus.Quality
	BuildSeconds  float64
	MBPerSecond   float64 // text indexed per second of build
	P50, P95, P99 float64 // search latency, ms
	BuildRSSMB    float64 // peak resident memory while building
	PeakRSSMB     float64 // peak resident memory over build and search
	SizeMB        float64 // on disk
	SizeRatio     float64 // on disk / text size
	// Sets is the quality on each further query set, by its name.
	Sets map[string]corpus.Quality
	// TypingP50 and TypingP99 are the search box's latency on the
	// typing queries, ms.
	TypingP50, TypingP99 float64
}

// QuerySet is a further set of queries scored on the same build, for
// quality only: each query runs once.
type QuerySet struct {
	Name    string
	Queries []corpus.Query
}

// Run builds each engine on the corpus, runs every query rounds times, and
// reports quality, speed, memory and size. Engines run one after another, so
// each has the machine to itself.
func Run(ctx context.Context, engines []Engine, corpusPath string, textBytes int64, queries []corpus.Query, sets []QuerySet, typing []Keystroke, rounds int, log func(string)) ([]Report, error) {
	var reports []Report
	for _, e := range engines {
		runtime.GC()
		debug.FreeOSMemory()
		resetPeakRSS()
		log(fmt.Sprintf("%s: building…", e.Name()))
		start := time.Now()
		if err := e.Build(ctx, corpusPath); err != nil {
			return reports, fmt.Errorf("%s: build: %w", e.Name(), err)
		}
		build := time.Since(start).Seconds()
		buildRSS := peakRSSMB()
		log(fmt.Sprintf("%s: built in %.1f s; searching…", e.Name(), build))
		results := make([][]string, len(queries))
		var lat []float64
		for r := 0; r < rounds; r++ {
			for i, q := range queries {
				t := time.Now()
				ids, err := e.Search(ctx, q.Q, 10)
				if err != nil {
					return reports, fmt.Errorf("%s: search %q: %w", e.Name(), q.Q, err)
				}
				lat = append(lat, float64(time.Since(t).Microseconds())/1000)
				results[i] = ids
			}
		}
		var typed []float64
		for r := 0; r < rounds; r++ {
			for _, k := range typing {
				t := time.Now()
				var err error
				if b, ok := e.(Browser); ok {
					err = b.Browse(ctx, k.Q, k.ByDate)
				} else {
					_, err = e.Search(ctx, k.Q, 20)
				}
				if err != nil {
					return reports, fmt.Errorf("%s: type %q: %w", e.Name(), k.Q, err)
				}
				typed = append(typed, float64(time.Since(t).Microseconds())/1000)
			}
		}
		tp := corpus.Percentiles(typed, 50, 99)
		scored := map[string]corpus.Quality{}
		for _, set := range sets {
			results := make([][]string, len(set.Queries))
			for i, q := range set.Queries {
				ids, err := e.Search(ctx, q.Q, 10)
				if err != nil {
					return reports, fmt.Errorf("%s: search %q: %w", e.Name(), q.Q, err)
				}
				results[i] = ids
			}
			scored[set.Name] = corpus.Score(set.Queries, results)
		}
		peakRSS := peakRSSMB()
		if err := e.Close(); err != nil {
			return reports, fmt.Errorf("%s: close: %w", e.Name(), err)
		}
		// Measured closed: while an engine runs, segments it has merged
		// away may still be on disk.
		size := dirSize(e.Dir())
		ps := corpus.Percentiles(lat, 50, 95, 99)
		reports = append(reports, Report{
			Engine: e.Name(), Quality: corpus.Score(queries, results),
			BuildSeconds: build, MBPerSecond: float64(textBytes) / 1e6 / build,
			P50: ps[0], P95: ps[1], P99: ps[2],
			BuildRSSMB: buildRSS, PeakRSSMB: peakRSS, SizeMB: float64(size) / 1e6, SizeRatio: float64(size) / float64(textBytes),
			Sets: scored, TypingP50: tp[0], TypingP99: tp[1],
		})
	}
	return reports, nil
}

// resetPeakRSS restarts the kernel's peak-RSS counter (Linux 4.0+), so each
// engine's figure is its own; elsewhere the figure is the process's peak.
func resetPeakRSS() {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
