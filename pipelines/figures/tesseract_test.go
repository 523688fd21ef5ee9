package figures_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/vanthu/vanthu/internal/testenv"
	"github.com/vanthu/vanthu/pipelines"
	"github.com/vanthu/vanthu/pipelines/corpus"
	"github.com/vanthu/vanthu/pipelines/doc"
	"github.com/vanthu/vanthu/pipelines/eval"
	"github.com/vanthu/vanthu/pipelines/ocr"
)

// Generated report scans read by Tesseract through the whole pipeline:
// the figures of their tables and sentences found by their indicators.
// These two read 14 of 14 since the preprocessing takes the table's rules
// out even where a scan broke them into dashes (BENCHMARKS.md, "Figures
// read from the reports": ~0.95 over the scanned corpora); the floor leaves
// room for two misread digits, not for the rules coming back.
func TestReportScansWithTesseract(t *testing.T) {
	testenv.Need(t, "pdftoppm", "tesseract")
	dir := t.TempDir()
	if err := corpus.Generate(context.Background(), dir, corpus.Options{N: 2, Seed: 3, Reports: true, Formats: []string{"png", "tiff"}, DPI: 300}); err != nil {
		t.Fatal(err)
	}
	truth, err := eval.ReadTruth(filepath.Join(dir, "truth.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	e := ocr.New(ocr.Config{Workers: 1})
	t.Cleanup(e.Close)
	p := pipelines.New(pipelines.DefaultConfig(), e, 1)
	right, total := 0, 0
	for _, tr := range truth {
		rec := p.Process(context.Background(), filepath.Join(dir, tr["file"].(string)))
		if rec.Error != "" {
			t.Fatal(rec.Error)
		}
		if rec.DocType != "BC" {
			t.Errorf("%s read as %s", rec.File, rec.DocType)
		}
		for _, x := range tr["figures"].([]any) {
			m := x.(map[string]any)
			total++
			f, _, ok := doc.FindIndicator(m["label"].(string), rec.Figures)
			if ok && eval.SameValue(f.Value, m["value"].(float64)) {
				right++
				continue
			}
			t.Logf("%s: %s = %v, read %q = %v (found %v)", tr["file"], m["label"], m["value"], f.Label, f.Value, ok)
		}
	}
	t.Logf("%d of %d figures read right", right, total)
	if total == 0 || float64(right) < 0.85*float64(total) {
		t.Errorf("%d of %d figures read right, want at least 85%%", right, total)
	}
}
