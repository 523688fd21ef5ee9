// Package ocrtest is the OCR seam's fake: a Reader that answers with
// canned words, so that what the pipeline does with OCR's words (layout,
// extraction, blanks, stamps) is tested without Tesseract.
package ocrtest

import (
	"context"
	"image"
	"strings"
	"sync"

	"github.com/vanthu/vanthu/pipelines/doc"
	"github.com/vanthu/vanthu/pipelines/ocr"
)

// Canned answers every Page call with PageWords, every Digits call with
// DigitWords, and the stamp and column calls with nothing; it counts the
// calls.
type Canned struct {
	PageWords, DigitWords []doc.Word

	mu    sync.Mutex
	calls map[string]int
}

var _ ocr.Reader = (*Canned)(nil)

func (c *Canned) answer(kind string, ws []doc.Word) ([]doc.Word, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calls == nil {
		c.calls = map[string]int{}
	}
	c.calls[kind]++
	return append([]doc.Word(nil), ws...), nil
}

// Calls is how many times a kind of call was made ("page", "digits",
// "block", "column", "sparse").
func (c *Canned) Calls(kind string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[kind]
}

// Page answers with PageWords.
func (c *Canned) Page(context.Context, *image.Gray) ([]doc.Word, error) {
	return c.answer("page", c.PageWords)
}

// Digits answers with DigitWords.
func (c *Canned) Digits(context.Context, *image.Gray) ([]doc.Word, error) {
	return c.answer("digits", c.DigitWords)
}

// Block answers with nothing.
func (c *Canned) Block(context.Context, *image.Gray) ([]doc.Word, error) {
	return c.answer("block", nil)
}

// Column answers with nothing.
func (c *Canned) Column(context.Context, *image.Gray) ([]doc.Word, error) {
	return c.answer("column", nil)
}

// Sparse answers with nothing.
func (c *Canned) Sparse(context.Context, *image.Gray) ([]doc.Word, error) {
	return c.answer("sparse", nil)
}

// Lines lays out lines of text as an engine would read them: each
// "X,Y|text" entry is a line whose first word starts at (X, Y) in pixels
// of the 300-dpi page, its words 48 px high and 30 px a letter apart.
func Lines(entries ...string) []doc.Word {
	var out []doc.Word
	for i, e := range entries {
		pos, text, _ := strings.Cut(e, "|")
		var x, y float64
		for j, p := range strings.Split(pos, ",") {
			v := 0.0
			for _, r := range p {
				v = v*10 + float64(r-'0')
			}
			if j == 0 {
				x = v
			} else {
				y = v
			}
		}
		for _, w := range strings.Fields(text) {
			width := 30 * float64(len([]rune(w)))
			out = append(out, doc.Word{Text: w, Box: doc.Box{X: x, Y: y, W: width, H: 48}, Conf: 0.95, Para: 1, LineNo: i + 1})
			x += width + 24
		}
	}
	return out
}
