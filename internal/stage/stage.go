// Package stage is the shape every pipeline function shares: idempotent
// on (bucket, key, ETag) through its artifact. If the artifact exists at
// the stage's format version (or a later one) the work was done (a
// redelivery, a reconcile): answer with the next event; else — none, or
// one a former version wrote — do the work, write the artifact, answer.
package stage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strconv"

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
	// Version is the artifact's format version (the contract's); an
	// artifact of an older one is stale and written again.
	Version int
}

// Of is the stage the contract names name (its artifact, event and
// version), writing to store.
func Of(name, source string, store objstore.Store) Stage {
	d, ok := ByName(name)
	if !ok || d.Artifact == "" {
		panic("stage: no artifact stage " + name + " in the contract")
	}
	return Stage{Name: d.Artifact, EventType: d.Emits, Source: source, Store: store, Version: d.Version}
}

// VersionMeta is the metadata key of an artifact's format version.
const VersionMeta = "vanthu-version"

// VersionOf is the format version an artifact was written at: 1 for one
// written before versions were kept (the format they had is version 1).
func VersionOf(info objstore.Info) int {
	raw, ok := info.Metadata[VersionMeta]
	if !ok {
		return 1
	}
	v, err := strconv.Atoi(raw)
	if err != nil || v < 0 {
		return 0 // unreadable: older than any
	}
	return v
}

// Meta is the metadata of an artifact written at version v.
func Meta(v int) map[string]string {
	m := maps.Clone(events.ArtifactMeta)
	m[VersionMeta] = strconv.Itoa(max(v, 1))
	return m
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
	info, err := s.Store.Stat(ctx, ref.Bucket, key)
	switch {
	case err == nil && VersionOf(info) >= s.Version:
		return events.Next(ref, s.Name, key, s.EventType, s.Source)
	case err != nil && !errors.Is(err, objstore.ErrNotFound):
		return nil, err
	}
	// None yet, or one a former version wrote (vanthu reprocess, or an
	// upload still on its way when the version moved): do the work.
	art, err := work(ref)
	if err != nil || art == nil {
		return nil, err
	}
	b, err := json.Marshal(art)
	if err != nil {
		return nil, err
	}
	if _, err := s.Store.Put(ctx, ref.Bucket, key, bytes.NewReader(b), int64(len(b)), Meta(s.Version)); err != nil {
		return nil, fmt.Errorf("write %s: %w", key, err)
	}
	crashpoint.At(s.Name)
	return events.Next(ref, s.Name, key, s.EventType, s.Source)
}
