package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/vanthu/vanthu/pipelines/corpus"
)

func runCorpus(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("corpus", "Usage: vanthu corpus [flags]\n\nGenerates synthetic Decree 30 documents (types "+strings.Join(corpus.Types, ", ")+")\nas born-digital PDFs and degraded scans, with truth.jsonl for 'vanthu eval'.", stderr)
	out := fs.String("out", "corpus", "folder to write the documents and truth.jsonl into")
	n := fs.Int("n", 60, "number of documents")
	seed := fs.Uint64("seed", 1, "random seed (the same seed writes the same corpus)")
	dpi := fs.Int("dpi", 0, "scan resolution (0: 200 or 300 at random, per document)")
	formats := fs.String("formats", strings.Join(corpus.Formats, ","), "comma-separated formats, taken in turn: "+strings.Join(corpus.Formats, ", "))
	reports := fs.Bool("reports", false, "only báo cáo, each with a table of indicators (and figures in sentences), their figures in the truth")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	opt := corpus.Options{N: *n, Seed: *seed, Formats: strings.Split(*formats, ","), DPI: *dpi, Reports: *reports}
	if err := corpus.Generate(ctx, *out, opt); err != nil {
		fmt.Fprintln(stderr, "vanthu corpus:", err)
		return 1
	}
	fmt.Fprintf(stderr, "wrote %d documents and truth.jsonl to %s\n", *n, *out)
	return 0
}
