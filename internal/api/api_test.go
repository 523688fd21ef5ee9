package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/xuri/excelize/v2"

	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/objstore/local"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/records/recordstest"
	"github.com/vanthu/vanthu/internal/search"
	bleveidx "github.com/vanthu/vanthu/internal/search/bleve"
	"github.com/vanthu/vanthu/internal/stage"
	"github.com/vanthu/vanthu/pipelines/doc"
	"github.com/vanthu/vanthu/pipelines/raster"
)

type fixture struct {
	t      testing.TB
	srv    *httptest.Server
	api    *Server
	st     *records.Store
	tokens map[string]string // user name → bearer token
	docs   map[string]int64  // name → document id
}

// newFixture: two agencies, a user of each role in A, a clerk in B,
// cleared staff, clerks and an admin in A; documents (stored, recorded and
// indexed): a public one and a MẬT one in A, one in B.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := records.OpenSQLite(ctx, filepath.Join(t.TempDir(), "vanthu.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	store, err := local.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	idx, err := bleveidx.OpenShards(filepath.Join(t.TempDir(), "index"), 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	s := &Server{Records: st, Store: store, Bucket: "uploads", Index: idx, Preview: raster.Preview}
	f := &fixture{t: t, srv: httptest.NewServer(s.Handler()), api: s, st: st, tokens: map[string]string{}, docs: map[string]int64{}}
	t.Cleanup(f.srv.Close)
	for _, u := range []records.User{
		{Name: "clerk-a", Role: records.RoleClerk, Agency: "a"},
		{Name: "staff-a", Role: records.RoleStaff, Agency: "a"},
		{Name: "leader-a", Role: records.RoleLeader, Agency: "a"},
		{Name: "admin-a", Role: records.RoleAdmin, Agency: "a"},
		{Name: "clerk-b", Role: records.RoleClerk, Agency: "b"},
		{Name: "staff-a-mat", Role: records.RoleStaff, Agency: "a", Clearance: "MẬT"},
		{Name: "clerk-a-mat", Role: records.RoleClerk, Agency: "a", Clearance: "MẬT"},
		{Name: "admin-a-mat", Role: records.RoleAdmin, Agency: "a", Clearance: "MẬT"},
		{Name: "clerk-a-tm", Role: records.RoleClerk, Agency: "a", Clearance: "TUYỆT MẬT"},
	} {
		u, err := st.CreateUser(ctx, u, "mat-khau-"+u.Name)
		if err != nil {
			t.Fatal(err)
		}
		if f.tokens[u.Name], err = st.NewToken(ctx, u.ID, records.TokenAPI, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	f.docs["a"], f.docs["a-mat"], f.docs["b"] = f.record("a", "a.pdf", "", "CV"), f.record("a", "a-mat.pdf", "MẬT", "CV"), f.record("b", "b.pdf", "", "CV")
	return f
}

// record stores a one-page PDF under key, records a document of docType
// read from it (its subject names the key, a task to the Phòng Tài
// chính) and indexes it; it returns the document's ID.
func (f *fixture) record(agency, key, conf, docType string) int64 {
	f.t.Helper()
	ctx := context.Background()
	data := onePagePDF(f.t, "Cong van "+key)
	info, err := f.api.Store.Put(ctx, "uploads", key, bytes.NewReader(data), int64(len(data)), map[string]string{"agency": agency})
	if err != nil {
		f.t.Fatal(err)
	}
	r := recordstest.Rec(docType, "12", "UBND-VP", "UBND XÃ NGHĨA HÀ", "V/v hỗ trợ kinh phí "+key)
	r.Confidentiality = conf
	r.Number = fmt.Sprint(len(key)) // each its own number: not duplicates of each other
	r.Text = "Về việc hỗ trợ kinh phí " + key + ". Tổng kinh phí 120 triệu đồng."
	r.Tasks = append(r.Tasks, doc.Task{Assignee: "Phòng Tài chính", Task: "lập dự toán " + key, Due: "2025-03-20"})
	if docType == "GM" {
		r.MeetingTime, r.MeetingPlace = "2025-03-12T14:00", "Hội trường "+key
	}
	ref := events.Ref{Bucket: "uploads", Key: key, ETag: info.ETag}
	res, err := f.st.Record(ctx, records.Upload{Agency: agency, Bucket: "uploads", Key: key, ETag: info.ETag, File: key, At: time.Date(2025, 3, 5, 8, 0, 0, 0, time.UTC)}, r)
	if err != nil {
		f.t.Fatal(err)
	}
	err = f.api.Index.Index(ctx, search.Document{ID: stage.DocID(ref), Agency: agency, Confidentiality: records.SecrecyOf(conf), File: key, DocType: docType,
		Number: r.Number, Symbol: r.Symbol, Issuer: r.Issuer, IssuedAt: r.IssuedAt, Subject: r.Subject, Text: r.Text, Status: res.Document.Status})
	if err != nil {
		f.t.Fatal(err)
	}
	return res.Document.ID
}

// onePagePDF is a born-digital one-page PDF saying text.
func onePagePDF(t testing.TB, text string) []byte {
	t.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", 14)
	pdf.Text(30, 40, text)
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (f *fixture) do(user, method, path string, body io.Reader, hdr ...string) (*http.Response, []byte) {
	f.t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, body)
	if err != nil {
		f.t.Fatal(err)
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[user])
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func TestEveryEndpointNeedsAuthentication(t *testing.T) {
	f := newFixture(t)
	s := &Server{}
	for _, rt := range s.routes() {
		path := strings.ReplaceAll(rt.path, "{id}", fmt.Sprint(f.docs["a"]))
		res, _ := f.do("", rt.method, path, strings.NewReader("{}"))
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s %s without a token: %d", rt.method, path, res.StatusCode)
		}
		f.tokens["forged"] = "vt_forged"
		if res, _ := f.do("forged", rt.method, path, strings.NewReader("{}")); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s %s with a forged token: %d", rt.method, path, res.StatusCode)
		}
	}
}

// Each role can do what it must and nothing more.
func TestRoles(t *testing.T) {
	f := newFixture(t)
	id := fmt.Sprint(f.docs["a"])
	type call struct{ method, path, body string }
	correct := call{"PATCH", "/api/v1/documents/" + id, `{"subject": "V/v hỗ trợ kinh phí (sửa)"}`}
	approve := call{"POST", "/api/v1/documents/" + id + "/approve", ""}
	upload := call{"POST", "/api/v1/documents", ""}
	newUser := call{"POST", "/api/v1/users", `{"name": "new-%s", "role": "staff", "password": "mat-khau-moi-1"}`}
	read := []call{{"GET", "/api/v1/documents/" + id, ""}, {"GET", "/api/v1/registers/incoming?year=2025", ""}, {"GET", "/api/v1/tasks", ""},
		{"GET", "/api/v1/reports", ""}, {"GET", "/api/v1/meetings", ""}, {"GET", "/api/v1/documents", ""}, {"GET", "/api/v1/documents/" + id + "/history", ""}}
	allowed := map[string][]call{
		"clerk-a":  {correct, approve},
		"leader-a": {approve},
		"admin-a":  {newUser},
	}
	for _, user := range []string{"clerk-a", "staff-a", "leader-a", "admin-a"} {
		for _, c := range read {
			if res, b := f.do(user, c.method, c.path, nil); res.StatusCode != http.StatusOK {
				t.Errorf("%s may read %s: %d %s", user, c.path, res.StatusCode, b)
			}
		}
		for _, c := range []call{correct, approve, newUser} {
			want := http.StatusForbidden
			for _, a := range allowed[user] {
				if a == c {
					want = http.StatusOK
					if c == newUser {
						want = http.StatusCreated
					}
				}
			}
			res, b := f.do(user, c.method, c.path, strings.NewReader(strings.ReplaceAll(c.body, "%s", user)))
			if res.StatusCode != want {
				t.Errorf("%s %s %s: %d %s, want %d", user, c.method, c.path, res.StatusCode, b, want)
			}
		}
		res, _ := f.do(user, upload.method, upload.path, strings.NewReader(""), "Content-Type", "multipart/form-data; boundary=x")
		if (user == "clerk-a") != (res.StatusCode != http.StatusForbidden) {
			t.Errorf("%s upload: %d", user, res.StatusCode)
		}
	}
}

// A user of agency B sees nothing of agency A's, through every path.
func TestAgencyScope(t *testing.T) {
	f := newFixture(t)
	id := fmt.Sprint(f.docs["a"])
	for _, c := range [][2]string{{"GET", "/api/v1/documents/" + id}, {"GET", "/api/v1/documents/" + id + "/file"}, {"GET", "/api/v1/documents/" + id + "/history"},
		{"PATCH", "/api/v1/documents/" + id}, {"POST", "/api/v1/documents/" + id + "/approve"}} {
		if res, b := f.do("clerk-b", c[0], c[1], strings.NewReader(`{"subject": "x"}`)); res.StatusCode != http.StatusNotFound {
			t.Errorf("clerk-b %s %s: %d %s", c[0], c[1], res.StatusCode, b)
		}
	}
	for _, path := range []string{"/api/v1/registers/incoming?year=2025", "/api/v1/tasks", "/api/v1/documents", "/api/v1/registers/incoming?format=csv"} {
		_, b := f.do("clerk-b", "GET", path, nil)
		if strings.Contains(string(b), "a.pdf") || strings.Contains(string(b), "kinh phí a") {
			t.Errorf("clerk-b's %s shows agency a's documents: %s", path, b)
		}
		if !strings.Contains(string(b), "b.pdf") && !strings.Contains(string(b), "kinh phí b") && !strings.Contains(path, "tasks") {
			t.Errorf("clerk-b's %s lacks its own: %s", path, b)
		}
	}
	// A task of agency A cannot be closed from B.
	var ts struct{ Tasks []struct{ ID int64 } }
	_, b := f.do("staff-a", "GET", "/api/v1/tasks", nil)
	json.Unmarshal(b, &ts)
	if len(ts.Tasks) == 0 {
		t.Fatalf("no tasks: %s", b)
	}
	if res, _ := f.do("clerk-b", "PATCH", fmt.Sprintf("/api/v1/tasks/%d", ts.Tasks[0].ID), strings.NewReader(`{"status": "done"}`)); res.StatusCode != http.StatusNotFound {
		t.Errorf("clerk-b closed a task of a: %d", res.StatusCode)
	}
	if res, b := f.do("staff-a", "PATCH", fmt.Sprintf("/api/v1/tasks/%d", ts.Tasks[0].ID), strings.NewReader(`{"status": "done"}`)); res.StatusCode != http.StatusOK {
		t.Errorf("staff-a closing a task: %d %s", res.StatusCode, b)
	}
	if res, _ := f.do("admin-a", "POST", "/api/v1/users", strings.NewReader(`{"name": "x-b", "role": "clerk", "agency": "b", "password": "mat-khau-dai-9"}`)); res.StatusCode != http.StatusForbidden {
		t.Errorf("admin of a made an account in b: %d", res.StatusCode)
	}
}

func TestSecretNeedsClearance(t *testing.T) {
	f := newFixture(t)
	id := fmt.Sprint(f.docs["a-mat"])
	if res, _ := f.do("staff-a", "GET", "/api/v1/documents/"+id, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("uncleared staff read a MẬT document: %d", res.StatusCode)
	}
	if res, b := f.do("staff-a-mat", "GET", "/api/v1/documents/"+id, nil); res.StatusCode != http.StatusOK {
		t.Errorf("cleared staff: %d %s", res.StatusCode, b)
	}
	_, b := f.do("staff-a", "GET", "/api/v1/registers/incoming?year=2025", nil)
	if strings.Contains(string(b), "a-mat") {
		t.Errorf("the uncleared register shows the MẬT line: %s", b)
	}
	_, b = f.do("staff-a-mat", "GET", "/api/v1/registers/incoming?year=2025", nil)
	if !strings.Contains(string(b), "a-mat") {
		t.Errorf("the cleared register lacks the MẬT line: %s", b)
	}
}

func multipartBody(t *testing.T, files map[string][]byte) (io.Reader, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for name, data := range files {
		w, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	mw.Close()
	return &b, mw.FormDataContentType()
}

const tinyPDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

func TestUpload(t *testing.T) {
	f := newFixture(t)
	body, ctype := multipartBody(t, map[string][]byte{"../../etc/Công văn số 12.pdf": []byte(tinyPDF)})
	res, b := f.do("clerk-a", "POST", "/api/v1/documents", body, "Content-Type", ctype)
	var out struct {
		ID        int64
		Status    string
		Documents []uploadResult
	}
	json.Unmarshal(b, &out)
	if res.StatusCode != http.StatusAccepted || out.ID == 0 || out.Status != records.StatusReceived {
		t.Fatalf("upload: %d %s", res.StatusCode, b)
	}
	res, b = f.do("clerk-a", "GET", fmt.Sprint("/api/v1/documents/", out.ID), nil)
	var d documentJSON
	json.Unmarshal(b, &d)
	if res.StatusCode != http.StatusOK || d.File != "Công văn số 12.pdf" || d.Status != "received" || !d.Stages["received"] || d.Stages["read"] {
		t.Errorf("after upload: %d %s", res.StatusCode, b)
	}
	// Its marking is not read yet: it is TUYỆT MẬT until then, and only
	// those cleared for it have its bytes — not even the uploader.
	if res, _ := f.do("clerk-a", "GET", fmt.Sprint("/api/v1/documents/", out.ID, "/file"), nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("the uncleared uploader downloaded a document of unknown marking: %d", res.StatusCode)
	}
	res, b = f.do("clerk-a-tm", "GET", fmt.Sprint("/api/v1/documents/", out.ID, "/file"), nil)
	if res.StatusCode != http.StatusOK || string(b) != tinyPDF || res.Header.Get("Content-Type") != "application/pdf" ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("download: %d %v", res.StatusCode, res.Header)
	}
	// An executable named .pdf is refused, by name and reason; with a good
	// file beside it, the good one is still taken.
	elf := append([]byte("\x7fELF"), make([]byte, 64)...)
	body, ctype = multipartBody(t, map[string][]byte{"hóa đơn.pdf": elf})
	res, b = f.do("clerk-a", "POST", "/api/v1/documents", body, "Content-Type", ctype)
	if res.StatusCode != http.StatusUnsupportedMediaType || !strings.Contains(string(b), "hóa đơn.pdf") || !strings.Contains(string(b), "unsupported") {
		t.Errorf("ELF: %d %s", res.StatusCode, b)
	}
	body, ctype = multipartBody(t, map[string][]byte{"hóa đơn.pdf": elf, "tờ trình.pdf": []byte(tinyPDF)})
	res, b = f.do("clerk-a", "POST", "/api/v1/documents", body, "Content-Type", ctype)
	json.Unmarshal(b, &out)
	if res.StatusCode != http.StatusAccepted || len(out.Documents) != 2 || out.ID == 0 {
		t.Errorf("one bad of two: %d %s", res.StatusCode, b)
	}
}

func TestSessionsAndLoginLimits(t *testing.T) {
	f := newFixture(t)
	login := func(name, pw string) *http.Response {
		res, _ := f.do("", "POST", "/api/v1/login", strings.NewReader(fmt.Sprintf(`{"name": %q, "password": %q}`, name, pw)), "Content-Type", "application/json")
		return res
	}
	// A cross-site form cannot log a browser in: text/plain is refused,
	// and so is another origin (or the same host under another scheme).
	for _, hdr := range [][]string{{"Content-Type", "text/plain"}, {"Content-Type", "application/x-www-form-urlencoded"},
		{"Content-Type", "application/json", "Origin", "https://evil.example"}, {"Content-Type", "application/json", "Origin", strings.Replace(f.srv.URL, "http:", "https:", 1)}} {
		res, _ := f.do("", "POST", "/api/v1/login", strings.NewReader(`{"name": "clerk-a", "password": "mat-khau-clerk-a"}`), hdr...)
		if res.StatusCode == http.StatusOK || len(res.Cookies()) > 0 {
			t.Errorf("login with %v: %d, cookies %v", hdr, res.StatusCode, res.Cookies())
		}
	}
	res := login("clerk-a", "mat-khau-clerk-a")
	if res.StatusCode != http.StatusOK || len(res.Cookies()) == 0 {
		t.Fatalf("login: %d", res.StatusCode)
	}
	c := res.Cookies()[0]
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
		t.Errorf("session cookie: %+v", c)
	}
	withCookie := func(method, path, origin string) int {
		req, _ := http.NewRequest(method, f.srv.URL+path, strings.NewReader(`{"subject": "Về việc khác"}`))
		req.AddCookie(c)
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if code := withCookie("GET", "/api/v1/me", ""); code != http.StatusOK {
		t.Errorf("GET with the session: %d", code)
	}
	patch := fmt.Sprint("/api/v1/documents/", f.docs["a"])
	if code := withCookie("PATCH", patch, "https://evil.example"); code != http.StatusForbidden {
		t.Errorf("a cross-site PATCH with the session: %d", code)
	}
	// The same host under another scheme is another origin.
	if code := withCookie("PATCH", patch, strings.Replace(f.srv.URL, "http:", "https:", 1)); code != http.StatusForbidden {
		t.Errorf("a PATCH from https://the-same-host with the session: %d", code)
	}
	if code := withCookie("PATCH", patch, f.srv.URL); code != http.StatusOK {
		t.Errorf("a same-site PATCH with the session: %d", code)
	}
	for range 5 {
		if res := login("leader-a", "sai-mat-khau"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password: %d", res.StatusCode)
		}
	}
	if res := login("leader-a", "mat-khau-leader-a"); res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("after five failures: %d", res.StatusCode)
	}
}

func TestRegisterExports(t *testing.T) {
	f := newFixture(t)
	res, b := f.do("staff-a", "GET", "/api/v1/registers/incoming?from=2025-03-01&to=2025-03-31&format=csv", nil)
	if res.StatusCode != http.StatusOK || !bytes.HasPrefix(b, []byte("\ufeffSố đến,Ngày đến,Tác giả")) || !strings.Contains(string(b), "\n1,05/03/2025,UBND XÃ NGHĨA HÀ,5,UBND-VP,") {
		t.Errorf("CSV: %d %q", res.StatusCode, b)
	}
	// Read by people: states and types by their names, dates dd/mm/yyyy;
	// the JSON keeps the codes.
	if csv := string(b); !strings.Contains(csv, ",03/03/2025,Công văn,V/v hỗ trợ kinh phí a.pdf,Phòng Tài chính,20/03/2025,Đã vào sổ,") ||
		strings.Contains(csv, "registered") || strings.Contains(csv, ",CV,") || strings.Contains(csv, "2025-03") {
		t.Errorf("CSV not in a person's words: %q", b)
	}
	if res, b := f.do("staff-a", "GET", "/api/v1/registers/incoming?from=2025-03-01&to=2025-03-31", nil); res.StatusCode != http.StatusOK ||
		!strings.Contains(string(b), `"status":"registered"`) || !strings.Contains(string(b), `"doc_type":"CV"`) || !strings.Contains(string(b), `"arrived_at":"2025-03-05"`) {
		t.Errorf("JSON register changed: %d %s", res.StatusCode, b)
	}
	res, b = f.do("staff-a", "GET", "/api/v1/registers/incoming?year=2025&format=xlsx", nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("xlsx: %d", res.StatusCode)
	}
	// Read back by a spreadsheet reader (excelize's), as Excel would.
	book, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	sheets := book.GetSheetList()
	if len(sheets) != 1 {
		t.Fatalf("sheets %v", sheets)
	}
	xrows, err := book.GetRows(sheets[0])
	if err != nil || len(xrows) < 2 {
		t.Fatalf("rows %v %v", xrows, err)
	}
	if !slices.Contains(xrows[1], "Đã vào sổ") || !slices.Contains(xrows[1], "Công văn") || !slices.Contains(xrows[1], "05/03/2025") {
		t.Errorf("workbook not in a person's words: %q", xrows[1])
	}
	if !slices.Contains(xrows[0], "Trích yếu nội dung") || xrows[1][0] != "1" || !slices.ContainsFunc(xrows[1], func(c string) bool { return strings.Contains(c, "V/v hỗ trợ kinh phí a.pdf") }) {
		t.Errorf("workbook: header %q, first line %q", xrows[0], xrows[1])
	}
	if panes, err := book.GetPanes(sheets[0]); err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header not frozen: %+v %v", panes, err)
	}
	if res, b := f.do("staff-a", "GET", "/api/v1/registers/incoming?from=5/3/2025", nil); res.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "YYYY-MM-DD") {
		t.Errorf("a bad date: %d %s", res.StatusCode, b)
	}
}

func TestOpenAPIListsEveryRoute(t *testing.T) {
	f := newFixture(t)
	res, b := f.do("", "GET", "/api/v1/openapi.json", nil)
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || res.StatusCode != 200 || doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi.json: %d %v", res.StatusCode, err)
	}
	for _, rt := range (&Server{}).routes() {
		if doc.Paths[rt.path][strings.ToLower(rt.method)] == nil {
			t.Errorf("openapi.json lacks %s %s", rt.method, rt.path)
		}
	}
}

func TestCSVDefusesFormulas(t *testing.T) {
	got := csvSafe([]string{"=HYPERLINK(\"x\")", "-5", "+84 912", "@SUM(A1)", "Kế hoạch"})
	want := []string{"'=HYPERLINK(\"x\")", "-5", "'+84 912", "'@SUM(A1)", "Kế hoạch"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("csvSafe: %q", got)
	}
}

func TestDashboardAndSummary(t *testing.T) {
	f := newFixture(t)
	res, b := f.do("leader-a", "GET", "/api/v1/dashboard?from=2025-01-01&to=2025-12-31", nil)
	var d struct {
		InByType []records.Count `json:"in_by_type"`
		Total    int             `json:"documents_total"`
	}
	json.Unmarshal(b, &d)
	if res.StatusCode != 200 || d.Total != 1 || len(d.InByType) != 1 || d.InByType[0].N != 1 {
		// a and a-mat are agency a's; the leader is not cleared for MẬT.
		t.Errorf("dashboard: %d %s", res.StatusCode, b)
	}
	_, b = f.do("staff-a-mat", "GET", "/api/v1/dashboard?from=2025-01-01&to=2025-12-31", nil)
	json.Unmarshal(b, &d)
	if d.Total != 2 {
		t.Errorf("a cleared user's dashboard counts %d documents, want 2: %s", d.Total, b)
	}
	res, b = f.do("leader-a", "GET", "/api/v1/summary?from=2025-03-01&to=2025-03-31", nil)
	var s struct {
		Paragraphs []string
		Sections   []records.SummarySection
	}
	json.Unmarshal(b, &s)
	text := strings.Join(s.Paragraphs, " ")
	for _, sec := range s.Sections {
		text += " ## " + sec.Title + ": " + strings.Join(sec.Items, "; ")
	}
	if res.StatusCode != 200 || !strings.Contains(text, "tiếp nhận 1 văn bản đến") || !strings.Contains(text, "## Nhiệm vụ và hạn: Phòng Tài chính: lập dự toán a.pdf (hạn 20/03/2025)") ||
		strings.Contains(text, "a-mat") {
		t.Errorf("summary: %d %s", res.StatusCode, b)
	}
	res, b = f.do("leader-a", "GET", "/api/v1/summary?period=month&date=2025-03-15&format=pdf", nil)
	if res.StatusCode != 200 || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Errorf("summary PDF: %d %q", res.StatusCode, b[:min(20, len(b))])
	}
	if res, _ := f.do("leader-a", "GET", "/api/v1/summary?period=year", nil); res.StatusCode != 400 {
		t.Errorf("a period that is not one: %d", res.StatusCode)
	}
}

// A model may write the summary's prose, but only keeping every figure;
// a rewrite that drops one, or a model that fails, leaves the records'
// own text.
func TestSummaryProseByAModel(t *testing.T) {
	var answer string
	var asked map[string]any
	model := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer k" {
			http.Error(w, "no", http.StatusNotFound)
			return
		}
		json.NewDecoder(r.Body).Decode(&asked)
		if answer == "" {
			http.Error(w, "overloaded", http.StatusServiceUnavailable)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{"message": map[string]any{"role": "assistant", "content": answer}}}})
	}))
	defer model.Close()
	f := newFixture(t)
	s := &Server{Records: f.st, Prose: &Prose{URL: model.URL + "/v1", Model: "m", Key: "k"}}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	get := func() (out struct {
		Paragraphs []string
		WrittenBy  string `json:"written_by"`
	}) {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/summary?from=2025-03-01&to=2025-03-31", nil)
		req.Header.Set("Authorization", "Bearer "+f.tokens["leader-a"])
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		json.NewDecoder(res.Body).Decode(&out)
		return out
	}
	plain := get() // the model is down
	if plain.WrittenBy != "records" || len(plain.Paragraphs) == 0 {
		t.Fatalf("with the model down: %+v", plain)
	}
	orig := strings.Join(plain.Paragraphs, "\n\n")
	answer = "Trong tháng, " + strings.ToLower(orig[:1]) + orig[1:]
	if got := get(); got.WrittenBy != "model" || !strings.HasPrefix(got.Paragraphs[0], "Trong tháng,") {
		t.Errorf("a faithful rewrite: %+v", got)
	}
	msgs, _ := asked["messages"].([]any)
	if len(msgs) != 2 || !strings.Contains(fmt.Sprint(msgs[1]), "20/03/2025") {
		t.Errorf("the model was asked %v", asked)
	}
	answer = strings.ReplaceAll(orig, "20/03/2025", "21/03/2025") // a date changed
	if got := get(); got.WrittenBy != "records" || strings.Join(got.Paragraphs, "\n\n") != orig {
		t.Errorf("a rewrite that changed a date was used: %+v", got)
	}
}

// downIndex is a search cluster no node of which answers.
type downIndex struct{ search.Indexer }

func (downIndex) Search(context.Context, search.Options) (search.Result, error) {
	return search.Result{}, fmt.Errorf("%w: opensearch search: dial tcp 10.0.0.9:9200: connection refused", search.ErrUnavailable)
}

// TestSearchIndexDown: the cluster away, a search is answered 503 with
// Retry-After (it may pass), and nothing of the cluster's address.
func TestSearchIndexDown(t *testing.T) {
	f := newFixture(t)
	f.api.Index = downIndex{f.api.Index}
	res, b := f.do("staff-a", "GET", "/api/v1/search?q=kinh+phi", nil)
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" || strings.Contains(string(b), "10.0.0.9") {
		t.Errorf("%d %v %s", res.StatusCode, res.Header, b)
	}
}
