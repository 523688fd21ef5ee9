package recordstest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// meetings: a giấy mời makes a meeting (agenda read from its text,
// invitees resolved), a clerk makes one by hand; invitations reach only
// the invited and the cleared, answers until the start, another's
// invitation not found; papers open only for the organiser and the
// invited, within clearance; reminders once; a change told; the
// conclusion linked; the outbox claims before it sends.
func meetings(t *testing.T, s *records.Store) {
	ctx := context.Background()
	for _, e := range []records.DirectoryEntry{
		{Code: "mt-org", Name: "ỦY BAN NHÂN DÂN HUYỆN MINH LONG", Kind: records.KindAgency, Cleared: "MẬT"},
		{Code: "mt-guest", Name: "SỞ TÀI CHÍNH TỈNH QUẢNG NGÃI", Kind: records.KindAgency, Cleared: "MẬT", Names: []string{"Sở Tài chính"}},
		{Code: "mt-open", Name: "SỞ DU LỊCH TỈNH QUẢNG NGÃI", Kind: records.KindAgency},
		{Code: "mt-org.vp", Name: "Văn phòng huyện", Parent: "mt-org", Kind: records.KindUnit},
	} {
		if err := s.PutDirectoryEntry(ctx, records.Operator, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutAgency(ctx, records.Agency{Code: "mt-org", Name: "ỦY BAN NHÂN DÂN HUYỆN MINH LONG"}); err != nil {
		t.Fatal(err)
	}
	user := func(name, role, agency, clearance string) records.User {
		u, err := s.CreateUser(ctx, records.User{Name: name, Role: role, Agency: agency, Clearance: clearance, Email: name + "@example.vn"}, "mat-khau-dai-"+name)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	clerk := user("mt-clerk", records.RoleClerk, "mt-org", "MẬT")
	staff := user("mt-staff", records.RoleStaff, "mt-org", "")
	gClerk := user("mt-g-clerk", records.RoleClerk, "mt-guest", "MẬT")
	gStaff := user("mt-g-staff", records.RoleStaff, "mt-guest", "")
	gLeader := user("mt-g-leader", records.RoleLeader, "mt-guest", "MẬT")
	oClerk := user("mt-o-clerk", records.RoleClerk, "mt-open", "")
	// A person is invited by name within the organiser's own agency;
	// another agency's people through their agency.
	person := user("mt-person", records.RoleStaff, "mt-org", "")

	soon := time.Now().In(time.FixedZone("ICT", 7*3600)).Add(72 * time.Hour).Truncate(time.Hour)
	rec := Rec("GM", "15", "GM-UBND", "ỦY BAN NHÂN DÂN HUYỆN MINH LONG", "Họp bàn kế hoạch phát triển du lịch năm 2025")
	rec.MeetingTime, rec.MeetingPlace = soon.Format("2006-01-02T15:04"), "Hội trường UBND huyện"
	rec.Recipients = []string{"Sở Tài chính", "Phòng Văn hóa huyện Không Có", "Lưu: VT"}
	rec.Text = "GIẤY MỜI\nỦy ban nhân dân huyện trân trọng kính mời dự họp.\nNội dung:\n1. Đánh giá kết quả năm 2024.\n2. Kế hoạch năm 2025.\nThời gian: ...\nChủ trì: đồng chí Trần Văn B, Chủ tịch UBND huyện."
	res, err := s.Record(ctx, records.Upload{Agency: "mt-org", Bucket: "uploads", Key: "mt/gm.pdf", ETag: "e1", At: at}, rec)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := s.Meetings(ctx, "mt-org", "", "", nil)
	if err != nil || len(ms) != 1 {
		t.Fatalf("meetings of a giấy mời: %+v %v", ms, err)
	}
	m := ms[0]
	if m.DocumentID != res.Document.ID || m.Subject != rec.Subject || strings.Join(m.Agenda, "|") != "Đánh giá kết quả năm 2024|Kế hoạch năm 2025" ||
		!slices.Equal(m.Invitees, []string{"Sở Tài chính", "Phòng Văn hóa huyện Không Có"}) || !slices.Equal(m.InviteeCodes, []string{"mt-guest", ""}) ||
		m.Chair != "Trần Văn B, Chủ tịch UBND huyện" || m.Starts != rec.MeetingTime {
		t.Errorf("the meeting read: %+v", m)
	}

	// By hand: a clerk only; the subject stands for the agenda.
	if _, err := s.CreateMeeting(ctx, staff, records.MeetingInput{Subject: "x", Starts: rec.MeetingTime, Place: "y"}); !errors.Is(err, records.ErrForbidden) {
		t.Errorf("staff made a meeting: %v", err)
	}
	for _, bad := range []records.MeetingInput{{Subject: "", Starts: rec.MeetingTime, Place: "p"}, {Subject: "s", Starts: "mai", Place: "p"},
		{Subject: "s", Starts: rec.MeetingTime, Ends: rec.MeetingTime, Place: "p"}, {Subject: strings.Repeat("a", 600), Starts: rec.MeetingTime, Place: "p"},
		{Subject: "s", Starts: rec.MeetingTime, Place: "p", Secrecy: "bí"}, {Subject: "s", Starts: rec.MeetingTime, Place: "p", Secrecy: "TỐI MẬT"}} {
		if _, err := s.CreateMeeting(ctx, clerk, bad); err == nil {
			t.Errorf("made %+v", bad)
		}
	}
	secret, err := s.CreateMeeting(ctx, clerk, records.MeetingInput{Subject: "Họp mật", Starts: rec.MeetingTime, Place: "Phòng 2", Secrecy: "mật"})
	if err != nil || secret.Secrecy != "MẬT" || !slices.Equal(secret.Agenda, []string{"Họp mật"}) {
		t.Fatalf("a secret meeting: %+v %v", secret, err)
	}
	if _, err := s.MeetingFor(ctx, staff, secret.ID); !errors.Is(err, records.ErrNotFound) {
		t.Errorf("an uncleared person of the organiser saw a secret meeting: %v", err)
	}
	if _, err := s.Invite(ctx, clerk, secret.ID, []string{"mt-open"}); !errors.Is(err, records.ErrInvalid) {
		t.Errorf("an uncleared agency invited to a secret meeting: %v", err)
	}
	if _, err := s.Invite(ctx, clerk, secret.ID, []string{"mt-person"}); !errors.Is(err, records.ErrInvalid) {
		t.Errorf("an uncleared person invited to a secret meeting: %v", err)
	}
	if _, err := s.Invite(ctx, clerk, secret.ID, []string{"mt-guest"}); err != nil {
		t.Errorf("a cleared agency: %v", err)
	}

	// Invitations: checked first, nothing written on a refusal.
	for _, to := range [][]string{{}, {"khong-ai"}, {"mt-org.vp"}, {"mt-org"}, {strings.Repeat("x", 201)}, slices.Repeat([]string{"mt-guest"}, 201)} {
		if _, err := s.Invite(ctx, clerk, m.ID, to); !errors.Is(err, records.ErrInvalid) {
			t.Errorf("invited %.40v: %v", to, err)
		}
	}
	if _, err := s.Invite(ctx, staff, m.ID, []string{"mt-guest"}); !errors.Is(err, records.ErrForbidden) {
		t.Errorf("staff invited: %v", err)
	}
	if _, err := s.Invite(ctx, gClerk, m.ID, []string{"mt-open"}); !errors.Is(err, records.ErrNotFound) {
		t.Errorf("another agency invited to the meeting: %v", err)
	}
	invs, err := s.Invite(ctx, clerk, m.ID, []string{"mt-guest", "mt-person", "mt-guest"})
	if err != nil || len(invs) != 2 {
		t.Fatalf("invite: %+v %v", invs, err)
	}
	again, err := s.Invite(ctx, clerk, m.ID, []string{"mt-guest"})
	if err != nil || len(again) != 2 {
		t.Errorf("inviting again: %d %v", len(again), err)
	}
	byInvitee := map[string]records.Invitation{}
	for _, i := range invs {
		byInvitee[i.Invitee] = i
	}
	ag, pe := byInvitee["mt-guest"], byInvitee["mt-person"]
	if ag.Agency != "mt-guest" || ag.UserID != 0 || pe.Agency != "mt-org" || pe.UserID != person.ID {
		t.Errorf("invitations: %+v", invs)
	}
	// Who sees them: the invited agency's accounts, the invited person;
	// not an agency not invited.
	for _, c := range []struct {
		u    records.User
		want int
	}{{gClerk, 2}, {gStaff, 1}, {person, 1}, {oClerk, 0}} {
		got, err := s.InvitationsFor(ctx, c.u, false)
		if err != nil || len(got) != c.want {
			t.Errorf("%s sees %d invitations, want %d: %v", c.u.Name, len(got), c.want, err)
		}
	}
	ns, _ := s.Notices(ctx, gStaff, true, 50)
	if len(ns) != 1 || ns[0].Kind != "invitation" || !strings.Contains(ns[0].Body, "Hội trường UBND huyện") || ns[0].Link != fmt.Sprint("#/cuoc-hop/", m.ID) {
		t.Errorf("the invitation's notice: %+v", ns)
	}
	if _, err := s.MeetingFor(ctx, oClerk, m.ID); !errors.Is(err, records.ErrNotFound) {
		t.Errorf("an agency not invited saw the meeting: %v", err)
	}
	if v, err := s.MeetingFor(ctx, person, m.ID); err != nil || !v.Organiser || len(v.Invitations) != 2 {
		t.Errorf("the invited person's view (one of the organiser's): %+v %v", v, err)
	}

	// Answers: one's own only, a delegate named, changeable.
	for _, u := range []records.User{oClerk, staff} {
		if _, err := s.Answer(ctx, u, pe.ID, records.AnswerAttend, "", ""); !errors.Is(err, records.ErrNotFound) {
			t.Errorf("%s answered a person's invitation: %v", u.Name, err)
		}
	}
	if _, err := s.Answer(ctx, clerk, ag.ID, records.AnswerAttend, "", ""); !errors.Is(err, records.ErrNotFound) {
		t.Errorf("the organiser answered for the guest: %v", err)
	}
	if _, err := s.Answer(ctx, gStaff, ag.ID, records.AnswerAttend, "", ""); !errors.Is(err, records.ErrForbidden) {
		t.Errorf("staff answered for the agency: %v", err)
	}
	for _, bad := range [][3]string{{"maybe", "", ""}, {records.AnswerDelegate, "", ""}, {records.AnswerAttend, strings.Repeat("a", 201), ""}} {
		if _, err := s.Answer(ctx, gClerk, ag.ID, bad[0], bad[1], bad[2]); !errors.Is(err, records.ErrInvalid) {
			t.Errorf("answer %q: %v", bad, err)
		}
	}
	if _, err := s.Answer(ctx, gClerk, ag.ID, records.AnswerAttend, "", ""); err != nil {
		t.Fatal(err)
	}
	a, err := s.Answer(ctx, gClerk, ag.ID, records.AnswerDelegate, "mt-g-leader", "Giám đốc đi công tác")
	if err != nil || a.Answer != records.AnswerDelegate || a.DelegateUser != gLeader.ID || a.AnsweredBy != "mt-g-clerk" {
		t.Fatalf("delegate: %+v %v", a, err)
	}
	v, err := s.MeetingFor(ctx, clerk, m.ID)
	if err != nil || !v.Organiser || len(v.Invitations) != 2 || !slices.Equal(v.NotAnswered, []string{"mt-person"}) {
		t.Errorf("the organiser's view: %+v %v", v, err)
	}
	if ns, _ := s.Notices(ctx, staff, true, 50); !slices.ContainsFunc(ns, func(n records.Notice) bool { return n.Kind == "invitation_answer" }) {
		t.Errorf("the organiser was not told of the answer: %+v", ns)
	}

	// Papers: the organiser's archive only; opened by the organiser and
	// the invited (delegate included), within clearance.
	paper, err := s.Record(ctx, records.Upload{Agency: "mt-org", Bucket: "uploads", Key: "mt/paper.pdf", ETag: "e1", At: at},
		Rec("BC", "3", "BC-UBND", "ỦY BAN NHÂN DÂN HUYỆN MINH LONG", "Báo cáo kết quả du lịch năm 2024"))
	if err != nil {
		t.Fatal(err)
	}
	sp := Rec("BC", "4", "BC-UBND", "ỦY BAN NHÂN DÂN HUYỆN MINH LONG", "Báo cáo mật")
	sp.Confidentiality = "MẬT"
	secretPaper, err := s.Record(ctx, records.Upload{Agency: "mt-org", Bucket: "uploads", Key: "mt/paper-mat.pdf", ETag: "e1", At: at}, sp)
	if err != nil {
		t.Fatal(err)
	}
	unread, err := s.Received(ctx, records.Upload{Agency: "mt-org", Bucket: "uploads", Key: "mt/unread.pdf", ETag: "e1", At: at})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := s.Record(ctx, records.Upload{Agency: "mt-guest", Bucket: "uploads", Key: "mt/guest.pdf", ETag: "e1", At: at}, Rec("CV", "9", "STC-NS", "SỞ TÀI CHÍNH", "V/v khác"))
	if err := s.LinkPaper(ctx, clerk, m.ID, other.Document.ID, 1); !errors.Is(err, records.ErrInvalid) {
		t.Errorf("another agency's document linked: %v", err)
	}
	if err := s.LinkPaper(ctx, clerk, m.ID, paper.Document.ID, 3); !errors.Is(err, records.ErrInvalid) {
		t.Errorf("an agenda item past the agenda: %v", err)
	}
	if err := s.LinkPaper(ctx, gClerk, m.ID, paper.Document.ID, 1); !errors.Is(err, records.ErrNotFound) {
		t.Errorf("a guest linked a paper: %v", err)
	}
	for _, p := range []struct {
		id   int64
		item int
	}{{paper.Document.ID, 2}, {secretPaper.Document.ID, 1}} {
		if err := s.LinkPaper(ctx, clerk, m.ID, p.id, p.item); err != nil {
			t.Fatal(err)
		}
	}
	if v, _ := s.MeetingFor(ctx, clerk, m.ID); len(v.Papers) != 2 || v.Papers[0].DocumentID != secretPaper.Document.ID || v.Papers[1].AgendaItem != 2 {
		t.Errorf("papers in agenda order: %+v", v.Papers)
	}
	if v, _ := s.MeetingFor(ctx, gStaff, m.ID); len(v.Papers) != 1 {
		t.Errorf("an uncleared guest is listed %d papers, want 1", len(v.Papers))
	}
	for _, c := range []struct {
		u    records.User
		doc  int64
		want bool
	}{
		{clerk, paper.Document.ID, true}, {staff, paper.Document.ID, true}, {staff, secretPaper.Document.ID, false},
		{gStaff, paper.Document.ID, true}, {gStaff, secretPaper.Document.ID, false}, {gClerk, secretPaper.Document.ID, true},
		{gLeader, secretPaper.Document.ID, true}, {person, paper.Document.ID, true}, {oClerk, paper.Document.ID, false},
		{clerk, other.Document.ID, false},
	} {
		_, err := s.PaperFor(ctx, c.u, m.ID, c.doc)
		if got := err == nil; got != c.want || (!got && !errors.Is(err, records.ErrNotFound)) {
			t.Errorf("%s opens paper %d: %v, want %v", c.u.Name, c.doc, err, c.want)
		}
	}
	// A document whose marking is not read yet counts as the highest: not
	// the MẬT clerk's to link.
	if err := s.LinkPaper(ctx, clerk, m.ID, unread.ID, 1); err == nil {
		t.Error("a paper whose marking is unknown linked by a clerk cleared for MẬT")
	}

	// A change of place tells everyone invited, the decliner too.
	if _, err := s.Answer(ctx, person, pe.ID, records.AnswerDecline, "", "bận"); err != nil {
		t.Fatal(err)
	}
	place := "Phòng họp số 3"
	if _, err := s.UpdateMeeting(ctx, gClerk, m.ID, records.MeetingPatch{Place: &place}); !errors.Is(err, records.ErrNotFound) {
		t.Errorf("a guest changed the meeting: %v", err)
	}
	if _, err := s.UpdateMeeting(ctx, clerk, m.ID, records.MeetingPatch{Place: &place}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []records.User{gStaff, person, gLeader} {
		ns, _ := s.Notices(ctx, u, true, 50)
		if !slices.ContainsFunc(ns, func(n records.Notice) bool { return n.Kind == "meeting_changed" && strings.Contains(n.Body, place) }) {
			t.Errorf("%s was not told of the change: %+v", u.Name, ns)
		}
	}

	// Reminders: the day before once, two hours before once; the decliner
	// none.
	count := func(u records.User) int {
		ns, _ := s.Notices(ctx, u, false, 500)
		n := 0
		for _, x := range ns {
			if x.Kind == "meeting_reminder" && x.Link == fmt.Sprint("#/cuoc-hop/", m.ID) {
				n++
			}
		}
		return n
	}
	starts := soon
	dayBefore, twoHours := starts.Add(-20*time.Hour), starts.Add(-90*time.Minute)
	n1, err1 := s.MeetingReminders(ctx, dayBefore)
	n2, _ := s.MeetingReminders(ctx, dayBefore.Add(time.Minute))
	n3, _ := s.MeetingReminders(ctx, twoHours)
	n4, _ := s.MeetingReminders(ctx, twoHours.Add(time.Minute))
	if err1 != nil || n1 < 1 || n2 != 0 || n3 < 1 || n4 != 0 || count(gStaff) != 2 || count(person) != 0 || count(gLeader) != 2 {
		t.Errorf("reminders %d %d %d %d (%v): guest %d, decliner %d, delegate %d", n1, n2, n3, n4, err1, count(gStaff), count(person), count(gLeader))
	}

	// After the start no answer changes.
	past, err := s.CreateMeeting(ctx, clerk, records.MeetingInput{Subject: "Họp đã qua", Starts: time.Now().Add(-time.Hour).Format(time.RFC3339), Place: "P"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Invite(ctx, clerk, past.ID, []string{"mt-guest"}); !errors.Is(err, records.ErrInvalid) {
		t.Errorf("invited to a meeting begun: %v", err)
	}

	// The conclusion: by the giấy mời's number quoted, its tasks shown.
	tb := Rec("TB", "20", "TB-UBND", "ỦY BAN NHÂN DÂN HUYỆN MINH LONG", "Kết luận của Chủ tịch UBND huyện tại cuộc họp về du lịch")
	tb.IssuedAt = soon.AddDate(0, 0, 2).Format(time.DateOnly)
	tb.Text = "THÔNG BÁO\nKết luận của đồng chí Chủ tịch tại cuộc họp theo Giấy mời số 15/GM-UBND.\n1. Giao Sở Tài chính bố trí kinh phí trước ngày 30/06/2025."
	tb.Tasks = []doc.Task{{Assignee: "Sở Tài chính", Task: "bố trí kinh phí", Due: "2025-06-30"}}
	if _, err := s.Record(ctx, records.Upload{Agency: "mt-org", Bucket: "uploads", Key: "mt/tb.pdf", ETag: "e1", At: at}, tb); err != nil {
		t.Fatal(err)
	}
	v, err = s.MeetingFor(ctx, clerk, m.ID)
	if err != nil || v.Conclusion == nil || v.Conclusion.Number != "20" || len(v.Conclusion.Tasks) != 1 || v.Conclusion.Tasks[0].Due != "2025-06-30" {
		t.Errorf("the conclusion: %+v %v", v.Conclusion, err)
	}
	// By the day and a like subject, without the number.
	byHand, _ := s.CreateMeeting(ctx, clerk, records.MeetingInput{Subject: "Họp triển khai chuyển đổi số cấp huyện", Starts: soon.AddDate(0, 0, 1).Format("2006-01-02T15:04"), Place: "P"})
	tb2 := Rec("TB", "21", "TB-UBND", "ỦY BAN NHÂN DÂN HUYỆN MINH LONG", "Kết luận tại cuộc họp triển khai chuyển đổi số cấp huyện")
	tb2.IssuedAt = soon.AddDate(0, 0, 3).Format(time.DateOnly)
	tb2.Text = "Ngày " + soon.AddDate(0, 0, 1).Format("02/01/2006") + ", Chủ tịch UBND huyện chủ trì cuộc họp triển khai chuyển đổi số. Kết luận như sau."
	if _, err := s.Record(ctx, records.Upload{Agency: "mt-org", Bucket: "uploads", Key: "mt/tb2.pdf", ETag: "e1", At: at}, tb2); err != nil {
		t.Fatal(err)
	}
	if v, err := s.MeetingFor(ctx, clerk, byHand.ID); err != nil || v.Conclusion == nil || v.Conclusion.Number != "21" {
		t.Errorf("the conclusion by day and subject: %+v %v", v.Conclusion, err)
	}

	// The outbox: fanned out once per person and channel, claimed before
	// it is sent, never claimed twice; a secret notice stays in the app.
	if _, err := s.FanOutNotices(ctx, []string{"email"}, 1000); err != nil {
		t.Fatal(err)
	}
	if k, err := s.FanOutNotices(ctx, []string{"email"}, 1000); err != nil || k != 0 {
		t.Errorf("fanned out again: %d %v", k, err)
	}
	now := time.Now()
	ds, err := s.ClaimDeliveries(ctx, now, 500)
	if err != nil || len(ds) == 0 {
		t.Fatalf("claim: %d %v", len(ds), err)
	}
	for _, d := range ds {
		if d.Channel != "email" || !strings.HasSuffix(d.Address, "@example.vn") || strings.Contains(d.Notice.Subject, "Họp mật") {
			t.Errorf("a delivery: %+v", d)
		}
	}
	if more, _ := s.ClaimDeliveries(ctx, now, 500); len(more) != 0 {
		t.Errorf("claimed twice: %d", len(more))
	}
	first := ds[0]
	s.FinishDelivery(ctx, first, now, errors.New("421 busy"), false, time.Minute)
	if again, _ := s.ClaimDeliveries(ctx, now.Add(30*time.Second), 500); len(again) != 0 {
		t.Errorf("retried before its backoff: %d", len(again))
	}
	again2, _ := s.ClaimDeliveries(ctx, now.Add(2*time.Minute), 500)
	if len(again2) != 1 || again2[0].ID != first.ID || again2[0].Attempts != 2 {
		t.Fatalf("the retry: %+v", again2)
	}
	s.FinishDelivery(ctx, again2[0], now, nil, false, time.Minute)
	// The others were claimed and never answered (a crash): past the
	// lease they end failed, not sent again.
	if late, _ := s.ClaimDeliveries(ctx, now.Add(time.Hour), 500); len(late) != 0 {
		t.Errorf("a delivery claimed before a crash sent again: %d", len(late))
	}
	rows, _ := s.Outbox(ctx, first.Notice.ID)
	sent := 0
	for _, r := range rows {
		if r.Status == records.OutboxSent {
			sent++
		}
	}
	if sent != 1 {
		t.Errorf("outbox of notice %d: %+v", first.Notice.ID, rows)
	}

	meetingAbuse(t, s)
}

// meetingAbuse: what a careless or hostile organiser or invitee could
// do to others through meetings, refused or made harmless — probing
// account names, flooding another agency's invitations or everyone's
// notices with repeated answers and changes, absurd times, an agenda
// cut under its papers; and an old notice still marked read.
func meetingAbuse(t *testing.T, s *records.Store) {
	ctx := context.Background()
	for _, e := range []records.DirectoryEntry{
		{Code: "ma-org", Name: "ỦY BAN NHÂN DÂN XÃ AN HẢI", Kind: records.KindAgency, Cleared: "MẬT"},
		{Code: "ma-guest", Name: "PHÒNG TÀI CHÍNH XÃ AN HẢI", Kind: records.KindAgency, Cleared: "MẬT"},
		{Code: "ma-flooded", Name: "PHÒNG Y TẾ XÃ AN HẢI", Kind: records.KindAgency},
		{Code: "ma-other", Name: "PHÒNG NỘI VỤ XÃ AN HẢI", Kind: records.KindAgency, Cleared: "MẬT"},
	} {
		if err := s.PutDirectoryEntry(ctx, records.Operator, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutAgency(ctx, records.Agency{Code: "ma-org", Name: "ỦY BAN NHÂN DÂN XÃ AN HẢI"}); err != nil {
		t.Fatal(err)
	}
	user := func(name, role, agency, clearance string) records.User {
		u, err := s.CreateUser(ctx, records.User{Name: name, Role: role, Agency: agency, Clearance: clearance}, "mat-khau-dai-"+name)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	clerk := user("ma-clerk", records.RoleClerk, "ma-org", "MẬT")
	leader := user("ma-leader", records.RoleLeader, "ma-org", "MẬT")
	deputy := user("ma-deputy", records.RoleStaff, "ma-org", "MẬT")
	uncleared := user("ma-uncleared", records.RoleStaff, "ma-org", "")
	gClerk := user("ma-g-clerk", records.RoleClerk, "ma-guest", "MẬT")
	gStaff := user("ma-g-staff", records.RoleStaff, "ma-guest", "")
	user("ma-o-staff", records.RoleStaff, "ma-other", "MẬT")
	fClerk := user("ma-f-clerk", records.RoleClerk, "ma-flooded", "")

	soon := time.Now().In(time.FixedZone("ICT", 7*3600)).Add(72 * time.Hour).Truncate(time.Hour)
	starts := soon.Format("2006-01-02T15:04")
	meeting := func(subject, secrecy string) records.Meeting {
		m, err := s.CreateMeeting(ctx, clerk, records.MeetingInput{Subject: subject, Starts: starts, Place: "Hội trường", Secrecy: secrecy, Agenda: []string{"Một", "Hai"}})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	// noticeOf is u's notice of a meeting (the only one of its kind).
	noticeOf := func(u records.User, kind string, id int64) (records.Notice, bool) {
		ns, _ := s.Notices(ctx, u, false, 500)
		for _, x := range ns {
			if x.Kind == kind && x.Link == fmt.Sprint("#/cuoc-hop/", id) {
				return x, true
			}
		}
		return records.Notice{}, false
	}
	countKind := func(u records.User, kind string, id int64) int {
		ns, _ := s.Notices(ctx, u, false, 500)
		n := 0
		for _, x := range ns {
			if x.Kind == kind && x.Link == fmt.Sprint("#/cuoc-hop/", id) {
				n++
			}
		}
		return n
	}

	t.Run("InviteeNamesTellNothing", func(t *testing.T) {
		// An account of another agency, a name no one has, an uncleared
		// colleague: refused in the same words, which name neither an
		// agency nor a level.
		m := meeting("Họp mật dò tên", "MẬT")
		var said []string
		for _, name := range []string{"ma-o-staff", "ma-khong-co-ai", "ma-uncleared", "ma-g-staff"} {
			_, err := s.Invite(ctx, clerk, m.ID, []string{name})
			if !errors.Is(err, records.ErrInvalid) {
				t.Errorf("invited %s: %v", name, err)
				continue
			}
			said = append(said, strings.ReplaceAll(err.Error(), name, "NAME"))
			for _, leak := range []string{"ma-other", "ma-guest", "MẬT", "cleared for MẬT", "neither"} {
				if strings.Contains(err.Error(), leak) {
					t.Errorf("refusing %s says %q: %v", name, leak, err)
				}
			}
		}
		for _, w := range said[1:] {
			if w != said[0] {
				t.Errorf("refusals differ:\n%s\n%s", said[0], w)
			}
		}
		// A cleared colleague by name, another agency as an agency.
		invs, err := s.Invite(ctx, clerk, m.ID, []string{"ma-deputy", "ma-guest"})
		if err != nil || len(invs) != 2 {
			t.Fatalf("invite a colleague and an agency: %+v %v", invs, err)
		}
	})

	t.Run("OneAgencyCannotFloodAnother", func(t *testing.T) {
		var last records.Meeting
		for i := range records.MaxOpenInvitations {
			last = meeting(fmt.Sprint("Họp số ", i), "")
			if _, err := s.Invite(ctx, clerk, last.ID, []string{"ma-flooded"}); err != nil {
				t.Fatalf("invitation %d: %v", i, err)
			}
		}
		more := meeting("Họp thừa", "")
		if _, err := s.Invite(ctx, clerk, more.ID, []string{"ma-flooded"}); !errors.Is(err, records.ErrInvalid) {
			t.Errorf("invitation %d to one agency: %v", records.MaxOpenInvitations+1, err)
		}
		// Inviting again where it is invited stays a no-op; others still
		// reach the agency's own people.
		if _, err := s.Invite(ctx, clerk, last.ID, []string{"ma-flooded"}); err != nil {
			t.Errorf("inviting again: %v", err)
		}
		if _, err := s.Invite(ctx, clerk, more.ID, []string{"ma-guest", "ma-deputy"}); err != nil {
			t.Errorf("another agency and a colleague: %v", err)
		}
		if got, err := s.InvitationsFor(ctx, fClerk, false); err != nil || len(got) != records.MaxOpenInvitations {
			t.Errorf("the flooded agency lists %d, want %d: %v", len(got), records.MaxOpenInvitations, err)
		}
	})

	t.Run("RepeatsTellOnce", func(t *testing.T) {
		m := meeting("Họp lặp lại", "")
		invs, err := s.Invite(ctx, clerk, m.ID, []string{"ma-guest", "ma-deputy", "ma-leader"})
		if err != nil {
			t.Fatal(err)
		}
		var ag, byName records.Invitation
		for _, i := range invs {
			switch i.Invitee {
			case "ma-guest":
				ag = i
			case "ma-leader":
				byName = i
			}
		}
		// The same answer again tells the organiser nothing new; each
		// distinct answer once.
		for range 3 {
			if _, err := s.Answer(ctx, gClerk, ag.ID, records.AnswerAttend, "", ""); err != nil {
				t.Fatal(err)
			}
		}
		if n := countKind(uncleared, "invitation_answer", m.ID); n != 1 {
			t.Errorf("one answer three times: %d notices, want 1", n)
		}
		s.Answer(ctx, gClerk, ag.ID, records.AnswerDecline, "", "")
		s.Answer(ctx, gClerk, ag.ID, records.AnswerDecline, "", "")
		if n := countKind(uncleared, "invitation_answer", m.ID); n != 2 {
			t.Errorf("a new answer: %d notices, want 2", n)
		}
		// The leader invited by name sends the deputy, invited by name
		// too: the deputy hears of each change once.
		if _, err := s.Answer(ctx, leader, byName.ID, records.AnswerDelegate, "ma-deputy", ""); err != nil {
			t.Fatal(err)
		}
		// The same change made again, or toggled back and forth, is told
		// once for each new place.
		for _, place := range []string{"Phòng 1", "Hội trường", "Phòng 1", "Hội trường", "Phòng 1"} {
			if _, err := s.UpdateMeeting(ctx, clerk, m.ID, records.MeetingPatch{Place: &place}); err != nil {
				t.Fatal(err)
			}
		}
		if n := countKind(gStaff, "meeting_changed", m.ID); n != 2 {
			t.Errorf("a place toggled: the invited agency told %d times, want 2", n)
		}
		if n := countKind(deputy, "meeting_changed", m.ID); n != 2 {
			t.Errorf("a person invited by name and as delegate told of the changes %d times, want 2", n)
		}
		if _, err := s.MeetingReminders(ctx, soon.Add(-20*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if n := countKind(deputy, "meeting_reminder", m.ID); n != 1 {
			t.Errorf("a person invited by name and as delegate reminded %d times, want 1", n)
		}
	})

	t.Run("MeetingTimesBounded", func(t *testing.T) {
		for _, in := range []records.MeetingInput{{Starts: "0000-01-01T00:00"}, {Starts: "9999-12-31T23:59"}, {Starts: "1999-12-31T08:00"},
			{Starts: time.Now().AddDate(6, 0, 0).Format("2006-01-02T15:04")}, {Starts: starts, Ends: "9999-12-31T23:59"}} {
			in.Subject, in.Place = "Giờ lạ", "P"
			if _, err := s.CreateMeeting(ctx, clerk, in); !errors.Is(err, records.ErrInvalid) {
				t.Errorf("made a meeting at %s..%s: %v", in.Starts, in.Ends, err)
			}
		}
		m := meeting("Họp đổi giờ", "")
		for _, p := range []records.MeetingPatch{{Starts: ptr("0000-01-01T00:00")}, {Ends: ptr("9999-12-31T23:59")}, {Ends: ptr(soon.Add(-time.Hour).Format("2006-01-02T15:04"))}} {
			if _, err := s.UpdateMeeting(ctx, clerk, m.ID, p); !errors.Is(err, records.ErrInvalid) {
				t.Errorf("changed to %+v: %v", p, err)
			}
		}
	})

	t.Run("AgendaKeepsItsPapers", func(t *testing.T) {
		m := meeting("Họp có tài liệu", "")
		paper, err := s.Record(ctx, records.Upload{Agency: "ma-org", Bucket: "uploads", Key: "ma/paper.pdf", ETag: "e1", At: at},
			Rec("BC", "7", "BC-UBND", "ỦY BAN NHÂN DÂN XÃ AN HẢI", "Báo cáo cho mục hai"))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.LinkPaper(ctx, clerk, m.ID, paper.Document.ID, 2); err != nil {
			t.Fatal(err)
		}
		for _, agenda := range [][]string{{}, {"Chỉ một"}} {
			_, err := s.UpdateMeeting(ctx, clerk, m.ID, records.MeetingPatch{Agenda: agenda})
			if !errors.Is(err, records.ErrInvalid) || !strings.Contains(err.Error(), "item 2") {
				t.Errorf("agenda %q under a paper of item 2: %v", agenda, err)
			}
		}
		if v, _ := s.MeetingFor(ctx, clerk, m.ID); len(v.Agenda) != 2 || len(v.Papers) != 1 || v.Papers[0].AgendaItem != 2 {
			t.Errorf("after the refusal: agenda %q papers %+v", v.Agenda, v.Papers)
		}
		if err := s.LinkPaper(ctx, clerk, m.ID, paper.Document.ID, 1); err != nil {
			t.Fatal(err)
		}
		if got, err := s.UpdateMeeting(ctx, clerk, m.ID, records.MeetingPatch{Agenda: []string{"Chỉ một"}}); err != nil || len(got.Agenda) != 1 {
			t.Errorf("the agenda cut once the paper moved: %+v %v", got.Agenda, err)
		}
	})

	t.Run("OldNoticesMarkedRead", func(t *testing.T) {
		// 501 distinct answers: the first notice falls past the newest 500.
		m := meeting("Họp nhiều trả lời", "")
		invs, err := s.Invite(ctx, clerk, m.ID, []string{"ma-guest"})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 502 {
			if _, err := s.Answer(ctx, gClerk, invs[0].ID, records.AnswerDelegate, fmt.Sprint("Người số ", i), ""); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				n, ok := noticeOf(uncleared, "invitation_answer", m.ID)
				if !ok {
					t.Fatal("no notice of the first answer")
				}
				defer func(id int64) {
					if err := s.MarkNoticeRead(ctx, uncleared, id); err != nil {
						t.Errorf("an old notice marked read: %v", err)
					}
					if err := s.MarkNoticeRead(ctx, gStaff, id); !errors.Is(err, records.ErrNotFound) {
						t.Errorf("another agency's notice marked read: %v", err)
					}
				}(n.ID)
				// Notices are stamped to the second: the next second's 501
				// are all newer.
				time.Sleep(1100 * time.Millisecond)
			}
		}
		// A secret meeting's notice: not the uncleared colleague's.
		sm := meeting("Họp mật trả lời", "MẬT")
		sinv, err := s.Invite(ctx, clerk, sm.ID, []string{"ma-guest"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Answer(ctx, gClerk, sinv[0].ID, records.AnswerAttend, "", ""); err != nil {
			t.Fatal(err)
		}
		n, ok := noticeOf(deputy, "invitation_answer", sm.ID)
		if !ok {
			t.Fatal("no notice of the secret meeting's answer")
		}
		if err := s.MarkNoticeRead(ctx, uncleared, n.ID); !errors.Is(err, records.ErrNotFound) {
			t.Errorf("an uncleared person marked a secret notice: %v", err)
		}
		if err := s.MarkNoticeRead(ctx, deputy, n.ID); err != nil {
			t.Errorf("a cleared one: %v", err)
		}
	})
}

func ptr[T any](v T) *T { return &v }
