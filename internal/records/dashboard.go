package records

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Count is a number of documents under a label (a month, a type, an
// issuer, an assignee).
type Count struct {
	Label string `json:"label"`
	N     int    `json:"n"`
}

// Dashboard is what a leader reads in the morning, from the records of
// the leader's agency within their clearance.
type Dashboard struct {
	From, To       string         `json:"-"`
	InByMonth      []Count        `json:"in_by_month"`
	OutByMonth     []Count        `json:"out_by_month"`
	InByType       []Count        `json:"in_by_type"`
	OutByType      []Count        `json:"out_by_type"`
	InByIssuer     []Count        `json:"in_by_issuer"` // the ten who sent most
	TasksDue       []Count        `json:"tasks_due"`    // open, not yet due, by assignee
	TasksOverdue   []Count        `json:"tasks_overdue"`
	Overdue        []Task         `json:"-"`
	Due            []Task         `json:"-"` // open, not yet due: the tasks TasksDue counts
	MeetingsWeek   []Meeting      `json:"-"`
	Reports        []ReportStatus `json:"reports"`
	Regimes        []RegimeDue    `json:"regimes"`
	WaitingReview  int            `json:"waiting_review"`
	DocumentsTotal int            `json:"documents_total"`
}

// ReportStatus is a regime's period: who reported, on time or late, and
// who reported the period before but not this one (the expected ones
// still missing — the regime's list of reporters is not kept, so the
// previous period stands for it).
type ReportStatus struct {
	Regime   string   `json:"regime"`
	Period   string   `json:"period"`
	Received int      `json:"received"`
	Late     int      `json:"late"`
	Missing  []string `json:"missing"`
}

// Dashboard gathers the counts for [from, to] (YYYY-MM-DD, inclusive);
// today is the day tasks are overdue against.
func (s *Store) Dashboard(ctx context.Context, u User, from, to, today string) (Dashboard, error) {
	d := Dashboard{From: from, To: to}
	lo, err := time.Parse(time.DateOnly, from)
	if err != nil {
		return d, fmt.Errorf("%w: from %q: want YYYY-MM-DD", ErrInvalid, from)
	}
	hi, err := time.Parse(time.DateOnly, to)
	if err != nil {
		return d, fmt.Errorf("%w: to %q: want YYYY-MM-DD", ErrInvalid, to)
	}
	cleared := u.Cleared()
	mayRead, largs := readable("confidentiality", cleared)
	docRead, _ := secrecyCond(cleared)
	count := func(q string, args ...any) ([]Count, error) {
		rows, err := s.db.QueryContext(ctx, s.q(q), args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := []Count{}
		for rows.Next() {
			var c Count
			if err := rows.Scan(&c.Label, &c.N); err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, rows.Err()
	}
	inArgs := append([]any{u.Agency, stamp(lo), stamp(hi.AddDate(0, 0, 1))}, largs...)
	inWhere := `FROM incoming WHERE agency = ? AND arrived_at >= ? AND arrived_at < ? AND duplicate_of IS NULL AND ` + mayRead
	if d.InByMonth, err = count(`SELECT SUBSTR(arrived_at, 1, 7), COUNT(*) `+inWhere+` GROUP BY SUBSTR(arrived_at, 1, 7) ORDER BY 1`, inArgs...); err != nil {
		return d, err
	}
	if d.InByType, err = count(`SELECT doc_type, COUNT(*) `+inWhere+` GROUP BY doc_type ORDER BY 2 DESC, 1`, inArgs...); err != nil {
		return d, err
	}
	if d.InByIssuer, err = count(`SELECT issuer, COUNT(*) `+inWhere+` GROUP BY issuer ORDER BY 2 DESC, 1 LIMIT 10`, inArgs...); err != nil {
		return d, err
	}
	outArgs := append([]any{u.Agency, from, to}, largs...)
	outWhere := `FROM outgoing WHERE agency = ? AND issued_at >= ? AND issued_at <= ? AND ` + docRead
	if d.OutByMonth, err = count(`SELECT SUBSTR(issued_at, 1, 7), COUNT(*) `+outWhere+` GROUP BY SUBSTR(issued_at, 1, 7) ORDER BY 1`, outArgs...); err != nil {
		return d, err
	}
	if d.OutByType, err = count(`SELECT doc_type, COUNT(*) `+outWhere+` GROUP BY doc_type ORDER BY 2 DESC, 1`, outArgs...); err != nil {
		return d, err
	}
	tasks, err := s.Tasks(ctx, TaskFilter{Agency: u.Agency, Status: "open", Cleared: cleared, Limit: 10000})
	if err != nil {
		return d, err
	}
	due, over := map[string]int{}, map[string]int{}
	for _, t := range tasks {
		// By the unit the directory knows ("Cục Thi hành án" and an OCR's
		// "Cục Thị hành án" are one), else as read.
		who := or(t.AssigneeName, t.Assignee)
		switch {
		case t.Due != "" && t.Due < today:
			over[who]++
			d.Overdue = append(d.Overdue, t)
		default:
			due[who]++
			d.Due = append(d.Due, t)
		}
	}
	d.TasksDue, d.TasksOverdue = sorted(due), sorted(over)
	t, _ := time.Parse(time.DateOnly, today)
	monday := t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
	if d.MeetingsWeek, err = s.Meetings(ctx, u.Agency, monday.Format(time.DateOnly), monday.AddDate(0, 0, 6).Format(time.DateOnly), cleared); err != nil {
		return d, err
	}
	reports, err := s.Reports(ctx, ReportFilter{Agency: u.Agency, Cleared: cleared})
	if err != nil {
		return d, err
	}
	d.Reports = reportStatus(reports)
	if d.Regimes, err = s.regimesDue(ctx, u); err != nil {
		return d, err
	}
	row := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'review' THEN 1 ELSE 0 END), 0) FROM documents WHERE agency = ? AND `+mayRead),
		append([]any{u.Agency}, largs...)...)
	if err := row.Scan(&d.DocumentsTotal, &d.WaitingReview); err != nil {
		return d, err
	}
	return d, nil
}

func sorted(m map[string]int) []Count {
	out := []Count{}
	for k, v := range m {
		out = append(out, Count{Label: k, N: v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Label < out[j].Label
	})
	return out
}

// reportStatus groups report records by regime and period, newest
// period first, with who is missing against the period before.
func reportStatus(rs []Report) []ReportStatus {
	type key struct{ regime, period string }
	by := map[key]map[string]bool{}
	late := map[key]int{}
	for _, r := range rs {
		if r.Regime == RegimeAdHoc || r.Regime == RegimeThematic {
			continue
		}
		k := key{r.Regime, r.Period}
		if by[k] == nil {
			by[k] = map[string]bool{}
		}
		by[k][r.ReportingAgency] = true
		if !r.OnTime {
			late[k]++
		}
	}
	var keys []key
	for k := range by {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].regime != keys[j].regime {
			return keys[i].regime < keys[j].regime
		}
		return keys[i].period > keys[j].period
	})
	out := []ReportStatus{}
	for i, k := range keys {
		st := ReportStatus{Regime: k.regime, Period: k.period, Received: len(by[k]), Late: late[k], Missing: []string{}}
		if i+1 < len(keys) && keys[i+1].regime == k.regime {
			for a := range by[keys[i+1]] {
				if !by[k][a] {
					st.Missing = append(st.Missing, a)
				}
			}
			sort.Strings(st.Missing)
		}
		out = append(out, st)
	}
	return out
}

// Summary is what happened in a period, written from the records and the
// texts alone: complete and correct without any language model.
type Summary struct {
	From, To  string
	Received  int
	Issued    int
	ByType    []Count
	Decisions []SummaryDoc // quyết định received or issued
	Tasks     []Task       // assigned by documents of the period
	Overdue   []Task
	Figures   []Figure // key figures read from reports
	Meetings  []Meeting
	// AgencyName is the agency's name in the directory (its code when
	// the directory does not know it), as printed.
	AgencyName string
	// Sections are the summary's headings, each a lead sentence and a
	// short list; Paragraphs are the sections' leads, the text a model
	// may rewrite.
	Sections   []SummarySection
	Paragraphs []string // the prose, in Vietnamese
}

// SummaryDoc is a document named in a summary.
type SummaryDoc struct {
	ID                               int64
	Number, Symbol, Issuer, IssuedAt string
	Subject                          string
}

// Figure is a sentence of a report that carries a number with its unit.
type Figure struct {
	DocumentID int64
	Issuer     string
	Sentence   string
}

// figureRe finds amounts with the units reports give them in.
var figureRe = regexp.MustCompile(`(?i)\d[\d.,]*\s*(%|phần trăm|tỷ đồng|triệu đồng|nghìn đồng|đồng|hộ|người|lượt|ha|héc-ta|km|tấn|doanh nghiệp|hồ sơ|văn bản|trường hợp|vụ|xã|dự án)`)

// Summarize writes the summary of [from, to] for the user's agency.
func (s *Store) Summarize(ctx context.Context, u User, from, to, today string) (Summary, error) {
	sum := Summary{From: from, To: to}
	dash, err := s.Dashboard(ctx, u, from, to, today)
	if err != nil {
		return sum, err
	}
	for _, c := range dash.InByType {
		sum.Received += c.N
	}
	for _, c := range dash.OutByType {
		sum.Issued += c.N
	}
	types := map[string]int{}
	for _, c := range append(append([]Count{}, dash.InByType...), dash.OutByType...) {
		types[c.Label] += c.N
	}
	sum.ByType = sorted(types)
	sum.Overdue = dash.Overdue
	lo, _ := time.Parse(time.DateOnly, from)
	hi, _ := time.Parse(time.DateOnly, to)
	docs, err := s.documentsBetween(ctx, u, lo, hi.AddDate(0, 0, 1))
	if err != nil {
		return sum, err
	}
	for _, d := range docs {
		r := d.Record
		if r.DocType == "QĐ" {
			sum.Decisions = append(sum.Decisions, SummaryDoc{ID: d.ID, Number: r.Number, Symbol: r.Symbol, Issuer: r.Issuer, IssuedAt: r.IssuedAt, Subject: r.Subject})
		}
		for _, t := range r.Tasks {
			sum.Tasks = append(sum.Tasks, Task{DocumentID: d.ID, Assignee: t.Assignee, Task: t.Task, Due: t.Due, Status: "open"})
		}
		if r.DocType == "BC" {
			n := 0
			for _, sent := range sentences(r.Text) {
				if figureRe.MatchString(sent) && n < 3 {
					sum.Figures = append(sum.Figures, Figure{DocumentID: d.ID, Issuer: r.Issuer, Sentence: sent})
					n++
				}
			}
		}
	}
	sort.SliceStable(sum.Tasks, func(i, j int) bool { return dueKey(sum.Tasks[i].Due) < dueKey(sum.Tasks[j].Due) })
	if sum.Meetings, err = s.Meetings(ctx, u.Agency, from, to, u.Cleared()); err != nil {
		return sum, err
	}
	sum.AgencyName = modernTone(s.agencyNames(ctx, []string{u.Agency})[u.Agency])
	sum.Sections = sections(sum)
	sum.Paragraphs = nil
	for _, sec := range sum.Sections {
		sum.Paragraphs = append(sum.Paragraphs, sec.Lead)
	}
	return sum, nil
}

func dueKey(d string) string {
	if d == "" {
		return "9999"
	}
	return d
}

// documentsBetween: recorded documents that arrived in [lo, hi).
func (s *Store) documentsBetween(ctx context.Context, u User, lo, hi time.Time) ([]Document, error) {
	c, args := readable("confidentiality", u.Cleared())
	return s.queryDocuments(ctx, `SELECT `+docColumns+` FROM documents WHERE agency = ? AND created_at >= ? AND created_at < ?
		AND status IN ('review', 'registered', 'approved') AND `+c+` ORDER BY created_at, id`, append([]any{u.Agency, stamp(lo), stamp(hi)}, args...)...)
}

// sentences splits a text at full stops and line ends, joining the
// lines of a wrapped sentence.
func sentences(text string) []string {
	flat := strings.Join(strings.Fields(text), " ")
	var out []string
	for _, s := range regexp.MustCompile(`[.;]\s+`).Split(flat, -1) {
		if s = strings.TrimSpace(s); len([]rune(s)) >= 20 && len([]rune(s)) <= 400 {
			out = append(out, s+".")
		}
	}
	return out
}

var typeNames = map[string]string{"QĐ": "quyết định", "CV": "công văn", "TB": "thông báo", "GM": "giấy mời", "BC": "báo cáo", "KH": "kế hoạch",
	"TTr": "tờ trình", "CT": "chỉ thị", "HD": "hướng dẫn", "NQ": "nghị quyết", "QC": "quy chế", "QyĐ": "quy định", "CĐ": "công điện"}

// VietDate writes a YYYY-MM-DD date as Vietnamese text does (15/06/2024);
// anything else is left as it is.
func VietDate(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format("02/01/2006")
}

func viTime(s string) string {
	t, err := time.Parse("2006-01-02T15:04", s)
	if err != nil {
		return s
	}
	return fmt.Sprintf("%02d giờ %02d ngày %s", t.Hour(), t.Minute(), t.Format("02/01/2006"))
}

// Agencies lists every agency the records know: registered ones and those
// documents were uploaded for.
func (s *Store) Agencies(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT code FROM agencies WHERE kind = 'agency' UNION SELECT DISTINCT agency FROM documents ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("agencies: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
