// Package ingest is the Knative function MinIO's bucket notification
// webhook calls. It checks MinIO's bearer token, reads the S3 event records
// (keys arrive URL-query escaped; large uploads as CompleteMultipartUpload),
// ignores what vanthu itself wrote (artifacts), and emits one
// vn.vanthu.document.uploaded CloudEvent per object. It follows
// knative/func's instanced HTTP shape: New() and Handle(w, r).
package ingest

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/minio/minio-go/v7/pkg/notification"

	"github.com/vanthu/vanthu/internal/backends"
	"github.com/vanthu/vanthu/internal/config"
	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/objstore"
)

// Source is the CloudEvents source of ingest's events.
const Source = "vanthu/ingest"

// MaxBody bounds a notification request (MinIO sends one record each).
const MaxBody = 1 << 20

// Emitter sends an event on (to the broker, or the in-process dispatcher).
type Emitter interface {
	Emit(ctx context.Context, ev event.Event) error
}

// Function is the ingest function.
type Function struct {
	Token string // MinIO's auth_token; requests without it are refused
	Emit  Emitter
	Log   *slog.Logger
}

// New returns the function; Token and Emit are set by the caller (the
// binary reads the token from a Secret-backed variable).
func New() *Function { return &Function{Log: slog.Default()} }

// Start reads what the caller did not set (knative/func's Starter): the
// token MinIO must send (VANTHU_INGEST_TOKEN) and the sink (K_SINK).
func (f *Function) Start(_ context.Context, cfg map[string]string) error {
	get := config.Map(cfg)
	if f.Token == "" {
		f.Token = get("VANTHU_INGEST_TOKEN")
	}
	if f.Emit == nil {
		sink, err := backends.NewSink(get)
		if err != nil {
			return err
		}
		f.Emit = sink
	}
	return nil
}

// Stop has nothing to close (knative/func's Stopper).
func (f *Function) Stop(context.Context) error { return nil }

// webhookBody is MinIO's webhook body: the S3 event records in
// minio-go's own types, with the event name and key MinIO adds.
type webhookBody struct {
	EventName string               `json:"EventName"`
	Key       string               `json:"Key"`
	Records   []notification.Event `json:"Records"`
}

// ParseNotification reads a MinIO webhook body into object references:
// object-created events only, keys unescaped and checked, artifacts and
// objects marked as vanthu's own left out.
func ParseNotification(body []byte) ([]events.Ref, error) {
	var n webhookBody
	if err := json.Unmarshal(body, &n); err != nil {
		return nil, fmt.Errorf("notification: %w", err)
	}
	var refs []events.Ref
	for _, rec := range n.Records {
		if !strings.HasPrefix(rec.EventName, strings.TrimSuffix(string(notification.ObjectCreatedAll), "*")) {
			continue // deletions, reads, tagging
		}
		key, err := url.QueryUnescape(rec.S3.Object.Key)
		if err != nil {
			return nil, fmt.Errorf("object key %q: %w", rec.S3.Object.Key, err)
		}
		if err := objstore.CheckKey(key); err != nil {
			return nil, err
		}
		if err := objstore.CheckBucket(rec.S3.Bucket.Name); err != nil {
			return nil, err
		}
		if strings.HasPrefix(key, events.ArtifactPrefix) || ownWrite(rec.S3.Object.UserMetadata) {
			continue
		}
		refs = append(refs, events.Ref{Bucket: rec.S3.Bucket.Name, Key: key, ETag: strings.Trim(rec.S3.Object.ETag, `"`),
			VersionID: rec.S3.Object.VersionID, Size: rec.S3.Object.Size})
	}
	return refs, nil
}

// ownWrite spots objects vanthu wrote itself (metadata x-amz-meta-vanthu-artifact).
func ownWrite(md map[string]string) bool {
	for k := range md {
		if strings.EqualFold(strings.TrimPrefix(strings.ToLower(k), "x-amz-meta-"), "vanthu-artifact") {
			return true
		}
	}
	return false
}

// Authorized checks the bearer token in constant time.
func (f *Function) Authorized(r *http.Request) bool {
	if f.Token == "" {
		return false // an unconfigured function refuses everything
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(f.Token)) == 1
}

// Handle serves MinIO's webhook. 403 tells MinIO the token is wrong; a
// failed emit answers 503 so that MinIO keeps the event in its queue and
// retries: a lost notification never loses an upload.
func (f *Function) Handle(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		// MinIO probes the endpoint when the target is configured.
		w.WriteHeader(http.StatusOK)
		return
	}
	if !f.Authorized(r) {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil || len(body) > MaxBody {
		http.Error(w, "notification unreadable or too large", http.StatusBadRequest)
		return
	}
	refs, err := ParseNotification(body)
	if err != nil {
		f.Log.WarnContext(r.Context(), "bad notification", "err", err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	for _, ref := range refs {
		ev, err := events.New(events.TypeUploaded, Source, ref)
		if err == nil {
			err = f.Emit.Emit(r.Context(), ev)
		}
		if err != nil {
			f.Log.ErrorContext(r.Context(), "emit uploaded", "bucket", ref.Bucket, "key", ref.Key, "err", err)
			http.Error(w, "could not pass the upload on; retry", http.StatusServiceUnavailable)
			return
		}
		f.Log.InfoContext(r.Context(), "uploaded", "bucket", ref.Bucket, "key", ref.Key, "etag", ref.ETag, "id", ev.ID())
	}
	w.WriteHeader(http.StatusNoContent)
}
