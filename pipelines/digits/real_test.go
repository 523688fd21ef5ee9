package digits

import (
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// realCrop is a blank of a real scan (../shared/real-dev, public
// administrative documents) as the pipeline crops it, named
// DOC-FIELD-LABEL.png, the label read by eye.
type realCrop struct {
	name, field, label string
	img                *image.Gray
}

func realCrops(t *testing.T) []realCrop {
	t.Helper()
	files, _ := filepath.Glob("testdata/real/*.png")
	var out []realCrop
	for _, f := range files {
		parts := strings.Split(strings.TrimSuffix(filepath.Base(f), ".png"), "-")
		r, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		g := image.NewGray(img.Bounds())
		draw.Draw(g, g.Rect, img, img.Bounds().Min, draw.Src)
		out = append(out, realCrop{name: filepath.Base(f), field: parts[1], label: parts[2], img: g})
	}
	return out
}

// The reader on the real pens of the dev scans: the likeliest reading
// that can be the field (a day is 1–31, a number at most five digits) is
// the one written. Measured in BENCHMARKS.md; asserted here so that a
// worse model does not land.
func TestRealPens(t *testing.T) {
	r := Default()
	if r == nil {
		t.Fatal("no embedded weights")
	}
	crops := realCrops(t)
	right := 0
	for _, c := range crops {
		rd := r.ReadDigits(Clean(c.img))
		got := ""
		for _, cand := range rd.Candidates {
			n, err := strconv.Atoi(cand.Digits)
			if err != nil {
				continue
			}
			if c.field == "day" && n >= 1 && n <= 31 && len(cand.Digits) <= 2 || c.field == "number" && len(cand.Digits) <= 5 {
				got = cand.Digits
				break
			}
		}
		ok := got == c.label
		if c.field == "day" {
			a, _ := strconv.Atoi(got)
			b, _ := strconv.Atoi(c.label)
			ok = a == b
		}
		if ok {
			right++
		} else {
			t.Logf("%s: read %q (best %q at %.2f)", c.name, got, rd.Digits, rd.Conf)
		}
	}
	t.Logf("real pens: %d of %d read right", right, len(crops))
	if len(crops) < 16 || right*100 < len(crops)*85 {
		t.Errorf("real pens: %d of %d right, want ≥ 85%%", right, len(crops))
	}
}
