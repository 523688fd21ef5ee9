package metrics

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cloudevents/sdk-go/v2/event"
)

func scrape(t *testing.T, token, auth string) (int, string) {
	t.Helper()
	r := httptest.NewRequest("GET", "/metrics", nil)
	if auth != "" {
		r.Header.Set("Authorization", auth)
	}
	w := httptest.NewRecorder()
	Endpoint(token).ServeHTTP(w, r)
	b, _ := io.ReadAll(w.Result().Body)
	return w.Code, string(b)
}

func TestMetrics(t *testing.T) {
	ok := Stage("probe-stage", func(context.Context, event.Event) (*event.Event, error) { return nil, nil })
	bad := Stage("probe-stage", func(context.Context, event.Event) (*event.Event, error) { return nil, errors.New("index down") })
	for range 2 {
		ok(context.Background(), event.New())
	}
	bad(context.Background(), event.New())
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/documents/{id}", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	h := HTTP(mux)
	for _, id := range []string{"1", "2", "3"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/v1/documents/"+id, nil))
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/nowhere", nil))

	code, body := scrape(t, "s3cret-token", "Bearer s3cret-token")
	if code != http.StatusOK {
		t.Fatalf("scrape: %d", code)
	}
	for _, want := range []string{
		`vanthu_stage_documents_total{outcome="ok",stage="probe-stage"} 2`,
		`vanthu_stage_documents_total{outcome="error",stage="probe-stage"} 1`,
		`vanthu_stage_seconds_count{stage="probe-stage"} 3`,
		// By the route's pattern, not the path: an ID is no series.
		`vanthu_http_requests_total{code="404",route="GET /api/v1/documents/{id}"} 3`,
		`vanthu_http_requests_total{code="404",route="unmatched"} 1`,
		"go_goroutines",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("no %q in the scrape", want)
		}
	}
	if code, _ := scrape(t, "s3cret-token", "Bearer wrong"); code != http.StatusUnauthorized {
		t.Errorf("a wrong token: %d", code)
	}
	if code, _ := scrape(t, "s3cret-token", ""); code != http.StatusUnauthorized {
		t.Errorf("no token: %d", code)
	}
	if code, _ := scrape(t, "", "Bearer "); code != http.StatusNotFound {
		t.Errorf("no token configured: %d, want 404 (metrics not served)", code)
	}
}
