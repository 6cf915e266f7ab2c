package main

import (
	"context"
	"fmt"
)

const trashUsage = "trash ID… | trash --restore ID… | trash --empty"

func init() {
	commands["trash"] = command{usage: trashUsage, run: runTrash}
}

// runTrash moves entries to the trash, back out of it, or empties it: what
// the window's ゴミ箱へ, 元に戻す and ゴミ箱を空にする do, for scripts.
func runTrash(ctx context.Context, e *env, args []string) error {
	fs := newFlags("trash", e, trashUsage)
	restore := fs.Bool("restore", false, "bring the entries back from the trash")
	empty := fs.Bool("empty", false, "delete every entry in the trash for good")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case *empty && (*restore || fs.NArg() > 0):
		return usageError{"--empty takes no ids"}
	case !*empty && fs.NArg() == 0:
		return usageError{"name at least one entry id"}
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	if *empty {
		n, err := svc.EmptyTrash(ctx)
		if err != nil {
			return err
		}
		noun := "entries"
		if n == 1 {
			noun = "entry"
		}
		fmt.Fprintf(e.stdout, "deleted %d %s for good\n", n, noun)
		return nil
	}
	for _, id := range fs.Args() {
		op, verb := svc.TrashEntry, "moved to the trash"
		if *restore {
			op, verb = svc.RestoreEntry, "restored"
		}
		if err := op(ctx, id); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s %s\n", verb, id)
	}
	return nil
}
