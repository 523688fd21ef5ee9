package preprocess

import (
	"image"
	"image/color"
	"math"
	"testing"
)

// page draws text-like rows: dark dashes on white, as a scanned page has.
func page(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for y := 100; y < h-100; y += 60 {
		for x := 150; x < w-150; x += 40 {
			for dy := 0; dy < 22; dy++ {
				for dx := 0; dx < 28; dx++ {
					img.SetRGBA(x+dx, y+dy, color.RGBA{20, 20, 20, 255})
				}
			}
		}
	}
	return img
}

func TestDeskewFindsAndCorrectsRotation(t *testing.T) {
	img := page(1200, 1600)
	for _, deg := range []float64{2, -1.5} {
		g := toGray(img)
		tilted := Rotate(g, -deg)
		got := SkewAngle(tilted, 5)
		if math.Abs(got-deg) > 0.3 {
			t.Errorf("tilted %.1f°: found %.2f°", deg, got)
		}
	}
	if a := SkewAngle(toGray(img), 5); math.Abs(a) > 0.1 {
		t.Errorf("straight page: found %.2f°", a)
	}
}

func toGray(img *image.RGBA) *image.Gray {
	g := image.NewGray(img.Rect)
	for i := 0; i < len(g.Pix); i++ {
		g.Pix[i] = img.Pix[4*i]
	}
	return g
}

func TestRedInkGoesToItsOwnLayer(t *testing.T) {
	img := page(800, 1000)
	// A red seal over the text.
	for y := 300; y < 500; y++ {
		for x := 300; x < 500; x++ {
			if (x-400)*(x-400)+(y-400)*(y-400) < 90*90 {
				img.SetRGBA(x, y, color.RGBA{210, 40, 50, 255})
			}
		}
	}
	p := Prepare(img, Options{RemoveRed: true})
	if p.Text.GrayAt(400, 400).Y != 255 {
		t.Errorf("red ink left in the text layer: %v", p.Text.GrayAt(400, 400))
	}
	if p.Red.GrayAt(400, 400).Y != 0 {
		t.Errorf("red ink missing from the red layer")
	}
	if p.Text.GrayAt(160, 110).Y > 60 {
		t.Errorf("black text removed")
	}
	if p.RedShare < 0.02 {
		t.Errorf("red share %.3f", p.RedShare)
	}
	kept := Prepare(img, Options{})
	if kept.Text.GrayAt(400, 400).Y == 255 {
		t.Error("red removal off, but red ink removed")
	}
}

func TestBlankPage(t *testing.T) {
	blank := image.NewRGBA(image.Rect(0, 0, 800, 1100))
	for i := range blank.Pix {
		blank.Pix[i] = 250
	}
	// Bleed-through: faint grey marks.
	for y := 500; y < 600; y++ {
		for x := 300; x < 500; x++ {
			blank.SetRGBA(x, y, color.RGBA{200, 190, 190, 255})
		}
	}
	if p := Prepare(blank, Defaults); !p.Blank() {
		t.Errorf("blank page with bleed-through not blank (ink %.4f)", p.Ink)
	}
	if p := Prepare(page(800, 1100), Defaults); p.Blank() {
		t.Error("page with text judged blank")
	}
}

func TestRemoveGraphicsKeepsLetters(t *testing.T) {
	img := page(1000, 1400)
	// A grey ring, as a seal scanned in grey: one large component.
	for y := 0; y < 1400; y++ {
		for x := 0; x < 1000; x++ {
			d := math.Hypot(float64(x-600), float64(y-700))
			if math.Abs(d-150) < 8 {
				img.SetRGBA(x, y, color.RGBA{90, 90, 90, 255})
			}
		}
	}
	p := Prepare(img, Options{RemoveGraphics: true})
	if p.Text.GrayAt(750, 700).Y != 255 {
		t.Error("ring not removed")
	}
	if p.Text.GrayAt(160, 110).Y > 60 {
		t.Error("a letter-sized mark was removed")
	}
}

func TestRemoveFrames(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 400, 200))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	for x := 10; x < 390; x++ { // the frame
		g.SetGray(x, 10, color.Gray{0})
		g.SetGray(x, 190, color.Gray{0})
	}
	for y := 10; y < 191; y++ {
		g.SetGray(10, y, color.Gray{0})
		g.SetGray(389, y, color.Gray{0})
	}
	for y := 90; y < 110; y++ { // a letter
		for x := 190; x < 205; x++ {
			g.SetGray(x, y, color.Gray{0})
		}
	}
	out := RemoveFrames(g)
	if out.GrayAt(10, 100).Y != 255 || out.GrayAt(195, 100).Y != 0 {
		t.Errorf("frame %v letter %v", out.GrayAt(10, 100), out.GrayAt(195, 100))
	}
}

func TestUpscale(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 200, 100))
	for y := 0; y < 100; y++ {
		for x := 0; x < 200; x++ {
			g.Pix[y*g.Stride+x] = uint8(x)
		}
	}
	u := Upscale(g, 1.5)
	if u.Rect.Dx() != 300 || u.Rect.Dy() != 150 {
		t.Fatalf("size %v", u.Rect)
	}
	// A horizontal ramp stays a ramp: pixel 150 of the output is source 100.
	if v := u.GrayAt(150, 75).Y; v < 99 || v > 101 {
		t.Errorf("ramp at 150 = %d, want 100", v)
	}
}

// A shadow across a photographed page is taken out: the paper under it
// comes out white and the ink stays dark; a scan's even white page is
// left alone.
func TestFlattenBackground(t *testing.T) {
	const w, h = 400, 300
	g := image.NewGray(image.Rect(0, 0, w, h))
	ink := func(x, y int) bool { return (x/6)%3 == 0 && (y/10)%3 == 0 && x > 20 && x < w-20 }
	for y := range h {
		for x := range w {
			paper := 250.0 - 140*float64(w-x)/w // darker to the left
			v := paper
			if ink(x, y) {
				v = paper * 0.25
			}
			g.Pix[y*g.Stride+x] = uint8(v)
		}
	}
	flat, ok := FlattenBackground(g)
	if !ok {
		t.Fatal("a shadowed page was left as it was")
	}
	for _, x := range []int{25, 100, 200, 370} {
		for y := 5; y < h; y += 37 {
			v := flat.GrayAt(x, y).Y
			if ink(x, y) && v > 110 {
				t.Errorf("ink at (%d,%d) became %d", x, y, v)
			}
			if !ink(x, y) && (y/10)%3 != 0 && v < 210 {
				t.Errorf("paper at (%d,%d) is %d after flattening (was %d)", x, y, v, g.GrayAt(x, y).Y)
			}
		}
	}
	white := image.NewGray(image.Rect(0, 0, w, h))
	for i := range white.Pix {
		white.Pix[i] = 250
	}
	if _, ok := FlattenBackground(white); ok {
		t.Error("an even white page was flattened")
	}
}
