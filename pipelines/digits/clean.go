package digits

import (
	"image"
	"image/draw"

	xdraw "golang.org/x/image/draw"
)

// Clean prepares a crop of a handwritten number for recognition: it
// binarises, cuts away the printed fragments at its edges (the colon of
// "Số:", the slash of the symbol, the tail of "ngày"), trims to the ink,
// scales the ink to a height both readers (Tesseract, this network) read well and pads it with white.
// It returns nil when the crop holds no ink.
func Clean(g *image.Gray) *image.Gray { return cleanDigitsH(g, 48) }

func cleanDigitsH(g *image.Gray, target int) *image.Gray {
	b := g.Bounds()
	w, h := b.Dx(), b.Dy()
	if w < 4 || h < 4 {
		return nil
	}
	ink := func(x, y int) bool { return g.GrayAt(b.Min.X+x, b.Min.Y+y).Y < 140 }
	// The handwriting is the heaviest band of ink rows; an underline above
	// or the next line's tops below are other bands.
	rows := make([]int, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if ink(x, y) {
				rows[y]++
			}
		}
	}
	by0, by1 := heaviestRun(rows, max(2, h/30))
	if by1 < by0 {
		return nil
	}
	// Column runs of ink inside the band.
	cols := make([]int, w)
	for x := 0; x < w; x++ {
		for y := by0; y <= by1; y++ {
			if ink(x, y) {
				cols[x]++
			}
		}
	}
	type run struct{ x0, x1, y0, y1 int }
	var runs []run
	gapMin := max(2, h/14)
	for x := 0; x < w; {
		if cols[x] == 0 {
			x++
			continue
		}
		r := run{x0: x, y0: h, y1: -1}
		gap := 0
		for x < w && gap < gapMin {
			if cols[x] == 0 {
				gap++
			} else {
				gap = 0
				r.x1 = x
				for y := by0; y <= by1; y++ {
					if ink(x, y) {
						r.y0, r.y1 = min(r.y0, y), max(r.y1, y)
					}
				}
			}
			x++
		}
		runs = append(runs, r)
	}
	tallest := 0
	for _, r := range runs {
		tallest = max(tallest, r.y1-r.y0)
	}
	// Drop narrow, short runs at the edges: the colon of "Số:", the printed
	// slash, the tail of "ngày". A handwritten 1 is narrow but tall.
	edge := func(r run) bool { return r.x1-r.x0 < (by1-by0)/3 && r.y1-r.y0 < tallest*4/5 }
	for len(runs) > 1 && edge(runs[0]) {
		runs = runs[1:]
	}
	for len(runs) > 1 && edge(runs[len(runs)-1]) {
		runs = runs[:len(runs)-1]
	}
	if len(runs) == 0 {
		return nil
	}
	x0, x1 := runs[0].x0, runs[len(runs)-1].x1
	y0, y1 := h, 0
	for _, r := range runs {
		y0, y1 = min(y0, r.y0), max(y1, r.y1)
	}
	if y1 <= y0 {
		return nil
	}
	src := image.NewGray(image.Rect(0, 0, x1-x0+1, y1-y0+1))
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			v := uint8(255)
			if ink(x, y) {
				v = 0
			}
			src.Pix[(y-y0)*src.Stride+(x-x0)] = v
		}
	}
	const pad = 24
	scale := float64(target) / float64(src.Rect.Dy())
	sw, sh := max(1, int(float64(src.Rect.Dx())*scale)), target
	out := image.NewGray(image.Rect(0, 0, sw+2*pad, sh+2*pad))
	draw.Draw(out, out.Rect, image.White, image.Point{}, draw.Src)
	xdraw.BiLinear.Scale(out, image.Rect(pad, pad, pad+sw, pad+sh), src, src.Rect, draw.Src, nil)
	return out
}

// heaviestRun returns the bounds of the run of non-empty entries (gaps
// shorter than minGap bridged) with the largest sum.
func heaviestRun(v []int, minGap int) (int, int) {
	best, bestMass := [2]int{0, -1}, 0
	for i := 0; i < len(v); {
		if v[i] == 0 {
			i++
			continue
		}
		start, end, mass, gap := i, i, 0, 0
		for i < len(v) && gap < minGap {
			if v[i] == 0 {
				gap++
			} else {
				gap, end = 0, i
				mass += v[i]
			}
			i++
		}
		if mass > bestMass {
			best, bestMass = [2]int{start, end}, mass
		}
	}
	return best[0], best[1]
}
