// Package events defines the CloudEvents the functions exchange. Events
// carry references (bucket, key, ETag, artifact keys), never page images,
// and their IDs are derived from (stage, bucket, key, ETag) so that a
// redelivered or re-emitted event is recognisably the same event.
package events

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
)

// Event types, reverse-DNS.
const (
	TypeUploaded  = "vn.vanthu.document.uploaded"
	TypeRead      = "vn.vanthu.document.read"
	TypeExtracted = "vn.vanthu.document.extracted"
	// TypeFeedback: a citizen's Zalo event taken by the webhook, its raw
	// body in the object store (the Ref's key).
	TypeFeedback = "vn.vanthu.feedback.received"
	// TypeReminder: a handling due in three days ("soon") or due now
	// ("due"), for whoever reminds people (a mail or Zalo notifier).
	TypeReminder = "vn.vanthu.handling.reminder"
)

// Routing extensions (CloudEvents extension names: lower-case letters and
// digits, at most 20).
const (
	ExtBucket = "vbucket"
	ExtETag   = "vetag"
)

// Ref points at an uploaded object and what the stages made of it.
type Ref struct {
	Bucket    string `json:"bucket"`
	Key       string `json:"key"`
	ETag      string `json:"etag"`
	VersionID string `json:"version_id,omitempty"`
	Size      int64  `json:"size"`
	// Artifacts maps a stage to the key of what it wrote (pages' text and
	// boxes, the record).
	Artifacts map[string]string `json:"artifacts,omitempty"`
}

// ID is the deterministic event ID of a stage's event about r.
func (r Ref) ID(eventType string) string {
	h := sha256.Sum256([]byte(eventType + "\x00" + r.Bucket + "\x00" + r.Key + "\x00" + r.ETag + "\x00" + r.VersionID))
	return hex.EncodeToString(h[:16])
}

// New builds the CloudEvent of type t from source about r.
func New(t, source string, r Ref) (event.Event, error) {
	ev := event.New()
	ev.SetID(r.ID(t))
	ev.SetType(t)
	ev.SetSource(source)
	ev.SetSubject(r.Key)
	ev.SetTime(time.Now().UTC())
	ev.SetExtension(ExtBucket, r.Bucket)
	ev.SetExtension(ExtETag, r.ETag)
	if err := ev.SetData(event.ApplicationJSON, r); err != nil {
		return ev, fmt.Errorf("event data: %w", err)
	}
	return ev, ev.Validate()
}

// RefOf reads the reference an event carries.
func RefOf(ev event.Event) (Ref, error) {
	var r Ref
	if err := json.Unmarshal(ev.Data(), &r); err != nil {
		return r, fmt.Errorf("event %s: data: %w", ev.ID(), err)
	}
	if r.Bucket == "" || r.Key == "" {
		return r, fmt.Errorf("event %s: no bucket or key", ev.ID())
	}
	return r, nil
}

// ArtifactPrefix is where stages write what they make of an upload; ingest
// ignores notifications under it.
const ArtifactPrefix = "vanthu/"

// ArtifactKey names a stage's artifact for one version of an object:
// vanthu/<stage>/<key>@<etag>.json. Keyed on the ETag, so a re-upload with
// other bytes is read again and a redelivery finds the work done.
func ArtifactKey(stage string, r Ref) string {
	return ArtifactPrefix + stage + "/" + r.Key + "@" + r.ETag + ".json"
}

// ArtifactMeta marks objects vanthu writes itself.
var ArtifactMeta = map[string]string{"vanthu-artifact": "1"}

// Next is the event a stage emits once its artifact is written: the same
// reference with the artifact added, under the stage's event type.
func Next(r Ref, stage, artifactKey, eventType, source string) (*event.Event, error) {
	out := r
	out.Artifacts = map[string]string{stage: artifactKey}
	for k, v := range r.Artifacts {
		if k != stage {
			out.Artifacts[k] = v
		}
	}
	e, err := New(eventType, source, out)
	return &e, err
}
