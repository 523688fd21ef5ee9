package records

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Notice is what the app tells a person: an invitation, a changed
// meeting, a report due. It is addressed to one user, or to every
// account of an agency (UserID 0); a notice about a secret document
// carries its level and reaches only those cleared for it. Channels
// beyond the app (e-mail, Zalo) deliver from the same rows.
type Notice struct {
	ID        int64  `json:"id"`
	Agency    string `json:"agency"`
	UserID    int64  `json:"user_id,omitempty"`
	Kind      string `json:"kind"` // invitation, meeting_changed, meeting_reminder, report_due, report_overdue, …
	Subject   string `json:"subject"`
	Body      string `json:"body"`
	Link      string `json:"link,omitempty"` // the screen it opens, e.g. "#/cuoc-hop/12"
	Secrecy   string `json:"-"`
	CreatedAt string `json:"created_at"`
	Read      bool   `json:"read"`
	// Dedupe names the event the notice tells of: a second notice with
	// the same key is the same one (a retried reminder sends nothing).
	Dedupe string `json:"-"`
}

// execer is the store's writer or a transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// addNotice writes a notice once per Dedupe key; it reports whether
// this call wrote it. ex is the store's writer or the transaction the
// notice belongs to.
func (s *Store) addNotice(ctx context.Context, ex execer, n Notice) (bool, error) {
	if n.Agency == "" || n.Dedupe == "" {
		return false, fmt.Errorf("notice %q: agency and key required", n.Kind)
	}
	res, err := ex.ExecContext(ctx, s.q(`INSERT INTO notices (id, agency, user_id, kind, subject, body, link, secrecy, dedupe, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe) DO NOTHING`),
		newID(), n.Agency, n.UserID, n.Kind, truncate(n.Subject, 300), truncate(n.Body, 2000), n.Link, n.Secrecy, truncate(n.Dedupe, 300),
		s.now().UTC().Format(time.RFC3339))
	if err != nil {
		return false, fmt.Errorf("notice %s: %w", n.Kind, err)
	}
	k, _ := res.RowsAffected()
	return k == 1, nil
}

// Notices lists what the user was told, newest first: notices to them
// and to their agency, within their clearance.
func (s *Store) Notices(ctx context.Context, u User, unreadOnly bool, limit int) ([]Notice, error) {
	if u.ID == 0 || u.Disabled {
		return nil, ErrNotFound
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	c, args := readable("secrecy", u.Cleared())
	cond := ""
	if unreadOnly {
		cond = " AND r.notice_id IS NULL"
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT n.id, n.agency, n.user_id, n.kind, n.subject, n.body, n.link, n.created_at, r.notice_id IS NOT NULL
		FROM notices n LEFT JOIN notice_reads r ON r.notice_id = n.id AND r.user_id = ?
		WHERE n.agency = ? AND n.user_id IN (0, ?) AND n.`+c+cond+` ORDER BY n.created_at DESC, n.id DESC LIMIT ?`),
		append(append([]any{u.ID, u.Agency, u.ID}, args...), limit)...)
	if err != nil {
		return nil, fmt.Errorf("notices: %w", err)
	}
	defer rows.Close()
	out := []Notice{}
	for rows.Next() {
		var n Notice
		if err := rows.Scan(&n.ID, &n.Agency, &n.UserID, &n.Kind, &n.Subject, &n.Body, &n.Link, &n.CreatedAt, &n.Read); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// MarkNoticeRead records that the user read a notice that reached them:
// looked up by its id with the reach Notices lists by (their agency, to
// them or to all of it, within their clearance), so an old notice is
// marked as well as a new one. Any other is not found.
func (s *Store) MarkNoticeRead(ctx context.Context, u User, id int64) error {
	if u.ID == 0 || u.Disabled {
		return ErrNotFound
	}
	c, args := readable("secrecy", u.Cleared())
	var n int
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM notices WHERE id = ? AND agency = ? AND user_id IN (0, ?) AND `+c),
		append([]any{id, u.Agency, u.ID}, args...)...).Scan(&n); err != nil {
		return fmt.Errorf("notice %d: %w", id, err)
	}
	if n == 0 {
		return ErrNotFound
	}
	_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO notice_reads (notice_id, user_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`),
		id, u.ID, s.now().UTC().Format(time.RFC3339))
	return err
}

// Outbox: notices go beyond the app (e-mail, Zalo) through one row per
// notice, channel and person. A row is claimed (status sending) in its
// own write before anything is sent, so a crash mid-send leaves it
// claimed, and a claimed row is never sent again: at most once, never
// twice. A failure that may pass waits and is tried again, the wait
// doubling; a refusal (a bad address) or the last try ends it failed.
// A secret notice never leaves the app: no channel beyond it is cleared.
const (
	OutboxPending = "pending"
	OutboxSending = "sending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
	// OutboxTries bounds the tries of one delivery.
	OutboxTries = 6
	// outboxLease is how long a claimed row may stay unanswered before it
	// is taken for a crash during its send and ended, not sent again.
	outboxLease = 10 * time.Minute
)

// NoticeDelivery is one notice to send to one person over one channel.
type NoticeDelivery struct {
	ID       int64
	Channel  string
	Address  string // the e-mail address or Zalo number
	UserName string
	Attempts int // this one included
	Notice   Notice
}

// channelAddress is where a channel reaches u ("" nowhere).
func channelAddress(u User, channel string) string {
	switch channel {
	case "email":
		return u.Email
	case "zalo":
		return u.ZaloID
	}
	return ""
}

// FanOutNotices puts up to limit notices not fanned out yet into the
// outbox: one row for each channel named and each person the notice
// reaches there (a notice to an agency: every active account of it
// cleared for it). Idempotent: a row is made once.
func (s *Store) FanOutNotices(ctx context.Context, channels []string, limit int) (int, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, agency, user_id, secrecy FROM notices WHERE fanned = 0 ORDER BY created_at, id LIMIT ?`), max(1, min(limit, 1000)))
	if err != nil {
		return 0, fmt.Errorf("fan out notices: %w", err)
	}
	type pending struct {
		id      int64
		agency  string
		user    int64
		secrecy string
	}
	var ns []pending
	for rows.Next() {
		var p pending
		if err := rows.Scan(&p.id, &p.agency, &p.user, &p.secrecy); err != nil {
			rows.Close()
			return 0, err
		}
		ns = append(ns, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	made := 0
	for _, p := range ns {
		var us []User
		if p.secrecy == "" && len(channels) > 0 {
			if us, err = s.noticeRecipients(ctx, p.agency, p.user); err != nil {
				return made, err
			}
		}
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			now := stamp(s.now())
			for _, u := range us {
				for _, ch := range channels {
					addr := channelAddress(u, ch)
					if addr == "" {
						continue
					}
					res, err := tx.ExecContext(ctx, s.q(`INSERT INTO outbox (id, notice_id, channel, user_id, address, status, next_at, created_at)
						VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (notice_id, channel, user_id) DO NOTHING`), newID(), p.id, ch, u.ID, truncate(addr, 300), OutboxPending, now, now)
					if err != nil {
						return err
					}
					if k, _ := res.RowsAffected(); k == 1 {
						made++
					}
				}
			}
			_, err := tx.ExecContext(ctx, s.q(`UPDATE notices SET fanned = 1 WHERE id = ?`), p.id)
			return err
		})
		if err != nil {
			return made, fmt.Errorf("fan out notice %d: %w", p.id, err)
		}
	}
	return made, nil
}

// noticeRecipients are the active accounts a notice reaches.
func (s *Store) noticeRecipients(ctx context.Context, agency string, user int64) ([]User, error) {
	q, args := `SELECT id, name, agency, email, zalo_id FROM users WHERE disabled = 0 AND agency = ?`, []any{agency}
	if user != 0 {
		q, args = q+` AND id = ?`, append(args, user)
	}
	rows, err := s.db.QueryContext(ctx, s.q(q+` ORDER BY id LIMIT 500`), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Name, &u.Agency, &u.Email, &u.ZaloID); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// ClaimDeliveries claims up to limit deliveries due at now and returns
// them; first it ends those a crash left claimed past their lease.
func (s *Store) ClaimDeliveries(ctx context.Context, now time.Time, limit int) ([]NoticeDelivery, error) {
	if _, err := s.w.ExecContext(ctx, s.q(`UPDATE outbox SET status = ?, last_error = ? WHERE status = ? AND claimed_at < ?`),
		OutboxFailed, "interrupted while sending: not sent again, it may or may not have gone out", OutboxSending, stamp(now.Add(-outboxLease))); err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT o.id FROM outbox o WHERE o.status = ? AND o.next_at <= ? ORDER BY o.next_at, o.id LIMIT ?`),
		OutboxPending, stamp(now), max(1, min(limit, 500)))
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []NoticeDelivery
	for _, id := range ids {
		res, err := s.w.ExecContext(ctx, s.q(`UPDATE outbox SET status = ?, claimed_at = ?, attempts = attempts + 1 WHERE id = ? AND status = ?`),
			OutboxSending, stamp(now), id, OutboxPending)
		if err != nil {
			return out, fmt.Errorf("outbox: %w", err)
		}
		if k, _ := res.RowsAffected(); k != 1 {
			continue // another process claimed it
		}
		var d NoticeDelivery
		var created string
		err = s.db.QueryRowContext(ctx, s.q(`SELECT o.id, o.channel, o.address, o.attempts, COALESCE(u.name, ''), n.id, n.agency, n.user_id, n.kind, n.subject, n.body, n.link, n.created_at
			FROM outbox o JOIN notices n ON n.id = o.notice_id LEFT JOIN users u ON u.id = o.user_id WHERE o.id = ?`), id).
			Scan(&d.ID, &d.Channel, &d.Address, &d.Attempts, &d.UserName, &d.Notice.ID, &d.Notice.Agency, &d.Notice.UserID, &d.Notice.Kind,
				&d.Notice.Subject, &d.Notice.Body, &d.Notice.Link, &created)
		if err != nil {
			return out, fmt.Errorf("outbox %d: %w", id, err)
		}
		d.Notice.CreatedAt = created
		out = append(out, d)
	}
	return out, nil
}

// FinishDelivery records how a claimed delivery went: sent (sendErr
// nil), failed for good (final, or its last try), or to be tried again
// after backoff doubled for each try made.
func (s *Store) FinishDelivery(ctx context.Context, d NoticeDelivery, now time.Time, sendErr error, final bool, backoff time.Duration) error {
	var err error
	switch {
	case sendErr == nil:
		_, err = s.w.ExecContext(ctx, s.q(`UPDATE outbox SET status = ?, sent_at = ?, last_error = '' WHERE id = ? AND status = ?`), OutboxSent, stamp(now), d.ID, OutboxSending)
	case final || d.Attempts >= OutboxTries:
		_, err = s.w.ExecContext(ctx, s.q(`UPDATE outbox SET status = ?, last_error = ? WHERE id = ? AND status = ?`), OutboxFailed, truncate(sendErr.Error(), 500), d.ID, OutboxSending)
	default:
		wait := min(backoff<<min(max(d.Attempts-1, 0), 16), 6*time.Hour)
		_, err = s.w.ExecContext(ctx, s.q(`UPDATE outbox SET status = ?, next_at = ?, last_error = ? WHERE id = ? AND status = ?`),
			OutboxPending, stamp(now.Add(wait)), truncate(sendErr.Error(), 500), d.ID, OutboxSending)
	}
	if err != nil {
		return fmt.Errorf("outbox %d: %w", d.ID, err)
	}
	return nil
}

// OutboxRow is a delivery's state, for an operator and the tests.
type OutboxRow struct {
	NoticeID          int64
	Channel, Address  string
	Status, LastError string
	Attempts          int
}

// Outbox lists the deliveries of a notice.
func (s *Store) Outbox(ctx context.Context, noticeID int64) ([]OutboxRow, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT notice_id, channel, address, status, last_error, attempts FROM outbox WHERE notice_id = ? ORDER BY channel, user_id`), noticeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []OutboxRow{}
	for rows.Next() {
		var r OutboxRow
		if err := rows.Scan(&r.NoticeID, &r.Channel, &r.Address, &r.Status, &r.LastError, &r.Attempts); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
