package records

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
)

// CheckContact puts an account's e-mail address and Zalo number (the
// phone number ZNS reaches) in the form the outbox sends to, or refuses
// them; "" stays "" (no such channel for the person). A typo caught here
// is a notice that would otherwise fail at every send.
func CheckContact(email, zalo string) (string, string, error) {
	email = strings.TrimSpace(email)
	if email != "" {
		a, err := mail.ParseAddress(email)
		at := strings.LastIndexByte(email, '@')
		if err != nil || a.Name != "" || a.Address != email || len(email) > 254 || at < 1 || !strings.Contains(email[at+1:], ".") ||
			strings.ContainsAny(email, " <>\"") {
			return "", "", fmt.Errorf("%w: e-mail %q: want name@domain.vn", ErrInvalid, truncate(email, 60))
		}
	}
	zalo = strings.TrimSpace(zalo)
	if zalo != "" {
		var d strings.Builder
		for i, r := range zalo {
			switch {
			case r >= '0' && r <= '9':
				d.WriteRune(r)
			case r == ' ' || r == '.' || r == '-' || (r == '+' && i == 0):
			default:
				return "", "", fmt.Errorf("%w: Zalo number %q: digits only (spaces, dots, dashes and a leading + allowed)", ErrInvalid, truncate(zalo, 30))
			}
		}
		n := d.String()
		if strings.HasPrefix(n, "0") {
			n = "84" + n[1:]
		}
		// 84 and a mobile number of 9 digits (a few older ones have 10).
		if !strings.HasPrefix(n, "84") || len(n) < 11 || len(n) > 12 {
			return "", "", fmt.Errorf("%w: Zalo number %q: a Vietnamese phone number, 0912345678 or +84912345678", ErrInvalid, truncate(zalo, 30))
		}
		zalo = n
	}
	return email, zalo, nil
}

// SetUserContact sets where notices reach an account beyond the app (the
// operator's act, at the console): nil leaves a field, "" clears it.
func (s *Store) SetUserContact(ctx context.Context, granter User, name string, email, zalo *string) (User, error) {
	if !isOperator(granter) {
		return User{}, ErrForbidden
	}
	u, err := s.UserByName(ctx, name)
	if err != nil {
		return User{}, fmt.Errorf("user %q: %w", truncate(name, 40), err)
	}
	e, z := u.Email, u.ZaloID
	if email != nil {
		e = *email
	}
	if zalo != nil {
		z = *zalo
	}
	if u.Email, u.ZaloID, err = CheckContact(e, z); err != nil {
		return User{}, err
	}
	if _, err := s.w.ExecContext(ctx, s.q(`UPDATE users SET email = ?, zalo_id = ? WHERE id = ?`), u.Email, u.ZaloID, u.ID); err != nil {
		return User{}, fmt.Errorf("user %q: %w", u.Name, err)
	}
	return u, nil
}
