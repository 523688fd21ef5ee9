package search

import "testing"

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Kỳ họp thứ 10":           "ki hop thu 10",
		"Lý Sơn, Lí Sơn":          "li son, li son",
		"quý, quí, Mỹ Khê, Mĩ":    "qui, qui, mi khe, mi",
		"y tế, tay, tuy, quyết":   "y te, tay, tuy, quyet",
		"kỹ thuật, thủy, hy sinh": "ki thuat, thuy, hi sinh",
		"Đakđrinh":                "dakdrinh",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
