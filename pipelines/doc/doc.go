// Package doc holds the types every pipeline stage passes along: pages of
// positioned words, and the extraction record of domain.md section 3.
package doc

import (
	"sort"
	"strings"
)

// DPI is the resolution all page coordinates are expressed in. Text-layer
// coordinates (PDF points) are scaled to it so that evidence boxes from OCR
// and from text layers mean the same thing to the review screen.
const DPI = 300

// Box is a rectangle in page pixels at DPI: X, Y of the top-left corner.
type Box struct{ X, Y, W, H float64 }

// Right and Bottom edges.
func (b Box) Right() float64  { return b.X + b.W }
func (b Box) Bottom() float64 { return b.Y + b.H }

// Union is the smallest box holding both.
func (b Box) Union(o Box) Box {
	if b.W == 0 && b.H == 0 {
		return o
	}
	x0, y0 := min(b.X, o.X), min(b.Y, o.Y)
	x1, y1 := max(b.Right(), o.Right()), max(b.Bottom(), o.Bottom())
	return Box{x0, y0, x1 - x0, y1 - y0}
}

// Ints is the box as [x, y, w, h] integers, the evidence JSON form.
func (b Box) Ints() [4]int {
	return [4]int{int(b.X + 0.5), int(b.Y + 0.5), int(b.W + 0.5), int(b.H + 0.5)}
}

// Word is one recognised or extracted word.
type Word struct {
	Text string
	Box  Box
	Conf float64 // 0..1
	// Para and LineNo are where the OCR engine put the word: its block and
	// paragraph (0: not known, as in a text layer) and its line in it.
	// Two of the engine's lines stay two lines even where a slanted photo
	// makes their boxes overlap in height.
	Para   int `json:"-"`
	LineNo int `json:"-"`
}

// Line is a run of words on one baseline with no wide gap inside: a line of
// the left header block and the date on the same row are separate Lines.
type Line struct {
	Words []Word
	Box   Box
}

// Text joins the words with single spaces.
func (l Line) Text() string {
	parts := make([]string, len(l.Words))
	for i, w := range l.Words {
		parts[i] = w.Text
	}
	return strings.Join(parts, " ")
}

// Conf is the mean word confidence.
func (l Line) Conf() float64 {
	if len(l.Words) == 0 {
		return 0
	}
	var s float64
	for _, w := range l.Words {
		s += w.Conf
	}
	return s / float64(len(l.Words))
}

// Source says where a page's text came from.
type Source string

const (
	SourceTextLayer Source = "text"      // the PDF's own text, read in Go
	SourcePdftotext Source = "pdftotext" // the PDF's text as poppler renders it (widgets, odd fonts)
	SourceOCR       Source = "ocr"
	SourceBlank     Source = "blank"
)

// Page is one page, its lines in reading order.
type Page struct {
	Number        int // 1-based
	Width, Height float64
	Source        Source
	Lines         []Line
	// Stamps are words read from the red layer (urgency, secrecy stamps).
	Stamps []Line
	// Note says why the page took the path it did (for logs and review).
	Note string
}

// Text is the page text, a line per Line.
func (p Page) Text() string {
	var b strings.Builder
	for i, l := range p.Lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l.Text())
	}
	return b.String()
}

// BuildLines groups words into lines: words whose vertical centres lie within
// half a word height of each other share a row; a row is cut where the gap
// between two words is wider than gap (pixels), so that the left header
// block and the national motto on the same row stay apart. Words the OCR
// engine read as one line stay in one row: on a slanted photo a line's
// ends lie a line's height apart, and grouping its words by height alone
// interleaves it with the next.
func BuildLines(words []Word, gap float64) []Line {
	// A unit is an engine line (or a word whose line is not known, as in
	// a text layer), placed as a whole.
	type unit struct {
		box   Box
		words []Word
		known bool
	}
	var units []*unit
	at := map[[2]int]*unit{}
	for _, w := range words {
		if strings.TrimSpace(w.Text) == "" {
			continue
		}
		if w.Para != 0 {
			k := [2]int{w.Para, w.LineNo}
			if u, ok := at[k]; ok {
				u.box = u.box.Union(w.Box)
				u.words = append(u.words, w)
				continue
			}
			at[k] = &unit{box: w.Box, words: []Word{w}, known: true}
			units = append(units, at[k])
			continue
		}
		units = append(units, &unit{box: w.Box, words: []Word{w}})
	}
	sort.SliceStable(units, func(i, j int) bool {
		return units[i].box.Y+units[i].box.H/2 < units[j].box.Y+units[j].box.H/2
	})
	type row struct {
		top, bottom float64 // running means of the units' tops and bottoms
		units       []*unit
		words       []Word
	}
	// otherLine: the row holds another engine line over the same stretch
	// of the page. Two lines of a slanted photo overlap in height, and a
	// row has one line at each place.
	otherLine := func(r *row, u *unit) bool {
		if !u.known {
			return false
		}
		for _, o := range r.units {
			if !o.known {
				continue
			}
			if ov := min(o.box.Right(), u.box.Right()) - max(o.box.X, u.box.X); ov > 0.3*min(o.box.W, u.box.W) {
				return true
			}
		}
		return false
	}
	var rows []*row
	for _, u := range units {
		// A unit joins the recent row it overlaps most, by at least half the
		// smaller height: diacritics make word boxes differ in height, and a
		// tall stamp or seal word must not swallow two lines of text.
		var best *row
		bestOv := 0.0
		for i := len(rows) - 1; i >= 0 && i >= len(rows)-3; i-- {
			r := rows[i]
			ov := min(r.bottom, u.box.Bottom()) - max(r.top, u.box.Y)
			if ov > 0.5*min(r.bottom-r.top, u.box.H) && ov > bestOv && !otherLine(r, u) {
				best, bestOv = r, ov
			}
		}
		if best == nil {
			best = &row{top: u.box.Y, bottom: u.box.Bottom()}
			rows = append(rows, best)
		}
		n := float64(len(best.units))
		best.top = (best.top*n + u.box.Y) / (n + 1)
		best.bottom = (best.bottom*n + u.box.Bottom()) / (n + 1)
		best.units = append(best.units, u)
		best.words = append(best.words, u.words...)
	}
	var lines []Line
	for _, r := range rows {
		sort.SliceStable(r.words, func(i, j int) bool { return r.words[i].Box.X < r.words[j].Box.X })
		cur := Line{}
		for _, w := range r.words {
			if len(cur.Words) > 0 && w.Box.X-cur.Box.Right() > gap {
				lines = append(lines, cur)
				cur = Line{}
			}
			cur.Words = append(cur.Words, w)
			cur.Box = cur.Box.Union(w.Box)
		}
		if len(cur.Words) > 0 {
			lines = append(lines, cur)
		}
	}
	return lines
}

// Task is an assignment read from the body.
type Task struct {
	Assignee string `json:"assignee"`
	Task     string `json:"task"`
	Due      string `json:"due"`
}

// Evidence says where a field was read.
type Evidence struct {
	Page int    `json:"page"`
	Box  [4]int `json:"box"`
}

// Record is the extraction record, the contract of `vanthu extract`
// (domain.md section 3). Keys and their order are part of the contract.
type Record struct {
	File             string              `json:"file"`
	DocType          string              `json:"doc_type"`
	Number           string              `json:"number"`
	Symbol           string              `json:"symbol"`
	Issuer           string              `json:"issuer"`
	Parent           string              `json:"parent"`
	IssuedAt         string              `json:"issued_at"`
	Place            string              `json:"place"`
	Subject          string              `json:"subject"`
	Signer           string              `json:"signer"`
	SignerTitle      string              `json:"signer_title"`
	SigningAuthority string              `json:"signing_authority"`
	Recipients       []string            `json:"recipients"`
	Urgency          string              `json:"urgency"`
	Confidentiality  string              `json:"confidentiality"`
	MeetingTime      string              `json:"meeting_time"`
	MeetingPlace     string              `json:"meeting_place"`
	Tasks            []Task              `json:"tasks"`
	Pages            int                 `json:"pages"`
	Text             string              `json:"text"`
	Confidence       map[string]float64  `json:"confidence"`
	Evidence         map[string]Evidence `json:"evidence"`
	Error            string              `json:"error"`
	// Candidates are the other readings a handwritten field could be,
	// likeliest first, with their probabilities given what was read: the
	// archive ranks them again by the field's neighbours (a number
	// between those its issuer gave the days before and after). Not a
	// key of `vanthu extract`'s output, which keeps the contract's keys.
	Candidates map[string][]Candidate `json:"candidates,omitempty"`
	// Figures are the labelled numbers a báo cáo states, in its tables
	// and sentences, in reading order; the archive finds a report
	// regime's indicators among them (FindIndicator). Not a key of
	// `vanthu extract`'s output either.
	Figures []Figure `json:"figures,omitempty"`
}

// Figure is a number a report states with what it counts: a table
// row's label and cell, or the words of a sentence before it.
type Figure struct {
	Label string `json:"label"` // the row's label, or the words the number follows
	// Column is the header of the cell's column when a table has more
	// than one column of numbers ("Kỳ này", "Lũy kế"); "" otherwise.
	Column string `json:"column,omitempty"`
	// Value is the number in its unit's base: "1.234,5" is 1234.5, and
	// "1,2 tỷ đồng" is 1200000000 with unit "đồng".
	Value      float64  `json:"value"`
	Unit       string   `json:"unit,omitempty"` // "đồng", "%", "hồ sơ", … ("" none printed)
	Text       string   `json:"text"`           // the number as printed, with its unit
	Confidence float64  `json:"confidence"`
	Evidence   Evidence `json:"evidence"`
}

// Candidate is a reading of a handwritten blank and its probability.
type Candidate struct {
	Digits string  `json:"digits"`
	P      float64 `json:"p"`
}

// NewRecord returns a record with its lists and maps non-nil, so that JSON
// shows [] and {} rather than null.
func NewRecord(file string) Record {
	return Record{File: file, Recipients: []string{}, Tasks: []Task{}, Confidence: map[string]float64{}, Evidence: map[string]Evidence{}}
}
