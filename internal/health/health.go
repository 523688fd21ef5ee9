// Package health answers /readyz: whether this process can do its work
// now. Two kinds of evidence: probes run on each request (the database,
// the index and the object store answer), and the outcome of the last
// write each component made (an index on a full disk answers searches but
// takes no documents: it is not ready, though every probe passes). A
// component that failed is ready again after its next success — the
// reconciler's retries make one.
package health

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
)

// Checker collects the evidence.
type Checker struct {
	Log    *slog.Logger // where the reasons go
	mu     sync.Mutex
	probes map[string]func(context.Context) error
	failed map[string]error // last write failed, no success since
}

// New returns an empty checker (ready).
func New() *Checker {
	return &Checker{probes: map[string]func(context.Context) error{}, failed: map[string]error{}}
}

// Probe adds a check run on every readiness request.
func (c *Checker) Probe(name string, f func(context.Context) error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.probes[name] = f
}

// Observe records the outcome of a write of component name.
func (c *Checker) Observe(name string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.failed[name] = err
	} else {
		delete(c.failed, name)
	}
}

// Handler is a CloudEvents handler (knative/func's shape).
type Handler = func(ctx context.Context, ev event.Event) (*event.Event, error)

// Wrap observes every outcome of h as component name's.
func (c *Checker) Wrap(name string, h Handler) Handler {
	return func(ctx context.Context, ev event.Event) (*event.Event, error) {
		out, err := h(ctx, ev)
		if ctx.Err() == nil {
			c.Observe(name, err)
		}
		return out, err
	}
}

// Check runs the probes and returns what is wrong, by component ("" when
// ready).
func (c *Checker) Check(ctx context.Context) map[string]string {
	c.mu.Lock()
	probes := make(map[string]func(context.Context) error, len(c.probes))
	for k, v := range c.probes {
		probes[k] = v
	}
	bad := map[string]string{}
	for k, err := range c.failed {
		bad[k] = "last write failed: " + err.Error()
	}
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for name, p := range probes {
		wg.Go(func() {
			if err := p(ctx); err != nil {
				mu.Lock()
				bad[name] = err.Error()
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return bad
}

// ServeHTTP answers 200 "ok" when ready, else 503 naming the failing
// components (the reasons go to the log: the probe is unauthenticated).
func (c *Checker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	bad := c.Check(r.Context())
	if len(bad) > 0 && c.Log != nil {
		for k, v := range bad {
			c.Log.Warn("not ready", "component", k, "reason", v)
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if len(bad) == 0 {
		w.Write([]byte("ok\n"))
		return
	}
	names := make([]string, 0, len(bad))
	for k := range bad {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		fmt.Fprintf(&b, "%s: not ready\n", k)
	}
	w.WriteHeader(http.StatusServiceUnavailable)
	w.Write([]byte(b.String()))
}
