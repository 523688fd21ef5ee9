// Package extract reads the fields of a Decree 30 document from its pages
// of positioned lines: by layout position first (top-left block, date line
// under the national motto, signature block), then by OCR-tolerant patterns
// on accent-folded text.
package extract

import (
	"sort"
	"strings"
	"unicode"

	"github.com/vanthu/vanthu/internal/viet"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// line is a doc.Line with its page geometry and folded text.
type line struct {
	page   int // 1-based
	text   string
	fold   string
	box    doc.Box
	conf   float64
	pw, ph float64
	words  []doc.Word
}

func (l line) x0() float64 { return l.box.X / l.pw }
func (l line) x1() float64 { return l.box.Right() / l.pw }
func (l line) cx() float64 { return (l.box.X + l.box.W/2) / l.pw }
func (l line) y0() float64 { return l.box.Y / l.ph }
func (l line) y1() float64 { return l.box.Bottom() / l.ph }

// row is the lines that share a baseline band, left to right.
type row struct {
	lines []line
	page  int
}

func (r row) y0() float64 {
	y := 1.0
	for _, l := range r.lines {
		y = min(y, l.y0())
	}
	return y
}

// side joins the lines of one column: left is the header's left block (the
// issuing body, number, V/v, Nơi nhận), right the motto, date and signature.
func (r row) side(left bool) (line, bool) {
	var parts []line
	for _, l := range r.lines {
		if (l.cx() < 0.45) == left {
			parts = append(parts, l)
		}
	}
	if len(parts) == 0 {
		return line{}, false
	}
	out := parts[0]
	for _, p := range parts[1:] {
		out.text += " " + p.text
		out.box = out.box.Union(p.box)
		out.conf = (out.conf + p.conf) / 2
		out.words = append(append([]doc.Word(nil), out.words...), p.words...)
	}
	out.fold = viet.Fold(out.text)
	return out, true
}

func (r row) text() string {
	parts := make([]string, len(r.lines))
	for i, l := range r.lines {
		parts[i] = l.text
	}
	return strings.Join(parts, " ")
}

// layout is a document as rows, per page.
type layout struct {
	pages [][]row
	sizes [][2]float64
}

func newLayout(pages []doc.Page) *layout {
	lay := &layout{}
	for _, p := range pages {
		var ls []line
		for _, l := range p.Lines {
			t := strings.TrimSpace(l.Text())
			if !hasAlnum(t) || l.Conf() < 0.1 {
				// Specks, underlines and seal fragments.
				continue
			}
			if isPageNumber(t, l.Box, p.Height) {
				continue
			}
			ls = append(ls, line{page: p.Number, text: t, fold: viet.Fold(t), box: l.Box, conf: l.Conf(), pw: max(p.Width, 1), ph: max(p.Height, 1), words: l.Words})
		}
		lay.pages = append(lay.pages, groupRows(dropSpecks(splitMotto(ls)), p.Number))
		lay.sizes = append(lay.sizes, [2]float64{p.Width, p.Height})
	}
	return lay
}

// groupRows puts lines whose vertical extents overlap by half into a row.
func groupRows(ls []line, page int) []row {
	sort.SliceStable(ls, func(i, j int) bool { return ls[i].box.Y < ls[j].box.Y })
	var rows []row
	for _, l := range ls {
		placed := false
		for i := len(rows) - 1; i >= 0 && i >= len(rows)-2; i-- {
			r := &rows[i]
			ref := r.lines[0]
			top, bot := max(ref.box.Y, l.box.Y), min(ref.box.Bottom(), l.box.Bottom())
			if bot-top > 0.5*min(ref.box.H, l.box.H) {
				r.lines = append(r.lines, l)
				placed = true
				break
			}
		}
		if !placed {
			rows = append(rows, row{lines: []line{l}, page: page})
		}
	}
	for i := range rows {
		sort.SliceStable(rows[i].lines, func(a, b int) bool { return rows[i].lines[a].box.X < rows[i].lines[b].box.X })
	}
	return rows
}

func evidence(l line) doc.Evidence {
	return doc.Evidence{Page: l.page, Box: l.box.Ints()}
}

func hasAlnum(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// splitMotto cuts a line where the national motto starts: OCR sometimes
// bridges the gap between the issuer and "CỘNG HÒA ..." with a stray mark.
func splitMotto(ls []line) []line {
	var out []line
	for _, l := range ls {
		cut := -1
		for i := 1; i+1 < len(l.words); i++ {
			if viet.Fold(l.words[i].Text) == "cong" && strings.HasPrefix(viet.Fold(l.words[i+1].Text), "hoa") {
				cut = i
				break
			}
		}
		if cut < 0 {
			out = append(out, l)
			continue
		}
		for _, ws := range [][]doc.Word{l.words[:cut], l.words[cut:]} {
			nl := l
			nl.words = ws
			nl.box = doc.Box{}
			var parts []string
			var conf float64
			for _, w := range ws {
				if hasAlnum(w.Text) {
					parts = append(parts, w.Text)
				}
				nl.box = nl.box.Union(w.Box)
				conf += w.Conf
			}
			nl.text = strings.Join(parts, " ")
			nl.fold = viet.Fold(nl.text)
			nl.conf = conf / float64(len(ws))
			if nl.text != "" {
				out = append(out, nl)
			}
		}
	}
	return out
}

// dropSpecks removes lines far shorter than the page's text lines: noise,
// dust and the dots of a seal that OCR turned into a letter or two.
func dropSpecks(ls []line) []line {
	if len(ls) < 5 {
		return ls
	}
	hs := make([]float64, len(ls))
	for i, l := range ls {
		hs[i] = l.box.H
	}
	sort.Float64s(hs)
	med := hs[len(hs)/2]
	out := ls[:0]
	for _, l := range ls {
		if l.box.H < 0.45*med && len([]rune(l.text)) <= 4 {
			continue
		}
		out = append(out, l)
	}
	return out
}

// isPageNumber spots the page number Decree 30 prints at the top of pages
// after the first (and scanners sometimes at the bottom).
func isPageNumber(t string, b doc.Box, pageH float64) bool {
	if len(t) > 3 || pageH <= 0 {
		return false
	}
	for _, r := range t {
		if r < '0' || r > '9' {
			return false
		}
	}
	return b.Y < 0.08*pageH || b.Bottom() > 0.92*pageH
}
