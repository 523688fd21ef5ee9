package corpus

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/vanthu/vanthu/internal/procexec"
)

// Formats the generator writes.
var Formats = []string{"pdf", "png", "jpeg", "tiff", "scanpdf", "webp", "scanocr"}

// Options of a generated corpus.
type Options struct {
	N       int
	Seed    uint64
	Formats []string // default: all, round robin
	DPI     int      // scan resolution; 0 draws 200 or 300 per document
	// Reports makes every document a báo cáo with a table of indicators
	// and, in half of them, figures told in a sentence; the truth gets
	// their "figures". Off, a seed writes the corpus it always did.
	Reports bool
}

// Generate writes N documents and truth.jsonl into dir.
func Generate(ctx context.Context, dir string, opt Options) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	formats := opt.Formats
	if len(formats) == 0 {
		formats = Formats
	}
	r := rand.New(rand.NewPCG(opt.Seed, 0x5eed))
	truth, err := os.Create(filepath.Join(dir, "truth.jsonl"))
	if err != nil {
		return err
	}
	defer truth.Close()
	enc := json.NewEncoder(truth)
	enc.SetEscapeHTML(false)
	// A single-image format drawn for a multi-page document takes the place
	// of the next single-page TIFF, so that a short corpus still holds every
	// format.
	var owed []string
	for i := range opt.N {
		if err := ctx.Err(); err != nil {
			return err
		}
		t := Types[i%len(Types)]
		if opt.Reports {
			t = "BC"
		}
		format := formats[(i/len(Types)+i)%len(formats)]
		s := NewSpec(r, t)
		if opt.Reports {
			s.addReport(rand.New(rand.NewPCG(opt.Seed, uint64(i)+0xbc15)))
		}
		scanned := format != "pdf"
		s.HandwrittenNumber = scanned && r.IntN(3) == 0
		// A pen note on one scan in four, drawn from a stream of its own
		// so that the corpora of a seed keep their documents otherwise.
		if nr := rand.New(rand.NewPCG(opt.Seed, uint64(i)+0x9e7e)); scanned && nr.IntN(4) == 0 {
			s.PenNote = pick(nr, PenNotes)
		}
		pdfBytes, m, err := RenderPDF(s)
		if err != nil {
			return fmt.Errorf("render document %d: %w", i, err)
		}
		singleImage := func(f string) bool { return f == "png" || f == "jpeg" || f == "webp" }
		switch {
		case m.Pages > 1 && singleImage(format):
			owed = append(owed, format)
			format = "tiff" // single-image formats hold one page
		case m.Pages == 1 && len(owed) > 0 && format == "tiff":
			format, owed = owed[0], owed[1:]
		}
		name := fmt.Sprintf("%03d-%s.%s", i, slug(t), ext(format))
		var data []byte
		if !scanned {
			data = pdfBytes
		} else {
			dpi := []int{200, 300}[r.IntN(2)]
			if opt.DPI > 0 {
				dpi = opt.DPI
			}
			opt := ScanOptions{DPI: dpi, Rotate: (r.Float64()*2 - 1) * 1.5, Noise: 4 + r.Float64()*8,
				Blur: r.IntN(4) == 0, Seal: true, JPEGQ: 70 + r.IntN(25)}
			pages, err := Scan(ctx, pdfBytes, s, m, opt, r)
			if err != nil {
				return fmt.Errorf("scan document %d: %w", i, err)
			}
			var b bytes.Buffer
			switch format {
			case "png":
				err = png.Encode(&b, pages[0])
			case "jpeg":
				err = jpeg.Encode(&b, pages[0], &jpeg.Options{Quality: opt.JPEGQ})
			case "webp":
				var t []byte
				t, err = EncodeWebP(ctx, pages[0], opt.JPEGQ)
				b.Write(t)
			case "tiff":
				var t []byte
				t, err = EncodeTIFF(pages, opt.DPI)
				b.Write(t)
			case "scanpdf":
				var t []byte
				t, err = ScannedPDF(pages, opt.JPEGQ)
				b.Write(t)
			case "scanocr":
				var t []byte
				t, err = ScannedPDFWithOCR(pages, opt.JPEGQ, strings.Split(m.Text, "\f"), r)
				b.Write(t)
			}
			if err != nil {
				return fmt.Errorf("encode document %d: %w", i, err)
			}
			data = b.Bytes()
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
		if err := enc.Encode(s.Truth(name, m.Pages, m.Text)); err != nil {
			return err
		}
	}
	return nil
}

func ext(format string) string {
	switch format {
	case "jpeg":
		return "jpg"
	case "tiff":
		return "tif"
	case "scanpdf", "scanocr":
		return "pdf"
	}
	return format
}

func slug(t string) string {
	out := []rune{}
	for _, r := range t {
		if r == 'Đ' {
			r = 'D'
		}
		out = append(out, r)
	}
	return string(out)
}

// EncodeWebP encodes with cwebp (Debian webp): Go has no WebP encoder.
func EncodeWebP(ctx context.Context, img *image.RGBA, quality int) ([]byte, error) {
	dir, err := os.MkdirTemp("", "vanthu-webp-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in, out := filepath.Join(dir, "p.png"), filepath.Join(dir, "p.webp")
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	if err := os.WriteFile(in, b.Bytes(), 0o644); err != nil {
		return nil, err
	}
	if _, err := procexec.Run(ctx, "cwebp", "-quiet", "-q", strconv.Itoa(quality), in, "-o", out); err != nil {
		return nil, fmt.Errorf("webp (install the webp package): %w", err)
	}
	return os.ReadFile(out)
}

// Texts are the texts of n born-digital documents as typed (their
// lines, pages joined): what a language model of the archive counts.
func Texts(n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	var out []string
	for i := range n {
		s := NewSpec(r, Types[i%len(Types)])
		if _, m, err := RenderPDF(s); err == nil {
			out = append(out, m.Text)
		}
	}
	return out
}
