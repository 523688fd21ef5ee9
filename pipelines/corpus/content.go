// Package corpus generates realistic Decree 30 documents with their truth:
// born-digital PDFs and scans (PNG, JPEG, multi-page TIFF, scanned PDF) at
// 200–300 dpi, with rotation, noise, blur, red seals, urgency stamps and
// handwritten-looking numbers and days. Tests use small fixtures made by
// it; eval and benchmarks use larger sets, never committed.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/vanthu/vanthu/pipelines/classify"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// Spec is one document to render: what its truth says.
type Spec struct {
	Type, Code     string // type code, and the issuer code of the symbol
	Parent, Issuer []string
	Number         int
	Symbol         string
	Date           time.Time
	Place          string
	Subject        []string // lines of the trích yếu (as printed, wrapped)
	KinhGui        []string
	Body           []string // paragraphs
	Authority      []string
	SignerTitle    string
	Signer         string
	// SignerRank is printed before the name (a police or army officer:
	// "Đại tá"); it is not part of the signer's name.
	SignerRank        string
	Recipients        []string
	Urgency, Secrecy  string
	MeetingTime       time.Time
	MeetingPlace      string
	Tasks             []doc.Task
	HandwrittenNumber bool // number and day left blank and written in by hand
	// PenNote is a leader's or clerk's note written by pen in the top
	// margin of page 1 ("Chuyển P.KT tham mưu"): not a field, not the
	// printed text, but ink the reading must not take for either.
	PenNote string
	// Table is a báo cáo's table of indicators, drawn after the body's
	// paragraph TableAfter (counted from 1); Figures the truth of it and
	// of the figures the sentences state.
	Table      *Table
	TableAfter int
	Figures    []TruthFigure
}

// PenNotes are what a leader writes on a document received (bút phê).
var PenNotes = []string{
	"Chuyển P.KT tham mưu", "Đ/c Hùng xử lý, báo cáo trước 20/3", "VP theo dõi",
	"Giao Sở TC chủ trì", "Kính chuyển đ/c PCT xem xét", "Lưu hồ sơ", "Phòng TH nghiên cứu, đề xuất",
}

type issuerT struct {
	parent []string
	lines  []string
	code   string
	place  string
	head   string // the title of the head of the body ("CHỦ TỊCH", "GIÁM ĐỐC")
	tm     string // "TM. ỦY BAN NHÂN DÂN" for collective bodies, else ""
}

var provincesUsed = []string{"Quảng Ngãi", "Bình Định", "Nghệ An", "Thanh Hóa", "Đồng Nai", "Lâm Đồng", "Khánh Hòa", "Hà Tĩnh", "Quảng Nam", "Bắc Ninh"}

var departments = []struct{ name, code string }{
	{"SỞ TÀI CHÍNH", "STC"}, {"SỞ NỘI VỤ", "SNV"}, {"SỞ XÂY DỰNG", "SXD"}, {"SỞ Y TẾ", "SYT"},
	{"SỞ TƯ PHÁP", "STP"}, {"SỞ CÔNG THƯƠNG", "SCT"}, {"SỞ GIÁO DỤC VÀ ĐÀO TẠO", "SGDĐT"},
	{"SỞ KẾ HOẠCH VÀ ĐẦU TƯ", "SKHĐT"},
}

var districts = []string{"Sơn Tịnh", "Mộ Đức", "Đức Phổ", "Bình Sơn", "Tư Nghĩa", "Nghĩa Hành"}

var deptNames = []string{"Sở Tài chính", "Sở Nội vụ", "Sở Xây dựng", "Sở Y tế", "Sở Tư pháp", "Sở Công Thương",
	"Sở Giáo dục và Đào tạo", "Sở Kế hoạch và Đầu tư", "Sở Giao thông vận tải", "Sở Tài nguyên và Môi trường",
	"Công an tỉnh", "Thanh tra tỉnh", "Ban Quản lý Khu kinh tế"}

var familyNames = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Phan", "Huỳnh", "Ngô"}
var middleNames = []string{"Văn", "Thị", "Hoàng", "Quốc", "Minh", "Phước", "Thanh", "Đức", "Ngọc", "Trường"}
var givenNames = []string{"Giang", "Hiền", "Bình", "Long", "Thọ", "Việt", "Hùng", "Lan", "Mai", "Sơn", "Tâm", "Phúc", "Dũng", "Hương", "Khoa"}

var topics = []string{
	"tăng cường công tác phòng, chống thiên tai trên địa bàn tỉnh",
	"triển khai thực hiện chuyển đổi số trong cơ quan nhà nước",
	"điều chỉnh dự toán ngân sách của một số đơn vị năm 2025",
	"đẩy mạnh cải cách thủ tục hành chính",
	"tổ chức Hội nghị tổng kết công tác năm 2024 và triển khai nhiệm vụ năm 2025",
	"phê duyệt Kế hoạch ứng phó sự cố tràn dầu",
	"thành lập Tổ công tác rà soát các dự án đầu tư công",
	"tăng cường quản lý trật tự xây dựng đô thị",
	"bảo đảm an toàn thực phẩm trong dịp Tết Nguyên đán",
	"hỗ trợ quà Tết cho hộ nghèo, hộ cận nghèo",
	"kiện toàn Ban Chỉ đạo phát triển du lịch",
	"thực hiện chế độ báo cáo thống kê định kỳ",
}

var tasksText = []string{
	"tổ chức triển khai thực hiện và báo cáo kết quả về Ủy ban nhân dân tỉnh",
	"rà soát, tổng hợp danh mục dự án và đề xuất phương án xử lý",
	"xây dựng kế hoạch chi tiết, trình Ủy ban nhân dân tỉnh phê duyệt",
	"hướng dẫn các địa phương triển khai thực hiện theo đúng quy định",
	"kiểm tra, đôn đốc việc thực hiện và tham mưu xử lý các vướng mắc phát sinh",
}

var bodyFiller = []string{
	"Thời gian qua, công tác này đã được các cấp, các ngành quan tâm chỉ đạo và đạt được những kết quả tích cực, góp phần ổn định tình hình kinh tế - xã hội của địa phương.",
	"Tuy nhiên, việc triển khai ở một số cơ quan, đơn vị còn chậm, chưa đồng bộ; công tác phối hợp giữa các ngành và địa phương có lúc chưa chặt chẽ, hiệu quả chưa cao.",
	"Để khắc phục những hạn chế nêu trên và nâng cao hiệu quả thực hiện trong thời gian tới, các cơ quan, đơn vị cần quán triệt và thực hiện nghiêm các nội dung sau đây.",
	"Các cơ quan, đơn vị căn cứ chức năng, nhiệm vụ được giao chủ động xây dựng kế hoạch, bố trí nguồn lực và tổ chức thực hiện có hiệu quả các nhiệm vụ được phân công.",
	"Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị kịp thời báo cáo về Ủy ban nhân dân tỉnh để xem xét, giải quyết theo thẩm quyền.",
}

// Types generated, with their title (empty for công văn).
var Types = []string{"QĐ", "CV", "TB", "GM", "BC", "KH", "TTr", "CT", "HD"}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func name(r *rand.Rand) string {
	return pick(r, familyNames) + " " + pick(r, middleNames) + " " + pick(r, givenNames)
}

// NewSpec draws a document of type t.
func NewSpec(r *rand.Rand, t string) Spec {
	prov := pick(r, provincesUsed)
	up := strings.ToUpper(prov)
	var is issuerT
	police := false
	switch v := r.IntN(12); {
	case v < 4:
		d := pick(r, departments)
		is = issuerT{parent: []string{"UBND TỈNH " + up}, lines: []string{d.name}, code: d.code, place: prov, head: "GIÁM ĐỐC"}
	case v == 4:
		// Other bodies lay their headers out otherwise: the police, its
		// ministry above it and an officer's rank before the name.
		is = issuerT{parent: []string{"BỘ CÔNG AN"}, lines: []string{"CÔNG AN TỈNH " + up}, code: "CAT-" + pick(r, []string{"PV01", "PC06", "PX03"}), place: prov, head: "GIÁM ĐỐC"}
		police = true
	case v == 5:
		// A district, its issuer on two lines beside the motto.
		d := pick(r, districts)
		is = issuerT{lines: []string{"ỦY BAN NHÂN DÂN", "HUYỆN " + strings.ToUpper(d)}, code: "UBND", place: d, head: "CHỦ TỊCH", tm: "TM. ỦY BAN NHÂN DÂN"}
	default:
		is = issuerT{lines: []string{"ỦY BAN NHÂN DÂN", "TỈNH " + up}, code: "UBND", place: prov, head: "CHỦ TỊCH", tm: "TM. ỦY BAN NHÂN DÂN"}
	}
	date := time.Date(2023+r.IntN(3), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	s := Spec{Type: t, Parent: is.parent, Issuer: is.lines, Number: 1 + r.IntN(999), Date: date, Place: prov}
	if t == "CV" {
		units := []string{"KTTH", "VX", "NC", "TH", "KGVX", "TCHC"}
		s.Symbol = is.code + "-" + pick(r, units)
	} else {
		s.Symbol = t + "-" + is.code
	}
	topic := pick(r, topics)
	if t == "CV" {
		s.Subject = []string{"V/v " + topic}
	} else if t == "GM" {
		s.Subject = []string{"Dự Hội nghị " + strings.TrimPrefix(topic, "tổ chức Hội nghị ")}
	} else {
		s.Subject = []string{"Về việc " + topic}
	}
	// Signature: the head, or a deputy (KT.), or the office by delegation (TL.).
	switch r.IntN(3) {
	case 0:
		s.SignerTitle = is.head
		if is.tm != "" {
			s.Authority = []string{is.tm}
		}
	case 1:
		if is.tm != "" {
			s.Authority = []string{is.tm, "KT. " + is.head}
		} else {
			s.Authority = []string{"KT. " + is.head}
		}
		s.SignerTitle = "PHÓ " + is.head
	default:
		if is.head == "CHỦ TỊCH" {
			s.Authority = []string{"TL. CHỦ TỊCH"}
			s.SignerTitle = "CHÁNH VĂN PHÒNG"
		} else {
			s.Authority = []string{"KT. " + is.head}
			s.SignerTitle = "PHÓ " + is.head
		}
	}
	s.Signer = name(r)
	if police {
		s.SignerRank = pick(r, []string{"Đại tá", "Thượng tá", "Trung tá"})
	}
	// Body and tasks.
	nTasks := 1 + r.IntN(2)
	var paras []string
	paras = append(paras, pick(r, bodyFiller))
	if t == "QĐ" {
		paras = []string{"Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
			fmt.Sprintf("Xét đề nghị của Giám đốc %s tại Tờ trình số %d/TTr-%s ngày %s.", pick(r, deptNames[:8]), 10+r.IntN(300), pick(r, departments).code, date.AddDate(0, 0, -7).Format("02/01/2006")),
			"QUYẾT ĐỊNH:",
			"Điều 1. Phê duyệt nội dung " + topic + " theo đề nghị của cơ quan chuyên môn."}
	}
	if t == "GM" {
		s.MeetingTime = time.Date(date.Year(), date.Month(), date.Day(), 8+r.IntN(8), 30*r.IntN(2), 0, 0, time.UTC).AddDate(0, 0, 3+r.IntN(10))
		s.MeetingPlace = fmt.Sprintf("Phòng họp số %d, Ủy ban nhân dân tỉnh %s", 1+r.IntN(5), prov)
		paras = []string{
			fmt.Sprintf("%s trân trọng kính mời đại diện lãnh đạo các cơ quan, đơn vị dự Hội nghị %s.", titleCase(strings.Join(is.lines, " ")), topic),
			fmt.Sprintf("Thời gian: %d giờ %02d phút, ngày %s.", s.MeetingTime.Hour(), s.MeetingTime.Minute(), s.MeetingTime.Format("02/01/2006")),
			"Địa điểm: " + s.MeetingPlace + ".",
		}
		nTasks = 1
	}
	for i := range nTasks {
		unit := pick(r, deptNames)
		due := date.AddDate(0, 0, 10+r.IntN(60))
		task := pick(r, tasksText)
		s.Tasks = append(s.Tasks, doc.Task{Assignee: unit, Task: "chủ trì, phối hợp với các cơ quan, đơn vị liên quan " + task + " trước ngày " + due.Format("02/01/2006"), Due: due.Format("2006-01-02")})
		prefix := fmt.Sprintf("%d. ", i+1)
		if t == "QĐ" {
			prefix = fmt.Sprintf("Điều %d. ", i+2)
		}
		paras = append(paras, prefix+"Giao "+unit+" chủ trì, phối hợp với các cơ quan, đơn vị liên quan "+task+" trước ngày "+due.Format("02/01/2006")+".")
	}
	if r.IntN(3) == 0 {
		// A long document runs onto a second page.
		for range 6 {
			paras = append(paras, pick(r, bodyFiller))
		}
	}
	paras = append(paras, pick(r, bodyFiller[3:]))
	s.Body = paras
	if t == "CV" || t == "BC" || t == "TTr" {
		s.KinhGui = []string{pick(r, deptNames)}
	}
	s.Recipients = []string{"Như trên", "CT, các PCT UBND tỉnh", "Lưu: VT"}
	if len(s.KinhGui) == 0 {
		s.Recipients = []string{"Như " + map[bool]string{true: "Điều 3", false: "trên"}[t == "QĐ"], pick(r, deptNames), "Lưu: VT"}
	}
	switch r.IntN(6) {
	case 0:
		s.Urgency = pick(r, []string{"HỎA TỐC", "THƯỢNG KHẨN", "KHẨN"})
	case 1:
		s.Secrecy = "MẬT"
	}
	return s
}

func titleCase(s string) string {
	ws := strings.Fields(strings.ToLower(s))
	for i, w := range ws {
		rs := []rune(w)
		rs[0] = []rune(strings.ToUpper(string(rs[0])))[0]
		ws[i] = string(rs)
	}
	return strings.Join(ws, " ")
}

// Truth is the labelled record of a spec, as truth.jsonl holds it.
func (s Spec) Truth(file string, pages int, text string) map[string]any {
	mt := ""
	if !s.MeetingTime.IsZero() {
		mt = s.MeetingTime.Format("2006-01-02T15:04")
	}
	auth := strings.Join(s.Authority, " / ")
	t := map[string]any{
		"file": file, "doc_type": s.Type, "number": fmt.Sprintf("%02d", s.Number), "symbol": s.Symbol,
		"issuer": strings.Join(s.Issuer, " "), "parent": strings.Join(s.Parent, " "),
		"issued_at": s.Date.Format("2006-01-02"), "place": s.Place, "subject": strings.Join(s.Subject, " "),
		"signer": s.Signer, "signer_title": s.SignerTitle, "signing_authority": auth,
		"recipients": append(append([]string{}, s.KinhGui...), s.Recipients...),
		"urgency":    s.Urgency, "confidentiality": s.Secrecy, "meeting_time": mt, "meeting_place": s.MeetingPlace,
		"tasks": s.Tasks, "pages": pages, "text": text,
		// Not a record key: tells eval which numbers and days were written
		// by hand, so it can report how often those are read.
		"handwritten": s.HandwrittenNumber,
		// Not a record key either: the pen note written in the margin.
		"pen_note": s.PenNote,
	}
	if len(s.Figures) > 0 {
		// Not a key of the contract's output: the figures a report
		// states, scored by FindIndicator (the record's "figures").
		t["figures"] = s.Figures
	}
	return t
}

// TypeName is the printed title of the type ("" for công văn).
func TypeName(t string) string {
	if t == "CV" {
		return ""
	}
	return classify.Name(t)
}
