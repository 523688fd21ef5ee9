// Package classify names the document type (domain.md section 1) from the
// symbol, the title line and the text together, so that a misread symbol is
// caught by the title and a misread title by the symbol.
package classify

import (
	"regexp"
	"strings"

	"github.com/vanthu/vanthu/internal/viet"
)

// Type is one of the 29 types of Decree 30 (plus CV for công văn).
type Type struct {
	Code string // as Decree 30 writes it: QĐ, QyĐ, TTr, CV ...
	Name string // title line, caps
}

// Types lists every type. Order matters for titles that contain another
// (QUY ĐỊNH before ĐỊNH is not an issue, but CHƯƠNG TRÌNH vs CHỈ THỊ is).
var Types = []Type{
	{"NQ", "NGHỊ QUYẾT"}, {"QĐ", "QUYẾT ĐỊNH"}, {"CT", "CHỈ THỊ"}, {"QC", "QUY CHẾ"},
	{"QyĐ", "QUY ĐỊNH"}, {"TC", "THÔNG CÁO"}, {"TB", "THÔNG BÁO"}, {"HD", "HƯỚNG DẪN"},
	{"CTr", "CHƯƠNG TRÌNH"}, {"KH", "KẾ HOẠCH"}, {"PA", "PHƯƠNG ÁN"}, {"ĐA", "ĐỀ ÁN"},
	{"DA", "DỰ ÁN"}, {"BC", "BÁO CÁO"}, {"BB", "BIÊN BẢN"}, {"TTr", "TỜ TRÌNH"},
	{"HĐ", "HỢP ĐỒNG"}, {"CĐ", "CÔNG ĐIỆN"}, {"BGN", "BẢN GHI NHỚ"}, {"BTT", "BẢN THỎA THUẬN"},
	{"GUQ", "GIẤY ỦY QUYỀN"}, {"GM", "GIẤY MỜI"}, {"GGT", "GIẤY GIỚI THIỆU"}, {"GNP", "GIẤY NGHỈ PHÉP"},
	{"PG", "PHIẾU GỬI"}, {"PC", "PHIẾU CHUYỂN"}, {"PB", "PHIẾU BÁO"},
	{"SY", "BẢN SAO Y"}, {"TrS", "BẢN TRÍCH SAO"}, {"SL", "BẢN SAO LỤC"},
	{"CV", "CÔNG VĂN"},
}

var byFoldedCode = func() map[string]string {
	m := map[string]string{}
	for _, t := range Types {
		m[viet.Fold(t.Code)] = t.Code
	}
	return m
}()

// CanonicalCode returns the Decree 30 spelling of a type code read in any
// case ("TTR" → "TTr") or with OCR's Đ/D confusion ("QYD" → "QyĐ"), or "".
// A code that exists as read (HD, hướng dẫn) wins over its Đ twin (HĐ).
func CanonicalCode(s string) string {
	s = strings.TrimSpace(s)
	for _, t := range Types {
		if strings.EqualFold(t.Code, s) {
			return t.Code
		}
	}
	return byFoldedCode[viet.Fold(s)]
}

// Name returns the title of a code.
func Name(code string) string {
	for _, t := range Types {
		if t.Code == code {
			return t.Name
		}
	}
	return ""
}

// TitleType matches a title line against the type names, tolerating OCR
// slips (edit distance ≤ 1 per 6 letters on the folded text). It returns
// the code and a score in 0..1.
func TitleType(line string) (string, float64) {
	f := strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r == ' ' {
			return r
		}
		return ' '
	}, viet.Fold(line))), " ")
	if f == "" || len(f) > 24 {
		return "", 0
	}
	best, bestScore := "", 0.0
	for _, t := range Types {
		name := viet.Fold(t.Name)
		d := Distance(f, name)
		allowed := max(1, len(name)/6)
		if d > allowed {
			continue
		}
		score := 1 - float64(d)/float64(len(name)+1)
		// Exact accents matter when folded names collide (none do today,
		// but ĐA/DA differ only by Đ).
		if viet.Canonical(strings.ToUpper(line)) == viet.Canonical(t.Name) {
			score = 1
		}
		if score > bestScore {
			best, bestScore = t.Code, score
		}
	}
	return best, bestScore
}

var symbolType = regexp.MustCompile(`^(?:\d{4}/)?([A-Za-zĐđÐ]+)-`)

// SymbolType is the type code at the head of a symbol ("QĐ-UBND",
// "2019/NĐ-CP" → "" since NĐ is not an administrative type), or "" when
// the symbol starts with an issuer code, as a công văn's does.
func SymbolType(symbol string) string {
	m := symbolType.FindStringSubmatch(symbol)
	if m == nil {
		return ""
	}
	return CanonicalCode(m[1])
}

// Evidence for one decision.
type Evidence struct {
	Symbol  string // the symbol as read
	Title   string // the title line as read, "" if none
	Subject string // trích yếu; "V/v" marks a công văn
	Text    string // body text
}

// Classify decides the type and its confidence.
func Classify(e Evidence) (string, float64) {
	fromSymbol := SymbolType(e.Symbol)
	fromTitle, titleScore := "", 0.0
	if e.Title != "" {
		fromTitle, titleScore = TitleType(e.Title)
	}
	vv := strings.HasPrefix(viet.Fold(strings.TrimSpace(e.Subject)), "v/v")
	switch {
	case fromSymbol != "" && fromSymbol == fromTitle:
		return fromSymbol, 0.99
	case fromTitle != "" && fromSymbol == "":
		// Symbol unread or issuer-first; a clear title decides.
		return fromTitle, 0.85 * titleScore
	case fromTitle != "" && fromSymbol != "":
		// They disagree: one of them is misread. A title matched with no
		// edit is stronger than a symbol code, which is 2-3 letters where
		// one OCR slip makes another valid code (TB/TC, CT/CTr).
		if titleScore >= 0.95 {
			return fromTitle, 0.7
		}
		return fromSymbol, 0.6
	case fromSymbol != "":
		return fromSymbol, 0.8
	case vv || e.Title == "":
		// No type title and an issuer-first symbol: a công văn, which is
		// how Decree 30 lays one out.
		if vv {
			return "CV", 0.95
		}
		return "CV", 0.6
	}
	return "CV", 0.4
}

// Distance is the Levenshtein distance over runes (viet.Distance).
func Distance(a, b string) int { return viet.Distance(a, b) }

// EditDistance is the Levenshtein distance between two sequences
// (viet.EditDistance).
func EditDistance[T comparable](a, b []T) int { return viet.EditDistance(a, b) }
