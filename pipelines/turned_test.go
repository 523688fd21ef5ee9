package pipelines_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/pipelines/corpus"
	"github.com/vanthu/vanthu/pipelines/raster"
)

// A page scanned upside down or photographed sideways is turned upright
// and read; a phone photo stored sideways with EXIF saying how to turn it
// is turned by its EXIF.
func TestPagesLyingOnTheirSide(t *testing.T) {
	p := newPipeline(t)
	ctx := context.Background()
	dir := t.TempDir()
	if err := corpus.Generate(ctx, dir, corpus.Options{N: 1, Seed: 4, Formats: []string{"pdf"}}); err != nil {
		t.Fatal(err)
	}
	tr := readTruth(t, dir)[0]
	page, err := raster.RenderPDFPage(ctx, filepath.Join(dir, tr["file"].(string)), 1, 300, 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, data []byte, note string) {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		rd, err := p.ReadFile(ctx, path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := rd.Pages[0].Note; note != "" && !strings.Contains(got, note) || note == "" && strings.Contains(got, "turned") {
			t.Errorf("%s: page note %q, want %q", name, got, note)
		}
		rec := p.Extract(ctx, rd)
		if rec.Number != tr["number"] || rec.Symbol != tr["symbol"] {
			t.Errorf("%s: number %q symbol %q, want %v %v", name, rec.Number, rec.Symbol, tr["number"], tr["symbol"])
		}
	}
	for _, deg := range []int{180, 90} {
		var b bytes.Buffer
		if err := png.Encode(&b, raster.Turn(page, deg)); err != nil {
			t.Fatal(err)
		}
		want := "turned 180°"
		if deg == 90 {
			want = "turned 270°"
		}
		check("turned.png", b.Bytes(), want)
	}
	// Stored turned 90° clockwise, EXIF orientation 8: "turn it back".
	var b bytes.Buffer
	if err := jpeg.Encode(&b, raster.Turn(page, 90), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	check("exif.jpg", exifOriented(b.Bytes(), 8), "")
}

// exifOriented puts an EXIF block with orientation o after a JPEG's start
// marker, as a phone writes it (big-endian TIFF, one IFD0 entry).
func exifOriented(jpg []byte, o uint16) []byte {
	var tiff bytes.Buffer
	tiff.WriteString("MM")
	for _, v := range []any{uint16(42), uint32(8), uint16(1), uint16(0x0112), uint16(3), uint32(1), o, uint16(0), uint32(0)} {
		binary.Write(&tiff, binary.BigEndian, v)
	}
	seg := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	out := []byte{0xFF, 0xD8, 0xFF, 0xE1, byte((len(seg) + 2) >> 8), byte(len(seg) + 2)}
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}
