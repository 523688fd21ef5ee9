package records

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Task is an assignment read from a document: clear person, clear task,
// clear deadline.
type Task struct {
	ID         int64
	Agency     string
	DocumentID int64
	Assignee   string
	Task       string
	Due        string // YYYY-MM-DD or ""
	Status     string // open, done
	// AssigneeCode is the directory entry the assignee resolved to, and
	// AssigneeName its name ("" until one is known): one unit however
	// the name was read.
	AssigneeCode, AssigneeName string
}

// TaskFilter narrows a task listing.
type TaskFilter struct {
	Agency    string // required
	Assignee  string
	DueBefore string // due on or before (YYYY-MM-DD)
	Status    string
	Cleared   []string
	Limit     int
	// DocumentID keeps the tasks of one document (0: all).
	DocumentID int64
}

// readable is the condition keeping rows whose secrecy column col holds
// a level the caller may read: none, or one of cleared.
func readable(col string, cleared []string) (string, []any) {
	levels := append([]string{""}, cleared...)
	args := make([]any, len(levels))
	for i, l := range levels {
		args[i] = l
	}
	return col + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(levels)), ", ") + ")", args
}

// secrecyCond keeps rows whose document the caller is cleared for.
func secrecyCond(cleared []string) (string, []any) {
	c, args := readable("confidentiality", cleared)
	return "document_id IN (SELECT id FROM documents WHERE " + c + ")", args
}

// Tasks lists tasks, soonest due first (those without a due date last).
func (s *Store) Tasks(ctx context.Context, f TaskFilter) ([]Task, error) {
	if f.Agency == "" {
		return nil, errors.New("tasks belong to an agency: none given")
	}
	conds, args := []string{"agency = ?"}, []any{f.Agency}
	if f.Assignee != "" {
		conds, args = append(conds, "assignee = ?"), append(args, f.Assignee)
	}
	if f.DueBefore != "" {
		if _, err := time.Parse(time.DateOnly, f.DueBefore); err != nil {
			return nil, fmt.Errorf("%w: due date %q: want YYYY-MM-DD", ErrInvalid, f.DueBefore)
		}
		conds, args = append(conds, "due <> '' AND due <= ?"), append(args, f.DueBefore)
	}
	if f.Status != "" {
		conds, args = append(conds, "status = ?"), append(args, f.Status)
	}
	if f.DocumentID != 0 {
		conds, args = append(conds, "document_id = ?"), append(args, f.DocumentID)
	}
	c, a := secrecyCond(f.Cleared)
	conds, args = append(conds, c), append(args, a...)
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, agency, document_id, assignee, task, due, status, assignee_code,
		COALESCE((SELECT name FROM agencies WHERE code = tasks.assignee_code AND assignee_code <> ''), '') FROM tasks WHERE `+strings.Join(conds, " AND ")+`
		ORDER BY CASE WHEN due = '' THEN 1 ELSE 0 END, due, id LIMIT ?`), append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	defer rows.Close()
	var out []Task
	for rows.Next() {
		var t Task
		if err := rows.Scan(&t.ID, &t.Agency, &t.DocumentID, &t.Assignee, &t.Task, &t.Due, &t.Status, &t.AssigneeCode, &t.AssigneeName); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// SetTaskStatus marks a task open or done, for a user of its agency
// cleared for its document; a task out of reach is not found, like one
// that does not exist (one statement answers both).
func (s *Store) SetTaskStatus(ctx context.Context, u User, id int64, status string) error {
	if status != "open" && status != "done" {
		return fmt.Errorf("%w: task status %q: want open or done", ErrInvalid, status)
	}
	if u.ID == 0 || u.Disabled {
		return ErrNotFound
	}
	c, args := secrecyCond(u.Cleared())
	r, err := s.w.ExecContext(ctx, s.q(`UPDATE tasks SET status = ? WHERE id = ? AND agency = ? AND `+c), append([]any{status, id, u.Agency}, args...)...)
	if err != nil {
		return err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// Report is a report record (Decree 09/2019).
type Report struct {
	ID              int64
	Agency          string // who received it
	DocumentID      int64
	Regime, Period  string
	ReportingAgency string
	ReceivedAt, Due string
	OnTime          bool
}

// ReportFilter narrows a report listing.
type ReportFilter struct {
	Agency, Regime, Period string
	Cleared                []string
}

// Reports lists report records by period, then reporting agency.
func (s *Store) Reports(ctx context.Context, f ReportFilter) ([]Report, error) {
	if f.Agency == "" {
		return nil, errors.New("reports belong to an agency: none given")
	}
	conds, args := []string{"agency = ?"}, []any{f.Agency}
	if f.Regime != "" {
		conds, args = append(conds, "regime = ?"), append(args, f.Regime)
	}
	if f.Period != "" {
		conds, args = append(conds, "period = ?"), append(args, f.Period)
	}
	c, a := secrecyCond(f.Cleared)
	conds, args = append(conds, c), append(args, a...)
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, agency, document_id, regime, period, reporting_agency, received_at, due, on_time FROM reports
		WHERE `+strings.Join(conds, " AND ")+` ORDER BY period, reporting_agency, id`), args...)
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		var r Report
		var on int
		if err := rows.Scan(&r.ID, &r.Agency, &r.DocumentID, &r.Regime, &r.Period, &r.ReportingAgency, &r.ReceivedAt, &r.Due, &on); err != nil {
			return nil, err
		}
		r.OnTime = on == 1
		out = append(out, r)
	}
	return out, rows.Err()
}

// Meeting is a meeting record, from a giấy mời or made by a clerk.
type Meeting struct {
	ID         int64
	Agency     string // the agency whose record it is (the organiser of a hand-made one)
	DocumentID int64  // the giấy mời (0 for a meeting made by hand)
	Starts     string // ISO local time as read ("2025-03-12T14:00")
	Ends       string // "" when not said
	Place      string
	Chair      string
	Invitees   []string // as read from the giấy mời, or named by hand
	// InviteeCodes are the directory entries Invitees resolved to, one
	// for each ("" for a name nothing matched).
	InviteeCodes []string
	Subject      string
	Agenda       []string
	// Secrecy is the giấy mời's level, or a hand-made meeting's own.
	Secrecy            string
	CreatedBy          string
	ConclusionDocument int64 // the thông báo kết luận linked to it (0 none)
}

// meetingSecrecy is the SQL of a meeting row's level: its document's
// (which review may raise) or, without one, its own.
const meetingSecrecy = `COALESCE((SELECT d.confidentiality FROM documents d WHERE d.id = meetings.document_id), meetings.secrecy)`

const meetingColumns = `id, agency, COALESCE(document_id, 0), starts, ends, place, chair, invitees, invitee_codes, subject, agenda, ` + meetingSecrecy + `, created_by, conclusion_document`

func scanMeeting(row interface{ Scan(...any) error }) (Meeting, error) {
	var m Meeting
	var inv, codes, agenda string
	if err := row.Scan(&m.ID, &m.Agency, &m.DocumentID, &m.Starts, &m.Ends, &m.Place, &m.Chair, &inv, &codes, &m.Subject, &agenda, &m.Secrecy,
		&m.CreatedBy, &m.ConclusionDocument); err != nil {
		return Meeting{}, err
	}
	json.Unmarshal([]byte(inv), &m.Invitees)
	json.Unmarshal([]byte(codes), &m.InviteeCodes)
	json.Unmarshal([]byte(agenda), &m.Agenda)
	m.Invitees, m.InviteeCodes, m.Agenda = nonNil(m.Invitees), nonNil(m.InviteeCodes), nonNil(m.Agenda)
	return m, nil
}

// Meetings lists an agency's meetings whose day is within [from, to]
// (YYYY-MM-DD, either may be empty), soonest first.
func (s *Store) Meetings(ctx context.Context, agency, from, to string, cleared []string) ([]Meeting, error) {
	if agency == "" {
		return nil, errors.New("meetings belong to an agency: none given")
	}
	conds, args := []string{"agency = ?"}, []any{agency}
	if from != "" {
		conds, args = append(conds, "day >= ?"), append(args, from)
	}
	if to != "" {
		conds, args = append(conds, "day <= ?"), append(args, to)
	}
	c, a := readable(meetingSecrecy, cleared)
	conds, args = append(conds, c), append(args, a...)
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+meetingColumns+` FROM meetings WHERE `+strings.Join(conds, " AND ")+` ORDER BY starts, id LIMIT 1000`), args...)
	if err != nil {
		return nil, fmt.Errorf("meetings: %w", err)
	}
	defer rows.Close()
	var out []Meeting
	for rows.Next() {
		m, err := scanMeeting(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
