package records

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func open(t *testing.T) *Store {
	t.Helper()
	s, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "vanthu.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Fifty registrations at once: arrival numbers 1..50, each once.
func TestArrivalNumbersGaplessUnderConcurrency(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	at := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := range 50 {
		wg.Go(func() {
			_, err := s.Register(ctx, Entry{Agency: "ubnd-qn", ArrivedAt: at, Bucket: "uploads", Key: fmt.Sprintf("k%d.pdf", i), ETag: "e"})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Incoming(ctx, "ubnd-qn", 2025)
	if err != nil || len(got) != 50 {
		t.Fatalf("%d entries, %v", len(got), err)
	}
	for i, e := range got {
		if e.ArrivalNumber != i+1 {
			t.Fatalf("entry %d has arrival number %d", i, e.ArrivalNumber)
		}
	}
	// Another agency numbers from 1.
	e, _ := s.Register(ctx, Entry{Agency: "so-tc", ArrivedAt: at, Bucket: "uploads", Key: "x.pdf", ETag: "e"})
	if e.ArrivalNumber != 1 {
		t.Errorf("so-tc starts at %d", e.ArrivalNumber)
	}
}

func TestRegisterIsIdempotentAndLinksDuplicates(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	first := Entry{Agency: "ubnd-qn", Bucket: "uploads", Key: "a.pdf", ETag: "e1", Number: "46", Symbol: "TB-UBND", Issuer: "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"}
	a, err := s.Register(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := s.Register(ctx, first)
	if again.ID != a.ID || again.ArrivalNumber != a.ArrivalNumber {
		t.Errorf("a redelivery registered twice: %+v then %+v", a, again)
	}
	scanAgain := first
	scanAgain.Key, scanAgain.ETag, scanAgain.Issuer = "a-rescan.pdf", "e2", "UỶ BAN NHÂN DÂN TỈNH QUẢNG NGÃI"
	b, err := s.Register(ctx, scanAgain)
	if err != nil {
		t.Fatal(err)
	}
	if b.DuplicateOf != a.ID || b.ArrivalNumber != 0 {
		t.Errorf("the same document scanned again: %+v (want linked to %d, not numbered)", b, a.ID)
	}
	if reg, _ := s.Incoming(ctx, "ubnd-qn", a.Year); len(reg) != 1 {
		t.Errorf("register has %d lines, want 1: a duplicate is linked, not registered twice", len(reg))
	}
}

func TestMigrationsRunOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.db")
	for range 2 {
		s, err := OpenSQLite(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		s.db.QueryRow(`SELECT COUNT(*) FROM schema_version`).Scan(&n)
		if n != len(migrations) {
			t.Errorf("schema_version has %d rows, want %d", n, len(migrations))
		}
		s.Close()
	}
}
