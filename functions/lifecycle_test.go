package functions

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/vanthu/vanthu/functions/extract"
	"github.com/vanthu/vanthu/functions/index"
	"github.com/vanthu/vanthu/functions/ingest"
	"github.com/vanthu/vanthu/functions/ocr"
	"github.com/vanthu/vanthu/functions/reconcile"
	"github.com/vanthu/vanthu/functions/register"
	"github.com/vanthu/vanthu/functions/summary"
	"github.com/vanthu/vanthu/internal/objstore/local"
	"github.com/vanthu/vanthu/internal/records"
	bleveidx "github.com/vanthu/vanthu/internal/search/bleve"
)

// knative/func's instance hooks.
type instance interface {
	Start(context.Context, map[string]string) error
	Stop(context.Context) error
}

var (
	_ instance = (*ocr.Function)(nil)
	_ instance = (*extract.Function)(nil)
	_ instance = (*index.Function)(nil)
	_ instance = (*register.Function)(nil)
	_ instance = (*summary.Function)(nil)
	_ instance = (*reconcile.Function)(nil)
	_ instance = (*ingest.Function)(nil)
)

// Start opens each function's clients from its configuration and Stop
// closes them: the index function's Bleve index can be opened again
// only once its Stop has run. What a caller set (vanthu serve's shared
// clients) is kept.
func TestStartOpensStopCloses(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	cfg := map[string]string{"VANTHU_DATA": data, "K_SINK": "http://127.0.0.1:9/", "VANTHU_INGEST_TOKEN": "t0k3n-long-enough"}
	ix := &index.Function{}
	if err := ix.Start(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if ix.Store == nil || ix.Index == nil || ix.Agency != "default" {
		t.Fatalf("index after Start: %+v", ix)
	}
	if err := ix.Index.Ping(ctx); err != nil {
		t.Errorf("index not usable: %v", err)
	}
	if err := ix.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	again, err := bleveidx.Open(filepath.Join(data, "index"))
	if err != nil {
		t.Fatalf("the index is still held after Stop: %v", err)
	}
	again.Close()

	shared, _ := local.New(t.TempDir())
	rg := &register.Function{Store: shared}
	if err := rg.Start(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if rg.Store != shared || rg.Records == nil || rg.Index != nil {
		t.Errorf("register after Start: store kept %v, records %v, index %v", rg.Store == shared, rg.Records != nil, rg.Index)
	}
	if err := rg.Records.Ping(ctx); err != nil {
		t.Error(err)
	}
	rg.Stop(ctx)
	if err := rg.Records.Ping(ctx); err == nil {
		t.Error("the records are open after Stop")
	}
	// What the caller gave stays open after Stop: it is the caller's.
	given, err := records.OpenSQLite(ctx, filepath.Join(t.TempDir(), "given.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer given.Close()
	sm := &summary.Function{Records: given}
	if err := sm.Start(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	sm.Stop(ctx)
	if err := given.Ping(ctx); err != nil || sm.Records != given {
		t.Errorf("Stop closed the records the caller gave: %v", err)
	}
	for name, f := range map[string]instance{"summary": &summary.Function{}, "reconcile": &reconcile.Function{}, "ingest": &ingest.Function{}, "ocr": &ocr.Function{}} {
		if err := f.Start(ctx, cfg); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if err := f.Stop(ctx); err != nil {
			t.Errorf("%s stop: %v", name, err)
		}
	}
	if err := (&reconcile.Function{}).Start(ctx, map[string]string{"VANTHU_DATA": data}); err == nil {
		t.Error("reconcile started with nowhere to send")
	}
}
