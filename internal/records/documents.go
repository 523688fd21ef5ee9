package records

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/vanthu/vanthu/internal/viet"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// Document states, in the order a document goes through them.
const (
	StatusReceived   = "received"   // uploaded; being read
	StatusFailed     = "failed"     // could not be read (Error says why)
	StatusReview     = "review"     // registered; some field waits for a person
	StatusRegistered = "registered" // registered; nothing uncertain
	StatusApproved   = "approved"   // a person has approved the record
)

// Document is one upload and the record read from it.
type Document struct {
	ID                int64
	Agency            string
	Bucket, Key, ETag string
	File              string // the name it was uploaded under
	Status            string
	// Secrecy is the level the document is kept under: its marking once
	// read, and the highest level until then (received, or failed to be
	// read): nobody uncleared sees a document whose marking is unknown.
	Secrecy    string
	Error      string
	Record     doc.Record // corrections applied
	Review     []string   // fields still waiting for a person
	UploadedBy string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Upload is where a document came from.
type Upload struct {
	Agency, Bucket, Key, ETag, File, By string
	At                                  time.Time // when it arrived (default now)
}

// Received records an upload before it is read, so that it has an ID to
// follow at once. Idempotent on (bucket, key, etag).
func (s *Store) Received(ctx context.Context, u Upload) (Document, error) {
	if u.At.IsZero() {
		u.At = s.now()
	}
	at := stamp(u.At)
	var id int64
	var err error
	for range 3 { // a random ID drawn twice is drawn again
		err = s.w.QueryRowContext(ctx, s.q(`INSERT INTO documents (id, agency, bucket, key, etag, file, status, confidentiality, uploaded_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (bucket, key, etag) DO NOTHING RETURNING id`),
			newID(), u.Agency, u.Bucket, u.Key, u.ETag, u.File, StatusReceived, UnknownSecrecy, u.By, at, at).Scan(&id)
		if !uniqueViolation(err) {
			break
		}
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Document{}, fmt.Errorf("record upload %s: %w", u.Key, err)
	}
	return s.byObject(ctx, s.db, u.Bucket, u.Key, u.ETag)
}

// Result is what recording a document produced.
type Result struct {
	Document Document
	Incoming *Entry // nil for a document the agency issued itself
	Outgoing bool
	New      bool // false when the document had been recorded before
	// Reread: the record was a new machine reading of a document recorded
	// before (vanthu reprocess), merged under the people's corrections.
	Reread bool
}

// reviewed are the fields a register line is made of: one the machine
// was unsure of sends the record to review.
var reviewed = []string{"doc_type", "number", "symbol", "issuer", "issued_at", "subject", "signer", "signer_title",
	"urgency", "confidentiality", "meeting_time", "meeting_place"}

// required are fields without which a register line is not complete.
var required = []string{"doc_type", "issuer", "issued_at", "subject"}

func (s *Store) needsReview(rec doc.Record) []string { return NeedsReview(rec, s.ReviewBelow) }

// DefaultReviewBelow is the confidence under which a field waits for a
// person, unless a Store says otherwise.
const DefaultReviewBelow = 0.8

// StatusOf is the status a freshly read record gets: review when a field
// waits for a person, else registered (failed when it could not be read).
func StatusOf(rec doc.Record) string {
	switch {
	case rec.Error != "":
		return StatusFailed
	case len(NeedsReview(rec, DefaultReviewBelow)) > 0:
		return StatusReview
	}
	return StatusRegistered
}

// NeedsReview lists the fields of rec a person must look at: read with a
// confidence under below, required but missing, or a secrecy marking
// that is not a level.
func NeedsReview(rec doc.Record, below float64) []string {
	var out []string
	vals := fields(rec)
	for _, f := range reviewed {
		c, ok := rec.Confidence[f]
		if (ok && c < below && vals[f] != "") || (slices.Contains(required, f) && vals[f] == "") ||
			(f == "confidentiality" && vals[f] != "" && Level(vals[f]) == "") {
			out = append(out, f)
		}
	}
	return out
}

// Record enters an extracted document into the records, in one
// transaction: the document; a line of the incoming register (arrival
// number drawn per agency and year, duplicates of number+symbol+issuer
// linked, not numbered), or of the outgoing register when the agency
// issued it; a report record for a báo cáo, a meeting for a giấy mời,
// a task for each assignment. Idempotent on the upload: a second call
// returns the first result and writes nothing.
func (s *Store) Record(ctx context.Context, u Upload, rec doc.Record) (Result, error) {
	if u.At.IsZero() {
		u.At = s.now()
	}
	if u.File == "" {
		u.File = rec.File
	}
	var res Result
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// Insert-if-absent first: a concurrent delivery of the same upload
		// waits here for the first one's commit (PostgreSQL's unique
		// index; SQLite's write lock), then finds its work done.
		at := stamp(u.At)
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO documents (id, agency, bucket, key, etag, file, status, confidentiality, uploaded_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (bucket, key, etag) DO NOTHING`), newID(), u.Agency, u.Bucket, u.Key, u.ETag, u.File, StatusReceived, UnknownSecrecy, u.By, at, at); err != nil {
			return err
		}
		var id int64
		var status, agency string
		var reread int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT id, status, agency, reread FROM documents WHERE bucket = ? AND key = ? AND etag = ?`+s.forUpdate()),
			u.Bucket, u.Key, u.ETag).Scan(&id, &status, &agency, &reread); err != nil {
			return err
		}
		switch {
		case status == StatusReceived:
		case reread == 0:
			return errDone
		case status == StatusFailed:
			// It could not be read before: it is recorded now as if new
			// (and indexed through the reindex mark: its index stage is
			// done).
			res.Reread = true
			var created string
			if err := tx.QueryRowContext(ctx, s.q(`SELECT created_at FROM documents WHERE id = ?`), id).Scan(&created); err != nil {
				return err
			}
			u.At = parseStamp(created) // it arrived then, not today
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE documents SET reread = 0 WHERE id = ?`), id); err != nil {
				return err
			}
		default:
			res.Reread = true
			return s.reread(ctx, tx, id, u, rec)
		}
		res.New = true
		if rec.Error != "" {
			// Its marking was never read: it stays at the highest level.
			_, err := tx.ExecContext(ctx, s.q(`UPDATE documents SET status = ?, error = ?, confidentiality = ?, updated_at = ? WHERE id = ?`),
				StatusFailed, rec.Error, UnknownSecrecy, stamp(s.now()), id)
			return err
		}
		own, err := s.improve(ctx, tx, id, agency, u, &rec, true)
		if err != nil {
			return err
		}
		review := s.needsReview(rec)
		status = StatusRegistered
		if len(review) > 0 {
			status = StatusReview
		}
		if err := s.saveRecord(ctx, tx, id, status, rec, review); err != nil {
			return err
		}
		r, err := s.file(ctx, tx, id, agency, u, rec, own, status)
		res.Incoming, res.Outgoing = r.Incoming, r.Outgoing
		if err == nil && res.Reread {
			_, err = tx.ExecContext(ctx, s.q(`UPDATE documents SET reindex = 1 WHERE id = ?`), id)
		}
		return err
	})
	if err != nil && !errors.Is(err, errDone) {
		return Result{}, fmt.Errorf("record %s: %w", u.Key, err)
	}
	d, err := s.byObject(ctx, s.db, u.Bucket, u.Key, u.ETag)
	if err != nil {
		return Result{}, err
	}
	res.Document = d
	if e, err := s.incomingOf(ctx, d.ID); err == nil {
		res.Incoming = &e
	} else if !errors.Is(err, sql.ErrNoRows) {
		return Result{}, err
	}
	var n int
	s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM outgoing WHERE document_id = ?`), d.ID).Scan(&n)
	res.Outgoing = n > 0
	return res, nil
}

// improve puts a fresh machine reading right with what the archive knows
// (the issuer's known names and numbers, the agency's type model, the
// signers it has seen, the day the document arrived), and says whether
// the agency issued it itself. With learn, the values read confidently
// are learnt (a first recording); a reread learns only once it has merged
// what people said.
func (s *Store) improve(ctx context.Context, tx *sql.Tx, id int64, agency string, u Upload, rec *doc.Record, learn bool) (own bool, err error) {
	// Whether the document is the agency's own is decided on the issuer
	// as read: a guess of the archive's must not file a letter received
	// in the outgoing register.
	own, err = s.issuedBy(ctx, tx, agency, rec.Issuer)
	if err != nil {
		return false, err
	}
	// Then the issuer is put right (its numbers are the neighbours).
	if err := s.snapIssuer(ctx, tx, id, agency, rec, learn); err != nil {
		return false, err
	}
	if err := s.proposeType(ctx, tx, id, agency, rec, learn); err != nil {
		return false, err
	}
	if cands := rec.Candidates["number"]; len(cands) > 1 {
		// A handwritten number: the issuer's other numbers of the year
		// rank its readings.
		ns, err := s.neighbours(ctx, tx, agency, own, *rec)
		if err != nil {
			return false, err
		}
		if best, p, ranked, ok := RankByNeighbours(cands, rec.IssuedAt, ns); ok {
			rec.Confidence = maps.Clone(rec.Confidence)
			rec.Candidates = maps.Clone(rec.Candidates)
			rec.Number, rec.Confidence["number"], rec.Candidates["number"] = best, min(handwrittenCap, p), ranked
		}
	}
	if cands := rec.Candidates["issued_at"]; len(cands) > 1 {
		// A handwritten day: not after the document arrived.
		if day, p, ok := DayByArrival(cands, rec.IssuedAt, u.At.In(vietnam).Format(time.DateOnly)); ok {
			rec.Confidence = maps.Clone(rec.Confidence)
			rec.IssuedAt, rec.Confidence["issued_at"] = day, min(handwrittenCap, p)
		}
	}
	return own, s.snapSigner(ctx, tx, id, agency, rec, learn)
}

// file writes what a newly recorded document makes: its line of the
// outgoing register (the agency issued it) or of the incoming one, its
// report, meeting and task records.
func (s *Store) file(ctx context.Context, tx *sql.Tx, id int64, agency string, u Upload, rec doc.Record, own bool, status string) (Result, error) {
	var res Result
	if own {
		res.Outgoing = true
		recips, _ := json.Marshal(nonNil(rec.Recipients))
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO outgoing (agency, year, document_id, number, symbol, issued_at, doc_type, subject, signer, recipients, registered_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), agency, yearOf(rec.IssuedAt, u.At), id, rec.Number, rec.Symbol, rec.IssuedAt,
			rec.DocType, rec.Subject, rec.Signer, string(recips), stamp(u.At)); err != nil {
			return res, fmt.Errorf("outgoing register: %w", err)
		}
	} else {
		unit := ""
		if len(rec.Tasks) > 0 {
			unit = rec.Tasks[0].Assignee
		}
		e, err := s.register(ctx, tx, Entry{Agency: agency, ArrivedAt: u.At, Bucket: u.Bucket, Key: u.Key, ETag: u.ETag, DocumentID: id,
			DocType: rec.DocType, Number: rec.Number, Symbol: rec.Symbol, Issuer: rec.Issuer, IssuedAt: rec.IssuedAt,
			Subject: rec.Subject, Signer: rec.Signer, Urgency: rec.Urgency, Confidentiality: SecrecyOf(rec.Confidentiality),
			ReceivingUnit: unit, Deadline: Deadline(rec, u.At), Status: status})
		if err != nil {
			return res, err
		}
		res.Incoming = &e
	}
	if err := s.insertDerived(ctx, tx, id, agency, u.At, rec); err != nil {
		return res, err
	}
	return res, s.insertTasks(ctx, tx, id, agency, rec)
}

// insertDerived writes the report record of a báo cáo and the meeting of a
// giấy mời, and links a thông báo kết luận to its meeting.
func (s *Store) insertDerived(ctx context.Context, tx *sql.Tx, id int64, agency string, arrived time.Time, rec doc.Record) error {
	switch rec.DocType {
	case "BC":
		regime, period := ReportPeriod(rec.Subject, rec.IssuedAt)
		due := ReportDue(regime, period)
		received := arrived.Format(time.DateOnly)
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO reports (id, agency, document_id, regime, period, reporting_agency, received_at, due, on_time)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`), newID(), agency, id, regime, period, rec.Issuer, received, due, boolInt(due == "" || received <= due)); err != nil {
			return fmt.Errorf("report record: %w", err)
		}
	case "GM":
		return s.meetingFromRecord(ctx, tx, id, agency, rec)
	case "TB":
		// A thông báo kết luận finds the meeting it concludes (meetings.go).
		return s.linkConclusion(ctx, tx, id, agency, rec)
	}
	return nil
}

// insertTasks writes a task record for each assignment of rec.
func (s *Store) insertTasks(ctx context.Context, tx *sql.Tx, id int64, agency string, rec doc.Record) error {
	for i, t := range rec.Tasks {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO tasks (id, agency, document_id, seq, assignee, task, due, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'open')`),
			newID(), agency, id, i+1, t.Assignee, t.Task, t.Due); err != nil {
			return fmt.Errorf("task record: %w", err)
		}
	}
	return nil
}

// errDone ends a transaction that finds its work done already.
var errDone = errors.New("already recorded")

func (s *Store) saveRecord(ctx context.Context, tx *sql.Tx, id int64, status string, rec doc.Record, review []string) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	rv, _ := json.Marshal(nonNil(review))
	_, err = tx.ExecContext(ctx, s.q(`UPDATE documents SET status = ?, error = '', doc_type = ?, confidentiality = ?, record = ?, review = ?, updated_at = ? WHERE id = ?`),
		status, rec.DocType, SecrecyOf(rec.Confidentiality), string(b), string(rv), stamp(s.now()), id)
	return err
}

// issuedBy: the issuer printed on the document is the agency itself.
func (s *Store) issuedBy(ctx context.Context, tx *sql.Tx, agency, issuer string) (bool, error) {
	if issuer == "" {
		return false, nil
	}
	var key string
	err := tx.QueryRowContext(ctx, s.q(`SELECT name_key FROM agencies WHERE code = ?`), agency).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil && key == nameKey(issuer), err
}

func nameKey(name string) string { return strings.Join(strings.Fields(viet.Fold(name)), " ") }

// Agency is an office whose documents the records keep.
type Agency struct{ Code, Name, Parent string }

// PutAgency adds or renames an agency. Its name is how the records tell
// the documents it issues (outgoing) from those it receives.
func (s *Store) PutAgency(ctx context.Context, a Agency) error {
	if a.Code == "" || a.Name == "" {
		return errors.New("an agency needs a code and a name")
	}
	_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO agencies (code, name, name_key, parent) VALUES (?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, name_key = excluded.name_key, parent = excluded.parent`),
		a.Code, a.Name, nameKey(a.Name), a.Parent)
	return err
}

const docColumns = `id, agency, bucket, key, etag, file, status, confidentiality, error, record, review, uploaded_by, created_at, updated_at`

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func scanDocument(row interface{ Scan(...any) error }) (Document, error) {
	var d Document
	var rec, review, created, updated string
	if err := row.Scan(&d.ID, &d.Agency, &d.Bucket, &d.Key, &d.ETag, &d.File, &d.Status, &d.Secrecy, &d.Error, &rec, &review, &d.UploadedBy, &created, &updated); err != nil {
		return Document{}, err
	}
	d.Record = doc.NewRecord(d.File)
	if err := json.Unmarshal([]byte(rec), &d.Record); err != nil {
		return Document{}, fmt.Errorf("document %d: record: %w", d.ID, err)
	}
	json.Unmarshal([]byte(review), &d.Review)
	d.CreatedAt, d.UpdatedAt = parseStamp(created), parseStamp(updated)
	return d, nil
}

func (s *Store) byObject(ctx context.Context, q queryer, bucket, key, etag string) (Document, error) {
	d, err := scanDocument(q.QueryRowContext(ctx, s.q(`SELECT `+docColumns+` FROM documents WHERE bucket = ? AND key = ? AND etag = ?`), bucket, key, etag))
	if errors.Is(err, sql.ErrNoRows) {
		return Document{}, ErrNotFound
	}
	return d, err
}

// DocumentByObject returns the document of one upload.
func (s *Store) DocumentByObject(ctx context.Context, bucket, key, etag string) (Document, error) {
	return s.byObject(ctx, s.db, bucket, key, etag)
}

// DocumentByID returns a document; access is the caller's to check
// (Reader.Document does).
func (s *Store) DocumentByID(ctx context.Context, id int64) (Document, error) {
	d, err := scanDocument(s.db.QueryRowContext(ctx, s.q(`SELECT `+docColumns+` FROM documents WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return Document{}, ErrNotFound
	}
	return d, err
}

func yearOf(issuedAt string, at time.Time) int {
	if t, err := time.Parse(time.DateOnly, issuedAt); err == nil {
		return t.Year()
	}
	return at.Year()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// fields are a record's register fields by their names in domain.md.
func fields(r doc.Record) map[string]string {
	return map[string]string{"doc_type": r.DocType, "number": r.Number, "symbol": r.Symbol, "issuer": r.Issuer, "issued_at": r.IssuedAt,
		"subject": r.Subject, "signer": r.Signer, "signer_title": r.SignerTitle, "urgency": r.Urgency, "confidentiality": r.Confidentiality,
		"meeting_time": r.MeetingTime, "meeting_place": r.MeetingPlace, "place": r.Place, "parent": r.Parent, "signing_authority": r.SigningAuthority}
}

// MarkReindex notes that a document's record is not in the search index
// as the records have it (a re-indexing failed): RepairIndex's work.
func (s *Store) MarkReindex(ctx context.Context, id int64) error {
	_, err := s.w.ExecContext(ctx, s.q(`UPDATE documents SET reindex = 1 WHERE id = ?`), id)
	return err
}

// MarkAllReindex marks every read document of the archive for
// re-indexing (vanthu admin reindex: a new search cluster, or a lost
// index, filled from the records) and says how many. A document still
// being read, or that could not be read, is left to the pipeline: its
// index stage puts it in when it is read.
func (s *Store) MarkAllReindex(ctx context.Context) (int64, error) {
	res, err := s.w.ExecContext(ctx, s.q(`UPDATE documents SET reindex = 1 WHERE status NOT IN (?, ?)`), StatusReceived, StatusFailed)
	if err != nil {
		return 0, fmt.Errorf("mark every document for re-indexing: %w", err)
	}
	return res.RowsAffected()
}

// PendingReindex lists up to limit documents marked for re-indexing.
func (s *Store) PendingReindex(ctx context.Context, limit int) ([]Document, error) {
	return s.queryDocuments(ctx, `SELECT `+docColumns+` FROM documents WHERE reindex = 1 ORDER BY created_at, id LIMIT ?`, limit)
}

// Reindexed clears the mark of a document indexed again, unless it was
// changed since updated (then it waits for the next pass).
func (s *Store) Reindexed(ctx context.Context, d Document) error {
	_, err := s.w.ExecContext(ctx, s.q(`UPDATE documents SET reindex = 0 WHERE id = ? AND updated_at = ?`), d.ID, stamp(d.UpdatedAt))
	return err
}
