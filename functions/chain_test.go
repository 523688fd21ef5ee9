package functions

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/vanthu/vanthu/functions/extract"
	"github.com/vanthu/vanthu/functions/ocr"
	"github.com/vanthu/vanthu/internal/dispatch"
	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/objstore/local"
	"github.com/vanthu/vanthu/internal/testenv"
	"github.com/vanthu/vanthu/pipelines"
	"github.com/vanthu/vanthu/pipelines/corpus"
	"github.com/vanthu/vanthu/pipelines/doc"
	vocr "github.com/vanthu/vanthu/pipelines/ocr"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type chain struct {
	store *local.Store
	d     *dispatch.Dispatcher
}

func newChain(t *testing.T, failFirst bool) *chain {
	t.Helper()
	testenv.Need(t, "pdftoppm", "tesseract")
	store, err := local.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	engine := vocr.New(vocr.Config{Workers: 2})
	t.Cleanup(engine.Close)
	p := pipelines.New(pipelines.DefaultConfig(), engine, 2)
	c := &chain{store: store, d: dispatch.New()}
	c.d.Backoff = 0
	o := &ocr.Function{Store: store, Pipeline: p, Log: ocr.New().Log}
	x := &extract.Function{Store: store, Pipeline: p, Log: extract.New().Log}
	var failed atomic.Bool
	c.d.On(events.TypeUploaded, func(ctx context.Context, ev event.Event) (*event.Event, error) {
		if failFirst && !failed.Swap(true) {
			return nil, errors.New("first delivery fails")
		}
		return o.Handle(ctx, ev)
	})
	c.d.On(events.TypeRead, x.Handle)
	return c
}

func (c *chain) upload(t *testing.T, bucket, key string, data []byte) events.Ref {
	t.Helper()
	info, err := c.store.Put(context.Background(), bucket, key, bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	return events.Ref{Bucket: bucket, Key: key, ETag: info.ETag, Size: info.Size}
}

func (c *chain) emit(t *testing.T, ref events.Ref) {
	t.Helper()
	ev, err := events.New(events.TypeUploaded, "test", ref)
	if err != nil {
		t.Fatal(err)
	}
	c.d.Emit(context.Background(), ev)
	c.d.Wait()
}

func (c *chain) record(t *testing.T, ref events.Ref) doc.Record {
	t.Helper()
	rc, _, err := c.store.Get(context.Background(), ref.Bucket, events.ArtifactKey(extract.Stage, ref))
	if err != nil {
		t.Fatalf("no record for %s: %v", ref.Key, err)
	}
	defer rc.Close()
	var rec doc.Record
	if err := json.NewDecoder(rc).Decode(&rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

func generated(t *testing.T, format string) ([]byte, map[string]any) {
	t.Helper()
	dir := t.TempDir()
	if err := corpus.Generate(context.Background(), dir, corpus.Options{N: 1, Seed: 31, Formats: []string{format}}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "truth.jsonl"))
	var tr map[string]any
	json.Unmarshal(b, &tr)
	data, err := os.ReadFile(filepath.Join(dir, tr["file"].(string)))
	if err != nil {
		t.Fatal(err)
	}
	return data, tr
}

// An upload goes uploaded → read → extracted and its record lands beside
// it; the first delivery fails and is retried.
func TestUploadReachesARecord(t *testing.T) {
	c := newChain(t, true)
	data, tr := generated(t, "png")
	ref := c.upload(t, "uploads", "scans/"+tr["file"].(string), data)
	c.emit(t, ref)
	if dead := c.d.DeadLetters(); len(dead) != 0 {
		t.Fatalf("dead letters: %v", dead)
	}
	rec := c.record(t, ref)
	if rec.Error != "" || rec.DocType != tr["doc_type"] || rec.Symbol != tr["symbol"] || rec.File != ref.Key {
		t.Errorf("record %q %q %q %q", rec.Error, rec.DocType, rec.Symbol, rec.File)
	}
	done := c.d.Done()
	if len(done) != 1 || done[0].Type() != events.TypeExtracted {
		t.Fatalf("chain ended with %v", done)
	}
	got, _ := events.RefOf(done[0])
	if got.Artifacts[ocr.Stage] == "" || got.Artifacts[extract.Stage] == "" {
		t.Errorf("artifacts %v", got.Artifacts)
	}
}

// A redelivered event changes nothing: the read is not done again and the
// record is the same.
func TestRedeliveryIsIdempotent(t *testing.T) {
	c := newChain(t, false)
	data, tr := generated(t, "pdf")
	ref := c.upload(t, "uploads", tr["file"].(string), data)
	c.emit(t, ref)
	first := c.record(t, ref)
	list1, _ := c.store.List(context.Background(), "uploads", "")
	pages1, _ := c.store.Stat(context.Background(), "uploads", events.ArtifactKey(ocr.Stage, ref))
	c.emit(t, ref)
	pages2, _ := c.store.Stat(context.Background(), "uploads", events.ArtifactKey(ocr.Stage, ref))
	if !pages1.ModTime.Equal(pages2.ModTime) {
		t.Error("the pages were read and written again on redelivery")
	}
	second := c.record(t, ref)
	list2, _ := c.store.List(context.Background(), "uploads", "")
	if len(list1) != len(list2) || len(list1) != 3 {
		t.Errorf("objects %d then %d, want 3 (upload, pages, record)", len(list1), len(list2))
	}
	a, _ := json.Marshal(first)
	b, _ := json.Marshal(second)
	if !bytes.Equal(a, b) {
		t.Error("the record changed on redelivery")
	}
	// A new version of the object is read again.
	ref2 := c.upload(t, "uploads", tr["file"].(string), append(data, '\n'))
	c.emit(t, ref2)
	if ref2.ETag == ref.ETag || c.record(t, ref2).DocType == "" {
		t.Error("the new version was not read")
	}
}

// A bad upload gets a record with its error; nothing is dead-lettered.
func TestBadUploadGetsARecordWithItsError(t *testing.T) {
	c := newChain(t, false)
	ref := c.upload(t, "uploads", "virus.pdf", []byte("MZ\x90\x00 this is a program"))
	c.emit(t, ref)
	rec := c.record(t, ref)
	if !strings.Contains(rec.Error, "executable") || len(c.d.DeadLetters()) != 0 {
		t.Errorf("record error %q, dead %d", rec.Error, len(c.d.DeadLetters()))
	}
}
