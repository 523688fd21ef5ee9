package api

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vanthu/vanthu/internal/records"
)

// The reporting system's API: regimes, who reported, the figures.

type regimeRequest struct {
	Name       string   `json:"name"`
	Period     string   `json:"period"`
	Due        string   `json:"due"`
	Reporters  []string `json:"reporters"`
	Indicators []string `json:"indicators"`
}

func (regimeRequest) refineSchema(s map[string]any) {
	props := s["properties"].(map[string]any)
	props["period"].(map[string]any)["enum"] = records.RegimePeriods
	props["name"].(map[string]any)["maxLength"] = 200
	props["reporters"].(map[string]any)["maxItems"] = 1000
	props["indicators"].(map[string]any)["maxItems"] = 100
	s["required"] = []string{"name", "period", "due", "reporters"}
}

type regimeJSON struct {
	ID         int64    `json:"id"`
	Agency     string   `json:"agency"`
	Name       string   `json:"name"`
	Period     string   `json:"period" enum:"month,quarter,half,year,once"`
	Due        string   `json:"due"`
	Reporters  []string `json:"reporters"`
	Indicators []string `json:"indicators"`
	// Role is the caller's agency's part: it receives the reports, or
	// it is one of the reporters.
	Role          string `json:"role" enum:"receiver,reporter"`
	CurrentPeriod string `json:"current_period"`
	CurrentDue    string `json:"current_due"`
	CreatedBy     string `json:"created_by"`
	CreatedAt     string `json:"created_at"`
	// To a reporter: its latest period due and whether it reported it
	// ("" to the receiver).
	OwnPeriod string `json:"own_period,omitempty"`
	OwnStatus string `json:"own_status,omitempty" enum:"on_time,late,doubtful,missing"`
}

type regimesResponse struct {
	Regimes []regimeJSON `json:"regimes"`
}

type importRegimesRequest struct {
	CSV string `json:"csv"` // header name,period,due,reporters,indicators; lists separated by ";"
}

type submissionJSON struct {
	ID         int64   `json:"id"`
	RegimeID   int64   `json:"regime_id"`
	Period     string  `json:"period"`
	Reporter   string  `json:"reporter"`
	DocumentID int64   `json:"document_id"`
	Status     string  `json:"status" enum:"matched,doubtful,confirmed"`
	Score      float64 `json:"score"`
	ReceivedAt string  `json:"received_at"`
	OnTime     bool    `json:"on_time"`
	DecidedBy  string  `json:"decided_by"`
	// Secret: the report is above the caller's clearance (or not read
	// yet): its number, subject and figures are not shown.
	Secret   bool                   `json:"secret"`
	Number   string                 `json:"number"`
	Symbol   string                 `json:"symbol"`
	Issuer   string                 `json:"issuer"`
	IssuedAt string                 `json:"issued_at"`
	Subject  string                 `json:"subject"`
	Figures  []submissionFigureJSON `json:"figures,omitempty"`
}

type submissionFigureJSON struct {
	Indicator   string  `json:"indicator"`
	Found       bool    `json:"found"`
	Value       float64 `json:"value"`
	Text        string  `json:"text"`
	Unit        string  `json:"unit"`
	Confidence  float64 `json:"confidence"`
	Page        int     `json:"page"`
	Box         [4]int  `json:"box"`
	CorrectedBy string  `json:"corrected_by"`
}

type submissionsResponse struct {
	Submissions []submissionJSON `json:"submissions"`
}

type reporterStatusJSON struct {
	Code       string          `json:"code"`
	Name       string          `json:"name"`
	Status     string          `json:"status" enum:"on_time,late,doubtful,missing"`
	Submission *submissionJSON `json:"submission"`
}

type periodStatusJSON struct {
	Period    string               `json:"period"`
	Due       string               `json:"due"`
	Overdue   bool                 `json:"overdue"`
	OnTime    int                  `json:"on_time"`
	Late      int                  `json:"late"`
	Doubtful  int                  `json:"doubtful"`
	Missing   int                  `json:"missing"`
	Reporters []reporterStatusJSON `json:"reporters"`
}

type regimeStatusResponse struct {
	Regime  regimeJSON         `json:"regime"`
	Periods []periodStatusJSON `json:"periods"`
}

type confirmSubmissionRequest struct {
	DocumentID int64  `json:"document_id"`
	Period     string `json:"period"`
	Reporter   string `json:"reporter"`
}

type consolidationRowJSON struct {
	Reporter   string     `json:"reporter"`
	Name       string     `json:"name"`
	Status     string     `json:"status" enum:"on_time,late,doubtful,missing"`
	DocumentID int64      `json:"document_id"`
	Values     []*float64 `json:"values"`
	Unsure     []bool     `json:"unsure"`
}

type consolidationResponse struct {
	Regime     regimeJSON             `json:"regime"`
	Period     string                 `json:"period"`
	Due        string                 `json:"due"`
	Indicators []string               `json:"indicators"`
	Rows       []consolidationRowJSON `json:"rows"`
	Totals     []float64              `json:"totals"`
	Counted    []int                  `json:"counted"`
	Missing    []string               `json:"missing"`
}

func (s *Server) regimeJSONOf(r records.Regime, u records.User) regimeJSON {
	out := regimeJSON{ID: r.ID, Agency: r.Agency, Name: r.Name, Period: r.Period, Due: r.Due, Reporters: r.Reporters, Indicators: r.Indicators,
		Role: "receiver", CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt}
	if r.Agency != u.Agency {
		// A reporter sees its own part, not who else reports.
		out.Role, out.Reporters, out.CreatedBy = "reporter", []string{u.Agency}, ""
	}
	out.CurrentPeriod = r.PeriodOf(time.Now().In(vnTime))
	out.CurrentDue, _ = r.DueOf(out.CurrentPeriod)
	return out
}

func submissionJSONOf(sb records.Submission) submissionJSON {
	out := submissionJSON{ID: sb.ID, RegimeID: sb.RegimeID, Period: sb.Period, Reporter: sb.Reporter, DocumentID: sb.DocumentID, Status: sb.Status,
		Score: math.Round(sb.Score*1000) / 1000, ReceivedAt: sb.ReceivedAt, OnTime: sb.OnTime, DecidedBy: sb.DecidedBy, Secret: sb.Secret,
		Number: sb.Number, Symbol: sb.Symbol, Issuer: sb.Issuer, IssuedAt: sb.IssuedAt, Subject: sb.Subject}
	for _, f := range sb.Figures {
		out.Figures = append(out.Figures, submissionFigureJSON{Indicator: f.Indicator, Found: f.Found, Value: f.Value, Text: f.Text, Unit: f.Unit,
			Confidence: math.Round(f.Confidence*1000) / 1000, Page: f.Evidence.Page, Box: f.Evidence.Box, CorrectedBy: f.CorrectedBy})
	}
	return out
}

func (s *Server) createRegime(w http.ResponseWriter, r *http.Request) {
	var in regimeRequest
	if err := jsonBody(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	u := UserOf(r)
	reg, err := s.Records.CreateRegime(r.Context(), u, records.Regime{Name: in.Name, Period: in.Period, Due: in.Due, Reporters: in.Reporters, Indicators: in.Indicators})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.regimeJSONOf(reg, u))
}

func (s *Server) importRegimes(w http.ResponseWriter, r *http.Request) {
	var in importRegimesRequest
	if err := jsonBody(w, r, &in); err != nil || strings.TrimSpace(in.CSV) == "" {
		writeError(w, http.StatusBadRequest, `send {"csv": "name,period,due,reporters,indicators\n…"}`)
		return
	}
	u := UserOf(r)
	regs, err := s.Records.ImportRegimes(r.Context(), u, strings.NewReader(in.CSV))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := regimesResponse{Regimes: []regimeJSON{}}
	for _, reg := range regs {
		out.Regimes = append(out.Regimes, s.regimeJSONOf(reg, u))
	}
	writeJSON(w, http.StatusCreated, out)
}

func (s *Server) listRegimes(w http.ResponseWriter, r *http.Request) {
	u := UserOf(r)
	regs, err := s.Records.Regimes(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := regimesResponse{Regimes: []regimeJSON{}}
	for _, reg := range regs {
		rj := s.regimeJSONOf(reg, u)
		if rj.Role == "reporter" {
			if rj.OwnPeriod, rj.OwnStatus, err = s.Records.OwnStatus(r.Context(), u, reg); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		out.Regimes = append(out.Regimes, rj)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getRegime(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := UserOf(r)
	reg, err := s.Records.Regime(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.regimeJSONOf(reg, u))
}

// periodParam is the period query parameter: bounded, one value.
func periodParam(r *http.Request) (string, error) {
	vs := r.URL.Query()["period"]
	if len(vs) > 1 {
		return "", fmt.Errorf("%w: period given %d times", records.ErrInvalid, len(vs))
	}
	if len(vs) == 0 {
		return "", nil
	}
	if len(vs[0]) > 16 {
		return "", fmt.Errorf("%w: period %q: too long", records.ErrInvalid, clip(vs[0]))
	}
	return vs[0], nil
}

func (s *Server) regimeStatus(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	period, err := periodParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := UserOf(r)
	reg, ps, err := s.Records.RegimeStatus(r.Context(), u, id, period)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := regimeStatusResponse{Regime: s.regimeJSONOf(reg, u), Periods: []periodStatusJSON{}}
	for _, p := range ps {
		pj := periodStatusJSON{Period: p.Period, Due: p.Due, Overdue: p.Overdue, OnTime: p.OnTime, Late: p.Late, Doubtful: p.Doubtful, Missing: p.Missing,
			Reporters: []reporterStatusJSON{}}
		for _, rs := range p.Reporters {
			rj := reporterStatusJSON{Code: rs.Code, Name: rs.Name, Status: rs.Status}
			if rs.Submission != nil {
				sj := submissionJSONOf(*rs.Submission)
				rj.Submission = &sj
			}
			pj.Reporters = append(pj.Reporters, rj)
		}
		out.Periods = append(out.Periods, pj)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) listSubmissions(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	subs, err := s.Records.Submissions(r.Context(), UserOf(r), id, r.URL.Query().Get("status"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := submissionsResponse{Submissions: []submissionJSON{}}
	for _, sb := range subs {
		out.Submissions = append(out.Submissions, submissionJSONOf(sb))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) confirmSubmission(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in confirmSubmissionRequest
	if err := jsonBody(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.DocumentID <= 0 {
		writeError(w, http.StatusBadRequest, "document_id: the report's document")
		return
	}
	sb, err := s.Records.ConfirmSubmission(r.Context(), UserOf(r), id, in.DocumentID, clipTo(in.Period, 16), clipTo(in.Reporter, 64))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, submissionJSONOf(sb))
}

// clipTo bounds a client's string before it reaches a check that names
// it in an error.
func clipTo(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// submissionPath reads {id} and {sid}.
func submissionPath(r *http.Request) (int64, int64, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, 0, err
	}
	sid, err := strconv.ParseInt(r.PathValue("sid"), 10, 64)
	if err != nil || sid <= 0 {
		return 0, 0, records.ErrNotFound
	}
	return id, sid, nil
}

func (s *Server) getSubmission(w http.ResponseWriter, r *http.Request) {
	id, sid, err := submissionPath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sb, err := s.Records.Submission(r.Context(), UserOf(r), id, sid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, submissionJSONOf(sb))
}

func (s *Server) rejectSubmission(w http.ResponseWriter, r *http.Request) {
	id, sid, err := submissionPath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Records.RejectSubmission(r.Context(), UserOf(r), id, sid); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) submissionFile(w http.ResponseWriter, r *http.Request) {
	id, sid, err := submissionPath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.Records.SubmissionDocument(r.Context(), UserOf(r), id, sid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.serveOriginal(w, r, d)
}

// correctFiguresRequest is {"indicator": value, …}.
type correctFiguresRequest map[string]float64

func (s *Server) correctFigures(w http.ResponseWriter, r *http.Request) {
	id, sid, err := submissionPath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in correctFiguresRequest
	if err := jsonBody(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if len(in) == 0 || len(in) > 100 {
		writeError(w, http.StatusBadRequest, `send {"indicator": value, …} (1 to 100 indicators)`)
		return
	}
	u := UserOf(r)
	if err := s.Records.CorrectFigures(r.Context(), u, id, sid, in); err != nil {
		s.fail(w, r, err)
		return
	}
	sb, err := s.Records.Submission(r.Context(), u, id, sid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, submissionJSONOf(sb))
}

func (s *Server) consolidate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	period, err := periodParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := UserOf(r)
	c, err := s.Records.Consolidate(r.Context(), u, id, period)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	switch r.URL.Query().Get("format") {
	case "", "json":
		out := consolidationResponse{Regime: s.regimeJSONOf(c.Regime, u), Period: c.Period, Due: c.Due, Indicators: c.Indicators, Rows: []consolidationRowJSON{},
			Totals: c.Totals, Counted: c.Counted, Missing: c.Missing}
		for _, row := range c.Rows {
			out.Rows = append(out.Rows, consolidationRowJSON{Reporter: row.Reporter, Name: row.Name, Status: row.Status, DocumentID: row.DocumentID,
				Values: row.Values, Unsure: row.Unsure})
		}
		writeJSON(w, http.StatusOK, out)
	case "xlsx":
		header := append([]string{"STT", "Đơn vị báo cáo", "Tình trạng"}, c.Indicators...)
		status := map[string]string{records.ReportOnTime: "Đúng hạn", records.ReportLate: "Trễ hạn", records.ReportDoubtful: "Chờ xác nhận", records.ReportMissing: "Chưa báo cáo"}
		var rows [][]string
		for i, row := range c.Rows {
			cells := []string{strconv.Itoa(i + 1), row.Name, status[row.Status]}
			for _, v := range row.Values {
				cells = append(cells, viNumber(v))
			}
			rows = append(rows, cells)
		}
		total := []string{"", "Tổng cộng", strconv.Itoa(len(c.Rows)-len(c.Missing)) + "/" + strconv.Itoa(len(c.Rows)) + " đơn vị"}
		for i := range c.Totals {
			v := c.Totals[i]
			total = append(total, viNumber(&v))
		}
		rows = append(rows, total)
		name := "tong-hop-" + strconv.FormatInt(c.Regime.ID, 10) + "-" + c.Period
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
		if err := writeXLSX(w, "Tổng hợp "+c.Period, header, rows); err != nil {
			s.Log.Error("xlsx", "err", err)
		}
	default:
		writeError(w, http.StatusBadRequest, "format: json or xlsx")
	}
}

// viNumber writes a number the Vietnamese way: 1.234.567,5 ("" none).
func viNumber(v *float64) string {
	if v == nil {
		return ""
	}
	neg := *v < 0
	x := math.Abs(*v)
	whole := strconv.FormatFloat(math.Trunc(x), 'f', 0, 64)
	frac := strings.TrimRight(strings.TrimPrefix(strconv.FormatFloat(x-math.Trunc(x), 'f', 2, 64), "0"), "0")
	frac = strings.TrimSuffix(frac, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if frac != "" {
		out += "," + strings.TrimPrefix(frac, ".")
	}
	if neg {
		out = "-" + out
	}
	return out
}
