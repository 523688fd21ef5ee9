package records

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// An agency's invitations list its next meetings however many old ones
// it holds: the oldest 2000 invitations taken first, then the past
// dropped, once left nothing new to show. The clock moves, so this runs
// on SQLite here rather than in the conformance suite.
func TestInvitationsNotStarvedByThePast(t *testing.T) {
	ctx := context.Background()
	s, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "vanthu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, a := range []string{"evil", "good", "victim"} {
		if err := s.PutAgency(ctx, Agency{Code: a, Name: "UBND " + a}); err != nil {
			t.Fatal(err)
		}
	}
	ev, _ := s.CreateUser(ctx, User{Name: "ev", Role: RoleClerk, Agency: "evil"}, "mat-khau-dai-nhac")
	gd, _ := s.CreateUser(ctx, User{Name: "gd", Role: RoleClerk, Agency: "good"}, "mat-khau-dai-nhac")
	vi, _ := s.CreateUser(ctx, User{Name: "vi", Role: RoleClerk, Agency: "victim"}, "mat-khau-dai-nhac")
	day := time.Date(2025, 3, 1, 3, 0, 0, 0, time.UTC)
	// Eleven rounds of as many open invitations as one agency may send
	// another, each round's meetings held before the next.
	for r := range 11 {
		now := day.AddDate(0, 0, 2*r)
		s.now = func() time.Time { return now }
		for range MaxOpenInvitations {
			m, err := s.CreateMeeting(ctx, ev, MeetingInput{Subject: "x", Starts: now.AddDate(0, 0, 1).In(vietnam).Format(meetingTimeForm), Place: "p"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Invite(ctx, ev, m.ID, []string{"victim"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	now := day.AddDate(0, 0, 30)
	s.now = func() time.Time { return now }
	real, err := s.CreateMeeting(ctx, gd, MeetingInput{Subject: "real meeting", Starts: now.AddDate(0, 0, 3).In(vietnam).Format(meetingTimeForm), Place: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Invite(ctx, gd, real.ID, []string{"victim"}); err != nil {
		t.Fatal(err)
	}
	items, err := s.InvitationsFor(ctx, vi, false)
	if err != nil || len(items) != 1 || items[0].Meeting.ID != real.ID {
		t.Fatalf("the victim lists %d invitations (%v), want the real one only", len(items), err)
	}
	// With the past: the latest first taken, listed soonest first.
	items, err = s.InvitationsFor(ctx, vi, true)
	if err != nil || len(items) != 2000 || items[len(items)-1].Meeting.ID != real.ID || items[0].Meeting.Starts > items[1].Meeting.Starts {
		t.Errorf("with the past: %d (%v)", len(items), err)
	}
}
