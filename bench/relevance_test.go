package bench

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/vanthu/vanthu/bench/archive"
	"github.com/vanthu/vanthu/internal/search/bleve"
)

// TestRelevanceBleve measures the labelled queries on a 5,000-document
// archive (the 100,000-document run is bench/search.sh): the wanted
// document must be in the first ten for nearly every query, typed with or
// without accents.
func TestRelevanceBleve(t *testing.T) {
	ctx := context.Background()
	x, err := bleve.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	needles, qs := archive.Relevance(1)
	docs := append(archive.Documents(1, 5000), needles...)
	for i := 0; i < len(docs); i += 500 {
		if err := x.Index(ctx, docs[i:min(i+500, len(docs))]...); err != nil {
			t.Fatal(err)
		}
	}
	for _, unaccented := range []bool{false, true} {
		s, err := archive.Measure(ctx, x, qs, unaccented)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("unaccented=%v: %v; missed %q", unaccented, s, s.Missed)
		if s.RecallAt10 < 0.95 || s.MRR < 0.9 {
			t.Errorf("unaccented=%v: %v, missed %q", unaccented, s, s.Missed)
		}
	}
}
