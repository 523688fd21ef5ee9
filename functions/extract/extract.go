// Package extract is the Knative function of the extract stage: on
// vn.vanthu.document.read it loads the pages artifact, extracts and
// classifies the record (pipelines.Pipeline.Extract), writes it as an
// artifact and emits vn.vanthu.document.extracted.
package extract

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/vanthu/vanthu/internal/backends"
	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/objstore"
	"github.com/vanthu/vanthu/internal/stage"
	"github.com/vanthu/vanthu/pipelines"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// Source of the events this function emits.
const Source = "vanthu/extract"

// Stage names this stage's artifacts.
const Stage = stage.RecordsStage

// Function is the extract stage.
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

// Handle extracts one read document; idempotent like the read stage.
func (f *Function) Handle(ctx context.Context, ev event.Event) (*event.Event, error) {
	st := stage.Of("extract", Source, f.Store)
	return st.Run(ctx, ev, func(ref events.Ref) (any, error) {
		pagesKey := ref.Artifacts[stage.PagesStage]
		if pagesKey == "" {
			return nil, fmt.Errorf("event %s: no pages artifact", ev.ID())
		}
		rc, _, err := f.Store.Get(ctx, ref.Bucket, pagesKey)
		if err != nil {
			return nil, fmt.Errorf("pages artifact %s: %w", pagesKey, err)
		}
		var art pipelines.ReadArtifact
		err = json.NewDecoder(io.LimitReader(rc, 256<<20)).Decode(&art)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("pages artifact %s: %w", pagesKey, err)
		}
		rec := doc.NewRecord(ref.Key)
		if art.Error != "" {
			rec.Error = art.Error
		} else {
			rec = f.Pipeline.Extract(ctx, &art.Read)
		}
		rec.File = ref.Key
		return rec, nil
	})
}
