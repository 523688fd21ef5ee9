package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/vanthu/vanthu/pipelines/doc"
	"github.com/vanthu/vanthu/pipelines/eval"
)

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("eval", "Usage: vanthu eval [flags] DIR\n\nRuns extract over a labelled folder (DIR/truth.jsonl: one line per file, the keys of\nthe extraction record) and prints, per field, correct/total and accuracy, then\nfull-text word F1 and character error rate where the truth has text, and pages per minute.", stderr)
	var pf pipelineFlags
	pf.register(fs)
	misses := fs.Bool("misses", false, "list every field that was wrong, with what was read and what was expected")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	records := fs.String("records", "", "also write the extracted records (JSON lines) to this file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	dir := fs.Arg(0)
	truths, err := eval.ReadTruth(filepath.Join(dir, "truth.jsonl"))
	if err != nil {
		fmt.Fprintln(stderr, "vanthu eval:", err)
		return 2
	}
	files := make([]string, len(truths))
	for i, t := range truths {
		name, _ := t["file"].(string)
		files[i] = filepath.Join(dir, filepath.FromSlash(name))
	}
	p, engine := pf.build(stderr)
	defer engine.Close()
	var recs []doc.Record
	var recOut *json.Encoder
	if *records != "" {
		f, err := os.Create(*records)
		if err != nil {
			fmt.Fprintln(stderr, "vanthu eval:", err)
			return 2
		}
		defer f.Close()
		recOut = json.NewEncoder(f)
		recOut.SetEscapeHTML(false)
	}
	start := time.Now()
	processAll(ctx, p, files, pf.jobs, stderr, func(r doc.Record) {
		recs = append(recs, r)
		if recOut != nil {
			recOut.Encode(r)
		}
	})
	elapsed := time.Since(start)
	if ctx.Err() != nil {
		return 130
	}
	rep := eval.Score(truths, recs, elapsed)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		rep.Print(stdout, *misses)
	}
	return 0
}
