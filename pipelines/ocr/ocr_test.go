package ocr_test

import (
	"context"
	"image"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/vanthu/vanthu/internal/testenv"
	"github.com/vanthu/vanthu/pipelines/corpus"
	"github.com/vanthu/vanthu/pipelines/digits"
	"github.com/vanthu/vanthu/pipelines/ocr"
	"github.com/vanthu/vanthu/pipelines/preprocess"
	"github.com/vanthu/vanthu/pipelines/raster"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// renderedPage renders a generated document's first page at 300 dpi.
func renderedPage(t *testing.T, seed uint64) (*image.Gray, corpus.Spec) {
	t.Helper()
	testenv.Need(t, "pdftoppm", "tesseract")
	s := corpus.NewSpec(rand.New(rand.NewPCG(seed, 1)), "TB")
	pdf, _, err := corpus.RenderPDF(s)
	if err != nil {
		t.Fatal(err)
	}
	f := t.TempDir() + "/p.pdf"
	if err := os.WriteFile(f, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	img, err := raster.RenderPDFPage(context.Background(), f, 1, 300, 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return preprocess.Prepare(img, preprocess.Defaults).Text, s
}

func TestPageOCRReadsVietnameseWithBoxes(t *testing.T) {
	img, s := renderedPage(t, 3)
	e := ocr.New(ocr.Config{Workers: 1})
	defer e.Close()
	words, err := e.Page(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, w := range words {
		text = append(text, w.Text)
		if w.Box.W <= 0 || w.Box.H <= 0 || w.Conf < 0 || w.Conf > 1 {
			t.Fatalf("bad word %+v", w)
		}
	}
	joined := strings.Join(text, " ")
	for _, want := range []string{"CỘNG", "HÒA", "NGHĨA", "THÔNG", "BÁO", s.Signer} {
		if !strings.Contains(joined, want) {
			t.Errorf("OCR text lacks %q", want)
		}
	}
}

// The pool runs pages concurrently, each worker with its own client.
func TestPoolConcurrentPagesAgree(t *testing.T) {
	img, _ := renderedPage(t, 4)
	e := ocr.New(ocr.Config{Workers: 2})
	defer e.Close()
	var wg sync.WaitGroup
	results := make([]int, 4)
	for i := range results {
		wg.Go(func() {
			ws, err := e.Page(context.Background(), img)
			if err != nil {
				t.Error(err)
			}
			results[i] = len(ws)
		})
	}
	wg.Wait()
	for _, n := range results[1:] {
		if n != results[0] || n == 0 {
			t.Fatalf("word counts differ between workers: %v", results)
		}
	}
}

func TestClosedEngine(t *testing.T) {
	e := ocr.New(ocr.Config{Workers: 1})
	e.Close()
	if _, err := e.Page(context.Background(), image.NewGray(image.Rect(0, 0, 10, 10))); err == nil {
		t.Fatal("OCR on a closed engine succeeded")
	}
}

func TestCleanDigitsDropsEdgePunctuation(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 300, 120))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	fill := func(x0, y0, x1, y1 int) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				g.Pix[y*g.Stride+x] = 0
			}
		}
	}
	fill(5, 50, 12, 57)   // colon dot
	fill(5, 70, 12, 77)   // colon dot
	fill(60, 20, 90, 100) // a tall handwritten digit
	fill(110, 20, 140, 100)
	fill(280, 45, 288, 85) // the printed slash, shorter
	out := digits.Clean(g)
	if out == nil {
		t.Fatal("no ink found")
	}
	// The digits span 80×80 px, scaled to 48 px high plus padding: ~96 px.
	// With the colon or the slash kept it would be over 200.
	if w := out.Rect.Dx(); w > 200 {
		t.Errorf("cleaned crop %d px wide: punctuation kept", w)
	}
	white := image.NewGray(image.Rect(0, 0, 50, 50))
	for i := range white.Pix {
		white.Pix[i] = 255
	}
	if digits.Clean(white) != nil {
		t.Error("a blank crop gave digits to read")
	}
}

// gosseract points fd 2 at /dev/null while a client initialises; with
// workers initialising at once, stderr must still be ours afterwards.
func TestStderrSurvivesConcurrentInit(t *testing.T) {
	before, err := os.Stderr.Stat()
	if err != nil {
		t.Skip("no stderr to check")
	}
	img, _ := renderedPage(t, 5)
	for round := range 3 {
		e := ocr.New(ocr.Config{Workers: 4})
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				ctx := context.Background()
				switch i % 4 {
				case 0:
					e.Page(ctx, img)
				case 1:
					e.Sparse(ctx, img.SubImage(image.Rect(0, 0, 400, 300)).(*image.Gray))
				case 2:
					e.Block(ctx, img.SubImage(image.Rect(0, 0, 400, 300)).(*image.Gray))
				default:
					e.Column(ctx, img.SubImage(image.Rect(0, 0, 400, 300)).(*image.Gray))
				}
			})
		}
		wg.Wait()
		e.Close()
		after, err := os.Stderr.Stat()
		if err != nil || !os.SameFile(before, after) {
			t.Fatalf("round %d: stderr now points elsewhere (%v): log lines would be lost", round, err)
		}
	}
}
