package records

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/vanthu/vanthu/pipelines/doc"
)

// MarkReread marks the document of an upload whose stages run again
// (vanthu reprocess): its next record is a new machine reading, merged
// by reread instead of being ignored as a redelivery. Documents never
// recorded are not marked (they are recorded as new). It says whether a
// document was marked.
func (s *Store) MarkReread(ctx context.Context, bucket, key, etag string) (bool, error) {
	r, err := s.w.ExecContext(ctx, s.q(`UPDATE documents SET reread = 1 WHERE bucket = ? AND key = ? AND etag = ? AND status <> ?`),
		bucket, key, etag, StatusReceived)
	if err != nil {
		return false, fmt.Errorf("mark %s for reading again: %w", key, err)
	}
	n, _ := r.RowsAffected()
	return n > 0, nil
}

// reread merges a new machine reading into a recorded document. A
// person's word always wins over the machine's: every field a person
// corrected or confirmed keeps its value, and an approved document keeps
// all its fields (a person vouched for each) — the new reading brings only
// its text, pages and the fields nobody touched. The register line keeps
// its arrival number and its book: a new reading never lowers a
// document's secrecy (a higher level is taken at once, and a person moves
// the line to the secret book), and a number that would make it (or stop
// it being) a copy of another line is not taken but put to review. The task records stay when someone
// acted on one or they did not change; a report or meeting record follows
// the type. A reading that failed where the former one did not changes
// nothing (the mark stays, for a later reading). What the archive learnt
// from this document is kept true to the merged record (taken back where
// it changed, nothing learnt from a secret one). The search index is told
// through the reindex mark.
func (s *Store) reread(ctx context.Context, tx *sql.Tx, id int64, u Upload, rec doc.Record) error {
	if rec.Error != "" {
		return nil
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE documents SET reread = 0 WHERE id = ?`), id); err != nil {
		return err
	}
	d, err := s.byObject(ctx, tx, u.Bucket, u.Key, u.ETag)
	if err != nil {
		return err
	}
	u.At = d.CreatedAt // the day it arrived bounds a handwritten day
	if _, err := s.improve(ctx, tx, id, d.Agency, u, &rec, false); err != nil {
		return err
	}
	held, err := s.heldFields(ctx, tx, d)
	if err != nil {
		return err
	}
	var review []string
	line, err := s.lineOf(ctx, tx, id)
	if err != nil {
		return err
	}
	held, review = s.guardRegister(ctx, tx, d, rec, line, held)
	keep(&rec, d.Record, held)
	status := d.Status
	if status != StatusApproved {
		for _, f := range s.needsReview(rec) {
			if !slices.Contains(held, f) && !slices.Contains(review, f) {
				review = append(review, f)
			}
		}
		slices.Sort(review)
		status = StatusRegistered
		if len(review) > 0 {
			status = StatusReview
		}
	} else {
		review = nil
	}
	if err := s.saveRecord(ctx, tx, id, status, rec, review); err != nil {
		return err
	}
	if err := s.relearnReading(ctx, tx, d, rec); err != nil {
		return err
	}
	if err := s.syncRegisters(ctx, tx, id, rec, status, nil); err != nil {
		return err
	}
	if line != nil {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE incoming SET dedupe_key = ? WHERE id = ?`), dedupeKey(entryOf(d.Agency, rec)), line.id); err != nil {
			return err
		}
	}
	if err := s.rederive(ctx, tx, d, rec); err != nil {
		return err
	}
	if err := s.retask(ctx, tx, d, rec); err != nil {
		return err
	}
	was, now := fields(d.Record), fields(rec)
	var changed []string
	for _, f := range Correctable {
		if f != "receiving_unit" && was[f] != now[f] {
			changed = append(changed, f)
		}
	}
	// The document's history says it was read again, and what moved.
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO corrections (document_id, field, old, new, confidence, user_name, at) VALUES (?, 'reading', '', ?, 1, ?, ?)`),
		id, strings.Join(changed, ", "), MachineName, stamp(s.now())); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, s.q(`UPDATE documents SET reindex = 1 WHERE id = ?`), id)
	return err
}

// keep puts back into rec the values of old's held fields, with their
// confidence and evidence; their candidates go (a person decided).
func keep(rec *doc.Record, old doc.Record, held []string) {
	was := fields(old)
	rec.Confidence = maps.Clone(rec.Confidence)
	rec.Evidence = maps.Clone(rec.Evidence)
	rec.Candidates = maps.Clone(rec.Candidates)
	if rec.Confidence == nil {
		rec.Confidence = map[string]float64{}
	}
	for _, f := range held {
		setField(rec, f, was[f])
		if c, ok := old.Confidence[f]; ok {
			rec.Confidence[f] = c
		} else {
			delete(rec.Confidence, f)
		}
		if e, ok := old.Evidence[f]; ok && rec.Evidence != nil {
			rec.Evidence[f] = e
		} else {
			delete(rec.Evidence, f)
		}
		delete(rec.Candidates, f)
	}
}

// incomingLine is what a reread needs of a document's incoming line.
type incomingLine struct {
	id, duplicateOf int64
	book, key       string
	copies          int // lines linked to it as its duplicates
}

func (s *Store) lineOf(ctx context.Context, tx *sql.Tx, id int64) (*incomingLine, error) {
	var l incomingLine
	var dup sql.NullInt64
	err := tx.QueryRowContext(ctx, s.q(`SELECT id, book, dedupe_key, duplicate_of FROM incoming WHERE document_id = ?`), id).Scan(&l.id, &l.book, &l.key, &dup)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil // the agency's own: in the outgoing register
	}
	if err != nil {
		return nil, err
	}
	l.duplicateOf = dup.Int64
	if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM incoming WHERE duplicate_of = ?`), l.id).Scan(&l.copies); err != nil {
		return nil, err
	}
	return &l, nil
}

func entryOf(agency string, rec doc.Record) Entry {
	return Entry{Agency: agency, Number: rec.Number, Symbol: rec.Symbol, Issuer: rec.Issuer}
}

// levelRank orders secrecy levels, "" (none) lowest.
func levelRank(l string) int { return slices.Index(Levels, l) }

// guardRegister holds what a new reading may not change by itself, and
// says which fields go to review for it: the secrecy level when it would
// fall (one that rises is taken, and reviewed when the line is in the
// ordinary book), and number, symbol and issuer
// when they would make the line a copy of another, or stop a copy (or a
// line with copies) being one.
func (s *Store) guardRegister(ctx context.Context, tx *sql.Tx, d Document, rec doc.Record, line *incomingLine, held []string) (_ []string, review []string) {
	hold := func(fs ...string) {
		for _, f := range fs {
			if !slices.Contains(held, f) {
				held = append(held, f)
				review = append(review, f)
			}
		}
	}
	if !slices.Contains(held, "confidentiality") {
		switch was, now := d.Secrecy, SecrecyOf(rec.Confidentiality); {
		case levelRank(now) < levelRank(was):
			hold("confidentiality") // never lowered by a machine
		case was == "" && now != "":
			// Kept under the higher level at once; its line is in the
			// ordinary book, which a person puts right.
			review = append(review, "confidentiality")
		}
	}
	if line == nil {
		return held, review
	}
	merged := rec
	keep(&merged, d.Record, held)
	key := dedupeKey(entryOf(d.Agency, merged))
	if key == line.key {
		return held, review
	}
	collides := false
	if key != "" {
		var n int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM incoming WHERE agency = ? AND book = ? AND dedupe_key = ? AND id <> ?`),
			d.Agency, line.book, key, line.id).Scan(&n); err == nil {
			collides = n > 0
		} else {
			collides = true // unsure: a person looks
		}
	}
	if line.duplicateOf != 0 || line.copies > 0 || collides {
		hold("number", "symbol", "issuer")
	}
	return held, review
}

// relearnReading keeps what the archive learnt from d true to the merged
// reading: a value that changed (for the type, the words it was learnt
// from) is taken back, everything when the document is now secret; then
// what a first recording would learn of the merged record is learnt, once.
func (s *Store) relearnReading(ctx context.Context, tx *sql.Tx, d Document, rec doc.Record) error {
	nowSecret := SecrecyOf(rec.Confidentiality) != ""
	for _, k := range learners(s) {
		changed := k.changed(d.Record, rec) || k.field == "doc_type" && !slices.Equal(TypeFeatures(d.Record), TypeFeatures(rec))
		if changed || nowSecret {
			if err := s.unlearnOnce(ctx, tx, d.ID, d.Agency, k.field, d.Record, k.unlearn); err != nil {
				return err
			}
		}
		if !nowSecret && rec.Confidence[k.field] >= knownConf {
			if err := s.learnOnce(ctx, tx, d.ID, d.Agency, k.field, rec, k.learn); err != nil {
				return err
			}
		}
	}
	return nil
}

// rederive makes the report and meeting records follow the type: made
// when the new reading's type has one, removed when it no longer has.
func (s *Store) rederive(ctx context.Context, tx *sql.Tx, d Document, rec doc.Record) error {
	if d.Record.DocType == rec.DocType {
		return nil
	}
	for typ, table := range map[string]string{"BC": "reports", "GM": "meetings"} {
		if d.Record.DocType == typ {
			if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM `+table+` WHERE document_id = ?`), d.ID); err != nil {
				return err
			}
		}
	}
	return s.insertDerived(ctx, tx, d.ID, d.Agency, d.CreatedAt, rec)
}

// retask replaces the document's task records with the new reading's,
// unless they are the same or someone acted on one (their ids and status
// are a person's work then). The tasks are locked first: a task marked
// done meanwhile is not deleted.
func (s *Store) retask(ctx context.Context, tx *sql.Tx, d Document, rec doc.Record) error {
	rows, err := tx.QueryContext(ctx, s.q(`SELECT assignee, task, due, status FROM tasks WHERE document_id = ? ORDER BY seq`+s.forUpdate()), d.ID)
	if err != nil {
		return err
	}
	var had []doc.Task
	acted := false
	for rows.Next() {
		var t doc.Task
		var status string
		if err := rows.Scan(&t.Assignee, &t.Task, &t.Due, &status); err != nil {
			rows.Close()
			return err
		}
		had = append(had, t)
		acted = acted || status != "open"
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if acted || slices.Equal(had, rec.Tasks) || len(had) == 0 && len(rec.Tasks) == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM tasks WHERE document_id = ? AND status = 'open'`), d.ID); err != nil {
		return err
	}
	return s.insertTasks(ctx, tx, d.ID, d.Agency, rec)
}

// MachineName is the author of the history rows the machine writes: no
// account can have it (a name is never empty), so no person's correction
// is ever taken for the machine's.
const MachineName = ""

// heldFields are the record fields of d a person answers for: all of an
// approved document's, else those a person corrected or confirmed.
func (s *Store) heldFields(ctx context.Context, tx *sql.Tx, d Document) ([]string, error) {
	var out []string
	if d.Status == StatusApproved {
		for _, f := range Correctable {
			if f != "receiving_unit" {
				out = append(out, f)
			}
		}
		return out, nil
	}
	rows, err := tx.QueryContext(ctx, s.q(`SELECT DISTINCT field FROM corrections WHERE document_id = ? AND user_name <> ?`), d.ID, MachineName)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			return nil, err
		}
		if f != "receiving_unit" && slices.Contains(Correctable, f) {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return out, rows.Err()
}
