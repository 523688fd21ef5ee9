package records

import (
	"context"
	"database/sql"
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
// corrected keeps its value, and an approved document keeps all its
// fields (a person vouched for each) — the new reading brings only its
// text, pages and the fields nobody touched. The arrival number, the
// register the document is in and its task records once someone acted on
// one stay as they are. A reading that failed where the former one did
// not changes nothing. Nothing is learnt (only people teach); what the
// archive learnt from a value that changed is taken back. The search
// index is told through the reindex mark.
func (s *Store) reread(ctx context.Context, tx *sql.Tx, id int64, u Upload, rec doc.Record) error {
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE documents SET reread = 0 WHERE id = ?`), id); err != nil {
		return err
	}
	if rec.Error != "" {
		return nil
	}
	d, err := s.byObject(ctx, tx, u.Bucket, u.Key, u.ETag)
	if err != nil {
		return err
	}
	u.At = d.CreatedAt // the day it arrived bounds a handwritten day
	if _, err := s.improve(ctx, tx, id, d.Agency, u, &rec); err != nil {
		return err
	}
	held, err := s.heldFields(ctx, tx, d)
	if err != nil {
		return err
	}
	was := fields(d.Record)
	rec.Confidence = maps.Clone(rec.Confidence)
	rec.Evidence = maps.Clone(rec.Evidence)
	rec.Candidates = maps.Clone(rec.Candidates)
	if rec.Confidence == nil {
		rec.Confidence = map[string]float64{}
	}
	for _, f := range held {
		setField(&rec, f, was[f])
		if c, ok := d.Record.Confidence[f]; ok {
			rec.Confidence[f] = c
		} else {
			delete(rec.Confidence, f)
		}
		if e, ok := d.Record.Evidence[f]; ok && rec.Evidence != nil {
			rec.Evidence[f] = e
		} else {
			delete(rec.Evidence, f)
		}
		delete(rec.Candidates, f) // a person decided
	}
	status, review := d.Status, []string(nil)
	if status != StatusApproved {
		review = slices.DeleteFunc(s.needsReview(rec), func(f string) bool { return slices.Contains(held, f) })
		status = StatusRegistered
		if len(review) > 0 {
			status = StatusReview
		}
	}
	if err := s.saveRecord(ctx, tx, id, status, rec, review); err != nil {
		return err
	}
	if err := s.forget(ctx, tx, d, rec); err != nil {
		return err
	}
	if err := s.syncRegisters(ctx, tx, id, rec, status, nil); err != nil {
		return err
	}
	var acted int
	if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM tasks WHERE document_id = ? AND status <> 'open'`), id).Scan(&acted); err != nil {
		return err
	}
	if acted == 0 {
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM tasks WHERE document_id = ?`), id); err != nil {
			return err
		}
		if err := s.insertTasks(ctx, tx, id, d.Agency, rec); err != nil {
			return err
		}
	}
	now := fields(rec)
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

// MachineName is the author of the history rows the machine writes.
const MachineName = "vanthu"

// heldFields are the record fields of d a person answers for: all of an
// approved document's, else those a person corrected.
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

// forget takes back what the archive learnt from d's values that a new
// reading changed, and all of it when the document is now secret.
func (s *Store) forget(ctx context.Context, tx *sql.Tx, d Document, rec doc.Record) error {
	nowSecret := SecrecyOf(rec.Confidentiality) != ""
	for _, k := range learners(s) {
		if k.changed(d.Record, rec) || nowSecret {
			if err := s.unlearnOnce(ctx, tx, d.ID, d.Agency, k.field, d.Record, k.unlearn); err != nil {
				return err
			}
		}
	}
	return nil
}
