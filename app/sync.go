package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/storage"
	"github.com/tsuzuri/tsuzuri/syncfolder"
)

// Sync through a folder that another engine replicates: each pass sends
// this device's new versions as a sealed segment in its own subfolder, then
// applies the segments other devices wrote. See syncfolder and
// storage/sync.go for the rules that make it lose nothing.

// Keys of the sync settings kept in the database.
const (
	syncFolderKey     = "folder"
	syncLastFolderKey = "last_folder" // the folder before sync was turned off
	syncNextKey       = "next_segment"
	syncSentAtKey     = "last_sent"
	syncRecvAtKey     = "last_received"
	synonymsVIDKey    = "synonyms_vid"
	synonymsHashKey   = "synonyms_hash"
	segmentVersions   = 2000    // versions read from the database at a time
	segmentTextBytes  = 8 << 20 // a segment is sealed once its texts reach this
)

// SyncReport says what one pass did.
type SyncReport struct {
	Sent      int               `json:"sent"`      // versions sealed in the folder
	Segments  int               `json:"segments"`  // segments written
	Received  int               `json:"received"`  // new versions from other devices
	Changed   []string          `json:"changed"`   // entries whose text or state changed here
	Conflicts []string          `json:"conflicts"` // entries in conflict after it
	Waiting   int               `json:"waiting"`   // attachments not arrived yet (read again next pass)
	Skipped   []syncfolder.Skip `json:"skipped"`   // files passed over, and why
	Problems  []string          `json:"problems"`  // records not applied, and why
	Synonyms  bool              `json:"synonyms"`  // synonyms.txt came from another device
	Finished  time.Time         `json:"finished"`
}

// SyncDevice is another computer seen in the folder.
type SyncDevice struct {
	ID         string    `json:"id"`
	Host       string    `json:"host"`  // the name it gives itself
	Alias      string    `json:"alias"` // the name given to it here
	LastSeen   time.Time `json:"lastSeen"`
	ClockAhead int64     `json:"clockAheadMs"` // how far its clock ran past the one-day bound
}

// SyncStatus is the state of sync on this device.
type SyncStatus struct {
	Enabled      bool              `json:"enabled"`
	Folder       string            `json:"folder"`
	Device       string            `json:"device"`
	Host         string            `json:"host"`
	LastSent     time.Time         `json:"lastSent"`
	LastReceived time.Time         `json:"lastReceived"`
	Unsent       int               `json:"unsent"`
	Conflicts    []string          `json:"conflicts"`
	Devices      []SyncDevice      `json:"devices"`
	Skipped      []syncfolder.Skip `json:"skipped"`
	Problems     []string          `json:"problems"`
	Waiting      int               `json:"waiting"`
	Encrypted    bool              `json:"encrypted"`
	// PassphraseChanged: another computer changed the folder's passphrase;
	// this one keeps syncing and asks for the new one (UnlockSync).
	PassphraseChanged bool `json:"passphraseChanged"`
}

// folderSync is the Service's sync state.
type folderSync struct {
	pass sync.Mutex // one pass at a time
	mu   sync.Mutex
	last SyncReport
	key  *syncfolder.Key // the data key of an encrypted folder, once read
	kick chan struct{}   // a local write happened: send it soon (watch mode)
}

// EnableSync turns sync on with a plain folder, or joins one; see
// EnableSyncWith.
func (s *Service) EnableSync(ctx context.Context, folder string) (SyncStatus, error) {
	return s.EnableSyncWith(ctx, SyncSetup{Folder: folder})
}

// EnableSyncWith turns sync on with a folder, or moves it to another
// folder. The first pass writes the whole diary there; a device joining a
// folder gets every other device's diary. An encrypted folder is joined
// only with its passphrase (an EPassphrase error asks for it); a wrong one
// changes nothing.
func (s *Service) EnableSyncWith(ctx context.Context, setup SyncSetup) (SyncStatus, error) {
	folder := setup.Folder
	if folder == "" {
		return SyncStatus{}, diary.Errorf(diary.EInvalid, "Choose a folder to sync through.")
	}
	abs, err := filepath.Abs(folder)
	if err != nil {
		return SyncStatus{}, diary.Errorf(diary.EInvalid, "The sync folder %q cannot be used: %v", folder, err)
	}
	data, _ := filepath.Abs(s.dir)
	if rel, err := filepath.Rel(data, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return SyncStatus{}, diary.Errorf(diary.EInvalid, "The sync folder must be outside the data folder: the database and the index never go into a synced folder.")
	}
	if rel, err := filepath.Rel(abs, data); err == nil && !strings.HasPrefix(rel, "..") {
		return SyncStatus{}, diary.Errorf(diary.EInvalid, "The data folder is inside the sync folder: the sync engine would copy the open database, which corrupts it. Choose another folder.")
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return SyncStatus{}, diary.Errorf(diary.EInvalid, "The sync folder %s cannot be created: %v", abs, err)
	}
	if err := syncfolder.Check(abs); err != nil {
		return SyncStatus{}, diary.Errorf(diary.EInvalid, "%v", err)
	}
	key, stamp, create, err := folderKey(abs, setup)
	if err != nil {
		return SyncStatus{}, err
	}
	if create {
		if err := syncfolder.WriteKeyFile(abs, key, setup.Passphrase); err != nil {
			return SyncStatus{}, diary.Errorf(diary.EInvalid, "The sync folder's key file cannot be written: %v", err)
		}
		if stamp, err = syncfolder.KeyFileStamp(abs); err != nil {
			return SyncStatus{}, err
		}
	}
	previous, err := s.store.SyncSetting(ctx, syncFolderKey)
	if err == nil && previous == "" {
		previous, err = s.store.SyncSetting(ctx, syncLastFolderKey)
	}
	if err != nil {
		return SyncStatus{}, err
	}
	// A diary that moves to another folder sends all of itself there; one
	// turned on again with the same folder sends what changed meanwhile.
	republish := previous != "" && previous != abs
	if _, err := s.store.EnableSync(ctx, storage.NewDeviceID(), republish); err != nil {
		return SyncStatus{}, err
	}
	if err := s.keepKey(ctx, key, stamp); err != nil {
		return SyncStatus{}, err
	}
	if err := s.store.SetSyncSetting(ctx, syncFolderKey, abs); err != nil {
		return SyncStatus{}, err
	}
	return s.SyncStatus(ctx)
}

// DisableSync stops syncing. Nothing is deleted, here or in the folder;
// turning it on again later sends what was written meanwhile.
func (s *Service) DisableSync(ctx context.Context) error {
	folder, err := s.store.SyncSetting(ctx, syncFolderKey)
	if err != nil || folder == "" {
		return err
	}
	if err := s.store.SetSyncSetting(ctx, syncLastFolderKey, folder); err != nil {
		return err
	}
	return s.store.SetSyncSetting(ctx, syncFolderKey, "")
}

func (s *Service) syncFolderPath(ctx context.Context) (string, error) {
	folder, err := s.store.SyncSetting(ctx, syncFolderKey)
	if err != nil {
		return "", err
	}
	if folder == "" || s.store.SyncDevice() == "" {
		return "", diary.Errorf(diary.EInvalid, "Sync is not turned on: choose a folder first (Settings › Sync, or tsuzuri sync --folder DIR).")
	}
	return folder, nil
}

// SyncNow makes one pass: sends what this device wrote, then applies what
// the others wrote. Safe to call at any time; a pass already running makes
// this one wait for it.
func (s *Service) SyncNow(ctx context.Context) (SyncReport, error) {
	folder, err := s.syncFolderPath(ctx)
	if err != nil {
		return SyncReport{}, err
	}
	if why := s.store.ReadOnly(); why != "" {
		return SyncReport{}, diary.Errorf(diary.EReadOnly, "%s Sync is paused until the diary is repaired.", why)
	}
	s.folderSync.pass.Lock()
	defer s.folderSync.pass.Unlock()
	var rep SyncReport
	if _, err := os.Stat(folder); err != nil {
		return rep, diary.Errorf(diary.ENotFound, "The sync folder %s is not there (is the drive connected?). Nothing was sent or received.", folder)
	}
	if err := syncfolder.Check(folder); err != nil {
		return rep, diary.Errorf(diary.EInvalid, "%v", err)
	}
	key, err := s.syncKey(ctx, folder)
	if err != nil {
		return rep, err
	}
	if err := s.sendVersions(ctx, folder, key, &rep); err != nil {
		return rep, err
	}
	if err := s.receiveVersions(ctx, folder, key, &rep); err != nil {
		return rep, err
	}
	rep.Finished = s.now()
	s.folderSync.mu.Lock()
	s.folderSync.last = rep
	s.folderSync.mu.Unlock()
	return rep, nil
}

func (s *Service) sendVersions(ctx context.Context, folder string, key *syncfolder.Key, rep *SyncReport) error {
	device := s.store.SyncDevice()
	syncfolder.CleanUp(folder, device)
	host, _ := os.Hostname()
	nextText, err := s.store.SyncSetting(ctx, syncNextKey)
	if err != nil {
		return err
	}
	next, _ := strconv.Atoi(nextText)
	if next < 1 {
		next = 1
	}
	var records []syncfolder.Record
	var sealed []storage.Version
	textBytes := 0
	seal := func() error {
		if len(records) == 0 {
			return nil
		}
		_, n, err := syncfolder.WriteSegment(folder, key, device, host, next, records)
		if err != nil {
			return fmt.Errorf("write to the sync folder: %w", err)
		}
		next = n + 1
		if err := s.store.MarkSent(ctx, sealed); err != nil {
			return err
		}
		if err := s.store.SetSyncSetting(ctx, syncNextKey, strconv.Itoa(next)); err != nil {
			return err
		}
		rep.Sent += len(sealed)
		rep.Segments++
		records, sealed, textBytes = records[:0], sealed[:0], 0
		return nil
	}
	synonyms, vid, err := s.synonymsToSend(ctx)
	if err != nil {
		return err
	}
	if vid != "" {
		records = append(records, syncfolder.Record{Type: syncfolder.TypeSynonyms, VID: vid, Text: synonyms})
	}
	for after := ""; ; {
		if err := ctx.Err(); err != nil {
			return err
		}
		versions, err := s.store.Unsent(ctx, after, segmentVersions)
		if err != nil {
			return err
		}
		if len(versions) == 0 {
			break
		}
		after = versions[len(versions)-1].VID
		for _, v := range versions {
			r := syncfolder.Record{Type: syncfolder.TypeEntry, VID: v.VID, ID: v.EntryID, Parents: v.Parents, State: int(v.State)}
			if v.State != storage.Purged {
				e := v.Entry
				r.Entry = &e
				for _, m := range attachmentRef.FindAllStringSubmatch(e.Body, -1) {
					src := filepath.Join(s.attach.Dir, m[1])
					if _, err := os.Stat(src); err != nil || !syncfolder.ValidAttachment(m[1]) {
						continue // linked but never stored here: nothing to send
					}
					if err := syncfolder.PutAttachment(folder, key, device, m[1], src); err != nil {
						return fmt.Errorf("write to the sync folder: %w", err)
					}
				}
				textBytes += len(e.Body) + len(e.OriginalHTML)
			}
			records = append(records, r)
			sealed = append(sealed, v)
			if textBytes >= segmentTextBytes {
				if err := seal(); err != nil {
					return err
				}
			}
		}
		if len(versions) < segmentVersions {
			break
		}
	}
	if err := seal(); err != nil {
		return err
	}
	if vid != "" {
		if err := s.store.SetSyncSetting(ctx, synonymsHashKey, hashText(synonyms)); err != nil {
			return err
		}
		if err := s.store.SetSyncSetting(ctx, synonymsVIDKey, vid); err != nil {
			return err
		}
	}
	if rep.Segments > 0 {
		return s.store.SetSyncSetting(ctx, syncSentAtKey, strconv.FormatInt(s.now().UnixMilli(), 10))
	}
	return nil
}

func hashText(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}

// synonymsToSend returns the synonyms file and a new stamp for it when it
// changed here since it was last sent or received.
func (s *Service) synonymsToSend(ctx context.Context) (string, string, error) {
	text, err := s.Synonyms()
	if err != nil {
		return "", "", err
	}
	sent, err := s.store.SyncSetting(ctx, synonymsHashKey)
	if err != nil {
		return "", "", err
	}
	if hashText(text) == sent || sent == "" && text == "" {
		return "", "", nil
	}
	vid, err := s.store.NextVID(ctx)
	return text, vid, err
}

func (s *Service) receiveVersions(ctx context.Context, folder string, key *syncfolder.Key, rep *SyncReport) error {
	device := s.store.SyncDevice()
	applied, err := s.store.AppliedSegments(ctx)
	if err != nil {
		return err
	}
	byName := make(map[[2]string]bool, len(applied))
	for k := range applied {
		byName[[2]string{k.Device, k.Name}] = true
	}
	refs, skipped, err := syncfolder.Segments(folder, key, device, func(dev, name string) bool { return byName[[2]string{dev, name}] })
	if err != nil {
		return diary.Errorf(diary.EInvalid, "%v", err)
	}
	rep.Skipped = append(rep.Skipped, skipped...)
	synonymsVID, err := s.store.SyncSetting(ctx, synonymsVIDKey)
	if err != nil {
		return err
	}
	// The index follows on another goroutine, as during an import: many
	// changes arriving at once (a device joining) index while SQLite
	// writes. Into a diary that has entries to search, it builds one
	// segment at a time, so searches keep a core.
	ix := s.startIndexer(ctx, func(int) {})
	if n, err := s.index.Count(); err == nil && n > 0 {
		ix.beside = true
	}
	defer func() {
		if err := ix.finish(context.WithoutCancel(ctx)); err != nil {
			s.log.Error("index update after sync failed; it will be retried", "err", err)
			return
		}
		// Into an empty diary (a computer joining), a sync is an import,
		// and leaves what an import's end tidies: the index in many
		// segments, and a heap hundreds of megabytes larger than the diary
		// needs. A diary in use keeps its changes in new segments beside
		// the old ones; merging them all would cost more than they do.
		if !ix.beside {
			s.afterBulk(ctx, rep.Received)
		}
	}()
	for _, ref := range refs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if applied[storage.SegmentKey{Device: ref.Device, Name: ref.Name, SHA256: ref.SHA256}] {
			continue
		}
		seg, err := syncfolder.ReadSegment(ref)
		if err != nil {
			rep.Skipped = append(rep.Skipped, syncfolder.SkipOf(ref, folder, err))
			continue
		}
		for _, p := range seg.Problems {
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s/%s: %s", ref.Device, ref.Name, p))
		}
		var versions []storage.Version
		waiting := 0
		for _, r := range seg.Records {
			switch r.Type {
			case syncfolder.TypeSynonyms:
				if r.VID > synonymsVID {
					if err := s.receiveSynonyms(ctx, r); err != nil {
						return err
					}
					synonymsVID = r.VID
					rep.Synonyms = true
				}
			case syncfolder.TypeEntry:
				v := storage.Version{EntryID: r.ID, VID: r.VID, Parents: r.Parents, State: storage.VersionState(r.State)}
				if r.Entry != nil {
					v.Entry = *r.Entry
					for _, m := range attachmentRef.FindAllStringSubmatch(v.Entry.Body, -1) {
						if !syncfolder.ValidAttachment(m[1]) {
							continue
						}
						ok, err := syncfolder.CopyAttachment(folder, key, m[1], s.attach.Dir)
						if err != nil {
							rep.Problems = append(rep.Problems, fmt.Sprintf("attachment %s: %v", m[1], err))
						} else if !ok {
							waiting++
						}
					}
				}
				versions = append(versions, v)
			}
		}
		for start := 0; start < len(versions); start += syncBatch {
			res, err := s.store.ApplyVersions(ctx, versions[start:min(start+syncBatch, len(versions))])
			if err != nil {
				return err
			}
			rep.Received += res.New
			rep.Changed = append(rep.Changed, res.Changed...)
			for _, p := range res.Problems {
				rep.Problems = append(rep.Problems, fmt.Sprintf("%s/%s: %s", ref.Device, ref.Name, p))
			}
			if res.ClockAhead > 0 {
				if err := s.store.NoteClockAhead(ctx, ref.Device, res.ClockAhead); err != nil {
					return err
				}
			}
			if len(res.Changed) > 0 {
				ix.kick()
			}
		}
		rep.Waiting += waiting
		if waiting > 0 {
			continue // read again next pass, when the attachments may be there
		}
		if err := s.store.RecordSegment(ctx, storage.SegmentKey{Device: ref.Device, Name: ref.Name, SHA256: ref.SHA256}, len(seg.Records), ref.Host); err != nil {
			return err
		}
	}
	if rep.Received > 0 || rep.Synonyms {
		if err := s.store.SetSyncSetting(ctx, syncRecvAtKey, strconv.FormatInt(s.now().UnixMilli(), 10)); err != nil {
			return err
		}
	}
	conflicts, err := s.store.InConflict(ctx)
	if err != nil {
		return err
	}
	rep.Conflicts = conflicts
	return nil
}

// receiveSynonyms writes another device's synonyms, which from now on are
// what this device has sent too (so they are not sent back as a change).
func (s *Service) receiveSynonyms(ctx context.Context, r syncfolder.Record) error {
	if err := s.SetSynonyms(ctx, r.Text); err != nil {
		return fmt.Errorf("synonyms from another device: %w", err)
	}
	if err := s.store.SetSyncSetting(ctx, synonymsHashKey, hashText(r.Text)); err != nil {
		return err
	}
	return s.store.SetSyncSetting(ctx, synonymsVIDKey, r.VID)
}

// SyncStatus describes sync on this device: the folder, the last pass, the
// other devices.
func (s *Service) SyncStatus(ctx context.Context) (SyncStatus, error) {
	st := SyncStatus{Device: s.store.SyncDevice(), Conflicts: []string{}, Devices: []SyncDevice{}, Skipped: []syncfolder.Skip{}, Problems: []string{}}
	st.Host, _ = os.Hostname()
	folder, err := s.store.SyncSetting(ctx, syncFolderKey)
	if err != nil {
		return st, err
	}
	st.Folder, st.Enabled = folder, folder != "" && st.Device != ""
	if st.Device == "" {
		return st, nil
	}
	for key, t := range map[string]*time.Time{syncSentAtKey: &st.LastSent, syncRecvAtKey: &st.LastReceived} {
		v, err := s.store.SyncSetting(ctx, key)
		if err != nil {
			return st, err
		}
		if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
			*t = time.UnixMilli(ms).UTC()
		}
	}
	if st.Unsent, err = s.store.UnsentCount(ctx); err != nil {
		return st, err
	}
	if st.Conflicts, err = s.store.InConflict(ctx); err != nil {
		return st, err
	}
	if st.Conflicts == nil {
		st.Conflicts = []string{}
	}
	devices, err := s.store.SyncDevices(ctx)
	if err != nil {
		return st, err
	}
	for _, d := range devices {
		st.Devices = append(st.Devices, SyncDevice{ID: d.ID, Host: d.Host, Alias: d.Alias, LastSeen: d.LastSeen, ClockAhead: d.ClockAhead.Milliseconds()})
	}
	s.folderSync.mu.Lock()
	last := s.folderSync.last
	s.folderSync.mu.Unlock()
	if last.Skipped != nil {
		st.Skipped = last.Skipped
	}
	if last.Problems != nil {
		st.Problems = last.Problems
	}
	st.Waiting = last.Waiting
	encrypted, err := s.store.SyncSetting(ctx, syncEncryptedKey)
	if err != nil {
		return st, err
	}
	if st.Encrypted = encrypted == "1"; st.Encrypted && folder != "" {
		known, err := s.store.SyncSetting(ctx, syncKeyStampKey)
		if err != nil {
			return st, err
		}
		// A folder out of reach (a drive not plugged in) says nothing.
		if now, err := syncfolder.KeyFileStamp(folder); err == nil && now != "" {
			st.PassphraseChanged = now != known
		}
	}
	return st, nil
}

// RenameSyncDevice gives another device a name shown here ("" goes back to
// its host name).
func (s *Service) RenameSyncDevice(ctx context.Context, id, alias string) error {
	alias = strings.TrimSpace(alias)
	if len(alias) > 100 || strings.ContainsFunc(alias, func(r rune) bool { return r < ' ' }) {
		return diary.Errorf(diary.EInvalid, "A device name is one line of at most 100 bytes.")
	}
	return s.store.RenameSyncDevice(ctx, id, alias)
}

// ConflictVersions lists the texts that compete with an entry's current
// text, newest first.
func (s *Service) ConflictVersions(ctx context.Context, id string) ([]diary.Entry, error) {
	vs, err := s.store.ConflictVersions(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]diary.Entry, 0, len(vs))
	for _, v := range vs {
		e := v.Entry
		e.UpdatedAt = storage.VIDTime(v.VID)
		out = append(out, e)
	}
	return out, nil
}

// ResolveConflict makes in the entry's text over every competing version:
// the one the person picked, or their merge. Every device follows.
func (s *Service) ResolveConflict(ctx context.Context, in EntryInput) (diary.Entry, error) {
	current, err := s.store.Get(ctx, in.ID)
	if err != nil {
		return diary.Entry{}, err
	}
	e := current
	e.Title, e.Body, e.Date, e.Tags = in.Title, in.Body, in.Date, in.Tags
	saved, err := s.store.ResolveConflict(ctx, e)
	if err != nil {
		return diary.Entry{}, err
	}
	s.afterWrite(ctx)
	return saved, nil
}

// kickSync tells a watching sync loop that something was written here.
func (s *Service) kickSync() {
	select {
	case s.folderSync.kick <- struct{}{}:
	default:
	}
}

// CurrentVersions gives the version each of these entries holds now (sync
// only), by id.
func (s *Service) CurrentVersions(ctx context.Context, ids []string) (map[string]string, error) {
	return s.store.CurrentVersions(ctx, ids)
}

// SyncCheck is what verify found of this device's changes in the folder.
type SyncCheck struct {
	Folder  string
	Sent    int      // current texts (heads) this device sealed in the folder
	Missing int      // ... of them not found there
	Entries []string // entries with a missing version (the first 20)
}

// checkSent reads this device's own segments and checks that every
// version it sealed is in one of them. Nil when sync is off.
func (s *Service) checkSent(ctx context.Context) (*SyncCheck, error) {
	folder, err := s.store.SyncSetting(ctx, syncFolderKey)
	if err != nil || folder == "" || s.store.SyncDevice() == "" {
		return nil, err
	}
	key, err := s.syncKey(ctx, folder)
	if err != nil {
		return nil, err
	}
	in, err := s.sentInFolder(folder, key)
	if err != nil {
		return nil, err
	}
	c := &SyncCheck{Folder: folder}
	seen := map[string]bool{}
	err = s.store.SentVersions(ctx, func(id, vid string) {
		c.Sent++
		if !in[vid] {
			c.Missing++
			if !seen[id] && len(c.Entries) < 20 {
				seen[id] = true
				c.Entries = append(c.Entries, id)
			}
		}
	})
	return c, err
}

// Resend writes this device's current texts to the folder again where the
// folder lost what it sent (see Verify). It returns how many were queued;
// the next pass sends them.
func (s *Service) Resend(ctx context.Context) (int, error) {
	folder, err := s.syncFolderPath(ctx)
	if err != nil {
		return 0, err
	}
	key, err := s.syncKey(ctx, folder)
	if err != nil {
		return 0, err
	}
	in, err := s.sentInFolder(folder, key)
	if err != nil {
		return 0, err
	}
	var ids []string
	seen := map[string]bool{}
	if err := s.store.SentVersions(ctx, func(id, vid string) {
		if !in[vid] && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}); err != nil {
		return 0, err
	}
	return s.store.Resend(ctx, ids)
}

// sentInFolder reads this device's own segments and returns the versions
// they hold; a segment that cannot be read holds none.
func (s *Service) sentInFolder(folder string, key *syncfolder.Key) (map[string]bool, error) {
	refs, _, err := syncfolder.OwnSegments(folder, key, s.store.SyncDevice())
	if err != nil {
		return nil, diary.Errorf(diary.EInvalid, "The sync folder cannot be read: %v", err)
	}
	in := map[string]bool{}
	for _, ref := range refs {
		if seg, err := syncfolder.ReadSegment(ref); err == nil {
			for _, r := range seg.Records {
				in[r.VID] = true
			}
		}
	}
	return in, nil
}
