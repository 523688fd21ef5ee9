// Command digitcrops cuts the handwritten blanks of a labelled folder's
// documents as the pipeline reads them, labelled by its truth.jsonl, in
// the form `vanthu admin digit-crops` writes a person's corrections in
// (NAME-number-47.png, NAME-day-17.png): the data of the before/after
// measurement of learning from corrections (BENCHMARKS.md).
//
//	go run ./bench/digitcrops -dir ../shared/real-dev -out /tmp/crops
package main

import (
	"context"
	"flag"
	"fmt"
	"image/png"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vanthu/vanthu/internal/ompenv"
	"github.com/vanthu/vanthu/pipelines"
	"github.com/vanthu/vanthu/pipelines/digits"
	"github.com/vanthu/vanthu/pipelines/eval"
	"github.com/vanthu/vanthu/pipelines/ocr"
)

func main() {
	ompenv.EnsureSingleThread()
	dir := flag.String("dir", "../shared/real-dev", "labelled folder (truth.jsonl)")
	out := flag.String("out", "", "folder the crops are written to")
	flag.Parse()
	if *out == "" {
		log.Fatal("-out DIR is needed")
	}
	if err := os.MkdirAll(*out, 0o750); err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	engine := ocr.New(ocr.Config{Workers: 2})
	defer engine.Close()
	p := pipelines.New(pipelines.DefaultConfig(), engine, 2)
	truth := mustTruth(filepath.Join(*dir, "truth.jsonl"))
	var names []string
	for n := range truth {
		names = append(names, n)
	}
	sort.Strings(names)
	written, skipped := 0, 0
	for _, n := range names {
		crops, err := p.BlankCrops(ctx, filepath.Join(*dir, n))
		if err != nil {
			log.Printf("%s: %v", n, err)
			continue
		}
		for _, f := range []string{"number", "issued_at"} {
			want, _ := truth[n][f].(string)
			crop := crops[f]
			if crop == nil {
				skipped++
				continue
			}
			label := ""
			for _, l := range digits.LabelsOf(f, want) {
				if _, _, err := digits.LabelledDigits(crop, l); err == nil {
					label = l
					break
				}
			}
			if label == "" {
				log.Printf("%s %s %q: not as many marks as digits", n, f, want)
				skipped++
				continue
			}
			field := map[string]string{"number": "number", "issued_at": "day"}[f]
			name := strings.TrimSuffix(n, filepath.Ext(n))
			w, err := os.Create(filepath.Join(*out, fmt.Sprintf("%s-%s-%s.png", strings.ReplaceAll(name, "-", "_"), field, label)))
			if err != nil {
				log.Fatal(err)
			}
			png.Encode(w, crop)
			w.Close()
			written++
		}
	}
	fmt.Printf("%d crops written to %s, %d blanks skipped\n", written, *out, skipped)
}

func mustTruth(path string) map[string]map[string]any {
	t, err := eval.ReadTruth(path)
	if err != nil {
		log.Fatal(err)
	}
	return eval.ByFile(t)
}
