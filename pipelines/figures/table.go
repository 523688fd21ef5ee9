package figures

import (
	"sort"
	"strings"

	"github.com/vanthu/vanthu/internal/viet"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// cell is a run of words of a row with no wide gap inside: a table cell.
type cell struct {
	words []doc.Word
	box   doc.Box
}

func (c cell) text() string {
	parts := make([]string, len(c.words))
	for i, w := range c.words {
		parts[i] = w.Text
	}
	return strings.Join(parts, " ")
}

func (c cell) conf() float64 {
	s := 0.0
	for _, w := range c.words {
		s += w.Conf
	}
	return s / float64(max(1, len(c.words)))
}

// trow is a row of the page: words whose heights overlap, cut into cells.
type trow struct {
	words []doc.Word
	box   doc.Box
	h     float64 // median word height
	cells []cell
}

// rows groups words into rows by vertical overlap, top to bottom, each
// row's words left to right. A word joins the row it overlaps by half
// its height or more: diacritics make heights differ, not rows.
func rows(words []doc.Word) []trow {
	ws := append([]doc.Word(nil), words...)
	sort.SliceStable(ws, func(i, j int) bool { return ws[i].Box.Y+ws[i].Box.H/2 < ws[j].Box.Y+ws[j].Box.H/2 })
	var out []trow
	for _, w := range ws {
		if strings.TrimSpace(w.Text) == "" {
			continue
		}
		best, bestOv := -1, 0.0
		for i := len(out) - 1; i >= 0 && i >= len(out)-3; i-- {
			r := out[i]
			ov := min(r.box.Bottom(), w.Box.Bottom()) - max(r.box.Y, w.Box.Y)
			if ov >= 0.5*min(r.h, w.Box.H) && ov > bestOv {
				best, bestOv = i, ov
			}
		}
		if best < 0 {
			out = append(out, trow{})
			best = len(out) - 1
		}
		r := &out[best]
		r.words = append(r.words, w)
		// The row's band is its words' median band, so that one tall
		// word (a stamp, a merged glyph) does not pull in the next row.
		r.box = r.box.Union(w.Box)
		r.h = medianHeight(r.words)
		if r.box.H > 1.6*r.h {
			c := r.box.Y + r.box.H/2
			r.box.Y, r.box.H = c-0.8*r.h, 1.6*r.h
		}
	}
	for i := range out {
		r := &out[i]
		sort.SliceStable(r.words, func(a, b int) bool { return r.words[a].Box.X < r.words[b].Box.X })
		r.cells = splitCells(r.words, r.h)
	}
	return out
}

func medianHeight(ws []doc.Word) float64 {
	hs := make([]float64, len(ws))
	for i, w := range ws {
		hs[i] = w.Box.H
	}
	sort.Float64s(hs)
	return hs[len(hs)/2]
}

// cellGap is the gap, in word heights, that parts two cells: a word space
// is about a quarter of the height, a justified one under two thirds, and
// a cell border with its padding on both sides about one.
const cellGap = 0.75

func splitCells(ws []doc.Word, h float64) []cell {
	var out []cell
	for _, w := range ws {
		if n := len(out); n > 0 && w.Box.X-out[n-1].box.Right() < cellGap*h {
			out[n-1].words = append(out[n-1].words, w)
			out[n-1].box = out[n-1].box.Union(w.Box)
			continue
		}
		out = append(out, cell{words: []doc.Word{w}, box: w.Box})
	}
	return out
}

// Column roles of a table.
type role int

const (
	roleValue role = iota
	roleRowNumber
	roleLabel
	roleUnit
	roleNote
)

type column struct {
	text string
	box  doc.Box
	role role
}

// headerRole is what a header cell names, from its folded words.
func headerRole(fold string) (role, bool) {
	f := " " + strings.Join(strings.Fields(strings.Trim(fold, " .:()")), " ") + " "
	switch {
	case has(f, " stt ", " tt ", " so tt ", " so thu tu "):
		return roleRowNumber, true
	case has(f, " don vi tinh ", " dvt ", " don vi ", " dv tinh "):
		return roleUnit, true
	case has(f, " ghi chu "):
		return roleNote, true
	case has(f, " chi tieu", " noi dung", " danh muc", " linh vuc", " ten ", " hang muc", " dien giai"):
		return roleLabel, true
	case has(f, " ky nay", " ky bao cao", " luy ke", " cung ky", " thuc hien", " ke hoach", " so lieu",
		" ty le", " ti le", " so sanh", " nam ", " thang ", " quy ", " uoc ", " ket qua", " du toan", " ky truoc", " tong so", " so luong", " gia tri"):
		return roleValue, true
	}
	return roleValue, false
}

func has(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// header reads r as a table's header row: its columns, when at least two
// of its cells name a column and one of them the label's.
func header(r trow) ([]column, bool) {
	var cols []column
	named, label := 0, false
	for _, c := range r.cells {
		ro, ok := headerRole(viet.Fold(c.text()))
		if ok {
			named++
		}
		if ro == roleLabel {
			label = true
		}
		if _, isNum := Parse(c.text()); isNum {
			return nil, false
		}
		cols = append(cols, column{text: c.text(), box: c.box, role: ro})
	}
	return cols, named >= 2 && label
}

// columnOf is the column a cell lies under: the one it overlaps most, else
// the one with the nearest centre.
func columnOf(cols []column, b doc.Box) int {
	return columnAmong(cols, b, func(role) bool { return true })
}

// columnAmong is columnOf among the columns of the roles ok takes; -1
// when there is none.
func columnAmong(cols []column, b doc.Box, ok func(role) bool) int {
	best, bestOv := -1, 0.0
	for i, c := range cols {
		if !ok(c.role) {
			continue
		}
		if ov := min(c.box.Right(), b.Right()) - max(c.box.X, b.X); ov > bestOv {
			best, bestOv = i, ov
		}
	}
	if best >= 0 {
		return best
	}
	cx := b.X + b.W/2
	bestD := 0.0
	for i, c := range cols {
		if !ok(c.role) {
			continue
		}
		d := abs(c.box.X + c.box.W/2 - cx)
		if best < 0 || d < bestD {
			best, bestD = i, d
		}
	}
	return best
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// readTables finds the tables of a page's rows and the figures their
// rows state. used marks the rows a table took, for the sentences to
// leave alone.
func readTables(page int, rs []trow, used []bool) []doc.Figure {
	var out []doc.Figure
	for i := 0; i < len(rs); i++ {
		cols, ok := header(rs[i])
		if !ok {
			continue
		}
		figs, last := readTable(page, rs, i, cols)
		if len(figs) == 0 {
			continue
		}
		for j := i; j <= last; j++ {
			used[j] = true
		}
		out = append(out, figs...)
		i = last
	}
	return out
}

// readTable reads the rows under the header at rs[at].
func readTable(page int, rs []trow, at int, cols []column) ([]doc.Figure, int) {
	h := rs[at].h
	// Header cells wrap ("Đơn vị" over "tính", "Cùng kỳ" over "năm
	// trước"): the rows under it with no number are more of it.
	last := at
	for j := at + 1; j < len(rs) && j <= at+3; j++ {
		r := rs[j]
		if r.box.Y-rs[last].box.Bottom() > 1.5*h || rowHasNumber(r) {
			break
		}
		for _, c := range r.cells {
			k := columnOf(cols, c.box)
			cols[k].text += " " + c.text()
			cols[k].box = cols[k].box.Union(c.box)
			if ro, ok := headerRole(viet.Fold(cols[k].text)); ok && cols[k].role == roleValue {
				cols[k].role = ro
			}
		}
		last = j
	}
	// The column numbers some tables print under the header: "(1) (2) (3)"
	// or "A B 1 2 3", one short mark per column.
	if j := last + 1; j < len(rs) && isColumnNumbers(rs[j], len(cols)) {
		last = j
	}
	labelCol := -1
	values := 0
	for i, c := range cols {
		switch c.role {
		case roleLabel:
			if labelCol < 0 {
				labelCol = i
			}
		case roleValue:
			values++
		}
	}
	if labelCol < 0 || values == 0 {
		return nil, at
	}
	valueLeft := 1e18
	for i, c := range cols {
		if i > labelCol && c.role != roleLabel {
			valueLeft = min(valueLeft, c.box.X)
		}
	}
	var out []doc.Figure
	prevFigs := []int{} // indexes in out of the last data row's figures
	prevBottom := rs[last].box.Bottom()
	pendingLabel := ""
	for j := last + 1; j < len(rs); j++ {
		r := rs[j]
		if r.box.Y-prevBottom > 3*h {
			break
		}
		// Body text after the table runs across the columns.
		if len(r.cells) == 1 && r.cells[0].box.Right() > valueLeft+0.5*h && len(r.cells[0].words) >= 6 {
			break
		}
		var label []string
		unit := ""
		rowNo := false
		type val struct {
			n   Number
			c   cell
			col int
		}
		var vals []val
		for ci, c := range splitNumbers(r.cells) {
			text := c.text()
			n, isNum := Parse(text)
			switch {
			case ci == 0 && IsRowNumber(text) && len(r.cells) > 1:
				rowNo = true
				continue
			case isNum:
				// A number lies under a column of numbers.
				k := columnAmong(cols, c.box, func(ro role) bool { return ro == roleValue })
				if k >= 0 && c.box.Right() > valueLeft {
					vals = append(vals, val{n, c, k})
				}
				continue
			case strings.Trim(text, "-–—x…. ") == "":
				continue // an empty cell's mark
			}
			// Words under the label, the unit or the note. The header's
			// cell is narrower than its column: a short label lies nearer
			// the "STT" than the "Chỉ tiêu" of a wide column.
			k := columnAmong(cols, c.box, func(ro role) bool { return ro == roleLabel || ro == roleUnit || ro == roleNote })
			switch {
			case k < 0:
			case cols[k].role == roleUnit:
				unit = text
			case cols[k].role == roleLabel:
				label = append(label, text)
			}
		}
		prevBottomWas := prevBottom
		prevBottom = max(prevBottom, r.box.Bottom())
		lab := strings.Join(label, " ")
		if len(vals) == 0 {
			switch {
			case lab == "":
			case !rowNo && len(prevFigs) > 0 && r.box.Y-prevBottomWas < 0.9*h:
				// The label wraps onto a line of its own.
				for _, fi := range prevFigs {
					out[fi].Label += " " + lab
				}
			default:
				// A section's heading ("I. Tiếp nhận hồ sơ"), or the first
				// line of a label whose numbers stand by its second.
				pendingLabel = lab
				prevFigs = nil
			}
			last = j
			continue
		}
		if lab == "" {
			lab = pendingLabel
		}
		pendingLabel = ""
		prevFigs = prevFigs[:0]
		if lab == "" {
			last = j
			continue
		}
		exp, u := Scale(unit)
		if unit == "" {
			// No unit column read (or its header misread): a unit
			// printed after the label ("Tổng kinh phí (triệu đồng)",
			// its cell run into the label's) still scales the row.
			if rest, un, ok := trailingMoney(lab); ok {
				exp, u = Scale(un)
				lab = rest
			}
		}
		lab = trimRowMark(lab)
		multi := values > 1
		for _, v := range vals {
			f := doc.Figure{Label: lab, Value: v.n.Value, Unit: v.n.Unit, Text: v.n.Text,
				Confidence: min(v.c.conf(), 1), Evidence: doc.Evidence{Page: page, Box: v.c.box.Ints()}}
			switch {
			case v.n.Unit != "":
			case strings.Contains(cols[v.col].text, "%"):
				// "So sánh (%)": a share whatever the row counts.
				f.Unit = "%"
			default:
				f.Value, f.Unit = v.n.Scaled(exp), u
			}
			if multi {
				f.Column = strings.Join(strings.Fields(cols[v.col].text), " ")
			}
			prevFigs = append(prevFigs, len(out))
			out = append(out, f)
		}
		last = j
	}
	return out, last
}

func rowHasNumber(r trow) bool {
	for _, c := range r.cells {
		if _, ok := Parse(c.text()); ok {
			return true
		}
	}
	return false
}

// isColumnNumbers: every cell is a short mark, and there is one for most
// columns.
func isColumnNumbers(r trow, cols int) bool {
	if len(r.cells) < max(2, cols-1) {
		return false
	}
	for _, c := range r.cells {
		t := strings.Trim(c.text(), "()")
		if len([]rune(t)) > 3 || strings.Contains(t, " ") {
			return false
		}
	}
	return true
}

// splitNumbers parts a cell of numbers only ("1.822.188.460 2.870.534.285"):
// two right-aligned columns whose numbers nearly touch.
func splitNumbers(cs []cell) []cell {
	var out []cell
	for _, c := range cs {
		if len(c.words) < 2 {
			out = append(out, c)
			continue
		}
		if _, ok := Parse(c.text()); ok {
			out = append(out, c)
			continue
		}
		all := true
		for _, w := range c.words {
			if n, ok := Parse(w.Text); !ok || n.Unit != "" {
				all = false
			}
		}
		if !all {
			out = append(out, c)
			continue
		}
		for _, w := range c.words {
			out = append(out, cell{words: []doc.Word{w}, box: w.Box})
		}
	}
	return out
}

// trailingMoney splits a money unit off the end of a label: "Tổng kinh
// phí (triệu đồng)" is "Tổng kinh phí" in "triệu đồng".
func trailingMoney(label string) (rest, unit string, ok bool) {
	ws := strings.Fields(label)
	for n := 2; n >= 1; n-- {
		if len(ws) <= n {
			continue
		}
		tail := strings.Trim(strings.Join(ws[len(ws)-n:], " "), "()[],.;: ")
		f := strings.Fields(viet.Fold(tail))
		// One word only in brackets: "Hội đồng" ends in "đồng" too.
		if len(f) != n || !currency[f[n-1]] || n == 2 && multipliers[f[0]] == 0 || n == 1 && !strings.HasPrefix(ws[len(ws)-1], "(") {
			continue
		}
		return strings.TrimRight(strings.Join(ws[:len(ws)-n], " "), " ([,;:-"), tail, true
	}
	return label, "", false
}

// trimRowMark drops what OCR left of a row's number and the table's
// ruling before a label: "3 _ Tổng kinh phí" is "Tổng kinh phí".
func trimRowMark(label string) string {
	ws := strings.Fields(label)
	i := 0
	for i < len(ws)-1 && (IsRowNumber(ws[i]) || strings.Trim(ws[i], "_-–—|.,:;'\"`~") == "") {
		i++
	}
	return strings.Join(ws[i:], " ")
}
