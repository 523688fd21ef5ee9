// Package register is the function that turns extracted documents into
// records (on vn.vanthu.document.extracted): the document, its line of the
// incoming register (an arrival number per agency and year, duplicates
// linked) or of the outgoing one, report, meeting and task records.
// Idempotent on the upload.
package register

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

// Function is the register stage.
type Function struct {
	Store   objstore.Store
	Records *records.Store
	Agency  string // agency of uploads that carry none in their metadata
	// Index, when set, gets a document read again (vanthu reprocess) as
	// the records merged it — people's corrections kept — since the index
	// stage does not index an upload twice. Unset, or failing, the
	// document stays marked and the API's RepairIndex indexes it.
	Index  search.Indexer
	Log    *slog.Logger
	opened *backends.Opened
}

// New returns the function; the caller sets its fields.
func New() *Function { return &Function{Log: slog.Default()} }

// Start opens what the caller did not set (knative/func's Starter): the
// object store and the records cfg names, and the search index when it is
// a shared one (Elasticsearch; a Bleve index is the index function's own).
func (f *Function) Start(ctx context.Context, cfg map[string]string) error {
	f.opened = backends.Open(cfg)
	if f.Agency == "" {
		f.Agency = f.opened.Get("VANTHU_AGENCY")
	}
	if err := f.opened.Store(ctx, &f.Store); err != nil {
		return err
	}
	if err := f.opened.Records(ctx, &f.Records); err != nil {
		return err
	}
	if backends.Clustered(f.opened.Get) {
		return f.opened.Index(ctx, &f.Index)
	}
	return nil
}

// Stop closes what Start opened (knative/func's Stopper).
func (f *Function) Stop(context.Context) error { return f.opened.Close() }

// Handle registers one extracted document; it ends the chain.
func (f *Function) Handle(ctx context.Context, ev event.Event) (*event.Event, error) {
	return stage.Terminal(ctx, f.Store, ev, stage.RegisteredStage, f.Agency, func(ref events.Ref, rec doc.Record, o stage.Origin) error {
		agency := o.Agency
		// An upload the API stored but had not recorded (its process
		// died) is recorded here, under the name and uploader it came with.
		file := rec.File
		if o.File != "" {
			file = o.File
		}
		r, err := f.Records.Record(ctx, records.Upload{Agency: agency, Bucket: ref.Bucket, Key: ref.Key, ETag: ref.ETag, File: file, By: o.By}, rec)
		if err == nil && r.Reread && r.Document.Status != records.StatusFailed {
			f.Log.InfoContext(ctx, "read again", "key", ref.Key, "agency", agency, "document_id", r.Document.ID, "status", r.Document.Status)
			if f.Index != nil {
				if ierr := f.Index.Index(ctx, domain.Recorded(r.Document)); ierr != nil {
					f.Log.ErrorContext(ctx, "index the new reading", "document_id", r.Document.ID, "err", ierr)
				} else if ierr := f.Records.Reindexed(ctx, r.Document); ierr != nil {
					f.Log.ErrorContext(ctx, "index the new reading", "document_id", r.Document.ID, "err", ierr)
				}
			}
		}
		if err == nil && (r.New || r.Reread) && r.Document.Status != records.StatusFailed {
			// Issuer, recipients and assignees against the agency
			// directory: a derived index, mended on the next reading.
			if rerr := f.Records.ResolveNames(ctx, r.Document); rerr != nil {
				f.Log.WarnContext(ctx, "resolve names", "document_id", r.Document.ID, "err", rerr)
			}
		}
		if err == nil && r.New && r.Document.Secrecy == "" && (r.Document.Status == records.StatusRegistered || r.Document.Status == records.StatusReview) {
			// The data-sharing hub's subscribers hear of it (no system is
			// cleared for a secret one).
			rec := r.Document.Record
			if perr := f.Records.Publish(ctx, r.Document.Agency, records.HubDocumentRegistered, fmt.Sprintf("registered-%d", r.Document.ID),
				map[string]any{"document_id": r.Document.ID, "number": rec.Number, "symbol": rec.Symbol, "issuer": rec.Issuer, "issued_at": rec.IssuedAt,
					"doc_type": rec.DocType, "status": r.Document.Status}); perr != nil {
				f.Log.WarnContext(ctx, "hub: publish", "err", perr)
			}
		}
		if err == nil && r.New {
			attrs := []any{"key", ref.Key, "agency", agency, "document_id", r.Document.ID, "status", r.Document.Status}
			if r.Incoming != nil {
				attrs = append(attrs, "arrival", r.Incoming.ArrivalNumber, "duplicate_of", r.Incoming.DuplicateOf)
			}
			f.Log.InfoContext(ctx, "recorded", attrs...)
		}
		return err
	})
}
