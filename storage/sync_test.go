package storage

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/tsuzuri/tsuzuri/diary"
)

// device is one store in a test of sync, with the versions it has sent.
type device struct {
	*Store
	clock *clock
}

func newDevice(t *testing.T, id string, start time.Time) device {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c := withClock(s, start)
	if _, err := s.EnableSync(context.Background(), id, false); err != nil {
		t.Fatal(err)
	}
	return device{s, c}
}

// send takes what d has not sent yet, as a sync pass would.
func (d device) send(t *testing.T) []Version {
	t.Helper()
	ctx := context.Background()
	vs, err := d.Unsent(ctx, "", 10000)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.MarkSent(ctx, vs); err != nil {
		t.Fatal(err)
	}
	return vs
}

func (d device) apply(t *testing.T, vs []Version) ApplyResult {
	t.Helper()
	res, err := d.ApplyVersions(context.Background(), vs)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func (d device) entry(t *testing.T, id string) diary.Entry {
	t.Helper()
	e, err := d.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (d device) save(t *testing.T, e diary.Entry) diary.Entry {
	t.Helper()
	d.clock.advance(10 * time.Minute) // a new editing session: every save is a version
	return mustSave(t, d.Store, e)
}

func bodies(t *testing.T, d device, id string) []string {
	t.Helper()
	revs, err := d.Revisions(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range revs {
		out = append(out, revisionBody(t, d.Store, id, r.Number))
	}
	out = append(out, d.entry(t, id).Body)
	slices.Sort(out)
	return slices.Compact(out)
}

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func TestSyncCarriesWritesAndDeletes(t *testing.T) {
	a := newDevice(t, "aaaaaaaaaaaaaaaa", t0)
	b := newDevice(t, "bbbbbbbbbbbbbbbb", t0)
	e := a.save(t, diary.Entry{Title: "勉強会メモ", Body: "Bytebase の話", Date: "2026-02-28", Tags: []string{"meetup"}})
	b.apply(t, a.send(t))
	got := b.entry(t, e.ID)
	if got.Title != e.Title || got.Body != e.Body || got.Date != e.Date || !slices.Equal(got.Tags, e.Tags) {
		t.Fatalf("B has %+v, A wrote %+v", got, e)
	}
	// An edit of the tags replaces them; an edit of the text alone keeps them.
	e.Tags = []string{"db", "meetup"}
	e = a.save(t, e)
	b.apply(t, a.send(t))
	if got := b.entry(t, e.ID); !slices.Equal(got.Tags, e.Tags) {
		t.Fatalf("B has tags %v, A wrote %v", got.Tags, e.Tags)
	}
	e.Body += "\n\n追記: 移行手順"
	e = a.save(t, e)
	b.apply(t, a.send(t))
	if got := b.entry(t, e.ID); got.Body != e.Body || !slices.Equal(got.Tags, e.Tags) {
		t.Fatalf("B has %q with tags %v, A wrote %q with %v", got.Body, got.Tags, e.Body, e.Tags)
	}

	if err := b.Trash(context.Background(), e.ID); err != nil {
		t.Fatal(err)
	}
	a.apply(t, b.send(t))
	if a.entry(t, e.ID).DeletedAt == nil {
		t.Fatal("trashed on B, not in A's trash")
	}
	if err := a.Restore(context.Background(), e.ID); err != nil {
		t.Fatal(err)
	}
	b.apply(t, a.send(t))
	if b.entry(t, e.ID).DeletedAt != nil {
		t.Fatal("restored on A, still in B's trash")
	}
	a.Trash(context.Background(), e.ID)
	if _, err := a.EmptyTrash(context.Background()); err != nil {
		t.Fatal(err)
	}
	b.apply(t, a.send(t))
	if _, err := b.Get(context.Background(), e.ID); diary.ErrorCode(err) != diary.ENotFound {
		t.Fatalf("purged on A, B still has it (err %v)", err)
	}
	changes, _ := b.Changes(context.Background(), 0, 100)
	if len(changes) != 1 || changes[0].Entry != nil {
		t.Fatalf("B's change feed should tell the index the entry is gone: %+v", changes)
	}
}

func TestConcurrentEditsKeepBothTextsTheSameWayEverywhere(t *testing.T) {
	a := newDevice(t, "aaaaaaaaaaaaaaaa", t0)
	b := newDevice(t, "bbbbbbbbbbbbbbbb", t0)
	e := a.save(t, diary.Entry{Title: "障害対応", Body: "v1", Date: "2026-02-28"})
	b.apply(t, a.send(t))

	ea := e
	ea.Body = "A の追記"
	a.save(t, ea)
	eb := e
	eb.Body = "B の追記"
	b.save(t, eb)
	fromA, fromB := a.send(t), b.send(t)
	resA := a.apply(t, fromB)
	resB := b.apply(t, fromA)
	if len(resA.Conflicts) != 1 || len(resB.Conflicts) != 1 {
		t.Fatalf("conflicts: A %v, B %v", resA.Conflicts, resB.Conflicts)
	}
	ga, gb := a.entry(t, e.ID), b.entry(t, e.ID)
	if ga.Body != gb.Body || ga.Conflicts != 1 || gb.Conflicts != 1 {
		t.Fatalf("A shows %q (%d), B shows %q (%d)", ga.Body, ga.Conflicts, gb.Body, gb.Conflicts)
	}
	for _, d := range []device{a, b} {
		cv, err := d.ConflictVersions(context.Background(), e.ID)
		if err != nil {
			t.Fatal(err)
		}
		other := "A の追記"
		if ga.Body == other {
			other = "B の追記"
		}
		if len(cv) != 1 || cv[0].Entry.Body != other {
			t.Fatalf("conflict versions %+v, want the other text %q", cv, other)
		}
		if got := bodies(t, d, e.ID); !slices.Equal(got, []string{"A の追記", "B の追記", "v1"}) {
			t.Fatalf("texts kept: %q", got)
		}
	}

	// B merges by hand; the choice reaches A and ends the conflict there.
	merged := gb
	merged.Body = "A の追記\nB の追記"
	if _, err := b.ResolveConflict(context.Background(), merged); err != nil {
		t.Fatal(err)
	}
	a.apply(t, b.send(t))
	for _, d := range []device{a, b} {
		got := d.entry(t, e.ID)
		if got.Body != merged.Body || got.Conflicts != 0 {
			t.Fatalf("after resolving: %q with %d conflicts", got.Body, got.Conflicts)
		}
		ids, _ := d.InConflict(context.Background())
		if len(ids) != 0 {
			t.Fatalf("still in conflict: %v", ids)
		}
	}
}

func TestAnEditBeatsADeleteMadeMeanwhile(t *testing.T) {
	for _, purge := range []bool{false, true} {
		a := newDevice(t, "aaaaaaaaaaaaaaaa", t0)
		b := newDevice(t, "bbbbbbbbbbbbbbbb", t0)
		e := a.save(t, diary.Entry{Title: "残す", Body: "v1", Date: "2026-02-28"})
		b.apply(t, a.send(t))
		// B's clock is later, so a rule of "latest wins" would delete it.
		b.clock.advance(time.Hour)
		if err := b.Trash(context.Background(), e.ID); err != nil {
			t.Fatal(err)
		}
		if purge {
			if _, err := b.EmptyTrash(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		e.Body = "v2"
		a.save(t, e)
		fromA, fromB := a.send(t), b.send(t)
		a.apply(t, fromB)
		b.apply(t, fromA)
		for name, d := range map[string]device{"A": a, "B": b} {
			got, err := d.Get(context.Background(), e.ID)
			if err != nil || got.Body != "v2" || got.DeletedAt != nil || got.Conflicts != 0 {
				t.Fatalf("purge %v, %s: %+v, %v; want the edit, live", purge, name, got, err)
			}
		}
	}
}

func TestApplyingIsIdempotentAndOrderFree(t *testing.T) {
	a := newDevice(t, "aaaaaaaaaaaaaaaa", t0)
	b := newDevice(t, "bbbbbbbbbbbbbbbb", t0)
	c := newDevice(t, "cccccccccccccccc", t0)
	var all []Version
	var ids []string
	for i := range 6 {
		e := a.save(t, diary.Entry{Title: "n", Body: string(rune('あ' + i)), Date: "2026-01-01"})
		ids = append(ids, e.ID)
	}
	all = append(all, a.send(t)...)
	b.apply(t, all)
	for i, id := range ids {
		e := b.entry(t, id)
		e.Body += "・B"
		b.save(t, e)
		if i%2 == 0 {
			ea := a.entry(t, id)
			ea.Body += "・A"
			a.save(t, ea)
		}
		if i == 5 {
			b.Trash(context.Background(), id)
		}
	}
	all = append(all, a.send(t)...)
	all = append(all, b.send(t)...)
	// C gets everything in three different orders, some twice.
	rng := rand.New(rand.NewPCG(1, 2))
	var want map[string]diary.Entry
	for round := range 3 {
		d := newDevice(t, "cccccccccccccccc", t0)
		if round == 0 {
			d = c
		}
		shuffled := slices.Clone(all)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		for _, v := range shuffled {
			d.apply(t, []Version{v})
			if rng.IntN(3) == 0 {
				d.apply(t, []Version{v})
			}
		}
		got, _ := d.GetMany(context.Background(), ids)
		for id, e := range got {
			e.UpdatedAt, e.CreatedAt = time.Time{}, time.Time{}
			got[id] = e
		}
		if want == nil {
			want = got
			continue
		}
		for _, id := range ids {
			g, w := got[id], want[id]
			if g.Body != w.Body || (g.DeletedAt == nil) != (w.DeletedAt == nil) {
				t.Fatalf("order %d: %s is %q (trash %v), another order gave %q (trash %v)", round, id, g.Body, g.DeletedAt != nil, w.Body, w.DeletedAt != nil)
			}
		}
	}
	if want[ids[0]].Body != "あ・B" && want[ids[0]].Body != "あ・A" {
		t.Fatalf("unexpected text %q", want[ids[0]].Body)
	}
}

func TestAClockFarAheadIsBoundedAndCannotFreezeAnEntry(t *testing.T) {
	a := newDevice(t, "aaaaaaaaaaaaaaaa", t0)
	future := newDevice(t, "ffffffffffffffff", t0.AddDate(1, 0, 0))
	e := future.save(t, diary.Entry{Title: "未来", Body: "from the future", Date: "2026-01-01"})
	res := a.apply(t, future.send(t))
	if res.ClockAhead < 300*24*time.Hour {
		t.Fatalf("a clock a year ahead was not reported: %v", res.ClockAhead)
	}
	e = a.entry(t, e.ID)
	e.Body = "edited here, now"
	a.save(t, e)
	sent := a.send(t)
	if VIDTime(sent[0].VID).After(a.clock.t.Add(ClockBound)) {
		t.Fatalf("A's clock was pulled past the bound: %v", VIDTime(sent[0].VID))
	}
	future.apply(t, sent)
	for _, d := range []device{a, future} {
		if got := d.entry(t, e.ID); got.Body != "edited here, now" || got.Conflicts != 0 {
			t.Fatalf("the later edit lost to a clock far ahead: %q", got.Body)
		}
	}
}

func TestAutosavesFoldUntilTheyAreSent(t *testing.T) {
	a := newDevice(t, "aaaaaaaaaaaaaaaa", t0)
	b := newDevice(t, "bbbbbbbbbbbbbbbb", t0)
	e := a.save(t, diary.Entry{Title: "t", Body: "1", Date: "2026-01-01"})
	b.apply(t, a.send(t))
	for _, body := range []string{"12", "123", "1234"} {
		a.clock.advance(10 * time.Second)
		e.Body = body
		mustSave(t, a.Store, e)
	}
	n, _ := a.UnsentCount(context.Background())
	if n != 1 {
		t.Fatalf("an editing session is %d versions, want 1", n)
	}
	// Once a version is being sent it is fixed: the next autosave starts a
	// new one, and both arrive.
	inFlight, err := a.Unsent(context.Background(), "", 100)
	if err != nil {
		t.Fatal(err)
	}
	a.clock.advance(10 * time.Second)
	e.Body = "12345"
	mustSave(t, a.Store, e)
	a.MarkSent(context.Background(), inFlight)
	b.apply(t, inFlight)
	b.apply(t, a.send(t))
	if got := b.entry(t, e.ID); got.Body != "12345" || got.Conflicts != 0 {
		t.Fatalf("B has %q with %d conflicts", got.Body, got.Conflicts)
	}
	if inFlight[0].Entry.Body != "1234" {
		t.Fatalf("the version in flight changed under the sender: %q", inFlight[0].Entry.Body)
	}
}

// An entry written and deleted for good on another computer before this one
// ever had it changes nothing here: the change feed, which the index
// follows up to the change counter, ends where the counter does.
func TestAnEntryNeverHadAndPurgedLeavesTheCounterWithTheFeed(t *testing.T) {
	ctx := context.Background()
	a := newDevice(t, "aaaaaaaaaaaaaaaa", t0)
	b := newDevice(t, "bbbbbbbbbbbbbbbb", t0)
	b.save(t, diary.Entry{Title: "Bの日記", Body: "本文", Date: "2026-03-01"})
	e := a.save(t, diary.Entry{Title: "すぐ消す", Body: "下書き", Date: "2026-03-01"})
	if err := a.Trash(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.EmptyTrash(ctx); err != nil {
		t.Fatal(err)
	}
	b.apply(t, a.send(t))
	last, err := b.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	changes, err := b.Changes(ctx, 0, 100)
	if err != nil || len(changes) == 0 {
		t.Fatalf("Changes = %v, %v", changes, err)
	}
	if end := changes[len(changes)-1].Seq; end != last {
		t.Errorf("the change feed ends at %d, the counter at %d: an index following the feed never catches up", end, last)
	}
}
