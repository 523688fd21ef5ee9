package records

import (
	"fmt"
	"strings"
	"unicode"
)

// SummarySection is a heading of a summary: a lead sentence, the first
// few items and how many more there are ("và 12 văn bản khác").
type SummarySection struct {
	Title string   `json:"title"`
	Lead  string   `json:"lead"`
	Items []string `json:"items"`
	More  string   `json:"more"`
}

// How many items a summary's section lists before "và N … khác": a
// week's summary is read in a minute, not four pages.
const (
	summaryTypes     = 6
	summaryDecisions = 5
	summaryTasks     = 8
	summaryOverdue   = 8
	summaryMeetings  = 6
	summaryFigures   = 6
)

// sections writes the summary under its headings: Văn bản đến/đi,
// Quyết định, Nhiệm vụ và hạn, Quá hạn, Lịch họp, Số liệu báo cáo. A
// section with nothing in it is left out, but for the first.
func sections(s Summary) []SummarySection {
	var out []SummarySection
	add := func(sec SummarySection, items []string, max int, what string) {
		if len(items) > max {
			sec.More = fmt.Sprintf("và %d %s khác", len(items)-max, what)
			items = items[:max]
		}
		sec.Lead = modernTone(sec.Lead)
		sec.Items = []string{}
		for _, it := range items {
			sec.Items = append(sec.Items, modernTone(it))
		}
		out = append(out, sec)
	}

	var types []string
	for _, c := range s.ByType {
		name := typeNames[c.Label]
		if name == "" {
			name = "văn bản " + c.Label
		}
		types = append(types, fmt.Sprintf("%s: %d", upperFirst(name), c.N))
	}
	lead := fmt.Sprintf("Từ ngày %s đến ngày %s, cơ quan đã tiếp nhận %d văn bản đến và ban hành %d văn bản đi.", VietDate(s.From), VietDate(s.To), s.Received, s.Issued)
	if s.Received+s.Issued == 0 {
		lead = fmt.Sprintf("Từ ngày %s đến ngày %s, cơ quan không tiếp nhận và không ban hành văn bản nào.", VietDate(s.From), VietDate(s.To))
	}
	add(SummarySection{Title: "Văn bản đến và đi", Lead: lead}, types, summaryTypes, "loại")

	if len(s.Decisions) > 0 {
		var ds []string
		for _, d := range s.Decisions {
			x := "Quyết định số " + d.Number
			if d.Symbol != "" {
				x += "/" + d.Symbol
			}
			if d.IssuedAt != "" {
				x += " ngày " + VietDate(d.IssuedAt)
			}
			if d.Issuer != "" {
				x += " của " + SentenceName(d.Issuer)
			}
			if subj := strings.TrimSuffix(strings.TrimSpace(d.Subject), "."); subj != "" {
				x += " " + lowerFirst(subj)
			}
			ds = append(ds, x)
		}
		add(SummarySection{Title: "Quyết định", Lead: fmt.Sprintf("Có %d quyết định.", len(ds))}, ds, summaryDecisions, "quyết định")
	}

	if len(s.Tasks) > 0 {
		var ts []string
		first := ""
		for _, t := range s.Tasks {
			ts = append(ts, taskLine(t))
			if t.Due != "" && (first == "" || t.Due < first) {
				first = t.Due
			}
		}
		lead := fmt.Sprintf("Có %d nhiệm vụ được giao.", len(ts))
		if first != "" {
			lead = fmt.Sprintf("Có %d nhiệm vụ được giao, hạn sớm nhất ngày %s.", len(ts), VietDate(first))
		}
		add(SummarySection{Title: "Nhiệm vụ và hạn", Lead: lead}, ts, summaryTasks, "nhiệm vụ")
	}

	if len(s.Overdue) > 0 {
		var ts []string
		for _, t := range s.Overdue {
			ts = append(ts, taskLine(t))
		}
		add(SummarySection{Title: "Quá hạn", Lead: fmt.Sprintf("Có %d nhiệm vụ đã quá hạn chưa hoàn thành.", len(ts))}, ts, summaryOverdue, "nhiệm vụ")
	}

	if len(s.Meetings) > 0 {
		var ms []string
		for _, m := range s.Meetings {
			x := upperFirst(viTime(m.Starts))
			if m.Subject != "" {
				x += ": " + strings.TrimSuffix(m.Subject, ".")
			}
			if m.Place != "" {
				x += ", tại " + m.Place
			}
			if m.Chair != "" {
				x += ", do " + m.Chair + " chủ trì"
			}
			ms = append(ms, x)
		}
		add(SummarySection{Title: "Lịch họp", Lead: fmt.Sprintf("Có %d cuộc họp.", len(ms))}, ms, summaryMeetings, "cuộc họp")
	}

	if len(s.Figures) > 0 {
		var fs []string
		for _, f := range s.Figures {
			x := strings.TrimSuffix(f.Sentence, ".")
			if f.Issuer != "" {
				x = SentenceName(f.Issuer) + ": " + x
			}
			fs = append(fs, x)
		}
		add(SummarySection{Title: "Số liệu báo cáo", Lead: "Số liệu chính từ các báo cáo nhận được."}, fs, summaryFigures, "số liệu")
	}
	return out
}

// taskLine is a task in a list: who, what, by when — the deadline said
// once, not again when the task's text already says it ("trước ngày
// 05/05/2023").
func taskLine(t Task) string {
	who := SentenceName(or(t.AssigneeName, t.Assignee))
	what := strings.TrimSuffix(strings.TrimSpace(t.Task), ".")
	x := what
	if who != "" {
		x = who + ": " + what
	}
	if t.Due != "" && !strings.Contains(what, VietDate(t.Due)) && !strings.Contains(what, t.Due) && !mentionsDate(what, t.Due) {
		x += " (hạn " + VietDate(t.Due) + ")"
	}
	return x
}

// mentionsDate tells whether a text names the day d (YYYY-MM-DD) the
// other ways Vietnamese writes it: 5/5/2023, ngày 05 tháng 5 năm 2023.
func mentionsDate(text, d string) bool {
	if len(d) != 10 {
		return false
	}
	y, m, day := d[:4], strings.TrimPrefix(d[5:7], "0"), strings.TrimPrefix(d[8:10], "0")
	for _, v := range []string{day + "/" + m + "/" + y, day + "-" + m + "-" + y} {
		if strings.Contains(text, v) {
			return true
		}
	}
	for _, dd := range []string{day, d[8:10]} {
		for _, mm := range []string{m, d[5:7]} {
			if strings.Contains(text, "ngày "+dd+" tháng "+mm+" năm "+y) {
				return true
			}
		}
	}
	return false
}

// modernTone writes the tone of "uy" at a word's end on the u, the way
// the official spelling does ("Uỷ ban" → "Ủy ban", "thuỷ" → "thủy"): one
// spelling in a summary whichever way each document was typed. "quý"
// (qu is a consonant) and "huỳnh" (a final consonant) are not touched.
func modernTone(s string) string {
	pairs := map[rune][2]rune{'ý': {'ú', 'y'}, 'ỳ': {'ù', 'y'}, 'ỷ': {'ủ', 'y'}, 'ỹ': {'ũ', 'y'}, 'ỵ': {'ụ', 'y'},
		'Ý': {'Ú', 'Y'}, 'Ỳ': {'Ù', 'Y'}, 'Ỷ': {'Ủ', 'Y'}, 'Ỹ': {'Ũ', 'Y'}, 'Ỵ': {'Ụ', 'Y'}}
	r := []rune(s)
	for i := 1; i < len(r); i++ {
		p, ok := pairs[r[i]]
		if !ok || (r[i-1] != 'u' && r[i-1] != 'U') {
			continue
		}
		if i >= 2 && (r[i-2] == 'q' || r[i-2] == 'Q') {
			continue
		}
		if i+1 < len(r) && unicode.IsLetter(r[i+1]) {
			continue
		}
		upperU := r[i-1] == 'U'
		u, y := p[0], 'y'
		if upperU {
			u = unicode.ToUpper(u)
		} else {
			u = unicode.ToLower(u)
		}
		if unicode.IsUpper(r[i]) {
			y = 'Y'
		}
		r[i-1], r[i] = u, y
	}
	return string(r)
}

// acronyms stay in capitals when a name is written as a sentence.
var acronyms = map[string]bool{"UBND": true, "HĐND": true, "MTTQ": true, "BCH": true, "BHXH": true, "KBNN": true, "TAND": true, "VKSND": true,
	"THPT": true, "THCS": true, "CP": true, "TW": true, "TƯ": true, "TP": true, "TP.": true, "TNMT": true, "GD&ĐT": true, "GDĐT": true,
	"LĐTBXH": true, "KH&ĐT": true, "NN&PTNT": true, "VHTTDL": true, "TT&TT": true, "QLDA": true, "ĐTXD": true, "CNTT": true, "VN": true}

// places are the words after which a name is a proper name
// ("tỉnh Quảng Ngãi").
var places = map[string]bool{"tỉnh": true, "thành phố": true, "huyện": true, "quận": true, "thị xã": true, "thị trấn": true, "xã": true, "phường": true}

// heads are the first words of a name whose next word starts a field's
// name: "Sở Tài chính", "Phòng Tài nguyên và Môi trường".
var heads = map[string]bool{"sở": true, "bộ": true, "phòng": true, "cục": true, "chi cục": true, "tổng cục": true, "vụ": true, "ban": true, "viện": true}

// SentenceName writes an agency's name printed in capitals or in Title
// Case the way a sentence writes it: "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"
// and "Uỷ Ban Nhân Dân Tỉnh Quảng Ngãi" are "Ủy ban nhân dân tỉnh Quảng
// Ngãi"; "SỞ TÀI CHÍNH" is "Sở Tài chính", "UBND HUYỆN BA TƠ" "UBND
// huyện Ba Tơ". A name written any other way is left as it is.
func SentenceName(s string) string {
	s = modernTone(strings.Join(strings.Fields(s), " "))
	words := strings.Fields(s)
	if len(words) < 2 {
		return s
	}
	allCaps, title := s == strings.ToUpper(s), true
	for _, w := range words {
		r := []rune(w)
		if unicode.IsLetter(r[0]) && !unicode.IsUpper(r[0]) {
			title = false
		}
	}
	if !allCaps && !title {
		return s
	}
	out := make([]string, len(words))
	proper, capNext := false, false
	for i, w := range words {
		low := strings.ToLower(w)
		two := ""
		if i+1 < len(words) {
			two = low + " " + strings.ToLower(words[i+1])
		}
		switch {
		case acronyms[strings.ToUpper(w)] && (allCaps || w == strings.ToUpper(w)):
			out[i] = strings.ToUpper(w)
			capNext = false
			continue
		case !proper && (places[low] || places[two]):
			out[i] = low
			if i == 0 {
				out[i] = upperFirst(low)
			}
			if places[two] {
				out[i+1] = strings.ToLower(words[i+1])
				words[i+1] = "" // taken
			}
			proper = true
			continue
		case w == "":
			continue
		}
		if words[i] == "" {
			continue
		}
		switch {
		case proper || i == 0 || capNext:
			out[i] = upperFirst(low)
		default:
			out[i] = low
		}
		capNext = false
		if i == 0 && heads[low] || i == 1 && heads[strings.ToLower(words[0])+" "+low] {
			capNext = true
		}
		if w == "-" || w == "–" {
			capNext = true
		}
	}
	var kept []string
	for _, w := range out {
		if w != "" {
			kept = append(kept, w)
		}
	}
	return strings.Join(kept, " ")
}

func upperFirst(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) > 1 && !unicode.IsUpper(r[1]) {
		r[0] = unicode.ToLower(r[0])
	}
	return string(r)
}
