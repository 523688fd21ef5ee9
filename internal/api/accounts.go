package api

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/vanthu/vanthu/internal/records"
)

// accountJSON is an account as its agency's admin sees it.
type accountJSON struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Role      string `json:"role" enum:"clerk,staff,leader,admin"`
	Unit      string `json:"unit"`      // the directory unit ("" the agency as a whole)
	Clearance string `json:"clearance"` // "" when not cleared for secrets
	Disabled  bool   `json:"disabled"`
	Email     string `json:"email,omitempty"`
	Zalo      string `json:"zalo,omitempty"`
}

func accountJSONOf(u records.User) accountJSON {
	return accountJSON{ID: u.ID, Name: u.Name, Role: u.Role, Unit: u.Unit, Clearance: u.Clearance, Disabled: u.Disabled, Email: u.Email, Zalo: u.ZaloID}
}

// accountsResponse: the agency's accounts, and what the admin may give
// (the roles, the clearances up to their own).
type accountsResponse struct {
	Users      []accountJSON `json:"users"`
	Roles      []string      `json:"roles"`
	Clearances []string      `json:"clearances"`
}

// patchUserRequest is the body of PATCH /api/v1/users/{id}: a field left
// out stays; clearance or unit "" clears it.
type patchUserRequest struct {
	Role      *string `json:"role,omitempty"`
	Unit      *string `json:"unit,omitempty"`
	Clearance *string `json:"clearance,omitempty"`
	Disabled  *bool   `json:"disabled,omitempty"`
}

func (patchUserRequest) refineSchema(s map[string]any) {
	props := s["properties"].(map[string]any)
	props["role"] = map[string]any{"type": "string", "enum": records.Grantable}
	props["clearance"] = map[string]any{"type": "string", "enum": append([]string{""}, records.Levels...)}
	props["unit"] = map[string]any{"type": "string", "maxLength": 64}
}

// passwordResetJSON: the new password, shown this once.
type passwordResetJSON struct {
	User     accountJSON `json:"user"`
	Password string      `json:"password"`
}

// putAgencyRequest is the body of PUT /api/v1/agencies/{code}: the
// admin's agency's own entry, or (another code) one of its units.
type putAgencyRequest struct {
	Name       string   `json:"name"`
	Identifier string   `json:"identifier,omitempty"`
	Cleared    string   `json:"cleared,omitempty"`
	Names      []string `json:"names,omitempty"`
}

func (putAgencyRequest) refineSchema(s map[string]any) {
	props := s["properties"].(map[string]any)
	props["name"] = map[string]any{"type": "string", "minLength": 1, "maxLength": 300}
	props["cleared"] = map[string]any{"type": "string", "enum": append([]string{""}, records.Levels...)}
	props["names"] = map[string]any{"type": "array", "maxItems": 20, "items": map[string]any{"type": "string", "minLength": 1, "maxLength": 300}}
}

// grantable are the clearances an admin may give: up to their own.
func grantable(admin records.User) []string {
	i := slices.Index(records.Levels, admin.Clearance)
	return slices.Clone(records.Levels[:i+1])
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	admin := UserOf(r)
	us, err := s.Records.Users(r.Context(), admin)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := accountsResponse{Users: []accountJSON{}, Roles: slices.Clone(records.Grantable), Clearances: grantable(admin)}
	for _, u := range us {
		out.Users = append(out.Users, accountJSONOf(u))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) patchUser(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in patchUserRequest
	if err := jsonBody(w, r, &in); err != nil {
		writeError(w, http.StatusBadRequest, `send {"role": ..., "unit": ..., "clearance": ..., "disabled": true|false} (any of them)`)
		return
	}
	u, err := s.Records.UpdateUser(r.Context(), UserOf(r), id, records.UserChange{Role: in.Role, Unit: in.Unit, Clearance: in.Clearance, Disabled: in.Disabled})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, accountJSONOf(u))
}

func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, pw, err := s.Records.ResetPassword(r.Context(), UserOf(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, passwordResetJSON{User: accountJSONOf(u), Password: pw})
}

// putAgency writes one directory entry: the admin's agency's own (its
// parent and kind kept), or a unit of it (records.PutDirectoryEntry
// refuses another agency's entry, and a level above the admin's own).
func (s *Server) putAgency(w http.ResponseWriter, r *http.Request) {
	admin := UserOf(r)
	code := strings.TrimSpace(r.PathValue("code"))
	var in putAgencyRequest
	if err := jsonBody(w, r, &in); err != nil {
		writeError(w, http.StatusBadRequest, `send {"name": ..., "identifier": ..., "cleared": ..., "names": [...]}`)
		return
	}
	e := records.DirectoryEntry{Code: code, Identifier: strings.TrimSpace(in.Identifier), Name: strings.TrimSpace(in.Name), Cleared: strings.TrimSpace(in.Cleared),
		Parent: admin.Agency, Kind: records.KindUnit}
	for _, n := range in.Names {
		if n = strings.TrimSpace(n); n != "" && n != e.Name && !slices.Contains(e.Names, n) {
			e.Names = append(e.Names, n)
		}
	}
	old, err := s.Records.DirectoryEntryOf(r.Context(), code)
	if err != nil && !errors.Is(err, records.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	switch {
	case code == admin.Agency:
		e.Parent, e.Kind = "", records.KindAgency
		if err == nil {
			e.Parent = old.Parent
		}
	case err == nil && old.Parent == admin.Agency && old.Kind == records.KindAgency:
		// An agency under the admin's (a city's department) is edited,
		// and stays an agency.
		e.Kind = records.KindAgency
	}
	if err := s.Records.PutDirectoryEntry(r.Context(), admin, e); err != nil {
		s.fail(w, r, err)
		return
	}
	got, err := s.Records.DirectoryEntryOf(r.Context(), code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	got.Names = e.Names
	if got.Names == nil {
		got.Names = []string{}
	}
	writeJSON(w, http.StatusOK, directoryEntryJSON{Code: got.Code, Identifier: got.Identifier, Name: got.Name, Parent: got.Parent, Kind: got.Kind,
		Cleared: got.Cleared, Names: got.Names})
}
