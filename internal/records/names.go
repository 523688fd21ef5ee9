package records

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vanthu/vanthu/internal/viet"
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
	read = cleanName(read)
	r := strings.Fields(viet.Fold(read))
	if len(r) == 0 {
		return "", 0, false
	}
	rj := strings.Join(r, " ")
	best, bestRank, ties := "", 0, 0
	for _, k := range known {
		k = cleanName(k)
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
		case len(f) == len(r) && len([]rune(rj)) >= 10 && len([]rune(rj)) == len([]rune(fj)) && viet.Distance(rj, fj) <= 1:
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
			if viet.Distance(rj, nameKey(k)) <= 1 {
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

// cleanName is a name as the archive keeps it: NFC, single spaces. Learnt
// and taken back alike, so that both find the same row.
func cleanName(s string) string { return strings.Join(strings.Fields(viet.NFC(s)), " ") }

// knownSigners are the names the issuer's documents were signed with.
func (s *Store) knownSigners(ctx context.Context, tx *sql.Tx, agency, issuer string) ([]string, error) {
	out, err := s.names(ctx, tx, `SELECT name FROM known_signers WHERE agency = ? AND issuer_key = ? ORDER BY seen DESC, name LIMIT 500`, agency, nameKey(issuer))
	if err != nil {
		return nil, fmt.Errorf("known signers: %w", err)
	}
	return out, nil
}

// names runs a query of one text column.
func (s *Store) names(ctx context.Context, tx *sql.Tx, stmt string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, s.q(stmt), args...)
	if err != nil {
		return nil, err
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
func (s *Store) learnSigner(ctx context.Context, tx *sql.Tx, agency string, rec doc.Record) (bool, error) {
	name := cleanName(rec.Signer)
	if !learnable(name) || rec.Issuer == "" || SecrecyOf(rec.Confidentiality) != "" {
		return false, nil
	}
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO known_signers (agency, issuer_key, name, seen) VALUES (?, ?, ?, 1)
		ON CONFLICT (agency, issuer_key, name) DO UPDATE SET seen = known_signers.seen + 1`), agency, nameKey(rec.Issuer), name)
	if err != nil {
		return false, fmt.Errorf("known signers: %w", err)
	}
	return true, nil
}

// learnable: a name fit to teach the archive — valid UTF-8, no control
// characters, at most 200 letters (a PATCH may send anything).
func learnable(name string) bool {
	if name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > 200 || strings.ContainsRune(name, utf8.RuneError) {
		return false
	}
	return strings.IndexFunc(name, unicode.IsControl) < 0
}

// snapSigner puts a signer read without confidence right by the issuer's
// known names, or learns a confident one.
func (s *Store) snapSigner(ctx context.Context, tx *sql.Tx, id int64, agency string, rec *doc.Record, learn bool) error {
	if rec.Signer == "" || rec.Issuer == "" {
		return nil
	}
	if rec.Confidence["signer"] >= knownConf {
		if !learn {
			return nil
		}
		return s.learnOnce(ctx, tx, id, agency, "signer", *rec, s.learnSigner)
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

// SnapIssuer matches an issuer as read against the issuers the agency's
// archive knows (its directory and the issuers read with confidence or
// put right by a person). OCR loses or misplaces tone marks ("BAN CHÍ
// ĐẠO" for CHỈ ĐẠO), cuts the second line of a two-line issuer ("BAN
// QUẢN LÝ CÁC KHU CÔNG" for … CÔNG NGHIỆP VÀ CHẾ XUẤT) and misreads a
// letter. A known issuer that is the reading with its tone marks put
// back is the issuer (an office's name is written one way: 0.85); one
// whose vowels differ too, that continues the reading or is one letter
// other in a long name is filled in for a person to confirm (0.75). Only
// a match no other known issuer shares counts.
func SnapIssuer(read string, known []string) (string, float64, bool) {
	read = strings.Join(strings.Fields(viet.Canonical(read)), " ")
	r := strings.Fields(viet.Fold(read))
	if len(r) == 0 {
		return "", 0, false
	}
	rj := strings.Join(r, " ")
	rt := strings.ToLower(viet.Toneless(read))
	best, bestKey, bestRank, ties := "", "", 0, 0
	for _, k := range known {
		k = strings.Join(strings.Fields(viet.Canonical(k)), " ")
		f := strings.Fields(viet.Fold(k))
		fj := strings.Join(f, " ")
		rank := 0
		switch {
		case strings.EqualFold(k, read):
			rank = 5
		case strings.ToLower(viet.Toneless(k)) == rt:
			rank = 4 // tone marks lost or misread: "CHÍ ĐẠO" for CHỈ ĐẠO
		case fj == rj:
			// Every mark lost ("UY BAN NHAN DAN") — or a vowel's: "TỊNH
			// AN" is not "TỊNH ẤN", a person tells.
			rank = 3
		case len(r) >= 3 && len(f) > len(r) && strings.HasPrefix(fj, rj+" "):
			rank = 2 // its second line cut off
		case len([]rune(rj)) >= 12 && len(f) == len(r) && viet.Distance(rj, fj) <= 1:
			rank = 1 // a letter misread
		}
		switch {
		case rank > bestRank:
			best, bestKey, bestRank, ties = k, fj, rank, 0
		case rank == bestRank && rank > 0 && fj != bestKey:
			// Two spellings of one name (ỦY/UỶ) are one issuer; two
			// names are a tie.
			ties++
		}
	}
	if bestRank == 1 {
		// One letter from two known names: neither.
		near := map[string]bool{}
		for _, k := range known {
			if fk := nameKey(k); viet.Distance(rj, fk) <= 1 {
				near[fk] = true
			}
		}
		if len(near) > 1 {
			return "", 0, false
		}
	}
	switch {
	case bestRank == 0 || ties > 0:
		return "", 0, false
	case bestRank == 5:
		return best, 0.9, true
	case bestRank == 4:
		return best, 0.85, true
	}
	return best, 0.75, true
}

// knownIssuers are the issuers the agency's archive knows: the directory
// of agencies, and those its documents were read or corrected with.
func (s *Store) knownIssuers(ctx context.Context, tx *sql.Tx, agency, read string) ([]string, error) {
	// Only names that begin as the reading does: the directory of a
	// country is tens of thousands of offices. A misread first word is
	// left as read.
	first := strings.Fields(nameKey(read))
	if len(first) == 0 {
		return nil, nil
	}
	pat := likeEscape(first[0]) + "%"
	out, err := s.names(ctx, tx, `SELECT name FROM (SELECT name, seen FROM known_issuers WHERE agency = ? AND name_key LIKE ? ESCAPE '\'
		UNION ALL SELECT name, 0 FROM agencies WHERE name_key LIKE ? ESCAPE '\') k ORDER BY seen DESC, name LIMIT 5000`, agency, pat, pat)
	if err != nil {
		return nil, fmt.Errorf("known issuers: %w", err)
	}
	return out, nil
}

// learnIssuer adds an issuer to the agency's known ones (not from secret
// documents, whose correspondents are their content).
func (s *Store) learnIssuer(ctx context.Context, tx *sql.Tx, agency string, rec doc.Record) (bool, error) {
	name := cleanName(rec.Issuer)
	if !learnable(name) || SecrecyOf(rec.Confidentiality) != "" {
		return false, nil
	}
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO known_issuers (agency, name, name_key, seen) VALUES (?, ?, ?, 1)
		ON CONFLICT (agency, name) DO UPDATE SET seen = known_issuers.seen + 1`), agency, name, nameKey(name))
	if err != nil {
		return false, fmt.Errorf("known issuers: %w", err)
	}
	return true, nil
}

// snapIssuer puts an issuer read without confidence right by the known
// ones, or learns a confident one.
func (s *Store) snapIssuer(ctx context.Context, tx *sql.Tx, id int64, agency string, rec *doc.Record, learn bool) error {
	if rec.Issuer == "" {
		return nil
	}
	if rec.Confidence["issuer"] >= knownConf {
		if !learn {
			return nil
		}
		return s.learnOnce(ctx, tx, id, agency, "issuer", *rec, s.learnIssuer)
	}
	known, err := s.knownIssuers(ctx, tx, agency, rec.Issuer)
	if err != nil {
		return err
	}
	if name, conf, ok := SnapIssuer(rec.Issuer, known); ok && conf > rec.Confidence["issuer"] {
		rec.Confidence = maps.Clone(rec.Confidence)
		rec.Issuer, rec.Confidence["issuer"] = name, conf
	}
	return nil
}

// likeEscape makes s match itself in a LIKE pattern escaped by '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// unlearnSigner takes back one document's signer from the issuer's names.
func (s *Store) unlearnSigner(ctx context.Context, tx *sql.Tx, agency string, rec doc.Record) error {
	name := cleanName(rec.Signer)
	if name == "" || rec.Issuer == "" {
		return nil
	}
	key := nameKey(rec.Issuer)
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE known_signers SET seen = seen - 1 WHERE agency = ? AND issuer_key = ? AND name = ?`), agency, key, name); err != nil {
		return fmt.Errorf("known signers: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM known_signers WHERE agency = ? AND issuer_key = ? AND name = ? AND seen <= 0`), agency, key, name); err != nil {
		return fmt.Errorf("known signers: %w", err)
	}
	return nil
}

// unlearnIssuer takes back one document's issuer from the known ones.
func (s *Store) unlearnIssuer(ctx context.Context, tx *sql.Tx, agency string, rec doc.Record) error {
	name := cleanName(rec.Issuer)
	if name == "" {
		return nil
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE known_issuers SET seen = seen - 1 WHERE agency = ? AND name = ?`), agency, name); err != nil {
		return fmt.Errorf("known issuers: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM known_issuers WHERE agency = ? AND name = ? AND seen <= 0`), agency, name); err != nil {
		return fmt.Errorf("known issuers: %w", err)
	}
	return nil
}

// learnOnce counts what a document teaches of a field (its signer, issuer
// or type) at most once: the learnt table remembers that it did, so that
// approving again counts nothing and unlearnOnce takes back only what was
// counted — however often its marking went up and down meanwhile.
func (s *Store) learnOnce(ctx context.Context, tx *sql.Tx, id int64, agency, field string, rec doc.Record,
	learn func(context.Context, *sql.Tx, string, doc.Record) (bool, error)) error {
	var n int
	if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM learnt WHERE document_id = ? AND field = ?`), id, field).Scan(&n); err != nil {
		return fmt.Errorf("learnt: %w", err)
	}
	if n > 0 {
		return nil
	}
	counted, err := learn(ctx, tx, agency, rec)
	if err != nil || !counted {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO learnt (document_id, field) VALUES (?, ?)`), id, field); err != nil {
		return fmt.Errorf("learnt: %w", err)
	}
	return nil
}

// unlearnOnce takes back what learnOnce counted of a document's field
// (rec is the record as it was then), if it did.
func (s *Store) unlearnOnce(ctx context.Context, tx *sql.Tx, id int64, agency, field string, rec doc.Record,
	unlearn func(context.Context, *sql.Tx, string, doc.Record) error) error {
	r, err := tx.ExecContext(ctx, s.q(`DELETE FROM learnt WHERE document_id = ? AND field = ?`), id, field)
	if err != nil {
		return fmt.Errorf("learnt: %w", err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return nil
	}
	return unlearn(ctx, tx, agency, rec)
}
