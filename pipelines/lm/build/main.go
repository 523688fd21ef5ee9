// Command build counts the embedded language model (pipelines/lm) from
// born-digital text: by default the synthetic archive the corpus
// generator writes (pipelines/corpus: its documents' text as typed,
// seeded, so that the same seed writes the same model); or the "text" of
// the JSON lines `vanthu extract` printed for a folder of born-digital
// documents (-records; documents with a secrecy marking are left out).
//
//	go run ./pipelines/lm/build                 # writes pipelines/lm/model.gz
//	go run ./pipelines/lm/build -records recs.jsonl -out lm.gz
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"log"
	"os"

	"github.com/vanthu/vanthu/pipelines/corpus"
	"github.com/vanthu/vanthu/pipelines/lm"
)

func main() {
	out := flag.String("out", "pipelines/lm/model.gz", "where to write the model")
	n := flag.Int("n", 2000, "synthetic documents counted (without -records)")
	seed := flag.Uint64("seed", 99, "random seed of the synthetic documents (not the corpora's eval seeds)")
	records := flag.String("records", "", "JSON lines of records (vanthu extract) whose text is counted instead")
	flag.Parse()
	m := lm.New()
	if *records != "" {
		f, err := os.Open(*records)
		if err != nil {
			log.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 256<<20)
		read, counted := 0, 0
		for sc.Scan() {
			read++
			var r struct{ Text, Error, Confidentiality string }
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				log.Fatalf("%s line %d: %v", *records, read, err)
			}
			// A secret document's text stays out: the model serves everyone.
			if r.Error == "" && r.Confidentiality == "" {
				m.Learn(r.Text)
				counted++
			}
		}
		if err := sc.Err(); err != nil {
			log.Fatalf("%s after line %d: %v", *records, read, err)
		}
		f.Close()
		log.Printf("%s: %d records, %d counted (the others failed or are marked secret)", *records, read, counted)
		if m.Words() == 0 {
			log.Fatalf("%s: no words to count", *records)
		}
	} else {
		for _, t := range corpus.Texts(*n, *seed) {
			m.Learn(t)
		}
	}
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := m.WriteTo(f); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s: %d words", *out, m.Words())
}
