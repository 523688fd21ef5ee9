package summary

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/testenv"
)

// The PDF is headed by the agency's name, not its code, and sets the
// summary's sections as headings with their lists.
func TestPDFHeadingsAndAgencyName(t *testing.T) {
	testenv.Need(t, "pdftotext")
	sum := records.Summary{From: "2023-05-01", To: "2023-05-07", AgencyName: "SỞ TÀI CHÍNH THỬ NGHIỆM",
		Sections: []records.SummarySection{
			{Title: "Văn bản đến và đi", Lead: "Từ ngày 01/05/2023 đến ngày 07/05/2023, cơ quan đã tiếp nhận 3 văn bản đến.", Items: []string{"Công văn: 3"}},
			{Title: "Nhiệm vụ và hạn", Lead: "Có 9 nhiệm vụ được giao.", Items: []string{"Sở Tài chính: Lập dự toán (hạn 10/05/2023)"}, More: "và 8 nhiệm vụ khác"},
		}}
	sum.Paragraphs = []string{sum.Sections[0].Lead, sum.Sections[1].Lead}
	b, err := PDF(sum, "so-tc-thu")
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "s.pdf")
	os.WriteFile(f, b, 0o644)
	out, err := exec.Command("pdftotext", "-layout", f, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	for _, want := range []string{"SỞ TÀI CHÍNH THỬ NGHIỆM", "Từ ngày 01/05/2023 đến ngày 07/05/2023", "1. Văn bản đến và đi", "• Công văn: 3",
		"2. Nhiệm vụ và hạn", "• Sở Tài chính: Lập dự toán (hạn 10/05/2023)", "và 8 nhiệm vụ khác"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF does not say %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "so-tc-thu") {
		t.Errorf("the PDF names the agency by its code:\n%s", text)
	}
}
