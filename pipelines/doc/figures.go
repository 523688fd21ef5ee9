package doc

import (
	"strings"

	"github.com/vanthu/vanthu/internal/viet"
)

// FindIndicator returns the figure of figs that states indicator (a
// regime's indicator, e.g. "Số hồ sơ tiếp nhận"), how sure the match is
// (0 to 1), and false when no figure states it.
func FindIndicator(indicator string, figs []Figure) (Figure, float64, bool) {
	want := strings.Join(strings.Fields(viet.Fold(indicator)), " ")
	best, score := Figure{}, 0.0
	for _, f := range figs {
		got := strings.Join(strings.Fields(viet.Fold(f.Label)), " ")
		if got == "" || want == "" {
			continue
		}
		sc := 0.0
		switch {
		case got == want:
			sc = 1
		case strings.Contains(got, want):
			sc = 0.8
		}
		if sc > score {
			best, score = f, sc
		}
	}
	return best, score, score > 0
}
