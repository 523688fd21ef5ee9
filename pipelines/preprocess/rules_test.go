package preprocess

import (
	"image"
	"testing"
)

// A scanned table: grey rules broken into dashes, one row a pixel lower
// at the far end (skew), a glyph's stem crossing a rule, letters beside.
func TestRemoveRulesTakesBrokenRulesKeepsGlyphs(t *testing.T) {
	const w, h = 1200, 1600
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = 250
	}
	fill := func(x0, y0, x1, y1 int, v uint8) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				g.Pix[y*g.Stride+x] = v
			}
		}
	}
	for _, y := range []int{400, 480, 560} {
		for x := 100; x < 1100; x += 9 { // 7-px dashes, 2-px gaps
			dy := 0
			if x > 600 {
				dy = 1
			}
			fill(x, y+dy, x+7, y+dy+3, 150)
		}
	}
	for _, x := range []int{100, 300, 1097} {
		for y := 400; y < 563; y += 9 {
			fill(x, y, x+3, min(y+7, 563), 150)
		}
	}
	fill(500, 380, 505, 430, 30)  // a stem crossing the rule at 400
	fill(700, 430, 730, 452, 30)  // a letter in the row
	fill(150, 100, 1050, 103, 30) // a long dark rule above the table...
	fill(150, 80, 180, 100, 30)   // ...with a letter standing on it
	out := removeRules(g)
	dark := func(x0, y0, x1, y1 int) int {
		n := 0
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				if out.Pix[y*out.Stride+x] < 128 {
					n++
				}
			}
		}
		return n
	}
	if n := dark(320, 395, 490, 570); n != 0 {
		t.Errorf("%d dark pixels left of the horizontal rules", n)
	}
	if n := dark(95, 395, 110, 570); n != 0 {
		t.Errorf("%d dark pixels left of the vertical rule and its crossings", n)
	}
	if n := dark(500, 380, 505, 430); n != 5*50 {
		t.Errorf("the stem crossing a rule keeps %d of %d pixels", n, 5*50)
	}
	if n := dark(700, 430, 730, 452); n != 30*22 {
		t.Errorf("the letter keeps %d of %d pixels", n, 30*22)
	}
	if n := dark(200, 98, 1050, 106); n != 0 {
		t.Errorf("%d dark pixels left of the long rule", n)
	}
	if n := dark(150, 80, 180, 100); n != 30*20 {
		t.Errorf("the letter on the underline keeps %d of %d pixels", n, 30*20)
	}
}

// A page of text only: nothing is a rule, the page is returned as it is.
func TestRemoveRulesLeavesText(t *testing.T) {
	g := toGray(page(1200, 1600))
	if out := removeRules(g); out != g {
		t.Error("a page without rules was changed")
	}
}
