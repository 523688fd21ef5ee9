// Package digits reads handwritten digits: the numbers and days a clerk
// writes by pen into the printed blanks of a document ("Số: 47 /UBND-KT",
// "ngày 17 tháng 01"), which Tesseract's printed-text models cannot read.
//
// The model is a small convolutional network written over plain float32
// slices, so that a Go engineer can read all of it: two convolutions with
// max pooling, two dense layers, softmax. It is trained by the command in
// ./train (MNIST from the Go module proxy, augmented to look like pen on a
// scanned blank) and its weights are embedded in the binary.
package digits

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// Input size: MNIST's 28×28, ink bright (1) on black (0).
const (
	Side   = 28
	Pixels = Side * Side
)

// Layer sizes.
const (
	c1    = 12 // filters of the first convolution (5×5 over the image)
	c2    = 24 // filters of the second (5×5 over c1 maps)
	k     = 5
	s1    = Side - k + 1 // 24: first convolution's maps
	p1    = s1 / 2       // 12: after pooling
	s2    = p1 - k + 1   // 8
	p2    = s2 / 2       // 4
	flat  = c2 * p2 * p2 // 384
	h1    = 96           // hidden units
	nOut  = 10
	magic = "VTD1" // weights file header
)

// Net is the network's parameters.
type Net struct {
	W1 []float32 // c1 × k × k
	B1 []float32 // c1
	W2 []float32 // c2 × c1 × k × k
	B2 []float32 // c2
	W3 []float32 // h1 × flat
	B3 []float32 // h1
	W4 []float32 // nOut × h1
	B4 []float32 // nOut
	// T is the softmax temperature fitted after training so that the
	// probabilities mean what they say (calibration); 1 until then.
	T float32
}

// params lists the parameter slices, in the order they are stored.
func (n *Net) params() []*[]float32 {
	return []*[]float32{&n.W1, &n.B1, &n.W2, &n.B2, &n.W3, &n.B3, &n.W4, &n.B4}
}

func sizes() []int {
	return []int{c1 * k * k, c1, c2 * c1 * k * k, c2, h1 * flat, h1, nOut * h1, nOut}
}

// NewNet makes a network with He-initialised weights from a seeded source.
func NewNet(rnd func() float64) *Net {
	n := &Net{T: 1}
	fanIn := []int{k * k, 0, c1 * k * k, 0, flat, 0, h1, 0}
	for i, p := range n.params() {
		*p = make([]float32, sizes()[i])
		if fanIn[i] == 0 {
			continue // biases start at zero
		}
		sd := math.Sqrt(2 / float64(fanIn[i]))
		for j := range *p {
			(*p)[j] = float32(gauss(rnd) * sd)
		}
	}
	return n
}

// gauss is a standard normal draw (Box–Muller).
func gauss(rnd func() float64) float64 {
	u := max(rnd(), 1e-12)
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*rnd())
}

// activations are a forward pass's intermediate values, kept for the
// backward pass.
type activations struct {
	in   []float32 // Pixels
	a1   []float32 // c1 × s1 × s1, after ReLU
	m1   []float32 // c1 × p1 × p1, pooled
	i1   []int32   // argmax of each pool window (index into a1)
	a2   []float32 // c2 × s2 × s2, after ReLU
	m2   []float32 // flat, pooled
	i2   []int32
	h    []float32 // h1, after ReLU
	out  []float32 // nOut logits
	prob []float32 // softmax
}

func newActivations() *activations {
	return &activations{a1: make([]float32, c1*s1*s1), m1: make([]float32, c1*p1*p1), i1: make([]int32, c1*p1*p1),
		a2: make([]float32, c2*s2*s2), m2: make([]float32, flat), i2: make([]int32, flat), h: make([]float32, h1),
		out: make([]float32, nOut), prob: make([]float32, nOut)}
}

// forward runs the network on in (Pixels values in [0, 1]) at temperature
// t, filling a.
func (n *Net) forward(in []float32, a *activations, t float32) {
	a.in = in
	// Convolution 1 + ReLU.
	for f := range c1 {
		w := n.W1[f*k*k : (f+1)*k*k]
		for y := range s1 {
			for x := range s1 {
				sum := n.B1[f]
				for dy := range k {
					row := in[(y+dy)*Side+x : (y+dy)*Side+x+k]
					wr := w[dy*k : dy*k+k]
					for dx := range k {
						sum += row[dx] * wr[dx]
					}
				}
				a.a1[(f*s1+y)*s1+x] = max(sum, 0)
			}
		}
	}
	pool(a.a1, a.m1, a.i1, c1, s1)
	// Convolution 2 + ReLU.
	for f := range c2 {
		for y := range s2 {
			for x := range s2 {
				sum := n.B2[f]
				for c := range c1 {
					w := n.W2[(f*c1+c)*k*k:]
					m := a.m1[c*p1*p1:]
					for dy := range k {
						row := m[(y+dy)*p1+x : (y+dy)*p1+x+k]
						wr := w[dy*k : dy*k+k]
						for dx := range k {
							sum += row[dx] * wr[dx]
						}
					}
				}
				a.a2[(f*s2+y)*s2+x] = max(sum, 0)
			}
		}
	}
	pool(a.a2, a.m2, a.i2, c2, s2)
	// Dense + ReLU, dense, softmax.
	for j := range h1 {
		w := n.W3[j*flat : (j+1)*flat]
		sum := n.B3[j]
		for i, v := range a.m2 {
			sum += v * w[i]
		}
		a.h[j] = max(sum, 0)
	}
	for j := range nOut {
		w := n.W4[j*h1 : (j+1)*h1]
		sum := n.B4[j]
		for i, v := range a.h {
			sum += v * w[i]
		}
		a.out[j] = sum
	}
	softmax(a.out, a.prob, t)
}

// pool is 2×2 max pooling of ch maps of side s, keeping where each max was.
func pool(src, dst []float32, idx []int32, ch, s int) {
	o := s / 2
	for c := range ch {
		for y := range o {
			for x := range o {
				best, at := float32(-1), int32(0)
				for dy := range 2 {
					for dx := range 2 {
						i := int32((c*s+2*y+dy)*s + 2*x + dx)
						if v := src[i]; v > best {
							best, at = v, i
						}
					}
				}
				dst[(c*o+y)*o+x], idx[(c*o+y)*o+x] = best, at
			}
		}
	}
}

func softmax(logits, prob []float32, t float32) {
	if t <= 0 {
		t = 1
	}
	m := logits[0]
	for _, v := range logits {
		m = max(m, v)
	}
	var sum float64
	for i, v := range logits {
		e := math.Exp(float64((v - m) / t))
		prob[i] = float32(e)
		sum += e
	}
	for i := range prob {
		prob[i] = float32(float64(prob[i]) / sum)
	}
}

// Probabilities are the network's probabilities of the digits 0–9 for a
// normalised image (Pixels values in [0, 1], ink bright).
func (n *Net) Probabilities(in []float32) [10]float64 {
	a := newActivations()
	n.forward(in, a, n.T)
	var p [10]float64
	for i, v := range a.prob {
		p[i] = float64(v)
	}
	return p
}

// WriteTo stores the parameters (little-endian float32 after a header).
func (n *Net) WriteTo(w io.Writer) (int64, error) {
	if _, err := io.WriteString(w, magic); err != nil {
		return 0, err
	}
	total := int64(len(magic))
	for _, p := range append(n.params(), &[]float32{n.T}) {
		if err := binary.Write(w, binary.LittleEndian, *p); err != nil {
			return total, err
		}
		total += int64(4 * len(*p))
	}
	return total, nil
}

// ReadNet loads parameters written by WriteTo.
func ReadNet(r io.Reader) (*Net, error) {
	head := make([]byte, len(magic))
	if _, err := io.ReadFull(r, head); err != nil || string(head) != magic {
		return nil, errors.New("digits: not a weights file")
	}
	n := &Net{}
	for i, p := range n.params() {
		*p = make([]float32, sizes()[i])
		if err := binary.Read(r, binary.LittleEndian, *p); err != nil {
			return nil, fmt.Errorf("digits: weights: %w", err)
		}
	}
	t := make([]float32, 1)
	if err := binary.Read(r, binary.LittleEndian, t); err != nil {
		return nil, fmt.Errorf("digits: weights: %w", err)
	}
	n.T = t[0]
	return n, nil
}
