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
	meetings := []map[string]any{}
	for _, m := range d.MeetingsWeek {
		meetings = append(meetings, map[string]any{"document_id": m.DocumentID, "starts": m.Starts, "place": m.Place, "chair": m.Chair, "invitees": m.Invitees})
	}
	overdue := []map[string]any{}
	for _, t := range d.Overdue {
		overdue = append(overdue, map[string]any{"id": t.ID, "document_id": t.DocumentID, "assignee": t.Assignee, "task": t.Task, "due": t.Due})
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": from, "to": to, "documents_total": d.DocumentsTotal, "waiting_review": d.WaitingReview,
		"in_by_month": d.InByMonth, "out_by_month": d.OutByMonth, "in_by_type": d.InByType, "out_by_type": d.OutByType, "in_by_issuer": d.InByIssuer,
		"tasks_due": d.TasksDue, "tasks_overdue": d.TasksOverdue, "overdue": overdue, "meetings_week": meetings, "reports": d.Reports})
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
	decisions := []map[string]any{}
	for _, d := range sum.Decisions {
		decisions = append(decisions, map[string]any{"document_id": d.ID, "number": d.Number, "symbol": d.Symbol, "issuer": d.Issuer, "issued_at": d.IssuedAt, "subject": d.Subject})
	}
	tasks := []map[string]any{}
	for _, t := range sum.Tasks {
		tasks = append(tasks, map[string]any{"document_id": t.DocumentID, "assignee": t.Assignee, "task": t.Task, "due": t.Due})
	}
	figures := []map[string]any{}
	for _, f := range sum.Figures {
		figures = append(figures, map[string]any{"document_id": f.DocumentID, "issuer": f.Issuer, "sentence": f.Sentence})
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": from, "to": to, "received": sum.Received, "issued": sum.Issued, "by_type": sum.ByType,
		"decisions": decisions, "tasks": tasks, "figures": figures, "overdue": len(sum.Overdue), "meetings": len(sum.Meetings), "paragraphs": sum.Paragraphs, "written_by": writtenBy})
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

// related lists documents like this one and its duplicates, from the
// search index, within the user's reach.
func (s *Server) related(w http.ResponseWriter, r *http.Request) {
	d, ok := s.pathDocument(w, r)
	if !ok {
		return
	}
	u := UserOf(r)
	out := map[string]any{"similar": []map[string]any{}, "duplicates": []map[string]any{}}
	if s.Index == nil {
		writeJSON(w, http.StatusOK, out)
		return
	}
	caller := search.Caller{Agency: u.Agency, Cleared: u.Cleared()}
	ix := indexID(d)
	for name, f := range map[string]func() (search.Result, error){
		"similar":    func() (search.Result, error) { return s.Index.Similar(r.Context(), caller, ix, 5) },
		"duplicates": func() (search.Result, error) { return s.Index.Duplicates(r.Context(), caller, ix) },
	} {
		res, err := f()
		if err != nil {
			continue // not indexed yet: nothing related to show
		}
		list := []map[string]any{}
		for _, h := range res.Hits {
			if hit, ok := s.hitJSON(r, h); ok {
				list = append(list, hit)
			}
		}
		out[name] = list
	}
	writeJSON(w, http.StatusOK, out)
}

// hitJSON is a search hit with the records' document id beside the
// index's. The index answers within the caller's reach; the records are
// asked again, so that an index entry left behind by a change of marking
// (a correction whose re-indexing failed) shows nothing: false.
func (s *Server) hitJSON(r *http.Request, h search.Hit) (map[string]any, bool) {
	d := h.Doc
	var docID int64
	if ref, ok := stage.RefOfDocID(h.ID); ok {
		if rd, err := s.Records.DocumentByObject(r.Context(), ref.Bucket, ref.Key, ref.ETag); err == nil {
			if !UserOf(r).MayRead(rd.Agency, rd.Secrecy) {
				return nil, false
			}
			docID = rd.ID
			d.File = rd.File
		}
	}
	hl := h.Highlights
	if hl == nil {
		hl = []string{}
	}
	return map[string]any{"id": h.ID, "document_id": docID, "file": d.File, "score": h.Score, "doc_type": d.DocType, "number": d.Number, "symbol": d.Symbol,
		"issuer": d.Issuer, "issued_at": d.IssuedAt, "subject": d.Subject, "status": d.Status, "highlights": hl}, true
}
