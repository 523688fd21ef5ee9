package figures

import (
	"testing"

	"github.com/vanthu/vanthu/pipelines/doc"
	"github.com/vanthu/vanthu/pipelines/ocr/ocrtest"
)

// page lays canned OCR words out as the pipeline does.
func page(words []doc.Word) doc.Page {
	return doc.Page{Number: 1, Width: 2480, Height: 3508, Source: doc.SourceOCR, Lines: doc.BuildLines(words, 0.022*2480)}
}

type want struct {
	indicator string
	value     float64
	unit      string
}

func check(t *testing.T, figs []doc.Figure, wants []want) {
	t.Helper()
	for _, w := range wants {
		f, score, ok := doc.FindIndicator(w.indicator, figs)
		if !ok || f.Value != w.value || f.Unit != w.unit {
			t.Errorf("%q: got %q/%q %v %q (score %.2f, %v), want %v %q", w.indicator, f.Label, f.Column, f.Value, f.Unit, score, ok, w.value, w.unit)
		}
		if ok && (f.Evidence.Page != 1 || f.Evidence.Box[2] == 0) {
			t.Errorf("%q: no evidence box: %+v", w.indicator, f.Evidence)
		}
	}
	if t.Failed() {
		for _, f := range figs {
			t.Logf("figure %q / %q = %v %q (%q)", f.Label, f.Column, f.Value, f.Unit, f.Text)
		}
	}
}

// A table as Tesseract reads it: cells apart by their padding, a header
// wrapped on two lines, a label wrapped under its row, row numbers.
func TestTableFromBoxes(t *testing.T) {
	words := ocrtest.Lines(
		"350,700|Kết quả cụ thể như sau:",
		"300,800|STT", "700,800|Chỉ tiêu", "1250,800|Đơn vị", "1600,800|Kỳ này", "1950,800|Lũy kế",
		"1280,860|tính", "1950,860|từ đầu năm",
		"300,940|I", "420,940|TIẾP NHẬN HỒ SƠ",
		"300,1010|1", "420,1010|Số hồ sơ tiếp nhận", "1280,1010|Hồ sơ", "1620,1010|1.234", "1950,1010|12.345",
		"300,1080|2", "420,1080|Số hồ sơ giải quyết", "1280,1080|Hồ sơ", "1620,1080|1.100", "1950,1080|11.000",
		"420,1140|đúng hạn",
		"300,1210|3", "420,1210|Tỷ lệ giải quyết đúng hạn", "1310,1210|%", "1620,1210|95,2", "1950,1210|94,8",
		"300,1280|4", "420,1280|Tổng kinh phí", "1250,1280|Triệu đồng", "1620,1280|1.250,5", "1950,1280|-",
		"350,1400|Trong kỳ, toàn tỉnh đã tiếp nhận 1.234 hồ sơ; số người được hỗ trợ là 56 người.",
		"350,1470|Ngày 15 tháng 3 năm 2025, Quyết định số 12/QĐ-UBND về 6 tháng đầu năm.",
	)
	figs := Read([]doc.Page{page(words)})
	check(t, figs, []want{
		{"Số hồ sơ tiếp nhận", 1234, "hồ sơ"},
		{"Số hồ sơ giải quyết đúng hạn", 1100, "hồ sơ"},
		{"Tỷ lệ giải quyết đúng hạn", 95.2, "%"},
		{"Tổng kinh phí", 1250500000, "đồng"},
		{"Số người được hỗ trợ", 56, "người"},
	})
	for _, f := range figs {
		switch f.Value {
		case 1, 2, 3, 4, 15, 2025, 12, 6:
			t.Errorf("a row number, date or document number taken for a figure: %+v", f)
		}
	}
	if _, _, ok := doc.FindIndicator("Lũy kế kinh phí", figs); ok {
		t.Error("the '-' of an empty cell was read")
	}
}

// A table with one column of numbers: its figures have no Column.
func TestTableOneColumn(t *testing.T) {
	words := ocrtest.Lines(
		"300,800|TT", "500,800|Nội dung", "1600,800|Số lượng",
		"300,880|1.", "500,880|Số doanh nghiệp thành lập mới", "1650,880|56",
		"300,950|2.", "500,950|Số lao động được tạo việc làm", "1650,950|1.020",
	)
	figs := Read([]doc.Page{page(words)})
	check(t, figs, []want{{"Số doanh nghiệp thành lập mới", 56, ""}, {"Số lao động được tạo việc làm", 1020, ""}})
	for _, f := range figs {
		if f.Column != "" {
			t.Errorf("%q has column %q", f.Label, f.Column)
		}
	}
}

func TestSentences(t *testing.T) {
	words := ocrtest.Lines(
		"350,700|Trong kỳ, đã tiếp nhận 1.234 hồ sơ, giải quyết đúng hạn 1.100 hồ sơ, đạt",
		"350,770|95,2%; tổng kinh phí thực hiện là 1,2 tỷ đồng, trong đó ngân sách tỉnh",
		"350,840|350 triệu đồng. Kỳ họp thứ 31 ngày 12/7/2025 có từ 10 đến 15 đại biểu.",
	)
	figs := Read([]doc.Page{page(words)})
	check(t, figs, []want{
		{"Số hồ sơ tiếp nhận", 1234, "hồ sơ"},
		{"Số hồ sơ giải quyết đúng hạn", 1100, "hồ sơ"},
		{"Tỷ lệ hồ sơ giải quyết đúng hạn", 95.2, "%"},
		{"Tổng kinh phí thực hiện", 1.2e9, "đồng"},
		{"Ngân sách tỉnh", 350e6, "đồng"},
	})
	for _, f := range figs {
		if f.Value == 31 || f.Value == 10 || f.Value == 15 || f.Value == 12 {
			t.Errorf("not a figure: %+v", f)
		}
	}
}
