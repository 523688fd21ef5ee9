package reconcile

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/objstore/local"
	"github.com/vanthu/vanthu/internal/stage"
	"github.com/vanthu/vanthu/pipelines/doc"
)

type sink struct {
	mu  sync.Mutex
	evs []event.Event
}

func (s *sink) Emit(_ context.Context, ev event.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.evs = append(s.evs, ev)
	return nil
}

func (s *sink) take() []event.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.evs
	s.evs = nil
	return out
}

func put(t *testing.T, st *local.Store, key, body string) events.Ref {
	t.Helper()
	info, err := st.Put(context.Background(), "uploads", key, strings.NewReader(body), int64(len(body)), nil)
	if err != nil {
		t.Fatal(err)
	}
	return events.Ref{Bucket: "uploads", Key: key, ETag: info.ETag, Size: info.Size}
}

func artifact(t *testing.T, st *local.Store, stageName string, ref events.Ref) {
	t.Helper()
	put(t, st, events.ArtifactKey(stageName, ref), "{}")
}

// Every upload is driven to its last stage: one with a record but no
// register or index marker (killed after extracting, an index that
// failed) is sent on again like one never read; one with both markers is
// done. An upload no stage can finish is given up after MaxAttempts
// passes and GiveUpAfter: it gets a record of its failure, which the
// terminal stages take like any other.
func TestReconcileDrivesEachUploadToItsEnd(t *testing.T) {
	st, err := local.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	done := put(t, st, "done.pdf", "a")
	for _, s := range append([]string{stage.PagesStage, stage.RecordsStage}, stage.TerminalStages...) {
		artifact(t, st, s, done)
	}
	unindexed := put(t, st, "unindexed.pdf", "b")
	for _, s := range []string{stage.PagesStage, stage.RecordsStage, stage.RegisteredStage} {
		artifact(t, st, s, unindexed)
	}
	unregistered := put(t, st, "unregistered.pdf", "c")
	for _, s := range []string{stage.PagesStage, stage.RecordsStage, stage.IndexedStage} {
		artifact(t, st, s, unregistered)
	}
	poison := put(t, st, "poison.pdf", "d") // never gets a record
	// An upload read again by vanthu reprocess, in a long backlog.
	patient := put(t, st, "patient.pdf", "e")
	if err := Patient(ctx, st, patient, 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	em := &sink{}
	clock := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	f := &Function{Store: st, Bucket: "uploads", Emit: em, MaxAttempts: 3, GiveUpAfter: time.Hour, now: func() time.Time { return clock }}
	sent := func() map[string]string {
		out := map[string]string{}
		for _, ev := range em.take() {
			out[ev.Subject()] = ev.Type()
		}
		return out
	}
	for pass := 1; pass <= 3; pass++ {
		if _, err := f.Run(ctx); err != nil {
			t.Fatal(err)
		}
		got := sent()
		want := map[string]string{unindexed.Key: events.TypeUploaded, unregistered.Key: events.TypeUploaded, poison.Key: events.TypeUploaded, patient.Key: events.TypeUploaded}
		if len(got) != len(want) || got[unindexed.Key] != want[unindexed.Key] || got[unregistered.Key] != want[unregistered.Key] || got[poison.Key] != want[poison.Key] {
			t.Fatalf("pass %d sent %v, want %v", pass, got, want)
		}
	}
	// Past the attempts but not the time: still tried.
	f.Run(ctx)
	if got := sent(); got[poison.Key] != events.TypeUploaded {
		t.Fatalf("given up before its time: %v", got)
	}
	clock = clock.Add(2 * time.Hour)
	f.Run(ctx)
	got := sent()
	if got[poison.Key] != events.TypeExtracted {
		t.Fatalf("the poison upload was not given up: %v", got)
	}
	if got[patient.Key] != events.TypeUploaded {
		t.Fatalf("an upload being read again was given up within its day: %v", got)
	}
	clock = clock.Add(23 * time.Hour)
	f.Run(ctx)
	if got := sent(); got[patient.Key] != events.TypeExtracted {
		t.Fatalf("an upload being read again was not given up after its day: %v", got)
	}
	rc, _, err := st.Get(ctx, "uploads", events.ArtifactKey(stage.RecordsStage, poison))
	if err != nil {
		t.Fatal(err)
	}
	var rec doc.Record
	json.NewDecoder(rc).Decode(&rec)
	rc.Close()
	if !strings.Contains(rec.Error, "could not be read") || !strings.Contains(rec.Error, "4 attempts") {
		t.Errorf("failure record: %q", rec.Error)
	}
	// Once the terminal stages have their markers, nothing is sent.
	for _, ref := range []events.Ref{unindexed, unregistered, poison, patient} {
		for _, s := range stage.TerminalStages {
			artifact(t, st, s, ref)
		}
	}
	f.Run(ctx)
	if got := sent(); len(got) != 0 {
		t.Errorf("done uploads sent again: %v", got)
	}
}

// A terminal stage runs its work once: with its marker in place a
// redelivery does nothing; a failing work writes no marker.
func TestTerminalMarksItsEnd(t *testing.T) {
	st, _ := local.New(t.TempDir())
	ctx := context.Background()
	ref := put(t, st, "x.pdf", "x")
	rec, _ := json.Marshal(doc.NewRecord("x.pdf"))
	put(t, st, events.ArtifactKey(stage.RecordsStage, ref), string(rec))
	ev, _ := events.Next(ref, stage.RecordsStage, events.ArtifactKey(stage.RecordsStage, ref), events.TypeExtracted, "test")
	calls := 0
	fail := true
	work := func(events.Ref, doc.Record, stage.Origin) error {
		calls++
		if fail {
			return context.DeadlineExceeded
		}
		return nil
	}
	if _, err := stage.Terminal(ctx, st, *ev, stage.IndexedStage, "a", work); err == nil {
		t.Fatal("a failing work succeeded")
	}
	if ok, _ := stage.Completed(ctx, st, ref, stage.IndexedStage); ok {
		t.Fatal("a failed work left its marker")
	}
	fail = false
	for range 3 {
		if _, err := stage.Terminal(ctx, st, *ev, stage.IndexedStage, "a", work); err != nil {
			t.Fatal(err)
		}
	}
	if ok, _ := stage.Completed(ctx, st, ref, stage.IndexedStage); !ok || calls != 2 {
		t.Errorf("marker %v, work ran %d times (want 2: the failure, then once)", ok, calls)
	}
}
