// Package archive generates a synthetic document archive for the search
// benchmarks (issue 4): records with realistic fields and text, no
// scanning, and a labelled set of queries with the documents they should
// find.
package archive

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/vanthu/vanthu/internal/search"
)

var (
	types   = []string{"QĐ", "CV", "TB", "GM", "BC", "KH", "TTr", "CT", "HD"}
	titles  = map[string]string{"QĐ": "Quyết định", "TB": "Thông báo", "GM": "Giấy mời", "BC": "Báo cáo", "KH": "Kế hoạch", "TTr": "Tờ trình", "CT": "Chỉ thị", "HD": "Hướng dẫn"}
	actions = []string{"tăng cường", "triển khai thực hiện", "đẩy mạnh", "phê duyệt", "điều chỉnh", "kiện toàn", "tổ chức", "rà soát", "kiểm tra",
		"hướng dẫn thực hiện", "bổ sung kinh phí cho", "giao chỉ tiêu", "sơ kết", "tổng kết", "chấn chỉnh", "thành lập Tổ công tác về",
		"ban hành Quy chế", "góp ý dự thảo về", "đôn đốc", "báo cáo tình hình"}
	objects = []string{"công tác phòng, chống thiên tai", "chuyển đổi số trong cơ quan nhà nước", "dự toán ngân sách", "cải cách thủ tục hành chính",
		"an toàn thực phẩm", "quà Tết cho hộ nghèo", "phát triển du lịch", "chế độ báo cáo thống kê", "giải phóng mặt bằng", "đầu tư công",
		"trật tự xây dựng đô thị", "phòng, chống dịch bệnh", "tiêm chủng mở rộng", "bảo hiểm y tế học sinh", "tuyển sinh đầu cấp",
		"quản lý đất đai", "cấp giấy chứng nhận quyền sử dụng đất", "bồi thường, hỗ trợ tái định cư", "xây dựng nông thôn mới",
		"phòng cháy, chữa cháy", "an toàn giao thông", "quản lý chợ", "thu ngân sách nhà nước", "mã số thuế hộ kinh doanh",
		"chương trình mục tiêu quốc gia giảm nghèo", "nước sạch nông thôn", "bảo vệ rừng", "khai thác khoáng sản", "ô nhiễm môi trường",
		"xử lý rác thải sinh hoạt", "đê điều và thủy lợi", "chăn nuôi gia súc", "dịch tả lợn châu Phi", "giá lúa gạo",
		"xuất khẩu nông sản", "hợp tác xã kiểu mới", "doanh nghiệp nhỏ và vừa", "khu công nghiệp", "cụm công nghiệp", "thương mại điện tử",
		"dịch vụ công trực tuyến", "chữ ký số", "hồ sơ điện tử", "lưu trữ tài liệu", "công tác văn thư", "thi đua, khen thưởng",
		"tuyển dụng công chức", "sắp xếp đơn vị hành chính cấp xã", "tiếp công dân", "giải quyết khiếu nại, tố cáo", "phòng, chống tham nhũng",
		"quốc phòng toàn dân", "tuyển quân", "đảm bảo an ninh trật tự", "người có công với cách mạng", "bảo trợ xã hội",
		"lao động việc làm", "đào tạo nghề", "văn hóa cơ sở", "thể dục thể thao"}
	scopes = []string{"trên địa bàn tỉnh", "năm 2025", "giai đoạn 2021-2025", "quý I", "6 tháng đầu năm", "các huyện miền núi",
		"khu vực ven biển", "trong dịp Tết Nguyên đán", "mùa mưa bão", "tại các xã đặc biệt khó khăn", "", ""}
	issuers = []struct{ name, code, agency string }{
		{"ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "UBND", "ubnd-tinh"}, {"SỞ TÀI CHÍNH", "STC", "so-tc"}, {"SỞ NỘI VỤ", "SNV", "so-nv"},
		{"SỞ XÂY DỰNG", "SXD", "so-xd"}, {"SỞ Y TẾ", "SYT", "so-yt"}, {"SỞ TƯ PHÁP", "STP", "so-tp"}, {"SỞ CÔNG THƯƠNG", "SCT", "so-ct"},
		{"SỞ GIÁO DỤC VÀ ĐÀO TẠO", "SGDĐT", "so-gddt"}, {"SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "SNNMT", "so-nnmt"},
		{"ỦY BAN NHÂN DÂN HUYỆN SƠN TỊNH", "UBND", "ubnd-son-tinh"}, {"ỦY BAN NHÂN DÂN HUYỆN BÌNH SƠN", "UBND", "ubnd-binh-son"},
	}
	people    = []string{"Nguyễn Văn Hùng", "Trần Thị Lan", "Lê Quốc Bình", "Phạm Minh Sơn", "Võ Phước Long", "Đặng Ngọc Mai", "Bùi Đức Tâm", "Huỳnh Thanh Việt"}
	sentences = []string{
		"Thời gian qua, công tác này đã được các cấp, các ngành quan tâm chỉ đạo và đạt được những kết quả tích cực.",
		"Tuy nhiên, việc triển khai ở một số cơ quan, đơn vị còn chậm, chưa đồng bộ; công tác phối hợp có lúc chưa chặt chẽ.",
		"Các cơ quan, đơn vị căn cứ chức năng, nhiệm vụ được giao chủ động xây dựng kế hoạch và tổ chức thực hiện.",
		"Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, kịp thời báo cáo về Ủy ban nhân dân tỉnh để xem xét, giải quyết.",
		"Giao Sở Tài chính chủ trì, phối hợp với các sở, ngành liên quan tham mưu bố trí kinh phí.",
		"Ủy ban nhân dân các huyện, thị xã, thành phố chỉ đạo các phòng, ban chuyên môn triển khai thực hiện.",
		"Kết quả thực hiện gửi về Sở Nội vụ trước ngày 20 hằng tháng để tổng hợp, báo cáo.",
		"Đề nghị các đơn vị nghiêm túc thực hiện, báo cáo kết quả về Văn phòng Ủy ban nhân dân tỉnh.",
		"Quyết định này có hiệu lực kể từ ngày ký.",
		"Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc các sở, ngành chịu trách nhiệm thi hành.",
	}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// Subject draws a trích yếu.
func subject(r *rand.Rand) string {
	s := pick(r, actions) + " " + pick(r, objects)
	if sc := pick(r, scopes); sc != "" {
		s += " " + sc
	}
	return s
}

// Documents draws n documents, the same ones for the same seed.
func Documents(seed uint64, n int) []search.Document {
	r := rand.New(rand.NewPCG(seed, 30))
	out := make([]search.Document, 0, n)
	for i := range n {
		out = append(out, draw(r, fmt.Sprintf("archive/%07d.pdf@1", i), subject(r)))
	}
	return out
}

func draw(r *rand.Rand, id, subj string) search.Document {
	t := pick(r, types)
	is := pick(r, issuers)
	d := search.Document{ID: id, Agency: is.agency, DocType: t, Issuer: is.name, Number: fmt.Sprint(1 + r.IntN(2500)),
		IssuedAt: fmt.Sprintf("%d-%02d-%02d", 2019+r.IntN(8), 1+r.IntN(12), 1+r.IntN(28)), Signer: pick(r, people),
		File: strings.TrimSuffix(id[strings.LastIndex(id, "/")+1:], "@1")}
	d.Symbol = t + "-" + is.code
	if t == "CV" {
		d.Symbol = is.code + "-" + pick(r, []string{"KT", "VX", "NC", "TH", "TCHC"})
	}
	switch t {
	case "CV":
		d.Subject = "V/v " + subj
	case "GM":
		d.Subject = "Mời dự họp " + subj
	default:
		d.Subject = "Về việc " + subj
	}
	if r.IntN(50) == 0 {
		d.Confidentiality = "MẬT"
	}
	if r.IntN(20) == 0 {
		d.Urgency = "Hỏa tốc"
	}
	var b strings.Builder
	if title := titles[t]; title != "" {
		b.WriteString(title + " " + subj + ". ")
	}
	for range 4 + r.IntN(8) {
		b.WriteString(pick(r, sentences) + " ")
		if r.IntN(3) == 0 {
			b.WriteString("Về " + subject(r) + ". ")
		}
	}
	d.Text = strings.TrimSpace(b.String())
	return d
}
