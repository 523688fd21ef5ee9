// Package summary sets a leader's summary (records.Summary: what arrived,
// what was decided, the tasks and their deadlines) as a document: the PDF
// the API serves and functions/summary writes every night.
package summary

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/vanthu/vanthu/internal/records"
)

// FontDir holds the Liberation fonts the summary PDF is set in (Debian
// fonts-liberation2).
var FontDir = "/usr/share/fonts/truetype/liberation2"

var vietnam = time.FixedZone("ICT", 7*3600)

// PDF sets a summary on A4 in Liberation Serif, headed by the agency's
// name (agency, its code, when the directory does not know it).
func PDF(sum records.Summary, agency string) ([]byte, error) {
	for _, f := range []string{"LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"} {
		if _, err := os.Stat(filepath.Join(FontDir, f)); err != nil {
			return nil, fmt.Errorf("font %s missing (install fonts-liberation2): %w", f, err)
		}
	}
	pdf := fpdf.New("P", "mm", "A4", FontDir)
	pdf.AddUTF8Font("serif", "", "LiberationSerif-Regular.ttf")
	pdf.AddUTF8Font("serif", "B", "LiberationSerif-Bold.ttf")
	pdf.SetMargins(25, 20, 20)
	pdf.AddPage()
	pdf.SetFont("serif", "B", 14)
	pdf.MultiCell(0, 8, "TÓM TẮT TÌNH HÌNH VĂN BẢN", "", "C", false)
	pdf.SetFont("serif", "", 12)
	name := sum.AgencyName
	if name == "" {
		name = agency
	}
	pdf.MultiCell(0, 7, name, "", "C", false)
	pdf.MultiCell(0, 7, fmt.Sprintf("Từ ngày %s đến ngày %s", records.VietDate(sum.From), records.VietDate(sum.To)), "", "C", false)
	pdf.Ln(2)
	for i, sec := range sum.Sections {
		pdf.Ln(2)
		pdf.SetFont("serif", "B", 12)
		pdf.MultiCell(0, 7, fmt.Sprintf("%d. %s", i+1, sec.Title), "", "L", false)
		pdf.SetFont("serif", "", 11.5)
		lead := sec.Lead
		if i < len(sum.Paragraphs) {
			lead = sum.Paragraphs[i] // a model's rewrite, when there is one
		}
		pdf.MultiCell(0, 6, lead, "", "J", false)
		for _, it := range sec.Items {
			pdf.SetX(30)
			pdf.MultiCell(0, 6, "• "+it, "", "L", false)
		}
		if sec.More != "" {
			pdf.SetX(30)
			pdf.MultiCell(0, 6, "… "+sec.More+".", "", "L", false)
		}
	}
	pdf.Ln(4)
	pdf.SetFont("serif", "", 9)
	pdf.MultiCell(0, 5, "Tóm tắt do Vanthu lập từ sổ văn bản và nội dung văn bản, lúc "+time.Now().In(vietnam).Format("15:04 02/01/2006")+".", "", "L", false)
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
