package functions

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Functions talk only through events and artifacts: none imports another
// function or the API (they import the contract, the pipeline and the
// seams).
func TestFunctionsImportNoFunctionNorTheAPI(t *testing.T) {
	files, _ := filepath.Glob("*/*.go")
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(p, "github.com/vanthu/vanthu/functions/") || p == "github.com/vanthu/vanthu/internal/api" {
				t.Errorf("%s imports %s", f, p)
			}
		}
	}
	if len(files) < 7 {
		t.Fatalf("function sources: %v", files)
	}
}
