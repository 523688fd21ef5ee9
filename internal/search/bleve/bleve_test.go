package bleve

import (
	"path/filepath"
	"strings"
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

func TestOpenRefusesAnotherMapping(t *testing.T) {
	path := filepath.Join(t.TempDir(), "idx")
	x, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	x.idx.SetInternal([]byte(mappingKey), []byte("1"))
	x.Close()
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "vanthu index") {
		t.Errorf("opened an index of another mapping: %v", err)
	}
}
