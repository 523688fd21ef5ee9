package archive

import (
	"fmt"
	"math/rand/v2"

	"github.com/vanthu/vanthu/internal/search"
)

// Labelled is a query a clerk would type and the document it is for.
type Labelled struct {
	Query  string // as typed, with accents
	Agency string // whose archive is searched
	Want   string // the document's ID
	Group  string // "" for the needles; GroupSpelling, GroupTypo, GroupOCR
}

// needles are documents written by hand into the archive, each with the
// query a clerk looking for it would type: a distinctive detail among
// words every other document shares.
var needles = []struct{ subject, query string }{
	{"thành lập Tổ công tác rà soát dự án Khu dân cư Bàu Giang", "tổ công tác Bàu Giang"},
	{"phê duyệt phương án bồi thường dự án đường Trì Bình - Dung Quất", "bồi thường Trì Bình Dung Quất"},
	{"kế hoạch ứng phó sự cố tràn dầu tại cảng Sa Kỳ", "tràn dầu Sa Kỳ"},
	{"hỗ trợ kinh phí khắc phục hậu quả bão số 13 (Kalmaegi)", "bão Kalmaegi"},
	{"tổ chức Lễ hội Điện Trường Bà năm 2025", "lễ hội Điện Trường Bà"},
	{"điều chỉnh chủ trương đầu tư Nhà máy thép Hòa Phát Dung Quất 2", "nhà máy thép Hòa Phát"},
	{"cấp phép khai thác cát lòng sông Trà Khúc", "khai thác cát sông Trà Khúc"},
	{"xử lý sạt lở bờ biển thôn Châu Me, xã Bình Châu", "sạt lở Châu Me"},
	{"giao đất cho Trường THPT chuyên Lê Khiết mở rộng khuôn viên", "giao đất trường Lê Khiết"},
	{"thu hồi giấy phép kinh doanh karaoke Ánh Dương", "karaoke Ánh Dương"},
	{"phòng, chống bệnh dại trên chó nuôi tại huyện Ba Tơ", "bệnh dại Ba Tơ"},
	{"mời dự lễ khánh thành cầu Cửa Đại", "khánh thành cầu Cửa Đại"},
	{"tiếp nhận hàng cứu trợ của Hội Chữ thập đỏ Nhật Bản", "cứu trợ Chữ thập đỏ Nhật Bản"},
	{"tạm dừng hoạt động bến đò Cổ Lũy trong mùa lũ", "bến đò Cổ Lũy"},
	{"công nhận xã Tịnh Khê đạt chuẩn nông thôn mới nâng cao", "Tịnh Khê nông thôn mới nâng cao"},
	{"bảo tồn di tích Thành cổ Châu Sa", "di tích thành cổ Châu Sa"},
	{"quy hoạch chi tiết Khu du lịch Mỹ Khê", "quy hoạch khu du lịch Mỹ Khê"},
	{"xét tặng danh hiệu Nghệ nhân ưu tú nghề làm đường phổ tấn", "nghệ nhân đường phổ tấn"},
	{"kiểm tra an toàn đập thủy điện Đakđrinh", "đập thủy điện Đakđrinh"},
	{"thí điểm mô hình nuôi tôm hùm lồng ở đảo Lý Sơn", "tôm hùm lồng Lý Sơn"},
	{"trồng tỏi Lý Sơn theo tiêu chuẩn VietGAP", "tỏi VietGAP"},
	{"bổ nhiệm Phó Giám đốc Bệnh viện Đa khoa tỉnh", "bổ nhiệm phó giám đốc bệnh viện đa khoa"},
	{"mua sắm máy chụp cộng hưởng từ (MRI) cho Bệnh viện Sản - Nhi", "máy MRI bệnh viện Sản Nhi"},
	{"triển khai Đề án 06 về dữ liệu dân cư và định danh điện tử", "đề án 06 định danh điện tử"},
	{"nâng cấp Cổng dịch vụ công tỉnh kết nối VNeID", "cổng dịch vụ công VNeID"},
	{"chấm dứt hợp đồng thuê đất của Công ty TNHH Thủy sản Sa Huỳnh", "thuê đất thủy sản Sa Huỳnh"},
	{"đình chỉ cơ sở sản xuất nước mắm gây ô nhiễm tại Đức Lợi", "nước mắm ô nhiễm Đức Lợi"},
	{"tổ chức giải đua thuyền truyền thống trên sông Trà Bồng", "đua thuyền sông Trà Bồng"},
	{"hỗ trợ ngư dân bám biển Hoàng Sa, Trường Sa", "ngư dân bám biển Hoàng Sa"},
	{"sửa chữa Kênh chính Bắc Thạch Nham", "kênh Thạch Nham"},
	{"cấp nước sinh hoạt cho xã đảo An Bình", "nước sinh hoạt An Bình"},
	{"di dời hộ dân vùng sạt lở núi Cấm, huyện Sơn Tây", "di dời sạt lở núi Cấm"},
	{"xây dựng Nhà văn hóa thôn Gò Da", "nhà văn hóa Gò Da"},
	{"tuyển sinh lớp 10 Trường Phổ thông Dân tộc nội trú tỉnh", "tuyển sinh dân tộc nội trú"},
	{"kiểm tra giá sữa bột cho trẻ em dưới 6 tuổi", "giá sữa bột trẻ em"},
	{"xử lý vi phạm lấn chiếm vỉa hè đường Quang Trung", "lấn chiếm vỉa hè Quang Trung"},
	{"lắp đặt camera giám sát giao thông tại nút giao Ba La", "camera nút giao Ba La"},
	{"phòng, chống cúm gia cầm H5N1 tại Mộ Đức", "cúm gia cầm H5N1"},
	{"quản lý tàu cá vi phạm khai thác IUU", "tàu cá IUU"},
	{"gỡ thẻ vàng IUU của Ủy ban châu Âu", "thẻ vàng châu Âu"},
	{"cấp thẻ bảo hiểm y tế cho người dân tộc thiểu số vùng khó khăn", "thẻ bảo hiểm y tế dân tộc thiểu số"},
	{"tăng cường kiểm soát pháo nổ dịp Tết Bính Ngọ", "pháo nổ Tết Bính Ngọ"},
	{"chi trả trợ cấp cho người cao tuổi từ đủ 80 tuổi", "trợ cấp người cao tuổi 80 tuổi"},
	{"số hóa hồ sơ hộ tịch tại Ủy ban nhân dân xã Nghĩa Hà", "số hóa hộ tịch Nghĩa Hà"},
	{"khen thưởng đột xuất lực lượng cứu hộ vụ cháy chợ Thu Xà", "cháy chợ Thu Xà"},
	{"cải tạo Quảng trường Phạm Văn Đồng", "quảng trường Phạm Văn Đồng"},
	{"gia hạn thời gian thực hiện dự án Khu đô thị mới Phú Mỹ", "gia hạn khu đô thị Phú Mỹ"},
	{"tổ chức Hội thi văn thư lưu trữ giỏi năm 2025", "hội thi văn thư lưu trữ giỏi"},
	{"điều động ô tô chuyên dùng phục vụ công tác phòng chống lụt bão", "điều động ô tô chuyên dùng"},
	{"hướng dẫn dạy thêm, học thêm theo Thông tư 29", "dạy thêm học thêm Thông tư 29"},
}

// Relevance adds the labelled documents to an archive drawn from seed and
// returns them with their queries: the document of every second query is
// found by its number and symbol instead of its words.
func Relevance(seed uint64) ([]search.Document, []Labelled) {
	r := rand.New(rand.NewPCG(seed, 50))
	var docs []search.Document
	var qs []Labelled
	for i, n := range needles {
		d := draw(r, fmt.Sprintf("needle/%02d.pdf@1", i), n.subject)
		d.Confidentiality = ""
		d.Number = fmt.Sprint(3000 + i) // beyond the archive's numbers: one answer
		docs = append(docs, d)
		qs = append(qs, Labelled{Query: n.query, Agency: d.Agency, Want: d.ID})
		if i%2 == 0 {
			qs = append(qs, Labelled{Query: d.Number + "/" + d.Symbol, Agency: d.Agency, Want: d.ID})
		}
	}
	return docs, qs
}
