package storage

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"time"

	"github.com/tsuzuri/tsuzuri/diary"
)

// VersionState is what a version does to its entry.
type VersionState int

// The order is the order heads compete in: an edit beats a delete, so that
// nothing vanishes because another device trashed it meanwhile.
const (
	Live    VersionState = 0
	Trashed VersionState = 1
	Purged  VersionState = 2
)

// Version is one write of an entry as sync carries it between devices.
type Version struct {
	EntryID string
	VID     string
	Parents []string
	State   VersionState
	// Entry is the entry at this version (ID, Title, Body, Date, Tags,
	// Source…, Comments, CreatedAt); only the ID for Purged.
	Entry diary.Entry
}

// ClockBound is how far ahead of this device's clock another device's clock
// may pull it: a device whose clock is a year ahead must not leave every
// later edit here stamped a year ahead.
const ClockBound = 24 * time.Hour

var devicePattern = regexp.MustCompile(`^[0-9a-f]{16}$`)

// VIDTime is the wall-clock part of a version id.
func VIDTime(vid string) time.Time {
	h, _ := strconv.ParseUint(vid[:16], 16, 64)
	return time.UnixMilli(int64(h >> 16)).UTC()
}

// NewDeviceID makes a random device id.
func NewDeviceID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// EnableSync gives this device an id (once; device is used only the first
// time) and makes every entry that has no version yet a version of this
// device, waiting to be sent: the first pass then writes the whole diary.
// With republish (the diary moves to another folder, which holds nothing
// of it yet) every entry gets a new version over its current one, so the
// new folder receives the whole diary from this device.
func (s *Store) EnableSync(ctx context.Context, device string, republish bool) (string, error) {
	if current, ok := s.clock.enabled(); ok {
		device = current
	}
	if !devicePattern.MatchString(device) {
		return "", fmt.Errorf("device id %q is not 16 hex digits", device)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := setMeta(ctx, tx, "device", device); err != nil {
			return err
		}
		s.clock.mu.Lock()
		s.clock.device = device
		s.clock.mu.Unlock()
		rows, err := tx.QueryContext(ctx, "SELECT id, coalesce(vid, '') FROM entries WHERE vid IS NULL OR ?", republish)
		if err != nil {
			return fmt.Errorf("list entries to send: %w", err)
		}
		var ids []string
		current := map[string]string{}
		for rows.Next() {
			var id, vid string
			if err := rows.Scan(&id, &vid); err != nil {
				rows.Close()
				return fmt.Errorf("list entries to send: %w", err)
			}
			ids = append(ids, id)
			current[id] = vid
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("list entries to send: %w", err)
		}
		now := s.now()
		for chunk := range slices.Chunk(ids, 500) {
			found, err := loadEntries(ctx, tx, chunk)
			if err != nil {
				return err
			}
			for _, e := range found {
				state := Live
				if e.DeletedAt != nil {
					state = Trashed
				}
				vid := s.clock.tick(now)
				parents := "[]"
				if prev := current[e.ID]; prev != "" {
					p, _ := json.Marshal([]string{prev})
					parents = string(p)
					if _, err := tx.ExecContext(ctx, "UPDATE sync_versions SET head = 0 WHERE entry_id = ? AND vid = ?", e.ID, prev); err != nil {
						return fmt.Errorf("record version of %s: %w", e.ID, err)
					}
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO sync_versions (entry_id, vid, parents, state, head, text_hash, local, sent)
					VALUES (?, ?, ?, ?, 1, ?, 1, 0)`, e.ID, vid, parents, state, textHash(e)); err != nil {
					return fmt.Errorf("record version of %s: %w", e.ID, err)
				}
				if _, err := tx.ExecContext(ctx, "UPDATE entries SET vid = ? WHERE id = ?", vid, e.ID); err != nil {
					return fmt.Errorf("record version of %s: %w", e.ID, err)
				}
			}
		}
		return s.saveClock(ctx, tx)
	})
	if err != nil {
		return "", err
	}
	return device, nil
}

// textHash identifies what a person reads of an entry: two versions with
// the same title, body, date and tags are no conflict.
func textHash(e diary.Entry) string {
	h := sha256.New()
	for _, s := range []string{e.Title, e.Body, e.Date, strings.Join(e.Tags, "\x1f")} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// versionMeta is a version without its content.
type versionMeta struct {
	vid        string
	parents    []string
	state      VersionState
	head       bool
	hash       string
	hasContent bool
	local      bool
	sent       int  // 0 not yet, 2 being written to the folder, 1 sealed there
	fresh      bool // arriving in this apply, not in the table yet
}

func (w *writer) entryVersions(ctx context.Context, id string) ([]versionMeta, error) {
	st, err := w.stmt(ctx, "SELECT entry_id, "+versionColumns+" FROM sync_versions WHERE entry_id = ?")
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("read versions of %s: %w", id, err)
	}
	var out []versionMeta
	err = scanVersions(rows, func(_ string, v versionMeta) { out = append(out, v) })
	if err != nil {
		return nil, fmt.Errorf("read versions of %s: %w", id, err)
	}
	return out, nil
}

const versionColumns = "vid, parents, state, head, text_hash, content IS NOT NULL, local, sent"

// scanVersions reads rows of entry_id and versionColumns, and closes them.
func scanVersions(rows *sql.Rows, fn func(entryID string, v versionMeta)) error {
	defer rows.Close()
	for rows.Next() {
		var id, parents string
		var v versionMeta
		if err := rows.Scan(&id, &v.vid, &parents, &v.state, &v.head, &v.hash, &v.hasContent, &v.local, &v.sent); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(parents), &v.parents); err != nil {
			return fmt.Errorf("parents of %s: %w", v.vid, err)
		}
		fn(id, v)
	}
	return rows.Err()
}

// landing is what a batch of arriving versions lands on: the entries as
// they are, the version each row holds, and the versions each has. Read up
// front in a few queries rather than several an entry, which was a third
// of the database's work in applying a batch of edits. Each entry is applied
// once and writes only its own rows, so what was read stays true until
// its turn.
type landing struct {
	entries  map[string]diary.Entry
	vids     map[string]string // only rows that hold a version
	versions map[string][]versionMeta
}

func (w *writer) readLanding(ctx context.Context, ids []string) (*landing, error) {
	entries, err := entriesByID(ctx, w.tx, ids, loadEntries)
	if err != nil {
		return nil, err
	}
	vids, err := versionsHeld(ctx, w.tx, ids)
	if err != nil {
		return nil, err
	}
	l := &landing{entries: entries, vids: vids, versions: map[string][]versionMeta{}}
	for chunk := range slices.Chunk(ids, 500) {
		rows, err := w.tx.QueryContext(ctx, "SELECT entry_id, "+versionColumns+" FROM sync_versions WHERE entry_id IN ("+placeholders(len(chunk))+")", anys(chunk)...)
		if err != nil {
			return nil, fmt.Errorf("read versions: %w", err)
		}
		if err := scanVersions(rows, func(id string, v versionMeta) { l.versions[id] = append(l.versions[id], v) }); err != nil {
			return nil, fmt.Errorf("read versions: %w", err)
		}
	}
	return l, nil
}

// currentVID is the version an entry's row holds ("" when none, or when
// there is no row).
func (w *writer) currentVID(ctx context.Context, id string) (string, error) {
	st, err := w.stmt(ctx, "SELECT vid FROM entries WHERE id = ?")
	if err != nil {
		return "", err
	}
	var vid sql.NullString
	err = st.QueryRowContext(ctx, id).Scan(&vid)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read version of %s: %w", id, err)
	}
	return vid.String, nil
}

// winner picks the current version among heads: live beats trashed beats
// purged, then the greater vid. It depends on the set of heads alone.
func winner(heads []versionMeta) versionMeta {
	best := heads[0]
	for _, h := range heads[1:] {
		if h.state < best.state || h.state == best.state && h.vid > best.vid {
			best = h
		}
	}
	return best
}

// conflictCount counts the live heads other than the current one whose
// text differs from it and from each other.
func conflictCount(heads []versionMeta, current versionMeta) int {
	if current.state != Live {
		return 0
	}
	seen := map[string]bool{current.hash: true}
	for _, h := range heads {
		if h.state == Live && !seen[h.hash] {
			seen[h.hash] = true
		}
	}
	return len(seen) - 1
}

// recordLocal records a write made here as a new version of entry id, over
// its current version (or over all its heads when resolving a conflict).
// prev is the entry as it was before the write (nil for a new entry); its
// content is kept with the version it was if that version has not reached
// the folder yet. folded means the write only continues an editing session
// (no revision was kept): it then joins the current version when that is
// still waiting to be sent, as autosaves fold into one revision.
func (w *writer) recordLocal(ctx context.Context, e diary.Entry, prev *diary.Entry, state VersionState, folded, overHeads bool, now time.Time) error {
	clock := w.clock
	if clock == nil {
		return nil
	}
	if _, ok := clock.enabled(); !ok {
		return nil
	}
	versions, err := w.entryVersions(ctx, e.ID)
	if err != nil {
		return err
	}
	cur, err := w.currentVID(ctx, e.ID)
	if err != nil {
		return err
	}
	var current *versionMeta
	for i := range versions {
		if versions[i].vid == cur {
			current = &versions[i]
		}
	}
	hash := ""
	if state != Purged {
		hash = textHash(e)
	}
	if current != nil && folded && !overHeads && current.local && current.sent == 0 && current.state == state && state == Live {
		_, err := w.exec(ctx, "UPDATE sync_versions SET text_hash = ? WHERE entry_id = ? AND vid = ?", hash, e.ID, cur)
		if err != nil {
			return fmt.Errorf("fold version of %s: %w", e.ID, err)
		}
		return w.countConflicts(ctx, e.ID)
	}
	if current != nil && current.sent != 1 && !current.hasContent && prev != nil {
		if err := w.keepContent(ctx, cur, *prev); err != nil {
			return err
		}
	}
	vid := clock.tick(now)
	// A save is written over the current version, leaving a conflict's
	// other texts in place until the person chooses; trashing, restoring
	// and resolving act on the entry as a whole, over every head. A head
	// stamped later than this write (a clock far ahead) is written over
	// too, or the person's own save would lose to it.
	parents := []string{}
	for _, v := range versions {
		if v.head && (overHeads || state != Live || current != nil && v.vid == current.vid || v.vid > vid) {
			parents = append(parents, v.vid)
		}
	}
	// Kept with the write, so that after a crash the clock never hands
	// out a stamp it already gave.
	if err := setMeta(ctx, w.tx, "hlc", strconv.FormatUint(clock.value(), 16)); err != nil {
		return err
	}
	p, _ := json.Marshal(parents)
	if _, err := w.exec(ctx, `INSERT INTO sync_versions (entry_id, vid, parents, state, head, text_hash, local, sent)
		VALUES (?, ?, ?, ?, 1, ?, 1, 0)`, e.ID, vid, string(p), state, hash); err != nil {
		return fmt.Errorf("record version of %s: %w", e.ID, err)
	}
	for _, parent := range parents {
		// A parent that stops being a head needs its content only until it
		// is sent; a sealed one's text is in the folder and in the revisions.
		if _, err := w.exec(ctx, `UPDATE sync_versions SET head = 0, content = CASE WHEN sent = 1 THEN NULL ELSE content END
			WHERE entry_id = ? AND vid = ?`, e.ID, parent); err != nil {
			return fmt.Errorf("record version of %s: %w", e.ID, err)
		}
	}
	if state == Purged {
		return nil
	}
	if _, err := w.exec(ctx, "UPDATE entries SET vid = ? WHERE id = ?", vid, e.ID); err != nil {
		return fmt.Errorf("record version of %s: %w", e.ID, err)
	}
	return w.countConflicts(ctx, e.ID)
}

// foldFor is how recent a revision lets a save of entry id fold into it.
// With sync on, only a text no other device has seen may be folded away:
// once a version was sent (or came from elsewhere) every device keeps its
// text, this one too.
func (w *writer) foldFor(ctx context.Context, id string) (time.Duration, error) {
	if w.fold == 0 || w.clock == nil {
		return w.fold, nil
	}
	if _, ok := w.clock.enabled(); !ok {
		return w.fold, nil
	}
	var local, sent int
	err := w.tx.QueryRowContext(ctx, `SELECT v.local, v.sent FROM entries e JOIN sync_versions v ON v.entry_id = e.id AND v.vid = e.vid
		WHERE e.id = ?`, id).Scan(&local, &sent)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read version of %s: %w", id, err)
	}
	if local == 1 && sent == 0 {
		return w.fold, nil
	}
	return 0, nil
}

// keepContent stores an entry's content with one of its versions, which is
// about to stop being the one the entries row holds.
func (w *writer) keepContent(ctx context.Context, vid string, e diary.Entry) error {
	content, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode version of %s: %w", e.ID, err)
	}
	if _, err := w.exec(ctx, "UPDATE sync_versions SET content = ? WHERE entry_id = ? AND vid = ?", string(content), e.ID, vid); err != nil {
		return fmt.Errorf("keep version of %s: %w", e.ID, err)
	}
	return nil
}

// countConflicts sets the entry's conflict count from its heads.
func (w *writer) countConflicts(ctx context.Context, id string) error {
	versions, err := w.entryVersions(ctx, id)
	if err != nil {
		return err
	}
	cur, err := w.currentVID(ctx, id)
	if err != nil {
		return err
	}
	var heads []versionMeta
	var current versionMeta
	for _, v := range versions {
		if v.head {
			heads = append(heads, v)
		}
		if v.vid == cur {
			current = v
		}
	}
	n := 0
	if current.vid != "" {
		n = conflictCount(heads, current)
	}
	if _, err := w.exec(ctx, "UPDATE entries SET conflicts = ? WHERE id = ? AND conflicts <> ?", n, id, n); err != nil {
		return fmt.Errorf("count conflicts of %s: %w", id, err)
	}
	return nil
}

// Unsent lists up to limit versions written here that have not been sealed
// in the folder yet, in vid order after the vid after ("" for the first),
// and marks them as being sent: from now on a save starts a new version
// instead of folding into one of them, so what is written to the folder
// under a vid never changes.
func (s *Store) Unsent(ctx context.Context, after string, limit int) ([]Version, error) {
	var out []Version
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		rows, err := tx.QueryContext(ctx, `SELECT entry_id, vid, parents, state, content FROM sync_versions
			WHERE sent <> 1 AND local = 1 AND vid > ? ORDER BY vid LIMIT ?`, after, limit)
		if err != nil {
			return fmt.Errorf("list versions to send: %w", err)
		}
		var fromRow []string
		var contents []sql.NullString
		for rows.Next() {
			var v Version
			var parents string
			var content sql.NullString
			if err := rows.Scan(&v.EntryID, &v.VID, &parents, &v.State, &content); err != nil {
				rows.Close()
				return fmt.Errorf("list versions to send: %w", err)
			}
			if err := json.Unmarshal([]byte(parents), &v.Parents); err != nil {
				rows.Close()
				return fmt.Errorf("parents of %s: %w", v.VID, err)
			}
			v.Entry.ID = v.EntryID
			if !content.Valid && v.State != Purged {
				fromRow = append(fromRow, v.EntryID)
			}
			contents = append(contents, content)
			out = append(out, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("list versions to send: %w", err)
		}
		current, err := entriesByID(ctx, tx, fromRow, loadEntries)
		if err != nil {
			return err
		}
		for i := range out {
			v := &out[i]
			switch {
			case v.State == Purged:
			case contents[i].Valid:
				if err := json.Unmarshal([]byte(contents[i].String), &v.Entry); err != nil {
					return fmt.Errorf("decode version %s: %w", v.VID, err)
				}
			default:
				e, ok := current[v.EntryID]
				if !ok {
					return fmt.Errorf("version %s of %s has lost its text", v.VID, v.EntryID)
				}
				v.Entry = e
			}
			v.Entry.ID = v.EntryID
			v.Entry.DeletedAt = nil
			v.Entry.Conflicts = 0
			if _, err := tx.ExecContext(ctx, "UPDATE sync_versions SET sent = 2 WHERE entry_id = ? AND vid = ? AND sent = 0", v.EntryID, v.VID); err != nil {
				return fmt.Errorf("mark %s as being sent: %w", v.VID, err)
			}
		}
		return nil
	})
	return out, err
}

// MarkSent records that these versions are sealed in the folder. The
// content a version kept only to be sent is dropped.
func (s *Store) MarkSent(ctx context.Context, versions []Version) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, v := range versions {
			if _, err := tx.ExecContext(ctx, `UPDATE sync_versions SET sent = 1,
				content = CASE WHEN head = 1 AND vid IS NOT (SELECT vid FROM entries WHERE id = ?1) THEN content ELSE NULL END
				WHERE entry_id = ?1 AND vid = ?2`, v.EntryID, v.VID); err != nil {
				return fmt.Errorf("mark %s as sent: %w", v.VID, err)
			}
		}
		return nil
	})
}

// UnsentCount is how many versions written here wait to be sent.
func (s *Store) UnsentCount(ctx context.Context) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, "SELECT count(*) FROM sync_versions WHERE sent <> 1 AND local = 1").Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count versions to send: %w", err)
	}
	return n, nil
}

// ApplyResult says what applying versions from other devices did.
type ApplyResult struct {
	New       int      // versions not seen before
	Changed   []string // entries whose current text or state changed
	Conflicts []string // entries in conflict after it
	// ClockAhead is the largest amount by which a version's clock was past
	// ClockBound ahead of this device's (0 when none was).
	ClockAhead time.Duration
	Problems   []string // versions that could not be applied, and why
}

// ApplyVersions adds versions written on other devices. Applying is
// idempotent and independent of order: the entry's state follows from the
// set of versions it has. Every version's text that does not become current
// is kept as a revision, so a save made anywhere stays findable here.
func (s *Store) ApplyVersions(ctx context.Context, versions []Version) (ApplyResult, error) {
	var res ApplyResult
	if _, ok := s.clock.enabled(); !ok {
		return res, errors.New("sync is not turned on")
	}
	byEntry := map[string][]Version{}
	var order []string
	for _, v := range versions {
		if _, ok := byEntry[v.EntryID]; !ok {
			order = append(order, v.EntryID)
		}
		byEntry[v.EntryID] = append(byEntry[v.EntryID], v)
	}
	now := s.now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res = ApplyResult{}
		w := &writer{tx: tx, tags: map[string]int64{}, clock: &s.clock}
		defer w.close()
		l, err := w.readLanding(ctx, order)
		if err != nil {
			return err
		}
		for _, id := range order {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := w.applyEntry(ctx, id, byEntry[id], l, now, &res); err != nil {
				return err
			}
		}
		return s.saveClock(ctx, tx)
	})
	return res, err
}

func (w *writer) applyEntry(ctx context.Context, id string, incoming []Version, l *landing, now time.Time, res *ApplyResult) error {
	known := slices.Clone(l.versions[id])
	have := map[string]bool{}
	for _, v := range known {
		have[v.vid] = true
	}
	var fresh []Version
	hashes := map[string]string{}
	for _, v := range incoming {
		if have[v.VID] {
			continue
		}
		have[v.VID] = true
		if over := w.clock.observe(v.VID, now); over > res.ClockAhead {
			res.ClockAhead = over
		}
		if v.State != Purged {
			v.Entry.ID = id
			if err := normalise(&v.Entry, now); err != nil {
				res.Problems = append(res.Problems, fmt.Sprintf("%s of %s: %s", v.VID, id, diary.ErrorMessage(err)))
				continue
			}
			hashes[v.VID] = textHash(v.Entry)
		}
		fresh = append(fresh, v)
		known = append(known, versionMeta{vid: v.VID, parents: v.Parents, state: v.State, head: true, hash: hashes[v.VID], sent: 1, fresh: true})
	}
	if len(fresh) == 0 {
		return nil
	}
	res.New += len(fresh)

	// Heads follow from the whole set: a version is a head while no
	// version names it as a parent.
	named := map[string]bool{}
	for _, v := range known {
		for _, p := range v.parents {
			named[p] = true
		}
	}
	var heads []versionMeta
	for i := range known {
		v := &known[i]
		head := !named[v.vid]
		if head != v.head && !v.fresh {
			// A sealed version that stops being a head needs no content:
			// its text is kept as a revision below or already was.
			if _, err := w.exec(ctx, `UPDATE sync_versions SET head = ?1, content = CASE WHEN ?1 = 0 AND sent = 1 THEN NULL ELSE content END
				WHERE entry_id = ?2 AND vid = ?3`, head, id, v.vid); err != nil {
				return fmt.Errorf("update heads of %s: %w", id, err)
			}
		}
		v.head = head
		if head {
			heads = append(heads, *v)
		}
	}
	win := winner(heads)
	var winEntry *diary.Entry
	for i, v := range fresh {
		// Only a head that loses keeps its content in the row: the
		// winner's goes into the entries row, and a version that is no
		// head is kept as a revision below.
		content := sql.NullString{}
		head := !named[v.VID]
		if v.State != Purged && head && v.VID != win.vid {
			b, err := json.Marshal(v.Entry)
			if err != nil {
				return fmt.Errorf("encode version %s: %w", v.VID, err)
			}
			content = sql.NullString{String: string(b), Valid: true}
		}
		if v.VID == win.vid {
			winEntry = &fresh[i].Entry
		}
		p, _ := json.Marshal(v.Parents)
		if _, err := w.exec(ctx, `INSERT INTO sync_versions (entry_id, vid, parents, state, head, text_hash, content, local, sent)
			VALUES (?, ?, ?, ?, ?, ?, ?, 0, 1)`, id, v.VID, string(p), v.State, head, hashes[v.VID], content); err != nil {
			return fmt.Errorf("add version %s of %s: %w", v.VID, id, err)
		}
	}
	cur := l.vids[id]
	var prev *diary.Entry
	if e, ok := l.entries[id]; ok {
		prev = &e
	}
	if win.vid != cur {
		if prev != nil && cur != "" {
			if err := w.keepContentIfNeeded(ctx, known, cur, *prev); err != nil {
				return err
			}
		}
		if err := w.becomeCurrent(ctx, id, win, winEntry, prev, now); err != nil {
			return err
		}
		res.Changed = append(res.Changed, id)
	}
	if win.state == Purged {
		return nil
	}
	// Every text that is not current is kept as a revision, so a save
	// acknowledged on any device can be found here.
	if prev != nil && cur != "" && win.vid != cur {
		if err := w.keepRevisionOnce(ctx, id, *prev, win.hash, now); err != nil {
			return err
		}
	}
	for _, v := range fresh {
		if v.VID == win.vid || v.State == Purged {
			continue
		}
		if err := w.keepRevisionOnce(ctx, id, v.Entry, win.hash, now); err != nil {
			return err
		}
	}
	n := conflictCount(heads, win)
	if _, err := w.exec(ctx, "UPDATE entries SET conflicts = ? WHERE id = ? AND conflicts <> ?", n, id, n); err != nil {
		return fmt.Errorf("count conflicts of %s: %w", id, err)
	}
	if n > 0 {
		res.Conflicts = append(res.Conflicts, id)
	}
	return nil
}

func sameComment(a, b diary.Comment) bool {
	return a.Author == b.Author && a.Date.Equal(b.Date) && a.Body == b.Body
}

// keepContentIfNeeded keeps the content of the version the entries row
// holds before another takes its place, when that version still needs it:
// it is still a head (a conflict version now) or not sealed yet.
func (w *writer) keepContentIfNeeded(ctx context.Context, known []versionMeta, vid string, e diary.Entry) error {
	for _, v := range known {
		if v.vid == vid && !v.hasContent && (v.head || v.sent != 1) {
			e.Conflicts = 0
			return w.keepContent(ctx, vid, e)
		}
	}
	return nil
}

// becomeCurrent writes version win into the entries row: its entry e when
// it just arrived, else the content its row kept.
func (w *writer) becomeCurrent(ctx context.Context, id string, win versionMeta, e *diary.Entry, prev *diary.Entry, now time.Time) error {
	// An entry this device never had and that arrives deleted for good
	// writes no row, so it takes no change number: one with no change
	// behind it would leave the index, which follows the change feed,
	// forever one short of the counter.
	if win.state == Purged && prev == nil {
		return nil
	}
	seq, err := w.nextSeq(ctx)
	if err != nil {
		return err
	}
	if win.state == Purged {
		if _, err := w.exec(ctx, "INSERT INTO tombstones (id, seq) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq", id, seq); err != nil {
			return fmt.Errorf("record deletion of %s: %w", id, err)
		}
		if _, err := w.exec(ctx, "DELETE FROM entries WHERE id = ?", id); err != nil {
			return fmt.Errorf("delete entry %s: %w", id, err)
		}
		return nil
	}
	fromRow := e == nil
	if fromRow {
		var content string
		if err := w.tx.QueryRowContext(ctx, "SELECT content FROM sync_versions WHERE entry_id = ? AND vid = ?", id, win.vid).Scan(&content); err != nil {
			return fmt.Errorf("read version %s of %s: %w", win.vid, id, err)
		}
		e = &diary.Entry{}
		if err := json.Unmarshal([]byte(content), e); err != nil {
			return fmt.Errorf("decode version %s of %s: %w", win.vid, id, err)
		}
	}
	e.ID = id
	updated := VIDTime(win.vid)
	var deleted any
	if win.state == Trashed {
		deleted = updated.UnixMilli()
	}
	if e.CreatedAt.IsZero() {
		e.CreatedAt = updated
	}
	sourceKey := e.SourceKey
	if sourceKey != "" {
		var other string
		err := w.tx.QueryRowContext(ctx, "SELECT id FROM entries WHERE source = ? AND source_key = ? AND id <> ?", e.Source, e.SourceKey, id).Scan(&other)
		if err == nil {
			// The same post imported on two devices became two entries;
			// both are kept, and only one can answer to the source key.
			sourceKey = ""
		} else if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("check source of %s: %w", id, err)
		}
	}
	if prev == nil {
		_, err = w.exec(ctx, `INSERT INTO entries (id, title, body, date, source, source_key, source_url, original_html, created_at, updated_at, deleted_at, seq, vid)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, e.Title, e.Body, e.Date, e.Source, sourceKey, e.SourceURL, e.OriginalHTML, e.CreatedAt.UnixMilli(), updated.UnixMilli(), deleted, seq, win.vid)
		if err == nil {
			_, err = w.exec(ctx, "DELETE FROM tombstones WHERE id = ?", id)
		}
	} else {
		_, err = w.exec(ctx, `UPDATE entries SET title = ?, body = ?, date = ?, source = ?, source_key = ?, source_url = ?, original_html = ?,
			created_at = ?, updated_at = ?, deleted_at = ?, seq = ?, vid = ? WHERE id = ?`,
			e.Title, e.Body, e.Date, e.Source, sourceKey, e.SourceURL, e.OriginalHTML, e.CreatedAt.UnixMilli(), updated.UnixMilli(), deleted, seq, win.vid, id)
	}
	if err != nil {
		return fmt.Errorf("apply version %s of %s: %w", win.vid, id, err)
	}
	// Most versions that arrive change the text alone.
	if prev == nil || !slices.Equal(prev.Tags, e.Tags) {
		if err := w.writeTags(ctx, id, e.Tags, prev != nil); err != nil {
			return err
		}
	}
	if prev == nil || !slices.EqualFunc(prev.Comments, e.Comments, sameComment) {
		if err := w.writeComments(ctx, id, e.Comments, prev != nil); err != nil {
			return err
		}
	}
	if fromRow {
		// The entries row holds it now.
		if _, err := w.exec(ctx, "UPDATE sync_versions SET content = NULL WHERE entry_id = ? AND vid = ? AND sent = 1", id, win.vid); err != nil {
			return fmt.Errorf("apply version %s of %s: %w", win.vid, id, err)
		}
	}
	return nil
}

// keepRevisionOnce keeps e's text as a revision of entry id unless it is
// the current text (currentHash) or one of the entry's revisions already.
func (w *writer) keepRevisionOnce(ctx context.Context, id string, e diary.Entry, currentHash string, now time.Time) error {
	if textHash(e) == currentHash {
		return nil
	}
	if e.Tags == nil {
		e.Tags = []string{}
	}
	tags, err := json.Marshal(e.Tags)
	if err != nil {
		return fmt.Errorf("encode tags of %s: %w", id, err)
	}
	updated := e.UpdatedAt
	if updated.IsZero() {
		updated = now
	}
	_, err = w.exec(ctx, `INSERT INTO revisions (entry_id, number, recorded_at, saved_at, size, date, tags, title, body)
		SELECT ?1, COALESCE((SELECT MAX(number) FROM revisions WHERE entry_id = ?1), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8
		WHERE NOT EXISTS (SELECT 1 FROM revisions WHERE entry_id = ?1 AND title = ?7 AND body = ?8 AND date = ?5 AND tags = ?6)`,
		id, now.UnixMilli(), updated.UnixMilli(), len(e.Body), e.Date, string(tags), e.Title, e.Body)
	if err != nil {
		return fmt.Errorf("keep a version of %s: %w", id, err)
	}
	return nil
}

// ConflictVersions lists the texts that compete with an entry's current
// one: versions from other devices (or this one) written without seeing
// each other. Empty when the entry is not in conflict.
func (s *Store) ConflictVersions(ctx context.Context, id string) ([]Version, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT v.vid, v.content FROM sync_versions v JOIN entries e ON e.id = v.entry_id
		WHERE v.entry_id = ? AND v.head = 1 AND v.state = 0 AND v.vid <> e.vid AND v.content IS NOT NULL
		AND v.text_hash <> (SELECT text_hash FROM sync_versions WHERE entry_id = e.id AND vid = e.vid)
		ORDER BY v.vid DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("list conflict versions of %s: %w", id, err)
	}
	defer rows.Close()
	var out []Version
	seen := map[string]bool{}
	for rows.Next() {
		var v Version
		var content string
		if err := rows.Scan(&v.VID, &content); err != nil {
			return nil, fmt.Errorf("list conflict versions of %s: %w", id, err)
		}
		if err := json.Unmarshal([]byte(content), &v.Entry); err != nil {
			return nil, fmt.Errorf("decode version %s of %s: %w", v.VID, id, err)
		}
		h := textHash(v.Entry)
		if seen[h] {
			continue
		}
		seen[h] = true
		v.EntryID, v.Entry.ID, v.Entry.Conflicts = id, id, 0
		out = append(out, v)
	}
	return out, rows.Err()
}

// ResolveConflict saves e as the entry's text over every version that
// competed: the conflict ends here, and on every device once this version
// arrives there. The texts it replaces stay in the history.
func (s *Store) ResolveConflict(ctx context.Context, e diary.Entry) (diary.Entry, error) {
	now := s.now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		w := &writer{tx: tx, tags: map[string]int64{}, clock: &s.clock, overHeads: true}
		defer w.close()
		if err := w.prefetch(ctx, []diary.Entry{e}); err != nil {
			return err
		}
		if w.known[e.ID] == nil {
			return diary.Errorf(diary.ENotFound, "There is no entry with id %q.", e.ID)
		}
		if err := normalise(&e, now); err != nil {
			return err
		}
		_, err := w.save(ctx, e, now)
		return err
	})
	if err != nil {
		return diary.Entry{}, err
	}
	return s.Get(ctx, e.ID)
}

// InConflict lists the ids of entries in conflict.
func (s *Store) InConflict(ctx context.Context) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT id FROM entries WHERE conflicts > 0 ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("list conflicts: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list conflicts: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
