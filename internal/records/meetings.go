package records

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vanthu/vanthu/internal/viet"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// The meeting system: a giấy mời makes a meeting by itself (its time,
// place, chair, subject, agenda and invitees as read), or a clerk makes
// one by hand; the organiser invites agencies or its own people, who answer
// (attend, decline, send a delegate) until the meeting starts; a change
// of time or place tells everyone invited — those who declined too,
// since a new time may change their answer — and each is reminded the
// day before and two hours before. Papers of the agenda reach only the
// organiser's people and the invited, each within their clearance. A
// thông báo kết luận is linked to its meeting when it arrives.

// Answers to an invitation.
const (
	AnswerAttend   = "attend"
	AnswerDecline  = "decline"
	AnswerDelegate = "delegate"
)

// Bounds of what a client gives.
const (
	MaxInvitees    = 200  // invited in one call
	MaxInvitations = 1000 // invitations of one meeting
	MaxAgendaItems = 50
	MaxPapers      = 200 // papers of one meeting
	// MaxOpenInvitations bounds the invitations to meetings not yet
	// begun one agency may have sent another: enough for any real
	// calendar, too few to bury the invitee's list under junk.
	MaxOpenInvitations = 200
	// minMeetingYear and maxMeetingYears bound a meeting's time: year
	// 0000 or 9999 is a typing slip (or a probe), not a meeting, and would
	// sort before or after every real one.
	minMeetingYear  = 2000
	maxMeetingYears = 5   // after this year
	maxMeetingText  = 500 // subject, place, chair, an agenda item
	maxInviteeName  = 200
	maxAnswerNote   = 1000
	meetingTimeForm = "2006-01-02T15:04"
)

// Invitation is one agency or person invited to a meeting, and their
// answer.
type Invitation struct {
	ID        int64
	MeetingID int64
	Agency    string // the invited agency, or the invited person's
	UserID    int64  // the invited person (0: the agency's accounts)
	Invitee   string // the agency's code or the person's account name
	Answer    string // "" until answered; attend, decline, delegate
	Who       string // who attends for the invitee, or the delegate
	// DelegateUser is the delegate's account, when Who names one of the
	// invited agency: they see the meeting's papers.
	DelegateUser int64
	Note         string
	AnsweredBy   string
	AnsweredAt   time.Time
	InvitedBy    string
	InvitedAt    time.Time
}

// MeetingPaper is a document of the meeting's agenda.
type MeetingPaper struct {
	DocumentID int64
	AgendaItem int // 1-based
	Number     string
	Symbol     string
	Subject    string
	File       string
}

// Conclusion is the thông báo kết luận of a meeting and its tasks.
type Conclusion struct {
	DocumentID int64
	Number     string
	Symbol     string
	Subject    string
	IssuedAt   string
	Tasks      []Task
}

// MeetingView is a meeting as one person sees it: the organiser's people
// see every invitation and who has not answered; an invited person sees
// their own invitations only.
type MeetingView struct {
	Meeting
	Organiser   bool
	Invitations []Invitation
	NotAnswered []string // invitees (codes, names) without an answer
	Papers      []MeetingPaper
	Conclusion  *Conclusion
}

// MeetingInput is a meeting a clerk makes by hand.
type MeetingInput struct {
	Subject, Starts, Ends, Place, Chair, Secrecy string
	Agenda                                       []string
}

// MeetingPatch changes a meeting: nil fields stay.
type MeetingPatch struct {
	Subject, Starts, Ends, Place, Chair *string
	Agenda                              []string // nil: unchanged
}

// MeetingTime reads a client's time as the office's local time,
// minutes precision: "2025-03-12T14:00", with seconds, or RFC 3339 with
// a zone (converted).
func MeetingTime(s string) (string, error) {
	s = strings.TrimSpace(s)
	for _, f := range []string{meetingTimeForm, "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(f, s, vietnam); err == nil {
			return t.Format(meetingTimeForm), nil
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(vietnam).Format(meetingTimeForm), nil
	}
	return "", fmt.Errorf("%w: time %q: want YYYY-MM-DDTHH:MM (the office's local time)", ErrInvalid, truncate(s, 40))
}

// meetingTimeInBounds refuses a client's time (already through
// MeetingTime) outside minMeetingYear..now+maxMeetingYears.
func meetingTimeInBounds(what, t string, now time.Time) error {
	y := 0
	if len(t) >= 4 {
		fmt.Sscanf(t[:4], "%d", &y)
	}
	if hi := now.In(vietnam).Year() + maxMeetingYears; y < minMeetingYear || y > hi {
		return fmt.Errorf("%w: %s %q: a year from %d to %d", ErrInvalid, what, t, minMeetingYear, hi)
	}
	return nil
}

func localTime(s string) (time.Time, bool) {
	if len(s) < 16 {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(meetingTimeForm, s[:16], vietnam)
	return t, err == nil
}

// boundedText is a client's one-line text: cleaned, 1..n characters
// (0..n when optional).
func boundedText(what, s string, n int, optional bool) (string, error) {
	s = strings.Join(strings.Fields(cleanText(s)), " ")
	if c := utf8.RuneCountInString(s); c > n || (!optional && c == 0) {
		return "", fmt.Errorf("%w: %s: %d to %d characters", ErrInvalid, what, boolInt(!optional), n)
	}
	return s, nil
}

func checkAgenda(items []string) ([]string, error) {
	if len(items) > MaxAgendaItems {
		return nil, fmt.Errorf("%w: at most %d agenda items", ErrInvalid, MaxAgendaItems)
	}
	out := []string{}
	for _, it := range items {
		v, err := boundedText("an agenda item", it, maxMeetingText, false)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func mayOrganise(u User) bool {
	return u.ID != 0 && !u.Disabled && (u.Role == RoleClerk || u.Role == RoleLeader)
}

// CreateMeeting makes a meeting by hand: a clerk of the organiser agency,
// within their clearance.
func (s *Store) CreateMeeting(ctx context.Context, u User, in MeetingInput) (Meeting, error) {
	if u.ID == 0 || u.Disabled || u.Role != RoleClerk {
		return Meeting{}, fmt.Errorf("%w: a clerk makes meetings", ErrForbidden)
	}
	var m Meeting
	var err error
	if m.Subject, err = boundedText("subject", in.Subject, maxMeetingText, false); err != nil {
		return Meeting{}, err
	}
	if m.Starts, err = MeetingTime(in.Starts); err != nil {
		return Meeting{}, err
	}
	if err = meetingTimeInBounds("starts", m.Starts, s.now()); err != nil {
		return Meeting{}, err
	}
	if in.Ends != "" {
		if m.Ends, err = MeetingTime(in.Ends); err != nil {
			return Meeting{}, err
		}
		if err = meetingTimeInBounds("ends", m.Ends, s.now()); err != nil {
			return Meeting{}, err
		}
		if m.Ends <= m.Starts {
			return Meeting{}, fmt.Errorf("%w: a meeting ends after it starts", ErrInvalid)
		}
	}
	if m.Place, err = boundedText("place", in.Place, maxMeetingText, false); err != nil {
		return Meeting{}, err
	}
	if m.Chair, err = boundedText("chair", in.Chair, maxMeetingText, true); err != nil {
		return Meeting{}, err
	}
	if m.Agenda, err = checkAgenda(in.Agenda); err != nil {
		return Meeting{}, err
	}
	if len(m.Agenda) == 0 {
		m.Agenda = []string{m.Subject}
	}
	if in.Secrecy != "" {
		if m.Secrecy = Level(in.Secrecy); m.Secrecy == "" {
			return Meeting{}, fmt.Errorf("%w: secrecy %q: want one of %s or empty", ErrInvalid, truncate(in.Secrecy, 20), strings.Join(Levels, ", "))
		}
		if !ClearedFor(u.Clearance, m.Secrecy) {
			return Meeting{}, fmt.Errorf("%w: a meeting above your own clearance", ErrForbidden)
		}
	}
	m.Agency, m.CreatedBy, m.ID = u.Agency, u.Name, newID()
	m.Invitees, m.InviteeCodes = []string{}, []string{}
	agenda, _ := json.Marshal(m.Agenda)
	if _, err := s.w.ExecContext(ctx, s.q(`INSERT INTO meetings (id, agency, document_id, starts, ends, day, place, chair, invitees, invitee_codes, subject, agenda, secrecy, created_by, updated_at)
		VALUES (?, ?, NULL, ?, ?, ?, ?, ?, '[]', '[]', ?, ?, ?, ?, ?)`), m.ID, m.Agency, m.Starts, m.Ends, m.Starts[:10], m.Place, m.Chair, m.Subject,
		string(agenda), m.Secrecy, m.CreatedBy, stamp(s.now())); err != nil {
		return Meeting{}, fmt.Errorf("create meeting: %w", err)
	}
	return m, nil
}

// meetingByID is a meeting, out of anyone's reach checks.
func (s *Store) meetingByID(ctx context.Context, q queryer, id int64) (Meeting, error) {
	m, err := scanMeeting(q.QueryRowContext(ctx, s.q(`SELECT `+meetingColumns+` FROM meetings WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return Meeting{}, ErrNotFound
	}
	return m, err
}

// clearedForLevel: a user may hold what is marked level ("" for all).
func clearedForLevel(u User, level string) bool {
	return level == "" || ClearedFor(u.Clearance, level)
}

// meetingFor is a meeting u reaches: as one of the organiser agency, or
// as one invited (the invited agency's accounts, the invited person, a
// delegate with an account) — either way cleared for its level. The
// invitations returned are u's own (nil for the organiser's people).
func (s *Store) meetingFor(ctx context.Context, u User, id int64) (Meeting, bool, []Invitation, error) {
	if u.ID == 0 || u.Disabled {
		return Meeting{}, false, nil, ErrNotFound
	}
	m, err := s.meetingByID(ctx, s.db, id)
	if err != nil {
		return Meeting{}, false, nil, err
	}
	if !clearedForLevel(u, m.Secrecy) {
		return Meeting{}, false, nil, ErrNotFound
	}
	if m.Agency == u.Agency {
		return m, true, nil, nil
	}
	invs, err := s.invitations(ctx, `meeting_id = ? AND ((agency = ? AND user_id = 0) OR user_id = ? OR delegate_user = ?)`, id, u.Agency, u.ID, u.ID)
	if err != nil {
		return Meeting{}, false, nil, err
	}
	if len(invs) == 0 {
		return Meeting{}, false, nil, ErrNotFound
	}
	return m, false, invs, nil
}

const invitationColumns = `id, meeting_id, agency, user_id, invitee, answer, who, delegate_user, note, answered_by, answered_at, invited_by, invited_at`

func (s *Store) invitations(ctx context.Context, where string, args ...any) ([]Invitation, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+invitationColumns+` FROM invitations WHERE `+where+` ORDER BY invited_at, invitee LIMIT 2000`), args...)
	if err != nil {
		return nil, fmt.Errorf("invitations: %w", err)
	}
	return scanInvitations(rows)
}

func scanInvitations(rows *sql.Rows) ([]Invitation, error) {
	defer rows.Close()
	out := []Invitation{}
	for rows.Next() {
		var i Invitation
		var answered, invited string
		if err := rows.Scan(&i.ID, &i.MeetingID, &i.Agency, &i.UserID, &i.Invitee, &i.Answer, &i.Who, &i.DelegateUser, &i.Note, &i.AnsweredBy,
			&answered, &i.InvitedBy, &invited); err != nil {
			return nil, err
		}
		if answered != "" {
			i.AnsweredAt = parseStamp(answered)
		}
		i.InvitedAt = parseStamp(invited)
		out = append(out, i)
	}
	return out, rows.Err()
}

// MeetingFor is the meeting as u sees it (ErrNotFound when out of reach:
// not the organiser's, not invited, or not cleared).
func (s *Store) MeetingFor(ctx context.Context, u User, id int64) (MeetingView, error) {
	m, organiser, own, err := s.meetingFor(ctx, u, id)
	if err != nil {
		return MeetingView{}, err
	}
	v := MeetingView{Meeting: m, Organiser: organiser, Invitations: own, NotAnswered: []string{}}
	if m.Subject == "" && m.DocumentID != 0 {
		// A meeting recorded before subjects were kept.
		if d, err := s.DocumentByID(ctx, m.DocumentID); err == nil {
			v.Subject = d.Record.Subject
		}
	}
	if organiser {
		if v.Invitations, err = s.invitations(ctx, `meeting_id = ?`, id); err != nil {
			return MeetingView{}, err
		}
		for _, i := range v.Invitations {
			if i.Answer == "" {
				v.NotAnswered = append(v.NotAnswered, i.Invitee)
			}
		}
	}
	if v.Papers, err = s.papers(ctx, u, id); err != nil {
		return MeetingView{}, err
	}
	if m.ConclusionDocument != 0 {
		if d, err := s.DocumentByID(ctx, m.ConclusionDocument); err == nil && clearedForLevel(u, d.Secrecy) {
			c := &Conclusion{DocumentID: d.ID, Number: d.Record.Number, Symbol: d.Record.Symbol, Subject: d.Record.Subject, IssuedAt: d.Record.IssuedAt}
			if c.Tasks, err = s.Tasks(ctx, TaskFilter{Agency: d.Agency, DocumentID: d.ID, Cleared: u.Cleared(), Limit: 500}); err != nil {
				return MeetingView{}, err
			}
			c.Tasks = nonNil(c.Tasks)
			v.Conclusion = c
		}
	}
	return v, nil
}

// papers are the meeting's papers u is cleared for, in agenda order.
func (s *Store) papers(ctx context.Context, u User, id int64) ([]MeetingPaper, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT p.document_id, p.agenda_item, d.confidentiality, d.record, d.file FROM meeting_papers p
		JOIN documents d ON d.id = p.document_id WHERE p.meeting_id = ? ORDER BY p.agenda_item, p.added_at, p.document_id`), id)
	if err != nil {
		return nil, fmt.Errorf("meeting papers: %w", err)
	}
	defer rows.Close()
	out := []MeetingPaper{}
	for rows.Next() {
		var p MeetingPaper
		var secrecy, rec string
		if err := rows.Scan(&p.DocumentID, &p.AgendaItem, &secrecy, &rec, &p.File); err != nil {
			return nil, err
		}
		if !clearedForLevel(u, secrecy) {
			continue
		}
		var r doc.Record
		json.Unmarshal([]byte(rec), &r)
		p.Number, p.Symbol, p.Subject = r.Number, r.Symbol, r.Subject
		out = append(out, p)
	}
	return out, rows.Err()
}

// UpdateMeeting changes a meeting (a clerk or leader of the organiser);
// a new time or place is told to everyone invited.
func (s *Store) UpdateMeeting(ctx context.Context, u User, id int64, p MeetingPatch) (Meeting, error) {
	m, organiser, _, err := s.meetingFor(ctx, u, id)
	if err != nil {
		return Meeting{}, err
	}
	if !organiser || !mayOrganise(u) {
		if !organiser {
			return Meeting{}, ErrNotFound
		}
		return Meeting{}, fmt.Errorf("%w: a clerk or leader of the organiser changes a meeting", ErrForbidden)
	}
	old := m
	if p.Subject != nil {
		if m.Subject, err = boundedText("subject", *p.Subject, maxMeetingText, false); err != nil {
			return Meeting{}, err
		}
	}
	if p.Starts != nil {
		if m.Starts, err = MeetingTime(*p.Starts); err != nil {
			return Meeting{}, err
		}
		// Only what the patch gives is bounded: a giấy mời's time as read
		// stays changeable in its other fields.
		if err = meetingTimeInBounds("starts", m.Starts, s.now()); err != nil {
			return Meeting{}, err
		}
	}
	if p.Ends != nil {
		m.Ends = ""
		if *p.Ends != "" {
			if m.Ends, err = MeetingTime(*p.Ends); err != nil {
				return Meeting{}, err
			}
			if err = meetingTimeInBounds("ends", m.Ends, s.now()); err != nil {
				return Meeting{}, err
			}
		}
	}
	if m.Ends != "" && m.Ends <= m.Starts {
		return Meeting{}, fmt.Errorf("%w: a meeting ends after it starts", ErrInvalid)
	}
	if p.Place != nil {
		if m.Place, err = boundedText("place", *p.Place, maxMeetingText, false); err != nil {
			return Meeting{}, err
		}
	}
	if p.Chair != nil {
		if m.Chair, err = boundedText("chair", *p.Chair, maxMeetingText, true); err != nil {
			return Meeting{}, err
		}
	}
	if p.Agenda != nil {
		if m.Agenda, err = checkAgenda(p.Agenda); err != nil {
			return Meeting{}, err
		}
	}
	changed := m.Starts != old.Starts || m.Ends != old.Ends || m.Place != old.Place
	now := s.now()
	agenda, _ := json.Marshal(m.Agenda)
	day := ""
	if len(m.Starts) >= 10 {
		day = m.Starts[:10]
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE meetings SET subject = ?, starts = ?, ends = ?, day = ?, place = ?, chair = ?, agenda = ?, updated_at = ? WHERE id = ?`),
			m.Subject, m.Starts, m.Ends, day, m.Place, m.Chair, string(agenda), stamp(now), id); err != nil {
			return err
		}
		if p.Agenda != nil {
			// A paper linked to an item the new agenda no longer has would
			// point at nothing; moving it silently to another item would
			// file it where nobody put it. The clerk moves it first.
			var top int
			if err := tx.QueryRowContext(ctx, s.q(`SELECT COALESCE(MAX(agenda_item), 0) FROM meeting_papers WHERE meeting_id = ?`), id).Scan(&top); err != nil {
				return err
			}
			if top > max(1, len(m.Agenda)) {
				return fmt.Errorf("%w: a paper is linked to agenda item %d: link it to an item of the new agenda (1 to %d) first", ErrInvalid, top, max(1, len(m.Agenda)))
			}
		}
		if !changed {
			return nil
		}
		invs, err := s.invitations(ctx, `meeting_id = ?`, id)
		if err != nil {
			return err
		}
		n := Notice{Kind: "meeting_changed", Subject: "Thay đổi cuộc họp: " + m.Subject,
			Body: fmt.Sprintf("Cuộc họp \"%s\" đổi sang %s tại %s (trước đây: %s tại %s).", m.Subject, VietTime(m.Starts), m.Place, VietTime(old.Starts), old.Place),
			Link: meetingLink(id), Secrecy: m.Secrecy}
		// Keyed by the meeting and its new time and place: the same change
		// made again (or toggled back and forth) tells no one twice.
		_, err = s.tellInvited(ctx, tx, invs, n, fmt.Sprintf("changed-%d-%s", id, digest(m.Starts, m.Ends, m.Place)))
		return err
	})
	if err != nil {
		return Meeting{}, fmt.Errorf("update meeting %d: %w", id, err)
	}
	return m, nil
}

// tellInvited writes one event's notice to whom a meeting's invitations
// address — each invited agency, each invited person and each person's
// delegate with an account — once each: the notice's key is the event's
// (key) and its addressee's, so a person invited by name and as
// delegate, or by name and through their agency (an invitation made
// before persons were invited only within the organiser), hears once.
// It reports how many notices it wrote.
func (s *Store) tellInvited(ctx context.Context, ex execer, invs []Invitation, n Notice, key string) (int, error) {
	agencies := map[string]bool{}
	for _, i := range invs {
		if i.UserID == 0 {
			agencies[i.Agency] = true
		}
	}
	wrote := 0
	tell := func(agency string, user int64) error {
		if user != 0 && agencies[agency] {
			return nil // the agency's notice reaches every account of it
		}
		n.Agency, n.UserID, n.Dedupe = agency, user, fmt.Sprintf("%s-%s-%d", key, agency, user)
		ok, err := s.addNotice(ctx, ex, n)
		if ok {
			wrote++
		}
		return err
	}
	for _, i := range invs {
		if err := tell(i.Agency, i.UserID); err != nil {
			return wrote, err
		}
		if i.UserID != 0 && i.DelegateUser != 0 && i.DelegateUser != i.UserID {
			// An agency's delegate is one of its accounts, told already.
			if err := tell(i.Agency, i.DelegateUser); err != nil {
				return wrote, err
			}
		}
	}
	return wrote, nil
}

// digest is a short fingerprint of values, for notice keys: a key holds
// a client's text (a place, a delegate's name) without its length.
func digest(vs ...string) string {
	h := sha256.New()
	for _, v := range vs {
		h.Write([]byte(v))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

func meetingLink(id int64) string { return fmt.Sprintf("#/cuoc-hop/%d", id) }

// VietTime writes a meeting's local time as people read it: "14 giờ 00,
// ngày 12/03/2025".
func VietTime(starts string) string {
	t, ok := localTime(starts)
	if !ok {
		return starts
	}
	return fmt.Sprintf("%d giờ %02d, ngày %s", t.Hour(), t.Minute(), t.Format("02/01/2006"))
}

// Invite invites agencies (by code) or persons of the organiser's own
// agency (by account name) to a meeting: a clerk or leader of the
// organiser, before it starts. Every invitee is checked first — known,
// cleared for a secret meeting, and no agency past MaxOpenInvitations
// from the organiser — and nothing is written if one is refused.
// Inviting again is a no-op.
func (s *Store) Invite(ctx context.Context, u User, id int64, to []string) ([]Invitation, error) {
	m, organiser, _, err := s.meetingFor(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !organiser {
		return nil, ErrNotFound
	}
	if !mayOrganise(u) {
		return nil, fmt.Errorf("%w: a clerk or leader of the organiser invites", ErrForbidden)
	}
	if len(to) == 0 || len(to) > MaxInvitees {
		return nil, fmt.Errorf("%w: invite 1 to %d agencies or persons at a time", ErrInvalid, MaxInvitees)
	}
	if t, ok := localTime(m.Starts); ok && !s.now().Before(t) {
		return nil, fmt.Errorf("%w: the meeting has begun: no more invitations", ErrInvalid)
	}
	type target struct {
		agency, name string
		user         int64
	}
	var targets []target
	seen := map[string]bool{}
	for _, raw := range to {
		name := strings.TrimSpace(raw)
		if name == "" || utf8.RuneCountInString(name) > maxInviteeName {
			return nil, fmt.Errorf("%w: an invitee is an agency code or an account name of 1 to %d characters", ErrInvalid, maxInviteeName)
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		t, err := s.inviteeOf(ctx, u, m, name)
		if err != nil {
			return nil, err
		}
		targets = append(targets, target{t.Agency, t.Invitee, t.UserID})
	}
	var n int
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM invitations WHERE meeting_id = ?`), id).Scan(&n); err != nil {
		return nil, err
	}
	if n+len(targets) > MaxInvitations {
		return nil, fmt.Errorf("%w: a meeting has at most %d invitations", ErrInvalid, MaxInvitations)
	}
	for _, t := range targets {
		if t.agency == m.Agency || t.user != 0 {
			continue // the organiser's own people: no one else's list to flood
		}
		var open, here int
		if err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*), COALESCE(SUM(CASE WHEN i.meeting_id = ? THEN 1 ELSE 0 END), 0)
			FROM invitations i JOIN meetings ON meetings.id = i.meeting_id
			WHERE meetings.agency = ? AND i.agency = ? AND i.user_id = 0 AND (meetings.starts > ? OR LENGTH(meetings.starts) < 16)`),
			id, m.Agency, t.agency, s.now().In(vietnam).Format(meetingTimeForm)).Scan(&open, &here); err != nil {
			return nil, err
		}
		if here == 0 && open >= MaxOpenInvitations {
			return nil, fmt.Errorf("%w: %s has %d invitations from your agency to meetings not yet held: at most %d", ErrInvalid, truncate(t.name, 40), open, MaxOpenInvitations)
		}
	}
	now := s.now()
	organiserName := u.Agency
	if e, err := s.DirectoryEntryOf(ctx, u.Agency); err == nil {
		organiserName = e.Name
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		for _, t := range targets {
			invID := newID()
			res, err := tx.ExecContext(ctx, s.q(`INSERT INTO invitations (id, meeting_id, agency, user_id, invitee, invited_by, invited_at) VALUES (?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (meeting_id, agency, user_id) DO NOTHING`), invID, id, t.agency, t.user, t.name, u.Name, stamp(now))
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				continue
			}
			body := fmt.Sprintf("%s trân trọng kính mời dự cuộc họp \"%s\" lúc %s tại %s.", organiserName, m.Subject, VietTime(m.Starts), m.Place)
			if m.Chair != "" {
				body += " Chủ trì: " + m.Chair + "."
			}
			body += " Đề nghị trả lời tham dự, không tham dự hoặc cử người dự thay."
			if _, err := s.addNotice(ctx, tx, Notice{Agency: t.agency, UserID: t.user, Kind: "invitation", Subject: "Giấy mời họp: " + m.Subject,
				Body: body, Link: meetingLink(id), Secrecy: m.Secrecy, Dedupe: fmt.Sprintf("invitation-%d", invID)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("invite to meeting %d: %w", id, err)
	}
	return s.invitations(ctx, `meeting_id = ?`, id)
}

// inviteeOf resolves a name given to Invite: an agency of the directory
// (or one with accounts), else an account of the organiser's own agency;
// a secret meeting's invitee must be cleared for its level (an agency by
// the directory's cleared). Another agency's people are invited through
// their agency, which answers and names its delegate: an organiser who
// could invite any account by name would learn, one refusal at a time,
// which names exist, whose they are and who is cleared. So every person
// refused is refused in the same words.
func (s *Store) inviteeOf(ctx context.Context, u User, m Meeting, name string) (Invitation, error) {
	if e, err := s.DirectoryEntryOf(ctx, name); err == nil {
		switch {
		case e.Kind == KindUnit:
			return Invitation{}, fmt.Errorf("%w: %s is a unit: invite its agency or a person", ErrInvalid, truncate(name, 40))
		case e.Code == m.Agency:
			return Invitation{}, fmt.Errorf("%w: %s organises the meeting: invite its people by name", ErrInvalid, truncate(name, 40))
		case m.Secrecy != "" && !ClearedFor(e.Cleared, m.Secrecy):
			return Invitation{}, fmt.Errorf("%w: %s is not cleared for %s: it cannot be invited to this meeting", ErrInvalid, truncate(name, 40), m.Secrecy)
		}
		return Invitation{Agency: e.Code, Invitee: e.Code}, nil
	} else if !errors.Is(err, ErrNotFound) {
		return Invitation{}, err
	}
	if ok, err := s.KnownAgency(ctx, nil, name); err != nil {
		return Invitation{}, err
	} else if ok && name != m.Agency {
		if m.Secrecy != "" {
			// Not in the directory: nothing says it may hold secrets.
			return Invitation{}, fmt.Errorf("%w: %s is not cleared for %s: it cannot be invited to this meeting", ErrInvalid, truncate(name, 40), m.Secrecy)
		}
		return Invitation{Agency: name, Invitee: name}, nil
	}
	p, err := s.UserByName(ctx, name)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Invitation{}, err
	}
	if err != nil || p.Disabled || p.Agency != m.Agency || !clearedForLevel(p, m.Secrecy) {
		return Invitation{}, fmt.Errorf("%w: %q cannot be invited: invite an agency by its code, or a person of your own agency (cleared for the meeting) by their account name",
			ErrInvalid, truncate(name, 40))
	}
	return Invitation{Agency: p.Agency, UserID: p.ID, Invitee: p.Name}, nil
}

// InvitationItem is an invitation as its invitee lists it, with the
// meeting it is to.
type InvitationItem struct {
	Invitation
	Meeting  Meeting
	Organise string // the organiser agency's name
}

// InvitationsFor lists the invitations reaching u — to their agency, to
// them, or to them as delegate — of meetings they are cleared for,
// soonest meeting first; past meetings only with past.
func (s *Store) InvitationsFor(ctx context.Context, u User, past bool) ([]InvitationItem, error) {
	if u.ID == 0 || u.Disabled {
		return nil, ErrNotFound
	}
	// The meeting's day and level are weighed in the query, before the
	// limit: a limit taken first (the oldest invitations) would let old or
	// unreadable ones crowd every new one out.
	sec, args := readable(meetingSecrecy, u.Cleared())
	args = append([]any{u.Agency, u.ID, u.ID}, args...)
	// With the past, the latest 2000: the oldest are the least wanted.
	cond, order := "", `meetings.starts DESC, meetings.id DESC`
	if !past {
		// A giấy mời whose time was not read is open till someone sets it.
		cond, order = ` AND (meetings.starts >= ? OR LENGTH(meetings.starts) < 10)`, `meetings.starts, meetings.id`
		args = append(args, s.now().In(vietnam).Format(time.DateOnly))
	}
	cols := "i." + strings.ReplaceAll(invitationColumns, ", ", ", i.")
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+cols+` FROM invitations i JOIN meetings ON meetings.id = i.meeting_id
		WHERE ((i.agency = ? AND i.user_id = 0) OR i.user_id = ? OR i.delegate_user = ?) AND `+sec+cond+` ORDER BY `+order+`, i.invitee LIMIT 2000`), args...)
	if err != nil {
		return nil, fmt.Errorf("invitations: %w", err)
	}
	invs, err := scanInvitations(rows)
	if err != nil {
		return nil, err
	}
	out := []InvitationItem{}
	for _, i := range invs {
		m, err := s.meetingByID(ctx, s.db, i.MeetingID)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !clearedForLevel(u, m.Secrecy) {
			continue
		}
		it := InvitationItem{Invitation: i, Meeting: m, Organise: m.Agency}
		if e, err := s.DirectoryEntryOf(ctx, m.Agency); err == nil {
			it.Organise = e.Name
		}
		out = append(out, it)
	}
	slices.SortStableFunc(out, func(a, b InvitationItem) int { return strings.Compare(a.Meeting.Starts, b.Meeting.Starts) })
	return out, nil
}

// Answer answers an invitation: the invited person, or a clerk or leader
// of the invited agency; until the meeting starts. A delegate needs a
// name (who); a delegate who has an account in the invited agency must
// be cleared for a secret meeting, and then sees its papers. Another
// agency's or another person's invitation is not found.
func (s *Store) Answer(ctx context.Context, u User, invID int64, answer, who, note string) (Invitation, error) {
	if u.ID == 0 || u.Disabled {
		return Invitation{}, ErrNotFound
	}
	invs, err := s.invitations(ctx, `id = ?`, invID)
	if err != nil {
		return Invitation{}, err
	}
	if len(invs) == 0 {
		return Invitation{}, ErrNotFound
	}
	i := invs[0]
	if !(i.UserID == 0 && i.Agency == u.Agency) && i.UserID != u.ID {
		return Invitation{}, ErrNotFound
	}
	m, err := s.meetingByID(ctx, s.db, i.MeetingID)
	if err != nil {
		return Invitation{}, err
	}
	if !clearedForLevel(u, m.Secrecy) {
		return Invitation{}, ErrNotFound
	}
	if i.UserID == 0 && u.Role != RoleClerk && u.Role != RoleLeader {
		return Invitation{}, fmt.Errorf("%w: a clerk or leader answers for the agency", ErrForbidden)
	}
	switch answer {
	case AnswerAttend, AnswerDecline, AnswerDelegate:
	default:
		return Invitation{}, fmt.Errorf("%w: answer %q: attend, decline or delegate", ErrInvalid, truncate(answer, 20))
	}
	if who, err = boundedText("who", who, maxInviteeName, answer != AnswerDelegate); err != nil {
		return Invitation{}, fmt.Errorf("%w (a delegate needs a name)", err)
	}
	if note, err = boundedText("note", note, maxAnswerNote, true); err != nil {
		return Invitation{}, err
	}
	if t, ok := localTime(m.Starts); ok && !s.now().Before(t) {
		return Invitation{}, fmt.Errorf("%w: the meeting has begun: its answers are closed", ErrInvalid)
	}
	var delegate int64
	if answer == AnswerDelegate {
		if p, err := s.UserByName(ctx, who); err == nil && !p.Disabled && p.Agency == i.Agency {
			if !clearedForLevel(p, m.Secrecy) {
				return Invitation{}, fmt.Errorf("%w: %s is not cleared for %s: choose another delegate", ErrInvalid, truncate(who, 40), m.Secrecy)
			}
			delegate = p.ID
		}
	}
	now := s.now()
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE invitations SET answer = ?, who = ?, delegate_user = ?, note = ?, answered_by = ?, answered_at = ? WHERE id = ?`),
			answer, who, delegate, note, u.Name, stamp(now), invID); err != nil {
			return err
		}
		word := map[string]string{AnswerAttend: "tham dự", AnswerDecline: "không tham dự", AnswerDelegate: "cử người dự thay"}[answer]
		body := fmt.Sprintf("%s trả lời giấy mời họp \"%s\": %s", i.Invitee, m.Subject, word)
		if who != "" {
			body += " (" + who + ")"
		}
		if note != "" {
			body += ". Ghi chú: " + note
		}
		// Keyed by the invitation and what it answers: the same answer
		// given again tells the organiser's accounts (and their e-mail and
		// Zalo) nothing new, so it tells them nothing; each distinct answer
		// is told once.
		_, err := s.addNotice(ctx, tx, Notice{Agency: m.Agency, Kind: "invitation_answer", Subject: "Trả lời giấy mời: " + m.Subject, Body: body + ".",
			Link: meetingLink(m.ID), Secrecy: m.Secrecy, Dedupe: fmt.Sprintf("answer-%d-%s", invID, digest(answer, who))})
		if err == nil && delegate != 0 && delegate != u.ID {
			_, err = s.addNotice(ctx, tx, Notice{Agency: i.Agency, UserID: delegate, Kind: "invitation", Subject: "Được cử dự họp: " + m.Subject,
				Body: fmt.Sprintf("Anh/chị được cử dự cuộc họp \"%s\" lúc %s tại %s.", m.Subject, VietTime(m.Starts), m.Place),
				Link: meetingLink(m.ID), Secrecy: m.Secrecy, Dedupe: fmt.Sprintf("delegated-%d-%d", invID, delegate)})
		}
		return err
	})
	if err != nil {
		return Invitation{}, fmt.Errorf("answer invitation %d: %w", invID, err)
	}
	invs, err = s.invitations(ctx, `id = ?`, invID)
	if err != nil || len(invs) == 0 {
		return Invitation{}, errors.Join(err, ErrNotFound)
	}
	return invs[0], nil
}

// LinkPaper makes an archive document of the organiser a paper of an
// agenda item (1-based): a clerk of the organiser who may read it.
// Linking again moves it to another item.
func (s *Store) LinkPaper(ctx context.Context, u User, id, documentID int64, item int) error {
	m, organiser, _, err := s.meetingFor(ctx, u, id)
	if err != nil {
		return err
	}
	if !organiser {
		return ErrNotFound
	}
	if u.Role != RoleClerk {
		return fmt.Errorf("%w: a clerk of the organiser adds papers", ErrForbidden)
	}
	if item < 1 || item > max(1, len(m.Agenda)) {
		return fmt.Errorf("%w: agenda_item: from 1 to %d", ErrInvalid, max(1, len(m.Agenda)))
	}
	d, err := s.DocumentFor(ctx, u, documentID)
	if err != nil || d.Agency != m.Agency {
		return fmt.Errorf("%w: document %d is not in the organiser's archive (or not yours to read)", ErrInvalid, documentID)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM meeting_papers WHERE meeting_id = ?`), id).Scan(&n); err != nil {
		return err
	}
	if n >= MaxPapers {
		return fmt.Errorf("%w: a meeting has at most %d papers", ErrInvalid, MaxPapers)
	}
	_, err = s.w.ExecContext(ctx, s.q(`INSERT INTO meeting_papers (meeting_id, document_id, agenda_item, added_by, added_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (meeting_id, document_id) DO UPDATE SET agenda_item = excluded.agenda_item`), id, documentID, item, u.Name, stamp(s.now()))
	return err
}

// PaperFor is a meeting's paper u may open: one reaching the meeting
// (organiser or invited) and cleared for the paper's level — a paper
// whose marking is not known yet counts as the highest. Anything else
// is not found.
func (s *Store) PaperFor(ctx context.Context, u User, id, documentID int64) (Document, error) {
	if _, _, _, err := s.meetingFor(ctx, u, id); err != nil {
		return Document{}, err
	}
	var n int
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM meeting_papers WHERE meeting_id = ? AND document_id = ?`), id, documentID).Scan(&n); err != nil {
		return Document{}, err
	}
	if n == 0 {
		return Document{}, ErrNotFound
	}
	d, err := s.DocumentByID(ctx, documentID)
	if err != nil {
		return Document{}, err
	}
	if !clearedForLevel(u, d.Secrecy) {
		return Document{}, ErrNotFound
	}
	return d, nil
}

// MeetingReminders writes the reminders due at now: each invitation not
// declined is reminded once the day before its meeting and once two
// hours before (a meeting moved is reminded again at its new time). It
// returns how many notices it wrote; vanthu serve runs it with the
// handling reminders.
func (s *Store) MeetingReminders(ctx context.Context, now time.Time) (int, error) {
	local := now.In(vietnam)
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT DISTINCT meetings.id, meetings.starts, meetings.subject, meetings.place, `+meetingSecrecy+`
		FROM invitations i JOIN meetings ON meetings.id = i.meeting_id
		WHERE meetings.starts > ? AND meetings.starts <= ? AND i.answer <> ? ORDER BY meetings.starts, meetings.id LIMIT 5000`),
		local.Format(meetingTimeForm), local.Add(24*time.Hour).Format(meetingTimeForm), AnswerDecline)
	if err != nil {
		return 0, fmt.Errorf("meeting reminders: %w", err)
	}
	type due struct {
		meeting                         int64
		starts, subject, place, secrecy string
	}
	var dues []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.meeting, &d.starts, &d.subject, &d.place, &d.secrecy); err != nil {
			rows.Close()
			return 0, err
		}
		dues = append(dues, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	written := 0
	for _, d := range dues {
		t, ok := localTime(d.starts)
		if !ok {
			continue
		}
		kind, when := "day", "ngày mai"
		if t.Sub(now) <= 2*time.Hour {
			kind, when = "2h", "sau chưa đầy 2 giờ nữa"
		}
		// The meeting's invitations not declined, told together: one
		// reminder to each person however many ways they are invited.
		invs, err := s.invitations(ctx, `meeting_id = ? AND answer <> ?`, d.meeting, AnswerDecline)
		if err != nil {
			return written, err
		}
		n := Notice{Kind: "meeting_reminder", Subject: "Nhắc lịch họp: " + d.subject,
			Body: fmt.Sprintf("Cuộc họp \"%s\" bắt đầu %s, lúc %s tại %s.", d.subject, when, VietTime(d.starts), d.place), Link: meetingLink(d.meeting), Secrecy: d.secrecy}
		k, err := s.tellInvited(ctx, s.w, invs, n, fmt.Sprintf("reminder-%d-%s-%s", d.meeting, kind, d.starts))
		written += k
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

// meetingFromRecord writes the meeting of a giấy mời: its time, place,
// chair, subject, agenda (the items its text lists, else the subject)
// and invitees (its recipients, resolved against the directory; a name
// nothing matches kept as read).
func (s *Store) meetingFromRecord(ctx context.Context, tx *sql.Tx, id int64, agency string, rec doc.Record) error {
	names := InviteesOf(rec)
	codes := make([]string, len(names))
	for i, n := range names {
		// Lookup reads and keeps nothing: the transaction holds the writer.
		r, ok, err := s.Lookup(ctx, agency, n)
		if err != nil {
			return fmt.Errorf("meeting invitees: %w", err)
		}
		if ok {
			codes[i] = r.Code
		}
	}
	starts := rec.MeetingTime
	if t, ok := localTime(starts); ok {
		starts = t.Format(meetingTimeForm)
	}
	day := ""
	if len(starts) >= 10 {
		day = starts[:10]
	}
	subject := truncate(strings.TrimSpace(rec.Subject), 2000)
	agenda := AgendaOf(rec.Text)
	if len(agenda) == 0 && subject != "" {
		agenda = []string{subject}
	}
	inv, _ := json.Marshal(nonNil(names))
	cs, _ := json.Marshal(codes)
	ag, _ := json.Marshal(nonNil(agenda))
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO meetings (id, agency, document_id, starts, day, place, chair, invitees, invitee_codes, subject, agenda, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		newID(), agency, id, starts, day, rec.MeetingPlace, MeetingChair(rec), string(inv), string(cs), subject, string(ag), stamp(s.now())); err != nil {
		return fmt.Errorf("meeting record: %w", err)
	}
	return nil
}

// InviteesOf are the agencies and persons a giấy mời invites: its
// recipients, without "Như trên" and the file copy ("Lưu: VT").
func InviteesOf(rec doc.Record) []string {
	out := []string{}
	for _, r := range rec.Recipients {
		r = strings.TrimRight(strings.TrimSpace(r), ";,.")
		f := nameKey(r)
		if f == "" || strings.HasPrefix(f, "luu") || strings.HasPrefix(f, "nhu tren") || strings.HasPrefix(f, "nhu dieu") {
			continue
		}
		if len(out) == MaxInvitees {
			break
		}
		out = append(out, truncate(r, 300))
	}
	return out
}

var (
	reAgendaHead = regexp.MustCompile(`(?i)^(?:nội dung(?: cuộc họp| hội nghị| làm việc| họp)?|chương trình(?: làm việc| hội nghị| họp)?)\s*:?\s*(.*)$`)
	reAgendaItem = regexp.MustCompile(`^(?:\d{1,2}\s*[.)/]|[a-zđ]\s*[.)]|[-–•+*])\s*(.{3,})$`)
	reAgendaStop = regexp.MustCompile(`(?i)^(?:thời gian|địa điểm|thành phần|nơi nhận|kính gửi|đề nghị|trân trọng|giao )`)
)

// AgendaOf reads the items a giấy mời's text lists under "Nội dung" or
// "Chương trình" (numbered, lettered or dashed lines, or the rest of the
// heading's line); none when it lists none.
func AgendaOf(text string) []string {
	var out []string
	in := false
	for _, line := range strings.FieldsFunc(truncate(text, 50_000), func(r rune) bool { return r == '\n' || r == '\f' }) {
		line = viet.Canonical(line) // lines kept: Canonical joins what it is given
		if line == "" {
			continue
		}
		if m := reAgendaHead.FindStringSubmatch(line); m != nil && !in {
			in = true
			if rest := strings.TrimSpace(m[1]); utf8.RuneCountInString(rest) >= 3 && !reAgendaItem.MatchString(rest) {
				out = append(out, truncate(strings.TrimRight(rest, ".;"), maxMeetingText))
			}
			continue
		}
		if !in {
			continue
		}
		if reAgendaStop.MatchString(line) {
			break
		}
		m := reAgendaItem.FindStringSubmatch(line)
		if m == nil {
			if len(out) > 0 {
				break
			}
			continue
		}
		out = append(out, truncate(strings.TrimRight(strings.TrimSpace(m[1]), ".;"), maxMeetingText))
		if len(out) == MaxAgendaItems {
			break
		}
	}
	return out
}

// linkConclusion ties a thông báo kết luận to the meeting it concludes:
// the one whose giấy mời's number and symbol its text quotes, else the
// one whose day it names with the most similar subject. Its tasks are
// the meeting's then.
func (s *Store) linkConclusion(ctx context.Context, tx *sql.Tx, id int64, agency string, rec doc.Record) error {
	text := truncate(rec.Text, 20_000)
	folded := nameKey(rec.Subject + " " + text)
	if !strings.Contains(folded, "ket luan") {
		return nil
	}
	to := rec.IssuedAt
	if _, err := time.Parse(time.DateOnly, to); err != nil {
		to = s.now().In(vietnam).Format(time.DateOnly)
	}
	t, _ := time.Parse(time.DateOnly, to)
	from := t.AddDate(0, 0, -90).Format(time.DateOnly)
	rows, err := tx.QueryContext(ctx, s.q(`SELECT m.id, m.day, m.subject, COALESCE(d.record, '{}') FROM meetings m LEFT JOIN documents d ON d.id = m.document_id
		WHERE m.agency = ? AND m.conclusion_document = 0 AND m.day >= ? AND m.day <= ? ORDER BY m.day DESC LIMIT 200`), agency, from, to)
	if err != nil {
		return fmt.Errorf("conclusion: %w", err)
	}
	compact := strings.ReplaceAll(folded, " ", "")
	var best int64
	bestScore := 0.0
	for rows.Next() {
		var mid int64
		var day, subject, recJSON string
		if err := rows.Scan(&mid, &day, &subject, &recJSON); err != nil {
			rows.Close()
			return err
		}
		var gm doc.Record
		json.Unmarshal([]byte(recJSON), &gm)
		if subject == "" {
			subject = gm.Subject
		}
		if gm.Number != "" && gm.Symbol != "" && strings.Contains(compact, strings.ReplaceAll(nameKey(gm.Number+"/"+gm.Symbol), " ", "")) {
			best, bestScore = mid, 2
			break
		}
		if !mentionsDay(folded, day) {
			continue
		}
		if sc := subjectOverlap(subject, folded); sc >= 0.5 && sc > bestScore {
			best, bestScore = mid, sc
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || best == 0 {
		return err
	}
	_, err = tx.ExecContext(ctx, s.q(`UPDATE meetings SET conclusion_document = ? WHERE id = ?`), id, best)
	return err
}

// mentionsDay: folded text names the day (YYYY-MM-DD) as 12/03/2025,
// 12-3-2025 or "ngay 12 thang 3 nam 2025".
func mentionsDay(folded, day string) bool {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return false
	}
	for _, f := range []string{"02/01/2006", "2/1/2006", "02-01-2006", "ngay 02 thang 01 nam 2006", "ngay 2 thang 1 nam 2006"} {
		if strings.Contains(folded, t.Format(f)) {
			return true
		}
	}
	return false
}

// subjectOverlap is the share of a meeting subject's words (of two
// letters or more, folded) found in folded.
func subjectOverlap(subject, folded string) float64 {
	words := strings.Fields(nameKey(subject))
	have := map[string]bool{}
	for _, w := range strings.Fields(folded) {
		have[strings.Trim(w, ".,;:()\"")] = true
	}
	n, hit := 0, 0
	for _, w := range words {
		w = strings.Trim(w, ".,;:()\"")
		if utf8.RuneCountInString(w) < 2 || w == "ve" || w == "viec" || w == "du" || w == "hop" {
			continue
		}
		n++
		if have[w] {
			hit++
		}
	}
	if n == 0 {
		return 0
	}
	return float64(hit) / float64(n)
}
