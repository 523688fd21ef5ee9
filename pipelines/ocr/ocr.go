// Package ocr runs Tesseract through gosseract: a pool of workers, each
// owning its own clients (a TessBaseAPI is not safe for concurrent use),
// sized to the cores, with Tesseract's own OpenMP threads limited to one so
// that page-level parallelism is the only parallelism.
package ocr

import (
	"context"
	"encoding/binary"
	"errors"
	"image"
	"runtime"
	"sync"

	"github.com/vanthu/vanthu/pipelines/digits"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// Reader is what the pipeline asks of OCR: the seam between reading
// pages and Tesseract. Engine is the Tesseract one; ocrtest.Canned answers
// with canned words, so that extraction, stamps and blanks are tested
// without Tesseract. Word boxes are in the image's pixels.
type Reader interface {
	Page(ctx context.Context, img *image.Gray) ([]doc.Word, error)   // a whole page
	Digits(ctx context.Context, img *image.Gray) ([]doc.Word, error) // a handwritten number or day in its blank
	Block(ctx context.Context, img *image.Gray) ([]doc.Word, error)  // one block of text (a stamp turned level)
	Column(ctx context.Context, img *image.Gray) ([]doc.Word, error) // one column of lines of varying sizes
	Sparse(ctx context.Context, img *image.Gray) ([]doc.Word, error) // scattered words (stamps)
}

var _ Reader = (*Engine)(nil)

// Config of the pool.
type Config struct {
	Workers   int      // default: GOMAXPROCS
	Languages []string // default: vie
}

// ErrClosed is returned after Close.
var ErrClosed = errors.New("ocr engine closed")

// Engine is the worker pool.
type Engine struct {
	jobs    chan job
	wg      sync.WaitGroup
	closeMu sync.Once
	langs   []string
}

type jobKind int

const (
	pageJob jobKind = iota
	digitsJob
	sparseJob
	blockJob
	columnJob
)

type job struct {
	ctx   context.Context
	kind  jobKind
	img   *image.Gray
	reply chan result
}

type result struct {
	words []doc.Word
	err   error
}

// New starts the pool. Clients are created lazily by each worker.
func New(cfg Config) *Engine {
	n := cfg.Workers
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	langs := cfg.Languages
	if len(langs) == 0 {
		langs = []string{"vie"}
	}
	e := &Engine{jobs: make(chan job), langs: langs}
	for range n {
		e.wg.Add(1)
		go e.worker()
	}
	return e
}

// Close stops the workers and frees their clients.
func (e *Engine) Close() {
	e.closeMu.Do(func() { close(e.jobs) })
	e.wg.Wait()
}

func (e *Engine) submit(ctx context.Context, kind jobKind, img *image.Gray) (ws []doc.Word, err error) {
	defer func() {
		if recover() != nil { // send on closed channel
			ws, err = nil, ErrClosed
		}
	}()
	reply := make(chan result, 1)
	select {
	case e.jobs <- job{ctx: ctx, kind: kind, img: img, reply: reply}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	// The worker always answers; waiting for it keeps the image alive
	// until Tesseract is done with its copy.
	r := <-reply
	return r.words, r.err
}

// Page recognises a whole page. Word boxes are in img's pixels.
func (e *Engine) Page(ctx context.Context, img *image.Gray) ([]doc.Word, error) {
	return e.submit(ctx, pageJob, img)
}

// Digits reads one handwritten number or day from a crop around its blank
// (see digits.Clean). It returns no words when the crop holds no ink.
func (e *Engine) Digits(ctx context.Context, img *image.Gray) ([]doc.Word, error) {
	clean := digits.Clean(img)
	if clean == nil {
		return nil, nil
	}
	return e.submit(ctx, digitsJob, clean)
}

// Block reads a crop as one block of text (a stamp turned level).
func (e *Engine) Block(ctx context.Context, img *image.Gray) ([]doc.Word, error) {
	return e.submit(ctx, blockJob, img)
}

// Column reads a crop as one column of lines of varying sizes.
func (e *Engine) Column(ctx context.Context, img *image.Gray) ([]doc.Word, error) {
	return e.submit(ctx, columnJob, img)
}

// Sparse reads scattered text (stamps) from img.
func (e *Engine) Sparse(ctx context.Context, img *image.Gray) ([]doc.Word, error) {
	return e.submit(ctx, sparseJob, img)
}

// EncodeBMP writes g as an 8-bit greyscale BMP at 300 dpi. Leptonica reads
// a BMP from memory with a copy per row: 4 ms for an A4 page at 300 dpi,
// where a PGM takes 130 ms and a PNG more (measured in BENCHMARKS.md).
func EncodeBMP(g *image.Gray) []byte {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	stride := (w + 3) &^ 3
	const off = 14 + 40 + 1024
	out := make([]byte, off+stride*h)
	le := binary.LittleEndian
	copy(out, "BM")
	le.PutUint32(out[2:], uint32(len(out)))
	le.PutUint32(out[10:], off)
	hdr := out[14:]
	le.PutUint32(hdr[0:], 40)
	le.PutUint32(hdr[4:], uint32(w))
	le.PutUint32(hdr[8:], uint32(h)) // positive: rows bottom-up
	le.PutUint16(hdr[12:], 1)
	le.PutUint16(hdr[14:], 8)
	le.PutUint32(hdr[20:], uint32(stride*h))
	le.PutUint32(hdr[24:], 11811) // 300 dpi in pixels per metre
	le.PutUint32(hdr[28:], 11811)
	le.PutUint32(hdr[32:], 256)
	le.PutUint32(hdr[36:], 256)
	pal := out[54:off]
	for i := 0; i < 256; i++ {
		pal[4*i], pal[4*i+1], pal[4*i+2] = byte(i), byte(i), byte(i)
	}
	for y := 0; y < h; y++ {
		row := out[off+(h-1-y)*stride:]
		copy(row[:w], g.Pix[y*g.Stride:y*g.Stride+w]) // a SubImage's Pix starts at its Min
	}
	return out
}
