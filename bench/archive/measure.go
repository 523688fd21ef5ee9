package archive

import (
	"context"
	"fmt"

	"github.com/vanthu/vanthu/internal/search"
	"github.com/vanthu/vanthu/internal/viet"
)

// Scores of a labelled set: recall@10 (the wanted document among the
// first ten) and mean reciprocal rank.
type Scores struct {
	Queries    int
	RecallAt10 float64
	MRR        float64
	Missed     []string // queries whose document was not in the first ten
}

func (s Scores) String() string {
	return fmt.Sprintf("%d queries: recall@10 %.3f, MRR %.3f", s.Queries, s.RecallAt10, s.MRR)
}

// Measure runs the labelled queries against x, as typed or without
// accents.
func Measure(ctx context.Context, x Searcher, qs []Labelled, unaccented bool) (Scores, error) {
	var s Scores
	for _, q := range qs {
		text := q.Query
		if unaccented {
			text = viet.Fold(text)
		}
		r, err := x.Search(ctx, search.Options{Caller: search.Caller{Agency: q.Agency, Cleared: []string{"MẬT"}}, Query: text, Size: 10})
		if err != nil {
			return s, fmt.Errorf("query %q: %w", text, err)
		}
		s.Queries++
		rank := 0
		for i, h := range r.Hits {
			if h.ID == q.Want {
				rank = i + 1
				break
			}
		}
		if rank == 0 {
			s.Missed = append(s.Missed, text)
			continue
		}
		s.RecallAt10++
		s.MRR += 1 / float64(rank)
	}
	if s.Queries > 0 {
		s.RecallAt10 /= float64(s.Queries)
		s.MRR /= float64(s.Queries)
	}
	return s, nil
}

// Searcher is what Measure needs of a backend.
type Searcher interface {
	Search(ctx context.Context, opt search.Options) (search.Result, error)
}
