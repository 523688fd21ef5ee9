package bleve

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/vanthu/vanthu/internal/search"
	"github.com/vanthu/vanthu/internal/search/searchtest"
)

// The suite runs on one shard and on several, since results from
// several are merged (totals, facets, ranking, pages).
func TestConformance(t *testing.T) {
	for _, n := range []int{1, 3} {
		t.Run(fmt.Sprintf("shards=%d", n), func(t *testing.T) {
			x, err := OpenShards(filepath.Join(t.TempDir(), "index"), n)
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			searchtest.Run(t, x)
		})
	}
}

func TestOpenRefusesAnotherMapping(t *testing.T) {
	path := filepath.Join(t.TempDir(), "idx")
	x, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	x.Close()
	if err := os.WriteFile(filepath.Join(path, layoutFile), []byte(`{"mapping":"1","shards":2}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "vanthu index") {
		t.Errorf("opened an index of another mapping: %v", err)
	}
}

// An index made by an older vanthu (one Bleve index, no layout file) is
// named as such, not opened or overwritten.
func TestOpenRefusesOldLayout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "idx")
	old, err := bleve.New(path, bleve.NewIndexMapping())
	if err != nil {
		t.Fatal(err)
	}
	old.Close()
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "older vanthu") {
		t.Errorf("opened an index of the old layout: %v", err)
	}
}

// Reopening keeps the shard count the index was made with, and a
// document indexed again after reopening replaces itself.
func TestShardsKeptAcrossReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "idx")
	x, err := OpenShards(path, 3)
	if err != nil {
		t.Fatal(err)
	}
	var docs []search.Document
	for i := range 30 {
		docs = append(docs, search.Document{ID: fmt.Sprintf("d%02d", i), Agency: "A", Subject: "Kế hoạch số " + fmt.Sprint(i)})
	}
	if err := x.Index(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	x.Close()
	x, err = OpenShards(path, 1) // the 1 is ignored: the index has 3
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if len(x.shards) != 3 {
		t.Fatalf("reopened with %d shards, made with 3", len(x.shards))
	}
	if err := x.Index(ctx, docs[:10]...); err != nil {
		t.Fatal(err)
	}
	if n, err := x.idx.DocCount(); err != nil || n != 30 {
		t.Errorf("documents after indexing ten again: %d (%v), want 30", n, err)
	}
	res, err := x.Search(ctx, search.Options{Caller: search.Caller{Agency: "A"}, Query: "ke hoach", Size: 100})
	if err != nil || res.Total != 30 || len(res.Hits) != 30 {
		t.Errorf("search over three shards: total %d, hits %d (%v), want 30", res.Total, len(res.Hits), err)
	}
}
