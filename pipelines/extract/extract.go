package extract

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/vanthu/vanthu/internal/viet"
	"github.com/vanthu/vanthu/pipelines/classify"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// Blank is a place where a field was expected but not read: the number or
// the day left blank for handwriting. The pipeline reads the crop again with
// a digits-only pass and calls Result.ApplyDigits.
type Blank struct {
	Field string // "number" or "day"
	Page  int
	Box   doc.Box
}

// Result is the extraction, with the blanks worth a second look.
type Result struct {
	Record doc.Record
	Blanks []Blank
	day    dateParts
}

type dateParts struct {
	day, month, year int
	place            string
	line             line
	ok               bool
}

// Extract fills the record's fields from the pages. rec.File, Pages and
// Text are the caller's.
func Extract(pages []doc.Page) Result {
	res := Result{Record: doc.NewRecord("")}
	rec := &res.Record
	lay := newLayout(pages)
	first := firstTextPage(lay)
	if first < 0 {
		return res
	}
	rows := lay.pages[first]
	hdr := readHeader(rows)

	// Number and symbol.
	if hdr.number.ok {
		rec.Number, rec.Symbol = hdr.number.num, hdr.number.sym
		rec.Confidence["number"] = hdr.number.line.conf * hdr.number.numScore
		rec.Confidence["symbol"] = hdr.number.line.conf
		rec.Evidence["number"] = evidence(hdr.number.line)
		rec.Evidence["symbol"] = evidence(hdr.number.line)
		if rec.Number == "" {
			res.Blanks = append(res.Blanks, Blank{Field: "number", Page: hdr.number.line.page, Box: hdr.number.blank})
		}
	}
	// Issuer and parent.
	if len(hdr.issuer) > 0 {
		parent, issuer := splitIssuer(hdr.issuer)
		rec.Parent, rec.Issuer = joinText(parent), joinText(issuer)
		rec.Confidence["issuer"] = meanConf(issuer)
		rec.Evidence["issuer"] = evidence(unionLines(issuer))
		if len(parent) > 0 {
			rec.Confidence["parent"] = meanConf(parent)
			rec.Evidence["parent"] = evidence(unionLines(parent))
		}
	}
	// Date and place.
	if d := hdr.date; d.ok {
		res.day = d
		rec.Place = d.place
		rec.Evidence["issued_at"] = evidence(d.line)
		rec.Evidence["place"] = evidence(d.line)
		rec.Confidence["place"] = d.line.conf
		if d.day > 0 {
			rec.IssuedAt = fmt.Sprintf("%04d-%02d-%02d", d.year, d.month, d.day)
			rec.Confidence["issued_at"] = d.line.conf
		} else {
			res.Blanks = append(res.Blanks, Blank{Field: "day", Page: d.line.page, Box: hdr.dayBlank})
		}
	}
	// Subject, title, type.
	title := ""
	if hdr.title.text != "" {
		title = hdr.title.text
	}
	rec.Subject = joinSubject(hdr.subject)
	if len(hdr.subject) > 0 {
		rec.Confidence["subject"] = meanConf(hdr.subject)
		rec.Evidence["subject"] = evidence(unionLines(hdr.subject))
	}
	bodyText := allText(lay)
	code, conf := classify.Classify(classify.Evidence{Symbol: rec.Symbol, Title: title, Subject: rec.Subject, Text: bodyText})
	rec.DocType = code
	rec.Confidence["doc_type"] = conf
	if hdr.title.text != "" {
		rec.Evidence["doc_type"] = evidence(hdr.title)
	}
	rec.Recipients = append(rec.Recipients, hdr.kinhGui...)

	// Signature block and Nơi nhận.
	sig := readSignature(lay, first)
	rec.SigningAuthority = sig.authority
	rec.SignerTitle = sig.title
	rec.Signer = sig.name
	if sig.name != "" {
		rec.Confidence["signer"] = sig.nameLine.conf
		rec.Evidence["signer"] = evidence(sig.nameLine)
	}
	if sig.title != "" {
		rec.Confidence["signer_title"] = sig.titleConf
		rec.Evidence["signer_title"] = evidence(sig.titleLine)
	}
	if sig.authority != "" {
		rec.Confidence["signing_authority"] = sig.authLine.conf
		rec.Evidence["signing_authority"] = evidence(sig.authLine)
	}
	rec.Recipients = append(rec.Recipients, sig.recipients...)

	// Stamps.
	rec.Urgency, rec.Confidentiality = readStamps(pages, lay, first)

	// Meeting and tasks from the body.
	body := bodyUntil(lay, first, sig)
	if rec.DocType == "GM" {
		rec.MeetingTime, rec.MeetingPlace = readMeeting(body, rec.IssuedAt)
	}
	if tasks := readTasks(body); len(tasks) > 0 {
		rec.Tasks = tasks
	}
	return res
}

// ApplyDigits fills a blank from the digits read in its crop.
func (r *Result) ApplyDigits(field, digits string, conf float64) {
	digits = strings.TrimLeft(digits, " ")
	if digits == "" {
		return
	}
	switch field {
	case "number":
		if r.Record.Number == "" && len(digits) <= 5 {
			r.Record.Number = digits
			r.Record.Confidence["number"] = conf * 0.8
		}
	case "day":
		d, err := strconv.Atoi(digits)
		if err != nil || d < 1 || d > 31 || !r.day.ok || r.Record.IssuedAt != "" {
			return
		}
		r.Record.IssuedAt = fmt.Sprintf("%04d-%02d-%02d", r.day.year, r.day.month, d)
		r.Record.Confidence["issued_at"] = conf * 0.8
	}
}

func firstTextPage(lay *layout) int {
	for i, rows := range lay.pages {
		if len(rows) >= 3 {
			return i
		}
	}
	return -1
}

func joinText(ls []line) string {
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = l.text
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

func meanConf(ls []line) float64 {
	if len(ls) == 0 {
		return 0
	}
	var s float64
	for _, l := range ls {
		s += l.conf
	}
	return s / float64(len(ls))
}

func unionLines(ls []line) line {
	out := ls[0]
	for _, l := range ls[1:] {
		if l.page == out.page {
			out.box = out.box.Union(l.box)
		}
	}
	return out
}

func allText(lay *layout) string {
	var b strings.Builder
	for _, rows := range lay.pages {
		for _, r := range rows {
			b.WriteString(r.text())
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// ---- header ----

type numberRead struct {
	num, sym string
	numScore float64
	line     line
	blank    doc.Box
	ok       bool
}

type header struct {
	number   numberRead
	issuer   []line
	date     dateParts
	dayBlank doc.Box
	title    line
	subject  []line
	kinhGui  []string
}

// "Số: 46/TB-UBND", OCR-tolerant: "S6:", "Sé", "Số 46 /TB- UBND", the number
// missing (handwritten blank) or misread ("O7", "l2").
var numberRe = regexp.MustCompile(`^\s*s\s*[oóòôốồ0ea6e]\s*[:;.,]?\s*([0-9oOlIi|!{}\[\]sSbBzZg]{0,6})\s*[/|]\s*(.*)$`)

var symbolRe = regexp.MustCompile(`^((?:\d{4}\s*/\s*)?[A-ZĐÐa-zđ]{1,6}(?:\s*-\s*[A-ZĐÐa-zđ0-9&]{1,12}){1,3})`)

func readHeader(rows []row) header {
	var h header
	numberRow := -1
	limit := min(len(rows), 40)
	for i := 0; i < limit; i++ {
		r := rows[i]
		if r.y0() > 0.5 {
			break
		}
		left, ok := r.side(true)
		if !ok {
			continue
		}
		if n, ok := parseNumber(left); ok {
			h.number = n
			numberRow = i
			break
		}
	}
	// The issuing body: caps lines of the left block above the number.
	top := 0
	if numberRow > 0 {
		var block []line
		for i := numberRow - 1; i >= 0 && len(block) < 4; i-- {
			left, ok := rows[i].side(true)
			if !ok {
				if len(block) > 0 {
					break
				}
				continue
			}
			if isStampText(left.fold) || isMotto(left.fold) {
				if len(block) > 0 {
					break
				}
				continue
			}
			if !mostlyCaps(left.text) {
				if len(block) > 0 {
					break
				}
				continue
			}
			block = append([]line{left}, block...)
			top = i
		}
		h.issuer = cleanIssuer(block)
	}
	_ = top
	// The date line: right side, between the motto and a few rows under the number.
	end := limit
	if numberRow >= 0 {
		end = min(limit, numberRow+4)
	}
	for i := 0; i < end; i++ {
		right, ok := rows[i].side(false)
		if !ok {
			continue
		}
		if d, blank, ok := parseDate(right); ok {
			h.date = d
			h.dayBlank = blank
			break
		}
	}
	// After the number: V/v (công văn), the title, the subject, Kính gửi.
	start := numberRow + 1
	if numberRow < 0 {
		start = 0
	}
	vv := -1
	for i := start; i < min(len(rows), start+3); i++ {
		left, ok := rows[i].side(true)
		if ok && strings.HasPrefix(normVv(left.fold), "v/v") {
			vv = i
			break
		}
	}
	if vv >= 0 {
		first, _ := rows[vv].side(true)
		h.subject = []line{first}
		for i := vv + 1; i < len(rows) && i < vv+5; i++ {
			left, ok := rows[i].side(true)
			if !ok || len(rows[i].lines) > 1 && rows[i].lines[0].cx() > 0.45 {
				break
			}
			if strings.HasPrefix(left.fold, "kinh gui") || left.y0()-h.subject[len(h.subject)-1].y1() > 2.2*(left.box.H/left.ph) {
				break
			}
			h.subject = append(h.subject, left)
		}
		h.subject[0].text = fixVv(h.subject[0].text)
		h.kinhGui = readKinhGui(rows, vv+len(h.subject))
		return h
	}
	for i := start; i < min(len(rows), start+6); i++ {
		r := rows[i]
		if len(r.lines) != 1 {
			continue
		}
		l := r.lines[0]
		if code, score := classify.TitleType(l.text); code != "" && score > 0.6 && l.cx() > 0.3 && l.cx() < 0.7 {
			h.title = l
			h.subject = readSubject(rows, i+1)
			h.kinhGui = readKinhGui(rows, i+1+len(h.subject))
			return h
		}
	}
	return h
}

func parseNumber(l line) (numberRead, bool) {
	m := numberRe.FindStringSubmatch(l.fold)
	if m == nil {
		return numberRead{}, false
	}
	// Map the symbol back to the printed text: the folded match tells where
	// it starts; take the same rune offset in the original.
	orig := []rune(viet.NFC(l.text))
	fr := []rune(l.fold)
	off := len(fr) - len([]rune(m[2]))
	if off < 0 || off > len(orig) || len(fr) != len(orig) {
		off = 0
	}
	symText := strings.TrimSpace(string(orig[off:]))
	sm := symbolRe.FindStringSubmatch(symText)
	if sm == nil {
		return numberRead{}, false
	}
	sym := normalizeSymbol(sm[1])
	n := numberRead{sym: sym, line: l, ok: true, numScore: 1}
	num, exact := ocrDigits(m[1])
	n.num = num
	if !exact {
		n.numScore = 0.7
	}
	if num == "" {
		// The blank between "Số:" and "/": where the handwriting is.
		n.blank = blankBetween(l, "s", "/")
	}
	return n, true
}

// normalizeSymbol fixes OCR spacing and case: "QÐ- UBND" → "QĐ-UBND",
// "TTR-UBND" → "TTr-UBND".
func normalizeSymbol(s string) string {
	s = strings.NewReplacer("Ð", "Đ", "ð", "đ", " ", "").Replace(s)
	s = strings.TrimRight(s, ".,;:")
	parts := strings.Split(s, "-")
	if len(parts) > 0 {
		head := parts[0]
		year := ""
		if i := strings.LastIndex(head, "/"); i >= 0 {
			year, head = head[:i+1], head[i+1:]
		}
		if c := classify.CanonicalCode(head); c != "" {
			head = c
		} else {
			head = strings.ToUpper(head)
		}
		parts[0] = year + head
		for i := 1; i < len(parts); i++ {
			parts[i] = strings.ToUpper(parts[i])
		}
	}
	return strings.Join(parts, "-")
}

// ocrDigits maps OCR's usual confusions inside a number back to digits.
// exact is false when a letter had to be mapped.
func ocrDigits(s string) (string, bool) {
	exact := true
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune("oO", r):
			b.WriteByte('0')
			exact = false
		case strings.ContainsRune("lIi|!{}[]", r):
			b.WriteByte('1')
			exact = false
		case strings.ContainsRune("sS", r):
			b.WriteByte('5')
			exact = false
		case strings.ContainsRune("bB", r):
			b.WriteByte('8')
			exact = false
		case strings.ContainsRune("zZ", r):
			b.WriteByte('2')
			exact = false
		case r == 'g':
			b.WriteByte('9')
			exact = false
		}
	}
	return b.String(), exact
}

// blankBetween estimates the box between the end of the first word and the
// word that starts with sep, on line l.
func blankBetween(l line, _ string, sep string) doc.Box {
	words := strings.Fields(l.text)
	if len(words) == 0 {
		return l.box
	}
	// Proportional split of the line box by characters: good enough to
	// place a crop, which is padded generously.
	total := float64(len([]rune(l.text)))
	firstEnd := float64(len([]rune(words[0])))
	sepAt := float64(strings.Index(l.text, sep))
	if sepAt < 0 {
		sepAt = total / 2
	} else {
		sepAt = float64(len([]rune(l.text[:int(sepAt)])))
	}
	x0 := l.box.X + l.box.W*firstEnd/total
	x1 := l.box.X + l.box.W*sepAt/total
	if x1-x0 < l.box.H {
		x0, x1 = x0-l.box.H, x1+l.box.H/2
	}
	return doc.Box{X: x0, Y: l.box.Y - 0.6*l.box.H, W: x1 - x0, H: 2.2 * l.box.H}
}

// "Hà Nội, ngày 09 tháng 02 năm 2023"; OCR: "ngảy", "thảng", "nãm", blanks.
var dateRe = regexp.MustCompile(`^(.*?)[,.]?\s*ng\s*[aà]y\s*([0-9oOlI|!{}\[\]sSzZ]{0,3})\s*th\s*[aá]ng\s*([0-9oOlI|!{}\[\]sSzZ]{1,2})\s*n\s*[aă]m\s*([0-9oOlIsSzZ]{4})`)

func parseDate(l line) (dateParts, doc.Box, bool) {
	m := dateRe.FindStringSubmatchIndex(l.fold)
	if m == nil {
		return dateParts{}, doc.Box{}, false
	}
	fold := l.fold
	dayS, _ := ocrDigits(fold[m[4]:m[5]])
	monS, _ := ocrDigits(fold[m[6]:m[7]])
	yearS, _ := ocrDigits(fold[m[8]:m[9]])
	month, _ := strconv.Atoi(monS)
	year, _ := strconv.Atoi(yearS)
	if month < 1 || month > 12 || year < 1945 || year > 2100 {
		return dateParts{}, doc.Box{}, false
	}
	d := dateParts{month: month, year: year, line: l, ok: true}
	if day, err := strconv.Atoi(dayS); err == nil && day >= 1 && day <= 31 {
		d.day = day
	}
	// The place as printed: the original text before the comma.
	orig := []rune(viet.NFC(l.text))
	placeLen := len([]rune(fold[m[2]:m[3]]))
	if len(orig) == len([]rune(fold)) && placeLen <= len(orig) {
		d.place = strings.Trim(strings.TrimSpace(string(orig[:placeLen])), ",. ")
	}
	var blank doc.Box
	if d.day == 0 {
		blank = blankBetween(l, "", "th")
		// "ngày" sits at the place's end; start the crop there.
		total := float64(len(orig))
		ng := strings.Index(fold, "ng")
		for i := m[3]; i < len(fold)-2; i++ {
			if strings.HasPrefix(fold[i:], "ng") {
				ng = i
				break
			}
		}
		th := strings.Index(fold[m[5]:], "th") + m[5]
		x0 := l.box.X + l.box.W*float64(len([]rune(fold[:ng]))+3)/total
		x1 := l.box.X + l.box.W*float64(len([]rune(fold[:th])))/total
		blank = doc.Box{X: x0, Y: l.box.Y - 0.6*l.box.H, W: max(x1-x0, 2*l.box.H), H: 2.2 * l.box.H}
	}
	return d, blank, true
}

// isStampText spots the digital-signature stamp and the incoming stamp,
// which sit in the header area but are not the document's text.
func isStampText(fold string) bool {
	for _, s := range []string{"ky boi", "thoi gian ky", "co quan:", "@", "trung tam cong bao", "cong bao va tin hoc", "+07:00", "den so", "chuyen:"} {
		if strings.Contains(fold, s) {
			return true
		}
	}
	return false
}

func isMotto(fold string) bool {
	return strings.Contains(fold, "cong hoa") || strings.Contains(fold, "doc lap") || strings.Contains(fold, "chu nghia")
}

func mostlyCaps(s string) bool {
	var up, letters int
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				up++
			}
		}
	}
	return letters >= 2 && float64(up) >= 0.7*float64(letters)
}

// cleanIssuer drops the underline OCR reads under the issuer ("———", "_")
// and stray marks.
func cleanIssuer(block []line) []line {
	var out []line
	for _, l := range block {
		t := strings.TrimFunc(l.text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if len([]rune(t)) < 2 {
			continue
		}
		l.text = t
		l.fold = viet.Fold(t)
		out = append(out, l)
	}
	return out
}

// organHeads start the name of an issuing body; a block line that starts
// with one after the first line begins the issuer, and what is above it is
// the parent body ("UBND THÀNH PHỐ HÀ NỘI" / "SỞ TÀI CHÍNH").
var organHeads = []string{"so ", "phong ", "ban ", "van phong", "uy ban", "ubnd", "truong ", "cuc ", "chi cuc", "trung tam", "bo ", "vien ", "hoi dong", "thanh tra", "cong an", "kho bac", "tong cuc", "vu ", "benh vien", "doan ", "dang uy", "cong ty", "bao ", "dai "}

func splitIssuer(block []line) (parent, issuer []line) {
	for i := len(block) - 1; i >= 1; i-- {
		for _, h := range organHeads {
			if strings.HasPrefix(block[i].fold, h) {
				return block[:i], block[i:]
			}
		}
	}
	return nil, block
}

func normVv(fold string) string {
	f := strings.ReplaceAll(fold, " ", "")
	for _, bad := range []string{"v/y", "vly", "v|v", "vlv", "v/w", "v1v", "v//v"} {
		if strings.HasPrefix(f, bad) {
			return "v/v" + f[len(bad):]
		}
	}
	return f
}

func fixVv(s string) string {
	rs := []rune(s)
	if len(rs) >= 3 && (rs[0] == 'V' || rs[0] == 'v') {
		rest := strings.TrimSpace(string(rs[3:]))
		if len(rs) > 3 && rs[1] == '/' && (rs[2] == 'v' || rs[2] == 'V') {
			return "V/v " + rest
		}
		if !unicode.IsLetter(rs[1]) || rs[2] == 'v' || rs[2] == 'y' {
			return "V/v " + rest
		}
	}
	return s
}

// readSubject takes the centred lines under the title: the trích yếu. Body
// lines run margin to margin; subject lines are indented on both sides and
// centred on the text column (which is not the page's centre: the binding
// margin is wider).
func readSubject(rows []row, from int) []line {
	left, right := bodyMargins(rows)
	centre := (left + right) / 2
	var out []line
	for i := from; i < len(rows) && len(out) < 5; i++ {
		r := rows[i]
		if len(r.lines) != 1 {
			break
		}
		l := r.lines[0]
		if strings.HasPrefix(l.fold, "kinh gui") || strings.HasPrefix(l.fold, "can cu") || isStampText(l.fold) {
			break
		}
		centred := l.x0() > left+0.02 && l.x1() < right-0.015 && abs(l.cx()-centre) < 0.05
		if !centred {
			break
		}
		if len(out) > 0 {
			prev := out[len(out)-1]
			if l.y0()-prev.y1() > 1.6*(l.box.H/l.ph) {
				break
			}
		}
		out = append(out, l)
	}
	// A lone underline under the subject is not part of it.
	for len(out) > 0 {
		t := strings.TrimFunc(out[len(out)-1].text, func(r rune) bool { return !unicode.IsLetter(r) })
		if t != "" {
			break
		}
		out = out[:len(out)-1]
	}
	return out
}

// bodyMargins estimates the text column from the long lines of a page:
// the most common left edge and right edge of lines wider than half the page.
func bodyMargins(rows []row) (float64, float64) {
	var x0s, x1s []float64
	for _, r := range rows {
		for _, l := range r.lines {
			if l.x1()-l.x0() > 0.5 {
				x0s = append(x0s, l.x0())
				x1s = append(x1s, l.x1())
			}
		}
	}
	if len(x0s) < 3 {
		return 0.12, 0.9
	}
	sort.Float64s(x0s)
	sort.Float64s(x1s)
	return x0s[len(x0s)/5], x1s[len(x1s)*4/5]
}

func joinSubject(ls []line) string {
	s := joinText(ls)
	return strings.TrimRight(s, " _-—")
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// readKinhGui reads "Kính gửi: A" or the list of "- A;" lines under it.
func readKinhGui(rows []row, from int) []string {
	for i := from; i < len(rows) && i < from+4; i++ {
		t := rows[i].text()
		f := viet.Fold(t)
		idx := strings.Index(f, "kinh gui")
		if idx < 0 {
			continue
		}
		var out []string
		rest := t
		if c := strings.IndexAny(t, ":"); c >= 0 {
			rest = t[c+1:]
		} else {
			rest = string([]rune(t)[8:])
		}
		if item := cleanItem(rest); item != "" {
			out = append(out, item)
		}
		for j := i + 1; j < len(rows) && j < i+12; j++ {
			lt := strings.TrimSpace(rows[j].text())
			if !strings.HasPrefix(lt, "-") && !strings.HasPrefix(lt, "+") && !strings.HasPrefix(lt, "•") {
				break
			}
			if item := cleanItem(lt); item != "" {
				out = append(out, item)
			}
		}
		return out
	}
	return nil
}

func cleanItem(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimLeft(s, "-+•* ")
	s = strings.TrimRight(s, ";.,: ")
	return strings.Join(strings.Fields(s), " ")
}
