package stage

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/objstore"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// RecordsStage names the extract stage's artifacts.
const RecordsStage = "records"

// PagesStage names the read (OCR) stage's artifacts.
const PagesStage = "pages"

// LoadRecord reads the extraction record an extracted event points at, and
// the agency the upload belongs to (the object's "agency" metadata, or
// fallback).
func LoadRecord(ctx context.Context, store objstore.Store, ref events.Ref, fallback string) (doc.Record, string, error) {
	key := ref.Artifacts[RecordsStage]
	if key == "" {
		return doc.Record{}, "", fmt.Errorf("%s/%s: no record artifact in the event", ref.Bucket, ref.Key)
	}
	rc, _, err := store.Get(ctx, ref.Bucket, key)
	if err != nil {
		return doc.Record{}, "", fmt.Errorf("record %s: %w", key, err)
	}
	defer rc.Close()
	var rec doc.Record
	if err := json.NewDecoder(io.LimitReader(rc, 64<<20)).Decode(&rec); err != nil {
		return doc.Record{}, "", fmt.Errorf("record %s: %w", key, err)
	}
	agency := fallback
	if info, err := store.Stat(ctx, ref.Bucket, ref.Key); err == nil && info.Metadata["agency"] != "" {
		agency = info.Metadata["agency"]
	}
	return rec, agency, nil
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

// Terminal runs a stage that ends the chain (index, register): it loads
// the record the event points at and hands it on, unless the file could
// not be read (that record waits for a clerk, nowhere else).
func Terminal(ctx context.Context, store objstore.Store, ev event.Event, fallbackAgency string, work func(ref events.Ref, rec doc.Record, agency string) error) (*event.Event, error) {
	ref, err := events.RefOf(ev)
	if err != nil {
		return nil, err
	}
	rec, agency, err := LoadRecord(ctx, store, ref, fallbackAgency)
	if err != nil {
		return nil, err
	}
	if rec.Error != "" {
		return nil, nil
	}
	return nil, work(ref, rec, agency)
}
