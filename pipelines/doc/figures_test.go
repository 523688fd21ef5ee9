package doc

import "testing"

func TestFindIndicator(t *testing.T) {
	figs := []Figure{
		{Label: "Số hồ sơ tiếp nhận", Column: "Kỳ này", Value: 1234, Unit: "hồ sơ", Confidence: 0.9},
		{Label: "Số hồ sơ tiếp nhận", Column: "Lũy kế", Value: 5678, Unit: "hồ sơ", Confidence: 0.95},
		{Label: "Số hồ sơ tiếp nhận", Column: "Cùng kỳ năm trước", Value: 1000, Unit: "hồ sơ", Confidence: 0.95},
		{Label: "Số hồ sơ giải quyết quá hạn", Column: "Kỳ này", Value: 12, Unit: "hồ sơ"},
		{Label: "Số HS giải quyết đúng hạn", Column: "Kỳ này", Value: 1100, Unit: "hồ sơ"},
		{Label: "Tỉ lệ giải quyết đúng hạn hồ sơ", Value: 95.2, Unit: "%"},
		{Label: "Tổng kinh phí thực hiện", Value: 1.2e9, Unit: "đồng"},
		{Label: "đã tiếp nhận", Value: 77, Unit: "người"},
		{Label: "Số TTHC được công bố", Value: 45},
		{Label: "Số hồ sơ chưa giải quyết", Value: 33, Unit: "hồ sơ"},
	}
	for _, c := range []struct {
		indicator string
		value     float64
		ok        bool
	}{
		{"Số hồ sơ tiếp nhận", 1234, true},               // the current period's column
		{"so ho so tiep nhan", 1234, true},               // no marks
		{"Hồ sơ tiếp nhận", 1234, true},                  // "Số" says nothing
		{"Số hồ sơ tiép nhận", 1234, true},               // a misplaced mark
		{"Số hồ sơ tiếp nhạn", 1234, true},               // OCR's typo
		{"Số hồ sơ giải quyết đúng hạn", 1100, true},     // "HS" for hồ sơ
		{"Số hồ sơ giải quyết quá hạn", 12, true},        // not the đúng hạn row
		{"Tỷ lệ hồ sơ giải quyết đúng hạn", 95.2, true},  // Tỷ/Tỉ, another order
		{"Kinh phí thực hiện", 1.2e9, true},              // "Tổng" says nothing
		{"Tổng kinh phí", 1.2e9, true},                   //
		{"Số thủ tục hành chính được công bố", 45, true}, // TTHC
		{"Số hồ sơ chưa giải quyết", 33, true},           //
		{"Số hồ sơ giải quyết", 0, false},                // every candidate says which, this does not
		{"Số hồ sơ tiếp nhận trực tuyến", 0, false},      // a word missing
		{"Số doanh nghiệp thành lập mới", 0, false},      // nothing like it
		{"Tổng số", 0, false},                            // nothing but weak words
		{"Số hồ sơ giải quyết trước hạn", 0, false},      // trước is not đúng
		{"Tỷ lệ hồ sơ giải quyết quá hạn", 0, false},     // no such share
		{"Kinh phí tiết kiệm", 0, false},                 // half of it
	} {
		f, score, ok := FindIndicator(c.indicator, figs)
		if ok != c.ok || ok && f.Value != c.value {
			t.Errorf("FindIndicator(%q) = %q/%q %v (score %.2f) %v, want %v %v", c.indicator, f.Label, f.Column, f.Value, score, ok, c.value, c.ok)
		}
	}
}

func TestFindIndicatorColumns(t *testing.T) {
	for _, c := range []struct {
		cols []string
		want string
	}{
		{[]string{"Kế hoạch năm 2025", "Thực hiện", "So sánh (%)"}, "Thực hiện"},
		{[]string{"Lũy kế", "Kỳ này"}, "Kỳ này"},
		{[]string{"Cùng kỳ năm trước", "Kỳ báo cáo"}, "Kỳ báo cáo"},
		{[]string{"Lũy kế từ đầu năm", "Quý II"}, "Quý II"},
		{[]string{"Dự toán", "Ước thực hiện 6 tháng"}, "Ước thực hiện 6 tháng"},
	} {
		var figs []Figure
		for i, col := range c.cols {
			figs = append(figs, Figure{Label: "Số hồ sơ tiếp nhận", Column: col, Value: float64(i)})
		}
		if f, _, ok := FindIndicator("Số hồ sơ tiếp nhận", figs); !ok || f.Column != c.want {
			t.Errorf("columns %q: took %q, want %q", c.cols, f.Column, c.want)
		}
	}
}

// A label that names a part is no answer for the whole: "Tổng" says
// nothing, and "Kinh phí hỗ trợ" is half other words.
func TestFindIndicatorRefusesAPart(t *testing.T) {
	figs := []Figure{{Label: "Kinh phí hỗ trợ", Value: 380e6, Unit: "đồng"}}
	if f, score, ok := FindIndicator("Tổng kinh phí", figs); ok {
		t.Errorf("took %q (score %.2f) for Tổng kinh phí", f.Label, score)
	}
}
