package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/objstore"
	"github.com/vanthu/vanthu/internal/objstore/minio/miniotest"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/search"
	bleveidx "github.com/vanthu/vanthu/internal/search/bleve"
	"github.com/vanthu/vanthu/pipelines/corpus"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// TestServeWithRealMinIO: a clerk's upload to a real MinIO server reaches
// a record with no other action: MinIO notifies serve's webhook, the
// functions read and extract it, the record is written beside the upload.
// The same object uploaded twice is read once.
func TestServeWithRealMinIO(t *testing.T) {
	bucket := "serve-test"
	store, addr, token := miniotest.Bucket(t, "VANTHU_SERVE_ADDR", bucket, "arn:minio:sqs::SERVE:webhook")
	ctx := context.Background()
	src := t.TempDir()
	if err := corpus.Generate(ctx, src, corpus.Options{N: 1, Seed: 12, Formats: []string{"pdf"}}); err != nil {
		t.Fatal(err)
	}
	var tr map[string]any
	b, _ := os.ReadFile(filepath.Join(src, "truth.jsonl"))
	json.Unmarshal(b, &tr)
	data, _ := os.ReadFile(filepath.Join(src, tr["file"].(string)))

	sctx, cancel := context.WithCancel(ctx)
	var stderr bytes.Buffer
	exit := make(chan int, 1)
	t.Setenv("VANTHU_INGEST_TOKEN", token)
	dataDir := t.TempDir()
	go func() {
		exit <- run(sctx, []string{"serve", "--addr", addr, "--bucket", bucket, "--reconcile", "1h", "--data", dataDir}, os.Stdout, &stderr)
	}()
	time.Sleep(300 * time.Millisecond) // listening
	start := time.Now()
	info, err := store.Put(ctx, bucket, "văn thư/QĐ 06.pdf", bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	ref := events.Ref{Bucket: bucket, Key: info.Key, ETag: info.ETag}
	recKey := events.ArtifactKey("records", ref)
	var got objstore.Info
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if got, err = store.Stat(ctx, bucket, recKey); err == nil {
			break
		}
	}
	if err != nil {
		cancel()
		<-exit
		t.Fatalf("no record at %s: %v\n%s", recKey, err, stderr.String())
	}
	t.Logf("upload to record: %v (born-digital PDF, 1 document)", time.Since(start))
	pages1, _ := store.Stat(ctx, bucket, events.ArtifactKey("pages", ref))
	// The same bytes uploaded again: same ETag, so no second reading.
	if _, err := store.Put(ctx, bucket, "văn thư/QĐ 06.pdf", bytes.NewReader(data), int64(len(data)), nil); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	cancel()
	if code := <-exit; code != 0 {
		t.Fatalf("serve exited %d: %s", code, stderr.String())
	}
	pages2, _ := store.Stat(ctx, bucket, events.ArtifactKey("pages", ref))
	if !pages1.ModTime.Equal(pages2.ModTime) {
		t.Error("the same upload was read twice")
	}
	// It reached the register and the index, once.
	reg, err := records.OpenSQLite(ctx, filepath.Join(dataDir, "vanthu.db"))
	if err != nil {
		t.Fatal(err)
	}
	lines, _ := reg.Incoming(ctx, records.RegisterFilter{Agency: "default", Year: time.Now().Year(), Cleared: records.Levels})
	reg.Close()
	if len(lines) != 1 || lines[0].Key != "văn thư/QĐ 06.pdf" || lines[0].ArrivalNumber != 1 {
		t.Errorf("register: %+v", lines)
	}
	idx, err := bleveidx.Open(filepath.Join(dataDir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	res, _ := idx.Search(ctx, search.Options{Caller: search.Caller{Agency: "default", Cleared: []string{"MẬT"}}, Query: tr["number"].(string) + "/" + tr["symbol"].(string)})
	idx.Close()
	if res.Total != 1 {
		t.Errorf("index: %d hits for the document's number", res.Total)
	}
	// A one-page scan: the OCR path.
	scanDir := t.TempDir()
	if err := corpus.Generate(ctx, scanDir, corpus.Options{N: 1, Seed: 12, Formats: []string{"png"}, DPI: 300}); err != nil {
		t.Fatal(err)
	}
	pngs, _ := filepath.Glob(filepath.Join(scanDir, "*.png"))
	if len(pngs) == 1 {
		sctx2, cancel2 := context.WithCancel(ctx)
		exit2 := make(chan int, 1)
		go func() {
			exit2 <- run(sctx2, []string{"serve", "--addr", addr, "--bucket", bucket, "--reconcile", "0", "--data", t.TempDir()}, os.Stdout, &stderr)
		}()
		time.Sleep(300 * time.Millisecond)
		scan, _ := os.ReadFile(pngs[0])
		start := time.Now()
		si, err := store.Put(ctx, bucket, "scan/one-page.png", bytes.NewReader(scan), int64(len(scan)), nil)
		if err != nil {
			t.Fatal(err)
		}
		key := events.ArtifactKey("records", events.Ref{Bucket: bucket, Key: si.Key, ETag: si.ETag})
		for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if _, err = store.Stat(ctx, bucket, key); err == nil {
				break
			}
		}
		if err != nil {
			t.Errorf("no record for the scan: %v", err)
		} else {
			t.Logf("upload to record: %v (one-page scan, 300 dpi, OCR)", time.Since(start))
		}
		cancel2()
		<-exit2
	}
	rc, _, err := store.Get(ctx, bucket, recKey)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var rec doc.Record
	json.NewDecoder(rc).Decode(&rec)
	if rec.DocType != tr["doc_type"] || rec.Number != tr["number"] || rec.File != "văn thư/QĐ 06.pdf" || got.Size == 0 {
		t.Errorf("record %q %q %q", rec.DocType, rec.Number, rec.File)
	}
	objs, _ := store.List(ctx, bucket, "scan/")
	objs2, _ := store.List(ctx, bucket, "văn thư/")
	if len(objs2) != 1 || len(objs) != 1 {
		t.Errorf("uploads %d and %d, want 1 and 1", len(objs2), len(objs))
	}
	arts, _ := store.List(ctx, bucket, "vanthu/")
	// Of each upload: its pages, its record, the register's and the
	// index's markers — each once.
	if len(arts) != 8 {
		t.Errorf("%d artifacts, want 8 (pages, record, registered and indexed of each upload, each once)", len(arts))
	}
}

// TestServeMinIOOutage: serve is down while documents are uploaded; MinIO
// keeps the notifications in its queue directory and delivers them when
// serve is back. The reconciler is off, so the records prove MinIO's
// queue, not the reconciler (which is the second line of defence). The
// outage lasts $VANTHU_OUTAGE (default 5s; BENCHMARKS.md measured 60s).
func TestServeMinIOOutage(t *testing.T) {
	bucket := "outage-test"
	store, addr, token := miniotest.Bucket(t, "VANTHU_SERVE_ADDR", bucket, "arn:minio:sqs::SERVE:webhook")
	outage := 5 * time.Second
	if v := os.Getenv("VANTHU_OUTAGE"); v != "" {
		outage, _ = time.ParseDuration(v)
	}
	ctx := context.Background()
	src := t.TempDir()
	if err := corpus.Generate(ctx, src, corpus.Options{N: 3, Seed: 13, Formats: []string{"pdf"}}); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(src, "*.pdf"))
	t.Setenv("VANTHU_INGEST_TOKEN", token)
	// While serve is down: the uploads.
	var refs []events.Ref
	for i, f := range files {
		data, _ := os.ReadFile(f)
		info, err := store.Put(ctx, bucket, fmt.Sprintf("down/%d.pdf", i), bytes.NewReader(data), int64(len(data)), nil)
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, events.Ref{Bucket: bucket, Key: info.Key, ETag: info.ETag})
	}
	time.Sleep(outage)
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var stderr bytes.Buffer
	exit := make(chan int, 1)
	back := time.Now()
	go func() {
		exit <- run(sctx, []string{"serve", "--addr", addr, "--bucket", bucket, "--reconcile", "0", "--data", t.TempDir()}, os.Stdout, &stderr)
	}()
	missing := len(refs)
	for deadline := time.Now().Add(3 * time.Minute); time.Now().Before(deadline) && missing > 0; time.Sleep(200 * time.Millisecond) {
		missing = 0
		for _, r := range refs {
			if _, err := store.Stat(ctx, bucket, events.ArtifactKey("records", r)); err != nil {
				missing++
			}
		}
	}
	t.Logf("after a %v outage, all %d uploads recorded %v after serve came back", outage, len(refs)-missing, time.Since(back))
	cancel()
	<-exit
	if missing > 0 {
		t.Fatalf("%d of %d uploads have no record: lost while serve was down\n%s", missing, len(refs), stderr.String())
	}
	objs, _ := store.List(ctx, bucket, "")
	// The upload, its pages, its record, the register's and the index's
	// markers.
	if len(objs) != 5*len(refs) {
		t.Errorf("%d objects, want %d: each upload read, recorded, registered and indexed exactly once", len(objs), 5*len(refs))
	}
}
