package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tsuzuri/tsuzuri/version"
)

// tsuzuri runs the command in-process on dataDir and returns its exit code
// and output.
func tsuzuri(t *testing.T, dataDir, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	full := append([]string{"--data", dataDir}, args...)
	code := run(context.Background(), full, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func mustRun(t *testing.T, dataDir, stdin string, args ...string) string {
	t.Helper()
	code, out, errOut := tsuzuri(t, dataDir, stdin, args...)
	if code != 0 {
		t.Fatalf("tsuzuri %v: exit %d\nstdout: %s\nstderr: %s", args, code, out, errOut)
	}
	return out
}

func searchIDs(t *testing.T, dataDir string, args ...string) []string {
	t.Helper()
	out := mustRun(t, dataDir, "", append([]string{"search", "--json"}, args...)...)
	var res searchJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("search output is not JSON: %v\n%s", err, out)
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids
}

func TestImportSearchExportRoundTrip(t *testing.T) {
	data := t.TempDir()
	out := mustRun(t, data, "", "import", "--format", "jsonl", "testdata/notes.jsonl")
	if !strings.Contains(out, "imported 4, updated 0, unchanged 0, skipped 0") {
		t.Fatalf("import summary: %q", out)
	}

	tests := []struct {
		query string
		want  []string
	}{
		{"ポストモーテム", []string{"01J0000000000000000000000A"}},
		{"ｻｰﾊﾞ", []string{"01J0000000000000000000000B"}},             // half-width, no long vowel
		{"aws security hub", []string{"01J0000000000000000000000B"}}, // case
		{"ユーザ", []string{"01J0000000000000000000000D"}},              // long vowel dropped
		{"tag:SRE", []string{"01J0000000000000000000000A"}},
		{"#db", []string{"01J0000000000000000000000D"}},
		{"date:2024 スキーマ", []string{"01J0000000000000000000000D"}},
		{"京都 -新幹線", nil},
		{`"SLA 99.95%"`, []string{"01J0000000000000000000000A"}},
	}
	for _, tt := range tests {
		got := searchIDs(t, data, tt.query)
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("search %q = %v, want %v", tt.query, got, tt.want)
		}
	}

	// Re-importing the same file updates nothing and duplicates nothing.
	out = mustRun(t, data, "", "import", "testdata/notes.jsonl")
	if !strings.Contains(out, "imported 0, updated 0, unchanged 4") {
		t.Fatalf("re-import summary: %q", out)
	}

	// Export → import into an empty folder gives the same entries.
	exported := filepath.Join(t.TempDir(), "all.jsonl")
	mustRun(t, data, "", "export", "--format", "jsonl", exported)
	other := t.TempDir()
	mustRun(t, other, "", "import", exported)
	var a, b map[string]any
	json.Unmarshal([]byte(mustRun(t, data, "", "stats", "--json")), &a)
	json.Unmarshal([]byte(mustRun(t, other, "", "stats", "--json")), &b)
	for _, k := range []string{"entries", "tags", "first_date", "last_date", "text_bytes", "indexed"} {
		if a[k] != b[k] {
			t.Errorf("stats %s: original %v, round trip %v", k, a[k], b[k])
		}
	}
	if got := searchIDs(t, other, "ポストモーテム"); len(got) != 1 {
		t.Errorf("round-tripped folder does not find ポストモーテム: %v", got)
	}
}

func TestSearchSaysOneResultInTheSingular(t *testing.T) {
	data := t.TempDir()
	mustRun(t, data, "", "import", "testdata/notes.jsonl")
	if out := mustRun(t, data, "", "search", "京都"); !strings.Contains(out, "1 result (") {
		t.Fatalf("one hit is not counted as \"1 result\":\n%s", out)
	}
}

func TestSearchReadsQueriesFromStdin(t *testing.T) {
	data := t.TempDir()
	mustRun(t, data, "", "import", "testdata/notes.jsonl")
	out := mustRun(t, data, "京都\nBytebase\n\"unbalanced\n-\n", "search", "--limit", "5")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("want one JSON line per query, got %d:\n%s", len(lines), out)
	}
	for i, want := range []uint64{1, 1} {
		var res searchJSON
		if err := json.Unmarshal([]byte(lines[i]), &res); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if res.Total != want || res.TookMS < 0 {
			t.Errorf("line %d: total %d took %v, want total %d", i+1, res.Total, res.TookMS, want)
		}
		if len(res.Hits) > 0 && !strings.Contains(res.Hits[0].Snippet, "<mark>") {
			t.Errorf("line %d: snippet has no highlight: %q", i+1, res.Hits[0].Snippet)
		}
	}
}

func TestBadInputGivesOneLineErrors(t *testing.T) {
	data := t.TempDir()
	// A copy: the rejects file is written beside the source.
	src := filepath.Join(t.TempDir(), "broken.jsonl")
	raw, err := os.ReadFile("testdata/broken.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(src, raw, 0o644)
	code, out, errOut := tsuzuri(t, data, "", "import", src)
	if code != 0 {
		t.Fatalf("a file with some bad lines still imports the good ones: exit %d, %s", code, errOut)
	}
	rejects := filepath.Join(filepath.Dir(src), "broken.rejects.jsonl")
	for _, want := range []string{"imported 3", "skipped 1", "1 warnings", rejects} {
		if !strings.Contains(out, want) {
			t.Errorf("summary %q should say %q", out, want)
		}
	}
	for _, want := range []string{"tsuzuri: broken.jsonl:2: not a JSON object", "tsuzuri: warning: broken.jsonl:3: the date \"2024-13-45\""} {
		if !strings.Contains(strings.ReplaceAll(errOut, filepath.Dir(src)+string(filepath.Separator), ""), want) {
			t.Errorf("stderr should say %s, got:\n%s", want, errOut)
		}
	}
	if got, _ := os.ReadFile(rejects); string(got) != strings.TrimSpace(strings.Split(string(raw), "\n")[1])+"\n" {
		t.Errorf("rejects file = %q", got)
	}

	tests := []struct {
		name string
		args []string
		code int
	}{
		{"missing file", []string{"import", "testdata/no-such-file.jsonl"}, 1},
		{"no file", []string{"import"}, 2},
		{"bad limit", []string{"search", "--limit", "0", "x"}, 2},
		{"bad sort", []string{"search", "--sort", "popularity", "x"}, 2},
		{"limit not a number", []string{"search", "--limit", "ten", "x"}, 2},
		{"unknown flag", []string{"stats", "--yaml"}, 2},
		{"unknown command", []string{"frobnicate"}, 2},
		{"unknown export format", []string{"export", "--format", "docx", filepath.Join(t.TempDir(), "x")}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := tsuzuri(t, data, "", tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			if first := strings.SplitN(errOut, "\n", 2)[0]; !strings.HasPrefix(first, "tsuzuri") || strings.Contains(first, "panic") {
				t.Errorf("first stderr line should be a tsuzuri error, got %q", first)
			}
			if n := strings.Count(errOut, "usage:"); n > 1 {
				t.Errorf("the usage is shown %d times:\n%s", n, errOut)
			}
		})
	}
}

func TestHelpGoesToStandardOutput(t *testing.T) {
	code, out, errOut := tsuzuri(t, t.TempDir(), "", "search", "-h")
	if code != 0 || !strings.HasPrefix(out, "usage: tsuzuri [--data DIR] search") || !strings.Contains(out, "-limit") || errOut != "" {
		t.Errorf("search -h: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestVersionNeedsNoDataFolder(t *testing.T) {
	defer func(old string) { version.Number = old }(version.Number)
	version.Number = "9.8.7"
	data := filepath.Join(t.TempDir(), "never-made")
	code, out, errOut := tsuzuri(t, data, "", "--version")
	if code != 0 || out != "tsuzuri 9.8.7\n" || errOut != "" {
		t.Errorf("--version: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("--version touched the data folder: %v", err)
	}
}

func TestBackupAndRestore(t *testing.T) {
	data := t.TempDir()
	mustRun(t, data, "", "import", "testdata/notes.jsonl")
	zip := filepath.Join(t.TempDir(), "backup.zip")
	mustRun(t, data, "", "backup", zip)
	if code, _, _ := tsuzuri(t, data, "", "backup", zip); code != 1 {
		t.Errorf("a backup never overwrites an existing file")
	}
	restored := filepath.Join(t.TempDir(), "restored")
	mustRun(t, restored, "", "restore", zip)
	if got := searchIDs(t, restored, "京都"); len(got) != 1 {
		t.Errorf("restored folder search 京都 = %v", got)
	}
	if code, _, errOut := tsuzuri(t, restored, "", "restore", zip); code != 1 || !strings.Contains(errOut, "restore --replace") {
		t.Errorf("restoring over a diary must refuse: exit %d, %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(restored, "index")); err != nil {
		t.Errorf("restore should build the index: %v", err)
	}
}

func searchJSONOf(t *testing.T, dataDir, query string) searchJSON {
	t.Helper()
	out := mustRun(t, dataDir, "", "search", "--json", query)
	var res searchJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("search output is not JSON: %v\n%s", err, out)
	}
	return res
}

func TestSearchSaysHowEachHitMatched(t *testing.T) {
	data := t.TempDir()
	mustRun(t, data, "", "import", "testdata/notes.jsonl")

	res := searchJSONOf(t, data, "ポストモーテム")
	if len(res.Hits) != 1 || res.Hits[0].Match != "exact" || res.Suggestion != "" {
		t.Fatalf("literal query: %+v", res)
	}
	// The English word finds the katakana one, and the snippet marks the
	// note's own spelling.
	res = searchJSONOf(t, data, "postmortem")
	if len(res.Hits) != 1 || res.Hits[0].Match != "variant" {
		t.Fatalf("postmortem: %+v", res)
	}
	if !strings.Contains(res.Hits[0].Snippet, "<mark>ポストモーテム</mark>") {
		t.Errorf("snippet %q does not mark ポストモーテム", res.Hits[0].Snippet)
	}
	// A slip of the keyboard: no entry has it, the closest do, with what
	// to search for instead.
	res = searchJSONOf(t, data, "ポストモーテン")
	if len(res.Hits) == 0 || res.Suggestion != "ポストモーテム" {
		t.Errorf("typo: suggestion %q, hits %+v", res.Suggestion, res.Hits)
	}
	out := mustRun(t, data, "", "search", "ポストモーテン")
	if !strings.Contains(out, "Did you mean: ポストモーテム") {
		t.Errorf("text output does not suggest the spelling: %s", out)
	}
}

// export … - writes to the command's own output, so a script (or this
// test) reads the entries from it.
func TestExportToStandardOutput(t *testing.T) {
	data := t.TempDir()
	src := filepath.Join(t.TempDir(), "in.jsonl")
	if err := os.WriteFile(src, []byte(`{"id":"a1","title":"京都","body":"清水寺","date":"2024-05-01"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, data, "", "import", src)
	out := mustRun(t, data, "", "export", "-")
	var e struct{ ID, Title, Body string }
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &e); err != nil || e.ID != "a1" || e.Body != "清水寺" {
		t.Fatalf("export - wrote %q to the command's output (%v)", out, err)
	}
}
