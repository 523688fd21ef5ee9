package eval

import (
	"math"
	"testing"
)

func TestWordErrorRate(t *testing.T) {
	for _, c := range []struct {
		got, ref string
		wer, bag float64
	}{
		{"Quyết định số 47", "quyết định số 47", 0, 0},
		{"Quyết dinh số 47", "quyết định số 47", 0.25, 0.25},     // a lost mark is a wrong word
		{"số 47 quyết định", "quyết định số 47", 1, 0},           // order: wrong for WER, right for the bag
		{"quyết định", "quyết định số 47", 0.5, 0.5},             // words left out
		{"quyết định số 47 a b c d e", "quyết định số 47", 1, 1}, // capped at 1
		{"", "", 0, 0},
	} {
		if w := WordErrorRate(c.got, c.ref); math.Abs(w-c.wer) > 1e-9 {
			t.Errorf("WordErrorRate(%q, %q) = %v, want %v", c.got, c.ref, w, c.wer)
		}
		if b := BagOfWordsError(c.got, c.ref); math.Abs(b-c.bag) > 1e-9 {
			t.Errorf("BagOfWordsError(%q, %q) = %v, want %v", c.got, c.ref, b, c.bag)
		}
	}
}
