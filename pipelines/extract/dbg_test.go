package extract

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/vanthu/vanthu/pipelines/doc"
	"github.com/vanthu/vanthu/pipelines/textlayer"
)

var _ = context.Background

func TestDbg(t *testing.T) {
	f, _ := os.Open(os.Getenv("P"))
	st, _ := f.Stat()
	d, _ := textlayer.Open(f, st.Size())
	pt := d.Page(1)
	pg := doc.Page{Number: 1, Width: pt.Width, Height: pt.Height, Lines: doc.BuildLines(pt.PageWords(), 0.04*pt.Width)}
	lay := newLayout([]doc.Page{pg})
	for i, r := range lay.pages[0][:14] {
		for _, l := range r.lines {
			fmt.Printf("%d x0=%.3f x1=%.3f cx=%.3f y0=%.3f %s\n", i, l.x0(), l.x1(), l.cx(), l.y0(), l.text)
		}
	}
}
