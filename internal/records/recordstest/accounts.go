package recordstest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/internal/records"
)

// accounts is an agency's admin managing its accounts: the list, a new
// role, unit and clearance within the admin's own, disabling (its
// sessions end at once), a password reset (the old one and its sessions
// gone); another agency's accounts unseen, admin accounts and one's own
// left to the operator.
func accounts(t *testing.T, s *records.Store) {
	ctx := context.Background()
	for _, e := range []records.DirectoryEntry{
		{Code: "so-nv", Name: "SỞ NỘI VỤ TỈNH QUẢNG NGÃI", Kind: records.KindAgency},
		{Code: "so-nv-tccb", Name: "Phòng Tổ chức cán bộ", Parent: "so-nv", Kind: records.KindUnit},
		{Code: "so-kh", Name: "SỞ KẾ HOẠCH VÀ ĐẦU TƯ", Kind: records.KindAgency},
		{Code: "so-kh-th", Name: "Phòng Tổng hợp", Parent: "so-kh", Kind: records.KindUnit},
	} {
		if err := s.PutDirectoryEntry(ctx, records.Operator, e); err != nil {
			t.Fatal(err)
		}
	}
	mk := func(name, role, agency, clearance string) records.User {
		u, err := s.CreateUser(ctx, records.User{Name: name, Role: role, Agency: agency, Clearance: clearance}, "mat-khau-"+name)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	admin := mk("qt-snv", records.RoleAdmin, "so-nv", "MẬT")
	admin2 := mk("qt2-snv", records.RoleAdmin, "so-nv", "")
	staff := mk("cv-snv", records.RoleStaff, "so-nv", "")
	secret := mk("vt-snv-tm", records.RoleClerk, "so-nv", "TỐI MẬT")
	other := mk("cv-skh", records.RoleStaff, "so-kh", "")
	clerk := mk("vt-snv", records.RoleClerk, "so-nv", "")
	str := func(s string) *string { return &s }
	yes, no := true, false

	t.Run("AccountsListedForTheAdminOwnAgencyOnly", func(t *testing.T) {
		us, err := s.Users(ctx, admin)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, u := range us {
			names = append(names, u.Name)
		}
		if strings.Join(names, ",") != "cv-snv,qt-snv,qt2-snv,vt-snv,vt-snv-tm" {
			t.Errorf("the admin lists %v", names)
		}
		if _, err := s.Users(ctx, clerk); !errors.Is(err, records.ErrForbidden) {
			t.Errorf("a clerk listed the accounts: %v", err)
		}
	})

	t.Run("AccountChangedWithinTheAdminsOwn", func(t *testing.T) {
		u, err := s.UpdateUser(ctx, admin, staff.ID, records.UserChange{Role: str(records.RoleLeader), Unit: str("so-nv-tccb"), Clearance: str("mat")})
		if err != nil || u.Role != records.RoleLeader || u.Unit != "so-nv-tccb" || u.Clearance != "MẬT" {
			t.Fatalf("change: %+v %v", u, err)
		}
		if got, _ := s.UserByName(ctx, "cv-snv"); got != u {
			t.Errorf("stored %+v, answered %+v", got, u)
		}
		for what, c := range map[string]records.UserChange{
			"above the admin's clearance": {Clearance: str("TỐI MẬT")},
			"an admin made":               {Role: str(records.RoleAdmin)},
		} {
			if _, err := s.UpdateUser(ctx, admin, staff.ID, c); !errors.Is(err, records.ErrForbidden) {
				t.Errorf("%s: %v", what, err)
			}
		}
		for what, c := range map[string]records.UserChange{
			"another agency's unit": {Unit: str("so-kh-th")},
			"no unit at all":        {Unit: str("khong-co")},
			"no such level":         {Clearance: str("rất mật")},
		} {
			if _, err := s.UpdateUser(ctx, admin, staff.ID, c); !errors.Is(err, records.ErrInvalid) {
				t.Errorf("%s: %v", what, err)
			}
		}
		if got, _ := s.UserByName(ctx, "cv-snv"); got != u {
			t.Errorf("a refused change changed it: %+v", got)
		}
		// A clearance held before is not given again: the account cleared
		// above the admin moves to a unit, and may be lowered.
		if u, err := s.UpdateUser(ctx, admin, secret.ID, records.UserChange{Unit: str("so-nv-tccb")}); err != nil || u.Clearance != "TỐI MẬT" {
			t.Errorf("the unit of an account cleared above the admin: %+v %v", u, err)
		}
		// A new role with a clearance above the admin's is a combination
		// the admin could not have made: refused.
		if u, err := s.UpdateUser(ctx, admin, secret.ID, records.UserChange{Role: str(records.RoleLeader)}); !errors.Is(err, records.ErrForbidden) {
			t.Errorf("a new role for an account cleared above the admin: %+v %v", u, err)
		}
		if u, err := s.UpdateUser(ctx, admin, secret.ID, records.UserChange{Clearance: str("MẬT")}); err != nil || u.Clearance != "MẬT" {
			t.Errorf("lowered: %+v %v", u, err)
		}
	})

	t.Run("AnotherAgencysAccountNotFound", func(t *testing.T) {
		if _, err := s.UpdateUser(ctx, admin, other.ID, records.UserChange{Disabled: &yes}); !errors.Is(err, records.ErrNotFound) {
			t.Errorf("disabled another agency's account: %v", err)
		}
		if _, _, err := s.ResetPassword(ctx, admin, other.ID); !errors.Is(err, records.ErrNotFound) {
			t.Errorf("reset another agency's password: %v", err)
		}
		if u, _ := s.UserByName(ctx, "cv-skh"); u.Disabled {
			t.Error("it is disabled")
		}
	})

	t.Run("AdminAccountsLeftToTheOperator", func(t *testing.T) {
		for what, c := range map[string]records.UserChange{
			"disables themself":      {Disabled: &yes},
			"raises their clearance": {Clearance: str("TỐI MẬT")},
			"changes their role":     {Role: str(records.RoleLeader)},
		} {
			if _, err := s.UpdateUser(ctx, admin, admin.ID, c); !errors.Is(err, records.ErrForbidden) {
				t.Errorf("an admin %s: %v", what, err)
			}
		}
		if _, err := s.UpdateUser(ctx, admin, admin2.ID, records.UserChange{Disabled: &yes}); !errors.Is(err, records.ErrForbidden) {
			t.Errorf("an admin disabled another: %v", err)
		}
		if _, _, err := s.ResetPassword(ctx, admin, admin2.ID); !errors.Is(err, records.ErrForbidden) {
			t.Errorf("an admin reset another admin's password: %v", err)
		}
		if u, err := s.UpdateUser(ctx, admin, admin.ID, records.UserChange{Unit: str("so-nv-tccb")}); err != nil || u.Unit != "so-nv-tccb" {
			t.Errorf("an admin's own unit: %+v %v", u, err)
		}
		if u, err := s.UpdateUser(ctx, records.Operator, admin2.ID, records.UserChange{Disabled: &yes}); err != nil || !u.Disabled {
			t.Errorf("the operator disables an admin: %+v %v", u, err)
		}
		u, _ := s.UserByName(ctx, "qt2-snv")
		if _, err := s.Users(ctx, u); !errors.Is(err, records.ErrForbidden) {
			t.Errorf("a disabled admin lists the accounts: %v", err)
		}
	})

	t.Run("DisabledAccountRefusedAtOnce", func(t *testing.T) {
		tok, err := s.NewToken(ctx, clerk.ID, records.TokenSession, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if u, err := s.UpdateUser(ctx, admin, clerk.ID, records.UserChange{Disabled: &yes}); err != nil || !u.Disabled {
			t.Fatalf("disable: %+v %v", u, err)
		}
		if _, _, err := s.UserByToken(ctx, tok); !errors.Is(err, records.ErrNotFound) {
			t.Errorf("a disabled account's session goes on: %v", err)
		}
		if _, err := s.Authenticate(ctx, "vt-snv", "mat-khau-vt-snv"); !errors.Is(err, records.ErrBadLogin) {
			t.Errorf("a disabled account logs in: %v", err)
		}
		if _, err := s.UpdateUser(ctx, admin, clerk.ID, records.UserChange{Disabled: &no}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.UserByToken(ctx, tok); !errors.Is(err, records.ErrNotFound) {
			t.Errorf("enabled again, the old session came back: %v", err)
		}
		if _, err := s.Authenticate(ctx, "vt-snv", "mat-khau-vt-snv"); err != nil {
			t.Errorf("enabled again, no login: %v", err)
		}
	})

	t.Run("PasswordResetOnceEndsTheSessions", func(t *testing.T) {
		tok, err := s.NewToken(ctx, clerk.ID, records.TokenAPI, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		u, pw, err := s.ResetPassword(ctx, admin, clerk.ID)
		if err != nil || u.Name != "vt-snv" || len(pw) < 16 {
			t.Fatalf("reset: %+v %q %v", u, pw, err)
		}
		if _, _, err := s.UserByToken(ctx, tok); !errors.Is(err, records.ErrNotFound) {
			t.Errorf("the token outlived the reset: %v", err)
		}
		if _, err := s.Authenticate(ctx, "vt-snv", "mat-khau-vt-snv"); !errors.Is(err, records.ErrBadLogin) {
			t.Errorf("the old password still works: %v", err)
		}
		if _, err := s.Authenticate(ctx, "vt-snv", pw); err != nil {
			t.Errorf("the new password does not: %v", err)
		}
		if _, pw2, _ := s.ResetPassword(ctx, admin, clerk.ID); pw2 == pw {
			t.Error("two resets gave the same password")
		}
		// Cleared above the admin (TỐI MẬT, set by the operator): the
		// admin would read with its password what they may not.
		if _, err := s.UpdateUser(ctx, records.Operator, secret.ID, records.UserChange{Clearance: str("TỐI MẬT")}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.ResetPassword(ctx, admin, secret.ID); !errors.Is(err, records.ErrForbidden) {
			t.Errorf("reset the password of an account cleared above the admin: %v", err)
		}
		if _, _, err := s.ResetPassword(ctx, clerk, staff.ID); !errors.Is(err, records.ErrForbidden) {
			t.Errorf("a clerk reset a password: %v", err)
		}
	})
}
