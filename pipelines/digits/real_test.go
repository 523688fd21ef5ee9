package digits

import (
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"slices"
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
		got := FieldReading(rd, c.field)
		ok := SameReading(c.field, got, c.label)
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

// A corrected reading labels a crop only when its marks are as many as
// the digits: which mark is which is not known otherwise.
func TestLabelledDigits(t *testing.T) {
	for _, c := range realCrops(t) {
		if c.name != "3cee0d-number-574.png" {
			continue
		}
		pix, labels, err := LabelledDigits(c.img, "574")
		if err != nil || len(pix) != 3 || labels[0] != 5 || labels[2] != 4 || len(pix[0]) != Pixels {
			t.Errorf("574: %d digits %v %v", len(pix), labels, err)
		}
		if _, _, err := LabelledDigits(c.img, "57"); err == nil {
			t.Error("three marks labelled with two digits")
		}
		for _, bad := range []string{"", "5a", "123456789"} {
			if _, _, err := LabelledDigits(c.img, bad); err == nil {
				t.Errorf("label %q taken", bad)
			}
		}
		return
	}
	t.Fatal("no crop 3cee0d-number-574.png")
}

func TestLabelsOf(t *testing.T) {
	for _, c := range []struct {
		field, v string
		want     []string
	}{
		{"number", "47", []string{"47"}}, {"number", "07", []string{"07"}}, {"number", "47a", nil},
		{"issued_at", "2025-01-17", []string{"17"}}, {"issued_at", "2025-01-07", []string{"7", "07"}},
		{"issued_at", "2025-1-7", nil}, {"subject", "12", nil},
	} {
		if got := LabelsOf(c.field, c.v); !slices.Equal(got, c.want) {
			t.Errorf("LabelsOf(%s, %q) = %v, want %v", c.field, c.v, got, c.want)
		}
	}
}
