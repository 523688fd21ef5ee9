package local

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vanthu/vanthu/internal/objstore/objstoretest"
)

func TestConformance(t *testing.T) {
	s, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	objstoretest.Run(t, s, "uploads")
}

// A scanner's share drops files into the folder without metadata.
func TestFileDroppedByHand(t *testing.T) {
	root := t.TempDir()
	s, _ := New(root)
	os.MkdirAll(filepath.Join(root, "uploads", "scanner"), 0o755)
	os.WriteFile(filepath.Join(root, "uploads", "scanner", "a.pdf"), []byte("%PDF"), 0o644)
	info, err := s.Stat(t.Context(), "uploads", "scanner/a.pdf")
	if err != nil || info.ETag == "" || info.Size != 4 {
		t.Fatalf("%+v %v", info, err)
	}
}
