package desktop

import (
	"context"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/tsuzuri/tsuzuri/app"
	"github.com/tsuzuri/tsuzuri/attach"
	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/importer"
	"github.com/tsuzuri/tsuzuri/storage"
)

// Finder is search.
type Finder struct {
	b *Backend

	mu       sync.Mutex
	inFlight context.CancelFunc
	// related is the related-entries query in flight: it runs beside
	// searches, so neither cancels the other.
	related context.CancelFunc
}

// Bounds of what the webview may ask of search and rendering.
const (
	maxQueryBytes   = 4 << 10
	maxResultsPage  = 200
	maxResultOffset = 100_000
	maxTerms        = 64
)

// Search runs a query. Results update as the user types, so a newer query
// cancels the one still running: fast typing never queues work, and an
// answer nobody will see stops costing the CPU at once.
func (x *Finder) Search(req app.SearchRequest) (app.SearchResult, error) {
	x.b.log.Debug("search", "query", req.Query)
	if req.Sort == "" {
		req.Sort = "relevance"
	}
	if err := firstError(checkText("query", req.Query, maxQueryBytes), checkOneOf("sort order", req.Sort, "relevance", "date")); err != nil {
		return app.SearchResult{}, x.b.fail("search", err)
	}
	if req.Limit < 0 || req.Limit > maxResultsPage || req.Offset < 0 || req.Offset > maxResultOffset {
		return app.SearchResult{}, x.b.fail("search", diary.Errorf(diary.EInvalid, "A page of results holds 0 to %d results from 0 to %d.", maxResultsPage, maxResultOffset))
	}
	ctx, done := x.supersede()
	defer done()
	return call(x.b, "search", func(s *app.Service) (app.SearchResult, error) { return s.Search(ctx, req) })
}

// supersede cancels the search in flight and returns the context of the
// new one, and what to call when it ends.
func (x *Finder) supersede() (context.Context, func()) {
	return x.replace(&x.inFlight)
}

// replace cancels what *slot holds and puts a new context's cancel there.
func (x *Finder) replace(slot *context.CancelFunc) (context.Context, func()) {
	ctx, cancel := context.WithCancel(x.b.ctx)
	x.mu.Lock()
	if *slot != nil {
		(*slot)()
	}
	*slot = cancel
	x.mu.Unlock()
	return ctx, cancel
}

// maxRelated bounds how many related entries the webview may ask for.
const maxRelated = 20

// Related lists the entries most like the one being written, with the
// words they share. It follows the text as it is typed, so, as with
// Search, a newer request cancels the one still running.
func (x *Finder) Related(req app.RelatedRequest) ([]app.RelatedEntry, error) {
	if req.ID != "" {
		if err := checkID(req.ID); err != nil {
			return nil, x.b.fail("related entries", err)
		}
	}
	if err := firstError(checkText("title", req.Title, storage.MaxTitleBytes), checkText("text", req.Body, storage.MaxBodyBytes)); err != nil {
		return nil, x.b.fail("related entries", err)
	}
	if req.Limit < 0 || req.Limit > maxRelated {
		return nil, x.b.fail("related entries", diary.Errorf(diary.EInvalid, "Between 0 and %d related entries can be listed.", maxRelated))
	}
	req.Plain = false
	ctx, done := x.replace(&x.related)
	defer done()
	return call(x.b, "related entries", func(s *app.Service) ([]app.RelatedEntry, error) { return s.Related(ctx, req) })
}

// Highlights gives the byte ranges of text to mark for terms.
func (x *Finder) Highlights(text string, terms []string) ([][2]int, error) {
	if err := checkText("text", text, storage.MaxBodyBytes); err != nil {
		return nil, x.b.fail("highlight", err)
	}
	if len(terms) > maxTerms {
		return nil, x.b.fail("highlight", diary.Errorf(diary.EInvalid, "At most %d words are highlighted.", maxTerms))
	}
	for _, t := range terms {
		if err := checkText("word", t, maxQueryBytes); err != nil {
			return nil, x.b.fail("highlight", err)
		}
	}
	return call(x.b, "highlight", func(s *app.Service) ([][2]int, error) { return s.Highlights(text, terms), nil })
}

// Synonyms is the user's synonyms file as text.
func (x *Finder) Synonyms() (string, error) {
	return call(x.b, "synonyms", func(s *app.Service) (string, error) { return s.Synonyms() })
}

// SetSynonyms saves the user's synonyms; searches use them at once.
func (x *Finder) SetSynonyms(text string) error {
	if err := checkText("synonyms list", text, 1<<20); err != nil {
		return x.b.fail("synonyms", err)
	}
	return do(x.b, "synonyms", func(s *app.Service) error { return s.SetSynonyms(x.b.ctx, text) })
}

// Render is Markdown and attachments.
type Render struct{ b *Backend }

// Markdown renders a note as sanitised HTML.
func (x *Render) Markdown(md string) (string, error) {
	if len(md) > storage.MaxBodyBytes {
		return "", x.b.fail("preview", diary.Errorf(diary.EInvalid, "The note is longer than %d MB.", storage.MaxBodyBytes>>20))
	}
	return call(x.b, "preview", func(s *app.Service) (string, error) { return s.RenderMarkdown(md), nil })
}

// SaveAttachment stores a pasted or dropped image and returns its link target.
func (x *Render) SaveAttachment(name, base64Data string) (string, error) {
	// The name only gives the file type; the store names the file by its
	// content, inside the data folder.
	if err := checkText("file name", name, 1024); err != nil {
		return "", x.b.fail("attach", err)
	}
	if base64.StdEncoding.DecodedLen(len(base64Data)) > attach.MaxBytes+3 {
		return "", x.b.fail("attach", diary.Errorf(diary.EInvalid, "%s is larger than %d MB.", shortArg(filepath.Base(name)), attach.MaxBytes>>20))
	}
	data, err := base64.StdEncoding.DecodeString(base64Data)
	if err != nil {
		return "", x.b.fail("attach", diary.Errorf(diary.EInvalid, "The image %s could not be read.", name))
	}
	return call(x.b, "attach", func(s *app.Service) (string, error) { return s.SaveAttachment(x.b.ctx, name, data) })
}

// Library is import, export, backup and reindex: long work that reports
// progress through events.
type Library struct{ b *Backend }

// importFilters are the file dialog's choices for each format. Every list
// ends with all files: exports are often renamed.
var importFilters = map[string][]FileFilter{
	"jsonl":    {{"JSON Lines (*.jsonl, *.ndjson, *.json)", "*.jsonl;*.ndjson;*.json"}},
	"hatena":   {{"Hatena Blog / Movable Type (*.txt, *.export)", "*.txt;*.export"}},
	"markdown": {{"Markdown (*.md, *.markdown)", "*.md;*.markdown"}},
	"blogsync": {{"blogsync Markdown (*.md)", "*.md"}},
	"dayone":   {{"Day One (*.zip, *.json)", "*.zip;*.json"}},
}

// anyExport is the filter when the format is to be detected; its name is
// in the UI language.
const anyExport = "*.jsonl;*.ndjson;*.txt;*.export;*.md;*.markdown;*.zip;*.json"

// importFiltersFor is the dialog's filter list for format, in t's language.
func importFiltersFor(format string, t NativeText) []FileFilter {
	filters, ok := importFilters[format]
	if !ok {
		filters = []FileFilter{{t.Exports + " (*.jsonl, *.txt, *.md, *.zip, *.json)", anyExport}}
	}
	return append(slices.Clone(filters), FileFilter{t.AllFiles, "*"})
}

// PickImportSource asks for files (or a folder) to import; empty means cancelled.
func (x *Library) PickImportSource(format string, folder bool) ([]string, error) {
	if err := checkImportFormat(format); err != nil {
		return []string{}, x.b.fail("choose files", err)
	}
	t := x.b.text()
	paths, err := x.b.shell.OpenFiles(t.ImportTitle, folder, importFiltersFor(format, t))
	if paths == nil {
		paths = []string{}
	}
	x.b.picks.remember(pickedToRead, paths...)
	return paths, x.b.fail("choose files", err)
}

func checkImportFormat(format string) error {
	return checkOneOf("format", format, append([]string{""}, importer.Formats()...)...)
}

// checkImport accepts a request only for files the user picked.
func (x *Library) checkImport(req app.ImportRequest) error {
	return firstError(checkImportFormat(req.Format), x.b.checkPicked(pickedToRead, req.Paths...), checkHosts(req.AllowHosts))
}

const previewEntries = 20

func (x *Library) PreviewImport(req app.ImportRequest) (app.ImportPreview, error) {
	if err := x.checkImport(req); err != nil {
		return app.ImportPreview{}, x.b.fail("preview import", err)
	}
	return call(x.b, "preview import", func(s *app.Service) (app.ImportPreview, error) {
		return s.PreviewImport(x.b.ctx, req, previewEntries)
	})
}

// ImportDone is the "import:done" event.
type ImportDone struct {
	JobID   string            `json:"jobId"`
	Summary app.ImportSummary `json:"summary"`
	Error   *uiError          `json:"error"`
}

// StartImport imports in the background and returns a job id; progress
// comes as "import:progress" events and the end as "import:done".
func (x *Library) StartImport(req app.ImportRequest) (string, error) {
	if err := x.checkImport(req); err != nil {
		return "", x.b.fail("import", err)
	}
	svc, err := x.b.service()
	if err != nil {
		return "", x.b.fail("import", err)
	}
	id, ctx := x.b.startJob()
	go func() {
		defer x.b.endJob(id)
		sum, err := svc.Import(ctx, req, func(p app.ImportProgress) {
			x.b.emit.Emit("import:progress", map[string]any{"jobId": id, "file": filepath.Base(p.File), "done": p.Done, "total": p.Total,
				"written": p.Written, "indexed": p.Indexed})
		})
		done := ImportDone{JobID: id, Summary: sum, Error: x.b.uiErrorOf("import", err)}
		if done.Error != nil && done.Error.Code == diary.ECancelled {
			done.Error.Message = "Cancelled. What was imported before is kept."
		}
		x.b.emit.Emit("import:done", done)
	}()
	return id, nil
}

// CancelImport stops a running import; entries saved so far are kept.
func (x *Library) CancelImport(jobID string) error {
	if err := checkText("job", jobID, 64); err != nil {
		return x.b.fail("cancel import", err)
	}
	x.b.jobsMu.Lock()
	cancel, ok := x.b.jobs[jobID]
	x.b.jobsMu.Unlock()
	if ok {
		cancel()
	}
	return nil
}

// PickExportTarget asks where to export; "" means cancelled.
func (x *Library) PickExportTarget(format string) (string, error) {
	if err := checkExportFormat(format); err != nil {
		return "", x.b.fail("choose destination", err)
	}
	var path string
	var err error
	if format == "markdown" {
		path, err = x.b.shell.ChooseFolder(x.b.text().ExportTitle)
	} else {
		ext := map[string]string{"jsonl": ".jsonl", "hatena": ".txt", "html": ".html"}[format]
		path, err = x.b.shell.SaveFile(x.b.text().ExportTitle, "tsuzuri-"+time.Now().Format("2006-01-02")+ext)
	}
	x.b.picks.remember(pickedToWrite, path)
	return path, x.b.fail("choose destination", err)
}

func checkExportFormat(format string) error {
	return checkOneOf("format", format, "jsonl", "markdown", "hatena", "html")
}

// Export writes only where the user chose in the export dialog.
func (x *Library) Export(req app.ExportRequest) (app.ExportSummary, error) {
	if err := firstError(checkExportFormat(req.Format), x.b.checkPicked(pickedToWrite, req.Dest)); err != nil {
		return app.ExportSummary{}, x.b.fail("export", err)
	}
	for _, id := range req.IDs {
		if err := checkID(id); err != nil {
			return app.ExportSummary{}, x.b.fail("export", err)
		}
	}
	return call(x.b, "export", func(s *app.Service) (app.ExportSummary, error) { return s.Export(x.b.ctx, req) })
}

// Backup asks where to save a backup and writes it; "" means cancelled.
func (x *Library) Backup() (string, error) {
	dest, err := x.b.shell.SaveFile(x.b.text().BackupTitle, "tsuzuri-backup-"+time.Now().Format("2006-01-02")+".zip")
	if err != nil || dest == "" {
		return "", x.b.fail("choose destination", err)
	}
	return call(x.b, "backup", func(s *app.Service) (string, error) { return dest, s.Backup(x.b.ctx, dest) })
}

// Reindex rebuilds the search index in the background, with
// "reindex:progress" and "reindex:done" events.
func (x *Library) Reindex() error {
	svc, err := x.b.service()
	if err != nil {
		return x.b.fail("reindex", err)
	}
	id, ctx := x.b.startJob()
	go func() {
		defer x.b.endJob(id)
		err := svc.Reindex(ctx, func(done, total int) {
			x.b.emit.Emit("reindex:progress", map[string]int{"done": done, "total": total})
		})
		x.b.emit.Emit("reindex:done", map[string]any{"error": x.b.uiErrorOf("reindex", err)})
	}()
	return nil
}

func (b *Backend) startJob() (string, context.Context) {
	ctx, cancel := context.WithCancel(b.ctx)
	b.jobsMu.Lock()
	defer b.jobsMu.Unlock()
	b.nextID++
	id := fmt.Sprintf("job-%d", b.nextID)
	b.jobs[id] = cancel
	return id, ctx
}

func (b *Backend) endJob(id string) {
	b.jobsMu.Lock()
	defer b.jobsMu.Unlock()
	if cancel, ok := b.jobs[id]; ok {
		cancel()
		delete(b.jobs, id)
	}
}
