package eval

import "github.com/vanthu/vanthu/pipelines/classify"

// WordErrorRate is the word error rate of got against ref: the words
// substituted, left out and put in, over ref's words, at most 1 (words
// in lower case, one tone-mark convention, punctuation dropped).
func WordErrorRate(got, ref string) float64 {
	g, w := words(got), words(ref)
	if len(w) == 0 {
		return 0
	}
	return min(1, float64(classify.EditDistance(g, w))/float64(len(w)))
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
