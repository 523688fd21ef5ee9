// Package summary is the function that writes the leaders' summaries on a
// schedule (the chart's PingSource; once an hour in vanthu serve): for
// every agency, the day before as a PDF, and on Mondays the week before,
// on the first of the month the month before, into the object store under
// vanthu/summaries/<agency>/. Idempotent: a summary written is not
// written again. Only documents without a secrecy marking go into these
// files, which anyone reading the bucket can open; the web application's
// summary, made for a cleared user, includes what they may read.
package summary

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/vanthu/vanthu/internal/backends"
	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/objstore"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/summary"
)

// Function is the summary writer.
type Function struct {
	Store   objstore.Store
	Bucket  string
	Records *records.Store
	Log     *slog.Logger
	Now     func() time.Time // default time.Now
	opened  *backends.Opened
}

// Start opens what the caller did not set (knative/func's Starter): the
// object store and the records cfg names.
func (f *Function) Start(ctx context.Context, cfg map[string]string) error {
	f.opened = backends.Open(cfg)
	if f.Bucket == "" {
		f.Bucket = f.opened.Bucket()
	}
	if err := f.opened.Store(ctx, &f.Store); err != nil {
		return err
	}
	return f.opened.Records(ctx, &f.Records)
}

// Stop closes what Start opened (knative/func's Stopper).
func (f *Function) Stop(context.Context) error { return f.opened.Close() }

// vn is Vietnam's time: a day is the office's day.
var vn = time.FixedZone("ICT", 7*3600)

// Handle writes what is due; the event's content does not matter.
func (f *Function) Handle(ctx context.Context, _ event.Event) (*event.Event, error) {
	_, err := f.Run(ctx)
	return nil, err
}

// Key is where an agency's summary of a period is kept.
func Key(agency, period, from string) string {
	return fmt.Sprintf("%ssummaries/%s/%s-%s.pdf", events.ArtifactPrefix, agency, period, from)
}

// Run writes the summaries due now and returns how many it wrote.
func (f *Function) Run(ctx context.Context) (int, error) {
	now := time.Now
	if f.Now != nil {
		now = f.Now
	}
	today := now().In(vn)
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	type span struct{ period, from, to string }
	spans := []span{{"day", day.AddDate(0, 0, -1).Format(time.DateOnly), day.AddDate(0, 0, -1).Format(time.DateOnly)}}
	if day.Weekday() == time.Monday {
		spans = append(spans, span{"week", day.AddDate(0, 0, -7).Format(time.DateOnly), day.AddDate(0, 0, -1).Format(time.DateOnly)})
	}
	if day.Day() == 1 {
		spans = append(spans, span{"month", day.AddDate(0, -1, 0).Format(time.DateOnly), day.AddDate(0, 0, -1).Format(time.DateOnly)})
	}
	agencies, err := f.Records.Agencies(ctx)
	if err != nil {
		return 0, err
	}
	written := 0
	var errs []error
	for _, a := range agencies {
		for _, sp := range spans {
			key := Key(a, sp.period, sp.from)
			if _, err := f.Store.Stat(ctx, f.Bucket, key); err == nil {
				continue
			} else if !errors.Is(err, objstore.ErrNotFound) {
				errs = append(errs, err)
				continue
			}
			sum, err := f.Records.Summarize(ctx, records.User{Agency: a}, sp.from, sp.to, day.Format(time.DateOnly))
			if err != nil {
				errs = append(errs, fmt.Errorf("summary of %s %s: %w", a, sp.from, err))
				continue
			}
			pdf, err := summary.PDF(sum, a)
			if err != nil {
				errs = append(errs, fmt.Errorf("summary of %s %s: %w", a, sp.from, err))
				continue
			}
			if _, err := f.Store.Put(ctx, f.Bucket, key, bytes.NewReader(pdf), int64(len(pdf)), events.ArtifactMeta); err != nil {
				errs = append(errs, fmt.Errorf("summary of %s %s: %w", a, sp.from, err))
				continue
			}
			written++
			if f.Log != nil {
				f.Log.InfoContext(ctx, "summary written", "agency", a, "period", sp.period, "from", sp.from, "key", key)
			}
		}
	}
	return written, errors.Join(errs...)
}
