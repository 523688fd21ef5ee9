package figures

import (
	"strconv"
	"strings"

	"github.com/vanthu/vanthu/internal/viet"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// token is a word of the running text with where it was read.
type token struct {
	raw  string
	fold string // folded, punctuation trimmed
	w    doc.Word
	page int
	// brk: a clause ends after the word (",", ";", ":", ".").
	brk bool
}

func newToken(w doc.Word, page int) token {
	t := token{raw: w.Text, fold: viet.Fold(trimPunct(w.Text)), w: w, page: page}
	t.brk = strings.ContainsAny(w.Text[len(w.Text)-1:], ",;:.") || strings.HasSuffix(w.Text, "…")
	return t
}

// notBefore are the words after which a number is a day, a year, a
// document's or an article's number, not a figure.
var notBefore = map[string]bool{"ngay": true, "thang": true, "nam": true, "quy": true, "dieu": true, "khoan": true,
	"diem": true, "muc": true, "chuong": true, "phan": true, "lan": true, "thu": true, "gio": true, "phut": true,
	"tuan": true, "phong": true, "luc": true, "bieu": true, "mau": true, "ky": true, "ki": true, "dot": true, "khoa": true}

// notAfter: a number before these is a duration or a time ("6 tháng
// đầu năm", "15 ngày", "8 giờ").
var notAfter = map[string]bool{"thang": true, "nam": true, "ngay": true, "gio": true, "phut": true, "quy": true, "tuan": true, "h": true}

// countNouns are what a figure in a sentence counts, one or two words
// folded: "1.234 hồ sơ", "56 doanh nghiệp".
var countNouns = map[string]bool{"ho so": true, "nguoi": true, "luot": true, "luot nguoi": true, "ho": true, "doanh nghiep": true, "du an": true,
	"cong trinh": true, "van ban": true, "truong hop": true, "vu": true, "cuoc": true, "don": true, "thu tuc": true,
	"co so": true, "xa": true, "don vi": true, "km": true, "ha": true, "tan": true, "lao dong": true, "hoc sinh": true,
	"benh nhan": true, "phieu": true, "giay phep": true, "buoi": true, "lop": true, "hoi nghi": true, "vu viec": true,
	"ban": true, "kien nghi": true, "tai khoan": true, "giao dich": true, "chi tieu": true, "nhiem vu": true}

// linking words end a label without saying what is counted ("là", "đạt").
var linking = map[string]bool{"la": true, "dat": true, "voi": true, "gom": true, "co": true, "khoang": true, "tren": true,
	"gan": true, "hon": true, "bang": true, "chiem": true, "len": true, "xuong": true, "tuong": true, "ung": true, "duong": true,
	"muc": true, "con": true}

// inheriting words say the number restates the one before: "giải quyết
// đúng hạn 1.100 hồ sơ, đạt 95,2%" is the share of those 1.100.
var inheriting = map[string]bool{"dat": true, "ty": true, "ti": true, "le": true, "chiem": true, "va": true, "voi": true,
	"tang": true, "giam": true, "tuong": true, "ung": true, "duong": true, "bang": true, "la": true, "so": true}

// maxLabel is the most words a sentence's label keeps before its number:
// a clause's head is its subject, not what it counts.
const maxLabel = 12

// readSentences reads the figures of running text.
func readSentences(ts []token) []doc.Figure {
	var out []doc.Figure
	start := 0 // first token of the clause
	sentence := -1
	lastInSentence := -1 // index in out of the sentence's last figure
	for i := 0; i < len(ts); i++ {
		if i > 0 && ts[i-1].brk {
			start = i
			if strings.HasSuffix(ts[i-1].raw, ".") || strings.HasSuffix(ts[i-1].raw, ":") {
				sentence, lastInSentence = i, -1
			}
		}
		if sentence < 0 {
			sentence = i
		}
		// A list item's mark at a line's start opens a clause.
		if t := ts[i]; t.raw == "-" || t.raw == "+" || t.raw == "•" || (IsRowNumber(t.raw) && (i == 0 || ts[i-1].w.Box.Y < t.w.Box.Y-t.w.Box.H/2)) {
			start, sentence, lastInSentence = i+1, i+1, -1
			continue
		}
		end := i + 1
		for end < len(ts) && end < i+4 && !ts[end-1].brk {
			end++
		}
		words := make([]string, end-i)
		for k := range words {
			words[k] = ts[i+k].raw
		}
		n, ok := ParseWords(words)
		if !ok {
			continue
		}
		last := i + n.Words // first token after the number
		if i >= 2 && (ts[i-1].fold == "den" || ts[i-1].fold == "toi" || ts[i-1].raw == "-" || ts[i-1].raw == "–") {
			if _, isNum := ParseWords([]string{ts[i-2].raw}); isNum {
				continue // the end of a range
			}
		}
		if i > start && notBefore[ts[i-1].fold] || last < len(ts) && !ts[last-1].brk && notAfter[ts[last].fold] {
			continue
		}
		if i > 0 && ts[i-1].fold == "so" && strings.HasPrefix(strings.ToLower(ts[i-1].raw), "số") && n.Unit == "" && !countNounAt(ts, last) {
			// "Quyết định số 2269", "kỳ họp thứ 31": a document's number.
			continue
		}
		if n.Unit == "" && isYear(n.Text) && !countNounAt(ts, last) {
			continue
		}
		unit := n.Unit
		var unitToks []token
		if unit == "" && !ts[last-1].brk {
			for _, k := range []int{2, 1} {
				if last+k <= len(ts) && countNoun(ts[last:last+k]) {
					unitToks = ts[last : last+k]
					var us []string
					for _, t := range unitToks {
						us = append(us, trimPunct(t.raw))
					}
					unit = strings.ToLower(viet.Canonical(strings.Join(us, " ")))
					break
				}
			}
		}
		// The label: the clause's words before the number, without the
		// linking words that end it.
		lab := ts[start:i]
		for len(lab) > 0 && linking[lab[len(lab)-1].fold] {
			lab = lab[:len(lab)-1]
		}
		for len(lab) > 0 && (lab[0].fold == "va" || lab[0].fold == "" || lab[0].raw == "-") {
			lab = lab[1:]
		}
		if len(lab) > maxLabel {
			lab = lab[len(lab)-maxLabel:]
		}
		label := joinRaw(lab)
		restates := true
		for _, t := range lab {
			if !inheriting[t.fold] {
				restates = false
			}
		}
		if restates && lastInSentence >= 0 {
			prev := out[lastInSentence]
			label = prev.Label
			if prev.Unit != "" && prev.Unit != "%" && prev.Unit != "đồng" && !strings.Contains(viet.Fold(label), viet.Fold(prev.Unit)) {
				label += " " + prev.Unit
			}
			if unit == "%" && !strings.Contains(viet.Fold(label), "ty le") {
				label = "tỷ lệ " + label
			}
			if own := joinRaw(lab); own != "" && !isOnly(lab, "dat", "la", "ty", "ti", "le", "chiem", "bang") {
				label += " " + own
			}
		} else if restates {
			label = ""
		}
		label = strings.TrimSpace(label)
		if label == "" {
			i = last - 1
			continue
		}
		box := ts[i].w.Box
		conf := 0.0
		for k := i; k < last; k++ {
			if ts[k].page == ts[i].page {
				box = box.Union(ts[k].w.Box)
			}
			conf += ts[k].w.Conf
		}
		for _, t := range unitToks {
			if t.page == ts[i].page {
				box = box.Union(t.w.Box)
			}
		}
		text := n.Text
		if len(unitToks) > 0 {
			text += " " + unit
		}
		// Read from a sentence, the label is less sure than a row's.
		out = append(out, doc.Figure{Label: label, Value: n.Value, Unit: unit, Text: text,
			Confidence: 0.9 * conf / float64(last-i), Evidence: doc.Evidence{Page: ts[i].page, Box: box.Ints()}})
		lastInSentence = len(out) - 1
		i = last - 1 + len(unitToks)
		start = i + 1
	}
	return out
}

func countNounAt(ts []token, at int) bool {
	for _, k := range []int{2, 1} {
		if at+k <= len(ts) && countNoun(ts[at:at+k]) {
			return true
		}
	}
	return false
}

func countNoun(ts []token) bool {
	var fs []string
	for i, t := range ts {
		if i < len(ts)-1 && t.brk {
			return false
		}
		fs = append(fs, t.fold)
	}
	return countNouns[strings.Join(fs, " ")]
}

func isYear(s string) bool {
	y, err := strconv.Atoi(s)
	return err == nil && len(s) == 4 && y >= 1945 && y <= 2100
}

func isOnly(ts []token, words ...string) bool {
	for _, t := range ts {
		found := false
		for _, w := range words {
			if t.fold == w {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func joinRaw(ts []token) string {
	parts := make([]string, 0, len(ts))
	for _, t := range ts {
		if s := strings.Trim(t.raw, ",;:…\"“”()"); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}
