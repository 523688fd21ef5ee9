package archive

import (
	"fmt"
	"math/rand/v2"

	"github.com/vanthu/vanthu/internal/search"
)

// The harder labelled set: where a search engine differs from folding
// everything to ASCII. Each group is measured on its own.
const (
	GroupSpelling = "spelling" // two documents fold alike; the query's spelling picks one
	GroupTypo     = "typo"     // the query is misspelt
	GroupOCR      = "ocr"      // the document's text came from OCR, with its errors
)

// spellingPairs: the wanted subject, a decoy holding every word of the
// query once folded, and the query as typed with its marks.
var spellingPairs = []struct{ want, decoy, query string }{
	{"thành lập Ban quản lý chợ Bàu Ấu", "bán đấu giá quyền quản lý chợ Bàu Ấu", "ban quản lý chợ Bàu Ấu"},
	{"nâng cấp hồ chứa nước Núi Ngang", "hỗ trợ hộ nghèo chứa nước mưa tại Núi Ngang", "hồ chứa nước Núi Ngang"},
	{"thành lập tổ công tác kiểm tra giá xăng dầu", "mẫu tờ trình công tác kiểm tra giá xăng dầu", "tổ công tác kiểm tra giá"},
	{"Đại hội Hội Nghề cá huyện Bình Sơn", "thu hồi giấy phép nghề cá tại Bình Sơn", "hội nghề cá Bình Sơn"},
	{"gia cố đê biển Đức Phong", "đề xuất khu bảo tồn biển Đức Phong", "đê biển Đức Phong"},
	{"trồng tre chắn sóng tại Phổ Thạnh", "trẻ em vùng bãi ngang Phổ Thạnh được hỗ trợ trồng cây chắn sóng", "trồng tre chắn sóng Phổ Thạnh"},
	{"sửa chữa tuyến cáp quang biển ra đảo Lý Sơn", "cấp kinh phí cho Trường Trần Quang Khải, Lý Sơn", "cáp quang Lý Sơn"},
	{"đóng cửa bãi rác Nghĩa Kỳ", "bài tuyên truyền phân loại rác tại Nghĩa Kỳ", "bãi rác Nghĩa Kỳ"},
	{"xử lý sự cố vỡ đường ống nước Dương Quang", "đường ống nước dưới cầu Dương Quang vỡ do sự cố", "đường ống Dương Quang"},
	{"kiểm tra mã số vùng trồng sầu riêng Sơn Hà", "má số vùng trồng sầu riêng Sơn Hà", "mã số vùng trồng Sơn Hà"},
	{"cấm tàu thuyền ra khơi do bão tại Sa Huỳnh", "tâu trình thuyền rồng ra khơi bão Sa Huỳnh", "tàu thuyền ra khơi Sa Huỳnh"},
	{"chống hạn cho lúa vụ hè thu ở Mộ Đức", "hàn khẩu kênh chống lúa đổ vụ hè thu ở Mộ Đức", "chống hạn lúa hè thu Mộ Đức"},
}

// typos: a needle's query (by its index) as a hurried clerk types it.
var typos = []struct {
	needle int
	query  string
}{
	{0, "tổ công tac Bàu Giangg"},
	{2, "tràn dầu Sa Kì"},
	{3, "bão Kalmegi"},
	{6, "khai thác cát sông Trà Khú"},
	{9, "karaoke Ánh Dươngg"},
	{11, "khánh thành cầu Cữa Đại"},
	{13, "bến đò Cổ Lủy"},
	{18, "đập thủy điện Đăkđrinh"},
	{19, "tôm hùm lồng Lí Sơn"},
	{23, "đề án 06 định danh điện tữ"},
	{31, "di dời sạt lỡ núi Cấm"},
	{35, "lấn chiếm vĩa hè Quang Trung"},
	{40, "thẻ bảo hiễm y tế dân tộc thiểu số"},
	{45, "cải tạo quãng trường Phạm Văn Đồng"},
	{47, "hội thi văn thư lưu trử giỏi"},
}

// ocrNeedles: a subject as printed, as Tesseract read it (marks lost or
// wrong, letters confused), and the query a clerk types for it.
var ocrNeedles = []struct{ printed, read, query string }{
	{"phòng, chống dịch sốt xuất huyết tại Tư Nghĩa", "phòng, chổng dich sôt xuât huyêt tại Tu Nghĩa", "sốt xuất huyết Tư Nghĩa"},
	{"kiểm tra an toàn thực phẩm bếp ăn tập thể KCN Tịnh Phong", "kiềm tra an toàn thục phấm bêp ăn tập thê KCN Tinh Phong", "an toàn thực phẩm Tịnh Phong"},
	{"cứu hộ tàu cá QNg 90479 TS gặp nạn", "cứu hô tàu cá QNg 90479 TS găp nan", "cứu hộ tàu cá gặp nạn"},
	{"bổ sung kinh phí cho Trung tâm Y tế huyện Minh Long", "bổ sung kinh phi cho Trung tâm Y tê huyện Mính Lông", "kinh phí y tế Minh Long"},
	{"tu bổ di tích Khu chứng tích Sơn Mỹ", "tu bồ di tich Khu chúng tích Sơn Mŷ", "di tích chứng tích Sơn Mỹ"},
	{"nạo vét luồng vào cảng cá Tịnh Kỳ", "nao vết luông vào cảng cả Tịnh Kỷ", "nạo vét cảng cá Tịnh Kỳ"},
	{"cấp giấy chứng nhận quyền sử dụng đất cho đồng bào Cor ở Trà Bồng", "cấp giây chứng nhân quyên sử dụng đât cho đồng bảo Cor ở Trà Bông", "đồng bào Cor Trà Bồng"},
	{"phòng cháy rừng phòng hộ Bình Sơn mùa khô", "phòng chảy rùng phòng hộ Binh Sơn mủa khô", "cháy rừng phòng hộ Bình Sơn"},
	{"tiêm vắc xin phòng bệnh lở mồm long móng", "tiêm văc xin phòng bênh lở mổm long mong", "vắc xin lở mồm long móng"},
	{"hỗ trợ học bổng cho học sinh nghèo vượt khó", "hỗ trơ hoc bồng cho hoc sinh nghẽo vượt khỏ", "học bổng học sinh nghèo vượt khó"},
}

// Hard returns the documents of the harder set and its queries, by
// group. The typo queries look for Relevance's needles: use both sets.
func Hard(seed uint64) ([]search.Document, []Labelled) {
	r := rand.New(rand.NewPCG(seed, 51))
	var docs []search.Document
	var qs []Labelled
	for i, p := range spellingPairs {
		want := draw(r, fmt.Sprintf("spelling/%02d.pdf@1", i), p.want)
		decoy := draw(r, fmt.Sprintf("spelling/%02d-decoy.pdf@1", i), p.decoy)
		decoy.Agency = want.Agency
		want.Confidentiality, decoy.Confidentiality = "", ""
		docs = append(docs, want, decoy)
		qs = append(qs, Labelled{Query: p.query, Agency: want.Agency, Want: want.ID, Group: GroupSpelling})
	}
	needles, _ := Relevance(seed)
	for _, t := range typos {
		qs = append(qs, Labelled{Query: t.query, Agency: needles[t.needle].Agency, Want: needles[t.needle].ID, Group: GroupTypo})
	}
	for i, o := range ocrNeedles {
		d := draw(r, fmt.Sprintf("ocr/%02d.pdf@1", i), o.read)
		d.Confidentiality = ""
		docs = append(docs, d)
		qs = append(qs, Labelled{Query: o.query, Agency: d.Agency, Want: d.ID, Group: GroupOCR})
	}
	return docs, qs
}
