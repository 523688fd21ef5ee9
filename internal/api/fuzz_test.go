package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Any request a logged-in user can make — method, path, query and body of
// their choosing — is answered, never with a crash or an internal error.
// The seeds (run by every go test) include the requests of issue 10.
func FuzzRequests(f *testing.F) {
	fx := newFixture(f)
	h := fx.api.Handler()
	for _, seed := range [][3]string{
		{"GET", "/api/v1/search?q=x&offset=9223372036854775807", ""},
		{"GET", "/api/v1/search?q=" + strings.Repeat("a", 3000), ""},
		{"GET", "/api/v1/search?q=kinh&from=0001-01-01&to=9999-12-31", ""},
		{"GET", "/api/v1/registers/incoming?limit=-1&offset=99999999999999999999&format=xlsx", ""},
		{"PATCH", "/api/v1/documents/1", `{"subject": null}`},
		{"PATCH", "/api/v1/documents/1", `{"issued_at": "20/03/2018"} {}`},
		{"PATCH", "/api/v1/tasks/1", `null`},
		{"POST", "/api/v1/users", `{"name": "x", "role": "admin", "clearance": "TUYỆT MẬT", "password": "mat-khau-rat-dai"}`},
		{"GET", "/api/v1/meetings?from=x&to=y", ""},
		{"GET", "/api/v1/dashboard?from=0001-01-01&to=9999-12-31", ""},
		{"GET", "/api/v1/summary?period=month&date=9999-12-31", ""},
		{"GET", "/api/v1/documents/9223372036854775807/pages/99999999999", ""},
		{"POST", "/api/v1/documents", "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../a.pdf\"\r\n\r\n%PDF-1.4\r\n--x--\r\n"},
		{"DELETE", "/api/v1/documents/1", ""},
		{"POST", "/api/v1/documents/2/retry", ""},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	f.Fuzz(func(t *testing.T, method, target, body string) {
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		req, err := http.NewRequest(method, "http://vanthu.test"+target, strings.NewReader(body))
		if err != nil {
			return // not a request a client could send
		}
		req.Header.Set("Authorization", "Bearer "+fx.tokens["clerk-a-tm"])
		if strings.HasPrefix(body, "--x") {
			req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
		} else {
			req.Header.Set("Content-Type", "application/json")
		}
		if strings.Contains(target, "logout") {
			return // would end the session the other inputs use
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 && rec.Code != http.StatusServiceUnavailable {
			t.Errorf("%s %s %q: %d %s", method, target, body, rec.Code, rec.Body.String())
		}
	})
}
