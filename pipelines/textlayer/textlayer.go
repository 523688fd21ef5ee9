// Package textlayer reads the text a PDF already holds, page by page, with
// positions: the page content stream through github.com/ledongthuc/pdf, and
// the appearance streams of signature widgets, where e-office systems stamp
// the number and the day after signing.
package textlayer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/ledongthuc/pdf"

	"github.com/vanthu/vanthu/internal/viet"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// ErrEncrypted is returned for password-protected PDFs.
var ErrEncrypted = errors.New("encrypted PDF (password protected): remove the password and upload again")

// ErrDamaged wraps structural failures of the PDF reader.
var ErrDamaged = errors.New("damaged PDF")

const scale = doc.DPI / 72.0

// Widget is the text of one annotation appearance (a signature field).
type Widget struct {
	Text string
	Box  doc.Box
	// Signature is true for a digital-signature stamp ("Ký bởi: ...",
	// signing time, e-mail): evidence of signing, not document text.
	Signature bool
}

// PageText is what the PDF itself says about one page.
type PageText struct {
	Number        int
	Width, Height float64 // pixels at doc.DPI
	Words         []doc.Word
	Widgets       []Widget
	Err           error // reading this page failed (the library panicked)
}

// Document is an opened PDF.
type Document struct {
	r *pdf.Reader
}

// Open reads the PDF structure. It never panics: ledongthuc/pdf panics on
// some malformed files, and one bad upload must not take the process down.
func Open(ra io.ReaderAt, size int64) (d *Document, err error) {
	defer func() {
		if p := recover(); p != nil {
			d, err = nil, fmt.Errorf("%w: %s", ErrDamaged, printable(fmt.Sprint(p)))
		}
	}()
	r, err := pdf.NewReader(ra, endOfPDF(ra, size))
	if err != nil {
		msg := err.Error()
		if strings.Contains(msg, "encrypt") || strings.Contains(msg, "password") {
			return nil, ErrEncrypted
		}
		return nil, fmt.Errorf("%w: %s", ErrDamaged, printable(err.Error()))
	}
	if !r.Trailer().Key("Encrypt").IsNull() {
		// The library decrypts files with an empty user password itself; a
		// file that needs a real one fails on the first string it reads.
		if _, err := safePageCount(r); err != nil {
			return nil, ErrEncrypted
		}
	}
	return &Document{r: r}, nil
}

// endOfPDF is where the PDF ends: just past its last %%EOF, when bytes
// follow it (a mail gateway's padding, a signature block, a scanner's
// trailer). Readers such as poppler ignore them; the Go reader wants
// %%EOF at the very end and would refuse the file.
func endOfPDF(ra io.ReaderAt, size int64) int64 {
	const window = 64 << 10
	start := max(0, size-window)
	buf := make([]byte, size-start)
	n, _ := ra.ReadAt(buf, start)
	buf = buf[:n]
	i := bytes.LastIndex(buf, []byte("%%EOF"))
	if i < 0 {
		return size
	}
	end := i + len("%%EOF")
	for end < len(buf) && (buf[end] == '\r' || buf[end] == '\n') {
		end++
	}
	if strings.TrimSpace(string(buf[end:])) == "" {
		return size // nothing but white space after it
	}
	return start + int64(end)
}

func safePageCount(r *pdf.Reader) (n int, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %s", ErrDamaged, printable(fmt.Sprint(p)))
		}
	}()
	return r.NumPage(), nil
}

// NumPage is the page count, or an error for a damaged page tree.
func (d *Document) NumPage() (int, error) {
	n, err := safePageCount(d.r)
	if err == nil && n <= 0 {
		err = fmt.Errorf("%w: no pages", ErrDamaged)
	}
	return n, err
}

// PageSize is page n's MediaBox in pixels at doc.DPI, without reading
// its content (US Letter when it declares none).
func (d *Document) PageSize(n int) (w, h float64, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("page %d: %w: %s", n, ErrDamaged, printable(fmt.Sprint(p)))
		}
	}()
	p := d.r.Page(n)
	if p.V.IsNull() {
		return 0, 0, fmt.Errorf("page %d: %w: missing from page tree", n, ErrDamaged)
	}
	x0, y0, x1, y1 := 0.0, 0.0, 612.0, 792.0
	if mb := inherited(p.V, "MediaBox"); mb.Len() == 4 {
		x0, y0, x1, y1 = mb.Index(0).Float64(), mb.Index(1).Float64(), mb.Index(2).Float64(), mb.Index(3).Float64()
	}
	return abs(x1-x0) * scale, abs(y1-y0) * scale, nil
}

// Page reads page n (1-based). Failures are reported in PageText.Err.
func (d *Document) Page(n int) (pt PageText) {
	pt.Number = n
	defer func() {
		if p := recover(); p != nil {
			pt.Words, pt.Widgets = nil, nil
			pt.Err = fmt.Errorf("read text of page %d: %w: %s", n, ErrDamaged, printable(fmt.Sprint(p)))
		}
	}()
	p := d.r.Page(n)
	if p.V.IsNull() {
		pt.Err = fmt.Errorf("page %d: %w: missing from page tree", n, ErrDamaged)
		return pt
	}
	x0, y0, x1, y1 := 0.0, 0.0, 612.0, 792.0
	if mb := inherited(p.V, "MediaBox"); mb.Len() == 4 {
		x0, y0, x1, y1 = mb.Index(0).Float64(), mb.Index(1).Float64(), mb.Index(2).Float64(), mb.Index(3).Float64()
	}
	pt.Width, pt.Height = (x1-x0)*scale, (y1-y0)*scale
	toBox := func(x, y, w, fs float64) doc.Box {
		return doc.Box{X: (x - x0) * scale, Y: (y1 - y - 0.8*fs) * scale, W: w * scale, H: fs * scale}
	}
	var glyphs []rawGlyph
	contentGlyphs(p.V.Key("Contents"), inherited(p.V, "Resources"), identity, 0, &glyphs)
	pt.Words = glyphsToWords(glyphs, toBox)
	pt.Widgets = readWidgets(p, func(r [4]float64) doc.Box {
		return doc.Box{X: (r[0] - x0) * scale, Y: (y1 - r[3]) * scale, W: (r[2] - r[0]) * scale, H: (r[3] - r[1]) * scale}
	})
	return pt
}

// glyphsToWords joins the library's per-glyph Text runs into words. Word
// processors emit glyphs out of order (kerning runs, fields), so glyphs are
// first sorted into rows by baseline and along each row by x; then a space,
// or a gap wider than a fifth of the font size, ends a word.
func glyphsToWords(glyphs []rawGlyph, toBox func(x, y, w, fs float64) doc.Box) []doc.Word {
	type glyph struct {
		r           rune
		x, y, w, fs float64
		row         int
	}
	gs := make([]glyph, 0, len(glyphs))
	for _, g := range glyphs {
		for _, r := range g.S {
			if r == unicode.ReplacementChar || unicode.IsControl(r) && !unicode.IsSpace(r) {
				continue
			}
			if unicode.IsSpace(r) {
				r = ' '
			}
			w := g.W
			if w <= 0 {
				w = 0.5 * g.Size
			}
			gs = append(gs, glyph{r: r, x: g.X, y: g.Y, w: w, fs: max(g.Size, 1)})
			// A multi-rune decode (ligature) shares the glyph's box.
			g.X += w / float64(len([]rune(g.S)))
		}
	}
	// Rows: baselines within a third of the font size share a row.
	sort.SliceStable(gs, func(i, j int) bool { return gs[i].y > gs[j].y })
	row, base := 0, 0.0
	for i := range gs {
		if i == 0 || abs(gs[i].y-base) > 0.3*gs[i].fs {
			row++
			base = gs[i].y
		}
		gs[i].row = row
	}
	sort.SliceStable(gs, func(i, j int) bool {
		if gs[i].row != gs[j].row {
			return gs[i].row < gs[j].row
		}
		return gs[i].x < gs[j].x
	})
	var words []doc.Word
	var cur strings.Builder
	var x, y, right, fs float64
	row = -1
	flush := func() {
		if cur.Len() > 0 {
			words = append(words, doc.Word{Text: viet.NFC(cur.String()), Box: toBox(x, y, right-x, fs), Conf: 1})
			cur.Reset()
		}
	}
	for _, g := range gs {
		if g.row != row || g.r == ' ' || g.x-right > 0.2*max(fs, g.fs) {
			flush()
			row = g.row
		}
		if g.r == ' ' {
			right = g.x + g.w
			continue
		}
		if cur.Len() == 0 {
			x, y, fs, right = g.x, g.y, g.fs, g.x
		}
		cur.WriteRune(g.r)
		right = max(right, g.x+g.w)
		fs = max(fs, g.fs)
	}
	flush()
	return words
}

// inherited looks a page attribute up the page tree, as the PDF spec says
// MediaBox and Resources inherit.
func inherited(v pdf.Value, key string) pdf.Value {
	for depth := 0; !v.IsNull() && depth < 32; depth++ {
		if r := v.Key(key); !r.IsNull() {
			return r
		}
		v = v.Key("Parent")
	}
	return pdf.Value{}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

var signatureStamp = regexp.MustCompile(`(?i)(ký bởi|ky boi|thời gian ký|cơ quan:|@|\d{2}[./]\d{2}[./]\d{4}\s+\d{2}:\d{2})`)

// readWidgets returns the text of every annotation appearance on the page.
func readWidgets(p pdf.Page, toBox func([4]float64) doc.Box) []Widget {
	annots := p.V.Key("Annots")
	var out []Widget
	for i := 0; i < annots.Len() && i < 200; i++ {
		a := annots.Index(i)
		if a.Key("Subtype").Name() != "Widget" && a.Key("Subtype").Name() != "FreeText" {
			continue
		}
		rect := a.Key("Rect")
		if rect.Len() != 4 {
			continue
		}
		var r [4]float64
		for k := range r {
			r[k] = rect.Index(k).Float64()
		}
		if r[0] > r[2] {
			r[0], r[2] = r[2], r[0]
		}
		if r[1] > r[3] {
			r[1], r[3] = r[3], r[1]
		}
		text := widgetText(a.Key("AP").Key("N"))
		if text == "" {
			continue
		}
		out = append(out, Widget{Text: text, Box: toBox(r), Signature: signatureStamp.MatchString(text)})
	}
	return out
}

// widgetText reads one appearance, guarded on its own: appearance streams
// often hold inline images, on which the library's lexer panics, and a
// broken logo must not hide the number stamped beside it.
func widgetText(ap pdf.Value) (text string) {
	defer func() {
		if recover() != nil {
			text = ""
		}
	}()
	var b strings.Builder
	appearanceText(ap, &b, 0)
	return strings.Join(strings.Fields(viet.NFC(b.String())), " ")
}

// appearanceText collects the shown strings of a form XObject and of the
// forms it draws with Do (signature appearances nest n0/n2 layers).
func appearanceText(strm pdf.Value, b *strings.Builder, depth int) {
	if strm.Kind() != pdf.Stream || depth > 4 {
		return
	}
	res := strm.Key("Resources")
	fonts := map[string]*pdf.Font{}
	for _, name := range res.Key("Font").Keys() {
		f := pdf.Font{V: res.Key("Font").Key(name)}
		fonts[name] = &f
	}
	var enc pdf.TextEncoding
	show := func(s string) {
		if enc == nil {
			b.WriteString(s)
		} else {
			b.WriteString(enc.Decode(s))
		}
	}
	pdf.Interpret(strm, func(stk *pdf.Stack, op string) {
		n := stk.Len()
		args := make([]pdf.Value, n)
		for i := n - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		switch op {
		case "Tf":
			if n == 2 {
				if f, ok := fonts[args[0].Name()]; ok {
					enc = f.Encoder()
				} else {
					enc = nil
				}
			}
		case "Tj", "'":
			if n >= 1 {
				show(args[n-1].RawString())
			}
		case "\"":
			if n == 3 {
				show(args[2].RawString())
			}
		case "TJ":
			if n == 1 {
				for i := 0; i < args[0].Len(); i++ {
					if v := args[0].Index(i); v.Kind() == pdf.String {
						show(v.RawString())
					} else if v.Float64() < -300 {
						b.WriteByte(' ')
					}
				}
			}
		case "ET", "T*", "Td", "TD":
			b.WriteByte(' ')
		case "Do":
			if n == 1 {
				appearanceText(res.Key("XObject").Key(args[0].Name()), b, depth+1)
			}
		}
	})
}

// printable keeps library messages fit for a clerk's screen and a log line:
// the reader quotes raw stream bytes in its panics.
func printable(s string) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() >= 120 {
			b.WriteString("…")
			break
		}
		if r == unicode.ReplacementChar || !unicode.IsPrint(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// PageWords are the words of the page's document text: the content stream
// plus the non-signature widget texts (number and day stamped after
// signing). A widget's rectangle is wide and its text sits somewhere in it,
// so the word is put into the blank it fills: the widest gap between the
// words of its row that the rectangle covers ("Số: ___ /TB-UBND").
func (pt PageText) PageWords() []doc.Word {
	words := append([]doc.Word(nil), pt.Words...)
	h := medianHeight(pt.Words)
	for _, w := range pt.Widgets {
		if w.Signature {
			continue
		}
		width := min(w.Box.W, float64(len([]rune(w.Text)))*0.55*h)
		cy := w.Box.Y + w.Box.H/2
		box := doc.Box{X: w.Box.X + (w.Box.W-width)/2, Y: cy - h/2, W: width, H: h}
		if gap, ok := blankIn(pt.Words, w.Box); ok {
			box = doc.Box{X: gap.X + min(0.1*gap.W, h/2), Y: gap.Y, W: min(width, 0.8*gap.W), H: gap.H}
		}
		words = append(words, doc.Word{Text: w.Text, Box: box, Conf: 1})
	}
	return words
}

// blankIn finds the first (leftmost) horizontal gap between the words of the
// row that r covers, within r's horizontal span: a number widget spans from
// the blank after "Số:" over the symbol, and the blank is the first gap.
// The gap box has the row's height.
func blankIn(words []doc.Word, r doc.Box) (doc.Box, bool) {
	var row []doc.Word
	for _, w := range words {
		cy := w.Box.Y + w.Box.H/2
		if cy >= r.Y && cy <= r.Bottom() {
			row = append(row, w)
		}
	}
	sort.Slice(row, func(i, j int) bool { return row[i].Box.X < row[j].Box.X })
	var best doc.Box
	for i := 0; i+1 < len(row); i++ {
		x0, x1 := row[i].Box.Right(), row[i+1].Box.X
		lo, hi := max(x0, r.X), min(x1, r.Right())
		if hi-lo > 0.5*row[i].Box.H {
			best = doc.Box{X: x0, Y: row[i].Box.Y, W: x1 - x0, H: row[i].Box.H}
			break
		}
	}
	return best, best.W > 0
}

// SignatureText is the text of the page's digital-signature stamps.
func (pt PageText) SignatureText() string {
	var parts []string
	for _, w := range pt.Widgets {
		if w.Signature {
			parts = append(parts, w.Text)
		}
	}
	return strings.Join(parts, " ")
}

func medianHeight(ws []doc.Word) float64 {
	if len(ws) == 0 {
		return 13 * scale
	}
	hs := make([]float64, len(ws))
	for i, w := range ws {
		hs[i] = w.Box.H
	}
	sort.Float64s(hs)
	return hs[len(hs)/2]
}
