package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHistoryShowAndRestore(t *testing.T) {
	data := t.TempDir()
	const id = "01J0000000000000000000000A"
	mustRun(t, data, "", "import", "testdata/notes.jsonl")
	if out := mustRun(t, data, "", "history", id); !strings.Contains(out, "no earlier versions") {
		t.Fatalf("history of a new entry: %q", out)
	}
	edited := filepath.Join(t.TempDir(), "edited.jsonl")
	line := `{"id":"` + id + `","title":"SRE 勉強会メモ（改）","body":"書き直した本文","date":"2024-05-03","tags":["SRE"]}` + "\n"
	if err := os.WriteFile(edited, []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := mustRun(t, data, "", "import", edited); !strings.Contains(out, "updated 1") {
		t.Fatalf("import of the edit: %q", out)
	}

	out := mustRun(t, data, "", "history", id)
	if !strings.Contains(out, "SRE 勉強会メモ") || !strings.HasPrefix(strings.Fields(strings.Split(out, "\n")[1])[0], "1") {
		t.Fatalf("history list:\n%s", out)
	}
	var revs []revisionJSON
	if err := json.Unmarshal([]byte(mustRun(t, data, "", "history", "--json", id)), &revs); err != nil {
		t.Fatal(err)
	}
	if len(revs) != 1 || revs[0].Number != 1 || revs[0].Title != "SRE 勉強会メモ" || revs[0].Body != nil {
		t.Fatalf("history --json = %+v", revs)
	}
	if out := mustRun(t, data, "", "history", id, "--show", "1"); !strings.Contains(out, "ポストモーテム") {
		t.Fatalf("--show 1 printed %q", out)
	}

	out = mustRun(t, data, "", "history", id, "--restore", "1")
	if !strings.Contains(out, "restored revision 1") || !strings.Contains(out, "revision 2") {
		t.Fatalf("--restore: %q", out)
	}
	if got := searchIDs(t, data, "ポストモーテム"); len(got) != 1 || got[0] != id {
		t.Fatalf("the restored text is not found: %v", got)
	}
	var rev revisionJSON
	if err := json.Unmarshal([]byte(mustRun(t, data, "", "history", id, "--show", "2", "--json")), &rev); err != nil {
		t.Fatal(err)
	}
	if rev.Body == nil || *rev.Body != "書き直した本文" {
		t.Fatalf("revision 2 = %+v", rev)
	}

	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no id", []string{"history"}, 2, "name one entry id"},
		{"two ids", []string{"history", id, "other"}, 2, "name one entry id"},
		{"show and restore", []string{"history", id, "--show", "1", "--restore", "1"}, 2, "cannot be used together"},
		{"unknown entry", []string{"history", "nope"}, 1, `no entry with id "nope"`},
		{"unknown revision", []string{"history", id, "--show", "9"}, 1, "has no revision 9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := tsuzuri(t, data, "", tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errOut, tc.code, tc.want)
			}
		})
	}
}
