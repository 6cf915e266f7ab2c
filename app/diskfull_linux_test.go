package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/tsuzuri/tsuzuri/diary"
)

// smallDisk mounts a tmpfs of size bytes for the test, or skips when this
// process may not mount (not root, or in a container without the right).
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small filesystem needs root")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// fill writes into path until the filesystem is full.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			break
		}
	}
	// What is left of the last block.
	for {
		if _, err := f.Write(chunk[:512]); err != nil {
			return
		}
	}
}

// On a full disk a save fails with disk_full and a message saying what to
// do; everything saved before is intact, and once space is freed the same
// save goes through.
func TestSaveOnAFullDiskFailsCleanlyAndLosesNothing(t *testing.T) {
	ctx := context.Background()
	disk := smallDisk(t, "8m")
	dir := filepath.Join(disk, "data")
	s := openService(t, dir)
	var saved []diary.Entry
	for i := range 30 {
		e, err := s.SaveEntry(ctx, EntryInput{Title: "保存済み", Body: strings.Repeat("ポストモーテム ", 50+i), Date: "2026-02-01"})
		if err != nil {
			t.Fatal(err)
		}
		saved = append(saved, e)
	}
	filler := filepath.Join(disk, "filler")
	fill(t, filler)

	unsaved := EntryInput{Title: "書きかけ", Body: strings.Repeat("まだ保存されていない本文。", 40000), Date: "2026-02-02"}
	_, err := s.SaveEntry(ctx, unsaved)
	if diary.ErrorCode(err) != diary.EDiskFull {
		t.Fatalf("save on a full disk = %v (code %s), want disk_full", err, diary.ErrorCode(err))
	}
	if msg := diary.ErrorMessage(err); !strings.Contains(msg, "full") || !strings.Contains(msg, "Free some space") {
		t.Errorf("message %q does not say what to do", msg)
	}
	// An edit of an entry already saved fails the same way and leaves it.
	_, err = s.SaveEntry(ctx, EntryInput{ID: saved[0].ID, Title: "上書き", Body: unsaved.Body, Date: saved[0].Date})
	if diary.ErrorCode(err) != diary.EDiskFull {
		t.Errorf("update on a full disk = %v", err)
	}
	for _, want := range saved {
		got, err := s.GetEntry(ctx, want.ID)
		if err != nil || got.Body != want.Body || got.Title != want.Title {
			t.Fatalf("saved entry %s damaged on a full disk: %v", want.ID, err)
		}
	}
	s.Close()

	os.Remove(filler)
	s = openService(t, dir)
	defer s.Close()
	r, err := s.Verify(ctx)
	if err != nil || !r.OK() {
		t.Fatalf("verify after the disk filled: %+v, %v", r, err)
	}
	for _, want := range saved {
		got, err := s.GetEntry(ctx, want.ID)
		if err != nil || got.Body != want.Body {
			t.Errorf("entry %s after the disk filled: %v", want.ID, err)
		}
	}
	if _, err := s.SaveEntry(ctx, unsaved); err != nil {
		t.Errorf("the same save once space is free: %v", err)
	}
}
