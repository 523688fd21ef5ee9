package tracing

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cloudevents/sdk-go/v2/event"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/vanthu/vanthu/internal/events"
)

type collect struct{ evs []event.Event }

func (c *collect) Emit(_ context.Context, ev event.Event) error {
	c.evs = append(c.evs, ev)
	return nil
}

// One document's walk is one trace: the webhook's request, the read
// stage, the extract stage, each a child of the one before, the trace
// carried between stages only by the events; the log lines name it.
func TestOneTraceFollowsADocument(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(tp)
	defer func() {
		otel.SetTracerProvider(prev)
		tp.Shutdown(context.Background())
	}()

	var logs bytes.Buffer
	log := slog.New(LogHandler(slog.NewTextHandler(&logs, nil)))
	ref := events.Ref{Bucket: "uploads", Key: "scan.pdf", ETag: "e1"}
	bus := &collect{}
	em := Emitting(bus)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /webhook/minio", func(w http.ResponseWriter, r *http.Request) {
		ev, _ := events.New(events.TypeUploaded, "test", ref)
		em.Emit(r.Context(), ev)
	})
	srv := httptest.NewServer(HTTP(mux))
	defer srv.Close()
	http.Post(srv.URL+"/webhook/minio", "application/json", strings.NewReader("{}"))
	if len(bus.evs) != 1 || bus.evs[0].Extensions()["traceparent"] == nil {
		t.Fatalf("the first event carries no trace: %+v", bus.evs)
	}
	// The event crosses a process boundary as JSON (Knative's broker).
	b, _ := bus.evs[0].MarshalJSON()
	var wire event.Event
	if err := wire.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	ocr := Stage("ocr", func(ctx context.Context, ev event.Event) (*event.Event, error) {
		log.InfoContext(ctx, "read")
		out, err := events.Next(ref, "pages", "vanthu/pages/scan.pdf@e1.json", events.TypeRead, "test")
		return out, err
	})
	var extractCtx context.Context
	extract := Stage("extract", func(ctx context.Context, ev event.Event) (*event.Event, error) {
		extractCtx = ctx
		return nil, nil
	})
	out, err := ocr(context.Background(), wire)
	if err != nil || out == nil {
		t.Fatal(err)
	}
	if _, err := extract(context.Background(), *out); err != nil {
		t.Fatal(err)
	}
	spans := rec.Ended()
	if len(spans) != 3 {
		t.Fatalf("spans: %d", len(spans))
	}
	byName := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		byName[s.Name()] = s
	}
	h, o, x := byName["POST /webhook/minio"], byName["ocr"], byName["extract"]
	if h == nil || o == nil || x == nil {
		t.Fatalf("span names: %v", byName)
	}
	tid := h.SpanContext().TraceID()
	if o.SpanContext().TraceID() != tid || x.SpanContext().TraceID() != tid {
		t.Error("the stages are not in the webhook's trace")
	}
	if o.Parent().SpanID() != h.SpanContext().SpanID() || x.Parent().SpanID() != o.SpanContext().SpanID() {
		t.Error("the stages are not each a child of the one before")
	}
	if !strings.Contains(logs.String(), "trace_id="+tid.String()) || !strings.Contains(logs.String(), "document=uploads/scan.pdf@e1") {
		t.Errorf("log line: %s", logs.String())
	}
	if extractCtx == nil {
		t.Fatal("extract not run")
	}
	// An event that names no trace starts one.
	ev, _ := events.New(events.TypeUploaded, "reconcile", ref)
	if _, err := ocr(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	if last := rec.Ended()[len(rec.Ended())-1]; last.Parent().IsValid() || last.SpanContext().TraceID() == tid {
		t.Error("a fresh event joined an old trace")
	}
}
