package ingest

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/objstore/minio/miniotest"
)

type syncRecorder struct {
	mu  sync.Mutex
	got []event.Event
}

func (r *syncRecorder) Emit(_ context.Context, ev event.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, ev)
	return nil
}

func (r *syncRecorder) events() []event.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]event.Event(nil), r.got...)
}

// listen serves f where MinIO's webhook target posts, until the test ends.
func listen(t *testing.T, addr string, f *Function) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(f.Handle)}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
}

// TestRealMinIONotifications: a real MinIO server (started by scripts/test
// with a webhook target at VANTHU_INGEST_ADDR) notifies ingest of uploads
// made with minio-go; ingest emits one event per upload, with the key
// unescaped and the object's ETag.
func TestRealMinIONotifications(t *testing.T) {
	bucket := "ingest-test"
	store, addr, token := miniotest.Bucket(t, "VANTHU_INGEST_ADDR", bucket, "arn:minio:sqs::VANTHU:webhook")
	rec := &syncRecorder{}
	listen(t, addr, &Function{Token: token, Emit: rec, Log: New().Log})

	ctx := context.Background()
	body := []byte("%PDF-1.7 a scan")
	info, err := store.Put(ctx, bucket, "scans/tháng 1/46 TB.pdf", bytes.NewReader(body), int64(len(body)), nil)
	if err != nil {
		t.Fatal(err)
	}
	// An artifact vanthu writes itself must not come back as an upload.
	if _, err := store.Put(ctx, bucket, "vanthu/pages/46.json", bytes.NewReader([]byte("{}")), 2, nil); err != nil {
		t.Fatal(err)
	}
	// A large upload: minio-go sends it in parts, MinIO notifies
	// CompleteMultipartUpload.
	big := bytes.Repeat([]byte("vanthu large scan "), 20<<20/18)
	bigInfo, err := store.Put(ctx, bucket, "large/scan.tif", bytes.NewReader(big), int64(len(big)), nil)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for len(rec.events()) < 2 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // let a wrongly sent artifact event arrive
	got := rec.events()
	if len(got) != 2 {
		t.Fatalf("%d events, want 2: %v", len(got), got)
	}
	if big, _ := events.RefOf(got[1]); big.Key != "large/scan.tif" || big.ETag != bigInfo.ETag || !strings.Contains(big.ETag, "-") {
		t.Errorf("multipart upload event %+v (a multipart ETag has a part count after '-')", big)
	}
	ref, err := events.RefOf(got[0])
	if err != nil || ref.Key != "scans/tháng 1/46 TB.pdf" || ref.ETag != info.ETag || ref.Bucket != bucket {
		t.Errorf("event %+v (%v), want key %q etag %s", ref, err, "scans/tháng 1/46 TB.pdf", info.ETag)
	}
}

type failOnce struct {
	syncRecorder
	failed bool
}

func (f *failOnce) Emit(ctx context.Context, ev event.Event) error {
	f.mu.Lock()
	if !f.failed {
		f.failed = true
		f.mu.Unlock()
		return errors.New("broker unavailable")
	}
	f.mu.Unlock()
	return f.syncRecorder.Emit(ctx, ev)
}

// When ingest cannot pass an upload on, it answers 503; MinIO keeps the
// event and delivers it again: the upload arrives once, not never.
func TestRealMinIORedeliversAfterAnError(t *testing.T) {
	bucket := "ingest-retry-test"
	store, addr, token := miniotest.Bucket(t, "VANTHU_INGEST_ADDR", bucket, "arn:minio:sqs::VANTHU:webhook")
	rec := &failOnce{}
	listen(t, addr, &Function{Token: token, Emit: rec, Log: New().Log})
	ctx := context.Background()
	if _, err := store.Put(ctx, bucket, "retry.pdf", bytes.NewReader([]byte("%PDF")), 4, nil); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(90 * time.Second)
	for len(rec.events()) < 1 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(time.Second)
	if n := len(rec.events()); n != 1 || !rec.failed {
		t.Fatalf("%d events after a failed first delivery (failed: %v), want exactly 1", n, rec.failed)
	}
}
