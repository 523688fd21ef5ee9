package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/internal/records"
)

// An admin manages the agency's accounts and directory entry through the
// API: the list of their own agency only, a role, unit and clearance up to
// their own, disabling (the token refused at the next request), a password
// reset (the new one logs in, the old sessions end); another agency's
// account is not found, one's own account and a level above one's own are
// refused with the reason.
func TestAccountsThroughTheAPI(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, e := range []records.DirectoryEntry{{Code: "a", Name: "SỞ NỘI VỤ"}, {Code: "b", Name: "SỞ TƯ PHÁP"}, {Code: "b-vp", Name: "Văn phòng Sở Tư pháp", Parent: "b", Kind: records.KindUnit},
		{Code: "a-ttdl", Name: "TRUNG TÂM DỮ LIỆU", Parent: "a", Kind: records.KindAgency}} {
		if err := f.st.PutDirectoryEntry(ctx, records.Operator, e); err != nil {
			t.Fatal(err)
		}
	}
	jsonReq := func(user, method, path, body string) (*http.Response, []byte) {
		return f.do(user, method, path, strings.NewReader(body), "Content-Type", "application/json")
	}
	id := func(name string) string {
		u, err := f.st.UserByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(u.ID)
	}

	res, b := f.do("admin-a-mat", "GET", "/api/v1/users", nil)
	var list accountsResponse
	json.Unmarshal(b, &list)
	var names []string
	for _, u := range list.Users {
		names = append(names, u.Name)
	}
	if res.StatusCode != http.StatusOK || strings.Join(names, ",") != "admin-a,admin-a-mat,clerk-a,clerk-a-mat,clerk-a-tm,leader-a,staff-a,staff-a-mat" ||
		strings.Join(list.Clearances, ",") != "MẬT" || strings.Join(list.Roles, ",") != "clerk,staff,leader" {
		t.Errorf("the list: %d %s", res.StatusCode, b)
	}
	if _, b := f.do("admin-a", "GET", "/api/v1/users", nil); !strings.Contains(string(b), `"clearances":[]`) {
		t.Errorf("an admin without clearance is offered levels: %s", b)
	}
	if res, _ := f.do("clerk-a", "GET", "/api/v1/users", nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("a clerk lists the accounts: %d", res.StatusCode)
	}

	// The directory entry and a unit, then the account in it.
	if res, b := jsonReq("admin-a-mat", "PUT", "/api/v1/agencies/a", `{"name":"SỞ NỘI VỤ TỈNH QUẢNG NGÃI","identifier":"000.00.31.H48","cleared":"MẬT","names":["SNV","Sở Nội vụ"]}`); res.StatusCode != http.StatusOK ||
		!strings.Contains(string(b), `"identifier":"000.00.31.H48"`) || !strings.Contains(string(b), `"kind":"agency"`) || !strings.Contains(string(b), `"SNV"`) {
		t.Errorf("the agency's entry: %d %s", res.StatusCode, b)
	}
	if res, b := jsonReq("admin-a-mat", "PUT", "/api/v1/agencies/a-tccb", `{"name":"Phòng Tổ chức cán bộ","names":["P.TCCB"]}`); res.StatusCode != http.StatusOK ||
		!strings.Contains(string(b), `"parent":"a"`) || !strings.Contains(string(b), `"kind":"unit"`) {
		t.Errorf("a unit: %d %s", res.StatusCode, b)
	}
	for path, body := range map[string]string{
		"/api/v1/agencies/a":    `{"name":"SỞ NỘI VỤ","cleared":"TỐI MẬT"}`,
		"/api/v1/agencies/b":    `{"name":"SỞ TƯ PHÁP (sửa)"}`,
		"/api/v1/agencies/b-vp": `{"name":"Văn phòng (của a)"}`,
	} {
		if res, b := jsonReq("admin-a-mat", "PUT", path, body); res.StatusCode != http.StatusForbidden {
			t.Errorf("PUT %s %s: %d %s", path, body, res.StatusCode, b)
		}
	}
	if e, _ := f.st.DirectoryEntryOf(ctx, "b-vp"); e.Parent != "b" || e.Name != "Văn phòng Sở Tư pháp" {
		t.Errorf("another agency's unit taken: %+v", e)
	}
	// An agency under a is edited by a's admin, and stays an agency.
	if res, b := jsonReq("admin-a-mat", "PUT", "/api/v1/agencies/a-ttdl", `{"name":"TRUNG TÂM DỮ LIỆU TỈNH"}`); res.StatusCode != http.StatusOK || !strings.Contains(string(b), `"kind":"agency"`) {
		t.Errorf("the agency under a: %d %s", res.StatusCode, b)
	}
	if e, _ := f.st.DirectoryEntryOf(ctx, "a-ttdl"); e.Kind != records.KindAgency || e.Parent != "a" || e.Name != "TRUNG TÂM DỮ LIỆU TỈNH" {
		t.Errorf("the agency under a after the edit: %+v", e)
	}
	// Nor does an import by the admin make it a unit.
	if err := f.st.PutDirectoryEntry(ctx, records.User{Role: records.RoleAdmin, Agency: "a"}, records.DirectoryEntry{Code: "a-ttdl", Name: "TRUNG TÂM", Parent: "a", Kind: records.KindUnit}); !errors.Is(err, records.ErrForbidden) {
		t.Errorf("an agency made a unit by an admin: %v", err)
	}
	if res, b := jsonReq("admin-a-mat", "PUT", "/api/v1/agencies/a", `{"name":"SỞ NỘI VỤ","identifier":"31.H48"}`); res.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "identifier") {
		t.Errorf("a malformed identifier: %d %s", res.StatusCode, b)
	}
	if res, _ := jsonReq("clerk-a", "PUT", "/api/v1/agencies/a", `{"name":"SỞ NỘI VỤ"}`); res.StatusCode != http.StatusForbidden {
		t.Errorf("a clerk wrote the directory: %d", res.StatusCode)
	}

	staff := "/api/v1/users/" + id("staff-a")
	res, b = jsonReq("admin-a-mat", "PATCH", staff, `{"role":"leader","unit":"a-tccb","clearance":"MẬT"}`)
	var acc accountJSON
	json.Unmarshal(b, &acc)
	if res.StatusCode != http.StatusOK || acc.Role != "leader" || acc.Unit != "a-tccb" || acc.Clearance != "MẬT" || acc.Name != "staff-a" {
		t.Errorf("change: %d %s", res.StatusCode, b)
	}
	if _, b := f.do("staff-a", "GET", "/api/v1/me", nil); !strings.Contains(string(b), `"role":"leader"`) {
		t.Errorf("the new role is not had at once: %s", b)
	}
	for _, c := range []struct {
		user, path, body string
		code             int
		reason           string
	}{
		{"admin-a-mat", staff, `{"clearance":"TỐI MẬT"}`, http.StatusForbidden, "at most their own clearance"},
		{"admin-a", staff, `{"clearance":"TUYỆT MẬT"}`, http.StatusForbidden, "at most their own clearance"},
		{"admin-a-mat", staff, `{"role":"admin"}`, http.StatusForbidden, "operator"},
		{"admin-a-mat", staff, `{"unit":"b-vp"}`, http.StatusBadRequest, "not a unit of a"},
		{"admin-a-mat", staff, `{"clearance":"RẤT MẬT"}`, http.StatusBadRequest, "clearance"},
		{"admin-a-mat", staff, `{"role":5}`, http.StatusBadRequest, "send"},
		{"admin-a-mat", "/api/v1/users/" + id("admin-a-mat"), `{"disabled":true}`, http.StatusForbidden, "their own account"},
		{"admin-a-mat", "/api/v1/users/" + id("admin-a"), `{"disabled":true}`, http.StatusForbidden, "operator"},
		{"admin-a-mat", "/api/v1/users/" + id("clerk-b"), `{"disabled":true}`, http.StatusNotFound, "not found"},
		{"admin-a-mat", "/api/v1/users/999999999", `{"disabled":true}`, http.StatusNotFound, "not found"},
		{"clerk-a", staff, `{"disabled":true}`, http.StatusForbidden, ""},
	} {
		res, b := jsonReq(c.user, "PATCH", c.path, c.body)
		if res.StatusCode != c.code || !strings.Contains(string(b), c.reason) {
			t.Errorf("%s PATCH %s %s: %d %s (want %d with %q)", c.user, c.path, c.body, res.StatusCode, b, c.code, c.reason)
		}
	}
	if u, _ := f.st.UserByName(ctx, "clerk-b"); u.Disabled {
		t.Error("another agency's account disabled")
	}
	if res, _ := f.do("admin-a-mat", "POST", "/api/v1/users/"+id("clerk-b")+"/password", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("another agency's password reset: %d", res.StatusCode)
	}
	if res, b := f.do("admin-a-mat", "POST", "/api/v1/users/"+id("clerk-a-tm")+"/password", nil); res.StatusCode != http.StatusForbidden || !strings.Contains(string(b), "above the admin's own clearance") {
		t.Errorf("the password of an account cleared above the admin: %d %s", res.StatusCode, b)
	}

	// Disabled: refused at the very next request.
	if res, _ := f.do("staff-a", "GET", "/api/v1/me", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("before: %d", res.StatusCode)
	}
	if res, b := jsonReq("admin-a-mat", "PATCH", staff, `{"disabled":true}`); res.StatusCode != http.StatusOK || !strings.Contains(string(b), `"disabled":true`) {
		t.Errorf("disable: %d %s", res.StatusCode, b)
	}
	if res, _ := f.do("staff-a", "GET", "/api/v1/me", nil); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a disabled account's token: %d", res.StatusCode)
	}
	if res, _ := jsonReq("", "POST", "/api/v1/login", `{"name":"staff-a","password":"mat-khau-staff-a"}`); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a disabled account logs in: %d", res.StatusCode)
	}

	// A new password, shown once: the old one and the old token gone.
	res, b = f.do("admin-a-mat", "POST", "/api/v1/users/"+id("clerk-a")+"/password", nil)
	var reset passwordResetJSON
	json.Unmarshal(b, &reset)
	if res.StatusCode != http.StatusOK || len(reset.Password) < 16 || reset.User.Name != "clerk-a" || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("reset: %d %s", res.StatusCode, b)
	}
	if res, _ := f.do("clerk-a", "GET", "/api/v1/me", nil); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("the token outlived the reset: %d", res.StatusCode)
	}
	if res, _ := jsonReq("", "POST", "/api/v1/login", `{"name":"clerk-a","password":"mat-khau-clerk-a"}`); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("the old password: %d", res.StatusCode)
	}
	if res, b := jsonReq("", "POST", "/api/v1/login", `{"name":"clerk-a","password":"`+reset.Password+`"}`); res.StatusCode != http.StatusOK {
		t.Errorf("the new password: %d %s", res.StatusCode, b)
	}
	if _, b := f.do("admin-a-mat", "GET", "/api/v1/users", nil); strings.Contains(string(b), reset.Password) {
		t.Error("the list shows the password")
	}
}
