package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/tsuzuri/tsuzuri/diary"
)

// The state of sync on this device: its clock and settings, the segments
// of other devices it applied, the devices it has seen.

// syncClock is this device's hybrid logical clock: milliseconds of wall
// time in the high 48 bits, a counter in the low 16, never going back.
type syncClock struct {
	mu     sync.Mutex
	device string // "" while sync is off: writes record no versions
	hlc    uint64
}

func (c *syncClock) enabled() (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.device, c.device != ""
}

// tick returns a new version id, later than every one seen here.
func (c *syncClock) tick(now time.Time) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	phys := uint64(now.UnixMilli()) << 16
	if phys > c.hlc {
		c.hlc = phys
	} else {
		c.hlc++
	}
	return fmt.Sprintf("%016x-%s", c.hlc, c.device)
}

// observe moves the clock past a version seen from another device, but not
// more than ClockBound past now; it returns how far past the bound the
// version was (0 when within it).
func (c *syncClock) observe(vid string, now time.Time) time.Duration {
	h, _ := strconv.ParseUint(vid[:16], 16, 64)
	bound := uint64(now.Add(ClockBound).UnixMilli()) << 16
	var over time.Duration
	if h > bound {
		over = time.Duration((h>>16)-(bound>>16)) * time.Millisecond
		h = bound
	}
	c.mu.Lock()
	if h > c.hlc {
		c.hlc = h
	}
	c.mu.Unlock()
	return over
}

func (c *syncClock) value() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hlc
}

// loadSyncClock reads the device id and clock at open.
func (s *Store) loadSyncClock(ctx context.Context) error {
	meta, err := s.syncMeta(ctx, s.write, "device", "hlc")
	if err != nil {
		return err
	}
	h, _ := strconv.ParseUint(meta["hlc"], 16, 64)
	s.clock.mu.Lock()
	s.clock.device, s.clock.hlc = meta["device"], h
	s.clock.mu.Unlock()
	return nil
}

func (s *Store) syncMeta(ctx context.Context, q querier, names ...string) (map[string]string, error) {
	out := map[string]string{}
	rows, err := q.QueryContext(ctx, "SELECT name, value FROM sync_meta WHERE name IN ("+placeholders(len(names))+")", anys(names)...)
	if err != nil {
		return nil, fmt.Errorf("read sync settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("read sync settings: %w", err)
		}
		out[k] = v
	}
	return out, rows.Err()
}

// SyncSetting reads one value kept for sync on this device ("" if unset).
func (s *Store) SyncSetting(ctx context.Context, name string) (string, error) {
	m, err := s.syncMeta(ctx, s.read, name)
	return m[name], err
}

// SetSyncSetting keeps one value for sync on this device.
func (s *Store) SetSyncSetting(ctx context.Context, name, value string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return setMeta(ctx, tx, name, value)
	})
}

func setMeta(ctx context.Context, tx *sql.Tx, name, value string) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO sync_meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value", name, value)
	if err != nil {
		return fmt.Errorf("save sync setting %s: %w", name, err)
	}
	return nil
}

func (s *Store) saveClock(ctx context.Context, tx *sql.Tx) error {
	return setMeta(ctx, tx, "hlc", strconv.FormatUint(s.clock.value(), 16))
}

// SyncDevice is this device's id, "" while sync has never been turned on.
func (s *Store) SyncDevice() string {
	d, _ := s.clock.enabled()
	return d
}

// NextVID stamps something other than an entry (the synonyms file) with
// this device's clock.
func (s *Store) NextVID(ctx context.Context) (string, error) {
	if _, ok := s.clock.enabled(); !ok {
		return "", errors.New("sync is not turned on")
	}
	vid := s.clock.tick(s.now())
	return vid, s.inTx(ctx, func(tx *sql.Tx) error { return s.saveClock(ctx, tx) })
}

// SegmentKey names a segment of another device: its file and its checksum
// (a device restored from an old backup may write a number again).
type SegmentKey struct{ Device, Name, SHA256 string }

// AppliedSegments lists the segments already applied here.
func (s *Store) AppliedSegments(ctx context.Context) (map[SegmentKey]bool, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT device, name, sha256 FROM sync_segments")
	if err != nil {
		return nil, fmt.Errorf("list applied segments: %w", err)
	}
	defer rows.Close()
	out := map[SegmentKey]bool{}
	for rows.Next() {
		var k SegmentKey
		if err := rows.Scan(&k.Device, &k.Name, &k.SHA256); err != nil {
			return nil, fmt.Errorf("list applied segments: %w", err)
		}
		out[k] = true
	}
	return out, rows.Err()
}

// RecordSegment notes a segment as applied, and its device as seen.
func (s *Store) RecordSegment(ctx context.Context, k SegmentKey, records int, host string) error {
	now := s.now().UnixMilli()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO sync_segments (device, name, sha256, records, applied_at) VALUES (?, ?, ?, ?, ?)",
			k.Device, k.Name, k.SHA256, records, now); err != nil {
			return fmt.Errorf("record segment %s/%s: %w", k.Device, k.Name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sync_devices (device, host, last_seen) VALUES (?1, ?2, ?3)
			ON CONFLICT (device) DO UPDATE SET host = CASE WHEN ?2 <> '' THEN ?2 ELSE host END, last_seen = ?3`, k.Device, host, now); err != nil {
			return fmt.Errorf("record device %s: %w", k.Device, err)
		}
		return nil
	})
}

// NoteClockAhead records that a device's clock ran past the bound.
func (s *Store) NoteClockAhead(ctx context.Context, device string, ahead time.Duration) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sync_devices (device, clock_skew) VALUES (?1, ?2)
			ON CONFLICT (device) DO UPDATE SET clock_skew = max(clock_skew, ?2)`, device, ahead.Milliseconds())
		if err != nil {
			return fmt.Errorf("record clock of %s: %w", device, err)
		}
		return nil
	})
}

// SyncDeviceInfo is another device as this one knows it.
type SyncDeviceInfo struct {
	ID, Host, Alias string
	LastSeen        time.Time
	ClockAhead      time.Duration
}

// SyncDevices lists the other devices seen, by id.
func (s *Store) SyncDevices(ctx context.Context) ([]SyncDeviceInfo, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT device, host, alias, last_seen, clock_skew FROM sync_devices ORDER BY device")
	if err != nil {
		return nil, fmt.Errorf("list devices: %w", err)
	}
	defer rows.Close()
	var out []SyncDeviceInfo
	for rows.Next() {
		var d SyncDeviceInfo
		var seen, skew int64
		if err := rows.Scan(&d.ID, &d.Host, &d.Alias, &seen, &skew); err != nil {
			return nil, fmt.Errorf("list devices: %w", err)
		}
		if seen > 0 {
			d.LastSeen = time.UnixMilli(seen).UTC()
		}
		d.ClockAhead = time.Duration(skew) * time.Millisecond
		out = append(out, d)
	}
	return out, rows.Err()
}

// RenameSyncDevice sets the name shown here for another device.
func (s *Store) RenameSyncDevice(ctx context.Context, device, alias string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE sync_devices SET alias = ? WHERE device = ?", alias, device)
		if err != nil {
			return fmt.Errorf("rename device %s: %w", device, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return diary.Errorf(diary.ENotFound, "No device %q has been seen in the sync folder.", device)
		}
		return nil
	})
}

// CurrentVersions gives the version each of these entries holds now, by
// id: what another device's edit of it would be written over.
func (s *Store) CurrentVersions(ctx context.Context, ids []string) (map[string]string, error) {
	return versionsHeld(ctx, s.read, ids)
}

// versionsHeld gives the version each of these entries' rows holds, by id;
// an entry with no row, or whose row holds none, is left out.
func versionsHeld(ctx context.Context, q querier, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	for chunk := range slices.Chunk(ids, 500) {
		rows, err := q.QueryContext(ctx, "SELECT id, vid FROM entries WHERE vid IS NOT NULL AND id IN ("+placeholders(len(chunk))+")", anys(chunk)...)
		if err != nil {
			return nil, fmt.Errorf("read versions: %w", err)
		}
		for rows.Next() {
			var id, vid string
			if err := rows.Scan(&id, &vid); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read versions: %w", err)
			}
			out[id] = vid
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read versions: %w", err)
		}
	}
	return out, nil
}

// SentVersions calls fn with the entry and vid of every version this
// device has sealed in the folder that is still a head: the texts other
// devices must be able to read there. (An older version's text lives on in
// the revisions of every device that received it.)
func (s *Store) SentVersions(ctx context.Context, fn func(entryID, vid string)) error {
	rows, err := s.read.QueryContext(ctx, "SELECT entry_id, vid FROM sync_versions WHERE local = 1 AND sent = 1 AND head = 1")
	if err != nil {
		return fmt.Errorf("list sent versions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, vid string
		if err := rows.Scan(&id, &vid); err != nil {
			return fmt.Errorf("list sent versions: %w", err)
		}
		fn(id, vid)
	}
	return rows.Err()
}

// Resend marks the current versions of these entries, when this device
// wrote them, to be sent again: the folder lost them.
func (s *Store) Resend(ctx context.Context, ids []string) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			res, err := tx.ExecContext(ctx, `UPDATE sync_versions SET sent = 0 WHERE local = 1 AND entry_id = ?1
				AND vid = (SELECT vid FROM entries WHERE id = ?1)`, id)
			if err != nil {
				return fmt.Errorf("resend %s: %w", id, err)
			}
			k, _ := res.RowsAffected()
			n += int(k)
		}
		return nil
	})
	return n, err
}
