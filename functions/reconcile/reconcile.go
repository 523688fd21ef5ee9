// Package reconcile is the scheduled function (a PingSource on Knative)
// that makes sure no upload is lost or left hanging: it lists the bucket
// and, for every upload whose way through the stages did not end — a
// terminal stage (index, register) without its marker — emits its
// uploaded event again. Stages are idempotent, so the stages already done
// answer at once and only what is missing is done. An upload the read or
// extract stage keeps failing on (a file that crashes a reader, a stage
// that never answers) is given up after MaxAttempts passes and at least
// GiveUpAfter since the first: it gets a record carrying the reason, and
// the register shows it failed, where a clerk acts on it. On a laptop this
// is also how files dropped into the upload folder are picked up.
package reconcile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/vanthu/vanthu/internal/backends"
	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/feedback"
	"github.com/vanthu/vanthu/internal/objstore"
	"github.com/vanthu/vanthu/internal/stage"
	"github.com/vanthu/vanthu/pipelines/doc"
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
	// MaxAttempts and GiveUpAfter bound how long an upload without a
	// record is sent on again (defaults 5 and one hour): both must be
	// passed before it is given up as failed.
	MaxAttempts int
	GiveUpAfter time.Duration
	now         func() time.Time
	opened      *backends.Opened
}

// New returns the function; the caller sets its fields.
func New() *Function { return &Function{Log: slog.Default()} }

// Start opens what the caller did not set (knative/func's Starter): the
// object store cfg names and the sink (K_SINK) it sends to.
func (f *Function) Start(ctx context.Context, cfg map[string]string) error {
	f.opened = backends.Open(cfg)
	if f.Bucket == "" {
		f.Bucket = f.opened.Bucket()
	}
	if f.Emit == nil {
		sink, err := backends.NewSink(f.opened.Get)
		if err != nil {
			return err
		}
		f.Emit = sink
	}
	return f.opened.Store(ctx, &f.Store)
}

// Stop closes what Start opened (knative/func's Stopper).
func (f *Function) Stop(context.Context) error { return f.opened.Close() }

// Handle runs one pass; the triggering event's content does not matter.
func (f *Function) Handle(ctx context.Context, _ event.Event) (*event.Event, error) {
	n, err := f.Run(ctx)
	if err != nil {
		return nil, err
	}
	f.log().Debug("reconciled", "bucket", f.Bucket, "re-emitted", n)
	return nil, nil
}

func (f *Function) log() *slog.Logger {
	if f.Log == nil {
		return slog.Default()
	}
	return f.Log
}

// attempts is the count the reconciler keeps beside an upload.
type attempts struct {
	N     int       `json:"n"`
	First time.Time `json:"first"`
	// Patience, when set, is how long this upload is sent on before it is
	// given up, instead of GiveUpAfter: an archive being read again
	// (vanthu reprocess) is a backlog of hours, not a file that stalls.
	Patience Duration `json:"patience,omitempty"`
}

// Duration is a time.Duration written as "24h0m0s".
type Duration time.Duration

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	*d = Duration(v)
	return err
}

// Patient gives ref a patience of p before it is given up (vanthu
// reprocess sets it on every upload it sends to be read again).
func Patient(ctx context.Context, store objstore.Store, ref events.Ref, p time.Duration) error {
	// The first pass that sends it on starts the clock (bump).
	b, _ := json.Marshal(attempts{Patience: Duration(p)})
	key := events.ArtifactKey(stage.AttemptsStage, ref)
	if _, err := store.Put(ctx, ref.Bucket, key, bytes.NewReader(b), int64(len(b)), events.ArtifactMeta); err != nil {
		return fmt.Errorf("patience of %s: %w", ref.Key, err)
	}
	return nil
}

// Run sends on every upload whose way did not end and returns how many
// it sent on (given up ones included). One upload's trouble does not stop
// the pass: its error is joined to the others'.
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
	var errs []error
	// Citizens' Zalo events kept by the webhook and not yet processed.
	var keys []string
	for _, o := range objs {
		keys = append(keys, o.Key)
	}
	for _, k := range feedback.Pending(keys) {
		ref := events.Ref{Bucket: f.Bucket, Key: k}
		if f.Skip != nil && f.Skip(ref) {
			continue
		}
		ev, err := events.New(events.TypeFeedback, Source, ref)
		if err == nil {
			err = f.Emit.Emit(ctx, ev)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("reconcile %s: %w", k, err))
			continue
		}
		n++
	}
	for _, o := range objs {
		if strings.HasPrefix(o.Key, events.ArtifactPrefix) || ctx.Err() != nil {
			continue
		}
		ref := events.Ref{Bucket: f.Bucket, Key: o.Key, ETag: o.ETag, Size: o.Size}
		done := true
		for _, st := range stage.TerminalStages {
			done = done && have[events.ArtifactKey(st, ref)]
		}
		if done || f.Skip != nil && f.Skip(ref) {
			continue
		}
		if err := f.sendOn(ctx, ref, have[events.ArtifactKey(stage.RecordsStage, ref)]); err != nil {
			errs = append(errs, fmt.Errorf("reconcile %s: %w", o.Key, err))
			continue
		}
		n++
	}
	return n, errors.Join(append(errs, ctx.Err())...)
}

// sendOn emits ref's uploaded event again, or, for an upload that has no
// record after too many passes, writes the record of its failure and
// emits extracted.
func (f *Function) sendOn(ctx context.Context, ref events.Ref, recorded bool) error {
	if !recorded {
		a, err := f.bump(ctx, ref)
		if err != nil {
			return err
		}
		if a.N > f.maxAttempts() && f.clock().Sub(a.First) >= max(f.giveUpAfter(), time.Duration(a.Patience)) {
			return f.giveUp(ctx, ref, a)
		}
	}
	ev, err := events.New(events.TypeUploaded, Source, ref)
	if err != nil {
		return err
	}
	return f.Emit.Emit(ctx, ev)
}

func (f *Function) maxAttempts() int {
	if f.MaxAttempts > 0 {
		return f.MaxAttempts
	}
	return 5
}

func (f *Function) giveUpAfter() time.Duration {
	if f.GiveUpAfter > 0 {
		return f.GiveUpAfter
	}
	return time.Hour
}

func (f *Function) clock() time.Time {
	if f.now != nil {
		return f.now()
	}
	return time.Now()
}

// bump counts one more pass for ref, before the event goes out: a file
// that kills the process it is read in is counted all the same.
func (f *Function) bump(ctx context.Context, ref events.Ref) (attempts, error) {
	key := events.ArtifactKey(stage.AttemptsStage, ref)
	var a attempts
	if rc, _, err := f.Store.Get(ctx, ref.Bucket, key); err == nil {
		json.NewDecoder(io.LimitReader(rc, 4096)).Decode(&a)
		rc.Close()
	} else if !errors.Is(err, objstore.ErrNotFound) {
		return a, err
	}
	if a.First.IsZero() {
		a.First = f.clock().UTC()
	}
	a.N++
	b, _ := json.Marshal(a)
	if _, err := f.Store.Put(ctx, ref.Bucket, key, bytes.NewReader(b), int64(len(b)), events.ArtifactMeta); err != nil {
		return a, fmt.Errorf("count the attempt: %w", err)
	}
	return a, nil
}

// giveUp ends an upload the stages could not read: a record carrying the
// reason, sent to the terminal stages like any other.
func (f *Function) giveUp(ctx context.Context, ref events.Ref, a attempts) error {
	rec := doc.NewRecord(ref.Key)
	rec.Error = fmt.Sprintf("could not be read: %d attempts since %s did not finish (the file may crash or stall the reader)",
		a.N-1, a.First.Format(time.RFC3339))
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	key := events.ArtifactKey(stage.RecordsStage, ref)
	if _, err := f.Store.Put(ctx, ref.Bucket, key, bytes.NewReader(b), int64(len(b)), events.ArtifactMeta); err != nil {
		return fmt.Errorf("write the failure record: %w", err)
	}
	f.log().Warn("given up", "key", ref.Key, "attempts", a.N-1, "since", a.First)
	ev, err := events.Next(ref, stage.RecordsStage, key, events.TypeExtracted, Source)
	if err != nil {
		return err
	}
	return f.Emit.Emit(ctx, *ev)
}
