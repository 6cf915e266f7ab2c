package app

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/klauspost/compress/zstd"

	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/syncfolder"
)

// Markers that must never be readable in an encrypted sync folder; each
// goes into one place a note can hold text.
var plaintextMarkers = []string{"ひみつの題名QX", "body-marker-7731", "tagmarker-kumo", "日付のない秘密", "image-bytes-marker-55", "synonym-marker-ame"}

// encryptedPair is two diaries syncing through one encrypted folder.
func encryptedPair(t *testing.T, passphrase string) (a, b *Service, folder string) {
	t.Helper()
	ctx := context.Background()
	folder = filepath.Join(t.TempDir(), "Dropbox", "tsuzuri")
	a, b = openService(t, t.TempDir()), openService(t, t.TempDir())
	t.Cleanup(func() { a.Close(); b.Close() })
	if _, err := a.EnableSyncWith(ctx, SyncSetup{Folder: folder, Encrypt: true, Passphrase: passphrase}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.EnableSyncWith(ctx, SyncSetup{Folder: folder, Passphrase: passphrase}); err != nil {
		t.Fatal(err)
	}
	return a, b, folder
}

func TestEncryptedSyncCarriesEverythingAndTheFolderShowsNothing(t *testing.T) {
	ctx := context.Background()
	folder := filepath.Join(t.TempDir(), "iCloud Drive", "tsuzuri")
	a, b := openService(t, t.TempDir()), openService(t, t.TempDir())
	defer a.Close()
	defer b.Close()
	if _, err := a.EnableSyncWith(ctx, SyncSetup{Folder: folder, Encrypt: true, Passphrase: "雨の日の合言葉"}); err != nil {
		t.Fatal(err)
	}
	img := []byte("\x89PNG\r\n\x1a\n" + plaintextMarkers[4])
	ref, err := a.SaveAttachment(ctx, "secret.png", img)
	if err != nil {
		t.Fatal(err)
	}
	e, err := a.SaveEntry(ctx, EntryInput{Title: plaintextMarkers[0], Body: plaintextMarkers[1] + " " + plaintextMarkers[3] + "\n\n![](" + ref + ")", Date: "2026-12-05", Tags: []string{plaintextMarkers[2]}})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.SetSynonyms(ctx, plaintextMarkers[5]+", 雨\n"); err != nil {
		t.Fatal(err)
	}
	if rep := pass(t, a); rep.Sent != 1 {
		t.Fatalf("A's pass: %+v", rep)
	}

	// B joins: without the passphrase, then with a wrong one, it is
	// asked again and nothing changes.
	for _, wrong := range []SyncSetup{{Folder: folder}, {Folder: folder, Passphrase: "晴れの日の合言葉"}} {
		_, err := b.EnableSyncWith(ctx, wrong)
		if diary.ErrorCode(err) != diary.EPassphrase {
			t.Fatalf("joining with %q: %v, want a passphrase error", wrong.Passphrase, err)
		}
		if st, _ := b.SyncStatus(ctx); st.Enabled || st.Folder != "" {
			t.Fatalf("a refused join changed B: %+v", st)
		}
		if _, err := os.Stat(filepath.Join(b.DataDir(), localKeyFile)); err == nil {
			t.Fatal("a refused join left a key on B")
		}
	}
	if _, err := b.EnableSyncWith(ctx, SyncSetup{Folder: folder, Passphrase: "雨の日の合言葉"}); err != nil {
		t.Fatal(err)
	}
	rep := pass(t, b)
	if rep.Received != 1 || !rep.Synonyms || rep.Waiting != 0 || len(rep.Skipped) != 0 {
		t.Fatalf("B's pass: %+v", rep)
	}
	got, err := b.GetEntry(ctx, e.ID)
	if err != nil || got.Title != plaintextMarkers[0] || !slices.Equal(got.Tags, []string{plaintextMarkers[2]}) {
		t.Fatalf("B's copy: %+v %v", got, err)
	}
	if data, err := os.ReadFile(filepath.Join(b.DataDir(), ref)); err != nil || !bytes.Equal(data, img) {
		t.Fatalf("B's copy of the image: %v", err)
	}
	if st, _ := b.SyncStatus(ctx); !st.Encrypted || st.PassphraseChanged {
		t.Fatalf("B's status: %+v", st)
	}
	for _, s := range []*Service{a, b} {
		fi, err := os.Stat(filepath.Join(s.DataDir(), localKeyFile))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("the key kept in %s: %v %v", s.DataDir(), fi, err)
		}
	}

	pass(t, b) // B writes nothing new, but A's files and B's key meet
	host, _ := os.Hostname()
	markers := plaintextMarkers
	if len(host) >= 4 {
		markers = append(markers, host)
	}
	if found := plaintextIn(t, folder, markers); len(found) > 0 {
		t.Errorf("the encrypted folder shows: %v", found)
	}

	// The same check finds the markers in a plain folder, so it can fail.
	p, q, plainFolder := syncedPair(t)
	ref, _ = p.SaveAttachment(ctx, "secret.png", img)
	p.SaveEntry(ctx, EntryInput{Title: plaintextMarkers[0], Body: plaintextMarkers[1] + "\n\n![](" + ref + ")", Date: "2026-12-05", Tags: []string{plaintextMarkers[2]}})
	pass(t, p)
	pass(t, q)
	found := strings.Join(plaintextIn(t, plainFolder, markers), "\n")
	for _, m := range []string{plaintextMarkers[0], plaintextMarkers[1], plaintextMarkers[2], plaintextMarkers[4]} {
		if !strings.Contains(found, m) {
			t.Errorf("the check does not find %q in a plain folder", m)
		}
	}
}

// plaintextIn reads every file in folder as it is, and decompressed from
// every place a gzip or zstd stream could start, for each marker in UTF-8,
// UTF-16LE and UTF-16BE; it returns what it found, and where.
func plaintextIn(t *testing.T, folder string, markers []string) []string {
	t.Helper()
	var patterns [][]byte
	var found []string
	for _, m := range markers {
		u16 := utf16.Encode([]rune(m))
		le, be := make([]byte, 0, 2*len(u16)), make([]byte, 0, 2*len(u16))
		for _, c := range u16 {
			le = append(le, byte(c), byte(c>>8))
			be = append(be, byte(c>>8), byte(c))
		}
		patterns = append(patterns, []byte(m), le, be)
	}
	files := 0
	filepath.WalkDir(folder, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		data, _ := os.ReadFile(p)
		views := [][]byte{data}
		for i := range data {
			if bytes.HasPrefix(data[i:], []byte{0x1f, 0x8b}) {
				if zr, err := gzip.NewReader(bytes.NewReader(data[i:])); err == nil {
					out, _ := io.ReadAll(io.LimitReader(zr, 64<<20))
					views = append(views, out)
				}
			}
			if bytes.HasPrefix(data[i:], []byte{0x28, 0xb5, 0x2f, 0xfd}) {
				if zr, err := zstd.NewReader(bytes.NewReader(data[i:])); err == nil {
					out, _ := io.ReadAll(io.LimitReader(zr, 64<<20))
					zr.Close()
					views = append(views, out)
				}
			}
		}
		rel, _ := filepath.Rel(folder, p)
		for _, v := range views {
			for _, pat := range patterns {
				if bytes.Contains(v, pat) {
					found = append(found, fmt.Sprintf("%s holds %q", rel, pat))
				}
			}
		}
		return nil
	})
	if files < 2 {
		t.Fatalf("only %d files in the sync folder: the check saw nothing", files)
	}
	return found
}

func TestAnotherDiarysFilesAreNotAppliedAndAPlainComputerStopsAtAnEncryptedFolder(t *testing.T) {
	ctx := context.Background()
	a, b, folder := encryptedPair(t, "kagi-no-kotoba")

	// Another diary, encrypted with its own key, whose device folder is
	// dropped into this one.
	other := openService(t, t.TempDir())
	defer other.Close()
	elsewhere := filepath.Join(t.TempDir(), "other")
	if _, err := other.EnableSyncWith(ctx, SyncSetup{Folder: elsewhere, Encrypt: true, Passphrase: "kagi-no-kotoba"}); err != nil {
		t.Fatal(err)
	}
	other.SaveEntry(ctx, EntryInput{Title: "よその日記", Body: "混ざってはいけない", Date: "2026-12-01"})
	pass(t, other)
	ost, _ := other.SyncStatus(ctx)
	os.MkdirAll(filepath.Join(folder, syncfolder.DevicesDir), 0o755)
	if err := os.Rename(syncfolder.DeviceDir(elsewhere, ost.Device), syncfolder.DeviceDir(folder, ost.Device)); err != nil {
		t.Fatal(err)
	}
	a.SaveEntry(ctx, EntryInput{Title: "本物", Body: "届く", Date: "2026-12-01"})
	pass(t, a)
	rep := pass(t, b)
	if rep.Received != 1 || len(rep.Skipped) != 1 || rep.Skipped[0].Kind != syncfolder.Damaged || !strings.Contains(rep.Skipped[0].Path, ost.Device) {
		t.Fatalf("B's pass with another diary's files in the folder: %+v", rep)
	}
	if hits := searchIDs(t, b, "よその日記"); len(hits) != 0 {
		t.Fatalf("another diary's entry was applied: %v", hits)
	}

	// A diary that syncs the folder without encryption stops when the
	// folder turns out to be encrypted, instead of writing plain files.
	plain := openService(t, t.TempDir())
	defer plain.Close()
	fresh := filepath.Join(t.TempDir(), "fresh")
	if _, err := plain.EnableSync(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	syncfolder.WriteKeyFile(fresh, mustKey(t), "set elsewhere")
	plain.SaveEntry(ctx, EntryInput{Title: "平文", Body: "出ていかない", Date: "2026-12-01"})
	if _, err := plain.SyncNow(ctx); diary.ErrorCode(err) != diary.EPassphrase {
		t.Fatalf("a plain pass into an encrypted folder: %v", err)
	}
	if devices, _, _ := syncfolder.Devices(fresh); len(devices) != 0 {
		t.Fatalf("a plain diary wrote into an encrypted folder: %v", devices)
	}
	// Asking to encrypt a folder that already is encrypted joins it, with
	// its own passphrase only.
	_, err := plain.EnableSyncWith(ctx, SyncSetup{Folder: folder, Encrypt: true, Passphrase: "another key"})
	if diary.ErrorCode(err) != diary.EPassphrase {
		t.Fatalf("joining an encrypted folder by asking to encrypt it: %v", err)
	}
}

func mustKey(t *testing.T) *syncfolder.Key {
	t.Helper()
	k, err := syncfolder.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestEncryptingAFolderThatHoldsPlainFilesIsRefused(t *testing.T) {
	ctx := context.Background()
	a, b, folder := syncedPair(t)
	a.SaveEntry(ctx, EntryInput{Title: "平文の記録", Body: "もう置いてある", Date: "2026-12-01"})
	pass(t, a)
	_, err := b.EnableSyncWith(ctx, SyncSetup{Folder: folder, Encrypt: true, Passphrase: "late"})
	if diary.ErrorCode(err) != diary.EInvalid || !strings.Contains(diary.ErrorMessage(err), "unencrypted") {
		t.Fatalf("encrypting a folder with plain files in it: %v", err)
	}
	if ok, _ := syncfolder.Encrypted(folder); ok {
		t.Fatal("a refused encryption left a key file")
	}
}

func TestChangingThePassphraseKeepsEveryoneSyncingAndTheOthersAskOnce(t *testing.T) {
	ctx := context.Background()
	a, b, folder := encryptedPair(t, "first words")
	before, _ := syncfolder.KeyFileStamp(folder)
	if _, err := a.ChangeSyncPassphrase(ctx, "not the words", "second words"); diary.ErrorCode(err) != diary.EPassphrase {
		t.Fatalf("a change with a wrong current passphrase: %v", err)
	}
	if now, _ := syncfolder.KeyFileStamp(folder); now != before {
		t.Fatal("a refused change rewrote the key file")
	}
	if _, err := a.ChangeSyncPassphrase(ctx, "first words", "second words"); err != nil {
		t.Fatal(err)
	}
	if st, _ := a.SyncStatus(ctx); st.PassphraseChanged {
		t.Fatal("the computer that changed the passphrase asks for it")
	}
	st, _ := b.SyncStatus(ctx)
	if !st.PassphraseChanged {
		t.Fatal("B did not notice the new passphrase")
	}
	// B keeps working with the key it holds: the data key is the same.
	e, _ := a.SaveEntry(ctx, EntryInput{Title: "変更の後", Body: "まだ届く", Date: "2026-12-02"})
	pass(t, a)
	if rep := pass(t, b); rep.Received != 1 || len(rep.Skipped) != 0 {
		t.Fatalf("B's pass after the change: %+v", rep)
	}
	if _, err := b.GetEntry(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.UnlockSync(ctx, "first words"); diary.ErrorCode(err) != diary.EPassphrase {
		t.Fatalf("the old passphrase: %v", err)
	}
	if st, err := b.UnlockSync(ctx, "second words"); err != nil || st.PassphraseChanged {
		t.Fatalf("the new passphrase: %+v %v", st, err)
	}
	// A third computer joins with the new passphrase only.
	c := openService(t, t.TempDir())
	defer c.Close()
	if _, err := c.EnableSyncWith(ctx, SyncSetup{Folder: folder, Passphrase: "first words"}); diary.ErrorCode(err) != diary.EPassphrase {
		t.Fatalf("joining with the old passphrase: %v", err)
	}
	if _, err := c.EnableSyncWith(ctx, SyncSetup{Folder: folder, Passphrase: "second words"}); err != nil {
		t.Fatal(err)
	}
	if rep := pass(t, c); rep.Received < 1 {
		t.Fatalf("C's pass: %+v", rep)
	}
}
