package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/objstore/local"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/zalo"
	"github.com/vanthu/vanthu/pipelines/corpus"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startFunction runs `vanthu function NAME` and waits for /readyz.
func startFunction(t *testing.T, name, data string) string {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	var stderr bytes.Buffer
	exit := make(chan int, 1)
	go func() {
		exit <- run(ctx, []string{"function", "--addr", addr, "--data", data, "--workers", "1", name}, os.Stdout, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-exit; code != 0 {
			t.Errorf("%s exited %d: %s", name, code, stderr.String())
		}
	})
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if r, err := http.Get("http://" + addr + "/readyz"); err == nil && r.StatusCode == 200 {
			r.Body.Close()
			return "http://" + addr
		}
	}
	t.Fatalf("%s never ready: %s", name, stderr.String())
	return ""
}

// The functions as Knative runs them: CloudEvents over HTTP in, the next
// event as the reply (which the Broker routes on).
func TestFunctionsOverHTTP(t *testing.T) {
	t.Setenv("VANTHU_MINIO_URL", "")
	data := t.TempDir()
	src := t.TempDir()
	if err := corpus.Generate(context.Background(), src, corpus.Options{N: 1, Seed: 3, Formats: []string{"pdf"}}); err != nil {
		t.Fatal(err)
	}
	entries, _ := filepath.Glob(filepath.Join(src, "*.pdf"))
	body, _ := os.ReadFile(entries[0])
	store, _ := local.New(filepath.Join(data, "objects"))
	info, err := store.Put(context.Background(), "uploads", "a/doc.pdf", bytes.NewReader(body), int64(len(body)), nil)
	if err != nil {
		t.Fatal(err)
	}
	ocrURL := startFunction(t, "ocr", data)
	extractURL := startFunction(t, "extract", data)
	c, err := cloudevents.NewClientHTTP()
	if err != nil {
		t.Fatal(err)
	}
	send := func(url string, ev event.Event) event.Event {
		t.Helper()
		reply, res := c.Request(cloudevents.ContextWithTarget(context.Background(), url), ev)
		if !cloudevents.IsACK(res) || reply == nil {
			t.Fatalf("request to %s: %v", url, res)
		}
		return *reply
	}
	up, _ := events.New(events.TypeUploaded, "test", events.Ref{Bucket: "uploads", Key: "a/doc.pdf", ETag: info.ETag, Size: info.Size})
	// The trace the upload came with goes on through each stage's reply
	// (the CloudEvents traceparent extension), each stage a new span.
	const trace, root = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	up.SetExtension("traceparent", "00-"+trace+"-"+root+"-01")
	traceOf := func(ev event.Event) (tid, span string) {
		tp, _ := ev.Extensions()["traceparent"].(string)
		if parts := strings.Split(tp, "-"); len(parts) == 4 {
			return parts[1], parts[2]
		}
		return "", ""
	}
	read := send(ocrURL, up)
	if read.Type() != events.TypeRead {
		t.Fatalf("ocr replied %s", read.Type())
	}
	done := send(extractURL, read)
	t1, s1 := traceOf(read)
	t2, s2 := traceOf(done)
	if t1 != trace || t2 != trace || s1 == root || s2 == s1 || s2 == "" {
		t.Errorf("trace through the stages: %s/%s then %s/%s (sent %s/%s)", t1, s1, t2, s2, trace, root)
	}
	ref, err := events.RefOf(done)
	if done.Type() != events.TypeExtracted || err != nil || !strings.HasPrefix(ref.Artifacts["records"], "vanthu/records/a/doc.pdf@") {
		t.Fatalf("extract replied %s %+v %v", done.Type(), ref, err)
	}
	if _, err := store.Stat(context.Background(), "uploads", ref.Artifacts["records"]); err != nil {
		t.Errorf("record missing: %v", err)
	}
	// index and register end the chain: no reply event, a 2xx answer.
	for _, name := range []string{"index", "register"} {
		url := startFunction(t, name, data)
		res := c.Send(cloudevents.ContextWithTarget(context.Background(), url), done)
		if !cloudevents.IsACK(res) {
			t.Errorf("%s: %v", name, res)
		}
	}
	reg, err := records.OpenSQLite(context.Background(), filepath.Join(data, "vanthu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	if lines, _ := reg.Incoming(context.Background(), records.RegisterFilter{Agency: "default", Year: time.Now().Year(), Cleared: records.Levels}); len(lines) != 1 || lines[0].Key != "a/doc.pdf" {
		t.Errorf("register after the register function: %+v", lines)
	}
}

// ingest posts to K_SINK; without one it refuses to start.
func TestIngestFunctionSendsToSink(t *testing.T) {
	got := make(chan event.Event, 1)
	p, _ := cloudevents.NewHTTP()
	h, _ := cloudevents.NewHTTPReceiveHandler(context.Background(), p, func(ev event.Event) { got <- ev })
	sink := &http.Server{Handler: h}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go sink.Serve(ln)
	defer sink.Close()

	var out, errb bytes.Buffer
	t.Setenv("K_SINK", "")
	if code := run(context.Background(), []string{"function", "ingest"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "K_SINK") {
		t.Errorf("without K_SINK: exit %d, %s", code, errb.String())
	}
	t.Setenv("K_SINK", "http://"+ln.Addr().String())
	t.Setenv("VANTHU_INGEST_TOKEN", "tok")
	url := startFunction(t, "ingest", t.TempDir())
	body := `{"Records":[{"eventName":"s3:ObjectCreated:Put","s3":{"bucket":{"name":"uploads"},"object":{"key":"x%2Fy.pdf","size":3,"eTag":"e1"}}}]}`
	req, _ := http.NewRequest(http.MethodPost, url+"/", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("webhook: %v %v", resp, err)
	}
	select {
	case ev := <-got:
		if ref, _ := events.RefOf(ev); ev.Type() != events.TypeUploaded || ref.Key != "x/y.pdf" {
			t.Errorf("sink got %s %+v", ev.Type(), ref)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("nothing reached the sink")
	}
}

// vanthu function feedback as Knative runs it: Zalo's webhook on the
// same service answers a signed event, keeps it and posts it to K_SINK;
// the event, sent back as the Broker would, becomes a case.
func TestFeedbackFunctionWebhookAndEvent(t *testing.T) {
	got := make(chan event.Event, 4)
	p, _ := cloudevents.NewHTTP()
	h, _ := cloudevents.NewHTTPReceiveHandler(context.Background(), p, func(ev event.Event) { got <- ev })
	sink := &http.Server{Handler: h}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go sink.Serve(ln)
	defer sink.Close()
	t.Setenv("VANTHU_MINIO_URL", "")
	t.Setenv("VANTHU_DB_URL", "")
	t.Setenv("K_SINK", "http://"+ln.Addr().String())
	t.Setenv("VANTHU_ZALO_APP_ID", zaloApp)
	t.Setenv("VANTHU_ZALO_SECRET", zaloSecret)
	t.Setenv("VANTHU_ZALO_AGENCY", "ubnd-tp")
	t.Setenv("VANTHU_ZALO_ACCESS_TOKEN", "")
	data := t.TempDir()
	url := startFunction(t, "feedback", data)
	body := zaloEvent(zalo.SendText, "zu-7", "msg-7", "khu pho 3 rac ko ai thu gom 3 ngay roi boc mui qua")
	if code := zaloPost(t, url, body, "mac=bad"); code != http.StatusUnauthorized {
		t.Errorf("forged: %d", code)
	}
	if code := zaloPost(t, url, body, signed(body)); code != http.StatusOK {
		t.Fatalf("signed: %d", code)
	}
	var ev event.Event
	select {
	case ev = <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("nothing reached the sink")
	}
	if ev.Type() != events.TypeFeedback {
		t.Fatalf("sink got %s", ev.Type())
	}
	c, _ := cloudevents.NewClientHTTP()
	if res := c.Send(cloudevents.ContextWithTarget(context.Background(), url), ev); !cloudevents.IsACK(res) {
		t.Fatalf("the event back to the function: %v", res)
	}
	reg, err := records.OpenSQLite(context.Background(), filepath.Join(data, "vanthu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	cs, err := reg.Cases(context.Background(), records.User{Name: "x", Role: records.RoleClerk, Agency: "ubnd-tp"}, records.CaseFilter{})
	if err != nil || len(cs) != 1 || cs[0].Topic != "moi-truong" || cs[0].Agency != "so-tnmt" {
		t.Errorf("cases: %+v %v", cs, err)
	}
}
