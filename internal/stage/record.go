package stage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/vanthu/vanthu/internal/crashpoint"
	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/objstore"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// RecordsStage names the extract stage's artifacts.
const RecordsStage = "records"

// PagesStage names the read (OCR) stage's artifacts.
const PagesStage = "pages"

// Origin is where an upload came from, as its object's metadata says:
// the agency (or a fallback), the name it was uploaded under and by whom
// (set by the API; a file dropped into a bucket has neither).
type Origin struct{ Agency, File, By string }

// LoadRecord reads the extraction record an extracted event points at, and
// the upload's origin.
func LoadRecord(ctx context.Context, store objstore.Store, ref events.Ref, fallback string) (doc.Record, Origin, error) {
	key := ref.Artifacts[RecordsStage]
	if key == "" {
		return doc.Record{}, Origin{}, fmt.Errorf("%s/%s: no record artifact in the event", ref.Bucket, ref.Key)
	}
	rc, _, err := store.Get(ctx, ref.Bucket, key)
	if err != nil {
		return doc.Record{}, Origin{}, fmt.Errorf("record %s: %w", key, err)
	}
	defer rc.Close()
	var rec doc.Record
	if err := json.NewDecoder(io.LimitReader(rc, 64<<20)).Decode(&rec); err != nil {
		return doc.Record{}, Origin{}, fmt.Errorf("record %s: %w", key, err)
	}
	o := Origin{Agency: fallback}
	if info, err := store.Stat(ctx, ref.Bucket, ref.Key); err == nil {
		if a := info.Metadata["agency"]; a != "" {
			o.Agency = a
		}
		if f, err := url.QueryUnescape(info.Metadata["filename"]); err == nil && f != "" && utf8.ValidString(f) && len(f) <= 1000 {
			o.File = f // the API's cleaned name, shown only
		}
		o.By = info.Metadata["uploaded-by"]
	}
	return rec, o, nil
}

// DocID is the search and register identity of one version of an upload.
func DocID(ref events.Ref) string { return ref.Bucket + "/" + ref.Key + "@" + ref.ETag }

// RefOfDocID reads back what DocID wrote (a bucket has no "/", an ETag no
// "@"); false for an ID it did not write.
func RefOfDocID(id string) (events.Ref, bool) {
	at := strings.LastIndex(id, "@")
	slash := strings.Index(id, "/")
	if slash <= 0 || at <= slash+1 {
		return events.Ref{}, false
	}
	return events.Ref{Bucket: id[:slash], Key: id[slash+1 : at], ETag: id[at+1:]}, true
}

// Terminal stages end the chain; each writes a marker
// (vanthu/<stage>/<key>@<etag>.json) once its work is done, so that the
// end of an upload's way is checkable from the object store alone.
const (
	IndexedStage    = "indexed"
	RegisteredStage = "registered"
)

// TerminalStages are the stages an upload is done with when each has its
// marker.
var TerminalStages = []string{IndexedStage, RegisteredStage}

// AttemptsStage counts how often the reconciler has sent an upload on.
const AttemptsStage = "attempts"

// Marker is what a terminal stage writes when it is done.
type Marker struct {
	Stage  string    `json:"stage"`
	At     time.Time `json:"at"`
	Failed bool      `json:"failed,omitempty"` // the file could not be read: the record carries why
}

// Completed says whether the terminal stage name is done with ref.
func Completed(ctx context.Context, store objstore.Store, ref events.Ref, name string) (bool, error) {
	_, err := store.Stat(ctx, ref.Bucket, events.ArtifactKey(name, ref))
	if errors.Is(err, objstore.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Terminal runs a stage that ends the chain (index, register): unless its
// marker says the work was done, it loads the record the event points at,
// hands it on — a record of a file that could not be read too (its Error
// set: register records the failure, index has nothing to index) — and
// writes the marker. An error of work is transient: the event is
// redelivered, and the reconciler sends the upload on again while the
// marker is missing.
func Terminal(ctx context.Context, store objstore.Store, ev event.Event, name, fallbackAgency string, work func(ref events.Ref, rec doc.Record, o Origin) error) (*event.Event, error) {
	ref, err := events.RefOf(ev)
	if err != nil {
		return nil, err
	}
	if done, err := Completed(ctx, store, ref, name); err != nil || done {
		return nil, err
	}
	rec, o, err := LoadRecord(ctx, store, ref, fallbackAgency)
	if err != nil {
		return nil, err
	}
	if err := work(ref, rec, o); err != nil {
		return nil, err
	}
	crashpoint.At(name)
	b, _ := json.Marshal(Marker{Stage: name, At: time.Now().UTC(), Failed: rec.Error != ""})
	if _, err := store.Put(ctx, ref.Bucket, events.ArtifactKey(name, ref), bytes.NewReader(b), int64(len(b)), events.ArtifactMeta); err != nil {
		return nil, fmt.Errorf("write %s marker of %s: %w", name, ref.Key, err)
	}
	return nil, nil
}

// ArtifactKeys are the keys of everything the stages write of one version
// of an upload: removed together when it is read again or deleted.
func ArtifactKeys(ref events.Ref) []string {
	var out []string
	for _, st := range append([]string{PagesStage, RecordsStage, AttemptsStage}, TerminalStages...) {
		out = append(out, events.ArtifactKey(st, ref))
	}
	return out
}
