// Package stage is the shape every pipeline function shares: idempotent
// on (bucket, key, ETag) through its artifact. If the artifact of this
// version exists the work was done (a redelivery, a reconcile): answer
// with the next event; else do the work, write the artifact, answer.
package stage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/vanthu/vanthu/internal/crashpoint"
	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/objstore"
)

// Stage describes one function.
type Stage struct {
	Name      string // names the artifacts: vanthu/<Name>/...
	EventType string // what it emits once done
	Source    string
	Store     objstore.Store
}

// Run handles one event. work returns the artifact to write, or nil when
// there is nothing to do (the object was superseded); its error is a
// transient failure, and the event is redelivered.
func (s Stage) Run(ctx context.Context, ev event.Event, work func(events.Ref) (any, error)) (*event.Event, error) {
	ref, err := events.RefOf(ev)
	if err != nil {
		return nil, err
	}
	key := events.ArtifactKey(s.Name, ref)
	if _, err := s.Store.Stat(ctx, ref.Bucket, key); err == nil {
		return events.Next(ref, s.Name, key, s.EventType, s.Source)
	} else if !errors.Is(err, objstore.ErrNotFound) {
		return nil, err
	}
	art, err := work(ref)
	if err != nil || art == nil {
		return nil, err
	}
	b, err := json.Marshal(art)
	if err != nil {
		return nil, err
	}
	if _, err := s.Store.Put(ctx, ref.Bucket, key, bytes.NewReader(b), int64(len(b)), events.ArtifactMeta); err != nil {
		return nil, fmt.Errorf("write %s: %w", key, err)
	}
	crashpoint.At(s.Name)
	return events.Next(ref, s.Name, key, s.EventType, s.Source)
}
