// Package lm is a small word-pair language model of Vietnamese that puts
// back the tone marks OCR gets wrong. Tesseract's Vietnamese model reads
// a hook above as an acute ("tống hợp" for tổng hợp, "TÍNH" for TỈNH), a
// grave as none ("quyên" for quyền) and the like: on the synthetic
// corpus 81 of the 132 words it missed were such words. Each reading is
// a real syllable, so no spelling rule can tell; the words beside it
// can. A word is changed only for another with the same letters and a
// different tone that the model has seen beside the same neighbours,
// where the word as read has been seen beside neither, and that is far
// likelier (e^3 ≈ 20×) given both neighbours.
//
// The model is counted from born-digital text, whose marks are as typed:
// the embedded one from the synthetic archive's documents
// (`go run ./pipelines/lm/build`), an agency's from its own archive
// (`vanthu admin lm`).
package lm

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/vanthu/vanthu/internal/viet"
)

// Model counts words and pairs of adjacent words, lower case, NFC.
type Model struct {
	uni   map[string]uint32
	bi    map[[2]string]uint32
	n     uint64
	bases map[string][]string // toneless form → words seen with it
}

// New is an empty model.
func New() *Model {
	return &Model{uni: map[string]uint32{}, bi: map[[2]string]uint32{}, bases: map[string][]string{}}
}

// Words is the number of distinct words the model knows.
func (m *Model) Words() int { return len(m.uni) }

const start, end = "<s>", "</s>"

// Tokens are the lower-case words of a line, letters and digits only.
func Tokens(line string) []string {
	return strings.FieldsFunc(strings.ToLower(norm.NFC.String(line)), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// Learn counts the lines of a born-digital text. Pairs are counted within
// a phrase: punctuation ends one ("thiên tai, Chủ tịch" holds no pair
// "tai chủ").
func (m *Model) Learn(text string) {
	for _, line := range strings.Split(text, "\n") {
		prev := start
		for _, raw := range strings.Fields(line) {
			t := strings.ToLower(core(norm.NFC.String(raw)))
			if t == "" || len(t) > 40 || !strings.HasPrefix(strings.ToLower(norm.NFC.String(raw)), t) {
				if prev != start {
					m.bi[[2]string{prev, end}]++
				}
				prev = start
				if t == "" || len(t) > 40 {
					continue
				}
			}
			m.add(t, 1)
			m.bi[[2]string{prev, t}]++
			prev = t
			if !strings.HasSuffix(strings.ToLower(norm.NFC.String(raw)), t) {
				m.bi[[2]string{prev, end}]++
				prev = start
			}
		}
		if prev != start {
			m.bi[[2]string{prev, end}]++
		}
	}
}

func (m *Model) add(t string, c uint32) {
	if m.uni[t] == 0 {
		b := Toneless(t)
		m.bases[b] = append(m.bases[b], t)
	}
	m.uni[t] += c
	m.n += uint64(c)
}

// Toneless is a word without its tone marks (viet.Toneless).
func Toneless(w string) string { return viet.Toneless(w) }

func (m *Model) p(prev, w string) float64 {
	pu := (float64(m.uni[w]) + 0.1) / (float64(m.n) + 1000)
	cp := 0.0
	if prev != start {
		cp = float64(m.uni[prev])
	}
	return (float64(m.bi[[2]string{prev, w}]) + 2*pu) / (cp + 2)
}

func (m *Model) score(prev, w, next string) float64 {
	return math.Log(m.p(prev, w)) + math.Log(m.p(w, next))
}

// margin is how much likelier (log) a tone must make the word beside its
// neighbours to replace the reading.
const margin = 3.0

// Fix returns, for each word of a line (as OCR split it), the word with
// its tone put right, or "" where it stays. Case and the punctuation
// around a word are kept ("TÍNH" → "TỈNH", "quyên." → "quyền.").
func (m *Model) Fix(line []string) []string {
	out := make([]string, len(line))
	if m == nil || len(m.uni) == 0 {
		return out
	}
	low := make([]string, len(line))
	// Where a phrase ends: punctuation after a word, or before one.
	endsAfter := make([]bool, len(line))
	for i, w := range line {
		w = strings.ToLower(norm.NFC.String(w))
		low[i] = core(w)
		endsAfter[i] = low[i] == "" || !strings.HasSuffix(w, low[i])
		if low[i] != "" && !strings.HasPrefix(w, low[i]) && i > 0 {
			endsAfter[i-1] = true
		}
	}
	for i, w := range low {
		if w == "" || len(w) > 40 {
			continue
		}
		prev, next := start, end
		if i > 0 && !endsAfter[i-1] {
			prev = low[i-1]
		}
		if i+1 < len(low) && !endsAfter[i] {
			next = low[i+1]
		}
		if prev == start && next == end {
			continue // a word alone says nothing of its tone
		}
		impossible := !toneFits(w)
		if !impossible && m.bi[[2]string{prev, w}]+m.bi[[2]string{w, next}] > 0 {
			continue // read as the archive writes it beside these words
		}
		best, bestScore := w, m.score(prev, w, next)
		if impossible {
			bestScore = math.Inf(-1)
		}
		for _, c := range m.bases[Toneless(w)] {
			if c == w || m.uni[c] < 3 || !toneFits(c) || viet.Canonical(c) == viet.Canonical(w) {
				// The same word with its mark placed the other way (ủy/uỷ)
				// stays as printed.
				continue
			}
			// A syllable that can be written as read takes another tone
			// only where the archive has it beside both neighbours:
			// "Luật Tô chức" is Tổ, "Dân tộc" stays.
			if !impossible && !m.seenBeside(prev, c, next) {
				continue
			}
			// A syllable that cannot be as read ("mât") takes the tone the
			// archive has beside one of its neighbours at least, or stays:
			// mất or mật is not for a guess to choose.
			if impossible && m.bi[[2]string{prev, c}]+m.bi[[2]string{c, next}] == 0 {
				continue
			}
			s := m.score(prev, c, next)
			if impossible && s > bestScore || s > bestScore+margin {
				best, bestScore = c, s
			}
		}
		if best != w {
			out[i] = recase(norm.NFC.String(line[i]), best)
			low[i] = best
		}
	}
	return out
}

// seenBeside: c was counted after prev and before next, both words.
func (m *Model) seenBeside(prev, c, next string) bool {
	return prev != start && next != end && m.bi[[2]string{prev, c}] > 0 && m.bi[[2]string{c, next}] > 0
}

// toneFits: a syllable ending in p, t, c or ch is written with an acute
// or a dot below only ("quyêt", "Têt" are not Vietnamese; "quyết", "Tết"
// are).
func toneFits(w string) bool {
	w = strings.ToLower(w)
	f := Toneless(w)
	if !(strings.HasSuffix(f, "p") || strings.HasSuffix(f, "t") || strings.HasSuffix(f, "c") || strings.HasSuffix(f, "ch")) {
		return true
	}
	d := norm.NFD.String(w)
	return strings.ContainsRune(d, 0x301) || strings.ContainsRune(d, 0x323)
}

// core is a word without the punctuation around it.
func core(w string) string {
	return strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// recase writes c in the case of orig's letters, inside orig's punctuation.
func recase(orig, c string) string {
	k := core(orig)
	i := strings.Index(orig, k)
	if k == "" || i < 0 {
		return orig
	}
	rs, cr := []rune(k), []rune(c)
	switch {
	case strings.ToUpper(k) == k:
		c = strings.ToUpper(c)
	case unicode.IsUpper(rs[0]):
		cr[0] = unicode.ToUpper(cr[0])
		c = string(cr)
	}
	return orig[:i] + c + orig[i+len(k):]
}

// WriteTo writes the model as gzipped lines: "w word count" and
// "b word word count", sorted, so that the same text writes the same bytes.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	if len(m.uni) > MaxWords || len(m.bi) > MaxPairs {
		return 0, fmt.Errorf("language model: %d words and %d pairs, over what a model may hold (%d, %d)", len(m.uni), len(m.bi), MaxWords, MaxPairs)
	}
	var buf bytes.Buffer
	words := make([]string, 0, len(m.uni))
	for t := range m.uni {
		words = append(words, t)
	}
	sort.Strings(words)
	for _, t := range words {
		fmt.Fprintf(&buf, "w %s %d\n", t, m.uni[t])
	}
	pairs := make([][2]string, 0, len(m.bi))
	for p := range m.bi {
		pairs = append(pairs, p)
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i][0] != pairs[j][0] {
			return pairs[i][0] < pairs[j][0]
		}
		return pairs[i][1] < pairs[j][1]
	})
	for _, p := range pairs {
		fmt.Fprintf(&buf, "b %s %s %d\n", p[0], p[1], m.bi[p])
	}
	zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
	if _, err := zw.Write(buf.Bytes()); err != nil {
		return 0, err
	}
	return int64(buf.Len()), zw.Close()
}

// Read reads a model WriteTo wrote, bounded: a model file is not trusted
// more than any other input.
func Read(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("language model: %w", err)
	}
	m := New()
	const maxBytes = 256 << 20
	lr := &io.LimitedReader{R: zr, N: maxBytes + 1}
	sc := bufio.NewScanner(lr)
	line := 0
	bad := func() error {
		err := fmt.Errorf("language model: line %d: %.80q", line, sc.Text())
		// A line cut by a truncated file is the file's fault, not the line's.
		for sc.Scan() {
		}
		if sc.Err() != nil {
			err = fmt.Errorf("language model: truncated or corrupt after line %d: %w", line-1, sc.Err())
		}
		return err
	}
	for sc.Scan() {
		line++
		if lr.N <= 0 {
			return nil, errors.New("language model: over 256 MiB unpacked")
		}
		f := strings.Fields(sc.Text())
		if len(f) < 3 {
			return nil, bad()
		}
		c, err := strconv.ParseUint(f[len(f)-1], 10, 32)
		if err != nil || c == 0 {
			return nil, bad()
		}
		switch {
		case f[0] == "w" && len(f) == 3:
			m.add(f[1], uint32(c))
		case f[0] == "b" && len(f) == 4:
			m.bi[[2]string{f[1], f[2]}] += uint32(c)
		default:
			return nil, bad()
		}
		if len(m.uni) > MaxWords || len(m.bi) > MaxPairs {
			return nil, errors.New("language model: too large (over a million words or 5 million pairs)")
		}
	}
	if err := sc.Err(); err != nil {
		// A cut file ends in an unexpected EOF: say so, not a bad line.
		return nil, fmt.Errorf("language model: truncated or corrupt after line %d: %w", line, err)
	}
	if len(m.uni) == 0 {
		return nil, errors.New("language model: no words")
	}
	return m, nil
}

// Limits a model must keep to be read (Read): WriteTo refuses to write
// one over them.
const (
	MaxWords = 1_000_000
	MaxPairs = 5_000_000
)

//go:embed model.gz
var embedded []byte

var (
	once sync.Once
	def  *Model
)

// Default is the embedded model (nil if it cannot be read: the build is
// broken).
func Default() *Model {
	once.Do(func() { def, _ = Read(bytes.NewReader(embedded)) })
	return def
}
