package bleve

import (
	"path/filepath"
	"testing"

	"github.com/vanthu/vanthu/internal/search/searchtest"
)

func TestConformance(t *testing.T) {
	x, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	searchtest.Run(t, x)
}
