package raster_test

import (
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/vanthu/vanthu/internal/testenv"
	"github.com/vanthu/vanthu/pipelines/raster"
)

func TestPreview(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// A 300-dpi A4 scan, whatever its name says.
	scan := filepath.Join(dir, "looks-like.pdf")
	f, _ := os.Create(scan)
	png.Encode(f, image.NewGray(image.Rect(0, 0, 2480, 3508)))
	f.Close()
	img, scale, err := raster.Preview(ctx, scan, 1, 75_000_000)
	if err != nil {
		t.Fatal(err)
	}
	if w := img.Bounds().Dx(); w < 900 || w > 920 || scale < 0.36 || scale > 0.37 {
		t.Errorf("scan preview %v at scale %.3f, want ~909 px wide at 110/300", img.Bounds(), scale)
	}
	for _, n := range []int{0, 2, -1} {
		if _, _, err := raster.Preview(ctx, scan, n, 75_000_000); !errors.Is(err, raster.ErrNoPage) {
			t.Errorf("page %d of a single image: %v", n, err)
		}
	}
	junk := filepath.Join(dir, "junk.png")
	os.WriteFile(junk, []byte("MZ not a page"), 0o644)
	if _, _, err := raster.Preview(ctx, junk, 1, 75_000_000); !errors.Is(err, raster.ErrNoPage) {
		t.Errorf("junk: %v", err)
	}
	// A real PDF, rendered by poppler.
	pdf := filepath.Join(testenv.RealDev(t), "c636c9dc48dfa60b.pdf")
	img, scale, err = raster.Preview(ctx, pdf, 1, 75_000_000)
	if err != nil {
		t.Fatal(err)
	}
	if scale < 0.36 || scale > 0.37 || img.Bounds().Dx() < 800 {
		t.Errorf("PDF preview %v at %.3f", img.Bounds(), scale)
	}
	if _, _, err := raster.Preview(ctx, pdf, 99, 75_000_000); !errors.Is(err, raster.ErrNoPage) {
		t.Errorf("page 99 of a short PDF: %v", err)
	}
}
