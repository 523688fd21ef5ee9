package classify

import "testing"

func TestCanonicalCode(t *testing.T) {
	for in, want := range map[string]string{"TTR": "TTr", "qyd": "QyĐ", "QÐ": "QĐ", "QD": "QĐ", "ctr": "CTr", "XYZ": ""} {
		if got := CanonicalCode(in); got != want {
			t.Errorf("CanonicalCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSymbolType(t *testing.T) {
	for in, want := range map[string]string{"QĐ-UBND": "QĐ", "TTr-UBND": "TTr", "06/QĐ-UBND": "", "2024/QĐ-UBND": "QĐ", "UBND-KTTH": "", "TB-UBND": "TB"} {
		if got := SymbolType(in); got != want {
			t.Errorf("SymbolType(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		name string
		e    Evidence
		want string
	}{
		{"agree", Evidence{Symbol: "QĐ-UBND", Title: "QUYẾT ĐỊNH"}, "QĐ"},
		{"misread symbol caught by title", Evidence{Symbol: "TC-UBND", Title: "THÔNG BÁO"}, "TB"},
		{"misread title caught by symbol", Evidence{Symbol: "KH-UBND", Title: "KÉ HOẠCH"}, "KH"},
		{"title with OCR slip, symbol unread", Evidence{Symbol: "", Title: "CHÍ THỊ"}, "CT"},
		{"cong van", Evidence{Symbol: "UBND-KTTH", Subject: "V/v đăng ký bổ sung"}, "CV"},
		{"to trinh OCR case", Evidence{Symbol: "TTR-UBND", Title: "TỜ TRÌNH"}, "TTr"},
		{"giay moi", Evidence{Symbol: "GM-UBND", Title: "GIẤY MỜI"}, "GM"},
	}
	for _, c := range cases {
		if got, _ := Classify(c.e); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
}

func TestTitleTypeRejectsBody(t *testing.T) {
	if code, _ := TitleType("Thực hiện nội dung các Quyết định số 1743"); code != "" {
		t.Errorf("body line classified as %s", code)
	}
}
