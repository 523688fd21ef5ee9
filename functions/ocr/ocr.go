// Package ocr is the Knative function of the read stage: on
// vn.vanthu.document.uploaded it fetches the object, reads its pages (text
// layer or OCR, pipelines.Pipeline.ReadFile), writes them as an artifact
// and emits vn.vanthu.document.read. knative/func's CloudEvents shape:
// New() and Handle(ctx, event.Event) (*event.Event, error).
package ocr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/vanthu/vanthu/internal/backends"
	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/metrics"
	"github.com/vanthu/vanthu/internal/objstore"
	"github.com/vanthu/vanthu/internal/stage"
	"github.com/vanthu/vanthu/pipelines"
)

// Source of the events this function emits.
const Source = "vanthu/ocr"

// Stage names this stage's artifacts.
const Stage = stage.PagesStage

// Artifact is what the read stage writes (pipelines.ReadArtifact).
type Artifact = pipelines.ReadArtifact

// Function is the read stage.
type Function struct {
	Store    objstore.Store
	Pipeline *pipelines.Pipeline
	Log      *slog.Logger
	opened   *backends.Opened
}

// New returns the function; Store and Pipeline are set by the caller.
func New() *Function { return &Function{Log: slog.Default()} }

// Start opens what the caller did not set (knative/func's Starter): the
// object store cfg names, and a pipeline of one Tesseract worker.
func (f *Function) Start(ctx context.Context, cfg map[string]string) error {
	f.opened = backends.Open(cfg)
	if f.Pipeline == nil {
		var stop func() error
		f.Pipeline, stop = pipelines.Standalone()
		f.opened.OnStop(stop)
	}
	return f.opened.Store(ctx, &f.Store)
}

// Stop closes what Start opened (knative/func's Stopper).
func (f *Function) Stop(context.Context) error { return f.opened.Close() }

// Handle reads one uploaded object. It is idempotent on (bucket, key,
// ETag): when the artifact exists the work is not done again.
func (f *Function) Handle(ctx context.Context, ev event.Event) (*event.Event, error) {
	st := stage.Of("ocr", Source, f.Store)
	return st.Run(ctx, ev, func(ref events.Ref) (any, error) {
		art, err := f.read(ctx, ref)
		if art == nil || err != nil {
			return nil, err // superseded, or transient (redelivered)
		}
		return art, nil
	})
}

// read fetches the object into a temporary file (named by us, never by the
// key) and reads it. A file that cannot be read is not an error of the
// stage: it becomes an artifact carrying the reason.
func (f *Function) read(ctx context.Context, ref events.Ref) (*Artifact, error) {
	rc, info, err := f.Store.Get(ctx, ref.Bucket, ref.Key)
	if errors.Is(err, objstore.ErrNotFound) {
		return &Artifact{Error: "the upload was deleted before it was read"}, nil
	}
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if ref.ETag != "" && info.ETag != ref.ETag {
		f.Log.InfoContext(ctx, "superseded", "key", ref.Key, "event_etag", ref.ETag, "now", info.ETag)
		return nil, nil
	}
	tmp, err := os.CreateTemp("", "vanthu-upload-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, rc)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("fetch %s/%s: %w", ref.Bucket, ref.Key, err)
	}
	rd, err := f.Pipeline.ReadFile(ctx, tmp.Name())
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		return &Artifact{Error: err.Error()}, nil
	}
	for _, p := range rd.Pages {
		metrics.PagesRead(string(p.Source), 1)
	}
	return &Artifact{Read: *rd}, nil
}
