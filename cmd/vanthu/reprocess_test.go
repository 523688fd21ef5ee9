package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/objstore/local"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/search"
	bleveidx "github.com/vanthu/vanthu/internal/search/bleve"
	"github.com/vanthu/vanthu/internal/stage"
	"github.com/vanthu/vanthu/pipelines/corpus"
)

// vanthu reprocess over a running vanthu serve: the scan is read again by
// Tesseract and extracted again, the clerk's correction stays, the
// register keeps one line with its arrival number, and search shows the
// record as the register has it.
func TestReprocessKeepsCorrections(t *testing.T) {
	t.Setenv("VANTHU_MINIO_URL", "")
	t.Setenv("VANTHU_DB_URL", "")
	ctx := context.Background()
	src := t.TempDir()
	if err := corpus.Generate(ctx, src, corpus.Options{N: 1, Seed: 5, Formats: []string{"png"}}); err != nil {
		t.Fatal(err)
	}
	var tr map[string]any
	b, _ := os.ReadFile(filepath.Join(src, "truth.jsonl"))
	json.Unmarshal(b, &tr)
	data := t.TempDir()
	uploads := filepath.Join(data, "objects", "uploads", "scanner")
	os.MkdirAll(uploads, 0o755)
	scan, _ := os.ReadFile(filepath.Join(src, tr["file"].(string)))
	os.WriteFile(filepath.Join(uploads, "scan.png"), scan, 0o644)

	// The records open before serve's: two processes migrating one new
	// database at once is not what this tests.
	reg, err := records.OpenSQLite(ctx, filepath.Join(data, "vanthu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	sctx, cancel := context.WithCancel(ctx)
	var serveLog bytes.Buffer
	exited := make(chan struct{})
	var code int
	go func() {
		defer close(exited)
		code = run(sctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data, "--reconcile", "100ms", "--workers", "1"}, os.Stdout, &serveLog)
	}()
	stop := func() {
		cancel()
		<-exited
	}
	defer stop()
	store, _ := local.New(filepath.Join(data, "objects"))
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(3 * time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			select {
			case <-exited:
				t.Fatalf("serve exited with %d: %s", code, serveLog.String())
			default:
			}
			if ok() {
				return
			}
		}
		t.Fatalf("%s: timed out; log:\n%s", what, serveLog.String())
	}
	var d records.Document
	waitFor("the first reading", func() bool {
		info, err := store.Stat(ctx, "uploads", "scanner/scan.png")
		if err != nil {
			return false
		}
		d, err = reg.DocumentByObject(ctx, "uploads", "scanner/scan.png", info.ETag)
		ref := events.Ref{Bucket: "uploads", Key: "scanner/scan.png", ETag: info.ETag}
		ended, _ := stage.Ended(ctx, store, ref)
		return err == nil && ended && d.Status != records.StatusReceived
	})
	lines, _ := reg.Incoming(ctx, records.RegisterFilter{Agency: "default", Cleared: records.Levels})
	if len(lines) != 1 {
		t.Fatalf("register before: %+v", lines)
	}
	arrival := lines[0].ArrivalNumber
	clerk, err := reg.CreateUser(ctx, records.User{Name: "vanthu-test", Role: records.RoleClerk, Agency: "default", Clearance: "TỐI MẬT"}, "mat-khau-dai-1")
	if err != nil {
		t.Fatal(err)
	}
	const subject = "Về việc kiểm tra lại (người sửa)"
	if _, err := reg.Correct(ctx, clerk, d.ID, map[string]string{"subject": subject}); err != nil {
		t.Fatal(err)
	}
	before, _ := store.Stat(ctx, "uploads", events.ArtifactKey(stage.PagesStage, events.Ref{Key: d.Key, ETag: d.ETag}))

	// Versions have not moved: nothing to do.
	var out, errOut bytes.Buffer
	if code := run(ctx, []string{"reprocess", "--data", data}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "1 uploads looked at, 0 to be read again") {
		t.Fatalf("reprocess with current versions: %d %q %q", code, out.String(), errOut.String())
	}
	out.Reset()
	if code := run(ctx, []string{"reprocess", "--data", data, "--force", "--stage", "nope"}, &out, &errOut); code != 2 {
		t.Errorf("an unknown stage: exit %d", code)
	}
	readings := func() int {
		h, _ := reg.History(ctx, clerk, d.ID)
		n := 0
		for _, c := range h {
			if c.Field == "reading" {
				n++
			}
		}
		return n
	}
	// The record as an extractor before version 1 wrote it: stale.
	recKey := events.ArtifactKey(stage.RecordsStage, events.Ref{Key: d.Key, ETag: d.ETag})
	rc, _, err := store.Get(ctx, "uploads", recKey)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(rc)
	rc.Close()
	if _, err := store.Put(ctx, "uploads", recKey, bytes.NewReader(body), int64(len(body)), map[string]string{"vanthu-artifact": "1", stage.VersionMeta: "0"}); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := run(ctx, []string{"reprocess", "--data", data, "--dry-run"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "1 would be read again, 1 from extract") {
		t.Fatalf("reprocess --dry-run after the version moved: %d %q %q", code, out.String(), errOut.String())
	}
	if code := run(ctx, []string{"reprocess", "--data", data}, &out, &errOut); code != 0 {
		t.Fatalf("reprocess: %d %q", code, errOut.String())
	}
	waitFor("the extractor's new reading", func() bool { return readings() == 1 })
	if info, _ := store.Stat(ctx, "uploads", recKey); stage.VersionOf(info) != 1 {
		t.Errorf("the record was not written again at the contract's version: %v", info.Metadata)
	}
	// The new reading's walk ends with the register and the index after
	// the extractor: only an ended walk is read again.
	waitFor("the new reading's walk to end", func() bool {
		out.Reset()
		run(ctx, []string{"reprocess", "--data", data, "--force", "--dry-run"}, &out, &errOut)
		return strings.Contains(out.String(), "1 would be read again")
	})
	out.Reset()
	if code := run(ctx, []string{"reprocess", "--data", data, "--force", "-v"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "1 from ocr") {
		t.Fatalf("reprocess --force: %d %q %q", code, out.String(), errOut.String())
	}
	waitFor("the second reading", func() bool { return readings() == 2 })
	after, err := store.Stat(ctx, "uploads", events.ArtifactKey(stage.PagesStage, events.Ref{Key: d.Key, ETag: d.ETag}))
	if err != nil || !after.ModTime.After(before.ModTime) || after.Metadata[stage.VersionMeta] != "1" {
		t.Errorf("the pages were not read again: %v → %v %v %v", before.ModTime, after.ModTime, after.Metadata, err)
	}
	got, _ := reg.DocumentByID(ctx, d.ID)
	if got.Record.Subject != subject || got.Record.Number != tr["number"] {
		t.Errorf("after reprocessing: subject %q number %q (truth %v)", got.Record.Subject, got.Record.Number, tr["number"])
	}
	lines, _ = reg.Incoming(ctx, records.RegisterFilter{Agency: "default", Cleared: records.Levels})
	if len(lines) != 1 || lines[0].ArrivalNumber != arrival || lines[0].Subject != subject {
		t.Errorf("register after: %+v (arrival was %d)", lines, arrival)
	}
	stop()
	// Search shows the clerk's subject, not the machine's.
	idx, err := bleveidx.Open(filepath.Join(data, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	res, err := idx.Search(ctx, search.Options{Caller: search.Caller{Agency: "default", Cleared: records.Levels}, Query: "người sửa"})
	if err != nil || res.Total != 1 {
		t.Errorf("search for the corrected subject: %+v %v", res, err)
	}
}
