package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/tsuzuri/tsuzuri/bench"
	"github.com/tsuzuri/tsuzuri/bench/corpus"
)

const benchUsage = "bench [--corpus DIR] [--scale N [--seed FILE.jsonl]] [--peers=false] [--rounds N]"

func init() {
	commands["bench"] = command{usage: benchUsage, run: runBench}
}

// runBench measures Tsuzuri and the peer engines on the same corpus in one
// run, so the figures and their ratios come from one machine and one moment.
func runBench(ctx context.Context, e *env, args []string) error {
	fs := newFlags("bench", e, benchUsage)
	corpusDir := fs.String("corpus", "../shared/corpus", "folder with dev.jsonl.gz, dev-queries.jsonl and synth.py")
	scale := fs.Int("scale", 0, "grow the corpus to N entries with synth.py (0: the dev corpus as it is)")
	peers := fs.Bool("peers", true, "also measure SQLite FTS5 trigram and Bleve CJK")
	rounds := fs.Int("rounds", 3, "how many times to run the query set, for latency figures")
	seedFile := fs.String("seed", "", "with --scale: grow this JSON Lines corpus instead of the dev corpus (speed and memory on other text)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 || *rounds < 1 || *scale < 0 {
		return usageError{"bench takes only flags; --rounds ≥ 1, --scale ≥ 0"}
	}
	if *seedFile != "" && *scale == 0 {
		return usageError{"--seed needs --scale: the dev queries are scored on the dev corpus only"}
	}
	// Each engine runs as it would alone: Tsuzuri sets its own limit.
	debug.SetMemoryLimit(math.MaxInt64)
	seed := filepath.Join(*corpusDir, "dev.jsonl.gz")
	if *seedFile != "" {
		seed = *seedFile
	}
	queries, err := corpus.ReadQueries(filepath.Join(*corpusDir, "dev-queries.jsonl"))
	if err != nil {
		return err
	}
	// Queries as people recall them (another spelling, a reading, English
	// for a loanword, an IME slip): scored on the dev corpus only, as their
	// relevant entries are dev entries.
	var sets []bench.QuerySet
	if *scale == 0 {
		intent, err := corpus.ReadQueries(filepath.Join(*corpusDir, "dev-intent.jsonl"))
		if err != nil && !errors.Is(err, iofs.ErrNotExist) {
			return err
		}
		if len(intent) > 0 {
			sets = append(sets, bench.QuerySet{Name: "recalled", Queries: intent})
		}
		// Harder recall: acronyms, katakana for Latin names and back,
		// readings whose pairs lie apart in many entries, phrases copied
		// word for word, and one such word beside a literal one.
		recall2, err := corpus.ReadQueries(filepath.Join(*corpusDir, "dev-recall2.jsonl"))
		if err != nil && !errors.Is(err, iofs.ErrNotExist) {
			return err
		}
		if len(recall2) > 0 {
			sets = append(sets, bench.QuerySet{Name: "recalled (harder)", Queries: recall2})
		}
	}
	work, err := os.MkdirTemp("", "tsuzuri-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	src := seed
	if *scale > 0 {
		src = filepath.Join(work, "synth.jsonl")
		fmt.Fprintf(e.stderr, "generating %d entries…\n", *scale)
		if err := synth(ctx, *corpusDir, seed, *scale, src); err != nil {
			return err
		}
	}
	corpusFile := filepath.Join(work, "corpus.jsonl")
	text, err := corpus.WriteJSONL(src, corpusFile)
	if err != nil {
		return err
	}
	typing, err := bench.TypingQueries(corpusFile)
	if err != nil {
		return err
	}
	engines := []bench.Engine{bench.NewTsuzuri(mkdir(work, "tsuzuri"))}
	if *peers {
		engines = append(engines, bench.NewFTS5(mkdir(work, "fts5")), bench.NewBleveCJK(mkdir(work, "cjk")))
	}
	reports, err := bench.Run(ctx, engines, corpusFile, text, queries, sets, typing, *rounds, func(s string) { fmt.Fprintln(e.stderr, s) })
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "corpus: %s, %.1f MB of text; %d queries × %d rounds (latency: the dev queries on this corpus)\n\n",
		filepath.Base(src), float64(text)/1e6, len(queries), *rounds)
	// The queries' relevant ids are dev entries: on a grown corpus only
	// speed, memory and size mean something.
	printReports(e.stdout, reports, *scale == 0)
	if err := printRelated(ctx, e.stdout, mkdir(work, "tsuzuri"), corpusFile, seed, *scale == 0, func(s string) { fmt.Fprintln(e.stderr, s) }); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\ntyping: %d searches as the first keystrokes make them (one character, the most frequent words, filters alone, an exclusion, a sort by date, two words key by key); tsuzuri with 20 results, total, facets and snippets\n", len(typing))
	for _, r := range reports {
		fmt.Fprintf(e.stdout, "  %-20s p50 %7.2f ms   p99 %7.2f ms\n", r.Engine, r.TypingP50, r.TypingP99)
	}
	return nil
}

// printRelated measures related entries on the diary the tsuzuri engine
// built, beside the plain more-like-this over the same index. Quality is
// scored on the dev corpus only, whose entries name the document they
// were cut from.
func printRelated(ctx context.Context, w io.Writer, dataDir, corpusFile, seed string, quality bool, log func(string)) error {
	var sources map[string]string
	if quality {
		var err error
		if sources, err = bench.Sources(seed); err != nil {
			return err
		}
	}
	log("related entries…")
	r, err := bench.Related(ctx, dataDir, corpusFile, sources)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nrelated entries (関連する日記)\n")
	if quality {
		fmt.Fprintf(w, "  same document among the 5 listed, for %d entries of documents with ≥ %d sections (target ≥ 70 %%):\n", r.Entries, bench.MinSections)
		fmt.Fprintf(w, "    %-20s %5.1f %%   (of what the document has to give: %5.1f %%)\n", "tsuzuri", 100*r.Share, 100*r.Capped)
		fmt.Fprintf(w, "    %-20s %5.1f %%   (of what the document has to give: %5.1f %%)\n", "plain more-like-this", 100*r.PlainShare, 100*r.PlainCapped)
	}
	if r.Timed == 0 {
		fmt.Fprintf(w, "  latency: no entry of %d characters or more to time\n", bench.TextRunes)
		return nil
	}
	fmt.Fprintf(w, "  latency for %d entries of %d characters (target p95 ≤ 50 ms):\n", r.Timed, bench.TextRunes)
	fmt.Fprintf(w, "    %-20s p50 %6.2f ms   p95 %6.2f ms\n", "tsuzuri", r.P50, r.P95)
	fmt.Fprintf(w, "    %-20s p50 %6.2f ms   p95 %6.2f ms\n", "plain more-like-this", r.PlainP50, r.PlainP95)
	return nil
}

func printReports(w io.Writer, reports []bench.Report, quality bool) {
	q := func(v float64) string {
		if !quality {
			return "n/a"
		}
		return strconv.FormatFloat(v, 'f', 3, 64)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "engine\tsuccess@10\tMRR\tprecision@10\tbuild s\tindex MB/s\tp50 ms\tp95 ms\tp99 ms\tbuild RSS MB\tpeak RSS MB\tsize MB\tsize/text\t")
	for _, r := range reports {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.1f\t%.2f\t%.2f\t%.2f\t%.2f\t%.0f\t%.0f\t%.1f\t%.2f\t\n", r.Engine,
			q(r.Quality.SuccessAt10), q(r.Quality.MRR), q(r.Quality.PrecisionAt10), r.BuildSeconds, r.MBPerSecond,
			r.P50, r.P95, r.P99, r.BuildRSSMB, r.PeakRSSMB, r.SizeMB, r.SizeRatio)
	}
	tw.Flush()
	if len(reports) > 1 {
		us := reports[0]
		fmt.Fprintf(w, "\nratios (%s / peer; quality and speed: higher is better, latency, memory and size: lower is better)\n", us.Engine)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "peer\tsuccess@10\tMRR\tprecision@10\tindex MB/s\tp95\tbuild RSS\tpeak RSS\tsize\t")
		for _, p := range reports[1:] {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", p.Engine,
				ratio(us.Quality.SuccessAt10, p.Quality.SuccessAt10), ratio(us.Quality.MRR, p.Quality.MRR),
				ratio(us.Quality.PrecisionAt10, p.Quality.PrecisionAt10), ratio(us.MBPerSecond, p.MBPerSecond),
				ratio(us.P95, p.P95), ratio(us.BuildRSSMB, p.BuildRSSMB), ratio(us.PeakRSSMB, p.PeakRSSMB), ratio(us.SizeMB, p.SizeMB))
		}
		tw.Flush()
	}
	if !quality {
		return
	}
	fmt.Fprintln(w, "\nby kind (known-item: success@10; prec: precision@10)")
	for _, r := range reports {
		var parts []string
		for _, k := range []string{"exact", "lower", "fullwidth", "halfkana", "chouon", "short2", corpus.PrecisionKind} {
			if v, ok := r.Quality.ByKind[k]; ok {
				parts = append(parts, fmt.Sprintf("%s %.3f", k, v))
			}
		}
		fmt.Fprintf(w, "  %-20s %s\n", r.Engine, strings.Join(parts, "  "))
	}
	printSets(w, reports)
}

// printSets prints, for each further query set, each engine's figures
// overall and by kind of query.
func printSets(w io.Writer, reports []bench.Report) {
	if len(reports) == 0 {
		return
	}
	var names []string
	for name := range reports[0].Sets {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		var kinds []string
		for k := range reports[0].Sets[name].ByKind {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		fmt.Fprintf(w, "\n%s queries (success@10 overall and by kind; MRR)\n", name)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "engine\tsuccess@10\t%s\tMRR\t\n", strings.Join(kinds, "\t"))
		for _, r := range reports {
			q := r.Sets[name]
			fmt.Fprintf(tw, "%s\t%.3f\t", r.Engine, q.SuccessAt10)
			for _, k := range kinds {
				fmt.Fprintf(tw, "%.3f\t", q.ByKind[k])
			}
			fmt.Fprintf(tw, "%.3f\t\n", q.MRR)
		}
		tw.Flush()
	}
}

func ratio(a, b float64) string {
	if b == 0 {
		return "–"
	}
	return strconv.FormatFloat(a/b, 'f', 2, 64) + "×"
}

func mkdir(parent, name string) string {
	dir := filepath.Join(parent, name)
	os.MkdirAll(dir, 0o755)
	return dir
}

// synth grows the seed corpus with the corpus's own generator, so scale
// figures are comparable with anyone else's run of it.
func synth(ctx context.Context, corpus, seed string, n int, dest string) error {
	out, err := os.Create(dest)
	if err != nil {
		return err
	}
	defer out.Close()
	cmd := exec.CommandContext(ctx, "python3", filepath.Join(corpus, "synth.py"), seed, strconv.Itoa(n))
	cmd.Stdout = out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("synth.py: %w", err)
	}
	return out.Close()
}
