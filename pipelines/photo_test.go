package pipelines_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/pipelines/corpus"
	"github.com/vanthu/vanthu/pipelines/doc"
	"github.com/vanthu/vanthu/pipelines/eval"
	"github.com/vanthu/vanthu/pipelines/raster"
)

// Phone photos of a page (~90 dpi, a slanted shot, a shadow, blur, JPEG)
// are read as well as the Tesseract CLI reads the same images,
// against the text of the born-digital original; and read as photos.
func TestPhotosReadNoWorseThanTesseract(t *testing.T) {
	p := newPipeline(t)
	ctx := context.Background()
	dir := t.TempDir()
	if err := corpus.Generate(ctx, dir, corpus.Options{N: 2, Seed: 5, Formats: []string{"pdf"}}); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(11, 3))
	var ours, raw float64
	n := 0
	for _, tr := range readTruth(t, dir) {
		pdf := filepath.Join(dir, tr["file"].(string))
		rd, err := p.ReadFile(ctx, pdf)
		if err != nil {
			t.Fatal(err)
		}
		ref := rd.Pages[0].Text()
		page, err := raster.RenderPDFPage(ctx, pdf, 1, 300, 0, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, opt := range []corpus.PhotoOptions{
			{LongSide: 1100, Perspective: 0.02, Shadow: 0.4, Blur: 0, Quality: 70, Noise: 4},
			{LongSide: 950, Perspective: 0.04, Shadow: 0.2, Blur: 1, Quality: 65, Noise: 5},
		} {
			jpg, err := corpus.Photo(page, opt, r)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, fmt.Sprintf("photo-%d.jpg", n))
			if err := os.WriteFile(path, jpg, 0o644); err != nil {
				t.Fatal(err)
			}
			prd, err := p.ReadFile(ctx, path)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if note := prd.Pages[0].Note; !strings.Contains(note, "photo:") {
				t.Errorf("%s: page note %q, want it read as a photo", path, note)
			}
			// Its boxes are in pixels of the page at 300 dpi, as every page's.
			if pw, want := prd.Pages[0].Width, float64(page.Rect.Dx()); pw < 0.85*want || pw > 1.15*want {
				t.Errorf("%s: page %.0f px wide, want about %.0f (300 dpi)", path, pw, want)
			}
			out, err := exec.Command("tesseract", path, "-", "-l", "vie").Output()
			if err != nil {
				t.Fatalf("tesseract %s: %v", path, err)
			}
			o, w := eval.WordErrorRate(pageReading(prd.Pages[0]), ref), eval.WordErrorRate(string(out), ref)
			t.Logf("%s (%d px, blur %d): word error rate %.3f, Tesseract CLI %.3f", path, opt.LongSide, opt.Blur, o, w)
			ours += o
			raw += w
			n++
		}
	}
	ours, raw = ours/float64(n), raw/float64(n)
	// One word in a hundred is the noise between two good readings of a
	// photo (a stamp's word, "V/v" for "V⁄v"); the bar is per
	// image, and bench/photos measures it.
	if ours > raw+0.01 {
		t.Errorf("photos: word error rate %.3f, above the Tesseract CLI's %.3f on the same images", ours, raw)
	}
	if ours > 0.5 {
		t.Errorf("photos: word error rate %.3f: the photos were hardly read", ours)
	}
}

// pageReading is all the pipeline read on a page: its lines, and the red
// ink (stamps) it reads apart.
func pageReading(pg doc.Page) string {
	s := pg.Text()
	for _, l := range pg.Stamps {
		s += "\n" + l.Text()
	}
	return s
}
