package records

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Handling a received document inside the agency (xử lý văn bản đến): a
// leader directs it (bút phê) to a main unit or person, with cooperating
// units and a deadline; the handler works on it, forwards it, notes
// progress and finishes it with a result (which may be an outgoing reply);
// every step is in its history; reminders go before and at the deadline.

// Handling statuses.
const (
	HandlingAssigned   = "assigned"
	HandlingInProgress = "in_progress"
	HandlingDone       = "done"
)

// Handling is the direction of one document and its handling.
type Handling struct {
	ID            int64
	DocumentID    int64
	Agency        string
	MainUnit      string // a directory unit code, or ""
	MainUser      string // a user, or ""
	Cooperating   []string
	Deadline      string // YYYY-MM-DD, or ""
	Note          string // the leader's note
	Status        string
	Result        string
	ReplyDocument int64 // the outgoing document that answers it
	DirectedBy    string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Reminded      string // the last reminder sent: "soon" or "due"
}

// HandlingStep is a line of a handling's history.
type HandlingStep struct {
	At                   time.Time
	User, Action, Detail string
}

// Direction is what a leader says of a received document.
type Direction struct {
	MainUnit, MainUser string
	Cooperating        []string
	Deadline           string
	Note               string
}

func (d *Direction) clean() error {
	d.MainUnit, d.MainUser, d.Deadline = strings.TrimSpace(d.MainUnit), strings.TrimSpace(d.MainUser), strings.TrimSpace(d.Deadline)
	d.Note = strings.TrimSpace(cleanText(d.Note))
	switch {
	case d.MainUnit == "" && d.MainUser == "":
		return fmt.Errorf("%w: a direction names the main unit or person who handles it", ErrInvalid)
	case d.MainUnit != "" && !agencyCode.MatchString(d.MainUnit):
		return fmt.Errorf("%w: main unit %q is no directory code", ErrInvalid, truncate(d.MainUnit, 40))
	case len(d.MainUser) > 64:
		return fmt.Errorf("%w: main person: a user name", ErrInvalid)
	case len(d.Cooperating) > 20:
		return fmt.Errorf("%w: at most 20 cooperating units", ErrInvalid)
	case utf8.RuneCountInString(d.Note) > 2000:
		return fmt.Errorf("%w: a note of at most 2,000 characters", ErrInvalid)
	}
	if d.Deadline != "" {
		if _, err := time.Parse(time.DateOnly, d.Deadline); err != nil {
			return fmt.Errorf("%w: deadline %q: want YYYY-MM-DD", ErrInvalid, truncate(d.Deadline, 20))
		}
	}
	for i, c := range d.Cooperating {
		c = strings.TrimSpace(c)
		if !agencyCode.MatchString(c) {
			return fmt.Errorf("%w: cooperating unit %q is no directory code", ErrInvalid, truncate(c, 40))
		}
		d.Cooperating[i] = c
	}
	slices.Sort(d.Cooperating)
	d.Cooperating = slices.Compact(d.Cooperating)
	return nil
}

const handlingColumns = `id, document_id, agency, main_unit, main_user, cooperating, deadline, note, status, result, reply_document, directed_by, created_at, updated_at, reminded`

func scanHandling(row interface{ Scan(...any) error }) (Handling, error) {
	var h Handling
	var coop, created, updated string
	err := row.Scan(&h.ID, &h.DocumentID, &h.Agency, &h.MainUnit, &h.MainUser, &coop, &h.Deadline, &h.Note, &h.Status, &h.Result,
		&h.ReplyDocument, &h.DirectedBy, &created, &updated, &h.Reminded)
	json.Unmarshal([]byte(coop), &h.Cooperating)
	if h.Cooperating == nil {
		h.Cooperating = []string{}
	}
	h.CreatedAt, h.UpdatedAt = parseStamp(created), parseStamp(updated)
	return h, err
}

// Direct records a leader's direction of a document u may read (again:
// it replaces the former one, the history keeps both). The main person
// must be an account of the agency; units are the directory's.
func (s *Store) Direct(ctx context.Context, u User, documentID int64, d Direction) (Handling, error) {
	if u.Role != RoleLeader && u.Role != RoleClerk {
		return Handling{}, ErrForbidden
	}
	if err := d.clean(); err != nil {
		return Handling{}, err
	}
	doc, err := s.DocumentFor(ctx, u, documentID)
	if err != nil {
		return Handling{}, err
	}
	if doc.Status == StatusReceived || doc.Status == StatusFailed {
		return Handling{}, fmt.Errorf("%w: document %d is %s: nothing to direct yet", ErrInvalid, documentID, doc.Status)
	}
	if d.MainUser != "" {
		m, err := s.UserByName(ctx, d.MainUser)
		if err != nil || m.Agency != u.Agency || m.Disabled {
			return Handling{}, fmt.Errorf("%w: %q is no account of this agency", ErrInvalid, truncate(d.MainUser, 40))
		}
		if !m.MayRead(doc.Agency, doc.Secrecy) {
			return Handling{}, fmt.Errorf("%w: %s is not cleared for this document (%s)", ErrInvalid, m.Name, doc.Secrecy)
		}
	}
	for _, unit := range append([]string{d.MainUnit}, d.Cooperating...) {
		if unit == "" {
			continue
		}
		if ok, err := s.UnitOf(ctx, u.Agency, unit); err != nil || !ok {
			if err != nil {
				return Handling{}, err
			}
			return Handling{}, fmt.Errorf("%w: %q is not a unit of %s in the directory", ErrInvalid, unit, u.Agency)
		}
	}
	coop, _ := json.Marshal(d.Cooperating)
	now := caseStamp(s.now())
	var id int64
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.q(`SELECT id FROM handlings WHERE document_id = ?`+s.forUpdate()), documentID).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			id = newID()
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO handlings (id, document_id, agency, main_unit, main_user, cooperating, deadline, note, status, directed_by, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), id, documentID, doc.Agency, d.MainUnit, d.MainUser, string(coop), d.Deadline, d.Note,
				HandlingAssigned, u.Name, now, now); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE handlings SET main_unit = ?, main_user = ?, cooperating = ?, deadline = ?, note = ?, status = ?, directed_by = ?,
				reminded = '', updated_at = ? WHERE id = ?`), d.MainUnit, d.MainUser, string(coop), d.Deadline, d.Note, HandlingAssigned, u.Name, now, id); err != nil {
				return err
			}
		}
		who := strings.TrimSpace(d.MainUnit + " " + d.MainUser)
		detail := "chủ trì: " + who
		if len(d.Cooperating) > 0 {
			detail += "; phối hợp: " + strings.Join(d.Cooperating, ", ")
		}
		if d.Deadline != "" {
			detail += "; hạn: " + d.Deadline
		}
		if d.Note != "" {
			detail += "; " + d.Note
		}
		if err := s.exchangeStatus(ctx, tx, documentID, "assigned", ""); err != nil {
			return err
		}
		return s.handlingStep(ctx, tx, id, u.Name, "directed", detail)
	})
	if err != nil {
		return Handling{}, err
	}
	return s.handlingByID(ctx, id)
}

func (s *Store) handlingStep(ctx context.Context, tx *sql.Tx, id int64, user, action, detail string) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO handling_steps (id, handling_id, at, user_name, action, detail) VALUES (?, ?, ?, ?, ?, ?)`),
		newID(), id, caseStamp(s.now()), user, action, truncate(detail, 2000))
	return err
}

func (s *Store) handlingByID(ctx context.Context, id int64) (Handling, error) {
	h, err := scanHandling(s.db.QueryRowContext(ctx, s.q(`SELECT `+handlingColumns+` FROM handlings WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return Handling{}, ErrNotFound
	}
	return h, err
}

// mine says whether the handling is u's work: u is its main person, or
// works in its main or a cooperating unit.
func (h Handling) mine(u User) bool {
	return h.Agency == u.Agency && (h.MainUser == u.Name || u.Unit != "" && (h.MainUnit == u.Unit || slices.Contains(h.Cooperating, u.Unit)))
}

// HandlingFor is the handling of a document u may read, with its history.
func (s *Store) HandlingFor(ctx context.Context, u User, documentID int64) (Handling, []HandlingStep, error) {
	if _, err := s.DocumentFor(ctx, u, documentID); err != nil {
		return Handling{}, nil, err
	}
	h, err := scanHandling(s.db.QueryRowContext(ctx, s.q(`SELECT `+handlingColumns+` FROM handlings WHERE document_id = ?`), documentID))
	if errors.Is(err, sql.ErrNoRows) {
		return Handling{}, nil, ErrNotFound
	}
	if err != nil {
		return Handling{}, nil, err
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT at, user_name, action, detail FROM handling_steps WHERE handling_id = ? ORDER BY at, id`), h.ID)
	if err != nil {
		return Handling{}, nil, err
	}
	defer rows.Close()
	steps := []HandlingStep{}
	for rows.Next() {
		var st HandlingStep
		var at string
		if err := rows.Scan(&at, &st.User, &st.Action, &st.Detail); err != nil {
			return Handling{}, nil, err
		}
		st.At = parseStamp(at)
		steps = append(steps, st)
	}
	return h, steps, rows.Err()
}

// lockHandling holds a document's handling for a step u takes: u must be
// able to read the document and be its handler (or a leader or clerk of
// the agency, who direct).
func (s *Store) lockHandling(ctx context.Context, tx *sql.Tx, u User, documentID int64) (Handling, error) {
	if _, err := s.DocumentFor(ctx, u, documentID); err != nil {
		return Handling{}, err
	}
	h, err := scanHandling(tx.QueryRowContext(ctx, s.q(`SELECT `+handlingColumns+` FROM handlings WHERE document_id = ?`+s.forUpdate()), documentID))
	if errors.Is(err, sql.ErrNoRows) {
		return Handling{}, ErrNotFound
	}
	if err != nil {
		return Handling{}, err
	}
	if !h.mine(u) && u.Role != RoleLeader && u.Role != RoleClerk {
		return Handling{}, ErrForbidden
	}
	return h, nil
}

// HandlingStepAs is a step a handler takes: progress (a note), forward
// (to another unit or person, with a note), finish (with a result and,
// when one answers it, the outgoing reply document).
type HandlingStepAs struct {
	Action        string // progress, forward, finish
	Note          string
	ToUnit        string // forward
	ToUser        string // forward
	ReplyDocument int64  // finish
}

// Step records a handler's step on a document's handling.
func (s *Store) Step(ctx context.Context, u User, documentID int64, st HandlingStepAs) (Handling, error) {
	st.Note = strings.TrimSpace(cleanText(st.Note))
	if utf8.RuneCountInString(st.Note) > 2000 {
		return Handling{}, fmt.Errorf("%w: a note of at most 2,000 characters", ErrInvalid)
	}
	switch st.Action {
	case "progress", "finish":
	case "forward":
		if st.ToUnit == "" && st.ToUser == "" {
			return Handling{}, fmt.Errorf("%w: forward to a unit or a person", ErrInvalid)
		}
		if st.ToUnit != "" {
			if ok, err := s.UnitOf(ctx, u.Agency, st.ToUnit); err != nil || !ok {
				return Handling{}, fmt.Errorf("%w: %q is not a unit of %s in the directory", ErrInvalid, truncate(st.ToUnit, 40), u.Agency)
			}
		}
		if st.ToUser != "" {
			m, err := s.UserByName(ctx, st.ToUser)
			if err != nil || m.Agency != u.Agency || m.Disabled {
				return Handling{}, fmt.Errorf("%w: %q is no account of this agency", ErrInvalid, truncate(st.ToUser, 40))
			}
			d, err := s.DocumentFor(ctx, u, documentID)
			if err != nil {
				return Handling{}, err
			}
			if !m.MayRead(d.Agency, d.Secrecy) {
				return Handling{}, fmt.Errorf("%w: %s is not cleared for this document (%s)", ErrInvalid, m.Name, d.Secrecy)
			}
		}
	default:
		return Handling{}, fmt.Errorf("%w: action %q: progress, forward or finish", ErrInvalid, truncate(st.Action, 20))
	}
	if st.Action == "finish" && st.Note == "" && st.ReplyDocument == 0 {
		return Handling{}, fmt.Errorf("%w: finishing needs a result (a note, or the reply document)", ErrInvalid)
	}
	if st.ReplyDocument != 0 {
		if _, err := s.DocumentFor(ctx, u, st.ReplyDocument); err != nil {
			return Handling{}, fmt.Errorf("%w: reply document %d: %v", ErrInvalid, st.ReplyDocument, err)
		}
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		h, err := s.lockHandling(ctx, tx, u, documentID)
		if err != nil {
			return err
		}
		id = h.ID
		if h.Status == HandlingDone {
			return fmt.Errorf("%w: the handling is done", ErrInvalid)
		}
		now := caseStamp(s.now())
		switch st.Action {
		case "progress":
			if h.Status == HandlingAssigned {
				if _, err := tx.ExecContext(ctx, s.q(`UPDATE handlings SET status = ?, updated_at = ? WHERE id = ?`), HandlingInProgress, now, h.ID); err != nil {
					return err
				}
			}
			if err := s.exchangeStatus(ctx, tx, documentID, "in_progress", ""); err != nil {
				return err
			}
			return s.handlingStep(ctx, tx, h.ID, u.Name, "progress", st.Note)
		case "forward":
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE handlings SET main_unit = ?, main_user = ?, status = ?, updated_at = ? WHERE id = ?`),
				st.ToUnit, st.ToUser, HandlingAssigned, now, h.ID); err != nil {
				return err
			}
			return s.handlingStep(ctx, tx, h.ID, u.Name, "forwarded", strings.TrimSpace(h.MainUnit+" "+h.MainUser)+" → "+strings.TrimSpace(st.ToUnit+" "+st.ToUser)+": "+st.Note)
		default:
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE handlings SET status = ?, result = ?, reply_document = ?, updated_at = ? WHERE id = ?`),
				HandlingDone, st.Note, st.ReplyDocument, now, h.ID); err != nil {
				return err
			}
			detail := st.Note
			if st.ReplyDocument != 0 {
				detail += fmt.Sprintf(" (trả lời bằng văn bản %d)", st.ReplyDocument)
			}
			if err := s.exchangeStatus(ctx, tx, documentID, "done", st.Note); err != nil {
				return err
			}
			return s.handlingStep(ctx, tx, h.ID, u.Name, "finished", detail)
		}
	})
	if err != nil {
		return Handling{}, err
	}
	return s.handlingByID(ctx, id)
}

// WorkItem is a line of "Việc của tôi": a document to handle, or a task.
type WorkItem struct {
	Handling Handling
	Document Document
	Due      string
	Overdue  bool
	SoonDue  bool // within three days
}

// MyWork is what u handles: the documents directed to u or u's unit
// (main or cooperating) not finished, soonest due first (none last).
func (s *Store) MyWork(ctx context.Context, u User) ([]WorkItem, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+handlingColumns+` FROM handlings WHERE agency = ? AND status <> ? ORDER BY CASE WHEN deadline = '' THEN 1 ELSE 0 END, deadline, created_at`),
		u.Agency, HandlingDone)
	if err != nil {
		return nil, err
	}
	var hs []Handling
	for rows.Next() {
		h, err := scanHandling(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		if h.mine(u) {
			hs = append(hs, h)
		}
	}
	rows.Close()
	today := s.now().In(vietnam)
	soon := today.AddDate(0, 0, 3).Format(time.DateOnly)
	out := []WorkItem{}
	for _, h := range hs {
		d, err := s.DocumentFor(ctx, u, h.DocumentID)
		if err != nil {
			continue // out of u's clearance: not shown
		}
		it := WorkItem{Handling: h, Document: d, Due: h.Deadline}
		it.Overdue = h.Deadline != "" && h.Deadline < today.Format(time.DateOnly)
		it.SoonDue = !it.Overdue && h.Deadline != "" && h.Deadline <= soon
		out = append(out, it)
	}
	return out, nil
}

// Reminder is a handling whose deadline is near or passed, told once of
// each ("soon": three days before; "due": on the day or after).
type Reminder struct {
	Handling Handling
	Kind     string
}

// DueReminders marks and returns the reminders due now: each handling is
// reminded once three days before its deadline and once when it is due.
func (s *Store) DueReminders(ctx context.Context) ([]Reminder, error) {
	today := s.now().In(vietnam)
	soon := today.AddDate(0, 0, 3).Format(time.DateOnly)
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+handlingColumns+` FROM handlings WHERE status <> ? AND deadline <> '' AND deadline <= ? AND reminded <> 'due'`),
		HandlingDone, soon)
	if err != nil {
		return nil, err
	}
	var due []Reminder
	for rows.Next() {
		h, err := scanHandling(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		kind := "soon"
		if h.Deadline <= today.Format(time.DateOnly) {
			kind = "due"
		}
		if h.Reminded == kind {
			continue
		}
		due = append(due, Reminder{Handling: h, Kind: kind})
	}
	rows.Close()
	var out []Reminder
	for _, r := range due {
		res, err := s.w.ExecContext(ctx, s.q(`UPDATE handlings SET reminded = ? WHERE id = ? AND reminded = ?`), r.Kind, r.Handling.ID, r.Handling.Reminded)
		if err != nil {
			return out, err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			r.Handling.Reminded = r.Kind
			out = append(out, r)
		}
	}
	return out, nil
}
