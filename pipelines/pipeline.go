// Package pipelines is the document pipeline as plain Go: sniff the upload,
// read its pages (the PDF's own text where it is the document, OCR where it
// is not), extract the Decree 30 record and classify it. The CLI calls it
// directly; the Knative functions are thin adapters over its stages.
package pipelines

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/vanthu/vanthu/internal/config"
	"github.com/vanthu/vanthu/internal/viet"
	"github.com/vanthu/vanthu/pipelines/digits"
	"github.com/vanthu/vanthu/pipelines/doc"
	"github.com/vanthu/vanthu/pipelines/extract"
	"github.com/vanthu/vanthu/pipelines/lm"
	"github.com/vanthu/vanthu/pipelines/ocr"
	"github.com/vanthu/vanthu/pipelines/preprocess"
	"github.com/vanthu/vanthu/pipelines/raster"
	"github.com/vanthu/vanthu/pipelines/sniff"
	"github.com/vanthu/vanthu/pipelines/textlayer"
)

// Config of a pipeline. Zero values mean the defaults.
type Config struct {
	MaxPages  int // pages per file (default 500)
	MaxPixels int // pixels per page image (default raster.DefaultMaxPixels)
	// MaxFilePixels bounds the pixels of all the page images one file
	// makes (default 5,000 megapixels: 500 A4 pages at 300 dpi); a file
	// declaring more is refused, whatever its size in bytes.
	MaxFilePixels int64
	// PixelsInFlight bounds the page images decoded at once, in pixels,
	// across every file the pipeline reads (default MaxPixels): memory
	// stays bounded whatever the pages' sizes and the callers' number.
	PixelsInFlight int64
	MaxBytes       int64 // bytes per file (default 512 MiB)
	Preprocess     preprocess.Options
	// NoTextLayer forces OCR of every page (for measuring OCR on born-digital files).
	NoTextLayer bool
	// NoDigitsPass skips the digits-only re-reading of blank numbers and days.
	NoDigitsPass bool
	// TesseractDigits reads handwritten blanks with Tesseract's digits
	// mode instead of the handwriting reader (to compare the two).
	TesseractDigits bool
	// Timeout bounds the work on one file (default 10 minutes): a file
	// that makes poppler hang fails alone instead of holding the batch.
	Timeout time.Duration
	Logger  *slog.Logger
	// NoLanguageModel leaves OCR's tone marks as read (for measuring the
	// language model, pipelines/lm).
	NoLanguageModel bool
	// LanguageModel puts OCR's tone marks right (default: lm.Default(),
	// the embedded one).
	LanguageModel *lm.Model
	// Blank, when set, is given every handwritten blank's crop as the
	// handwriting reader is: what `vanthu admin digit-crops` makes
	// training data of once a person has said what it reads.
	Blank func(field string, crop *image.Gray)
}

// Pipeline reads documents. It is safe for concurrent use; OCR work from
// every caller shares one worker pool.
type Pipeline struct {
	cfg Config
	ocr ocr.Reader
	// raster bounds how many page images are decoded at once, pixels
	// their total (memory).
	raster chan struct{}
	pixels *semaphore.Weighted
	// inFlight and peak count the pixels decoded at once (tests, metrics).
	inFlight, peak atomic.Int64
	log            *slog.Logger
}

// PeakPixels is the most pixels of page images the pipeline has held at
// once.
func (p *Pipeline) PeakPixels() int64 { return p.peak.Load() }

// Standalone is the pipeline a function run alone reads with: the
// default configuration over one Tesseract worker of Vietnamese; stop
// closes the worker.
func Standalone() (p *Pipeline, stop func() error) {
	engine := ocr.New(ocr.Config{Workers: 1, Languages: []string{"vie"}})
	return New(DefaultConfig(), engine, 1), func() error { engine.Close(); return nil }
}

// New returns a pipeline over an OCR engine (owned by the caller).
func New(cfg Config, engine ocr.Reader, workers int) *Pipeline {
	if cfg.MaxPages <= 0 {
		cfg.MaxPages = 500
	}
	if cfg.MaxPixels <= 0 {
		cfg.MaxPixels = raster.DefaultMaxPixels
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = 512 << 20
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Minute
	}
	if cfg.MaxFilePixels <= 0 {
		cfg.MaxFilePixels = 5_000_000_000
	}
	if cfg.PixelsInFlight <= 0 {
		cfg.PixelsInFlight = int64(cfg.MaxPixels)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Pipeline{cfg: cfg, ocr: engine, raster: make(chan struct{}, max(1, workers)+1), pixels: semaphore.NewWeighted(cfg.PixelsInFlight), log: log}
}

// DefaultConfig has every preprocessing step on.
func DefaultConfig() Config { return Config{Preprocess: preprocess.Defaults} }

// lineGap is the share of the page width above which a horizontal gap
// splits a row into two lines (the header's two columns, a number's blank).
// Justified Vietnamese stretches word spaces to about 1.5% at most.
const lineGap = 0.022

// Read is the read stage's result, everything the extract stage needs: it
// is stored as an artifact between the two functions, so it holds no image.
type Read struct {
	Kind  sniff.Kind `json:"kind"`
	Pages []doc.Page `json:"pages"`
	// Digits are the digits-only readings of the blanks where a number or
	// a day is handwritten, made while the page image was at hand.
	Digits []DigitReading `json:"digits,omitempty"`
}

// ReadArtifact is what the read (ocr) stage writes for the extract stage:
// the pages, or why the file could not be read (extract turns that into a
// record carrying the error). One type for both functions, which talk only
// through it and their events.
type ReadArtifact struct {
	Read
	Error string `json:"error,omitempty"`
}

// printedConf is the digits-mode confidence above which Tesseract's
// reading of a blank, the same as the page OCR's, is taken for print (a
// number the page OCR doubted): measured, Tesseract gives 0.95–0.97 on
// print and at most 0.92 on the pens of the real scans, right or wrong.
const printedConf = 0.95

// DigitReading is one blank read again with digits only.
type DigitReading struct {
	Field  string  `json:"field"` // "number" or "day"
	Digits string  `json:"digits"`
	Conf   float64 `json:"conf"`
	// Candidates are the handwriting reader's likeliest readings, most
	// likely first.
	Candidates []extract.Candidate `json:"candidates,omitempty"`
	// Tesseract is what Tesseract's digits mode read, and its confidence.
	Tesseract     string  `json:"tesseract,omitempty"`
	TesseractConf float64 `json:"tesseract_conf,omitempty"`
}

// Process reads path and extracts its record. It never returns an error:
// a file that cannot be read gets its Error set, and the batch goes on.
func (p *Pipeline) Process(ctx context.Context, path string) doc.Record {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	rec, err := p.process(ctx, path)
	if err == nil && ctx.Err() != nil {
		err = fmt.Errorf("gave up after %v: %w", p.cfg.Timeout, ctx.Err())
	}
	if err != nil {
		rec = doc.NewRecord(path)
		rec.Error = err.Error()
	}
	rec.File = path
	return rec
}

func (p *Pipeline) process(ctx context.Context, path string) (doc.Record, error) {
	rd, err := p.ReadFile(ctx, path)
	if err != nil {
		return doc.Record{}, err
	}
	return p.Extract(ctx, rd), nil
}

// Extract runs extraction and classification over read pages, applying
// the digits-only readings of blank numbers and days.
func (p *Pipeline) Extract(ctx context.Context, rd *Read) (rec doc.Record) {
	defer func() {
		if r := recover(); r != nil {
			rec = doc.NewRecord("")
			rec.Error = "the record could not be extracted: " + recovered(r, 0).Error()
		}
	}()
	res := extract.Extract(rd.Pages)
	for _, b := range res.Blanks {
		var cands []extract.Candidate
		for _, d := range rd.Digits {
			if d.Field != b.Field {
				continue
			}
			// The handwriting reader's readings; Tesseract's when it read
			// nothing (or was not asked), with the confidence the
			// handwriting rule gave them before: never enough to skip review.
			cands = d.Candidates
			if tess := strings.TrimSpace(d.Tesseract); tess != "" && tess == b.Guess && d.TesseractConf >= printedConf {
				// Print: read alike by the page's OCR and, with confidence,
				// by Tesseract's digits mode.
				cands = []extract.Candidate{{Digits: tess, P: d.TesseractConf}}
			} else if cands == nil && strings.TrimSpace(d.Digits) != "" {
				cands = []extract.Candidate{{Digits: strings.TrimSpace(d.Digits), P: min(0.5, max(0.3, d.Conf*0.8))}}
			}
		}
		res.ApplyDigits(b, cands)
	}
	rec = res.Record
	rec.Pages = len(rd.Pages)
	texts := make([]string, len(rd.Pages))
	for i, pg := range rd.Pages {
		texts[i] = pg.Text()
	}
	rec.Text = strings.Join(texts, "\f")
	return rec
}

// readBlanks finds, by a first extraction, the blanks of page 1 where a
// number or day is handwritten, and reads each with digits only.
func (p *Pipeline) readBlanks(ctx context.Context, rd *Read, first *image.Gray) {
	if p.cfg.NoDigitsPass || first == nil || p.ocr == nil {
		return
	}
	for _, b := range extract.Extract(rd.Pages).Blanks {
		if b.Page != 1 {
			continue
		}
		dr := p.readDigits(ctx, first, b.Box, b.Field)
		p.log.Debug("digits pass", "field", b.Field, "guess", b.Guess, "tesseract", dr.Tesseract, "tesseract_conf", dr.TesseractConf, "read", dr.Digits, "conf", dr.Conf, "candidates", dr.Candidates)
		rd.Digits = append(rd.Digits, dr)
	}
}

// readDigits reads the handwriting in one blank: with the handwriting
// reader (pipelines/digits), or Tesseract's digits mode when configured.
func (p *Pipeline) readDigits(ctx context.Context, img *image.Gray, b doc.Box, field string) DigitReading {
	out := DigitReading{Field: field}
	r := image.Rect(int(b.X), int(b.Y), int(b.Right()), int(b.Bottom())).Intersect(img.Rect)
	if r.Dx() < 8 || r.Dy() < 8 {
		return out
	}
	crop := img.SubImage(r).(*image.Gray)
	if p.cfg.Blank != nil {
		p.cfg.Blank(field, crop)
	}
	if dir := config.Get("VANTHU_DEBUG_CROPS"); dir != "" {
		if f, err := os.CreateTemp(dir, field+"-*.png"); err == nil {
			png.Encode(f, crop)
			f.Close()
		}
	}
	// Tesseract's digits mode: kept beside the handwriting reader's for the
	// record (and used when that reads nothing). It reads a pen badly, and
	// gives no confidence in this mode.
	words, err := p.ocr.Digits(ctx, crop)
	if err == nil && len(words) > 0 {
		var s strings.Builder
		var conf float64
		for _, w := range words {
			s.WriteString(w.Text)
			conf += w.Conf
		}
		out.Tesseract, out.TesseractConf = s.String(), conf/float64(len(words))
		out.Digits, out.Conf = out.Tesseract, out.TesseractConf
	}
	if p.cfg.TesseractDigits {
		return out
	}
	if r := digits.Default(); r != nil {
		if clean := digits.Clean(crop); clean != nil {
			rd := r.ReadDigits(clean)
			for _, c := range rd.Candidates {
				out.Candidates = append(out.Candidates, extract.Candidate{Digits: c.Digits, P: c.P})
			}
			if len(out.Candidates) > 0 {
				out.Digits, out.Conf = out.Candidates[0].Digits, out.Candidates[0].P
			}
		}
	}
	return out
}

// isPhoto: a page image under 150 dpi is a phone photo (or a fax), not
// a 200-dpi scan, which upscaling always helps.
func isPhoto(dpi float64) bool { return dpi < doc.DPI/2 }

// readPhoto reads a phone photo of a page (~100 dpi). What reads a photo
// best differs from one to the next, measured on the photo set
// (bench/photos): flattening the background helps shadowed ones and can
// hurt evenly lit ones, upscaling helps sharp ones and hurts blurred
// ones, deskewing helps a slanted shot and hurts one in perspective. The
// page is read four ways and the reading with the most Vietnamese kept;
// It returns the page image the words' boxes are on.
func (p *Pipeline) readPhoto(ctx context.Context, prep preprocess.Page) ([]doc.Word, *image.Gray, string, error) {
	plain := prep.Plain
	rotated := plain
	if prep.Skew != 0 {
		rotated = preprocess.Rotate(plain, prep.Skew)
	}
	type candidate struct {
		note  string
		page  *image.Gray // the image the boxes are given on
		scale float64     // the image read is page upscaled by scale
	}
	cands := []candidate{
		{"background flattened", prep.Text, 1},
		{"as it came", rotated, 1},
		{"background flattened, upscaled ×2", prep.Text, 2},
	}
	if prep.Skew != 0 {
		cands = append(cands, candidate{"as it came, not deskewed", plain, 1})
	}
	var best []doc.Word
	var page *image.Gray
	bestScore, note := -1.0, ""
	for _, c := range cands {
		img := c.page
		if c.scale != 1 {
			img = preprocess.Upscale(img, c.scale)
		}
		ws, err := p.ocr.Page(ctx, img)
		if err != nil {
			return nil, nil, "", err
		}
		if s := readingScore(ws); s > bestScore {
			best, page, bestScore, note = ws, c.page, s, c.note
			if c.scale != 1 {
				for i := range best {
					b := best[i].Box
					best[i].Box = doc.Box{X: b.X / c.scale, Y: b.Y / c.scale, W: b.W / c.scale, H: b.H / c.scale}
				}
			}
		}
	}
	return best, page, note, nil
}

// readingScore weighs an OCR reading by how much of it is Vietnamese:
// the letters of words that are syllables, numbers or abbreviations, by
// their confidence.
func readingScore(words []doc.Word) float64 {
	var s float64
	for _, w := range words {
		if len(viet.ImplausibleWords(w.Text)) == 0 {
			s += w.Conf * float64(len([]rune(w.Text)))
		}
	}
	return s
}

// minSide is the fewest pixels a page image has on a side: smaller is no
// page (a pixel, an icon), and nothing on it can be read.
const minSide = 32

// hugePage is a page image (pixels) whose memory is given back as soon as
// the page is done: several A4 pages at 600 dpi.
const hugePage = 20_000_000

// fileBudget counts the pixels a file's pages have taken.
type fileBudget struct{ used atomic.Int64 }

// admit is asked before a page image of the file is decoded: the file's
// budget is charged (refused past MaxFilePixels), and the page waits
// until its pixels fit in what is in flight. *release gives them back.
func (p *Pipeline) admit(ctx context.Context, fb *fileBudget, release *func()) raster.Admit {
	return func(w, h int) error {
		if w < minSide || h < minSide {
			return fmt.Errorf("the image is %d×%d pixels: too small to be a page", w, h)
		}
		px := int64(w) * int64(h)
		if used := fb.used.Add(px); used > p.cfg.MaxFilePixels {
			return fmt.Errorf("%w: the page images of this file add up to more than %d megapixels (limit %d, --max-file-pixels)",
				raster.ErrTooLarge, used/1_000_000, p.cfg.MaxFilePixels/1_000_000)
		}
		n := min(px, p.cfg.PixelsInFlight)
		if err := p.pixels.Acquire(ctx, n); err != nil {
			return err
		}
		now := p.inFlight.Add(px)
		for peak := p.peak.Load(); now > peak && !p.peak.CompareAndSwap(peak, now); peak = p.peak.Load() {
		}
		*release = func() {
			p.inFlight.Add(-px)
			if n >= hugePage {
				// Collected before the next page takes its place: the
				// collector would otherwise let both live at once.
				runtime.GC()
			}
			p.pixels.Release(n)
		}
		return nil
	}
}

// guard turns a panic while reading page n (0: the file) into that
// page's error: a file that trips a bug in a decoder or a library is one
// failed document, not a crashed process.
func guard(err *error, n int) {
	if r := recover(); r != nil {
		*err = recovered(r, n)
	}
}

func recovered(r any, n int) error {
	where := "the file"
	if n > 0 {
		where = fmt.Sprintf("page %d", n)
	}
	slog.Error("panic while reading", "where", where, "panic", r, "stack", string(debug.Stack()))
	return fmt.Errorf("%s could not be read (internal error: %v)", where, r)
}

// ReadFile sniffs and reads the pages of one file.
func (p *Pipeline) ReadFile(ctx context.Context, path string) (rd *Read, err error) {
	defer guard(&err, 0)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("stat: %w", err)
	}
	if st.IsDir() {
		return nil, errors.New("is a directory")
	}
	if st.Size() > p.cfg.MaxBytes {
		return nil, fmt.Errorf("file is %d bytes, limit %d", st.Size(), p.cfg.MaxBytes)
	}
	head := make([]byte, sniff.HeaderLen)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read: %w", err)
	}
	kind, err := sniff.Sniff(head[:n])
	if err != nil {
		return nil, err
	}
	var first *image.Gray
	fb := &fileBudget{}
	if kind == sniff.PDF {
		rd, first, err = p.readPDF(ctx, path, f, st.Size(), fb)
	} else {
		var data []byte
		if data, err = os.ReadFile(path); err != nil {
			return nil, fmt.Errorf("read: %w", err)
		}
		rd, first, err = p.readImage(ctx, kind, data, fb)
	}
	if err != nil {
		return nil, err
	}
	p.readBlanks(ctx, rd, first)
	return rd, nil
}

func (p *Pipeline) readImage(ctx context.Context, kind sniff.Kind, data []byte, fb *fileBudget) (*Read, *image.Gray, error) {
	n := 1
	decode := func(_ int, admit raster.Admit) (*image.RGBA, error) {
		imgs, err := raster.DecodeImageAdmitted(data, p.cfg.MaxPixels, admit)
		if err != nil {
			return nil, err
		}
		return imgs[0], nil
	}
	if kind == sniff.TIFF {
		var err error
		if n, err = raster.TIFFPageCount(data); err != nil {
			return nil, nil, err
		}
		decode = func(i int, admit raster.Admit) (*image.RGBA, error) {
			return raster.DecodeTIFFPageAdmitted(data, i, p.cfg.MaxPixels, admit)
		}
	}
	if n > p.cfg.MaxPages {
		return nil, nil, fmt.Errorf("image has %d pages, limit %d (--max-pages)", n, p.cfg.MaxPages)
	}
	rd := &Read{Kind: kind, Pages: make([]doc.Page, n)}
	var first *image.Gray
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			defer guard(&errs[i], i+1)
			// Pages are decoded only when a slot is free: memory stays
			// bounded by the workers, not by the page count.
			select {
			case p.raster <- struct{}{}:
			case <-ctx.Done():
				errs[i] = ctx.Err()
				return
			}
			defer func() { <-p.raster }()
			release := func() {}
			defer func() { release() }()
			img, err := decode(i, p.admit(ctx, fb, &release))
			if err != nil {
				errs[i] = err
				return
			}
			pg, gray, err := p.ocrPage(ctx, i+1, img, nil)
			rd.Pages[i], errs[i] = pg, err
			if i == 0 {
				first = gray
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	return rd, first, nil
}

// ocrPage prepares and recognises one page image. widgets are words the PDF
// stamped on the page (number, day) that OCR would not see.
func (p *Pipeline) ocrPage(ctx context.Context, n int, img *image.RGBA, widgets []doc.Word) (doc.Page, *image.Gray, error) {
	pg, g, err := p.readPage(ctx, n, img, widgets)
	if err != nil || pg.Source != doc.SourceOCR || len(widgets) > 0 {
		return pg, g, err
	}
	var words []doc.Word
	for _, l := range pg.Lines {
		words = append(words, l.Words...)
	}
	if len(words) < minTurnWords || readingShare(words) >= uprightShare {
		return pg, g, nil
	}
	// Hardly any of the reading is Vietnamese: a page scanned upside down
	// or a photo taken sideways (and no EXIF to say so). Measured on the
	// real dev pages: upright, 0.82–0.95 of the letters read are in
	// Vietnamese words; turned 90°, 180° or 270°, 0.11–0.18.
	best, bestScore := 0, readingScore(words)
	for _, deg := range []int{90, 180, 270} {
		if err := ctx.Err(); err != nil {
			return pg, g, err
		}
		// The grey page read turned, a quarter of the colour page's bytes:
		// the colour page is turned only for the turn that reads.
		ws, err := p.ocr.Page(ctx, raster.TurnGray(g, deg))
		if err != nil {
			return pg, g, fmt.Errorf("OCR page %d turned %d°: %w", n, deg, err)
		}
		if s := readingScore(ws); s > 2*bestScore && readingShare(ws) >= uprightShare {
			best, bestScore = deg, s
		}
	}
	if best == 0 {
		return pg, g, nil
	}
	pg, g, err = p.readPage(ctx, n, raster.Turn(img, best), nil)
	pg.Note = strings.TrimSpace(pg.Note + fmt.Sprintf(" turned %d° (it lay on its side or upside down)", best))
	return pg, g, err
}

// minTurnWords is the fewest words a reading needs to be judged upright
// or not: a stamp, a signature or a few pen words on a page say nothing.
const minTurnWords = 15

// uprightShare is the share of the letters read in Vietnamese words
// below which a page may lie on its side.
const uprightShare = 0.45

// readingShare is the share of the letters read that are in Vietnamese
// words (readingScore over all letters).
func readingShare(words []doc.Word) float64 {
	all := 0.0
	for _, w := range words {
		all += float64(len([]rune(w.Text)))
	}
	if all == 0 {
		return 0
	}
	return readingScore(words) / all
}

// readPage prepares and recognises one page image as it lies.
func (p *Pipeline) readPage(ctx context.Context, n int, img *image.RGBA, widgets []doc.Word) (doc.Page, *image.Gray, error) {
	dpi := raster.EstimateDPI(img.Rect.Dx(), img.Rect.Dy())
	photo := isPhoto(dpi)
	opt := p.cfg.Preprocess
	if photo {
		// At ~100 dpi a blurred word is one blot the size of a stamp's
		// ring: removing graphics removes text (measured on the photo set).
		opt.RemoveGraphics = false
	}
	prep := preprocess.Prepare(img, opt)
	scale := 1.0
	if dpi < raster.MinDPI && !photo {
		// Tesseract reads 10-pt Vietnamese with its stacked marks poorly
		// at 200 dpi: the grey page is brought to 300.
		scale = doc.DPI / dpi
		prep.Text = preprocess.Upscale(prep.Text, scale)
	}
	img = nil // the colour page is not needed past here
	w, h := float64(prep.Text.Rect.Dx()), float64(prep.Text.Rect.Dy())
	pg := doc.Page{Number: n, Width: w, Height: h, Source: doc.SourceOCR}
	if scale != 1 {
		pg.Note = fmt.Sprintf("upscaled ×%.2f", scale)
	}
	if prep.Skew != 0 {
		pg.Note = strings.TrimSpace(pg.Note + fmt.Sprintf(" deskewed %.2f°", prep.Skew))
	}
	if prep.Blank() && len(widgets) == 0 {
		pg.Source = doc.SourceBlank
		pg.Note = strings.TrimSpace(pg.Note + " blank page")
		return pg, prep.Text, nil
	}
	if dir := config.Get("VANTHU_DEBUG_CROPS"); dir != "" {
		if f, err := os.CreateTemp(dir, fmt.Sprintf("page%d-*.png", n)); err == nil {
			png.Encode(f, prep.Text)
			f.Close()
		}
	}
	var words []doc.Word
	var err error
	if photo {
		var note string
		words, prep.Text, note, err = p.readPhoto(ctx, prep)
		pg.Note = strings.TrimSpace(pg.Note + " photo: " + note)
	} else {
		words, err = p.ocr.Page(ctx, prep.Text)
	}
	if err != nil {
		return pg, nil, fmt.Errorf("OCR page %d: %w", n, err)
	}
	words = p.rereadSignatureColumns(ctx, prep.Text, words)
	if photo {
		// Read at its own resolution, given as every page is: in pixels of
		// the page at 300 dpi (the evidence boxes' contract), and so is the
		// grey page the blanks are read again from.
		s := doc.DPI / dpi
		for i := range words {
			b := words[i].Box
			words[i].Box = doc.Box{X: b.X * s, Y: b.Y * s, W: b.W * s, H: b.H * s}
		}
		prep.Text = preprocess.Upscale(prep.Text, s)
		w, h = float64(prep.Text.Rect.Dx()), float64(prep.Text.Rect.Dy())
		pg.Width, pg.Height = w, h
	}
	words = append(words, widgets...)
	pg.Lines = doc.BuildLines(words, lineGap*w)
	p.fixTones(pg.Lines)
	p.log.Debug("page prepared", "page", n, "red", prep.RedShare, "ink", prep.Ink, "skew", prep.Skew)
	if n == 1 && prep.RedShare > 0.0003 {
		pg.Stamps = p.readStamps(ctx, prep.Red)
	}
	return pg, prep.Text, nil
}

// fixTones puts right, line by line, the tone marks OCR misread, by the
// words beside them (pipelines/lm).
func (p *Pipeline) fixTones(lines []doc.Line) {
	if p.cfg.NoLanguageModel {
		return
	}
	m := p.cfg.LanguageModel
	if m == nil {
		m = lm.Default()
	}
	for i := range lines {
		ws := lines[i].Words
		texts := make([]string, len(ws))
		for j, w := range ws {
			texts[j] = w.Text
		}
		for j, fixed := range m.Fix(texts) {
			if fixed != "" {
				ws[j].Text = fixed
			}
		}
	}
}

// rereadSignatureColumns reads the left column of the signature zone (the
// "Nơi nhận" list) again on its own. Tesseract joins "- Như trên;" (11 pt,
// left) and "PHÓ CHỦ TỊCH" (13 pt bold, right) into one text line across
// the gap and garbles the small text; read apart it is clean. The right
// column keeps its first reading, which is the better one for bold caps.
func (p *Pipeline) rereadSignatureColumns(ctx context.Context, g *image.Gray, words []doc.Word) []doc.Word {
	W, H := g.Rect.Dx(), g.Rect.Dy()
	top := -1.0
	for i := 0; i+1 < len(words); i++ {
		w := words[i]
		if w.Box.X < 0.4*float64(W) && viet.Fold(w.Text) == "noi" && strings.HasPrefix(viet.Fold(words[i+1].Text), "nhan") {
			top = w.Box.Y - 0.3*w.Box.H
			break
		}
	}
	if top < 0 {
		return words
	}
	mid := int(0.45 * float64(W))
	y0 := int(top)
	r := image.Rect(0, y0, mid, min(H, y0+H*35/100))
	ws, err := p.ocr.Column(ctx, g.SubImage(r).(*image.Gray))
	if err != nil {
		return words // keep the first reading
	}
	var out []doc.Word
	for _, w := range words {
		if c := (image.Point{int(w.Box.X + w.Box.W/2), int(w.Box.Y + w.Box.H/2)}); !c.In(r) {
			out = append(out, w)
		}
	}
	for _, w := range ws {
		w.Box.X += float64(r.Min.X)
		w.Box.Y += float64(r.Min.Y)
		if w.Para != 0 {
			w.Para += 1 << 24 // its lines are not the page reading's
		}
		out = append(out, w)
	}
	return out
}

// readStamps OCRs the red ink of the page's header: urgency and secrecy
// stamps sit under the number (Decree 30); the seal sits at the signature,
// lower down, even on a short one-page document.
// Stamps are often put on askew, so the crop is also read turned by up to
// ±45°, until a stamp word is read.
func (p *Pipeline) readStamps(ctx context.Context, red *image.Gray) []doc.Line {
	b := red.Rect
	upper := image.Rect(0, 0, b.Dx(), b.Dy()*40/100)
	box, ok := inkBounds(red, upper)
	if !ok || box.Dx()*box.Dy() > b.Dx()*b.Dy()/4 {
		return nil
	}
	box = box.Inset(-40).Intersect(b)
	crop := padded(red, box, 0)
	// Turn the stamp level at its own dominant angle, then read it as a
	// block; the sparse mode catches words when the angle is off.
	angle := preprocess.SkewAngle(crop, 50)
	img := crop
	if angle != 0 {
		img = preprocess.Rotate(crop, angle)
	}
	img = preprocess.RemoveFrames(img)
	if r, ok := inkBounds(img, img.Rect); ok {
		img = padded(img, r, 20)
	}
	if dir := config.Get("VANTHU_DEBUG_CROPS"); dir != "" {
		if f, err := os.CreateTemp(dir, "stamp-*.png"); err == nil {
			png.Encode(f, img)
			f.Close()
		}
	}
	var lines []doc.Line
	for _, read := range []func(context.Context, *image.Gray) ([]doc.Word, error){p.ocr.Block, p.ocr.Sparse} {
		words, err := read(ctx, img)
		if err != nil {
			return lines
		}
		var good []doc.Word
		for _, w := range words {
			if w.Conf > 0.3 {
				good = append(good, w)
			}
		}
		found := doc.BuildLines(good, float64(img.Rect.Dx()))
		lines = append(lines, found...)
		for _, l := range found {
			if f := viet.Fold(l.Text()); strings.Contains(f, "toc") || strings.Contains(f, "khan") || strings.Contains(f, "mat") {
				return lines
			}
		}
	}
	return lines
}

// padded copies r of g onto a white canvas with pad pixels around it.
func padded(g *image.Gray, r image.Rectangle, pad int) *image.Gray {
	out := image.NewGray(image.Rect(0, 0, r.Dx()+2*pad, r.Dy()+2*pad))
	for i := range out.Pix {
		out.Pix[i] = 255
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		copy(out.Pix[(y-r.Min.Y+pad)*out.Stride+pad:], g.Pix[y*g.Stride+r.Min.X:y*g.Stride+r.Max.X])
	}
	return out
}

func inkBounds(g *image.Gray, r image.Rectangle) (image.Rectangle, bool) {
	minX, minY, maxX, maxY := r.Max.X, r.Max.Y, r.Min.X, r.Min.Y
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y += 2 {
		row := g.Pix[y*g.Stride:]
		for x := r.Min.X; x < r.Max.X; x += 2 {
			if row[x] < 128 {
				n++
				minX, minY, maxX, maxY = min(minX, x), min(minY, y), max(maxX, x), max(maxY, y)
			}
		}
	}
	if n < 150 {
		return image.Rectangle{}, false
	}
	return image.Rect(minX, minY, maxX+1, maxY+1), true
}

func (p *Pipeline) readPDF(ctx context.Context, path string, f *os.File, size int64, fb *fileBudget) (*Read, *image.Gray, error) {
	rd := &Read{Kind: sniff.PDF}
	var first *image.Gray
	d, err := textlayer.Open(f, size)
	var npages int
	var unreadable error // why the Go reader could not open the file
	if err == nil {
		npages, err = d.NumPage()
	}
	if err != nil {
		// The Go reader gave up; poppler rebuilds broken cross-reference
		// tables, and decrypts what it can open without a password (AES-256
		// with permissions only: e-office certified copies, "SAO Y", are
		// made so). If it can count pages, its text or OCR of each.
		n, perr := raster.PDFPageCount(ctx, path)
		if perr != nil {
			if errors.Is(err, textlayer.ErrEncrypted) {
				return nil, nil, err // a password is needed indeed
			}
			return nil, nil, fmt.Errorf("%w (poppler: %v)", err, perr)
		}
		p.log.Info("text layer unreadable: poppler's text, or OCR, of every page", "file", path, "err", err)
		d, npages = nil, n
		unreadable = err
	}
	if npages > p.cfg.MaxPages {
		return nil, nil, fmt.Errorf("PDF has %d pages, limit %d (--max-pages)", npages, p.cfg.MaxPages)
	}
	if d != nil {
		// The pages' declared sizes, before anything is drawn: a few
		// hundred bytes can declare gigapixels.
		var total float64
		for i := 1; i <= npages; i++ {
			if w, h, err := d.PageSize(i); err == nil {
				total += w * h
			}
		}
		if total > float64(p.cfg.MaxFilePixels) {
			return nil, nil, fmt.Errorf("%w: the pages declare %.0f megapixels at %d dpi, limit %d (--max-file-pixels)",
				raster.ErrTooLarge, total/1e6, doc.DPI, p.cfg.MaxFilePixels/1_000_000)
		}
	}
	rd.Pages = make([]doc.Page, npages)
	errs := make([]error, npages)
	var wg sync.WaitGroup
	for i := range npages {
		wg.Go(func() {
			defer guard(&errs[i], i+1)
			pt := textlayer.PageText{Number: i + 1, Err: unreadable}
			if d != nil {
				pt = d.Page(i + 1)
			}
			pg, gray, err := p.readPDFPage(ctx, path, pt, i+1, fb)
			rd.Pages[i], errs[i] = pg, err
			if i == 0 && gray != nil {
				first = gray
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	return rd, first, nil
}

// readPDFPage decides, per page, whether the PDF's text is the document:
// enough letters, Vietnamese (not mojibake from a broken font map), and
// more than a signature stamp. Otherwise poppler's text, then OCR.
func (p *Pipeline) readPDFPage(ctx context.Context, path string, pt textlayer.PageText, n int, fb *fileBudget) (doc.Page, *image.Gray, error) {
	pg := doc.Page{Number: n, Width: pt.Width, Height: pt.Height}
	if !p.cfg.NoTextLayer && pt.Err == nil && len(pt.Words) > 0 {
		words := pt.PageWords()
		text := wordsText(pt.Words)
		switch {
		case letters(text) < 40:
			pg.Note = "text layer too short"
		case !viet.LooksVietnamese(text):
			pg.Note = "text layer is not Vietnamese (a broken font mapping, or a scanner's own OCR)"
			if pw, err := p.pdftotextPage(ctx, path, pt, n); err == nil && viet.LooksVietnamese(wordsText(pw)) {
				pg.Source = doc.SourcePdftotext
				pg.Lines = doc.BuildLines(pw, lineGap*pt.Width)
				return pg, nil, nil
			}
		default:
			pg.Source = doc.SourceTextLayer
			pg.Lines = doc.BuildLines(words, lineGap*pt.Width)
			return pg, nil, nil
		}
	} else if pt.Err != nil {
		// The Go reader failed on this page (encryption it cannot undo,
		// a broken stream); poppler may still read its text.
		pg.Note = pt.Err.Error()
		if !p.cfg.NoTextLayer {
			if pw, err := p.pdftotextPage(ctx, path, pt, n); err == nil && letters(wordsText(pw)) >= 40 && viet.LooksVietnamese(wordsText(pw)) {
				pg.Source = doc.SourcePdftotext
				if pg.Width == 0 {
					pg.Width, pg.Height = maxExtent(pw)
				}
				pg.Lines = doc.BuildLines(pw, lineGap*pg.Width)
				return pg, nil, nil
			}
		}
	} else if len(pt.Widgets) > 0 && pt.SignatureText() != "" {
		pg.Note = "text layer holds only a signature stamp"
	}
	// OCR. The widgets' non-signature words ride along.
	widgets := textlayer.PageText{Widgets: pt.Widgets}.PageWords()
	select {
	case p.raster <- struct{}{}:
	case <-ctx.Done():
		return pg, nil, ctx.Err()
	}
	defer func() { <-p.raster }()
	release := func() {}
	defer func() { release() }()
	img, err := raster.RenderPDFPageAdmitted(ctx, path, n, doc.DPI, pt.Width*72/doc.DPI, pt.Height*72/doc.DPI, p.cfg.MaxPixels, p.admit(ctx, fb, &release))
	if err != nil {
		return pg, nil, err
	}
	note := pg.Note
	pg, gray, err := p.ocrPage(ctx, n, img, widgets)
	pg.Note = strings.TrimSpace(note + "; " + pg.Note)
	return pg, gray, err
}

// pdftotextPage reads one page through poppler, which maps fonts that the
// Go reader garbles; signature-stamp widget text is dropped.
func (p *Pipeline) pdftotextPage(ctx context.Context, path string, pt textlayer.PageText, n int) ([]doc.Word, error) {
	out, err := runPdftotext(ctx, path, n)
	if err != nil {
		return nil, err
	}
	words := parseBBox(out)
	var keep []doc.Word
	for _, w := range words {
		inSig := false
		for _, wd := range pt.Widgets {
			cx, cy := w.Box.X+w.Box.W/2, w.Box.Y+w.Box.H/2
			if wd.Signature && cx >= wd.Box.X && cx <= wd.Box.Right() && cy >= wd.Box.Y && cy <= wd.Box.Bottom() {
				inSig = true
			}
		}
		if !inSig {
			keep = append(keep, w)
		}
	}
	return keep, nil
}

// maxExtent guesses a page's size from its words when the PDF's own page
// box could not be read: A4 at doc.DPI, or larger if words lie beyond it.
func maxExtent(ws []doc.Word) (float64, float64) {
	w, h := 8.27*doc.DPI, 11.69*doc.DPI
	for _, x := range ws {
		w, h = max(w, x.Box.Right()), max(h, x.Box.Bottom())
	}
	return w, h
}

func wordsText(ws []doc.Word) string {
	var b bytes.Buffer
	for _, w := range ws {
		b.WriteString(w.Text)
		b.WriteByte(' ')
	}
	return b.String()
}

func letters(s string) int {
	n := 0
	for _, r := range s {
		if r > ' ' && !strings.ContainsRune(".,;:-_/()[]0123456789", r) {
			n++
		}
	}
	return n
}

// BlankCrops reads a file as p does and returns the crops of its
// handwritten blanks by the record's field they are read for ("number",
// and "issued_at" for the day's blank): what a person's correction labels
// as training data for the handwriting reader.
func (p *Pipeline) BlankCrops(ctx context.Context, path string) (map[string]*image.Gray, error) {
	out := map[string]*image.Gray{}
	var mu sync.Mutex
	cfg := p.cfg
	cfg.Blank = func(field string, crop *image.Gray) {
		c := image.NewGray(image.Rect(0, 0, crop.Rect.Dx(), crop.Rect.Dy()))
		draw.Draw(c, c.Rect, crop, crop.Rect.Min, draw.Src)
		if field == "day" {
			field = "issued_at"
		}
		mu.Lock()
		out[field] = c
		mu.Unlock()
	}
	q := &Pipeline{cfg: cfg, ocr: p.ocr, raster: p.raster, pixels: p.pixels, log: p.log}
	rec := q.Process(ctx, path)
	if rec.Error != "" {
		return nil, fmt.Errorf("%s: %s", path, rec.Error)
	}
	return out, nil
}
