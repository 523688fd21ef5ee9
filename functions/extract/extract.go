// Package extract is the Knative function of the extract stage: on
// vn.vanthu.document.read it loads the pages artifact, extracts and
// classifies the record (pipelines.Pipeline.Extract), writes it as an
// artifact and emits vn.vanthu.document.extracted.
package extract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/vanthu/vanthu/functions/ocr"
	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/objstore"
	"github.com/vanthu/vanthu/pipelines"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// Source of the events this function emits.
const Source = "vanthu/extract"

// Stage names this stage's artifacts.
const Stage = "records"

// Function is the extract stage.
type Function struct {
	Store    objstore.Store
	Pipeline *pipelines.Pipeline
	Log      *slog.Logger
}

// New returns the function; Store and Pipeline are set by the caller.
func New() *Function { return &Function{Log: slog.Default()} }

// Handle extracts one read document; idempotent like the read stage.
func (f *Function) Handle(ctx context.Context, ev event.Event) (*event.Event, error) {
	ref, err := events.RefOf(ev)
	if err != nil {
		return nil, err
	}
	pagesKey := ref.Artifacts[ocr.Stage]
	if pagesKey == "" {
		return nil, fmt.Errorf("event %s: no pages artifact", ev.ID())
	}
	key := events.ArtifactKey(Stage, ref)
	if _, err := f.Store.Stat(ctx, ref.Bucket, key); err == nil {
		return events.Next(ref, Stage, key, events.TypeExtracted, Source)
	} else if !errors.Is(err, objstore.ErrNotFound) {
		return nil, err
	}
	rc, _, err := f.Store.Get(ctx, ref.Bucket, pagesKey)
	if err != nil {
		return nil, fmt.Errorf("pages artifact %s: %w", pagesKey, err)
	}
	var art ocr.Artifact
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
	b, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	if _, err := f.Store.Put(ctx, ref.Bucket, key, bytes.NewReader(b), int64(len(b)), events.ArtifactMeta); err != nil {
		return nil, fmt.Errorf("write %s: %w", key, err)
	}
	return events.Next(ref, Stage, key, events.TypeExtracted, Source)
}
