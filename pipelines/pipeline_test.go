package pipelines_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"

	"github.com/vanthu/vanthu/internal/testenv"
	"github.com/vanthu/vanthu/pipelines"
	"github.com/vanthu/vanthu/pipelines/corpus"
	"github.com/vanthu/vanthu/pipelines/doc"
	"github.com/vanthu/vanthu/pipelines/eval"
	"github.com/vanthu/vanthu/pipelines/ocr"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func newPipeline(t *testing.T) *pipelines.Pipeline {
	t.Helper()
	testenv.Need(t, "pdftoppm", "pdftotext", "pdfinfo", "tesseract")
	e := ocr.New(ocr.Config{Workers: 2})
	t.Cleanup(e.Close)
	return pipelines.New(pipelines.DefaultConfig(), e, 2)
}

func readTruth(t *testing.T, dir string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "truth.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// Every format the generator writes goes through the whole pipeline.
func TestGeneratedDocumentsEndToEnd(t *testing.T) {
	p := newPipeline(t)
	dir := t.TempDir()
	if err := corpus.Generate(context.Background(), dir, corpus.Options{N: 6, Seed: 14}); err != nil { // this seed writes every format
		t.Fatal(err)
	}
	fields := []string{"doc_type", "number", "symbol", "issuer", "issued_at", "signer"}
	var correct, total int
	exts := map[string]bool{}
	for _, tr := range readTruth(t, dir) {
		exts[filepath.Ext(tr["file"].(string))] = true
		path := filepath.Join(dir, tr["file"].(string))
		rec := p.Process(context.Background(), path)
		if rec.Error != "" {
			t.Errorf("%s: %s", path, rec.Error)
			continue
		}
		if float64(rec.Pages) != tr["pages"].(float64) {
			t.Errorf("%s: %d pages, want %v", path, rec.Pages, tr["pages"])
		}
		got := map[string]string{"doc_type": rec.DocType, "number": rec.Number, "symbol": rec.Symbol,
			"issuer": rec.Issuer, "issued_at": rec.IssuedAt, "signer": rec.Signer}
		for _, f := range fields {
			total++
			if got[f] == tr[f] {
				correct++
			} else {
				t.Logf("%s %s: got %q want %q", tr["file"], f, got[f], tr[f])
			}
		}
	}
	for _, e := range []string{".pdf", ".png", ".jpg", ".tif", ".webp"} {
		if !exts[e] {
			t.Errorf("no %s file in the generated set: %v", e, exts)
		}
	}
	if acc := float64(correct) / float64(total); acc < 0.85 {
		t.Errorf("core fields %d/%d = %.2f, want ≥ 0.85", correct, total, acc)
	}
}

// Bytes after a PDF's %%EOF (a mail gateway's padding, a note appended)
// change nothing: the file is read as without them, never sent to OCR
// (it once was, page after page: a thousand times slower).
func TestBytesAfterTheEndOfAPDF(t *testing.T) {
	p := newPipeline(t)
	dir := t.TempDir()
	if err := corpus.Generate(context.Background(), dir, corpus.Options{N: 1, Seed: 2, Formats: []string{"pdf"}}); err != nil {
		t.Fatal(err)
	}
	tr := readTruth(t, dir)[0]
	path := filepath.Join(dir, tr["file"].(string))
	data, _ := os.ReadFile(path)
	os.WriteFile(path, append(data, "\n% appended by the gateway\n\x00\x01junk"...), 0o644)
	rd, err := p.ReadFile(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	for _, pg := range rd.Pages {
		if pg.Source == doc.SourceOCR {
			t.Errorf("page %d was OCR'd (%s)", pg.Number, pg.Note)
		}
	}
	if rec := p.Extract(context.Background(), rd); rec.Number != tr["number"] {
		t.Errorf("number %q, want %q", rec.Number, tr["number"])
	}
}

// PDFs written by go-pdf/fpdf come out of the Go reader as mojibake; the
// page must be read through poppler instead, never indexed as garbage.
func TestMojibakeFallsBackToPoppler(t *testing.T) {
	p := newPipeline(t)
	dir := t.TempDir()
	if err := corpus.Generate(context.Background(), dir, corpus.Options{N: 1, Seed: 2, Formats: []string{"pdf"}}); err != nil {
		t.Fatal(err)
	}
	tr := readTruth(t, dir)[0]
	rd, err := p.ReadFile(context.Background(), filepath.Join(dir, tr["file"].(string)))
	if err != nil {
		t.Fatal(err)
	}
	if rd.Pages[0].Source != doc.SourcePdftotext {
		t.Errorf("page 1 source %s (%s), want pdftotext", rd.Pages[0].Source, rd.Pages[0].Note)
	}
	if !strings.Contains(rd.Pages[0].Text(), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") {
		t.Errorf("page text: %s", rd.Pages[0].Text())
	}
}

func TestRealBornDigitalPDFs(t *testing.T) {
	p := newPipeline(t)
	dir := testenv.RealDev(t)
	cases := map[string][5]string{
		"192bb0d8cafa9b40.pdf": {"CV", "507", "UBND-KGVX", "2025-01-24", "Phùng Tô Long"},
		"86840a27afc7aa35.pdf": {"TB", "11", "TB-UBND", "2025-01-08", "Nguyễn Phước Bình"},
	}
	for name, want := range cases {
		rec := p.Process(context.Background(), filepath.Join(dir, name))
		got := [5]string{rec.DocType, rec.Number, rec.Symbol, rec.IssuedAt, rec.Signer}
		if got != want {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
		rd, _ := p.ReadFile(context.Background(), filepath.Join(dir, name))
		for _, pg := range rd.Pages {
			if pg.Source != doc.SourceTextLayer {
				t.Errorf("%s page %d read by %s, want the text layer (OCR skipped)", name, pg.Number, pg.Source)
			}
		}
	}
}

// The real scans: handwriting, seals, stamps, blank pages. The thresholds
// are what the pipeline reaches today less a margin, so a regression fails.
func TestRealScans(t *testing.T) {
	p := newPipeline(t)
	dir := testenv.RealDev(t)
	truth := readTruth(t, dir)
	fields := []string{"doc_type", "symbol", "issuer", "place", "subject", "signer", "signer_title", "urgency", "confidentiality", "pages"}
	var correct, total int
	for _, tr := range truth {
		rec := p.Process(context.Background(), filepath.Join(dir, tr["file"].(string)))
		b, _ := json.Marshal(rec)
		var got map[string]any
		json.Unmarshal(b, &got)
		for _, f := range fields {
			total++
			if eval.Match(f, got[f], tr[f]) {
				correct++
			} else {
				t.Logf("%s %s: got %v want %v", tr["file"], f, got[f], tr[f])
			}
		}
	}
	if acc := float64(correct) / float64(total); acc < 0.95 {
		t.Errorf("real scans: %d/%d = %.2f, want ≥ 0.95", correct, total, acc)
	}
}

func badInputs(t *testing.T, dir string) map[string]string {
	t.Helper()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pdf := func(pages int, protect bool) []byte {
		f := fpdf.New("P", "mm", "A4", "")
		if protect {
			f.SetProtection(0, "user", "owner")
		}
		for range pages {
			f.AddPage()
		}
		var b bytes.Buffer
		f.Output(&b)
		return b.Bytes()
	}
	one := pdf(1, false)
	return map[string]string{
		write("empty.pdf", nil):                                     "empty file",
		write("truncated.pdf", one[:len(one)/3]):                    "damaged PDF",
		write("encrypted.pdf", pdf(1, true)):                        "encrypted PDF",
		write("huge.pdf", pdf(2000, false)):                         "2000 pages",
		write("bomb.png", bombPNG()):                                "too large",
		write("program.pdf", []byte("\x7fELF\x02\x01\x01\x00rest")): "executable",
		write("t\xe0i-li\xeau.png", []byte("GIF89a")):               "GIF",
		write("pixel.png", onePixelPNG()):                           "too small to be a page", // found by schemathesis
	}
}

// An owner password only restricts printing and copying: the document is
// read from its text, without OCR.
func TestOwnerProtectedPDFIsRead(t *testing.T) {
	p := newPipeline(t)
	f := fpdf.New("P", "mm", "A4", "/usr/share/fonts/truetype/liberation2")
	f.SetProtection(fpdf.CnProtectPrint, "", "owner")
	f.AddUTF8Font("serif", "", "LiberationSerif-Regular.ttf")
	f.AddPage()
	f.SetFont("serif", "", 13)
	f.Text(30, 30, "Số: 46/TB-UBND")
	f.Text(120, 30, "Hà Nội, ngày 09 tháng 02 năm 2023")
	f.Text(30, 50, "Thực hiện nội dung các Quyết định của Bộ trưởng Bộ Giao thông vận tải về việc công bố")
	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "protected.pdf")
	os.WriteFile(path, b.Bytes(), 0o644)
	rd, err := p.ReadFile(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if rd.Pages[0].Source == doc.SourceOCR || !strings.Contains(rd.Pages[0].Text(), "46/TB-UBND") {
		t.Errorf("page read by %s (%s): %q", rd.Pages[0].Source, rd.Pages[0].Note, rd.Pages[0].Text())
	}
}

// A scanned PDF carrying the scanner's own OCR as its text layer, which
// loses the Vietnamese letters its Western fonts lack ("CONG HÒA XÃ HOI",
// no đ, ư, ơ): the layer is judged, found worse than reading the page, and
// the page is OCR'd. Trusting it extracted next to nothing.
func TestTextLayersThatLie(t *testing.T) {
	p := newPipeline(t)
	dir := t.TempDir()
	if err := corpus.Generate(context.Background(), dir, corpus.Options{N: 2, Seed: 5, Formats: []string{"scanocr"}, DPI: 300}); err != nil {
		t.Fatal(err)
	}
	for _, tr := range readTruth(t, dir) {
		path := filepath.Join(dir, tr["file"].(string))
		rd, err := p.ReadFile(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		if rd.Pages[0].Source != doc.SourceOCR {
			t.Errorf("%s: page 1 read from %s (%s): the scanner's layer was trusted", tr["file"], rd.Pages[0].Source, rd.Pages[0].Note)
		}
		rec := p.Extract(context.Background(), rd)
		if rec.Issuer != tr["issuer"] || rec.Subject != tr["subject"] || rec.DocType != tr["doc_type"] {
			t.Errorf("%s: issuer %q subject %q type %q", tr["file"], rec.Issuer, rec.Subject, rec.DocType)
		}
	}
}

// A PDF encrypted with AES-256 and permissions only (an empty user
// password: e-office certified copies, "SAO Y") is read as poppler reads
// it; one that needs a password is refused, saying so.
func TestAESPermissionsOnlyIsRead(t *testing.T) {
	testenv.Need(t, "qpdf")
	p := newPipeline(t)
	dir := t.TempDir()
	if err := corpus.Generate(context.Background(), dir, corpus.Options{N: 1, Seed: 2, Formats: []string{"pdf"}}); err != nil {
		t.Fatal(err)
	}
	tr := readTruth(t, dir)[0]
	src := filepath.Join(dir, tr["file"].(string))
	for _, c := range []struct {
		name, user string
		args       []string
	}{{"aes256-permissions.pdf", "", []string{"256", "--print=none", "--modify=none"}}, {"aes128-permissions.pdf", "", []string{"128", "--use-aes=y", "--print=none"}}, {"aes256-password.pdf", "mat-khau", []string{"256"}}} {
		out := filepath.Join(dir, c.name)
		args := append(append([]string{"--encrypt", c.user, "owner-secret"}, c.args...), "--", src, out)
		if b, err := exec.Command("qpdf", args...).CombinedOutput(); err != nil {
			t.Fatalf("qpdf: %v %s", err, b)
		}
		rec := p.Process(context.Background(), out)
		if c.user != "" {
			if !strings.Contains(rec.Error, "password") {
				t.Errorf("%s: %q, want a password asked for", c.name, rec.Error)
			}
			continue
		}
		if rec.Error != "" || rec.Number != tr["number"] || rec.Subject != tr["subject"] {
			t.Errorf("%s: error %q, number %q, subject %q", c.name, rec.Error, rec.Number, rec.Subject)
		}
	}
}

// A file name is only a name: one that is not UTF-8 is read like any other.
func TestNonUTF8NameIsRead(t *testing.T) {
	p := newPipeline(t)
	dir := t.TempDir()
	if err := corpus.Generate(context.Background(), dir, corpus.Options{N: 1, Seed: 4, Formats: []string{"png"}}); err != nil {
		t.Fatal(err)
	}
	tr := readTruth(t, dir)[0]
	odd := filepath.Join(dir, "v\xe3n-b\xe1n.png") // Latin-1 bytes
	if err := os.Rename(filepath.Join(dir, tr["file"].(string)), odd); err != nil {
		t.Fatal(err)
	}
	rec := p.Process(context.Background(), odd)
	if rec.Error != "" || rec.DocType != tr["doc_type"] || rec.File != odd {
		t.Errorf("got error %q type %q file %q", rec.Error, rec.DocType, rec.File)
	}
}

func TestBadInputsGetClearErrors(t *testing.T) {
	p := newPipeline(t)
	for path, want := range badInputs(t, t.TempDir()) {
		rec := p.Process(context.Background(), path)
		if !strings.Contains(rec.Error, want) {
			t.Errorf("%q: error %q, want it to say %q", path, rec.Error, want)
		}
		if rec.File != path {
			t.Errorf("record names %q, want %q", rec.File, path)
		}
	}
}

// The read stage's result is stored as an artifact between the ocr and the
// extract functions: extracting from its JSON must give the same record.
func TestReadSurvivesJSON(t *testing.T) {
	p := newPipeline(t)
	dir := t.TempDir()
	if err := corpus.Generate(context.Background(), dir, corpus.Options{N: 2, Seed: 21, Formats: []string{"png"}}); err != nil {
		t.Fatal(err)
	}
	for _, tr := range readTruth(t, dir) {
		rd, err := p.ReadFile(context.Background(), filepath.Join(dir, tr["file"].(string)))
		if err != nil {
			t.Fatal(err)
		}
		direct := p.Extract(context.Background(), rd)
		b, err := json.Marshal(rd)
		if err != nil {
			t.Fatal(err)
		}
		var back pipelines.Read
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		via := p.Extract(context.Background(), &back)
		d1, _ := json.Marshal(direct)
		d2, _ := json.Marshal(via)
		if !bytes.Equal(d1, d2) {
			t.Errorf("%s: record differs after the artifact round trip", tr["file"])
		}
	}
}

// onePixelPNG is a valid 1×1 PNG (it once panicked in Upscale).
func onePixelPNG() []byte {
	var b bytes.Buffer
	png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1)))
	return b.Bytes()
}
