package main

import (
	"context"
	"encoding/json"
	"fmt"
)

const statsUsage = "stats [--json]"

func init() {
	commands["stats"] = command{usage: statsUsage, run: runStats}
}

type statsJSON struct {
	DataDir   string `json:"data_dir"`
	Entries   int    `json:"entries"`
	Trashed   int    `json:"trashed"`
	Tags      int    `json:"tags"`
	FirstDate string `json:"first_date"`
	LastDate  string `json:"last_date"`
	TextBytes int64  `json:"text_bytes"`
	Indexed   uint64 `json:"indexed"`
}

func runStats(ctx context.Context, e *env, args []string) error {
	fs := newFlags("stats", e, statsUsage)
	asJSON := fs.Bool("json", false, "print a JSON object")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{"stats takes no arguments"}
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	st, err := svc.Stats(ctx)
	if err != nil {
		return err
	}
	indexed, err := svc.IndexedCount()
	if err != nil {
		return err
	}
	out := statsJSON{
		DataDir: svc.DataDir(), Entries: st.Entries, Trashed: st.Trashed, Tags: st.Tags,
		FirstDate: st.FirstDate, LastDate: st.LastDate, TextBytes: st.TextBytes, Indexed: indexed,
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(e.stdout, "data folder  %s\nentries      %d (%d in the trash)\ntags         %d\ndates        %s – %s\ntext         %.1f MB\nindexed      %d\n",
		out.DataDir, out.Entries, out.Trashed, out.Tags, out.FirstDate, out.LastDate, float64(out.TextBytes)/1e6, out.Indexed)
	return nil
}
