package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tsuzuri/tsuzuri/app"
	"github.com/tsuzuri/tsuzuri/diary"
)

// childEnv carries a childConfig (JSON) to a device process, which is this
// same program (or test binary) started again.
const childEnv = "TSUZURI_SYNCSIM_CHILD"

// childConfig is one run of a device: ops operations from seed, on a clock
// that starts at Clock and moves Step per operation.
type childConfig struct {
	Data   string `json:"data"`
	Folder string `json:"folder"`
	Device int    `json:"device"`
	Seed   uint64 `json:"seed"`
	Ops    int    `json:"ops"`
	Clock  int64  `json:"clock"` // Unix ms
	Step   int64  `json:"step"`  // ms per operation
	// Final runs only sync passes: the copier has gone quiet.
	Final bool `json:"final"`
	// Passphrase joins the encrypted folder the simulation prepared.
	Passphrase string `json:"passphrase,omitempty"`
}

// simDeviceFile, in a device's data folder, tells the copier which device
// folder of its view of the sync folder is its own.
const simDeviceFile = "sim-device"

// hotEntries are edited by every device, so their edits meet as conflicts.
var hotEntries = []string{"hot-1", "hot-2", "hot-3"}

// A device prints one line to stdout as each step completes:
//
//	op                    an operation is about to start
//	ack ID HASH           a save of entry ID with text HASH returned
//	done                  all operations ran
func runChild() int {
	var cfg childConfig
	if err := json.Unmarshal([]byte(os.Getenv(childEnv)), &cfg); err != nil {
		fmt.Fprintln(os.Stderr, "child: config:", err)
		return 2
	}
	now := time.UnixMilli(cfg.Clock)
	ctx := context.Background()
	s, err := app.Open(ctx, app.Options{DataDir: cfg.Data, Now: func() time.Time { return now }})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child: open:", err)
		return 1
	}
	defer s.Close()
	out := bufio.NewWriter(os.Stdout)
	say := func(format string, args ...any) {
		fmt.Fprintf(out, format+"\n", args...)
		out.Flush()
	}
	if st, err := s.SyncStatus(ctx); err != nil || !st.Enabled {
		st, err := s.EnableSyncWith(ctx, app.SyncSetup{Folder: cfg.Folder, Passphrase: cfg.Passphrase})
		if err != nil {
			fmt.Fprintln(os.Stderr, "child: enable sync:", err)
			return 1
		}
		if err := os.WriteFile(filepath.Join(cfg.Data, simDeviceFile), []byte(st.Device), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			return 1
		}
	}
	d := &device{s: s, rng: rand.New(rand.NewPCG(cfg.Seed, uint64(cfg.Device))), cfg: cfg, say: say}
	if cfg.Final {
		if _, err := s.SyncNow(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "child: final pass:", err)
			return 1
		}
		say("done")
		return 0
	}
	if cfg.Device == 0 {
		for _, id := range hotEntries {
			if _, err := s.GetEntry(ctx, id); err != nil {
				d.save(ctx, app.EntryInput{ID: id, Title: "共有メモ " + id, Body: "みんなで書く", Date: "2026-01-01"})
			}
		}
	}
	for range cfg.Ops {
		now = now.Add(time.Duration(cfg.Step) * time.Millisecond)
		say("op")
		if err := d.step(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			return 1
		}
	}
	say("done")
	return 0
}

type device struct {
	s      *app.Service
	rng    *rand.Rand
	cfg    childConfig
	say    func(string, ...any)
	n      int
	recent []string // entries edited in the last few operations: not again yet
}

// words are the vocabulary of the simulated notes (our own).
var words = strings.Fields("障害 対応 メモ 勉強会 Bytebase ポストモーテム サーバー 監視 SLA 移行 設計 レビュー 本番 検証 デプロイ 振り返り")

func (d *device) text(n int) string {
	var b strings.Builder
	for range n {
		b.WriteString(words[d.rng.IntN(len(words))])
		b.WriteByte(' ')
	}
	return b.String()
}

func (d *device) save(ctx context.Context, in app.EntryInput) error {
	e, err := d.s.SaveEntry(ctx, in)
	if err != nil {
		return fmt.Errorf("save %s: %w", in.ID, err)
	}
	d.acked(e)
	return nil
}

func (d *device) acked(e diary.Entry) {
	d.say("ack %s %s", e.ID, textKey(e.Title, e.Body))
	d.recent = append(d.recent, e.ID)
	if len(d.recent) > 8 {
		d.recent = d.recent[1:]
	}
}

// pick chooses a live entry not edited in the last few operations, so that
// no save folds into the one before it (a folded autosave is, by design,
// not kept anywhere, and the check counts every acknowledged save).
func (d *device) pick(ctx context.Context, trash bool) (diary.Entry, bool) {
	var ids []string
	if trash {
		items, _ := d.s.ListTrash(ctx)
		for _, it := range items {
			ids = append(ids, it.ID)
		}
	} else {
		page, _ := d.s.ListEntries(ctx, listAll)
		for _, it := range page.Entries {
			ids = append(ids, it.ID)
		}
	}
	for range 5 {
		if len(ids) == 0 {
			return diary.Entry{}, false
		}
		id := ids[d.rng.IntN(len(ids))]
		if slices.Contains(d.recent, id) {
			continue
		}
		e, err := d.s.GetEntry(ctx, id)
		if err == nil {
			return e, true
		}
	}
	return diary.Entry{}, false
}

func (d *device) step(ctx context.Context) error {
	d.n++
	switch r := d.rng.IntN(100); {
	case r < 22: // a new entry
		return d.save(ctx, app.EntryInput{
			Title: fmt.Sprintf("d%d の記録 %d", d.cfg.Device, d.n),
			Body:  fmt.Sprintf("c-%d-%d-%d %s", d.cfg.Device, d.cfg.Seed, d.n, d.text(8)),
			Date:  fmt.Sprintf("2026-%02d-%02d", 1+d.rng.IntN(12), 1+d.rng.IntN(28)), Tags: []string{words[d.rng.IntN(len(words))]}})
	case r < 50: // an edit: text, sometimes tags or date
		e, ok := d.pick(ctx, false)
		if !ok {
			return nil
		}
		in := app.EntryInput{ID: e.ID, Title: e.Title, Body: e.Body + "\n" + d.text(4), Date: e.Date, Tags: e.Tags}
		if d.rng.IntN(4) == 0 {
			in.Tags = []string{words[d.rng.IntN(len(words))], "sim"}
		}
		if d.rng.IntN(6) == 0 {
			in.Date = fmt.Sprintf("2025-%02d-%02d", 1+d.rng.IntN(12), 1+d.rng.IntN(28))
		}
		return d.save(ctx, in)
	case r < 62: // an edit of a note every device edits
		id := hotEntries[d.rng.IntN(len(hotEntries))]
		if slices.Contains(d.recent, id) {
			return nil
		}
		e, err := d.s.GetEntry(ctx, id)
		if err != nil || e.DeletedAt != nil {
			return nil
		}
		// A note every device rewrites, not one that grows for ever.
		return d.save(ctx, app.EntryInput{ID: id, Title: e.Title, Body: fmt.Sprintf("%s\nd%d-%d: %s", lastLines(e.Body, 6), d.cfg.Device, d.n, d.text(3)), Date: e.Date, Tags: e.Tags})
	case r < 68:
		e, ok := d.pick(ctx, false)
		if !ok {
			return nil
		}
		return ignoreGone(d.s.TrashEntry(ctx, e.ID))
	case r < 72:
		e, ok := d.pick(ctx, true)
		if !ok {
			return nil
		}
		return ignoreGone(d.s.RestoreEntry(ctx, e.ID))
	case r < 73:
		trash, err := d.s.ListTrash(ctx)
		if err != nil {
			return err
		}
		// Said before it happens: a kill may come between the two.
		for _, t := range trash {
			d.say("purged %s", t.ID)
		}
		_, err = d.s.EmptyTrash(ctx)
		return err
	case r < 78: // choose between the texts of a conflict, or merge them
		st, err := d.s.SyncStatus(ctx)
		if err != nil || len(st.Conflicts) == 0 {
			return err
		}
		id := st.Conflicts[d.rng.IntN(len(st.Conflicts))]
		if slices.Contains(d.recent, id) {
			return nil
		}
		e, err := d.s.GetEntry(ctx, id)
		if err != nil {
			return nil
		}
		others, err := d.s.ConflictVersions(ctx, id)
		if err != nil || len(others) == 0 {
			return err
		}
		body := others[0].Body
		if d.rng.IntN(2) == 0 {
			body = lastLines(e.Body+"\n"+others[0].Body, 12)
		}
		saved, err := d.s.ResolveConflict(ctx, app.EntryInput{ID: id, Title: e.Title, Body: body, Date: e.Date, Tags: e.Tags})
		if err != nil {
			return fmt.Errorf("resolve %s: %w", id, err)
		}
		d.acked(saved)
		return nil
	default: // a sync pass
		_, err := d.s.SyncNow(ctx)
		return err
	}
}

// lastLines keeps the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func ignoreGone(err error) error {
	if diary.ErrorCode(err) == diary.ENotFound {
		return nil
	}
	return err
}
