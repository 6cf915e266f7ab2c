package app

import (
	"archive/zip"
	"compress/flate"
	"context"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/exporter"
)

// ExportRequest names a format, a destination and, optionally, the entries.
type ExportRequest struct {
	Format string
	Dest   string
	IDs    []string // empty: every entry
	// Stdout receives an export to "-" (the caller's own output: the
	// command's, in the CLI).
	Stdout io.Writer
}

// ExportSummary says what an export wrote.
type ExportSummary struct {
	Entries int
	Path    string
}

// Export writes entries in one of the exporter's formats.
func (s *Service) Export(ctx context.Context, req ExportRequest) (ExportSummary, error) {
	if req.Dest == "" {
		return ExportSummary{}, diary.Errorf(diary.EInvalid, "Choose where to export to.")
	}
	each := exporter.Each(s.store.Each)
	if len(req.IDs) > 0 {
		want := make(map[string]bool, len(req.IDs))
		for _, id := range req.IDs {
			want[id] = true
		}
		each = func(ctx context.Context, fn func(diary.Entry) error) error {
			return s.store.Each(ctx, func(e diary.Entry) error {
				if !want[e.ID] {
					return nil
				}
				return fn(e)
			})
		}
	}
	n, err := exporter.Export(ctx, req.Format, req.Dest, each, exporter.Options{AttachmentsDir: s.attach.Dir, Stdout: req.Stdout})
	if err != nil {
		return ExportSummary{}, err
	}
	return ExportSummary{Entries: n, Path: req.Dest}, nil
}

// Backup names inside a backup file.
const (
	backupDB          = "tsuzuri.db"
	backupAttachments = "attachments"
)

// Backup writes a consistent snapshot of the data folder to dest, a zip file:
// the database as of one instant (SQLite's VACUUM INTO, safe while the app
// runs) and the attachments. The index is left out; it is rebuilt on restore.
func (s *Service) Backup(ctx context.Context, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return diary.Errorf(diary.EConflict, "%s already exists; choose a new file name.", dest)
	}
	tmpDir, err := os.MkdirTemp(filepath.Dir(dest), ".tsuzuri-backup-")
	if err != nil {
		return diary.Errorf(diary.EInvalid, "Cannot write to %s: %v", filepath.Dir(dest), err)
	}
	defer os.RemoveAll(tmpDir)
	snapshot := filepath.Join(tmpDir, backupDB)
	if err := s.store.Backup(ctx, snapshot); err != nil {
		return fmt.Errorf("snapshot database: %w", err)
	}
	tmpZip := filepath.Join(tmpDir, "backup.zip")
	if err := writeBackupZip(ctx, tmpZip, snapshot, s.attach.Dir); err != nil {
		return err
	}
	if err := os.Rename(tmpZip, dest); err != nil {
		return fmt.Errorf("move backup into place: %w", err)
	}
	return nil
}

func writeBackupZip(ctx context.Context, zipPath, dbPath, attachDir string) (err error) {
	f, err := os.Create(zipPath)
	if err != nil {
		return fmt.Errorf("create backup: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write backup: %w", cerr)
		}
	}()
	zw := zip.NewWriter(f)
	// The fastest deflate: a database compresses well at any level, and a
	// backup runs on every start of a new day and before every import.
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	if err := addDeflated(zw, backupDB, dbPath); err != nil {
		return err
	}
	// The person's own synonyms are theirs too.
	synonyms := filepath.Join(filepath.Dir(attachDir), SynonymsFile)
	if _, err := os.Stat(synonyms); err == nil {
		if err := addZipFile(zw, SynonymsFile, synonyms, zip.Deflate); err != nil {
			return err
		}
	}
	err = eachFile(ctx, attachDir, func(p, rel string) error {
		// Images are compressed already.
		return addZipFile(zw, path.Join(backupAttachments, filepath.ToSlash(rel)), p, zip.Store)
	})
	if err != nil {
		return fmt.Errorf("add attachments to backup: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("finish backup: %w", err)
	}
	return f.Sync()
}

// addDeflated adds a large file compressed on every core (see
// deflateParallel). Its checksum and sizes are known only at the end, so
// they follow the data in a descriptor (flag bit 3), as zip allows.
func addDeflated(zw *zip.Writer, name, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("read %s: %w", src, err)
	}
	defer in.Close()
	fh := &zip.FileHeader{Name: name, Method: zip.Deflate, Flags: 0x8}
	w, err := zw.CreateRaw(fh)
	if err != nil {
		return fmt.Errorf("add %s to backup: %w", name, err)
	}
	d, err := deflateParallel(w, in, flate.BestSpeed)
	if err != nil {
		return fmt.Errorf("add %s to backup: %w", name, err)
	}
	// The 32-bit sizes are what the descriptor and directory write below
	// 4 GiB; above, zip64's, which the writer chooses from the 64-bit ones.
	fh.CRC32, fh.UncompressedSize64, fh.CompressedSize64 = d.crc, uint64(d.in), uint64(d.out)
	fh.UncompressedSize, fh.CompressedSize = uint32(min(d.in, math.MaxUint32)), uint32(min(d.out, math.MaxUint32))
	return nil
}

func addZipFile(zw *zip.Writer, name, src string, method uint16) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("read %s: %w", src, err)
	}
	defer in.Close()
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
	if err != nil {
		return fmt.Errorf("add %s to backup: %w", name, err)
	}
	if _, err := io.Copy(w, in); err != nil {
		return fmt.Errorf("add %s to backup: %w", name, err)
	}
	return nil
}

// Restore unpacks a backup made by Backup into dataDir, which must not hold a
// database yet: restoring never overwrites data. The search index is built
// when the folder is next opened.
func Restore(ctx context.Context, backup, dataDir string) error {
	zr, err := zip.OpenReader(backup)
	if err != nil {
		return diary.Errorf(diary.EInvalid, "%s is not a Tsuzuri backup (%v).", backup, err)
	}
	defer zr.Close()
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return diary.Errorf(diary.EInvalid, "The data folder %s cannot be created: %v", dataDir, err)
	}
	lock, err := lockDataDir(dataDir)
	if err != nil {
		return err
	}
	defer lock.release()
	if _, err := os.Stat(filepath.Join(dataDir, backupDB)); err == nil {
		return diary.Errorf(diary.EConflict, "%s already holds a diary; restore into an empty folder.", dataDir)
	}
	hasDB := false
	for _, zf := range zr.File {
		if zf.Name == backupDB {
			hasDB = true
		}
	}
	if !hasDB {
		return diary.Errorf(diary.EInvalid, "%s is not a Tsuzuri backup: it has no %s.", backup, backupDB)
	}
	// Attachments first and the database last: a restore cut short leaves no
	// database, so the folder is still "empty" and the restore can be rerun.
	for _, zf := range zr.File {
		if zf.Name == backupDB || strings.HasSuffix(zf.Name, "/") {
			continue
		}
		if err := restoreFile(ctx, zf, dataDir); err != nil {
			return err
		}
	}
	for _, zf := range zr.File {
		if zf.Name == backupDB {
			return restoreFile(ctx, zf, dataDir)
		}
	}
	return nil
}

func restoreFile(ctx context.Context, zf *zip.File, dataDir string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	name := path.Clean(zf.Name)
	if !fs.ValidPath(name) || (name != backupDB && name != SynonymsFile && !strings.HasPrefix(name, backupAttachments+"/")) {
		return diary.Errorf(diary.EInvalid, "The backup holds an unexpected file %q; nothing after it was restored.", zf.Name)
	}
	dest := filepath.Join(dataDir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return fmt.Errorf("restore %s: %w", name, err)
	}
	in, err := zf.Open()
	if err != nil {
		return diary.Errorf(diary.EInvalid, "The backup is damaged at %s: %v", name, err)
	}
	defer in.Close()
	tmp := dest + ".partial"
	out, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("restore %s: %w", name, err)
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return diary.Errorf(diary.EInvalid, "The backup is damaged at %s: %v", name, err)
	}
	return os.Rename(tmp, dest)
}
