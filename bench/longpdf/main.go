// Command longpdf writes a long scanned PDF for the memory benchmark: the
// pages of a few generated documents, scanned, repeated to the page count.
package main

import (
	"context"
	"flag"
	"image"
	"log"
	"math/rand/v2"
	"os"

	"github.com/vanthu/vanthu/pipelines/corpus"
)

func main() {
	out := flag.String("out", "long.pdf", "output file")
	pages := flag.Int("pages", 500, "page count")
	flag.Parse()
	r := rand.New(rand.NewPCG(9, 9))
	var distinct []*image.RGBA
	for i := 0; len(distinct) < 10; i++ {
		s := corpus.NewSpec(r, corpus.Types[i%len(corpus.Types)])
		pdf, m, err := corpus.RenderPDF(s)
		if err != nil {
			log.Fatal(err)
		}
		imgs, err := corpus.Scan(context.Background(), pdf, s, m, corpus.ScanOptions{DPI: 300, Rotate: 0.5, Noise: 6, Seal: true}, r)
		if err != nil {
			log.Fatal(err)
		}
		distinct = append(distinct, imgs...)
	}
	all := make([]*image.RGBA, *pages)
	for i := range all {
		all[i] = distinct[i%len(distinct)]
	}
	data, err := corpus.ScannedPDF(all, 80)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		log.Fatal(err)
	}
}
