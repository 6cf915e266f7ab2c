package bench

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/tsuzuri/tsuzuri/app"
	"github.com/tsuzuri/tsuzuri/bench/corpus"
)

// RelatedReport is how well and how fast related entries are found.
type RelatedReport struct {
	// Entries is how many entries were asked about for quality: those cut
	// from a document of at least MinSections sections.
	Entries int
	// Share is the share of the listed related entries (out of 5 asked
	// for) cut from the same document; Capped counts out of what the
	// document has to give (a document of 4 sections has 3 others).
	Share, Capped, PlainShare, PlainCapped float64
	// P50 and P95 are the latency, ms, of related for entries of
	// TextRunes characters, as the editor asks while one is written.
	Timed    int
	P50, P95 float64
	// PlainP50 and PlainP95 are the plain more-like-this's.
	PlainP50, PlainP95 float64
}

// MinSections is the size of document whose sections are asked about.
const MinSections = 4

// TextRunes is the length of the entries related is timed for.
const TextRunes = 2000

// maxTimed bounds the entries timed at scale.
const maxTimed = 1000

// Related measures related entries on a data folder the Tsuzuri engine
// built from corpusPath. sources maps an entry id to the document it was
// cut from (the corpus's source before '#'); with none, only speed is
// measured.
func Related(ctx context.Context, dataDir, corpusPath string, sources map[string]string) (RelatedReport, error) {
	var rep RelatedReport
	svc, err := app.Open(ctx, app.Options{DataDir: dataDir})
	if err != nil {
		return rep, err
	}
	defer svc.Close()
	sections := map[string]int{}
	for _, s := range sources {
		sections[s]++
	}
	var asked, timed []corpus.Doc
	err = corpus.ReadDocs(corpusPath, func(d corpus.Doc) error {
		if s, ok := sources[d.ID]; ok && sections[s] >= MinSections {
			asked = append(asked, corpus.Doc{ID: d.ID})
		}
		body := []rune(d.Body)
		if len(timed) < maxTimed && len(body) >= TextRunes {
			d.Body = string(body[:TextRunes-len([]rune(d.Title))])
			timed = append(timed, d)
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	rep.Entries = len(asked)
	for _, plain := range []bool{false, true} {
		var same, capped float64
		for _, d := range asked {
			got, err := svc.Related(ctx, app.RelatedRequest{ID: d.ID, Limit: 5, Plain: plain})
			if err != nil {
				return rep, fmt.Errorf("related %s: %w", d.ID, err)
			}
			k := 0
			for _, r := range got {
				if r.ID == d.ID {
					return rep, fmt.Errorf("related %s lists the entry itself", d.ID)
				}
				if sources[r.ID] == sources[d.ID] {
					k++
				}
			}
			same += float64(k) / 5
			capped += float64(k) / float64(min(5, sections[sources[d.ID]]-1))
		}
		if n := float64(len(asked)); n > 0 {
			if plain {
				rep.PlainShare, rep.PlainCapped = same/n, capped/n
			} else {
				rep.Share, rep.Capped = same/n, capped/n
			}
		}
	}
	// Latency: the text as the editor sends it, title and body, the
	// refined and the plain way taking turns so both see the same machine.
	var ms, plainMS []float64
	for _, d := range timed {
		for _, plain := range []bool{false, true} {
			start := time.Now()
			if _, err := svc.Related(ctx, app.RelatedRequest{ID: d.ID, Title: d.Title, Body: d.Body, Plain: plain}); err != nil {
				return rep, fmt.Errorf("related %s: %w", d.ID, err)
			}
			took := float64(time.Since(start).Microseconds()) / 1000
			if plain {
				plainMS = append(plainMS, took)
			} else {
				ms = append(ms, took)
			}
		}
	}
	rep.Timed = len(timed)
	if len(ms) > 0 {
		p := corpus.Percentiles(ms, 50, 95)
		rep.P50, rep.P95 = p[0], p[1]
		p = corpus.Percentiles(plainMS, 50, 95)
		rep.PlainP50, rep.PlainP95 = p[0], p[1]
	}
	return rep, nil
}

// Sources reads which document each entry of a corpus was cut from: its
// source up to '#'. Entries without one are left out.
func Sources(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open corpus: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		defer gz.Close()
		r = gz
	}
	out := map[string]string{}
	dec := json.NewDecoder(bufio.NewReaderSize(r, 1<<20))
	for {
		var d struct{ ID, Source string }
		if err := dec.Decode(&d); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if i := strings.IndexByte(d.Source, '#'); i >= 0 {
			out[d.ID] = d.Source[:i]
		}
	}
}
