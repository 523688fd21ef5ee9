package main

import (
	"context"
	"fmt"
	"io"
)

// runRead prints the read stage's view of a file: each page's source (text
// layer, poppler, OCR, blank), why, and its lines with boxes and
// confidences. It is how a clerk or a developer sees why a field was missed.
func runRead(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("read", "Usage: vanthu read [flags] FILE\n\nPrints each page's lines as the pipeline reads them: source, boxes (pixels at 300 dpi), confidence.", stderr)
	var pf pipelineFlags
	pf.register(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	p, engine := pf.build(stderr)
	defer engine.Close()
	rd, err := p.ReadFile(ctx, fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "vanthu read: %q: %v\n", fs.Arg(0), err)
		return 1
	}
	for _, pg := range rd.Pages {
		fmt.Fprintf(stdout, "=== page %d  %s  %.0f×%.0f  %s\n", pg.Number, pg.Source, pg.Width, pg.Height, pg.Note)
		for _, l := range pg.Lines {
			b := l.Box.Ints()
			fmt.Fprintf(stdout, "[%4d %4d %4d %3d] %.2f %s\n", b[0], b[1], b[2], b[3], l.Conf(), l.Text())
		}
		for _, l := range pg.Stamps {
			fmt.Fprintf(stdout, "  stamp %.2f %s\n", l.Conf(), l.Text())
		}
	}
	return 0
}
