package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/tsuzuri/tsuzuri/app"
)

const relatedUsage = "related ID [--json] [--limit N]"

func init() {
	commands["related"] = command{usage: relatedUsage, run: runRelated}
}

type relatedJSON struct {
	ID     string   `json:"id"`
	Title  string   `json:"title"`
	Date   string   `json:"date"`
	Shared []string `json:"shared"`
	Score  float64  `json:"score"`
}

// runRelated lists the entries most like one, as the window's panel beside
// the editor does.
func runRelated(ctx context.Context, e *env, args []string) error {
	fs := newFlags("related", e, relatedUsage)
	asJSON := fs.Bool("json", false, "print a JSON array")
	limit := fs.Int("limit", 5, "how many entries to list (1-20)")
	args, err := fs.ParseIDFirst(args)
	if err != nil {
		return err
	}
	switch {
	case len(args) != 1:
		return usageError{"name one entry id"}
	case *limit < 1 || *limit > 20:
		return usageError{"--limit is 1 to 20"}
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	related, err := svc.Related(ctx, app.RelatedRequest{ID: args[0], Limit: *limit})
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]relatedJSON, len(related))
		for i, r := range related {
			out[i] = relatedJSON{ID: r.ID, Title: r.Title, Date: r.Date, Shared: r.Shared, Score: r.Score}
		}
		return writeJSON(e, out)
	}
	if len(related) == 0 {
		fmt.Fprintf(e.stdout, "no entry is like %s\n", args[0])
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DATE\tID\tTITLE\tSHARED WORDS")
	for _, r := range related {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Date, r.ID, oneLine(r.Title), strings.Join(r.Shared, ", "))
	}
	return tw.Flush()
}
