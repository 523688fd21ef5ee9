package api

import (
	"fmt"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/search"
	"github.com/vanthu/vanthu/internal/stage"
	"github.com/vanthu/vanthu/internal/summary"
)

func today() string { return time.Now().In(vnTime).Format(time.DateOnly) }

// period reads ?period=day|week|month&date=YYYY-MM-DD (or from/to) into a
// date range.
func period(r *http.Request) (from, to string, err error) {
	q := r.URL.Query()
	if q.Get("from") != "" || q.Get("to") != "" {
		return dateRange(q, today(), maxSummaryDays)
	}
	day := time.Now().In(vnTime)
	if d := q.Get("date"); d != "" {
		if day, err = time.Parse(time.DateOnly, d); err != nil {
			return "", "", fmt.Errorf("%w: date %q: want YYYY-MM-DD", records.ErrInvalid, d)
		}
	}
	lo, hi := day, day
	switch q.Get("period") {
	case "", "day":
	case "week":
		lo = day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
		hi = lo.AddDate(0, 0, 6)
	case "month":
		lo = time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, time.UTC)
		hi = lo.AddDate(0, 1, -1)
	default:
		return "", "", fmt.Errorf("%w: period %q: want day, week or month", records.ErrInvalid, q.Get("period"))
	}
	return lo.Format(time.DateOnly), hi.Format(time.DateOnly), nil
}

// Longest periods a dashboard and a summary cover: a summary reads every
// document of its period.
const (
	maxDashboardDays = 20 * 366
	maxSummaryDays   = 366
)

// dateRange reads from and to (YYYY-MM-DD); to defaults to the day
// given, from to the start of the twelfth month before it. The range may
// span at most maxDays.
func dateRange(q url.Values, day string, maxDays int) (string, string, error) {
	from, err := dateParam(q, "from")
	if err != nil {
		return "", "", err
	}
	to, err := dateParam(q, "to")
	if err != nil {
		return "", "", err
	}
	if to == "" {
		to = day
	}
	hi, _ := time.Parse(time.DateOnly, to)
	if from == "" {
		from = hi.AddDate(0, -11, 0).Format("2006-01") + "-01"
	}
	lo, _ := time.Parse(time.DateOnly, from)
	switch {
	case hi.Before(lo):
		return "", "", fmt.Errorf("%w: the period ends (%s) before it starts (%s)", records.ErrInvalid, to, from)
	case hi.Sub(lo) > time.Duration(maxDays)*24*time.Hour:
		return "", "", fmt.Errorf("%w: the period %s to %s is longer than %d days", records.ErrInvalid, from, to, maxDays)
	}
	return from, to, nil
}

// dashboardResponse is the leader's dashboard over [from, to]: counts of
// documents by month, type and issuer (records.Count: label and n), tasks
// by assignee, the overdue ones, this week's meetings and the reports of
// each regime's period.
type dashboardResponse struct {
	From           string                 `json:"from"`
	To             string                 `json:"to"`
	DocumentsTotal int                    `json:"documents_total"`
	WaitingReview  int                    `json:"waiting_review"`
	InByMonth      []records.Count        `json:"in_by_month"`
	OutByMonth     []records.Count        `json:"out_by_month"`
	InByType       []records.Count        `json:"in_by_type"`
	OutByType      []records.Count        `json:"out_by_type"`
	InByIssuer     []records.Count        `json:"in_by_issuer"`
	TasksDue       []records.Count        `json:"tasks_due"`
	TasksOverdue   []records.Count        `json:"tasks_overdue"`
	Overdue        []dashboardTask        `json:"overdue"`
	DueTasks       []dashboardTask        `json:"due_tasks"` // open, not yet due
	MeetingsWeek   []meetingJSON          `json:"meetings_week"`
	Reports        []records.ReportStatus `json:"reports"`
	// Regimes are the report regimes the agency receives, at their
	// latest period due: who reported, who is missing.
	Regimes []records.RegimeDue `json:"regimes"`
}

// dashboardTask is an open task the dashboard lists, with the unit it is
// counted under in tasks_due and tasks_overdue (the directory's name of
// the assignee, else the assignee as read).
type dashboardTask struct {
	taskWithID
	Unit string `json:"unit"`
}

func dashboardTaskOf(t records.Task) dashboardTask {
	u := t.AssigneeName
	if u == "" {
		u = t.Assignee
	}
	return dashboardTask{taskWithIDOf(t), u}
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	from, to, err := dateRange(r.URL.Query(), today(), maxDashboardDays)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.Records.Dashboard(r.Context(), UserOf(r), from, to, today())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := dashboardResponse{From: from, To: to, DocumentsTotal: d.DocumentsTotal, WaitingReview: d.WaitingReview,
		InByMonth: d.InByMonth, OutByMonth: d.OutByMonth, InByType: d.InByType, OutByType: d.OutByType, InByIssuer: d.InByIssuer,
		TasksDue: d.TasksDue, TasksOverdue: d.TasksOverdue, Overdue: []dashboardTask{}, DueTasks: []dashboardTask{}, MeetingsWeek: []meetingJSON{}, Reports: d.Reports, Regimes: d.Regimes}
	for _, m := range d.MeetingsWeek {
		out.MeetingsWeek = append(out.MeetingsWeek, meetingJSONOf(m))
	}
	for _, t := range d.Overdue {
		out.Overdue = append(out.Overdue, dashboardTaskOf(t))
	}
	for _, t := range d.Due {
		out.DueTasks = append(out.DueTasks, dashboardTaskOf(t))
	}
	writeJSON(w, http.StatusOK, out)
}

// summaryResponse is the summary of [from, to]: counts, the decisions,
// tasks and key figures of the period, its sections and their leads, written from the
// records or by a model (written_by).
type summaryResponse struct {
	From      string          `json:"from"`
	To        string          `json:"to"`
	Received  int             `json:"received"`
	Issued    int             `json:"issued"`
	ByType    []records.Count `json:"by_type"`
	Decisions []decisionJSON  `json:"decisions"`
	Tasks     []taskJSON      `json:"tasks"`
	Figures   []figureJSON    `json:"figures"`
	Overdue   int             `json:"overdue"`  // tasks overdue
	Meetings  int             `json:"meetings"` // meetings in the period
	// Sections are the summary under its headings (Văn bản đến và đi,
	// Quyết định, Nhiệm vụ và hạn, Quá hạn, Lịch họp, Số liệu báo cáo):
	// a lead, a short list and how many more ("và 6 nhiệm vụ khác").
	Sections []records.SummarySection `json:"sections"`
	// AgencyName is the agency's name as printed.
	AgencyName string `json:"agency_name"`
	// Paragraphs are the sections' leads, as a model rewrote them when
	// written_by is model.
	Paragraphs []string `json:"paragraphs"`
	WrittenBy  string   `json:"written_by" enum:"records,model"`
}

// decisionJSON is a decision (quyết định) a summary names.
type decisionJSON struct {
	DocumentID int64  `json:"document_id"`
	Number     string `json:"number"`
	Symbol     string `json:"symbol"`
	Issuer     string `json:"issuer"`
	IssuedAt   string `json:"issued_at"`
	Subject    string `json:"subject"`
}

// figureJSON is a sentence of a report that carries a figure.
type figureJSON struct {
	DocumentID int64  `json:"document_id"`
	Issuer     string `json:"issuer"`
	Sentence   string `json:"sentence"`
}

// summary answers the period's summary as JSON, or as a PDF for printing
// (?format=pdf).
func (s *Server) summary(w http.ResponseWriter, r *http.Request) {
	from, to, err := period(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := UserOf(r)
	sum, err := s.Records.Summarize(r.Context(), u, from, to, today())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writtenBy := "records"
	if s.Prose != nil {
		if ps, err := s.Prose.Rewrite(r.Context(), sum.Paragraphs); err != nil {
			s.Log.Warn("summary prose: the records' text stands", "err", err)
		} else {
			sum.Paragraphs, writtenBy = ps, "model"
		}
	}
	if r.URL.Query().Get("format") == "pdf" {
		b, err := summary.PDF(sum, u.Agency)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="tom-tat-%s-%s.pdf"`, from, to))
		w.Write(b)
		return
	}
	out := summaryResponse{From: from, To: to, Received: sum.Received, Issued: sum.Issued, ByType: sum.ByType,
		Decisions: []decisionJSON{}, Tasks: []taskJSON{}, Figures: []figureJSON{}, Overdue: len(sum.Overdue), Meetings: len(sum.Meetings),
		Sections: sum.Sections, AgencyName: sum.AgencyName, Paragraphs: sum.Paragraphs, WrittenBy: writtenBy}
	if out.Sections == nil {
		out.Sections = []records.SummarySection{}
	}
	for _, d := range sum.Decisions {
		out.Decisions = append(out.Decisions, decisionJSON{DocumentID: d.ID, Number: d.Number, Symbol: d.Symbol, Issuer: d.Issuer, IssuedAt: d.IssuedAt, Subject: d.Subject})
	}
	for _, t := range sum.Tasks {
		out.Tasks = append(out.Tasks, taskJSON{DocumentID: t.DocumentID, Assignee: t.Assignee, Task: t.Task, Due: t.Due})
	}
	for _, f := range sum.Figures {
		out.Figures = append(out.Figures, figureJSON{DocumentID: f.DocumentID, Issuer: f.Issuer, Sentence: f.Sentence})
	}
	writeJSON(w, http.StatusOK, out)
}

// page renders page n of a document's original as PNG, for the review
// screen and the document view. X-Vanthu-Scale is the ratio of the
// image's pixels to the 300-dpi pixels evidence boxes are given in.
func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > 2000 {
		s.fail(w, r, records.ErrNotFound)
		return
	}
	d, ok := s.pathDocument(w, r)
	if !ok {
		return
	}
	if s.Preview == nil {
		s.fail(w, r, records.ErrNotFound)
		return
	}
	// Two pages drawn at a time: each may hold a large image.
	select {
	case s.renders() <- struct{}{}:
		defer func() { <-s.renders() }()
	case <-r.Context().Done():
		return
	}
	rc, _, err := s.Store.Get(r.Context(), d.Bucket, d.Key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer rc.Close()
	// The original to a file of its own (poppler renders from files), drawn
	// by the pipeline; this handler only sends it.
	tmp, err := os.CreateTemp("", "vanthu-page-*")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, io.LimitReader(rc, 512<<20))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		s.fail(w, r, fmt.Errorf("%w: %v", errUnavailable, err))
		return
	}
	const maxPixels = 75_000_000
	img, scale, err := s.Preview(r.Context(), tmp.Name(), n, maxPixels)
	if err != nil {
		s.fail(w, r, records.ErrNotFound)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Header().Set("X-Vanthu-Scale", strconv.FormatFloat(scale, 'f', 4, 64))
	png.Encode(w, img)
}

// relatedResponse: documents like this one, and its duplicates.
type relatedResponse struct {
	Similar    []hitJSON `json:"similar"`
	Duplicates []hitJSON `json:"duplicates"`
}

// related lists documents like this one and its duplicates, from the
// search index, within the user's reach.
func (s *Server) related(w http.ResponseWriter, r *http.Request) {
	d, ok := s.pathDocument(w, r)
	if !ok {
		return
	}
	u := UserOf(r)
	out := relatedResponse{Similar: []hitJSON{}, Duplicates: []hitJSON{}}
	if s.Index == nil {
		writeJSON(w, http.StatusOK, out)
		return
	}
	caller := search.Caller{Agency: u.Agency, Cleared: u.Cleared()}
	ix := indexID(d)
	// An error is a document not indexed yet: nothing related to show.
	if res, err := s.Index.Similar(r.Context(), caller, ix, 5); err == nil {
		out.Similar = s.hits(r, res)
	}
	if res, err := s.Index.Duplicates(r.Context(), caller, ix); err == nil {
		out.Duplicates = s.hits(r, res)
	}
	writeJSON(w, http.StatusOK, out)
}

// hitJSON is a search hit: the index's id (a version of an upload), the
// records' document id beside it (0 when the records do not know it),
// the fields shown in a result list and the highlighted fragments.
type hitJSON struct {
	ID         string   `json:"id"`
	DocumentID int64    `json:"document_id"`
	File       string   `json:"file"`
	Score      float64  `json:"score"`
	DocType    string   `json:"doc_type"`
	Number     string   `json:"number"`
	Symbol     string   `json:"symbol"`
	Issuer     string   `json:"issuer"`
	IssuedAt   string   `json:"issued_at"`
	Subject    string   `json:"subject"`
	Status     string   `json:"status"`
	Highlights []string `json:"highlights"`
}

// hits are the result's hits the user may see, [] when none.
func (s *Server) hits(r *http.Request, res search.Result) []hitJSON {
	out := []hitJSON{}
	for _, h := range res.Hits {
		if hit, ok := s.hitJSON(r, h); ok {
			out = append(out, hit)
		}
	}
	return out
}

// hitJSON is a search hit with the records' document id beside the
// index's. The index answers within the caller's reach; the records are
// asked again, so that an index entry left behind by a change of marking
// (a correction whose re-indexing failed) shows nothing: false.
func (s *Server) hitJSON(r *http.Request, h search.Hit) (hitJSON, bool) {
	d := h.Doc
	var docID int64
	if ref, ok := stage.RefOfDocID(h.ID); ok {
		if rd, err := s.Records.DocumentByObject(r.Context(), ref.Bucket, ref.Key, ref.ETag); err == nil {
			if !UserOf(r).MayRead(rd.Agency, rd.Secrecy) {
				return hitJSON{}, false
			}
			docID = rd.ID
			d.File = rd.File
		}
	}
	hl := h.Highlights
	if hl == nil {
		hl = []string{}
	}
	return hitJSON{ID: h.ID, DocumentID: docID, File: d.File, Score: h.Score, DocType: d.DocType, Number: d.Number, Symbol: d.Symbol,
		Issuer: d.Issuer, IssuedAt: d.IssuedAt, Subject: d.Subject, Status: d.Status, Highlights: hl}, true
}

// cityAgencyJSON is one agency of the city-wide view.
type cityAgencyJSON struct {
	Code           string `json:"code"`
	Name           string `json:"name"`
	DocumentsIn    int    `json:"documents_in"`
	DocumentsOut   int    `json:"documents_out"`
	TasksOverdue   int    `json:"tasks_overdue"`
	ReportsMissing int    `json:"reports_missing"` // reports it owes, past their due day
	ReportersLate  int    `json:"reporters_late"`  // reporters it is still waiting for
}

type cityResponse struct {
	From     string           `json:"from"`
	To       string           `json:"to"`
	Agencies []cityAgencyJSON `json:"agencies"`
}

// city is the view of a leader with reach over several agencies.
func (s *Server) city(w http.ResponseWriter, r *http.Request) {
	from, to, err := dateRange(r.URL.Query(), today(), maxDashboardDays)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	as, err := s.Records.City(r.Context(), UserOf(r), from, to)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := cityResponse{From: from, To: to, Agencies: []cityAgencyJSON{}}
	for _, a := range as {
		out.Agencies = append(out.Agencies, cityAgencyJSON{Code: a.Code, Name: a.Name, DocumentsIn: a.DocumentsIn, DocumentsOut: a.DocumentsOut,
			TasksOverdue: a.TasksOverdue, ReportsMissing: a.ReportsMissing, ReportersLate: a.ReportersLate})
	}
	writeJSON(w, http.StatusOK, out)
}
