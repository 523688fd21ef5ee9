package bench

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/vanthu/vanthu/bench/archive"
	"github.com/vanthu/vanthu/internal/search/bleve"
)

// TestRelevanceBleve measures the labelled queries on a 5,000-document
// archive (the 100,000-document run, beside PostgreSQL, is
// bench/search.sh), group by group, typed with and without accents.
func TestRelevanceBleve(t *testing.T) {
	ctx := context.Background()
	x, err := bleve.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	needles, qs := archive.Relevance(1)
	hard, hardQs := archive.Hard(1)
	docs := append(append(archive.Documents(1, 5000), needles...), hard...)
	for i := 0; i < len(docs); i += 500 {
		if err := x.Index(ctx, docs[i:min(i+500, len(docs))]...); err != nil {
			t.Fatal(err)
		}
	}
	byGroup := map[string][]archive.Labelled{"": qs}
	for _, q := range hardQs {
		byGroup[q.Group] = append(byGroup[q.Group], q)
	}
	// The floors: every needle found and first; the spelling typed picks
	// its document first (unaccented, either may come first, both are
	// found); most typos and OCR misreadings forgiven.
	type floor struct{ recall, mrr float64 }
	floors := map[string][2]floor{
		"":                    {{0.95, 0.9}, {0.95, 0.9}},
		archive.GroupSpelling: {{1, 0.95}, {1, 0.5}},
		archive.GroupTypo:     {{0.9, 0.8}, {0.9, 0.8}},
		archive.GroupOCR:      {{0.9, 0.85}, {0.9, 0.85}},
	}
	for group, qs := range byGroup {
		for k, unaccented := range []bool{false, true} {
			s, err := archive.Measure(ctx, x, qs, unaccented)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%q unaccented=%v: %v; missed %q", group, unaccented, s, s.Missed)
			if f := floors[group][k]; s.RecallAt10 < f.recall || s.MRR < f.mrr {
				t.Errorf("%q unaccented=%v: %v below recall@10 %.2f, MRR %.2f; missed %q", group, unaccented, s, f.recall, f.mrr, s.Missed)
			}
		}
	}
}
