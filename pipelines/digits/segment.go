package digits

import (
	"image"
	"slices"
	"sort"
)

// Segment splits the ink of a handwritten number into its digits, left
// to right: connected strokes, small specks and rule lines left out,
// pieces of one digit (the bar of a 5, a broken 4) joined, and two
// digits written touching split at the thinnest column between them.
func Segment(in Ink) []image.Rectangle {
	comps := components(in, 0.35)
	if len(comps) == 0 {
		return nil
	}
	total := 0
	for _, c := range comps {
		total += c.area
	}
	tallest := 0
	for _, c := range comps {
		tallest = max(tallest, c.r.Dy())
	}
	var keep []component
	for _, c := range comps {
		switch {
		case c.area*60 < total, c.r.Dy()*4 < tallest: // specks, dots of a dotted line
		case c.r.Dy()*6 < c.r.Dx() && c.r.Dx()*2 > in.W: // a rule under the blank
		default:
			keep = append(keep, c)
		}
	}
	sort.Slice(keep, func(i, j int) bool { return keep[i].r.Min.X < keep[j].r.Min.X })
	// Join pieces that stand over one another.
	var groups []image.Rectangle
	for _, c := range keep {
		if n := len(groups); n > 0 {
			last := groups[n-1]
			ov := min(last.Max.X, c.r.Max.X) - max(last.Min.X, c.r.Min.X)
			if ov*2 > min(last.Dx(), c.r.Dx()) {
				groups[n-1] = last.Union(c.r)
				continue
			}
		}
		groups = append(groups, c.r)
	}
	// A flat stroke in the upper part (the bar of a 5 or a 7, written
	// apart) belongs to the digit it nearly touches.
	flat := func(r image.Rectangle) bool { return r.Dy()*10 < tallest*4 && r.Dx() > r.Dy() }
	for i := 0; i < len(groups); i++ {
		g := groups[i]
		if !flat(g) || len(groups) < 2 {
			continue
		}
		gap := func(j int) int {
			if j < 0 || j >= len(groups) || flat(groups[j]) {
				return 1 << 30
			}
			o := groups[j]
			return max(o.Min.X-g.Max.X, g.Min.X-o.Max.X, 0)
		}
		j := i - 1
		if gap(i+1) < gap(i-1) {
			j = i + 1
		}
		if gap(j) > tallest*2/5 {
			continue
		}
		groups[j] = groups[j].Union(g)
		groups = append(groups[:i], groups[i+1:]...)
		i--
	}
	groups = mainRun(in, groups, tallest)
	// Split what is too wide to be one digit.
	var out []image.Rectangle
	for _, g := range groups {
		out = append(out, split(in, g, tallest)...)
	}
	if len(out) > 8 {
		out = out[:8]
	}
	return out
}

// mainRun keeps the run of marks written together: a number's digits
// stand close, and what stands apart from them by more than most of a
// digit's height (the printed "/CT" after the blank, a word of the next
// field) is not part of it. Of several runs, the one with the most ink.
func mainRun(in Ink, groups []image.Rectangle, tallest int) []image.Rectangle {
	if len(groups) < 2 {
		return groups
	}
	var runs [][]image.Rectangle
	cur := []image.Rectangle{groups[0]}
	for _, g := range groups[1:] {
		if g.Min.X-cur[len(cur)-1].Max.X > tallest*4/5 {
			runs = append(runs, cur)
			cur = nil
		}
		cur = append(cur, g)
	}
	runs = append(runs, cur)
	best, bestInk := 0, float32(-1)
	for i, r := range runs {
		var ink float32
		for _, g := range r {
			for y := g.Min.Y; y < g.Max.Y; y++ {
				for x := g.Min.X; x < g.Max.X; x++ {
					ink += in.V[y*in.W+x]
				}
			}
		}
		if ink > bestInk {
			best, bestInk = i, ink
		}
	}
	return runs[best]
}

// split cuts r into digits while it is wider than a digit is (a digit is
// at most about as wide as tall; "0" and "4" come close).
func split(in Ink, r image.Rectangle, height int) []image.Rectangle {
	if r.Dx()*10 <= height*11 || r.Dx() < 8 {
		return []image.Rectangle{r}
	}
	n := max(2, (r.Dx()+height/2)/height) // how many digits it holds
	cut := bestCut(in, r, n)
	left := tighten(in, image.Rect(r.Min.X, r.Min.Y, cut, r.Max.Y))
	right := tighten(in, image.Rect(cut, r.Min.Y, r.Max.X, r.Max.Y))
	// A cut that leaves a flat stroke alone cut a digit's bar (a wide 5,
	// a 7), not two digits apart.
	if left.Dy()*10 < height*4 || right.Dy()*10 < height*4 {
		return []image.Rectangle{r}
	}
	return append(split(in, left, height), split(in, right, height)...)
}

// bestCut is the column with the least ink near where the first of n
// digits should end.
func bestCut(in Ink, r image.Rectangle, n int) int {
	want := r.Min.X + r.Dx()/n
	lo, hi := max(r.Min.X+r.Dx()/(3*n), r.Min.X+2), min(want+r.Dx()/(3*n), r.Max.X-2)
	best, at := float32(1e9), want
	for x := lo; x < hi; x++ {
		var col float32
		for y := r.Min.Y; y < r.Max.Y; y++ {
			col += in.V[y*in.W+x]
		}
		// Prefer cuts near where the digit should end.
		d := float32(x - want)
		col += 0.02 * d * d
		if col < best {
			best, at = col, x
		}
	}
	return at
}

// tighten shrinks r to its ink.
func tighten(in Ink, r image.Rectangle) image.Rectangle {
	x0, y0, x1, y1 := r.Max.X, r.Max.Y, r.Min.X-1, r.Min.Y-1
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if in.V[y*in.W+x] > 0.35 {
				x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
			}
		}
	}
	if x1 < x0 {
		return r
	}
	return image.Rect(x0, y0, x1+1, y1+1)
}

type component struct {
	r    image.Rectangle
	area int
}

// components are the 8-connected regions of ink above threshold.
func components(in Ink, threshold float32) []component {
	seen := make([]bool, in.W*in.H)
	var out []component
	stack := []int{}
	for start, v := range in.V {
		if v <= threshold || seen[start] {
			continue
		}
		seen[start] = true
		stack = append(stack[:0], start)
		c := component{r: image.Rect(start%in.W, start/in.W, start%in.W+1, start/in.W+1)}
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			c.area++
			x, y := p%in.W, p/in.W
			c.r = c.r.Union(image.Rect(x, y, x+1, y+1))
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := x+dx, y+dy
					if nx < 0 || ny < 0 || nx >= in.W || ny >= in.H {
						continue
					}
					q := ny*in.W + nx
					if !seen[q] && in.V[q] > threshold {
						seen[q] = true
						stack = append(stack, q)
					}
				}
			}
		}
		out = append(out, c)
	}
	return slices.Clip(out)
}
