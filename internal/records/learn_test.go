package records

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/pipelines/doc"
)

// What the archive learnt from a document follows what people say of it:
// counted once, taken back when corrected or marked secret, and never
// taken from what it had not learnt.
func TestLearningFollowsCorrections(t *testing.T) {
	ctx := context.Background()
	s, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "l.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	clerk, err := s.CreateUser(ctx, User{Name: "vt", Role: RoleClerk, Agency: "a", Clearance: UnknownSecrecy}, "mat-khau-dai-1")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	record := func(docType, issuer, signer string, conf float64) Document {
		t.Helper()
		n++
		r := doc.NewRecord(fmt.Sprint(n, ".pdf"))
		r.DocType, r.Number, r.Symbol, r.Issuer, r.IssuedAt, r.Subject = docType, fmt.Sprint(n), "UBND-VP", issuer, "2025-03-03", "Về việc thử"
		r.Signer, r.Text = signer, "Về việc thử nghiệm kế hoạch"
		for _, f := range []string{"doc_type", "number", "symbol", "issuer", "issued_at", "subject", "signer"} {
			r.Confidence[f] = conf
		}
		res, err := s.Record(ctx, Upload{Agency: "a", Bucket: "b", Key: fmt.Sprint(n), ETag: "e", At: time.Now()}, r)
		if err != nil {
			t.Fatal(err)
		}
		return res.Document
	}
	count := func(stmt string, args ...any) int {
		t.Helper()
		var c int
		if err := s.db.QueryRowContext(ctx, stmt, args...).Scan(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	docs := func(typ string) int {
		return count(`SELECT COALESCE(SUM(n), 0) FROM type_docs WHERE agency = 'a' AND doc_type = ?`, typ)
	}
	for range 3 {
		record("CV", "SỞ TƯ PHÁP", "Lê Văn Tám", 0.99)
	}
	unsure := record("CV", "SO TU PHAP", "Le Van Tam", 0.4)
	if _, err := s.Correct(ctx, clerk, unsure.ID, map[string]string{"doc_type": "GM"}); err != nil {
		t.Fatal(err)
	}
	if docs("CV") != 3 || docs("GM") != 1 {
		t.Errorf("after correcting an unsure type: CV %d GM %d, want 3 and 1 (nothing learnt is taken back)", docs("CV"), docs("GM"))
	}
	// Approved twice: counted once.
	plan := record("KH", "SỞ TƯ PHÁP", "Lê Văn Tám", 0.5)
	for range 2 {
		if _, err := s.Approve(ctx, clerk, plan.ID); err != nil {
			t.Fatal(err)
		}
	}
	if docs("KH") != 1 {
		t.Errorf("approved twice: KH counted %d times", docs("KH"))
	}
	// A confident issuer put right: the wrong one is no longer known.
	wrong := record("TB", "SỞ TƯ PHÁT", "Lê Văn Tám", 0.99)
	if count(`SELECT COUNT(*) FROM known_issuers WHERE agency = 'a' AND name = 'SỞ TƯ PHÁT'`) != 1 {
		t.Fatal("a confident issuer was not learnt")
	}
	if _, err := s.Correct(ctx, clerk, wrong.ID, map[string]string{"issuer": "SỞ TƯ PHÁP"}); err != nil {
		t.Fatal(err)
	}
	if c := count(`SELECT COUNT(*) FROM known_issuers WHERE agency = 'a' AND name = 'SỞ TƯ PHÁT'`); c != 0 {
		t.Errorf("the corrected issuer is still known (%d)", c)
	}
	// Marked secret later: all it taught is taken back.
	before := docs("CV")
	signers := count(`SELECT COALESCE(SUM(seen), 0) FROM known_signers WHERE agency = 'a'`)
	secret := record("CV", "SỞ TƯ PHÁP", "Lê Văn Tám", 0.99)
	if docs("CV") != before+1 {
		t.Fatal("a confident type was not learnt")
	}
	if _, err := s.Correct(ctx, clerk, secret.ID, map[string]string{"confidentiality": "MẬT"}); err != nil {
		t.Fatal(err)
	}
	if docs("CV") != before || count(`SELECT COALESCE(SUM(seen), 0) FROM known_signers WHERE agency = 'a'`) != signers {
		t.Errorf("marked secret: CV %d (want %d), signers seen %d (want %d)", docs("CV"), before,
			count(`SELECT COALESCE(SUM(seen), 0) FROM known_signers WHERE agency = 'a'`), signers)
	}
	// Its marking lowered again, then its signer corrected: what it no
	// longer counts is not taken back a second time.
	for _, ch := range []map[string]string{{"confidentiality": ""}, {"signer": "Lê Văn Tâm"}} {
		if _, err := s.Correct(ctx, clerk, secret.ID, ch); err != nil {
			t.Fatal(err)
		}
	}
	if c := count(`SELECT COALESCE(SUM(seen), 0) FROM known_signers WHERE agency = 'a' AND name = 'Lê Văn Tám'`); c != signers {
		t.Errorf("Lê Văn Tám seen %d times after the secret document's signer was corrected, want %d", c, signers)
	}
	// Approved while secret, then lowered and corrected: it never taught.
	sec2 := record("CV", "SỞ TƯ PHÁP", "Lê Văn Tám", 0.5)
	for _, ch := range []map[string]string{{"confidentiality": "MẬT"}} {
		if _, err := s.Correct(ctx, clerk, sec2.ID, ch); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Approve(ctx, clerk, sec2.ID); err != nil {
		t.Fatal(err)
	}
	for _, ch := range []map[string]string{{"confidentiality": ""}, {"signer": "Lê Văn Tâm"}} {
		if _, err := s.Correct(ctx, clerk, sec2.ID, ch); err != nil {
			t.Fatal(err)
		}
	}
	if c := count(`SELECT COALESCE(SUM(seen), 0) FROM known_signers WHERE agency = 'a' AND name = 'Lê Văn Tám'`); c != signers {
		t.Errorf("Lê Văn Tám seen %d times, want %d: a document that never taught took it back", c, signers)
	}
	// Names no one writes are not learnt.
	junk := record("CV", "SỞ TƯ PHÁP", "Lê\x00Văn", 0.5)
	if _, err := s.Correct(ctx, clerk, junk.ID, map[string]string{"signer": "Tr\u0000ần " + strings.Repeat("A", 300)}); err != nil {
		t.Fatal(err)
	}
	if c := count(`SELECT COUNT(*) FROM known_signers WHERE agency = 'a' AND (name LIKE '%AAAA%' OR name LIKE 'Tr%')`); c != 0 {
		t.Errorf("a control character and a 300-letter name were learnt (%d)", c)
	}
}

// The type model does not speak of what it has not seen.
func TestTypeModelNeedsEvidence(t *testing.T) {
	m := TypeModel{Docs: map[string]int{"QĐ": 30, "KH": 1}, Totals: map[string]int{"QĐ": 900, "KH": 30},
		Words: map[string]map[string]int{"QĐ": {"quyet": 30, "dinh": 30, "ban": 28}, "KH": {"ke": 1, "hoach": 1, "trien": 1}}, Vocab: 200}
	if typ, p := m.Propose([]string{"xyz", "abc", "uvw", "rst"}); typ != "" {
		t.Errorf("no known word: %s at %.2f", typ, p)
	}
	if typ, p := m.Propose([]string{"ke", "hoach", "trien", "khai"}); typ != "" {
		t.Errorf("a type seen once: %s at %.2f", typ, p)
	}
	if typ, p := m.Propose([]string{"quyet", "dinh", "ban", "hanh"}); typ != "QĐ" || p < 0.9 {
		t.Errorf("a decision: %s at %.2f", typ, p)
	}
}

// A correction longer than the API allows is refused, naming the field.
func TestCorrectionBounded(t *testing.T) {
	ctx := context.Background()
	s, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	clerk, err := s.CreateUser(ctx, User{Name: "vt", Role: RoleClerk, Agency: "a"}, "mat-khau-dai-1")
	if err != nil {
		t.Fatal(err)
	}
	r := doc.NewRecord("x.pdf")
	r.DocType, r.Number, r.Subject = "CV", "1", "Về việc thử"
	res, err := s.Record(ctx, Upload{Agency: "a", Bucket: "b", Key: "x", ETag: "e", At: time.Now()}, r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Correct(ctx, clerk, res.Document.ID, map[string]string{"subject": strings.Repeat("á", MaxCorrection+1)}); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "subject") {
		t.Errorf("an over-long subject: %v", err)
	}
	if _, err := s.Correct(ctx, clerk, res.Document.ID, map[string]string{"subject": strings.Repeat("á", MaxCorrection)}); err != nil {
		t.Errorf("a subject of the largest length: %v", err)
	}
}
