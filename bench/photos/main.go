// Command photos measures reading phone photos of documents (issue 11):
// the real dev scans photographed by pipelines/corpus.Photo (70–100 dpi
// equivalent, a slanted shot, a shadow, blur, noise, JPEG), read by the
// pipeline and by the Tesseract CLI (`tesseract photo.jpg - -l vie`) on
// the same image; word error rate of each against the page as the
// pipeline reads the 300-dpi original.
//
//	go run ./bench/photos -dir ../shared/real-dev -n 3
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vanthu/vanthu/internal/ompenv"
	"github.com/vanthu/vanthu/pipelines"
	"github.com/vanthu/vanthu/pipelines/corpus"
	"github.com/vanthu/vanthu/pipelines/eval"
	"github.com/vanthu/vanthu/pipelines/ocr"
	"github.com/vanthu/vanthu/pipelines/raster"
)

func main() {
	ompenv.EnsureSingleThread()
	dir := flag.String("dir", "../shared/real-dev", "folder of PDFs")
	n := flag.Int("n", 3, "photos per document")
	seed := flag.Uint64("seed", 1, "random seed")
	keep := flag.String("keep", "", "write the photos into this folder, with a truth.jsonl of the fields page 1 holds (for vanthu eval)")
	flag.Parse()
	ctx := context.Background()
	engine := ocr.New(ocr.Config{Workers: 2})
	defer engine.Close()
	p := pipelines.New(pipelines.DefaultConfig(), engine, 2)
	files, _ := filepath.Glob(filepath.Join(*dir, "*.pdf"))
	sort.Strings(files)
	r := rand.New(rand.NewPCG(*seed, 7))
	tmp, _ := os.MkdirTemp("", "vanthu-photos-")
	defer os.RemoveAll(tmp)
	var sumOurs, sumRaw, bagOurs, bagRaw float64
	labels := pageOneLabels(filepath.Join(*dir, "truth.jsonl"))
	var truth []byte
	count, worse := 0, 0
	fmt.Printf("%-24s %5s %5s %4s %4s %6s %6s %8s %8s\n", "photo", "px", "blur", "q", "shad", "ours", "raw", "bag-ours", "bag-raw")
	for _, f := range files {
		rd, err := p.ReadFile(ctx, f)
		if err != nil || len(rd.Pages) == 0 {
			log.Printf("%s: %v", f, err)
			continue
		}
		ref := rd.Pages[0].Text()
		page, err := raster.RenderPDFPage(ctx, f, 1, 300, 0, 0, 0)
		if err != nil {
			log.Fatal(err)
		}
		for i := range *n {
			opt := corpus.RandomPhoto(r)
			jp, err := corpus.Photo(page, opt, r)
			if err != nil {
				log.Fatal(err)
			}
			name := fmt.Sprintf("%s-%d.jpg", strings.TrimSuffix(filepath.Base(f), ".pdf")[:8], i)
			path := filepath.Join(tmp, name)
			os.WriteFile(path, jp, 0o644)
			if *keep != "" {
				os.MkdirAll(*keep, 0o755)
				os.WriteFile(filepath.Join(*keep, name), jp, 0o644)
				if l, ok := labels[filepath.Base(f)]; ok {
					l["file"], l["pages"] = name, 1
					b, _ := json.Marshal(l)
					truth = append(append(truth, b...), '\n')
				}
			}
			ours := ""
			if prd, err := p.ReadFile(ctx, path); err == nil && len(prd.Pages) > 0 {
				ours = prd.Pages[0].Text()
				for _, l := range prd.Pages[0].Stamps {
					ours += "\n" + l.Text() // the red ink, read apart
				}
			}
			out, err := exec.Command("tesseract", path, "-", "-l", "vie").Output()
			if err != nil {
				log.Fatalf("tesseract: %v", err)
			}
			wo, wr := eval.WordErrorRate(ours, ref), eval.WordErrorRate(string(out), ref)
			bo, br := eval.BagOfWordsError(ours, ref), eval.BagOfWordsError(string(out), ref)
			sumOurs += wo
			sumRaw += wr
			bagOurs += bo
			bagRaw += br
			count++
			if wo > wr+1e-9 {
				worse++
			}
			cfg, _, _ := image.DecodeConfig(bytes.NewReader(jp))
			fmt.Printf("%-24s %5d %5d %4d %4.2f %6.3f %6.3f %8.3f %8.3f\n", name, max(cfg.Width, cfg.Height), opt.Blur, opt.Quality, opt.Shadow, wo, wr, bo, br)
		}
	}
	if count == 0 {
		log.Fatal("no photos")
	}
	if *keep != "" && len(truth) > 0 {
		if err := os.WriteFile(filepath.Join(*keep, "truth.jsonl"), truth, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("\n%d photos of %d documents: word error rate, pipeline %.3f, Tesseract CLI %.3f; the pipeline worse on %d\n",
		count, len(files), sumOurs/float64(count), sumRaw/float64(count), worse)
	fmt.Printf("words missed or wrong in any order (bag of words): pipeline %.3f, Tesseract CLI %.3f\n",
		bagOurs/float64(count), bagRaw/float64(count))
}

// pageOneLabels are the labels of the fields a document's first page
// holds (the header, the title and subject), by file name: a photo is of
// page 1, and the signature is on the last.
func pageOneLabels(path string) map[string]map[string]any {
	out := map[string]map[string]any{}
	data, err := os.ReadFile(path)
	if err != nil {
		return out
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		var t map[string]any
		if json.Unmarshal(line, &t) != nil {
			continue
		}
		file, _ := t["file"].(string)
		l := map[string]any{}
		for _, f := range []string{"doc_type", "number", "symbol", "issuer", "parent", "issued_at", "place", "subject", "urgency", "confidentiality"} {
			if v, ok := t[f]; ok {
				l[f] = v
			}
		}
		out[filepath.Base(file)] = l
	}
	return out
}
