package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/vanthu/vanthu/internal/config"
	"github.com/vanthu/vanthu/pipelines"
	"github.com/vanthu/vanthu/pipelines/doc"
	"github.com/vanthu/vanthu/pipelines/lm"
	"github.com/vanthu/vanthu/pipelines/ocr"
	"github.com/vanthu/vanthu/pipelines/raster"
)

// pipelineFlags are the flags every command that reads documents shares.
type pipelineFlags struct {
	jobs, workers, maxPages, maxPixels int
	maxFileMpx, inflightMpx            int64
	noTextLayer, noDeskew, noRed       bool
	noGraphics                         bool
	timeout                            time.Duration
	noDigits, verbose, tessDigits      bool
	noLM                               bool
	lmFile                             string
	langs                              string
}

func (pf *pipelineFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&pf.jobs, "jobs", runtime.GOMAXPROCS(0), "files read at once (default: the CPUs this process may use, container limits included)")
	fs.IntVar(&pf.workers, "workers", runtime.GOMAXPROCS(0), "OCR workers (Tesseract instances, one thread each)")
	fs.IntVar(&pf.maxPages, "max-pages", 500, "reject files with more pages than this")
	fs.IntVar(&pf.maxPixels, "max-pixels", raster.DefaultMaxPixels, "reject page images with more pixels than this (decompression bombs)")
	fs.Int64Var(&pf.maxFileMpx, "max-file-pixels", 5000, "reject files whose page images add up to more megapixels than this")
	fs.Int64Var(&pf.inflightMpx, "pixels-in-flight", 0, "megapixels of page images decoded at once, across all files (default: --max-pixels): bounds memory")
	fs.BoolVar(&pf.noTextLayer, "no-text-layer", false, "OCR every page, even where the PDF has a usable text layer")
	fs.BoolVar(&pf.noDeskew, "no-deskew", false, "skip deskewing scanned pages")
	fs.BoolVar(&pf.noRed, "no-red-removal", false, "keep red ink (seals, stamps) in the image Tesseract reads")
	fs.BoolVar(&pf.noGraphics, "no-graphics-removal", false, "keep large ink shapes (grey seals, signatures, logos) in the image Tesseract reads")
	fs.BoolVar(&pf.noDigits, "no-digits-pass", false, "skip the digits-only re-reading of handwritten numbers and days")
	fs.BoolVar(&pf.tessDigits, "tesseract-digits", false, "read handwritten numbers and days with Tesseract's digits mode instead of the handwriting reader (to compare)")
	fs.DurationVar(&pf.timeout, "timeout", 10*time.Minute, "give up on a file after this long (it gets an error; the batch goes on)")
	fs.StringVar(&pf.langs, "lang", "vie", "Tesseract languages, '+'-separated")
	fs.StringVar(&pf.lmFile, "language-model", config.Get("VANTHU_LANGUAGE_MODEL"), "word-pair model of the archive's own born-digital text (go run ./pipelines/lm/build -records; env VANTHU_LANGUAGE_MODEL), instead of the embedded one")
	fs.BoolVar(&pf.noLM, "no-language-model", false, "leave OCR's tone marks as read (the word-pair model puts them right by the words beside them)")
	fs.BoolVar(&pf.verbose, "v", false, "log each stage's decisions to stderr")
}

func (pf *pipelineFlags) build(stderr io.Writer) (*pipelines.Pipeline, *ocr.Engine) {
	engine := ocr.New(ocr.Config{Workers: pf.workers, Languages: strings.Split(pf.langs, "+")})
	cfg := pipelines.DefaultConfig()
	cfg.MaxPages, cfg.MaxPixels = pf.maxPages, pf.maxPixels
	cfg.MaxFilePixels, cfg.PixelsInFlight = pf.maxFileMpx*1_000_000, pf.inflightMpx*1_000_000
	cfg.NoTextLayer, cfg.NoDigitsPass, cfg.TesseractDigits = pf.noTextLayer, pf.noDigits, pf.tessDigits
	cfg.NoLanguageModel = pf.noLM
	if pf.lmFile != "" && !pf.noLM {
		f, err := os.Open(pf.lmFile)
		if err == nil {
			cfg.LanguageModel, err = lm.Read(f)
			f.Close()
		}
		if err != nil {
			// A model that cannot be read is said, and the embedded one used.
			fmt.Fprintf(stderr, "vanthu: --language-model %s: %v (the embedded model is used)\n", pf.lmFile, err)
		}
	}
	cfg.Timeout = pf.timeout
	cfg.Preprocess.Deskew = !pf.noDeskew
	cfg.Preprocess.RemoveRed = !pf.noRed
	cfg.Preprocess.RemoveGraphics = !pf.noGraphics
	cfg.Logger = newLogger(stderr, pf.verbose)
	return pipelines.New(cfg, engine, pf.workers), engine
}

func runExtract(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("extract", "Usage: vanthu extract [flags] FILE|DIR...\n\nPrints one JSON record per file to stdout (domain.md section 3), in input order;\nprogress goes to stderr. Folders are read recursively. Exits 1 if any file failed.", stderr)
	var pf pipelineFlags
	pf.register(fs)
	quiet := fs.Bool("q", false, "no progress on stderr")
	cpuprofile := fs.String("cpuprofile", "", "write a Go CPU profile to this file (time in Tesseract shows as cgo calls)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	files, err := expandInputs(fs.Args())
	if err != nil {
		fmt.Fprintln(stderr, "vanthu extract:", err)
		return 2
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(stderr, "vanthu extract:", err)
			return 2
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	p, engine := pf.build(stderr)
	defer engine.Close()
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	failed := 0
	progress := stderr
	if *quiet {
		progress = io.Discard
	}
	processAll(ctx, p, files, pf.jobs, progress, func(rec doc.Record) {
		if rec.Error != "" {
			failed++
		}
		// The contract's keys exactly (domain.md §3): the candidates of a
		// handwritten field and a report's figures travel between the
		// stages, not out.
		rec.Candidates, rec.Figures = nil, nil
		enc.Encode(rec)
	})
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "vanthu extract: interrupted")
		return 130
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "vanthu extract: %d of %d files failed\n", failed, len(files))
		return 1
	}
	return 0
}

// expandInputs lists the files to read: files as given, folders walked in
// name order. Hidden files and truth.jsonl (a corpus's labels) are skipped.
func expandInputs(args []string) ([]string, error) {
	var files []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			// Keep it: the record will say why it could not be read.
			files = append(files, a)
			continue
		}
		if !st.IsDir() {
			files = append(files, a)
			continue
		}
		var found []string
		err = filepath.WalkDir(a, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if strings.HasPrefix(name, ".") && path != a {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.IsDir() && d.Type().IsRegular() && name != "truth.jsonl" {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("walk %s: %w", a, err)
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	if len(files) == 0 {
		return nil, errors.New("no files to read")
	}
	return files, nil
}

// processAll runs the pipeline over files, jobs at a time, and hands the
// records to emit in input order; progress goes to w (a bar on a terminal).
func processAll(ctx context.Context, p *pipelines.Pipeline, files []string, jobs int, w io.Writer, emit func(doc.Record)) {
	jobs = max(1, jobs)
	progress := newProgress(w, len(files))
	defer progress.finish()
	results := make([]chan doc.Record, len(files))
	for i := range results {
		results[i] = make(chan doc.Record, 1)
	}
	sem := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	go func() {
		for i, f := range files {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				for j := i; j < len(files); j++ {
					r := doc.NewRecord(files[j])
					r.Error = "not read: " + ctx.Err().Error()
					results[j] <- r
				}
				return
			}
			wg.Go(func() {
				defer func() { <-sem }()
				start := time.Now()
				rec := p.Process(ctx, f)
				progress.file(i, f, rec.Pages, rec.Error, time.Since(start))
				results[i] <- rec
			})
		}
	}()
	for i := range files {
		emit(<-results[i])
	}
	wg.Wait()
}
