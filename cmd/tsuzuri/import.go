package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/tsuzuri/tsuzuri/app"
	"github.com/tsuzuri/tsuzuri/importer"
)

const importUsage = "import [--format FORMAT] [--fetch-images [--allow-local-host HOST]…] FILE…"

func init() {
	commands["import"] = command{usage: importUsage, run: runImport}
}

// where is a problem's file:line.
func where(p importer.Problem) string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return p.File
}

func runImport(ctx context.Context, e *env, args []string) error {
	fs := newFlags("import", e, importUsage)
	format := fs.String("format", "", "source format: "+strings.Join(importer.Formats(), ", ")+" (default: detect)")
	fetchImages := fs.Bool("fetch-images", false, "copy the images the entries show from other servers into the data folder (contacts those servers; off by default)")
	var allow stringList
	fs.Var(&allow, "allow-local-host", "with --fetch-images, fetch from this host although it is on your own network (repeatable; refused otherwise)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"name at least one file or folder to import"}
	}
	if len(allow) > 0 && !*fetchImages {
		return usageError{"--allow-local-host goes with --fetch-images"}
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()

	var progress func(app.ImportProgress)
	if isTerminal(e.stderr) {
		width := 0
		progress = func(p app.ImportProgress) {
			// Padded to the last line's width: a shorter file name must not
			// leave the end of the longer one behind.
			line := fmt.Sprintf("importing %s: %d read, %d of %d indexed", p.File, p.Done, p.Indexed, p.Written)
			width = max(width, len(line))
			fmt.Fprintf(e.stderr, "\r%-*s", width, line)
		}
	}
	sum, err := svc.Import(ctx, app.ImportRequest{Format: *format, Paths: fs.Args(), FetchImages: *fetchImages, AllowHosts: allow}, progress)
	if progress != nil {
		fmt.Fprintln(e.stderr)
	}
	for _, p := range sum.Warnings {
		fmt.Fprintf(e.stderr, "tsuzuri: warning: %s: %s\n", where(p), oneLine(p.Message))
	}
	for _, p := range sum.Problems {
		fmt.Fprintf(e.stderr, "tsuzuri: %s: %s\n", where(p), oneLine(p.Message))
	}
	fmt.Fprintf(e.stdout, "imported %d, updated %d, unchanged %d, skipped %d\n",
		sum.Imported, sum.Updated, sum.Unchanged, sum.Skipped)
	if n := len(sum.Warnings); n > 0 {
		fmt.Fprintf(e.stdout, "%d warnings: entries kept with a change (see above)\n", n)
	}
	for _, path := range sum.Rejects {
		fmt.Fprintf(e.stdout, "entries that could not be read are in %s: fix them there and import that file again\n", path)
	}
	if err != nil {
		return err
	}
	if sum.Imported+sum.Updated+sum.Unchanged == 0 && sum.Skipped > 0 {
		return fmt.Errorf("nothing could be imported")
	}
	return nil
}
