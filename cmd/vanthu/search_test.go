package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/internal/viet"
	"github.com/vanthu/vanthu/pipelines/corpus"
)

// vanthu index then vanthu search: unaccented queries, number/symbol, the
// JSON shape, and agency scoping.
func TestIndexAndSearch(t *testing.T) {
	src, data := t.TempDir(), t.TempDir()
	if err := corpus.Generate(context.Background(), src, corpus.Options{N: 3, Seed: 17, Formats: []string{"pdf"}}); err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	if code := run(context.Background(), []string{"index", "--data", data, "--agency", "ubnd", src}, os.Stdout, &errb); code != 0 {
		t.Fatalf("index exit %d: %s", code, errb.String())
	}
	b, _ := os.ReadFile(filepath.Join(src, "truth.jsonl"))
	var tr map[string]any
	json.Unmarshal([]byte(strings.SplitN(string(b), "\n", 2)[0]), &tr)
	search := func(args ...string) []map[string]any {
		t.Helper()
		var out, e bytes.Buffer
		if code := run(context.Background(), append([]string{"search", "--data", data, "--json", "--cleared", "MẬT"}, args...), &out, &e); code != 0 {
			t.Fatalf("search exit %d: %s", code, e.String())
		}
		var hits []map[string]any
		for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
			if l == "" {
				continue
			}
			var h map[string]any
			if err := json.Unmarshal([]byte(l), &h); err != nil {
				t.Fatalf("%q: %v", l, err)
			}
			hits = append(hits, h)
		}
		return hits
	}
	number := tr["number"].(string) + " " + strings.ReplaceAll(strings.ToLower(tr["symbol"].(string)), "-", " ")
	hits := search("--agency", "ubnd", number)
	if len(hits) != 1 || hits[0]["number"] != tr["number"] || hits[0]["file"] != filepath.Join(src, tr["file"].(string)) {
		t.Fatalf("search %q: %v", number, hits)
	}
	for _, k := range []string{"id", "file", "score", "doc_type", "number", "symbol", "issuer", "issued_at", "subject", "highlights"} {
		if _, ok := hits[0][k]; !ok {
			t.Errorf("hit lacks %q", k)
		}
	}
	folded := strings.ToLower(strings.Join(strings.Fields(tr["subject"].(string))[2:5], " "))
	if hits := search("--agency", "ubnd", viet.Fold(folded)); len(hits) == 0 {
		t.Errorf("unaccented %q found nothing", viet.Fold(folded))
	}
	if hits := search("--agency", "other", number); len(hits) != 0 {
		t.Errorf("another agency found %v", hits)
	}
	if hits := search("--agency", "other", "--also", "ubnd", "--in", "ubnd", number); len(hits) != 1 {
		t.Errorf("an office reading ubnd's archive: %v", hits)
	}
	var out, e bytes.Buffer
	if code := run(context.Background(), []string{"search", "--data", data, "--agency", "other", "--in", "ubnd", number}, &out, &e); code != 1 || !strings.Contains(e.String(), "outside the caller's reach") {
		t.Errorf("--in an agency out of reach: exit %d, %q %q", code, out.String(), e.String())
	}
	year := tr["issued_at"].(string)[:4]
	if hits := search("--agency", "ubnd", "--year", year, number); len(hits) != 1 {
		t.Errorf("--year %s: %v", year, hits)
	}
	if hits := search("--agency", "ubnd", "--year", "1999", number); len(hits) != 0 {
		t.Errorf("--year 1999 found %v", hits)
	}
	id := hits[0]["id"].(string)
	if hits := search("--agency", "ubnd", "--duplicates", id); len(hits) != 0 {
		t.Errorf("duplicates of a unique document: %v", hits)
	}
	if hits := search("--agency", "ubnd", "--similar", id); len(hits) == 0 {
		t.Error("nothing like a document of a corpus written from the same phrases")
	}
}
