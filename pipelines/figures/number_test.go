package figures

import "testing"

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in    string
		value float64
		unit  string
		ok    bool
	}{
		{"1.234,5", 1234.5, "", true},
		{"1.234", 1234, "", true},
		{"1.234.567", 1234567, "", true},
		{"1.234.567 đồng", 1234567, "đồng", true},
		{"95,2%", 95.2, "%", true},
		{"95,2 %", 95.2, "%", true},
		{"100%", 100, "%", true},
		{"1,2 tỷ đồng", 1.2e9, "đồng", true},
		{"1,25 tỷ", 1.25e9, "", true},
		{"350 triệu đồng", 350e6, "đồng", true},
		{"12 nghìn", 12000, "", true},
		{"12 ngàn đồng", 12000, "đồng", true},
		{"4.500 đ", 4500, "đồng", true},
		{"0,5", 0.5, "", true},
		{"-12", -12, "", true},
		{"1.5 tỷ đồng", 1.5e9, "đồng", true}, // a comma read as a dot
		{"1,234,567", 1234567, "", true},
		{"2.", 2, "", true}, // a number; IsRowNumber says it marks a row
		{"10-15", 0, "", false},
		{"10 - 15", 0, "", false},
		{"10 đến 15", 0, "", false},
		{"15/3", 0, "", false},
		{"12/BC-UBND", 0, "", false},
		{"khoảng 10", 0, "", false},
		{"1.23.4", 0, "", false},
		{"I", 0, "", false},
		{"a)", 0, "", false},
		{"-", 0, "", false},
		{"", 0, "", false},
	} {
		n, ok := Parse(c.in)
		if ok != c.ok || ok && (n.Value != c.value || n.Unit != c.unit) {
			t.Errorf("Parse(%q) = %v %q %v, want %v %q %v", c.in, n.Value, n.Unit, ok, c.value, c.unit, c.ok)
		}
	}
}

func TestScaleAndScaled(t *testing.T) {
	for _, c := range []struct {
		cell, unitCell string
		value          float64
		unit           string
	}{
		{"1,2", "Tỷ đồng", 1.2e9, "đồng"},
		{"350", "Triệu đồng", 350e6, "đồng"},
		{"1.234,56", "Triệu đồng", 1234560000, "đồng"},
		{"1.234", "Hồ sơ", 1234, "hồ sơ"},
		{"95,2", "%", 95.2, "%"},
		{"12", "", 12, ""},
	} {
		n, ok := Parse(c.cell)
		if !ok {
			t.Fatalf("Parse(%q) refused", c.cell)
		}
		exp, unit := Scale(c.unitCell)
		if got := n.Scaled(exp); got != c.value || unit != c.unit {
			t.Errorf("%q in %q = %v %q, want %v %q", c.cell, c.unitCell, got, unit, c.value, c.unit)
		}
	}
}

func TestIsRowNumber(t *testing.T) {
	for s, want := range map[string]bool{"1": true, "2.": true, "1.1": true, "I": true, "IV.": true, "a)": true, "b.": true,
		"(3)": true, "1.234": false, "95,2": false, "Số": false, "350": false} {
		if got := IsRowNumber(s); got != want {
			t.Errorf("IsRowNumber(%q) = %v", s, got)
		}
	}
}

// What OCR leaves around a label: the row's number and a ruling's dash
// before it, the unit's cell run into it after.
func TestLabelLeftovers(t *testing.T) {
	for in, want := range map[string][3]string{
		"Tổng kinh phí thực hiện Triệu đồng":   {"Tổng kinh phí thực hiện", "Triệu đồng", "ok"},
		"Tổng kinh phí thực hiện (triệu đồng)": {"Tổng kinh phí thực hiện", "triệu đồng", "ok"},
		"Kinh phí hỗ trợ (đồng)":               {"Kinh phí hỗ trợ", "đồng", "ok"},
		"Số cuộc họp Hội đồng":                 {"Số cuộc họp Hội đồng", "", ""},
		"Số hồ sơ tiếp nhận":                   {"Số hồ sơ tiếp nhận", "", ""},
	} {
		rest, unit, ok := trailingMoney(in)
		if rest != want[0] || unit != want[1] || ok != (want[2] == "ok") {
			t.Errorf("trailingMoney(%q) = %q, %q, %v; want %q", in, rest, unit, ok, want)
		}
	}
	for in, want := range map[string]string{"3 _ Tống kinh phí": "Tống kinh phí", "2. — Số hồ sơ": "Số hồ sơ", "Số hồ sơ": "Số hồ sơ", "12": "12"} {
		if got := trimRowMark(in); got != want {
			t.Errorf("trimRowMark(%q) = %q, want %q", in, got, want)
		}
	}
}
