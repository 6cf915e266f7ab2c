package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tsuzuri/tsuzuri/app"
	"github.com/tsuzuri/tsuzuri/attach"
	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/salvage"

	_ "modernc.org/sqlite"
)

const dbName = "tsuzuri.db"

// diaryFixture is a diary made for damaging, and what it held.
type diaryFixture struct {
	Dir       string // closed data folder (no log)
	WithLog   string // the same diary copied while open, with its log
	Backup    string // the automatic backup made part-way
	Truth     map[string]entryText
	LogTruth  map[string]entryText // what SQLite reads from WithLog
	AtBackup  map[string]bool      // entries the backup holds
	Pages     map[string][]uint32  // pages each entry's newest row is on
	PageSize  int
	Revisions int
	LogBytes  int64 // size of WithLog's write-ahead log
}

type entryText struct{ Title, Body string }

// makeDiary writes a diary of n entries as a person would have it: imported,
// with attachments, edited twice (so with revisions), backed up, then
// edited again, added to, trashed from and purged from.
func makeDiary(ctx context.Context, work string, n int, rng *rand.Rand) (*diaryFixture, error) {
	dir := filepath.Join(work, "diary")
	clock := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	store := attach.Store{Dir: filepath.Join(dir, "attachments")}
	var images []string
	for i := range 20 {
		ref, err := store.Put(bytes.NewReader(pngOf(i)), fmt.Sprintf("p%d.png", i))
		if err != nil {
			return nil, fmt.Errorf("attachment: %w", err)
		}
		images = append(images, ref)
	}
	src := filepath.Join(work, "diary.jsonl")
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i := range n {
		body := bodyOf(i, 0, rng)
		if i%17 == 0 {
			body += fmt.Sprintf("\n\n![写真](%s)\n", images[i%len(images)])
		}
		enc.Encode(map[string]any{
			"id": fmt.Sprintf("d%05d", i), "title": fmt.Sprintf("日記 %d", i), "body": body,
			"date": time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format(diary.DateLayout),
			"tags": []string{"日記", fmt.Sprintf("話題%d", i%13)},
		})
	}
	if err := os.WriteFile(src, buf.Bytes(), 0o644); err != nil {
		return nil, err
	}
	s, err := app.Open(ctx, app.Options{DataDir: dir, Now: now})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	if _, err := s.Import(ctx, app.ImportRequest{Format: "jsonl", Paths: []string{src}}, nil); err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	edit := func(i, round int) error {
		id := fmt.Sprintf("d%05d", i)
		e, err := s.GetEntry(ctx, id)
		if err != nil {
			return err
		}
		_, err = s.SaveEntry(ctx, app.EntryInput{ID: id, Title: e.Title, Body: bodyOf(i, round, rng), Date: e.Date, Tags: append(e.Tags, fmt.Sprintf("改訂%d", round))})
		return err
	}
	for round := 1; round <= 2; round++ {
		clock = clock.Add(time.Hour)
		for i := 0; i < n; i += 5 {
			if err := edit(i, round); err != nil {
				return nil, fmt.Errorf("edit: %w", err)
			}
		}
	}
	clock = clock.Add(time.Hour)
	b, err := s.AutoBackup(ctx, app.BackupDaily)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	clock = clock.Add(time.Hour)
	for i := 1; i < n; i += 10 {
		if err := edit(i, 3); err != nil {
			return nil, fmt.Errorf("edit after the backup: %w", err)
		}
	}
	for i := range n / 20 {
		if _, err := s.SaveEntry(ctx, app.EntryInput{Title: fmt.Sprintf("新しい日記 %d", i), Body: bodyOf(n+i, 0, rng), Date: "2026-03-01"}); err != nil {
			return nil, err
		}
	}
	for i := 3; i < n; i += 97 {
		if err := s.TrashEntry(ctx, fmt.Sprintf("d%05d", i)); err != nil {
			return nil, err
		}
	}
	if _, err := s.EmptyTrash(ctx); err != nil {
		return nil, err
	}
	for i := 7; i < n; i += 101 {
		if err := s.TrashEntry(ctx, fmt.Sprintf("d%05d", i)); err != nil {
			return nil, err
		}
	}
	withLog := filepath.Join(work, "with-log")
	if err := copyDir(dir, withLog); err != nil {
		return nil, err
	}
	if err := s.Close(); err != nil {
		return nil, err
	}
	f := &diaryFixture{Dir: dir, WithLog: withLog, Backup: b.Path}
	if st, err := os.Stat(filepath.Join(withLog, dbName+"-wal")); err == nil {
		f.LogBytes = st.Size()
	}
	if f.Truth, f.Revisions, err = readTexts(filepath.Join(dir, dbName)); err != nil {
		return nil, err
	}
	if f.LogTruth, _, err = readTexts(filepath.Join(withLog, dbName)); err != nil {
		return nil, err
	}
	unpacked := filepath.Join(work, "backup")
	if err := app.Restore(ctx, b.Path, unpacked); err != nil {
		return nil, err
	}
	atBackup, _, err := readTexts(filepath.Join(unpacked, dbName))
	if err != nil {
		return nil, err
	}
	f.AtBackup = map[string]bool{}
	for id := range atBackup {
		f.AtBackup[id] = true
	}
	res, err := salvage.ReadFile(filepath.Join(dir, dbName))
	if err != nil {
		return nil, err
	}
	f.PageSize = res.PageSize
	f.Pages = map[string][]uint32{}
	for _, r := range res.Rows {
		if r.Table != "entries" || r.Free {
			continue
		}
		id, _ := r.Values[0].(string)
		if _, ok := f.Truth[id]; ok {
			f.Pages[id] = append([]uint32{r.Page}, r.Overflow...)
		}
	}
	if len(f.Pages) != len(f.Truth) {
		return nil, fmt.Errorf("found the pages of %d of %d entries", len(f.Pages), len(f.Truth))
	}
	return f, nil
}

func bodyOf(i, round int, rng *rand.Rand) string {
	// Lengths from a line to several pages, so that many bodies continue
	// on overflow pages.
	n := 1 + rng.Intn(60)
	if i%9 == 0 {
		n += 300
	}
	var b strings.Builder
	fmt.Fprintf(&b, "版%d。", round)
	for k := range n {
		fmt.Fprintf(&b, "%d日目の%d行目、京都で打ち合わせ。", i, k)
	}
	return b.String()
}

// pngOf is a tiny, distinct PNG-signed file per i.
func pngOf(i int) []byte {
	return append([]byte("\x89PNG\r\n\x1a\n"), []byte(fmt.Sprintf("image %d", i))...)
}

// readTexts reads every entry through SQLite (not through the page reader
// under test) from a copy, so the original is not touched.
func readTexts(path string) (map[string]entryText, int, error) {
	tmp, err := os.MkdirTemp("", "tsuzuri-truth-")
	if err != nil {
		return nil, 0, err
	}
	defer os.RemoveAll(tmp)
	for _, suffix := range []string{"", "-wal"} {
		if err := copyFile(path+suffix, filepath.Join(tmp, dbName+suffix)); err != nil && !os.IsNotExist(err) {
			return nil, 0, err
		}
	}
	db, err := sql.Open("sqlite", filepath.Join(tmp, dbName))
	if err != nil {
		return nil, 0, err
	}
	defer db.Close()
	rows, err := db.Query("SELECT id, title, body FROM entries")
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := map[string]entryText{}
	for rows.Next() {
		var id string
		var t entryText
		if err := rows.Scan(&id, &t.Title, &t.Body); err != nil {
			return nil, 0, err
		}
		out[id] = t
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var revs int
	err = db.QueryRow("SELECT count(*) FROM revisions").Scan(&revs)
	return out, revs, err
}

// damage is one way a database gets hurt. It changes the data folder at
// dir and returns the pages it touched (nil: none can be named).
type damage struct {
	Name    string
	WithLog bool // damage the copy taken while the diary was open
	Apply   func(dir string, pageSize int, rng *rand.Rand) (map[uint32]bool, error)
}

func damages() []damage {
	out := []damage{{Name: "noise at 10 random offsets", Apply: noise}}
	for _, pct := range []int{25, 50, 75} {
		out = append(out, damage{Name: fmt.Sprintf("truncated to %d %%", pct), Apply: truncate(pct)})
	}
	out = append(out,
		damage{Name: "header page overwritten", Apply: overwriteHeader},
		damage{Name: "free-list page damaged", Apply: damageFreeList},
		damage{Name: "log cut short", WithLog: true, Apply: cutLog},
	)
	return out
}

func pagesOf(off, n int64, pageSize int) map[uint32]bool {
	out := map[uint32]bool{}
	for p := off / int64(pageSize); p <= (off+n-1)/int64(pageSize); p++ {
		out[uint32(p+1)] = true
	}
	return out
}

func writeAt(path string, off int64, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteAt(b, off); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func noise(dir string, pageSize int, rng *rand.Rand) (map[uint32]bool, error) {
	path := filepath.Join(dir, dbName)
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	hit := map[uint32]bool{}
	for range 10 {
		n := int64(pageSize)
		off := int64(pageSize) + rng.Int63n(st.Size()-n-int64(pageSize))
		b := make([]byte, n)
		rng.Read(b)
		if err := writeAt(path, off, b); err != nil {
			return nil, err
		}
		for p := range pagesOf(off, n, pageSize) {
			hit[p] = true
		}
	}
	return hit, nil
}

func truncate(pct int) func(string, int, *rand.Rand) (map[uint32]bool, error) {
	return func(dir string, pageSize int, _ *rand.Rand) (map[uint32]bool, error) {
		path := filepath.Join(dir, dbName)
		st, err := os.Stat(path)
		if err != nil {
			return nil, err
		}
		keep := st.Size() * int64(pct) / 100
		if err := os.Truncate(path, keep); err != nil {
			return nil, err
		}
		return pagesOf(keep, st.Size()-keep, pageSize), nil
	}
}

func overwriteHeader(dir string, pageSize int, rng *rand.Rand) (map[uint32]bool, error) {
	b := make([]byte, pageSize)
	rng.Read(b)
	return map[uint32]bool{1: true}, writeAt(filepath.Join(dir, dbName), 0, b)
}

func damageFreeList(dir string, pageSize int, rng *rand.Rand) (map[uint32]bool, error) {
	path := filepath.Join(dir, dbName)
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	trunk := uint32(raw[32])<<24 | uint32(raw[33])<<16 | uint32(raw[34])<<8 | uint32(raw[35])
	if trunk == 0 {
		return nil, fmt.Errorf("the diary has no free pages to damage")
	}
	b := make([]byte, pageSize)
	rng.Read(b)
	return map[uint32]bool{trunk: true}, writeAt(path, int64(trunk-1)*int64(pageSize), b)
}

func cutLog(dir string, _ int, _ *rand.Rand) (map[uint32]bool, error) {
	path := filepath.Join(dir, dbName+"-wal")
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("the diary copied while open has no log: %w", err)
	}
	return nil, os.Truncate(path, st.Size()*2/3)
}

// outcome is one row of the table.
type outcome struct {
	Damage                  string
	Verify                  string
	FromDamaged, FromBackup int
	Lost                    int
	IntactBack, Intact      int // entries whose pages are intact, and of those back with their newest text
	BackupBack, AtBackup    int // entries the backup holds (and the diary still has), and of those back
	Unchanged               bool
}

func runCase(ctx context.Context, f *diaryFixture, d damage, work string, rng *rand.Rand) (outcome, error) {
	o := outcome{Damage: d.Name}
	dir := filepath.Join(work, "damaged")
	from := f.Dir
	if d.WithLog {
		from = f.WithLog
	}
	if err := copyDir(from, dir); err != nil {
		return o, err
	}
	hit, err := d.Apply(dir, f.PageSize, rng)
	if err != nil {
		return o, err
	}
	before, err := sums(dir)
	if err != nil {
		return o, err
	}
	o.Verify = verifySays(ctx, dir, filepath.Join(work, "verify"))
	out := filepath.Join(work, "salvaged")
	rep, err := app.Salvage(ctx, dir, f.Backup, out)
	if err != nil {
		return o, fmt.Errorf("salvage: %w", err)
	}
	after, err := sums(dir)
	if err != nil {
		return o, err
	}
	o.Unchanged = before == after
	o.FromDamaged, o.FromBackup = rep.FromDamaged, rep.FromBackup
	got, _, err := readTexts(filepath.Join(out, dbName))
	if err != nil {
		return o, err
	}
	truth := f.Truth
	if d.WithLog {
		truth = f.LogTruth
	}
	size := int64(-1)
	if st, err := os.Stat(filepath.Join(dir, dbName)); err == nil {
		size = st.Size()
	}
	for id, want := range truth {
		g, ok := got[id]
		if !ok {
			o.Lost++
		}
		if f.AtBackup[id] {
			o.AtBackup++
			if ok {
				o.BackupBack++
			}
		}
		if d.WithLog || intact(f.Pages[id], hit, size, f.PageSize) {
			o.Intact++
			if ok && g == want {
				o.IntactBack++
			}
		}
	}
	return o, nil
}

// intact reports whether every page of an entry's row is untouched and
// still in the file.
func intact(pages []uint32, hit map[uint32]bool, size int64, pageSize int) bool {
	if len(pages) == 0 {
		return false
	}
	for _, p := range pages {
		if hit[p] || int64(p)*int64(pageSize) > size {
			return false
		}
	}
	return true
}

// verifySays runs verify on a copy (opening a database may write to it)
// and sums it up in a few words.
func verifySays(ctx context.Context, dir, scratch string) string {
	if err := copyDir(dir, scratch); err != nil {
		return "error: " + err.Error()
	}
	defer os.RemoveAll(scratch)
	s, err := app.Open(ctx, app.Options{DataDir: scratch})
	if err != nil {
		if diary.ErrorCode(err) == diary.ECorrupt {
			return "DAMAGED (cannot open)"
		}
		return "error: " + diary.ErrorMessage(err)
	}
	defer s.Close()
	r, err := s.Verify(ctx)
	switch {
	case err != nil:
		return "error: " + err.Error()
	case len(r.DatabaseProblems) > 0:
		return fmt.Sprintf("DAMAGED (%d problems)", len(r.DatabaseProblems))
	case !r.OK():
		return "index or attachments differ"
	}
	return "all good"
}

func sums(dir string) (string, error) {
	h := sha256.New()
	for _, suffix := range []string{"", "-wal"} {
		f, err := os.Open(filepath.Join(dir, dbName+suffix))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return "", err
		}
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("%x", h.Sum(nil)), nil
}

// copyDir copies a data folder's database, log and attachments, and its
// backups folder, leaving out the lock and the index.
func copyDir(from, to string) error {
	return filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if rel == "index" || rel == "lock" || strings.HasSuffix(rel, "-shm") {
			if info.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		return copyFile(p, filepath.Join(to, rel))
	})
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}

func printTable(w io.Writer, f *diaryFixture, rows []outcome) {
	fmt.Fprintf(w, "damage suite: %d entries, %d earlier versions, %d entries in the backup merged; the log cut short was %d KB, cut to 2/3\n\n",
		len(f.Truth), f.Revisions, len(f.AtBackup), f.LogBytes>>10)
	fmt.Fprintf(w, "%-28s %-24s %9s %9s %6s %14s %14s %s\n", "damage", "verify says", "from file", "backup", "lost", "intact newest", "backup's back", "file unchanged")
	for _, r := range rows {
		fmt.Fprintf(w, "%-28s %-24s %9d %9d %6d %14s %14s %v\n", r.Damage, r.Verify, r.FromDamaged, r.FromBackup, r.Lost,
			fmt.Sprintf("%d/%d", r.IntactBack, r.Intact), fmt.Sprintf("%d/%d", r.BackupBack, r.AtBackup), r.Unchanged)
	}
}
