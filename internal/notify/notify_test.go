package notify

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vanthu/vanthu/internal/records"
)

// smtpServer is a stand-in speaking enough SMTP: it keeps each message's
// data, and refuses recipients whose address says "reject".
type smtpServer struct {
	ln   net.Listener
	mu   sync.Mutex
	msgs []string
}

func newSMTPServer(t *testing.T) *smtpServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpServer) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(l string) { io.WriteString(c, l+"\r\n") }
	say("220 stand-in ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250-stand-in")
			say("250 8BITMIME")
		case strings.HasPrefix(cmd, "RCPT") && strings.Contains(cmd, "REJECT"):
			say("550 no such mailbox")
		case strings.HasPrefix(cmd, "DATA"):
			say("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			s.mu.Lock()
			s.msgs = append(s.msgs, b.String())
			s.mu.Unlock()
			say("250 queued")
		case strings.HasPrefix(cmd, "QUIT"):
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func (s *smtpServer) messages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.msgs...)
}

// A notice goes out once by e-mail and once by ZNS; a failure that may
// pass is tried again after its backoff, a refusal is not; running again
// sends nothing twice.
func TestOutboxDeliversOnce(t *testing.T) {
	ctx := context.Background()
	st, err := records.OpenSQLite(ctx, filepath.Join(t.TempDir(), "vanthu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, e := range []records.DirectoryEntry{{Code: "org", Name: "UBND HUYỆN A", Kind: records.KindAgency}, {Code: "guest", Name: "SỞ B", Kind: records.KindAgency}} {
		if err := st.PutDirectoryEntry(ctx, records.Operator, e); err != nil {
			t.Fatal(err)
		}
	}
	clerk, err := st.CreateUser(ctx, records.User{Name: "clerk", Role: records.RoleClerk, Agency: "org"}, "mat-khau-dai-1")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []records.User{
		{Name: "an", Role: records.RoleStaff, Agency: "guest", Email: "an@so-b.gov.vn", ZaloID: "0912 345 678"},
		{Name: "binh", Role: records.RoleClerk, Agency: "guest", Email: "reject@so-b.gov.vn"},
	} {
		if _, err := st.CreateUser(ctx, u, "mat-khau-dai-1"); err != nil {
			t.Fatal(err)
		}
	}
	m, err := st.CreateMeeting(ctx, clerk, records.MeetingInput{Subject: "Họp giao ban quý I", Starts: time.Now().Add(72 * time.Hour).Format(time.RFC3339), Place: "Phòng 1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Invite(ctx, clerk, m.ID, []string{"guest"}); err != nil {
		t.Fatal(err)
	}

	mail := newSMTPServer(t)
	var mu sync.Mutex
	var posts []map[string]any
	fail := 1
	zns := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.Header.Get("access_token") != "tok" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if fail > 0 {
			fail--
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		posts = append(posts, body)
		io.WriteString(w, `{"error":0,"message":"Success","data":{"msg_id":"1"}}`)
	}))
	defer zns.Close()

	now := time.Now().Add(time.Second) // after the rows' first time
	o := &Outbox{Records: st, BaseURL: "https://vanthu.example.vn", Backoff: time.Minute, Now: func() time.Time { return now },
		Channels: []Channel{&SMTP{Addr: mail.ln.Addr().String(), From: "vanthu@ubnd-a.gov.vn"}, &ZNS{URL: zns.URL, Token: "tok", Template: "t-1"}}}
	n, err := o.Run(ctx)
	if err != nil || n != 1 {
		t.Fatalf("first run: %d sent, %v", n, err)
	}
	msgs := mail.messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0], "To: <an@so-b.gov.vn>") && !strings.Contains(msgs[0], "an@so-b.gov.vn") ||
		!strings.Contains(msgs[0], "Subject: =?utf-8?q?") || !strings.Contains(msgs[0], "https://vanthu.example.vn/#/cuoc-hop/") {
		t.Errorf("e-mail: %q", msgs)
	}
	if n, _ := o.Run(ctx); n != 0 {
		t.Errorf("before the backoff: %d sent", n)
	}
	now = now.Add(2 * time.Minute)
	if n, err := o.Run(ctx); n != 1 || err != nil {
		t.Errorf("the retry: %d %v", n, err)
	}
	now = now.Add(24 * time.Hour)
	if n, _ := o.Run(ctx); n != 0 || len(mail.messages()) != 1 {
		t.Errorf("sent again: %d, %d e-mails", n, len(mail.messages()))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(posts) != 1 || posts[0]["phone"] != "84912345678" || posts[0]["template_id"] != "t-1" || !strings.HasPrefix(posts[0]["tracking_id"].(string), "vanthu-") {
		t.Errorf("ZNS: %+v", posts)
	}
	data, _ := posts[0]["template_data"].(map[string]any)
	if s, _ := data["subject"].(string); !strings.Contains(s, "Họp giao ban quý I") {
		t.Errorf("ZNS data: %+v", data)
	}
}

func TestZNSPhone(t *testing.T) {
	for in, want := range map[string]string{"0912345678": "84912345678", "+84 912 345 678": "84912345678", "abc": "", "12": "", "84912345678": "84912345678"} {
		if got := znsPhone(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
