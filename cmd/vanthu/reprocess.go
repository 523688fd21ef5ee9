package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vanthu/vanthu/functions/reconcile"
	"github.com/vanthu/vanthu/internal/config"
	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/objstore"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/stage"
)

// runReprocess makes the stages read stored uploads again when the
// version of a stage's artifact moved (a better reader or extractor):
// it removes the stale artifacts and what was made from them, marks the
// recorded documents, and leaves the sending to the reconciler — vanthu
// serve's loop, or the reconcile PingSource on Knative — so that both
// deployments do it the same way, at the pace the stages take.
func runReprocess(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var names []string
	for _, d := range stage.Versioned() {
		names = append(names, fmt.Sprintf("%s (version %d)", d.Name, d.Version))
	}
	fs := newFlagSet("reprocess", "Usage: vanthu reprocess [--stage S] [--since YYYY-MM-DD] [--force] [--dry-run]\n\n"+
		"Reads stored uploads again from the first stage whose artifact an older version wrote\n(stages: "+strings.Join(names, ", ")+").\n"+
		"Only uploads whose way through the stages ended are taken; the running service's\nreconciler sends them on. A person's correction always wins over the new reading, an\n"+
		"approved document keeps every field, the arrival number stays.", stderr)
	data := fs.String("data", config.Get("VANTHU_DATA"), "state folder (env VANTHU_DATA)")
	bucket := fs.String("bucket", "uploads", "bucket clerks upload to")
	only := fs.String("stage", "", "only this stage (ocr or extract)")
	since := fs.String("since", "", "only uploads stored on or after this day (YYYY-MM-DD)")
	force := fs.Bool("force", false, "read again even when the versions did not move (with --stage, from that stage)")
	dry := fs.Bool("dry-run", false, "list what would be read again, change nothing")
	verbose := fs.Bool("v", false, "name every upload")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *only != "" {
		if d, ok := stage.ByName(*only); !ok || !isVersioned(d.Name) {
			fmt.Fprintf(stderr, "vanthu reprocess: --stage %q: want one of %s\n", *only, strings.Join(names, ", "))
			return 2
		}
	}
	var from time.Time
	if *since != "" {
		t, err := time.ParseInLocation(time.DateOnly, *since, time.Local)
		if err != nil {
			fmt.Fprintf(stderr, "vanthu reprocess: --since %q: want YYYY-MM-DD\n", *since)
			return 2
		}
		from = t
	}
	if !checkConfig("reprocess", stderr) {
		return 2
	}
	store, err := openStore(ctx, *data, *bucket)
	if err != nil {
		fmt.Fprintln(stderr, "vanthu reprocess:", err)
		return 1
	}
	reg, err := openRecords(ctx, *data)
	if err != nil {
		fmt.Fprintln(stderr, "vanthu reprocess:", err)
		return 1
	}
	defer reg.Close()
	sum, err := reprocess(ctx, store, reg, *bucket, reprocessOptions{Only: *only, Since: from, Force: *force, DryRun: *dry},
		func(key, name string, v int) {
			if *verbose {
				fmt.Fprintf(stdout, "%s: from %s (version %d)\n", key, name, v)
			}
		})
	verb := "to be read again"
	if *dry {
		verb = "would be read again"
	}
	fmt.Fprintf(stdout, "%d uploads looked at, %d %s", sum.Seen, sum.Total(), verb)
	for _, d := range stage.Versioned() {
		if n := sum.From[d.Name]; n > 0 {
			fmt.Fprintf(stdout, ", %d from %s", n, d.Name)
		}
	}
	fmt.Fprintf(stdout, "; %d still on their way left to the reconciler\n", sum.InFlight)
	if sum.Total() > 0 && !*dry {
		fmt.Fprintln(stdout, "The service's reconciler sends them on (vanthu serve: every --reconcile; Knative: the reconcile schedule).")
	}
	if err != nil {
		fmt.Fprintln(stderr, "vanthu reprocess:", err)
		return 1
	}
	return 0
}

func isVersioned(name string) bool {
	for _, d := range stage.Versioned() {
		if d.Name == name {
			return true
		}
	}
	return false
}

type reprocessOptions struct {
	Only   string
	Since  time.Time
	Force  bool
	DryRun bool
}

type reprocessSummary struct {
	Seen, InFlight int
	From           map[string]int // uploads to read again, by the stage they restart from
}

func (s reprocessSummary) Total() int {
	n := 0
	for _, v := range s.From {
		n += v
	}
	return n
}

// reprocess does runReprocess's work over one bucket. One upload's
// trouble does not stop the others: the errors are joined.
func reprocess(ctx context.Context, store objstore.Store, reg *records.Store, bucket string, o reprocessOptions, each func(key, stage string, v int)) (reprocessSummary, error) {
	sum := reprocessSummary{From: map[string]int{}}
	objs, err := store.List(ctx, bucket, "")
	if err != nil {
		return sum, fmt.Errorf("list %s: %w", bucket, err)
	}
	var errs []error
	for _, obj := range objs {
		if strings.HasPrefix(obj.Key, events.ArtifactPrefix) || (!o.Since.IsZero() && obj.ModTime.Before(o.Since)) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		sum.Seen++
		ref := events.Ref{Bucket: bucket, Key: obj.Key, ETag: obj.ETag, Size: obj.Size}
		ended, err := stage.Ended(ctx, store, ref)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !ended {
			sum.InFlight++
			continue
		}
		name, v, err := stage.Stale(ctx, store, ref, o.Only, o.Force)
		if err != nil || name == "" {
			if err != nil {
				errs = append(errs, err)
			}
			continue
		}
		sum.From[name]++
		each(obj.Key, name, v)
		if o.DryRun {
			continue
		}
		// The document first: were the artifacts gone and the mark not
		// set, a reconcile in between would take the new reading for a
		// redelivery.
		marked, err := reg.MarkReread(ctx, bucket, obj.Key, obj.ETag)
		if err == nil {
			err = stage.Invalidate(ctx, store, ref, name, marked)
		}
		if err == nil {
			// A whole archive read again is a backlog of hours: the
			// reconciler waits a day before it gives one up.
			err = reconcile.Patient(ctx, store, ref, 24*time.Hour)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", obj.Key, err))
		}
	}
	return sum, errors.Join(errs...)
}
