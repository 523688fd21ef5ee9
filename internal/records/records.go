// Package records keeps the registers (issue 5 builds them out: PostgreSQL
// beside SQLite, reports, meetings, tasks, review). Today: the incoming
// register, filled from extraction records, over database/sql with SQLite
// as the embedded default; migrations run in transactions with a version
// table.
package records

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the embedded engine

	"github.com/vanthu/vanthu/internal/viet"
)

// Entry is a line of the incoming register (sổ văn bản đến).
type Entry struct {
	ID            int64
	Agency        string
	Year          int
	ArrivalNumber int // runs through the year per agency, without gaps; 0 for a duplicate
	ArrivedAt     time.Time
	// The upload this entry is of: one version of one object.
	Bucket, Key, ETag                                          string
	DocType, Number, Symbol, Issuer, IssuedAt, Subject, Signer string
	Urgency, Confidentiality                                   string
	// DuplicateOf links a document registered before with the same
	// number, symbol and issuer.
	DuplicateOf int64
}

// Store is the records database.
type Store struct{ db *sql.DB }

// migrations are applied in order, each in a transaction.
var migrations = []string{
	`CREATE TABLE incoming (
		id INTEGER PRIMARY KEY,
		agency TEXT NOT NULL,
		year INTEGER NOT NULL,
		arrival_number INTEGER, -- NULL for a duplicate: linked, not numbered again
		arrived_at TEXT NOT NULL,
		bucket TEXT NOT NULL, key TEXT NOT NULL, etag TEXT NOT NULL,
		doc_type TEXT NOT NULL, number TEXT NOT NULL, symbol TEXT NOT NULL, issuer TEXT NOT NULL,
		issued_at TEXT NOT NULL, subject TEXT NOT NULL, signer TEXT NOT NULL,
		urgency TEXT NOT NULL, confidentiality TEXT NOT NULL,
		dedupe_key TEXT NOT NULL,
		duplicate_of INTEGER REFERENCES incoming(id),
		UNIQUE (bucket, key, etag),
		UNIQUE (agency, year, arrival_number)
	)`,
	`CREATE INDEX incoming_dedupe ON incoming(agency, dedupe_key)`,
}

// OpenSQLite opens (creating) the database file and migrates it. Write
// transactions take SQLite's write lock when they begin (_txlock=immediate),
// so that numbering reads and inserts are serialised.
func OpenSQLite(ctx context.Context, path string) (*Store, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("records %s: %w", path, err)
	}
	s := &Store{db: db}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var v int
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&v); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for i := v; i < len(migrations); i++ {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, i+1); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
	}
	return nil
}

func dedupeKey(e Entry) string {
	if e.Number == "" || e.Symbol == "" {
		return ""
	}
	return viet.Fold(strings.TrimLeft(e.Number, "0") + "/" + e.Symbol + "|" + viet.Canonical(e.Issuer))
}

// Register enters a document into the incoming register. It is idempotent
// on (bucket, key, ETag): a second call returns the first entry. Arrival
// numbers are given in the transaction that inserts, so they are unique
// and gapless under concurrent registrations.
func (s *Store) Register(ctx context.Context, e Entry) (Entry, error) {
	if got, err := s.byObject(ctx, e.Bucket, e.Key, e.ETag); err == nil {
		return got, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return Entry{}, err
	}
	if e.ArrivedAt.IsZero() {
		e.ArrivedAt = time.Now()
	}
	e.Year = e.ArrivedAt.Year()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Entry{}, fmt.Errorf("register: %w", err)
	}
	defer tx.Rollback()
	// Re-check inside the lock: a concurrent delivery may have won.
	var id int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM incoming WHERE bucket = ? AND key = ? AND etag = ?`, e.Bucket, e.Key, e.ETag).Scan(&id)
	if err == nil {
		tx.Rollback()
		return s.byObject(ctx, e.Bucket, e.Key, e.ETag)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return Entry{}, err
	}
	key := dedupeKey(e)
	var dup sql.NullInt64
	if key != "" {
		err := tx.QueryRowContext(ctx, `SELECT MIN(id) FROM incoming WHERE agency = ? AND dedupe_key = ?`, e.Agency, key).Scan(&dup)
		if err != nil {
			return Entry{}, err
		}
	}
	var number sql.NullInt64
	if !dup.Valid {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(arrival_number), 0) + 1 FROM incoming WHERE agency = ? AND year = ?`,
			e.Agency, e.Year).Scan(&number); err != nil {
			return Entry{}, fmt.Errorf("register: number: %w", err)
		}
	}
	e.ArrivalNumber = int(number.Int64)
	res, err := tx.ExecContext(ctx, `INSERT INTO incoming (agency, year, arrival_number, arrived_at, bucket, key, etag,
		doc_type, number, symbol, issuer, issued_at, subject, signer, urgency, confidentiality, dedupe_key, duplicate_of)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Agency, e.Year, number, e.ArrivedAt.UTC().Format(time.RFC3339Nano), e.Bucket, e.Key, e.ETag,
		e.DocType, e.Number, e.Symbol, e.Issuer, e.IssuedAt, e.Subject, e.Signer, e.Urgency, e.Confidentiality, key, dup)
	if err != nil {
		return Entry{}, fmt.Errorf("register %s: %w", e.Key, err)
	}
	if e.ID, err = res.LastInsertId(); err != nil {
		return Entry{}, err
	}
	e.DuplicateOf = dup.Int64
	return e, tx.Commit()
}

const columns = `id, agency, year, COALESCE(arrival_number, 0), arrived_at, bucket, key, etag, doc_type, number, symbol, issuer,
	issued_at, subject, signer, urgency, confidentiality, COALESCE(duplicate_of, 0)`

func scan(row interface{ Scan(...any) error }) (Entry, error) {
	var e Entry
	var at string
	err := row.Scan(&e.ID, &e.Agency, &e.Year, &e.ArrivalNumber, &at, &e.Bucket, &e.Key, &e.ETag, &e.DocType, &e.Number,
		&e.Symbol, &e.Issuer, &e.IssuedAt, &e.Subject, &e.Signer, &e.Urgency, &e.Confidentiality, &e.DuplicateOf)
	if err == nil {
		e.ArrivedAt, _ = time.Parse(time.RFC3339Nano, at)
	}
	return e, err
}

func (s *Store) byObject(ctx context.Context, bucket, key, etag string) (Entry, error) {
	return scan(s.db.QueryRowContext(ctx, `SELECT `+columns+` FROM incoming WHERE bucket = ? AND key = ? AND etag = ?`, bucket, key, etag))
}

// Incoming lists an agency's register for a year, in arrival order;
// duplicates are not lines of the register.
func (s *Store) Incoming(ctx context.Context, agency string, year int) ([]Entry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+columns+` FROM incoming WHERE agency = ? AND year = ? AND duplicate_of IS NULL ORDER BY arrival_number`, agency, year)
	if err != nil {
		return nil, fmt.Errorf("incoming register: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
