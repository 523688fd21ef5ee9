// Package viet holds the Vietnamese text normalisation every stage shares:
// NFC, one tone-mark convention, and accent folding for matching.
package viet

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NFC returns s in Unicode NFC. Scanned and born-digital sources mix
// precomposed and combining forms; nothing downstream should see both.
func NFC(s string) string { return norm.NFC.String(s) }

// Fold lowercases s and strips every diacritic (đ→d), for matching text whose
// tone marks OCR may have dropped or misplaced.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ' || r == 'Ð' || r == 'ð':
			b.WriteRune('d')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// toneMarks are the five combining tone marks of Vietnamese.
var toneMarks = map[rune]bool{'\u0300': true, '\u0301': true, '\u0303': true, '\u0309': true, '\u0323': true}

// NormalizeTone moves the tone mark of the open syllables oa, oe and uy to the
// first vowel ("hoà"→"hòa", "uỷ"→"ủy"), the convention Decree 30 documents
// print, so that "HOÀ" and "HÒA" compare equal. "qu" is a consonant, so "quý"
// keeps its mark.
func NormalizeTone(s string) string {
	var out strings.Builder
	start := 0
	rs := []rune(NFC(s))
	flush := func(end int) {
		out.WriteString(normalizeWord(string(rs[start:end])))
	}
	for i, r := range rs {
		if !unicode.IsLetter(r) {
			flush(i)
			out.WriteRune(r)
			start = i + 1
		}
	}
	flush(len(rs))
	return out.String()
}

// baseLetter maps a Latin letter below U+2000 to its lower-case base
// letter without marks; 0 for anything else.
var baseLetter = func() (t [0x2000]byte) {
	for r := rune(0); r < 0x2000; r++ {
		if !unicode.IsLetter(r) {
			continue
		}
		b := []rune(norm.NFD.String(string(unicode.ToLower(r))))[0]
		if b < 128 {
			t[r] = byte(b)
		}
	}
	return t
}()

// mayMoveTone: the word holds one of the pairs oa, oe, uy (any marks,
// any case), the only ones whose mark NormalizeTone may move. Most words
// do not, and skip the decomposition: it was a sixth of indexing.
func mayMoveTone(w string) bool {
	var prev byte
	for _, r := range w {
		var b byte
		if r < 0x2000 {
			b = baseLetter[r]
		}
		if (prev == 'o' && (b == 'a' || b == 'e')) || (prev == 'u' && b == 'y') {
			return true
		}
		prev = b
	}
	return false
}

func normalizeWord(w string) string {
	if !mayMoveTone(w) {
		return w
	}
	d := []rune(norm.NFD.String(w))
	// Find base letters with their positions.
	type letter struct {
		r    rune
		pos  int
		mark int // index of tone mark in d following this letter, -1 if none
	}
	var ls []letter
	for i := 0; i < len(d); i++ {
		if unicode.Is(unicode.Mn, d[i]) {
			if len(ls) > 0 && toneMarks[d[i]] {
				ls[len(ls)-1].mark = i
			}
			continue
		}
		ls = append(ls, letter{r: d[i], pos: i, mark: -1})
	}
	n := len(ls)
	if n < 2 {
		return w
	}
	a, b := ls[n-2], ls[n-1]
	la, lb := unicode.ToLower(a.r), unicode.ToLower(b.r)
	pair := (la == 'o' && (lb == 'a' || lb == 'e')) || (la == 'u' && lb == 'y')
	if !pair || b.mark < 0 || a.mark >= 0 {
		return w
	}
	if n >= 3 && unicode.ToLower(ls[n-3].r) == 'q' {
		return w
	}
	// Move the mark from after b to right after a (and its other marks).
	mark := d[b.mark]
	d = append(d[:b.mark], d[b.mark+1:]...)
	insert := a.pos + 1
	for insert < len(d) && unicode.Is(unicode.Mn, d[insert]) {
		insert++
	}
	d = append(d[:insert], append([]rune{mark}, d[insert:]...)...)
	return norm.NFC.String(string(d))
}

// Canonical is the form used to compare printed text: NFC, one tone-mark
// convention, single spaces.
func Canonical(s string) string {
	return strings.Join(strings.Fields(NormalizeTone(s)), " ")
}

// vietLetters are the letters only Vietnamese uses among Latin scripts; a
// text in Vietnamese has some of them.
const vietOnly = "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"

// beyondWestern are Vietnamese letters no Western (cp1252) font holds.
const beyondWestern = "ăđơưĩũạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"

// LooksVietnamese reports whether s reads as Vietnamese text rather than
// mojibake from a broken font mapping. It asks for common Vietnamese words
// and for Vietnamese letters, and rejects letters that never occur in
// Vietnamese (Ø, ß, Þ, ...), which is what broken CID maps produce.
func LooksVietnamese(s string) bool {
	s = NFC(s)
	var letters, viet, alien, beyond int
	for _, r := range s {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		lr := unicode.ToLower(r)
		if strings.ContainsRune(beyondWestern, lr) {
			beyond++
		}
		switch {
		case strings.ContainsRune(vietOnly, lr) || strings.ContainsRune("àáãèéìíòóõùúýâêô", lr):
			viet++
		case lr < 128:
		default:
			alien++
		}
	}
	if letters < 20 {
		return alien == 0
	}
	if float64(alien)/float64(letters) > 0.01 {
		return false
	}
	// Vietnamese prose has diacritics on roughly every second or third
	// syllable; below 4% of letters it is not Vietnamese (or the marks were lost).
	if float64(viet)/float64(letters) < 0.04 {
		return false
	}
	// A scanner's own OCR layer keeps the marks its Western fonts hold (à,
	// ô, ê) and loses the rest: no đ, ư, ơ, ă, ạ, ộ in a page of
	// Vietnamese (they are a tenth of its letters) is such a layer.
	if letters >= 40 && float64(beyond)/float64(letters) < 0.01 {
		return false
	}
	f := " " + Fold(s) + " "
	hits := 0
	for _, w := range []string{" va ", " cua ", " cac ", " trong ", " nam ", " theo ", " ngay ", " so ", " cong ", " ve ", " tinh ", " nhan "} {
		if strings.Contains(f, w) {
			hits++
		}
	}
	return hits >= 2
}

// syllable is a Vietnamese syllable, folded: an initial consonant, a
// vowel group, a final consonant.
var syllable = regexp.MustCompile(`^(ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnprstvx])?` +
	`(uye|uyu|uya|oai|oay|oao|oeo|uay|uoi|uou|ieu|yeu|oa|oe|oo|uy|ua|ue|ui|uo|uu|ai|ao|au|ay|eo|eu|ia|ie|iu|oi|ye|[aeiouy])` +
	`(ch|ng|nh|[cmnpt])?$`)

// toneRunes are the combining tone marks; a syllable carries one at most.
const toneRunes = "\u0300\u0301\u0303\u0309\u0323"

// ValidSyllable says whether w can be a Vietnamese syllable: its letters
// in the order the language allows, one tone mark at most. OCR garbage
// ("ECÍI", "1ƯU", "Hcok") is not.
func ValidSyllable(w string) bool {
	n := 0
	for _, r := range norm.NFD.String(w) {
		if strings.ContainsRune(toneRunes, r) {
			n++
		}
	}
	return n <= 1 && syllable.MatchString(strings.ToLower(Fold(w)))
}

// ImplausibleWords are the words of s that are neither Vietnamese
// syllables nor abbreviations (UBND, HĐND, VT: capitals, at most six) nor
// numbers: where OCR went wrong.
func ImplausibleWords(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(",.;:()\"'“”–-/", r) }) {
		switch {
		case ValidSyllable(w):
		case isAbbreviation(w):
		case len([]rune(w)) == 1: // the v of V/v, an item's letter
		case strings.IndexFunc(w, func(r rune) bool { return !unicode.IsDigit(r) }) < 0:
		default:
			out = append(out, w)
		}
	}
	return out
}

func isAbbreviation(w string) bool {
	n := 0
	for _, r := range w {
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) || r > 127 && r != 'Đ' {
			return false // abbreviations hold no marks but Đ's bar
		}
		n++
	}
	return n >= 1 && n <= 6
}

// Toneless is s without its tone marks (grave, acute, tilde, hook, dot
// below); the marks of its vowels (â ă ê ô ơ ư) and đ stay: "Quảng Ngãi"
// → "Quang Ngai" only in Fold, "Quang Ngai" here too, but "Tịnh Ấn" →
// "Tinh Ân", not the "Tinh An" Fold makes of it.
func Toneless(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if strings.ContainsRune(toneRunes, r) {
			continue
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// Distance is the Levenshtein distance over runes: the one measure of
// "a letter lost" that extraction and the archive's name matching share.
func Distance(a, b string) int { return EditDistance([]rune(a), []rune(b)) }

// EditDistance is the Levenshtein distance between two sequences: runes
// of a word, words of a text.
func EditDistance[T comparable](a, b []T) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
