package records

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vanthu/vanthu/internal/viet"
)

// Entry is a line of the incoming register (sổ văn bản đến).
type Entry struct {
	ID     int64
	Agency string
	// Book is the register the line is in: "" the ordinary one, BookSecret
	// the register of state secrets, numbered on its own.
	Book          string
	Year          int
	ArrivalNumber int // runs through the year per agency, without gaps; 0 for a duplicate
	ArrivedAt     time.Time
	// The upload this entry is of: one version of one object.
	Bucket, Key, ETag                                          string
	DocumentID                                                 int64
	DocType, Number, Symbol, Issuer, IssuedAt, Subject, Signer string
	Urgency, Confidentiality                                   string
	ReceivingUnit                                              string // who handles it
	Deadline                                                   string // YYYY-MM-DD or ""
	Status                                                     string // the document's
	// DuplicateOf links a document registered before with the same
	// number, symbol and issuer.
	DuplicateOf int64
}

// BookSecret names the register of secret documents arriving (sổ đăng
// ký bí mật nhà nước đến, Decree 26/2020): numbered apart, so that the
// ordinary register shows no gap where a secret one came in.
const BookSecret = "mật"

// counterOf is the counter row of a book.
func counterOf(book string) string {
	if book == "" {
		return "incoming"
	}
	return "incoming-" + book
}

func dedupeKey(e Entry) string {
	if e.Number == "" || e.Symbol == "" {
		return ""
	}
	return viet.Fold(strings.TrimLeft(e.Number, "0") + "/" + e.Symbol + "|" + viet.Canonical(e.Issuer))
}

// register writes an incoming line inside tx. The arrival number is drawn
// from the agency's counter row, which the transaction then holds: a
// concurrent registration waits for the commit (PostgreSQL's row lock,
// SQLite's write lock), and a rollback returns the number. So numbers are
// unique and gapless.
func (s *Store) register(ctx context.Context, tx *sql.Tx, e Entry) (Entry, error) {
	e.Year = e.ArrivedAt.Year()
	e.Book = ""
	if e.Confidentiality != "" {
		e.Book = BookSecret
	}
	var number sql.NullInt64
	if err := tx.QueryRowContext(ctx, s.q(`INSERT INTO counters (agency, register, year, last) VALUES (?, ?, ?, 1)
		ON CONFLICT (agency, register, year) DO UPDATE SET last = counters.last + 1 RETURNING last`), e.Agency, counterOf(e.Book), e.Year).Scan(&number); err != nil {
		return Entry{}, fmt.Errorf("incoming register: number: %w", err)
	}
	// Looked for under the counter's lock, so that two copies of one
	// document arriving at once cannot both be numbered.
	key := dedupeKey(e)
	var dup sql.NullInt64
	if key != "" {
		// Within the book: an ordinary line never points at a secret one.
		// The numbered line, the first of them.
		err := tx.QueryRowContext(ctx, s.q(`SELECT id FROM incoming WHERE agency = ? AND book = ? AND dedupe_key = ? AND duplicate_of IS NULL
			ORDER BY arrived_at, id LIMIT 1`), e.Agency, e.Book, key).Scan(&dup)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return Entry{}, err
		}
	}
	if dup.Valid {
		// Linked, not numbered: give the number back.
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE counters SET last = last - 1 WHERE agency = ? AND register = ? AND year = ?`), e.Agency, counterOf(e.Book), e.Year); err != nil {
			return Entry{}, err
		}
		number = sql.NullInt64{}
	}
	e.ArrivalNumber = int(number.Int64)
	var docID sql.NullInt64
	if e.DocumentID != 0 {
		docID = sql.NullInt64{Int64: e.DocumentID, Valid: true}
	}
	if e.Status == "" {
		e.Status = StatusRegistered
	}
	err := tx.QueryRowContext(ctx, s.q(`INSERT INTO incoming (id, agency, book, year, arrival_number, arrived_at, bucket, key, etag,
		doc_type, number, symbol, issuer, issued_at, subject, signer, urgency, confidentiality, dedupe_key, duplicate_of,
		document_id, receiving_unit, deadline, status, issuer_key)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		newID(), e.Agency, e.Book, e.Year, number, stamp(e.ArrivedAt), e.Bucket, e.Key, e.ETag,
		e.DocType, e.Number, e.Symbol, e.Issuer, e.IssuedAt, e.Subject, e.Signer, e.Urgency, e.Confidentiality, key, dup,
		docID, e.ReceivingUnit, e.Deadline, e.Status, nameKey(e.Issuer)).Scan(&e.ID)
	if err != nil {
		return Entry{}, fmt.Errorf("incoming register %s: %w", e.Key, err)
	}
	e.DuplicateOf = dup.Int64
	return e, nil
}

const entryColumns = `id, agency, book, year, COALESCE(arrival_number, 0), arrived_at, bucket, key, etag, COALESCE(document_id, 0), doc_type, number, symbol, issuer,
	issued_at, subject, signer, urgency, confidentiality, receiving_unit, deadline, status, COALESCE(duplicate_of, 0)`

func scanEntry(row interface{ Scan(...any) error }) (Entry, error) {
	var e Entry
	var at string
	err := row.Scan(&e.ID, &e.Agency, &e.Book, &e.Year, &e.ArrivalNumber, &at, &e.Bucket, &e.Key, &e.ETag, &e.DocumentID, &e.DocType, &e.Number,
		&e.Symbol, &e.Issuer, &e.IssuedAt, &e.Subject, &e.Signer, &e.Urgency, &e.Confidentiality, &e.ReceivingUnit, &e.Deadline, &e.Status, &e.DuplicateOf)
	if err == nil {
		e.ArrivedAt = parseStamp(at)
	}
	return e, err
}

// IncomingOf is a document's line of the incoming register
// (sql.ErrNoRows for a document the agency issued, or not yet recorded).
func (s *Store) IncomingOf(ctx context.Context, documentID int64) (Entry, error) {
	return s.incomingOf(ctx, documentID)
}

func (s *Store) incomingOf(ctx context.Context, documentID int64) (Entry, error) {
	return scanEntry(s.db.QueryRowContext(ctx, s.q(`SELECT `+entryColumns+` FROM incoming WHERE document_id = ?`), documentID))
}

// IncomingByID is the incoming register line id (what a duplicate's
// DuplicateOf names).
func (s *Store) IncomingByID(ctx context.Context, id int64) (Entry, error) {
	return scanEntry(s.db.QueryRowContext(ctx, s.q(`SELECT `+entryColumns+` FROM incoming WHERE id = ?`), id))
}

// RegisterFilter narrows a register listing. Dates are YYYY-MM-DD,
// inclusive; empty fields do not filter.
type RegisterFilter struct {
	Agency   string // required
	Year     int
	From, To string // arrival dates
	Issuer   string // as printed, any case and accents
	DocType  string
	Status   string
	Unit     string // receiving unit
	Limit    int    // default 1000
	Offset   int
	// Cleared are the secrecy levels the caller may see; lines of other
	// secret documents are left out (nil: public ones only).
	Cleared []string
}

func (f RegisterFilter) where(s *Store, table, dateCol string) (string, []any, error) {
	if f.Agency == "" {
		return "", nil, errors.New("a register belongs to an agency: none given")
	}
	conds := []string{"agency = ?"}
	args := []any{f.Agency}
	if f.Year != 0 {
		conds, args = append(conds, "year = ?"), append(args, f.Year)
	}
	for _, d := range []struct {
		v, op string
	}{{f.From, ">="}, {f.To, "<"}} {
		if d.v == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, d.v)
		if err != nil {
			return "", nil, fmt.Errorf("%w: date %q: want YYYY-MM-DD", ErrInvalid, d.v)
		}
		if d.op == "<" {
			t = t.AddDate(0, 0, 1) // inclusive of the last day
		}
		conds, args = append(conds, dateCol+" "+d.op+" ?"), append(args, stamp(t))
	}
	if f.DocType != "" {
		conds, args = append(conds, "doc_type = ?"), append(args, f.DocType)
	}
	if f.Issuer != "" && table == "incoming" {
		conds, args = append(conds, "issuer_key = ?"), append(args, nameKey(f.Issuer))
	}
	if f.Status != "" && table == "incoming" {
		conds, args = append(conds, "status = ?"), append(args, f.Status)
	}
	if f.Unit != "" && table == "incoming" {
		conds, args = append(conds, "receiving_unit = ?"), append(args, f.Unit)
	}
	// Incoming lines carry the secrecy; outgoing ones are joined to
	// their document's.
	c, a := readable("confidentiality", f.Cleared)
	if table == "outgoing" {
		c, a = secrecyCond(f.Cleared)
	}
	conds, args = append(conds, c), append(args, a...)
	return strings.Join(conds, " AND "), args, nil
}

// Incoming lists an agency's incoming register in arrival order;
// duplicates are not lines of the register.
func (s *Store) Incoming(ctx context.Context, f RegisterFilter) ([]Entry, error) {
	where, args, err := f.where(s, "incoming", "arrived_at")
	if err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+entryColumns+` FROM incoming WHERE `+where+` AND duplicate_of IS NULL
		ORDER BY year, book, arrival_number LIMIT ? OFFSET ?`), append(args, limit, max(0, f.Offset))...)
	if err != nil {
		return nil, fmt.Errorf("incoming register: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Outgoing is a line of the outgoing register (sổ văn bản đi).
type Outgoing struct {
	ID                                                 int64
	Agency                                             string
	Year                                               int
	DocumentID                                         int64
	Number, Symbol, IssuedAt, DocType, Subject, Signer string
	Recipients                                         []string
	RegisteredAt                                       time.Time
}

// OutgoingRegister lists an agency's outgoing register by issue date.
func (s *Store) OutgoingRegister(ctx context.Context, f RegisterFilter) ([]Outgoing, error) {
	where, args, err := f.where(s, "outgoing", "registered_at")
	if err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, agency, year, document_id, number, symbol, issued_at, doc_type, subject, signer, recipients, registered_at
		FROM outgoing WHERE `+where+` ORDER BY issued_at, id LIMIT ? OFFSET ?`), append(args, limit, max(0, f.Offset))...)
	if err != nil {
		return nil, fmt.Errorf("outgoing register: %w", err)
	}
	defer rows.Close()
	var out []Outgoing
	for rows.Next() {
		var o Outgoing
		var recips, at string
		if err := rows.Scan(&o.ID, &o.Agency, &o.Year, &o.DocumentID, &o.Number, &o.Symbol, &o.IssuedAt, &o.DocType, &o.Subject, &o.Signer, &recips, &at); err != nil {
			return nil, err
		}
		json.Unmarshal([]byte(recips), &o.Recipients)
		o.RegisteredAt = parseStamp(at)
		out = append(out, o)
	}
	return out, rows.Err()
}
