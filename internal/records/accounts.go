package records

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Accounts as an agency's admin manages them from the web: the list, a
// change of role, unit, clearance or of being disabled, a new password.
// An admin acts within their own agency, never gives more than they hold
// (MayGrant), and leaves admin accounts — their own among them — to the
// operator, who made them.

const userColumns = `id, name, role, agency, clearance, disabled, unit, email, zalo_id, reach`

func scanUser(sc interface{ Scan(...any) error }) (User, error) {
	var u User
	var disabled int
	err := sc.Scan(&u.ID, &u.Name, &u.Role, &u.Agency, &u.Clearance, &disabled, &u.Unit, &u.Email, &u.ZaloID, &u.Reach)
	u.Disabled = disabled != 0
	return u, err
}

// mayManage says whether u manages accounts (an admin, not disabled).
func mayManage(u User) error {
	if isOperator(u) || u.ID != 0 && u.Role == RoleAdmin && !u.Disabled {
		return nil
	}
	return fmt.Errorf("%w: only an admin manages accounts", ErrForbidden)
}

// Users are the accounts of the admin's agency, by name.
func (s *Store) Users(ctx context.Context, admin User) ([]User, error) {
	if err := mayManage(admin); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+userColumns+` FROM users WHERE agency = ? ORDER BY name`), admin.Agency)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// managedUser is the account id of the admin's agency; another agency's
// is not found (the admin learns nothing of it).
func (s *Store) managedUser(ctx context.Context, admin User, id int64) (User, error) {
	if err := mayManage(admin); err != nil {
		return User{}, err
	}
	u, err := scanUser(s.db.QueryRowContext(ctx, s.q(`SELECT `+userColumns+` FROM users WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) || err == nil && !isOperator(admin) && u.Agency != admin.Agency {
		return User{}, ErrNotFound
	}
	return u, err
}

// UserChange is what UpdateUser changes: nil leaves a field as it is; a
// Clearance or Unit of "" clears it.
type UserChange struct {
	Role, Unit, Clearance *string
	Disabled              *bool
}

// UpdateUser changes an account of the admin's agency. A role, unit or
// clearance is changed only into an account the admin may make
// (MayGrant); any account but an admin's may be disabled or enabled. An
// admin account is the operator's to change, the admin's own included (an
// admin neither locks themself out nor raises themself). Disabling ends
// the account's sessions and tokens at once.
func (s *Store) UpdateUser(ctx context.Context, admin User, id int64, c UserChange) (User, error) {
	u, err := s.managedUser(ctx, admin, id)
	if err != nil {
		return User{}, err
	}
	was := u
	if c.Role != nil {
		u.Role = strings.TrimSpace(*c.Role)
	}
	if c.Clearance != nil {
		cl := strings.TrimSpace(*c.Clearance)
		if cl != "" && Level(cl) == "" {
			return User{}, fmt.Errorf("%w: clearance %q: want one of %s", ErrInvalid, truncate(cl, 20), strings.Join(Levels, ", "))
		}
		u.Clearance = Level(cl)
	}
	if c.Unit != nil {
		u.Unit = strings.TrimSpace(*c.Unit)
	}
	if c.Disabled != nil {
		u.Disabled = *c.Disabled
	}
	if u == was {
		return u, nil
	}
	if !isOperator(admin) {
		switch {
		case u.ID == admin.ID && (u.Role != was.Role || u.Disabled != was.Disabled || u.Clearance != was.Clearance):
			return User{}, fmt.Errorf("%w: an admin changes neither the role, the clearance nor the state of their own account: the operator does (vanthu admin)", ErrForbidden)
		case was.Role == RoleAdmin && (u.Role != was.Role || u.Disabled != was.Disabled || u.Clearance != was.Clearance):
			return User{}, fmt.Errorf("%w: an admin account is changed by the operator (vanthu admin), not by another admin", ErrForbidden)
		}
		if u.Role != was.Role || u.Clearance != was.Clearance {
			// The role given must be grantable; a clearance given, within
			// the admin's own. One held before is not given again when
			// only the unit changes, but a new role with it is a new grant
			// of both: an admin cleared MẬT does not make a TUYỆT MẬT
			// account a leader.
			cl := u.Clearance
			if cl == was.Clearance && u.Role == was.Role {
				cl = ""
			}
			if err := MayGrant(admin, u.Role, cl); err != nil {
				return User{}, err
			}
		}
	}
	if u.Unit != was.Unit && u.Unit != "" {
		e, err := s.DirectoryEntryOf(ctx, u.Unit)
		if errors.Is(err, ErrNotFound) || err == nil && e.Parent != u.Agency {
			return User{}, fmt.Errorf("%w: unit %q is not a unit of %s in the directory", ErrInvalid, truncate(u.Unit, 40), u.Agency)
		}
		if err != nil {
			return User{}, err
		}
	}
	if !slices.Contains(Roles, u.Role) {
		return User{}, fmt.Errorf("%w: role %q: want one of %s", ErrInvalid, truncate(u.Role, 20), strings.Join(Roles, ", "))
	}
	disabled := 0
	if u.Disabled {
		disabled = 1
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE users SET role = ?, clearance = ?, unit = ?, disabled = ? WHERE id = ?`),
			u.Role, u.Clearance, u.Unit, disabled, u.ID); err != nil {
			return err
		}
		if u.Disabled && !was.Disabled {
			// Ended, not only refused while disabled: enabling the
			// account again revives no old session. (A new role or
			// clearance applies at once: a token is looked up with its
			// account at every request.)
			_, err := tx.ExecContext(ctx, s.q(`DELETE FROM tokens WHERE user_id = ?`), u.ID)
			return err
		}
		return nil
	})
	if err != nil {
		return User{}, fmt.Errorf("user %q: %w", u.Name, err)
	}
	return u, nil
}

// ResetPassword gives an account of the admin's agency a new random
// password, returned once (only its hash is kept), and ends the
// account's sessions and tokens. An admin may not reset an admin's
// password (the operator does) nor that of an account cleared above
// themself: the new password would let them read what they may not.
func (s *Store) ResetPassword(ctx context.Context, admin User, id int64) (User, string, error) {
	u, err := s.managedUser(ctx, admin, id)
	if err != nil {
		return User{}, "", err
	}
	if !isOperator(admin) {
		switch {
		case u.Role == RoleAdmin:
			return User{}, "", fmt.Errorf("%w: an admin's password is reset by the operator (vanthu admin)", ErrForbidden)
		case u.Clearance != "" && !ClearedFor(admin.Clearance, u.Clearance):
			return User{}, "", fmt.Errorf("%w: the account is cleared for %s, above the admin's own clearance: the operator resets its password", ErrForbidden, u.Clearance)
		}
	}
	pw, err := randomPassword()
	if err != nil {
		return User{}, "", err
	}
	h, err := hashPassword(pw)
	if err != nil {
		return User{}, "", err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE users SET password = ? WHERE id = ?`), h, u.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.q(`DELETE FROM tokens WHERE user_id = ?`), u.ID)
		return err
	})
	if err != nil {
		return User{}, "", fmt.Errorf("user %q: %w", u.Name, err)
	}
	return u, pw, nil
}

// RevokeTokens ends every session and token of an account.
func (s *Store) RevokeTokens(ctx context.Context, userID int64) error {
	_, err := s.w.ExecContext(ctx, s.q(`DELETE FROM tokens WHERE user_id = ?`), userID)
	return err
}

// passwordAlphabet leaves out letters read for one another (0 O, 1 l I).
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyz23456789"

// randomPassword is four groups of four (about 80 bits): read out over
// the phone, typed once.
func randomPassword() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(passwordAlphabet[int(c)%len(passwordAlphabet)])
	}
	return sb.String(), nil
}
