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
