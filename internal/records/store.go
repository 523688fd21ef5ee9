// Package records keeps what reading a document produces: the document
// and its corrected fields, the incoming and outgoing registers, report,
// meeting and task records, the review queue and its audit log, and the
// accounts that may see them. One schema over database/sql: SQLite as the
// embedded default, PostgreSQL for deployments; one conformance suite
// (recordstest) runs against both.
package records

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL, registered as "pgx"
	"modernc.org/sqlite"               // the embedded engine
	sqlite3 "modernc.org/sqlite/lib"
)

// Store is the records database.
type Store struct {
	db *sql.DB // reads
	// w takes the writes. On SQLite it is a pool of one connection: the
	// engine has one writer at a time, and writers queued in Go never
	// meet "database is locked" (other processes still wait on
	// busy_timeout). On PostgreSQL it is db.
	w  *sql.DB
	pg bool
	// ReviewBelow is the confidence under which a field waits for a
	// person (default 0.8).
	ReviewBelow float64
	// HubBackoff is the first wait before a failed hub delivery is tried
	// again, doubled each time (default 10 s).
	HubBackoff time.Duration
	now        func() time.Time
}

// Open opens a database by URL: postgres:// or postgresql:// for
// PostgreSQL, anything else is a SQLite file path.
func Open(ctx context.Context, url string) (*Store, error) {
	if l := strings.ToLower(url); strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://") {
		return OpenPostgres(ctx, url)
	}
	return OpenSQLite(ctx, url)
}

// OpenSQLite opens (creating) the database file and migrates it. Write
// transactions take SQLite's write lock when they begin (_txlock=immediate),
// so that numbering reads and inserts are serialised.
func OpenSQLite(ctx context.Context, path string) (*Store, error) {
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate"
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("records %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	if err := w.PingContext(ctx); err != nil { // makes the file and WAL before readers open it
		w.Close()
		return nil, fmt.Errorf("records %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("records %s: %w", path, err)
	}
	return open(ctx, db, w, false, path)
}

// OpenPostgres connects and migrates.
func OpenPostgres(ctx context.Context, url string) (*Store, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("records %s: %w", redact(url), err)
	}
	db.SetMaxOpenConns(20)
	return open(ctx, db, db, true, redact(url))
}

// redact drops a password from a URL for messages.
func redact(url string) string {
	if at := strings.LastIndex(url, "@"); at > 0 {
		if i := strings.Index(url, "://"); i > 0 && i < at {
			if c := strings.Index(url[i+3:at], ":"); c >= 0 {
				return url[:i+3+c] + ":***" + url[at:]
			}
		}
	}
	return url
}

func open(ctx context.Context, db, w *sql.DB, pg bool, name string) (*Store, error) {
	s := &Store{db: db, w: w, pg: pg, ReviewBelow: DefaultReviewBelow, now: time.Now}
	if err := db.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("records %s: %w", name, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("records %s: %w", name, err)
	}
	return s, nil
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Close closes the database.
func (s *Store) Close() error {
	if s.w != s.db {
		s.w.Close()
	}
	return s.db.Close()
}

// Engine names the database engine ("sqlite" or "postgres").
func (s *Store) Engine() string {
	if s.pg {
		return "postgres"
	}
	return "sqlite"
}

// q rewrites a statement written with ? placeholders for the engine:
// PostgreSQL numbers them ($1, $2, ...). Statements hold no literal "?".
func (s *Store) q(stmt string) string {
	if !s.pg {
		return stmt
	}
	var b strings.Builder
	n := 0
	for _, r := range stmt {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// forUpdate locks the rows read until the transaction ends. SQLite needs
// no clause: its write transactions are serialised from their start.
func (s *Store) forUpdate() string {
	if s.pg {
		return " FOR UPDATE"
	}
	return ""
}

// stamp is how times are stored: RFC 3339 in UTC, sortable as text.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseStamp(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// inTx runs fn in a transaction, committed if fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// ErrNotFound is a record that does not exist or is out of the caller's
// reach: the two are not told apart, so that IDs cannot be probed.
var ErrNotFound = errors.New("not found")

// newID is the identifier of a row others see (a document, its register
// line, task, meeting, report): random, so that an ID tells nothing of how
// many came before it in any agency. 2^32 to 2^53: above the sequential
// IDs of databases made before, exact in JavaScript. Collisions are
// unique violations, and the write is retried.
func newID() int64 {
	var b [8]byte
	rand.Read(b[:])
	return int64(binary.BigEndian.Uint64(b[:])>>11) | 1<<32
}

// uniqueViolation says whether err is a unique constraint refusing a row
// (a random ID drawn twice, among others).
func uniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT
}

// Transient says whether err is the database being busy or out of reach
// for now (locked, a serialisation conflict, a lost or refused
// connection, too many clients, a full disk): nothing of the statement
// was done, and the same request may succeed later.
func Transient(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// serialization_failure, deadlock_detected, too_many_connections,
		// admin/crash shutdown, cannot_connect_now, lock_not_available
		switch pgErr.Code {
		case "40001", "40P01", "57P01", "57P02", "57P03", "55P03":
			return true
		}
		// connection exceptions, insufficient resources (a full disk)
		return strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "53")
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN:
			return true
		}
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}

// ErrInvalid wraps every refusal of bad input (a field that cannot be
// corrected, a malformed date, a short password...): the message says
// what and why, and is fit to show.
var ErrInvalid = errors.New("invalid")
