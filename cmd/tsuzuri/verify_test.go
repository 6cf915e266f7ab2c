package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func verifyJSONOf(t *testing.T, data string) (int, verifyJSON) {
	t.Helper()
	code, out, errOut := tsuzuri(t, data, "", "verify", "--json")
	var v verifyJSON
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("verify --json: %v\nstdout %s\nstderr %s", err, out, errOut)
	}
	return code, v
}

func TestVerifyFindsEachProblemAndSaysWhatToDo(t *testing.T) {
	data := t.TempDir()
	mustRun(t, data, "", "import", "testdata/notes.jsonl")
	if code, v := verifyJSONOf(t, data); code != 0 || !v.OK || v.Entries != 4 || v.Indexed != 4 || v.Advice == nil || v.NotIndexed == nil {
		t.Fatalf("verify of a sound folder: exit %d, %+v", code, v)
	}
	if out := mustRun(t, data, "", "verify"); !strings.Contains(out, "all good") {
		t.Errorf("verify text: %q", out)
	}

	// A second import backs the diary up first and says so.
	code, _, errOut := tsuzuri(t, data, "", "import", "testdata/notes.jsonl")
	if code != 0 || !strings.Contains(errOut, "backed up the diary to "+filepath.Join(data, "backups")) {
		t.Errorf("import over a diary: exit %d, stderr %q", code, errOut)
	}

	// The database put back from an older copy: the index is ahead of it.
	db := filepath.Join(data, "tsuzuri.db")
	raw, _ := os.ReadFile(db)
	more := filepath.Join(t.TempDir(), "more.jsonl")
	os.WriteFile(more, []byte(`{"title":"追加","body":"キャパシティ計画","date":"2024-02-01"}`+"\n"), 0o644)
	mustRun(t, data, "", "import", more)
	os.WriteFile(db, raw, 0o644)
	code, v := verifyJSONOf(t, data)
	if code != 1 || v.OK || len(v.NotInDatabase) == 0 || !strings.Contains(strings.Join(v.Advice, "\n"), "tsuzuri reindex") {
		t.Errorf("verify of a disagreeing index: exit %d, %+v", code, v)
	}
	mustRun(t, data, "", "reindex")
	if code, v := verifyJSONOf(t, data); code != 0 || !v.OK {
		t.Errorf("verify after reindex: exit %d, %+v", code, v)
	}

	// A note linking to an attachment that is not there.
	note := filepath.Join(t.TempDir(), "n.jsonl")
	os.WriteFile(note, []byte(`{"id":"01J000000000000000000000ZZ","title":"図","body":"![構成図](attachments/0123abcd.png)","date":"2024-01-01"}`+"\n"), 0o644)
	mustRun(t, data, "", "import", note)
	code, v = verifyJSONOf(t, data)
	if code != 1 || len(v.MissingAttachments) != 1 || v.MissingAttachments[0].File != "0123abcd.png" {
		t.Errorf("verify with a missing attachment: exit %d, %+v", code, v)
	}

	// The database's header overwritten: verify says to restore the latest
	// backup, and doing so makes it whole.
	f, _ := os.OpenFile(db, os.O_RDWR, 0)
	f.WriteAt([]byte(strings.Repeat("\x00", 100)), 0)
	f.Close()
	code, v = verifyJSONOf(t, data)
	advice := strings.Join(v.Advice, "\n")
	if code != 1 || len(v.DatabaseProblems) == 0 || !strings.Contains(advice, "restore --replace "+filepath.Join(data, "backups")) {
		t.Fatalf("verify of a damaged database: exit %d, %+v", code, v)
	}
	latest := strings.TrimSpace(advice[strings.Index(advice, "--replace ")+len("--replace "):])
	mustRun(t, data, "", "restore", "--replace", latest)
	if code, v := verifyJSONOf(t, data); code != 0 || !v.OK || v.Entries < 4 {
		t.Errorf("verify after restoring %s: exit %d, %+v", latest, code, v)
	}
	if out := mustRun(t, data, "", "backups"); !strings.Contains(out, "damaged") {
		t.Errorf("the damaged database was not kept among the backups:\n%s", out)
	}
}
