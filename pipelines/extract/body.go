package extract

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/vanthu/vanthu/internal/viet"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// bodyUntil is the text from the first page to the signature, one string,
// lines joined with spaces (sentences wrap across lines).
func bodyUntil(lay *layout, first, start int, sig signature) string {
	var b strings.Builder
	for p := first; p < len(lay.pages); p++ {
		for i, r := range lay.pages[p] {
			if p == first && i < start {
				continue
			}
			if sig.found && p == sig.page && i >= sig.rowIndex {
				return b.String()
			}
			b.WriteString(r.text())
			b.WriteByte(' ')
		}
		if sig.found && p >= sig.page {
			break
		}
	}
	return b.String()
}

var (
	dueRe        = regexp.MustCompile(`(?i)(?:trước|chậm nhất|hạn chót|không muộn hơn|hoàn thành trong)\s*(?:ngày)?\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})`)
	dueWordsRe   = regexp.MustCompile(`(?i)(?:trước|chậm nhất)\s*ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})`)
	giaoRe       = regexp.MustCompile(`(?:^|\s)[Gg]iao\s+(?:cho\s+)?(\p{Lu}.{2,120}?)\s+(chủ trì|thực hiện|tham mưu|có trách nhiệm|khẩn trương|tổ chức|triển khai|rà soát|xây dựng|phối hợp|nghiên cứu)`)
	leadUnitRe   = regexp.MustCompile(`^(?:\d+\.|[a-zđ]\)|-)?\s*((?:Sở|UBND|Ủy ban|Uỷ ban|Ban|Phòng|Văn phòng|Công an|Bộ|Cục|Trung tâm|Công ty|Thanh tra|Kho bạc|Chi cục|Đài|Báo|Trường|Bệnh viện|Bộ Chỉ huy|Hội|Liên đoàn|Tỉnh đoàn)\s[^:;.]{1,120}?)\s*(?:chủ trì|có trách nhiệm|khẩn trương|tiếp thu|:)`)
	sentenceEnd  = regexp.MustCompile(`\.\s+(?:[A-ZĐ])`)
	sentenceCuts = regexp.MustCompile(`(?:[.;]\s+|\s)(?:\d{1,2}\s*[.,]\s*\p{Lu}|[a-zđ]\)\s|Điều \d)`)
	// Due dates on folded text, so that OCR's "ngầy" or "truóc" still match.
	dueFoldRe = regexp.MustCompile(`(?:truoc|cham nhat|han chot|khong muon hon)\s*(?:ng\S{0,2}y)?\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})`)
)

// readTasks finds the assignments: "Giao Sở X chủ trì ... trước ngày
// 20/01/2025" and numbered items that open with the unit in charge.
func readTasks(body string) []doc.Task {
	var out []doc.Task
	seen := map[string]bool{}
	// open is the last task still without a due date: "Hoàn thành ...
	// trước ngày ..." often closes the item a few sentences later.
	open := -1
	for _, seg := range splitItems(body) {
		seg = strings.TrimSpace(seg)
		if seg == "" {
			continue
		}
		var assignee, task string
		if m := giaoRe.FindStringSubmatchIndex(seg); m != nil {
			assignee = seg[m[2]:m[3]]
			task = seg[m[4]:]
		} else if m := leadUnitRe.FindStringSubmatchIndex(seg); m != nil {
			assignee = seg[m[2]:m[3]]
			task = strings.TrimLeft(seg[m[3]:], " :")
		} else {
			if open >= 0 && itemStart.MatchString(seg) {
				open = -1 // a new numbered item without a task
			}
			if f := viet.Fold(seg); open >= 0 && closesTask(f) {
				if due := dueIn(seg); due != "" {
					out[open].Due = due
					open = -1
				}
			}
			continue
		}
		assignee = trimAssignee(assignee)
		if assignee == "" || len([]rune(assignee)) > 100 {
			continue
		}
		due := dueIn(task)
		task = strings.TrimRight(strings.Join(strings.Fields(task), " "), " ./")
		if len([]rune(task)) > 400 {
			task = string([]rune(task)[:400]) + "…"
		}
		key := viet.Fold(assignee + "|" + task)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, doc.Task{Assignee: assignee, Task: task, Due: due})
		open = -1
		if due == "" {
			open = len(out) - 1
		}
	}
	return out
}

var itemStart = regexp.MustCompile(`^(?:\d{1,2}\s*[.,]|[a-zđ]\)|Điều \d)`)

// closesTask reports a sentence that sets the deadline of the task before
// it: "Hoàn thành và báo cáo UBND tỉnh trước ngày ...", "Thời hạn: ...".
func closesTask(fold string) bool {
	for _, p := range []string{"hoan thanh", "thoi han", "thoi gian hoan thanh", "bao cao"} {
		if strings.HasPrefix(fold, p) {
			return true
		}
	}
	return false
}

func dueIn(s string) string {
	if m := dueRe.FindStringSubmatch(s); m != nil {
		return isoDate(m[1], m[2], m[3])
	}
	if m := dueWordsRe.FindStringSubmatch(s); m != nil {
		return isoDate(m[1], m[2], m[3])
	}
	if m := dueFoldRe.FindStringSubmatch(viet.Fold(s)); m != nil {
		return isoDate(m[1], m[2], m[3])
	}
	return ""
}

var (
	assigneeVerb  = regexp.MustCompile(`\s(?:tiếp thu|khẩn trương|có trách nhiệm|chịu trách nhiệm|chủ động|thực hiện|phối hợp|rà soát|nghiên cứu|tham mưu|tổ chức|triển khai|xây dựng|hướng dẫn|kiểm tra)(?:\s|,|$)`)
	assigneeComma = regexp.MustCompile(`,\s+\p{Ll}`)
)

// trimAssignee keeps the unit's name: it ends before the first verb of the
// task, or at a comma followed by lower case ("Sở Nội vụ tiếp thu ..., chủ
// trì"); a comma inside a name is followed by a capital ("Đầu tư, Xây dựng").
func trimAssignee(a string) string {
	if loc := assigneeVerb.FindStringIndex(a); loc != nil {
		a = a[:loc[0]]
	}
	if loc := assigneeComma.FindStringIndex(a); loc != nil {
		a = a[:loc[0]]
	}
	return strings.TrimRight(strings.TrimSpace(a), ",;: ")
}

// splitItems cuts the body at numbered items and at sentence ends.
func splitItems(body string) []string {
	var out []string
	for _, item := range cutAt(body, sentenceCuts) {
		out = append(out, cutAt(item, sentenceEnd)...)
	}
	return out
}

// cutAt splits s after the first byte of each match of re, so nothing of
// the next piece is lost.
func cutAt(s string, re *regexp.Regexp) []string {
	var out []string
	prev := 0
	for _, m := range re.FindAllStringIndex(s, -1) {
		out = append(out, s[prev:m[0]+1])
		prev = m[0] + 1
	}
	return append(out, s[prev:])
}

func isoDate(d, m, y string) string {
	di, _ := strconv.Atoi(d)
	mi, _ := strconv.Atoi(m)
	yi, _ := strconv.Atoi(y)
	if di < 1 || di > 31 || mi < 1 || mi > 12 || yi < 1945 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", yi, mi, di)
}

var (
	meetTimeRe      = regexp.MustCompile(`(?i)(\d{1,2})\s*(?:giờ|h|g)\s*(\d{1,2})?\s*(?:phút)?[^0-9]{0,40}?(?:ngày\s*)?(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})`)
	meetTimeWordsRe = regexp.MustCompile(`(?i)(\d{1,2})\s*(?:giờ|h|g)\s*(\d{1,2})?\s*(?:phút)?[^0-9]{0,40}?ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})`)
	meetPlaceRe     = regexp.MustCompile(`(?i)(?:địa điểm|tại)\s*:?\s*(.{3,160}?)(?:\.\s|;|\s-\s|$|\s\d\.\s)`)
)

// readMeeting reads a giấy mời's time and place.
func readMeeting(body, issued string) (string, string) {
	var when string
	for _, re := range []*regexp.Regexp{meetTimeRe, meetTimeWordsRe} {
		if m := re.FindStringSubmatch(body); m != nil {
			h, _ := strconv.Atoi(m[1])
			mi := 0
			if m[2] != "" {
				mi, _ = strconv.Atoi(m[2])
			}
			if d := isoDate(m[3], m[4], m[5]); d != "" && h < 24 && mi < 60 {
				when = fmt.Sprintf("%sT%02d:%02d", d, h, mi)
				break
			}
		}
	}
	var place string
	if i := strings.Index(strings.ToLower(body), "địa điểm"); i >= 0 {
		if m := meetPlaceRe.FindStringSubmatch(body[i:]); m != nil {
			place = m[1]
		}
	} else if m := meetPlaceRe.FindStringSubmatch(body); m != nil {
		place = m[1]
	}
	return when, strings.TrimRight(strings.TrimSpace(place), ".,;")
}
