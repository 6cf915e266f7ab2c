package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/tsuzuri/tsuzuri/app"
	"github.com/tsuzuri/tsuzuri/diary"
)

const verifyUsage = "verify [--json]"

func init() {
	commands["verify"] = command{usage: verifyUsage, run: runVerify}
}

type verifyJSON struct {
	DataDir            string                  `json:"data_dir"`
	OK                 bool                    `json:"ok"`
	DatabaseProblems   []string                `json:"database_problems"`
	Entries            int                     `json:"entries"`
	Indexed            int                     `json:"indexed"`
	IndexSeq           int64                   `json:"index_seq"`
	LastSeq            int64                   `json:"last_seq"`
	NotIndexed         []string                `json:"not_indexed"`
	Stale              []string                `json:"stale"`
	NotInDatabase      []string                `json:"not_in_database"`
	DamagedSegments    []string                `json:"damaged_segments"`
	RebuiltSegments    []string                `json:"rebuilt_segments"`
	MissingAttachments []app.MissingAttachment `json:"missing_attachments"`
	Sync               *app.SyncCheck          `json:"sync,omitempty"`
	Advice             []string                `json:"advice"`
}

// errProblems makes verify exit 1 once it has printed what it found.
var errProblems = errors.New("verify found problems (see above)")

func runVerify(ctx context.Context, e *env, args []string) error {
	fs := newFlags("verify", e, verifyUsage)
	asJSON := fs.Bool("json", false, "print a JSON object")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{"verify takes no arguments"}
	}
	out := verifyJSON{DataDir: e.dataDir}
	svc, err := e.open(ctx)
	switch {
	case diary.ErrorCode(err) == diary.ECorrupt:
		out.DatabaseProblems = []string{diary.ErrorMessage(err)}
		out.Advice = []string{"The database cannot be read. Salvage what it still holds, merged with the latest backup, into a new folder: tsuzuri salvage NEW-FOLDER; or restore the latest backup: tsuzuri restore --replace " + latestBackup(e)}
	case err != nil:
		return err
	default:
		defer svc.Close()
		out.DataDir = svc.DataDir()
		r, err := svc.Verify(ctx)
		if err != nil {
			return err
		}
		out.OK = r.OK()
		out.DatabaseProblems = r.DatabaseProblems
		out.Entries, out.Indexed = r.Index.Entries, r.Index.Indexed
		out.IndexSeq, out.LastSeq = r.Index.IndexSeq, r.Index.LastSeq
		out.NotIndexed, out.Stale, out.NotInDatabase = r.Index.NotIndexed, r.Index.Stale, r.Index.NotInDatabase
		for _, p := range r.IndexDamage {
			out.DamagedSegments = append(out.DamagedSegments, p.File+": "+p.Reason)
		}
		for _, p := range r.IndexRepaired {
			out.RebuiltSegments = append(out.RebuiltSegments, p.File+": "+p.Reason)
		}
		out.MissingAttachments = r.MissingAttachments
		out.Sync = r.Sync
		out.Advice = r.Advice
	}
	if *asJSON {
		out.withEmptyLists()
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		printVerify(e, out)
	}
	if !out.OK {
		return errProblems
	}
	return nil
}

// withEmptyLists makes every list in the JSON an array, never null, so
// that scripts can take its length.
func (v *verifyJSON) withEmptyLists() {
	for _, l := range []*[]string{&v.DatabaseProblems, &v.NotIndexed, &v.Stale, &v.NotInDatabase, &v.DamagedSegments, &v.RebuiltSegments, &v.Advice} {
		if *l == nil {
			*l = []string{}
		}
	}
	if v.MissingAttachments == nil {
		v.MissingAttachments = []app.MissingAttachment{}
	}
}

func printVerify(e *env, v verifyJSON) {
	w := e.stdout
	if len(v.DatabaseProblems) == 0 {
		fmt.Fprintln(w, "database     ok (quick check)")
	} else {
		fmt.Fprintf(w, "database     DAMAGED: %d problems\n", len(v.DatabaseProblems))
		for _, p := range first(v.DatabaseProblems) {
			fmt.Fprintf(w, "  %s\n", oneLine(p))
		}
	}
	if v.Entries > 0 || v.Indexed > 0 || v.LastSeq > 0 {
		fmt.Fprintf(w, "index        %d entries, %d indexed, at change %d of %d\n", v.Entries, v.Indexed, v.IndexSeq, v.LastSeq)
		for _, l := range []struct {
			what string
			ids  []string
		}{{"not indexed", v.NotIndexed}, {"indexed at an older change", v.Stale}, {"indexed but not in the database", v.NotInDatabase},
			{"damaged segment files", v.DamagedSegments}, {"damaged segment files found at opening; the index was rebuilt", v.RebuiltSegments}} {
			if len(l.ids) > 0 {
				fmt.Fprintf(w, "  %d %s: %v\n", len(l.ids), l.what, first(l.ids))
			}
		}
		if len(v.MissingAttachments) == 0 {
			fmt.Fprintln(w, "attachments  ok")
		} else {
			fmt.Fprintf(w, "attachments  %d missing\n", len(v.MissingAttachments))
			for i, m := range v.MissingAttachments {
				if i == 10 {
					break
				}
				fmt.Fprintf(w, "  %s (entry %s)\n", m.File, m.EntryID)
			}
		}
	}
	if s := v.Sync; s != nil {
		if s.Missing == 0 {
			fmt.Fprintf(w, "sync         ok (%d current texts sent, all in %s)\n", s.Sent, s.Folder)
		} else {
			fmt.Fprintf(w, "sync         %d of %d current texts sent are not in %s: %v\n", s.Missing, s.Sent, s.Folder, first(s.Entries))
		}
	}
	for _, a := range v.Advice {
		fmt.Fprintf(w, "to do: %s\n", a)
	}
	if v.OK {
		fmt.Fprintln(w, "all good")
	}
}

func first(s []string) []string { return s[:min(len(s), 10)] }

func latestBackup(e *env) string {
	dir, _ := e.dataFolder()
	if list, err := app.ListBackups(dir); err == nil && len(list) > 0 {
		return list[0].Path
	}
	return "FILE.zip"
}
