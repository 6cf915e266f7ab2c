package main

import (
	"context"
	"fmt"

	"github.com/tsuzuri/tsuzuri/app"
)

const salvageUsage = "salvage [--from-backup FILE.zip | --no-backup] OUT-FOLDER"

func init() {
	commands["salvage"] = command{usage: salvageUsage, run: runSalvage}
}

// runSalvage reads what a damaged diary still holds into a new data
// folder. It does not open the diary (SQLite would stop at the damage)
// and never writes to it.
func runSalvage(ctx context.Context, e *env, args []string) error {
	fs := newFlags("salvage", e, salvageUsage)
	from := fs.String("from-backup", "", "merge this backup (default: the latest automatic backup)")
	none := fs.Bool("no-backup", false, "merge no backup")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"salvage takes the new folder to write"}
	}
	if *none && *from != "" {
		return usageError{"--from-backup and --no-backup exclude each other"}
	}
	dir, err := e.dataFolder()
	if err != nil {
		return err
	}
	backup := *from
	if backup == "" && !*none {
		backup = app.LatestGoodBackup(dir)
	}
	rep, err := app.Salvage(ctx, dir, backup, fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprint(e.stdout, rep.Text())
	return nil
}
