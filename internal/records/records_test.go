package records_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/records/recordstest"
	"github.com/vanthu/vanthu/internal/testenv"
)

func TestConformanceSQLite(t *testing.T) {
	s, err := records.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "vanthu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	recordstest.Run(t, s)
}

// PostgreSQL runs in CI: scripts/test starts it and sets VANTHU_PG_URL
// (and CI=true makes its absence a failure, not a skip).
func TestConformancePostgres(t *testing.T) {
	s := testenv.Postgres(t)
	recordstest.Run(t, s)
}

// A database made by the register of issue 3 (schema version 2, SQLite)
// carries on: its lines stay, numbering continues after them.
func TestMigratesTheFirstRegister(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`CREATE TABLE schema_version (version INTEGER NOT NULL)`,
		`INSERT INTO schema_version VALUES (1), (2)`,
		`CREATE TABLE incoming (id INTEGER PRIMARY KEY, agency TEXT NOT NULL, year INTEGER NOT NULL, arrival_number INTEGER, arrived_at TEXT NOT NULL,
			bucket TEXT NOT NULL, key TEXT NOT NULL, etag TEXT NOT NULL, doc_type TEXT NOT NULL, number TEXT NOT NULL, symbol TEXT NOT NULL, issuer TEXT NOT NULL,
			issued_at TEXT NOT NULL, subject TEXT NOT NULL, signer TEXT NOT NULL, urgency TEXT NOT NULL, confidentiality TEXT NOT NULL,
			dedupe_key TEXT NOT NULL, duplicate_of INTEGER REFERENCES incoming(id), UNIQUE (bucket, key, etag), UNIQUE (agency, year, arrival_number))`,
		`CREATE INDEX incoming_dedupe ON incoming(agency, dedupe_key)`,
		`INSERT INTO incoming (agency, year, arrival_number, arrived_at, bucket, key, etag, doc_type, number, symbol, issuer, issued_at, subject, signer, urgency, confidentiality, dedupe_key)
			VALUES ('ubnd-qn', 2025, 1, '2025-03-01T09:00:00Z', 'uploads', 'a.pdf', 'e', 'QĐ', '1', 'QĐ-UBND', 'X', '2025-03-01', 's', '', '', '', 'k1'),
			       ('ubnd-qn', 2025, 2, '2025-03-01T09:00:00Z', 'uploads', 'b.pdf', 'e', 'QĐ', '2', 'QĐ-UBND', 'X', '2025-03-01', 's', '', '', '', 'k2')`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := records.OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, err := s.Record(ctx, records.Upload{Agency: "ubnd-qn", Bucket: "uploads", Key: "c.pdf", ETag: "e", At: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)},
		recordstest.Rec("CV", "3", "UBND-VP", "UBND XÃ Y", "V/v z"))
	if err != nil || r.Incoming.ArrivalNumber != 3 {
		t.Fatalf("after migrating: %+v %v", r.Incoming, err)
	}
	lines, _ := s.Incoming(ctx, records.RegisterFilter{Agency: "ubnd-qn", Year: 2025})
	if len(lines) != 3 {
		t.Errorf("%d lines after migrating, want 3", len(lines))
	}
}

func TestMain(m *testing.M) { os.Exit(m.Run()) }
