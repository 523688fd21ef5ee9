package records

import (
	"fmt"
	"strings"
	"testing"
)

// Agency names are written as a sentence writes them, not in Title Case.
func TestSentenceName(t *testing.T) {
	for in, want := range map[string]string{
		"ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI": "Ủy ban nhân dân tỉnh Quảng Ngãi",
		"Uỷ Ban Nhân Dân Tỉnh Quảng Ngãi": "Ủy ban nhân dân tỉnh Quảng Ngãi",
		"UỶ BAN NHÂN DÂN THÀNH PHỐ HUẾ":   "Ủy ban nhân dân thành phố Huế",
		"SỞ TÀI CHÍNH":                    "Sở Tài chính",
		"UBND HUYỆN BA TƠ":                "UBND huyện Ba Tơ",
		"CHI CỤC THUẾ KHU VỰC":            "Chi cục Thuế khu vực",
		"PHÒNG TÀI CHÍNH - KẾ HOẠCH":      "Phòng Tài chính - Kế hoạch",
		"CÔNG AN TỈNH QUẢNG NGÃI":         "Công an tỉnh Quảng Ngãi",
		"Phòng Tài chính":                 "Phòng Tài chính",
		"Ủy ban nhân dân tỉnh Quảng Ngãi": "Ủy ban nhân dân tỉnh Quảng Ngãi",
	} {
		if got := SentenceName(in); got != want {
			t.Errorf("SentenceName(%q) = %q, want %q", in, got, want)
		}
	}
}

// One spelling of "Ủy": the tone on the u; quý and Huỳnh as they are.
func TestModernTone(t *testing.T) {
	for in, want := range map[string]string{
		"Uỷ ban": "Ủy ban", "UỶ BAN": "ỦY BAN", "thuỷ lợi": "thủy lợi", "quý I": "quý I", "ông Huỳnh": "ông Huỳnh", "Ủy ban": "Ủy ban", "tuỳ": "tùy",
	} {
		if got := modernTone(in); got != want {
			t.Errorf("modernTone(%q) = %q, want %q", in, got, want)
		}
	}
}

func summaryText(secs []SummarySection) string {
	var b strings.Builder
	for _, s := range secs {
		fmt.Fprintf(&b, "## %s\n%s\n", s.Title, s.Lead)
		for _, it := range s.Items {
			b.WriteString("- " + it + "\n")
		}
		if s.More != "" {
			b.WriteString(s.More + "\n")
		}
	}
	return b.String()
}

// A week's summary: headings and short lists, names as a sentence writes
// them, one spelling, a deadline said once.
func TestSummarySections(t *testing.T) {
	s := Summary{From: "2023-05-01", To: "2023-05-07", Received: 30, Issued: 2,
		ByType: []Count{{"CV", 20}, {"QĐ", 8}, {"TB", 2}, {"BC", 1}, {"GM", 1}}}
	for i := range 8 {
		s.Decisions = append(s.Decisions, SummaryDoc{Number: fmt.Sprint(100 + i), Symbol: "QĐ-UBND", IssuedAt: "2023-05-02",
			Issuer: "Uỷ Ban Nhân Dân Tỉnh Quảng Ngãi", Subject: "Về việc phê duyệt kế hoạch"})
	}
	s.Tasks = []Task{
		{Assignee: "SỞ TÀI CHÍNH", Task: "Báo cáo kết quả trước ngày 05/05/2023", Due: "2023-05-05"},
		{Assignee: "Phòng Nội vụ", Task: "Tham mưu văn bản", Due: "2023-05-10"},
	}
	for i := range 12 {
		s.Tasks = append(s.Tasks, Task{Assignee: "Văn phòng", Task: fmt.Sprint("Việc ", i)})
	}
	s.Overdue = []Task{{AssigneeName: "PHÒNG TÀI CHÍNH - KẾ HOẠCH", Assignee: "Phòng TC-KH", Task: "Lập dự toán", Due: "2023-04-30"}}
	s.Figures = []Figure{{Issuer: "UBND HUYỆN BA TƠ", Sentence: "Tổng thu ngân sách đạt 1.234 tỷ đồng."}}
	s.Meetings = []Meeting{{Starts: "2023-05-03T14:00", Place: "Phòng họp số 1", Subject: "Họp giao ban"}}
	secs := sections(s)
	text := summaryText(secs)

	var titles []string
	for _, sec := range secs {
		titles = append(titles, sec.Title)
	}
	if got := strings.Join(titles, "|"); got != "Văn bản đến và đi|Quyết định|Nhiệm vụ và hạn|Quá hạn|Lịch họp|Số liệu báo cáo" {
		t.Errorf("the headings: %s", got)
	}
	for _, want := range []string{
		"Từ ngày 01/05/2023 đến ngày 07/05/2023, cơ quan đã tiếp nhận 30 văn bản đến và ban hành 2 văn bản đi.",
		"- Công văn: 20",
		"- Quyết định số 100/QĐ-UBND ngày 02/05/2023 của Ủy ban nhân dân tỉnh Quảng Ngãi về việc phê duyệt kế hoạch",
		"và 3 quyết định khác",
		"- Sở Tài chính: Báo cáo kết quả trước ngày 05/05/2023\n",
		"- Phòng Nội vụ: Tham mưu văn bản (hạn 10/05/2023)",
		"Có 14 nhiệm vụ được giao, hạn sớm nhất ngày 05/05/2023.",
		"và 6 nhiệm vụ khác",
		"- Phòng Tài chính - Kế hoạch: Lập dự toán (hạn 30/04/2023)",
		"- 14 giờ 00 ngày 03/05/2023: Họp giao ban, tại Phòng họp số 1",
		"- UBND huyện Ba Tơ: Tổng thu ngân sách đạt 1.234 tỷ đồng",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the summary does not say %q:\n%s", want, text)
		}
	}
	for _, bad := range []string{"Uỷ", "Ban Nhân Dân", "(hạn 05/05/2023)", "Tỉnh Quảng"} {
		if strings.Contains(text, bad) {
			t.Errorf("the summary says %q:\n%s", bad, text)
		}
	}
	for _, sec := range secs {
		if len(sec.Items) > 8 {
			t.Errorf("%s lists %d items", sec.Title, len(sec.Items))
		}
	}
	if n := len([]rune(text)); n > 2500 {
		t.Errorf("a week's summary is %d characters long:\n%s", n, text)
	}
	// Nothing in the period: said, not a blank.
	empty := sections(Summary{From: "2023-05-01", To: "2023-05-07"})
	if len(empty) != 1 || !strings.Contains(empty[0].Lead, "không tiếp nhận và không ban hành văn bản nào") {
		t.Errorf("an empty period: %+v", empty)
	}
}
