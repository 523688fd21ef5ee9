package records

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/vanthu/vanthu/pipelines/doc"
)

// SecrecyOf is the secrecy a document with this marking is kept under
// ("" when not secret). A marking that is not a level (misread,
// handwritten) is kept under the highest one: a person lowers it in
// review, the machine never guesses it down.
func SecrecyOf(marking string) string {
	if l := Level(marking); l != "" || marking == "" {
		return l
	}
	return UnknownSecrecy
}

// UnknownSecrecy is the level of a document whose marking is not known
// (not read yet, unreadable, or not a level): the highest.
var UnknownSecrecy = Levels[len(Levels)-1]

// MaxCorrection is the longest value a person may give a field (the
// OpenAPI document says so too).
const MaxCorrection = 2000

// Correctable are the fields a person may correct. receiving_unit is the
// register's (who handles the document), not the record's: a clerk
// assigns it.
var Correctable = []string{"receiving_unit", "doc_type", "number", "symbol", "issuer", "parent", "issued_at", "place", "subject", "signer",
	"signer_title", "signing_authority", "urgency", "confidentiality", "meeting_time", "meeting_place"}

func setField(r *doc.Record, field, v string) {
	switch field {
	case "doc_type":
		r.DocType = v
	case "number":
		r.Number = v
	case "symbol":
		r.Symbol = v
	case "issuer":
		r.Issuer = v
	case "parent":
		r.Parent = v
	case "issued_at":
		r.IssuedAt = v
	case "place":
		r.Place = v
	case "subject":
		r.Subject = v
	case "signer":
		r.Signer = v
	case "signer_title":
		r.SignerTitle = v
	case "signing_authority":
		r.SigningAuthority = v
	case "urgency":
		r.Urgency = v
	case "confidentiality":
		r.Confidentiality = v
	case "meeting_time":
		r.MeetingTime = v
	case "meeting_place":
		r.MeetingPlace = v
	}
}

// ErrForbidden is an action the user's role does not allow.
var ErrForbidden = errors.New("not allowed for this role")

// Correction is one changed field, as the audit log keeps it. The log is
// also training data: what the machine read, with its confidence and
// where, and what a person says it is.
type Correction struct {
	ID         int64
	DocumentID int64
	Field      string
	Old, New   string
	Confidence float64
	Evidence   string // JSON {"page", "box"} of where the machine read it, or ""
	User       string
	At         time.Time
}

func (s *Store) lockDocument(ctx context.Context, tx *sql.Tx, u User, id int64) (Document, error) {
	c, args := readable("confidentiality", u.Cleared())
	d, err := scanDocument(tx.QueryRowContext(ctx, s.q(`SELECT `+docColumns+` FROM documents WHERE id = ? AND agency = ? AND `+c+s.forUpdate()),
		append([]any{id, u.Agency}, args...)...))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !u.MayRead(d.Agency, d.Secrecy)) {
		return Document{}, ErrNotFound
	}
	return d, err
}

// Correct changes fields of a document's record: each change is logged
// (who, when, old, new, the machine's confidence), the field leaves the
// review queue, and the register lines follow. Clerks may correct.
func (s *Store) Correct(ctx context.Context, u User, id int64, changes map[string]string) (Document, error) {
	if u.Role != RoleClerk {
		return Document{}, ErrForbidden
	}
	if err := checkChanges(changes); err != nil {
		return Document{}, err
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		d, err := s.lockDocument(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if d.Status == StatusReceived || d.Status == StatusFailed {
			return fmt.Errorf("%w: document %d is %s: nothing to correct yet", ErrInvalid, id, d.Status)
		}
		rec := d.Record
		// The record's own map: d.Record is what the archive learnt from.
		rec.Confidence = maps.Clone(rec.Confidence)
		if rec.Confidence == nil {
			rec.Confidence = map[string]float64{}
		}
		old := fields(rec)
		var unit string
		if err := tx.QueryRowContext(ctx, s.q(`SELECT receiving_unit FROM incoming WHERE document_id = ?`), id).Scan(&unit); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		old["receiving_unit"] = unit
		now := s.now()
		keys := make([]string, 0, len(changes))
		for f := range changes {
			keys = append(keys, f)
		}
		slices.Sort(keys)
		for _, f := range keys {
			v := changes[f]
			if f == "confidentiality" {
				v = Level(v)
			}
			if old[f] == v {
				if slices.Contains(d.Review, f) {
					// Confirmed as read: a person's word too (a new
					// reading keeps it), logged as old = new.
					if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO corrections (document_id, field, old, new, confidence, evidence, user_name, at) VALUES (?, ?, ?, ?, ?, '', ?, ?)`),
						id, f, v, v, rec.Confidence[f], u.Name, stamp(now)); err != nil {
						return err
					}
					rec.Confidence[f] = 1
				}
				continue
			}
			ev := ""
			if e, ok := rec.Evidence[f]; ok {
				b, _ := json.Marshal(e)
				ev = string(b)
			}
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO corrections (document_id, field, old, new, confidence, evidence, user_name, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
				id, f, old[f], v, rec.Confidence[f], ev, u.Name, stamp(now)); err != nil {
				return err
			}
			if f == "receiving_unit" {
				unit = v
				continue
			}
			setField(&rec, f, v)
			rec.Confidence[f] = 1 // a person said so
		}
		review := slices.DeleteFunc(slices.Clone(d.Review), func(f string) bool { _, ok := changes[f]; return ok })
		status := d.Status
		if status == StatusReview && len(review) == 0 {
			status = StatusRegistered
		}
		if err := s.saveRecord(ctx, tx, id, status, rec, review); err != nil {
			return err
		}
		if err := s.relearn(ctx, tx, d, rec); err != nil {
			return err
		}
		return s.syncRegisters(ctx, tx, id, rec, status, &unit)
	})
	if err != nil {
		return Document{}, err
	}
	return s.DocumentByID(ctx, id)
}

// checkChanges refuses a correction of a field that is not correctable,
// too long, or not of its field's form.
func checkChanges(changes map[string]string) error {
	for f, v := range changes {
		if !slices.Contains(Correctable, f) {
			return fmt.Errorf("%w: field %q cannot be corrected (correctable: %v)", ErrInvalid, f, Correctable)
		}
		if n := utf8.RuneCountInString(v); n > MaxCorrection {
			return fmt.Errorf("%w: %s: %d characters, at most %d", ErrInvalid, f, n, MaxCorrection)
		}
		if f == "issued_at" && v != "" {
			if _, err := time.Parse(time.DateOnly, v); err != nil {
				return fmt.Errorf("%w: issued_at %q: want YYYY-MM-DD", ErrInvalid, v)
			}
		}
		if f == "confidentiality" && v != "" && Level(v) == "" {
			return fmt.Errorf("%w: confidentiality %q: want one of %v or empty", ErrInvalid, v, Levels)
		}
	}
	return nil
}

// Approve marks a record approved: the person vouches for every field,
// those still in review included. Clerks and leaders may approve.
func (s *Store) Approve(ctx context.Context, u User, id int64) (Document, error) {
	if u.Role != RoleClerk && u.Role != RoleLeader {
		return Document{}, ErrForbidden
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		d, err := s.lockDocument(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if d.Status == StatusReceived || d.Status == StatusFailed {
			return fmt.Errorf("%w: document %d is %s: nothing to approve", ErrInvalid, id, d.Status)
		}
		if err := s.saveRecord(ctx, tx, id, StatusApproved, d.Record, nil); err != nil {
			return err
		}
		// A person vouched for every field: what the archive learns from
		// them it learns now (once: approving again counts nothing).
		for _, k := range learners(s) {
			if err := s.learnOnce(ctx, tx, id, d.Agency, k.field, d.Record, k.learn); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO corrections (document_id, field, old, new, confidence, user_name, at) VALUES (?, 'status', ?, ?, 1, ?, ?)`),
			id, d.Status, StatusApproved, u.Name, stamp(s.now())); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE incoming SET status = ? WHERE document_id = ?`), StatusApproved, id)
		return err
	})
	if err != nil {
		return Document{}, err
	}
	return s.DocumentByID(ctx, id)
}

// DocumentFor returns a document the user may read: of their agency, at
// a level they are cleared for. A document out of reach and one that does
// not exist are the same ErrNotFound, answered by the same query.
func (s *Store) DocumentFor(ctx context.Context, u User, id int64) (Document, error) {
	if u.ID == 0 || u.Disabled {
		return Document{}, ErrNotFound
	}
	c, args := readable("confidentiality", u.Cleared())
	d, err := scanDocument(s.db.QueryRowContext(ctx, s.q(`SELECT `+docColumns+` FROM documents WHERE id = ? AND agency = ? AND `+c),
		append([]any{id, u.Agency}, args...)...))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !u.MayRead(d.Agency, d.Secrecy)) {
		return Document{}, ErrNotFound
	}
	return d, err
}

// UploadFor returns a document the user may follow: one they may read,
// or their own upload while its marking is unknown (received, or failed
// to be read) — its status and name only, which the uploader knows
// already. Readable says which: the caller shows nothing more of an
// unreadable one.
func (s *Store) UploadFor(ctx context.Context, u User, id int64) (d Document, readable bool, err error) {
	if d, err := s.DocumentFor(ctx, u, id); err == nil || !errors.Is(err, ErrNotFound) {
		return d, err == nil, err
	}
	d, err = scanDocument(s.db.QueryRowContext(ctx, s.q(`SELECT `+docColumns+` FROM documents WHERE id = ? AND agency = ? AND uploaded_by = ?
		AND status IN (?, ?)`), id, u.Agency, u.Name, StatusReceived, StatusFailed))
	if errors.Is(err, sql.ErrNoRows) || u.ID == 0 || u.Disabled || u.Name == "" {
		return Document{}, false, ErrNotFound
	}
	return d, false, err
}

// ReviewQueue lists the user's agency's documents waiting for review
// that the user may read, oldest first.
func (s *Store) ReviewQueue(ctx context.Context, u User, limit int) ([]Document, error) {
	return s.documents(ctx, u, StatusReview, limit)
}

// Documents lists the user's agency's documents (newest first), of one
// status or all.
func (s *Store) Documents(ctx context.Context, u User, status string, limit int) ([]Document, error) {
	return s.documents(ctx, u, status, limit)
}

func (s *Store) documents(ctx context.Context, u User, status string, limit int) ([]Document, error) {
	if limit <= 0 {
		limit = 100
	}
	c, args := readable("confidentiality", u.Cleared())
	// The user's own uploads whose marking is unknown are listed too
	// (UploadFor: their status, not their content).
	c = "(" + c + " OR (uploaded_by = ? AND status IN (?, ?)))"
	args = append(append([]any{u.Agency}, args...), u.Name, StatusReceived, StatusFailed)
	cond := ""
	order := "created_at DESC, id DESC"
	if status != "" {
		cond, args = " AND status = ?", append(args, status)
		if status == StatusReview {
			order = "created_at, id"
		}
	}
	return s.queryDocuments(ctx, `SELECT `+docColumns+` FROM documents WHERE agency = ? AND `+c+cond+` ORDER BY `+order+` LIMIT ?`, append(args, limit)...)
}

// queryDocuments runs a query of docColumns.
func (s *Store) queryDocuments(ctx context.Context, stmt string, args ...any) ([]Document, error) {
	rows, err := s.db.QueryContext(ctx, s.q(stmt), args...)
	if err != nil {
		return nil, fmt.Errorf("documents: %w", err)
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Corrections lists the audit log of the user's agency, oldest first:
// the training data for extraction and classification. Corrections of
// documents above the user's clearance are left out (their old and new
// values are the documents' content).
func (s *Store) Corrections(ctx context.Context, u User) ([]Correction, error) {
	c, args := readable("d.confidentiality", u.Cleared())
	return s.queryCorrections(ctx, `SELECT c.id, c.document_id, c.field, c.old, c.new, c.confidence, c.evidence, c.user_name, c.at
		FROM corrections c JOIN documents d ON d.id = c.document_id WHERE d.agency = ? AND c.user_name <> '' AND `+c+` ORDER BY c.id`, append([]any{u.Agency}, args...)...)
}

// History is a document's corrections, oldest first.
func (s *Store) History(ctx context.Context, u User, id int64) ([]Correction, error) {
	if _, err := s.DocumentFor(ctx, u, id); err != nil {
		return nil, err
	}
	return s.queryCorrections(ctx, `SELECT id, document_id, field, old, new, confidence, evidence, user_name, at FROM corrections WHERE document_id = ? ORDER BY id`, id)
}

// queryCorrections runs a query of the corrections' columns, in order.
func (s *Store) queryCorrections(ctx context.Context, stmt string, args ...any) ([]Correction, error) {
	rows, err := s.db.QueryContext(ctx, s.q(stmt), args...)
	if err != nil {
		return nil, fmt.Errorf("corrections: %w", err)
	}
	defer rows.Close()
	var out []Correction
	for rows.Next() {
		var c Correction
		var at string
		if err := rows.Scan(&c.ID, &c.DocumentID, &c.Field, &c.Old, &c.New, &c.Confidence, &c.Evidence, &c.User, &at); err != nil {
			return nil, err
		}
		c.At = parseStamp(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Retry sends a failed document back to be read: received again, its
// reason cleared. Clerks who may follow it (its uploader, or cleared for
// it) may; the caller removes the stages' artifacts of the upload and
// passes it on.
func (s *Store) Retry(ctx context.Context, u User, id int64) (Document, error) {
	if u.Role != RoleClerk {
		return Document{}, ErrForbidden
	}
	d, _, err := s.UploadFor(ctx, u, id)
	if err != nil {
		return Document{}, err
	}
	if d.Status != StatusFailed {
		return Document{}, fmt.Errorf("%w: document %d is %s, not failed: there is nothing to read again", ErrInvalid, id, d.Status)
	}
	r, err := s.w.ExecContext(ctx, s.q(`UPDATE documents SET status = ?, error = '', updated_at = ? WHERE id = ? AND status = ?`),
		StatusReceived, stamp(s.now()), id, StatusFailed)
	if err != nil {
		return Document{}, fmt.Errorf("retry document %d: %w", id, err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return Document{}, fmt.Errorf("%w: document %d changed meanwhile", ErrInvalid, id)
	}
	return s.DocumentByID(ctx, id)
}

// DeleteFailed removes a document that could not be read (it never
// reached a register): the clerk uploads it again, or gives it up. The
// caller removes its object and artifacts first, so that no reconciler
// brings it back. Registered documents are records of the office and are
// never deleted.
func (s *Store) DeleteFailed(ctx context.Context, u User, id int64) error {
	if u.Role != RoleClerk {
		return ErrForbidden
	}
	d, _, err := s.UploadFor(ctx, u, id)
	if err != nil {
		return err
	}
	if d.Status != StatusFailed {
		return fmt.Errorf("%w: document %d is %s: only a document that could not be read is deleted", ErrInvalid, id, d.Status)
	}
	_, err = s.w.ExecContext(ctx, s.q(`DELETE FROM documents WHERE id = ? AND status = ?`), id, StatusFailed)
	if err != nil {
		return fmt.Errorf("delete document %d: %w", id, err)
	}
	return nil
}

// HandwritingCorrection is a person's reading of a handwritten blank the
// machine read otherwise: a number, or the day of issued_at.
type HandwritingCorrection struct {
	Document Document
	Field    string // number or issued_at
	Old, New string
}

// HandwritingCorrections lists, for the operator, the numbers and days
// people corrected, the last correction of each document's field, of
// documents that are not secret (their pages are not to leave the
// records as training data), of one agency ("": all), at most limit.
func (s *Store) HandwritingCorrections(ctx context.Context, agency string, limit int) ([]HandwritingCorrection, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT c.document_id, c.field, c.old, c.new FROM corrections c
		JOIN documents d ON d.id = c.document_id
		WHERE c.field IN ('number', 'issued_at') AND d.confidentiality = '' AND c.new <> '' AND (? = '' OR d.agency = ?)
		AND c.id = (SELECT MAX(c2.id) FROM corrections c2 WHERE c2.document_id = c.document_id AND c2.field = c.field)
		ORDER BY c.id LIMIT ?`), agency, agency, limit)
	if err != nil {
		return nil, fmt.Errorf("handwriting corrections: %w", err)
	}
	var out []HandwritingCorrection
	for rows.Next() {
		var c HandwritingCorrection
		if err := rows.Scan(&c.Document.ID, &c.Field, &c.Old, &c.New); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		d, err := s.DocumentByID(ctx, out[i].Document.ID)
		if err != nil {
			return nil, err
		}
		out[i].Document = d
	}
	return out, nil
}

// learner is what the archive learns from one field of a document.
type learner struct {
	field   string
	changed func(old, rec doc.Record) bool
	learn   func(context.Context, *sql.Tx, string, doc.Record) (bool, error)
	unlearn func(context.Context, *sql.Tx, string, doc.Record) error
}

func learners(s *Store) []learner {
	return []learner{
		// A signer is known by issuer: a new issuer moves the name.
		{"signer", func(o, r doc.Record) bool { return o.Signer != r.Signer || o.Issuer != r.Issuer }, s.learnSigner, s.unlearnSigner},
		{"issuer", func(o, r doc.Record) bool { return o.Issuer != r.Issuer }, s.learnIssuer, s.unlearnIssuer},
		{"doc_type", func(o, r doc.Record) bool { return o.DocType != r.DocType }, s.learnType, s.unlearnType},
	}
}

// relearn keeps what the archive learnt from a document (its signer,
// issuer and type) true to what a person said of it: a value it had
// counted and a person changed is taken back and the new one counted; a
// document a person marks secret is taken back altogether (its names and
// words are its content now). Only what was counted is taken back
// (learnOnce keeps the ledger).
func (s *Store) relearn(ctx context.Context, tx *sql.Tx, d Document, rec doc.Record) error {
	nowSecret := SecrecyOf(rec.Confidentiality) != ""
	for _, k := range learners(s) {
		changed := k.changed(d.Record, rec)
		if changed || nowSecret {
			if err := s.unlearnOnce(ctx, tx, d.ID, d.Agency, k.field, d.Record, k.unlearn); err != nil {
				return err
			}
		}
		if changed && !nowSecret {
			if err := s.learnOnce(ctx, tx, d.ID, d.Agency, k.field, rec, k.learn); err != nil {
				return err
			}
		}
	}
	return nil
}

// syncRegisters writes a document's record into its register line
// (incoming or outgoing), report and meeting records; the receiving unit
// too when unit is set.
func (s *Store) syncRegisters(ctx context.Context, tx *sql.Tx, id int64, rec doc.Record, status string, unit *string) error {
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE incoming SET doc_type = ?, number = ?, symbol = ?, issuer = ?, issuer_key = ?, issued_at = ?,
		subject = ?, signer = ?, urgency = ?, confidentiality = ?, status = ? WHERE document_id = ?`),
		rec.DocType, rec.Number, rec.Symbol, rec.Issuer, nameKey(rec.Issuer), rec.IssuedAt, rec.Subject, rec.Signer, rec.Urgency,
		SecrecyOf(rec.Confidentiality), status, id); err != nil {
		return err
	}
	if unit != nil {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE incoming SET receiving_unit = ? WHERE document_id = ?`), *unit, id); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE outgoing SET doc_type = ?, number = ?, symbol = ?, issued_at = ?, subject = ?, signer = ? WHERE document_id = ?`),
		rec.DocType, rec.Number, rec.Symbol, rec.IssuedAt, rec.Subject, rec.Signer, id); err != nil {
		return err
	}
	if rec.DocType == "BC" {
		regime, period := ReportPeriod(rec.Subject, rec.IssuedAt)
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE reports SET regime = ?, period = ?, reporting_agency = ?, due = ? WHERE document_id = ?`),
			regime, period, rec.Issuer, ReportDue(regime, period), id); err != nil {
			return err
		}
	}
	day := ""
	if len(rec.MeetingTime) >= 10 {
		day = rec.MeetingTime[:10]
	}
	_, err := tx.ExecContext(ctx, s.q(`UPDATE meetings SET starts = ?, day = ?, place = ? WHERE document_id = ?`), rec.MeetingTime, day, rec.MeetingPlace, id)
	return err
}
