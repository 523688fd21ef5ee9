// Package figures reads the labelled numbers a báo cáo states: the rows
// of its tables (from OCR's word boxes or a text layer's, the same
// positioned words) and the figures of its sentences ("đã tiếp nhận
// 1.234 hồ sơ", "tổng kinh phí 1,2 tỷ đồng"). Numbers are read in
// Vietnamese notation: a dot between thousands, a comma before decimals.
// A regime's indicator is found among them by doc.FindIndicator.
package figures

import (
	"github.com/vanthu/vanthu/pipelines/doc"
)

// Read returns the figures of pages: the tables' rows, page by page, then
// the sentences' figures in reading order (of the words no table took).
func Read(pages []doc.Page) []doc.Figure {
	var out []doc.Figure
	var running []token
	for _, pg := range pages {
		var words []doc.Word
		for _, l := range pg.Lines {
			words = append(words, l.Words...)
		}
		rs := rows(words)
		used := make([]bool, len(rs))
		out = append(out, readTables(pg.Number, rs, used)...)
		taken := map[wordKey]bool{}
		for i, r := range rs {
			if used[i] {
				for _, w := range r.words {
					taken[keyOf(w)] = true
				}
			}
		}
		// The running text in the page's own reading order: its lines.
		for _, l := range pg.Lines {
			for _, w := range l.Words {
				if !taken[keyOf(w)] && w.Text != "" {
					running = append(running, newToken(w, pg.Number))
				}
			}
		}
	}
	return append(out, readSentences(running)...)
}

type wordKey struct {
	text string
	box  [4]int
}

func keyOf(w doc.Word) wordKey { return wordKey{w.Text, w.Box.Ints()} }
