package records

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Electronic exchange between agencies: an outgoing document sent to
// others, each receiver's status (received, assigned, in progress, done,
// refused with its reason) flowing back to the sender's copy.

// Exchange is one receiver of a document sent.
type Exchange struct {
	SenderDocument   int64
	SenderAgency     string
	ReceiverAgency   string
	ReceiverDocument int64
	Status           string // received, assigned, in_progress, done, refused
	Reason           string
	SentBy           string
	SentAt           time.Time
	UpdatedAt        time.Time
}

// IsOutgoing says whether a document is in its agency's outgoing register
// (the agency issued it: it may send it).
func (s *Store) IsOutgoing(ctx context.Context, id int64) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM outgoing WHERE document_id = ?`), id).Scan(&n)
	return n > 0, err
}

// RecordSent notes that a document went to receiver, which registered it
// as receiverDoc (idempotent: sending again to the same agency keeps one
// row).
func (s *Store) RecordSent(ctx context.Context, u User, senderDoc int64, receiver string, receiverDoc int64) error {
	now := caseStamp(s.now())
	_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO exchanges (id, sender_document, sender_agency, receiver_agency, receiver_document, status, sent_by, sent_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 'received', ?, ?, ?) ON CONFLICT (sender_document, receiver_agency) DO NOTHING`),
		newID(), senderDoc, u.Agency, receiver, receiverDoc, u.Name, now, now)
	return err
}

// Exchanges are the receivers of a document u may read, with their status.
func (s *Store) Exchanges(ctx context.Context, u User, senderDoc int64) ([]Exchange, error) {
	if _, err := s.DocumentFor(ctx, u, senderDoc); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT sender_document, sender_agency, receiver_agency, receiver_document, status, reason, sent_by, sent_at, updated_at
		FROM exchanges WHERE sender_document = ? AND sender_agency = ? ORDER BY receiver_agency`), senderDoc, u.Agency)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Exchange{}
	for rows.Next() {
		var e Exchange
		var sent, updated string
		if err := rows.Scan(&e.SenderDocument, &e.SenderAgency, &e.ReceiverAgency, &e.ReceiverDocument, &e.Status, &e.Reason, &e.SentBy, &sent, &updated); err != nil {
			return nil, err
		}
		e.SentAt, e.UpdatedAt = parseStamp(sent), parseStamp(updated)
		out = append(out, e)
	}
	return out, rows.Err()
}

// exchangeStatus tells the sender of a document received electronically
// what its receiver did with it (a no-op for a document that was not).
func (s *Store) exchangeStatus(ctx context.Context, q interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, receiverDoc int64, status, reason string) error {
	_, err := q.ExecContext(ctx, s.q(`UPDATE exchanges SET status = ?, reason = ?, updated_at = ? WHERE receiver_document = ? AND status <> 'refused'`),
		status, truncate(reason, 1000), caseStamp(s.now()), receiverDoc)
	return err
}

// Refuse sends a document received electronically back: its sender sees
// it refused, with the reason. A clerk or leader of the receiver refuses.
func (s *Store) Refuse(ctx context.Context, u User, id int64, reason string) error {
	if u.Role != RoleClerk && u.Role != RoleLeader {
		return ErrForbidden
	}
	reason = strings.TrimSpace(cleanText(reason))
	if !visible(reason) || utf8.RuneCountInString(reason) > 1000 {
		return fmt.Errorf("%w: a refusal needs a reason (at most 1,000 characters)", ErrInvalid)
	}
	if _, err := s.DocumentFor(ctx, u, id); err != nil {
		return err
	}
	var n int
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM exchanges WHERE receiver_document = ?`), id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%w: document %d was not received electronically: there is no sender to refuse it to", ErrInvalid, id)
	}
	return s.exchangeStatus(ctx, s.w, id, "refused", reason)
}

// SetExchangeStatus takes a status packet's word for a document sent
// (between installations): the receiver (by agency code) did status.
func (s *Store) SetExchangeStatus(ctx context.Context, senderDoc int64, receiver, status, reason string) error {
	switch status {
	case "received", "assigned", "in_progress", "done", "refused":
	default:
		return fmt.Errorf("%w: status %q", ErrInvalid, truncate(status, 20))
	}
	// A document sent as a file (not through /send) has no row yet: its
	// receiver's first status makes one.
	var agency string
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT agency FROM documents WHERE id = ?`), senderDoc).Scan(&agency); err != nil {
		return ErrNotFound
	}
	now := caseStamp(s.now())
	_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO exchanges (id, sender_document, sender_agency, receiver_agency, status, reason, sent_by, sent_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, '', ?, ?) ON CONFLICT (sender_document, receiver_agency) DO UPDATE SET status = excluded.status, reason = excluded.reason,
		updated_at = excluded.updated_at`), newID(), senderDoc, agency, receiver, status, truncate(cleanText(reason), 1000), now, now)
	return err
}
