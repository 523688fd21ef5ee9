package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-pdf/fpdf"
)

// FontDir holds Liberation Serif (Times-compatible; Debian fonts-liberation2).
var FontDir = "/usr/share/fonts/truetype/liberation2"

// Marks are where the renderer left things the scanner adds: the seal over
// the signature, and the blanks of a handwritten number and day (mm).
type Marks struct {
	Pages            int
	SealPage         int
	SealX, SealY     float64
	NumberX, NumberY float64
	DayX, DayY       float64
	Text             string // the printed text in reading order, pages split by \f
}

type printed struct {
	page int
	y, x float64
	s    string
}

const (
	pageW, pageH        = 210.0, 297.0
	marginL, marginR    = 30.0, 15.0
	leftC, rightC       = 62.0, 142.0 // centres of the header columns
	bodyW               = pageW - marginL - marginR
	lineH               = 6.8
	bodyTop, bodyBottom = 20.0, 275.0
)

// RenderPDF lays the spec out as Decree 30 prescribes and returns the PDF.
func RenderPDF(s Spec) ([]byte, Marks, error) {
	for _, f := range []string{"LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf", "LiberationSerif-Italic.ttf", "LiberationSerif-BoldItalic.ttf"} {
		if _, err := os.Stat(filepath.Join(FontDir, f)); err != nil {
			return nil, Marks{}, fmt.Errorf("font %s missing (install fonts-liberation2): %w", f, err)
		}
	}
	pdf := fpdf.New("P", "mm", "A4", FontDir)
	pdf.SetCompression(true)
	pdf.AddUTF8Font("serif", "", "LiberationSerif-Regular.ttf")
	pdf.AddUTF8Font("serif", "B", "LiberationSerif-Bold.ttf")
	pdf.AddUTF8Font("serif", "I", "LiberationSerif-Italic.ttf")
	pdf.AddUTF8Font("serif", "BI", "LiberationSerif-BoldItalic.ttf")
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(marginL, bodyTop, marginR)
	var m Marks
	var texts []printed
	page := 1
	pdf.AddPage()
	put := func(x, y float64, s string) {
		pdf.Text(x, y, s)
		texts = append(texts, printed{page, y, x, s})
	}
	centred := func(cx, y float64, s string) {
		put(cx-pdf.GetStringWidth(s)/2, y, s)
	}

	// Header.
	y := 22.0
	for _, l := range s.Parent {
		pdf.SetFont("serif", "", 12.5)
		centred(leftC, y, l)
		y += 5.5
	}
	pdf.SetFont("serif", "B", 12.5)
	for _, l := range s.Issuer {
		centred(leftC, y, l)
		y += 5.5
	}
	pdf.Line(leftC-12, y-3.8, leftC+12, y-3.8)
	pdf.SetFont("serif", "B", 12)
	centred(rightC, 22, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
	pdf.SetFont("serif", "B", 13)
	centred(rightC, 27.5, "Độc lập - Tự do - Hạnh phúc")
	pdf.Line(rightC-28, 29.5, rightC+28, 29.5)
	y = max(y, 32) + 4
	pdf.SetFont("serif", "", 13)
	num := fmt.Sprintf("%02d", s.Number)
	day := fmt.Sprintf("%02d", s.Date.Day())
	numberLine := "Số: " + num + "/" + s.Symbol
	dateLine := fmt.Sprintf("%s, ngày %s tháng %02d năm %d", s.Place, day, int(s.Date.Month()), s.Date.Year())
	if s.HandwrittenNumber {
		blankNum := "Số:                 /" + s.Symbol
		x := leftC - pdf.GetStringWidth(blankNum)/2
		pdf.Text(x, y, blankNum)
		m.NumberX, m.NumberY = x+pdf.GetStringWidth("Số: ")+1, y
		texts = append(texts, printed{page, y, x, numberLine})
	} else {
		centred(leftC, y, numberLine)
	}
	pdf.SetFont("serif", "I", 13)
	if s.HandwrittenNumber {
		pre := s.Place + ", ngày"
		blank := fmt.Sprintf("%s            tháng %02d năm %d", pre, int(s.Date.Month()), s.Date.Year())
		x := rightC - pdf.GetStringWidth(blank)/2
		pdf.Text(x, y, blank)
		m.DayX, m.DayY = x+pdf.GetStringWidth(pre+" ")+1, y
		texts = append(texts, printed{page, y, x, dateLine})
	} else {
		centred(rightC, y, dateLine)
	}
	y += 6
	if s.Type == "CV" {
		pdf.SetFont("serif", "", 12)
		for _, l := range wrap(pdf, strings.Join(s.Subject, " "), 70) {
			centred(leftC, y, l)
			y += 5.2
		}
	}
	if s.Urgency != "" || s.Secrecy != "" {
		stamp := s.Urgency
		if stamp == "" {
			stamp = s.Secrecy
		}
		pdf.SetFont("serif", "B", 14)
		pdf.SetTextColor(210, 30, 40)
		pdf.SetDrawColor(210, 30, 40)
		w := pdf.GetStringWidth(stamp) + 8
		pdf.Rect(leftC-w/2, y-1, w, 9, "D")
		centred(leftC, y+5.5, stamp)
		pdf.SetTextColor(0, 0, 0)
		pdf.SetDrawColor(0, 0, 0)
		y += 11
	}
	y += 4
	if title := TypeName(s.Type); title != "" {
		pdf.SetFont("serif", "B", 14)
		centred(marginL+bodyW/2, y, title)
		y += 6.5
		for _, l := range wrap(pdf, strings.Join(s.Subject, " "), 140) {
			centred(marginL+bodyW/2, y, l)
			y += 6.2
		}
		pdf.Line(marginL+bodyW/2-20, y-4, marginL+bodyW/2+20, y-4)
	}
	y += 8
	pdf.SetFont("serif", "", 14)
	if len(s.KinhGui) > 0 {
		centred(marginL+bodyW/2, y, "Kính gửi: "+strings.Join(s.KinhGui, "; "))
		y += 10
	}
	// Body, justified by word spacing as a word processor does.
	newPage := func() {
		pdf.AddPage()
		page++
		y = bodyTop + 5
	}
	for pi, para := range s.Body {
		if s.Table != nil && pi == s.TableAfter {
			y = drawTable(pdf, s.Table, y, put, newPage, func() float64 { return y })
			pdf.SetFont("serif", "", 14)
		}
		lines := wrap(pdf, para, bodyW-10)
		for i, l := range lines {
			if y > bodyBottom {
				newPage()
			}
			x := marginL
			if i == 0 {
				x += 10
			}
			if i == len(lines)-1 {
				put(x, y, l)
			} else {
				justify(pdf, x, y, marginL+bodyW, l)
				texts = append(texts, printed{page, y, x, l})
			}
			y += lineH
		}
	}
	// Signature block; moved to a new page if it does not fit.
	need := 12.0 + 6*float64(len(s.Authority)+1) + 28
	if y+need > bodyBottom+10 {
		newPage()
	}
	y += 4
	top := y
	pdf.SetFont("serif", "BI", 12)
	put(marginL, y, "Nơi nhận:")
	pdf.SetFont("serif", "", 11)
	ly := y + 5
	for i, r := range append(append([]string{}, s.KinhGui...), s.Recipients...) {
		end := ";"
		if i == len(s.KinhGui)+len(s.Recipients)-1 {
			end = "."
		}
		put(marginL, ly, "- "+r+end)
		ly += 4.8
	}
	pdf.SetFont("serif", "B", 13)
	for _, a := range s.Authority {
		centred(rightC+5, y, a)
		y += 5.8
	}
	centred(rightC+5, y, s.SignerTitle)
	// The seal covers the left third of the signature and the title, as
	// Decree 30 has it, above the printed name.
	m.SealPage, m.SealX, m.SealY = page, rightC-20, y+10
	y += 28
	signer := s.Signer
	if s.SignerRank != "" {
		signer = s.SignerRank + " " + signer
	}
	centred(rightC+5, y, signer)
	_ = top
	m.Pages = page
	m.Text = textOf(texts)
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, m, err
	}
	if pdf.Err() {
		return nil, m, errors.New(pdf.Error().Error())
	}
	return buf.Bytes(), m, nil
}

// textOf orders printed strings as a reader does: page, then rows top to
// bottom, then left to right within a row.
func textOf(ts []printed) string {
	sort.SliceStable(ts, func(i, j int) bool {
		a, b := ts[i], ts[j]
		if a.page != b.page {
			return a.page < b.page
		}
		if d := a.y - b.y; d < -1.5 || d > 1.5 {
			return a.y < b.y
		}
		return a.x < b.x
	})
	var b strings.Builder
	for i, t := range ts {
		if i > 0 {
			if t.page != ts[i-1].page {
				b.WriteString("\f")
			} else {
				b.WriteString("\n")
			}
		}
		b.WriteString(t.s)
	}
	return b.String()
}

// wrap breaks s into lines no wider than w mm in the current font (fpdf's
// SplitText does not handle UTF-8 fonts).
func wrap(pdf *fpdf.Fpdf, s string, w float64) []string {
	var lines []string
	cur := ""
	for _, word := range strings.Fields(s) {
		try := word
		if cur != "" {
			try = cur + " " + word
		}
		if cur != "" && pdf.GetStringWidth(try) > w {
			lines = append(lines, cur)
			cur = word
			continue
		}
		cur = try
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// justify writes line from x to right by spreading its words, as a word
// processor's justified paragraph does.
func justify(pdf *fpdf.Fpdf, x, y, right float64, line string) {
	ws := strings.Fields(line)
	if len(ws) < 2 {
		pdf.Text(x, y, line)
		return
	}
	total := 0.0
	for _, w := range ws {
		total += pdf.GetStringWidth(w)
	}
	gap := (right - x - total) / float64(len(ws)-1)
	for _, w := range ws {
		pdf.Text(x, y, w)
		x += pdf.GetStringWidth(w) + gap
	}
}

// drawTable draws a report's table of indicators with its borders from
// the baseline y on, its header again on each page it runs onto; it
// returns the baseline of the line after it. at reads y after newPage.
func drawTable(pdf *fpdf.Fpdf, t *Table, y float64, put func(x, y float64, s string), newPage func(), at func() float64) float64 {
	const (
		size = 11.0
		step = 5.0 // between a cell's lines
		pad  = 1.8
	)
	widths := append([]float64(nil), t.Widths...)
	rest := bodyW
	for i, w := range widths {
		if i != t.Label {
			rest -= w
		}
	}
	widths[t.Label] = rest
	top := y - 4
	cells := func(texts []string, bold bool) ([][]string, float64) {
		style := ""
		if bold {
			style = "B"
		}
		pdf.SetFont("serif", style, size)
		out := make([][]string, len(texts))
		n := 1
		for i, tx := range texts {
			out[i] = wrap(pdf, tx, widths[i]-2*pad)
			n = max(n, len(out[i]))
		}
		return out, float64(n)*step + 2.6
	}
	row := func(texts []string, header bool) {
		lines, h := cells(texts, header)
		if top+h > bodyBottom {
			newPage()
			top = at() - 4
			if !header {
				hl, hh := cells(t.Header, true)
				drawRow(pdf, t, widths, hl, hh, top, true, put, pad, step)
				top += hh
				pdf.SetFont("serif", "", size)
			}
		}
		drawRow(pdf, t, widths, lines, h, top, header, put, pad, step)
		top += h
	}
	row(t.Header, true)
	for _, r := range t.Rows {
		row(r, false)
	}
	return top + 9
}

func drawRow(pdf *fpdf.Fpdf, t *Table, widths []float64, lines [][]string, h, top float64, header bool, put func(x, y float64, s string), pad, step float64) {
	x := marginL
	for i, ls := range lines {
		w := widths[i]
		pdf.Rect(x, top, w, h, "D")
		for k, l := range ls {
			base := top + 4.6 + float64(k)*step
			lw := pdf.GetStringWidth(l)
			switch {
			case header || i == 0 || i == t.Unit:
				put(x+(w-lw)/2, base, l)
			case i == t.Label || t.Header[i] == "Ghi chú":
				put(x+pad, base, l)
			default:
				// Numbers stand right-aligned, as a spreadsheet has them.
				put(x+w-pad-lw, base, l)
			}
		}
		x += w
	}
}
