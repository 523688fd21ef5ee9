// Package preprocess prepares a page image for OCR: it separates red ink
// (seals, urgency and secrecy stamps) from the text, straightens the page,
// and tells blank pages (seal bleed-through) from pages with text.
package preprocess

import (
	"image"
	"math"
	"sort"
)

// Options switch the steps, so eval can measure what each one brings.
type Options struct {
	RemoveRed bool
	Deskew    bool
	// RemoveGraphics whitens ink components far larger than letters: a
	// seal scanned in grey or black, a signature, a logo. Tesseract takes
	// them for pictures and drops the text lines that touch their blocks.
	RemoveGraphics bool
}

// Defaults are the steps the pipeline runs.
var Defaults = Options{RemoveRed: true, Deskew: true, RemoveGraphics: true}

// Page is a prepared page.
type Page struct {
	Text *image.Gray // what Tesseract reads: black text, red ink removed
	Red  *image.Gray // the red layer as black on white, for stamps
	// RedShare is the share of pixels that are red ink.
	RedShare float64
	// Ink is the share of dark pixels in Text, margins excluded.
	Ink float64
	// Skew is the angle corrected, in degrees.
	Skew float64
	// Plain is the page's luminance as it came, before the background was
	// flattened, deskewed or cleaned (red ink is taken out when asked):
	// nearly what Tesseract would read by itself.
	Plain *image.Gray
}

// Blank reports a page with no text: below this share of dark pixels a page
// holds at most bleed-through, a punch hole or a scanner edge.
func (p Page) Blank() bool { return p.Ink < 0.0015 }

// isRed says whether a pixel is red ink: red well above green and blue.
// Seal red scans as (190..240, 40..110, 50..120); black text is grey,
// blue ballpoint is blue.
func isRed(r, g, b uint8) bool {
	return int(r) > 110 && int(r)-int(g) > 55 && int(r)-int(b) > 40
}

// FlattenBackground divides the page by its background — the brightest
// grey near each point, over a window wider than any letter — so that the
// paper is white everywhere: under a shadow, on grey paper, and where the
// table shows around a photographed page. A page whose background is even
// and white already (a scan) is left as it is: false.
func FlattenBackground(g *image.Gray) (*image.Gray, bool) {
	const cell = 16 // pixels; the window is 5 cells: 80 px, a 20-pt letter at 300 dpi
	w, h := g.Rect.Dx(), g.Rect.Dy()
	cw, ch := (w+cell-1)/cell, (h+cell-1)/cell
	if cw < 3 || ch < 3 {
		return g, false
	}
	bright := make([]float64, cw*ch)
	for y := range h {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		for x, v := range row {
			if i := (y/cell)*cw + x/cell; float64(v) > bright[i] {
				bright[i] = float64(v)
			}
		}
	}
	// The background at a cell: the brightest of the cells around it,
	// then smoothed.
	grow := make([]float64, len(bright))
	for cy := range ch {
		for cx := range cw {
			m := 0.0
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					x, y := cx+dx, cy+dy
					if x >= 0 && y >= 0 && x < cw && y < ch {
						m = math.Max(m, bright[y*cw+x])
					}
				}
			}
			grow[cy*cw+cx] = m
		}
	}
	bg := make([]float64, len(grow))
	vals := make([]float64, 0, len(grow))
	for cy := range ch {
		for cx := range cw {
			sum, n := 0.0, 0
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					x, y := cx+dx, cy+dy
					if x >= 0 && y >= 0 && x < cw && y < ch {
						sum += grow[y*cw+x]
						n++
					}
				}
			}
			bg[cy*cw+cx] = math.Max(sum/float64(n), 1)
			vals = append(vals, bg[cy*cw+cx])
		}
	}
	sort.Float64s(vals)
	p10, p50, p90 := vals[len(vals)/10], vals[len(vals)/2], vals[len(vals)*9/10]
	if p50 >= 232 && p90-p10 < 24 {
		return g, false // white and even: a scan
	}
	out := image.NewGray(g.Rect)
	at := func(cx, cy int) float64 {
		cx, cy = min(max(cx, 0), cw-1), min(max(cy, 0), ch-1)
		return bg[cy*cw+cx]
	}
	for y := range h {
		fy := (float64(y)+0.5)/cell - 0.5
		y0 := int(math.Floor(fy))
		ty := fy - float64(y0)
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		orow := out.Pix[y*out.Stride : y*out.Stride+w]
		for x, v := range row {
			fx := (float64(x)+0.5)/cell - 0.5
			x0 := int(math.Floor(fx))
			tx := fx - float64(x0)
			b := (at(x0, y0)*(1-tx)+at(x0+1, y0)*tx)*(1-ty) + (at(x0, y0+1)*(1-tx)+at(x0+1, y0+1)*tx)*ty
			orow[x] = uint8(math.Min(255, float64(v)*255/b))
		}
	}
	return out, true
}

// Prepare runs the steps on img.
func Prepare(img *image.RGBA, opt Options) Page {
	b := img.Rect
	w, h := b.Dx(), b.Dy()
	text := image.NewGray(image.Rect(0, 0, w, h))
	red := image.NewGray(image.Rect(0, 0, w, h))
	var redN, chroma int
	for y := 0; y < h; y++ {
		src := img.Pix[y*img.Stride : y*img.Stride+4*w]
		dt := text.Pix[y*text.Stride : y*text.Stride+w]
		dr := red.Pix[y*red.Stride : y*red.Stride+w]
		for x := 0; x < w; x++ {
			r, g, bl := src[4*x], src[4*x+1], src[4*x+2]
			lum := uint8((299*int(r) + 587*int(g) + 114*int(bl)) / 1000)
			if max(r, g, bl)-min(r, g, bl) > 40 {
				chroma++
			}
			if isRed(r, g, bl) {
				redN++
				dr[x] = 0
				if opt.RemoveRed {
					dt[x] = 255
				} else {
					dt[x] = lum
				}
				continue
			}
			dr[x] = 255
			dt[x] = lum
		}
	}
	// A photo's shadow, grey paper, the table around the page: the
	// background is made even first, or Tesseract's threshold takes the
	// shadowed half of the page for ink (a phone photo read nothing).
	plain := text
	if flat, ok := FlattenBackground(text); ok {
		text = flat
	}
	p := Page{Text: text, Red: red, RedShare: float64(redN) / float64(w*h), Plain: plain}
	// A colour scan has some coloured ink (a seal, a stamp, blue pen); a
	// grey or black-and-white one has none.
	coloured := chroma > w*h/2000
	if opt.Deskew {
		// Below 0.3° Tesseract's line finding copes and rotating costs more
		// than it brings.
		if a := SkewAngle(text, 5); math.Abs(a) >= 0.3 {
			p.Text = Rotate(text, a)
			p.Skew = a
		}
	}
	if opt.RemoveGraphics {
		// Before the grey-seal step, which would take the grey rules'
		// middles and leave their dark dashes.
		p.Text = removeRules(p.Text)
		if !coloured {
			// A red seal scanned in grey: separate it by its grey level.
			p.Text = removeMidGrey(p.Text, h*35/1000, w*35/1000)
		}
		maxH, maxW := h*35/1000, w*35/1000
		minH, minW := h*15/1000, w*30/1000
		p.Text = removeComponents(p.Text, func(cw, ch, n int) bool {
			large := ch > maxH && cw > maxW
			outline := ch > minH && cw > minW && n*10 < cw*ch
			return large || outline
		})
	}
	p.Ink = inkShare(p.Text)
	return p
}

func inkShare(g *image.Gray) float64 {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	mx, my := w*4/100, h*4/100
	var dark, total int
	for y := my; y < h-my; y += 2 {
		row := g.Pix[y*g.Stride:]
		for x := mx; x < w-mx; x += 2 {
			total++
			if row[x] < 110 {
				dark++
			}
		}
	}
	if total == 0 {
		return 0
	}
	return float64(dark) / float64(total)
}

// SkewAngle finds the rotation (degrees, within ±maxDeg) that makes text
// rows horizontal: the angle whose projection of dark pixels onto the
// vertical axis has the sharpest profile (largest sum of squared row
// counts), searched coarse then fine on a sample. Pages are within a few
// degrees; stamps are put on at any angle.
func SkewAngle(g *image.Gray, maxDeg float64) float64 {
	step := 4
	if g.Rect.Dx()*g.Rect.Dy() < 2_000_000 {
		step = 1
	}
	w, h := g.Rect.Dx(), g.Rect.Dy()
	var pts [][2]float64
	for y := 0; y < h; y += step {
		row := g.Pix[y*g.Stride:]
		for x := 0; x < w; x += step {
			if row[x] < 128 {
				pts = append(pts, [2]float64{float64(x), float64(y)})
			}
		}
	}
	if len(pts) < 200 {
		return 0
	}
	if len(pts) > 60000 {
		k := len(pts) / 60000
		sub := pts[:0:0]
		for i := 0; i < len(pts); i += k + 1 {
			sub = append(sub, pts[i])
		}
		pts = sub
	}
	bins := make([]float64, 2*(w+h)/step+8)
	score := func(deg float64) float64 {
		clear(bins)
		s, c := math.Sincos(deg * math.Pi / 180)
		for _, p := range pts {
			yy := (-p[0]*s + p[1]*c) / float64(step)
			i := int(yy) + (w+h)/step + 2
			if i >= 0 && i < len(bins) {
				bins[i]++
			}
		}
		var sum float64
		for _, v := range bins {
			sum += v * v
		}
		return sum
	}
	best, bestScore := 0.0, score(0)
	coarse := max(0.5, maxDeg/20)
	for a := -maxDeg; a <= maxDeg; a += coarse {
		if sc := score(a); sc > bestScore*1.0001 {
			best, bestScore = a, sc
		}
	}
	center := best
	for a := center - coarse; a <= center+coarse; a += coarse / 10 {
		if sc := score(a); sc > bestScore {
			best, bestScore = a, sc
		}
	}
	return best
}

// Rotate turns g by deg degrees about its centre (bilinear, white fill).
// Source coordinates step by a constant per pixel, in 16.16 fixed point.
func Rotate(g *image.Gray, deg float64) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	s, c := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(w)/2, float64(h)/2
	const one = 1 << 16
	dxx, dxy := int64(c*one), int64(s*one) // source step per output x
	for y := 0; y < h; y++ {
		dy := float64(y) - cy
		// Inverse map: the source pixel that lands at (0, y).
		sx := int64((c*(-cx) - s*dy + cx) * one)
		sy := int64((s*(-cx) + c*dy + cy) * one)
		row := out.Pix[y*out.Stride : y*out.Stride+w]
		for x := range row {
			x0, y0 := sx>>16, sy>>16
			if x0 < 0 || y0 < 0 || x0+1 >= int64(w) || y0+1 >= int64(h) {
				row[x] = 255
			} else {
				fx, fy := sx&(one-1), sy&(one-1)
				i := int(y0)*g.Stride + int(x0)
				p0, p1 := int64(g.Pix[i]), int64(g.Pix[i+1])
				q0, q1 := int64(g.Pix[i+g.Stride]), int64(g.Pix[i+g.Stride+1])
				top := p0*(one-fx) + p1*fx
				bot := q0*(one-fx) + q1*fx
				row[x] = uint8((top*(one-fy) + bot*fy + (1 << 31)) >> 32)
			}
			sx += dxx
			sy += dxy
		}
	}
	return out
}

// Upscale enlarges g by f (bilinear, 16.16 fixed point): a 200-dpi scan to
// the 300 dpi Tesseract reads best. Done on the grey page, a quarter of the
// bytes of the colour one.
func Upscale(g *image.Gray, f float64) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	if w < 2 || h < 2 || f <= 0 {
		return g // nothing to interpolate between
	}
	W, H := int(float64(w)*f+0.5), int(float64(h)*f+0.5)
	out := image.NewGray(image.Rect(0, 0, W, H))
	const one = 1 << 16
	step := int64(one / f)
	xs := make([]int64, W)
	for x := range xs {
		xs[x] = min(int64(x)*step, int64(w-2)<<16)
	}
	for y := 0; y < H; y++ {
		sy := min(int64(y)*step, int64(h-2)<<16)
		y0, fy := int(sy>>16), sy&(one-1)
		r0 := g.Pix[y0*g.Stride:]
		r1 := g.Pix[(y0+1)*g.Stride:]
		row := out.Pix[y*out.Stride : y*out.Stride+W]
		for x := range row {
			sx := xs[x]
			x0, fx := int(sx>>16), sx&(one-1)
			top := int64(r0[x0])*(one-fx) + int64(r0[x0+1])*fx
			bot := int64(r1[x0])*(one-fx) + int64(r1[x0+1])*fx
			row[x] = uint8((top*(one-fy) + bot*fy + (1 << 31)) >> 32)
		}
	}
	return out
}

// removeLarge whitens the connected ink components taller than maxH and
// wider than maxW pixels.
func removeLarge(g *image.Gray, maxH, maxW int) *image.Gray {
	return removeComponents(g, func(w, h, n int) bool { return h > maxH && w > maxW })
}

// removeMidGrey whitens large regions of mid-grey ink: a red seal scanned
// in grey is ~90 while text is ~30, so the seal separates from the text
// under it, which a plain large-component removal would take along.
func removeMidGrey(g *image.Gray, maxH, maxW int) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	mask := image.NewGray(image.Rect(0, 0, w, h))
	any := false
	for y := 0; y < h; y++ {
		src := g.Pix[y*g.Stride : y*g.Stride+w]
		dst := mask.Pix[y*mask.Stride : y*mask.Stride+w]
		for x, v := range src {
			if v >= 65 && v <= 165 {
				dst[x] = 0
				any = true
			} else {
				dst[x] = 255
			}
		}
	}
	if !any {
		return g
	}
	kept := removeLarge(mask, maxH, maxW)
	out := image.NewGray(g.Rect)
	copy(out.Pix, g.Pix)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			// In the mask but no longer in kept: part of a large grey region.
			if mask.Pix[y*mask.Stride+x] == 0 && kept.Pix[y*kept.Stride+x] == 255 {
				out.Pix[y*out.Stride+x] = 255
			}
		}
	}
	return out
}

// RemoveFrames whitens the connected ink components that span most of the
// image: the outline of an arrow or box stamp, which Tesseract otherwise
// takes for a picture and reads nothing inside. Letters are small
// components and stay.
func RemoveFrames(g *image.Gray) *image.Gray {
	W, H := g.Rect.Dx(), g.Rect.Dy()
	return removeComponents(g, func(w, h, n int) bool { return h > H*45/100 || w > W*60/100 })
}

// removeComponents copies g and whitens every 4-connected component of ink
// (< 128) whose bounding box size satisfies drop.
func removeComponents(g *image.Gray, drop func(w, h, n int) bool) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		copy(out.Pix[y*out.Stride:y*out.Stride+w], g.Pix[y*g.Stride:])
	}
	seen := make([]bool, w*h)
	var stack, comp []int32
	for start := 0; start < w*h; start++ {
		if seen[start] || out.Pix[start/w*out.Stride+start%w] >= 128 {
			continue
		}
		comp = comp[:0]
		stack = append(stack[:0], int32(start))
		seen[start] = true
		minX, minY, maxX, maxY := w, h, 0, 0
		for len(stack) > 0 {
			i := int(stack[len(stack)-1])
			stack = stack[:len(stack)-1]
			comp = append(comp, int32(i))
			x, y := i%w, i/w
			minX, minY, maxX, maxY = min(minX, x), min(minY, y), max(maxX, x), max(maxY, y)
			if x+1 < w && !seen[i+1] && out.Pix[y*out.Stride+x+1] < 128 {
				seen[i+1] = true
				stack = append(stack, int32(i+1))
			}
			if x > 0 && !seen[i-1] && out.Pix[y*out.Stride+x-1] < 128 {
				seen[i-1] = true
				stack = append(stack, int32(i-1))
			}
			if y+1 < h && !seen[i+w] && out.Pix[(y+1)*out.Stride+x] < 128 {
				seen[i+w] = true
				stack = append(stack, int32(i+w))
			}
			if y > 0 && !seen[i-w] && out.Pix[(y-1)*out.Stride+x] < 128 {
				seen[i-w] = true
				stack = append(stack, int32(i-w))
			}
		}
		if drop(maxX-minX+1, maxY-minY+1, len(comp)) {
			for _, i := range comp {
				out.Pix[int(i)/w*out.Stride+int(i)%w] = 255
			}
		}
	}
	return out
}
