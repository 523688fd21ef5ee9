package textlayer

import (
	"math"

	"github.com/ledongthuc/pdf"
)

// The library's Page.Content ignores the glyph adjustments of TJ arrays and
// the Td/TD/T* line moves, so positions drift and words from Word-made PDFs
// come out scrambled. This is a small text-state interpreter, after the
// PDF 1.7 spec section 9.4, over the library's lexer and font decoders.

type matrix [6]float64 // a b c d e f

var identity = matrix{1, 0, 0, 1, 0, 0}

func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func matrixOf(v pdf.Value) (matrix, bool) {
	if v.Len() != 6 {
		return identity, false
	}
	var m matrix
	for i := range m {
		m[i] = v.Index(i).Float64()
	}
	return m, true
}

// font is a decoder plus glyph widths for one font resource.
type font struct {
	enc      pdf.TextEncoding
	twoByte  bool
	widths   map[int]float64
	defWidth float64
}

func loadFont(v pdf.Value) *font {
	f := &font{widths: map[int]float64{}, defWidth: 500}
	pf := pdf.Font{V: v}
	f.enc = pf.Encoder()
	if v.Key("Subtype").Name() == "Type0" {
		f.twoByte = true
		d := v.Key("DescendantFonts").Index(0)
		f.defWidth = 1000
		if dw := d.Key("DW"); dw.Kind() == pdf.Integer || dw.Kind() == pdf.Real {
			f.defWidth = dw.Float64()
		}
		w := d.Key("W")
		for i := 0; i < w.Len() && i < 100000; {
			c := int(w.Index(i).Int64())
			if i+1 < w.Len() && w.Index(i+1).Kind() == pdf.Array {
				arr := w.Index(i + 1)
				for k := 0; k < arr.Len() && k < 65536; k++ {
					f.widths[c+k] = arr.Index(k).Float64()
				}
				i += 2
				continue
			}
			if i+2 < w.Len() {
				c2 := int(w.Index(i + 1).Int64())
				wd := w.Index(i + 2).Float64()
				for k := c; k <= c2 && k-c < 65536; k++ {
					f.widths[k] = wd
				}
			}
			i += 3
		}
		return f
	}
	first := int(v.Key("FirstChar").Int64())
	ws := v.Key("Widths")
	for i := 0; i < ws.Len() && i < 256; i++ {
		f.widths[first+i] = ws.Index(i).Float64()
	}
	if mw := v.Key("FontDescriptor").Key("MissingWidth"); mw.Kind() == pdf.Integer || mw.Kind() == pdf.Real {
		f.defWidth = mw.Float64()
	}
	return f
}

func (f *font) width(code int) float64 {
	if w, ok := f.widths[code]; ok && w > 0 {
		return w
	}
	return f.defWidth
}

// rawGlyph is one shown character in user space (PDF points, y up).
type rawGlyph struct {
	S       string
	X, Y, W float64
	Size    float64
}

type textState struct {
	tc, tw, th, tl, tfs, rise float64
	f                         *font
}

// contentGlyphs interprets a content stream (the page's, or a form's) and
// returns its glyphs. depth bounds form XObject recursion.
func contentGlyphs(strm, resources pdf.Value, ctm matrix, depth int, out *[]rawGlyph) {
	if depth > 3 {
		return
	}
	in := &interp{resources: resources, fonts: map[string]*font{}, ctm: ctm, depth: depth, out: out,
		ts: textState{th: 1}, tm: identity, tlm: identity}
	pdf.Interpret(strm, in.op)
}

// interp is the state of one content stream's interpretation: the
// graphics state the text operators need, and the glyphs shown so far.
type interp struct {
	resources pdf.Value
	fonts     map[string]*font
	ctm       matrix
	ts        textState
	tm, tlm   matrix
	stack     []savedState
	depth     int
	out       *[]rawGlyph
}

type savedState struct {
	ctm matrix
	ts  textState
}

func (in *interp) font(name string) *font {
	if f, ok := in.fonts[name]; ok {
		return f
	}
	fv := in.resources.Key("Font").Key(name)
	var f *font
	if !fv.IsNull() {
		f = loadFont(fv)
	}
	in.fonts[name] = f
	return f
}

// show adds the glyphs of a string operand, advancing the text matrix.
func (in *interp) show(raw string) {
	f := in.ts.f
	if f == nil {
		return
	}
	step := 1
	if f.twoByte {
		step = 2
	}
	for i := 0; i+step <= len(raw); i += step {
		code := int(raw[i])
		if step == 2 {
			code = code<<8 | int(raw[i+1])
		}
		w0 := f.width(code) / 1000
		trm := matrix{in.ts.tfs * in.ts.th, 0, 0, in.ts.tfs, 0, in.ts.rise}.mul(in.tm).mul(in.ctm)
		size := math.Hypot(trm[2], trm[3])
		s := f.enc.Decode(raw[i : i+step])
		*in.out = append(*in.out, rawGlyph{S: s, X: trm[4], Y: trm[5], W: w0 * math.Hypot(trm[0], trm[1]), Size: size})
		tx := w0*in.ts.tfs + in.ts.tc
		if step == 1 && code == 32 {
			tx += in.ts.tw
		}
		in.tm = matrix{1, 0, 0, 1, tx * in.ts.th, 0}.mul(in.tm)
	}
}

func (in *interp) nextLine(tx, ty float64) {
	in.tlm = matrix{1, 0, 0, 1, tx, ty}.mul(in.tlm)
	in.tm = in.tlm
}

// op runs one operator with its operands.
func (in *interp) op(stk *pdf.Stack, op string) {
	n := stk.Len()
	args := make([]pdf.Value, n)
	for i := n - 1; i >= 0; i-- {
		args[i] = stk.Pop()
	}
	num := func(i int) float64 {
		if i < n {
			return args[i].Float64()
		}
		return 0
	}
	switch op {
	case "q":
		if len(in.stack) < 64 {
			in.stack = append(in.stack, savedState{in.ctm, in.ts})
		}
	case "Q":
		if len(in.stack) > 0 {
			in.ctm, in.ts = in.stack[len(in.stack)-1].ctm, in.stack[len(in.stack)-1].ts
			in.stack = in.stack[:len(in.stack)-1]
		}
	case "cm":
		if n == 6 {
			in.ctm = matrix{num(0), num(1), num(2), num(3), num(4), num(5)}.mul(in.ctm)
		}
	case "BT":
		in.tm, in.tlm = identity, identity
	case "Tf":
		if n == 2 {
			in.ts.f = in.font(args[0].Name())
			in.ts.tfs = num(1)
		}
	case "Tc":
		in.ts.tc = num(0)
	case "Tw":
		in.ts.tw = num(0)
	case "Tz":
		in.ts.th = num(0) / 100
	case "TL":
		in.ts.tl = num(0)
	case "Ts":
		in.ts.rise = num(0)
	case "Td":
		in.nextLine(num(0), num(1))
	case "TD":
		in.ts.tl = -num(1)
		in.nextLine(num(0), num(1))
	case "Tm":
		if n == 6 {
			in.tlm = matrix{num(0), num(1), num(2), num(3), num(4), num(5)}
			in.tm = in.tlm
		}
	case "T*":
		in.nextLine(0, -in.ts.tl)
	case "Tj":
		if n == 1 {
			in.show(args[0].RawString())
		}
	case "'":
		in.nextLine(0, -in.ts.tl)
		if n == 1 {
			in.show(args[0].RawString())
		}
	case "\"":
		if n == 3 {
			in.ts.tw, in.ts.tc = num(0), num(1)
			in.nextLine(0, -in.ts.tl)
			in.show(args[2].RawString())
		}
	case "TJ":
		if n == 1 {
			in.showAdjusted(args[0])
		}
	case "Do":
		if n == 1 {
			in.form(args[0].Name())
		}
	}
}

// showAdjusted runs TJ: strings shown, numbers moving the text matrix.
func (in *interp) showAdjusted(a pdf.Value) {
	for i := 0; i < a.Len(); i++ {
		v := a.Index(i)
		if v.Kind() == pdf.String {
			in.show(v.RawString())
			continue
		}
		tx := -v.Float64() / 1000 * in.ts.tfs * in.ts.th
		if -v.Float64() > 200 && in.ts.f != nil {
			// A wide negative adjustment is how some writers space
			// words without a space glyph.
			trm := in.tm.mul(in.ctm)
			*in.out = append(*in.out, rawGlyph{S: " ", X: trm[4], Y: trm[5], W: tx * math.Hypot(trm[0], trm[1]), Size: in.ts.tfs})
		}
		in.tm = matrix{1, 0, 0, 1, tx, 0}.mul(in.tm)
	}
}

// form interprets a form XObject drawn with Do, under the current matrix.
func (in *interp) form(name string) {
	x := in.resources.Key("XObject").Key(name)
	if x.Key("Subtype").Name() != "Form" {
		return
	}
	m, ok := matrixOf(x.Key("Matrix"))
	if !ok {
		m = identity
	}
	res := x.Key("Resources")
	if res.IsNull() {
		res = in.resources
	}
	contentGlyphs(x, res, m.mul(in.ctm), in.depth+1, in.out)
}
