package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/salvage"
	"github.com/tsuzuri/tsuzuri/storage"
)

// SalvageReport says what Salvage brought back and from where.
type SalvageReport struct {
	OutDir string
	// Backup is the backup merged in ("" when none).
	Backup string
	// FromDamaged and FromBackup count the entries whose newest version
	// came from the damaged database and from the backup.
	FromDamaged, FromBackup int
	Revisions               int
	// Unreadable lists the entries the damaged database names (in an
	// index, a tag or a revision) whose text could not be read from it or
	// the backup.
	Unreadable []string
	// DamagedPages counts the pages a parent points to that could not be
	// read.
	DamagedPages int
	// MissingAttachments are links in the salvaged entries to files that
	// neither the data folder nor the backup holds.
	MissingAttachments []MissingAttachment
}

// SalvageReportFile is the report Salvage leaves in the new folder.
const SalvageReportFile = "salvage-report.txt"

// Salvage reads everything the damaged diary in dataDir still holds, page
// by page, merges it with the backup at backupZip (optional: "" for none),
// and writes a new, healthy data folder at outDir, which must be new or
// empty. The newest version of each entry wins. The damaged folder is
// only read.
func Salvage(ctx context.Context, dataDir, backupZip, outDir string) (SalvageReport, error) {
	rep := SalvageReport{OutDir: outDir, Backup: backupZip}
	if err := checkSalvageTarget(dataDir, outDir); err != nil {
		return rep, err
	}
	dbPath := filepath.Join(dataDir, backupDB)
	found := newSalvageSet()
	if _, err := os.Stat(dbPath); err == nil {
		res, err := salvage.ReadFile(dbPath)
		if err != nil {
			return rep, fmt.Errorf("read the damaged database: %w", err)
		}
		found.add(res, fromDamaged)
		rep.DamagedPages = len(res.Damaged)
	} else if backupZip == "" {
		return rep, diary.Errorf(diary.ENotFound, "%s holds no diary to salvage.", dataDir)
	}
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	var backupAttach string
	if backupZip != "" {
		tmp, err := os.MkdirTemp("", "tsuzuri-salvage-")
		if err != nil {
			return rep, fmt.Errorf("create temporary folder: %w", err)
		}
		defer os.RemoveAll(tmp)
		staging := filepath.Join(tmp, "backup")
		if err := Restore(ctx, backupZip, staging); err != nil {
			return rep, fmt.Errorf("unpack the backup: %w", err)
		}
		res, err := salvage.ReadFile(filepath.Join(staging, backupDB))
		if err != nil {
			return rep, fmt.Errorf("read the backup: %w", err)
		}
		found.add(res, fromBackup)
		backupAttach = filepath.Join(staging, backupAttachments)
	}
	entries, unreadable := found.merge()
	rep.Unreadable = unreadable
	for _, e := range entries {
		if e.source == fromDamaged {
			rep.FromDamaged++
		} else {
			rep.FromBackup++
		}
		rep.Revisions += len(e.Revisions)
	}

	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return rep, diary.Errorf(diary.EInvalid, "The folder %s cannot be created: %v", outDir, err)
	}
	st, err := storage.Open(ctx, filepath.Join(outDir, backupDB))
	if err != nil {
		return rep, fmt.Errorf("create the new database: %w", err)
	}
	list := make([]storage.Salvaged, len(entries))
	for i, e := range entries {
		list[i] = e.Salvaged
	}
	err = st.PutSalvaged(ctx, list)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return rep, fmt.Errorf("write the salvaged entries: %w", err)
	}
	for _, from := range []string{filepath.Join(dataDir, backupAttachments), backupAttach} {
		if from == "" {
			continue
		}
		if err := copyMissingFiles(ctx, from, filepath.Join(outDir, backupAttachments)); err != nil {
			return rep, fmt.Errorf("copy attachments: %w", err)
		}
	}
	if err := copyFileIfAbsent(filepath.Join(dataDir, SynonymsFile), filepath.Join(outDir, SynonymsFile)); err != nil {
		return rep, fmt.Errorf("copy synonyms: %w", err)
	}
	// Opening the new folder builds its index, so it is a diary at once;
	// its check finds attachments neither source held.
	s, err := Open(ctx, Options{DataDir: outDir})
	if err != nil {
		return rep, fmt.Errorf("open the salvaged diary: %w", err)
	}
	v, err := s.Verify(ctx)
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return rep, fmt.Errorf("check the salvaged diary: %w", err)
	}
	rep.MissingAttachments = v.MissingAttachments
	if err := os.WriteFile(filepath.Join(outDir, SalvageReportFile), []byte(rep.Text()), 0o644); err != nil {
		return rep, fmt.Errorf("write the report: %w", err)
	}
	return rep, nil
}

func checkSalvageTarget(dataDir, outDir string) error {
	a, err1 := filepath.Abs(dataDir)
	b, err2 := filepath.Abs(outDir)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("resolve folders: %w", err)
	}
	if a == b {
		return diary.Errorf(diary.EInvalid, "Salvage writes a new folder; %s is the damaged diary's own.", outDir)
	}
	names, err := os.ReadDir(outDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return diary.Errorf(diary.EInvalid, "The folder %s cannot be read: %v", outDir, err)
	}
	if len(names) > 0 {
		return diary.Errorf(diary.EConflict, "%s is not empty; salvage into a new folder.", outDir)
	}
	return nil
}

// Text is the report as a person reads it.
func (r SalvageReport) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Salvaged into %s\n", r.OutDir)
	fmt.Fprintf(&b, "Entries recovered from the damaged database: %d\n", r.FromDamaged)
	if r.Backup != "" {
		fmt.Fprintf(&b, "Entries recovered from the backup %s: %d\n", filepath.Base(r.Backup), r.FromBackup)
	} else {
		fmt.Fprintf(&b, "No backup was merged.\n")
	}
	fmt.Fprintf(&b, "Earlier versions kept: %d\n", r.Revisions)
	fmt.Fprintf(&b, "Damaged pages: %d\n", r.DamagedPages)
	fmt.Fprintf(&b, "Entries that could not be read: %d\n", len(r.Unreadable))
	for _, id := range r.Unreadable {
		fmt.Fprintf(&b, "  %s\n", id)
	}
	if len(r.MissingAttachments) > 0 {
		fmt.Fprintf(&b, "Attachments neither the folder nor the backup holds: %d\n", len(r.MissingAttachments))
		for _, m := range r.MissingAttachments {
			fmt.Fprintf(&b, "  %s (entry %s)\n", m.File, m.EntryID)
		}
	}
	return b.String()
}

func copyMissingFiles(ctx context.Context, from, to string) error {
	return eachFile(ctx, from, func(p, rel string) error {
		dest := filepath.Join(to, rel)
		if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
			return err
		}
		return copyFileIfAbsent(p, dest)
	})
}

// eachFile calls fn with the path of every regular file under dir and that
// path relative to dir; a dir that is not there holds none.
func eachFile(ctx context.Context, dir string, fn func(path, rel string) error) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		return fn(p, rel)
	})
}

func copyFileIfAbsent(from, to string) error {
	if _, err := os.Stat(to); err == nil {
		return nil
	}
	in, err := os.Open(from)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

type salvageSource int

const (
	fromDamaged salvageSource = iota
	fromBackup
)

// found is one version of an entry and where it came from.
type foundEntry struct {
	storage.Salvaged
	seq    int64
	source salvageSource
	stale  bool // read from a free page or a page cut off from its table
}

type foundTag struct {
	entry    string
	tag      int64
	position int64
	stale    bool
}

// salvageSet gathers the rows of both files, by the table each belongs to.
type salvageSet struct {
	entries    map[string][]*foundEntry
	revisions  [2]map[string]map[int]storage.Revision
	tagNames   [2]map[int64]string
	entryTags  [2][]foundTag
	comments   [2]map[string]map[int64]diary.Comment
	tombstones map[string]int64
	named      map[string]bool // ids the damaged file names
}

func newSalvageSet() *salvageSet {
	s := &salvageSet{entries: map[string][]*foundEntry{}, tombstones: map[string]int64{}, named: map[string]bool{}}
	for i := range 2 {
		s.revisions[i] = map[string]map[int]storage.Revision{}
		s.tagNames[i] = map[int64]string{}
		s.comments[i] = map[string]map[int64]diary.Comment{}
	}
	return s
}

// tableOf names the table a row belongs to: the schema's name when its
// page could be traced to a root, else by the row's shape (the schema is
// Tsuzuri's own, so the shapes are known).
func tableOf(r salvage.Row) string {
	if r.Table != "" {
		if r.Table == "sqlite_autoindex_entries_1" {
			return "entry_ids"
		}
		return r.Table
	}
	v := r.Values
	str := func(i int) bool { _, ok := v[i].(string); return ok }
	num := func(i int) bool { _, ok := v[i].(int64); return ok }
	switch {
	case !r.Index && (len(v) == 12 || len(v) == 14) && str(0) && str(1) && num(11):
		// 14 since sync's migration added the current version and the
		// conflict count; rows written before it have 12.
		return "entries"
	case !r.Index && len(v) == 10 && v[0] == nil && str(1) && num(2) && num(3):
		return "revisions"
	case !r.Index && len(v) == 2 && v[0] == nil && str(1):
		return "tags"
	case !r.Index && len(v) == 2 && str(0) && num(1) && v[0] != "seq" && v[0] != "revisions_pruned_at":
		return "tombstones"
	case r.Index && len(v) == 5 && str(0) && num(1) && str(2) && num(3) && str(4):
		return "comments"
	case r.Index && len(v) == 3 && str(0) && num(1) && num(2):
		return "entry_tags?" // or revisions_by_entry: told apart by page below
	case r.Index && len(v) == 2 && str(0) && num(1):
		return "entry_ids?" // or the tag names' index: told apart by page below
	}
	return ""
}

func (s *salvageSet) add(res *salvage.Result, src salvageSource) {
	// Rows that may be entry_tags, by page: a page whose rows all point at
	// revisions (entry, number, row id) is revisions_by_entry instead.
	maybeTags := map[uint32][]salvage.Row{}
	maybeIDs := map[uint32][]salvage.Row{}
	revAt := map[int64][2]any{}
	for _, r := range res.Rows {
		stale := r.Free || r.Table == ""
		v := r.Values
		switch tableOf(r) {
		case "entries":
			id, _ := v[0].(string)
			if src == fromDamaged && id != "" {
				s.named[id] = true
			}
			e, seq, ok := entryFromRow(v, r.Complete)
			if ok {
				s.entries[id] = append(s.entries[id], &foundEntry{Salvaged: storage.Salvaged{Entry: e}, seq: seq, source: src, stale: stale})
			}
		case "revisions":
			if !r.Complete || len(v) < 10 {
				continue
			}
			rev, id, ok := revisionFromRow(v)
			if !ok {
				continue
			}
			revAt[r.Rowid] = [2]any{id, int64(rev.Number)}
			byNum := s.revisions[src][id]
			if byNum == nil {
				byNum = map[int]storage.Revision{}
				s.revisions[src][id] = byNum
			}
			if _, seen := byNum[rev.Number]; !seen || !stale {
				byNum[rev.Number] = rev
			}
			if src == fromDamaged {
				s.named[id] = true
			}
		case "tags":
			if name, ok := v[1].(string); ok && (!stale || s.tagNames[src][r.Rowid] == "") {
				s.tagNames[src][r.Rowid] = name
			}
		case "entry_tags":
			s.entryTags[src] = append(s.entryTags[src], tagRow(v, stale))
		case "entry_tags?":
			maybeTags[r.Page] = append(maybeTags[r.Page], r)
		case "comments":
			id := v[0].(string)
			byPos := s.comments[src][id]
			if byPos == nil {
				byPos = map[int64]diary.Comment{}
				s.comments[src][id] = byPos
			}
			byPos[v[1].(int64)] = diary.Comment{Author: v[2].(string), Date: storage.Millis(v[3].(int64)), Body: v[4].(string)}
		case "tombstones":
			id, seq := v[0].(string), v[1].(int64)
			s.tombstones[id] = max(s.tombstones[id], seq)
		case "entry_ids":
			if src == fromDamaged && !r.Free {
				s.named[v[0].(string)] = true
			}
		case "entry_ids?":
			if src == fromDamaged && !r.Free {
				maybeIDs[r.Page] = append(maybeIDs[r.Page], r)
			}
		}
	}
	tagNames := map[string]bool{}
	for _, name := range s.tagNames[src] {
		tagNames[name] = true
	}
	for _, rows := range maybeIDs {
		names := 0
		for _, r := range rows {
			if tagNames[r.Values[0].(string)] {
				names++
			}
		}
		if names > 0 {
			continue
		}
		for _, r := range rows {
			s.named[r.Values[0].(string)] = true
		}
	}
	for _, rows := range maybeTags {
		isIndex := false
		for _, r := range rows {
			if at, ok := revAt[r.Values[2].(int64)]; ok && at[0] == r.Values[0] && at[1] == r.Values[1] {
				isIndex = true
				break
			}
		}
		if isIndex {
			continue
		}
		for _, r := range rows {
			s.entryTags[src] = append(s.entryTags[src], tagRow(r.Values, true))
		}
	}
}

func tagRow(v []any, stale bool) foundTag {
	id, _ := v[0].(string)
	tag, _ := v[1].(int64)
	pos, _ := v[2].(int64)
	return foundTag{entry: id, tag: tag, position: pos, stale: stale}
}

// entryFromRow reads a row of entries (id, title, body, date, source,
// source_key, source_url, original_html, created_at, updated_at,
// deleted_at, seq).
func entryFromRow(v []any, complete bool) (diary.Entry, int64, bool) {
	if !complete || len(v) < 12 {
		return diary.Entry{}, 0, false
	}
	var e diary.Entry
	var ok [8]bool
	for i, p := range []*string{&e.ID, &e.Title, &e.Body, &e.Date, &e.Source, &e.SourceKey, &e.SourceURL, &e.OriginalHTML} {
		*p, ok[i] = v[i].(string)
	}
	created, ok1 := v[8].(int64)
	updated, ok2 := v[9].(int64)
	seq, ok3 := v[11].(int64)
	for _, b := range ok {
		if !b {
			return e, 0, false
		}
	}
	if !ok1 || !ok2 || !ok3 || e.ID == "" {
		return e, 0, false
	}
	if _, err := time.Parse(diary.DateLayout, e.Date); err != nil {
		return e, 0, false
	}
	e.CreatedAt, e.UpdatedAt = storage.Millis(created), storage.Millis(updated)
	if d, ok := v[10].(int64); ok {
		t := storage.Millis(d)
		e.DeletedAt = &t
	}
	return e, seq, true
}

// revisionFromRow reads a row of revisions (id, entry_id, number,
// recorded_at, saved_at, size, date, tags, title, body).
func revisionFromRow(v []any) (storage.Revision, string, bool) {
	id, ok1 := v[1].(string)
	num, ok2 := v[2].(int64)
	rec, ok3 := v[3].(int64)
	saved, ok4 := v[4].(int64)
	date, ok5 := v[6].(string)
	tags, ok6 := v[7].(string)
	title, ok7 := v[8].(string)
	body, ok8 := v[9].(string)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7 && ok8) {
		return storage.Revision{}, "", false
	}
	var r storage.Revision
	if err := json.Unmarshal([]byte(tags), &r.Tags); err != nil {
		return r, "", false
	}
	r.Number, r.RecordedAt, r.SavedAt = int(num), storage.Millis(rec), storage.Millis(saved)
	r.Date, r.Title, r.Body, r.Size = date, title, body, len(body)
	return r, id, true
}

// merge picks each entry's newest version (the higher change number;
// between equals, which are the same version, the damaged file's over the
// backup's and a row from its table's tree over a stale copy), leaves
// out entries deleted for good, and gives the entries in the order they
// were written, with the ids the damaged file names but that no version
// could be read of.
func (s *salvageSet) merge() ([]*foundEntry, []string) {
	var out []*foundEntry
	for id, versions := range s.entries {
		sort.SliceStable(versions, func(i, j int) bool {
			a, b := versions[i], versions[j]
			if a.seq != b.seq {
				return a.seq > b.seq
			}
			if a.source != b.source {
				return a.source < b.source
			}
			return !a.stale
		})
		best := versions[0]
		if ts, ok := s.tombstones[id]; ok && ts > best.seq {
			continue
		}
		s.fill(best)
		out = append(out, best)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].seq != out[j].seq {
			return out[i].seq < out[j].seq
		}
		return out[i].Entry.ID < out[j].Entry.ID
	})
	var unreadable []string
	for id := range s.named {
		if _, ok := s.entries[id]; ok {
			continue
		}
		if _, ok := s.tombstones[id]; ok {
			continue
		}
		unreadable = append(unreadable, id)
	}
	sort.Strings(unreadable)
	return out, unreadable
}

// fill adds an entry's tags, comments and revisions: from the file its
// version came from, and revisions from both.
func (s *salvageSet) fill(e *foundEntry) {
	id, src := e.Entry.ID, e.source
	type pos struct {
		at   int64
		name string
	}
	var tags []pos
	seen := map[int64]bool{}
	for _, stale := range []bool{false, true} {
		if len(tags) > 0 {
			break
		}
		for _, t := range s.entryTags[src] {
			if t.entry != id || t.stale != stale || seen[t.tag] {
				continue
			}
			if name, ok := s.tagNames[src][t.tag]; ok {
				seen[t.tag] = true
				tags = append(tags, pos{t.position, name})
			}
		}
	}
	sort.Slice(tags, func(i, j int) bool { return tags[i].at < tags[j].at })
	for _, t := range tags {
		e.Entry.Tags = append(e.Entry.Tags, t.name)
	}
	if len(tags) == 0 && src == fromDamaged {
		// The same version in the backup has the tags the damaged
		// file lost.
		for _, b := range s.entries[id] {
			if b.source == fromBackup && b.seq == e.seq {
				s.fill(b)
				e.Entry.Tags = b.Entry.Tags
				break
			}
		}
	}
	if byPos := s.comments[src][id]; len(byPos) > 0 {
		keys := make([]int64, 0, len(byPos))
		for k := range byPos {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
		e.Entry.Comments = nil
		for _, k := range keys {
			e.Entry.Comments = append(e.Entry.Comments, byPos[k])
		}
	}
	revs := map[int]storage.Revision{}
	for _, from := range []salvageSource{fromBackup, fromDamaged} {
		for n, r := range s.revisions[from][id] {
			revs[n] = r
		}
	}
	e.Revisions = e.Revisions[:0]
	for _, r := range revs {
		e.Revisions = append(e.Revisions, r)
	}
	sort.Slice(e.Revisions, func(i, j int) bool { return e.Revisions[i].Number < e.Revisions[j].Number })
}

// LatestGoodBackup is the newest automatic backup of dataDir that holds a
// sound database (not one kept as a raw damaged file), or "".
func LatestGoodBackup(dataDir string) string {
	list, err := ListBackups(dataDir)
	if err != nil {
		return ""
	}
	for _, b := range list {
		if b.Reason != BackupDamaged {
			return b.Path
		}
	}
	return ""
}

// SalvageInPlace salvages the damaged diary in dataDir, which must not be
// open, merged with the backup at backupZip ("" for none), and puts the
// result in its place. The damaged database is kept as a backup first,
// and the report is left in the backups folder.
func SalvageInPlace(ctx context.Context, dataDir, backupZip string, now time.Time) (SalvageReport, error) {
	lock, err := lockDataDir(dataDir)
	if err != nil {
		return SalvageReport{}, err
	}
	defer lock.release()
	staging := filepath.Join(dataDir, ".salvaging")
	if err := os.RemoveAll(staging); err != nil {
		return SalvageReport{}, fmt.Errorf("clear %s: %w", staging, err)
	}
	defer os.RemoveAll(staging)
	rep, err := Salvage(ctx, dataDir, backupZip, staging)
	if err != nil {
		return rep, err
	}
	if _, err := replaceDiary(ctx, dataDir, staging, now); err != nil {
		return rep, err
	}
	name := "salvage-" + now.UTC().Format("20060102-150405") + ".txt"
	rep.OutDir = dataDir
	if err := os.WriteFile(filepath.Join(backupsDir(dataDir), name), []byte(rep.Text()), 0o644); err != nil {
		return rep, fmt.Errorf("keep the report: %w", err)
	}
	return rep, nil
}
