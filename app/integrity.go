package app

import (
	"context"
	"fmt"
	"regexp"
	"sort"

	"github.com/tsuzuri/tsuzuri/attach"
	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/search"
)

// damagedMessage is what a person reads when the database is damaged. The
// UI words it in its own language from the read_only code.
const damagedMessage = "The diary's database is damaged, so it is open for reading only. Restore the latest backup (Settings → Backups); the damaged database is kept in the backups folder."

// markDamaged makes the diary read-only and says so.
func (s *Service) markDamaged(msg string) {
	// A store opened read-only for its damage says only that it is read
	// only; the person still has to hear why, once.
	if s.store.ReadOnly() == msg {
		return
	}
	s.store.SetReadOnly(msg)
	s.log.Error("database damaged; open for reading only")
	s.onDamaged(msg)
}

// damagedBy reports whether err is the database's damage, and if so checks
// the database and marks it read-only.
func (s *Service) damagedBy(ctx context.Context, err error) bool {
	if diary.ErrorCode(err) != diary.ECorrupt && !isMalformed(err) {
		return false
	}
	s.markDamaged(damagedMessage)
	return true
}

var malformed = regexp.MustCompile(`malformed|not a database`)

func isMalformed(err error) bool { return err != nil && malformed.MatchString(err.Error()) }

// Damaged is why the diary is open for reading only, or "" when it is not.
func (s *Service) Damaged() string { return s.store.ReadOnly() }

// startupChecks is the background part of opening (Options.StartupChecks):
// a damaged database is made read-only, an index that does not agree with
// the database is rebuilt, and the day's backup is made. A damaged
// database is not backed up: pruning could push a good backup out.
func (s *Service) startupChecks(ctx context.Context, progress func(IndexProgress)) {
	defer func() {
		if ctx.Err() == nil {
			releaseStartupGarbage()
		}
	}()
	problems, err := s.store.QuickCheck(ctx)
	if ctx.Err() != nil {
		return
	}
	if err != nil || len(problems) > 0 {
		s.log.Error("database quick check failed", "err", err, "problems", len(problems), "first", problems[:min(len(problems), 3)])
		s.markDamaged(damagedMessage)
		return
	}
	if s.Damaged() != "" {
		return
	}
	// Waits for a catch-up Open started, then compares, and reads the
	// checksums of the segment files written since the last start.
	s.syncMu.Lock()
	agree, err := s.indexAgreesLocked(ctx)
	var bad []search.SegmentProblem
	if err == nil {
		bad, err = s.index.CheckSegments(ctx, true)
	}
	s.unlockSync(ctx)
	if ctx.Err() != nil {
		return
	}
	if err != nil || !agree.ok() || len(bad) > 0 {
		s.log.Warn("search index disagrees with the database or is damaged; rebuilding it", "err", err,
			"missing", agree.NotIndexed, "stale", agree.Stale, "extra", agree.NotInDatabase, "damaged", bad)
		var report func(done, total int)
		if progress != nil {
			report = func(done, total int) { progress(IndexProgress{Done: done, Total: total}) }
		}
		rerr := s.Reindex(ctx, report)
		if progress != nil {
			st, _ := s.store.Stats(ctx)
			progress(IndexProgress{Done: st.Entries, Total: st.Entries, Finished: true})
		}
		if rerr != nil && ctx.Err() == nil {
			s.log.Error("rebuild search index", "err", rerr)
		}
	}
	if _, _, err := s.DailyBackup(ctx); err != nil && ctx.Err() == nil {
		s.log.Error("daily backup", "err", err)
	}
}

// IndexAgreement compares the index with the database entry by entry.
type IndexAgreement struct {
	Entries       int      // entries search should find (not in the trash)
	Indexed       int      // documents in the index
	IndexSeq      int64    // how far the index says it has applied the change feed
	LastSeq       int64    // the database's latest change
	NotIndexed    []string // entries the index lacks
	Stale         []string // entries the index holds an older version of
	NotInDatabase []string // documents for entries deleted or trashed
}

func (a IndexAgreement) ok() bool {
	return len(a.NotIndexed)+len(a.Stale)+len(a.NotInDatabase) == 0
}

// indexAgreesLocked compares the index with the database; syncMu is held,
// so the index does not move meanwhile. Entries written after the index's
// position are not compared: a save made meanwhile waits for syncMu to be
// indexed, which is no disagreement.
func (s *Service) indexAgreesLocked(ctx context.Context) (IndexAgreement, error) {
	var a IndexAgreement
	var err error
	if a.IndexSeq, err = s.index.Seq(); err != nil {
		return a, err
	}
	if a.LastSeq, err = s.store.LastSeq(ctx); err != nil {
		return a, err
	}
	indexed := map[string]int64{}
	if err := s.index.EachSeq(ctx, func(id string, seq int64) error {
		indexed[id] = seq
		return nil
	}); err != nil {
		return a, err
	}
	a.Indexed = len(indexed)
	err = s.store.EachSeq(ctx, func(id string, seq int64, live bool) error {
		if live {
			a.Entries++
		}
		got, ok := indexed[id]
		delete(indexed, id)
		switch {
		case seq > a.IndexSeq:
		case !live:
			if ok {
				a.NotInDatabase = append(a.NotInDatabase, id)
			}
		case !ok:
			a.NotIndexed = append(a.NotIndexed, id)
		case got != seq:
			a.Stale = append(a.Stale, id)
		}
		return nil
	})
	if err != nil {
		return a, err
	}
	for id := range indexed {
		a.NotInDatabase = append(a.NotInDatabase, id)
	}
	sort.Strings(a.NotInDatabase)
	return a, nil
}

// VerifyReport is what Verify found.
type VerifyReport struct {
	// DatabaseProblems are the quick check's findings; empty when sound.
	DatabaseProblems []string
	Index            IndexAgreement
	// IndexDamage lists the index's segment files whose checksums fail.
	IndexDamage []search.SegmentProblem
	// IndexRepaired lists those found failing when the folder was opened;
	// the index was then rebuilt.
	IndexRepaired []search.SegmentProblem
	// MissingAttachments are references in entries to files that are not
	// in the attachments folder.
	MissingAttachments []MissingAttachment
	// Sync, when sync is on, says whether the changes this device sent are
	// all in the sync folder.
	Sync *SyncCheck `json:",omitempty"`
	// Advice says what to do about what was found, one step a line.
	Advice []string
}

// MissingAttachment is one reference to an attachment that is not there.
type MissingAttachment struct {
	EntryID string
	File    string
}

// OK reports whether nothing was found wrong.
func (r VerifyReport) OK() bool {
	return len(r.DatabaseProblems) == 0 && r.Index.ok() && r.Index.IndexSeq == r.Index.LastSeq &&
		len(r.IndexDamage) == 0 && len(r.MissingAttachments) == 0 && (r.Sync == nil || r.Sync.Missing == 0)
}

// attachmentRef finds the attachments an entry's Markdown links to.
var attachmentRef = regexp.MustCompile(regexp.QuoteMeta(attach.Prefix) + `([0-9A-Za-z][0-9A-Za-z._-]*)`)

// Verify checks the data folder: the database's structure (SQLite's quick
// check), that the index holds every entry at its latest change and
// nothing else, and that every attachment an entry links to exists.
func (s *Service) Verify(ctx context.Context) (VerifyReport, error) {
	var r VerifyReport
	problems, err := s.store.QuickCheck(ctx)
	if err != nil {
		if diary.ErrorCode(err) != diary.ECorrupt {
			return r, err
		}
		problems = []string{diary.ErrorMessage(err)}
	}
	r.DatabaseProblems = problems
	if len(problems) > 0 {
		r.Advice = append(r.Advice, "The database is damaged. Salvage what it still holds, merged with the latest backup, into a new folder: tsuzuri salvage NEW-FOLDER; or restore the latest backup: tsuzuri restore --replace "+s.latestBackupHint())
		return r, nil
	}
	r.IndexRepaired = s.index.Damaged()
	// The checksums first: comparing would read the damaged segments.
	s.syncMu.Lock()
	r.IndexDamage, err = s.index.CheckSegments(ctx, false)
	if err == nil && len(r.IndexDamage) == 0 {
		r.Index, err = s.indexAgreesLocked(ctx)
	}
	s.unlockSync(ctx)
	if err != nil {
		return r, fmt.Errorf("check the index: %w", err)
	}
	if len(r.IndexDamage) > 0 {
		r.Advice = append(r.Advice, "The search index is damaged. Rebuild it: tsuzuri reindex (the app rebuilds it at its next start)")
	} else if !r.Index.ok() || r.Index.IndexSeq != r.Index.LastSeq {
		r.Advice = append(r.Advice, "The search index does not agree with the database. Rebuild it: tsuzuri reindex")
	}
	err = s.store.Each(ctx, func(e diary.Entry) error {
		for _, m := range attachmentRef.FindAllStringSubmatch(e.Body, -1) {
			f, err := s.attach.Open(m[1])
			if err != nil {
				r.MissingAttachments = append(r.MissingAttachments, MissingAttachment{EntryID: e.ID, File: m[1]})
				continue
			}
			f.Close()
		}
		return nil
	})
	if err != nil {
		return r, fmt.Errorf("check attachments: %w", err)
	}
	if len(r.MissingAttachments) > 0 {
		r.Advice = append(r.Advice, fmt.Sprintf("Attachments are missing from %s. A backup may still hold them: restore one into a new folder (tsuzuri --data NEW restore FILE.zip) and copy them back.", s.attach.Dir))
	}
	if r.Sync, err = s.checkSent(ctx); err != nil {
		return r, err
	}
	if r.Sync != nil && r.Sync.Missing > 0 {
		r.Advice = append(r.Advice, fmt.Sprintf("%d texts this computer sent are not in the sync folder %s (was it emptied or replaced?). Send them again: tsuzuri sync --resend", r.Sync.Missing, r.Sync.Folder))
	}
	return r, nil
}

// latestBackupHint names the newest automatic backup, for advice.
func (s *Service) latestBackupHint() string {
	if list, err := s.Backups(); err == nil && len(list) > 0 {
		return list[0].Path
	}
	return "FILE.zip"
}
