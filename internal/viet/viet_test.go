package viet

import "testing"

func TestFold(t *testing.T) {
	cases := map[string]string{
		"Quyết định thành lập Tổ công tác": "quyet dinh thanh lap to cong tac",
		"ĐỘC LẬP": "doc lap",
		"QÐ-UBND": "qd-ubnd", // U+00D0 as OCR writes it
	}
	for in, want := range cases {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeTone(t *testing.T) {
	cases := map[string]string{
		"CỘNG HOÀ":        "CỘNG HÒA",
		"UỶ BAN NHÂN DÂN": "ỦY BAN NHÂN DÂN",
		"thuỷ lợi":        "thủy lợi",
		"quý":             "quý",
		"hoà bình, khoẻ":  "hòa bình, khỏe",
		"hoàn thành":      "hoàn thành", // closed syllable: mark stays
		"Hòa":             "Hòa",
	}
	for in, want := range cases {
		if got := NormalizeTone(in); got != want {
			t.Errorf("NormalizeTone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLooksVietnamese(t *testing.T) {
	good := "Thực hiện nội dung các Quyết định số 1743 của Bộ trưởng Bộ Giao thông vận tải về việc công bố thủ tục hành chính trong lĩnh vực đường bộ"
	if !LooksVietnamese(good) {
		t.Errorf("real Vietnamese rejected")
	}
	for _, bad := range []string{
		"CØNG HÒA XÃ HØI CHÑ NGHÍA VIÆT NAM Ðøc lÆp - Tñ do - Hånh phúc và các cûa trong theo",
		"The quick brown fox jumps over the lazy dog and keeps running all day long",
	} {
		if LooksVietnamese(bad) {
			t.Errorf("accepted as Vietnamese: %q", bad)
		}
	}
}

func TestValidSyllable(t *testing.T) {
	for _, w := range []string{"Trường", "nghiêng", "Quảng", "Ngãi", "khuya", "người", "gì", "Đồng", "chuyện", "oái", "xã", "UBND"[:0] + "ủy", "Phạm"} {
		if !ValidSyllable(w) {
			t.Errorf("%q is Vietnamese", w)
		}
	}
	for _, w := range []string{"ECÍI", "1ƯU", "Hcok", "CHiJ", "riGhia", "chuyeenf", "hóà", "xyz", "Ng0"} {
		if ValidSyllable(w) {
			t.Errorf("%q is not a syllable", w)
		}
	}
	if got := ImplausibleWords("CT, các PCT UBND tỉnh; Lưu: VT"); len(got) != 0 {
		t.Errorf("a usual recipient: %q", got)
	}
	if got := ImplausibleWords("ECÍI có PL UBND tỉnh"); len(got) != 1 || got[0] != "ECÍI" {
		t.Errorf("garbage: %q", got)
	}
}
