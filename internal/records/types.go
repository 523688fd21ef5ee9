package records

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vanthu/vanthu/internal/viet"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// The archive's type model: the classifier (pipelines/classify) decides
// a document's type from its symbol and title; when both are misread or
// missing it is unsure, and a person says the type in review. Those
// corrections, with the types read with confidence, teach a small naive
// Bayes model over the words of the agency's documents (their subject and
// first lines: "kính mời", "đề nghị", "báo cáo kết quả"), which then puts
// forward a type for a document the classifier was unsure of — for a
// person to confirm, never to skip review.
const (
	typeWords    = 80   // distinct words of a document the model sees
	typeMinDocs  = 20   // documents the agency's model needs before it speaks
	typeMinShare = 0.9  // the posterior its type needs to be put forward
	typeProposed = 0.75 // the confidence a proposed type gets: reviewed
)

// TypeFeatures are the words the type model sees: the subject's and the
// first lines', folded, letters only, each once.
func TypeFeatures(rec doc.Record) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string, limit int) {
		n := 0
		for _, w := range strings.FieldsFunc(strings.ToLower(viet.Fold(s)), func(r rune) bool { return !unicode.IsLetter(r) }) {
			if n++; n > limit || len(out) >= typeWords {
				return
			}
			if len(w) >= 2 && len(w) <= 20 && !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	add(truncate(rec.Subject, 2000), typeWords)
	add(truncate(rec.Text, 4000), 150) // the first lines; a long text is not folded whole
	sort.Strings(out)
	return out
}

// learnType counts a document's words under its type in the agency's
// model. Secret documents' words stay out (they are their content).
func (s *Store) learnType(ctx context.Context, tx *sql.Tx, agency string, rec doc.Record) (bool, error) {
	if rec.DocType == "" || len(rec.DocType) > 8 || !learnable(rec.DocType) || SecrecyOf(rec.Confidentiality) != "" {
		return false, nil
	}
	words := TypeFeatures(rec)
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO type_docs (agency, doc_type, n, words) VALUES (?, ?, 1, ?)
		ON CONFLICT (agency, doc_type) DO UPDATE SET n = type_docs.n + 1, words = type_docs.words + excluded.words`), agency, rec.DocType, len(words)); err != nil {
		return false, fmt.Errorf("type model: %w", err)
	}
	if len(words) == 0 {
		return true, nil
	}
	// One statement for all the words: a document's recording waits on it.
	args := make([]any, 0, 3*len(words))
	for _, w := range words {
		args = append(args, agency, rec.DocType, w)
	}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO type_words (agency, doc_type, word, n) VALUES (?, ?, ?, 1)`+strings.Repeat(`, (?, ?, ?, 1)`, len(words)-1)+`
		ON CONFLICT (agency, word, doc_type) DO UPDATE SET n = type_words.n + 1`), args...); err != nil {
		return false, fmt.Errorf("type model: %w", err)
	}
	return true, nil
}

// unlearnType takes back what learnType counted for a document (the
// learnt ledger says it did: unlearnOnce).
func (s *Store) unlearnType(ctx context.Context, tx *sql.Tx, agency string, rec doc.Record) error {
	if rec.DocType == "" {
		return nil
	}
	words := TypeFeatures(rec)
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE type_docs SET n = n - 1, words = CASE WHEN words > ? THEN words - ? ELSE 0 END WHERE agency = ? AND doc_type = ? AND n > 0`), len(words), len(words), agency, rec.DocType); err != nil {
		return fmt.Errorf("type model: %w", err)
	}
	if len(words) == 0 {
		return nil
	}
	args := []any{agency, rec.DocType}
	for _, w := range words {
		args = append(args, w)
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE type_words SET n = n - 1 WHERE agency = ? AND doc_type = ? AND n > 0 AND word IN (?`+strings.Repeat(", ?", len(words)-1)+`)`), args...); err != nil {
		return fmt.Errorf("type model: %w", err)
	}
	return nil
}

// TypeModel is an agency's counts: documents per type, the words counted
// under each type, and per type the documents each word was in.
type TypeModel struct {
	Docs   map[string]int
	Totals map[string]int            // type → words counted (a word once a document)
	Words  map[string]map[string]int // type → word → documents
	Vocab  int                       // distinct words the agency's model knows
}

// Least evidence the model needs to speak: documents of the type it puts
// forward, and words of the document it knows.
const (
	typeMinOfType = 3
	typeMinKnown  = 3
)

// Propose is the model's type for a document's words and its posterior
// probability — multinomial naive Bayes over the words, each counted
// once a document, add-one smoothed over the agency's vocabulary — or ""
// when the model has seen too few documents, too few of the type, or
// too few of the words.
func (m TypeModel) Propose(words []string) (string, float64) {
	total := 0
	for _, n := range m.Docs {
		total += n
	}
	if total < typeMinDocs || len(words) == 0 {
		return "", 0
	}
	known := 0
	for _, w := range words {
		for _, ws := range m.Words {
			if ws[w] > 0 {
				known++
				break
			}
		}
	}
	if known < typeMinKnown {
		return "", 0
	}
	types := make([]string, 0, len(m.Docs))
	for t, n := range m.Docs {
		if n > 0 {
			types = append(types, t)
		}
	}
	sort.Strings(types)
	logp := make([]float64, len(types))
	best := 0
	for i, t := range types {
		lp := math.Log(float64(m.Docs[t]) / float64(total))
		denom := float64(m.Totals[t] + m.Vocab + 1)
		for _, w := range words {
			lp += math.Log((float64(m.Words[t][w]) + 1) / denom)
		}
		logp[i] = lp
		if lp > logp[best] {
			best = i
		}
	}
	if len(types) == 0 || m.Docs[types[best]] < typeMinOfType {
		return "", 0
	}
	var sum float64
	for _, lp := range logp {
		sum += math.Exp(lp - logp[best])
	}
	return types[best], 1 / sum
}

// typeModel loads the counts of the agency's model for these words.
func (s *Store) typeModel(ctx context.Context, tx *sql.Tx, agency string, words []string) (TypeModel, error) {
	m := TypeModel{Docs: map[string]int{}, Totals: map[string]int{}, Words: map[string]map[string]int{}}
	rows, err := tx.QueryContext(ctx, s.q(`SELECT doc_type, n, words FROM type_docs WHERE agency = ?`), agency)
	if err != nil {
		return m, fmt.Errorf("type model: %w", err)
	}
	for rows.Next() {
		var t string
		var n, w int
		if err := rows.Scan(&t, &n, &w); err != nil {
			rows.Close()
			return m, err
		}
		m.Docs[t], m.Totals[t] = n, w
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(words) == 0 {
		return m, err
	}
	if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(DISTINCT word) FROM type_words WHERE agency = ? AND n > 0`), agency).Scan(&m.Vocab); err != nil {
		return m, fmt.Errorf("type model: %w", err)
	}
	args := []any{agency}
	for _, w := range words {
		args = append(args, w)
	}
	rows, err = tx.QueryContext(ctx, s.q(`SELECT doc_type, word, n FROM type_words WHERE agency = ? AND word IN (?`+strings.Repeat(", ?", len(words)-1)+`)`), args...)
	if err != nil {
		return m, fmt.Errorf("type model: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t, w string
		var n int
		if err := rows.Scan(&t, &w, &n); err != nil {
			return m, err
		}
		if m.Words[t] == nil {
			m.Words[t] = map[string]int{}
		}
		m.Words[t][w] = n
	}
	return m, rows.Err()
}

// proposeType puts forward the agency model's type for a document the
// classifier was unsure of, or learns a confident one.
func (s *Store) proposeType(ctx context.Context, tx *sql.Tx, id int64, agency string, rec *doc.Record, learn bool) error {
	conf := rec.Confidence["doc_type"]
	if conf >= knownConf {
		if !learn {
			return nil
		}
		return s.learnOnce(ctx, tx, id, agency, "doc_type", *rec, s.learnType)
	}
	if conf >= s.ReviewBelow {
		return nil
	}
	words := TypeFeatures(*rec)
	m, err := s.typeModel(ctx, tx, agency, words)
	if err != nil {
		return err
	}
	if t, p := m.Propose(words); t != "" && p >= typeMinShare && t != rec.DocType {
		rec.Confidence = maps.Clone(rec.Confidence)
		rec.DocType, rec.Confidence["doc_type"] = t, typeProposed
	}
	return nil
}

// truncate cuts s to at most n bytes, at a rune's start.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
