package corpus

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"fmt"
	"github.com/vanthu/vanthu/internal/viet"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/vanthu/vanthu/pipelines/raster"
)

// ScanOptions say how a page is degraded.
type ScanOptions struct {
	DPI    int
	Rotate float64 // degrees
	Noise  float64 // std dev of grey noise
	Blur   bool
	Seal   bool
	JPEGQ  int
	Colour bool
}

// Scan renders the PDF's pages at opt.DPI with pdftoppm and degrades them as
// a scanner and a stamp-happy office would.
func Scan(ctx context.Context, pdfBytes []byte, s Spec, m Marks, opt ScanOptions, r *rand.Rand) ([]*image.RGBA, error) {
	tmp, err := os.CreateTemp("", "vanthu-corpus-*.pdf")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(pdfBytes); err != nil {
		tmp.Close()
		return nil, err
	}
	tmp.Close()
	var pages []*image.RGBA
	px := func(mm float64) int { return int(mm / 25.4 * float64(opt.DPI)) }
	for p := 1; p <= m.Pages; p++ {
		img, err := raster.RenderPDFPage(ctx, tmp.Name(), p, opt.DPI, 0, 0, 0)
		if err != nil {
			return nil, err
		}
		if p == 1 && s.HandwrittenNumber {
			handwrite(img, fmt.Sprintf("%02d", s.Number), px(m.NumberX), px(m.NumberY), opt.DPI, r)
			handwrite(img, fmt.Sprintf("%d", s.Date.Day()), px(m.DayX), px(m.DayY), opt.DPI, r)
		}
		if p == 1 && s.PenNote != "" {
			// Placed by a stream of its own: the corpus's other draws stay.
			nr := rand.New(rand.NewPCG(uint64(s.Number), uint64(len(s.PenNote))))
			penNote(img, s.PenNote, px(35+nr.Float64()*60), px(6+nr.Float64()*4), (nr.Float64()*2-1)*6, opt.DPI, nr)
		}
		if opt.Seal && p == m.SealPage {
			seal(img, px(m.SealX), px(m.SealY), px(15), r)
		}
		if opt.Rotate != 0 {
			img = rotateRGBA(img, opt.Rotate)
		}
		if opt.Blur {
			img = blur(img)
		}
		noise(img, opt.Noise, r)
		pages = append(pages, img)
	}
	return pages, nil
}

func handFace(size float64, dpi int) (font.Face, error) {
	data, err := os.ReadFile(filepath.Join(FontDir, "LiberationSans-Italic.ttf"))
	if err != nil {
		return nil, fmt.Errorf("handwriting font (install fonts-liberation2): %w", err)
	}
	f, err := opentype.Parse(data)
	if err != nil {
		return nil, err
	}
	return opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: float64(dpi), Hinting: font.HintingNone})
}

// handwrite writes digits in blue ink, each glyph at its own size and
// height, into the blank at (x, y) (y is the baseline).
func handwrite(img *image.RGBA, digits string, x, y, dpi int, r *rand.Rand) {
	ink := color.RGBA{25, 45, 140, 255}
	for _, d := range digits {
		face, err := handFace(14+r.Float64()*3, dpi)
		if err != nil {
			return
		}
		dr := font.Drawer{Dst: img, Src: image.NewUniform(ink), Face: face,
			Dot: fixed.P(x, y+r.IntN(dpi/40+1)-dpi/80)}
		dr.DrawString(string(d))
		x = dr.Dot.X.Round() + r.IntN(dpi/60+1)
		face.Close()
	}
}

// penNote writes a note by pen (blue, slanted by deg) with its baseline
// starting at (x, y), multiplied over the page as ink is.
func penNote(img *image.RGBA, note string, x, y int, deg float64, dpi int, r *rand.Rand) {
	face, err := handFace(13+r.Float64()*4, dpi)
	if err != nil {
		return
	}
	defer face.Close()
	adv := font.MeasureString(face, note).Round()
	hgt := face.Metrics().Height.Round()
	side := adv + 2*hgt
	tile := image.NewRGBA(image.Rect(0, 0, side, side))
	for i := range tile.Pix {
		tile.Pix[i] = 255
	}
	dr := font.Drawer{Dst: tile, Src: image.NewUniform(color.RGBA{20, 40, 150, 255}), Face: face, Dot: fixed.P(hgt, side/2)}
	dr.DrawString(note)
	tile = rotateRGBA(tile, deg)
	for ty := 0; ty < side; ty++ {
		for tx := 0; tx < side; tx++ {
			px, py := x-hgt+tx, y-side/2+ty
			if !(image.Point{px, py}.In(img.Rect)) {
				continue
			}
			t := tile.PixOffset(tx, ty)
			if tile.Pix[t] > 245 && tile.Pix[t+2] > 245 {
				continue // the tile's paper, or the rotation's corners
			}
			i := img.PixOffset(px, py)
			for c := 0; c < 3; c++ {
				img.Pix[i+c] = uint8(int(img.Pix[i+c]) * int(tile.Pix[t+c]) / 255)
			}
		}
	}
}

// seal stamps a red round seal at (cx, cy), multiplied over the page so
// the signature and title under it stay dark, as real ink does.
func seal(img *image.RGBA, cx, cy, radius int, r *rand.Rand) {
	red := [3]float64{205, 35, 45}
	b := img.Rect
	thick := max(2, radius/14)
	for y := cy - radius - thick; y <= cy+radius+thick; y++ {
		for x := cx - radius - thick; x <= cx+radius+thick; x++ {
			if !(image.Point{x, y}.In(b)) {
				continue
			}
			d := math.Hypot(float64(x-cx), float64(y-cy))
			on := math.Abs(d-float64(radius)) < float64(thick) ||
				math.Abs(d-float64(radius)*0.78) < float64(thick)/2 ||
				star(float64(x-cx)/(float64(radius)*0.35), float64(y-cy)/(float64(radius)*0.35))
			// Dashes between the rings stand for the seal's lettering.
			if !on && d < float64(radius)*0.95 && d > float64(radius)*0.82 {
				a := math.Atan2(float64(y-cy), float64(x-cx))
				on = math.Mod(a*18+10, 1) < 0.55
			}
			if !on || r.Float64() < 0.12 {
				continue
			}
			i := img.PixOffset(x, y)
			for c := 0; c < 3; c++ {
				img.Pix[i+c] = uint8(float64(img.Pix[i+c]) * red[c] / 255)
			}
		}
	}
}

// star reports whether (x, y), in units of the star's radius, is inside a
// five-pointed star.
func star(x, y float64) bool {
	d := math.Hypot(x, y)
	if d > 1 {
		return false
	}
	a := math.Atan2(y, x) + math.Pi/2
	k := math.Mod(a+2*math.Pi, 2*math.Pi/5) / (2 * math.Pi / 5)
	edge := 0.45 + 0.55*math.Abs(2*k-1)
	return d < edge
}

func rotateRGBA(img *image.RGBA, deg float64) *image.RGBA {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	out := image.NewRGBA(img.Rect)
	s, c := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(w)/2, float64(h)/2
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := float64(x)-cx, float64(y)-cy
			sx, sy := int(c*dx+s*dy+cx), int(-s*dx+c*dy+cy)
			o := out.PixOffset(x, y)
			if sx < 0 || sy < 0 || sx >= w || sy >= h {
				out.Pix[o], out.Pix[o+1], out.Pix[o+2], out.Pix[o+3] = 250, 250, 248, 255
				continue
			}
			copy(out.Pix[o:o+4], img.Pix[img.PixOffset(sx, sy):])
		}
	}
	return out
}

func blur(img *image.RGBA) *image.RGBA {
	out := image.NewRGBA(img.Rect)
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var sum [3]int
			n := 0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					xx, yy := x+dx, y+dy
					if xx < 0 || yy < 0 || xx >= w || yy >= h {
						continue
					}
					o := img.PixOffset(xx, yy)
					sum[0] += int(img.Pix[o])
					sum[1] += int(img.Pix[o+1])
					sum[2] += int(img.Pix[o+2])
					n++
				}
			}
			o := out.PixOffset(x, y)
			out.Pix[o], out.Pix[o+1], out.Pix[o+2], out.Pix[o+3] = uint8(sum[0]/n), uint8(sum[1]/n), uint8(sum[2]/n), 255
		}
	}
	return out
}

func noise(img *image.RGBA, sd float64, r *rand.Rand) {
	if sd <= 0 {
		return
	}
	for i := 0; i < len(img.Pix); i += 4 {
		n := r.NormFloat64() * sd
		if r.Float64() < 0.0002 {
			n = -200 // a speck of dust
		}
		for c := 0; c < 3; c++ {
			v := float64(img.Pix[i+c]) + n
			img.Pix[i+c] = uint8(max(0, min(255, v)))
		}
	}
}

// EncodeTIFF writes pages as one multi-page TIFF: 8-bit grey, deflate,
// with the resolution tags scanners write.
func EncodeTIFF(pages []*image.RGBA, dpi int) ([]byte, error) {
	var b bytes.Buffer
	le := binary.LittleEndian
	b.WriteString("II*\x00")
	b.Write([]byte{0, 0, 0, 0}) // first IFD offset, patched below
	prevNext := 4
	for _, img := range pages {
		w, h := img.Rect.Dx(), img.Rect.Dy()
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		row := make([]byte, w)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				o := img.PixOffset(x, y)
				row[x] = uint8((299*int(img.Pix[o]) + 587*int(img.Pix[o+1]) + 114*int(img.Pix[o+2])) / 1000)
			}
			zw.Write(row)
		}
		zw.Close()
		dataOff := b.Len()
		b.Write(z.Bytes())
		if b.Len()%2 == 1 {
			b.WriteByte(0)
		}
		resOff := b.Len()
		binary.Write(&b, le, [4]uint32{uint32(dpi), 1, uint32(dpi), 1})
		ifdOff := b.Len()
		buf := b.Bytes()
		le.PutUint32(buf[prevNext:], uint32(ifdOff))
		type entry struct {
			tag, typ uint16
			count    uint32
			value    uint32
		}
		es := []entry{
			{256, 4, 1, uint32(w)}, {257, 4, 1, uint32(h)}, {258, 3, 1, 8}, {259, 3, 1, 8},
			{262, 3, 1, 1}, {273, 4, 1, uint32(dataOff)}, {277, 3, 1, 1}, {278, 4, 1, uint32(h)},
			{279, 4, 1, uint32(z.Len())}, {282, 5, 1, uint32(resOff)}, {283, 5, 1, uint32(resOff + 8)}, {296, 3, 1, 2},
		}
		binary.Write(&b, le, uint16(len(es)))
		for _, e := range es {
			binary.Write(&b, le, e.tag)
			binary.Write(&b, le, e.typ)
			binary.Write(&b, le, e.count)
			binary.Write(&b, le, e.value)
		}
		prevNext = b.Len()
		b.Write([]byte{0, 0, 0, 0})
	}
	return b.Bytes(), nil
}

// ScannedPDF wraps JPEG page images in a PDF, as a scanner's "scan to PDF" does.
func ScannedPDF(pages []*image.RGBA, quality int) ([]byte, error) {
	return ScannedPDFWithOCR(pages, quality, nil, nil)
}

// ScannedPDFWithOCR is ScannedPDF with the invisible text layer scanner
// software adds (Kodak, HP, OmniPage): its OCR of the page, which for
// Vietnamese loses most tone marks and confuses letters ("CONG Hcok xA
// HQI CHiJ NGHiA"). texts are the pages' true text; the layer is a
// damaged copy, laid out in lines under the image. A reader that trusts
// such a layer extracts nothing. Without texts, no layer.
func ScannedPDFWithOCR(pages []*image.RGBA, quality int, texts []string, r *rand.Rand) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	for i, img := range pages {
		var j bytes.Buffer
		if err := jpeg.Encode(&j, img, &jpeg.Options{Quality: quality}); err != nil {
			return nil, err
		}
		name := fmt.Sprintf("p%d", i)
		pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "JPG"}, &j)
		pdf.AddPage()
		pdf.ImageOptions(name, 0, 0, 210, 297, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")
		if i >= len(texts) {
			continue
		}
		pdf.SetTextRenderingMode(3) // invisible, as scanners write it
		pdf.SetFont("Helvetica", "", 11)
		tr := pdf.UnicodeTranslatorFromDescriptor("") // cp1252, the core fonts' encoding
		y := 20.0
		for _, line := range strings.Split(texts[i], "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			pdf.Text(20, y, tr(garble(line, r)))
			if y += 6; y > 285 {
				break
			}
		}
		pdf.SetTextRenderingMode(0)
	}
	var out bytes.Buffer
	if err := pdf.Output(&out); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// garble is a scanner's Vietnamese OCR: the marks its Western fonts hold
// (à, á, â, ê, ô, ã, ...) mostly kept, the others dropped (ạ, ả, ă, ơ, ư,
// đ), letters confused, case flipped here and there: text that still has
// marks enough to look Vietnamese at a glance.
func garble(s string, r *rand.Rand) string {
	const western = "àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ"
	confuse := map[rune]string{'o': "Q", 'O': "Q", 'i': "l", 'u': "iJ", 'a': "ci", 'h': "k", 'n': "ri", 'e': "c"}
	var b strings.Builder
	for _, c := range viet.NFC(s) {
		base := []rune(viet.Fold(string(c)))
		plain := c
		if len(base) == 1 {
			plain = base[0]
			if unicode.IsUpper(c) {
				plain = unicode.ToUpper(plain)
			}
		}
		switch {
		case strings.ContainsRune(western, c) && r.IntN(5) != 0:
			b.WriteRune(c)
		case r.IntN(9) == 0 && confuse[plain] != "":
			b.WriteString(confuse[plain])
		case r.IntN(8) == 0 && unicode.IsLetter(plain):
			if unicode.IsUpper(plain) {
				b.WriteRune(unicode.ToLower(plain))
			} else {
				b.WriteRune(unicode.ToUpper(plain))
			}
		case plain < 128:
			b.WriteRune(plain)
		}
	}
	return b.String()
}
