package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vanthu/vanthu/internal/records"
)

// Another system with an API key subscribes to status changes; a
// handling's steps reach its receiver as signed CloudEvents, retried until
// it takes them; after too many failures they are dead letters the system
// replays. A revoked key reaches nothing; a plain-http URL off loopback is
// refused; a read key reads no secret document.
func TestHubKeysSubscriptionsDeliveries(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.st.HubBackoff = time.Millisecond
	var mu sync.Mutex
	fails, got := 2, []map[string]any{}
	var secret string
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if r.Header.Get("X-Vanthu-Signature") != Sign(secret, r.Header.Get("X-Vanthu-Timestamp"), body) {
			t.Errorf("a delivery not signed as it should be")
			w.WriteHeader(400)
			return
		}
		if fails > 0 {
			fails--
			w.WriteHeader(503)
			return
		}
		var ev map[string]any
		json.Unmarshal(body, &ev)
		got = append(got, ev)
	}))
	defer receiver.Close()

	res, _ := f.do("clerk-a", "POST", "/api/v1/hub/keys", strings.NewReader(`{"system":"Cổng dịch vụ công","scope":"read"}`), "Content-Type", "application/json")
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("a clerk made a key: %d", res.StatusCode)
	}
	res, b := f.do("admin-a", "POST", "/api/v1/hub/keys", strings.NewReader(`{"system":"Cổng dịch vụ công","scope":"read"}`), "Content-Type", "application/json")
	var key apiKeyJSON
	json.Unmarshal(b, &key)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(key.Key, "vk_") {
		t.Fatalf("key: %d %s", res.StatusCode, b)
	}
	f.tokens["system"] = key.Key
	// A system is cleared for nothing: no secret document's record.
	if res, b := f.do("system", "GET", fmt.Sprint("/api/v1/documents/", f.docs["a-mat"]), nil); res.StatusCode == http.StatusOK && strings.Contains(string(b), `"record"`) {
		t.Errorf("a system read a secret document: %s", b)
	}
	if res, _ := f.do("system", "POST", "/api/v1/hub/subscriptions", strings.NewReader(`{"url":"http://example.org/hook","types":["vn.vanthu.document.status_changed"]}`), "Content-Type", "application/json"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a plain-http hook off loopback: %d", res.StatusCode)
	}
	res, b = f.do("system", "POST", "/api/v1/hub/subscriptions", strings.NewReader(`{"url":"`+receiver.URL+`/hook","types":["vn.vanthu.document.status_changed"]}`), "Content-Type", "application/json")
	var sub subscriptionJSON
	json.Unmarshal(b, &sub)
	if res.StatusCode != http.StatusOK || sub.Secret == "" {
		t.Fatalf("subscribe: %d %s", res.StatusCode, b)
	}
	mu.Lock()
	secret = sub.Secret
	mu.Unlock()
	if err := f.st.PutAgency(ctx, records.Agency{Code: "a.kt", Name: "Phòng Kinh tế", Parent: "a"}); err != nil {
		t.Fatal(err)
	}
	doc := fmt.Sprint("/api/v1/documents/", f.docs["a"])
	if res, b := f.do("leader-a", "POST", doc+"/direction", strings.NewReader(`{"main_unit":"a.kt"}`), "Content-Type", "application/json"); res.StatusCode != http.StatusOK {
		t.Fatalf("direct: %d %s", res.StatusCode, b)
	}
	for i := 0; i < 5; i++ {
		f.api.Deliver(ctx)
		time.Sleep(5 * time.Millisecond)
	}
	mu.Lock()
	if len(got) != 1 || got[0]["type"] != records.HubStatusChanged || got[0]["specversion"] != "1.0" {
		t.Errorf("delivered after two failures: %+v", got)
	}
	fails = 100
	mu.Unlock()
	f.do("leader-a", "POST", doc+"/handling", strings.NewReader(`{"action":"finish","note":"xong"}`), "Content-Type", "application/json")
	for i := 0; i < records.MaxAttempts+2; i++ {
		f.api.Deliver(ctx)
		time.Sleep(time.Duration(1<<min(i, 7)) * time.Millisecond)
	}
	res, b = f.do("system", "GET", fmt.Sprintf("/api/v1/hub/subscriptions/%d/dead", sub.ID), nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(b), `"attempts":8`) {
		t.Fatalf("dead letters: %d %s", res.StatusCode, b)
	}
	mu.Lock()
	fails = 0
	mu.Unlock()
	res, b = f.do("system", "POST", fmt.Sprintf("/api/v1/hub/subscriptions/%d/replay", sub.ID), nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(b), `"replayed":1`) {
		t.Fatalf("replay: %d %s", res.StatusCode, b)
	}
	f.api.Deliver(ctx)
	mu.Lock()
	if len(got) != 2 {
		t.Errorf("after the replay: %d delivered", len(got))
	}
	mu.Unlock()
	// Revoked: the key opens nothing.
	f.do("admin-a", "DELETE", fmt.Sprint("/api/v1/hub/keys/", key.ID), nil)
	if res, _ := f.do("system", "GET", "/api/v1/me", nil); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a revoked key: %d", res.StatusCode)
	}
}
