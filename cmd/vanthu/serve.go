package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/vanthu/vanthu/functions/extract"
	"github.com/vanthu/vanthu/functions/feedback"
	"github.com/vanthu/vanthu/functions/index"
	"github.com/vanthu/vanthu/functions/ingest"
	"github.com/vanthu/vanthu/functions/ocr"
	"github.com/vanthu/vanthu/functions/reconcile"
	"github.com/vanthu/vanthu/functions/register"
	"github.com/vanthu/vanthu/functions/summary"
	"github.com/vanthu/vanthu/internal/api"
	"github.com/vanthu/vanthu/internal/backends"
	"github.com/vanthu/vanthu/internal/config"
	"github.com/vanthu/vanthu/internal/dispatch"
	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/health"
	"github.com/vanthu/vanthu/internal/metrics"
	"github.com/vanthu/vanthu/internal/notify"
	"github.com/vanthu/vanthu/internal/objstore"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/search"
	"github.com/vanthu/vanthu/internal/stage"
	"github.com/vanthu/vanthu/internal/tracing"
	"github.com/vanthu/vanthu/internal/web"
	"github.com/vanthu/vanthu/internal/zalo"
	"github.com/vanthu/vanthu/pipelines/raster"
)

// runServe runs every function in one process, wired by the in-process
// dispatcher with the events Knative would carry: uploads come from
// MinIO's webhook (POST /webhook/minio) or, on embedded defaults, from
// files dropped into DATA/objects/BUCKET, found by the reconciler.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("serve", "Usage: vanthu serve [flags]\n\nRuns ingest, ocr, extract, index, register and reconcile in one process: the search index\nin DATA/index (Bleve), the records (registers, reports, meetings,\ntasks, accounts) in DATA/vanthu.db (SQLite) or PostgreSQL when VANTHU_DB_URL is set. Object store: MinIO when\nVANTHU_MINIO_URL (http://ACCESS:SECRET@host:port) is set, else the folder DATA/objects.\nMinIO's webhook posts to /webhook/minio with the bearer token VANTHU_INGEST_TOKEN.\nRecords are written beside each upload under vanthu/records/. The REST API is under /api/v1/\n(OpenAPI at /api/v1/openapi.json; accounts: vanthu admin).", stderr)
	var pf pipelineFlags
	pf.register(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	data := fs.String("data", config.Get("VANTHU_DATA"), "state folder (env VANTHU_DATA); the embedded object store lives in DATA/objects")
	bucket := fs.String("bucket", "uploads", "bucket clerks upload to")
	agency := fs.String("agency", config.Get("VANTHU_AGENCY"), "agency of uploads whose metadata names none (env VANTHU_AGENCY)")
	every := fs.Duration("reconcile", 30*time.Second, "how often to look for uploads with no record (a lost notification never loses an upload), and to write the reminders due (reports, meetings) and repair the index on the same beat; 0 turns all of it off")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if !checkConfig("serve", stderr) {
		return 2
	}
	log := newLogger(stderr, pf.verbose)
	if !pf.verbose {
		log = slog.New(tracing.LogHandler(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	}
	stopTracing, err := tracing.Setup(ctx, "vanthu-serve")
	if err != nil {
		fmt.Fprintln(stderr, "vanthu serve: tracing:", err)
		return 1
	}
	defer stopTracing(context.WithoutCancel(ctx))
	store, err := openStore(ctx, *data, *bucket)
	if err != nil {
		fmt.Fprintln(stderr, "vanthu serve:", err)
		return 1
	}
	if err := os.MkdirAll(*data, 0o750); err != nil {
		fmt.Fprintln(stderr, "vanthu serve:", err)
		return 1
	}
	idx, err := openIndexer(ctx, *data)
	if err != nil {
		fmt.Fprintln(stderr, "vanthu serve:", err)
		return 1
	}
	defer idx.Close()
	idx = metrics.Timed(idx)
	reg, err := openRecords(ctx, *data)
	if err != nil {
		fmt.Fprintln(stderr, "vanthu serve:", err)
		return 1
	}
	defer reg.Close()
	p, engine := pf.build(stderr)
	defer engine.Close()
	d := dispatch.New()
	d.Log = log
	// As many readings at once as OCR workers keep busy, and a few
	// writers: a burst of uploads waits its turn instead of starting a
	// thousand readings on two cores (the API stays responsive).
	d.Limit(events.TypeUploaded, 2*pf.workers)
	d.Limit(events.TypeRead, max(2, pf.workers))
	d.Limit(events.TypeExtracted, 4)
	o := &ocr.Function{Store: store, Pipeline: p, Log: log}
	x := &extract.Function{Store: store, Pipeline: p, Log: log}
	hc := health.New()
	hc.Log = log
	hc.Probe("records", reg.Ping)
	hc.Probe("index", idx.Ping)
	hc.Probe("objects", func(ctx context.Context) error { return storeReachable(ctx, store, *bucket) })
	metrics.QueueDepth(d.InFlight)
	// The routing is the stage contract's (internal/stage), as the chart's
	// Triggers and the func.yaml subscriptions are.
	if err := records.SetDeadlines(config.Get("VANTHU_FEEDBACK_DEADLINES")); err != nil {
		fmt.Fprintln(stderr, "vanthu serve: VANTHU_FEEDBACK_DEADLINES:", err)
		return 2
	}
	fbFn := &feedback.Function{Store: store, Bucket: *bucket, Records: reg, Pipeline: p, Emit: tracing.Emitting(d), Log: log,
		AppID: config.Get("VANTHU_ZALO_APP_ID"), Secret: config.Get("VANTHU_ZALO_SECRET"), Agency: config.Get("VANTHU_ZALO_AGENCY"),
		MediaHosts: feedback.MediaHosts(config.Get), Zalo: zaloClient()}
	handlers := map[string]health.Handler{
		"feedback": fbFn.Handle,
		"ocr":      o.Handle,
		"extract":  x.Handle,
		"index":    (&index.Function{Store: store, Index: idx, Agency: *agency, Log: log}).Handle,
		"register": (&register.Function{Store: store, Records: reg, Index: idx, Agency: *agency, Log: log}).Handle,
	}
	for _, st := range stage.Triggered() {
		h, ok := handlers[st.Name]
		if !ok {
			fmt.Fprintf(stderr, "vanthu serve: no handler for the contract's stage %q\n", st.Name)
			return 1
		}
		d.On(st.Takes, tracing.Stage(st.Name, metrics.Stage(st.Name, hc.Wrap(st.Name, h))))
	}
	in := &ingest.Function{Token: config.Get("VANTHU_INGEST_TOKEN"), Emit: tracing.Emitting(d), Log: log}
	rec := &reconcile.Function{Store: store, Bucket: *bucket, Emit: d, Log: log,
		Skip: func(r events.Ref) bool { return d.Busy(dispatch.ChainKey(r.Bucket, r.Key, r.ETag)) }}

	mux := http.NewServeMux()
	mux.HandleFunc("/webhook/minio", in.Handle)
	mux.HandleFunc("POST /webhooks/zalo", fbFn.Webhook)
	mux.HandleFunc("/webhooks/zalo", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Allow", "POST")
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
	})
	apiSrv := &api.Server{Records: reg, Store: store, Bucket: *bucket, Index: idx, Emit: tracing.Emitting(d), Log: log, Health: hc, Preview: raster.Preview, Zalo: zaloClient(),
		SecureCookies: config.Get("VANTHU_SECURE_COOKIES") == "1"}
	apiSrv.Reminders = func(ctx context.Context, r records.Reminder) {
		ev := event.New()
		ev.SetID(fmt.Sprintf("reminder-%d-%s", r.Handling.ID, r.Kind))
		ev.SetType(events.TypeReminder)
		ev.SetSource("vanthu/serve")
		ev.SetData(event.ApplicationJSON, map[string]any{"document_id": r.Handling.DocumentID, "agency": r.Handling.Agency, "kind": r.Kind,
			"deadline": r.Handling.Deadline, "main_unit": r.Handling.MainUnit, "main_user": r.Handling.MainUser})
		d.Emit(ctx, ev)
	}
	if url := config.Get("VANTHU_LLM_URL"); url != "" {
		// Optional: an OpenAI-compatible model rewrites the summaries'
		// prose; they are complete without it.
		apiSrv.Prose = &api.Prose{URL: url, Model: config.Get("VANTHU_LLM_MODEL"), Key: config.Get("VANTHU_LLM_KEY")}
	}
	mux.Handle("/api/", apiSrv.Handler())
	mux.Handle("/", web.Handler())
	// healthz: the process lives; readyz: it can take documents now.
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	mux.Handle("GET /readyz", hc)
	mux.Handle("GET /metrics", metrics.Endpoint(config.Get("VANTHU_METRICS_TOKEN")))
	if pa := config.Get("VANTHU_PPROF"); pa != "" {
		// Profiling for an operator, on an address of its own (keep it on
		// loopback): never on the API's.
		pm := http.NewServeMux()
		pm.HandleFunc("/debug/pprof/", pprof.Index)
		pm.HandleFunc("/debug/pprof/profile", pprof.Profile)
		go http.ListenAndServe(pa, pm)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "vanthu serve:", err)
		return 1
	}
	srv := newHTTPServer(tracing.HTTP(metrics.HTTP(mux)), log)
	go srv.Serve(ln)
	log.Info("serving", "addr", ln.Addr().String(), "bucket", *bucket)

	var tick <-chan time.Time
	if *every > 0 {
		t := time.NewTicker(*every)
		defer t.Stop()
		tick = t.C
	}
	// The leaders' summaries are written into the object store once they
	// are due (the day before, the week on Mondays, the month on the 1st);
	// looked for at start and every hour.
	sum := &summary.Function{Store: store, Bucket: *bucket, Records: reg, Log: log}
	hourly := time.NewTicker(time.Hour)
	defer hourly.Stop()
	// The hub's deliveries on their own beat: a slow subscriber never
	// holds up the reconciler, reminders or the index's repair.
	go func() {
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			if _, err := apiSrv.Deliver(ctx); err != nil && ctx.Err() == nil {
				log.Error("hub deliveries", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	// Notices beyond the app (e-mail, Zalo ZNS), when a channel is
	// configured: the outbox on its own beat, like the hub's.
	if chans := notify.FromConfig(config.Get); len(chans) > 0 {
		ob := &notify.Outbox{Records: reg, Channels: chans, Log: log, BaseURL: config.Get("VANTHU_PUBLIC_URL")}
		go func() {
			t := time.NewTicker(10 * time.Second)
			defer t.Stop()
			for {
				if _, err := ob.Run(ctx); err != nil && ctx.Err() == nil {
					log.Error("notice deliveries", "err", err)
				}
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		}()
	}
	go func() {
		for {
			if _, err := sum.Run(ctx); err != nil && ctx.Err() == nil {
				log.Error("summary", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-hourly.C:
			}
		}
	}()
	for {
		// The reminders and the index's repair ride the reconciler's beat:
		// --reconcile 0 stops them too, as its help says.
		if *every > 0 {
			if n, err := rec.Run(ctx); err != nil {
				log.Error("reconcile", "err", err)
			} else if n > 0 {
				log.Info("queued", "documents", n)
			}
			if _, err := apiSrv.SendReminders(ctx); err != nil {
				log.Error("reminders", "err", err)
			}
			if n, err := reg.MeetingReminders(ctx, time.Now()); err != nil {
				log.Error("meeting reminders", "err", err)
			} else if n > 0 {
				log.Info("meeting reminders", "notices", n)
			}
			if n, err := apiSrv.RepairIndex(ctx); err != nil {
				log.Error("repair the index", "err", err)
			} else if n > 0 {
				log.Info("index repaired", "documents", n)
			}
		}
		select {
		case <-ctx.Done():
			shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			srv.Shutdown(shutdown)
			cancel()
			d.Wait() // finish the documents in hand
			return 0
		case <-tick:
		}
	}
}

// newHTTPServer bounds what a client can hold: the headers must come in
// 10 s; a request's body in ReadTimeout (an upload extends its own
// deadline while bytes keep coming, internal/api); idle connections are
// closed after two minutes. A panic in a handler is answered 500 by
// net/http, never the process's end.
func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: 10 * time.Minute,
		IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
}

// storeReachable: the object store answers for the bucket (a missing key
// is an answer).
func storeReachable(ctx context.Context, store objstore.Store, bucket string) error {
	return backends.StoreReachable(ctx, store, bucket)
}

// zaloClient is the OA message API client the configuration names (nil
// without an access token: nothing is sent to citizens).
func zaloClient() *zalo.Client {
	if config.Get("VANTHU_ZALO_ACCESS_TOKEN") == "" {
		return nil
	}
	return &zalo.Client{API: config.Get("VANTHU_ZALO_API_URL"), Token: config.Get("VANTHU_ZALO_ACCESS_TOKEN")}
}

// openStore picks the object store: MinIO when configured, else a folder.
func openStore(ctx context.Context, data, bucket string) (objstore.Store, error) {
	return backends.Store(ctx, config.Get, data, bucket)
}

// openIndexer picks the search backend: a cluster when VANTHU_ES_URL or VANTHU_OPENSEARCH_URL
// is set, else the embedded Bleve index in DATA/index.
func openIndexer(ctx context.Context, data string) (search.Indexer, error) {
	return backends.Index(ctx, config.Get, data)
}

// openRecords picks the records database: PostgreSQL when VANTHU_DB_URL
// (postgres://...) is set, else SQLite in DATA/vanthu.db.
func openRecords(ctx context.Context, data string) (*records.Store, error) {
	return backends.Records(ctx, config.Get, data)
}
