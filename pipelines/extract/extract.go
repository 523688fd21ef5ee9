package extract

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/vanthu/vanthu/internal/viet"
	"github.com/vanthu/vanthu/pipelines/classify"
	"github.com/vanthu/vanthu/pipelines/doc"
	"github.com/vanthu/vanthu/pipelines/figures"
)

// Blank is a place where a field was expected but not read: the number or
// the day left blank for handwriting. The pipeline reads the crop again with
// a digits-only pass and calls Result.ApplyDigits.
type Blank struct {
	Field string // "number" or "day"
	Page  int
	Box   doc.Box
	Guess string // what the page OCR made of it, if anything
	// Read is true when the page OCR did read the field (GuessConf its
	// confidence): on a scanned page a pen is read by Tesseract as
	// confidently wrong as right ("44" for a handwritten 11), so the
	// blank is read again and the two readings compete.
	Read      bool
	GuessConf float64
}

// Result is the extraction, with the blanks worth a second look.
type Result struct {
	Record doc.Record
	Blanks []Blank
	day    dateParts
	// signed is when the document was digitally signed, from the
	// signature's stamp ("Thời gian ký: 17/01/2025 17:06:30"), or zero.
	signed time.Time
}

var signedAt = regexp.MustCompile(`thoi gian ky\s*:?\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})`)

// signingTime finds the digital signature's time on the pages: the
// earliest, when several signed (the first signature dates the document).
func signingTime(pages []doc.Page) time.Time {
	var first time.Time
	for _, pg := range pages {
		for _, m := range signedAt.FindAllStringSubmatch(viet.Fold(pg.Text()), -1) {
			d, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			y, _ := strconv.Atoi(m[3])
			t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
			if t.Day() != d || int(t.Month()) != mo {
				continue // not a date
			}
			if first.IsZero() || t.Before(first) {
				first = t
			}
		}
	}
	return first
}

type dateParts struct {
	day, month, year int
	guess            int // a day mapped from a misread
	place            string
	line             line
	ok               bool
}

// Extract fills the record's fields from the pages. rec.File, Pages and
// Text are the caller's.
func Extract(pages []doc.Page) Result {
	res := Result{Record: doc.NewRecord(""), signed: signingTime(pages)}
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
		switch {
		case rec.Number == "":
			res.Blanks = append(res.Blanks, Blank{Field: "number", Page: hdr.number.line.page, Box: hdr.number.blank, Guess: hdr.number.guess})
		case ocrPage(pages, hdr.number.line.page):
			res.Blanks = append(res.Blanks, Blank{Field: "number", Page: hdr.number.line.page, Box: hdr.number.blank, Guess: rec.Number,
				Read: true, GuessConf: rec.Confidence["number"]})
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
			if ocrPage(pages, d.line.page) {
				res.Blanks = append(res.Blanks, Blank{Field: "day", Page: d.line.page, Box: dayBlank(d.line), Guess: strconv.Itoa(d.day),
					Read: true, GuessConf: d.line.conf})
			}
		} else {
			guess := ""
			if d.guess > 0 {
				guess = strconv.Itoa(d.guess)
			}
			res.Blanks = append(res.Blanks, Blank{Field: "day", Page: d.line.page, Box: hdr.dayBlank, Guess: guess})
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
	rec.Symbol = repairSymbolHead(rec.Symbol, code, title)
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
	rec.Recipients = dedupe(append(rec.Recipients, sig.recipients...))
	if len(sig.recipientLines) > 0 {
		rec.Confidence["recipients"] = meanConf(sig.recipientLines)
		rec.Evidence["recipients"] = evidence(unionLines(sig.recipientLines))
	}

	// Stamps.
	urgency, secrecy := readStamps(pages, lay, first)
	for _, m := range []struct {
		key string
		m   mark
		dst *string
	}{{"urgency", urgency, &rec.Urgency}, {"confidentiality", secrecy, &rec.Confidentiality}} {
		if m.m.value == "" {
			continue
		}
		*m.dst = m.m.value
		rec.Confidence[m.key] = m.m.conf
		if m.m.line != nil {
			rec.Evidence[m.key] = evidence(*m.m.line)
		}
	}

	// Meeting and tasks from the body.
	body := bodyUntil(lay, first, hdr.end, sig)
	if rec.DocType == "GM" {
		rec.MeetingTime, rec.MeetingPlace = readMeeting(body, rec.IssuedAt)
		// Read by pattern from the body text: as sure as the body's OCR.
		for key, v := range map[string]string{"meeting_time": rec.MeetingTime, "meeting_place": rec.MeetingPlace} {
			if v != "" {
				rec.Confidence[key] = 0.8
			}
		}
	}
	if rec.DocType == "BC" {
		// A report's figures, for the archive to find its regime's
		// indicators among; other types state numbers no regime asks for.
		rec.Figures = figures.Read(pages)
	}
	if tasks := readTasks(body); len(tasks) > 0 {
		for i := range tasks {
			tasks[i].Due = plausibleDue(tasks[i].Due, rec.IssuedAt)
		}
		rec.Tasks = tasks
		rec.Confidence["tasks"] = 0.7 // pattern-matched; a person confirms assignments
	}
	doubt(rec, pages)
	return res
}

// doubtful is the confidence a field read from OCR keeps when it does not
// read as Vietnamese: under the review threshold.
const doubtful = 0.7

// doubt lowers the confidence of fields that cannot be what they say: a
// word that is no Vietnamese syllable nor an abbreviation ("ECÍI có PL
// UBND tỉnh"), a signer of fewer than three syllables (Vietnamese names
// have a family, a middle and a given name; OCR drops the family name:
// "Trương Thọ" for Phạm Trường Thọ). OCR's own confidence missed these:
// they reached the register unchecked.
func doubt(rec *doc.Record, pages []doc.Page) {
	lower := func(f string) {
		// Only what OCR read: a text layer's words are the document's own
		// ("KGVX(bnt)", "b/cáo" are what was typed).
		if ev, ok := rec.Evidence[f]; !ok || !ocrPage(pages, ev.Page) {
			return
		}
		if c, ok := rec.Confidence[f]; ok && c > doubtful {
			rec.Confidence[f] = doubtful
		}
	}
	for f, v := range map[string]string{"signer": rec.Signer, "signer_title": rec.SignerTitle, "issuer": rec.Issuer, "parent": rec.Parent,
		"subject": rec.Subject, "place": rec.Place, "recipients": strings.Join(rec.Recipients, "; ")} {
		if len(viet.ImplausibleWords(v)) > 0 {
			lower(f)
		}
	}
	if n := len(strings.Fields(rec.Signer)); n > 0 && n < 3 {
		lower("signer")
	}
	// A recipient is a body or a person, never one short word ("Ko"):
	// what OCR made of a stain. And the list ends with the file copy
	// ("Lưu: VT"): a list without it lost its last line.
	for _, r := range rec.Recipients {
		if len(strings.Fields(r)) < 2 {
			lower("recipients")
		}
	}
	if n := len(rec.Recipients); n > 0 && (!strings.HasPrefix(viet.Fold(rec.Recipients[n-1]), "luu") || len(strings.Fields(rec.Recipients[n-1])) > 5) {
		lower("recipients") // no file copy last, or another line run into it
	}
	// A place is a name of a few words: a longer one is another line read
	// for the date line ("Căn cứ Luật Tổ chức chính quyền địa phương"), and
	// its date is that line's.
	if len(strings.Fields(rec.Place)) > 4 {
		lower("place")
		lower("issued_at")
	}
	// Issuing bodies' names hold no punctuation ("CÔNG : AN").
	if strings.ContainsAny(rec.Issuer+rec.Parent, ":;|!?") {
		lower("issuer")
		lower("parent")
	}
}

// Candidate is a reading of a handwritten blank and its probability.
type Candidate = doc.Candidate

// maxHandwritten caps the confidence of a field read from handwriting
// until the reader's calibration on real pen has been measured: such a
// field waits for a person (the review threshold is 0.8).
const maxHandwritten = 0.75

// ApplyDigits fills a blank from the readings of its crop, likeliest
// first: the likeliest that can be the field (a number of at most five
// digits; a day that exists in the month and is not after the document
// was signed), its confidence the share of probability it holds among
// those that can. When none can, the page OCR's guess.
func (r *Result) ApplyDigits(b Blank, cands []Candidate) {
	if b.Read {
		// The page OCR's reading is one more candidate, at half its
		// confidence (it is Tesseract's reading of a pen).
		cands = merge(append(append([]Candidate(nil), cands...), Candidate{Digits: b.Guess, P: 0.5 * b.GuessConf}))
	}
	// Two readers agreeing on what the page OCR read with confidence:
	// it stands, at that confidence.
	agreed := func(best string) bool { return b.Read && best == b.Guess && len(cands) > 0 && cands[0].Digits == best }
	switch b.Field {
	case "number":
		if r.Record.Number != "" && !b.Read {
			return
		}
		valid := func(d string) bool { return len(d) >= 1 && len(d) <= 5 && strings.Trim(d, "0123456789") == "" }
		best, conf := pick(cands, valid, nil)
		switch {
		case agreed(best):
		case best != "":
			r.Record.Number = best
			r.Record.Confidence["number"] = min(maxHandwritten, conf)
			if alts := shares(cands, valid, nil); len(alts) > 1 {
				if r.Record.Candidates == nil {
					r.Record.Candidates = map[string][]Candidate{}
				}
				r.Record.Candidates["number"] = alts
			}
		case b.Guess != "" && !b.Read:
			r.Record.Number = b.Guess
			r.Record.Confidence["number"] = 0.3
		}
	case "day":
		if !r.day.ok || r.Record.IssuedAt != "" && !b.Read {
			return
		}
		last := daysIn(r.day.year, r.day.month)
		signed := r.signedDay()
		valid := func(d string) bool {
			n, err := strconv.Atoi(d)
			return err == nil && len(d) <= 2 && n >= 1 && n <= last && (signed == 0 || n <= signed)
		}
		// A document is mostly dated the day it is signed.
		weight := func(d string) float64 {
			if n, _ := strconv.Atoi(d); signed != 0 && n == signed {
				return 3
			}
			return 1
		}
		best, conf := pick(cands, valid, weight)
		if agreed(best) {
			return
		}
		if best == "" {
			if b.Read || !valid(b.Guess) {
				return
			}
			best, conf = b.Guess, 0.3
		}
		n, _ := strconv.Atoi(best)
		r.Record.IssuedAt = fmt.Sprintf("%04d-%02d-%02d", r.day.year, r.day.month, n)
		r.Record.Confidence["issued_at"] = min(maxHandwritten, conf)
		if alts := shares(cands, valid, weight); len(alts) > 1 {
			// The archive knows when the document arrived: it was not
			// dated after that.
			if r.Record.Candidates == nil {
				r.Record.Candidates = map[string][]Candidate{}
			}
			r.Record.Candidates["issued_at"] = alts
		}
	}
}

// merge sums the probabilities of candidates reading alike, likeliest
// first.
func merge(cands []Candidate) []Candidate {
	at := map[string]int{}
	var out []Candidate
	for _, c := range cands {
		d := strings.TrimSpace(c.Digits)
		if d == "" {
			continue
		}
		if i, ok := at[d]; ok {
			out[i].P += c.P
			continue
		}
		at[d] = len(out)
		out = append(out, Candidate{Digits: d, P: c.P})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].P > out[j].P })
	return out
}

// pick is the likeliest candidate that is valid, and its probability
// given that the reading is valid: its share of the valid candidates'
// probability (weighted by prior, when given), with what the candidates
// leave unaccounted for (1 − their sum) counted against it.
func pick(cands []Candidate, valid func(string) bool, prior func(string) float64) (string, float64) {
	s := shares(cands, valid, prior)
	if len(s) == 0 || s[0].P <= 0 {
		return "", 0
	}
	return s[0].Digits, s[0].P
}

// shares are the valid candidates (at most five) with their probability
// given that the reading is valid (weighted by prior, when given), as
// pick gives it to the likeliest; likeliest first.
func shares(cands []Candidate, valid func(string) bool, prior func(string) float64) []Candidate {
	var out []Candidate
	sum, all := 0.0, 0.0
	for _, c := range cands {
		all += c.P
		d := strings.TrimSpace(c.Digits)
		if !valid(d) {
			continue
		}
		p := c.P
		if prior != nil {
			p *= prior(d)
		}
		sum += p
		out = append(out, Candidate{Digits: d, P: p})
	}
	if sum <= 0 {
		return nil
	}
	for i := range out {
		out[i].P /= sum + max(0, 1-all)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].P > out[j].P })
	return out[:min(len(out), 5)]
}

func daysIn(year, month int) int {
	if month < 1 || month > 12 {
		return 31
	}
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// signedDay is the day of the month the document's digital signature
// gives ("Thời gian ký: 17/01/2025 17:06:30"), when it is of the same
// month and year as its date line; 0 otherwise.
func (r *Result) signedDay() int {
	if r.signed.IsZero() || r.signed.Year() != r.day.year || int(r.signed.Month()) != r.day.month {
		return 0
	}
	return r.signed.Day()
}

// ocrPage says whether page n (1-based) was read by OCR.
func ocrPage(pages []doc.Page, n int) bool {
	return n >= 1 && n <= len(pages) && pages[n-1].Source == doc.SourceOCR
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
	guess    string // mapped from a misread, used if the digits pass reads nothing
	numScore float64
	line     line
	blank    doc.Box
	ok       bool
}

type header struct {
	end      int // the first row after the header (title, subject, Kính gửi)
	number   numberRead
	issuer   []line
	date     dateParts
	dayBlank doc.Box
	title    line
	subject  []line
	kinhGui  []string
}

// "Số: 46/TB-UBND", OCR-tolerant: "S6:", "Sé", "Số 46 /TB- UBND", the number
// missing (handwritten blank) or misread ("O7", "#", "ổ0").
var numberRe = regexp.MustCompile(`^[^\pL\d]*s\s*[oóòôốồổ0ea6e]\s*[:;.,]?\s*([^/|]{0,8}?)\s*[/|⁄]\s*(.*)$`)

var lostHyphen = regexp.MustCompile(`^([A-ZĐÐ][A-Za-zĐđÐ]{0,3})\s+([A-ZĐÐ]{2,8})\b`)

var splitCode = regexp.MustCompile(`^(\pL{1,3})\s+(\pL{1,3})\s*-`)

var symbolRe = regexp.MustCompile(`^((?:\d{4}\s*/\s*)?[A-ZĐÐa-zđ]{1,6}(?:\s*-\s*[A-ZĐÐa-zđ0-9&]{1,12}){1,3})`)

// readHeader reads the header block of Decree 30's layout, top down: the
// number line, the issuer above it, the date line beside it, then a
// công văn's V/v subject or a type title with its subject, and the
// Kính gửi lines.
func readHeader(rows []row) header {
	var h header
	limit := min(len(rows), 40)
	n, numberRow := findNumber(rows, limit)
	h.number = n
	if numberRow > 0 {
		h.issuer = cleanIssuer(issuerBlock(rows, numberRow))
	}
	// The date line: right side, between the motto and a few rows under the number.
	end := limit
	if numberRow >= 0 {
		end = min(limit, numberRow+4)
	}
	h.date, h.dayBlank = findDate(rows, end)
	// After the number: V/v (công văn), the title, the subject, Kính gửi.
	start := max(numberRow+1, 0)
	h.end = start
	if subject, end, ok := readVvSubject(rows, start); ok {
		h.subject, h.end = subject, end
		h.kinhGui = readKinhGui(rows, h.end)
		return h
	}
	for i := start; i < min(len(rows), start+6); i++ {
		for _, l := range rows[i].lines {
			if code, score := classify.TitleType(l.text); code != "" && score > 0.6 && l.cx() > 0.3 && l.cx() < 0.7 {
				h.title = l
				h.subject = readSubject(rows, i+1, l.cx())
				h.end = i + 1 + len(h.subject)
				h.kinhGui = readKinhGui(rows, h.end)
				return h
			}
		}
	}
	return h
}

// findNumber is the "Số: …/…" line in the left block of the page's top
// half, and its row (-1 when there is none).
func findNumber(rows []row, limit int) (numberRead, int) {
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
			return n, i
		}
	}
	return numberRead{}, -1
}

// issuerBlock is the issuing body: up to four caps lines of the left
// block right above the number row, past stamps and the motto.
func issuerBlock(rows []row, numberRow int) []line {
	var block []line
	for i := numberRow - 1; i >= 0 && len(block) < 4; i-- {
		left, ok := rows[i].side(true)
		if !ok || isStampText(left.fold) || isMotto(left.fold) || !mostlyCaps(left.text) {
			if len(block) > 0 {
				break
			}
			continue
		}
		block = append([]line{left}, block...)
	}
	return block
}

// findDate is the first date line of the right side in rows[:end], and
// the box of its day when the day was left blank for the pen.
func findDate(rows []row, end int) (dateParts, doc.Box) {
	for i := 0; i < end; i++ {
		right, ok := rows[i].side(false)
		if !ok {
			continue
		}
		if d, blank, ok := parseDate(right); ok {
			return d, blank
		}
	}
	return dateParts{}, doc.Box{}
}

// vvOffset is how many rows after start a công văn's "V/v" line is (-1
// when none of the next three is).
func vvOffset(rows []row, start int) int {
	for i := start; i < min(len(rows), start+3); i++ {
		left, ok := rows[i].side(true)
		if ok && strings.HasPrefix(normVv(left.fold), "v/v") {
			return i - start
		}
	}
	return -1
}

// readVvSubject is a công văn's subject: the "V/v" line and the lines of
// the left block under it, up to Kính gửi, a gap, or a stamp; end is the
// row after it.
func readVvSubject(rows []row, start int) (subject []line, end int, ok bool) {
	off := vvOffset(rows, start)
	if off < 0 {
		return nil, 0, false
	}
	vv := start + off
	first, _ := rows[vv].side(true)
	subject = []line{first}
	for i := vv + 1; i < len(rows) && i < vv+5; i++ {
		left, ok := rows[i].side(true)
		if !ok || len(rows[i].lines) > 1 && rows[i].lines[0].cx() > 0.45 {
			break
		}
		if strings.HasPrefix(left.fold, "kinh gui") || left.y0()-subject[len(subject)-1].y1() > 2.2*(left.box.H/left.ph) {
			break
		}
		// An urgency or secrecy stamp under the V/v lines.
		if mostlyCaps(left.text) && len([]rune(left.text)) <= 20 {
			break
		}
		subject = append(subject, left)
	}
	subject[0].text = fixVv(subject[0].text)
	return subject, vv + len(subject), true
}

// parseNumber reads the number line ("Số: 47/UBND-KT"). A slash lost to
// blur or faint print ("Số: UBND-KGVX", a phone photo) is put back before
// the first word that is a symbol, when at most the number stands between
// "Số:" and it; the line's confidence is lowered for it.
func parseNumber(l line) (numberRead, bool) {
	if n, ok := parseNumberSlash(l); ok {
		return n, true
	}
	ws := strings.Fields(l.text)
	if len(ws) == 0 || !soColonRe.MatchString(viet.Fold(ws[0])) {
		return numberRead{}, false
	}
	for j := 1; j < len(ws) && j <= 2; j++ {
		if !strings.ContainsAny(ws[j], "-–") || symbolRe.FindStringSubmatch(ws[j]) == nil {
			continue
		}
		l2 := l
		l2.text = strings.Join(ws[:j], " ") + " /" + strings.Join(ws[j:], " ")
		l2.fold = viet.Fold(l2.text)
		l2.conf *= 0.8
		n, ok := parseNumberSlash(l2)
		return n, ok
	}
	// "Số: 232" and nothing after: the symbol was not read (OCR made a
	// line of its own of it, too faint to keep). The number line is still
	// the header's anchor — the issuer is above it, the blank is read
	// again — and the symbol stays empty, for review. Only near the top:
	// a body line may begin "Số:" too.
	if len(ws) <= 2 && l.y0() < 0.3 && (len(ws) == 1 || len([]rune(ws[1])) <= 6) {
		n := numberRead{line: l, ok: true, numScore: 0.5}
		if len(ws) == 2 {
			n.guess, _ = ocrDigits(ws[1])
		}
		n.blank = numberBlank(l, false)
		return n, true
	}
	return numberRead{}, false
}

// soColonRe is "Số:" as OCR reads it, folded, its colon seen (or read
// as a stop or a comma).
var soColonRe = regexp.MustCompile(`^s[oóòôốồổ0ea6e][:;.,]$`)

func parseNumberSlash(l line) (numberRead, bool) {
	m := numberRe.FindStringSubmatchIndex(l.fold)
	if m == nil {
		return numberRead{}, false
	}
	// The symbol starts at the first slash that is followed by one: a
	// handwritten number read as "4/0" has a slash of its own.
	orig := []rune(viet.NFC(l.text))
	fr := []rune(l.fold)
	var sm []string
	numEnd := 0
	for i := len([]rune(l.fold[:m[2]])); i < len(fr) && sm == nil; i++ {
		if fr[i] != '/' && fr[i] != '|' && fr[i] != '⁄' {
			continue
		}
		if len(fr) != len(orig) {
			break
		}
		symText := strings.TrimLeftFunc(string(orig[i+1:]), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		// OCR splits a code: "TT r-UBND".
		symText = splitCode.ReplaceAllString(symText, "$1$2-")
		if sm = symbolRe.FindStringSubmatch(symText); sm != nil {
			numEnd = i
		} else if lostHyphen.MatchString(symText) {
			// The hyphen lost to the scan: "CT SXD".
			if sm = symbolRe.FindStringSubmatch(lostHyphen.ReplaceAllString(symText, "$1-$2")); sm != nil {
				numEnd = i
			}
		}
	}
	if sm == nil {
		return numberRead{}, false
	}
	raw := strings.TrimSpace(string(fr[len([]rune(l.fold[:m[2]])):numEnd]))
	sym := normalizeSymbol(sm[1])
	n := numberRead{sym: sym, line: l, ok: true, numScore: 1}
	num, exact := ocrDigits(raw)
	if exact && len(num) == len(raw) && num != "" && numberWordConf(l, num) >= 0.85 {
		n.num = num
		n.blank = numberBlank(l, true)
		return n, true
	}
	// Handwritten or misread: keep the mapped guess only if it is all we
	// get; the digits pass reads the blank again.
	n.guess = num
	n.numScore = 0.5
	n.blank = numberBlank(l, exact && len(num) == len(raw) && num != "")
	return n, true
}

// numberWordConf is the OCR confidence of the word holding the number:
// handwriting read as digits comes with low confidence, and is read again.
func numberWordConf(l line, num string) float64 {
	for _, w := range l.words {
		if strings.Contains(w.Text, num) {
			return w.Conf
		}
	}
	return l.conf
}

// numberBlank is the box between "Số:" and the slash, found from the word
// boxes: OCR reads a handwritten number as its own word ("899", "#"), or
// glued to "Số:" ("Số:ổ0") or to the symbol ("Đ4/UBND-KTTH"); the printed
// parts have predictable widths, so the handwriting is what lies between.
//
// printed says the OCR read clean digits (doubted for its confidence):
// then the slash is placed by the printed widths of the word's letters,
// which a pen's width does not upset.
func numberBlank(l line, printed bool) doc.Box {
	h := l.box.H
	if len(l.words) == 0 {
		return doc.Box{X: l.box.X + 1.2*h, Y: l.box.Y - 0.5*h, W: 3 * h, H: 2 * h}
	}
	w0 := l.words[0]
	x0 := w0.Box.Right()
	if len([]rune(w0.Text)) > 3 {
		x0 = w0.Box.X + 1.25*w0.Box.H
	}
	x1 := x0 + 3*h
	for j, w := range l.words {
		k := strings.IndexAny(w.Text, "/|⁄")
		if k < 0 || j == 0 && k <= 3 {
			continue
		}
		switch {
		case k == 0:
			x1 = w.Box.X + 0.3*w.Box.H
		case printed:
			// "215/QĐ-SKHĐT": the slash where the printed widths put it.
			x1 = w.Box.X + w.Box.W*printedWidth(w.Text[:k])/printedWidth(w.Text) + 0.1*w.Box.H
		default:
			// The printed symbol after the slash: caps at ~0.62 of the box
			// height each.
			rest := len([]rune(w.Text[k:]))
			x1 = max(w.Box.X, w.Box.Right()-float64(rest)*0.62*w.Box.H) + 0.3*w.Box.H
		}
		break
	}
	if x1-x0 < h {
		x1 = x0 + 2*h
	}
	return doc.Box{X: x0 - 0.1*h, Y: l.box.Y - 0.6*h, W: x1 - x0 + 0.1*h, H: 2.2 * h}
}

// printedWidth is a text's width in cap heights, in a usual serif: digits
// narrower than capitals, the slash and hyphen narrower still.
func printedWidth(s string) float64 {
	var w float64
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			w += 0.55
		case r == '/' || r == '|' || r == '⁄' || r == '.' || r == ',' || r == ':':
			w += 0.3
		case r == '-':
			w += 0.35
		case unicode.IsUpper(r):
			w += 0.72
		default:
			w += 0.5
		}
	}
	return max(w, 0.1)
}

// normalizeSymbol fixes OCR spacing and case: "QÐ- UBND" → "QĐ-UBND",
// "TTR-UBND" → "TTr-UBND".
func normalizeSymbol(s string) string {
	s = strings.NewReplacer("Ð", "Đ", "ð", "đ", " ", "").Replace(s)
	// OCR doubles the crossed D ("QĐÐ" → "QĐĐ").
	for strings.Contains(s, "ĐĐ") {
		s = strings.ReplaceAll(s, "ĐĐ", "Đ")
	}
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

// ocrConfusions are the letters OCR reads in place of digits.
var ocrConfusions = map[rune]byte{'o': '0', 'O': '0', 'l': '1', 'I': '1', 'i': '1', '|': '1', '!': '1', '{': '1', '}': '1',
	'[': '1', ']': '1', 's': '5', 'S': '5', 'b': '8', 'B': '8', 'z': '2', 'Z': '2', 'g': '9'}

// ocrDigits maps OCR's usual confusions inside a number back to digits and
// drops anything else. exact is false when a letter had to be mapped.
func ocrDigits(s string) (string, bool) {
	exact := true
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else if d, ok := ocrConfusions[r]; ok {
			b.WriteByte(d)
			exact = false
		}
	}
	return b.String(), exact
}

// "Hà Nội, ngày 09 tháng 02 năm 2023"; OCR: "ngảy", "thảng", "nãm",
// handwritten days read as "{5", "80", "Êˆ@_".
var dateRe = regexp.MustCompile(`^(.*?)[,.]?\s*ng\s*[aà]y\s*(.{0,6}?)\s*th\s*[aá]ng\s*(.{1,4}?)\s*n\s*[aă]m\s*([0-9oOlIsSzZ]{4})`)

func parseDate(l line) (dateParts, doc.Box, bool) {
	m := dateRe.FindStringSubmatchIndex(l.fold)
	if m == nil {
		return dateParts{}, doc.Box{}, false
	}
	fold := l.fold
	rawDay := strings.TrimSpace(fold[m[4]:m[5]])
	dayS, exact := ocrDigits(rawDay)
	monS, _ := ocrDigits(fold[m[6]:m[7]])
	yearS, _ := ocrDigits(fold[m[8]:m[9]])
	month, _ := strconv.Atoi(monS)
	year, _ := strconv.Atoi(yearS)
	if month < 1 || month > 12 || year < 1945 || year > 2100 {
		return dateParts{}, doc.Box{}, false
	}
	d := dateParts{month: month, year: year, line: l, ok: true}
	day, err := strconv.Atoi(dayS)
	valid := err == nil && day >= 1 && day <= 31
	if valid && exact && len(dayS) == len(rawDay) {
		d.day = day
	} else if valid {
		d.guess = day
	}
	// The place as printed: the original text before the comma.
	orig := []rune(viet.NFC(l.text))
	placeLen := len([]rune(fold[m[2]:m[3]]))
	if len(orig) == len([]rune(fold)) && placeLen <= len(orig) {
		d.place = strings.Trim(strings.TrimSpace(string(orig[:placeLen])), ",. ")
		if p, ok := snapPhrase(d.place, Provinces); ok {
			d.place = p
		}
	}
	var blank doc.Box
	if d.day == 0 {
		blank = dayBlank(l)
	}
	return d, blank, true
}

// dayBlank is the box between "ngày" and "tháng". OCR glues the
// handwriting to either word ("ngày4†tháng", "ngày {tháng", "17tháng")
// and stretches a word's box over it, so the printed words are found
// inside the words, and their letters measured at the printed size (at
// most ~0.6 of the line's height each): "ngày" from its word's left,
// "tháng" from its word's right when something precedes it.
func dayBlank(l line) doc.Box {
	h := l.box.H
	fallback := doc.Box{X: l.box.X + l.box.W*0.35, Y: l.box.Y - 0.6*h, W: l.box.W * 0.15, H: 2.2 * h}
	letter := func(w doc.Word, n int) float64 { return min(w.Box.W/float64(max(n, 1)), 0.6*w.Box.H) }
	x0, x1 := -1.0, -1.0
	for j, w := range l.words {
		f := []rune(viet.Fold(w.Text))
		fs := string(f)
		if x0 < 0 {
			i := strings.Index(fs, "ngay")
			if i < 0 {
				continue
			}
			end := len([]rune(fs[:i])) + 4
			x0 = w.Box.X + float64(end)*letter(w, len(f))
			rest := []rune(fs[strings.Index(fs, "ngay")+4:])
			if k := strings.Index(string(rest), "th"); k >= 0 {
				// "ngày4†tháng": both in one word; "tháng" from the right.
				from := len([]rune(string(rest)[:k])) + end
				x1 = w.Box.Right() - float64(len(f)-from)*letter(w, len(f))
				break
			}
			continue
		}
		if i := strings.Index(fs, "th"); i >= 0 && j > 0 {
			if i == 0 {
				x1 = w.Box.X
			} else {
				x1 = w.Box.Right() - float64(len(f)-len([]rune(fs[:i])))*letter(w, len(f))
			}
			break
		}
	}
	if x0 < 0 {
		return fallback
	}
	if x1 < 0 {
		x1 = x0 + 1.8*h
	}
	x1 += 0.15 * h
	if x1-x0 < h {
		x1 = x0 + 1.8*h
	}
	return doc.Box{X: x0 - 0.05*h, Y: l.box.Y - 0.6*h, W: x1 - x0, H: 2.2 * h}
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
		if snapped, ok := snapPhrase(t, issuerPhrases); ok {
			t = snapped
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
func readSubject(rows []row, from int, titleCx float64) []line {
	left, right := bodyMargins(rows)
	var out []line
	for i := from; i < len(rows) && len(out) < 5; i++ {
		// The row's line centred under the title; an incoming stamp in the
		// margin may share the row.
		var cands []line
		for _, l := range rows[i].lines {
			if l = cutStampPrefix(l); abs(l.cx()-titleCx) < 0.035 {
				cands = append(cands, l)
			}
		}
		if len(cands) != 1 || len(rows[i].lines) > 2 {
			break
		}
		l := cands[0]
		if strings.HasPrefix(l.fold, "kinh gui") || strings.HasPrefix(l.fold, "can cu") || isStampText(l.fold) {
			break
		}
		// The first line under the title is the subject if it is centred,
		// however wide; the next ones must not run margin to margin, as
		// body lines do.
		// Centred under the title, and not reaching the right margin as a
		// justified body line does.
		centred := abs(l.cx()-titleCx) < 0.035 && right-l.x1() > 0.008 && l.x0()-left > -0.01
		if !centred {
			break
		}
		if len(out) > 0 {
			prev := out[len(out)-1]
			if l.y0()-prev.y1() > 1.6*(l.box.H/l.ph) {
				break
			}
			// "ỦY BAN NHÂN DÂN TỈNH ..." under a decision's subject opens
			// its preamble.
			if mostlyCaps(l.text) && !mostlyCaps(prev.text) {
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

// cutStampPrefix removes an incoming stamp's text that OCR put on the same
// row as the subject ("TRUNG TÂM CÔNG BÁO ... Về việc ...").
func cutStampPrefix(l line) line {
	i := strings.Index(l.fold, "ve viec")
	if i <= 0 || !isStampText(l.fold[:i]) && !strings.Contains(l.fold[:i], "cong bao") {
		return l
	}
	for j := range l.words {
		if viet.Fold(l.words[j].Text) == "ve" {
			l.words = l.words[j:]
			break
		}
	}
	var parts []string
	l.box = doc.Box{}
	for _, w := range l.words {
		parts = append(parts, w.Text)
		l.box = l.box.Union(w.Box)
	}
	l.text = strings.Join(parts, " ")
	l.fold = viet.Fold(l.text)
	return l
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

// cleanItem strips a list item's dash and its closing ";" or ".", drops
// what OCR read after that (seal specks), and snaps it to the usual
// recipients ("Lưu: VF" → "Lưu: VT").
func cleanItem(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimLeft(s, "-+•*~_— ")
	if i := strings.Index(s, ";"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimRight(s, ";.,: -_~")
	s = strings.Join(strings.Fields(s), " ")
	if snapped, ok := snapPhrase(s, commonRecipients); ok {
		return snapped
	}
	if looksLikeLuu(s) {
		return "Lưu: VT"
	}
	return s
}

// looksLikeLuu spots "Lưu: VT" (the file copy, the last item of every
// Nơi nhận) through OCR's worst readings of its small type: "LƯU: VI",
// "Lư0.VT", "\"TU: VÌ}".
func looksLikeLuu(s string) bool {
	f := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, viet.Fold(s))
	return len(f) >= 3 && len(f) <= 6 && (strings.HasPrefix(f, "luu") || strings.HasPrefix(f, "lu") || strings.HasSuffix(f, "uvt") || strings.HasSuffix(f, "uvi")) && strings.Contains(f, "v")
}

// dedupe drops repeated recipients: a công văn names its addressee after
// "Kính gửi" and again under "Nơi nhận".
func dedupe(xs []string) []string {
	seen := map[string]bool{}
	out := xs[:0]
	for _, x := range xs {
		k := strings.ToLower(viet.Canonical(x))
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, x)
	}
	return out
}

// repairSymbolHead fixes a symbol's type code that OCR misread ("TIR-UBND")
// when the title names the type and the code is one edit away from it.
func repairSymbolHead(symbol, code, title string) string {
	if title == "" || code == "" || code == "CV" || classify.SymbolType(symbol) != "" {
		return symbol
	}
	if t, _ := classify.TitleType(title); t != code {
		return symbol
	}
	head, rest, ok := strings.Cut(symbol, "-")
	if !ok {
		return symbol
	}
	year := ""
	if i := strings.LastIndex(head, "/"); i >= 0 {
		year, head = head[:i+1], head[i+1:]
	}
	if classify.Distance(strings.ToUpper(head), strings.ToUpper(code)) <= 1 && len([]rune(head)) >= 2 {
		return year + code + "-" + rest
	}
	return symbol
}

// plausibleDue mends a task's deadline OCR misread by a digit of its
// year ("02/12/2924" in a document of 2024): a year more than five
// after the document's, or before it, is the year one digit away from
// it that is nearest after the document's day; a year no digit mends
// is no deadline read ("" — the register's default rules apply).
func plausibleDue(due, issued string) string {
	if len(due) != 10 || len(issued) < 10 {
		return due
	}
	y, err1 := strconv.Atoi(due[:4])
	iy, err2 := strconv.Atoi(issued[:4])
	if err1 != nil || err2 != nil || y >= iy && y <= iy+5 {
		return due
	}
	for cand := iy; cand <= iy+5; cand++ {
		c := fmt.Sprintf("%04d", cand)
		diff := 0
		for k := 0; k < 4; k++ {
			if c[k] != due[k] {
				diff++
			}
		}
		if fixed := c + due[4:]; diff == 1 && fixed >= issued[:10] {
			return fixed
		}
	}
	return ""
}
