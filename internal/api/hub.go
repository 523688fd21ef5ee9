package api

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/vanthu/vanthu/internal/records"
)

type keyCtxKey struct{}

// keyOf is the API key a request came with (0: a person's token).
func keyOf(r *http.Request) int64 {
	id, _ := r.Context().Value(keyCtxKey{}).(int64)
	return id
}

type createKeyRequest struct {
	System string `json:"system"`
	Scope  string `json:"scope" enum:"read,write"`
}

type apiKeyJSON struct {
	ID        int64  `json:"id"`
	System    string `json:"system"`
	Scope     string `json:"scope"`
	CreatedBy string `json:"created_by"`
	CreatedAt string `json:"created_at"`
	RevokedAt string `json:"revoked_at"`
	Key       string `json:"key,omitempty"` // shown once, at creation
}

type apiKeysResponse struct {
	Keys []apiKeyJSON `json:"keys"`
}

type subscribeRequest struct {
	URL   string   `json:"url"`
	Types []string `json:"types"`
}

type subscriptionJSON struct {
	ID     int64    `json:"id"`
	URL    string   `json:"url"`
	Types  []string `json:"types"`
	Secret string   `json:"secret,omitempty"` // shown once: deliveries are signed with it
}

type deliveryJSON struct {
	EventID   string `json:"event_id"`
	Type      string `json:"type"`
	Attempts  int    `json:"attempts"`
	LastError string `json:"last_error"`
}

type deadResponse struct {
	Dead []deliveryJSON `json:"dead"`
}

type replayResponse struct {
	Replayed int `json:"replayed"`
}

func keyJSONOf(k records.APIKey) apiKeyJSON {
	return apiKeyJSON{ID: k.ID, System: k.System, Scope: k.Scope, CreatedBy: k.CreatedBy, CreatedAt: stampOrEmpty(k.CreatedAt), RevokedAt: stampOrEmpty(k.RevokedAt)}
}

func (s *Server) createKey(w http.ResponseWriter, r *http.Request) {
	var in createKeyRequest
	if err := jsonBody(w, r, &in); err != nil {
		writeError(w, http.StatusBadRequest, `send {"system": "…", "scope": "read" | "write"}`)
		return
	}
	k, secret, err := s.Records.CreateAPIKey(r.Context(), UserOf(r), in.System, in.Scope)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := keyJSONOf(k)
	out.Key = secret
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) listKeys(w http.ResponseWriter, r *http.Request) {
	ks, err := s.Records.APIKeys(r.Context(), UserOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := apiKeysResponse{Keys: []apiKeyJSON{}}
	for _, k := range ks {
		out.Keys = append(out.Keys, keyJSONOf(k))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = s.Records.RevokeAPIKey(r.Context(), UserOf(r), id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) subscribe(w http.ResponseWriter, r *http.Request) {
	var in subscribeRequest
	if err := jsonBody(w, r, &in); err != nil {
		writeError(w, http.StatusBadRequest, `send {"url": "https://…", "types": [event types]}`)
		return
	}
	sub, secret, err := s.Records.Subscribe(r.Context(), UserOf(r), keyOf(r), in.URL, in.Types)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, subscriptionJSON{ID: sub.ID, URL: sub.URL, Types: sub.Types, Secret: secret})
}

func (s *Server) deadLetters(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ds, err := s.Records.DeadDeliveries(r.Context(), keyOf(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := deadResponse{Dead: []deliveryJSON{}}
	for _, d := range ds {
		out.Dead = append(out.Dead, deliveryJSON{EventID: d.EventID, Type: d.Type, Attempts: d.Attempts, LastError: d.LastError})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) replay(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := s.Records.Replay(r.Context(), keyOf(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, replayResponse{Replayed: n})
}

// Sign is a delivery's signature: HMAC-SHA256 of "timestamp.body" with the
// subscription's secret, hex — what a subscriber checks.
func Sign(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp + "."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Deliver sends the deliveries due, each a CloudEvent (structured JSON)
// signed in X-Vanthu-Signature over X-Vanthu-Timestamp and the body; a
// failure is tried again later, up to records.MaxAttempts.
func (s *Server) Deliver(ctx context.Context) (int, error) {
	ds, err := s.Records.DueDeliveries(ctx, 200)
	if err != nil {
		return 0, err
	}
	// Checked again at connect time: a name may resolve into a private
	// network (loopback stays allowed: a system beside Vanthu).
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
		host, _, _ := net.SplitHostPort(address)
		if ip := net.ParseIP(host); ip != nil && !ip.IsLoopback() && !records.PublicIP(ip) {
			return fmt.Errorf("a private address")
		}
		return nil
	}}
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: 5 * time.Second},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	sent := 0
	for _, d := range ds {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		body := []byte(d.Body)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(body))
		if err != nil {
			s.Records.Failed(ctx, d, err.Error())
			continue
		}
		req.Header.Set("Content-Type", "application/cloudevents+json")
		req.Header.Set("X-Vanthu-Timestamp", ts)
		req.Header.Set("X-Vanthu-Signature", Sign(d.Secret, ts, body))
		res, err := hc.Do(req)
		if err != nil {
			// Only that it failed: the error would map the network.
			err = fmt.Errorf("could not connect")
		} else {
			io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16))
			res.Body.Close()
			if res.StatusCode/100 == 2 {
				s.Records.Delivered(ctx, d.ID)
				sent++
				continue
			}
			err = fmt.Errorf("HTTP %d", res.StatusCode)
		}
		s.Records.Failed(ctx, d, err.Error())
	}
	return sent, nil
}

// publish queues a hub event; a failure is logged (the work it tells of
// is done).
func (s *Server) publish(ctx context.Context, agency, typ, id string, data any) {
	if err := s.Records.Publish(ctx, agency, typ, id, data); err != nil {
		s.Log.WarnContext(ctx, "hub: publish", "type", typ, "err", err)
	}
}
