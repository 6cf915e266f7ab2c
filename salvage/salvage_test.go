package salvage

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// makeDB writes a database of n rows with bodies long enough that some
// spill onto overflow pages, and returns its bytes.
func makeDB(t testing.TB, n int) (string, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "t.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := []string{
		"CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT NOT NULL, n INTEGER, f REAL)",
		"CREATE TABLE links (note TEXT, pos INTEGER, PRIMARY KEY (note, pos)) WITHOUT ROWID",
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		body := strings.Repeat(fmt.Sprintf("本文%d ", i), 1+i%700)
		if _, err := tx.Exec("INSERT INTO notes VALUES (?, ?, ?, ?)", fmt.Sprintf("n%05d", i), body, i-50, float64(i)/4); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec("INSERT INTO links VALUES (?, ?)", fmt.Sprintf("n%05d", i), i); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	db.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, b
}

func notes(r *Result) map[string]string {
	out := map[string]string{}
	for _, row := range r.Rows {
		if row.Table != "notes" || len(row.Values) != 4 || !row.Complete {
			continue
		}
		id, _ := row.Values[0].(string)
		body, _ := row.Values[1].(string)
		out[id] = body
	}
	return out
}

func TestReadHealthyFile(t *testing.T) {
	_, b := makeDB(t, 300)
	r := Read(b, nil)
	got := notes(r)
	if len(got) != 300 {
		t.Fatalf("read %d notes of 300", len(got))
	}
	for i := range 300 {
		want := strings.Repeat(fmt.Sprintf("本文%d ", i), 1+i%700)
		if got[fmt.Sprintf("n%05d", i)] != want {
			t.Fatalf("note %d: body differs (len %d, want %d)", i, len(got[fmt.Sprintf("n%05d", i)]), len(want))
		}
	}
	links := 0
	for _, row := range r.Rows {
		if row.Table == "links" {
			links++
			if !row.Index {
				t.Fatalf("WITHOUT ROWID row not marked as index row")
			}
		}
	}
	if links != 300 {
		t.Fatalf("read %d links of 300", links)
	}
	for _, row := range r.Rows {
		if row.Table == "notes" && row.Values[0] == "n00007" {
			if row.Values[2] != int64(-43) || row.Values[3] != 1.75 {
				t.Fatalf("numbers read back as %v %v", row.Values[2], row.Values[3])
			}
		}
	}
}

// A damaged page costs the rows on it, not the rest; with the header page
// gone the page size is found and the pages still read.
func TestReadAroundDamage(t *testing.T) {
	_, b := makeDB(t, 300)
	ps := 4096
	cases := map[string]func([]byte) []byte{
		"header page zeroed": func(b []byte) []byte { clear(b[:ps]); return b },
		"middle page noise": func(b []byte) []byte {
			p := len(b) / ps / 2
			for i := range ps {
				b[p*ps+i] = byte(i*7 + 13)
			}
			return b
		},
		"cut in half": func(b []byte) []byte { return b[:len(b)/2] },
	}
	for name, damage := range cases {
		t.Run(name, func(t *testing.T) {
			d := damage(append([]byte(nil), b...))
			r := Read(d, nil)
			if r.PageSize != ps {
				t.Fatalf("page size %d", r.PageSize)
			}
			got := 0
			for _, row := range r.Rows {
				if len(row.Values) == 4 && row.Complete {
					if id, ok := row.Values[0].(string); ok && strings.HasPrefix(id, "n") {
						body, _ := row.Values[1].(string)
						var i int
						fmt.Sscanf(id, "n%05d", &i)
						if body != strings.Repeat(fmt.Sprintf("本文%d ", i), 1+i%700) {
							t.Fatalf("%s came back with a wrong body", id)
						}
						got++
					}
				}
			}
			if got < 100 {
				t.Fatalf("only %d of 300 rows read around the damage", got)
			}
			t.Logf("%d of 300", got)
		})
	}
}
