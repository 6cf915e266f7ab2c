package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/tsuzuri/tsuzuri/app"
	"github.com/tsuzuri/tsuzuri/exporter"
)

const exportUsage = "export [--format FORMAT] [--id ID]… FILE|FOLDER|-"

func init() {
	commands["export"] = command{usage: exportUsage, run: runExport}
}

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func runExport(ctx context.Context, e *env, args []string) error {
	fs := newFlags("export", e, exportUsage)
	format := fs.String("format", "jsonl", "one of: "+strings.Join(exporter.Formats(), ", "))
	var ids stringList
	fs.Var(&ids, "id", "export only this entry (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"name one destination (- for standard output)"}
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	sum, err := svc.Export(ctx, app.ExportRequest{Format: *format, Dest: fs.Arg(0), IDs: ids, Stdout: e.stdout})
	if err != nil {
		return err
	}
	if sum.Path != "-" {
		fmt.Fprintf(e.stdout, "exported %s to %s\n", counted(sum.Entries, "entry", "entries"), sum.Path)
	}
	return nil
}
