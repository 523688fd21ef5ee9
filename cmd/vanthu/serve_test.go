package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/search"
	bleveidx "github.com/vanthu/vanthu/internal/search/bleve"
	"github.com/vanthu/vanthu/pipelines/corpus"
)

// On embedded defaults a file dropped into the upload folder reaches a
// record with no other action; a bad file gets a record with its error.
func TestServeTurnsDroppedFilesIntoRecords(t *testing.T) {
	t.Setenv("VANTHU_MINIO_URL", "") // embedded defaults, whatever the test script started
	src := t.TempDir()
	if err := corpus.Generate(context.Background(), src, corpus.Options{N: 1, Seed: 8, Formats: []string{"png"}}); err != nil {
		t.Fatal(err)
	}
	var tr map[string]any
	b, _ := os.ReadFile(filepath.Join(src, "truth.jsonl"))
	json.Unmarshal(b, &tr)
	data := t.TempDir()
	uploads := filepath.Join(data, "objects", "uploads", "scanner")
	os.MkdirAll(uploads, 0o755)
	scan, _ := os.ReadFile(filepath.Join(src, tr["file"].(string)))
	os.WriteFile(filepath.Join(uploads, "scan.png"), scan, 0o644)
	os.WriteFile(filepath.Join(uploads, "empty.pdf"), nil, 0o644)

	ctx, cancel := context.WithCancel(context.Background())
	var stderr bytes.Buffer
	exit := make(chan int, 1)
	go func() {
		exit <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data, "--reconcile", "100ms", "--workers", "2"}, os.Stdout, &stderr)
	}()
	recordsDir := filepath.Join(data, "objects", "uploads", "vanthu", "records", "scanner")
	var found []string
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline) && len(found) < 2; time.Sleep(100 * time.Millisecond) {
		select {
		case code := <-exit:
			t.Fatalf("serve exited early with %d: %s", code, stderr.String())
		default:
		}
		found, _ = filepath.Glob(filepath.Join(recordsDir, "*.json"))
	}
	cancel()
	if code := <-exit; code != 0 {
		t.Fatalf("serve exited %d: %s", code, stderr.String())
	}
	if len(found) != 2 {
		t.Fatalf("records %v; log:\n%s", found, stderr.String())
	}
	// The document reached the register and the search index too.
	reg, err := records.OpenSQLite(context.Background(), filepath.Join(data, "vanthu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	lines, _ := reg.Incoming(context.Background(), records.RegisterFilter{Agency: "default", Year: time.Now().Year(), Cleared: records.Levels})
	if len(lines) != 1 || lines[0].ArrivalNumber != 1 || lines[0].DocType != tr["doc_type"] {
		t.Errorf("register: %+v", lines)
	}
	idx, err := bleveidx.Open(filepath.Join(data, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	res, err := idx.Search(context.Background(), search.Options{Caller: search.Caller{Agency: "default", Cleared: []string{"MẬT"}},
		Query: tr["number"].(string) + "/" + tr["symbol"].(string)})
	if err != nil || res.Total != 1 {
		t.Errorf("search by number: %+v %v", res, err)
	}
	for _, f := range found {
		var rec map[string]any
		b, _ := os.ReadFile(f)
		json.Unmarshal(b, &rec)
		switch {
		case strings.Contains(f, "scan.png@"):
			if rec["doc_type"] != tr["doc_type"] || rec["error"] != "" || rec["file"] != "scanner/scan.png" {
				t.Errorf("scan record: %v %v %v", rec["doc_type"], rec["error"], rec["file"])
			}
		case strings.Contains(f, "empty.pdf@"):
			if !strings.Contains(rec["error"].(string), "empty file") {
				t.Errorf("empty file record: %v", rec["error"])
			}
		}
	}
}
