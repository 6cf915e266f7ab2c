package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tsuzuri/tsuzuri/app"
)

const syncUsage = "sync [--folder DIR] [--watch] [--resend] [--json] | sync status [--json]"

func init() {
	commands["sync"] = command{usage: syncUsage, run: runSync}
}

func runSync(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "status" {
		return runSyncStatus(ctx, e, args[1:])
	}
	fs := newFlags("sync", e, syncUsage)
	folder := fs.String("folder", "", "the folder another engine replicates (turns sync on, or moves it)")
	watch := fs.Bool("watch", false, "keep syncing as files arrive and entries change, until interrupted")
	asJSON := fs.Bool("json", false, "print each pass as a JSON object")
	resend := fs.Bool("resend", false, "first queue again this computer's current texts that the folder lost (see verify)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{"sync takes no arguments besides status"}
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	if *folder != "" {
		if _, err := svc.EnableSync(ctx, *folder); err != nil {
			return err
		}
	}
	if *resend {
		n, err := svc.Resend(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "queued %d texts to send again\n", n)
	}
	report := func(rep app.SyncReport) error {
		if *asJSON {
			return json.NewEncoder(e.stdout).Encode(rep)
		}
		fmt.Fprintf(e.stdout, "sent %d, received %d, changed %d, conflicts %d", rep.Sent, rep.Received, len(rep.Changed), len(rep.Conflicts))
		if rep.Waiting > 0 {
			fmt.Fprintf(e.stdout, ", waiting for %d attachments", rep.Waiting)
		}
		fmt.Fprintln(e.stdout)
		for _, s := range rep.Skipped {
			fmt.Fprintf(e.stderr, "skipped %s (%s): %s\n", s.Path, s.Kind, s.Reason)
		}
		for _, p := range rep.Problems {
			fmt.Fprintf(e.stderr, "not applied: %s\n", p)
		}
		return nil
	}
	if !*watch {
		rep, err := svc.SyncNow(ctx)
		if err != nil {
			return err
		}
		return report(rep)
	}
	err = svc.WatchSync(ctx, func(rep app.SyncReport, err error) {
		if err != nil {
			fmt.Fprintf(e.stderr, "tsuzuri sync: %s (tried again on the next change)\n", oneLine(errorText(err)))
			return
		}
		report(rep)
	})
	if err != nil {
		return err
	}
	return ctx.Err()
}

func runSyncStatus(ctx context.Context, e *env, args []string) error {
	fs := newFlags("sync status", e, syncUsage)
	asJSON := fs.Bool("json", false, "print a JSON object")
	if err := fs.Parse(args); err != nil {
		return err
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	st, err := svc.SyncStatus(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	if !st.Enabled {
		fmt.Fprintln(e.stdout, "sync is off (turn it on with: tsuzuri sync --folder DIR)")
		return nil
	}
	when := func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.Local().Format("2006-01-02 15:04:05")
	}
	fmt.Fprintf(e.stdout, "folder         %s\nthis device    %s (%s)\nlast sent      %s\nlast received  %s\nwaiting        %d versions to send\nconflicts      %d\n",
		st.Folder, st.Device, st.Host, when(st.LastSent), when(st.LastReceived), st.Unsent, len(st.Conflicts))
	for _, d := range st.Devices {
		name := d.Host
		if d.Alias != "" {
			name = d.Alias
		}
		fmt.Fprintf(e.stdout, "device         %s  %s  last seen %s", d.ID, name, when(d.LastSeen))
		if d.ClockAhead > 0 {
			fmt.Fprintf(e.stdout, "  (its clock ran %s ahead; bounded)", time.Duration(d.ClockAhead)*time.Millisecond)
		}
		fmt.Fprintln(e.stdout)
	}
	return nil
}
