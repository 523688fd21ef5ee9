package records

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Reporters hear of a due day three days before, once; the receiver
// hears who is missing once it has passed; those who reported hear
// nothing.
func TestReportReminders(t *testing.T) {
	ctx := context.Background()
	s, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "vanthu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, a := range []Agency{{Code: "nhan", Name: "SỞ NỘI VỤ"}, {Code: "x", Name: "UBND HUYỆN X"}, {Code: "y", Name: "UBND HUYỆN Y"}} {
		if err := s.PutAgency(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	users := map[string]User{}
	for _, u := range []User{{Name: "qt", Role: RoleAdmin, Agency: "nhan"}, {Name: "vt-nhan", Role: RoleClerk, Agency: "nhan"}, {Name: "vt-x", Role: RoleClerk, Agency: "x"}, {Name: "vt-y", Role: RoleClerk, Agency: "y"}} {
		if users[u.Name], err = s.CreateUser(ctx, u, "mat-khau-dai-nhac"); err != nil {
			t.Fatal(err)
		}
	}
	s.now = func() time.Time { return time.Date(2025, 3, 1, 3, 0, 0, 0, time.UTC) }
	r, err := s.CreateRegime(ctx, users["qt"], Regime{Name: "Báo cáo công tác cán bộ", Period: PeriodMonth, Due: "20", Reporters: []string{"x", "y"}})
	if err != nil {
		t.Fatal(err)
	}
	// y reported March already (a person confirmed it).
	if _, err := s.w.ExecContext(ctx, `INSERT INTO submissions (id, regime_id, period, reporter, document_id, status, score, received_at, on_time)
		VALUES (1, ?, '2025-03', 'y', 1, 'confirmed', 1, '2025-03-10', 1)`, r.ID); err != nil {
		t.Fatal(err)
	}
	s.now = func() time.Time { return time.Date(2025, 3, 17, 3, 0, 0, 0, time.UTC) }
	n, err := s.ReportReminders(ctx)
	if err != nil || n != 1 {
		t.Fatalf("three days before: %d notices %v (want one, to x)", n, err)
	}
	if n, _ := s.ReportReminders(ctx); n != 0 {
		t.Errorf("a second run told again: %d", n)
	}
	nx, _ := s.Notices(ctx, users["vt-x"], true, 10)
	ny, _ := s.Notices(ctx, users["vt-y"], true, 10)
	if len(nx) != 1 || nx[0].Kind != "report_due" || !strings.Contains(nx[0].Body, "20/03/2025") || !strings.Contains(nx[0].Body, "tháng 3/2025") || len(ny) != 0 {
		t.Errorf("the reporters' notices: x %+v, y %+v", nx, ny)
	}
	s.now = func() time.Time { return time.Date(2025, 3, 21, 3, 0, 0, 0, time.UTC) }
	if n, err := s.ReportReminders(ctx); err != nil || n != 1 {
		t.Fatalf("after the due day: %d %v", n, err)
	}
	nn, _ := s.Notices(ctx, users["vt-nhan"], true, 10)
	if len(nn) != 1 || nn[0].Kind != "report_overdue" || !strings.Contains(nn[0].Body, "UBND HUYỆN X") || strings.Contains(nn[0].Body, "UBND HUYỆN Y") {
		t.Errorf("the receiver's notice: %+v", nn)
	}
	if err := s.MarkNoticeRead(ctx, users["vt-nhan"], nn[0].ID); err != nil {
		t.Fatal(err)
	}
	if nn, _ := s.Notices(ctx, users["vt-nhan"], true, 10); len(nn) != 0 {
		t.Errorf("read, still unread: %+v", nn)
	}
	if err := s.MarkNoticeRead(ctx, users["vt-x"], nn0(t, s, users["vt-nhan"])); err == nil {
		t.Error("x marked the receiver's notice read")
	}
}

func nn0(t *testing.T, s *Store, u User) int64 {
	ns, err := s.Notices(context.Background(), u, false, 10)
	if err != nil || len(ns) == 0 {
		t.Fatal("no notice", err)
	}
	return ns[0].ID
}
