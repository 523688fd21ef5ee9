package ingest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/vanthu/vanthu/internal/events"
)

// A notification as MinIO's webhook target sends it (internal/event/target/webhook.go):
// the key URL-query escaped, the ETag without quotes.
const minioBody = `{"EventName":"s3:ObjectCreated:Put","Key":"uploads/scans/46 TB.pdf","Records":[{"eventVersion":"2.0","eventSource":"minio:s3","awsRegion":"","eventTime":"2026-11-25T20:00:00.000Z","eventName":"s3:ObjectCreated:Put","userIdentity":{"principalId":"vanthu"},"requestParameters":{},"responseElements":{},"s3":{"s3SchemaVersion":"1.0","configurationId":"Config","bucket":{"name":"uploads","ownerIdentity":{"principalId":"vanthu"},"arn":"arn:aws:s3:::uploads"},"object":{"key":"scans%2F46+TB.pdf","size":1024,"eTag":"9b2cf535f27731c974343645a3985328","contentType":"application/pdf","userMetadata":{"content-type":"application/pdf"},"sequencer":"1"}},"source":{"host":"127.0.0.1","port":"","userAgent":"MinIO (linux; amd64) minio-go/v7.4.1"}}]}`

type recorder struct {
	got  []event.Event
	fail error
}

func (r *recorder) Emit(_ context.Context, ev event.Event) error {
	if r.fail != nil {
		return r.fail
	}
	r.got = append(r.got, ev)
	return nil
}

func post(f *Function, body, auth string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	w := httptest.NewRecorder()
	f.Handle(w, req)
	return w
}

func TestEmitsOneEventPerUpload(t *testing.T) {
	rec := &recorder{}
	f := &Function{Token: "t0ken", Emit: rec, Log: New().Log}
	if w := post(f, minioBody, "Bearer t0ken"); w.Code != http.StatusNoContent {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if len(rec.got) != 1 {
		t.Fatalf("%d events", len(rec.got))
	}
	ev := rec.got[0]
	ref, err := events.RefOf(ev)
	if err != nil || ev.Type() != events.TypeUploaded || ref.Key != "scans/46 TB.pdf" || ref.ETag != "9b2cf535f27731c974343645a3985328" || ref.Size != 1024 {
		t.Errorf("%s %+v %v", ev.Type(), ref, err)
	}
}

func TestRefusesWithoutTheToken(t *testing.T) {
	rec := &recorder{}
	for _, auth := range []string{"", "Bearer wrong", "t0ken", "Basic dDBrZW4="} {
		f := &Function{Token: "t0ken", Emit: rec, Log: New().Log}
		if w := post(f, minioBody, auth); w.Code != http.StatusForbidden {
			t.Errorf("auth %q: status %d", auth, w.Code)
		}
	}
	unconfigured := &Function{Emit: rec, Log: New().Log}
	if w := post(unconfigured, minioBody, "Bearer "); w.Code != http.StatusForbidden {
		t.Errorf("a function with no token accepted a request: %d", w.Code)
	}
	if len(rec.got) != 0 {
		t.Error("refused requests emitted events")
	}
}

func TestFailedEmitAsksMinIOToRetry(t *testing.T) {
	f := &Function{Token: "t0ken", Emit: &recorder{fail: errors.New("broker down")}, Log: New().Log}
	if w := post(f, minioBody, "Bearer t0ken"); w.Code != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503 so that MinIO queues and retries", w.Code)
	}
}

func TestParseNotification(t *testing.T) {
	multipart := strings.ReplaceAll(minioBody, "s3:ObjectCreated:Put", "s3:ObjectCreated:CompleteMultipartUpload")
	if refs, err := ParseNotification([]byte(multipart)); err != nil || len(refs) != 1 {
		t.Errorf("multipart upload: %v %v", refs, err)
	}
	deleted := strings.ReplaceAll(minioBody, "s3:ObjectCreated:Put", "s3:ObjectRemoved:Delete")
	if refs, _ := ParseNotification([]byte(deleted)); len(refs) != 0 {
		t.Errorf("a deletion became an upload: %v", refs)
	}
	artifact := strings.ReplaceAll(minioBody, "scans%2F46+TB.pdf", "vanthu%2Fpages%2F46.json")
	if refs, _ := ParseNotification([]byte(artifact)); len(refs) != 0 {
		t.Errorf("vanthu's own artifact became an upload: %v", refs)
	}
	traversal := strings.ReplaceAll(minioBody, "scans%2F46+TB.pdf", "..%2F..%2Fetc%2Fpasswd")
	if _, err := ParseNotification([]byte(traversal)); err == nil {
		t.Error("a key climbing out of the bucket was accepted")
	}
	if _, err := ParseNotification([]byte("{not json")); err == nil {
		t.Error("garbage accepted")
	}
}
