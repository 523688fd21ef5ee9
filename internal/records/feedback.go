package records

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/vanthu/vanthu/internal/viet"
)

// Case statuses: a citizen's feedback from its first message to its end.
const (
	CaseReceived   = "received"   // taken, not yet read for its topic
	CaseClassified = "classified" // topic known, waiting for an agency
	CaseAssigned   = "assigned"   // an agency handles it
	CaseAnswered   = "answered"   // the agency replied
	CaseClosed     = "closed"
	CaseRejected   = "rejected" // out of scope
)

// CaseStatuses in their order.
var CaseStatuses = []string{CaseReceived, CaseClassified, CaseAssigned, CaseAnswered, CaseClosed, CaseRejected}

// DeadlineDays is, per topic, how many days an agency has to answer a case
// (calendar days; "default" for a topic not listed). The one place they
// are set.
var DeadlineDays = map[string]int{
	"default": 10, "dat-dai": 15, "xay-dung": 15, "moi-truong": 7, "giao-thong": 7, "an-ninh": 5,
	"dien-nuoc": 3, "y-te": 7, "giao-duc": 10, "ho-tich": 7, "dich-vu-cong": 5, "tra-cuu": 3,
}

// ParseDeadlines reads "default=10,dat-dai=15" (topic=days, days 1 to
// 365): the deadlines an office sets (VANTHU_FEEDBACK_DEADLINES), over
// DeadlineDays.
func ParseDeadlines(spec string) (map[string]int, error) {
	out := maps.Clone(DeadlineDays)
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		topic, days, ok := strings.Cut(part, "=")
		n, err := strconv.Atoi(strings.TrimSpace(days))
		if topic = strings.TrimSpace(topic); !ok || topic == "" || len(topic) > 64 || err != nil || n < 1 || n > 365 {
			return nil, fmt.Errorf("%q: want topic=days (1 to 365), e.g. dat-dai=15", part)
		}
		out[topic] = n
	}
	return out, nil
}

// SetDeadlines makes spec (ParseDeadlines) the deadlines of new cases.
func SetDeadlines(spec string) error {
	d, err := ParseDeadlines(spec)
	if err != nil {
		return err
	}
	DeadlineDays = d
	return nil
}

// Case is one citizen's feedback.
type Case struct {
	ID           int64
	Code         string // PA-2025-000123, told to the citizen
	OAAgency     string // the agency owning the Official Account
	Agency       string // the agency handling it (the OA's until assigned)
	Unit         string
	Citizen      string // the citizen's Zalo id
	CitizenName  string // only if they shared it
	CitizenPhone string
	Topic        string
	TopicConf    float64
	Status       string
	Deadline     string // YYYY-MM-DD
	Lat, Lon     string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	LastIn       time.Time // the citizen's last message (Zalo's reply window)
	AnsweredAt   time.Time
}

// Open says whether the case still takes the citizen's messages.
func (c Case) Open() bool { return c.Status != CaseClosed && c.Status != CaseRejected }

// CaseMessage is one message of a case, in or out.
type CaseMessage struct {
	ID             int64
	CaseID         int64
	Key            string // Zalo's msg_id (in) or ours (out): unique
	Direction      string // in, out
	Kind           string // text, image, file, location, sticker, reply, ack
	Text           string
	ObjectKey      string // the attachment in the object store
	AttachmentText string // what the pipeline read of it
	Refused        string // why the attachment was not taken
	By             string // the staff member who replied
	ZaloID         string // Zalo's id of a message sent
	At             time.Time
}

// CaseChange is a line of a case's history.
type CaseChange struct {
	At                   time.Time
	User, Action, Detail string
}

// InMessage is a citizen's message as the webhook took it.
type InMessage struct {
	OAAgency, Citizen string
	Key               string // Zalo's msg_id
	Kind              string
	Text              string
	Lat, Lon          string
	Name, Phone       string // only when the citizen shared them
	At                time.Time
}

// Received is what ReceiveMessage did.
type Received struct {
	Case      Case
	Message   CaseMessage
	New       bool // a case was opened for it
	Duplicate bool // the message had been taken before: nothing written
}

// cleanText is a citizen's or a person's text as the case keeps it: NFC,
// without NUL and the other control characters (newlines and tabs kept)
// that no one types and PostgreSQL refuses.
func cleanText(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r < 0x20 || r == 0x7f || r == utf8.RuneError || r >= 0x80 && r < 0xa0 {
			return -1
		}
		// Format characters (zero-width spaces, bidi overrides) are
		// invisible: two names that read alike would differ, and a
		// subject could print backwards in a notice.
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, viet.NFC(s))
}

// agencyCode is what an agency code may look like (the directory's codes,
// QCVN 102's identifiers like 000.00.31.H55).
var agencyCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// topicCode is what a topic or subject code may look like.
var topicCode = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

var caseCode = regexp.MustCompile(`(?i)\bPA[-\s]?(\d{4})[-\s]?(\d{1,6})\b`)

// CaseCodeIn finds a case code in a citizen's text ("pa-2025-123", "PA 2025 000123").
func CaseCodeIn(text string) (string, bool) {
	m := caseCode.FindStringSubmatch(text)
	if m == nil {
		return "", false
	}
	year, _ := strconv.Atoi(m[1])
	n, _ := strconv.Atoi(m[2])
	return formatCode(year, int64(n)), true
}

// caseStamp is a time as the case tables keep it: fixed width (nine
// fraction digits), so that their text order is their time order (stamp
// drops trailing zeros, and "…05.1Z" sorts after "…05.12Z").
func caseStamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z07:00") }

func formatCode(year int, n int64) string { return fmt.Sprintf("PA-%d-%06d", year, n) }

// ReceiveMessage takes a citizen's message: idempotent on its key (the
// same msg_id delivered ten times is one message); it continues the
// citizen's open case, or opens one with a new code and the default
// deadline. A citizen's messages are taken one at a time (their row in
// case_citizens is held), so two at once never open two cases.
func (s *Store) ReceiveMessage(ctx context.Context, m InMessage) (Received, error) {
	var out Received
	if m.OAAgency == "" || m.Citizen == "" || m.Key == "" {
		return out, fmt.Errorf("%w: a message needs an agency, a citizen and a key", ErrInvalid)
	}
	if utf8.RuneCountInString(m.Text) > 4000 || len(m.Key) > 200 || len(m.Citizen) > 200 {
		return out, fmt.Errorf("%w: a message beyond its bounds", ErrInvalid)
	}
	if m.At.IsZero() {
		m.At = s.now()
	}
	m.Text, m.Name, m.Phone = cleanText(m.Text), cleanText(m.Name), cleanText(m.Phone)
	m.Key, m.Citizen, m.Kind = cleanText(m.Key), cleanText(m.Citizen), cleanText(m.Kind)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		out = Received{}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO case_citizens (oa_agency, citizen, n) VALUES (?, ?, 1)
			ON CONFLICT (oa_agency, citizen) DO UPDATE SET n = case_citizens.n + 1`), m.OAAgency, m.Citizen); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM case_messages WHERE msg_key = ?`), m.Key).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			out.Duplicate = true
			return nil
		}
		c, err := s.openCaseOf(ctx, tx, m.OAAgency, m.Citizen)
		now := caseStamp(s.now())
		switch {
		case errors.Is(err, sql.ErrNoRows):
			c, err = s.newCase(ctx, tx, m)
			if err != nil {
				return err
			}
			out.New = true
		case err != nil:
			return err
		default:
			status := c.Status
			if status == CaseAnswered {
				status = CaseAssigned // written to again: it needs an answer again
			}
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE cases SET last_in = ?, updated_at = ?, status = ? WHERE id = ?`), caseStamp(m.At), now, status, c.ID); err != nil {
				return err
			}
			if status != c.Status {
				if err := s.caseChange(ctx, tx, c.ID, "", "status", c.Status+" → "+status+": the citizen wrote again"); err != nil {
					return err
				}
			}
			c.Status, c.LastIn = status, m.At
		}
		if m.Lat != "" || m.Name != "" || m.Phone != "" {
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE cases SET lat = CASE WHEN ? <> '' THEN ? ELSE lat END, lon = CASE WHEN ? <> '' THEN ? ELSE lon END,
				citizen_name = CASE WHEN ? <> '' THEN ? ELSE citizen_name END, citizen_phone = CASE WHEN ? <> '' THEN ? ELSE citizen_phone END WHERE id = ?`),
				m.Lat, m.Lat, m.Lon, m.Lon, m.Name, m.Name, m.Phone, m.Phone, c.ID); err != nil {
				return err
			}
		}
		msg := CaseMessage{ID: newID(), CaseID: c.ID, Key: m.Key, Direction: "in", Kind: m.Kind, Text: m.Text, At: m.At}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO case_messages (id, case_id, msg_key, direction, kind, text, at) VALUES (?, ?, ?, 'in', ?, ?, ?)`),
			msg.ID, c.ID, m.Key, m.Kind, m.Text, caseStamp(m.At)); err != nil {
			return err
		}
		out.Case, out.Message = c, msg
		return nil
	})
	if err != nil {
		return Received{}, fmt.Errorf("receive message %s: %w", m.Key, err)
	}
	if !out.Duplicate {
		out.Case, err = s.caseByID(ctx, s.db, out.Case.ID)
	}
	return out, err
}

func (s *Store) newCase(ctx context.Context, tx *sql.Tx, m InMessage) (Case, error) {
	year := m.At.In(vietnam).Year()
	var n int64
	if err := tx.QueryRowContext(ctx, s.q(`INSERT INTO counters (agency, register, year, last) VALUES (?, 'feedback', ?, 1)
		ON CONFLICT (agency, register, year) DO UPDATE SET last = counters.last + 1 RETURNING last`), m.OAAgency, year).Scan(&n); err != nil {
		return Case{}, fmt.Errorf("case code: %w", err)
	}
	c := Case{ID: newID(), Code: formatCode(year, n), OAAgency: m.OAAgency, Agency: m.OAAgency, Citizen: m.Citizen, Status: CaseReceived,
		Deadline: m.At.In(vietnam).AddDate(0, 0, DeadlineDays["default"]).Format(time.DateOnly), CreatedAt: m.At, LastIn: m.At}
	now := caseStamp(c.CreatedAt)
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO cases (id, code, oa_agency, agency, citizen, status, deadline, created_at, updated_at, last_in)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), c.ID, c.Code, c.OAAgency, c.Agency, c.Citizen, c.Status, c.Deadline, now, now, caseStamp(m.At)); err != nil {
		return Case{}, err
	}
	return c, s.caseChange(ctx, tx, c.ID, "", "opened", c.Code)
}

// lockCase is case id, held for the transaction, if u may handle it.
func (s *Store) lockCase(ctx context.Context, tx *sql.Tx, u User, id int64) (Case, error) {
	c, err := scanCase(tx.QueryRowContext(ctx, s.q(`SELECT `+caseColumns+` FROM cases WHERE id = ?`+s.forUpdate()), id))
	switch {
	case errors.Is(err, sql.ErrNoRows), err == nil && !u.MayHandle(c):
		return Case{}, ErrNotFound
	case err != nil:
		return Case{}, err
	}
	return c, nil
}

func (s *Store) caseChange(ctx context.Context, tx *sql.Tx, id int64, user, action, detail string) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO case_history (id, case_id, at, user_name, action, detail) VALUES (?, ?, ?, ?, ?, ?)`),
		newID(), id, caseStamp(s.now()), user, action, truncate(detail, 1000))
	return err
}

const caseColumns = `id, code, oa_agency, agency, unit, citizen, citizen_name, citizen_phone, topic, topic_conf, status, deadline, lat, lon, created_at, updated_at, last_in, answered_at`

func scanCase(row interface{ Scan(...any) error }) (Case, error) {
	var c Case
	var created, updated, last, answered string
	err := row.Scan(&c.ID, &c.Code, &c.OAAgency, &c.Agency, &c.Unit, &c.Citizen, &c.CitizenName, &c.CitizenPhone, &c.Topic, &c.TopicConf,
		&c.Status, &c.Deadline, &c.Lat, &c.Lon, &created, &updated, &last, &answered)
	c.CreatedAt, c.UpdatedAt, c.LastIn = parseStamp(created), parseStamp(updated), parseStamp(last)
	if answered != "" {
		c.AnsweredAt = parseStamp(answered)
	}
	return c, err
}

func (s *Store) openCaseOf(ctx context.Context, q queryer, oa, citizen string) (Case, error) {
	return scanCase(q.QueryRowContext(ctx, s.q(`SELECT `+caseColumns+` FROM cases WHERE oa_agency = ? AND citizen = ? AND status NOT IN ('closed', 'rejected')
		ORDER BY created_at DESC LIMIT 1`), oa, citizen))
}

func (s *Store) caseByID(ctx context.Context, q queryer, id int64) (Case, error) {
	c, err := scanCase(q.QueryRowContext(ctx, s.q(`SELECT `+caseColumns+` FROM cases WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return Case{}, ErrNotFound
	}
	return c, err
}

// MayHandle says whether u works on cases of c: a member of the OA's
// agency or of the agency it is assigned to, not an admin (who manages
// accounts, not citizens' cases).
func (u User) MayHandle(c Case) bool {
	return u.Role != RoleAdmin && u.Agency != "" && (u.Agency == c.OAAgency || u.Agency == c.Agency)
}

// CaseFilter selects cases.
type CaseFilter struct {
	Status, Topic, Agency string
	Overdue               bool
	Limit, Offset         int
}

// Cases lists the cases u may see, newest first: the OA agency's and
// those assigned to u's agency.
func (s *Store) Cases(ctx context.Context, u User, f CaseFilter) ([]Case, error) {
	if u.Role == RoleAdmin || u.Agency == "" {
		return nil, ErrForbidden
	}
	where, args := []string{"(oa_agency = ? OR agency = ?)"}, []any{u.Agency, u.Agency}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if f.Topic != "" {
		if !topicCode.MatchString(f.Topic) {
			return nil, fmt.Errorf("%w: topic %q is no topic code", ErrInvalid, truncate(f.Topic, 40))
		}
		where, args = append(where, "topic = ?"), append(args, f.Topic)
	}
	if f.Agency != "" {
		if !agencyCode.MatchString(f.Agency) {
			return nil, fmt.Errorf("%w: agency %q is no agency code", ErrInvalid, truncate(f.Agency, 40))
		}
		where, args = append(where, "agency = ?"), append(args, f.Agency)
	}
	if f.Overdue {
		where = append(where, "status NOT IN ('answered', 'closed', 'rejected') AND deadline <> '' AND deadline < ?")
		args = append(args, s.now().In(vietnam).Format(time.DateOnly))
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	args = append(args, limit, max(0, f.Offset))
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+caseColumns+` FROM cases WHERE `+strings.Join(where, " AND ")+` ORDER BY created_at DESC, id LIMIT ? OFFSET ?`), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Case{}
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CaseFor is a case u may see, with its messages in order and history.
func (s *Store) CaseFor(ctx context.Context, u User, id int64) (Case, []CaseMessage, []CaseChange, error) {
	c, err := s.caseByID(ctx, s.db, id)
	if err != nil {
		return Case{}, nil, nil, err
	}
	if !u.MayHandle(c) {
		return Case{}, nil, nil, ErrNotFound
	}
	ms, err := s.caseMessages(ctx, id)
	if err != nil {
		return Case{}, nil, nil, err
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT at, user_name, action, detail FROM case_history WHERE case_id = ? ORDER BY at, id`), id)
	if err != nil {
		return Case{}, nil, nil, err
	}
	defer rows.Close()
	hs := []CaseChange{}
	for rows.Next() {
		var h CaseChange
		var at string
		if err := rows.Scan(&at, &h.User, &h.Action, &h.Detail); err != nil {
			return Case{}, nil, nil, err
		}
		h.At = parseStamp(at)
		hs = append(hs, h)
	}
	return c, ms, hs, rows.Err()
}

func (s *Store) caseMessages(ctx context.Context, id int64) ([]CaseMessage, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, case_id, msg_key, direction, kind, text, object_key, attachment_text, refused, by_user, zalo_id, at
		FROM case_messages WHERE case_id = ? ORDER BY at, id`), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []CaseMessage{}
	for rows.Next() {
		var m CaseMessage
		var at string
		if err := rows.Scan(&m.ID, &m.CaseID, &m.Key, &m.Direction, &m.Kind, &m.Text, &m.ObjectKey, &m.AttachmentText, &m.Refused, &m.By, &m.ZaloID, &at); err != nil {
			return nil, err
		}
		m.At = parseStamp(at)
		out = append(out, m)
	}
	return out, rows.Err()
}

// CaseText is everything a case's citizen wrote and its attachments say,
// for routing.
func (s *Store) CaseText(ctx context.Context, id int64) (string, error) {
	ms, err := s.caseMessages(ctx, id)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, m := range ms {
		if m.Direction == "in" {
			b.WriteString(m.Text + "\n" + m.AttachmentText + "\n")
		}
	}
	return b.String(), nil
}

// AttachMedia notes what became of attachment n of a message: stored
// under objectKey with the text the pipeline read, or refused with the
// reason. The first is the message's own; each further one is a message
// of its own beside it (key msgKey#n), so that none overwrites another.
func (s *Store) AttachMedia(ctx context.Context, msgKey string, n int, objectKey, text, refused string) error {
	text, refused = truncate(cleanText(text), 20000), truncate(cleanText(refused), 500)
	key := msgKey
	if n > 0 {
		key = fmt.Sprintf("%s#%d", msgKey, n)
		if _, err := s.w.ExecContext(ctx, s.q(`INSERT INTO case_messages (id, case_id, msg_key, direction, kind, at)
			SELECT ?, case_id, ?, 'in', kind, at FROM case_messages WHERE msg_key = ? ON CONFLICT (msg_key) DO NOTHING`), newID(), key, msgKey); err != nil {
			return err
		}
	}
	_, err := s.w.ExecContext(ctx, s.q(`UPDATE case_messages SET object_key = ?, attachment_text = ?, refused = ? WHERE msg_key = ?`), objectKey, text, refused, key)
	return err
}

// Route records the machine's reading of a case: its topic, and the
// agency it goes to when one was found (assigned; else it waits in the
// OA's inbox, classified). Only a case no person has moved yet is routed.
func (s *Store) Route(ctx context.Context, id int64, topic string, conf float64, target string) (Case, error) {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		c, err := scanCase(tx.QueryRowContext(ctx, s.q(`SELECT `+caseColumns+` FROM cases WHERE id = ?`+s.forUpdate()), id))
		if err != nil {
			return err
		}
		if c.Status != CaseReceived && c.Status != CaseClassified {
			return nil
		}
		status, agency := CaseClassified, c.Agency
		if target != "" {
			status, agency = CaseAssigned, target
		}
		days, ok := DeadlineDays[topic]
		if !ok {
			days = DeadlineDays["default"]
		}
		deadline := c.CreatedAt.In(vietnam).AddDate(0, 0, days).Format(time.DateOnly)
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE cases SET topic = ?, topic_conf = ?, status = ?, agency = ?, deadline = ?, updated_at = ? WHERE id = ?`),
			topic, conf, status, agency, deadline, caseStamp(s.now()), id); err != nil {
			return err
		}
		detail := fmt.Sprintf("topic %s (%.2f)", topic, conf)
		if target != "" {
			detail += " → " + target
		}
		return s.caseChange(ctx, tx, id, "", "routed", detail)
	})
	if err != nil {
		return Case{}, err
	}
	return s.caseByID(ctx, s.db, id)
}

// AssignCase gives a case to an agency (and unit) — a forward when it
// leaves u's agency, with its reason. Clerks and leaders of the agencies
// that see it may. What the machine routed elsewhere teaches the OA
// agency's routing (learnRoute).
func (s *Store) AssignCase(ctx context.Context, u User, id int64, agency, unit, reason string) (Case, error) {
	if u.Role != RoleClerk && u.Role != RoleLeader {
		return Case{}, ErrForbidden
	}
	agency, unit, reason = strings.TrimSpace(agency), strings.TrimSpace(cleanText(unit)), strings.TrimSpace(cleanText(reason))
	if !agencyCode.MatchString(agency) || utf8.RuneCountInString(unit) > 200 || utf8.RuneCountInString(reason) > 1000 {
		return Case{}, fmt.Errorf("%w: an agency code (letters, digits, . _ -; at most 64), a unit of at most 200 and a reason of at most 1,000 characters", ErrInvalid)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		c, err := s.lockCase(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if !c.Open() {
			return fmt.Errorf("%w: case %s is %s", ErrInvalid, c.Code, c.Status)
		}
		if ok, err := s.KnownAgency(ctx, tx, agency); err != nil || !ok {
			if err != nil {
				return err
			}
			return fmt.Errorf("%w: %q is no agency Vanthu knows (the agency directory, or an agency with accounts)", ErrInvalid, agency)
		}
		if agency != u.Agency && reason == "" && agency != c.Agency {
			return fmt.Errorf("%w: forwarding to another agency needs a reason", ErrInvalid)
		}
		status := c.Status
		if status == CaseReceived || status == CaseClassified {
			status = CaseAssigned
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE cases SET agency = ?, unit = ?, status = ?, updated_at = ? WHERE id = ?`),
			agency, unit, status, caseStamp(s.now()), id); err != nil {
			return err
		}
		action := "assigned"
		if agency != c.Agency {
			action = "forwarded"
		}
		detail := c.Agency + " → " + agency
		if unit != "" {
			detail += " (" + unit + ")"
		}
		if reason != "" {
			detail += ": " + reason
		}
		if err := s.caseChange(ctx, tx, id, u.Name, action, detail); err != nil {
			return err
		}
		if agency != c.Agency {
			return s.learnRoute(ctx, tx, c, agency)
		}
		return nil
	})
	if err != nil {
		return Case{}, err
	}
	return s.caseByID(ctx, s.db, id)
}

// AddReply records a reply about to be sent to the citizen, before it is
// sent: if sending fails it is marked failed (ReplyFailed), if it goes it
// is marked sent (ReplySent) — a reply is never sent unrecorded. A closed
// or rejected case takes no reply.
func (s *Store) AddReply(ctx context.Context, u User, id int64, text string) (CaseMessage, error) {
	if u.Role == RoleAdmin {
		return CaseMessage{}, ErrForbidden
	}
	text = strings.TrimSpace(cleanText(text))
	if !visible(text) || utf8.RuneCountInString(text) > 2000 {
		return CaseMessage{}, fmt.Errorf("%w: a reply of 1 to 2,000 characters that says something", ErrInvalid)
	}
	m := CaseMessage{ID: newID(), CaseID: id, Key: fmt.Sprintf("out-%d", newID()), Direction: "out", Kind: "reply", Text: text, By: u.Name, At: s.now()}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		c, err := s.lockCase(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if !c.Open() {
			return fmt.Errorf("%w: case %s is %s: it takes no reply", ErrInvalid, c.Code, c.Status)
		}
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO case_messages (id, case_id, msg_key, direction, kind, text, by_user, refused, at) VALUES (?, ?, ?, 'out', 'reply', ?, ?, 'sending', ?)`),
			m.ID, id, m.Key, m.Text, u.Name, caseStamp(m.At))
		return err
	})
	return m, err
}

// visible says whether text has a letter, digit or sign a person reads
// (not only spaces, zero-width characters or marks).
func visible(text string) bool {
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return true
		}
	}
	return false
}

// ReplySent marks a recorded reply sent (zaloID is Zalo's id of it): the
// case is answered.
func (s *Store) ReplySent(ctx context.Context, u User, m CaseMessage, zaloID string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE case_messages SET zalo_id = ?, refused = '' WHERE id = ?`), zaloID, m.ID); err != nil {
			return err
		}
		now := caseStamp(s.now())
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE cases SET status = CASE WHEN status IN ('closed', 'rejected') THEN status ELSE 'answered' END,
			answered_at = CASE WHEN answered_at = '' THEN ? ELSE answered_at END, updated_at = ? WHERE id = ?`), now, now, m.CaseID); err != nil {
			return err
		}
		return s.caseChange(ctx, tx, m.CaseID, u.Name, "replied", truncate(m.Text, 200))
	})
}

// ReplyFailed marks a recorded reply not sent, with why.
func (s *Store) ReplyFailed(ctx context.Context, m CaseMessage, why string) error {
	_, err := s.w.ExecContext(ctx, s.q(`UPDATE case_messages SET refused = ? WHERE id = ?`), "not sent: "+truncate(cleanText(why), 400), m.ID)
	return err
}

// AddAck records the automatic acknowledgement sent to a citizen.
func (s *Store) AddAck(ctx context.Context, id int64, key, text, zaloID string) error {
	_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO case_messages (id, case_id, msg_key, direction, kind, text, zalo_id, at) VALUES (?, ?, ?, 'out', 'ack', ?, ?, ?)
		ON CONFLICT (msg_key) DO NOTHING`), newID(), id, key, text, zaloID, caseStamp(s.now()))
	return err
}

// CloseCase ends a case: closed, or rejected as out of scope, with the
// reason.
func (s *Store) CloseCase(ctx context.Context, u User, id int64, reject bool, reason string) (Case, error) {
	if u.Role != RoleClerk && u.Role != RoleLeader {
		return Case{}, ErrForbidden
	}
	reason = strings.TrimSpace(cleanText(reason))
	if utf8.RuneCountInString(reason) > 1000 || reject && !visible(reason) {
		return Case{}, fmt.Errorf("%w: a rejection needs a reason (at most 1,000 characters)", ErrInvalid)
	}
	status := CaseClosed
	if reject {
		status = CaseRejected
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		c, err := s.lockCase(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if !c.Open() {
			return fmt.Errorf("%w: case %s is %s already", ErrInvalid, c.Code, c.Status)
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE cases SET status = ?, updated_at = ? WHERE id = ?`), status, caseStamp(s.now()), id); err != nil {
			return err
		}
		return s.caseChange(ctx, tx, id, u.Name, status, reason)
	})
	if err != nil {
		return Case{}, err
	}
	return s.caseByID(ctx, s.db, id)
}

// CaseOfCitizen is the case with code that belongs to citizen of the OA:
// a citizen asking for a status learns only of their own cases.
func (s *Store) CaseOfCitizen(ctx context.Context, oa, citizen, code string) (Case, error) {
	c, err := scanCase(s.db.QueryRowContext(ctx, s.q(`SELECT `+caseColumns+` FROM cases WHERE code = ? AND oa_agency = ? AND citizen = ?`), code, oa, citizen))
	if errors.Is(err, sql.ErrNoRows) {
		return Case{}, ErrNotFound
	}
	return c, err
}

// RoutingRules are the OA agency's rules: topic → the agency that handles it.
func (s *Store) RoutingRules(ctx context.Context, agency string) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT topic, target FROM routing_rules WHERE agency = ?`), agency)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var t, a string
		if err := rows.Scan(&t, &a); err != nil {
			return nil, err
		}
		out[t] = a
	}
	return out, rows.Err()
}

// SetRoutingRule sets (or, with target "", removes) which agency takes a
// topic's cases of u's agency. Admins and leaders edit the rules.
func (s *Store) SetRoutingRule(ctx context.Context, u User, topic, target string) error {
	if u.Role != RoleAdmin && u.Role != RoleLeader {
		return ErrForbidden
	}
	if !topicCode.MatchString(topic) || target != "" && !agencyCode.MatchString(target) {
		return fmt.Errorf("%w: a topic code (a-z, 0-9, -) and an agency code (letters, digits, . _ -)", ErrInvalid)
	}
	if target == "" {
		_, err := s.w.ExecContext(ctx, s.q(`DELETE FROM routing_rules WHERE agency = ? AND topic = ?`), u.Agency, topic)
		return err
	}
	if ok, err := s.KnownAgency(ctx, s.db, target); err != nil || !ok {
		if err != nil {
			return err
		}
		return fmt.Errorf("%w: %q is no agency Vanthu knows", ErrInvalid, target)
	}
	_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO routing_rules (agency, topic, target) VALUES (?, ?, ?)
		ON CONFLICT (agency, topic) DO UPDATE SET target = excluded.target`), u.Agency, topic, target)
	return err
}

// RouteModel is what reassignments taught an OA agency: per target
// agency, the cases it took and in how many of them each word was.
type RouteModel struct {
	Docs  map[string]int
	Words map[string]map[string]int // word → target → cases
}

// learnRoute counts the case's words under the agency a person gave it,
// once per case: a case forwarded again moves what it taught to the new
// agency (a clerk forwarding one case back and forth teaches one case's
// worth, not each forward's).
func (s *Store) learnRoute(ctx context.Context, tx *sql.Tx, c Case, target string) error {
	ms, err := s.caseMessagesTx(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	var text strings.Builder
	for _, m := range ms {
		if m.Direction == "in" {
			text.WriteString(m.Text + " " + m.AttachmentText + " ")
		}
	}
	words := RouteWords(text.String())
	var was string
	if err := tx.QueryRowContext(ctx, s.q(`SELECT learnt_target FROM cases WHERE id = ?`), c.ID).Scan(&was); err != nil {
		return err
	}
	if was == target || len(words) == 0 {
		return nil
	}
	if was != "" {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE route_docs SET n = n - 1 WHERE agency = ? AND target = ? AND n > 0`), c.OAAgency, was); err != nil {
			return err
		}
		for _, w := range words {
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE route_words SET n = n - 1 WHERE agency = ? AND target = ? AND word = ? AND n > 0`), c.OAAgency, was, w); err != nil {
				return err
			}
		}
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE cases SET learnt_target = ? WHERE id = ?`), target, c.ID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO route_docs (agency, target, n) VALUES (?, ?, 1) ON CONFLICT (agency, target) DO UPDATE SET n = route_docs.n + 1`),
		c.OAAgency, target); err != nil {
		return err
	}
	for _, w := range words {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO route_words (agency, target, word, n) VALUES (?, ?, ?, 1)
			ON CONFLICT (agency, word, target) DO UPDATE SET n = route_words.n + 1`), c.OAAgency, target, w); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) caseMessagesTx(ctx context.Context, tx *sql.Tx, id int64) ([]CaseMessage, error) {
	rows, err := tx.QueryContext(ctx, s.q(`SELECT text, attachment_text, direction FROM case_messages WHERE case_id = ? ORDER BY at, id`), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CaseMessage
	for rows.Next() {
		var m CaseMessage
		if err := rows.Scan(&m.Text, &m.AttachmentText, &m.Direction); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// RouteWords are the distinct folded words of a text the routing model
// counts (at most 200: a long attachment does not outweigh the message).
func RouteWords(text string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range strings.FieldsFunc(viet.Fold(text), func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') }) {
		if len(w) < 2 || len(w) > 30 || seen[w] {
			continue
		}
		seen[w] = true
		out = append(out, w)
		if len(out) == 200 {
			break
		}
	}
	slices.Sort(out)
	return out
}

// RouteModelOf is the OA agency's learnt routing, for the words given.
func (s *Store) RouteModelOf(ctx context.Context, agency string, words []string) (RouteModel, error) {
	m := RouteModel{Docs: map[string]int{}, Words: map[string]map[string]int{}}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT target, n FROM route_docs WHERE agency = ?`), agency)
	if err != nil {
		return m, err
	}
	for rows.Next() {
		var t string
		var n int
		if err := rows.Scan(&t, &n); err != nil {
			rows.Close()
			return m, err
		}
		m.Docs[t] = n
	}
	rows.Close()
	if len(words) == 0 || len(m.Docs) == 0 {
		return m, nil
	}
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(words)), ", ")
	args := []any{agency}
	for _, w := range words {
		args = append(args, w)
	}
	rows, err = s.db.QueryContext(ctx, s.q(`SELECT word, target, n FROM route_words WHERE agency = ? AND word IN (`+ph+`)`), args...)
	if err != nil {
		return m, err
	}
	defer rows.Close()
	for rows.Next() {
		var w, t string
		var n int
		if err := rows.Scan(&w, &t, &n); err != nil {
			return m, err
		}
		if m.Words[w] == nil {
			m.Words[w] = map[string]int{}
		}
		m.Words[w][t] = n
	}
	return m, rows.Err()
}

// CaseStats is the leader's view of the cases u's agency sees.
type CaseStats struct {
	Total, Open, Overdue int
	ByTopic, ByAgency    []Count
	ByStatus             []Count
	AnsweredIn           float64 // mean hours from the first message to the first answer
}

// FeedbackStats counts the cases u may see, all of them (in SQL).
func (s *Store) FeedbackStats(ctx context.Context, u User) (CaseStats, error) {
	if u.Role == RoleAdmin || u.Agency == "" {
		return CaseStats{}, ErrForbidden
	}
	var st CaseStats
	scope := `(oa_agency = ? OR agency = ?)`
	today := s.now().In(vietnam).Format(time.DateOnly)
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN status NOT IN ('closed', 'rejected') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status NOT IN ('answered', 'closed', 'rejected') AND deadline <> '' AND deadline < ? THEN 1 ELSE 0 END), 0)
		FROM cases WHERE `+scope), today, u.Agency, u.Agency).Scan(&st.Total, &st.Open, &st.Overdue); err != nil {
		return st, err
	}
	group := func(col string) ([]Count, error) {
		rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+col+`, COUNT(*) FROM cases WHERE `+scope+` GROUP BY `+col), u.Agency, u.Agency)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		m := map[string]int{}
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				return nil, err
			}
			m[or(k, "chưa rõ")] += n
		}
		return sorted(m), rows.Err()
	}
	var err error
	if st.ByTopic, err = group("topic"); err != nil {
		return st, err
	}
	if st.ByAgency, err = group("agency"); err != nil {
		return st, err
	}
	if st.ByStatus, err = group("status"); err != nil {
		return st, err
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT created_at, answered_at FROM cases WHERE `+scope+` AND answered_at <> ''`), u.Agency, u.Agency)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	var hours float64
	n := 0
	for rows.Next() {
		var c, a string
		if err := rows.Scan(&c, &a); err != nil {
			return st, err
		}
		hours += parseStamp(a).Sub(parseStamp(c)).Hours()
		n++
	}
	if n > 0 {
		st.AnsweredIn = hours / float64(n)
	}
	return st, rows.Err()
}
