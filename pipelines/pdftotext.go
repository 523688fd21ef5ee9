package pipelines

import (
	"context"
	"html"
	"regexp"
	"strconv"

	"github.com/vanthu/vanthu/internal/procexec"
	"github.com/vanthu/vanthu/internal/viet"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// PdftotextArgs builds the arguments to read one page with word boxes.
func PdftotextArgs(path string, page int) []string {
	return []string{"-f", strconv.Itoa(page), "-l", strconv.Itoa(page), "-bbox", "-enc", "UTF-8", "--", path, "-"}
}

func runPdftotext(ctx context.Context, path string, page int) ([]byte, error) {
	return procexec.Run(ctx, "pdftotext", PdftotextArgs(path, page)...)
}

var bboxWord = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)

// parseBBox reads pdftotext -bbox output (points, y down) into words at doc.DPI.
func parseBBox(out []byte) []doc.Word {
	const s = doc.DPI / 72.0
	var words []doc.Word
	for _, m := range bboxWord.FindAllSubmatch(out, -1) {
		f := func(i int) float64 { v, _ := strconv.ParseFloat(string(m[i]), 64); return v }
		x0, y0, x1, y1 := f(1), f(2), f(3), f(4)
		words = append(words, doc.Word{
			Text: viet.NFC(html.UnescapeString(string(m[5]))),
			Box:  doc.Box{X: x0 * s, Y: y0 * s, W: (x1 - x0) * s, H: (y1 - y0) * s},
			Conf: 1,
		})
	}
	return words
}
