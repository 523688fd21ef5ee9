package doc

import (
	"strings"
	"unicode"

	"github.com/vanthu/vanthu/internal/viet"
)

// FindIndicator returns the figure of figs that states indicator (a
// regime's indicator, e.g. "Số hồ sơ tiếp nhận"), how sure the match is
// (0 to 1), and false when no figure states it.
//
// The rule. Indicator and label are compared as sets of folded words (no
// marks, đ as d, a final y after a consonant as i: "Kỳ"/"Kì"), so word
// order and OCR's lost or misplaced marks do not matter. Words that say
// nothing of what is counted ("số", "tổng", "đã", "các", "trong kỳ", …)
// are left out of both. A word matches a word equal to it, or one edit
// away when both have four letters or more, two when seven or more (OCR's
// typos), or an abbreviation of its run of words ("HS" for "hồ sơ",
// "TTHC" for "thủ tục hành chính"), either way. The label's unit ("hồ sơ"
// of the row's "Đơn vị tính", of "1.234 hồ sơ") counts as its words.
//
// The score is recall² × (0.4 + 0.6 precision): recall, how much of the
// indicator the label holds; precision, how much of the label is the
// indicator. Below MinIndicatorScore the figure is refused: with four
// words, one missing already is, and so is a label half of whose words
// are not the indicator's ("Kinh phí hỗ trợ" does not answer "Tổng kinh
// phí", whose "Tổng" says nothing). Words that turn an indicator into
// another ("đúng"/"quá" hạn, "chưa", "mới"/"tồn", "tăng"/"giảm") match
// only exactly, and a label holding one the indicator does not is
// refused: "Số hồ sơ giải quyết quá hạn" never answers "Số hồ sơ giải
// quyết" nor "… đúng hạn".
//
// Of the figures scoring within 0.02 of the best (the same row read in
// several columns, a table's row and a sentence saying the same thing),
// the current period's wins: a column named "Kỳ này", "Thực hiện",
// "Trong kỳ", "Tháng/Quý/Năm này", "Kết quả", or no column at all,
// before an unnamed one, before "Cùng kỳ", "Kỳ trước", "Lũy kế", "Kế
// hoạch", "Dự toán", "So sánh", "Tỷ lệ"; then the surer reading.
func FindIndicator(indicator string, figs []Figure) (Figure, float64, bool) {
	want := indicatorWords(indicator)
	best, bestScore, bestRank := -1, 0.0, 0
	scores := make([]float64, len(figs))
	top := 0.0
	for i, f := range figs {
		scores[i] = matchScore(want, f)
		top = max(top, scores[i])
	}
	if top < MinIndicatorScore {
		return Figure{}, top, false
	}
	for i, f := range figs {
		if scores[i] < top-0.02 {
			continue
		}
		rank := columnRank(f.Column)
		if best < 0 || rank < bestRank || rank == bestRank && (scores[i] > bestScore || scores[i] == bestScore && f.Confidence > figs[best].Confidence) {
			best, bestScore, bestRank = i, scores[i], rank
		}
	}
	return figs[best], bestScore, true
}

// MinIndicatorScore is the least match score FindIndicator takes.
const MinIndicatorScore = 0.75

// iword is a word of an indicator or label: folded, and whether it was
// printed in capitals as an abbreviation.
type iword struct {
	fold   string
	abbrev bool
}

// weakWords say nothing of what is counted, folded; "số" (number) is
// weak but "sơ" (of hồ sơ) is not, so it is told by its marks.
var weakWords = map[string]bool{"da": true, "duoc": true, "cac": true, "cua": true, "trong": true, "tong": true,
	"luong": true, "cong": true, "toan": true, "bo": true, "nhung": true, "la": true, "va": true, "ki": true,
	"nay": true, "tren": true, "dia": true, "ban": true, "tinh": true, "bao": true, "cao": true, "thuc": true,
	"hien": true, "trong ki": true, "tai": true, "voi": true, "dat": true, "co": true, "cho": true}

// moneyWords are the units of amounts, folded.
// ("ngàn" is left out: it folds as "ngân" of ngân sách does.)
var moneyWords = map[string]bool{"dong": true, "trieu": true, "ti": true, "nghin": true, "dvt": true, "vnd": true}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// polarWords turn an indicator into another one.
var polarWords = map[string]bool{"dung": true, "qua": true, "truoc": true, "tre": true, "cham": true, "chua": true,
	"khong": true, "tang": true, "giam": true, "moi": true, "ton": true, "ngoai": true, "tuyen": true}

func indicatorWords(s string) []iword {
	var out []iword
	for _, w := range strings.FieldsFunc(viet.NFC(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '%' }) {
		lw := strings.ToLower(w)
		f := foldWord(w)
		// Row numbers and money's units ("3", "(triệu đồng)" printed
		// after a label) say nothing of what is counted either.
		if f == "" || lw == "số" || weakWords[f] || moneyWords[f] || isDigits(f) {
			continue
		}
		abbrev := len([]rune(w)) >= 2 && len([]rune(w)) <= 6 && strings.ToUpper(w) == w && lw != w
		out = append(out, iword{fold: f, abbrev: abbrev})
	}
	return out
}

// foldWord folds w and writes a final y after a consonant as i, the two
// spellings of Kỳ/Kì, Tỷ/Tỉ, Lý/Lí.
func foldWord(w string) string {
	f := viet.Fold(w)
	if n := len(f); n >= 2 && f[n-1] == 'y' && !strings.ContainsRune("aeiouy", rune(f[n-2])) {
		f = f[:n-1] + "i"
	}
	return f
}

// wordMatch is how well two folded words match, 0 to 1.
func wordMatch(a, b string) float64 {
	if a == b {
		return 1
	}
	if polarWords[a] || polarWords[b] {
		return 0
	}
	n := min(len(a), len(b))
	d := viet.Distance(a, b)
	switch {
	case n >= 4 && d <= 1:
		return 0.8
	case n >= 7 && d <= 2:
		return 0.7
	}
	return 0
}

// initialsMatch: abbrev is the initials of ws[i:i+len(abbrev)].
func initialsMatch(abbrev string, ws []iword, i int) bool {
	if i+len(abbrev) > len(ws) || len(abbrev) < 2 {
		return false
	}
	for k := 0; k < len(abbrev); k++ {
		if ws[i+k].fold[0] != abbrev[k] {
			return false
		}
	}
	return true
}

// cover marks which of ws the words of by match, and how well.
func cover(ws, by []iword) []float64 {
	got := make([]float64, len(ws))
	for i, w := range ws {
		for _, b := range by {
			got[i] = max(got[i], wordMatch(w.fold, b.fold))
		}
	}
	for _, b := range by {
		if !b.abbrev {
			continue
		}
		for i := range ws {
			if initialsMatch(b.fold, ws, i) {
				for k := range len(b.fold) {
					got[i+k] = max(got[i+k], 0.9)
				}
			}
		}
	}
	return got
}

func matchScore(want []iword, f Figure) float64 {
	label := indicatorWords(f.Label)
	if len(want) == 0 || len(label) == 0 {
		return 0
	}
	known := map[string]bool{}
	for _, w := range want {
		known[w.fold] = true
	}
	for _, l := range label {
		if polarWords[l.fold] && !known[l.fold] {
			return 0
		}
	}
	// The unit's words fill in what the label leaves to its column
	// ("Đơn vị tính: hồ sơ") or to the sentence ("1.234 hồ sơ").
	full := append(append([]iword{}, label...), indicatorWords(f.Unit)...)
	rec := 0.0
	for _, g := range cover(want, full) {
		rec += g
	}
	rec /= float64(len(want))
	// A label's abbreviation covers the indicator's words; the
	// indicator's abbreviation the label's.
	prec := 0.0
	lc := cover(label, want)
	for i, l := range label {
		if l.abbrev {
			for j := range want {
				if initialsMatch(l.fold, want, j) {
					lc[i] = max(lc[i], 0.9)
				}
			}
		}
		if lc[i] > 0 {
			prec++
		}
	}
	prec /= float64(len(label))
	return rec * rec * (0.4 + 0.6*prec)
}

// columnRank orders a table's columns: the current period's first.
func columnRank(col string) int {
	c := " " + strings.Join(strings.FieldsFunc(foldPhrase(col), func(r rune) bool { return !unicode.IsLetter(r) }), " ") + " "
	if strings.TrimSpace(c) == "" {
		return 0
	}
	for _, other := range []string{" cung ki", " ki truoc", " nam truoc", " thang truoc", " quy truoc", " luy ke", " ke hoach",
		" du toan", " so sanh", " ti le", " chenh lech", " ghi chu", " muc tieu"} {
		if strings.Contains(c, other) {
			return 3
		}
	}
	for _, cur := range []string{" ki nay ", " ki bao cao", " thuc hien", " trong ki", " thang nay", " quy nay", " nam nay",
		" ket qua", " so lieu", " uoc "} {
		if strings.Contains(c, cur) {
			return 0
		}
	}
	return 2
}

// foldPhrase folds every word of s as foldWord does.
func foldPhrase(s string) string {
	ws := strings.Fields(s)
	for i, w := range ws {
		ws[i] = foldWord(w)
	}
	return strings.Join(ws, " ")
}
