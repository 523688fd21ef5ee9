package extract

import (
	"strings"

	"github.com/vanthu/vanthu/internal/viet"
	"github.com/vanthu/vanthu/pipelines/classify"
)

// Provinces are the provinces and centrally-run cities (the 63 before the
// 2025 merger; the merged provinces kept names from this list).
var Provinces = []string{
	"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "An Giang", "Bà Rịa - Vũng Tàu",
	"Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre", "Bình Định", "Bình Dương", "Bình Phước",
	"Bình Thuận", "Cà Mau", "Cao Bằng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp",
	"Gia Lai", "Hà Giang", "Hà Nam", "Hà Tĩnh", "Hải Dương", "Hậu Giang", "Hòa Bình", "Hưng Yên",
	"Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An",
	"Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam",
	"Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình",
	"Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Huế", "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long",
	"Vĩnh Phúc", "Yên Bái",
}

// organs are the bodies that issue documents, as printed in the header
// (caps). Departments are listed by their usual names.
var organs = []string{
	"ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "VĂN PHÒNG ỦY BAN NHÂN DÂN", "UBND", "HĐND",
	"SỞ TÀI CHÍNH", "SỞ KẾ HOẠCH VÀ ĐẦU TƯ", "SỞ NỘI VỤ", "SỞ TƯ PHÁP", "SỞ XÂY DỰNG",
	"SỞ GIAO THÔNG VẬN TẢI", "SỞ Y TẾ", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN",
	"SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "SỞ CÔNG THƯƠNG",
	"SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
	"SỞ KHOA HỌC VÀ CÔNG NGHỆ", "SỞ NGOẠI VỤ", "SỞ DÂN TỘC VÀ TÔN GIÁO", "THANH TRA TỈNH", "BAN QUẢN LÝ KHU KINH TẾ",
	"CÔNG AN TỈNH", "KHO BẠC NHÀ NƯỚC", "CỤC THUẾ", "BỘ TÀI CHÍNH", "BỘ NỘI VỤ", "BỘ Y TẾ", "CHÍNH PHỦ",
	"VĂN PHÒNG", "PHÒNG TÀI CHÍNH - KẾ HOẠCH", "PHÒNG NỘI VỤ",
}

// issuerPhrases are the printed lines the header's left block is made of.
var issuerPhrases = func() []string {
	out := append([]string(nil), organs...)
	for _, p := range Provinces {
		up := strings.ToUpper(p)
		out = append(out, "TỈNH "+up, "THÀNH PHỐ "+up, "UBND TỈNH "+up, "UBND THÀNH PHỐ "+up,
			"ỦY BAN NHÂN DÂN TỈNH "+up, "ỦY BAN NHÂN DÂN THÀNH PHỐ "+up)
	}
	return out
}()

// snapPhrase returns the known phrase nearest to s when OCR has misread
// some of its marks or letters ("TINH QUANG NGAI" → "TỈNH QUẢNG NGÃI"):
// at most one edit per five letters of the folded text. A reading that
// differs only in where the tone mark sits ("UỶ") is kept as printed.
func snapPhrase(s string, phrases []string) (string, bool) {
	f := viet.Fold(s)
	best, bestD := "", 1<<30
	for _, p := range phrases {
		if d := classify.Distance(f, viet.Fold(p)); d < bestD {
			best, bestD = p, d
		}
	}
	if best == "" || bestD > len([]rune(f))/5 {
		return s, false
	}
	if viet.Canonical(strings.ToUpper(s)) == viet.Canonical(strings.ToUpper(best)) {
		return s, true
	}
	return best, true
}

// surnames are the common Vietnamese family names; the first word of a
// signer's name is snapped to them ("Nguyên" → "Nguyễn": never a surname).
var surnames = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
	"Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Đào", "Lâm", "Mai", "Trương", "Tạ", "Hà", "Lương", "Lưu",
	"Tô", "Cao", "Quách", "Châu", "Thái", "Văn", "Chu", "Từ", "Đoàn", "Vương", "Tăng", "La", "Triệu", "Kiều", "Phùng"}

func snapSurname(name string) string {
	first, rest, _ := strings.Cut(name, " ")
	f := viet.Fold(first)
	for _, s := range surnames {
		if viet.Fold(s) == f {
			if rest == "" {
				return s
			}
			return s + " " + rest
		}
	}
	return name
}

// commonRecipients are the items most "Nơi nhận" lists carry.
var commonRecipients = func() []string {
	out := []string{"Như trên", "Như Điều 3", "Lưu: VT", "CT, các PCT UBND tỉnh", "CT, PCT UBND tỉnh",
		"Thường trực Tỉnh ủy", "Thường trực HĐND tỉnh", "Cổng TTĐT tỉnh", "VPUB: CVP, PCVP",
		"Sở Tài chính", "Sở Nội vụ", "Sở Xây dựng", "Sở Y tế", "Sở Tư pháp", "Sở Công Thương",
		"Sở Giáo dục và Đào tạo", "Sở Kế hoạch và Đầu tư", "Sở Giao thông vận tải", "Sở Tài nguyên và Môi trường",
		"Sở Nông nghiệp và Phát triển nông thôn", "Sở Thông tin và Truyền thông", "Công an tỉnh", "Thanh tra tỉnh",
		"Ban Quản lý Khu kinh tế", "Kho bạc Nhà nước tỉnh", "Văn phòng UBND tỉnh"}
	return out
}()
