// Package metrics is what an operator watches (Prometheus): documents
// through each stage by outcome and how long a stage takes, and HTTP
// requests by route and code. `vanthu serve` and every `vanthu function`
// answer /metrics with a bearer token (VANTHU_METRICS_TOKEN): counts of
// documents are not for everyone who can reach the API (an uncleared user
// must not learn how many documents arrive).
package metrics

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/vanthu/vanthu/internal/search"
)

// Registry holds Vanthu's metrics and the Go runtime's and process's.
var Registry = prometheus.NewRegistry()

var (
	stageDocuments = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "vanthu_stage_documents_total",
		Help: "Documents (events) a stage handled, by outcome: ok, error (redelivered), canceled, panic.",
	}, []string{"stage", "outcome"})
	stageSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "vanthu_stage_seconds",
		Help:    "How long a stage took on one document.",
		Buckets: prometheus.ExponentialBuckets(0.005, 2, 16), // 5 ms … 164 s
	}, []string{"stage"})
	httpRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "vanthu_http_requests_total",
		Help: "HTTP requests by route pattern and status code.",
	}, []string{"route", "code"})
	httpSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "vanthu_http_request_seconds",
		Help:    "HTTP request latency by route pattern (search latency is its /api/v1/search route).",
		Buckets: prometheus.ExponentialBuckets(0.001, 2, 16), // 1 ms … 33 s
	}, []string{"route"})
	pagesRead = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "vanthu_pages_read_total",
		Help: "Pages the read stage read, by how: ocr (Tesseract), text (the PDF text layer), pdftotext (poppler), blank (skipped).",
	}, []string{"source"})
	searchSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "vanthu_search_seconds",
		Help:    "Search index latency by operation (search, similar, duplicates, index).",
		Buckets: prometheus.ExponentialBuckets(0.001, 2, 16),
	}, []string{"op"})
)

// PagesRead counts n pages read by source (ocr, text, blank).
func PagesRead(source string, n int) { pagesRead.WithLabelValues(source).Add(float64(n)) }

// Timed is ix with each of its operations timed as vanthu_search_seconds.
func Timed(ix search.Indexer) search.Indexer { return timed{ix} }

type timed struct{ search.Indexer }

func observe(op string, start time.Time) {
	searchSeconds.WithLabelValues(op).Observe(time.Since(start).Seconds())
}

func (t timed) Search(ctx context.Context, o search.Options) (search.Result, error) {
	defer observe("search", time.Now())
	return t.Indexer.Search(ctx, o)
}

func (t timed) Similar(ctx context.Context, c search.Caller, id string, size int) (search.Result, error) {
	defer observe("similar", time.Now())
	return t.Indexer.Similar(ctx, c, id, size)
}

func (t timed) Duplicates(ctx context.Context, c search.Caller, id string) (search.Result, error) {
	defer observe("duplicates", time.Now())
	return t.Indexer.Duplicates(ctx, c, id)
}

func (t timed) Index(ctx context.Context, docs ...search.Document) error {
	defer observe("index", time.Now())
	return t.Indexer.Index(ctx, docs...)
}

func init() {
	Registry.MustRegister(stageDocuments, stageSeconds, httpRequests, httpSeconds, pagesRead, searchSeconds,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
}

// QueueDepth reports, as vanthu_documents_in_flight, how many documents
// are on their way through the stages (vanthu serve's dispatcher; on
// Knative the broker holds the queue and has its own metrics). The last
// call's function is the one read (a test may start serve twice).
func QueueDepth(depth func() int) {
	depthMu.Lock()
	depthFn = depth
	depthMu.Unlock()
	depthOnce.Do(func() {
		Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "vanthu_documents_in_flight",
			Help: "Documents uploaded and not yet through their last stage.",
		}, func() float64 {
			depthMu.Lock()
			defer depthMu.Unlock()
			return float64(depthFn())
		}))
	})
}

var (
	depthMu   sync.Mutex
	depthFn   func() int
	depthOnce sync.Once
)

// Handler is a CloudEvents handler (knative/func's shape).
type Handler = func(ctx context.Context, ev event.Event) (*event.Event, error)

// Stage counts and times every document stage name handles: ok, error
// (a deadline exceeded is one: the document is redelivered), canceled
// (the process was stopping), panic (counted, then passed on to whoever
// recovers it).
func Stage(name string, h Handler) Handler {
	return func(ctx context.Context, ev event.Event) (out *event.Event, err error) {
		start := time.Now()
		outcome := "panic"
		defer func() {
			stageDocuments.WithLabelValues(name, outcome).Inc()
			stageSeconds.WithLabelValues(name).Observe(time.Since(start).Seconds())
		}()
		out, err = h(ctx, ev)
		switch {
		case err == nil:
			outcome = "ok"
		case errors.Is(err, context.Canceled):
			outcome = "canceled"
		default:
			outcome = "error"
		}
		return out, err
	}
}

// HTTP counts and times requests by the route pattern the mux matched
// (never the path itself: IDs would make a series each).
func HTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rw := &status{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(rw, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		httpRequests.WithLabelValues(route, strconv.Itoa(rw.code)).Inc()
		httpSeconds.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

type status struct {
	http.ResponseWriter
	code int
}

func (s *status) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the writer (flushes, deadlines).
func (s *status) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Endpoint answers /metrics to a bearer of token; without a token it
// answers no one (404), so that an unconfigured deployment tells nothing.
func Endpoint(token string) http.Handler {
	h := promhttp.HandlerFor(Registry, promhttp.HandlerOpts{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token == "" {
			http.NotFound(w, r)
			return
		}
		got := r.Header.Get("Authorization")
		if subtle.ConstantTimeCompare([]byte(got), []byte("Bearer "+token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}
