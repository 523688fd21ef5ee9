package corpus

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
)

// PhotoOptions say how a page is photographed by a phone: what citizens
// and clerks send (~600×1000 px, blur, shadows, a slanted shot, JPEG).
type PhotoOptions struct {
	LongSide    int     // pixels of the photo's long side (default 1000)
	Perspective float64 // how far the page's corners move, as a share of its size (default 0.04)
	Shadow      float64 // how dark the shadow across the page gets, 0–1 (default 0.35)
	Blur        int     // box-blur passes (0: sharp)
	Quality     int     // JPEG quality (default 70)
	Noise       float64 // sensor noise, grey levels (default 4)
}

// RandomPhoto draws photo options as phones take them.
func RandomPhoto(r *rand.Rand) PhotoOptions {
	return PhotoOptions{LongSide: 800 + r.IntN(400), Perspective: 0.01 + r.Float64()*0.05, Shadow: r.Float64() * 0.5,
		Blur: r.IntN(3), Quality: 55 + r.IntN(30), Noise: 2 + r.Float64()*6}
}

// Photo makes a phone photo of a page image: the page seen slanted on a
// dark table (perspective), a shadow falling across it, scaled to the
// phone's resolution, blurred, noisy, JPEG-compressed. It returns the
// photo as JPEG bytes.
func Photo(page *image.RGBA, opt PhotoOptions, r *rand.Rand) ([]byte, error) {
	if opt.LongSide <= 0 {
		opt.LongSide = 1000
	}
	if opt.Quality <= 0 {
		opt.Quality = 70
	}
	b := page.Bounds()
	sw, sh := float64(b.Dx()), float64(b.Dy())
	scale := float64(opt.LongSide) / math.Max(sw, sh)
	W, H := int(sw*scale), int(sh*scale)
	// Where the page's corners land in the photo: inside it, moved.
	mv := func() float64 { return (r.Float64()*2 - 1) * opt.Perspective }
	m := 0.03 // a margin of table around the page
	corners := [4][2]float64{
		{(m + math.Abs(mv())) * float64(W), (m + math.Abs(mv())) * float64(H)},
		{(1 - m - math.Abs(mv())) * float64(W), (m + math.Abs(mv())) * float64(H)},
		{(1 - m - math.Abs(mv())) * float64(W), (1 - m - math.Abs(mv())) * float64(H)},
		{(m + math.Abs(mv())) * float64(W), (1 - m - math.Abs(mv())) * float64(H)},
	}
	hom := homography(corners, sw, sh) // photo point → page point
	shadowAng := r.Float64() * 2 * math.Pi
	dx, dy := math.Cos(shadowAng), math.Sin(shadowAng)
	out := image.NewRGBA(image.Rect(0, 0, W, H))
	table := color.RGBA{60 + uint8(r.IntN(40)), 50 + uint8(r.IntN(30)), 40, 255}
	// Area sampling over the page pixels one photo pixel covers.
	k := max(1, int(math.Round(1/scale)))
	for y := range H {
		for x := range W {
			px, py := hom(float64(x)+0.5, float64(y)+0.5)
			if px < 0 || py < 0 || px >= sw || py >= sh {
				out.SetRGBA(x, y, table)
				continue
			}
			var rs, gs, bs, n int
			for j := range k {
				for i := range k {
					sx, sy := int(px)+i-k/2, int(py)+j-k/2
					if sx < 0 || sy < 0 || sx >= b.Dx() || sy >= b.Dy() {
						continue
					}
					o := page.PixOffset(b.Min.X+sx, b.Min.Y+sy)
					rs, gs, bs, n = rs+int(page.Pix[o]), gs+int(page.Pix[o+1]), bs+int(page.Pix[o+2]), n+1
				}
			}
			if n == 0 {
				n = 1
			}
			// The shadow: darker towards one side, and a warm cast.
			t := (float64(x)/float64(W)-0.5)*dx + (float64(y)/float64(H)-0.5)*dy + 0.5
			light := 1 - opt.Shadow*math.Max(0, t)
			nz := func() float64 { return gauss(r) * opt.Noise }
			out.Pix[out.PixOffset(x, y)] = clampU8(float64(rs/n)*light + nz())
			out.Pix[out.PixOffset(x, y)+1] = clampU8(float64(gs/n)*light*0.97 + nz())
			out.Pix[out.PixOffset(x, y)+2] = clampU8(float64(bs/n)*light*0.9 + nz())
			out.Pix[out.PixOffset(x, y)+3] = 255
		}
	}
	for range opt.Blur {
		out = blur(out)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: opt.Quality}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func clampU8(v float64) uint8 { return uint8(min(max(v, 0), 255)) }

func gauss(r *rand.Rand) float64 {
	return math.Sqrt(-2*math.Log(max(r.Float64(), 1e-12))) * math.Cos(2*math.Pi*r.Float64())
}

// homography maps a point of the photo to the page: the page's corners
// (top left, top right, bottom right, bottom left) land at c in the photo.
func homography(c [4][2]float64, w, h float64) func(x, y float64) (float64, float64) {
	// Solve for the map from the unit square to the quad, then invert it
	// numerically per point (Newton on the bilinear-projective map is
	// overkill: the projective map from the square is closed-form).
	x0, y0, x1, y1, x2, y2, x3, y3 := c[0][0], c[0][1], c[1][0], c[1][1], c[2][0], c[2][1], c[3][0], c[3][1]
	dx1, dx2, dx3 := x1-x2, x3-x2, x0-x1+x2-x3
	dy1, dy2, dy3 := y1-y2, y3-y2, y0-y1+y2-y3
	den := dx1*dy2 - dx2*dy1
	g := (dx3*dy2 - dx2*dy3) / den
	hh := (dx1*dy3 - dx3*dy1) / den
	a, b, cc := x1-x0+g*x1, x3-x0+hh*x3, x0
	d, e, f := y1-y0+g*y1, y3-y0+hh*y3, y0
	// Forward: (u, v) in the unit square → photo. Its inverse:
	A := e - f*hh
	B := cc*hh - b
	C := b*f - cc*e
	D := f*g - d
	E := a - cc*g
	F := cc*d - a*f
	G := d*hh - e*g
	Hh := b*g - a*hh
	I := a*e - b*d
	return func(x, y float64) (float64, float64) {
		z := G*x + Hh*y + I
		u := (A*x + B*y + C) / z
		v := (D*x + E*y + F) / z
		return u * w, v * h
	}
}
