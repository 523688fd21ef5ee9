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
	add(rec.Subject, typeWords)
	add(rec.Text, 150)
	sort.Strings(out)
	return out
}

// learnType counts a document's words under its type in the agency's
// model. Secret documents' words stay out (they are their content).
func (s *Store) learnType(ctx context.Context, tx *sql.Tx, agency string, rec doc.Record) error {
	if rec.DocType == "" || len(rec.DocType) > 8 || SecrecyOf(rec.Confidentiality) != "" {
		return nil
	}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO type_docs (agency, doc_type, n) VALUES (?, ?, 1)
		ON CONFLICT (agency, doc_type) DO UPDATE SET n = type_docs.n + 1`), agency, rec.DocType); err != nil {
		return fmt.Errorf("type model: %w", err)
	}
	words := TypeFeatures(rec)
	if len(words) == 0 {
		return nil
	}
	// One statement for all the words: a document's recording waits on it.
	args := make([]any, 0, 3*len(words))
	for _, w := range words {
		args = append(args, agency, rec.DocType, w)
	}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO type_words (agency, doc_type, word, n) VALUES (?, ?, ?, 1)`+strings.Repeat(`, (?, ?, ?, 1)`, len(words)-1)+`
		ON CONFLICT (agency, word, doc_type) DO UPDATE SET n = type_words.n + 1`), args...); err != nil {
		return fmt.Errorf("type model: %w", err)
	}
	return nil
}

// unlearnType takes back what learnType counted for a document whose
// confident type a person then corrected.
func (s *Store) unlearnType(ctx context.Context, tx *sql.Tx, agency string, rec doc.Record) error {
	if rec.DocType == "" || SecrecyOf(rec.Confidentiality) != "" {
		return nil
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE type_docs SET n = n - 1 WHERE agency = ? AND doc_type = ? AND n > 0`), agency, rec.DocType); err != nil {
		return fmt.Errorf("type model: %w", err)
	}
	words := TypeFeatures(rec)
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

// TypeModel is an agency's counts: documents per type, and per type the
// documents each word was in.
type TypeModel struct {
	Docs  map[string]int
	Words map[string]map[string]int // type → word → documents
}

// Propose is the model's type for a document's words and its posterior
// probability (Bernoulli naive Bayes over the words present, add-one
// smoothing), or "" when the model has seen too few documents.
func (m TypeModel) Propose(words []string) (string, float64) {
	total := 0
	for _, n := range m.Docs {
		total += n
	}
	if total < typeMinDocs || len(words) == 0 {
		return "", 0
	}
	types := make([]string, 0, len(m.Docs))
	for t := range m.Docs {
		types = append(types, t)
	}
	sort.Strings(types)
	logp := make([]float64, len(types))
	best := 0
	for i, t := range types {
		n := float64(m.Docs[t])
		lp := math.Log(n / float64(total))
		for _, w := range words {
			lp += math.Log((float64(m.Words[t][w]) + 1) / (n + 2))
		}
		logp[i] = lp
		if lp > logp[best] {
			best = i
		}
	}
	var sum float64
	for _, lp := range logp {
		sum += math.Exp(lp - logp[best])
	}
	return types[best], 1 / sum
}

// typeModel loads the counts of the agency's model for these words.
func (s *Store) typeModel(ctx context.Context, tx *sql.Tx, agency string, words []string) (TypeModel, error) {
	m := TypeModel{Docs: map[string]int{}, Words: map[string]map[string]int{}}
	rows, err := tx.QueryContext(ctx, s.q(`SELECT doc_type, n FROM type_docs WHERE agency = ?`), agency)
	if err != nil {
		return m, fmt.Errorf("type model: %w", err)
	}
	for rows.Next() {
		var t string
		var n int
		if err := rows.Scan(&t, &n); err != nil {
			rows.Close()
			return m, err
		}
		m.Docs[t] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(words) == 0 {
		return m, err
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
func (s *Store) proposeType(ctx context.Context, tx *sql.Tx, agency string, rec *doc.Record) error {
	conf := rec.Confidence["doc_type"]
	if conf >= knownConf {
		return s.learnType(ctx, tx, agency, *rec)
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
