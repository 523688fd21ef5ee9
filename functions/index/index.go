// Package index is the function that puts extracted documents into the
// search index (on vn.vanthu.document.extracted). Re-indexing the same
// version replaces it: a redelivery changes nothing.
package index

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/vanthu/vanthu/internal/backends"
	"github.com/vanthu/vanthu/internal/domain"
	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/objstore"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/search"
	"github.com/vanthu/vanthu/internal/stage"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// Function is the index stage.
type Function struct {
	Store  objstore.Store
	Index  search.Indexer
	Agency string // agency of uploads that carry none in their metadata
	Log    *slog.Logger
	opened *backends.Opened
}

// New returns the function; the caller sets its fields.
func New() *Function { return &Function{Log: slog.Default()} }

// Start opens what the caller did not set (knative/func's Starter): the
// object store and the search index cfg names.
func (f *Function) Start(ctx context.Context, cfg map[string]string) error {
	f.opened = backends.Open(cfg)
	if f.Agency == "" {
		f.Agency = f.opened.Get("VANTHU_AGENCY")
	}
	if err := f.opened.Store(ctx, &f.Store); err != nil {
		return err
	}
	return f.opened.Index(ctx, &f.Index)
}

// Stop closes what Start opened (knative/func's Stopper).
func (f *Function) Stop(context.Context) error { return f.opened.Close() }

// Handle indexes one extracted document; it ends the chain.
func (f *Function) Handle(ctx context.Context, ev event.Event) (*event.Event, error) {
	return stage.Terminal(ctx, f.Store, ev, stage.IndexedStage, f.Agency, func(ref events.Ref, rec doc.Record, o stage.Origin) error {
		if rec.Error != "" {
			return nil // nothing was read: nothing to find
		}
		file := rec.File
		if o.File != "" {
			file = o.File
		}
		d := domain.SearchDocument(stage.DocID(ref), o.Agency, file, rec, records.SecrecyOf(rec.Confidentiality), records.StatusOf(rec))
		if err := f.Index.Index(ctx, d); err != nil {
			return fmt.Errorf("index %s: %w", ref.Key, err)
		}
		return nil
	})
}
