package records

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/vanthu/vanthu/internal/viet"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// Rules that turn an extraction record into register and report fields.
// Each is a default an office can read in one place; the records keep
// what the rule gave, and a person corrects it in review.

// Deadline of an incoming document (thời hạn giải quyết), YYYY-MM-DD or
// "": the earliest due date of its tasks; for a giấy mời, the meeting's
// day; else by urgency (hỏa tốc: the day it arrived, thượng khẩn: the
// next day, khẩn: two days); else ten days for what asks an answer
// (công văn, tờ trình); else none.
func Deadline(rec doc.Record, arrived time.Time) string {
	due := ""
	for _, t := range rec.Tasks {
		if _, err := time.Parse(time.DateOnly, t.Due); err == nil && (due == "" || t.Due < due) {
			due = t.Due
		}
	}
	if due != "" {
		return due
	}
	if rec.DocType == "GM" && len(rec.MeetingTime) >= 10 {
		return rec.MeetingTime[:10]
	}
	day := func(n int) string { return arrived.AddDate(0, 0, n).Format(time.DateOnly) }
	switch strings.Join(strings.Fields(viet.Fold(rec.Urgency)), " ") {
	case "hoa toc":
		return day(0)
	case "thuong khan":
		return day(1)
	case "khan":
		return day(2)
	}
	switch rec.DocType {
	case "CV", "TTr":
		return day(10)
	}
	return ""
}

// Report regimes (Decree 09/2019).
const (
	RegimeMonthly    = "monthly"
	RegimeQuarterly  = "quarterly"
	RegimeSemiannual = "semiannual"
	RegimeAnnual     = "annual"
	RegimeThematic   = "thematic"
	RegimeAdHoc      = "ad hoc"
)

var (
	reMonth   = regexp.MustCompile(`\bthang (\d{1,2})(?:/| nam )(\d{4})\b`)
	reQuarter = regexp.MustCompile(`\bquy (iv|iii|ii|i|[1-4])\b(?:[^0-9]{0,12}(\d{4}))?`)
	reHalf    = regexp.MustCompile(`\b6 thang (dau|cuoi) nam(?: (\d{4}))?`)
	reYear    = regexp.MustCompile(`\bnam (\d{4})\b`)
)

// ReportPeriod reads a báo cáo's regime and period from its subject:
// "tháng 3 năm 2025" → monthly 2025-03, "quý I năm 2025" → 2025-Q1,
// "6 tháng đầu năm 2025" → 2025-H1, "năm 2025" → annual 2025,
// "chuyên đề" → thematic; anything else is ad hoc. Thematic and ad hoc
// reports are filed under the month they were issued.
func ReportPeriod(subject, issuedAt string) (regime, period string) {
	f := " " + strings.Join(strings.Fields(viet.Fold(subject)), " ") + " "
	year := ""
	if len(issuedAt) >= 4 {
		year = issuedAt[:4]
	}
	if m := reMonth.FindStringSubmatch(f); m != nil {
		if n, _ := strconv.Atoi(m[1]); n >= 1 && n <= 12 {
			return RegimeMonthly, m[2] + "-" + pad2(n)
		}
	}
	if m := reQuarter.FindStringSubmatch(f); m != nil {
		q := map[string]string{"i": "1", "ii": "2", "iii": "3", "iv": "4"}[m[1]]
		if q == "" {
			q = m[1]
		}
		return RegimeQuarterly, or(m[2], year) + "-Q" + q
	}
	if m := reHalf.FindStringSubmatch(f); m != nil {
		h := "H1"
		if m[1] == "cuoi" {
			h = "H2"
		}
		y := m[2]
		if y == "" {
			y = year
		}
		return RegimeSemiannual, y + "-" + h
	}
	month := ""
	if len(issuedAt) >= 7 {
		month = issuedAt[:7]
	}
	if strings.Contains(f, " chuyen de ") {
		return RegimeThematic, month
	}
	if m := reYear.FindStringSubmatch(f); m != nil {
		return RegimeAnnual, m[1]
	}
	return RegimeAdHoc, month
}

// ReportDue is a periodic report's deadline: the 20th of the period's
// last month (Decree 09's data cut-off is the 14th; an office's regime
// may set another day). Thematic and ad hoc reports have none.
func ReportDue(regime, period string) string {
	var y, m int
	switch regime {
	case RegimeMonthly:
		t, err := time.Parse("2006-01", period)
		if err != nil {
			return ""
		}
		y, m = t.Year(), int(t.Month())
	case RegimeQuarterly, RegimeSemiannual, RegimeAnnual:
		if len(period) < 4 {
			return ""
		}
		var err error
		if y, err = strconv.Atoi(period[:4]); err != nil {
			return ""
		}
		switch {
		case regime == RegimeQuarterly && len(period) == 7:
			m = 3 * int(period[6]-'0')
		case regime == RegimeSemiannual && strings.HasSuffix(period, "H1"):
			m = 6
		default:
			m = 12
		}
	default:
		return ""
	}
	return time.Date(y, time.Month(m), 20, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

var (
	reChairBy    = regexp.MustCompile(`(?i)\bdo\s+(?:đồng chí|đ/c|ông|bà)?\s*([^.;\n]{3,120}?)\s+chủ trì`)
	reChairColon = regexp.MustCompile(`(?i)chủ trì\s*:\s*(?:đồng chí|đ/c|ông|bà)?\s*([^.;\n]{3,120})`)
)

// MeetingChair reads who chairs a meeting from a giấy mời's text ("do
// đồng chí X, Phó Chủ tịch UBND tỉnh chủ trì", "Chủ trì: X"); if the text
// does not say, the signer, who invites, stands for it.
func MeetingChair(rec doc.Record) string {
	text := viet.Canonical(rec.Text)
	for _, re := range []*regexp.Regexp{reChairBy, reChairColon} {
		if m := re.FindStringSubmatch(text); m != nil {
			return strings.TrimRight(strings.TrimSpace(m[1]), ",")
		}
	}
	if rec.SignerTitle != "" && rec.Signer != "" {
		return rec.Signer + ", " + rec.SignerTitle
	}
	return rec.Signer
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
