package digits

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"image"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Reader reads the handwritten digits in a crop of a blank (grey, dark
// ink on light paper, the printed fragments at its edges cut away).
type Reader interface {
	ReadDigits(g *image.Gray) Reading
}

// Reading is what a reader made of a handwritten number.
type Reading struct {
	Digits string  // the most likely reading ("" when no ink)
	Conf   float64 // its probability
	// Candidates are the likeliest readings, most likely first, with
	// their probabilities: what priors (a day fits its month, numbers
	// grow with the date) choose among.
	Candidates []Candidate
	// Boxes are where each digit was found, in the crop's coordinates.
	Boxes []image.Rectangle
}

// Candidate is one reading and its probability.
type Candidate struct {
	Digits string
	P      float64
}

//go:embed weights.bin
var weights []byte

var (
	once sync.Once
	def  *CNN
)

// Default is the reader with the embedded weights (nil if they cannot be
// read: the build is broken).
func Default() *CNN {
	once.Do(func() {
		if n, err := ReadNet(bytes.NewReader(weights)); err == nil {
			def = &CNN{Net: n}
		}
	})
	return def
}

// CNN reads digits with the network.
type CNN struct{ Net *Net }

// ReadDigits segments the crop and reads each digit.
func (c *CNN) ReadDigits(g *image.Gray) Reading {
	in := InkOf(g)
	boxes := Segment(in)
	var per [][10]float64
	var kept []image.Rectangle
	for _, r := range boxes {
		pix := Normalize(in.Sub(r))
		if pix == nil {
			continue
		}
		per = append(per, c.Net.Probabilities(pix))
		kept = append(kept, r.Add(g.Bounds().Min))
	}
	slash := len(kept) > 1 && slashLike(in, boxes[len(boxes)-1])
	rd := Reading{Boxes: kept, Candidates: candidates(per, kept, slash)}
	if len(rd.Candidates) > 0 {
		rd.Digits, rd.Conf = rd.Candidates[0].Digits, rd.Candidates[0].P
	}
	return rd
}

// Edge marks: the first or last mark of a blank may be a printed fragment
// left there (the "t" of "tháng", the tail of "ngày"), read as a digit
// too. A mark as tall as the others is likely handwriting: leaving it out
// costs dropEdge. A mark clearly shorter than the tallest is likely print:
// keeping it costs keepShort.
const (
	dropEdge  = 0.2
	keepShort = 0.3
	short     = 0.85 // of the tallest mark's height
)

// candidates are the likeliest readings of all the marks, and of the
// marks without the first or the last, most likely first.
func candidates(per [][10]float64, boxes []image.Rectangle, lastIsSlash bool) []Candidate {
	n := len(per)
	if n == 0 {
		return nil
	}
	tallest := 0
	for _, b := range boxes {
		tallest = max(tallest, b.Dy())
	}
	isShort := func(i int) bool {
		return float64(boxes[i].Dy()) < short*float64(tallest) || i == n-1 && lastIsSlash
	}
	// The cost of keeping and of dropping each edge mark.
	keep := func(i int) float64 {
		if isShort(i) {
			return keepShort
		}
		return 1
	}
	drop := func(i int) float64 {
		if isShort(i) {
			return 1
		}
		return dropEdge
	}
	var all []Candidate
	for _, sub := range [][2]int{{0, n}, {1, n}, {0, n - 1}, {1, n - 1}} {
		lo, hi := sub[0], sub[1]
		if hi-lo < 1 {
			continue
		}
		w := 1.0
		if lo == 1 {
			w *= drop(0)
		} else if n > 1 {
			w *= keep(0)
		}
		if hi == n-1 {
			w *= drop(n - 1)
		} else if n > 1 {
			w *= keep(n - 1)
		}
		for _, c := range beam(per[lo:hi], 8) {
			all = append(all, Candidate{c.Digits, c.P * w})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].P > all[j].P })
	seen := map[string]bool{}
	out := all[:0]
	for _, c := range all {
		if !seen[c.Digits] {
			seen[c.Digits] = true
			out = append(out, c)
		}
	}
	return out
}

// slashLike says whether the mark in r is a printed slash (the "/" before
// a symbol, left in a number's blank): one thin straight stroke leaning
// right, 50–78° from the horizontal. A pen's 1 stands steeper, or has its
// lead-in.
func slashLike(in Ink, r image.Rectangle) bool {
	if r.Dx()*10 < r.Dy()*2 || r.Dx()*4 > r.Dy()*3 {
		return false
	}
	var n, mx, my float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if v := float64(in.V[y*in.W+x]); v > 0.35 {
				n, mx, my = n+1, mx+float64(x), my+float64(y)
			}
		}
	}
	if n < 10 {
		return false
	}
	mx, my = mx/n, my/n
	var sxx, syy, sxy float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if in.V[y*in.W+x] > 0.35 {
				dx, dy := float64(x)-mx, float64(y)-my
				sxx, syy, sxy = sxx+dx*dx, syy+dy*dy, sxy+dx*dy
			}
		}
	}
	// Principal axes of the ink.
	tr, det := sxx+syy, sxx*syy-sxy*sxy
	l1 := tr/2 + math.Sqrt(max(tr*tr/4-det, 0))
	l2 := tr/2 - math.Sqrt(max(tr*tr/4-det, 0))
	if l1 <= 0 || l2/l1 > 0.04 { // not thin and straight
		return false
	}
	ang := math.Atan2(2*sxy, sxx-syy) / 2 * 180 / math.Pi // of the major axis, y down
	// Leaning right (top right to bottom left) is a negative angle with y down.
	return ang < -50 && ang > -78 || ang > 102 && ang < 130
}

// beam lists the n likeliest strings from per-digit probabilities.
func beam(per [][10]float64, n int) []Candidate {
	if len(per) == 0 {
		return nil
	}
	cands := []Candidate{{"", 1}}
	for _, p := range per {
		var next []Candidate
		for _, c := range cands {
			for d, q := range p {
				if q < 1e-4 {
					continue
				}
				next = append(next, Candidate{c.Digits + string(rune('0'+d)), c.P * q})
			}
		}
		sort.Slice(next, func(i, j int) bool { return next[i].P > next[j].P })
		if len(next) > n {
			next = next[:n]
		}
		cands = next
	}
	return cands
}

// LabelledDigits cuts a blank's crop (as the pipeline gives it) into its
// digits as the reader segments it, each normalised as the reader sees
// it, when there are as many as label has digits: a corrected reading
// becomes training samples. A crop segmented into another count is
// refused (which mark is which digit is not known).
func LabelledDigits(crop *image.Gray, label string) ([][]float32, []int, error) {
	if label == "" || len(label) > 8 {
		return nil, nil, fmt.Errorf("label %q: want 1 to 8 digits", label)
	}
	var labels []int
	for _, c := range label {
		if c < '0' || c > '9' {
			return nil, nil, fmt.Errorf("label %q: want digits only", label)
		}
		labels = append(labels, int(c-'0'))
	}
	clean := Clean(crop)
	if clean == nil {
		return nil, nil, errors.New("no ink in the crop")
	}
	in := InkOf(clean)
	var pix [][]float32
	for _, r := range Segment(in) {
		if n := Normalize(in.Sub(r)); n != nil {
			pix = append(pix, n)
		}
	}
	if len(pix) != len(labels) {
		return nil, nil, fmt.Errorf("%d marks for the %d digits of %q", len(pix), len(labels), label)
	}
	return pix, labels, nil
}

// LabelsOf are the digits a blank whose field a person read as v may
// hold: a number as written; the day of a date (YYYY-MM-DD) as the 7th or
// the 07th. None when v is not such a value.
func LabelsOf(field, v string) []string {
	digitsOnly := func(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }
	switch field {
	case "number":
		if digitsOnly(v) && len(v) <= 8 {
			return []string{v}
		}
	case "issued_at":
		if len(v) == 10 && digitsOnly(v[8:]) {
			if day := v[8:]; day[0] == '0' {
				return []string{day[1:], day}
			}
			return []string{v[8:]}
		}
	}
	return nil
}

// FieldReading is the likeliest reading that can be the field: a day
// 1–31 of at most two digits ("day"), a number of at most five
// ("number"); "" when none can.
func FieldReading(rd Reading, field string) string {
	for _, c := range rd.Candidates {
		n, err := strconv.Atoi(c.Digits)
		if err != nil {
			continue
		}
		if field == "day" && n >= 1 && n <= 31 && len(c.Digits) <= 2 || field == "number" && len(c.Digits) <= 5 {
			return c.Digits
		}
	}
	return ""
}

// SameReading: a number as written; a day as a day ("07" is "7").
func SameReading(field, got, want string) bool {
	if field == "day" {
		a, err1 := strconv.Atoi(got)
		b, err2 := strconv.Atoi(want)
		return err1 == nil && err2 == nil && a == b
	}
	return got == want
}
