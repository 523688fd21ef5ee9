package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
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
	call := func(tok, method, path string, body io.Reader, ctype string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, body)
		req.Header.Set("Authorization", "Bearer "+tok)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, nil
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "Giấy mời.pdf")
	fw.Write(pdf)
	mw.Close()
	code, b := call(orgTok, "POST", "/api/v1/documents", &body, mw.FormDataContentType())
	var up struct{ ID int64 }
	json.Unmarshal(b, &up)
	if code != http.StatusAccepted || up.ID == 0 {
		t.Fatalf("upload: %d %s", code, b)
	}
	var doc struct {
		Status string
		Record map[string]any
	}
	for deadline := time.Now().Add(5 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		_, b = call(orgTok, "GET", fmt.Sprint("/api/v1/documents/", up.ID), nil, "")
		doc.Status = ""
		json.Unmarshal(b, &doc)
		if doc.Status != "received" || time.Now().After(deadline) {
			break
		}
	}
	if doc.Status != "registered" && doc.Status != "review" || doc.Record["doc_type"] != "GM" {
		t.Fatalf("the giấy mời: %s\nlog: %s", b, serr.String())
	}
	_, b = call(orgTok, "GET", "/api/v1/meetings", nil, "")
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
	if len(list.Meetings) != 1 || list.Meetings[0].DocumentID != up.ID || list.Meetings[0].Place == "" || list.Meetings[0].Subject == "" ||
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
	if code, b := call(orgTok, "POST", mp+"/papers", strings.NewReader(fmt.Sprintf(`{"document_id":%d,"agenda_item":1}`, up.ID)), "application/json"); code != http.StatusOK {
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
	file := fmt.Sprintf("%s/papers/%d/file", mp, up.ID)
	if code, b := call(guestTok, "GET", file, nil, ""); code != http.StatusOK || !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Errorf("the invited open the paper: %d", code)
	}
	for _, path := range []string{file, mp, fmt.Sprint("/api/v1/documents/", up.ID, "/file")} {
		if code, _ := call(otherTok, "GET", path, nil, ""); code != http.StatusNotFound {
			t.Errorf("a third agency reached %s: %d", path, code)
		}
	}
}
