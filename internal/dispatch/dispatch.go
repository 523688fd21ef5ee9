// Package dispatch runs the functions in one process: events are routed by
// type to their handler, as the Broker and Triggers do on Knative, with the
// same delivery contract: a handler that fails is retried with backoff,
// and an event that keeps failing goes to the dead letters.
package dispatch

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
)

// Handler is a CloudEvents function: knative/func's Handle shape.
type Handler func(ctx context.Context, ev event.Event) (*event.Event, error)

// Dispatcher routes events to handlers.
type Dispatcher struct {
	routes  map[string][]Handler
	Retries int           // attempts after the first (default 3)
	Backoff time.Duration // first retry delay, doubled each time (default 200 ms)
	Log     *slog.Logger

	mu      sync.Mutex
	pending sync.WaitGroup
	dead    []event.Event
	done    []event.Event
	// busy counts deliveries in flight per document version: a chain's
	// next event starts before the previous delivery ends, so the count
	// stays above zero from upload to record.
	busy map[string]int
	// slots bounds the deliveries of a type running at once (Knative's
	// containerConcurrency): the others wait their turn, so that a burst
	// of uploads does not start a thousand readings on two cores.
	slots map[string]chan struct{}
}

// Limit lets at most n deliveries of events of type t run at once.
func (d *Dispatcher) Limit(t string, n int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.slots == nil {
		d.slots = map[string]chan struct{}{}
	}
	d.slots[t] = make(chan struct{}, max(1, n))
}

// ChainKey names a document version: bucket, subject (key) and ETag, as
// the events carry them.
func ChainKey(bucket, key, etag string) string { return bucket + "\x00" + key + "\x00" + etag }

func chainOf(ev event.Event) string {
	ext := ev.Extensions()
	b, _ := ext["vbucket"].(string)
	e, _ := ext["vetag"].(string)
	return ChainKey(b, ev.Subject(), e)
}

// Busy reports whether a document version is somewhere in the chain.
func (d *Dispatcher) Busy(chain string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.busy[chain] > 0
}

// New returns an empty dispatcher.
func New() *Dispatcher {
	return &Dispatcher{routes: map[string][]Handler{}, Retries: 3, Backoff: 200 * time.Millisecond, Log: slog.Default(), busy: map[string]int{}}
}

// On routes events of type t to h (a Trigger filtering on type).
func (d *Dispatcher) On(t string, h Handler) { d.routes[t] = append(d.routes[t], h) }

// Emit delivers ev asynchronously to every handler of its type; an event
// no handler takes ends its chain (recorded in Done).
func (d *Dispatcher) Emit(ctx context.Context, ev event.Event) error {
	hs := d.routes[ev.Type()]
	if len(hs) == 0 {
		d.mu.Lock()
		d.done = append(d.done, ev)
		d.mu.Unlock()
		return nil
	}
	chain := chainOf(ev)
	for _, h := range hs {
		d.pending.Add(1)
		d.mu.Lock()
		d.busy[chain]++
		d.mu.Unlock()
		go d.deliver(context.WithoutCancel(ctx), h, ev, chain)
	}
	return nil
}

func (d *Dispatcher) deliver(ctx context.Context, h Handler, ev event.Event, chain string) {
	defer d.pending.Done()
	defer func() {
		d.mu.Lock()
		if d.busy[chain]--; d.busy[chain] <= 0 {
			delete(d.busy, chain)
		}
		d.mu.Unlock()
	}()
	d.mu.Lock()
	slot := d.slots[ev.Type()]
	d.mu.Unlock()
	if slot != nil {
		slot <- struct{}{}
		defer func() { <-slot }()
	}
	wait := d.Backoff
	for attempt := 0; ; attempt++ {
		out, err := call(ctx, h, ev)
		if err == nil {
			if out != nil {
				d.Emit(ctx, *out)
			}
			return
		}
		if attempt >= d.Retries {
			d.Log.Error("dead letter", "type", ev.Type(), "id", ev.ID(), "subject", ev.Subject(), "err", err)
			d.mu.Lock()
			d.dead = append(d.dead, ev)
			d.mu.Unlock()
			return
		}
		d.Log.Warn("retry", "type", ev.Type(), "id", ev.ID(), "attempt", attempt+1, "err", err)
		time.Sleep(wait)
		wait *= 2
	}
}

// call runs a handler; a panic is its error (retried, then a dead
// letter), never the process's end: one poisonous document must not take
// the others down with it.
func call(ctx context.Context, h Handler, ev event.Event) (out *event.Event, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("handler panicked: %v\n%s", p, debug.Stack())
		}
	}()
	return h(ctx, ev)
}

// Wait blocks until every delivery in flight has finished.
func (d *Dispatcher) Wait() { d.pending.Wait() }

// InFlight is how many documents are on their way (uploaded, not yet
// through their last stage): the in-process queue's depth.
func (d *Dispatcher) InFlight() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.busy)
}

// DeadLetters are the events that failed every attempt.
func (d *Dispatcher) DeadLetters() []event.Event {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]event.Event(nil), d.dead...)
}

// Done are the events that ended a chain (no handler for their type).
func (d *Dispatcher) Done() []event.Event {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]event.Event(nil), d.done...)
}
