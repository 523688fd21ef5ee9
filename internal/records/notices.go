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

// MarkNoticeRead records that the user read a notice that reached them.
func (s *Store) MarkNoticeRead(ctx context.Context, u User, id int64) error {
	ns, err := s.Notices(ctx, u, false, 500)
	if err != nil {
		return err
	}
	for _, n := range ns {
		if n.ID == id {
			_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO notice_reads (notice_id, user_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`),
				id, u.ID, s.now().UTC().Format(time.RFC3339))
			return err
		}
	}
	return ErrNotFound
}
