package config

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestMaskLeavesNoSecret(t *testing.T) {
	v := Var{Env: "X", Secret: true, URLSecret: true}
	for _, c := range []struct{ in, secret string }{
		{"https://apitoken123@es.example:9200", "apitoken123"},
		{"https://es.example/?token=tok-abc&access_token=tok-def", "tok-"},
		{"postgres://u:123/45@db/x", "45@"},
		{"host=db password=libpq-secret", "libpq-secret"},
		{"http://a:b@h/#frag-secret", "frag-secret"},
		// A cluster's nodes, and a password with commas in it.
		{"https://u:node-pw@a:9200,https://u:node-pw@b:9200", "node-pw"},
		{"https://u:p@a:9200,https://b:9200,elastic:s3cr3t", "s3cr3t"},
		{"https://u:pa,ss,word@a:9200,https://b:9200", "ss"},
	} {
		if got := Mask(v, c.in); strings.Contains(got, c.secret) {
			t.Errorf("Mask(%q) = %q: %q shown", c.in, got, c.secret)
		}
	}
	if got := Mask(v, "/var/lib/vanthu/records.db"); got != "/var/lib/vanthu/records.db" {
		t.Errorf("a SQLite path masked: %q", got)
	}
	if got := Mask(v, "https://es.example:9200/vanthu"); got != "https://es.example:9200/vanthu" {
		t.Errorf("a URL without secrets: %q", got)
	}
	if got := Mask(v, "https://u:pw@os-1:9200,https://os-2:9200"); got != "https://****:****@os-1:9200,https://os-2:9200" {
		t.Errorf("a cluster's nodes: %q", got)
	}
}

func TestValidateNamesTheVariable(t *testing.T) {
	t.Setenv("VANTHU_INDEX_MIN_FREE_MB", "lots")
	t.Setenv("VANTHU_DB_URL", "mysql://root:hunter2@db/vanthu")
	t.Setenv("VANTHU_SECURE_COOKIES", "yes")
	err := Validate()
	if err == nil {
		t.Fatal("bad values taken")
	}
	for _, want := range []string{"VANTHU_INDEX_MIN_FREE_MB", "VANTHU_DB_URL", "VANTHU_SECURE_COOKIES"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not name %s: %v", want, err)
		}
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("a password in an error: %v", err)
	}
}

func TestPrintMasksSecrets(t *testing.T) {
	t.Setenv("VANTHU_MINIO_URL", "http://vanthu:minio-secret-key@127.0.0.1:9000")
	t.Setenv("VANTHU_INGEST_TOKEN", "ingest-token-value")
	t.Setenv("VANTHU_DB_URL", "postgres://vanthu:db-password@db:5432/vanthu?sslmode=disable&password=qs-password")
	t.Setenv("VANTHU_AGENCY", "ubnd-qn")
	var b bytes.Buffer
	Print(&b, true)
	out := b.String()
	for _, secret := range []string{"minio-secret-key", "ingest-token-value", "db-password", "qs-password", "vanthu:"} {
		if strings.Contains(out, secret) {
			t.Errorf("%q printed:\n%s", secret, out)
		}
	}
	for _, want := range []string{"ubnd-qn", "127.0.0.1:9000", "VANTHU_DATA", "./data", "default"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	if Get("VANTHU_AGENCY") != "ubnd-qn" || Get("VANTHU_BUCKET") != "uploads" {
		t.Errorf("Get: %q %q", Get("VANTHU_AGENCY"), Get("VANTHU_BUCKET"))
	}
}

// Every variable the code reads is read through the table: a literal
// os.Getenv("VANTHU_…") outside this package (and outside tests, which
// set what they need) is a variable vanthu config would not show.
func TestEveryReadGoesThroughTheTable(t *testing.T) {
	fset := token.NewFileSet()
	walkGo(t, fset, func(path string, f *ast.File) {
		if strings.HasSuffix(path, "_test.go") || strings.Contains(path, filepath.Join("internal", "config")) {
			return
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "os" || (sel.Sel.Name != "Getenv" && sel.Sel.Name != "LookupEnv") {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok {
				return true
			}
			name, _ := strconv.Unquote(lit.Value)
			if strings.HasPrefix(name, "VANTHU_") || name == "K_SINK" || name == "PORT" {
				t.Errorf("%s: os.%s(%q) — read it with config.Get (internal/config's table)", fset.Position(call.Pos()), sel.Sel.Name, name)
			}
			return true
		})
	})
	for _, v := range Table {
		if v.Env == "" || strings.ToUpper(v.Env) != v.Env {
			t.Errorf("bad table entry %+v", v)
		}
	}
}

// Every name config.Get is called with — in code and tests, and the
// names tests pass on to helpers that Get them — is in the table: Get
// panics on others, at the first call.
func TestEveryGetIsInTheTable(t *testing.T) {
	fset := token.NewFileSet()
	seen := 0
	walkGo(t, fset, func(path string, f *ast.File) {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			name := ""
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr:
				if x, ok := fn.X.(*ast.Ident); ok && x.Name == "config" && fn.Sel.Name == "Get" {
					name = "Get"
				}
				if x, ok := fn.X.(*ast.Ident); ok && x.Name == "miniotest" && fn.Sel.Name == "Bucket" && len(call.Args) > 1 {
					if lit, ok := call.Args[1].(*ast.BasicLit); ok {
						env, _ := strconv.Unquote(lit.Value)
						if _, ok := byEnv[env]; !ok {
							t.Errorf("%s: miniotest.Bucket(%q): not in the table", fset.Position(call.Pos()), env)
						}
						seen++
					}
				}
			case *ast.Ident:
				if fn.Name == "Get" && strings.Contains(path, filepath.Join("internal", "config")) {
					name = "Get"
				}
			}
			if name == "" {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok {
				env, _ := strconv.Unquote(lit.Value)
				if _, ok := byEnv[env]; !ok {
					t.Errorf("%s: config.Get(%q): not in the table", fset.Position(call.Pos()), env)
				}
				seen++
			}
			return true
		})
	})
	if seen < 20 {
		t.Errorf("only %d calls of config.Get found: the walk is broken", seen)
	}
}

// walkGo parses every Go file of the module (tools' scratch folders left
// out) and gives it to fn.
func walkGo(t *testing.T, fset *token.FileSet, fn func(path string, f *ast.File)) {
	t.Helper()
	filepath.WalkDir(filepath.Join("..", ".."), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "zzdbg", "zzdbg2", "node_modules", "data":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		fn(path, f)
		return nil
	})
}
