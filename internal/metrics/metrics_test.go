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
	"github.com/prometheus/client_golang/prometheus/testutil"
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
	// The registry is the process's: compare after with before, so that a
	// second run (-count=2) counts from where the first left.
	docs := func(outcome string) float64 {
		return testutil.ToFloat64(stageDocuments.WithLabelValues("probe-stage", outcome))
	}
	reqs := func(route, code string) float64 { return testutil.ToFloat64(httpRequests.WithLabelValues(route, code)) }
	okBefore, errBefore := docs("ok"), docs("error")
	routeBefore, unmatchedBefore := reqs("GET /api/v1/documents/{id}", "404"), reqs("unmatched", "404")
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
	if docs("ok")-okBefore != 2 || docs("error")-errBefore != 1 {
		t.Errorf("stage outcomes: ok +%v, error +%v; want +2, +1", docs("ok")-okBefore, docs("error")-errBefore)
	}
	// By the route's pattern, not the path: an ID is no series.
	if reqs("GET /api/v1/documents/{id}", "404")-routeBefore != 3 || reqs("unmatched", "404")-unmatchedBefore != 1 {
		t.Errorf("requests by route: +%v, unmatched +%v; want +3, +1", reqs("GET /api/v1/documents/{id}", "404")-routeBefore, reqs("unmatched", "404")-unmatchedBefore)
	}
	for _, want := range []string{`vanthu_stage_documents_total{outcome="ok",stage="probe-stage"}`, `vanthu_stage_seconds_count{stage="probe-stage"}`,
		`vanthu_http_requests_total{code="404",route="GET /api/v1/documents/{id}"}`, "go_goroutines"} {
		if !strings.Contains(body, want) {
			t.Errorf("no %q in the scrape", want)
		}
	}
	// A panic is counted, and passed on.
	before := docs("panic")
	func() {
		defer func() { recover() }()
		Stage("probe-stage", func(context.Context, event.Event) (*event.Event, error) { panic("poison") })(context.Background(), event.New())
	}()
	if docs("panic")-before != 1 {
		t.Error("a panic was not counted")
	}
	// A deadline is an error (redelivered), a cancellation is not.
	errBefore, cancelBefore := docs("error"), docs("canceled")
	Stage("probe-stage", func(context.Context, event.Event) (*event.Event, error) { return nil, context.DeadlineExceeded })(context.Background(), event.New())
	Stage("probe-stage", func(context.Context, event.Event) (*event.Event, error) { return nil, context.Canceled })(context.Background(), event.New())
	if docs("error")-errBefore != 1 || docs("canceled")-cancelBefore != 1 {
		t.Errorf("deadline +%v errors, cancel +%v canceled", docs("error")-errBefore, docs("canceled")-cancelBefore)
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

func TestQueueDepth(t *testing.T) {
	n := 3
	QueueDepth(func() int { return n })
	_, body := scrape(t, "tok", "Bearer tok")
	if !strings.Contains(body, "vanthu_documents_in_flight 3") {
		t.Errorf("no queue depth in the scrape")
	}
}
