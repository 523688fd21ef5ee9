package digits

import (
	"image"
	"math"
)

// Ink is a grey image as ink amounts: 0 paper, 1 full ink. Row-major.
type Ink struct {
	W, H int
	V    []float32
}

// InkOf reads a grey crop (dark ink on light paper) as ink: the paper's
// level is taken from the crop itself (grey paper, faint scans), so that a
// light blue pen on grey paper and black ink on white read alike.
func InkOf(g *image.Gray) Ink {
	b := g.Bounds()
	w, h := b.Dx(), b.Dy()
	out := Ink{W: w, H: h, V: make([]float32, w*h)}
	if w == 0 || h == 0 {
		return out
	}
	var hist [256]int
	for y := range h {
		row := g.Pix[(b.Min.Y+y-g.Rect.Min.Y)*g.Stride+(b.Min.X-g.Rect.Min.X):]
		for x := range w {
			hist[row[x]]++
		}
	}
	// Paper: the 90th percentile of brightness; ink: the 2nd.
	pct := func(p float64) float64 {
		n, want := 0, int(p*float64(w*h))
		for v, c := range hist {
			if n += c; n > want {
				return float64(v)
			}
		}
		return 255
	}
	paper, dark := pct(0.9), pct(0.02)
	span := max(paper-dark, 40) // a crop of only paper stays empty
	for y := range h {
		row := g.Pix[(b.Min.Y+y-g.Rect.Min.Y)*g.Stride+(b.Min.X-g.Rect.Min.X):]
		for x := range w {
			v := (paper - float64(row[x])) / span
			out.V[y*w+x] = float32(min(max(v, 0), 1))
		}
	}
	return out
}

// Sub is the ink of r (clipped to the image).
func (in Ink) Sub(r image.Rectangle) Ink {
	r = r.Intersect(image.Rect(0, 0, in.W, in.H))
	out := Ink{W: r.Dx(), H: r.Dy(), V: make([]float32, r.Dx()*r.Dy())}
	for y := range out.H {
		copy(out.V[y*out.W:(y+1)*out.W], in.V[(r.Min.Y+y)*in.W+r.Min.X:])
	}
	return out
}

// Normalize makes a digit image as MNIST's are: the ink's bounding box
// scaled (area-averaged, aspect kept) into 20×20, placed in 28×28 with its
// centre of mass at the centre. Training and reading both go through it,
// so that the network sees real crops as it saw its training digits. nil
// when there is no ink.
func Normalize(in Ink) []float32 {
	x0, y0, x1, y1 := in.W, in.H, -1, -1
	for y := range in.H {
		for x := range in.W {
			if in.V[y*in.W+x] > 0.25 {
				x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
			}
		}
	}
	if x1 < 0 {
		return nil
	}
	bw, bh := x1-x0+1, y1-y0+1
	scale := 20 / float64(max(bw, bh))
	tw, th := max(1, int(math.Round(float64(bw)*scale))), max(1, int(math.Round(float64(bh)*scale)))
	box := resample(in, x0, y0, bw, bh, tw, th)
	// Centre of mass.
	var mx, my, mass float64
	for y := range th {
		for x := range tw {
			v := float64(box[y*tw+x])
			mx, my, mass = mx+v*float64(x), my+v*float64(y), mass+v
		}
	}
	if mass == 0 {
		return nil
	}
	ox := int(math.Round(14 - mx/mass - 0.5))
	oy := int(math.Round(14 - my/mass - 0.5))
	ox = min(max(ox, 0), Side-tw)
	oy = min(max(oy, 0), Side-th)
	out := make([]float32, Pixels)
	for y := range th {
		for x := range tw {
			out[(oy+y)*Side+ox+x] = box[y*tw+x]
		}
	}
	return out
}

// resample scales the w×h region at (x0, y0) of in to tw×th by area
// averaging (each target pixel the mean of the source area it covers).
func resample(in Ink, x0, y0, w, h, tw, th int) []float32 {
	out := make([]float32, tw*th)
	sx, sy := float64(w)/float64(tw), float64(h)/float64(th)
	for ty := range th {
		fy0, fy1 := float64(ty)*sy, float64(ty+1)*sy
		for tx := range tw {
			fx0, fx1 := float64(tx)*sx, float64(tx+1)*sx
			var sum, area float64
			for y := int(fy0); y < int(math.Ceil(fy1)) && y < h; y++ {
				wy := math.Min(fy1, float64(y+1)) - math.Max(fy0, float64(y))
				for x := int(fx0); x < int(math.Ceil(fx1)) && x < w; x++ {
					wx := math.Min(fx1, float64(x+1)) - math.Max(fx0, float64(x))
					a := wx * wy
					sum += a * float64(in.V[(y0+y)*in.W+x0+x])
					area += a
				}
			}
			if area > 0 {
				// Thin strokes scaled down fade; MNIST's are solid: a
				// gentle gain keeps them so.
				out[ty*tw+tx] = float32(min(1, 1.6*sum/area))
			}
		}
	}
	return out
}
