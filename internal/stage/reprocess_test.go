package stage

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/objstore/local"
)

func TestAfterFollowsTheWalk(t *testing.T) {
	names := func(ds []Def) (out []string) {
		for _, d := range ds {
			out = append(out, d.Name)
		}
		return out
	}
	if got := names(After("ocr")); !slices.Equal(got, []string{"extract", "index", "register"}) {
		t.Errorf("after ocr: %v", got)
	}
	if got := names(After("extract")); !slices.Equal(got, []string{"index", "register"}) {
		t.Errorf("after extract: %v", got)
	}
	if got := names(Versioned()); !slices.Equal(got, []string{"ocr", "extract"}) {
		t.Errorf("versioned: %v", got)
	}
}

// A moved version makes an ended upload stale from that stage; Invalidate
// removes that stage's artifact and every later one (the index marker
// kept when asked), and Run writes the artifact again at the new version.
func TestVersionMoveRereadsFromThatStage(t *testing.T) {
	ctx := context.Background()
	store, err := local.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ref := events.Ref{Bucket: "uploads", Key: "a.pdf", ETag: "e1"}
	put := func(stage string, meta map[string]string) {
		if _, err := store.Put(ctx, "uploads", events.ArtifactKey(stage, ref), bytes.NewReader([]byte("{}")), 2, meta); err != nil {
			t.Fatal(err)
		}
	}
	put(PagesStage, events.ArtifactMeta) // written before versions were kept
	put(RecordsStage, Meta(1))
	put(IndexedStage, Meta(1))
	put(RegisteredStage, Meta(1))
	if name, _, err := Stale(ctx, store, ref, "", false); err != nil || name != "" {
		t.Fatalf("current versions stale: %q %v", name, err)
	}
	i := slices.IndexFunc(Contract, func(d Def) bool { return d.Name == "extract" })
	Contract[i].Version = 2
	defer func() { Contract[i].Version = 1 }()
	name, from, err := Stale(ctx, store, ref, "", false)
	if err != nil || name != "extract" || from != 1 {
		t.Fatalf("after extract moved to 2: %q %d %v", name, from, err)
	}
	if name, _, _ := Stale(ctx, store, ref, "ocr", false); name != "" {
		t.Errorf("--stage ocr took a moved extract: %q", name)
	}
	if err := Invalidate(ctx, store, ref, "extract", true); err != nil {
		t.Fatal(err)
	}
	exists := func(stage string) bool {
		_, err := store.Stat(ctx, "uploads", events.ArtifactKey(stage, ref))
		return err == nil
	}
	if !exists(PagesStage) || exists(RecordsStage) || exists(RegisteredStage) || !exists(IndexedStage) {
		t.Errorf("after invalidating extract: pages %v records %v registered %v indexed %v",
			exists(PagesStage), exists(RecordsStage), exists(RegisteredStage), exists(IndexedStage))
	}
	ended, _ := Ended(ctx, store, ref)
	if ended {
		t.Error("an invalidated upload counts as ended: the reconciler would not send it on")
	}
	ev, _ := events.New(events.TypeRead, "test", ref)
	ran := 0
	work := func(events.Ref) (any, error) { ran++; return map[string]int{"v": 2}, nil }
	st := Of("extract", "test", store)
	if _, err := st.Run(ctx, ev, work); err != nil || ran != 1 {
		t.Fatalf("run: %d %v", ran, err)
	}
	info, _ := store.Stat(ctx, "uploads", events.ArtifactKey(RecordsStage, ref))
	if VersionOf(info) != 2 {
		t.Errorf("written at version %d", VersionOf(info))
	}
	if _, err := st.Run(ctx, ev, work); err != nil || ran != 1 {
		t.Errorf("a current artifact was written again: %d %v", ran, err)
	}
	Contract[i].Version = 3 // a stale artifact is read again on its own
	if _, err := Of("extract", "test", store).Run(ctx, ev, work); err != nil || ran != 2 {
		t.Errorf("a stale artifact was not written again: %d %v", ran, err)
	}
	if err := Invalidate(ctx, store, ref, "ocr", false); err != nil {
		t.Fatal(err)
	}
	if exists(PagesStage) || exists(IndexedStage) {
		t.Error("invalidating ocr left its artifact or the index marker")
	}
}
