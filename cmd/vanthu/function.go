package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/cloudevents/sdk-go/v2/protocol"

	"github.com/vanthu/vanthu/functions/extract"
	"github.com/vanthu/vanthu/functions/feedback"
	"github.com/vanthu/vanthu/functions/index"
	"github.com/vanthu/vanthu/functions/ingest"
	"github.com/vanthu/vanthu/functions/ocr"
	"github.com/vanthu/vanthu/functions/reconcile"
	"github.com/vanthu/vanthu/functions/register"
	"github.com/vanthu/vanthu/functions/summary"
	"github.com/vanthu/vanthu/internal/config"
	"github.com/vanthu/vanthu/internal/dispatch"
	"github.com/vanthu/vanthu/internal/health"
	"github.com/vanthu/vanthu/internal/metrics"
	"github.com/vanthu/vanthu/internal/tracing"
)

// runFunction runs one function as the HTTP service Knative deploys: the
// CloudEvents functions answer with their next event (the Broker routes
// replies), ingest answers MinIO and posts to K_SINK. /readyz and /livez
// for the probes; SIGTERM drains requests; each request has a deadline
// below Knative's timeout, so a stuck document fails (and is retried)
// rather than being cut off mid-write.
func runFunction(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("function", "Usage: vanthu function [flags] NAME\n\nRuns one function as an HTTP service: ingest, ocr, extract, index, register or reconcile.\nindex and register keep their embedded backends under DATA (VANTHU_DATA).\nObject store from VANTHU_MINIO_URL; ingest checks VANTHU_INGEST_TOKEN; ingest and\nreconcile send to K_SINK.", stderr)
	var pf pipelineFlags
	pf.register(fs)
	addr := fs.String("addr", ":"+config.Get("PORT"), "listen address (Knative sets PORT)")
	deadline := fs.Duration("deadline", 240*time.Second, "per-request deadline; keep it below the Knative Service's timeoutSeconds (300 by default)")
	bucket := fs.String("bucket", config.Get("VANTHU_BUCKET"), "bucket (reconcile; env VANTHU_BUCKET)")
	data := fs.String("data", config.Get("VANTHU_DATA"), "state folder when no MinIO is configured")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	if !checkConfig("function", stderr) {
		return 2
	}
	log := newLogger(stderr, pf.verbose)
	name := fs.Arg(0)
	stopTracing, err := tracing.Setup(ctx, "vanthu-"+name)
	if err != nil {
		fmt.Fprintln(stderr, "vanthu function: tracing:", err)
		return 1
	}
	defer stopTracing(context.WithoutCancel(ctx))
	var handler http.Handler
	hc := health.New()
	hc.Log = log
	// Each function opens its own clients in Start and closes them in
	// Stop (knative/func's shape), from the environment — with the
	// folder and bucket of the flags.
	cfg := config.Environ()
	cfg["VANTHU_DATA"], cfg["VANTHU_BUCKET"] = *data, *bucket
	var inst interface {
		Start(context.Context, map[string]string) error
		Stop(context.Context) error
	}
	var afterStart func()
	var webhook http.HandlerFunc // feedback: Zalo's webhook beside the events
	var h dispatch.Handler
	switch name {
	case "ingest":
		fn := &ingest.Function{Log: log}
		inst, handler = fn, http.HandlerFunc(fn.Handle)
		afterStart = func() { fn.Emit = tracing.Emitting(fn.Emit) }
	case "ocr", "extract":
		p, engine := pf.build(stderr)
		defer engine.Close()
		if name == "ocr" {
			fn := &ocr.Function{Pipeline: p, Log: log}
			inst, h = fn, fn.Handle
			afterStart = func() {
				hc.Probe("objects", func(ctx context.Context) error { return storeReachable(ctx, fn.Store, *bucket) })
			}
		} else {
			fn := &extract.Function{Pipeline: p, Log: log}
			inst, h = fn, fn.Handle
			afterStart = func() {
				hc.Probe("objects", func(ctx context.Context) error { return storeReachable(ctx, fn.Store, *bucket) })
			}
		}
	case "index":
		fn := &index.Function{Log: log}
		inst, h = fn, fn.Handle
		afterStart = func() {
			hc.Probe("objects", func(ctx context.Context) error { return storeReachable(ctx, fn.Store, *bucket) })
			hc.Probe("index", fn.Index.Ping)
		}
	case "register":
		fn := &register.Function{Log: log}
		inst, h = fn, fn.Handle
		afterStart = func() {
			hc.Probe("objects", func(ctx context.Context) error { return storeReachable(ctx, fn.Store, *bucket) })
			hc.Probe("records", fn.Records.Ping)
		}
	case "summary":
		fn := &summary.Function{Log: log}
		inst, h = fn, fn.Handle
		afterStart = func() {
			hc.Probe("objects", func(ctx context.Context) error { return storeReachable(ctx, fn.Store, *bucket) })
		}
	case "feedback":
		fn := &feedback.Function{Log: log}
		inst, h = fn, fn.Handle
		webhook = fn.Webhook
		afterStart = func() {
			fn.Emit = tracing.Emitting(fn.Emit)
			hc.Probe("objects", func(ctx context.Context) error { return storeReachable(ctx, fn.Store, *bucket) })
			hc.Probe("records", fn.Records.Ping)
		}
	case "reconcile":
		fn := &reconcile.Function{Log: log}
		inst, h = fn, fn.Handle
		afterStart = func() {
			hc.Probe("objects", func(ctx context.Context) error { return storeReachable(ctx, fn.Store, *bucket) })
		}
	default:
		fmt.Fprintf(stderr, "vanthu function: no function %q (ingest, ocr, extract, index, register, reconcile, summary, feedback)\n", name)
		return 2
	}
	if err := inst.Start(ctx, cfg); err != nil {
		fmt.Fprintf(stderr, "vanthu function %s: %v\n", name, err)
		inst.Stop(context.WithoutCancel(ctx))
		return 1
	}
	defer inst.Stop(context.WithoutCancel(ctx))
	afterStart()
	if h != nil {
		h = tracing.Stage(name, metrics.Stage(name, hc.Wrap(name, h)))
		p, err := cloudevents.NewHTTP()
		if err != nil {
			fmt.Fprintln(stderr, "vanthu function:", err)
			return 1
		}
		recv, err := cloudevents.NewHTTPReceiveHandler(ctx, p, func(ctx context.Context, ev event.Event) (*event.Event, protocol.Result) {
			out, err := h(ctx, ev)
			if err != nil {
				log.ErrorContext(ctx, "handle", "function", name, "id", ev.ID(), "err", err)
				return nil, err // a non-2xx answer: the Broker redelivers
			}
			return out, nil
		})
		if err != nil {
			fmt.Fprintln(stderr, "vanthu function:", err)
			return 1
		}
		handler = recv
	}
	mux := http.NewServeMux()
	mux.Handle("GET /readyz", hc)
	mux.HandleFunc("GET /livez", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	mux.Handle("GET /metrics", metrics.Endpoint(config.Get("VANTHU_METRICS_TOKEN")))
	if webhook != nil {
		mux.Handle("POST /webhooks/zalo", http.TimeoutHandler(webhook, 10*time.Second, "deadline exceeded"))
	}
	mux.Handle("/", http.TimeoutHandler(handler, *deadline, "deadline exceeded"))
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "vanthu function:", err)
		return 1
	}
	srv := newHTTPServer(tracing.HTTP(metrics.HTTP(mux)), log)
	log.Info("function serving", "name", name, "addr", ln.Addr().String())
	go srv.Serve(ln)
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), *deadline)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		log.Error("shutdown", "err", err)
		return 1
	}
	return 0
}
