// Package eval scores extraction records against labelled truth: per-field
// accuracy, full-text word F1 and character error rate, and speed.
package eval

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/vanthu/vanthu/internal/viet"
	"github.com/vanthu/vanthu/pipelines/classify"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// Fields are scored in this order when the truth has them.
var Fields = []string{"doc_type", "number", "symbol", "issuer", "parent", "issued_at", "place", "subject",
	"signer", "signer_title", "signing_authority", "recipients", "urgency", "confidentiality",
	"meeting_time", "meeting_place", "tasks", "pages"}

// SubjectSimilarity is the similarity above which a subject counts as read.
const SubjectSimilarity = 0.9

// FieldScore is one row of the report.
type FieldScore struct {
	Field    string  `json:"field"`
	Correct  int     `json:"correct"`
	Total    int     `json:"total"`
	Accuracy float64 `json:"accuracy"`
}

// Miss is one wrong field.
type Miss struct {
	File  string `json:"file"`
	Field string `json:"field"`
	Got   string `json:"got"`
	Want  string `json:"want"`
	// Conf is the machine's confidence in what it got (-1: none given).
	Conf float64 `json:"confidence"`
}

// Report is the whole evaluation.
type Report struct {
	Files       int          `json:"files"`
	Failed      int          `json:"failed"`
	Pages       int          `json:"pages"`
	Seconds     float64      `json:"seconds"`
	PagesPerMin float64      `json:"pages_per_minute"`
	Fields      []FieldScore `json:"fields"`
	// Handwritten scores number and issued_at on the files whose truth
	// says they were written by hand into the blank.
	Handwritten []FieldScore `json:"handwritten"`
	Overall     float64      `json:"overall"`
	WordF1      float64      `json:"word_f1"`
	CER         float64      `json:"cer"`
	TextFiles   int          `json:"text_files"`
	Misses      []Miss       `json:"misses"`
	// Reliability: the fields the machine gave a confidence, by
	// confidence, and how many of them were right: of fields read at
	// 0.9, nine in ten should be.
	Reliability []Bin `json:"reliability"`
	// Silent errors are wrong fields a person is not asked to check
	// (read at ReviewBelow or above): the errors that reach the register.
	SilentErrors int     `json:"silent_errors"`
	Scored       int     `json:"scored_fields"`
	SilentRate   float64 `json:"silent_error_rate"`
	Flagged      int     `json:"flagged_fields"` // fields sent to review
	FlaggedRight int     `json:"flagged_right"`  // of them, read right after all
	// Figures scores the labelled figures of reports (truth "figures":
	// [{"label", "value"}]): of them, how many FindIndicator finds in
	// the record by their label with the right value. Figures are
	// counted one by one, not per file, and stay out of Overall.
	Figures *FieldScore `json:"figures,omitempty"`
}

// Bin is a band of confidence and how the fields in it fared.
type Bin struct {
	From, To float64
	Fields   int     `json:"fields"`
	Right    int     `json:"right"`
	Accuracy float64 `json:"accuracy"`
	MeanConf float64 `json:"mean_confidence"`
}

// ReviewBelow is the confidence under which a field waits for a person
// (the records' default).
var ReviewBelow = 0.8

// bins are the bands of the reliability table.
var bins = [][2]float64{{0, 0.5}, {0.5, 0.8}, {0.8, 0.9}, {0.9, 0.95}, {0.95, 0.99}, {0.99, 1.0001}}

// confKey is the record's confidence key of a scored field.
func confKey(field string) string { return field }

// Score compares records (matched to truth by file base name) with truth.
func Score(truth []map[string]any, recs []doc.Record, elapsed time.Duration) Report {
	byName := map[string]doc.Record{}
	for _, r := range recs {
		byName[baseName(r.File)] = r
	}
	rep := Report{Files: len(truth), Seconds: elapsed.Seconds()}
	counts := map[string]*FieldScore{}
	var f1Sum, cerSum float64
	rel := make([]Bin, len(bins))
	confSum := make([]float64, len(bins))
	for i, b := range bins {
		rel[i].From, rel[i].To = b[0], min(b[1], 1)
	}
	for _, t := range truth {
		name := baseName(t["file"].(string))
		rec, ok := byName[name]
		if !ok {
			rec = doc.NewRecord(name)
			rec.Error = "not processed"
		}
		if rec.Error != "" {
			rep.Failed++
		}
		rep.Pages += rec.Pages
		got := toMap(rec)
		for _, f := range Fields {
			want, has := t[f]
			if !has {
				continue
			}
			c := counts[f]
			if c == nil {
				c = &FieldScore{Field: f}
				counts[f] = c
			}
			c.Total++
			right := Match(f, got[f], want)
			if right {
				c.Correct++
			} else {
				conf, ok := rec.Confidence[confKey(f)]
				if !ok {
					conf = -1
				}
				rep.Misses = append(rep.Misses, Miss{File: name, Field: f, Got: show(got[f]), Want: show(want), Conf: conf})
			}
			// Calibration and silent errors, over the fields the machine
			// states a confidence for (and read: an empty field is asked
			// for when required, and is no silent error when it is not).
			if conf, ok := rec.Confidence[confKey(f)]; ok && rec.Error == "" && show(got[f]) != "" {
				rep.Scored++
				for i, b := range bins {
					if conf >= b[0] && conf < b[1] {
						rel[i].Fields++
						confSum[i] += conf
						if right {
							rel[i].Right++
						}
					}
				}
				switch {
				case conf < ReviewBelow:
					rep.Flagged++
					if right {
						rep.FlaggedRight++
					}
				case !right:
					rep.SilentErrors++
				}
			}
		}
		if hw, _ := t["handwritten"].(bool); hw {
			for i, f := range []string{"number", "issued_at"} {
				if len(rep.Handwritten) < 2 {
					rep.Handwritten = append(rep.Handwritten, FieldScore{Field: f})
				}
				rep.Handwritten[i].Total++
				if Match(f, got[f], t[f]) {
					rep.Handwritten[i].Correct++
				}
			}
		}
		if figs, ok := t["figures"].([]any); ok {
			if rep.Figures == nil {
				rep.Figures = &FieldScore{Field: "figures"}
			}
			for _, x := range figs {
				m, _ := x.(map[string]any)
				label, _ := m["label"].(string)
				want, _ := m["value"].(float64)
				rep.Figures.Total++
				f, _, found := doc.FindIndicator(label, rec.Figures)
				if found && SameValue(f.Value, want) {
					rep.Figures.Correct++
					continue
				}
				got := ""
				if found {
					got = fmt.Sprintf("%s = %s (%v)", f.Label, f.Text, f.Value)
				}
				rep.Misses = append(rep.Misses, Miss{File: name, Field: "figures", Got: got, Want: fmt.Sprintf("%s = %v", label, want), Conf: f.Confidence})
			}
		}
		if text, ok := t["text"].(string); ok && text != "" {
			rep.TextFiles++
			f1Sum += WordF1(rec.Text, text)
			cerSum += CER(rec.Text, text)
		}
	}
	var correct, total int
	for _, f := range Fields {
		if c := counts[f]; c != nil {
			c.Accuracy = float64(c.Correct) / float64(c.Total)
			rep.Fields = append(rep.Fields, *c)
			correct += c.Correct
			total += c.Total
		}
	}
	if total > 0 {
		rep.Overall = float64(correct) / float64(total)
	}
	for i := range rep.Handwritten {
		rep.Handwritten[i].Accuracy = float64(rep.Handwritten[i].Correct) / float64(rep.Handwritten[i].Total)
	}
	for i := range rel {
		if rel[i].Fields > 0 {
			rel[i].Accuracy = float64(rel[i].Right) / float64(rel[i].Fields)
			rel[i].MeanConf = confSum[i] / float64(rel[i].Fields)
		}
	}
	rep.Reliability = rel
	if rep.Figures != nil && rep.Figures.Total > 0 {
		rep.Figures.Accuracy = float64(rep.Figures.Correct) / float64(rep.Figures.Total)
	}
	if rep.Scored > 0 {
		rep.SilentRate = float64(rep.SilentErrors) / float64(rep.Scored)
	}
	if rep.TextFiles > 0 {
		rep.WordF1 = f1Sum / float64(rep.TextFiles)
		rep.CER = cerSum / float64(rep.TextFiles)
	}
	if rep.Seconds > 0 {
		rep.PagesPerMin = float64(rep.Pages) / rep.Seconds * 60
	}
	return rep
}

func baseName(p string) string {
	p = strings.ReplaceAll(p, "\\", "/")
	return p[strings.LastIndex(p, "/")+1:]
}

func toMap(r doc.Record) map[string]any {
	b, _ := json.Marshal(r)
	var m map[string]any
	json.Unmarshal(b, &m)
	return m
}

func show(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func canon(v any) string { return strings.ToLower(viet.Canonical(show(v))) }

// Match decides whether a field was read right: text compares after NFC,
// one tone-mark convention and case; the subject needs SubjectSimilarity;
// lists compare as sets; tasks by assignee and due date.
func Match(field string, got, want any) bool {
	switch field {
	case "subject":
		return Similarity(canon(got), canon(want)) >= SubjectSimilarity
	case "pages":
		return show(got) == show(want)
	case "recipients":
		return sameSet(strs(got), strs(want))
	case "tasks":
		return sameTasks(got, want)
	}
	return canon(got) == canon(want)
}

func strs(v any) []string {
	xs, _ := v.([]any)
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, canon(x))
	}
	sort.Strings(out)
	return out
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func sameTasks(got, want any) bool {
	key := func(v any) []string {
		xs, _ := v.([]any)
		var out []string
		for _, x := range xs {
			m, _ := x.(map[string]any)
			out = append(out, canon(m["assignee"])+"|"+show(m["due"]))
		}
		sort.Strings(out)
		return out
	}
	return sameSet(key(got), key(want))
}

// SameValue compares a figure read with its label: the same number after
// parsing, to a relative 1e-9 (the float of "1,2 tỷ" and of 1200000000).
func SameValue(got, want float64) bool {
	return math.Abs(got-want) <= 1e-9*math.Max(math.Abs(got), math.Abs(want))
}

// Similarity is 1 - normalised Levenshtein distance.
func Similarity(a, b string) float64 {
	if a == b {
		return 1
	}
	n := max(len([]rune(a)), len([]rune(b)))
	if n == 0 {
		return 1
	}
	return 1 - float64(classify.Distance(a, b))/float64(n)
}

func words(s string) []string {
	return strings.FieldsFunc(viet.Canonical(strings.ToLower(s)), func(r rune) bool {
		return r == ' ' || r == '\n' || r == '\f' || r == '\t' || strings.ContainsRune(".,;:()\"“”", r)
	})
}

// matched is how many of g's words are in w, each of w's used once.
func matched(g, w []string) int {
	bag := map[string]int{}
	for _, x := range w {
		bag[x]++
	}
	n := 0
	for _, x := range g {
		if bag[x] > 0 {
			bag[x]--
			n++
		}
	}
	return n
}

// WordF1 is the F1 of the bags of words of got and want.
func WordF1(got, want string) float64 {
	g, w := words(got), words(want)
	if len(g) == 0 || len(w) == 0 {
		if len(g) == len(w) {
			return 1
		}
		return 0
	}
	tp := matched(g, w)
	p, r := float64(tp)/float64(len(g)), float64(tp)/float64(len(w))
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// CER is the character error rate of got against want, on the words in
// order (spacing and line breaks do not count).
func CER(got, want string) float64 {
	g, w := strings.Join(words(got), " "), strings.Join(words(want), " ")
	if w == "" {
		return 0
	}
	return float64(levenshteinLong(g, w)) / float64(len([]rune(w)))
}

// levenshteinLong is Levenshtein over runes with two rows, for page-long texts.
func levenshteinLong(a, b string) int {
	return classify.Distance(a, b)
}

// Print writes the report as a table.
func (r Report) Print(w io.Writer, misses bool) {
	fmt.Fprintf(w, "%-18s %9s %9s\n", "field", "correct", "accuracy")
	for _, f := range r.Fields {
		fmt.Fprintf(w, "%-18s %4d/%-4d %8.3f\n", f.Field, f.Correct, f.Total, f.Accuracy)
	}
	fmt.Fprintf(w, "%-18s %9s %8.3f\n", "overall", "", r.Overall)
	if f := r.Figures; f != nil {
		fmt.Fprintf(w, "%-18s %4d/%-4d %8.3f   (labelled figures found by their indicator, right value)\n", f.Field, f.Correct, f.Total, f.Accuracy)
	}
	for _, f := range r.Handwritten {
		fmt.Fprintf(w, "%-18s %4d/%-4d %8.3f   (handwritten into the blank)\n", f.Field, f.Correct, f.Total, f.Accuracy)
	}
	if r.TextFiles > 0 {
		fmt.Fprintf(w, "full text          word F1 %.3f   CER %.3f   (%d files)\n", r.WordF1, r.CER, r.TextFiles)
	}
	if r.Scored > 0 {
		fmt.Fprintf(w, "reliability (fields with a confidence): band, fields, right, accuracy, mean confidence\n")
		for _, b := range r.Reliability {
			if b.Fields > 0 {
				fmt.Fprintf(w, "  [%.2f, %.2f)  %5d %5d   %.3f   %.3f\n", b.From, b.To, b.Fields, b.Right, b.Accuracy, b.MeanConf)
			}
		}
		fmt.Fprintf(w, "silent errors %d of %d fields (%.2f%%): wrong, read at %.2f or above, not sent to review; %d sent to review, %d of them right\n",
			r.SilentErrors, r.Scored, 100*r.SilentRate, ReviewBelow, r.Flagged, r.FlaggedRight)
	}
	fmt.Fprintf(w, "files %d (failed %d), pages %d, %.1f s, %.1f pages/min\n", r.Files, r.Failed, r.Pages, r.Seconds, r.PagesPerMin)
	if misses {
		for _, m := range r.Misses {
			note := ""
			if m.Conf >= ReviewBelow && m.Got != "" {
				note = fmt.Sprintf("   (silent: read at %.2f, not sent to review)", m.Conf)
			} else if m.Conf >= 0 {
				note = fmt.Sprintf("   (read at %.2f)", m.Conf)
			}
			fmt.Fprintf(w, "MISS %s %s: got %q want %q%s\n", m.File, m.Field, m.Got, m.Want, note)
		}
	}
}
