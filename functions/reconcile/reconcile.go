// Package reconcile is the scheduled function (a PingSource on Knative)
// that makes sure no upload is lost: it lists the bucket, finds objects
// with no record for their current version, and emits their uploaded
// event again. Stages are idempotent, so an object whose work is merely in
// flight is done once all the same. On a laptop it is also how files
// dropped into the upload folder are picked up.
package reconcile

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/vanthu/vanthu/functions/extract"
	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/objstore"
)

// Source of the events this function emits.
const Source = "vanthu/reconcile"

// Emitter sends events on.
type Emitter interface {
	Emit(ctx context.Context, ev event.Event) error
}

// Function is the reconciler of one bucket.
type Function struct {
	Store  objstore.Store
	Bucket string
	Emit   Emitter
	// Skip reports events already in flight (in-process only), so that a
	// slow document is not queued twice between two runs.
	Skip func(ref events.Ref) bool
	Log  *slog.Logger
}

// New returns the function; the caller sets its fields.
func New() *Function { return &Function{Log: slog.Default()} }

// Handle runs one pass; the triggering event's content does not matter.
func (f *Function) Handle(ctx context.Context, _ event.Event) (*event.Event, error) {
	n, err := f.Run(ctx)
	if err != nil {
		return nil, err
	}
	f.Log.Debug("reconciled", "bucket", f.Bucket, "re-emitted", n)
	return nil, nil
}

// Run emits an uploaded event for every object without a record and
// returns how many it emitted.
func (f *Function) Run(ctx context.Context) (int, error) {
	objs, err := f.Store.List(ctx, f.Bucket, "")
	if err != nil {
		return 0, fmt.Errorf("reconcile %s: %w", f.Bucket, err)
	}
	have := map[string]bool{}
	for _, o := range objs {
		if strings.HasPrefix(o.Key, events.ArtifactPrefix) {
			have[o.Key] = true
		}
	}
	n := 0
	for _, o := range objs {
		if strings.HasPrefix(o.Key, events.ArtifactPrefix) {
			continue
		}
		ref := events.Ref{Bucket: f.Bucket, Key: o.Key, ETag: o.ETag, Size: o.Size}
		if have[events.ArtifactKey(extract.Stage, ref)] || f.Skip != nil && f.Skip(ref) {
			continue
		}
		ev, err := events.New(events.TypeUploaded, Source, ref)
		if err == nil {
			err = f.Emit.Emit(ctx, ev)
		}
		if err != nil {
			return n, fmt.Errorf("re-emit %s: %w", o.Key, err)
		}
		n++
	}
	return n, nil
}
