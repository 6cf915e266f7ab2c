package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tsuzuri/tsuzuri/app"
)

// childEnv carries "op|dataDir|generation" to the writer process, which is
// this same program (or test binary) started again.
const childEnv = "TSUZURI_CRASH_CHILD"

// Operations the writer repeats until it is killed. Each one interleaves
// single saves, whose acknowledgements are what the parent checks.
// Adding an operation: a name here and a case in runChild.
var operations = []string{"save", "import", "reindex", "backup", "prune"}

// pruneSpeed is how much faster than real time the clock runs for the
// prune operation: a millisecond is over five hours, so within the first
// tenth of a second revisions cross the 7- and 90-day ages and every save
// and every PruneRevisions deletes some.
const pruneSpeed = 20_000_000

// importSize is how many entries one import brings in.
const importSize = 150

// runChild opens the data folder and writes until killed, printing one
// line to stdout after each write returns:
//
//	ack ID VERSION       a save of entry ID at VERSION returned
//	import GEN           an import of entries GEN-0 … GEN-(importSize-1) returned
//	pruned N             PruneRevisions returned, having deleted N revisions
func runChild() int {
	op, rest, _ := strings.Cut(os.Getenv(childEnv), "|")
	dir, genText, _ := strings.Cut(rest, "|")
	gen, _ := strconv.Atoi(genText)
	ctx := context.Background()
	opts := app.Options{DataDir: dir}
	if op == "prune" {
		start := time.Now()
		opts.Now = func() time.Time { return start.Add(time.Since(start) * pruneSpeed) }
	}
	s, err := app.Open(ctx, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child: open:", err)
		return 1
	}
	fmt.Println("ready")
	w := &writer{s: s, gen: gen, versions: map[string]int{}}
	for round := 0; ; round++ {
		var err error
		switch op {
		case "save":
			err = w.save(ctx)
		case "import":
			err = w.importFile(ctx, round)
		case "reindex":
			err = s.Reindex(ctx, nil)
		case "backup":
			_, err = s.AutoBackup(ctx, app.BackupDaily)
		case "prune":
			// Saves keep and prune revisions of the entry they touch; this
			// prunes the rest.
			var n int
			if n, err = s.PruneRevisions(ctx); err == nil {
				fmt.Printf("pruned %d\n", n)
			}
		default:
			fmt.Fprintln(os.Stderr, "child: unknown operation", op)
			return 2
		}
		if err == nil {
			err = w.save(ctx)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "child:", op, err)
			return 1
		}
	}
}

type writer struct {
	s        *app.Service
	gen      int
	versions map[string]int
	ids      []string
}

// save creates an entry or updates one this writer made, as autosave does.
func (w *writer) save(ctx context.Context) error {
	id := ""
	if len(w.ids) > 0 && rand.IntN(2) == 0 {
		id = w.ids[rand.IntN(len(w.ids))]
	} else {
		id = fmt.Sprintf("g%d-s%d", w.gen, len(w.ids))
		w.ids = append(w.ids, id)
	}
	v := w.versions[id] + 1
	_, err := w.s.SaveEntry(ctx, app.EntryInput{ID: id, Title: id, Body: body(id, v), Date: "2026-01-02", Tags: []string{"crash"}})
	if err != nil {
		return fmt.Errorf("save %s: %w", id, err)
	}
	w.versions[id] = v
	fmt.Printf("ack %s %d\n", id, v)
	return nil
}

func body(id string, v int) string {
	return fmt.Sprintf("障害対応の記録 %s v%d。%s", id, v, strings.Repeat("サーバーのログを確認した。", 1+v%7))
}

// importFile imports importSize new entries in one go.
func (w *writer) importFile(ctx context.Context, round int) error {
	name := fmt.Sprintf("g%d-i%d", w.gen, round)
	src := filepath.Join(os.TempDir(), fmt.Sprintf("tsuzuri-crash-%d-%s.jsonl", os.Getpid(), name))
	defer os.Remove(src)
	f, err := os.Create(src)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	for i := range importSize {
		id := fmt.Sprintf("%s-%d", name, i)
		enc.Encode(map[string]any{"id": id, "title": id, "body": body(id, 1), "date": "2025-12-31", "tags": []string{"import"}})
	}
	if err := f.Close(); err != nil {
		return err
	}
	sum, err := w.s.Import(ctx, app.ImportRequest{Format: "jsonl", Paths: []string{src}}, nil)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if sum.Imported != importSize {
		return fmt.Errorf("import %s: %d imported, want %d", name, sum.Imported, importSize)
	}
	fmt.Printf("import %s\n", name)
	return nil
}
