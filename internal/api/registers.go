package api

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
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
	if u := r.URL.Query().Get("urgency"); u != "" {
		// However it was written (KHẨN, Khẩn, khan): one urgency.
		es = slices.DeleteFunc(es, func(e records.Entry) bool { return search.UrgencyKey(e.Urgency) != search.UrgencyKey(u) })
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

// registerEntries is a register in JSON: its rows are made from the
// table's field lists, and so is their schema (fields, not sent, names
// them for the OpenAPI document).
type registerEntries struct {
	Entries []map[string]any `json:"entries"`
	fields  []string
}

// registerNumbers are the register fields sent as numbers; the others are
// strings.
var registerNumbers = map[string]bool{"arrival_number": true, "document_id": true}

func (e registerEntries) refineSchema(s map[string]any) {
	props := map[string]any{}
	for _, f := range e.fields {
		props[f] = map[string]any{"type": "string"}
		if registerNumbers[f] {
			props[f] = map[string]any{"type": "integer"}
		}
	}
	row := map[string]any{"type": "object", "properties": props, "required": e.fields, "additionalProperties": false}
	s["properties"].(map[string]any)["entries"] = map[string]any{"type": "array", "items": row}
}

// sendTable answers JSON, CSV (?format=csv, UTF-8 with a byte-order mark
// so that Excel reads the marks) or Excel (?format=xlsx).
func (s *Server) sendTable(w http.ResponseWriter, r *http.Request, t table, name string) {
	switch r.URL.Query().Get("format") {
	case "", "json":
		out := registerEntries{Entries: []map[string]any{}}
		for _, row := range t.Rows {
			m := map[string]any{}
			for i, f := range t.Fields {
				m[f] = row[i]
				if n, err := strconv.Atoi(row[i]); err == nil && registerNumbers[f] {
					m[f] = n
				}
			}
			out.Entries = append(out.Entries, m)
		}
		writeJSON(w, http.StatusOK, out)
	case "csv":
		t = t.forPeople()
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
		t = t.forPeople()
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
		if err := writeXLSX(w, t.Title, t.Header, t.Rows); err != nil {
			s.Log.Error("xlsx", "err", err)
		}
	default:
		writeError(w, http.StatusBadRequest, "format: json, csv or xlsx")
	}
}

// exportStatuses are the records' states as a register's reader says them.
var exportStatuses = map[string]string{"received": "Đang xử lý", "failed": "Lỗi", "review": "Cần duyệt", "registered": "Đã vào sổ", "approved": "Đã duyệt"}

// exportTypes are the type codes' names (Decree 30, Appendix I).
var exportTypes = map[string]string{"NQ": "Nghị quyết", "QĐ": "Quyết định", "QD": "Quyết định", "CT": "Chỉ thị", "QC": "Quy chế", "QyĐ": "Quy định",
	"QYD": "Quy định", "TC": "Thông cáo", "TB": "Thông báo", "HD": "Hướng dẫn", "CTr": "Chương trình", "KH": "Kế hoạch", "PA": "Phương án",
	"ĐA": "Đề án", "DA": "Đề án", "DAn": "Dự án", "BC": "Báo cáo", "BB": "Biên bản", "TTr": "Tờ trình", "HĐ": "Hợp đồng", "CV": "Công văn",
	"CĐ": "Công điện", "BGN": "Bản ghi nhớ", "BTT": "Bản thỏa thuận", "GUQ": "Giấy ủy quyền", "GM": "Giấy mời", "GGT": "Giấy giới thiệu",
	"GNP": "Giấy nghỉ phép", "PG": "Phiếu gửi", "PC": "Phiếu chuyển", "PB": "Phiếu báo", "TCg": "Thư công"}

// exportDates are the fields holding a YYYY-MM-DD.
var exportDates = map[string]bool{"arrived_at": true, "issued_at": true, "deadline": true}

// forPeople is the table as a person reads it in Excel or a CSV: states
// and types by their names, dates dd/mm/yyyy. The JSON keeps the codes.
func (t table) forPeople() table {
	out := t
	out.Rows = make([][]string, len(t.Rows))
	for i, row := range t.Rows {
		row = slices.Clone(row)
		for j, f := range t.Fields {
			switch v := row[j]; {
			case f == "status" && exportStatuses[v] != "":
				row[j] = exportStatuses[v]
			case f == "doc_type" && exportTypes[v] != "":
				row[j] = exportTypes[v]
			case exportDates[f]:
				if d, err := time.Parse(time.DateOnly, v); err == nil {
					row[j] = d.Format("02/01/2006")
				}
			}
		}
		out.Rows[i] = row
	}
	return out
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

// taskJSON is a task as a summary names it.
type taskJSON struct {
	DocumentID int64  `json:"document_id"`
	Assignee   string `json:"assignee"`
	Task       string `json:"task"`
	Due        string `json:"due"` // YYYY-MM-DD, or "" when none was read
}

// taskWithID is a task with its id (to mark it done), as the dashboard
// lists the overdue ones.
type taskWithID struct {
	ID int64 `json:"id"`
	taskJSON
}

// taskEntry is a line of the task listing.
type taskEntry struct {
	taskWithID
	Status  string `json:"status" enum:"open,done"`
	Overdue bool   `json:"overdue"`
}

type tasksResponse struct {
	Tasks []taskEntry `json:"tasks"`
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
	out := tasksResponse{Tasks: []taskEntry{}}
	for _, t := range ts {
		out.Tasks = append(out.Tasks, taskEntry{taskWithID: taskWithIDOf(t), Status: t.Status, Overdue: t.Status == "open" && t.Due != "" && t.Due < today})
	}
	writeJSON(w, http.StatusOK, out)
}

func taskWithIDOf(t records.Task) taskWithID {
	return taskWithID{ID: t.ID, taskJSON: taskJSON{DocumentID: t.DocumentID, Assignee: t.Assignee, Task: t.Task, Due: t.Due}}
}

// setTaskRequest is the body of PATCH /api/v1/tasks/{id}. A pointer: a
// body without the status is refused, not taken for "".
type setTaskRequest struct {
	Status *string `json:"status"`
}

func (setTaskRequest) refineSchema(s map[string]any) {
	s["properties"].(map[string]any)["status"] = map[string]any{"type": "string", "enum": []string{"open", "done"}}
}

// taskStatusJSON answers a task's new status.
type taskStatusJSON struct {
	ID     int64  `json:"id"`
	Status string `json:"status" enum:"open,done"`
}

func (s *Server) setTask(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in setTaskRequest
	if err := jsonBody(w, r, &in); err != nil || in.Status == nil {
		writeError(w, http.StatusBadRequest, `send {"status": "open" | "done"}`)
		return
	}
	if err := s.Records.SetTaskStatus(r.Context(), UserOf(r), id, *in.Status); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, taskStatusJSON{ID: id, Status: *in.Status})
}

// reportJSON is a report received under a reporting regime.
type reportJSON struct {
	ID              int64  `json:"id"`
	DocumentID      int64  `json:"document_id"`
	Regime          string `json:"regime"`
	Period          string `json:"period"`
	ReportingAgency string `json:"reporting_agency"`
	ReceivedAt      string `json:"received_at"`
	Due             string `json:"due"`
	OnTime          bool   `json:"on_time"`
}

type reportsResponse struct {
	Reports []reportJSON `json:"reports"`
}

func (s *Server) reports(w http.ResponseWriter, r *http.Request) {
	u := UserOf(r)
	q := r.URL.Query()
	rs, err := s.Records.Reports(r.Context(), records.ReportFilter{Agency: u.Agency, Regime: q.Get("regime"), Period: q.Get("period"), Cleared: u.Cleared()})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := reportsResponse{Reports: []reportJSON{}}
	for _, x := range rs {
		out.Reports = append(out.Reports, reportJSON{ID: x.ID, DocumentID: x.DocumentID, Regime: x.Regime, Period: x.Period,
			ReportingAgency: x.ReportingAgency, ReceivedAt: x.ReceivedAt, Due: x.Due, OnTime: x.OnTime})
	}
	writeJSON(w, http.StatusOK, out)
}

// meetingJSON is a meeting as the dashboard lists it.
type meetingJSON struct {
	ID         int64    `json:"id"`          // the meeting (GET /api/v1/meetings/{id})
	DocumentID int64    `json:"document_id"` // 0 for a meeting made by hand
	Subject    string   `json:"subject"`
	Ends       string   `json:"ends"`   // "" when not said
	Starts     string   `json:"starts"` // local time as read ("2025-03-12T14:00")
	Place      string   `json:"place"`
	Chair      string   `json:"chair"`
	Invitees   []string `json:"invitees"`
}

func meetingJSONOf(m records.Meeting) meetingJSON {
	return meetingJSON{ID: m.ID, DocumentID: m.DocumentID, Subject: m.Subject, Ends: m.Ends, Starts: m.Starts, Place: m.Place, Chair: m.Chair, Invitees: m.Invitees}
}

// meetingEntry is a line of the meetings listing: a meeting with its id.
type meetingEntry struct {
	ID int64 `json:"id"`
	meetingJSON
}

type meetingsResponse struct {
	Meetings []meetingEntry `json:"meetings"`
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
	out := meetingsResponse{Meetings: []meetingEntry{}}
	for _, m := range ms {
		out.Meetings = append(out.Meetings, meetingEntry{ID: m.ID, meetingJSON: meetingJSONOf(m)})
	}
	writeJSON(w, http.StatusOK, out)
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
		b, _ := jsonMarshal(correctionJSONOf(c))
		w.Write(append(b, '\n'))
	}
}

// searchResponse is a page of search hits, with the facets of all of
// them (doc_type, issuer, year, status: value and count).
type searchResponse struct {
	Total  uint64                         `json:"total"`
	Hits   []hitJSON                      `json:"hits"`
	Facets map[string][]search.FacetCount `json:"facets"`
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
	writeJSON(w, http.StatusOK, searchResponse{Total: res.Total, Hits: s.hits(r, res), Facets: res.Facets})
}
