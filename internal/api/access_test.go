package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// probe is one way of reaching a document: a path of the API, and how to
// tell from its answer whether the document was reached.
type probe struct {
	name, method, path, body string
	// list: the path answers 200 to everybody and reveals the document by
	// listing or counting it; else the path is the document's own and
	// reveals it by answering at all (2xx), and must answer 404 otherwise.
	list bool
	// ownAgency: a path of agency A's own (another agency gets 404).
	ownAgency bool
	reveals   func(body []byte, key string, id int64) bool
}

func mentions(body []byte, key string, id int64) bool {
	return strings.Contains(string(body), key) ||
		regexp.MustCompile(fmt.Sprintf(`"document_id":%d[,}]`, id)).Match(body)
}

func countAbove(field string, n float64) func([]byte, string, int64) bool {
	return func(body []byte, _ string, _ int64) bool {
		var m map[string]any
		json.Unmarshal(body, &m)
		v, _ := m[field].(float64)
		return v > n
	}
}

// Every path × {another agency, not cleared, cleared} → what each sees, for
// a MẬT document and for documents whose marking is not known yet
// (received, failed to be read), which count as TUYỆT MẬT.
func TestAccessMatrix(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	gm := f.record("a", "a-mat-gm.pdf", "MẬT", "GM")
	bc := f.record("a", "a-mat-bc.pdf", "MẬT", "BC")
	secret := f.docs["a-mat"]
	// A correction of the MẬT document by someone cleared: its old and
	// new values are content.
	if res, b := f.do("clerk-a-mat", "PATCH", fmt.Sprint("/api/v1/documents/", secret), strings.NewReader(`{"subject": "V/v hỗ trợ kinh phí a-mat.pdf (đã sửa)"}`)); res.StatusCode != 200 {
		t.Fatalf("the cleared clerk's correction: %d %s", res.StatusCode, b)
	}
	taskOf := func(docID int64) int64 {
		ts, err := f.st.Tasks(ctx, records.TaskFilter{Agency: "a", Cleared: records.Levels})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range ts {
			if x.DocumentID == docID {
				return x.ID
			}
		}
		t.Fatalf("no task of document %d", docID)
		return 0
	}
	docPaths := func(id int64) []probe {
		p := fmt.Sprint("/api/v1/documents/", id)
		return []probe{
			{name: "document", method: "GET", path: p},
			{name: "original", method: "GET", path: p + "/file"},
			{name: "page image", method: "GET", path: p + "/pages/1"},
			{name: "history", method: "GET", path: p + "/history"},
			{name: "related", method: "GET", path: p + "/related"},
			{name: "correct", method: "PATCH", path: p, body: `{"signer": "Nguyễn Văn B"}`},
			{name: "approve", method: "POST", path: p + "/approve"},
		}
	}
	secretProbes := append(docPaths(secret),
		probe{name: "task update", method: "PATCH", path: fmt.Sprint("/api/v1/tasks/", taskOf(secret)), body: `{"status": "done"}`},
		probe{name: "documents list", method: "GET", path: "/api/v1/documents", list: true, reveals: mentions},
		probe{name: "incoming register", method: "GET", path: "/api/v1/registers/incoming?year=2025", list: true, reveals: mentions},
		probe{name: "incoming register CSV", method: "GET", path: "/api/v1/registers/incoming?year=2025&format=csv", list: true, reveals: mentions},
		probe{name: "tasks", method: "GET", path: "/api/v1/tasks", list: true, reveals: mentions},
		probe{name: "meetings", method: "GET", path: "/api/v1/meetings", list: true, reveals: func(b []byte, _ string, _ int64) bool { return mentions(b, "a-mat-gm", gm) }},
		probe{name: "reports", method: "GET", path: "/api/v1/reports", list: true, reveals: func(b []byte, _ string, _ int64) bool { return mentions(b, "a-mat-bc", bc) }},
		probe{name: "corrections export", method: "GET", path: "/api/v1/corrections", list: true, reveals: mentions},
		probe{name: "search hits", method: "GET", path: "/api/v1/search?q=kinh+phi", list: true, reveals: mentions},
		probe{name: "search total", method: "GET", path: "/api/v1/search?q=kinh+phi&size=1", list: true, reveals: countAbove("total", 1)},
		probe{name: "search facets", method: "GET", path: "/api/v1/search?q=kinh+phi&size=1", list: true,
			reveals: func(b []byte, _ string, _ int64) bool { return strings.Contains(string(b), `"value":"GM"`) }},
		probe{name: "search snippets", method: "GET", path: "/api/v1/search?q=a-mat", list: true, reveals: mentions},
		probe{name: "related of a public document", method: "GET", path: fmt.Sprint("/api/v1/documents/", f.docs["a"], "/related"), list: true, ownAgency: true, reveals: mentions},
		probe{name: "dashboard", method: "GET", path: "/api/v1/dashboard?from=2025-01-01&to=2025-12-31", list: true, reveals: countAbove("documents_total", 1)},
		probe{name: "summary", method: "GET", path: "/api/v1/summary?from=2025-03-01&to=2025-03-31", list: true, reveals: countAbove("received", 1)},
		probe{name: "summary text", method: "GET", path: "/api/v1/summary?from=2025-03-01&to=2025-03-31", list: true, reveals: mentions},
	)

	// Documents whose marking is unknown: one being read, one that failed.
	pending := uploadOne(t, f, "clerk-a", "chờ đọc.pdf")
	data := onePagePDF(t, "hong")
	info, err := f.api.Store.Put(ctx, "uploads", "failed.pdf", bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	failed, err := f.st.Received(ctx, records.Upload{Agency: "a", Bucket: "uploads", Key: "failed.pdf", ETag: info.ETag, File: "hỏng.pdf", By: "clerk-a"})
	if err != nil {
		t.Fatal(err)
	}
	bad := doc.NewRecord("failed.pdf")
	bad.Error = "the text layer is damaged"
	if _, err := f.st.Record(ctx, records.Upload{Agency: "a", Bucket: "uploads", Key: "failed.pdf", ETag: info.ETag}, bad); err != nil {
		t.Fatal(err)
	}

	type subject struct {
		key     string
		id      int64
		probes  []probe
		classes [3]string // another agency, not cleared, cleared
	}
	listOnly := func(ps []probe) []probe {
		var out []probe
		for _, p := range ps {
			if p.list && p.name == "documents list" {
				out = append(out, p)
			}
		}
		return out
	}
	subjects := []subject{
		{"a-mat", secret, secretProbes, [3]string{"clerk-b", "clerk-a", "clerk-a-mat"}},
		// MẬT is not enough for a document whose marking is unknown.
		{"chờ đọc", pending, append(docPaths(pending)[:5], listOnly(secretProbes)...), [3]string{"clerk-b", "clerk-a-mat", "clerk-a-tm"}},
		{"hỏng", failed.ID, append(docPaths(failed.ID)[:5], listOnly(secretProbes)...), [3]string{"clerk-b", "clerk-a-mat", "clerk-a-tm"}},
	}
	for _, sub := range subjects {
		for _, p := range sub.probes {
			for i, user := range sub.classes {
				want := i == 2
				res, b := f.do(user, p.method, p.path, strings.NewReader(p.body))
				var got bool
				if p.list && p.ownAgency && i == 0 {
					got = res.StatusCode != http.StatusNotFound
				} else if p.list {
					if res.StatusCode != http.StatusOK {
						t.Errorf("%s, %s (%s): %d %s", sub.key, p.name, user, res.StatusCode, b)
						continue
					}
					got = p.reveals(b, sub.key, sub.id)
				} else {
					got = res.StatusCode/100 == 2
					if !got && res.StatusCode != http.StatusNotFound {
						t.Errorf("%s, %s (%s): %d, want 404 as for a document that does not exist", sub.key, p.name, user, res.StatusCode)
					}
				}
				if got != want {
					t.Errorf("%s, %s %s (%s, %s): reached=%v, want %v: %d %.300s", sub.key, p.method, p.path, []string{"another agency", "not cleared", "cleared"}[i], user, got, want, res.StatusCode, b)
				}
			}
		}
	}
	// The uploader follows their own upload of unknown marking: its status
	// and name, nothing of its content.
	for _, id := range []int64{pending, failed.ID} {
		res, b := f.do("clerk-a", "GET", fmt.Sprint("/api/v1/documents/", id), nil)
		var d documentJSON
		json.Unmarshal(b, &d)
		if res.StatusCode != 200 || d.Record != nil || d.ID != id {
			t.Errorf("the uploader following document %d: %d %s", id, res.StatusCode, b)
		}
		for _, sub := range []string{"/file", "/pages/1", "/history", "/related"} {
			if res, _ := f.do("clerk-a", "GET", fmt.Sprint("/api/v1/documents/", id, sub), nil); res.StatusCode != http.StatusNotFound {
				t.Errorf("the uncleared uploader reached %s of document %d: %d", sub, id, res.StatusCode)
			}
		}
	}
	// A task that does not exist answers as one out of reach.
	if res, _ := f.do("clerk-a", "PATCH", "/api/v1/tasks/999999", strings.NewReader(`{"status": "done"}`)); res.StatusCode != http.StatusNotFound {
		t.Errorf("a task that does not exist: %d", res.StatusCode)
	}
}

// uploadOne uploads a one-page PDF as user and returns its id.
func uploadOne(t *testing.T, f *fixture, user, name string) int64 {
	t.Helper()
	body, ctype := multipartBody(t, map[string][]byte{name: onePagePDF(t, name)})
	res, b := f.do(user, "POST", "/api/v1/documents", body, "Content-Type", ctype)
	var out struct{ ID int64 }
	json.Unmarshal(b, &out)
	if res.StatusCode != http.StatusAccepted || out.ID == 0 {
		t.Fatalf("upload %s: %d %s", name, res.StatusCode, b)
	}
	return out.ID
}

// IDs a user sees tell nothing of what others did in between: two uploads
// in a row get unrelated IDs (not n and n+1), exact in JavaScript, and the
// tasks and register lines of documents are numbered so too.
func TestIDsTellNothing(t *testing.T) {
	f := newFixture(t)
	a, b := uploadOne(t, f, "clerk-a", "một.pdf"), uploadOne(t, f, "clerk-a", "hai.pdf")
	for _, id := range []int64{a, b, f.docs["a"]} {
		if id < 1<<32 || id >= 1<<53 {
			t.Errorf("document id %d: want 2^32 to 2^53", id)
		}
	}
	if d := b - a; d > -1000 && d < 1000 {
		t.Errorf("consecutive uploads got ids %d and %d: they count", a, b)
	}
	var ts struct{ Tasks []struct{ ID int64 } }
	_, body := f.do("clerk-a", "GET", "/api/v1/tasks", nil)
	json.Unmarshal(body, &ts)
	for _, x := range ts.Tasks {
		if x.ID < 1<<32 {
			t.Errorf("task id %d is a count", x.ID)
		}
	}
	_, body = f.do("clerk-a-tm", "GET", "/api/v1/corrections", nil)
	if strings.Contains(string(body), `"id":`) {
		t.Errorf("the corrections export numbers its lines: %s", body)
	}
}
