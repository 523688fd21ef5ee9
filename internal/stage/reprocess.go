package stage

import (
	"context"
	"errors"
	"fmt"

	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/objstore"
)

// Stale says from which stage ref's walk must be done again: the first
// versioned stage (in the walk's order; only, when it is set) whose
// artifact a former version wrote, or the first when force (one whose
// artifact is missing too). "" when none. The caller takes only uploads
// whose walk ended: one still on its way is the reconciler's. from is the
// version found (0 when missing).
func Stale(ctx context.Context, store objstore.Store, ref events.Ref, only string, force bool) (name string, from int, err error) {
	for _, d := range Versioned() {
		if only != "" && d.Name != only {
			continue
		}
		info, err := store.Stat(ctx, ref.Bucket, events.ArtifactKey(d.Artifact, ref))
		if errors.Is(err, objstore.ErrNotFound) {
			if force {
				// An ended walk without it (an invalidation cut short, an
				// upload given up): forced, it is read again from here.
				return d.Name, 0, nil
			}
			return "", 0, nil
		}
		if err != nil {
			return "", 0, fmt.Errorf("%s of %s: %w", d.Artifact, ref.Key, err)
		}
		if v := VersionOf(info); force || v < d.Version {
			return d.Name, v, nil
		}
	}
	return "", 0, nil
}

// Ended says whether every terminal stage is done with ref.
func Ended(ctx context.Context, store objstore.Store, ref events.Ref) (bool, error) {
	for _, st := range TerminalStages {
		done, err := Completed(ctx, store, ref, st)
		if err != nil || !done {
			return false, err
		}
	}
	return true, nil
}

// Invalidate removes what stage name and the stages after it wrote of
// ref, and the reconciler's count, so that the reconciler sends the
// upload on again and the walk is done anew from name. The index stage's
// marker is kept when keepIndexed: the register merges the new reading
// into the recorded document and that (people's corrections kept) is
// what gets indexed, not the bare reading.
func Invalidate(ctx context.Context, store objstore.Store, ref events.Ref, name string, keepIndexed bool) error {
	d, ok := ByName(name)
	if !ok || d.Artifact == "" {
		return fmt.Errorf("no stage %q with an artifact", name)
	}
	keys := []string{events.ArtifactKey(d.Artifact, ref), events.ArtifactKey(AttemptsStage, ref)}
	for _, a := range After(name) {
		if a.Artifact != "" && !(keepIndexed && a.Artifact == IndexedStage) {
			keys = append(keys, events.ArtifactKey(a.Artifact, ref))
		}
	}
	for _, k := range keys {
		if err := store.Delete(ctx, ref.Bucket, k); err != nil && !errors.Is(err, objstore.ErrNotFound) {
			return fmt.Errorf("remove %s: %w", k, err)
		}
	}
	return nil
}
