package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vanthu/vanthu/internal/zalo"
	"github.com/vanthu/vanthu/internal/zalo/zalotest"
	"github.com/vanthu/vanthu/pipelines/corpus"
)

const (
	zaloApp    = "app-1000"
	zaloSecret = "oa-secret-key"
	zaloToken  = "oa-access-token"
)

// zaloPost sends body to the webhook as Zalo does (or with the signature
// given), and returns the status.
func zaloPost(t *testing.T, base string, body []byte, sig string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/webhooks/zalo", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if sig != "" {
		req.Header.Set("X-ZEvent-Signature", sig)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func zaloEvent(name, user, msgID, text string, attachments ...map[string]any) []byte {
	ev := map[string]any{"app_id": zaloApp, "event_name": name, "timestamp": fmt.Sprint(time.Now().UnixMilli()),
		"sender": map[string]string{"id": user}, "recipient": map[string]string{"id": "oa-1"},
		"message": map[string]any{"msg_id": msgID, "text": text, "attachments": attachments}}
	b, _ := json.Marshal(ev)
	return b
}

func signed(body []byte) string {
	var ev struct {
		Timestamp string `json:"timestamp"`
	}
	json.Unmarshal(body, &ev)
	return "mac=" + zalo.Sign(zaloApp, body, ev.Timestamp, zaloSecret)
}

func makeUser(t *testing.T, data, name, role, agency string) string {
	t.Helper()
	ctx := context.Background()
	var out, errb bytes.Buffer
	if code := run(ctx, []string{"admin", "create-user", "--data", data, "--name", name, "--role", role, "--agency", agency}, &out, &errb); code != 0 {
		t.Fatalf("create-user: %s", errb.String())
	}
	out.Reset()
	if code := run(ctx, []string{"admin", "token", "--data", data, "--user", name}, &out, &errb); code != 0 {
		t.Fatalf("token: %s", errb.String())
	}
	return strings.TrimSpace(out.String())
}

type caseView struct {
	Case struct {
		ID       int64  `json:"id"`
		Code     string `json:"code"`
		Agency   string `json:"agency"`
		Topic    string `json:"topic"`
		Status   string `json:"status"`
		CanReply bool   `json:"can_reply"`
	} `json:"case"`
	Messages []struct {
		ID             int64  `json:"id"`
		Direction      string `json:"direction"`
		Kind           string `json:"kind"`
		Text           string `json:"text"`
		HasFile        bool   `json:"has_file"`
		AttachmentText string `json:"attachment_text"`
		Refused        string `json:"refused"`
	} `json:"messages"`
}

// A citizen's text and photo over Zalo, signed as Zalo signs them,
// through vanthu serve: a case routed to the transport department,
// acknowledged with its code, the photo of a paper read; the
// department's reply delivered to the (stand-in) OA API; the citizen's
// status query answered. Forged, malformed, unknown, repeated and
// off-host events are each met as they should be.
func TestZaloFeedbackEndToEnd(t *testing.T) {
	data := t.TempDir()
	oa := zalotest.New(zaloToken)
	defer oa.Close()
	src := t.TempDir()
	if err := corpus.Generate(context.Background(), src, corpus.Options{N: 1, Seed: 11, Formats: []string{"png"}}); err != nil {
		t.Fatal(err)
	}
	scans, _ := filepath.Glob(filepath.Join(src, "*.png"))
	scan, _ := os.ReadFile(scans[0])
	photoURL := oa.Media("giay-to.png", "image/png", scan)

	clerk := makeUser(t, data, "vt-tp", "clerk", "ubnd-tp")
	gtvt := makeUser(t, data, "cv-gtvt", "staff", "so-gtvt")
	xd := makeUser(t, data, "cv-xd", "staff", "so-xd")
	addr := freeAddr(t)
	p := spawn(t, data, addr, []string{"VANTHU_ZALO_APP_ID=" + zaloApp, "VANTHU_ZALO_SECRET=" + zaloSecret, "VANTHU_ZALO_AGENCY=ubnd-tp",
		"VANTHU_ZALO_ACCESS_TOKEN=" + zaloToken, "VANTHU_ZALO_API_URL=" + oa.URL, "VANTHU_ZALO_MEDIA_HOSTS=127.0.0.1"}, "--reconcile", "500ms")
	inbox := filepath.Join(data, "objects", "uploads", "vanthu", "feedback", "in")
	kept := func() int { fs, _ := filepath.Glob(filepath.Join(inbox, "*.json")); return len(fs) }

	text := zaloEvent(zalo.SendText, "zu-100", "msg-1", "duong Le Loi p.3 co o ga rat lon, toi qua xe may te nga lien tuc, de nghi so giao thong sua gap")
	if code := zaloPost(t, p.base, text, "mac="+strings.Repeat("0", 64)); code != http.StatusUnauthorized {
		t.Errorf("forged signature: %d", code)
	}
	if code := zaloPost(t, p.base, text, ""); code != http.StatusUnauthorized {
		t.Errorf("no signature: %d", code)
	}
	if kept() != 0 {
		t.Fatal("a forged event was kept")
	}
	if code := zaloPost(t, p.base, []byte(`{"app_id":`), "mac=00"); code != http.StatusBadRequest {
		t.Errorf("malformed: %d", code)
	}
	unknown := zaloEvent("oa_send_text", "zu-100", "msg-x", "")
	if code := zaloPost(t, p.base, unknown, signed(unknown)); code != http.StatusOK {
		t.Errorf("an unknown event: %d", code)
	}
	var stale map[string]any
	json.Unmarshal(zaloEvent(zalo.SendText, "zu-100", "msg-old", "cu"), &stale)
	stale["timestamp"] = fmt.Sprint(time.Now().Add(-time.Hour).UnixMilli())
	old, _ := json.Marshal(stale)
	if code := zaloPost(t, p.base, old, signed(old)); code != http.StatusUnauthorized {
		t.Errorf("an hour-old event: %d", code)
	}
	// The same event ten times at once.
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			if code := zaloPost(t, p.base, text, signed(text)); code != http.StatusOK {
				t.Errorf("signed text: %d", code)
			}
		})
	}
	wg.Wait()

	c := &client{t: t, base: p.base, token: clerk}
	var id int64
	for deadline := time.Now().Add(time.Minute); id == 0 && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		_, b, _ := c.call("GET", "/api/v1/feedback", nil, "")
		var l struct {
			Cases []struct {
				ID     int64  `json:"id"`
				Status string `json:"status"`
			} `json:"cases"`
		}
		json.Unmarshal(b, &l)
		if len(l.Cases) > 0 && l.Cases[0].Status == "assigned" {
			id = l.Cases[0].ID
		}
	}
	if id == 0 {
		t.Fatalf("no routed case; log:\n%s", p.tail())
	}
	view := func(tok string) (int, caseView) {
		cc := &client{t: t, base: p.base, token: tok}
		code, b, _ := cc.call("GET", fmt.Sprint("/api/v1/feedback/", id), nil, "")
		var v caseView
		json.Unmarshal(b, &v)
		return code, v
	}
	_, v := view(clerk)
	if v.Case.Agency != "so-gtvt" || v.Case.Topic != "giao-thong" || !strings.HasPrefix(v.Case.Code, "PA-") {
		t.Errorf("routed: %+v", v.Case)
	}
	in := 0
	for _, m := range v.Messages {
		if m.Direction == "in" {
			in++
		}
	}
	if in != 1 {
		t.Errorf("the event sent ten times is %d messages", in)
	}
	if sent := oa.Sent(); len(sent) != 1 || sent[0].UserID != "zu-100" || !strings.Contains(sent[0].Text, v.Case.Code) {
		t.Errorf("acknowledgement: %+v (refused: %v)", sent, oa.Bad())
	}
	// A photo of a paper, and one from a host that is not Zalo's.
	photo := zaloEvent(zalo.SendImage, "zu-100", "msg-2", "anh giay to dinh kem", map[string]any{"type": "image", "payload": map[string]string{"url": photoURL}})
	evil := zaloEvent(zalo.SendImage, "zu-100", "msg-3", "", map[string]any{"type": "image", "payload": map[string]string{"url": "https://evil.example/a.jpg"}})
	for _, b := range [][]byte{photo, evil} {
		if code := zaloPost(t, p.base, b, signed(b)); code != http.StatusOK {
			t.Errorf("image event: %d", code)
		}
	}
	var read, refused bool
	for deadline := time.Now().Add(2 * time.Minute); !(read && refused) && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		_, v = view(clerk)
		read, refused = false, false
		for _, m := range v.Messages {
			read = read || m.HasFile && len([]rune(m.AttachmentText)) > 50
			refused = refused || strings.Contains(m.Refused, "not one of Zalo's hosts")
		}
	}
	if !read || !refused {
		t.Fatalf("attachments: read %v, refused %v: %+v\n%s", read, refused, v.Messages, p.tail())
	}
	// The department it went to replies; another department never sees it.
	if code, _ := view(xd); code != http.StatusNotFound {
		t.Errorf("another department reads the case: %d", code)
	}
	g := &client{t: t, base: p.base, token: gtvt}
	code, b, _ := g.call("POST", fmt.Sprint("/api/v1/feedback/", id, "/reply"), strings.NewReader(`{"text": "Sở GTVT đã cử đội duy tu vá ổ gà trên đường Lê Lợi trong tuần này."}`), "application/json")
	if code != http.StatusOK {
		t.Fatalf("reply: %d %s", code, b)
	}
	sent := oa.Sent()
	if len(sent) != 2 || !strings.Contains(sent[1].Text, "vá ổ gà") || sent[1].UserID != "zu-100" {
		t.Errorf("reply delivered: %+v", sent)
	}
	// The citizen asks for the status with the code.
	ask := zaloEvent(zalo.SendText, "zu-100", "msg-4", strings.ToLower(v.Case.Code)+" sao roi a")
	zaloPost(t, p.base, ask, signed(ask))
	for deadline := time.Now().Add(time.Minute); len(oa.Sent()) < 3 && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
	}
	if sent := oa.Sent(); len(sent) < 3 || !strings.Contains(sent[2].Text, v.Case.Code) || !strings.Contains(sent[2].Text, "đã có trả lời") {
		t.Errorf("status answer: %+v", sent)
	}
	if p.exited() {
		t.Fatalf("serve died:\n%s", p.tail())
	}
	if b, _ := os.ReadFile(filepath.Join(data, "serve.log")); bytes.Contains(b, []byte("Lê Lợi")) || bytes.Contains(b, []byte("Le Loi")) {
		t.Error("a citizen's message reached the log")
	}
}

// A restart in the middle loses no event and duplicates none: serve is
// killed (SIGKILL) while citizens' events come in; what Zalo was told
// 200 for is in the inbox and processed after the restart, what it was
// not told 200 for it sends again (as Zalo retries).
func TestZaloRestartLosesNone(t *testing.T) {
	data := t.TempDir()
	oa := zalotest.New(zaloToken)
	defer oa.Close()
	clerk := makeUser(t, data, "vt-tp", "clerk", "ubnd-tp")
	addr := freeAddr(t)
	env := []string{"VANTHU_ZALO_APP_ID=" + zaloApp, "VANTHU_ZALO_SECRET=" + zaloSecret, "VANTHU_ZALO_AGENCY=ubnd-tp",
		"VANTHU_ZALO_ACCESS_TOKEN=" + zaloToken, "VANTHU_ZALO_API_URL=" + oa.URL}
	p := spawn(t, data, addr, env, "--reconcile", "300ms")
	const n = 60
	bodies := make([][]byte, n)
	for i := range bodies {
		bodies[i] = zaloEvent(zalo.SendText, fmt.Sprint("zu-", i), fmt.Sprint("m-", i), fmt.Sprintf("nha so %d duong Tran Phu mat nuoc tu sang, xin cho biet bao gio co nuoc", i))
	}
	post := func(base string, from, to int) {
		var wg sync.WaitGroup
		for i := from; i < to; i++ {
			wg.Go(func() {
				for code := 0; code != http.StatusOK; {
					code = zaloPost(t, base, bodies[i], signed(bodies[i])) // Zalo retries what is not 200
				}
			})
		}
		wg.Wait()
	}
	post(p.base, 0, n/2)
	// Answered 200, then the node dies before it has worked through them.
	p.kill()
	in, _ := filepath.Glob(filepath.Join(data, "objects", "uploads", "vanthu", "feedback", "in", "*.json"))
	done, _ := filepath.Glob(filepath.Join(data, "objects", "uploads", "vanthu", "feedback", "done", "*.json"))
	t.Logf("at the kill: %d events kept, %d processed", len(in), len(done))
	if len(in) != n/2 {
		t.Fatalf("%d events kept of the %d answered 200", len(in), n/2)
	}
	p = spawn(t, data, addr, env, "--reconcile", "300ms")
	post(p.base, n/2, n)
	post(p.base, 0, n/2) // and Zalo's retries of what was taken: no new messages
	c := &client{t: t, base: p.base, token: clerk}
	var got int
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		_, b, _ := c.call("GET", "/api/v1/feedback?limit=500", nil, "")
		var l struct {
			Cases []struct {
				ID int64 `json:"id"`
			} `json:"cases"`
		}
		json.Unmarshal(b, &l)
		if got = len(l.Cases); got == n {
			break
		}
	}
	if got != n {
		t.Fatalf("%d of %d citizens' events became cases after the restart:\n%s", got, n, p.tail())
	}
	// Each once: sent again after the restart, the answered ones stay one message.
	ids := map[int64]bool{}
	_, b, _ := c.call("GET", "/api/v1/feedback?limit=500", nil, "")
	var l struct {
		Cases []struct {
			ID int64 `json:"id"`
		} `json:"cases"`
	}
	json.Unmarshal(b, &l)
	for _, x := range l.Cases {
		_, b, _ := c.call("GET", fmt.Sprint("/api/v1/feedback/", x.ID), nil, "")
		var v caseView
		json.Unmarshal(b, &v)
		in := 0
		for _, m := range v.Messages {
			if m.Direction == "in" {
				in++
			}
		}
		if in != 1 {
			t.Errorf("case %s has %d citizen messages", v.Case.Code, in)
		}
		ids[x.ID] = true
	}
	if len(ids) != n {
		t.Errorf("%d distinct cases", len(ids))
	}
}
