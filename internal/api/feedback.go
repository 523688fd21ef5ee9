package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/zalo"
)

// caseJSON is a citizen's case as staff read it. The citizen's name and
// phone are there only for those handling it (records.MayHandle: every
// user who may read the case at all).
type caseJSON struct {
	ID           int64   `json:"id"`
	Code         string  `json:"code"`
	OAAgency     string  `json:"oa_agency"`
	Agency       string  `json:"agency"`
	Unit         string  `json:"unit"`
	Citizen      string  `json:"citizen"`
	CitizenName  string  `json:"citizen_name"`
	CitizenPhone string  `json:"citizen_phone"`
	Topic        string  `json:"topic"`
	TopicConf    float64 `json:"topic_confidence"`
	Status       string  `json:"status" enum:"received,classified,assigned,answered,closed,rejected"`
	Deadline     string  `json:"deadline"`
	Overdue      bool    `json:"overdue"`
	Lat          string  `json:"lat"`
	Lon          string  `json:"lon"`
	CreatedAt    string  `json:"created_at"`
	LastIn       string  `json:"last_message_at"`
	AnsweredAt   string  `json:"answered_at"`
	CanReply     bool    `json:"can_reply"` // within Zalo's 48 hours
}

type caseMessageJSON struct {
	ID             int64  `json:"id"`
	Direction      string `json:"direction" enum:"in,out"`
	Kind           string `json:"kind"`
	Text           string `json:"text"`
	HasFile        bool   `json:"has_file"`
	AttachmentText string `json:"attachment_text"`
	Refused        string `json:"refused"`
	By             string `json:"by"`
	At             string `json:"at"`
}

type caseChangeJSON struct {
	At     string `json:"at"`
	User   string `json:"user"`
	Action string `json:"action"`
	Detail string `json:"detail"`
}

type casesResponse struct {
	Cases []caseJSON `json:"cases"`
}

type caseResponse struct {
	Case     caseJSON          `json:"case"`
	Messages []caseMessageJSON `json:"messages"`
	History  []caseChangeJSON  `json:"history"`
}

type assignRequest struct {
	Agency string `json:"agency"`
	Unit   string `json:"unit,omitempty"`
	Reason string `json:"reason,omitempty"`
}

type replyRequest struct {
	Text string `json:"text"`
}

func (replyRequest) refineSchema(s map[string]any) {
	s["properties"].(map[string]any)["text"] = map[string]any{"type": "string", "minLength": 1, "maxLength": zalo.MaxReply}
}

type closeRequest struct {
	Reject bool   `json:"reject,omitempty"`
	Reason string `json:"reason,omitempty"`
}

type feedbackStatsJSON struct {
	Total      int             `json:"total"`
	Open       int             `json:"open"`
	Overdue    int             `json:"overdue"`
	AnsweredIn float64         `json:"answered_in_hours"`
	ByTopic    []records.Count `json:"by_topic"`
	ByAgency   []records.Count `json:"by_agency"`
	ByStatus   []records.Count `json:"by_status"`
}

func stampOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func caseOf(c records.Case) caseJSON {
	today := time.Now().In(vnTime).Format(time.DateOnly)
	return caseJSON{ID: c.ID, Code: c.Code, OAAgency: c.OAAgency, Agency: c.Agency, Unit: c.Unit, Citizen: c.Citizen, CitizenName: c.CitizenName,
		CitizenPhone: c.CitizenPhone, Topic: c.Topic, TopicConf: c.TopicConf, Status: c.Status, Deadline: c.Deadline,
		Overdue: c.Open() && c.Status != records.CaseAnswered && c.Deadline != "" && c.Deadline < today, Lat: c.Lat, Lon: c.Lon,
		CreatedAt: stampOrEmpty(c.CreatedAt), LastIn: stampOrEmpty(c.LastIn), AnsweredAt: stampOrEmpty(c.AnsweredAt),
		CanReply: c.Open() && time.Since(c.LastIn) <= zalo.Window}
}

func (s *Server) listCases(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, err := intParam(q, "limit", 1, 500, 100)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	off, err := intParam(q, "offset", 0, maxOffset, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := q.Get("status")
	if status != "" && !contains(records.CaseStatuses, status) {
		s.fail(w, r, fmt.Errorf("%w: status %q: want one of %s", records.ErrInvalid, status, strings.Join(records.CaseStatuses, ", ")))
		return
	}
	// Topic and agency codes are checked by the records (their form and length).
	cs, err := s.Records.Cases(r.Context(), UserOf(r), records.CaseFilter{Status: status, Topic: q.Get("topic"), Agency: q.Get("agency"),
		Overdue: q.Get("overdue") == "1" || q.Get("overdue") == "true", Limit: limit, Offset: off})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := casesResponse{Cases: []caseJSON{}}
	for _, c := range cs {
		out.Cases = append(out.Cases, caseOf(c))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getCase(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, ms, hs, err := s.Records.CaseFor(r.Context(), UserOf(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := caseResponse{Case: caseOf(c), Messages: []caseMessageJSON{}, History: []caseChangeJSON{}}
	for _, m := range ms {
		out.Messages = append(out.Messages, caseMessageJSON{ID: m.ID, Direction: m.Direction, Kind: m.Kind, Text: m.Text, HasFile: m.ObjectKey != "",
			AttachmentText: m.AttachmentText, Refused: m.Refused, By: m.By, At: stampOrEmpty(m.At)})
	}
	for _, h := range hs {
		out.History = append(out.History, caseChangeJSON{At: stampOrEmpty(h.At), User: h.User, Action: h.Action, Detail: h.Detail})
	}
	writeJSON(w, http.StatusOK, out)
}

// caseFile sends a message's attachment (a citizen's photo or PDF).
func (s *Server) caseFile(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	mid, err := strconv.ParseInt(r.PathValue("mid"), 10, 64)
	if err != nil || mid <= 0 {
		s.fail(w, r, records.ErrNotFound)
		return
	}
	_, ms, _, err := s.Records.CaseFor(r.Context(), UserOf(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, m := range ms {
		if m.ID != mid || m.ObjectKey == "" {
			continue
		}
		rc, _, err := s.Store.Get(r.Context(), s.Bucket, m.ObjectKey)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		defer rc.Close()
		head := make([]byte, 512)
		n, _ := io.ReadFull(rc, head)
		w.Header().Set("Content-Type", http.DetectContentType(head[:n]))
		w.Header().Set("Content-Disposition", "inline")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		// A citizen's file: nothing in it runs in the app's origin.
		w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'")
		w.Write(head[:n])
		io.Copy(w, rc)
		return
	}
	s.fail(w, r, records.ErrNotFound)
}

func (s *Server) assignCase(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in assignRequest
	if err := jsonBody(w, r, &in); err != nil {
		writeError(w, http.StatusBadRequest, `send {"agency": CODE, "unit": "…", "reason": "…"}`)
		return
	}
	c, err := s.Records.AssignCase(r.Context(), UserOf(r), id, in.Agency, in.Unit, in.Reason)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, caseOf(c))
}

func (s *Server) replyCase(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in replyRequest
	if err := jsonBody(w, r, &in); err != nil || strings.TrimSpace(in.Text) == "" || utf8.RuneCountInString(in.Text) > zalo.MaxReply {
		writeError(w, http.StatusBadRequest, fmt.Sprintf(`send {"text": "…"}: 1 to %d characters`, zalo.MaxReply))
		return
	}
	u := UserOf(r)
	c, _, _, err := s.Records.CaseFor(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if u.Role == records.RoleAdmin {
		s.fail(w, r, records.ErrForbidden)
		return
	}
	if s.Zalo == nil {
		writeError(w, http.StatusServiceUnavailable, "no Zalo OA access token is configured: the reply cannot be sent")
		return
	}
	// Recorded first: a reply is never sent unrecorded.
	m, err := s.Records.AddReply(r.Context(), u, id, in.Text)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	zid, err := s.Zalo.SendText(r.Context(), c.Citizen, m.Text, c.LastIn)
	if err != nil {
		s.Log.WarnContext(r.Context(), "reply not sent", "case", c.Code, "err", err)
		if ferr := s.Records.ReplyFailed(r.Context(), m, err.Error()); ferr != nil {
			s.Log.ErrorContext(r.Context(), "reply not sent: note it", "case", c.Code, "err", ferr)
		}
		code := http.StatusBadGateway
		if errors.Is(err, zalo.ErrWindow) {
			code = http.StatusConflict
		}
		writeError(w, code, "Zalo did not take the reply (kept on the case as not sent): "+err.Error())
		return
	}
	if err := s.Records.ReplySent(r.Context(), u, m, zid); err != nil {
		s.Log.ErrorContext(r.Context(), "reply sent, not marked sent", "case", c.Code, "err", err)
		writeError(w, http.StatusInternalServerError, "the reply reached the citizen but could not be marked sent: do not send it again")
		return
	}
	s.publish(r.Context(), c.OAAgency, records.HubCaseAnswered, fmt.Sprintf("answered-%d", m.ID),
		map[string]any{"code": c.Code, "agency": c.Agency, "topic": c.Topic})
	writeJSON(w, http.StatusOK, caseMessageJSON{ID: m.ID, Direction: m.Direction, Kind: m.Kind, Text: m.Text, By: m.By, At: stampOrEmpty(m.At)})
}

func (s *Server) closeCase(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in closeRequest
	if err := jsonBody(w, r, &in); err != nil {
		writeError(w, http.StatusBadRequest, `send {"reject": false, "reason": "…"}`)
		return
	}
	c, err := s.Records.CloseCase(r.Context(), UserOf(r), id, in.Reject, in.Reason)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, caseOf(c))
}

func (s *Server) feedbackStats(w http.ResponseWriter, r *http.Request) {
	st, err := s.Records.FeedbackStats(r.Context(), UserOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, feedbackStatsJSON{Total: st.Total, Open: st.Open, Overdue: st.Overdue, AnsweredIn: st.AnsweredIn,
		ByTopic: nonNilCounts(st.ByTopic), ByAgency: nonNilCounts(st.ByAgency), ByStatus: nonNilCounts(st.ByStatus)})
}

func nonNilCounts(c []records.Count) []records.Count {
	if c == nil {
		return []records.Count{}
	}
	return c
}

type routingRulesResponse struct {
	Rules map[string]string `json:"rules"` // topic (or subject) → agency code
}

type routingRuleRequest struct {
	Topic  string `json:"topic"`
	Agency string `json:"agency"` // "" removes the rule
}

func (s *Server) routingRules(w http.ResponseWriter, r *http.Request) {
	rules, err := s.Records.RoutingRules(r.Context(), UserOf(r).Agency)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, routingRulesResponse{Rules: rules})
}

// setRoutingRule: which agency takes a topic's cases of the user's OA.
func (s *Server) setRoutingRule(w http.ResponseWriter, r *http.Request) {
	var in routingRuleRequest
	if err := jsonBody(w, r, &in); err != nil {
		writeError(w, http.StatusBadRequest, `send {"topic": "giao-thong", "agency": CODE} ("" removes the rule)`)
		return
	}
	if err := s.Records.SetRoutingRule(r.Context(), UserOf(r), strings.TrimSpace(in.Topic), strings.TrimSpace(in.Agency)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.routingRules(w, r)
}
