package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/pipelines/corpus"
)

// The meeting system on vanthu serve: a giấy mời uploaded through the
// API is read and becomes a meeting by itself; its organiser moves it,
// invites a second agency and makes the giấy mời a paper; that agency
// sees the invitation and answers; the organiser sees the answer; the
// paper opens for the invited and not for a third agency.
func TestMeetingFromGiayMoiEndToEnd(t *testing.T) {
	t.Setenv("VANTHU_MINIO_URL", "")
	t.Setenv("VANTHU_DB_URL", "")
	data := t.TempDir()
	orgTok := makeUser(t, data, "vt-org", "clerk", "ubnd-a")
	guestTok := makeUser(t, data, "vt-guest", "clerk", "so-b")
	otherTok := makeUser(t, data, "vt-other", "clerk", "so-c")
	spec := corpus.NewSpec(rand.New(rand.NewPCG(15, 3)), "GM")
	spec.Secrecy = "" // a giấy mời of no secrecy: the secret paths are the API's tests
	pdf, _, err := corpus.RenderPDF(spec)
	if err != nil {
		t.Fatal(err)
	}
	base, serr := startServe(t, data)
	call := bearer(t, base)
	upID, record := uploadRead(t, call, orgTok, "Giấy mời.pdf", pdf, serr)
	if record["doc_type"] != "GM" {
		t.Fatalf("read as %v, not GM", record["doc_type"])
	}
	_, b := call(orgTok, "GET", "/api/v1/meetings", nil, "")
	var list struct {
		Meetings []struct {
			ID         int64  `json:"id"`
			DocumentID int64  `json:"document_id"`
			Starts     string `json:"starts"`
			Place      string `json:"place"`
			Subject    string `json:"subject"`
		} `json:"meetings"`
	}
	json.Unmarshal(b, &list)
	if len(list.Meetings) != 1 || list.Meetings[0].DocumentID != upID || list.Meetings[0].Place == "" || list.Meetings[0].Subject == "" ||
		list.Meetings[0].Starts != spec.MeetingTime.Format("2006-01-02T15:04") {
		t.Fatalf("the meeting of the giấy mời (time %s): %s", spec.MeetingTime.Format("2006-01-02T15:04"), b)
	}
	mp := fmt.Sprint("/api/v1/meetings/", list.Meetings[0].ID)
	// The generated day has passed: the organiser moves the meeting.
	later := time.Now().Add(72 * time.Hour).Format("2006-01-02T15:04")
	if code, b := call(orgTok, "PATCH", mp, strings.NewReader(`{"starts":"`+later+`"}`), "application/json"); code != http.StatusOK {
		t.Fatalf("move: %d %s", code, b)
	}
	if code, b := call(orgTok, "POST", mp+"/invitations", strings.NewReader(`{"to":["so-b"]}`), "application/json"); code != http.StatusOK {
		t.Fatalf("invite: %d %s", code, b)
	}
	if code, b := call(orgTok, "POST", mp+"/papers", strings.NewReader(fmt.Sprintf(`{"document_id":%d,"agenda_item":1}`, upID)), "application/json"); code != http.StatusOK {
		t.Fatalf("paper: %d %s", code, b)
	}
	_, b = call(guestTok, "GET", "/api/v1/invitations", nil, "")
	var mine struct {
		Invitations []struct {
			ID      int64 `json:"id"`
			Meeting struct {
				ID     int64  `json:"id"`
				Starts string `json:"starts"`
			} `json:"meeting"`
		} `json:"invitations"`
	}
	json.Unmarshal(b, &mine)
	if len(mine.Invitations) != 1 || mine.Invitations[0].Meeting.Starts != later {
		t.Fatalf("the guest's invitations: %s", b)
	}
	if code, b := call(guestTok, "POST", fmt.Sprint("/api/v1/invitations/", mine.Invitations[0].ID), strings.NewReader(`{"answer":"attend","who":"Giám đốc Sở"}`), "application/json"); code != http.StatusOK {
		t.Fatalf("answer: %d %s", code, b)
	}
	if code, _ := call(otherTok, "POST", fmt.Sprint("/api/v1/invitations/", mine.Invitations[0].ID), strings.NewReader(`{"answer":"decline"}`), "application/json"); code != http.StatusNotFound {
		t.Errorf("a third agency answered: %d", code)
	}
	_, b = call(orgTok, "GET", mp, nil, "")
	var m struct {
		Invitations []struct {
			Invitee, Answer, Who string
		} `json:"invitations"`
		NotAnswered []string `json:"not_answered"`
		Papers      []struct {
			DocumentID int64 `json:"document_id"`
		} `json:"papers"`
	}
	json.Unmarshal(b, &m)
	if len(m.Invitations) != 1 || m.Invitations[0].Invitee != "so-b" || m.Invitations[0].Answer != "attend" || m.Invitations[0].Who != "Giám đốc Sở" ||
		len(m.NotAnswered) != 0 || len(m.Papers) != 1 {
		t.Errorf("the organiser's view: %s", b)
	}
	file := fmt.Sprintf("%s/papers/%d/file", mp, upID)
	if code, b := call(guestTok, "GET", file, nil, ""); code != http.StatusOK || !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Errorf("the invited open the paper: %d", code)
	}
	for _, path := range []string{file, mp, fmt.Sprint("/api/v1/documents/", upID, "/file")} {
		if code, _ := call(otherTok, "GET", path, nil, ""); code != http.StatusNotFound {
			t.Errorf("a third agency reached %s: %d", path, code)
		}
	}
}
