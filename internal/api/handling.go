package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/vanthu/vanthu/internal/records"
)

type directionRequest struct {
	MainUnit    string   `json:"main_unit,omitempty"`
	MainUser    string   `json:"main_user,omitempty"`
	Cooperating []string `json:"cooperating,omitempty"`
	Deadline    string   `json:"deadline,omitempty"` // YYYY-MM-DD
	Note        string   `json:"note,omitempty"`
}

type handlingJSON struct {
	DocumentID    int64    `json:"document_id"`
	MainUnit      string   `json:"main_unit"`
	MainUser      string   `json:"main_user"`
	Cooperating   []string `json:"cooperating"`
	Deadline      string   `json:"deadline"`
	Note          string   `json:"note"`
	Status        string   `json:"status" enum:"assigned,in_progress,done"`
	Result        string   `json:"result"`
	ReplyDocument int64    `json:"reply_document"`
	DirectedBy    string   `json:"directed_by"`
	UpdatedAt     string   `json:"updated_at"`
}

type handlingStepJSON struct {
	At     string `json:"at"`
	User   string `json:"user"`
	Action string `json:"action"`
	Detail string `json:"detail"`
}

type handlingResponse struct {
	Handling handlingJSON       `json:"handling"`
	Steps    []handlingStepJSON `json:"steps"`
}

type handlingStepRequest struct {
	Action        string `json:"action" enum:"progress,forward,finish"`
	Note          string `json:"note,omitempty"`
	ToUnit        string `json:"to_unit,omitempty"`
	ToUser        string `json:"to_user,omitempty"`
	ReplyDocument int64  `json:"reply_document,omitempty"`
}

type workItemJSON struct {
	DocumentID int64        `json:"document_id"`
	Number     string       `json:"number"`
	Symbol     string       `json:"symbol"`
	Issuer     string       `json:"issuer"`
	Subject    string       `json:"subject"`
	Handling   handlingJSON `json:"handling"`
	Due        string       `json:"due"`
	Overdue    bool         `json:"overdue"`
	SoonDue    bool         `json:"soon_due"`
}

type myWorkResponse struct {
	Items []workItemJSON `json:"items"`
}

func handlingOf(h records.Handling) handlingJSON {
	return handlingJSON{DocumentID: h.DocumentID, MainUnit: h.MainUnit, MainUser: h.MainUser, Cooperating: h.Cooperating, Deadline: h.Deadline,
		Note: h.Note, Status: h.Status, Result: h.Result, ReplyDocument: h.ReplyDocument, DirectedBy: h.DirectedBy, UpdatedAt: stampOrEmpty(h.UpdatedAt)}
}

func (s *Server) answerHandling(w http.ResponseWriter, r *http.Request, id int64) {
	h, steps, err := s.Records.HandlingFor(r.Context(), UserOf(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := handlingResponse{Handling: handlingOf(h), Steps: []handlingStepJSON{}}
	for _, st := range steps {
		out.Steps = append(out.Steps, handlingStepJSON{At: stampOrEmpty(st.At), User: st.User, Action: st.Action, Detail: st.Detail})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) direct(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in directionRequest
	if err := jsonBody(w, r, &in); err != nil {
		writeError(w, http.StatusBadRequest, `send {"main_unit": CODE or "main_user": NAME, "cooperating": [CODES], "deadline": "YYYY-MM-DD", "note": "…"}`)
		return
	}
	h, err := s.Records.Direct(r.Context(), UserOf(r), id, records.Direction{MainUnit: in.MainUnit, MainUser: in.MainUser,
		Cooperating: in.Cooperating, Deadline: in.Deadline, Note: in.Note})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.publishStatus(r, h)
	s.answerHandling(w, r, id)
}

// directionDraft pre-fills a direction from the tasks read in the
// document: the first assignee (resolved against the directory) as the
// main unit, the others as cooperating, the earliest deadline.
func (s *Server) directionDraft(w http.ResponseWriter, r *http.Request) {
	d, ok := s.pathDocument(w, r)
	if !ok {
		return
	}
	out := directionRequest{Cooperating: []string{}}
	for _, t := range d.Record.Tasks {
		res, found, err := s.Records.Lookup(r.Context(), d.Agency, t.Assignee)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if found {
			if out.MainUnit == "" {
				out.MainUnit = res.Code
			} else if res.Code != out.MainUnit {
				out.Cooperating = append(out.Cooperating, res.Code)
			}
		}
		if t.Due != "" && (out.Deadline == "" || t.Due < out.Deadline) {
			out.Deadline = t.Due
		}
		if out.Note == "" {
			out.Note = t.Task
		}
	}
	if out.Deadline == "" && d.Record.IssuedAt != "" {
		out.Deadline = records.Deadline(d.Record, d.CreatedAt)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handling(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.answerHandling(w, r, id)
}

func (s *Server) handlingStep(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in handlingStepRequest
	if err := jsonBody(w, r, &in); err != nil {
		writeError(w, http.StatusBadRequest, `send {"action": "progress" | "forward" | "finish", "note": "…", "to_unit" or "to_user", "reply_document": ID}`)
		return
	}
	h, err := s.Records.Step(r.Context(), UserOf(r), id, records.HandlingStepAs{Action: in.Action, Note: in.Note, ToUnit: in.ToUnit,
		ToUser: in.ToUser, ReplyDocument: in.ReplyDocument})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.publishStatus(r, h)
	s.answerHandling(w, r, id)
}

func (s *Server) myWork(w http.ResponseWriter, r *http.Request) {
	items, err := s.Records.MyWork(r.Context(), UserOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := myWorkResponse{Items: []workItemJSON{}}
	for _, it := range items {
		out.Items = append(out.Items, workItemJSON{DocumentID: it.Document.ID, Number: it.Document.Record.Number, Symbol: it.Document.Record.Symbol,
			Issuer: it.Document.Record.Issuer, Subject: it.Document.Record.Subject, Handling: handlingOf(it.Handling), Due: it.Due,
			Overdue: it.Overdue, SoonDue: it.SoonDue})
	}
	writeJSON(w, http.StatusOK, out)
}

// SendReminders tells of the handlings due soon or due now, once each
// (vanthu serve runs it with its other passes).
func (s *Server) SendReminders(ctx context.Context) (int, error) {
	rs, err := s.Records.DueReminders(ctx)
	for _, r := range rs {
		s.Log.InfoContext(ctx, "handling reminder", "document", r.Handling.DocumentID, "kind", r.Kind, "deadline", r.Handling.Deadline,
			"unit", r.Handling.MainUnit, "user", r.Handling.MainUser, "at", time.Now().UTC().Format(time.RFC3339))
		if s.Reminders != nil {
			s.Reminders(ctx, r)
		}
		if d, err := s.Records.DocumentByID(ctx, r.Handling.DocumentID); r.Kind == "due" && err == nil && d.Secrecy == "" {
			s.publish(ctx, r.Handling.Agency, records.HubTaskOverdue, fmt.Sprintf("overdue-%d-%s", r.Handling.ID, r.Handling.Deadline),
				map[string]any{"document_id": r.Handling.DocumentID, "deadline": r.Handling.Deadline, "main_unit": r.Handling.MainUnit, "main_user": r.Handling.MainUser})
		}
	}
	// Reports: reporters before the due day, receivers after it.
	n, rerr := s.Records.ReportReminders(ctx)
	if n > 0 {
		s.Log.InfoContext(ctx, "report reminders", "notices", n)
	}
	return len(rs) + n, errors.Join(err, rerr)
}

// publishStatus tells the hub's subscribers a document's handling moved
// (not of a secret document: no system is cleared).
func (s *Server) publishStatus(r *http.Request, h records.Handling) {
	d, err := s.Records.DocumentByID(r.Context(), h.DocumentID)
	if err != nil || d.Secrecy != "" {
		return
	}
	s.publish(r.Context(), h.Agency, records.HubStatusChanged, fmt.Sprintf("status-%d-%s-%d", h.ID, h.Status, h.UpdatedAt.UnixNano()),
		map[string]any{"document_id": h.DocumentID, "status": h.Status, "number": d.Record.Number, "symbol": d.Record.Symbol})
}
