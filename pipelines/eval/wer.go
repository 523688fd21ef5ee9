package eval

// WordErrorRate is the word error rate of got against ref: the words
// substituted, left out and put in, over ref's words, at most 1 (words
// in lower case, one tone-mark convention, punctuation dropped).
func WordErrorRate(got, ref string) float64 {
	g, w := words(got), words(ref)
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
	g, w := words(got), words(ref)
	if len(w) == 0 {
		return 0
	}
	m := matched(g, w)
	return min(1, float64(len(w)-m+max(0, len(g)-len(w)))/float64(len(w)))
}
