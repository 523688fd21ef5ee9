package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/internal/records"
)

// A clerk makes a meeting and invites another agency; that agency sees
// the invitation and answers; the organiser sees the answer; a paper
// opens for both but not for a third agency; a change of place is told;
// someone else's invitation is not found; bounds are kept.
func TestMeetingsThroughTheAPI(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c, err := f.st.CreateUser(ctx, records.User{Name: "clerk-c", Role: records.RoleClerk, Agency: "c"}, "mat-khau-clerk-c")
	if err != nil {
		t.Fatal(err)
	}
	if f.tokens["clerk-c"], err = f.st.NewToken(ctx, c.ID, records.TokenAPI, time.Hour); err != nil {
		t.Fatal(err)
	}
	js := []string{"Content-Type", "application/json"}
	starts := time.Now().Add(48 * time.Hour).In(vnTime).Format("2006-01-02T15:04")
	body := `{"subject":"Họp giao ban tháng","starts":"` + starts + `","place":"Phòng họp 1","chair":"Chủ tịch UBND xã","agenda":["Kết quả tháng","Nhiệm vụ tháng tới"]}`
	if res, _ := f.do("staff-a", "POST", "/api/v1/meetings", strings.NewReader(body), js...); res.StatusCode != http.StatusForbidden {
		t.Errorf("staff made a meeting: %d", res.StatusCode)
	}
	for _, bad := range []string{`{"subject":"","starts":"` + starts + `","place":"p"}`, `{"subject":"s","starts":"tomorrow","place":"p"}`, `{"subject":"s","starts":"` + starts + `","place":"p","x":1}`} {
		if res, b := f.do("clerk-a", "POST", "/api/v1/meetings", strings.NewReader(bad), js...); res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d %s", bad, res.StatusCode, b)
		}
	}
	res, b := f.do("clerk-a", "POST", "/api/v1/meetings", strings.NewReader(body), js...)
	var m meetingResponse
	json.Unmarshal(b, &m)
	if res.StatusCode != http.StatusCreated || m.ID == 0 || !m.Organiser || len(m.Agenda) != 2 {
		t.Fatalf("create: %d %s", res.StatusCode, b)
	}
	mp := fmt.Sprint("/api/v1/meetings/", m.ID)
	if res, _ := f.do("clerk-b", "GET", mp, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("another agency saw the meeting before it was invited: %d", res.StatusCode)
	}
	many := `{"to":[` + strings.TrimSuffix(strings.Repeat(`"b",`, 201), ",") + `]}`
	if res, _ := f.do("clerk-a", "POST", mp+"/invitations", strings.NewReader(many), js...); res.StatusCode != http.StatusBadRequest {
		t.Errorf("201 invitees: %d", res.StatusCode)
	}
	if res, b := f.do("clerk-a", "POST", mp+"/invitations", strings.NewReader(`{"to":["b"]}`), js...); res.StatusCode != http.StatusOK || !strings.Contains(string(b), `"kind":"agency"`) {
		t.Fatalf("invite: %d %s", res.StatusCode, b)
	}
	// The paper: the organiser's document, opened by the invited only.
	if res, b := f.do("clerk-a", "POST", mp+"/papers", strings.NewReader(fmt.Sprintf(`{"document_id":%d,"agenda_item":1}`, f.docs["a"])), js...); res.StatusCode != http.StatusOK {
		t.Fatalf("link a paper: %d %s", res.StatusCode, b)
	}
	if res, _ := f.do("clerk-a", "POST", mp+"/papers", strings.NewReader(fmt.Sprintf(`{"document_id":%d,"agenda_item":1}`, f.docs["b"])), js...); res.StatusCode != http.StatusBadRequest {
		t.Errorf("another agency's document linked: %d", res.StatusCode)
	}
	file := fmt.Sprintf("%s/papers/%d/file", mp, f.docs["a"])
	for user, want := range map[string]int{"clerk-a": 200, "staff-a": 200, "clerk-b": 200, "clerk-c": 404} {
		if res, _ := f.do(user, "GET", file, nil); res.StatusCode != want {
			t.Errorf("%s opens the paper: %d, want %d", user, res.StatusCode, want)
		}
	}
	if res, _ := f.do("clerk-b", "GET", fmt.Sprintf("%s/papers/%d/file", mp, f.docs["a-mat"]), nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("a document not linked opened as a paper: %d", res.StatusCode)
	}

	// The invited agency answers.
	res, b = f.do("clerk-b", "GET", "/api/v1/invitations", nil)
	var mine myInvitationsResponse
	json.Unmarshal(b, &mine)
	if res.StatusCode != http.StatusOK || len(mine.Invitations) != 1 || mine.Invitations[0].Meeting.Subject != "Họp giao ban tháng" || mine.Invitations[0].Answer != "" {
		t.Fatalf("invitations: %d %s", res.StatusCode, b)
	}
	inv := fmt.Sprint("/api/v1/invitations/", mine.Invitations[0].ID)
	if res, _ := f.do("clerk-c", "POST", inv, strings.NewReader(`{"answer":"attend"}`), js...); res.StatusCode != http.StatusNotFound {
		t.Errorf("a third agency answered: %d", res.StatusCode)
	}
	if res, _ := f.do("clerk-b", "POST", inv, strings.NewReader(`{"answer":"delegate"}`), js...); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a delegate without a name: %d", res.StatusCode)
	}
	if res, b := f.do("clerk-b", "POST", inv, strings.NewReader(`{"answer":"delegate","who":"Phó phòng Trần Thị C","note":"Trưởng phòng bận"}`), js...); res.StatusCode != http.StatusOK {
		t.Fatalf("answer: %d %s", res.StatusCode, b)
	}
	res, b = f.do("clerk-a", "GET", mp, nil)
	json.Unmarshal(b, &m)
	if res.StatusCode != http.StatusOK || len(m.Invitations) != 1 || m.Invitations[0].Answer != "delegate" || m.Invitations[0].Who != "Phó phòng Trần Thị C" || len(m.NotAnswered) != 0 || len(m.Papers) != 1 {
		t.Errorf("the organiser's view: %d %s", res.StatusCode, b)
	}
	res, b = f.do("clerk-b", "GET", mp, nil)
	var seen meetingResponse
	json.Unmarshal(b, &seen)
	if res.StatusCode != http.StatusOK || seen.Organiser || len(seen.Invitations) != 1 {
		t.Errorf("the guest's view: %d %s", res.StatusCode, b)
	}

	// A new place is told; notices are read.
	if res, _ := f.do("clerk-b", "PATCH", mp, strings.NewReader(`{"place":"x"}`), js...); res.StatusCode != http.StatusNotFound {
		t.Errorf("the guest changed the meeting: %d", res.StatusCode)
	}
	if res, b := f.do("leader-a", "PATCH", mp, strings.NewReader(`{"place":"Hội trường lớn"}`), js...); res.StatusCode != http.StatusOK || !strings.Contains(string(b), "Hội trường lớn") {
		t.Fatalf("patch: %d %s", res.StatusCode, b)
	}
	res, b = f.do("clerk-b", "GET", "/api/v1/notices?unread=1", nil)
	var ns noticesResponse
	json.Unmarshal(b, &ns)
	kinds := map[string]int64{}
	for _, n := range ns.Notices {
		kinds[n.Kind] = n.ID
	}
	if res.StatusCode != http.StatusOK || kinds["invitation"] == 0 || kinds["meeting_changed"] == 0 {
		t.Fatalf("notices: %d %s", res.StatusCode, b)
	}
	if res, _ := f.do("clerk-c", "POST", fmt.Sprint("/api/v1/notices/", kinds["invitation"], "/read"), nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("another agency marked the notice read: %d", res.StatusCode)
	}
	if res, _ := f.do("clerk-b", "POST", fmt.Sprint("/api/v1/notices/", kinds["invitation"], "/read"), nil); res.StatusCode != http.StatusNoContent {
		t.Errorf("read: %d", res.StatusCode)
	}
	if _, b := f.do("clerk-b", "GET", "/api/v1/notices?unread=1", nil); strings.Contains(string(b), fmt.Sprint(`"id":`, kinds["invitation"], ",")) {
		t.Errorf("a notice read is still unread: %s", b)
	}
	if res, _ := f.do("clerk-b", "GET", "/api/v1/notices?limit=100000", nil); res.StatusCode != http.StatusBadRequest {
		t.Errorf("an unbounded limit: %d", res.StatusCode)
	}

	// A secret meeting: an agency nothing clears is not invited.
	res, b = f.do("clerk-a-mat", "POST", "/api/v1/meetings", strings.NewReader(`{"subject":"Họp mật","starts":"`+starts+`","place":"P","secrecy":"MẬT"}`), js...)
	var sm meetingResponse
	json.Unmarshal(b, &sm)
	if res.StatusCode != http.StatusCreated || sm.Secrecy != "MẬT" {
		t.Fatalf("a secret meeting: %d %s", res.StatusCode, b)
	}
	if res, _ := f.do("clerk-a-mat", "POST", fmt.Sprint("/api/v1/meetings/", sm.ID, "/invitations"), strings.NewReader(`{"to":["b"]}`), js...); res.StatusCode != http.StatusBadRequest {
		t.Errorf("an uncleared agency invited to a secret meeting: %d", res.StatusCode)
	}
	if res, _ := f.do("clerk-a", "GET", fmt.Sprint("/api/v1/meetings/", sm.ID), nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("an uncleared clerk saw a secret meeting: %d", res.StatusCode)
	}
	// The giấy mời of the fixture made a meeting too, listed with its id.
	gm := f.record("a", "gm-x.pdf", "", "GM")
	res, b = f.do("staff-a", "GET", "/api/v1/meetings", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(b), fmt.Sprint(`"document_id":`, gm)) {
		t.Errorf("meetings: %d %s", res.StatusCode, b)
	}
}
