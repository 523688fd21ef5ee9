package eval

import (
	"strings"

	"github.com/vanthu/vanthu/internal/viet"
)

// WordErrorRate is the word error rate of got against ref: the words
// substituted, left out and put in, over ref's words, at most 1 (words folded to
// lower case, NFC, one tone-mark convention).
func WordErrorRate(got, ref string) float64 {
	g, w := ocrWords(got), ocrWords(ref)
	if len(w) == 0 {
		return 0
	}
	prev := make([]int, len(w)+1)
	cur := make([]int, len(w)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(g); i++ {
		cur[0] = i
		for j := 1; j <= len(w); j++ {
			c := prev[j-1]
			if g[i-1] != w[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return min(1, float64(prev[len(w)])/float64(len(w)))
}

// BagOfWordsError is the share of ref's words that got misses or gets wrong, in
// any order: the reading without its reading order (two columns of a
// header read side by side or one after the other count alike).
func BagOfWordsError(got, ref string) float64 {
	g, w := ocrWords(got), ocrWords(ref)
	if len(w) == 0 {
		return 0
	}
	left := map[string]int{}
	for _, x := range w {
		left[x]++
	}
	matched := 0
	for _, x := range g {
		if left[x] > 0 {
			left[x]--
			matched++
		}
	}
	return min(1, float64(len(w)-matched+max(0, len(g)-len(w)))/float64(len(w)))
}

func ocrWords(s string) []string {
	return strings.Fields(strings.ToLower(viet.Canonical(strings.Map(func(r rune) rune {
		if strings.ContainsRune(".,;:()\"“”'!?", r) {
			return ' '
		}
		return r
	}, s))))
}
