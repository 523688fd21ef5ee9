//go:build !noocr

package ocr

import (
	"fmt"
	"image"
	"strconv"
	"strings"
	"sync"

	"github.com/otiai10/gosseract/v2"

	"github.com/vanthu/vanthu/internal/viet"
	"github.com/vanthu/vanthu/pipelines/doc"
)

type worker struct {
	langs  []string
	page   *gosseract.Client
	digits *gosseract.Client
	sparse *gosseract.Client
	block  *gosseract.Client
	column *gosseract.Client
}

func (e *Engine) worker() {
	defer e.wg.Done()
	w := &worker{langs: e.langs}
	defer w.close()
	for j := range e.jobs {
		if err := j.ctx.Err(); err != nil {
			j.reply <- result{err: err}
			continue
		}
		words, err := w.run(j)
		j.reply <- result{words: words, err: err}
	}
}

func (w *worker) close() {
	for _, c := range []*gosseract.Client{w.page, w.digits, w.sparse, w.block, w.column} {
		if c != nil {
			c.Close()
		}
	}
}

func (w *worker) client(kind jobKind) (*gosseract.Client, error) {
	slot := &w.page
	switch kind {
	case digitsJob:
		slot = &w.digits
	case sparseJob:
		slot = &w.sparse
	case blockJob:
		slot = &w.block
	case columnJob:
		slot = &w.column
	}
	if *slot != nil {
		return *slot, nil
	}
	c := gosseract.NewClient()
	langs := w.langs
	if kind == digitsJob {
		// On handwritten digits the English model, whitelisted to digits,
		// read more of the real-dev numbers than the Vietnamese one.
		langs = []string{"eng"}
	}
	if err := c.SetLanguage(langs...); err != nil {
		c.Close()
		return nil, err
	}
	c.SetVariable("user_defined_dpi", strconv.Itoa(doc.DPI))
	switch kind {
	case pageJob:
		c.SetPageSegMode(gosseract.PSM_AUTO)
	case digitsJob:
		// A handwritten number or day in its blank: one short line of digits.
		c.SetPageSegMode(gosseract.PSM_SINGLE_LINE)
		c.SetWhitelist("0123456789")
	case sparseJob:
		// Stamps: scattered words at any place on the crop.
		c.SetPageSegMode(gosseract.PSM_SPARSE_TEXT)
	case blockJob:
		c.SetPageSegMode(gosseract.PSM_SINGLE_BLOCK)
	case columnJob:
		c.SetPageSegMode(gosseract.PSM_SINGLE_COLUMN)
	}
	if err := initialise(c); err != nil {
		c.Close()
		return nil, fmt.Errorf("start tesseract: %w", err)
	}
	*slot = c
	return c, nil
}

// initMu serialises the initialisation of Tesseract clients. gosseract's
// Init points the process's stderr (fd 2) at /dev/null while Tesseract
// loads its model and restores it after; two workers initialising at once
// interleave those steps, and one of them "restores" /dev/null for good:
// every later log line of the process is lost (seen here: `vanthu extract`
// on a scanned PDF printed no progress).
var initMu sync.Mutex

// blankPage is what a new client is initialised on: initialisation is
// lazy in gosseract (it happens on the first recognition), so a small
// blank image makes it happen here, under the lock, in milliseconds.
var blankPage = func() []byte {
	g := image.NewGray(image.Rect(0, 0, 200, 100))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	return EncodeBMP(g)
}()

func initialise(c *gosseract.Client) error {
	initMu.Lock()
	defer initMu.Unlock()
	if err := c.SetImageFromBytes(blankPage); err != nil {
		return err
	}
	_, err := c.GetBoundingBoxesVerbose()
	return err
}

func (w *worker) run(j job) ([]doc.Word, error) {
	c, err := w.client(j.kind)
	if err != nil {
		return nil, fmt.Errorf("start tesseract (%s): %w", strings.Join(w.langs, "+"), err)
	}
	if err := c.SetImageFromBytes(EncodeBMP(j.img)); err != nil {
		return nil, fmt.Errorf("tesseract image: %w", err)
	}
	boxes, err := c.GetBoundingBoxesVerbose()
	if err != nil {
		return nil, fmt.Errorf("tesseract: %w", err)
	}
	words := make([]doc.Word, 0, len(boxes))
	for _, b := range boxes {
		t := strings.TrimSpace(viet.NFC(b.Word))
		if t == "" {
			continue
		}
		r := b.Box
		words = append(words, doc.Word{
			Text: t,
			Box:  doc.Box{X: float64(r.Min.X), Y: float64(r.Min.Y), W: float64(r.Dx()), H: float64(r.Dy())},
			Conf: b.Confidence / 100,
			Para: 1 + b.BlockNum*1000 + b.ParNum, LineNo: b.LineNum,
		})
	}
	return words, nil
}
