package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	opensearchgo "github.com/opensearch-project/opensearch-go/v4"

	"github.com/vanthu/vanthu/internal/search/opensearch"
	"github.com/vanthu/vanthu/pipelines/corpus"
)

// TestServeOnOpenSearch: vanthu serve with its archive's index on a real
// OpenSearch node (VANTHU_OPENSEARCH_URL, as a deployment sets it):
// documents uploaded through the API are found by search through it;
// vanthu admin reindex fills the index again from the records without a
// duplicate; migrate-index on a current index does nothing.
func TestServeOnOpenSearch(t *testing.T) {
	url := os.Getenv("VANTHU_OPENSEARCH_TEST_URL")
	if url == "" {
		t.Skip("VANTHU_OPENSEARCH_TEST_URL not set: scripts/test starts an OpenSearch node (scripts/opensearch)")
	}
	t.Setenv("VANTHU_MINIO_URL", "")
	t.Setenv("VANTHU_DB_URL", "")
	t.Setenv("VANTHU_ES_URL", "")
	alias := fmt.Sprintf("vanthu-e2e-%d", time.Now().UnixNano())
	t.Setenv("VANTHU_OPENSEARCH_URL", url)
	t.Setenv("VANTHU_ES_INDEX", alias)
	t.Setenv("VANTHU_ES_REPLICAS", "0") // one node
	x, err := opensearch.New(opensearchgo.Config{Addresses: []string{url}})
	if err != nil {
		t.Fatal(err)
	}
	x.Alias = alias
	t.Cleanup(func() { x.Drop(context.Background()) })

	ctx := context.Background()
	data, src := t.TempDir(), t.TempDir()
	if err := corpus.Generate(ctx, src, corpus.Options{N: 3, Seed: 41, Formats: []string{"pdf"}}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(src, "truth.jsonl"))
	var truths []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var tr map[string]any
		json.Unmarshal([]byte(line), &tr)
		truths = append(truths, tr)
	}
	clerk := makeUser(t, data, "vt-qn", "clerk", "ubnd-qn")
	base, serr := startServe(t, data)
	call := bearer(t, base)
	ids := map[string]int64{}
	for _, tr := range truths {
		pdf, _ := os.ReadFile(filepath.Join(src, tr["file"].(string)))
		id, rec := uploadRead(t, call, clerk, tr["file"].(string), pdf, serr)
		if rec["number"] != tr["number"] || rec["symbol"] != tr["symbol"] {
			t.Fatalf("%s read as %v/%v", tr["file"], rec["number"], rec["symbol"])
		}
		ids[fmt.Sprint(tr["number"], "/", tr["symbol"])] = id
	}
	found := func(q string) []map[string]any {
		t.Helper()
		var hits struct{ Hits []map[string]any }
		// The cluster makes writes searchable within its refresh
		// interval (a second), not at once.
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
			code, b := call(clerk, "GET", "/api/v1/search?q="+strings.ReplaceAll(q, "/", "%2F"), nil, "")
			hits.Hits = nil
			json.Unmarshal(b, &hits)
			if code != 200 {
				t.Fatalf("search %q: %d %s", q, code, b)
			}
			if len(hits.Hits) > 0 || time.Now().After(deadline) {
				return hits.Hits
			}
		}
	}
	for q, id := range ids {
		if h := found(q); len(h) != 1 || h[0]["document_id"] != float64(id) {
			t.Errorf("search %q on OpenSearch: %v\nlog: %s", q, h, serr.String())
		}
	}
	// They are in the cluster (not in a Bleve index under DATA).
	if err := x.RefreshNow(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _, err := x.Stats(ctx); err != nil || n != 3 {
		t.Errorf("serve's index on OpenSearch holds %d documents, want 3: %v", n, err)
	}
	if _, err := os.Stat(filepath.Join(data, "index")); err == nil {
		t.Error("serve made a Bleve index beside the cluster")
	}
	var out, errb bytes.Buffer
	if code := run(ctx, []string{"admin", "reindex", "--data", data}, &out, &errb); code != 0 || !strings.Contains(out.String(), "3 documents indexed") {
		t.Fatalf("admin reindex: %d %q %s", code, out.String(), errb.String())
	}
	if err := x.RefreshNow(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _, err := x.Stats(ctx); err != nil || n != 3 {
		t.Errorf("after reindex the index holds %d documents, want 3: %v", n, err)
	}
	for q := range ids {
		if h := found(q); len(h) != 1 {
			t.Errorf("after reindex, %q: %d hits", q, len(h))
		}
	}
	out.Reset()
	if code := run(ctx, []string{"admin", "migrate-index", "--data", data}, &out, &errb); code != 0 || !strings.Contains(out.String(), "nothing to do") {
		t.Errorf("admin migrate-index: %d %q %s", code, out.String(), errb.String())
	}
}
