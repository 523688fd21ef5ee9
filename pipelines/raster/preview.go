package raster

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"time"

	xdraw "golang.org/x/image/draw"

	"github.com/vanthu/vanthu/pipelines/sniff"
)

// ErrNoPage is a page that is not in the file or cannot be drawn.
var ErrNoPage = errors.New("no such page")

// PreviewDPI is the resolution a page is shown at: enough to read, light
// to send.
const PreviewDPI = 110

// Preview draws page n (from 1) of a document's original, for a person to
// read beside the record (the review screen, the document view): at
// about PreviewDPI, its pixels bounded by maxPixels. scale is the ratio
// of its pixels to the 300-dpi pixels evidence boxes are given in. The
// file's type is read from its bytes, not its name.
func Preview(ctx context.Context, path string, n, maxPixels int) (img image.Image, scale float64, err error) {
	defer func() {
		if r := recover(); r != nil {
			img, scale, err = nil, 0, fmt.Errorf("%w: %v", ErrNoPage, r)
		}
	}()
	if n < 1 {
		return nil, 0, ErrNoPage
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	head := make([]byte, sniff.HeaderLen)
	k, _ := io.ReadFull(f, head)
	f.Close()
	kind, err := sniff.Sniff(head[:k])
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %v", ErrNoPage, err)
	}
	if kind == sniff.PDF {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		rgba, err := RenderPDFPage(ctx, path, n, PreviewDPI, 0, 0, maxPixels)
		if err != nil {
			return nil, 0, fmt.Errorf("%w: %v", ErrNoPage, err)
		}
		return rgba, float64(PreviewDPI) / 300, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	var src *image.RGBA
	switch {
	case kind == sniff.TIFF:
		// Only the page asked for: a TIFF may hold hundreds.
		src, err = DecodeTIFFPage(data, n-1, maxPixels)
	case n == 1:
		var pages []*image.RGBA
		if pages, err = DecodeImage(data, maxPixels); err == nil && len(pages) > 0 {
			src = pages[0]
		}
	default:
		err = ErrNoPage
	}
	if err != nil || src == nil {
		return nil, 0, fmt.Errorf("%w: %v", ErrNoPage, err)
	}
	b := src.Bounds()
	dpi := EstimateDPI(b.Dx(), b.Dy())
	s := min(1, PreviewDPI/dpi)
	dst := image.NewRGBA(image.Rect(0, 0, max(1, int(float64(b.Dx())*s)), max(1, int(float64(b.Dy())*s))))
	xdraw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, b, xdraw.Src, nil)
	return dst, dpi * s / 300, nil
}
