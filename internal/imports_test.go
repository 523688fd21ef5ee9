package internal

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Data flows one way: the stages (pipelines/...) do not lean on the
// services, and no service leans on a stage. An internal package imports
// of the pipeline only the record (pipelines/doc, the domain's type) and
// the upload sniff; the API, records and search reach a stage's work
// through a seam the binary fills (api.Server.Preview) or an artifact.
func TestInternalImportsNoPipelineStage(t *testing.T) {
	allowed := map[string]bool{
		"github.com/vanthu/vanthu/pipelines/doc":   true,
		"github.com/vanthu/vanthu/pipelines/sniff": true,
	}
	fset := token.NewFileSet()
	n := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		// testenv and the test helpers stand up real tools for tests only.
		if strings.HasPrefix(path, "testenv/") || strings.Contains(path, "test/") {
			return nil
		}
		n++
		af, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range af.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			bad := strings.HasPrefix(p, "github.com/vanthu/vanthu/functions") || p == "github.com/vanthu/vanthu/cmd/vanthu" ||
				(strings.HasPrefix(p, "github.com/vanthu/vanthu/pipelines") && !allowed[p])
			if bad {
				t.Errorf("%s imports %s", path, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 40 {
		t.Fatalf("only %d internal sources walked", n)
	}
}
