// Package corpus reads the shared evaluation corpus (entries and queries
// with their relevant ids) and scores ranked results against it.
package corpus

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// Doc is one corpus entry, as the corpus files write it.
type Doc struct {
	ID    string   `json:"id"`
	Title string   `json:"title"`
	Date  string   `json:"date"`
	Tags  []string `json:"tags"`
	Body  string   `json:"body"`
}

// Query is one evaluation query with the ids that count as relevant.
type Query struct {
	Q        string   `json:"q"`
	Relevant []string `json:"relevant"`
	Kind     string   `json:"kind"`
}

// PrecisionKind marks queries scored by precision@10; every other kind is a
// known-item query scored by success@10 and MRR.
const PrecisionKind = "prec"

// ReadDocs streams a JSON Lines corpus, gzipped or not.
func ReadDocs(path string, fn func(Doc) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open corpus: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		defer gz.Close()
		r = gz
	}
	dec := json.NewDecoder(bufio.NewReaderSize(r, 1<<20))
	for n := 1; ; n++ {
		var d Doc
		err := dec.Decode(&d)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: entry %d: %w", path, n, err)
		}
		if err := fn(d); err != nil {
			return err
		}
	}
}

// ReadQueries reads a query file.
func ReadQueries(path string) ([]Query, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open queries: %w", err)
	}
	defer f.Close()
	var qs []Query
	dec := json.NewDecoder(f)
	for {
		var q Query
		err := dec.Decode(&q)
		if err == io.EOF {
			return qs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: query %d: %w", path, len(qs)+1, err)
		}
		qs = append(qs, q)
	}
}

// WriteJSONL writes docs as the importer's JSON Lines, so every engine reads
// the same bytes. It returns the text size (titles and bodies).
func WriteJSONL(src, dest string) (int64, error) {
	out, err := os.Create(dest)
	if err != nil {
		return 0, fmt.Errorf("create %s: %w", dest, err)
	}
	w := bufio.NewWriterSize(out, 1<<20)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	var text int64
	err = ReadDocs(src, func(d Doc) error {
		text += int64(len(d.Title) + len(d.Body))
		return enc.Encode(d)
	})
	if err == nil {
		err = w.Flush()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return text, err
}
