package corpus

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Table is a báo cáo's table of indicators as printed: a header (cells of
// a column, wrapped as the width allows) and rows.
type Table struct {
	Header []string
	Widths []float64 // mm; the label column takes what is left
	Rows   [][]string
	// Label is the index of the label column; Unit of "Đơn vị tính"
	// (-1: none).
	Label, Unit int
}

// TruthFigure is a figure of a report's truth: the regime's indicator it
// states (the name the regime gives it, not always the words printed),
// its value in the unit's base (đồng, not triệu đồng) for the current
// period, and where it is printed.
type TruthFigure struct {
	Label  string  `json:"label"`
	Value  float64 `json:"value"`
	Unit   string  `json:"unit,omitempty"`
	Column string  `json:"column,omitempty"` // the table's column it is read from
	From   string  `json:"from"`             // "table" or "sentence"
}

// indicatorT is an indicator a report regime may ask for, the ways
// reports print its name, and its unit.
type indicatorT struct {
	name     string
	printed  []string
	unit     string // "Đơn vị tính" as printed; money is drawn in one of moneyUnits
	min, max float64
	decimals int
	money    bool
}

var indicators = []indicatorT{
	{name: "Số hồ sơ tiếp nhận", printed: []string{"Số hồ sơ tiếp nhận", "Hồ sơ tiếp nhận", "Số hồ sơ đã tiếp nhận", "Tổng số hồ sơ tiếp nhận"}, unit: "Hồ sơ", min: 300, max: 25000},
	{name: "Số hồ sơ giải quyết đúng hạn", printed: []string{"Số hồ sơ giải quyết đúng hạn", "Hồ sơ giải quyết đúng hạn", "Số HS giải quyết đúng hạn", "Số hồ sơ đã giải quyết đúng hạn"}, unit: "Hồ sơ", min: 200, max: 20000},
	{name: "Số hồ sơ giải quyết quá hạn", printed: []string{"Số hồ sơ giải quyết quá hạn", "Hồ sơ giải quyết quá hạn"}, unit: "Hồ sơ", min: 0, max: 150},
	{name: "Tỷ lệ hồ sơ giải quyết đúng hạn", printed: []string{"Tỷ lệ hồ sơ giải quyết đúng hạn", "Tỷ lệ giải quyết hồ sơ đúng hạn"}, unit: "%", min: 85, max: 100, decimals: 1},
	{name: "Số thủ tục hành chính được công bố", printed: []string{"Số thủ tục hành chính được công bố", "Số TTHC được công bố"}, unit: "Thủ tục", min: 5, max: 300},
	{name: "Số doanh nghiệp thành lập mới", printed: []string{"Số doanh nghiệp thành lập mới", "Doanh nghiệp thành lập mới"}, unit: "Doanh nghiệp", min: 10, max: 1500},
	{name: "Số lao động được giải quyết việc làm", printed: []string{"Số lao động được giải quyết việc làm", "Lao động được giải quyết việc làm"}, unit: "Người", min: 100, max: 30000},
	{name: "Số lượt người được trợ giúp pháp lý", printed: []string{"Số lượt người được trợ giúp pháp lý"}, unit: "Lượt người", min: 20, max: 4000},
	{name: "Số vụ vi phạm được xử lý", printed: []string{"Số vụ vi phạm được xử lý", "Số vụ vi phạm đã xử lý"}, unit: "Vụ", min: 5, max: 900},
	{name: "Tổng kinh phí", printed: []string{"Tổng kinh phí", "Tổng kinh phí thực hiện"}, money: true, min: 2e8, max: 9e10},
	{name: "Kinh phí hỗ trợ", printed: []string{"Kinh phí hỗ trợ", "Kinh phí đã hỗ trợ"}, money: true, min: 5e7, max: 5e9},
	{name: "Số tiền xử phạt vi phạm hành chính", printed: []string{"Số tiền xử phạt vi phạm hành chính", "Tiền xử phạt vi phạm hành chính"}, money: true, min: 1e7, max: 3e9},
}

// moneyUnits are the "Đơn vị tính" of amounts and their powers of ten.
var moneyUnits = []struct {
	name string
	exp  int
}{{"Triệu đồng", 6}, {"Tỷ đồng", 9}, {"Đồng", 0}, {"Nghìn đồng", 3}}

// layouts are the tables' columns: "" is the label, "ĐVT" the unit; the
// current period's column is marked by *.
var layouts = [][]string{
	{"STT", "Chỉ tiêu", "Đơn vị tính", "*Kỳ này", "Lũy kế"},
	{"STT", "Nội dung", "ĐVT", "Kế hoạch năm", "*Thực hiện", "So sánh (%)"},
	{"TT", "Chỉ tiêu", "Đơn vị tính", "*Kỳ báo cáo", "Cùng kỳ năm trước", "Ghi chú"},
	{"STT", "Tên chỉ tiêu", "Đơn vị tính", "*Số liệu"},
	{"STT", "Chỉ tiêu", "ĐVT", "Cùng kỳ năm trước", "*Thực hiện kỳ này"},
}

// FormatVN prints v as Vietnamese does: "1.234.567", "95,2".
func FormatVN(v float64, decimals int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString("," + frac)
	}
	return b.String()
}

// drawValue draws a value of ind in its printed unit: the number as
// printed (in that unit) and its value in the base unit.
func drawValue(r *rand.Rand, ind indicatorT, exp int) (string, float64) {
	v := ind.min + r.Float64()*(ind.max-ind.min)
	if ind.money {
		// An amount in whole thousands of đồng, printed in its column's
		// unit with up to two decimals (what a triệu or tỷ column shows).
		dec := max(0, min(2, exp-3))
		if exp == 0 || exp == 3 {
			dec = 0
		}
		if exp == 0 {
			v = min(v, 9.9e9) // a column of whole đồng is no wider
		}
		scaled := math.Round(v/math.Pow10(exp)*math.Pow10(dec)) / math.Pow10(dec)
		text := FormatVN(scaled, dec)
		base, _ := strconv.ParseFloat(strconv.FormatFloat(scaled, 'f', dec, 64)+"e"+strconv.Itoa(exp), 64)
		return text, base
	}
	p := math.Pow10(ind.decimals)
	v = math.Round(v*p) / p
	return FormatVN(v, ind.decimals), v
}

// addReport gives s a table of indicators after its first paragraph and,
// sometimes, a paragraph stating some figures in sentences; the truth
// figures are what the current period's column and the sentences say.
func (s *Spec) addReport(r *rand.Rand) {
	layout := pick(r, layouts)
	// Figures told in a sentence, as reports do beside their table, of
	// indicators the table does not hold (a report does not state two
	// values of one indicator).
	var sent string
	var figs []TruthFigure
	if r.IntN(2) == 0 {
		sent, figs = reportSentence(r)
	}
	told := map[string]bool{}
	for _, f := range figs {
		told[f.Label] = true
	}
	var perm []int
	for _, i := range r.Perm(len(indicators)) {
		if !told[indicators[i].name] {
			perm = append(perm, i)
		}
	}
	n := 4 + r.IntN(4)
	t := &Table{Label: 1, Unit: -1}
	cur := -1
	for i, h := range layout {
		if strings.HasPrefix(h, "*") {
			cur, h = i, h[1:]
		}
		if h == "Kế hoạch năm" {
			h = fmt.Sprintf("Kế hoạch năm %d", s.Date.Year())
		}
		if h == "Đơn vị tính" || h == "ĐVT" {
			t.Unit = i
		}
		t.Header = append(t.Header, h)
	}
	for k, idx := range perm[:n] {
		ind := indicators[idx]
		unit, exp := ind.unit, 0
		if ind.money {
			mu := moneyUnits[r.IntN(len(moneyUnits))]
			unit, exp = mu.name, mu.exp
		}
		row := make([]string, len(layout))
		row[0] = strconv.Itoa(k + 1)
		if layout[0] == "TT" && r.IntN(2) == 0 {
			row[0] += "."
		}
		row[1] = pick(r, ind.printed)
		if t.Unit >= 0 {
			row[t.Unit] = unit
		}
		for c := range layout {
			if c <= 1 || c == t.Unit || t.Header[c] == "Ghi chú" {
				continue
			}
			switch {
			case strings.HasPrefix(t.Header[c], "So sánh"):
				row[c] = FormatVN(float64(80+r.IntN(40))+float64(r.IntN(10))/10, 1)
			default:
				text, base := drawValue(r, ind, exp)
				row[c] = text
				if c == cur {
					u := strings.ToLower(unit)
					if ind.money {
						u = "đồng"
					}
					figs = append(figs, TruthFigure{Label: ind.name, Value: base, Unit: u, Column: t.Header[c], From: "table"})
				}
			}
		}
		if t.Unit < 0 && ind.money {
			// No unit column: the unit goes with the label.
			row[1] += " (" + strings.ToLower(unit) + ")"
		}
		t.Rows = append(t.Rows, row)
	}
	widths := map[string]float64{"STT": 11, "TT": 10, "Đơn vị tính": 22, "ĐVT": 20, "Ghi chú": 17}
	for _, h := range t.Header {
		w, ok := widths[h]
		if !ok && h != t.Header[1] {
			w = 25
		}
		t.Widths = append(t.Widths, w)
	}
	s.Table = t
	paras := []string{s.Body[0], "Kết quả thực hiện các chỉ tiêu chủ yếu trong kỳ như sau:"}
	s.TableAfter = 2
	if sent != "" {
		paras = append(paras, sent)
	}
	s.Body = append(paras, s.Body[1:]...)
	s.Figures = figs
}

// reportSentence is a paragraph stating figures, with its truth: "Ngoài ra, trong kỳ đã tiếp nhận 1.234
// hồ sơ, giải quyết đúng hạn 1.100 hồ sơ, đạt 95,2%; tổng kinh phí thực
// hiện là 1,2 tỷ đồng."
func reportSentence(r *rand.Rand) (string, []TruthFigure) {
	got := 300 + r.IntN(20000)
	onTime := got - r.IntN(got/10+1)
	share := math.Round(float64(onTime)/float64(got)*1000) / 10
	var parts []string
	var figs []TruthFigure
	parts = append(parts, fmt.Sprintf("Trong kỳ, toàn tỉnh đã tiếp nhận %s hồ sơ, giải quyết đúng hạn %s hồ sơ, đạt %s%%", FormatVN(float64(got), 0), FormatVN(float64(onTime), 0), FormatVN(share, 1)))
	figs = append(figs,
		TruthFigure{Label: "Số hồ sơ tiếp nhận", Value: float64(got), Unit: "hồ sơ", From: "sentence"},
		TruthFigure{Label: "Số hồ sơ giải quyết đúng hạn", Value: float64(onTime), Unit: "hồ sơ", From: "sentence"},
		TruthFigure{Label: "Tỷ lệ hồ sơ giải quyết đúng hạn", Value: share, Unit: "%", From: "sentence"})
	switch r.IntN(3) {
	case 0:
		ty := float64(1+r.IntN(99)) / 10
		parts = append(parts, fmt.Sprintf("tổng kinh phí thực hiện là %s tỷ đồng", FormatVN(ty, 1)))
		figs = append(figs, TruthFigure{Label: "Tổng kinh phí", Value: math.Round(ty*10) * 1e8, Unit: "đồng", From: "sentence"})
	case 1:
		tr := float64(50 + r.IntN(900))
		parts = append(parts, fmt.Sprintf("kinh phí hỗ trợ %s triệu đồng", FormatVN(tr, 0)))
		figs = append(figs, TruthFigure{Label: "Kinh phí hỗ trợ", Value: tr * 1e6, Unit: "đồng", From: "sentence"})
	default:
		n := 20 + r.IntN(900)
		parts = append(parts, fmt.Sprintf("đã trợ giúp pháp lý cho %s lượt người", FormatVN(float64(n), 0)))
		figs = append(figs, TruthFigure{Label: "Số lượt người được trợ giúp pháp lý", Value: float64(n), Unit: "lượt người", From: "sentence"})
	}
	return strings.Join(parts, "; ") + ".", figs
}
