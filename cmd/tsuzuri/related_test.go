package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestRelatedCommand(t *testing.T) {
	data := t.TempDir()
	mustRun(t, data, "", "import", "testdata/related.jsonl")

	var got []relatedJSON
	if err := json.Unmarshal([]byte(mustRun(t, data, "", "related", "rel-pm-api", "--json")), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != "rel-pm-latency" || got[0].Title != "決済の遅延" || got[0].Date != "2024-11-02" {
		t.Fatalf("related --json = %+v, want the other postmortem alone", got)
	}
	shared := strings.Join(got[0].Shared, " ")
	if !strings.Contains(shared, "決済") || !strings.Contains(shared, "コネクションプール") {
		t.Errorf("shared words = %v, want 決済 and コネクションプール", got[0].Shared)
	}
	// Flags after the id, as the usage writes them, and a table by default.
	if out := mustRun(t, data, "", "related", "rel-pm-latency"); !strings.Contains(out, "rel-pm-api") || !strings.Contains(out, "SHARED WORDS") {
		t.Errorf("related table:\n%s", out)
	}
	// An entry too short to be like anything is an empty list, not an error.
	if out := mustRun(t, data, "", "related", "rel-short", "--json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("related of a one-character entry = %q, want []", out)
	}

	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no id", []string{"related"}, 2, "name one entry id"},
		{"two ids", []string{"related", "rel-hike", "rel-short"}, 2, "name one entry id"},
		{"bad limit", []string{"related", "rel-hike", "--limit", "0"}, 2, "--limit is 1 to 20"},
		{"unknown entry", []string{"related", "nope", "--json"}, 1, `no entry with id "nope"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := tsuzuri(t, data, "", tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errOut, tc.code, tc.want)
			}
		})
	}
}
