package preprocess

import "image"

// Ruling lines of a table. On a scan a thin rule is grey, broken into
// dashes by noise and binarisation and a little skewed, so it is neither
// one ink component (which removeComponents would take) nor dark enough
// everywhere; the dashes left beside a row make Tesseract read the row as
// garbage. A rule is found as a run of ink much longer than any word, with
// small gaps tolerated, and whitened only where it is thin, so that the
// strokes of a glyph crossing or touching it stay.

const (
	ruleInk   = 200 // a rule scans mid to light grey (a blurred hairline ~170); text is darker
	ruleClear = 230 // the grey halo of a rule, whitened with it
)

// removeRules whitens the long thin horizontal and vertical strokes of g.
// Only pages with a long horizontal rule (a table) are touched: vertical
// rules are looked for only there, and nothing shorter than a third of the
// page width counts as horizontal, so a heading's underline stays.
func removeRules(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	if w < 100 || h < 100 {
		return g
	}
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		copy(out.Pix[y*out.Stride:y*out.Stride+w], g.Pix[y*g.Stride:])
	}
	ink := make([]bool, w*h)
	mark := func() {
		for y := range h {
			for x, v := range out.Pix[y*out.Stride : y*out.Stride+w] {
				ink[y*w+x] = v < ruleInk
			}
		}
	}
	mark()
	at := func(x, y int) bool { return ink[y*w+x] }
	grey := func(x, y int) bool { return out.Pix[y*out.Stride+x] < ruleClear }
	set := func(x, y int) { out.Pix[y*out.Stride+x] = 255 }
	// A rule is at most ~3 pt thick, at 200 or 300 dpi.
	thick := max(4, h*3/1000)
	gapH, gapV := max(3, w*3/1000), max(3, h*3/1000)
	hor := findRuns(w, h, w*35/100, gapH, func(along, across int) bool { return at(along, across) })
	if len(hor) == 0 {
		return g
	}
	// Where a vertical rule crosses, the ink across the horizontal one is
	// long and stays; the vertical pass, run on what is left, takes it.
	clearRuns(hor, h, thick, func(along, across int) bool { return at(along, across) },
		func(along, across int) bool { return grey(along, across) },
		func(along, across int) { set(along, across) })
	mark()
	ver := findRuns(h, w, h*5/100, gapV, func(along, across int) bool { return at(across, along) })
	clearRuns(ver, w, thick, func(along, across int) bool { return at(across, along) },
		func(along, across int) bool { return grey(across, along) },
		func(along, across int) { set(across, along) })
	return out
}

// run is a stretch [from, to] along line `at` where ink lies with gaps no
// longer than the tolerance.
type run struct{ at, from, to int }

// smear is how many lines either side are looked at together: a rule
// skewed by a few tenths of a degree (deskew leaves those) climbs one
// line in a few hundred pixels.
const smear = 2

// findRuns finds, on each line across ∈ [0, n), the runs along it at least
// minLen long, with gaps ≤ gap, whose ink covers most of their length. A
// pixel counts as ink when any of the smear lines either side has ink.
func findRuns(length, n, minLen, gap int, ink func(along, across int) bool) []run {
	var runs []run
	for a := range n {
		lo, hi := max(0, a-smear), min(n-1, a+smear)
		start, last, count := -1, -1, 0
		flush := func() {
			if start >= 0 && last-start+1 >= minLen && count*10 >= (last-start+1)*6 {
				runs = append(runs, run{a, start, last})
			}
		}
		for p := range length {
			dark := false
			for b := lo; b <= hi; b++ {
				if ink(p, b) {
					dark = true
					break
				}
			}
			if !dark {
				continue
			}
			if start < 0 || p-last > gap {
				flush()
				start, count = p, 0
			}
			last = p
			count++
		}
		flush()
	}
	return runs
}

// clearRuns whitens, at each point of each run, the ink crossing the run's
// band (its line ± smear) when it is no thicker than thick — a glyph's
// stroke crossing the rule is longer and stays — together with the grey
// pixel either side.
func clearRuns(runs []run, n, thick int, ink, grey func(along, across int) bool, clear func(along, across int)) {
	for _, r := range runs {
		lo, hi := max(0, r.at-smear), min(n-1, r.at+smear)
		for p := r.from; p <= r.to; p++ {
			for b := lo; b <= hi; b++ {
				if !ink(p, b) {
					continue
				}
				top, bot := b, b
				for top > 0 && ink(p, top-1) {
					top--
				}
				for bot < n-1 && ink(p, bot+1) {
					bot++
				}
				if bot-top+1 <= thick {
					for c := max(0, top-1); c <= min(n-1, bot+1); c++ {
						if c >= top && c <= bot || grey(p, c) {
							clear(p, c)
						}
					}
				}
				b = bot
			}
		}
	}
}
