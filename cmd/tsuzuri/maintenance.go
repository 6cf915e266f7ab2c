package main

import (
	"context"
	"fmt"
	"time"

	"github.com/tsuzuri/tsuzuri/app"
	"github.com/tsuzuri/tsuzuri/diary"
)

const (
	reindexUsage = "reindex"
	backupUsage  = "backup FILE.zip"
	restoreUsage = "restore [--replace] FILE.zip"
)

func init() {
	commands["reindex"] = command{usage: reindexUsage, run: runReindex}
	commands["backup"] = command{usage: backupUsage, run: runBackup}
	commands["restore"] = command{usage: restoreUsage, run: runRestore}
}

func runReindex(ctx context.Context, e *env, args []string) error {
	fs := newFlags("reindex", e, reindexUsage)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{"reindex takes no arguments"}
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	var progress func(done, total int)
	if isTerminal(e.stderr) {
		progress = func(done, total int) { fmt.Fprintf(e.stderr, "\rindexing %d/%d", done, total) }
		defer fmt.Fprintln(e.stderr)
	}
	if err := svc.Reindex(ctx, progress); err != nil {
		return err
	}
	n, err := svc.IndexedCount()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "indexed %s\n", counted(n, "entry", "entries"))
	return nil
}

func runBackup(ctx context.Context, e *env, args []string) error {
	fs := newFlags("backup", e, backupUsage)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"name the backup file to write"}
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	if err := svc.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backed up %s to %s\n", svc.DataDir(), fs.Arg(0))
	return nil
}

func runRestore(ctx context.Context, e *env, args []string) error {
	fs := newFlags("restore", e, restoreUsage)
	replace := fs.Bool("replace", false, "replace the diary in the data folder (it is backed up first)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"name the backup file to restore"}
	}
	dir, err := e.dataFolder()
	if err != nil {
		return err
	}
	if *replace {
		before, err := app.RestoreBackup(ctx, dir, fs.Arg(0), time.Now())
		if err != nil {
			return err
		}
		if before.Path != "" {
			e.backedUp(before)
		}
	} else if err := app.Restore(ctx, fs.Arg(0), dir); err != nil {
		if diary.ErrorCode(err) == diary.EConflict {
			return diary.Errorf(diary.EConflict, "%s already holds a diary. To replace it (after backing it up), run: tsuzuri restore --replace %s", dir, fs.Arg(0))
		}
		return err
	}
	// Opening builds the index from the restored database.
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	fmt.Fprintf(e.stdout, "restored %s into %s\n", fs.Arg(0), dir)
	return nil
}
