package search

import (
	"html"
	"strings"
	"unicode"

	"github.com/vanthu/vanthu/internal/viet"
)

// Snippets marks the query's words in text whatever their accents, so that
// "quyet dinh" highlights "Quyết định" as printed. Backends use it when
// their own highlighter matched only the folded field, which it cannot
// show. The text is HTML-escaped; only the <mark> tags are markup.
func Snippets(text, query string, n int) []string {
	words := map[string]bool{}
	_, q := ParseQuery(query)
	for _, w := range splitWords(Fold(q)) {
		words[w.s] = true
	}
	if len(words) == 0 || text == "" {
		return nil
	}
	runes := []rune(viet.NFC(text))
	// Fold rune by rune so that a folded word's position is the printed
	// word's position.
	folded := make([]rune, len(runes))
	for i, r := range runes {
		folded[i] = foldRune(r)
	}
	var hits []span
	for _, w := range splitWords(string(folded)) {
		if words[foldIY(w.s)] {
			hits = append(hits, w)
		}
	}
	const radius = 60 // runes of context each side of a fragment's first word
	var out []string
	for i := 0; i < len(hits) && len(out) < n; {
		lo := max(0, hits[i].lo-radius)
		hi := min(len(runes), hits[i].hi+radius)
		var b strings.Builder
		if lo > 0 {
			b.WriteString("…")
		}
		at := lo
		for ; i < len(hits) && hits[i].hi <= hi; i++ {
			b.WriteString(html.EscapeString(string(runes[at:hits[i].lo])))
			b.WriteString("<mark>" + html.EscapeString(string(runes[hits[i].lo:hits[i].hi])) + "</mark>")
			at = hits[i].hi
		}
		b.WriteString(html.EscapeString(string(runes[at:hi])))
		if hi < len(runes) {
			b.WriteString("…")
		}
		out = append(out, strings.Join(strings.Fields(b.String()), " "))
	}
	return out
}

type span struct {
	s      string
	lo, hi int // rune offsets
}

func splitWords(s string) []span {
	var out []span
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if !unicode.IsLetter(rs[i]) && !unicode.IsDigit(rs[i]) {
			i++
			continue
		}
		j := i
		for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j])) {
			j++
		}
		out = append(out, span{string(rs[i:j]), i, j})
		i = j
	}
	return out
}

// foldRune is viet.Fold of one rune, kept to one rune so that positions
// carry over. Latin letters with marks all lie below U+2000: a table made
// once answers them without normalising.
func foldRune(r rune) rune {
	if r < 0x80 {
		return unicode.ToLower(r)
	}
	if r < rune(len(foldTable)) {
		return foldTable[r]
	}
	return foldSlow(r)
}

var foldTable = func() (t [0x2000]rune) {
	for r := range t {
		t[r] = foldSlow(rune(r))
	}
	return t
}()

func foldSlow(r rune) rune {
	f := []rune(viet.Fold(string(r)))
	if len(f) == 1 {
		return f[0]
	}
	return unicode.ToLower(r)
}
