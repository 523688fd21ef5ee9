package records

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/vanthu/vanthu/internal/viet"
)

// The agency directory: agencies and their units as a tree, each with its
// QCVN 102 identifier code (mã định danh), the printed names and
// abbreviations it is known by, and the highest secrecy level it may
// receive electronically. Every issuer, recipient and assignee read from a
// document is resolved against it (Resolve); a name nothing matches is
// kept for a person to map once (Unresolved, MapName), and the mapping is
// remembered.

// Directory entry kinds.
const (
	KindAgency = "agency"
	KindUnit   = "unit"
)

// Entry is one agency or unit of the directory.
type DirectoryEntry struct {
	Code       string   // the code Vanthu knows it by (users' agency)
	Identifier string   // QCVN 102 identifier, e.g. 000.00.31.H55 ("" when none)
	Name       string   // its full printed name
	Parent     string   // the code of the agency a unit belongs to
	Kind       string   // agency or unit
	Cleared    string   // the highest level it may receive ("" none)
	Names      []string // other printed names and abbreviations
}

// identifierRe is QCVN 102's identifier: four dot-separated groups, the
// last naming the level-1 body (a letter and two digits).
var identifierRe = regexp.MustCompile(`^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$`)

// ValidIdentifier says whether s has the form of a QCVN 102 identifier.
func ValidIdentifier(s string) bool { return identifierRe.MatchString(s) }

func (e DirectoryEntry) check() error {
	switch {
	case !agencyCode.MatchString(e.Code):
		return fmt.Errorf("code %q: letters, digits, . _ - (at most 64)", truncate(e.Code, 40))
	case e.Identifier != "" && !ValidIdentifier(e.Identifier):
		return fmt.Errorf("identifier %q: want four groups like 000.00.31.H55", truncate(e.Identifier, 40))
	case strings.TrimSpace(e.Name) == "" || utf8.RuneCountInString(e.Name) > 300:
		return errors.New("a name of 1 to 300 characters")
	case e.Parent != "" && !agencyCode.MatchString(e.Parent):
		return fmt.Errorf("parent %q is no code", truncate(e.Parent, 40))
	case e.Parent == e.Code:
		return errors.New("its own parent")
	case e.Kind != KindAgency && e.Kind != KindUnit:
		return fmt.Errorf("kind %q: agency or unit", truncate(e.Kind, 20))
	case e.Cleared != "" && Level(e.Cleared) == "":
		return fmt.Errorf("cleared %q: want one of %s or empty", truncate(e.Cleared, 20), strings.Join(Levels, ", "))
	case len(e.Names) > 20:
		return errors.New("at most 20 other names")
	}
	for _, n := range e.Names {
		if strings.TrimSpace(n) == "" || utf8.RuneCountInString(n) > 300 {
			return errors.New("another name of 1 to 300 characters")
		}
	}
	return nil
}

// Operator is the one who runs vanthu at the console (vanthu admin
// import-agencies): the only one who writes other agencies' entries.
var Operator = User{Name: "console", Role: RoleAdmin, Clearance: UnknownSecrecy}

func isOperator(u User) bool { return u == Operator }

// mayWriteEntry: the operator writes any entry; an agency's admin only
// their agency's own and its units', and never a clearance above theirs.
func (s *Store) mayWriteEntry(ctx context.Context, u User, e DirectoryEntry) error {
	if isOperator(u) {
		return nil
	}
	if u.Role != RoleAdmin {
		return ErrForbidden
	}
	if e.Code != u.Agency && e.Parent != u.Agency {
		return fmt.Errorf("%w: %s is not %s nor one of its units: only the operator writes other agencies", ErrForbidden, e.Code, u.Agency)
	}
	if old, err := s.DirectoryEntryOf(ctx, e.Code); err == nil && old.Code != u.Agency && old.Parent != u.Agency {
		return fmt.Errorf("%w: %s belongs to another agency", ErrForbidden, e.Code)
	} else if err == nil && old.Kind == KindAgency && e.Kind != KindAgency {
		// An agency under this one (a city's department) stays one:
		// made a unit, its archive, accounts and registers would be
		// folded into another's.
		return fmt.Errorf("%w: %s is an agency of its own: only the operator makes it a unit", ErrForbidden, e.Code)
	}
	if e.Cleared != "" && !ClearedFor(u.Clearance, e.Cleared) {
		return fmt.Errorf("%w: %s cleared for %s: above the admin's own clearance", ErrForbidden, e.Code, e.Cleared)
	}
	return nil
}

// PutDirectoryEntry adds or replaces an entry.
func (s *Store) PutDirectoryEntry(ctx context.Context, u User, e DirectoryEntry) error {
	if e.Kind == "" {
		e.Kind = KindAgency
	}
	if err := s.mayWriteEntry(ctx, u, e); err != nil {
		return err
	}
	if err := s.uniqueIdentifier(ctx, e); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error { return s.putEntry(ctx, tx, e) })
}

// uniqueIdentifier refuses an identifier another code holds.
func (s *Store) uniqueIdentifier(ctx context.Context, e DirectoryEntry) error {
	if e.Identifier == "" {
		return nil
	}
	var other string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT code FROM agencies WHERE identifier = ? AND code <> ?`), e.Identifier, e.Code).Scan(&other)
	if err == nil {
		return fmt.Errorf("%w: identifier %s is %s's already", ErrInvalid, e.Identifier, other)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}

func (s *Store) putEntry(ctx context.Context, tx *sql.Tx, e DirectoryEntry) error {
	e.Name = cleanText(strings.TrimSpace(e.Name))
	if e.Kind == "" {
		e.Kind = KindAgency
	}
	if err := e.check(); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrInvalid, e.Code, err)
	}
	e.Cleared = Level(e.Cleared)
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO agencies (code, name, name_key, parent, identifier, kind, cleared) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, name_key = excluded.name_key, parent = excluded.parent,
		identifier = excluded.identifier, kind = excluded.kind, cleared = excluded.cleared`),
		e.Code, e.Name, nameKey(e.Name), e.Parent, e.Identifier, e.Kind, e.Cleared); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM agency_names WHERE code = ?`), e.Code); err != nil {
		return err
	}
	for _, n := range append([]string{e.Name}, e.Names...) {
		n = cleanText(strings.TrimSpace(n))
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO agency_names (code, name, name_key) VALUES (?, ?, ?) ON CONFLICT (name_key, code) DO NOTHING`),
			e.Code, n, nameKey(n)); err != nil {
			return err
		}
	}
	return nil
}

// ImportDirectory reads a CSV of the directory — header
// code,identifier,name,parent,kind,cleared,names (names separated by "|";
// only code and name required) — all or nothing: one bad line and nothing
// is written, every bad line named.
func (s *Store) ImportDirectory(ctx context.Context, u User, r io.Reader) (int, error) {
	if u.Role != RoleAdmin && !isOperator(u) {
		return 0, ErrForbidden
	}
	cr := csv.NewReader(io.LimitReader(r, 16<<20))
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return 0, fmt.Errorf("%w: the directory CSV has no header: %v", ErrInvalid, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	if _, ok := col["code"]; !ok {
		return 0, fmt.Errorf("%w: the header needs code and name columns (got %v)", ErrInvalid, head)
	}
	if _, ok := col["name"]; !ok {
		return 0, fmt.Errorf("%w: the header needs code and name columns (got %v)", ErrInvalid, head)
	}
	get := func(row []string, name string) string {
		if i, ok := col[name]; ok && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	var entries []DirectoryEntry
	var errs []string
	for line := 2; ; line++ {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, fmt.Sprintf("line %d: %v", line, err))
			break
		}
		if len(entries) >= 100000 {
			errs = append(errs, "more than 100,000 entries")
			break
		}
		e := DirectoryEntry{Code: get(row, "code"), Identifier: get(row, "identifier"), Name: get(row, "name"), Parent: get(row, "parent"),
			Kind: get(row, "kind"), Cleared: get(row, "cleared")}
		if e.Kind == "" {
			e.Kind = KindAgency
		}
		for _, n := range strings.Split(get(row, "names"), "|") {
			if n = strings.TrimSpace(n); n != "" {
				e.Names = append(e.Names, n)
			}
		}
		if err := e.check(); err != nil {
			errs = append(errs, fmt.Sprintf("line %d: %v", line, err))
			continue
		}
		entries = append(entries, e)
	}
	codes := map[string]bool{}
	ids := map[string]string{}
	parent := map[string]string{}
	for i, e := range entries {
		if codes[e.Code] {
			errs = append(errs, fmt.Sprintf("entry %d: code %s twice in the file", i+1, e.Code))
		}
		codes[e.Code] = true
		parent[e.Code] = e.Parent
		if e.Identifier != "" {
			if c, ok := ids[e.Identifier]; ok {
				errs = append(errs, fmt.Sprintf("entry %d: identifier %s is %s's too", i+1, e.Identifier, c))
			}
			ids[e.Identifier] = e.Code
			if err := s.uniqueIdentifier(ctx, e); err != nil {
				errs = append(errs, fmt.Sprintf("entry %d: %v", i+1, err))
			}
		}
		if err := s.mayWriteEntry(ctx, u, e); err != nil {
			errs = append(errs, fmt.Sprintf("entry %d: %v", i+1, err))
		}
	}
	for _, e := range entries {
		seen := map[string]bool{e.Code: true}
		for p := parent[e.Code]; p != ""; p = parent[p] {
			if seen[p] {
				errs = append(errs, fmt.Sprintf("%s: its parents go round (%s)", e.Code, p))
				break
			}
			seen[p] = true
		}
	}
	for i, e := range entries {
		if e.Parent != "" && !codes[e.Parent] {
			var n int
			s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM agencies WHERE code = ?`), e.Parent).Scan(&n)
			if n == 0 {
				errs = append(errs, fmt.Sprintf("entry %d (%s): parent %s is in neither the file nor the directory", i+1, e.Code, e.Parent))
			}
		}
	}
	if len(errs) > 0 {
		if len(errs) > 20 {
			errs = append(errs[:20], fmt.Sprintf("… and %d more", len(errs)-20))
		}
		return 0, fmt.Errorf("%w: nothing imported: %s", ErrInvalid, strings.Join(errs, "; "))
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		for _, e := range entries {
			if err := s.putEntry(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(entries), nil
}

// Directory is every entry, parents before their units, by code.
func (s *Store) Directory(ctx context.Context) ([]DirectoryEntry, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT a.code, a.identifier, a.name, a.parent, a.kind, a.cleared, n.name FROM agencies a
		LEFT JOIN agency_names n ON n.code = a.code AND n.name_key <> a.name_key ORDER BY a.code, n.name`))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DirectoryEntry
	for rows.Next() {
		var e DirectoryEntry
		var other sql.NullString
		if err := rows.Scan(&e.Code, &e.Identifier, &e.Name, &e.Parent, &e.Kind, &e.Cleared, &other); err != nil {
			return nil, err
		}
		if len(out) > 0 && out[len(out)-1].Code == e.Code {
			if other.Valid {
				out[len(out)-1].Names = append(out[len(out)-1].Names, other.String)
			}
			continue
		}
		if other.Valid {
			e.Names = []string{other.String}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// DirectoryEntryByIdentifier is the entry holding a QCVN 102 identifier
// (identifiers are unique: PutDirectoryEntry and ImportDirectory see to it).
func (s *Store) DirectoryEntryByIdentifier(ctx context.Context, identifier string) (DirectoryEntry, error) {
	var e DirectoryEntry
	if identifier == "" {
		return e, ErrNotFound
	}
	err := s.db.QueryRowContext(ctx, s.q(`SELECT code, identifier, name, parent, kind, cleared FROM agencies WHERE identifier = ?`), identifier).
		Scan(&e.Code, &e.Identifier, &e.Name, &e.Parent, &e.Kind, &e.Cleared)
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	return e, err
}

// DirectoryEntryOf is the entry of code.
func (s *Store) DirectoryEntryOf(ctx context.Context, code string) (DirectoryEntry, error) {
	var e DirectoryEntry
	err := s.db.QueryRowContext(ctx, s.q(`SELECT code, identifier, name, parent, kind, cleared FROM agencies WHERE code = ?`), code).
		Scan(&e.Code, &e.Identifier, &e.Name, &e.Parent, &e.Kind, &e.Cleared)
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	return e, err
}

// Resolution is what a name read from a document was resolved to.
type Resolution struct {
	Code       string
	Confidence float64 // 1 for a name, abbreviation or a person's mapping; less when matched despite misread letters
	By         string  // "mapping", "name", "near"
}

// Name roles a name is read in.
const (
	RoleIssuer    = "issuer"
	RoleRecipient = "recipient"
	RoleAssignee  = "assignee"
)

// Resolve finds the directory entry a name read in agency's document
// stands for: a mapping a person made there first, then a printed name or
// abbreviation, then — OCR drops and swaps letters — the one name within a
// letter or two of it (only when no other is as near). A name nothing
// matches is kept for a person (Unresolved).
func (s *Store) Resolve(ctx context.Context, agency, name, role string, documentID int64) (Resolution, bool, error) {
	return s.resolve(ctx, agency, name, role, documentID, true)
}

// Lookup is Resolve that keeps nothing (a pre-filled form, a secret
// document's names).
func (s *Store) Lookup(ctx context.Context, agency, name string) (Resolution, bool, error) {
	return s.resolve(ctx, agency, name, "", 0, false)
}

func (s *Store) resolve(ctx context.Context, agency, name, role string, documentID int64, keep bool) (Resolution, bool, error) {
	name = cleanText(strings.TrimSpace(name))
	key := nameKey(name)
	if key == "" || utf8.RuneCountInString(name) > 300 {
		return Resolution{}, false, nil
	}
	var code string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT code FROM name_mappings WHERE agency = ? AND name_key = ?`), agency, key).Scan(&code)
	if err == nil {
		return Resolution{Code: code, Confidence: 1, By: "mapping"}, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Resolution{}, false, err
	}
	// The name as the directory has it, through the name_key indexes;
	// only a name it has not is compared with every entry.
	exact, err := s.exactNames(ctx, key)
	if err != nil {
		return Resolution{}, false, err
	}
	var near []nameCand
	if len(exact) == 0 {
		if near, err = s.nearNames(ctx, key); err != nil {
			return Resolution{}, false, err
		}
	}
	slices.Sort(exact)
	exact = slices.Compact(exact)
	switch {
	case len(exact) == 1:
		return Resolution{Code: exact[0], Confidence: 1, By: "name"}, true, nil
	case len(exact) == 0 && len(near) > 0:
		slices.SortFunc(near, func(a, b nameCand) int { return a.d - b.d })
		if len(near) == 1 || near[1].d > near[0].d && near[1].code != near[0].code || allSame(near) {
			return Resolution{Code: near[0].code, Confidence: 0.85, By: "near"}, true, nil
		}
	}
	// Nothing, or more than one: a person says which.
	if !keep {
		return Resolution{}, false, nil
	}
	_, err = s.w.ExecContext(ctx, s.q(`INSERT INTO unresolved_names (agency, name_key, name, role, seen, first_document) VALUES (?, ?, ?, ?, 1, ?)
		ON CONFLICT (agency, name_key, role) DO UPDATE SET seen = unresolved_names.seen + 1`), agency, key, truncate(name, 300), role, documentID)
	return Resolution{}, false, err
}

// nearNames is the entries whose names are within a letter in twelve of
// key (the whole directory compared).
func (s *Store) nearNames(ctx context.Context, key string) ([]nameCand, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT code, name_key FROM agency_names UNION SELECT code, name_key FROM agencies`))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var near []nameCand
	limit := max(1, utf8.RuneCountInString(key)/12)
	for rows.Next() {
		var c, k string
		if err := rows.Scan(&c, &k); err != nil {
			return nil, err
		}
		if abs(utf8.RuneCountInString(k)-utf8.RuneCountInString(key)) > limit {
			continue
		}
		if d := viet.Distance(k, key); d <= limit {
			near = append(near, nameCand{c, d})
		}
	}
	return near, rows.Err()
}

// exactNames is the codes whose name, or another name of theirs, folds
// to key.
func (s *Store) exactNames(ctx context.Context, key string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT code FROM agency_names WHERE name_key = ? UNION SELECT code FROM agencies WHERE name_key = ?`), key, key)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		codes = append(codes, c)
	}
	return codes, rows.Err()
}

// nameCand is an entry a name is near, by how many letters.
type nameCand struct {
	code string
	d    int
}

func allSame(cs []nameCand) bool {
	for _, c := range cs {
		if c.code != cs[0].code || c.d != cs[0].d {
			return false
		}
	}
	return true
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// UnresolvedName is a name read that the directory does not know yet.
type UnresolvedName struct {
	Name, Role    string
	Seen          int
	FirstDocument int64
}

// Unresolved lists the names u's agency read that nothing matched, most
// seen first.
func (s *Store) Unresolved(ctx context.Context, u User) ([]UnresolvedName, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT name, role, seen, first_document FROM unresolved_names WHERE agency = ? ORDER BY seen DESC, name LIMIT 500`), u.Agency)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []UnresolvedName{}
	for rows.Next() {
		var x UnresolvedName
		if err := rows.Scan(&x.Name, &x.Role, &x.Seen, &x.FirstDocument); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// MapName says once, for u's agency, which entry a name stands for; every
// later reading of it resolves so. Clerks and admins map names.
func (s *Store) MapName(ctx context.Context, u User, name, code string) error {
	if u.Role != RoleClerk && u.Role != RoleAdmin {
		return ErrForbidden
	}
	key := nameKey(cleanText(name))
	if key == "" || utf8.RuneCountInString(name) > 300 {
		return fmt.Errorf("%w: a name of 1 to 300 characters", ErrInvalid)
	}
	if _, err := s.DirectoryEntryOf(ctx, code); err != nil {
		return fmt.Errorf("%w: %q is not in the agency directory", ErrInvalid, truncate(code, 40))
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO name_mappings (agency, name_key, code, by_user, at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (agency, name_key) DO UPDATE SET code = excluded.code, by_user = excluded.by_user, at = excluded.at`),
			u.Agency, key, code, u.Name, stamp(s.now())); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.q(`DELETE FROM unresolved_names WHERE agency = ? AND name_key = ?`), u.Agency, key)
		return err
	})
}

// KnownAgency says whether code is an agency Vanthu knows: in the
// directory, or one with accounts (an office that has not imported its
// directory yet still works with the agencies it has users in). q is the
// transaction to ask in (nil: the database).
func (s *Store) KnownAgency(ctx context.Context, q queryer, code string) (bool, error) {
	if !agencyCode.MatchString(code) {
		return false, nil
	}
	if q == nil {
		q = s.db
	}
	var n int
	if err := q.QueryRowContext(ctx, s.q(`SELECT (SELECT COUNT(*) FROM agencies WHERE code = ?) + (SELECT COUNT(*) FROM users WHERE agency = ?)`), code, code).Scan(&n); err != nil {
		return false, err
	}
	return n > 0, nil
}

// ResolveNames resolves a recorded document's issuer, recipients and its
// tasks' assignees against the directory, keeping the codes found (and
// the names not found, for a person). Run after the document is recorded
// or read again; what a person mapped since is taken the next time.
func (s *Store) ResolveNames(ctx context.Context, d Document) error {
	rec := d.Record
	// A secret document's names are its content: resolved, never listed
	// for people not cleared to see them.
	resolve := s.Resolve
	if d.Secrecy != "" {
		resolve = func(ctx context.Context, agency, name, _ string, _ int64) (Resolution, bool, error) {
			return s.Lookup(ctx, agency, name)
		}
	}
	issuerCode := ""
	if rec.Issuer != "" {
		r, ok, err := resolve(ctx, d.Agency, rec.Issuer, RoleIssuer, d.ID)
		if err != nil {
			return err
		}
		if ok {
			issuerCode = r.Code
			if _, err := s.w.ExecContext(ctx, s.q(`UPDATE documents SET issuer_code = ? WHERE id = ?`), r.Code, d.ID); err != nil {
				return err
			}
		}
	}
	for _, name := range rec.Recipients {
		if _, _, err := resolve(ctx, d.Agency, name, RoleRecipient, d.ID); err != nil {
			return err
		}
	}
	for i, t := range rec.Tasks {
		if t.Assignee == "" {
			continue
		}
		r, ok, err := resolve(ctx, d.Agency, t.Assignee, RoleAssignee, d.ID)
		if err != nil {
			return err
		}
		if ok {
			if _, err := s.w.ExecContext(ctx, s.q(`UPDATE tasks SET assignee_code = ? WHERE document_id = ? AND seq = ?`), r.Code, d.ID, i+1); err != nil {
				return err
			}
		}
	}
	// A báo cáo is matched to its report regime by who issued it: once
	// the issuer is resolved.
	if err := s.MatchReport(ctx, d, issuerCode); err != nil {
		return fmt.Errorf("report regime: %w", err)
	}
	return nil
}

// MarkReceivedFrom notes that a document came electronically from the
// agency with that QCVN 102 identifier, which knows it as senderID.
func (s *Store) MarkReceivedFrom(ctx context.Context, id int64, identifier, senderID string) error {
	_, err := s.w.ExecContext(ctx, s.q(`UPDATE documents SET received_from = ?, received_id = ? WHERE id = ?`), identifier, truncate(senderID, 200), id)
	return err
}

// ReceivedFrom is where a document received electronically came from:
// the sender's identifier and its id of the document ("" when it was not).
func (s *Store) ReceivedFrom(ctx context.Context, id int64) (identifier, senderID string, err error) {
	err = s.db.QueryRowContext(ctx, s.q(`SELECT received_from, received_id FROM documents WHERE id = ?`), id).Scan(&identifier, &senderID)
	return identifier, senderID, err
}

// UnitOf says whether code is agency itself or one of its units.
func (s *Store) UnitOf(ctx context.Context, agency, code string) (bool, error) {
	if code == agency {
		return true, nil
	}
	var n int
	err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM agencies WHERE code = ? AND parent = ?`), code, agency).Scan(&n)
	return n > 0, err
}
