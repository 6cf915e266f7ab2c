package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tsuzuri/tsuzuri/storage"
)

const historyUsage = "history ID [--json] [--show N | --restore N]"

func init() {
	commands["history"] = command{usage: historyUsage, run: runHistory}
}

type revisionJSON struct {
	Number     int      `json:"number"`
	SavedAt    string   `json:"saved_at"`
	RecordedAt string   `json:"recorded_at"`
	Size       int      `json:"size"`
	Title      string   `json:"title"`
	Date       string   `json:"date"`
	Tags       []string `json:"tags"`
	Body       *string  `json:"body,omitempty"`
}

func toRevisionJSON(r storage.RevisionInfo) revisionJSON {
	return revisionJSON{Number: r.Number, SavedAt: r.SavedAt.Format(time.RFC3339), RecordedAt: r.RecordedAt.Format(time.RFC3339),
		Size: r.Size, Title: r.Title, Date: r.Date, Tags: r.Tags}
}

func runHistory(ctx context.Context, e *env, args []string) error {
	fs := newFlags("history", e, historyUsage)
	asJSON := fs.Bool("json", false, "print JSON: the list as an array, or --show's revision as an object")
	show := fs.Int("show", 0, "print the text of revision N")
	restore := fs.Int("restore", 0, "make revision N the current text (the current text becomes a revision first)")
	args, err := fs.ParseIDFirst(args)
	if err != nil {
		return err
	}
	switch {
	case len(args) != 1:
		return usageError{"name one entry id"}
	case *show < 0 || *restore < 0:
		return usageError{"revision numbers start at 1"}
	case *show > 0 && *restore > 0:
		return usageError{"--show and --restore cannot be used together"}
	}
	id := args[0]
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()

	switch {
	case *show > 0:
		rev, err := svc.Revision(ctx, id, *show)
		if err != nil {
			return err
		}
		if *asJSON {
			out := toRevisionJSON(rev.RevisionInfo)
			out.Body = &rev.Body
			return writeJSON(e, out)
		}
		fmt.Fprint(e.stdout, rev.Body)
		if !strings.HasSuffix(rev.Body, "\n") {
			fmt.Fprintln(e.stdout)
		}
		return nil
	case *restore > 0:
		if _, err := svc.RestoreRevision(ctx, id, *restore); err != nil {
			return err
		}
		revs, err := svc.History(ctx, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "restored revision %d of %s; the text it replaced is revision %d\n", *restore, id, revs[0].Number)
		return nil
	}
	revs, err := svc.History(ctx, id)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]revisionJSON, len(revs))
		for i, r := range revs {
			out[i] = toRevisionJSON(r)
		}
		return writeJSON(e, out)
	}
	if len(revs) == 0 {
		fmt.Fprintf(e.stdout, "%s has no earlier versions\n", id)
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "N\tSAVED\tSIZE\tTITLE")
	for _, r := range revs {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\n", r.Number, r.SavedAt.Local().Format("2006-01-02 15:04"), r.Size, oneLine(r.Title))
	}
	return tw.Flush()
}

func writeJSON(e *env, v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
