package api

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/search"
)

// table is a register as rows: the header in Vietnamese (what offices
// hand around), the JSON field names beside it.
type table struct {
	Title  string
	Fields []string // JSON names
	Header []string // column titles
	Rows   [][]string
}

func (s *Server) registerFilter(r *http.Request) (records.RegisterFilter, error) {
	u := UserOf(r)
	q := r.URL.Query()
	f := records.RegisterFilter{Agency: u.Agency, Issuer: q.Get("issuer"), DocType: q.Get("type"),
		Status: q.Get("status"), Unit: q.Get("unit"), Cleared: u.Cleared()}
	def := 1000
	if q.Get("format") != "" {
		def = maxExport // an export is the whole register
	}
	var err error
	if f.Limit, err = intParam(q, "limit", 1, maxExport, def); err != nil {
		return f, err
	}
	if f.Offset, err = intParam(q, "offset", 0, maxOffset, 0); err != nil {
		return f, err
	}
	if f.Year, err = intParam(q, "year", 1945, 2200, 0); err != nil {
		return f, err
	}
	if f.From, err = dateParam(q, "from"); err != nil {
		return f, err
	}
	if f.To, err = dateParam(q, "to"); err != nil {
		return f, err
	}
	return f, nil
}

var incomingFields = []string{"arrival_number", "arrived_at", "issuer", "number", "symbol", "issued_at", "doc_type", "subject",
	"receiving_unit", "deadline", "status", "urgency", "confidentiality", "signer", "document_id", "book"}

// The incoming register's columns as Decree 30, Appendix IV names them.
var incomingHeader = []string{"Số đến", "Ngày đến", "Tác giả", "Số", "Ký hiệu", "Ngày tháng văn bản", "Loại văn bản", "Trích yếu nội dung",
	"Đơn vị hoặc người nhận", "Thời hạn giải quyết", "Trạng thái", "Độ khẩn", "Độ mật", "Người ký", "Mã văn bản", "Sổ"}

func (s *Server) incoming(w http.ResponseWriter, r *http.Request) {
	f, err := s.registerFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	es, err := s.Records.Incoming(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t := table{Title: "Sổ đăng ký văn bản đến", Fields: incomingFields, Header: incomingHeader}
	for _, e := range es {
		t.Rows = append(t.Rows, []string{strconv.Itoa(e.ArrivalNumber), e.ArrivedAt.In(vnTime).Format("2006-01-02"), e.Issuer, e.Number, e.Symbol,
			e.IssuedAt, e.DocType, e.Subject, e.ReceivingUnit, e.Deadline, e.Status, e.Urgency, e.Confidentiality, e.Signer, strconv.FormatInt(e.DocumentID, 10), bookName(e.Book)})
	}
	s.sendTable(w, r, t, "so-van-ban-den")
}

// bookName is how a register's book is shown: the ordinary one, or the
// register of state secrets, numbered apart.
func bookName(book string) string {
	if book == records.BookSecret {
		return "mật"
	}
	return "thường"
}

var outgoingFields = []string{"number", "symbol", "issued_at", "doc_type", "subject", "signer", "recipients", "document_id"}
var outgoingHeader = []string{"Số", "Ký hiệu", "Ngày tháng văn bản", "Loại văn bản", "Trích yếu nội dung", "Người ký", "Nơi nhận", "Mã văn bản"}

func (s *Server) outgoing(w http.ResponseWriter, r *http.Request) {
	f, err := s.registerFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	os, err := s.Records.OutgoingRegister(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t := table{Title: "Sổ đăng ký văn bản đi", Fields: outgoingFields, Header: outgoingHeader}
	for _, o := range os {
		t.Rows = append(t.Rows, []string{o.Number, o.Symbol, o.IssuedAt, o.DocType, o.Subject, o.Signer, strings.Join(o.Recipients, "; "), strconv.FormatInt(o.DocumentID, 10)})
	}
	s.sendTable(w, r, t, "so-van-ban-di")
}

// vnTime is Vietnam's time (UTC+7, no daylight saving): registers show
// the day the office saw.
var vnTime = time.FixedZone("ICT", 7*3600)

// sendTable answers JSON, CSV (?format=csv, UTF-8 with a byte-order mark
// so that Excel reads the marks) or Excel (?format=xlsx).
func (s *Server) sendTable(w http.ResponseWriter, r *http.Request, t table, name string) {
	switch r.URL.Query().Get("format") {
	case "", "json":
		out := []map[string]any{}
		for _, row := range t.Rows {
			m := map[string]any{}
			for i, f := range t.Fields {
				m[f] = row[i]
				if n, err := strconv.Atoi(row[i]); err == nil && (f == "arrival_number" || f == "document_id") {
					m[f] = n
				}
			}
			out = append(out, m)
		}
		writeJSON(w, http.StatusOK, map[string]any{"entries": out})
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		w.Write([]byte("\ufeff"))
		cw := csv.NewWriter(w)
		cw.Write(t.Header)
		for _, row := range t.Rows {
			cw.Write(csvSafe(row))
		}
		cw.Flush()
	case "xlsx":
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
		if err := writeXLSX(w, t.Title, t.Header, t.Rows); err != nil {
			s.Log.Error("xlsx", "err", err)
		}
	default:
		writeError(w, http.StatusBadRequest, "format: json, csv or xlsx")
	}
}

// csvSafe defuses cells a spreadsheet would run as formulas (a subject
// read from a document is not ours to trust).
func csvSafe(row []string) []string {
	out := make([]string, len(row))
	for i, c := range row {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			if _, err := strconv.ParseFloat(c, 64); err != nil {
				c = "'" + c
			}
		}
		out[i] = c
	}
	return out
}

func (s *Server) tasks(w http.ResponseWriter, r *http.Request) {
	u := UserOf(r)
	q := r.URL.Query()
	limit, err := intParam(q, "limit", 1, 10*maxLimit, maxLimit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	due, err := dateParam(q, "due_before")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ts, err := s.Records.Tasks(r.Context(), records.TaskFilter{Agency: u.Agency, Assignee: q.Get("assignee"), DueBefore: due,
		Status: q.Get("status"), Cleared: u.Cleared(), Limit: limit})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	today := time.Now().In(vnTime).Format(time.DateOnly)
	out := []map[string]any{}
	for _, t := range ts {
		out = append(out, map[string]any{"id": t.ID, "document_id": t.DocumentID, "assignee": t.Assignee, "task": t.Task, "due": t.Due,
			"status": t.Status, "overdue": t.Status == "open" && t.Due != "" && t.Due < today})
	}
	writeJSON(w, http.StatusOK, map[string]any{"tasks": out})
}

func (s *Server) setTask(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in struct {
		Status *string `json:"status"`
	}
	if err := jsonBody(w, r, &in); err != nil || in.Status == nil {
		writeError(w, http.StatusBadRequest, `send {"status": "open" | "done"}`)
		return
	}
	if err := s.Records.SetTaskStatus(r.Context(), UserOf(r), id, *in.Status); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "status": *in.Status})
}

func (s *Server) reports(w http.ResponseWriter, r *http.Request) {
	u := UserOf(r)
	q := r.URL.Query()
	rs, err := s.Records.Reports(r.Context(), records.ReportFilter{Agency: u.Agency, Regime: q.Get("regime"), Period: q.Get("period"), Cleared: u.Cleared()})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []map[string]any{}
	for _, x := range rs {
		out = append(out, map[string]any{"id": x.ID, "document_id": x.DocumentID, "regime": x.Regime, "period": x.Period,
			"reporting_agency": x.ReportingAgency, "received_at": x.ReceivedAt, "due": x.Due, "on_time": x.OnTime})
	}
	writeJSON(w, http.StatusOK, map[string]any{"reports": out})
}

func (s *Server) meetings(w http.ResponseWriter, r *http.Request) {
	u := UserOf(r)
	q := r.URL.Query()
	from, err := dateParam(q, "from")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	to, err := dateParam(q, "to")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ms, err := s.Records.Meetings(r.Context(), u.Agency, from, to, u.Cleared())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []map[string]any{}
	for _, m := range ms {
		out = append(out, map[string]any{"id": m.ID, "document_id": m.DocumentID, "starts": m.Starts, "place": m.Place, "chair": m.Chair, "invitees": m.Invitees})
	}
	writeJSON(w, http.StatusOK, map[string]any{"meetings": out})
}

// corrections is the audit log as training data, one JSON object a line.
func (s *Server) corrections(w http.ResponseWriter, r *http.Request) {
	cs, err := s.Records.Corrections(r.Context(), UserOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
	for _, c := range cs {
		b, _ := jsonMarshal(correctionJSON(c))
		w.Write(append(b, '\n'))
	}
}

// search runs the archive search as the user: their agency, their
// clearance, inside the query.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	if s.Index == nil {
		writeError(w, http.StatusServiceUnavailable, "no search index configured")
		return
	}
	u := UserOf(r)
	q := r.URL.Query()
	opt := search.Options{Caller: search.Caller{Agency: u.Agency, Cleared: u.Cleared()}, Query: q.Get("q"), DocType: q.Get("type"),
		Issuer: q.Get("issuer"), Urgency: q.Get("urgency"), Status: q.Get("status"), From: q.Get("from"), To: q.Get("to")}
	switch q.Get("sort") {
	case "", "relevance":
	case "date":
		opt.ByDate = true
	default:
		s.fail(w, r, fmt.Errorf("%w: sort %q: want relevance or date", records.ErrInvalid, clip(q.Get("sort"))))
		return
	}
	var err error
	if opt.Size, err = intParam(q, "size", 1, search.MaxSize, 20); err != nil {
		s.fail(w, r, err)
		return
	}
	if opt.Offset, err = intParam(q, "offset", 0, search.MaxWindow-opt.Size, 0); err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.Index.Search(r.Context(), opt)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hits := []map[string]any{}
	for _, h := range res.Hits {
		if hit, ok := s.hitJSON(r, h); ok {
			hits = append(hits, hit)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": res.Total, "hits": hits, "facets": res.Facets})
}
