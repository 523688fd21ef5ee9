//go:build noocr

package ocr

import "errors"

// ErrNoOCR is what every OCR call returns in a binary built without
// Tesseract (CGO_ENABLED=0 go build -tags noocr): the static image of the
// functions that never OCR (ingest, extract, reconcile).
var ErrNoOCR = errors.New("this binary was built without OCR (-tags noocr)")

func (e *Engine) worker() {
	defer e.wg.Done()
	for j := range e.jobs {
		j.reply <- result{err: ErrNoOCR}
	}
}
