package bench

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/search/query"
	_ "modernc.org/sqlite" // the FTS5 peer

	"github.com/tsuzuri/tsuzuri/app"
	"github.com/tsuzuri/tsuzuri/bench/corpus"
)

// Tsuzuri measures the product as a user runs it: a JSON Lines import
// through app.Service (SQLite and the index), and searches with snippets.
type Tsuzuri struct {
	dir string
	svc *app.Service
}

func NewTsuzuri(dir string) *Tsuzuri { return &Tsuzuri{dir: dir} }

func (t *Tsuzuri) Name() string { return "tsuzuri" }
func (t *Tsuzuri) Dir() string  { return t.dir }

func (t *Tsuzuri) Build(ctx context.Context, path string) error {
	// The app runs with its memory limit; the peers, measured in the same
	// process, run without it (see Close), as they would on their own.
	app.LimitMemory()
	svc, err := app.Open(ctx, app.Options{DataDir: t.dir})
	if err != nil {
		return err
	}
	t.svc = svc
	sum, err := svc.Import(ctx, app.ImportRequest{Format: "jsonl", Paths: []string{path}}, nil)
	if err != nil {
		return err
	}
	if sum.Skipped > 0 {
		return fmt.Errorf("%d entries skipped, first: %+v", sum.Skipped, sum.Problems[0])
	}
	return nil
}

func (t *Tsuzuri) Search(ctx context.Context, q string, k int) ([]string, error) {
	res, err := t.svc.Search(ctx, app.SearchRequest{Query: q, Limit: k})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}

// Browse is the search box: 20 results with facets and snippets.
func (t *Tsuzuri) Browse(ctx context.Context, q string, byDate bool) error {
	sort := "relevance"
	if byDate {
		sort = "date"
	}
	_, err := t.svc.Search(ctx, app.SearchRequest{Query: q, Sort: sort, Limit: 20, Facets: true})
	return err
}

func (t *Tsuzuri) Close() error {
	debug.SetMemoryLimit(math.MaxInt64)
	if t.svc == nil {
		return nil
	}
	return t.svc.Close()
}

// FTS5 is SQLite FTS5 with the trigram tokenizer, the usual "just use
// SQLite" answer. Trigrams cannot match words shorter than three characters,
// so those fall back to LIKE, as an application using it would have to.
type FTS5 struct {
	dir string
	db  *sql.DB
}

func NewFTS5(dir string) *FTS5 { return &FTS5{dir: dir} }

func (f *FTS5) Name() string { return "sqlite-fts5-trigram" }
func (f *FTS5) Dir() string  { return f.dir }

func (f *FTS5) Build(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(f.dir, "fts.db")+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
	if err != nil {
		return err
	}
	f.db = db
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, tokenize='trigram')`); err != nil {
		return err
	}
	var tx *sql.Tx
	var stmt *sql.Stmt
	n := 0
	commit := func() error {
		if tx == nil {
			return nil
		}
		err := tx.Commit()
		tx = nil
		return err
	}
	err = corpus.ReadDocs(path, func(d corpus.Doc) error {
		if tx == nil {
			if tx, err = db.BeginTx(ctx, nil); err != nil {
				return err
			}
			if stmt, err = tx.PrepareContext(ctx, `INSERT INTO docs(id, title, body) VALUES (?, ?, ?)`); err != nil {
				return err
			}
		}
		if _, err := stmt.ExecContext(ctx, d.ID, d.Title, d.Body); err != nil {
			return err
		}
		if n++; n%1000 == 0 {
			return commit()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return commit()
}

func (f *FTS5) Search(ctx context.Context, q string, k int) ([]string, error) {
	var match []string
	var where []string
	var args []any
	for _, term := range strings.Fields(q) {
		if len([]rune(term)) >= 3 {
			match = append(match, `"`+strings.ReplaceAll(term, `"`, `""`)+`"`)
			continue
		}
		where = append(where, "(title LIKE ? OR body LIKE ?)")
		like := "%" + term + "%"
		args = append(args, like, like)
	}
	order := "rowid"
	if len(match) > 0 {
		where = append([]string{"docs MATCH ?"}, where...)
		args = append([]any{strings.Join(match, " AND ")}, args...)
		order = "bm25(docs)"
	}
	if len(where) == 0 {
		return nil, nil
	}
	rows, err := f.db.QueryContext(ctx, "SELECT id FROM docs WHERE "+strings.Join(where, " AND ")+" ORDER BY "+order+" LIMIT ?", append(args, k)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func (f *FTS5) Close() error {
	if f.db == nil {
		return nil
	}
	return f.db.Close()
}

// BleveCJK is Bleve with its built-in CJK analyzer (width folding and
// bigrams): what a Bleve user gets without Japanese morphology.
type BleveCJK struct {
	dir   string
	index bleve.Index
}

func NewBleveCJK(dir string) *BleveCJK { return &BleveCJK{dir: dir} }

func (b *BleveCJK) Name() string { return "bleve-cjk" }
func (b *BleveCJK) Dir() string  { return b.dir }

func (b *BleveCJK) Build(ctx context.Context, path string) error {
	m := bleve.NewIndexMapping()
	m.DefaultAnalyzer = cjk.AnalyzerName
	index, err := bleve.New(filepath.Join(b.dir, "bleve"), m)
	if err != nil {
		return err
	}
	b.index = index
	batch := index.NewBatch()
	err = corpus.ReadDocs(path, func(d corpus.Doc) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := batch.Index(d.ID, map[string]any{"title": d.Title, "body": d.Body}); err != nil {
			return err
		}
		if batch.Size() >= 1000 {
			if err := index.Batch(batch); err != nil {
				return err
			}
			batch.Reset()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return index.Batch(batch)
}

func (b *BleveCJK) Search(ctx context.Context, q string, k int) ([]string, error) {
	var terms []query.Query
	for _, term := range strings.Fields(q) {
		terms = append(terms, bleve.NewMatchPhraseQuery(term))
	}
	if len(terms) == 0 {
		return nil, nil
	}
	req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(terms...), k, 0, false)
	res, err := b.index.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}

func (b *BleveCJK) Close() error {
	if b.index == nil {
		return nil
	}
	return b.index.Close()
}
