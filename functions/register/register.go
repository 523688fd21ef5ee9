// Package register is the function that enters extracted documents into
// the incoming register (on vn.vanthu.document.extracted): an arrival
// number per agency and year, duplicates linked. Idempotent on the upload.
package register

import (
	"context"
	"log/slog"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/objstore"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/stage"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// Function is the register stage.
type Function struct {
	Store   objstore.Store
	Records *records.Store
	Agency  string // agency of uploads that carry none in their metadata
	Log     *slog.Logger
}

// New returns the function; the caller sets its fields.
func New() *Function { return &Function{Log: slog.Default()} }

// Handle registers one extracted document; it ends the chain.
func (f *Function) Handle(ctx context.Context, ev event.Event) (*event.Event, error) {
	return stage.Terminal(ctx, f.Store, ev, f.Agency, func(ref events.Ref, rec doc.Record, agency string) error {
		e, err := f.Records.Register(ctx, records.Entry{Agency: agency, Bucket: ref.Bucket, Key: ref.Key, ETag: ref.ETag,
			DocType: rec.DocType, Number: rec.Number, Symbol: rec.Symbol, Issuer: rec.Issuer, IssuedAt: rec.IssuedAt,
			Subject: rec.Subject, Signer: rec.Signer, Urgency: rec.Urgency, Confidentiality: rec.Confidentiality})
		if err == nil {
			f.Log.Info("registered", "key", ref.Key, "agency", agency, "arrival", e.ArrivalNumber, "duplicate_of", e.DuplicateOf)
		}
		return err
	})
}
