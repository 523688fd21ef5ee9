package records

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The data-sharing hub: other systems hold API keys (per system, scoped to
// an agency, read or write, revocable, kept hashed) and subscriptions — a
// URL and the event types it wants — and receive each event as a signed
// CloudEvent, retried with backoff, with a dead-letter list to replay.

// Hub event types.
const (
	HubDocumentRegistered = "vn.vanthu.document.registered"
	HubStatusChanged      = "vn.vanthu.document.status_changed"
	HubTaskOverdue        = "vn.vanthu.task.overdue"
	HubCaseAnswered       = "vn.vanthu.feedback.answered"
)

// HubTypes are the event types a system may subscribe to.
var HubTypes = []string{HubDocumentRegistered, HubStatusChanged, HubTaskOverdue, HubCaseAnswered}

// APIKey is a system's key (its secret shown once, at creation).
type APIKey struct {
	ID                    int64
	System, Agency, Scope string // scope: read or write
	CreatedBy             string
	CreatedAt, RevokedAt  time.Time
}

// CreateAPIKey makes a key for a system of the admin's agency, and
// returns it with its secret (never stored: only its hash).
func (s *Store) CreateAPIKey(ctx context.Context, u User, system, scope string) (APIKey, string, error) {
	if u.Role != RoleAdmin {
		return APIKey{}, "", ErrForbidden
	}
	system = strings.TrimSpace(cleanText(system))
	if system == "" || utf8.RuneCountInString(system) > 100 || scope != "read" && scope != "write" {
		return APIKey{}, "", fmt.Errorf("%w: a system name (1 to 100 characters) and a scope, read or write", ErrInvalid)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return APIKey{}, "", err
	}
	secret := "vk_" + base64.RawURLEncoding.EncodeToString(b)
	k := APIKey{ID: newID(), System: system, Agency: u.Agency, Scope: scope, CreatedBy: u.Name, CreatedAt: s.now()}
	_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO api_keys (id, system, hash, agency, scope, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
		k.ID, k.System, tokenHash(secret), k.Agency, k.Scope, k.CreatedBy, caseStamp(k.CreatedAt))
	return k, secret, err
}

// APIKeys are the admin's agency's keys.
func (s *Store) APIKeys(ctx context.Context, u User) ([]APIKey, error) {
	if u.Role != RoleAdmin {
		return nil, ErrForbidden
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, system, agency, scope, created_by, created_at, revoked_at FROM api_keys WHERE agency = ? ORDER BY created_at`), u.Agency)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []APIKey{}
	for rows.Next() {
		var k APIKey
		var c, r string
		if err := rows.Scan(&k.ID, &k.System, &k.Agency, &k.Scope, &k.CreatedBy, &c, &r); err != nil {
			return nil, err
		}
		k.CreatedAt = parseStamp(c)
		if r != "" {
			k.RevokedAt = parseStamp(r)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeAPIKey ends a key of the admin's agency, and its subscriptions.
func (s *Store) RevokeAPIKey(ctx context.Context, u User, id int64) error {
	if u.Role != RoleAdmin {
		return ErrForbidden
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, s.q(`UPDATE api_keys SET revoked_at = ? WHERE id = ? AND agency = ? AND revoked_at = ''`), caseStamp(s.now()), id, u.Agency)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE subscriptions SET active = 0 WHERE key_id = ?`), id)
		return err
	})
}

// UserByAPIKey is the system a live key belongs to, as a user of its
// agency: a read key reads as staff does, a write key acts as a clerk.
// Its clearance is none: a system never sees a secret document.
func (s *Store) UserByAPIKey(ctx context.Context, secret string) (User, int64, error) {
	var id int64
	var system, agency, scope string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT id, system, agency, scope FROM api_keys WHERE hash = ? AND revoked_at = ''`), tokenHash(secret)).
		Scan(&id, &system, &agency, &scope)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, 0, ErrNotFound
	}
	if err != nil {
		return User{}, 0, err
	}
	role := RoleStaff
	if scope == "write" {
		role = RoleClerk
	}
	return User{ID: -id, Name: "system:" + system, Role: role, Agency: agency}, id, nil
}

// Subscription is a system's wish to hear of events.
type Subscription struct {
	ID        int64
	KeyID     int64
	Agency    string
	URL       string
	Types     []string
	CreatedAt time.Time
	Active    bool
}

// checkHookURL: https, or http on a loopback address (a system beside
// Vanthu); no credentials in it.
func checkHookURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || len(raw) > 2000 || u.User != nil {
		return fmt.Errorf("%w: %q is no URL to send to", ErrInvalid, truncate(raw, 60))
	}
	host := u.Hostname()
	loopback := host == "localhost"
	if ip := net.ParseIP(host); ip != nil {
		loopback = ip.IsLoopback()
		if !loopback && !PublicIP(ip) {
			return fmt.Errorf("%w: a subscription URL must not point into a private network", ErrInvalid)
		}
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && loopback) {
		return fmt.Errorf("%w: a subscription URL must be https (http only on loopback)", ErrInvalid)
	}
	return nil
}

// Subscribe registers keyID's URL for event types, and returns the secret
// its deliveries are signed with (shown once).
func (s *Store) Subscribe(ctx context.Context, u User, keyID int64, rawURL string, types []string) (Subscription, string, error) {
	if keyID == 0 {
		return Subscription{}, "", fmt.Errorf("%w: subscriptions are a system's: call with its API key", ErrForbidden)
	}
	if err := checkHookURL(rawURL); err != nil {
		return Subscription{}, "", err
	}
	if len(types) == 0 || len(types) > len(HubTypes) {
		return Subscription{}, "", fmt.Errorf("%w: event types, some of %s", ErrInvalid, strings.Join(HubTypes, ", "))
	}
	for _, t := range types {
		if !slices.Contains(HubTypes, t) {
			return Subscription{}, "", fmt.Errorf("%w: event type %q: want some of %s", ErrInvalid, truncate(t, 60), strings.Join(HubTypes, ", "))
		}
	}
	var n int
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM subscriptions WHERE key_id = ? AND active = 1`), keyID).Scan(&n); err != nil {
		return Subscription{}, "", err
	}
	if n >= 10 {
		return Subscription{}, "", fmt.Errorf("%w: a system has at most 10 subscriptions", ErrInvalid)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return Subscription{}, "", err
	}
	secret := base64.RawURLEncoding.EncodeToString(b)
	ts, _ := json.Marshal(types)
	sub := Subscription{ID: newID(), KeyID: keyID, Agency: u.Agency, URL: rawURL, Types: types, CreatedAt: s.now(), Active: true}
	_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO subscriptions (id, key_id, agency, url, types, secret, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
		sub.ID, keyID, u.Agency, rawURL, string(ts), secret, caseStamp(sub.CreatedAt))
	return sub, secret, err
}

// Publish queues an event of the agency for every active subscription to
// its type (idempotent on the event's id).
func (s *Store) Publish(ctx context.Context, agency, typ, id string, data any) error {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, types FROM subscriptions WHERE agency = ? AND active = 1`), agency)
	if err != nil {
		return err
	}
	var subs []int64
	for rows.Next() {
		var sid int64
		var ts string
		if err := rows.Scan(&sid, &ts); err != nil {
			rows.Close()
			return err
		}
		var types []string
		json.Unmarshal([]byte(ts), &types)
		if slices.Contains(types, typ) {
			subs = append(subs, sid)
		}
	}
	rows.Close()
	if len(subs) == 0 {
		return nil
	}
	body, err := json.Marshal(map[string]any{"specversion": "1.0", "id": id, "type": typ, "source": "vanthu/hub", "subject": agency,
		"time": s.now().UTC().Format(time.RFC3339), "datacontenttype": "application/json", "data": data})
	if err != nil {
		return err
	}
	now := caseStamp(s.now())
	for _, sid := range subs {
		if _, err := s.w.ExecContext(ctx, s.q(`INSERT INTO deliveries (id, subscription_id, event_id, type, body, next_at, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)
			ON CONFLICT (subscription_id, event_id) DO NOTHING`), newID(), sid, id, typ, string(body), now, now); err != nil {
			return err
		}
	}
	return nil
}

// Delivery is an event on its way to a subscriber.
type Delivery struct {
	ID, SubscriptionID int64
	URL, Secret        string
	EventID, Type      string
	Body               string
	Attempts           int
	Status             string // pending, delivered, dead
	LastError          string
}

// MaxAttempts is how often a delivery is tried before it is dead.
const MaxAttempts = 8

// DueDeliveries are the pending deliveries whose time has come.
func (s *Store) DueDeliveries(ctx context.Context, limit int) ([]Delivery, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT d.id, d.subscription_id, s.url, s.secret, d.event_id, d.type, d.body, d.attempts, d.status, d.last_error
		FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id WHERE d.status = 'pending' AND d.next_at <= ? AND s.active = 1 ORDER BY d.next_at LIMIT ?`),
		caseStamp(s.now()), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		if err := rows.Scan(&d.ID, &d.SubscriptionID, &d.URL, &d.Secret, &d.EventID, &d.Type, &d.Body, &d.Attempts, &d.Status, &d.LastError); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Delivered marks a delivery done; Failed counts a failed attempt: tried
// again after a backoff that doubles from 10 s, dead after MaxAttempts.
func (s *Store) Delivered(ctx context.Context, id int64) error {
	_, err := s.w.ExecContext(ctx, s.q(`UPDATE deliveries SET status = 'delivered', attempts = attempts + 1 WHERE id = ?`), id)
	return err
}

// Failed: see Delivered.
func (s *Store) Failed(ctx context.Context, d Delivery, why string) error {
	n := d.Attempts + 1
	status := "pending"
	if n >= MaxAttempts {
		status = "dead"
	}
	base := s.HubBackoff
	if base <= 0 {
		base = 10 * time.Second
	}
	next := s.now().Add(base << min(n-1, 12))
	_, err := s.w.ExecContext(ctx, s.q(`UPDATE deliveries SET attempts = ?, status = ?, next_at = ?, last_error = ? WHERE id = ?`),
		n, status, caseStamp(next), truncate(cleanText(why), 500), d.ID)
	return err
}

// DeadDeliveries are a subscription's dead letters (for its system).
func (s *Store) DeadDeliveries(ctx context.Context, keyID, subID int64) ([]Delivery, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT d.id, d.subscription_id, s.url, '', d.event_id, d.type, d.body, d.attempts, d.status, d.last_error
		FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id WHERE d.subscription_id = ? AND s.key_id = ? AND d.status = 'dead' ORDER BY d.created_at`), subID, keyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Delivery{}
	for rows.Next() {
		var d Delivery
		if err := rows.Scan(&d.ID, &d.SubscriptionID, &d.URL, &d.Secret, &d.EventID, &d.Type, &d.Body, &d.Attempts, &d.Status, &d.LastError); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Replay sends a subscription's dead letters again, from now.
func (s *Store) Replay(ctx context.Context, keyID, subID int64) (int, error) {
	r, err := s.w.ExecContext(ctx, s.q(`UPDATE deliveries SET status = 'pending', attempts = 0, next_at = ? WHERE status = 'dead' AND subscription_id = ?
		AND subscription_id IN (SELECT id FROM subscriptions WHERE key_id = ?)`), caseStamp(s.now()), subID, keyID)
	if err != nil {
		return 0, err
	}
	n, _ := r.RowsAffected()
	return int(n), nil
}

// PublicIP says whether ip is one a delivery may go to: not private,
// link-local, unique-local, unspecified or multicast (loopback is the
// caller's to allow).
func PublicIP(ip net.IP) bool {
	return !(ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast())
}
