package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/cloudevents/sdk-go/v2/protocol"

	"github.com/vanthu/vanthu/functions/extract"
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

// sinkEmitter posts events to K_SINK, the address a SinkBinding injects
// (the Broker).
type sinkEmitter struct{ c cloudevents.Client }

func newSinkEmitter() (*sinkEmitter, error) {
	sink := config.Get("K_SINK")
	if sink == "" {
		return nil, errors.New("K_SINK is not set: bind this function to the broker with a SinkBinding")
	}
	c, err := cloudevents.NewClientHTTP(cloudevents.WithTarget(sink))
	if err != nil {
		return nil, err
	}
	return &sinkEmitter{c: c}, nil
}

func (s *sinkEmitter) Emit(ctx context.Context, ev event.Event) error {
	if res := s.c.Send(ctx, ev); cloudevents.IsUndelivered(res) || protocol.IsNACK(res) {
		return fmt.Errorf("send %s to the broker: %w", ev.Type(), res)
	}
	return nil
}

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
	var closeFn func()
	hc := health.New()
	hc.Log = log
	switch name {
	case "ingest":
		em, err := newSinkEmitter()
		if err != nil {
			fmt.Fprintln(stderr, "vanthu function ingest:", err)
			return 1
		}
		handler = http.HandlerFunc((&ingest.Function{Token: config.Get("VANTHU_INGEST_TOKEN"), Emit: tracing.Emitting(em), Log: log}).Handle)
	case "ocr", "extract", "reconcile", "index", "register", "summary":
		store, err := openStore(ctx, *data, *bucket)
		if err != nil {
			fmt.Fprintln(stderr, "vanthu function:", err)
			return 1
		}
		hc.Probe("objects", func(ctx context.Context) error { return storeReachable(ctx, store, *bucket) })
		var h dispatch.Handler
		switch name {
		case "ocr", "extract":
			p, engine := pf.build(stderr)
			closeFn = engine.Close
			if name == "ocr" {
				h = (&ocr.Function{Store: store, Pipeline: p, Log: log}).Handle
			} else {
				h = (&extract.Function{Store: store, Pipeline: p, Log: log}).Handle
			}
		case "index":
			idx, err := openIndexer(ctx, *data)
			if err != nil {
				fmt.Fprintln(stderr, "vanthu function index:", err)
				return 1
			}
			closeFn = func() { idx.Close() }
			hc.Probe("index", idx.Ping)
			h = (&index.Function{Store: store, Index: idx, Agency: config.Get("VANTHU_AGENCY"), Log: log}).Handle
		case "register":
			reg, err := openRecords(ctx, *data)
			if err != nil {
				fmt.Fprintln(stderr, "vanthu function register:", err)
				return 1
			}
			closeFn = func() { reg.Close() }
			hc.Probe("records", reg.Ping)
			fn := &register.Function{Store: store, Records: reg, Agency: config.Get("VANTHU_AGENCY"), Log: log}
			if config.Get("VANTHU_ES_URL") != "" {
				// A shared index: the register indexes what it merged when
				// a document is read again. (A Bleve index is the index
				// function's own; RepairIndex indexes those.)
				idx, err := openIndexer(ctx, *data)
				if err != nil {
					fmt.Fprintln(stderr, "vanthu function register:", err)
					return 1
				}
				fn.Index = idx
				closeFn = func() { reg.Close(); idx.Close() }
			}
			h = fn.Handle
		case "summary":
			reg, err := openRecords(ctx, *data)
			if err != nil {
				fmt.Fprintln(stderr, "vanthu function summary:", err)
				return 1
			}
			closeFn = func() { reg.Close() }
			h = (&summary.Function{Store: store, Bucket: *bucket, Records: reg, Log: log}).Handle
		case "reconcile":
			em, err := newSinkEmitter()
			if err != nil {
				fmt.Fprintln(stderr, "vanthu function reconcile:", err)
				return 1
			}
			h = (&reconcile.Function{Store: store, Bucket: *bucket, Emit: em, Log: log}).Handle
		}
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
	default:
		fmt.Fprintf(stderr, "vanthu function: no function %q (ingest, ocr, extract, index, register, reconcile)\n", name)
		return 2
	}
	if closeFn != nil {
		defer closeFn()
	}
	mux := http.NewServeMux()
	mux.Handle("GET /readyz", hc)
	mux.HandleFunc("GET /livez", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	mux.Handle("GET /metrics", metrics.Endpoint(config.Get("VANTHU_METRICS_TOKEN")))
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
