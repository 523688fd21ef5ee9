package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/vanthu/vanthu/internal/config"
	"github.com/vanthu/vanthu/internal/records"
)

// PostgresURL is a PostgreSQL database of the test's own: a fresh schema
// in the database VANTHU_PG_URL names (scripts/test starts the server and
// sets it), dropped when the test ends. Without VANTHU_PG_URL the test is
// skipped.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := config.Get("VANTHU_PG_URL")
	if base == "" {
		t.Skip("VANTHU_PG_URL is not set (scripts/test starts PostgreSQL and sets it)")
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		db.Close()
		t.Fatalf("PostgreSQL at VANTHU_PG_URL: %v", err)
	}
	t.Cleanup(func() {
		db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		db.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Postgres opens a records store on PostgreSQL (see PostgresURL).
func Postgres(t testing.TB) *records.Store {
	t.Helper()
	s, err := records.OpenPostgres(context.Background(), PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
