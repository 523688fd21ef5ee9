package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Every paging parameter of every listing is bounded: nonsense is a 400
// naming the parameter, never a crash (offset=MaxInt64 once killed the
// process inside Bleve) nor a silent default.
func TestPagingIsBounded(t *testing.T) {
	f := newFixture(t)
	params := map[string][]string{
		"/api/v1/search?q=kinh":        {"offset", "size"},
		"/api/v1/registers/incoming?":  {"limit", "offset", "year"},
		"/api/v1/registers/outgoing?":  {"limit", "offset", "year"},
		"/api/v1/documents?":           {"limit"},
		"/api/v1/tasks?":               {"limit"},
		"/api/v1/registers/incoming?x": {"limit"}, // with format=csv below
	}
	bad := []string{"-1", "9223372036854775807", "-9223372036854775808", "99999999999999999999", "abc", "1e3", "0x10", " 5", "5.0"}
	for path, ps := range params {
		for _, p := range ps {
			for _, v := range bad {
				u := path + "&" + p + "=" + url.QueryEscape(v)
				if strings.HasSuffix(path, "?x") {
					u += "&format=csv"
				}
				res, b := f.do("clerk-a", "GET", u, nil)
				if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), p) {
					t.Errorf("GET %s: %d %s, want 400 naming %s", u, res.StatusCode, b, p)
				}
			}
		}
	}
	// Within bounds: answered.
	for _, u := range []string{"/api/v1/search?q=kinh&offset=9980&size=20", "/api/v1/search?q=kinh&size=100", "/api/v1/registers/incoming?limit=100000&offset=10000000",
		"/api/v1/documents?limit=1000", "/api/v1/search?q=kinh&from=0001-01-01&to=9999-12-31"} {
		if res, b := f.do("clerk-a", "GET", u, nil); res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d %s", u, res.StatusCode, b)
		}
	}
	// Past the window of paging.
	if res, _ := f.do("clerk-a", "GET", "/api/v1/search?q=kinh&offset=9990&size=20", nil); res.StatusCode != http.StatusBadRequest {
		t.Errorf("offset+size past %d: %d", 10000, res.StatusCode)
	}
	// The widest date range finds what is in it (it once found nothing).
	_, b := f.do("clerk-a", "GET", "/api/v1/search?q=kinh&from=0001-01-01&to=9999-12-31", nil)
	var sr struct{ Total int }
	json.Unmarshal(b, &sr)
	if sr.Total != 1 {
		t.Errorf("search from 0001-01-01 to 9999-12-31: total %d, want 1: %s", sr.Total, b)
	}
	// Other numbers and dates a client sends.
	for _, u := range []string{"/api/v1/meetings?from=tomorrow", "/api/v1/meetings?to=2025-13-01", "/api/v1/tasks?due_before=x",
		"/api/v1/dashboard?from=2025-02-30", "/api/v1/dashboard?from=2025-03-01&to=2025-01-01", "/api/v1/dashboard?from=1900-01-01&to=2200-01-01",
		"/api/v1/summary?from=2020-01-01&to=2025-01-01", "/api/v1/search?q=kinh&sort=sideways", "/api/v1/search?q=kinh&from=2025-03-01&to=2025-01-01",
		"/api/v1/registers/incoming?from=5/3/2025"} {
		if res, b := f.do("leader-a", "GET", u, nil); res.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %s: %d %s, want 400", u, res.StatusCode, b)
		}
	}
	// And the server still answers.
	if res, _ := f.do("clerk-a", "GET", "/api/v1/me", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("the server stopped answering: %d", res.StatusCode)
	}
}

// A query is bounded in length and words; a long word is never expanded
// fuzzily (one of 30,000 characters once took 4.3 GB).
func TestQueryIsBounded(t *testing.T) {
	f := newFixture(t)
	for _, q := range []string{strings.Repeat("a", 501), strings.Repeat("kinh ", 33), "\xff\xfe"} {
		res, b := f.do("clerk-a", "GET", "/api/v1/search?q="+url.QueryEscape(q), nil)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("a query of %d bytes: %d %.200s", len(q), res.StatusCode, b)
		}
	}
	// The longest allowed word that matches nothing goes through typo
	// tolerance without being expanded.
	res, b := f.do("clerk-a", "GET", "/api/v1/search?q="+strings.Repeat("x", 500), nil)
	if res.StatusCode != http.StatusOK {
		t.Errorf("a 500-letter word: %d %s", res.StatusCode, b)
	}
	for _, filter := range []string{"type", "issuer", "urgency", "status"} {
		if res, _ := f.do("clerk-a", "GET", "/api/v1/search?q=kinh&"+filter+"="+strings.Repeat("x", 201), nil); res.StatusCode != http.StatusBadRequest {
			t.Errorf("a %s filter of 201 characters: %d", filter, res.StatusCode)
		}
	}
}

// An admin grants no more than they hold: no clearance above their own,
// no admin role (the operator makes admins with vanthu admin).
func TestAdminGrantsAtMostTheirOwn(t *testing.T) {
	f := newFixture(t)
	mk := func(admin, name, role, clearance string) (int, string) {
		body := fmt.Sprintf(`{"name": %q, "role": %q, "clearance": %q, "password": "mat-khau-rat-dai"}`, name, role, clearance)
		res, b := f.do(admin, "POST", "/api/v1/users", strings.NewReader(body))
		return res.StatusCode, string(b)
	}
	for _, c := range []struct {
		admin, role, clearance string
		want                   int
	}{
		{"admin-a", "staff", "", http.StatusCreated},
		{"admin-a", "staff", "MẬT", http.StatusForbidden}, // the uncleared admin of the report
		{"admin-a", "staff", "TUYỆT MẬT", http.StatusForbidden},
		{"admin-a", "leader", "tuyet mat", http.StatusForbidden},
		{"admin-a", "admin", "", http.StatusForbidden},
		{"admin-a", "root", "", http.StatusForbidden},
		{"admin-a", "staff", "RẤT MẬT", http.StatusBadRequest},
		{"admin-a-mat", "clerk", "MẬT", http.StatusCreated},
		{"admin-a-mat", "clerk", "mật", http.StatusCreated},
		{"admin-a-mat", "clerk", "TỐI MẬT", http.StatusForbidden},
		{"admin-a-mat", "admin", "MẬT", http.StatusForbidden},
	} {
		name := fmt.Sprintf("u-%s-%s-%s", c.admin, c.role, strings.ReplaceAll(c.clearance, " ", "_"))
		if code, b := mk(c.admin, name, c.role, c.clearance); code != c.want {
			t.Errorf("%s makes a %s cleared %q: %d %s, want %d", c.admin, c.role, c.clearance, code, b, c.want)
		}
	}
	// The account the report made could not read a MẬT document: it
	// does not exist.
	if _, err := f.st.UserByName(t.Context(), "u-admin-a-staff-TUYỆT_MẬT"); err == nil {
		t.Error("the refused account exists")
	}
	// A name taken in another agency is refused as one taken in one's own:
	// nothing says where.
	_, own := mk("admin-a", "staff-a", "staff", "")
	_, other := mk("admin-a", "clerk-b", "staff", "")
	if own != other || strings.Contains(other, "b") && strings.Contains(other, "agency") {
		t.Errorf("a name of another agency answers differently: %s vs %s", own, other)
	}
	// Trailing JSON, null, unknown fields and arrays are refused.
	for _, body := range []string{`null`, `[]`, `{"name": "x1", "role": "staff", "password": "mat-khau-rat-dai"} {}`, `{"name": "x2", "role": "staff", "password": "mat-khau-rat-dai", "is_root": true}`} {
		if res, b := f.do("admin-a", "POST", "/api/v1/users", strings.NewReader(body)); res.StatusCode != http.StatusBadRequest {
			t.Errorf("body %s: %d %s", body, res.StatusCode, b)
		}
	}
}

// PATCH bodies are one JSON object: null, trailing data, a second value
// are refused, and nothing is changed.
func TestPatchBodiesAreStrict(t *testing.T) {
	f := newFixture(t)
	id := fmt.Sprint(f.docs["a"])
	for _, body := range []string{`null`, `{"subject": "x"} {"subject": "y"}`, `{"subject": "x"}garbage`, `{"subject": null}`, `[{"subject": "x"}]`, `"x"`, ``} {
		if res, b := f.do("clerk-a", "PATCH", "/api/v1/documents/"+id, strings.NewReader(body)); res.StatusCode != http.StatusBadRequest {
			t.Errorf("PATCH document %q: %d %s", body, res.StatusCode, b)
		}
	}
	_, b := f.do("clerk-a", "GET", "/api/v1/documents/"+id, nil)
	if strings.Contains(string(b), `"subject":"x"`) || strings.Contains(string(b), `"subject":"y"`) {
		t.Errorf("a refused body changed the record: %s", b)
	}
	var ts struct{ Tasks []struct{ ID int64 } }
	_, b = f.do("clerk-a", "GET", "/api/v1/tasks", nil)
	json.Unmarshal(b, &ts)
	for _, body := range []string{`null`, `{"status": "done"} x`, `{"status": null}`, `{"status": "done", "assignee": "me"}`} {
		if res, b := f.do("clerk-a", "PATCH", fmt.Sprint("/api/v1/tasks/", ts.Tasks[0].ID), strings.NewReader(body)); res.StatusCode != http.StatusBadRequest {
			t.Errorf("PATCH task %q: %d %s", body, res.StatusCode, b)
		}
	}
}

// Five wrong passwords from one address block that name from that address
// only: the victim logging in from elsewhere is not locked out. An address
// spraying many names is blocked; the table forgets what is over and stays
// bounded.
func TestLoginLimiter(t *testing.T) {
	var l loginLimiter
	now := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	for range loginFails {
		l.fail(now, loginKeysOf("leader-a", "10.0.0.66"))
	}
	if l.blocked(now, loginKeysOf("leader-a", "10.0.0.66")) == 0 {
		t.Error("the guessing address is not blocked")
	}
	if w := l.blocked(now, loginKeysOf("leader-a", "10.0.0.7")); w != 0 {
		t.Errorf("the victim's own address waits %v", w)
	}
	// Past the bar each failure doubles the wait, up to the window.
	l.fail(now, loginKeysOf("leader-a", "10.0.0.66"))
	if w := l.blocked(now, loginKeysOf("leader-a", "10.0.0.66")); w != 2*time.Minute {
		t.Errorf("wait after six failures: %v", w)
	}
	for i := range loginFailsAddr {
		l.fail(now, loginKeysOf(fmt.Sprint("user-", i), "10.0.0.99"))
	}
	if l.blocked(now, loginKeysOf("someone-else", "10.0.0.99")) == 0 {
		t.Error("an address spraying names is not blocked")
	}
	later := now.Add(2 * loginWindow)
	if w := l.blocked(later, loginKeysOf("leader-a", "10.0.0.66")); w != 0 {
		t.Errorf("still blocked after the window: %v", w)
	}
	for i := range loginKeys + 10 {
		l.fail(later, loginKeysOf(fmt.Sprint("n", i), fmt.Sprint("ip", i)))
	}
	if len(l.fails) > loginKeys {
		t.Errorf("the table holds %d entries, bound %d", len(l.fails), loginKeys)
	}
}
