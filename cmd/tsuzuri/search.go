package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/tsuzuri/tsuzuri/app"
	"github.com/tsuzuri/tsuzuri/search"
)

const searchUsage = "search [--json] [--limit N] [--sort relevance|date] [QUERY…]"

func init() {
	commands["search"] = command{usage: searchUsage, run: runSearch}
}

// searchJSON is the --json output, one object per query; scripts and the
// benchmarks read it, so its field names are a contract.
type searchJSON struct {
	Query  string    `json:"query"`
	Total  uint64    `json:"total"`
	TookMS float64   `json:"took_ms"`
	Hits   []hitJSON `json:"hits"`
	// Suggestion is the query as the diary writes it, when nothing matched
	// as typed but another spelling did.
	Suggestion string `json:"suggestion,omitempty"`
}

type hitJSON struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Date    string   `json:"date"`
	Tags    []string `json:"tags"`
	Score   float64  `json:"score"`
	Snippet string   `json:"snippet"`
	Match   string   `json:"match"` // "exact" or "variant"
}

func runSearch(ctx context.Context, e *env, args []string) error {
	fs := newFlags("search", e, searchUsage)
	asJSON := fs.Bool("json", false, "print one JSON object per query")
	limit := fs.Int("limit", 10, "how many results to show (1-1000)")
	sortBy := fs.String("sort", "relevance", "relevance or date")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *limit < 1 || *limit > 1000 {
		return usageError{"--limit must be between 1 and 1000"}
	}
	if *sortBy != "relevance" && *sortBy != "date" {
		return usageError{"--sort must be relevance or date"}
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()

	search := func(q string, jsonOut bool) error {
		res, err := svc.Search(ctx, app.SearchRequest{Query: q, Sort: *sortBy, Limit: *limit})
		if err != nil {
			return err
		}
		if jsonOut {
			return writeSearchJSON(e.stdout, res)
		}
		writeSearchText(e.stdout, res, isTerminal(e.stdout))
		return nil
	}
	if fs.NArg() > 0 {
		return search(strings.Join(fs.Args(), " "), *asJSON)
	}
	// No query on the command line: one query per input line, always JSON,
	// so a script or a benchmark can stream many queries through one process.
	sc := bufio.NewScanner(e.stdin)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		if err := search(sc.Text(), true); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read queries: %w", err)
	}
	return nil
}

func writeSearchJSON(w io.Writer, res app.SearchResult) error {
	out := searchJSON{Query: res.Query, Total: res.Total, TookMS: res.TookMS, Suggestion: res.Suggestion, Hits: make([]hitJSON, 0, len(res.Hits))}
	for _, h := range res.Hits {
		tags := h.Tags
		if tags == nil {
			tags = []string{}
		}
		out.Hits = append(out.Hits, hitJSON{ID: h.ID, Title: h.Title, Date: h.Date, Tags: tags, Score: h.Score, Snippet: h.Snippet, Match: h.Match})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func writeSearchText(w io.Writer, res app.SearchResult, terminal bool) {
	fmt.Fprintf(w, "%s (%.1f ms)\n", counted(res.Total, "result", "results"), res.TookMS)
	if res.Suggestion != "" {
		fmt.Fprintf(w, "No entry has it as typed. Did you mean: %s\n", res.Suggestion)
	}
	for _, h := range res.Hits {
		if h.Match == search.MatchVariant {
			h.Title += "  (another spelling)"
		}
		tags := ""
		if len(h.Tags) > 0 {
			tags = "  #" + strings.Join(h.Tags, " #")
		}
		fmt.Fprintf(w, "\n%s  %s%s\n  %s\n  %s\n", h.Date, h.Title, tags, snippetText(h.Snippet, terminal), h.ID)
	}
}

// snippetText turns a snippet's HTML into text: bold matches on a terminal,
// 【brackets】 elsewhere.
func snippetText(snippet string, terminal bool) string {
	open, close := "【", "】"
	if terminal {
		open, close = "\x1b[1m", "\x1b[0m"
	}
	s := strings.NewReplacer("<mark>", open, "</mark>", close).Replace(snippet)
	return oneLine(html.UnescapeString(s))
}

// counted is n with its noun in the singular when n is 1.
func counted[N ~int | ~uint64](n N, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
