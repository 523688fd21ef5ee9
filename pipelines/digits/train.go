package digits

import (
	"math"
	"sync"
)

// Sample is one labelled input.
type Sample struct {
	Pix   []float32 // Pixels values in [0, 1], ink bright
	Label int
}

// grads has the shape of a Net's parameters.
type grads struct{ p [][]float32 }

func newGrads() *grads {
	g := &grads{}
	for _, n := range sizes() {
		g.p = append(g.p, make([]float32, n))
	}
	return g
}

// backward adds to g the gradient of the cross-entropy of a (a forward
// pass at temperature 1) against label, and returns the loss.
func (n *Net) backward(a *activations, label int, g *grads, s *scratch) float64 {
	dW1, dB1, dW2, dB2, dW3, dB3, dW4, dB4 := g.p[0], g.p[1], g.p[2], g.p[3], g.p[4], g.p[5], g.p[6], g.p[7]
	loss := -math.Log(max(float64(a.prob[label]), 1e-12))
	dout := s.dout
	for j := range nOut {
		dout[j] = a.prob[j]
	}
	dout[label]--
	dh := s.dh
	clear(dh)
	denseBack(dout, nil, a.h, n.W4, dW4, dB4, dh)
	dm2 := s.dm2
	clear(dm2)
	denseBack(dh, a.h, a.m2, n.W3, dW3, dB3, dm2)
	da2 := s.da2
	clear(da2)
	for q, i := range a.i2 {
		da2[i] += dm2[q]
	}
	dm1 := s.dm1
	clear(dm1)
	for f := range c2 {
		for y := range s2 {
			for x := range s2 {
				i := (f*s2+y)*s2 + x
				d := da2[i]
				if d == 0 || a.a2[i] <= 0 {
					continue
				}
				dB2[f] += d
				for c := range c1 {
					w := n.W2[(f*c1+c)*k*k:]
					gw := dW2[(f*c1+c)*k*k:]
					m := a.m1[c*p1*p1:]
					gm := dm1[c*p1*p1:]
					for dy := range k {
						for dx := range k {
							at := (y+dy)*p1 + x + dx
							gw[dy*k+dx] += d * m[at]
							gm[at] += d * w[dy*k+dx]
						}
					}
				}
			}
		}
	}
	da1 := s.da1
	clear(da1)
	for q, i := range a.i1 {
		da1[i] += dm1[q]
	}
	for f := range c1 {
		gw := dW1[f*k*k : (f+1)*k*k]
		for y := range s1 {
			for x := range s1 {
				i := (f*s1+y)*s1 + x
				d := da1[i]
				if d == 0 || a.a1[i] <= 0 {
					continue
				}
				dB1[f] += d
				for dy := range k {
					row := a.in[(y+dy)*Side+x:]
					for dx := range k {
						gw[dy*k+dx] += d * row[dx]
					}
				}
			}
		}
	}
	return loss
}

// denseBack adds the gradient of a dense layer (out = w·in + b, through
// a ReLU when out is given) for its output gradient dout: to the
// weights' gw, the biases' gb and the input's din.
func denseBack(dout, out, in, w, gw, gb, din []float32) {
	n := len(in)
	for j, d := range dout {
		if out != nil && out[j] <= 0 {
			continue
		}
		gb[j] += d
		wj, gj := w[j*n:(j+1)*n], gw[j*n:(j+1)*n]
		for i, v := range in {
			gj[i] += d * v
			din[i] += d * wj[i]
		}
	}
}

// scratch holds a worker's backward buffers.
type scratch struct{ dout, dh, dm2, da2, dm1, da1 []float32 }

func newScratch() *scratch {
	return &scratch{dout: make([]float32, nOut), dh: make([]float32, h1), dm2: make([]float32, flat),
		da2: make([]float32, c2*s2*s2), dm1: make([]float32, c1*p1*p1), da1: make([]float32, c1*s1*s1)}
}

// Trainer runs minibatch SGD with momentum over workers goroutines.
type Trainer struct {
	Net      *Net
	Rate     float64 // learning rate
	Momentum float64
	Decay    float64 // L2 weight decay
	Workers  int
	vel      [][]float32
}

// Batch takes one SGD step on samples and returns their mean loss.
func (t *Trainer) Batch(samples []Sample) float64 {
	w := max(1, t.Workers)
	gs := make([]*grads, w)
	losses := make([]float64, w)
	var wg sync.WaitGroup
	for i := range w {
		wg.Go(func() {
			g, a, s := newGrads(), newActivations(), newScratch()
			for j := i; j < len(samples); j += w {
				t.Net.forward(samples[j].Pix, a, 1)
				losses[i] += t.Net.backward(a, samples[j].Label, g, s)
			}
			gs[i] = g
		})
	}
	wg.Wait()
	if t.vel == nil {
		t.vel = newGrads().p
	}
	scale := float32(1 / float64(len(samples)))
	for pi, p := range t.Net.params() {
		v := t.vel[pi]
		weights := pi%2 == 0 // W1, W2, W3, W4: decayed; biases not
		for j := range *p {
			var d float32
			for _, g := range gs {
				d += g.p[pi][j]
			}
			d *= scale
			if weights {
				d += float32(t.Decay) * (*p)[j]
			}
			v[j] = float32(t.Momentum)*v[j] - float32(t.Rate)*d
			(*p)[j] += v[j]
		}
	}
	var loss float64
	for _, l := range losses {
		loss += l
	}
	return loss / float64(len(samples))
}

// Accuracy is the share of samples the network labels right.
func (n *Net) Accuracy(samples []Sample) float64 {
	if len(samples) == 0 {
		return 0
	}
	right := 0
	a := newActivations()
	for _, s := range samples {
		n.forward(s.Pix, a, 1)
		if argmax(a.prob) == s.Label {
			right++
		}
	}
	return float64(right) / float64(len(samples))
}

func argmax(p []float32) int {
	best := 0
	for i, v := range p {
		if v > p[best] {
			best = i
		}
	}
	return best
}

// FitTemperature picks the softmax temperature that minimises the
// negative log-likelihood of samples (held out from training): the
// network's probabilities then mean what they say.
func (n *Net) FitTemperature(samples []Sample) float32 {
	logits := make([][]float32, len(samples))
	a := newActivations()
	for i, s := range samples {
		n.forward(s.Pix, a, 1)
		logits[i] = append([]float32(nil), a.out...)
	}
	nll := func(t float32) float64 {
		prob := make([]float32, nOut)
		var sum float64
		for i, l := range logits {
			softmax(l, prob, t)
			sum -= math.Log(max(float64(prob[samples[i].Label]), 1e-12))
		}
		return sum
	}
	best, bestT := math.Inf(1), float32(1)
	for t := float32(0.5); t <= 4; t += 0.05 {
		if v := nll(t); v < best {
			best, bestT = v, t
		}
	}
	n.T = bestT
	return bestT
}
