// Package bench holds the benchmarks of the pipeline's stages. The
// side-by-side comparisons with other tools are the scripts beside it.
//
//	go test -run X -bench . -benchmem ./bench/
package bench

import (
	"bytes"
	"context"
	"image"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/vanthu/vanthu/internal/testenv"
	"github.com/vanthu/vanthu/pipelines"
	"github.com/vanthu/vanthu/pipelines/corpus"
	"github.com/vanthu/vanthu/pipelines/doc"
	"github.com/vanthu/vanthu/pipelines/extract"
	"github.com/vanthu/vanthu/pipelines/ocr"
	"github.com/vanthu/vanthu/pipelines/preprocess"
	"github.com/vanthu/vanthu/pipelines/textlayer"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func scannedPage(b *testing.B) *image.RGBA {
	b.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	s := corpus.NewSpec(r, "CV")
	pdf, m, err := corpus.RenderPDF(s)
	if err != nil {
		b.Fatal(err)
	}
	imgs, err := corpus.Scan(context.Background(), pdf, s, m, corpus.ScanOptions{DPI: 300, Rotate: 0.8, Noise: 6, Seal: true}, r)
	if err != nil {
		b.Fatal(err)
	}
	return imgs[0]
}

// BenchmarkTextLayerPage reads one page of a real born-digital PDF.
func BenchmarkTextLayerPage(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(testenv.RealDev(b), "86840a27afc7aa35.pdf"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		d, err := textlayer.Open(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			b.Fatal(err)
		}
		pt := d.Page(1)
		_ = doc.BuildLines(pt.PageWords(), 0.022*pt.Width)
	}
}

// BenchmarkPrepare is red separation, deskew and graphics removal of an
// A4 page at 300 dpi.
func BenchmarkPrepare(b *testing.B) {
	img := scannedPage(b)
	b.ReportAllocs()
	for b.Loop() {
		preprocess.Prepare(img, preprocess.Defaults)
	}
}

// BenchmarkOCRPage is one Tesseract pass over a prepared page.
func BenchmarkOCRPage(b *testing.B) {
	testenv.Need(b, "tesseract")
	g := preprocess.Prepare(scannedPage(b), preprocess.Defaults).Text
	e := ocr.New(ocr.Config{Workers: 1})
	defer e.Close()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Page(context.Background(), g); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExtractFields is layout extraction over a read page.
func BenchmarkExtractFields(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(testenv.RealDev(b), "86840a27afc7aa35.pdf"))
	if err != nil {
		b.Fatal(err)
	}
	d, _ := textlayer.Open(bytes.NewReader(data), int64(len(data)))
	var pages []doc.Page
	for i := 1; i <= 2; i++ {
		pt := d.Page(i)
		pages = append(pages, doc.Page{Number: i, Width: pt.Width, Height: pt.Height, Lines: doc.BuildLines(pt.PageWords(), 0.022*pt.Width)})
	}
	b.ReportAllocs()
	for b.Loop() {
		extract.Extract(pages)
	}
}

// BenchmarkBornDigitalFile is a whole born-digital file through the pipeline:
// no OCR at all.
func BenchmarkBornDigitalFile(b *testing.B) {
	path := filepath.Join(testenv.RealDev(b), "192bb0d8cafa9b40.pdf")
	e := ocr.New(ocr.Config{Workers: 1})
	defer e.Close()
	p := pipelines.New(pipelines.DefaultConfig(), e, 1)
	b.ReportAllocs()
	for b.Loop() {
		if rec := p.Process(context.Background(), path); rec.Error != "" {
			b.Fatal(rec.Error)
		}
	}
}
