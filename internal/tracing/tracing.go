// Package tracing follows one document through the stages with
// OpenTelemetry: each stage's delivery is a span, and the trace travels
// with the CloudEvents between them in the Distributed Tracing extension
// (traceparent, tracestate) — across the in-process dispatcher as across
// Knative's broker. Spans go to an OTLP/HTTP collector when
// OTEL_EXPORTER_OTLP_ENDPOINT is set (the exporter reads the standard
// OTEL_* variables); without one the trace ids are still made and carried,
// and every log line written with a context names its trace and document.
package tracing

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/cloudevents/sdk-go/v2/event"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/vanthu/vanthu/internal/config"
	"github.com/vanthu/vanthu/internal/events"
)

// Name is the instrumentation scope of Vanthu's spans.
const Name = "github.com/vanthu/vanthu"

var propagator = propagation.TraceContext{}

// Setup installs the tracer provider of the process named service, and
// returns what flushes and stops it.
func Setup(ctx context.Context, service string) (shutdown func(context.Context) error, err error) {
	opts := []sdktrace.TracerProviderOption{
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", service))),
	}
	if config.Get("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || config.Get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != "" {
		exp, err := otlptracehttp.New(ctx)
		if err != nil {
			return nil, err
		}
		opts = append(opts, sdktrace.WithBatcher(exp))
	}
	tp := sdktrace.NewTracerProvider(opts...)
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagator)
	return tp.Shutdown, nil
}

func tracer() trace.Tracer { return otel.Tracer(Name) }

// carrier reads and writes the trace context as CloudEvents extension
// attributes (lower-case names, as the extension has them).
type carrier struct{ ev *event.Event }

func (c carrier) Get(key string) string {
	v, ok := c.ev.Extensions()[key]
	if !ok {
		return ""
	}
	s, _ := v.(string)
	return s
}

func (c carrier) Set(key, value string) { c.ev.SetExtension(key, value) }

func (c carrier) Keys() []string {
	var out []string
	for k := range c.ev.Extensions() {
		out = append(out, k)
	}
	return out
}

// Inject writes ctx's span into ev (traceparent, tracestate).
func Inject(ctx context.Context, ev *event.Event) {
	if trace.SpanContextFromContext(ctx).IsValid() {
		propagator.Inject(ctx, carrier{ev})
	}
}

// Extract is ctx carrying the span ev names, if it names one.
func Extract(ctx context.Context, ev event.Event) context.Context {
	return propagator.Extract(ctx, carrier{&ev})
}

// Handler is a CloudEvents handler (knative/func's shape).
type Handler = func(ctx context.Context, ev event.Event) (*event.Event, error)

// Stage is h as one span of the walk: a child of the span the event
// carries, with the document it is about; the event h answers with
// carries this span on to the next stage.
func Stage(name string, h Handler) Handler {
	return func(ctx context.Context, ev event.Event) (*event.Event, error) {
		ctx = Extract(ctx, ev)
		doc := ""
		if ref, err := events.RefOf(ev); err == nil {
			doc = ref.Bucket + "/" + ref.Key + "@" + ref.ETag
		}
		ctx, span := tracer().Start(ctx, name, trace.WithSpanKind(trace.SpanKindConsumer), trace.WithAttributes(
			attribute.String("vanthu.stage", name), attribute.String("vanthu.document", doc),
			attribute.String("cloudevents.event_type", ev.Type()), attribute.String("cloudevents.event_id", ev.ID())))
		defer span.End()
		ctx = WithDocument(ctx, doc)
		out, err := h(ctx, ev)
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, err.Error())
		}
		if out != nil {
			Inject(ctx, out)
		}
		return out, err
	}
}

// Emitter sends events on.
type Emitter interface {
	Emit(ctx context.Context, ev event.Event) error
}

type emitter struct{ next Emitter }

// Emitting is next writing the span of the context it is called with into
// every event it sends that names none (an upload's first event: the
// request or webhook it came in by is the root of its trace).
func Emitting(next Emitter) Emitter { return emitter{next} }

func (e emitter) Emit(ctx context.Context, ev event.Event) error {
	if (carrier{&ev}).Get("traceparent") == "" {
		ev = ev.Clone()
		Inject(ctx, &ev)
	}
	return e.next.Emit(ctx, ev)
}

// HTTP serves each request in a span (a child of the caller's
// traceparent header, if any), named by its route pattern.
func HTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := propagator.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		ctx, span := tracer().Start(ctx, r.Method, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(attribute.String("http.request.method", r.Method)))
		defer span.End()
		r = r.WithContext(ctx)
		next.ServeHTTP(w, r)
		if r.Pattern != "" {
			name := r.Pattern // "POST /webhook/minio", or a path alone
			if !strings.HasPrefix(name, r.Method+" ") {
				name = r.Method + " " + name
			}
			span.SetName(name)
			span.SetAttributes(attribute.String("http.route", r.Pattern))
		}
	})
}

type docKey struct{}

// WithDocument is ctx naming the document its work is about (in logs).
func WithDocument(ctx context.Context, doc string) context.Context {
	if doc == "" {
		return ctx
	}
	return context.WithValue(ctx, docKey{}, doc)
}

// LogHandler adds to each record written with a context the trace and
// span ids and the document of that context.
func LogHandler(h slog.Handler) slog.Handler { return logHandler{h} }

type logHandler struct{ slog.Handler }

func (l logHandler) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	if d, ok := ctx.Value(docKey{}).(string); ok {
		r.AddAttrs(slog.String("document", d))
	}
	return l.Handler.Handle(ctx, r)
}

func (l logHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return logHandler{l.Handler.WithAttrs(as)}
}
func (l logHandler) WithGroup(n string) slog.Handler { return logHandler{l.Handler.WithGroup(n)} }
