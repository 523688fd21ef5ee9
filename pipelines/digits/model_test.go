package digits

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"
)

// The backward pass is the derivative of the forward one: checked against
// finite differences on every layer's parameters.
func TestGradients(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := NewNet(r.Float64)
	in := make([]float32, Pixels)
	for i := range in {
		in[i] = float32(r.Float64())
	}
	label := 3
	loss := func() float64 {
		a := newActivations()
		n.forward(in, a, 1)
		return -math.Log(float64(a.prob[label]))
	}
	g, a, s := newGrads(), newActivations(), newScratch()
	n.forward(in, a, 1)
	n.backward(a, label, g, s)
	for pi, p := range n.params() {
		for trial := range 6 {
			j := (trial*7919 + 13) % len(*p)
			old := (*p)[j]
			const h = 1e-3
			(*p)[j] = old + h
			up := loss()
			(*p)[j] = old - h
			down := loss()
			(*p)[j] = old
			num := (up - down) / (2 * h)
			ana := float64(g.p[pi][j])
			if math.Abs(num-ana) > 2e-3+0.05*math.Abs(num) {
				t.Errorf("parameter set %d, index %d: analytic %.5f, numeric %.5f", pi, j, ana, num)
			}
		}
	}
}

// A few steps on a tiny problem lower the loss, and the weights survive a
// round trip through their file.
func TestTrainsAndRoundTrips(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n := NewNet(r.Float64)
	var samples []Sample
	for i := range 40 {
		pix := make([]float32, Pixels)
		lab := i % 2
		for y := 4; y < 24; y++ { // a vertical bar for 0, a horizontal one for 1
			if lab == 0 {
				pix[y*Side+14] = 1
			} else {
				pix[14*Side+y] = 1
			}
		}
		samples = append(samples, Sample{Pix: pix, Label: lab})
	}
	tr := &Trainer{Net: n, Rate: 0.05, Momentum: 0.9, Workers: 2}
	first := tr.Batch(samples)
	var last float64
	for range 30 {
		last = tr.Batch(samples)
	}
	if last >= first/4 {
		t.Errorf("loss %.3f → %.3f", first, last)
	}
	if acc := n.Accuracy(samples); acc != 1 {
		t.Errorf("accuracy %.2f", acc)
	}
	var b bytes.Buffer
	if _, err := n.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	m, err := ReadNet(&b)
	if err != nil {
		t.Fatal(err)
	}
	if m.Probabilities(samples[0].Pix) != n.Probabilities(samples[0].Pix) {
		t.Error("a round trip changed the network")
	}
}
