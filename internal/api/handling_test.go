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

// A leader directs a received document to a unit; its staff finds it in
// "my work", notes progress and finishes it; every step is in the
// handling's history; another agency reaches none of it; reminders are
// sent once.
func TestHandlingThroughTheAPI(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if err := f.st.PutAgency(ctx, records.Agency{Code: "a.kt", Name: "Phòng Kinh tế", Parent: "a"}); err != nil {
		t.Fatal(err)
	}
	kt, err := f.st.CreateUser(ctx, records.User{Name: "staff-kt", Role: records.RoleStaff, Agency: "a", Unit: "a.kt"}, "mat-khau-staff-kt")
	if err != nil {
		t.Fatal(err)
	}
	if f.tokens["staff-kt"], err = f.st.NewToken(ctx, kt.ID, records.TokenAPI, time.Hour); err != nil {
		t.Fatal(err)
	}
	id := f.docs["a"]
	doc := fmt.Sprint("/api/v1/documents/", id)
	if res, _ := f.do("staff-a", "POST", doc+"/direction", strings.NewReader(`{"main_unit":"a.kt"}`), "Content-Type", "application/json"); res.StatusCode != http.StatusForbidden {
		t.Errorf("staff directed: %d", res.StatusCode)
	}
	if res, _ := f.do("clerk-b", "GET", doc+"/handling", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("another agency reads the handling: %d", res.StatusCode)
	}
	due := time.Now().In(vnTime).AddDate(0, 0, 1).Format(time.DateOnly) // the office's day
	res, b := f.do("leader-a", "POST", doc+"/direction", strings.NewReader(`{"main_unit":"a.kt","deadline":"`+due+`","note":"Phòng KT chủ trì"}`), "Content-Type", "application/json")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("direct: %d %s", res.StatusCode, b)
	}
	res, b = f.do("staff-kt", "GET", "/api/v1/my-work", nil)
	var work myWorkResponse
	json.Unmarshal(b, &work)
	if res.StatusCode != http.StatusOK || len(work.Items) != 1 || work.Items[0].DocumentID != id || !work.Items[0].SoonDue || work.Items[0].Due != due {
		t.Fatalf("my work: %d %s", res.StatusCode, b)
	}
	for _, step := range []string{`{"action":"progress","note":"đang làm"}`, `{"action":"finish","note":"đã xong"}`} {
		if res, b := f.do("staff-kt", "POST", doc+"/handling", strings.NewReader(step), "Content-Type", "application/json"); res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", step, res.StatusCode, b)
		}
	}
	res, b = f.do("clerk-a", "GET", doc+"/handling", nil)
	var h handlingResponse
	json.Unmarshal(b, &h)
	var acts []string
	for _, s := range h.Steps {
		acts = append(acts, s.Action)
	}
	if res.StatusCode != http.StatusOK || h.Handling.Status != "done" || h.Handling.Result != "đã xong" || strings.Join(acts, ",") != "directed,progress,finished" {
		t.Errorf("handling: %d %s", res.StatusCode, b)
	}
	if _, b := f.do("staff-kt", "GET", "/api/v1/my-work", nil); strings.Contains(string(b), fmt.Sprint(`"document_id":`, id)) {
		t.Errorf("finished work still listed: %s", b)
	}
	// Another document, due tomorrow: one reminder, not two.
	other := f.record("a", "a-2.pdf", "", "CV")
	f.do("leader-a", "POST", fmt.Sprint("/api/v1/documents/", other, "/direction"), strings.NewReader(`{"main_user":"staff-kt","deadline":"`+due+`"}`), "Content-Type", "application/json")
	var told []records.Reminder
	f.api.Reminders = func(_ context.Context, r records.Reminder) { told = append(told, r) }
	n1, err := f.api.SendReminders(ctx)
	n2, _ := f.api.SendReminders(ctx)
	if err != nil || n1 != 1 || n2 != 0 || len(told) != 1 || told[0].Handling.DocumentID != other || told[0].Kind != "soon" {
		t.Errorf("reminders: %d then %d, %+v %v", n1, n2, told, err)
	}
}
