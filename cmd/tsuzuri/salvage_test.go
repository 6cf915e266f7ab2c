package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// salvage reads a diary SQLite cannot open past its damage into a new
// folder, merging the latest automatic backup, and never writes to the
// damaged file.
func TestSalvageADamagedDiary(t *testing.T) {
	data := t.TempDir()
	src := filepath.Join(t.TempDir(), "notes.jsonl")
	var b bytes.Buffer
	for i := range 200 {
		fmt.Fprintf(&b, `{"id":"n%03d","title":"日記 %d","body":"%s","date":"2024-05-01","tags":["旅行"]}`+"\n", i, i, strings.Repeat("京都の寺を歩いた。", 1+i%40))
	}
	os.WriteFile(src, b.Bytes(), 0o644)
	mustRun(t, data, "", "import", src)
	// The second import backs up the first 200; the last is only in the
	// database.
	os.WriteFile(src, []byte(`{"id":"late","title":"あとで","body":"最後のメモ","date":"2024-06-01"}`+"\n"), 0o644)
	mustRun(t, data, "", "import", src)

	db := filepath.Join(data, "tsuzuri.db")
	raw, _ := os.ReadFile(db)
	for i := range 4096 {
		raw[len(raw)/2/4096*4096+i] = 0xa5
	}
	os.WriteFile(db, raw, 0o644)
	before := sha256.Sum256(raw)

	for _, bad := range [][]string{{"salvage"}, {"salvage", "--no-backup", "--from-backup", "x.zip", "out"}, {"salvage", "a", "b"}} {
		if code, _, _ := tsuzuri(t, data, "", bad...); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
	out := filepath.Join(t.TempDir(), "salvaged")
	report := mustRun(t, data, "", "salvage", out)
	if !strings.Contains(report, "recovered from the damaged database") || !strings.Contains(report, "from the backup") {
		t.Errorf("report:\n%s", report)
	}
	after, _ := os.ReadFile(db)
	if sha256.Sum256(after) != before {
		t.Fatal("salvage wrote to the damaged database")
	}
	if _, err := os.Stat(filepath.Join(out, "salvage-report.txt")); err != nil {
		t.Errorf("no report in the new folder: %v", err)
	}
	stats := mustRun(t, out, "", "stats", "--json")
	if !strings.Contains(stats, `"entries": 201`) && !strings.Contains(stats, `"entries":201`) {
		t.Errorf("the salvaged diary: %s", stats)
	}
	if got := searchIDs(t, out, "最後のメモ"); len(got) != 1 || got[0] != "late" {
		t.Errorf("the entry only the damaged file held: search = %v", got)
	}
	if code, _, errOut := tsuzuri(t, data, "", "salvage", out); code != 1 || !strings.Contains(errOut, "not empty") {
		t.Errorf("salvage into a used folder: exit %d, %q", code, errOut)
	}
}
