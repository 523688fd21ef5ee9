package zalo_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/internal/zalo"
	"github.com/vanthu/vanthu/internal/zalo/zalotest"
)

// The MAC is SHA-256 of app id, body, timestamp and secret (checked
// against Python's hashlib).
func TestSignVerify(t *testing.T) {
	body := []byte(`{"a":1}`)
	if got := zalo.Sign("app1", body, "1700000000000", "secret"); got != "7922818691670026e446b17e14a82f7510bdf379925f456e4d6e6ec96a19c2ef" {
		t.Fatalf("mac %s", got)
	}
	h := "mac=7922818691670026e446b17e14a82f7510bdf379925f456e4d6e6ec96a19c2ef"
	if !zalo.Verify(h, "app1", body, "1700000000000", "secret") {
		t.Error("a good signature refused")
	}
	for _, c := range []struct {
		h, app, ts, secret string
		body               []byte
	}{
		{h, "app2", "1700000000000", "secret", body},
		{h, "app1", "1700000000001", "secret", body},
		{h, "app1", "1700000000000", "other", body},
		{h, "app1", "1700000000000", "secret", []byte(`{"a":2}`)},
		{"7922818691670026e446b17e14a82f7510bdf379925f456e4d6e6ec96a19c2ef", "app1", "1700000000000", "secret", body},
		{"mac=", "app1", "1700000000000", "secret", body},
		{h, "app1", "1700000000000", "", body},
	} {
		if zalo.Verify(c.h, c.app, c.body, c.ts, c.secret) {
			t.Errorf("forged accepted: %+v", c)
		}
	}
}

func TestParse(t *testing.T) {
	e, err := zalo.Parse([]byte(`{"app_id":"1","event_name":"user_send_text","timestamp":"1700000000000","sender":{"id":"u1"},"recipient":{"id":"oa"},"message":{"msg_id":"m1","text":"xin chao"}}`))
	if err != nil || e.Message.Text != "xin chao" || e.User() != "u1" || e.Key() != "m-m1" {
		t.Fatalf("%+v %v", e, err)
	}
	for _, bad := range []string{`{`, `{"event_name":"user_send_text","timestamp":"x"}`, `{"event_name":"user_send_text","timestamp":"1"}`,
		`{"event_name":"user_send_text","timestamp":"1","sender":{"id":"u"},"message":{"msg_id":"m","text":"` + strings.Repeat("a", 4001) + `"}}`, "\xff"} {
		if _, err := zalo.Parse([]byte(bad)); !errors.Is(err, zalo.ErrBad) {
			t.Errorf("taken: %.60q", bad)
		}
	}
}

func TestMediaURL(t *testing.T) {
	for _, ok := range []string{"https://f21-zpc.zdn.vn/a/b.jpg", "https://zalo.me/x", "http://127.0.0.1:9/media/a.jpg"} {
		if _, err := zalo.MediaURL(ok, append(zalo.DefaultMediaHosts, "127.0.0.1")); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"https://evil.example/a.jpg", "https://zdn.vn.evil.example/a", "http://f21.zdn.vn/a.jpg", "file:///etc/passwd", "https://u:p@zdn.vn/a", "http://169.254.169.254/"} {
		if _, err := zalo.MediaURL(bad, zalo.DefaultMediaHosts); err == nil {
			t.Errorf("%s taken", bad)
		}
	}
}

func TestClientAgainstTheStandIn(t *testing.T) {
	s := zalotest.New("tok")
	defer s.Close()
	c := &zalo.Client{API: s.URL, Token: "tok"}
	ctx := context.Background()
	id, err := c.SendText(ctx, "u1", "Phản ánh của bạn đã được tiếp nhận", time.Now())
	if err != nil || id == "" || len(s.Sent()) != 1 || s.Sent()[0].UserID != "u1" {
		t.Fatalf("%q %v %+v %v", id, err, s.Sent(), s.Bad())
	}
	if _, err := c.SendText(ctx, "u1", "x", time.Now().Add(-49*time.Hour)); !errors.Is(err, zalo.ErrWindow) {
		t.Errorf("past the window: %v", err)
	}
	if _, err := c.SendText(ctx, "u1", strings.Repeat("a", 2001), time.Now()); err == nil {
		t.Error("a reply too long was sent")
	}
	var apiErr *zalo.APIError
	if _, err := (&zalo.Client{API: s.URL, Token: "wrong"}).SendText(ctx, "u1", "x", time.Now()); !errors.As(err, &apiErr) || apiErr.Code != -216 {
		t.Errorf("a wrong token: %v", err)
	}
	s.FailWith(-213)
	if _, err := c.SendText(ctx, "u1", "x", time.Now()); !errors.As(err, &apiErr) || apiErr.Code != -213 {
		t.Errorf("an error answer: %v", err)
	}
}
