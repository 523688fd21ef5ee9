package figures

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/vanthu/vanthu/internal/viet"
)

// Number is a number as a report prints it, read into its unit's base.
type Number struct {
	Value float64
	Unit  string // "đồng", "%", or "" (a count, or a unit printed elsewhere)
	Text  string // as printed, with its multiplier and currency
	Words int    // how many words it took

	mant string // the digits, for an exact Scaled
	exp  int    // power of ten of the last digit
	neg  bool
}

// Scaled is the number times 10^exp, exactly as printed digits allow: a
// cell "1,2" in a column of "Tỷ đồng".
func (n Number) Scaled(exp int) float64 { return value(n.mant, -n.exp, exp, n.neg) }

var (
	// Vietnamese writes a dot between thousands and a comma before the
	// decimals: "1.234.567", "1.234,5".
	thousandsRe = regexp.MustCompile(`^[-−]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$`)
	plainRe     = regexp.MustCompile(`^[-−]?\d+(?:,\d+)?$`)
	// An English decimal point before one or two digits ("1.5 tỷ"): OCR
	// reads a comma as a dot, and some offices type it so. Three digits
	// after a dot are thousands, above.
	pointRe = regexp.MustCompile(`^[-−]?\d+\.\d{1,2}$`)
	// English thousands with two or more commas cannot be a decimal.
	commasRe = regexp.MustCompile(`^[-−]?\d{1,3}(?:,\d{3}){2,}$`)
)

// multipliers are the words a Vietnamese amount is scaled by.
var multipliers = map[string]int{"ty": 9, "ti": 9, "trieu": 6, "tr": 6, "nghin": 3, "ngan": 3}

// currency words: "đồng", "đ", "VNĐ".
var currency = map[string]bool{"dong": true, "d": true, "vnd": true, "vnđ": true}

// digits parses one token in Vietnamese notation: its digits without
// separators and the position of the decimal point from the right.
func digits(tok string) (mant string, dec int, neg bool, ok bool) {
	switch {
	case thousandsRe.MatchString(tok), plainRe.MatchString(tok):
		int_, frac, _ := strings.Cut(tok, ",")
		mant, dec = strings.ReplaceAll(int_, ".", "")+frac, len(frac)
	case pointRe.MatchString(tok):
		int_, frac, _ := strings.Cut(tok, ".")
		mant, dec = int_+frac, len(frac)
	case commasRe.MatchString(tok):
		mant = strings.ReplaceAll(tok, ",", "")
	default:
		return "", 0, false, false
	}
	if strings.HasPrefix(mant, "-") || strings.HasPrefix(mant, "−") {
		neg = true
		mant = strings.TrimLeft(mant, "-−")
	}
	return mant, dec, neg, true
}

// value is mant × 10^(exp−dec), computed by ParseFloat from its decimal
// form so that "1,2 tỷ" is 1200000000 exactly, not 1.2×1e9 rounded.
func value(mant string, dec, exp int, neg bool) float64 {
	v, err := strconv.ParseFloat(mant+"e"+strconv.Itoa(exp-dec), 64)
	if err != nil {
		return 0
	}
	if neg {
		v = -v
	}
	return v
}

// trimPunct cuts the punctuation a number is followed by in a sentence
// ("1.100,", "95,2%.", "(1.234)").
func trimPunct(s string) string {
	return strings.Trim(s, ",;:.()[]\"“”'…")
}

// ParseWords reads a number at the start of words: "1.234", "95,2%",
// "95,2 %", "1,2 tỷ đồng", "350 triệu đồng", "12 nghìn". It refuses
// what is no amount: a date or document number ("15/3", "12/BC-UBND"),
// a range ("10-15", "10 - 15", "10 đến 15"), a word with letters.
func ParseWords(words []string) (Number, bool) {
	if len(words) == 0 {
		return Number{}, false
	}
	first := strings.TrimRight(words[0], ",;:.)…")
	first = strings.TrimLeft(first, "(")
	pct := false
	if strings.HasSuffix(first, "%") {
		pct = true
		first = strings.TrimSuffix(first, "%")
	}
	mant, dec, neg, ok := digits(first)
	if !ok {
		return Number{}, false
	}
	n := 1
	exp := 0
	unit := ""
	if pct {
		unit = "%"
	} else if n < len(words) && trimPunct(words[n]) == "%" {
		unit, n = "%", n+1
	}
	if n < len(words) && (words[n] == "-" || words[n] == "–" || viet.Fold(words[n]) == "den") {
		// A range: neither end is the figure.
		if n+1 < len(words) {
			if _, _, _, ok := digits(trimPunct(words[n+1])); ok {
				return Number{}, false
			}
		}
	}
	if unit == "" && n < len(words) {
		if e, ok := multipliers[viet.Fold(trimPunct(words[n]))]; ok {
			exp, n = e, n+1
		}
	}
	if unit == "" && n < len(words) && currency[viet.Fold(trimPunct(words[n]))] {
		unit, n = "đồng", n+1
	}
	text := strings.Join(words[:n], " ")
	text = strings.TrimRight(text, ",;:.)…")
	return Number{Value: value(mant, dec, exp, neg), Unit: unit, Text: text, Words: n, mant: mant, exp: exp - dec, neg: neg}, true
}

// Parse reads s when all of it is one number with its unit (a table
// cell): "1.234,5", "95,2%", "1,2 tỷ đồng". A cell with other words
// ("khoảng 10", "10 - 15") is no figure.
func Parse(s string) (Number, bool) {
	ws := strings.Fields(s)
	// "1 . 234" and "95,2 %" are OCR's spacing of one number.
	n, ok := ParseWords(ws)
	if !ok || n.Words != len(ws) {
		return Number{}, false
	}
	return n, true
}

// Scale is the factor and unit of a table's "Đơn vị tính" cell: "Triệu
// đồng" multiplies the cell by a million and makes it an amount in đồng;
// "%" makes it a share; "Hồ sơ" is a count of files.
func Scale(unitCell string) (exp int, unit string) {
	ws := strings.Fields(viet.Fold(unitCell))
	if len(ws) == 0 {
		return 0, ""
	}
	if strings.Contains(unitCell, "%") {
		return 0, "%"
	}
	i := 0
	if e, ok := multipliers[trimPunct(ws[0])]; ok {
		exp, i = e, 1
	}
	if i < len(ws) && currency[trimPunct(ws[i])] || i == 1 && len(ws) == 1 {
		// "Triệu" alone is "Triệu đồng" whose second word wrapped onto
		// the cell's next line.
		return exp, "đồng"
	}
	return exp, strings.ToLower(viet.Canonical(unitCell))
}

// rowNumberRe is a row's number in a table's first column or a list
// item's mark: "1", "2.", "1.1", "I", "IV.", "a)", "b.".
var rowNumberRe = regexp.MustCompile(`^(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVXL]{1,5}\.?|[a-zđ][).]|\(\d{1,2}\)|\d{1,2}\))$`)

// IsRowNumber says whether s marks a row or an item rather than counting
// anything.
func IsRowNumber(s string) bool { return rowNumberRe.MatchString(strings.TrimSpace(s)) }
