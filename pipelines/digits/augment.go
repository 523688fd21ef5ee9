package digits

import (
	"image"
	"math"
)

// Augment makes an MNIST digit (Pixels values, ink bright) look like a
// pen on a scanned blank, as the reader will see it: slanted, rotated,
// scaled, bolder or thinner strokes, a "1" with its lead-in stroke and a
// "7" with its bar as Vietnamese hands write them, faint or blurred ink,
// noise, grey paper; then the same normalisation as a real crop. rnd
// draws in [0, 1).
func Augment(src []float32, label int, rnd func() float64) []float32 {
	const up, side = 3, Side * 3 // work at three times MNIST's size
	big := Ink{W: side, H: side, V: make([]float32, side*side)}
	// Affine: rotation, slant (shear), scale; inverse-mapped, bilinear.
	rot := (rnd()*2 - 1) * 12 * math.Pi / 180
	shear := (rnd()*2 - 1) * 0.35
	sx, sy := 0.8+rnd()*0.35, 0.8+rnd()*0.35
	cos, sin := math.Cos(rot), math.Sin(rot)
	// forward: p' = R·S·H·(p - c) + c; inverse below.
	a, b := cos*sx, -sin*sy
	c, d := sin*sx, cos*sy
	// with shear on x: x' = x + shear*y before scaling
	a2, b2 := a, a*shear+b
	c2_, d2 := c, c*shear+d
	det := a2*d2 - b2*c2_
	ia, ib, ic, id := d2/det, -b2/det, -c2_/det, a2/det
	cx := float64(side) / 2
	for y := range side {
		for x := range side {
			dx, dy := float64(x)-cx, float64(y)-cx
			srcX := (ia*dx+ib*dy)/up + 14
			srcY := (ic*dx+id*dy)/up + 14
			big.V[y*side+x] = bilinear(src, srcX-0.5, srcY-0.5)
		}
	}
	// Vietnamese hands: a "1" with its long lead-in, a "7" with its bar.
	if label == 1 && rnd() < 0.65 {
		leadIn(&big, rnd)
	}
	if label == 7 && rnd() < 0.35 {
		crossbar(&big, rnd)
	}
	// Stroke width: pens are bolder than MNIST's, sometimes thinner.
	switch r := rnd(); {
	case r < 0.45:
		for range 1 + int(rnd()*3) {
			big = dilate(big)
		}
	case r < 0.6:
		big = erode(big)
	}
	if rnd() < 0.35 {
		big = blur(big)
	}
	// Faint ink, grey paper, scanner noise: through the reader's own
	// reading of a grey crop.
	contrast := 0.45 + rnd()*0.55
	paper := 255 - rnd()*70
	noise := rnd() * 18
	g := image.NewGray(image.Rect(0, 0, side, side))
	for i, v := range big.V {
		p := paper - float64(v)*contrast*paper + gauss(rnd)*noise
		g.Pix[i] = uint8(min(max(p, 0), 255))
	}
	if rnd() < 0.25 {
		dottedLine(g, rnd)
	}
	in := InkOf(g)
	// Specks and dots as segmentation leaves them: the largest piece.
	if rs := Segment(in); len(rs) > 0 {
		best := rs[0]
		for _, r := range rs {
			if r.Dx()*r.Dy() > best.Dx()*best.Dy() {
				best = r
			}
		}
		in = in.Sub(best)
	}
	if out := Normalize(in); out != nil {
		return out
	}
	return src
}

func bilinear(src []float32, x, y float64) float32 {
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := float32(x-float64(x0)), float32(y-float64(y0))
	at := func(x, y int) float32 {
		if x < 0 || y < 0 || x >= Side || y >= Side {
			return 0
		}
		return src[y*Side+x]
	}
	return (at(x0, y0)*(1-fx)+at(x0+1, y0)*fx)*(1-fy) + (at(x0, y0+1)*(1-fx)+at(x0+1, y0+1)*fx)*fy
}

// inkBox is the bounding box of ink above 0.3.
func inkBox(in Ink) (x0, y0, x1, y1 int) {
	x0, y0, x1, y1 = in.W, in.H, -1, -1
	for y := range in.H {
		for x := range in.W {
			if in.V[y*in.W+x] > 0.3 {
				x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
			}
		}
	}
	return
}

// line draws a stroke of width w from (ax, ay) to (bx, by).
func line(in *Ink, ax, ay, bx, by, w float64) {
	n := int(math.Hypot(bx-ax, by-ay)) + 1
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		px, py := ax+(bx-ax)*t, ay+(by-ay)*t
		for dy := -w; dy <= w; dy++ {
			for dx := -w; dx <= w; dx++ {
				x, y := int(px+dx), int(py+dy)
				if x >= 0 && y >= 0 && x < in.W && y < in.H && dx*dx+dy*dy <= w*w {
					in.V[y*in.W+x] = 1
				}
			}
		}
	}
}

// leadIn adds the stroke a "1" starts with: from its top down to the left.
func leadIn(in *Ink, rnd func() float64) {
	x0, y0, x1, y1 := inkBox(*in)
	if x1 < 0 {
		return
	}
	h := float64(y1 - y0)
	// The top of the stem: the topmost ink.
	tx := float64(x0+x1) / 2
	for x := x0; x <= x1; x++ {
		if in.V[y0*in.W+x] > 0.3 {
			tx = float64(x)
			break
		}
	}
	// Vietnamese hands: long, steep, sometimes most of the height.
	l := h * (0.3 + rnd()*0.45)
	ang := (35 + rnd()*35) * math.Pi / 180
	line(in, tx, float64(y0), tx-l*math.Cos(ang), float64(y0)+l*math.Sin(ang), 2.5)
}

// crossbar adds the bar across a "7"'s stem at mid height.
func crossbar(in *Ink, rnd func() float64) {
	x0, y0, x1, y1 := inkBox(*in)
	if x1 < 0 {
		return
	}
	y := float64(y0) + float64(y1-y0)*(0.45+rnd()*0.15)
	cx := float64(x0+x1) / 2
	w := float64(x1-x0) * (0.25 + rnd()*0.2)
	line(in, cx-w, y, cx+w, y-rnd()*3, 2.5)
}

// dottedLine draws the dots of a printed blank's leader under the digit.
func dottedLine(g *image.Gray, rnd func() float64) {
	y := int(float64(g.Rect.Dy()) * (0.8 + rnd()*0.15))
	step := 5 + int(rnd()*5)
	for x := int(rnd() * float64(step)); x < g.Rect.Dx(); x += step {
		for dy := range 2 {
			for dx := range 2 {
				if yy := y + dy; yy < g.Rect.Dy() && x+dx < g.Rect.Dx() {
					g.Pix[yy*g.Stride+x+dx] = uint8(40 + rnd()*60)
				}
			}
		}
	}
}

func dilate(in Ink) Ink { return morph(in, true) }
func erode(in Ink) Ink  { return morph(in, false) }

func morph(in Ink, grow bool) Ink {
	out := Ink{W: in.W, H: in.H, V: make([]float32, len(in.V))}
	for y := range in.H {
		for x := range in.W {
			v := in.V[y*in.W+x]
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := x+dx, y+dy
					if nx < 0 || ny < 0 || nx >= in.W || ny >= in.H {
						continue
					}
					if n := in.V[ny*in.W+nx]; grow {
						v = max(v, n)
					} else {
						v = min(v, n)
					}
				}
			}
			out.V[y*in.W+x] = v
		}
	}
	return out
}

func blur(in Ink) Ink {
	out := Ink{W: in.W, H: in.H, V: make([]float32, len(in.V))}
	for y := range in.H {
		for x := range in.W {
			var sum float32
			n := 0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := x+dx, y+dy
					if nx >= 0 && ny >= 0 && nx < in.W && ny < in.H {
						sum += in.V[ny*in.W+nx]
						n++
					}
				}
			}
			out.V[y*in.W+x] = sum / float32(n)
		}
	}
	return out
}
