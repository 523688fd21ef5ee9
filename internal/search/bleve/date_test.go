package bleve

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/vanthu/vanthu/internal/search"
)

// A date range finds the same documents however it is cut (years, months,
// days at the ends): every day of 2023–2025 against ranges of all shapes.
func TestDateRangesExact(t *testing.T) {
	ctx := context.Background()
	x, err := OpenShards(filepath.Join(t.TempDir(), "idx"), 2)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	var docs []search.Document
	for d := start; d.Year() < 2026; d = d.AddDate(0, 0, 1) {
		docs = append(docs, search.Document{ID: d.Format(time.DateOnly), Agency: "a", IssuedAt: d.Format(time.DateOnly), Subject: "x"})
	}
	if err := x.Index(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	for _, r := range [][2]string{{"2023-01-01", "2025-12-31"}, {"2023-03-15", "2024-02-10"}, {"2024-02-01", "2024-02-29"}, {"2024-02-29", "2024-03-01"},
		{"2023-12-31", "2024-01-01"}, {"2024-05-05", "2024-05-05"}, {"2022-06-01", "2023-01-31"}, {"2025-12-01", "2026-01-31"}} {
		lo, _ := time.Parse(time.DateOnly, r[0])
		hi, _ := time.Parse(time.DateOnly, r[1])
		want := 0
		for _, d := range docs {
			if d.ID >= r[0] && d.ID <= r[1] {
				want++
			}
		}
		res, err := x.Search(ctx, search.Options{Caller: search.Caller{Agency: "a"}, From: r[0], To: r[1], Size: 1})
		if err != nil || int(res.Total) != want {
			t.Errorf("%s..%s: %d documents (%v), want %d (%v)", r[0], r[1], res.Total, err, want, fmt.Sprint(hi.Sub(lo).Hours()/24+1))
		}
	}
}
