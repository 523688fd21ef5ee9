package raster_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"reflect"
	"testing"

	"github.com/vanthu/vanthu/pipelines/corpus"
	"github.com/vanthu/vanthu/pipelines/raster"
)

func page(w, h int, v uint8) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = v
	}
	return img
}

func TestMultiPageTIFF(t *testing.T) {
	pages := []*image.RGBA{page(300, 400, 255), page(300, 400, 0), page(200, 100, 128)}
	data, err := corpus.EncodeTIFF(pages, 300)
	if err != nil {
		t.Fatal(err)
	}
	got, err := raster.DecodeImage(data, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("decoded %d pages, want 3", len(got))
	}
	if got[2].Rect.Dx() != 200 || got[1].RGBAAt(5, 5).R != 0 || got[0].RGBAAt(5, 5).R != 255 {
		t.Errorf("pages decoded wrong: %v %v %v", got[2].Rect, got[1].RGBAAt(5, 5), got[0].RGBAAt(5, 5))
	}
}

// bombPNG is a valid PNG header declaring w×h pixels with no pixel data:
// a few bytes that would decode to gigabytes.
func bombPNG(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 0 // 8-bit grey
	chunk := append([]byte("IHDR"), ihdr...)
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestDecompressionBombRejectedBeforeDecoding(t *testing.T) {
	_, err := raster.DecodeImage(bombPNG(30000, 30000), raster.DefaultMaxPixels)
	if !errors.Is(err, raster.ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
}

func TestEstimateDPI(t *testing.T) {
	for _, c := range []struct {
		w, h int
		dpi  float64
	}{{1654, 2339, 200}, {2480, 3508, 300}, {3508, 2480, 300}} {
		if got := raster.EstimateDPI(c.w, c.h); got < c.dpi-2 || got > c.dpi+2 {
			t.Errorf("%d×%d: %.0f dpi, want %.0f", c.w, c.h, got, c.dpi)
		}
	}
}

func TestPPMRoundTrip(t *testing.T) {
	ppm := []byte("P6\n2 1\n255\n\xff\x00\x00\x00\x00\xff")
	img, err := raster.DecodePPM(bytes.NewReader(ppm), 0)
	if err != nil {
		t.Fatal(err)
	}
	if img.RGBAAt(0, 0) != (color.RGBA{255, 0, 0, 255}) || img.RGBAAt(1, 0) != (color.RGBA{0, 0, 255, 255}) {
		t.Errorf("pixels %v %v", img.RGBAAt(0, 0), img.RGBAAt(1, 0))
	}
	if _, err := raster.DecodePPM(bytes.NewReader([]byte("P6\n99999 99999\n255\n")), 1000); !errors.Is(err, raster.ErrTooLarge) {
		t.Errorf("huge PPM: %v", err)
	}
}

func TestPDFPageArgs(t *testing.T) {
	got := raster.PDFPageArgs("-evil.pdf", 3, 300)
	want := []string{"-hide-annotations", "-r", "300", "-f", "3", "-l", "3", "-singlefile", "--", "-evil.pdf"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q", got)
	}
}

func TestDecodePNG(t *testing.T) {
	var b bytes.Buffer
	png.Encode(&b, page(10, 20, 7))
	got, err := raster.DecodeImage(b.Bytes(), 0)
	if err != nil || len(got) != 1 || got[0].Rect.Dy() != 20 {
		t.Fatalf("%v %v", got, err)
	}
}
