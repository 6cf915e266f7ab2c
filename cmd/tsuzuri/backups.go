package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tsuzuri/tsuzuri/app"
)

const backupsUsage = "backups [--json]"

func init() {
	commands["backups"] = command{usage: backupsUsage, run: runBackups}
}

// runBackups lists the automatic backups; it does not open the diary, so
// it works on one too damaged to open.
func runBackups(ctx context.Context, e *env, args []string) error {
	fs := newFlags("backups", e, backupsUsage)
	asJSON := fs.Bool("json", false, "print a JSON array")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{"backups takes no arguments"}
	}
	dir, err := e.dataFolder()
	if err != nil {
		return err
	}
	list, err := app.ListBackups(dir)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(list)
	}
	for _, b := range list {
		fmt.Fprintf(e.stdout, "%s  %-9s  %8.1f MB  %s\n", b.Time.Local().Format(time.DateTime), b.Reason, float64(b.Size)/1e6, b.Path)
	}
	return nil
}
