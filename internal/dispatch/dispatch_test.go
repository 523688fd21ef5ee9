package dispatch

import (
	"context"
	"testing"

	"github.com/cloudevents/sdk-go/v2/event"
)

// InFlight counts documents from their first event to their last stage:
// a chain's next event keeps it counted.
func TestInFlight(t *testing.T) {
	d := New()
	release := make(chan struct{})
	started := make(chan struct{}, 2)
	d.On("a", func(_ context.Context, ev event.Event) (*event.Event, error) {
		next := event.New()
		next.SetType("b")
		next.SetID(ev.ID() + "-b")
		next.SetSource("test")
		next.SetSubject(ev.Subject())
		return &next, nil
	})
	d.On("b", func(context.Context, event.Event) (*event.Event, error) {
		started <- struct{}{}
		<-release
		return nil, nil
	})
	for _, key := range []string{"one.pdf", "two.pdf"} {
		ev := event.New()
		ev.SetType("a")
		ev.SetID(key)
		ev.SetSource("test")
		ev.SetSubject(key)
		if err := d.Emit(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	<-started
	<-started
	if n := d.InFlight(); n != 2 {
		t.Errorf("in flight %d, want 2 (two documents in their second stage)", n)
	}
	close(release)
	d.Wait()
	if n := d.InFlight(); n != 0 {
		t.Errorf("in flight %d after all ended", n)
	}
}
