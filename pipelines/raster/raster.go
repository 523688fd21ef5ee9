// Package raster turns an upload into page images at the OCR resolution:
// images are decoded in Go (every TIFF page, WebP too), PDF pages are
// rendered by poppler's pdftoppm as a supervised process.
package raster

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // registered decoders
	_ "image/png"
	"io"
	"strconv"

	"golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"

	"github.com/vanthu/vanthu/internal/procexec"
)

// ErrTooLarge is returned for images above the pixel limit: a
// 30,000×30,000 PNG is a few kilobytes and 3.6 GB once decoded.
var ErrTooLarge = errors.New("image too large")

// DefaultMaxPixels allows an A3 page at 600 dpi.
const DefaultMaxPixels = 75_000_000

// MinDPI is the resolution below which pages are upscaled to doc.DPI before
// OCR: Tesseract reads 10-pt Vietnamese with its stacked marks poorly at 200 dpi.
const MinDPI = 250

// DecodeImage decodes every page of an image file. It checks the declared
// size of each page against maxPixels before allocating anything.
func DecodeImage(data []byte, maxPixels int) ([]*image.RGBA, error) {
	return DecodeImageAdmitted(data, maxPixels, nil)
}

// DecodeImageAdmitted is DecodeImage asking admit first (for a single
// image; TIFF pages go through DecodeTIFFPageAdmitted).
func DecodeImageAdmitted(data []byte, maxPixels int, admit Admit) ([]*image.RGBA, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode image header: %w", err)
	}
	if format == "tiff" {
		return decodeTIFF(data, maxPixels)
	}
	if err := checkSize(cfg.Width, cfg.Height, maxPixels); err != nil {
		return nil, err
	}
	if admit != nil {
		if err := admit(cfg.Width, cfg.Height); err != nil {
			return nil, err
		}
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", format, err)
	}
	out := toRGBA(img)
	if format == "jpeg" {
		out = orient(out, jpegOrientation(data))
	}
	return []*image.RGBA{out}, nil
}

func checkSize(w, h, maxPixels int) error {
	if w <= 0 || h <= 0 {
		return fmt.Errorf("image has no pixels (%d×%d)", w, h)
	}
	if maxPixels > 0 && w*h > maxPixels {
		return fmt.Errorf("%w: %d×%d pixels, limit %d (--max-pixels)", ErrTooLarge, w, h, maxPixels)
	}
	return nil
}

// decodeTIFF decodes each page of a multi-page TIFF.
func decodeTIFF(data []byte, maxPixels int) ([]*image.RGBA, error) {
	n, err := TIFFPageCount(data)
	if err != nil {
		return nil, err
	}
	pages := make([]*image.RGBA, 0, n)
	for i := range n {
		img, err := DecodeTIFFPage(data, i, maxPixels)
		if err != nil {
			return nil, err
		}
		pages = append(pages, img)
	}
	return pages, nil
}

// TIFFPageCount counts the pages (IFDs) of a TIFF without decoding them.
func TIFFPageCount(data []byte) (int, error) {
	offs, err := tiffIFDs(data)
	return len(offs), err
}

// DecodeTIFFPage decodes page i (0-based) alone, so that a 500-page TIFF
// is never held decoded in memory at once. x/image/tiff reads only the
// first IFD, so the page is decoded from a copy of the file whose header
// points at that page's IFD.
func DecodeTIFFPage(data []byte, i, maxPixels int) (*image.RGBA, error) {
	return DecodeTIFFPageAdmitted(data, i, maxPixels, nil)
}

// DecodeTIFFPageAdmitted is DecodeTIFFPage asking admit first.
func DecodeTIFFPageAdmitted(data []byte, i, maxPixels int, admit Admit) (*image.RGBA, error) {
	offsets, err := tiffIFDs(data)
	if err != nil {
		return nil, err
	}
	if i < 0 || i >= len(offsets) {
		return nil, fmt.Errorf("TIFF page %d of %d", i+1, len(offsets))
	}
	buf := make([]byte, len(data))
	copy(buf, data)
	byteOrder(data).PutUint32(buf[4:8], offsets[i])
	cfg, err := tiff.DecodeConfig(bytes.NewReader(buf))
	if err != nil {
		return nil, fmt.Errorf("TIFF page %d: %w", i+1, err)
	}
	if err := checkSize(cfg.Width, cfg.Height, maxPixels); err != nil {
		return nil, fmt.Errorf("TIFF page %d: %w", i+1, err)
	}
	if admit != nil {
		if err := admit(cfg.Width, cfg.Height); err != nil {
			return nil, fmt.Errorf("TIFF page %d: %w", i+1, err)
		}
	}
	img, err := tiff.Decode(bytes.NewReader(buf))
	if err != nil {
		return nil, fmt.Errorf("TIFF page %d: %w", i+1, err)
	}
	return toRGBA(img), nil
}

func byteOrder(data []byte) binary.ByteOrder {
	if data[0] == 'M' {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// tiffIFDs walks the IFD chain, guarding against loops and truncation.
func tiffIFDs(data []byte) ([]uint32, error) {
	if len(data) < 8 {
		return nil, errors.New("truncated TIFF header")
	}
	order := byteOrder(data)
	off := order.Uint32(data[4:8])
	seen := map[uint32]bool{}
	var out []uint32
	for off != 0 && len(out) < 10000 {
		if seen[off] || int(off)+2 > len(data) {
			break
		}
		seen[off] = true
		out = append(out, off)
		n := int(order.Uint16(data[off:]))
		next := int(off) + 2 + 12*n
		if next+4 > len(data) {
			break
		}
		off = order.Uint32(data[next:])
	}
	if len(out) == 0 {
		return nil, errors.New("TIFF has no pages")
	}
	return out, nil
}

func toRGBA(img image.Image) *image.RGBA {
	if r, ok := img.(*image.RGBA); ok && r.Rect.Min == (image.Point{}) {
		return r
	}
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Rect, img, b.Min, draw.Src)
	return out
}

// EstimateDPI guesses the scan resolution from the pixel size, taking the
// page to be A4 (8.27 × 11.69 in), which administrative documents are.
func EstimateDPI(w, h int) float64 {
	long, short := float64(max(w, h)), float64(min(w, h))
	return max(long/11.69, short/8.27)
}

// PDFPageArgs builds pdftoppm's arguments to render one page in colour to
// stdout. Annotations are hidden: signature stamps are read from the text
// layer, and OCR of them only adds noise. Pure, so it is tested without the
// binary.
func PDFPageArgs(path string, page, dpi int) []string {
	return []string{"-hide-annotations", "-r", strconv.Itoa(dpi), "-f", strconv.Itoa(page), "-l", strconv.Itoa(page), "-singlefile", "--", path}
}

// Admit is asked, with a page's size, before its pixels are allocated: it
// may wait for memory to be free, or refuse the page (a file's pixel
// budget spent). nil admits everything.
type Admit func(w, h int) error

// RenderPDFPage renders one page with pdftoppm. widthPt and heightPt (the
// page size in points, 0 if unknown) are checked against maxPixels first.
func RenderPDFPage(ctx context.Context, path string, page, dpi int, widthPt, heightPt float64, maxPixels int) (*image.RGBA, error) {
	return RenderPDFPageAdmitted(ctx, path, page, dpi, widthPt, heightPt, maxPixels, nil)
}

// RenderPDFPageAdmitted is RenderPDFPage asking admit first. The image is
// decoded as pdftoppm writes it: never held twice.
func RenderPDFPageAdmitted(ctx context.Context, path string, page, dpi int, widthPt, heightPt float64, maxPixels int, admit Admit) (*image.RGBA, error) {
	if widthPt > 0 && heightPt > 0 {
		w, h := int(widthPt*float64(dpi)/72), int(heightPt*float64(dpi)/72)
		if err := checkSize(w, h, maxPixels); err != nil {
			return nil, fmt.Errorf("page %d at %d dpi: %w", page, dpi, err)
		}
	}
	var img *image.RGBA
	err := procexec.Stream(ctx, func(r io.Reader) error {
		var err error
		img, err = decodePPM(r, maxPixels, admit)
		return err
	}, "pdftoppm", PDFPageArgs(path, page, dpi)...)
	if err != nil {
		return nil, fmt.Errorf("render page %d: %w", page, err)
	}
	return img, nil
}

// DecodePPM reads a binary PPM (P6) or PGM (P5) with maxval 255.
func DecodePPM(r io.Reader, maxPixels int) (*image.RGBA, error) { return decodePPM(r, maxPixels, nil) }

func decodePPM(r io.Reader, maxPixels int, admit Admit) (*image.RGBA, error) {
	br := bufio.NewReader(r)
	var magic string
	var w, h, maxval int
	if _, err := fmt.Fscan(br, &magic, &w, &h, &maxval); err != nil {
		return nil, fmt.Errorf("PPM header: %w", err)
	}
	if _, err := br.ReadByte(); err != nil { // the single whitespace after maxval
		return nil, fmt.Errorf("PPM header: %w", err)
	}
	if (magic != "P6" && magic != "P5") || maxval != 255 {
		return nil, fmt.Errorf("unsupported PPM %s maxval %d", magic, maxval)
	}
	if err := checkSize(w, h, maxPixels); err != nil {
		return nil, err
	}
	if admit != nil {
		if err := admit(w, h); err != nil {
			return nil, err
		}
	}
	ch := 3
	if magic == "P5" {
		ch = 1
	}
	// Row by row into the image: the raw pixels are never held whole.
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	row := make([]byte, w*ch)
	for y := range h {
		if _, err := io.ReadFull(br, row); err != nil {
			return nil, fmt.Errorf("PPM pixels: %w", err)
		}
		p := img.Pix[y*img.Stride : y*img.Stride+w*4]
		for i, j := 0, 0; i < len(row); i, j = i+ch, j+4 {
			if ch == 3 {
				p[j], p[j+1], p[j+2] = row[i], row[i+1], row[i+2]
			} else {
				p[j], p[j+1], p[j+2] = row[i], row[i], row[i]
			}
			p[j+3] = 255
		}
	}
	return img, nil
}

// PDFPageCount asks poppler for the page count, for files the Go reader
// cannot open (poppler reconstructs damaged cross-reference tables).
func PDFPageCount(ctx context.Context, path string) (int, error) {
	out, err := procexec.Run(ctx, "pdfinfo", "--", path)
	if err != nil {
		return 0, err
	}
	for _, line := range bytes.Split(out, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("Pages:")); ok {
			n, err := strconv.Atoi(string(bytes.TrimSpace(v)))
			if err != nil {
				return 0, fmt.Errorf("pdfinfo pages %q: %w", v, err)
			}
			return n, nil
		}
	}
	return 0, errors.New("pdfinfo printed no page count")
}
