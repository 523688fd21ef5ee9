package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/vanthu/vanthu/internal/records"
)

// The meeting system's endpoints (issue 15): meetings, their
// invitations and answers, their papers, and the notices people get.

type createMeetingRequest struct {
	Subject string   `json:"subject"`
	Starts  string   `json:"starts"`         // YYYY-MM-DDTHH:MM, the office's local time (or RFC 3339)
	Ends    string   `json:"ends,omitempty"` // "" when not said
	Place   string   `json:"place"`
	Chair   string   `json:"chair,omitempty"`
	Agenda  []string `json:"agenda,omitempty"` // default: the subject
	Secrecy string   `json:"secrecy,omitempty" enum:",MẬT,TỐI MẬT,TUYỆT MẬT"`
}

func (createMeetingRequest) refineSchema(s map[string]any) {
	props := s["properties"].(map[string]any)
	for _, k := range []string{"subject", "place"} {
		props[k] = map[string]any{"type": "string", "minLength": 1, "maxLength": 500}
	}
	props["chair"] = map[string]any{"type": "string", "maxLength": 500}
	props["agenda"] = map[string]any{"type": "array", "maxItems": records.MaxAgendaItems, "items": map[string]any{"type": "string", "minLength": 1, "maxLength": 500}}
	props["secrecy"] = map[string]any{"type": "string", "enum": append([]string{""}, records.Levels...)}
}

// patchMeetingRequest: the fields given change, the others stay.
type patchMeetingRequest struct {
	Subject *string  `json:"subject,omitempty"`
	Starts  *string  `json:"starts,omitempty"`
	Ends    *string  `json:"ends,omitempty"` // "" clears it
	Place   *string  `json:"place,omitempty"`
	Chair   *string  `json:"chair,omitempty"`
	Agenda  []string `json:"agenda,omitempty"`
}

type inviteeJSON struct {
	Name string `json:"name"` // as the giấy mời prints it
	Code string `json:"code"` // the directory entry it resolved to ("" none)
}

type invitationJSON struct {
	ID         int64  `json:"id"`
	MeetingID  int64  `json:"meeting_id"`
	Invitee    string `json:"invitee"` // an agency code or an account name (of the organiser's agency)
	Kind       string `json:"kind" enum:"agency,user"`
	Agency     string `json:"agency"` // the invited agency, or the invited person's
	Answer     string `json:"answer" enum:",attend,decline,delegate"`
	Who        string `json:"who"` // who attends, or the delegate
	Note       string `json:"note"`
	AnsweredBy string `json:"answered_by"`
	AnsweredAt string `json:"answered_at"` // RFC 3339, "" unanswered
	InvitedBy  string `json:"invited_by"`
	InvitedAt  string `json:"invited_at"`
}

func invitationJSONOf(i records.Invitation) invitationJSON {
	kind := "agency"
	if i.UserID != 0 {
		kind = "user"
	}
	return invitationJSON{ID: i.ID, MeetingID: i.MeetingID, Invitee: i.Invitee, Kind: kind, Agency: i.Agency, Answer: i.Answer, Who: i.Who, Note: i.Note,
		AnsweredBy: i.AnsweredBy, AnsweredAt: stampOrEmpty(i.AnsweredAt), InvitedBy: i.InvitedBy, InvitedAt: stampOrEmpty(i.InvitedAt)}
}

type paperJSON struct {
	DocumentID int64  `json:"document_id"`
	AgendaItem int    `json:"agenda_item"` // 1-based index into agenda
	Number     string `json:"number"`
	Symbol     string `json:"symbol"`
	Subject    string `json:"subject"`
	File       string `json:"file"`
}

type meetingTaskJSON struct {
	ID           int64  `json:"id"`
	Assignee     string `json:"assignee"`      // as read
	AssigneeCode string `json:"assignee_code"` // the directory entry ("" none)
	AssigneeName string `json:"assignee_name"`
	Task         string `json:"task"`
	Due          string `json:"due"` // YYYY-MM-DD or ""
	Status       string `json:"status" enum:"open,done"`
}

type conclusionJSON struct {
	DocumentID int64             `json:"document_id"`
	Number     string            `json:"number"`
	Symbol     string            `json:"symbol"`
	Subject    string            `json:"subject"`
	IssuedAt   string            `json:"issued_at"`
	Tasks      []meetingTaskJSON `json:"tasks"`
}

// meetingResponse is a meeting as the caller sees it: organiser true
// for the organiser agency's people (every invitation, not_answered);
// an invited person sees their own invitations only.
type meetingResponse struct {
	ID          int64            `json:"id"`
	Agency      string           `json:"agency"`      // the organiser (the agency whose record it is)
	DocumentID  int64            `json:"document_id"` // the giấy mời, 0 for one made by hand
	Subject     string           `json:"subject"`
	Starts      string           `json:"starts"` // YYYY-MM-DDTHH:MM local
	Ends        string           `json:"ends"`
	Place       string           `json:"place"`
	Chair       string           `json:"chair"`
	Agenda      []string         `json:"agenda"`
	Secrecy     string           `json:"secrecy"`
	Invitees    []inviteeJSON    `json:"invitees"` // as read from the giấy mời
	Organiser   bool             `json:"organiser"`
	Invitations []invitationJSON `json:"invitations"`
	NotAnswered []string         `json:"not_answered"`
	Papers      []paperJSON      `json:"papers"` // in agenda order, those the caller is cleared for
	Conclusion  *conclusionJSON  `json:"conclusion,omitempty"`
}

func meetingResponseOf(v records.MeetingView) meetingResponse {
	out := meetingResponse{ID: v.ID, Agency: v.Agency, DocumentID: v.DocumentID, Subject: v.Subject, Starts: v.Starts, Ends: v.Ends, Place: v.Place,
		Chair: v.Chair, Agenda: v.Agenda, Secrecy: v.Secrecy, Invitees: []inviteeJSON{}, Organiser: v.Organiser, Invitations: []invitationJSON{},
		NotAnswered: v.NotAnswered, Papers: []paperJSON{}}
	for i, n := range v.Invitees {
		code := ""
		if i < len(v.InviteeCodes) {
			code = v.InviteeCodes[i]
		}
		out.Invitees = append(out.Invitees, inviteeJSON{Name: n, Code: code})
	}
	for _, i := range v.Invitations {
		out.Invitations = append(out.Invitations, invitationJSONOf(i))
	}
	for _, p := range v.Papers {
		out.Papers = append(out.Papers, paperJSON{DocumentID: p.DocumentID, AgendaItem: p.AgendaItem, Number: p.Number, Symbol: p.Symbol, Subject: p.Subject, File: p.File})
	}
	if c := v.Conclusion; c != nil {
		cj := &conclusionJSON{DocumentID: c.DocumentID, Number: c.Number, Symbol: c.Symbol, Subject: c.Subject, IssuedAt: c.IssuedAt, Tasks: []meetingTaskJSON{}}
		for _, t := range c.Tasks {
			cj.Tasks = append(cj.Tasks, meetingTaskJSON{ID: t.ID, Assignee: t.Assignee, AssigneeCode: t.AssigneeCode, AssigneeName: t.AssigneeName, Task: t.Task, Due: t.Due, Status: t.Status})
		}
		out.Conclusion = cj
	}
	if out.Agenda == nil {
		out.Agenda = []string{}
	}
	if out.NotAnswered == nil {
		out.NotAnswered = []string{}
	}
	return out
}

func (s *Server) answerMeeting(w http.ResponseWriter, r *http.Request, code int, id int64) {
	v, err := s.Records.MeetingFor(r.Context(), UserOf(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, code, meetingResponseOf(v))
}

func (s *Server) createMeeting(w http.ResponseWriter, r *http.Request) {
	var in createMeetingRequest
	if err := jsonBody(w, r, &in); err != nil {
		writeError(w, http.StatusBadRequest, `send {"subject": "…", "starts": "YYYY-MM-DDTHH:MM", "ends": …, "place": "…", "chair": "…", "agenda": ["…"], "secrecy": ""}`)
		return
	}
	m, err := s.Records.CreateMeeting(r.Context(), UserOf(r), records.MeetingInput{Subject: in.Subject, Starts: in.Starts, Ends: in.Ends, Place: in.Place,
		Chair: in.Chair, Agenda: in.Agenda, Secrecy: in.Secrecy})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.answerMeeting(w, r, http.StatusCreated, m.ID)
}

func (s *Server) getMeeting(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.answerMeeting(w, r, http.StatusOK, id)
}

func (s *Server) patchMeeting(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in patchMeetingRequest
	if err := jsonBody(w, r, &in); err != nil {
		writeError(w, http.StatusBadRequest, `send the fields to change: {"starts": …, "ends": …, "place": …, "subject": …, "chair": …, "agenda": […]}`)
		return
	}
	if _, err := s.Records.UpdateMeeting(r.Context(), UserOf(r), id, records.MeetingPatch{Subject: in.Subject, Starts: in.Starts, Ends: in.Ends,
		Place: in.Place, Chair: in.Chair, Agenda: in.Agenda}); err != nil {
		s.fail(w, r, err)
		return
	}
	s.answerMeeting(w, r, http.StatusOK, id)
}

type inviteRequest struct {
	To []string `json:"to"` // agency codes or account names of the organiser's own agency, 1 to 200
}

func (inviteRequest) refineSchema(s map[string]any) {
	s["properties"].(map[string]any)["to"] = map[string]any{"type": "array", "minItems": 1, "maxItems": records.MaxInvitees,
		"items": map[string]any{"type": "string", "minLength": 1, "maxLength": 200}}
}

type invitationsResponse struct {
	Invitations []invitationJSON `json:"invitations"`
}

func (s *Server) invite(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in inviteRequest
	if err := jsonBody(w, r, &in); err != nil {
		writeError(w, http.StatusBadRequest, `send {"to": [agency codes or account names]}`)
		return
	}
	invs, err := s.Records.Invite(r.Context(), UserOf(r), id, in.To)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := invitationsResponse{Invitations: []invitationJSON{}}
	for _, i := range invs {
		out.Invitations = append(out.Invitations, invitationJSONOf(i))
	}
	writeJSON(w, http.StatusOK, out)
}

type meetingSummaryJSON struct {
	ID            int64  `json:"id"`
	Subject       string `json:"subject"`
	Starts        string `json:"starts"`
	Ends          string `json:"ends"`
	Place         string `json:"place"`
	Chair         string `json:"chair"`
	Organiser     string `json:"organiser"`      // the organiser agency's code
	OrganiserName string `json:"organiser_name"` // its name in the directory
	Secrecy       string `json:"secrecy"`
}

type myInvitationJSON struct {
	invitationJSON
	Meeting meetingSummaryJSON `json:"meeting"`
}

type myInvitationsResponse struct {
	Invitations []myInvitationJSON `json:"invitations"`
}

// myInvitations: the invitations reaching the caller (their agency's,
// their own, as a delegate), soonest meeting first; past=1 keeps those
// of meetings gone by.
func (s *Server) myInvitations(w http.ResponseWriter, r *http.Request) {
	past := r.URL.Query().Get("past")
	if past != "" && past != "0" && past != "1" {
		writeError(w, http.StatusBadRequest, "past: 0 or 1")
		return
	}
	items, err := s.Records.InvitationsFor(r.Context(), UserOf(r), past == "1")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := myInvitationsResponse{Invitations: []myInvitationJSON{}}
	for _, it := range items {
		m := it.Meeting
		out.Invitations = append(out.Invitations, myInvitationJSON{invitationJSON: invitationJSONOf(it.Invitation), Meeting: meetingSummaryJSON{ID: m.ID,
			Subject: m.Subject, Starts: m.Starts, Ends: m.Ends, Place: m.Place, Chair: m.Chair, Organiser: m.Agency, OrganiserName: it.Organise, Secrecy: m.Secrecy}})
	}
	writeJSON(w, http.StatusOK, out)
}

type answerRequest struct {
	Answer string `json:"answer" enum:"attend,decline,delegate"`
	Who    string `json:"who,omitempty"` // required for delegate; an account name of the invited agency gives them the papers
	Note   string `json:"note,omitempty"`
}

func (answerRequest) refineSchema(s map[string]any) {
	props := s["properties"].(map[string]any)
	props["answer"] = map[string]any{"type": "string", "enum": []string{records.AnswerAttend, records.AnswerDecline, records.AnswerDelegate}}
	props["who"] = map[string]any{"type": "string", "maxLength": 200}
	props["note"] = map[string]any{"type": "string", "maxLength": 1000}
}

func (s *Server) answerInvitation(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in answerRequest
	if err := jsonBody(w, r, &in); err != nil {
		writeError(w, http.StatusBadRequest, `send {"answer": "attend" | "decline" | "delegate", "who": "…", "note": "…"}`)
		return
	}
	i, err := s.Records.Answer(r.Context(), UserOf(r), id, in.Answer, in.Who, in.Note)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, invitationJSONOf(i))
}

type linkPaperRequest struct {
	DocumentID int64 `json:"document_id"`
	AgendaItem int   `json:"agenda_item"` // 1-based
}

func (linkPaperRequest) refineSchema(s map[string]any) {
	props := s["properties"].(map[string]any)
	props["document_id"] = map[string]any{"type": "integer", "minimum": 1}
	props["agenda_item"] = map[string]any{"type": "integer", "minimum": 1, "maximum": records.MaxAgendaItems}
}

func (s *Server) linkPaper(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in linkPaperRequest
	if err := jsonBody(w, r, &in); err != nil {
		writeError(w, http.StatusBadRequest, `send {"document_id": ID, "agenda_item": N}`)
		return
	}
	if err := s.Records.LinkPaper(r.Context(), UserOf(r), id, in.DocumentID, in.AgendaItem); err != nil {
		s.fail(w, r, err)
		return
	}
	s.answerMeeting(w, r, http.StatusOK, id)
}

// paperFile serves a paper's original to the organiser's people and the
// invited, within their clearance; to anyone else it does not exist.
func (s *Server) paperFile(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	docID, err := strconv.ParseInt(r.PathValue("doc"), 10, 64)
	if err != nil || docID <= 0 {
		s.fail(w, r, records.ErrNotFound)
		return
	}
	d, err := s.Records.PaperFor(r.Context(), UserOf(r), id, docID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.serveOriginal(w, r, d)
}

type noticeJSON struct {
	ID        int64  `json:"id"`
	Kind      string `json:"kind"` // invitation, invitation_answer, meeting_changed, meeting_reminder, report_due, …
	Subject   string `json:"subject"`
	Body      string `json:"body"`
	Link      string `json:"link"` // the screen it opens, e.g. "#/cuoc-hop/12"
	CreatedAt string `json:"created_at"`
	Read      bool   `json:"read"`
}

type noticesResponse struct {
	Notices []noticeJSON `json:"notices"`
}

// notices: what the caller was told, newest first (unread=1: the unread
// only; limit up to 500).
func (s *Server) notices(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, err := intParam(q, "limit", 1, 500, 100)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	unread := q.Get("unread")
	if unread != "" && unread != "0" && unread != "1" {
		writeError(w, http.StatusBadRequest, "unread: 0 or 1")
		return
	}
	ns, err := s.Records.Notices(r.Context(), UserOf(r), unread == "1", limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := noticesResponse{Notices: []noticeJSON{}}
	for _, n := range ns {
		out.Notices = append(out.Notices, noticeJSON{ID: n.ID, Kind: n.Kind, Subject: n.Subject, Body: n.Body, Link: n.Link, CreatedAt: n.CreatedAt, Read: n.Read})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) readNotice(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Records.MarkNoticeRead(r.Context(), UserOf(r), id); err != nil {
		if !errors.Is(err, records.ErrNotFound) {
			s.fail(w, r, err)
			return
		}
		writeError(w, http.StatusNotFound, "not found")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
