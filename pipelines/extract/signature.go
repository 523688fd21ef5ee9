package extract

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/vanthu/vanthu/internal/viet"
	"github.com/vanthu/vanthu/pipelines/classify"
	"github.com/vanthu/vanthu/pipelines/doc"
)

type signature struct {
	page       int // index into layout pages
	rowIndex   int // the row where the signature block starts
	authority  string
	authLine   line
	title      string
	titleConf  float64
	titleLine  line
	name       string
	nameLine   line
	recipients []string
	// recipientLines are the Nơi nhận lines read, for evidence.
	recipientLines []line
	found          bool
}

var authorityRe = regexp.MustCompile(`^(tm|kt|tl|tuq|q)\s*[.,:]\s*\S`)

// titles are the signer titles seen on administrative documents; an OCR
// reading under a red seal is snapped to the nearest one.
var titles = []string{
	"CHỦ TỊCH", "PHÓ CHỦ TỊCH", "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG",
	"TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG", "TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "BỘ TRƯỞNG", "THỨ TRƯỞNG",
	"CỤC TRƯỞNG", "PHÓ CỤC TRƯỞNG", "CHÁNH THANH TRA", "PHÓ CHÁNH THANH TRA", "HIỆU TRƯỞNG",
	"PHÓ HIỆU TRƯỞNG", "TỔNG GIÁM ĐỐC", "PHÓ TỔNG GIÁM ĐỐC", "VIỆN TRƯỞNG", "TRƯỞNG ĐOÀN",
	"THỦ TRƯỞNG", "CHI CỤC TRƯỞNG", "TỔNG CỤC TRƯỞNG", "CHÁNH ÁN", "VIỆN TRƯỞNG", "BÍ THƯ", "PHÓ BÍ THƯ",
	"GIÁM ĐỐC SỞ", "THƯ KÝ", "CHỦ TỌA", "TỔ TRƯỞNG", "TRƯỞNG ĐOÀN KIỂM TRA",
}

// snapTitle snaps the line, or its longest tail (OCR puts seal specks in
// front of the title), to the known titles.
func snapTitle(s string) (string, float64) {
	ws := strings.Fields(s)
	for k := 0; k < len(ws) && k < 4; k++ {
		if t, c := snapTitleExact(strings.Join(ws[k:], " ")); t != "" {
			return t, c * (1 - 0.1*float64(k))
		}
	}
	return "", 0
}

func snapTitleExact(s string) (string, float64) {
	f := viet.Fold(strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }))
	if len(f) < 4 {
		return "", 0
	}
	best, bestD := "", 1<<30
	for _, t := range titles {
		if d := classify.Distance(f, viet.Fold(t)); d < bestD {
			best, bestD = t, d
		}
	}
	if bestD == 0 {
		return best, 1
	}
	if bestD <= max(1, len([]rune(best))/5) {
		return best, 0.75
	}
	return "", 0
}

// readSignature reads the signature block: found by its anchor (Nơi
// nhận, the authority line, or a signer title), then its authority,
// title and name from the right column, and the recipients.
func readSignature(lay *layout, first int) signature {
	var s signature
	s.found, s.page, s.rowIndex = findSignature(lay, first)
	if !s.found {
		return s
	}
	rows := lay.pages[s.page]
	var auths, caps []line
	for _, l := range signatureBlock(rows, s.rowIndex) {
		switch {
		case authorityRe.MatchString(l.fold):
			auths = append(auths, l)
		case mostlyCaps(l.text) && s.name == "":
			caps = append(caps, l)
		default:
			if n := nameTail(l.text); n != "" {
				s.name = snapSurname(n)
				s.nameLine = l
			}
		}
	}
	if len(auths) > 0 {
		parts := make([]string, len(auths))
		for i, a := range auths {
			parts[i] = normalizeAuthority(a.text)
		}
		s.authority = strings.Join(parts, " / ")
		s.authLine = unionLines(auths)
	}
	s.readTitle(caps, auths)
	s.recipients, s.recipientLines = readNoiNhan(rows, s.rowIndex)
	return s
}

// findSignature is the page and row of the signature's anchor: the first
// page, from the first text page on, that has "Nơi nhận" or an authority
// line — the document's own signature, not an annex's.
func findSignature(lay *layout, first int) (found bool, page, row int) {
	for p := first; p < len(lay.pages); p++ {
		for i, r := range lay.pages[p] {
			if r.y0() < 0.12 && p == first {
				continue
			}
			left, lok := r.side(true)
			right, rok := r.side(false)
			if lok && strings.HasPrefix(strings.ReplaceAll(left.fold, " ", ""), "noinhan") || rok && authorityRe.MatchString(right.fold) {
				return true, p, i
			}
			// Neither read (a seal over them): a clean signer title on
			// the right, below the header, anchors the block too.
			if rok && right.x0() > 0.45 && r.y0() > 0.25 {
				if _, c := snapTitle(right.text); c == 1 && len(r.lines) <= 2 {
					return true, p, max(0, i-2)
				}
			}
		}
	}
	return false, 0, 0
}

// signatureBlock is the right column from the row above the anchor down
// a third of a page: authority, title, the signature's blank, the name.
func signatureBlock(rows []row, anchor int) []line {
	var block []line
	limitY := rows[anchor].y0() + 0.33
	for i := max(0, anchor-1); i < len(rows) && rows[i].y0() < limitY; i++ {
		if right, ok := rows[i].side(false); ok && right.x0() > 0.38 {
			block = append(block, right)
		}
	}
	return block
}

// readTitle sets the signer's title: the last caps line above the name
// (the seal may have eaten it) snapped to the known titles, else one read
// cleanly, else inferred from the authority line.
func (s *signature) readTitle(caps, auths []line) {
	for i := len(caps) - 1; i >= 0; i-- {
		if s.name != "" && caps[i].box.Y > s.nameLine.box.Y {
			continue
		}
		if t, c := snapTitle(caps[i].text); t != "" {
			s.title, s.titleConf, s.titleLine = t, c*caps[i].conf, caps[i]
			return
		}
		// An unknown title is kept only when read cleanly and not a piece
		// of an authority line broken over two rows ("TM. ỦY BAN / NHÂN DÂN").
		f := viet.Fold(caps[i].text)
		if cleanCaps(caps[i].text) && caps[i].conf > 0.9 && !strings.Contains(f, "nhan dan") && !strings.Contains(f, "uy ban") {
			s.title, s.titleConf, s.titleLine = strings.TrimSpace(caps[i].text), 0.6*caps[i].conf, caps[i]
			return
		}
	}
	if len(auths) > 0 {
		// No readable title: infer it from the last authority line.
		// "KT. CHỦ TỊCH" is signed by a deputy: "PHÓ CHỦ TỊCH".
		last := viet.Fold(auths[len(auths)-1].text)
		if strings.HasPrefix(last, "kt") {
			if t, _ := snapTitle("PHÓ " + strings.TrimSpace(auths[len(auths)-1].text[3:])); t != "" {
				s.title, s.titleConf, s.titleLine = t, 0.4, auths[len(auths)-1]
			}
		}
	}
}

// cleanCaps: two or more words, each of two or more capital letters and
// nothing else, as a printed title is.
func cleanCaps(s string) bool {
	ws := strings.Fields(s)
	if len(ws) < 2 {
		return false
	}
	for _, w := range ws {
		if len([]rune(w)) < 2 {
			return false
		}
		for _, r := range w {
			if !unicode.IsUpper(r) {
				return false
			}
		}
	}
	return true
}

func normalizeAuthority(s string) string {
	s = strings.TrimSpace(s)
	f := viet.Fold(s)
	m := authorityRe.FindStringSubmatch(f)
	if m == nil {
		return s
	}
	rs := []rune(s)
	rest := strings.TrimSpace(string(rs[len(m[1]):]))
	rest = strings.Trim(rest, ".,:;_- ")
	if t, _ := snapTitle(rest); t != "" {
		rest = t
	} else if o, ok := snapPhrase(rest, organs); ok {
		rest = o
	}
	return strings.ToUpper(m[1]) + ". " + rest
}

var nameNoise = regexp.MustCompile(`[^\p{L} ]`)

// splitCamel puts back the space OCR drops between two name words
// ("LêThanh Dũng" → "Lê Thanh Dũng").
func splitCamel(s string) string {
	var b strings.Builder
	var prev rune
	for _, r := range s {
		if unicode.IsUpper(r) && unicode.IsLower(prev) {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// nameTail returns the longest run of two to five capitalised words at the
// end of s: seal specks OCR reads before a name ("Sa UÊU ôn —_ Lê Đức Hiền")
// are left out.
func nameTail(s string) string {
	ws := strings.Fields(splitCamel(s))
	var tail []string
	for i := len(ws) - 1; i >= 0 && len(tail) < 5; i-- {
		w := nameNoise.ReplaceAllString(ws[i], "")
		if w == "" {
			continue // a mark between the words
		}
		if len([]rune(w)) < 2 {
			// A lone letter is a seal speck between the words: names'
			// words have two letters or more.
			continue
		}
		if !looksLikeName(w + " " + w) {
			// A family name whose capital was lost under the seal or the
			// flourish of the signature ("hạm Trường Thọ"): without it the
			// middle name passes for the family name.
			if s := lostInitial(w); s != "" && len(tail) >= 2 {
				tail = append([]string{s}, tail...)
			}
			break
		}
		tail = append([]string{w}, tail...)
	}
	// A rank before a police or army officer's name ("Trung tá Ngô Văn
	// Công", "Đại Tá ..."): the rank is not the name.
	if len(tail) > 2 && ranks[viet.Fold(strings.ToLower(tail[0]+" "+tail[1]))] {
		tail = tail[2:]
	}
	if len(tail) < 2 {
		return ""
	}
	return strings.Join(tail, " ")
}

// lostInitial is the one family name w is the end of, marks and all,
// with its first one or two letters lost ("hạm": Phạm, "guyễn": Nguyễn);
// "" when none or several ("ương": Dương, Lương, Trương, Vương).
func lostInitial(w string) string {
	lw := strings.ToLower(w)
	if len([]rune(lw)) < 2 {
		return ""
	}
	found := ""
	for _, s := range surnames {
		ls := strings.ToLower(s)
		if n := len([]rune(ls)) - len([]rune(lw)); n >= 1 && n <= 2 && strings.HasSuffix(ls, lw) {
			if found != "" {
				return ""
			}
			found = s
		}
	}
	return found
}

// ranks of the people's police and army, folded.
var ranks = map[string]bool{}

func init() {
	for _, grade := range []string{"dai", "thuong", "trung", "thieu"} {
		for _, kind := range []string{"tuong", "ta", "uy"} {
			ranks[grade+" "+kind] = true
		}
	}
}

// looksLikeName: two to six words, each a capital and lower-case letters,
// as Vietnamese names are printed under a signature.
func looksLikeName(s string) bool {
	s = strings.TrimSpace(nameNoise.ReplaceAllString(s, " "))
	ws := strings.Fields(s)
	if len(ws) < 2 || len(ws) > 6 {
		return false
	}
	for _, w := range ws {
		rs := []rune(w)
		if !unicode.IsUpper(rs[0]) {
			return false
		}
		for _, r := range rs[1:] {
			if unicode.IsUpper(r) {
				return false
			}
		}
	}
	return true
}

// readNoiNhan reads the "- A;" items of the left column under "Nơi nhận:",
// joining wrapped continuation lines to their item.
func readNoiNhan(rows []row, from int) ([]string, []line) {
	var items []string
	var read []line
	started := false
	itemX := -1.0
	ended := false // the previous line closed its item with ";" or "."
	for i := from; i < len(rows) && i < from+30; i++ {
		left, ok := rows[i].side(true)
		if !ok {
			continue
		}
		t := strings.TrimSpace(left.text)
		if !started {
			if strings.HasPrefix(strings.ReplaceAll(left.fold, " ", ""), "noinhan") {
				started = true
				if c := strings.Index(t, ":"); c >= 0 {
					if item := cleanItem(t[c+1:]); item != "" {
						items = append(items, item)
					}
				}
			}
			continue
		}
		// A new item starts with a dash, at the items' left edge, or after
		// an item closed with ";" (OCR drops a dash now and then).
		newItem := strings.HasPrefix(t, "-") || strings.HasPrefix(t, "+") || strings.HasPrefix(t, "•") || strings.HasPrefix(t, "—") ||
			itemX >= 0 && abs(left.x0()-itemX) < 0.004 || ended
		if newItem || len(items) > 0 && !mostlyCaps(t) {
			read = append(read, left)
		}
		switch {
		case newItem:
			if item := cleanItem(t); item != "" {
				items = append(items, item)
				if itemX < 0 {
					itemX = left.x0()
				}
			}
		case len(items) > 0 && !mostlyCaps(t):
			items[len(items)-1] = cleanItem(items[len(items)-1] + " " + t)
		}
		ended = strings.HasSuffix(t, ";") || strings.HasSuffix(t, ".")
	}
	return items, read
}

// ---- stamps ----

var (
	urgencies = []struct{ fold, value string }{{"hoa toc", "HỎA TỐC"}, {"thuong khan", "THƯỢNG KHẨN"}, {"khan", "KHẨN"}}
	secrecies = []struct{ fold, value string }{{"tuyet mat", "TUYỆT MẬT"}, {"toi mat", "TỐI MẬT"}, {"mat", "MẬT"}}
)

// mark is an urgency or secrecy mark as read.
type mark struct {
	value string
	conf  float64
	line  *line // the header line it was read from; nil for the red layer
}

// readStamps looks for urgency and secrecy marks: in the red layer's words
// on the first page, and in first-page header lines that are the mark alone
// (so "khẩn trương" in the body is not an urgency).
func readStamps(pages []doc.Page, lay *layout, first int) (urgency, secrecy mark) {
	type cand struct {
		text string
		conf float64
		line *line
	}
	var cands []cand
	for _, p := range pages {
		if p.Number != first+1 {
			continue
		}
		for _, s := range p.Stamps {
			cands = append(cands, cand{s.Text(), s.Conf(), nil})
		}
	}
	for _, r := range lay.pages[first] {
		if r.y0() > 0.45 {
			break
		}
		for _, l := range r.lines {
			if len([]rune(l.text)) <= 20 && mostlyCaps(l.text) {
				cands = append(cands, cand{l.text, l.conf, &l})
			}
		}
	}
	for _, c := range cands {
		f := strings.Join(strings.Fields(strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) {
				return r
			}
			return ' '
		}, viet.Fold(c.text))), " ")
		if urgency.value == "" {
			for _, u := range urgencies {
				if f == u.fold || len(u.fold) > 4 && (strings.Contains(f, u.fold) || classify.Distance(f, u.fold) <= 1) {
					urgency = mark{u.value, c.conf, c.line}
					break
				}
			}
		}
		if secrecy.value == "" {
			for _, s := range secrecies {
				if f == s.fold || len(s.fold) > 4 && strings.Contains(f, s.fold) {
					secrecy = mark{s.value, c.conf, c.line}
					break
				}
			}
		}
	}
	return urgency, secrecy
}
