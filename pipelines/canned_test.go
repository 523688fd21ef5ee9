package pipelines_test

import (
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/vanthu/vanthu/pipelines"
	"github.com/vanthu/vanthu/pipelines/doc"
	"github.com/vanthu/vanthu/pipelines/ocr/ocrtest"
)

// The pipeline over the OCR seam's fake: what it makes of OCR's words —
// layout, fields, the printed number kept — is tested without Tesseract.
func TestExtractionOverCannedOCR(t *testing.T) {
	words := ocrtest.Lines(
		"420,220|UBND TỈNH QUẢNG NGÃI", "1150,216|CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"485,282|SỞ TÀI CHÍNH", "1340,285|Độc lập - Tự do - Hạnh phúc",
		"477,400|Số: 46/TB-STC", "1187,400|Quảng Ngãi, ngày 12 tháng 3 năm 2025",
		"1190,505|THÔNG BÁO",
		"700,591|Về việc tổ chức hội nghị tổng kết năm 2024",
		"350,720|Sở Tài chính thông báo đến các cơ quan, đơn vị về việc tổ chức hội nghị",
		"350,790|tổng kết công tác tài chính năm 2024 và triển khai nhiệm vụ năm 2025 như sau:",
		"350,860|Thời gian: 8 giờ 00 phút, ngày 20 tháng 3 năm 2025.",
		"350,930|Địa điểm: Hội trường Sở Tài chính tỉnh Quảng Ngãi.",
		"350,1000|Đề nghị các cơ quan, đơn vị cử đại diện lãnh đạo tham dự đúng thành phần.",
		"1500,1200|KT. GIÁM ĐỐC", "1500,1260|PHÓ GIÁM ĐỐC", "1500,1500|Nguyễn Văn An",
		"350,1200|Nơi nhận:", "350,1260|- Các sở, ban, ngành;", "350,1320|- Lưu: VT.",
	)
	img := image.NewRGBA(image.Rect(0, 0, 2480, 3508))
	for i := range img.Pix {
		img.Pix[i] = 250
	}
	// Ink where the words are, as a page has it (a page without ink is
	// blank and never read).
	for _, w := range words {
		b := w.Box
		for y := int(b.Y) + 8; y < int(b.Bottom())-8; y++ {
			for x := int(b.X); x < int(b.Right()); x += 6 {
				img.Set(x, y, color.Black)
				img.Set(x+1, y, color.Black)
			}
		}
	}
	path := filepath.Join(t.TempDir(), "page.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	f.Close()
	fake := &ocrtest.Canned{PageWords: words, DigitWords: []doc.Word{{Text: "46", Conf: 0.95}}}
	cfg := pipelines.DefaultConfig()
	cfg.NoLanguageModel = true
	rec := pipelines.New(cfg, fake, 1).Process(context.Background(), path)
	if rec.Error != "" {
		t.Fatal(rec.Error)
	}
	for f, want := range map[string]string{
		"doc_type": "TB", "number": "46", "symbol": "TB-STC", "issuer": "SỞ TÀI CHÍNH", "parent": "UBND TỈNH QUẢNG NGÃI",
		"issued_at": "2025-03-12", "place": "Quảng Ngãi", "subject": "Về việc tổ chức hội nghị tổng kết năm 2024", "signer": "Nguyễn Văn An",
	} {
		if got := field(rec, f); got != want {
			t.Errorf("%s = %q, want %q", f, got, want)
		}
	}
	if fake.Calls("page") == 0 {
		t.Error("the fake was never asked to read the page")
	}
}

func field(r doc.Record, f string) string {
	return map[string]string{"doc_type": r.DocType, "number": r.Number, "symbol": r.Symbol, "issuer": r.Issuer, "parent": r.Parent,
		"issued_at": r.IssuedAt, "place": r.Place, "subject": r.Subject, "signer": r.Signer}[f]
}
