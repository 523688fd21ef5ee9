package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/internal/testenv"
	"github.com/vanthu/vanthu/pipelines/corpus"
)

func TestMain(m *testing.M) {
	// The test binary is vanthu itself when a test starts it as a process
	// of its own (to kill it with SIGKILL): see spawn in faults_test.go.
	if os.Getenv("VANTHU_TEST_AS_VANTHU") == "1" {
		main()
	}
	testenv.Main(m)
}

// One bad file never fails the batch: every file gets its record, in input
// order, and the exit code says some failed.
func TestExtractBatchWithBadFiles(t *testing.T) {
	dir := t.TempDir()
	if err := corpus.Generate(context.Background(), dir, corpus.Options{N: 2, Seed: 5, Formats: []string{"pdf", "png"}}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "a-empty.pdf"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "b-program.pdf"), []byte("MZ\x90\x00 not a pdf"), 0o644)
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"extract", "--jobs", "2", dir}, &out, &errb)
	if code != 1 {
		t.Errorf("exit %d, want 1 (some files failed); stderr:\n%s", code, errb.String())
	}
	var recs []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("bad JSON line %q: %v", l, err)
		}
		recs = append(recs, m)
	}
	if len(recs) != 4 {
		t.Fatalf("%d records, want 4 (truth.jsonl is skipped)", len(recs))
	}
	wantErr := map[string]string{"a-empty.pdf": "empty file", "b-program.pdf": "Windows executable"}
	for i, r := range recs {
		name := filepath.Base(r["file"].(string))
		if i > 0 && name < filepath.Base(recs[i-1]["file"].(string)) {
			t.Errorf("records out of input order at %s", name)
		}
		if w, bad := wantErr[name]; bad {
			if !strings.Contains(r["error"].(string), w) {
				t.Errorf("%s: error %q, want %q", name, r["error"], w)
			}
			continue
		}
		if r["error"] != "" || r["doc_type"] == "" || r["symbol"] == "" {
			t.Errorf("%s: %v / %v / %v", name, r["error"], r["doc_type"], r["symbol"])
		}
		for _, k := range []string{"file", "doc_type", "number", "symbol", "issuer", "parent", "issued_at", "place", "subject",
			"signer", "signer_title", "signing_authority", "recipients", "urgency", "confidentiality", "meeting_time",
			"meeting_place", "tasks", "pages", "text", "confidence", "evidence", "error"} {
			if _, ok := r[k]; !ok {
				t.Errorf("%s: record lacks key %q", name, k)
			}
		}
	}
	if !strings.Contains(errb.String(), "[4/4]") && !strings.Contains(errb.String(), "/4]") {
		t.Errorf("no progress on stderr: %s", errb.String())
	}
}

func TestExtractAllGoodExitsZero(t *testing.T) {
	dir := t.TempDir()
	if err := corpus.Generate(context.Background(), dir, corpus.Options{N: 1, Seed: 9, Formats: []string{"pdf"}}); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"extract", "-q", dir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if errb.Len() != 0 {
		t.Errorf("-q printed progress: %s", errb.String())
	}
}

func TestEvalReportsPerField(t *testing.T) {
	dir := t.TempDir()
	if err := corpus.Generate(context.Background(), dir, corpus.Options{N: 2, Seed: 3, Formats: []string{"pdf"}}); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"eval", "--json", dir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var rep struct {
		Files  int
		Fields []struct {
			Field          string
			Correct, Total int
		}
		WordF1      float64 `json:"word_f1"`
		PagesPerMin float64 `json:"pages_per_minute"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Files != 2 || len(rep.Fields) < 15 || rep.PagesPerMin <= 0 {
		t.Errorf("report %+v", rep)
	}
	// Born-digital files are read from their text: fields must be right.
	for _, f := range rep.Fields {
		if (f.Field == "symbol" || f.Field == "issued_at" || f.Field == "doc_type") && f.Correct != f.Total {
			t.Errorf("%s %d/%d on born-digital PDFs", f.Field, f.Correct, f.Total)
		}
	}
	if rep.WordF1 < 0.97 {
		t.Errorf("word F1 %.3f on born-digital PDFs", rep.WordF1)
	}
}

func TestHelpDocumentsFlags(t *testing.T) {
	for _, cmd := range []string{"extract", "eval", "corpus", "read"} {
		var out, errb bytes.Buffer
		run(context.Background(), []string{cmd, "--help"}, &out, &errb)
		for _, flag := range map[string][]string{"extract": {"-jobs", "-max-pages", "-max-pixels"}, "eval": {"-misses"}, "corpus": {"-n", "-seed"}, "read": {"-lang"}}[cmd] {
			if !strings.Contains(errb.String(), flag) {
				t.Errorf("%s --help lacks %s", cmd, flag)
			}
		}
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"nope"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "unknown command") {
		t.Errorf("unknown command: %d %s", code, errb.String())
	}
}
