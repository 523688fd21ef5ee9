// Package zalotest is a local stand-in for Zalo: the OA message API,
// which checks each request against the documented shape, and the media
// host attachments are downloaded from. Zalo itself cannot be reached from
// where Vanthu is built and tested.
package zalotest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/vanthu/vanthu/internal/zalo"
)

// Sent is one message the stand-in took.
type Sent struct {
	UserID, Text, MessageID string
}

// Server is the stand-in.
type Server struct {
	*httptest.Server
	Token string // the access token it expects

	mu     sync.Mutex
	sent   []Sent
	bad    []string
	media  map[string][]byte // path → body
	mtype  map[string]string
	failAs int // a non-zero Zalo error code to answer with
}

// New starts a stand-in that expects token.
func New(token string) *Server {
	s := &Server{Token: token, media: map[string][]byte{}, mtype: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v3.0/oa/message/cs", s.send)
	mux.HandleFunc("GET /media/", s.file)
	s.Server = httptest.NewServer(mux)
	return s
}

// Media serves body at /media/name with the content type.
func (s *Server) Media(name, contentType string, body []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.media["/media/"+name] = body
	s.mtype["/media/"+name] = contentType
	return s.URL + "/media/" + name
}

// FailWith makes the API answer every request with Zalo error code.
func (s *Server) FailWith(code int) {
	s.mu.Lock()
	s.failAs = code
	s.mu.Unlock()
}

// Sent are the messages taken, in order.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// Bad are the requests refused for their shape, with the reason.
func (s *Server) Bad() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bad...)
}

func (s *Server) answer(w http.ResponseWriter, code int, msg string, data any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"error": code, "message": msg, "data": data})
}

func (s *Server) send(w http.ResponseWriter, r *http.Request) {
	refuse := func(code int, why string) {
		s.mu.Lock()
		s.bad = append(s.bad, why)
		s.mu.Unlock()
		s.answer(w, code, why, nil)
	}
	if r.Header.Get("access_token") != s.Token || s.Token == "" {
		refuse(-216, "Access token is invalid")
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		refuse(-201, "Content-Type "+ct)
		return
	}
	var in struct {
		Recipient struct {
			UserID string `json:"user_id"`
		} `json:"recipient"`
		Message struct {
			Text string `json:"text"`
		} `json:"message"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		refuse(-201, "body: "+err.Error())
		return
	}
	switch {
	case in.Recipient.UserID == "":
		refuse(-201, "recipient.user_id is missing")
		return
	case in.Message.Text == "" || utf8.RuneCountInString(in.Message.Text) > zalo.MaxReply:
		refuse(-201, fmt.Sprintf("message.text of %d characters", utf8.RuneCountInString(in.Message.Text)))
		return
	}
	s.mu.Lock()
	if s.failAs != 0 {
		code := s.failAs
		s.mu.Unlock()
		s.answer(w, code, "refused by the stand-in", nil)
		return
	}
	id := fmt.Sprintf("msg-%d", len(s.sent)+1)
	s.sent = append(s.sent, Sent{UserID: in.Recipient.UserID, Text: in.Message.Text, MessageID: id})
	s.mu.Unlock()
	s.answer(w, 0, "Success", map[string]string{"message_id": id, "user_id": in.Recipient.UserID})
}

func (s *Server) file(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	body, ok := s.media[r.URL.Path]
	ct := s.mtype[r.URL.Path]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Write(body)
}
