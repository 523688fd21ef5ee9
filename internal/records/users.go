package records

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/vanthu/vanthu/internal/viet"
)

// Roles, each with what it may do (the API checks them):
//   - clerk (văn thư): upload, correct and approve records, read the
//     registers and export them;
//   - staff (chuyên viên): read and search, update the tasks;
//   - leader (lãnh đạo): read everything of the agency, approve;
//   - admin: manage accounts; reads like staff.
const (
	RoleClerk  = "clerk"
	RoleStaff  = "staff"
	RoleLeader = "leader"
	RoleAdmin  = "admin"
)

// Roles lists the roles.
var Roles = []string{RoleClerk, RoleStaff, RoleLeader, RoleAdmin}

// Secrecy levels, lowest first (Law on Protection of State Secrets).
var Levels = []string{"MẬT", "TỐI MẬT", "TUYỆT MẬT"}

// Level is a secrecy marking in its canonical form ("" when not secret
// or not a level): "mat", "Mật", "MẬT" are all MẬT.
func Level(s string) string {
	f := strings.Join(strings.Fields(viet.Fold(s)), " ")
	for _, l := range Levels {
		if viet.Fold(l) == f {
			return l
		}
	}
	return ""
}

// User is an account.
type User struct {
	ID        int64
	Name      string
	Role      string
	Agency    string
	Clearance string // the highest secrecy level this user may read, or ""
	Disabled  bool
	Unit      string // the directory unit the user works in ("" the agency as a whole)
	// Email and ZaloID are where notices reach the user beyond the app
	// ("" none).
	Email, ZaloID string
	// Reach are the other agencies a city-wide leader reads the figures
	// of (the city view), comma-separated codes; only the operator
	// grants it. A string keeps User comparable.
	Reach string
}

// Reaches are the agency codes of u.Reach.
func (u User) Reaches() []string {
	if u.Reach == "" {
		return nil
	}
	return strings.Split(u.Reach, ",")
}

// Cleared are the secrecy levels the user may read: theirs and those
// below it.
func (u User) Cleared() []string {
	i := slices.Index(Levels, u.Clearance)
	if i < 0 {
		return nil
	}
	return Levels[:i+1]
}

// ClearedFor says whether a holder cleared for level have (a user; an
// agency receiving electronically) may hold a document of level want:
// have at or above it. "" holds no level.
func ClearedFor(have, want string) bool {
	h := levelRank(Level(have))
	return h >= 0 && h >= levelRank(Level(want))
}

// MayRead says whether the user may read a document of an agency with a
// secrecy marking.
func (u User) MayRead(agency, confidentiality string) bool {
	if u.ID == 0 || u.Disabled || agency != u.Agency {
		return false
	}
	l := SecrecyOf(confidentiality)
	return l == "" || slices.Contains(u.Cleared(), l)
}

// Argon2id parameters: OWASP's first recommendation (19 MiB, two passes).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

func hashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

func checkPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when a name is unknown, so that a wrong
// name takes as long as a wrong password.
var dummyHash, _ = hashPassword("not a password")

// CreateUser adds an account. Passwords of fewer than 10 characters are
// refused.
func (s *Store) CreateUser(ctx context.Context, u User, password string) (User, error) {
	switch {
	case strings.TrimSpace(u.Name) == "":
		return User{}, fmt.Errorf("%w: a user needs a name", ErrInvalid)
	case !slices.Contains(Roles, u.Role):
		return User{}, fmt.Errorf("%w: role %q: want one of %s", ErrInvalid, u.Role, strings.Join(Roles, ", "))
	case u.Agency == "":
		return User{}, fmt.Errorf("%w: a user needs an agency", ErrInvalid)
	case u.Unit != "" && !agencyCode.MatchString(u.Unit):
		return User{}, fmt.Errorf("%w: unit %q: a directory code (letters, digits, . _ -)", ErrInvalid, truncate(u.Unit, 40))
	case u.Clearance != "" && Level(u.Clearance) == "":
		return User{}, fmt.Errorf("%w: clearance %q: want one of %s", ErrInvalid, u.Clearance, strings.Join(Levels, ", "))
	case len([]rune(password)) < 10:
		return User{}, fmt.Errorf("%w: a password needs at least 10 characters", ErrInvalid)
	}
	u.Clearance = Level(u.Clearance)
	h, err := hashPassword(password)
	if err != nil {
		return User{}, err
	}
	err = s.w.QueryRowContext(ctx, s.q(`INSERT INTO users (name, role, agency, clearance, password, created_at, unit, email, zalo_id, reach) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO NOTHING RETURNING id`),
		u.Name, u.Role, u.Agency, u.Clearance, h, stamp(s.now()), u.Unit, u.Email, u.ZaloID, u.Reach).Scan(&u.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("create user %q: %w", u.Name, ErrNameTaken)
	}
	if err != nil {
		return User{}, fmt.Errorf("create user %q: %w", u.Name, err)
	}
	return u, nil
}

// Grantable are the roles an admin may give through the API. An admin
// account is made by the operator (vanthu admin create-user), who holds
// the machine: an admin cannot multiply admins.
var Grantable = []string{RoleClerk, RoleStaff, RoleLeader}

// MayGrant says whether granter may make an account with this role and
// clearance: an admin, a grantable role, and a clearance no higher than
// the granter's own (one cannot give what one does not hold).
func MayGrant(granter User, role, clearance string) error {
	if granter.Role != RoleAdmin || granter.Disabled {
		return fmt.Errorf("%w: only an admin makes accounts", ErrForbidden)
	}
	if !slices.Contains(Grantable, role) {
		return fmt.Errorf("%w: an admin may make accounts with the roles %s; an admin account is made by the operator (vanthu admin create-user)",
			ErrForbidden, strings.Join(Grantable, ", "))
	}
	if clearance == "" {
		return nil
	}
	want := slices.Index(Levels, Level(clearance))
	if want < 0 {
		return fmt.Errorf("%w: clearance %q: want one of %s", ErrInvalid, clearance, strings.Join(Levels, ", "))
	}
	if want > slices.Index(Levels, granter.Clearance) {
		held := granter.Clearance
		if held == "" {
			held = "none"
		}
		return fmt.Errorf("%w: an admin grants at most their own clearance (%s), not %s", ErrForbidden, held, Levels[want])
	}
	return nil
}

// CreateUserAs is CreateUser on behalf of an admin: in the admin's
// agency, within what MayGrant allows.
func (s *Store) CreateUserAs(ctx context.Context, granter User, u User, password string) (User, error) {
	if err := MayGrant(granter, u.Role, u.Clearance); err != nil {
		return User{}, err
	}
	if u.Agency != granter.Agency {
		return User{}, fmt.Errorf("%w: an admin makes accounts of their own agency only", ErrForbidden)
	}
	return s.CreateUser(ctx, u, password)
}

// ErrNameTaken is an account name already in use (names are logins,
// unique across agencies).
var ErrNameTaken = errors.New("the name is taken")

// ErrBadLogin is a wrong name or password (not told apart).
var ErrBadLogin = errors.New("wrong name or password")

// Authenticate checks a name and password.
func (s *Store) Authenticate(ctx context.Context, name, password string) (User, error) {
	var u User
	var h, reach string
	var disabled int
	err := s.db.QueryRowContext(ctx, s.q(`SELECT id, name, role, agency, clearance, password, disabled, unit, email, zalo_id, reach FROM users WHERE name = ?`), name).
		Scan(&u.ID, &u.Name, &u.Role, &u.Agency, &u.Clearance, &h, &disabled, &u.Unit, &u.Email, &u.ZaloID, &reach)
	if errors.Is(err, sql.ErrNoRows) {
		checkPassword(dummyHash, password)
		return User{}, ErrBadLogin
	}
	if err != nil {
		return User{}, err
	}
	if !checkPassword(h, password) || disabled != 0 {
		return User{}, ErrBadLogin
	}
	u.Reach = reach
	return u, nil
}

// UserByName looks an account up.
func (s *Store) UserByName(ctx context.Context, name string) (User, error) {
	var u User
	var disabled int
	var reach string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT id, name, role, agency, clearance, disabled, unit, email, zalo_id, reach FROM users WHERE name = ?`), name).
		Scan(&u.ID, &u.Name, &u.Role, &u.Agency, &u.Clearance, &disabled, &u.Unit, &u.Email, &u.ZaloID, &reach)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrNotFound
	}
	u.Disabled = disabled != 0
	u.Reach = reach
	return u, err
}

// Token kinds.
const (
	TokenSession = "session" // the web UI's cookie
	TokenAPI     = "api"     // a program's bearer token
)

// NewToken issues a token for a user, valid for ttl. Only its SHA-256 is
// kept: a copy of the database lets nobody in.
func (s *Store) NewToken(ctx context.Context, userID int64, kind string, ttl time.Duration) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	tok := "vt_" + base64.RawURLEncoding.EncodeToString(b)
	now := s.now()
	_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO tokens (hash, user_id, kind, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`),
		tokenHash(tok), userID, kind, stamp(now), stamp(now.Add(ttl)))
	return tok, err
}

func tokenHash(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// UserByToken is the user a live token belongs to.
func (s *Store) UserByToken(ctx context.Context, tok string) (User, string, error) {
	var u User
	var kind, expires, reach string
	var disabled int
	err := s.db.QueryRowContext(ctx, s.q(`SELECT u.id, u.name, u.role, u.agency, u.clearance, u.disabled, t.kind, t.expires_at, u.unit, u.email, u.zalo_id, u.reach
		FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ?`), tokenHash(tok)).
		Scan(&u.ID, &u.Name, &u.Role, &u.Agency, &u.Clearance, &disabled, &kind, &expires, &u.Unit, &u.Email, &u.ZaloID, &reach)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, "", ErrNotFound
	}
	if err != nil {
		return User{}, "", err
	}
	if disabled != 0 || !s.now().Before(parseStamp(expires)) {
		return User{}, "", ErrNotFound
	}
	u.Reach = reach
	return u, kind, nil
}

// DeleteToken ends a session or revokes a token.
func (s *Store) DeleteToken(ctx context.Context, tok string) error {
	_, err := s.w.ExecContext(ctx, s.q(`DELETE FROM tokens WHERE hash = ?`), tokenHash(tok))
	return err
}
