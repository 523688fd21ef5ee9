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

// PDF sets a summary on A4 in Liberation Serif.
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
	pdf.MultiCell(0, 7, fmt.Sprintf("Cơ quan: %s — từ %s đến %s", agency, records.VietDate(sum.From), records.VietDate(sum.To)), "", "C", false)
	pdf.Ln(4)
	for _, p := range sum.Paragraphs {
		pdf.MultiCell(0, 6.5, p, "", "J", false)
		pdf.Ln(2)
	}
	if len(sum.Tasks) > 0 {
		pdf.Ln(2)
		pdf.SetFont("serif", "B", 12)
		pdf.MultiCell(0, 7, "Nhiệm vụ được giao", "", "L", false)
		pdf.SetFont("serif", "", 11)
		for _, t := range sum.Tasks {
			line := "• " + t.Assignee + ": " + t.Task
			if t.Due != "" {
				line += " — hạn " + records.VietDate(t.Due)
			}
			pdf.MultiCell(0, 6, line, "", "L", false)
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
