package pipelines_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vanthu/vanthu/internal/testenv"
	"github.com/vanthu/vanthu/pipelines"
	"github.com/vanthu/vanthu/pipelines/ocr"
)

// bombPNG declares 30,000×30,000 pixels in a few bytes.
func bombPNG() []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 30000)
	binary.BigEndian.PutUint32(ihdr[4:], 30000)
	ihdr[8] = 8
	chunk := append([]byte("IHDR"), ihdr...)
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// emptyPagesPDF declares n empty pages of w×h points: a few hundred bytes
// that draw as many pixels as they like.
func emptyPagesPDF(n int, w, h float64) []byte {
	var kids []string
	for i := range n {
		kids = append(kids, fmt.Sprintf("%d 0 R", i+3))
	}
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), n)}
	for range n {
		objs = append(objs, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] >>", w, h))
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	var offs []int
	for i, o := range objs {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// A PDF of a few hundred bytes declaring gigapixels is refused before
// anything is drawn; one within the file's budget is read with the page
// images held at once bounded by PixelsInFlight, however many files are
// read together (issue 10: 652 bytes once took 2.67 GB).
func TestPixelBombsAreBounded(t *testing.T) {
	testenv.Need(t, "pdftoppm", "tesseract")
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.pdf")
	os.WriteFile(huge, emptyPagesPDF(100, 2064, 2064), 0o644) // 100 × 74 Mpx
	e := ocr.New(ocr.Config{Workers: 2})
	t.Cleanup(e.Close)
	cfg := pipelines.DefaultConfig()
	cfg.MaxPixels, cfg.PixelsInFlight = 20_000_000, 20_000_000
	p := pipelines.New(cfg, e, 2)
	rec := p.Process(context.Background(), huge)
	if !strings.Contains(rec.Error, "megapixels") || !strings.Contains(rec.Error, "--max-file-pixels") {
		t.Errorf("100 pages of 74 Mpx: %q", rec.Error)
	}
	if p.PeakPixels() != 0 {
		t.Errorf("%d pixels drawn before the refusal", p.PeakPixels())
	}
	// Pages of 15.6 Mpx each (1000 pt square at 300 dpi), two files of
	// three at once: never more than one page's worth in flight.
	var files []string
	for i := range 2 {
		f := filepath.Join(dir, fmt.Sprint("big", i, ".pdf"))
		os.WriteFile(f, emptyPagesPDF(3, 1000, 1000), 0o644)
		files = append(files, f)
	}
	var wg sync.WaitGroup
	for _, f := range files {
		wg.Go(func() {
			if rec := p.Process(context.Background(), f); rec.Error != "" || rec.Pages != 3 {
				t.Errorf("%s: %q, %d pages", f, rec.Error, rec.Pages)
			}
		})
	}
	wg.Wait()
	if peak := p.PeakPixels(); peak == 0 || peak > cfg.PixelsInFlight {
		t.Errorf("%d pixels in flight at most, budget %d", peak, cfg.PixelsInFlight)
	}
	// And a file's own budget counts what it draws.
	cfg.MaxFilePixels = 30_000_000
	p2 := pipelines.New(cfg, e, 2)
	if rec := p2.Process(context.Background(), files[0]); !strings.Contains(rec.Error, "megapixels") {
		t.Errorf("three 15.6 Mpx pages against a 30 Mpx budget: %q", rec.Error)
	}
}
