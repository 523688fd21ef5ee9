package records

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"strings"

	"github.com/vanthu/vanthu/internal/viet"
	"github.com/vanthu/vanthu/pipelines/classify"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// knownConf is the confidence a signer needs to enter the archive's
// names unchecked: typed text, read with confidence.
const knownConf = 0.95

// SnapSigner matches a signer's name as read against the names the
// issuer's documents were signed with before. OCR loses tone marks
// ("Tran Phuoc Hien" for Trần Phước Hiền), drops the family name
// ("Trường Thọ" for Phạm Trường Thọ) or misreads a letter; a known name
// that is the reading with marks put back, ends with all of it, or is one
// letter other in a long name, is the name. Only a match no other known
// name shares counts. It returns the name and the confidence the match
// earns: enough to skip review only when the name was read as written
// (0.9); a name that could be another person's ("Hoa" and "Hòa", "Anh"
// and "An") is filled in for a person to confirm (0.75).
func SnapSigner(read string, known []string) (string, float64, bool) {
	read = strings.Join(strings.Fields(viet.NFC(read)), " ")
	r := strings.Fields(viet.Fold(read))
	if len(r) == 0 {
		return "", 0, false
	}
	rj := strings.Join(r, " ")
	best, bestRank, ties := "", 0, 0
	for _, k := range known {
		k = strings.Join(strings.Fields(viet.NFC(k)), " ")
		f := strings.Fields(viet.Fold(k))
		fj := strings.Join(f, " ")
		rank := 0
		switch {
		case k == read:
			rank = 4 // read as written
		case fj == rj:
			rank = 3 // its marks lost or misread
		case len(r) >= 2 && len(f) > len(r) && strings.HasSuffix(fj, " "+rj):
			rank = 2 // its family name dropped
		case len(f) == len(r) && len([]rune(rj)) >= 10 && len([]rune(rj)) == len([]rune(fj)) && classify.Distance(rj, fj) <= 1:
			rank = 1 // a letter misread in a long name
		}
		switch {
		case rank > bestRank:
			best, bestRank, ties = k, rank, 0
		case rank == bestRank && rank > 0 && k != best:
			ties++
		}
	}
	if bestRank == 0 || ties > 0 {
		return "", 0, false
	}
	if bestRank == 1 {
		// One letter from two known names (a letter misread in one, one
		// dropped from the other: "Gian" for Giáp or Giang): neither.
		near := 0
		for _, k := range known {
			if classify.Distance(rj, strings.Join(strings.Fields(viet.Fold(k)), " ")) <= 1 {
				near++
			}
		}
		if near > 1 {
			return "", 0, false
		}
	}
	if bestRank == 4 {
		return best, 0.9, true
	}
	return best, 0.75, true
}

// knownSigners are the names the issuer's documents were signed with.
func (s *Store) knownSigners(ctx context.Context, tx *sql.Tx, agency, issuer string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, s.q(`SELECT name FROM known_signers WHERE agency = ? AND issuer_key = ? ORDER BY seen DESC LIMIT 500`), agency, nameKey(issuer))
	if err != nil {
		return nil, fmt.Errorf("known signers: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// learnSigner adds a signer to the issuer's known names in the agency's
// archive. Names of secret documents, or of documents whose marking is
// not known, stay out: the names are shared by all the agency's readings.
func (s *Store) learnSigner(ctx context.Context, tx *sql.Tx, agency string, rec doc.Record) error {
	name := strings.Join(strings.Fields(viet.NFC(rec.Signer)), " ")
	if name == "" || rec.Issuer == "" || SecrecyOf(rec.Confidentiality) != "" || len(name) > 200 {
		return nil
	}
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO known_signers (agency, issuer_key, name, seen) VALUES (?, ?, ?, 1)
		ON CONFLICT (agency, issuer_key, name) DO UPDATE SET seen = known_signers.seen + 1`), agency, nameKey(rec.Issuer), name)
	if err != nil {
		return fmt.Errorf("known signers: %w", err)
	}
	return nil
}

// snapSigner puts a signer read without confidence right by the issuer's
// known names, or learns a confident one.
func (s *Store) snapSigner(ctx context.Context, tx *sql.Tx, agency string, rec *doc.Record) error {
	if rec.Signer == "" || rec.Issuer == "" {
		return nil
	}
	if rec.Confidence["signer"] >= knownConf {
		return s.learnSigner(ctx, tx, agency, *rec)
	}
	known, err := s.knownSigners(ctx, tx, agency, rec.Issuer)
	if err != nil {
		return err
	}
	if name, conf, ok := SnapSigner(rec.Signer, known); ok && conf > rec.Confidence["signer"] {
		rec.Confidence = maps.Clone(rec.Confidence)
		rec.Signer, rec.Confidence["signer"] = name, conf
	}
	return nil
}
