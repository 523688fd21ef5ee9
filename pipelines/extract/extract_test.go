package extract

import (
	"strings"
	"testing"

	"github.com/vanthu/vanthu/pipelines/doc"
)

// pageOf lays out text lines as a page: each entry is "x,y|text" in
// percent of an A4 page at 300 dpi; words get even widths.
func pageOf(n int, entries ...string) doc.Page {
	const w, h = 2480.0, 3508.0
	var words []doc.Word
	for _, e := range entries {
		pos, text, _ := strings.Cut(e, "|")
		var x, y float64
		for i, p := range strings.Split(pos, ",") {
			var v float64
			for _, c := range p {
				v = v*10 + float64(c-'0')
			}
			if i == 0 {
				x = v / 100 * w
			} else {
				y = v / 100 * h
			}
		}
		for _, t := range strings.Fields(text) {
			ww := float64(len([]rune(t))) * 28
			words = append(words, doc.Word{Text: t, Box: doc.Box{X: x, Y: y, W: ww, H: 55}, Conf: 0.95})
			x += ww + 18
		}
	}
	return doc.Page{Number: n, Width: w, Height: h, Lines: doc.BuildLines(words, 0.022*w), Source: doc.SourceOCR}
}

func decision() []doc.Page {
	p1 := pageOf(1,
		"18,8|UBND TỈNH QUẢNG NGÃI", "55,8|CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"20,10|SỞ TÀI CHÍNH", "58,10|Độc lập - Tự do - Hạnh phúc",
		"18,13|Số: 06/2024/QĐ-STC", "52,13|Quảng Ngãi, ngày 05 tháng 01 năm 2024",
		"44,17|QUYẾT ĐỊNH",
		"34,19|Về việc thành lập Tổ công tác",
		"33,21|rà soát các dự án đầu tư công",
		"17,25|Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015 và các văn bản",
		"20,28|Điều 1. Thành lập Tổ công tác rà soát các dự án đầu tư công của tỉnh năm 2024 theo",
		"20,30|Điều 2. Giao Sở Kế hoạch và Đầu tư chủ trì, phối hợp với các đơn vị tổng hợp danh mục trước ngày 20/01/2024.",
		"17,40|Nơi nhận:", "60,40|KT. GIÁM ĐỐC",
		"17,42|- Như Điều 3;", "60,42|PHÓ GIÁM ĐỐC",
		"17,44|- Lưu: VT, TCHC.",
		"60,52|Trần Phước Hiền",
	)
	return []doc.Page{p1}
}

func TestExtractDecision(t *testing.T) {
	r := Extract(decision()).Record
	want := map[string]string{
		"doc_type": r.DocType, "number": r.Number, "symbol": r.Symbol, "issuer": r.Issuer, "parent": r.Parent,
		"issued_at": r.IssuedAt, "place": r.Place, "subject": r.Subject, "signer": r.Signer,
		"signer_title": r.SignerTitle, "signing_authority": r.SigningAuthority,
	}
	expect := map[string]string{
		"doc_type": "QĐ", "number": "06", "symbol": "2024/QĐ-STC", "issuer": "SỞ TÀI CHÍNH", "parent": "UBND TỈNH QUẢNG NGÃI",
		"issued_at": "2024-01-05", "place": "Quảng Ngãi", "subject": "Về việc thành lập Tổ công tác rà soát các dự án đầu tư công",
		"signer": "Trần Phước Hiền", "signer_title": "PHÓ GIÁM ĐỐC", "signing_authority": "KT. GIÁM ĐỐC",
	}
	for k, v := range expect {
		if want[k] != v {
			t.Errorf("%s = %q, want %q", k, want[k], v)
		}
	}
	if len(r.Tasks) != 1 || r.Tasks[0].Assignee != "Sở Kế hoạch và Đầu tư" || r.Tasks[0].Due != "2024-01-20" {
		t.Errorf("tasks = %+v", r.Tasks)
	}
	if strings.Join(r.Recipients, "|") != "Như Điều 3|Lưu: VT, TCHC" {
		t.Errorf("recipients = %q", r.Recipients)
	}
	if r.Evidence["number"].Page != 1 || r.Evidence["number"].Box[2] == 0 || r.Confidence["number"] <= 0 {
		t.Errorf("number evidence %+v confidence %v", r.Evidence["number"], r.Confidence["number"])
	}
}

func TestNumberOCRTolerance(t *testing.T) {
	cases := []struct {
		line, num, sym string
		blank          bool
	}{
		{"Số: 46/TB-UBND", "46", "TB-UBND", false},
		{"Số: 46 /tb- ubnd", "46", "TB-UBND", false},
		{"Số: 12/TTR-UBND", "12", "TTr-UBND", false},
		{"Số:           /CT-UBND", "", "CT-UBND", true},
		{"Số: # /CT-UBND", "", "CT-UBND", true},
		{"_Số: 21/BC-SKHĐT", "21", "BC-SKHĐT", false},
		{"Số: 4/0 /HD-SCT", "", "HD-SCT", true},
		{"Số: 47/QĐÐ-UBND", "47", "QĐ-UBND", false},
		{"Số: 299/“UBND-TTHC", "299", "UBND-TTHC", false},
		// The slash lost to a blurred photo.
		{"Số: UBND-KGVX", "", "UBND-KGVX", true},
		{"só. §34 UBND-KTTH", "", "UBND-KTTH", true},
		// The symbol lost (a line of its own, too faint to keep): the number
		// line still anchors the header, its symbol left for review.
		{"Sẽ: z3", "", "", true},
		{"SỐ Q13 /CT SXD", "", "CT-SXD", true},
		{"Số:", "", "", true},
	}
	for _, c := range cases {
		p := pageOf(1, "18,13|"+c.line)
		lay := newLayout([]doc.Page{p})
		l, _ := lay.pages[0][0].side(true)
		n, ok := parseNumber(l)
		if !ok {
			t.Errorf("%q: not parsed", c.line)
			continue
		}
		// The blank's box is found either way: on a scanned page a number
		// read is read again there.
		if n.num != c.num || n.sym != c.sym || (n.num == "") != c.blank || n.blank.W <= 0 {
			t.Errorf("%q: got %q %q unread=%v box %+v", c.line, n.num, n.sym, n.num == "", n.blank)
		}
	}
}

// Without its slash a line is a number line only when "Số:" starts it
// and a symbol follows at most one word after.
func TestNumberWithoutSlashNeedsItsShape(t *testing.T) {
	for _, line := range []string{"Sở Tài chính UBND-KGVX", "Số: văn bản trả lời UBND-KGVX", "Số: 12 của UBND", "Số: 1234567"} {
		p := pageOf(1, "18,13|"+line)
		lay := newLayout([]doc.Page{p})
		l, _ := lay.pages[0][0].side(true)
		if n, ok := parseNumber(l); ok {
			t.Errorf("%q read as a number line: %+v", line, n)
		}
	}
}

func TestDateLine(t *testing.T) {
	cases := map[string]string{
		"Hà Nội, ngày 09 tháng 02 năm 2023":       "2023-02-09",
		"Quảng Ngãi, ngảy 5 thảng 01 nãm 2025":    "2025-01-05",
		"Quảng Ngãi, ngày      tháng 01 năm 2025": "", // handwritten blank
	}
	for line, want := range cases {
		p := pageOf(1, "52,13|"+line)
		lay := newLayout([]doc.Page{p})
		l, _ := lay.pages[0][0].side(false)
		d, blank, ok := parseDate(l)
		if !ok {
			t.Errorf("%q: not parsed", line)
			continue
		}
		got := ""
		if d.day > 0 {
			got = isoDate(itoa(d.day), itoa(d.month), itoa(d.year))
		}
		if got != want || (want == "") != (blank.W > 0) {
			t.Errorf("%q: got %q blank %v", line, got, blank)
		}
	}
}

func itoa(i int) string {
	return strings.TrimLeft(strings.Repeat("0", 4)+string(rune('0'+i/1000%10))+string(rune('0'+i/100%10))+string(rune('0'+i/10%10))+string(rune('0'+i%10)), "0")
}

func TestTasksAndMeeting(t *testing.T) {
	body := "1. Giao Sở Giao thông vận tải chủ trì, phối hợp Sở Nông nghiệp và Phát triển nông thôn nghiên cứu, tham mưu, hoàn thành trước ngày 20/01/2025. " +
		"2. Sở Tài chính có trách nhiệm bố trí kinh phí thực hiện. Các cơ quan, đơn vị được giao chủ động xây dựng kế hoạch."
	tasks := readTasks(body)
	if len(tasks) != 2 {
		t.Fatalf("tasks = %+v", tasks)
	}
	if tasks[0].Assignee != "Sở Giao thông vận tải" || tasks[0].Due != "2025-01-20" || !strings.HasPrefix(tasks[0].Task, "chủ trì") {
		t.Errorf("task 1 = %+v", tasks[0])
	}
	if tasks[1].Assignee != "Sở Tài chính" || tasks[1].Due != "" {
		t.Errorf("task 2 = %+v", tasks[1])
	}
	when, where := readMeeting("Thời gian: 14 giờ 00 phút, ngày 15/02/2023. Địa điểm: Phòng họp số 2, UBND tỉnh. Trân trọng kính mời.", "")
	if when != "2023-02-15T14:00" || where != "Phòng họp số 2, UBND tỉnh" {
		t.Errorf("meeting %q at %q", when, where)
	}
}

func TestStampsOnlyStandalone(t *testing.T) {
	body := pageOf(1,
		"18,8|ỦY BAN NHÂN DÂN", "55,8|CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"18,13|Số: 46/TB-UBND", "52,13|Hà Nội, ngày 09 tháng 02 năm 2023",
		"20,16|HỎA TỐC",
		"17,25|Đề nghị các đơn vị khẩn trương thực hiện, báo cáo kết quả về Văn phòng và các bộ phận mật",
	)
	r := Extract([]doc.Page{body}).Record
	if r.Urgency != "HỎA TỐC" || r.Confidentiality != "" {
		t.Errorf("urgency %q secrecy %q", r.Urgency, r.Confidentiality)
	}
	if r.Confidence["urgency"] <= 0 || r.Evidence["urgency"].Page != 1 || r.Evidence["urgency"].Box[2] == 0 {
		t.Errorf("urgency confidence %v evidence %+v", r.Confidence["urgency"], r.Evidence["urgency"])
	}
}

func TestSnapping(t *testing.T) {
	if got, _ := snapPhrase("TINH QUANG NGAI", issuerPhrases); got != "TỈNH QUẢNG NGÃI" {
		t.Errorf("issuer snapped to %q", got)
	}
	if got, _ := snapPhrase("UỶ BAN NHÂN DÂN", issuerPhrases); got != "UỶ BAN NHÂN DÂN" {
		t.Errorf("old-style tone mark changed to %q", got)
	}
	if got, ok := snapPhrase("BAN QUẢN LÝ DỰ ÁN ĐẦU TƯ XÂY DỰNG", issuerPhrases); ok && got != "BAN QUẢN LÝ DỰ ÁN ĐẦU TƯ XÂY DỰNG" {
		t.Errorf("unknown body snapped to %q", got)
	}
	if got := snapSurname("Nguyên Hoàng Giang"); got != "Nguyễn Hoàng Giang" {
		t.Errorf("surname %q", got)
	}
}

func TestNameTailPastSealSpecks(t *testing.T) {
	cases := map[string]string{
		"Nguyên Ấ Hoàng ` Giang Š": "Nguyên Hoàng Giang",
		"Sa UÊU ôn —_ Lê Đức Hiền": "Lê Đức Hiền",
		"Huỳnh 'Thanh Sơn":         "Huỳnh Thanh Sơn",
		"LêThanh Dũng":             "Lê Thanh Dũng",
		"PHÓ CHỦ TỊCH":             "",
		"Vườn Ẩ":                   "",
	}
	for in, want := range cases {
		if got := nameTail(in); got != want {
			t.Errorf("nameTail(%q) = %q, want %q", in, got, want)
		}
	}
}

// A police or army rank before the signer's name is not the name.
func TestRankBeforeTheSigner(t *testing.T) {
	for line, want := range map[string]string{
		"Trung tá Ngô Văn Công":    "Ngô Văn Công",
		"Đại Tá Nguyễn Văn Hải":    "Nguyễn Văn Hải",
		"Thiếu Tướng Lê Quang Đạo": "Lê Quang Đạo",
		"Trần Phước Hiền":          "Trần Phước Hiền",
		"Trung Thành Văn Nguyễn":   "Trung Thành Văn Nguyễn", // a name, not a rank
	} {
		if got := nameTail(line); got != want {
			t.Errorf("%q: %q, want %q", line, got, want)
		}
	}
}

// A family name whose capital the seal ate is put back when one family
// name ends so; the middle name is not taken for it.
func TestLostInitial(t *testing.T) {
	for in, want := range map[string]string{
		"hạm Trường Thọ":      "Phạm Trường Thọ",
		"guyễn Hoàng Giang":   "Nguyễn Hoàng Giang",
		"ương Văn Minh":       "Văn Minh", // Dương, Lương, Trương or Vương: none is put back
		"đã ký Trần Văn Bình": "Trần Văn Bình",
	} {
		if got := nameTail(in); got != want {
			t.Errorf("nameTail(%q) = %q, want %q", in, got, want)
		}
	}
}

// A deadline's year misread by a digit is mended from the document's
// year; one no digit mends is dropped, never kept as a year 2924.
func TestPlausibleDue(t *testing.T) {
	for _, c := range [][3]string{
		{"2924-12-02", "2024-11-20", "2024-12-02"},
		{"2025-01-15", "2024-11-20", "2025-01-15"},
		{"2034-01-15", "2024-11-20", ""}, // 2024-01-15 would be before the document
		{"2026-03-01", "2024-11-20", "2026-03-01"},
		{"2014-12-30", "2024-11-20", "2024-12-30"},
		{"1924-12-30", "2024-11-20", ""},
		{"3999-01-01", "2024-11-20", ""},
		{"2024-12-02", "", "2024-12-02"},
	} {
		if got := plausibleDue(c[0], c[1]); got != c[2] {
			t.Errorf("plausibleDue(%s, %s) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}
