package attach

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tsuzuri/tsuzuri/diary"
)

func TestPutStoresOnceByContent(t *testing.T) {
	s := Store{Dir: filepath.Join(t.TempDir(), "attachments")}
	png := []byte("\x89PNG\r\n\x1a\nでたらめな画像")
	a, err := s.Put(bytes.NewReader(png), "スクリーンショット.PNG")
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Put(bytes.NewReader(png), "copy.png")
	if err != nil {
		t.Fatal(err)
	}
	if a != b || !strings.HasPrefix(a, "attachments/") || !strings.HasSuffix(a, ".png") {
		t.Errorf("refs %q and %q, want one content-addressed .png", a, b)
	}
	entries, _ := os.ReadDir(s.Dir)
	if len(entries) != 1 {
		t.Errorf("%d files in the store, want 1", len(entries))
	}
	f, err := s.Open(a)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, _ := io.ReadAll(f)
	if !bytes.Equal(got, png) {
		t.Error("Open returned other bytes")
	}
}

func TestPutRefuses(t *testing.T) {
	s := Store{Dir: t.TempDir()}
	tests := []struct {
		name string
		data io.Reader
	}{
		{"script.html", strings.NewReader("<script>")},
		{"noext", strings.NewReader("x")},
		{"empty.png", strings.NewReader("")},
		{"huge.png", io.LimitReader(zeros{}, MaxBytes+10)},
	}
	for _, tt := range tests {
		if _, err := s.Put(tt.data, tt.name); diary.ErrorCode(err) != diary.EInvalid {
			t.Errorf("Put(%s) = %v, want an invalid-input error", tt.name, err)
		}
	}
	if entries, _ := os.ReadDir(s.Dir); len(entries) != 0 {
		t.Errorf("refused files left %d files behind", len(entries))
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestOpenStaysInside(t *testing.T) {
	root := t.TempDir()
	s := Store{Dir: filepath.Join(root, "attachments")}
	os.MkdirAll(s.Dir, 0o755)
	os.WriteFile(filepath.Join(root, "tsuzuri.db"), []byte("secret"), 0o644)
	os.Symlink(filepath.Join(root, "tsuzuri.db"), filepath.Join(s.Dir, "link.png"))
	for _, ref := range []string{"attachments/../tsuzuri.db", "../tsuzuri.db", "/etc/passwd", "attachments/", "link.png", `..\tsuzuri.db`, "attachments/.incoming-1"} {
		if f, err := s.Open(ref); err == nil {
			f.Close()
			t.Errorf("Open(%q) succeeded", ref)
		}
	}
	if _, err := s.Open("attachments/0000.png"); diary.ErrorCode(err) != diary.ENotFound {
		t.Errorf("missing attachment: %v", err)
	}
}
