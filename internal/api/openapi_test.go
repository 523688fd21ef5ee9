package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// openAPIDoc is the OpenAPI document as a client reads it (JSON, not the
// Go maps it is made of).
func openAPIDoc(t *testing.T) map[string]any {
	t.Helper()
	b, err := json.Marshal((&Server{}).OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// resolve follows a schema's $ref into components.schemas.
func resolve(t *testing.T, d map[string]any, s map[string]any) map[string]any {
	t.Helper()
	for range 10 {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		name, ok := strings.CutPrefix(ref, "#/components/schemas/")
		target, _ := d["components"].(map[string]any)["schemas"].(map[string]any)[name].(map[string]any)
		if !ok || target == nil {
			t.Fatalf("$ref %s leads nowhere", ref)
		}
		s = target
	}
	t.Fatalf("$ref loop at %v", s)
	return nil
}

// typed: an object schema that names its properties (or the schema of its
// values), not a bare {"type": "object"} nor one of any values.
func typed(s map[string]any) bool {
	if s["type"] != "object" {
		return s["type"] != nil
	}
	props, _ := s["properties"].(map[string]any)
	values, _ := s["additionalProperties"].(map[string]any)
	return len(props) > 0 || len(values) > 0
}

func jsonSchemaAt(content any) (map[string]any, bool) {
	c, _ := content.(map[string]any)
	j, _ := c["application/json"].(map[string]any)
	s, ok := j["schema"].(map[string]any)
	return s, ok
}

// Every JSON answer and every JSON body is described by its type, and
// every route that answers no JSON on success says so (out: nil) on
// purpose.
func TestOpenAPITypedSchemas(t *testing.T) {
	d := openAPIDoc(t)
	noJSON := []string{"POST /api/v1/logout", "DELETE /api/v1/documents/{id}", "GET /api/v1/documents/{id}/file",
		"GET /api/v1/documents/{id}/pages/{n}", "GET /api/v1/corrections", "GET /api/v1/feedback/{id}/messages/{mid}/file", "GET /api/v1/documents/{id}/edxml", "POST /api/v1/documents/{id}/refuse", "GET /api/v1/documents/{id}/edxml/status", "DELETE /api/v1/hub/keys/{id}",
		"DELETE /api/v1/report-regimes/{id}/submissions/{sid}", "GET /api/v1/report-regimes/{id}/submissions/{sid}/file",
		"GET /api/v1/meetings/{id}/papers/{doc}/file", "POST /api/v1/notices/{id}/read"}
	type op struct {
		name        string
		out, jsonIn bool
	}
	ops := []op{{"POST /api/v1/login", true, true}}
	for _, rt := range (&Server{}).routes() {
		name := rt.method + " " + rt.path
		_, multipart := rt.in.(multipartFiles)
		_, xmlIn := rt.in.(edXMLBody)
		ops = append(ops, op{name, rt.out != nil, rt.in != nil && !multipart && !xmlIn})
		if (rt.out == nil) != slices.Contains(noJSON, name) {
			t.Errorf("%s: out is %T: a route answering JSON names its type", name, rt.out)
		}
	}
	for _, o := range ops {
		method, path, _ := strings.Cut(o.name, " ")
		spec := d["paths"].(map[string]any)[path].(map[string]any)[strings.ToLower(method)].(map[string]any)
		if o.out {
			var success map[string]any
			for code, r := range spec["responses"].(map[string]any) {
				if strings.HasPrefix(code, "2") {
					success = r.(map[string]any)
				}
			}
			s, ok := jsonSchemaAt(success["content"])
			if !ok || !typed(resolve(t, d, s)) {
				t.Errorf("%s: the success answer is not typed: %v", o.name, success)
			}
		}
		body, _ := spec["requestBody"].(map[string]any)
		if s, ok := jsonSchemaAt(body["content"]); ok != o.jsonIn || ok && !typed(resolve(t, d, s)) {
			t.Errorf("%s: the JSON body is not typed: %v", o.name, body)
		}
	}
	// Every reference leads somewhere.
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if _, ok := v["$ref"]; ok {
				resolve(t, d, v)
			}
			for _, e := range v {
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(d)
}

// The schema generator follows encoding/json: tags, omitempty, "-",
// ",string", embedded structs and their shadowed fields, named structs
// once under components (a type holding itself too).
func TestSchemaOf(t *testing.T) {
	type inner struct {
		A     string `json:"a"`
		B     int    `json:"b,omitempty"`
		Extra bool   `json:"shadowed"`
	}
	type node struct {
		inner
		Shadowed string             `json:"shadowed"`
		Next     *node              `json:"next,omitempty"`
		Kids     []node             `json:"kids"`
		At       time.Time          `json:"at"`
		N        int64              `json:"n,string"`
		Box      [4]int             `json:"box"`
		Scores   map[string]float64 `json:"scores"`
		Raw      json.RawMessage    `json:"raw"`
		Bytes    []byte             `json:"bytes"`
		Hidden   string             `json:"-"`
		Plain    uint
		private  string
	}
	_ = node{}.private // unexported: not written
	g := newSchemaGen()
	if got := g.schemaOf(reflect.TypeFor[*node]()); got["$ref"] != "#/components/schemas/node" {
		t.Fatalf("a named struct by reference: %v", got)
	}
	s := g.defs["node"].(map[string]any)
	props := s["properties"].(map[string]any)
	var names []string
	for k := range props {
		names = append(names, k)
	}
	slices.Sort(names)
	if want := []string{"Plain", "a", "at", "b", "box", "bytes", "kids", "n", "next", "raw", "scores", "shadowed"}; !slices.Equal(names, want) {
		t.Errorf("properties %v, want %v", names, want)
	}
	req := s["required"].([]string)
	if slices.Contains(req, "b") || slices.Contains(req, "next") || !slices.Contains(req, "a") || !slices.Contains(req, "shadowed") {
		t.Errorf("required %v: omitempty fields are not, the others are", req)
	}
	for name, want := range map[string]string{
		"shadowed": `{"type":"string"}`, // the outer field, not inner's bool
		"next":     `{"$ref":"#/components/schemas/node"}`,
		"kids":     `{"items":{"$ref":"#/components/schemas/node"},"type":"array"}`,
		"at":       `{"format":"date-time","type":"string"}`,
		"n":        `{"type":"string"}`,
		"box":      `{"items":{"type":"integer"},"maxItems":4,"minItems":4,"type":"array"}`,
		"scores":   `{"additionalProperties":{"type":"number"},"type":"object"}`,
		"raw":      `{}`,
		"bytes":    `{"contentEncoding":"base64","type":"string"}`,
		"Plain":    `{"minimum":0,"type":"integer"}`,
	} {
		if b, _ := json.Marshal(props[name]); string(b) != want {
			t.Errorf("%s: %s, want %s", name, b, want)
		}
	}
	if s["additionalProperties"] != false {
		t.Errorf("a struct writes nothing but its fields: %v", s["additionalProperties"])
	}
	if _, ok := g.defs["inner"]; ok {
		t.Errorf("an embedded struct is promoted, not a component of its own")
	}
}

// Real answers of the API, driven through the fixture, are valid under
// the schemas of the document it serves; answers with a property missing,
// of a wrong type or unknown are not.
func TestOpenAPIValidatesResponses(t *testing.T) {
	f := newFixture(t)
	f.docs["gm"] = f.record("a", "gm.pdf", "", "GM")
	f.docs["bc"] = f.record("a", "bc.pdf", "", "BC")
	f.docs["qd"] = f.record("a", "qd.pdf", "", "QĐ")
	// A document that could not be read: listed as failed, read again.
	ctx := context.Background()
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

	res, b := f.do("", "GET", "/api/v1/openapi.json", nil)
	if res.StatusCode != 200 {
		t.Fatalf("openapi.json: %d", res.StatusCode)
	}
	spec, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("openapi.json", spec); err != nil {
		t.Fatal(err)
	}
	pointer := func(parts ...string) string {
		for i, p := range parts {
			parts[i] = strings.NewReplacer("~", "~0", "/", "~1").Replace(p)
		}
		return "openapi.json#/" + strings.Join(parts, "/")
	}
	compile := func(loc string) *jsonschema.Schema {
		t.Helper()
		sch, err := c.Compile(loc)
		if err != nil {
			t.Fatalf("compile %s: %v", loc, err)
		}
		return sch
	}
	// answer is the schema of an operation's answer with the code.
	answer := func(method, path string, code int) *jsonschema.Schema {
		return compile(pointer("paths", path, strings.ToLower(method), "responses", fmt.Sprint(code), "content", "application/json", "schema"))
	}
	parse := func(b []byte) any {
		t.Helper()
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("not JSON: %v: %s", err, b)
		}
		return v
	}

	a, gm := fmt.Sprint(f.docs["a"]), fmt.Sprint(f.docs["gm"])
	pdf, ctype := multipartBody(t, map[string][]byte{"tờ trình.pdf": []byte(tinyPDF)})
	type call struct {
		user, method, path, target string // target: the path with its ids
		body                       string
		code                       int
		hdr                        []string
	}
	calls := []call{
		{"", "POST", "/api/v1/login", "", `{"name": "clerk-a", "password": "mat-khau-clerk-a"}`, 200, []string{"Content-Type", "application/json"}},
		{"clerk-a-mat", "GET", "/api/v1/me", "", "", 200, nil},
		{"admin-a", "POST", "/api/v1/users", "", `{"name": "new-staff", "role": "staff", "password": "mat-khau-moi-1"}`, 201, nil},
		{"clerk-a-tm", "GET", "/api/v1/documents", "", "", 200, nil},
		{"clerk-a", "GET", "/api/v1/documents", "/api/v1/documents?status=failed", "", 200, nil},
		{"clerk-a", "GET", "/api/v1/documents/{id}", "/api/v1/documents/" + a, "", 200, nil},
		{"clerk-a", "PATCH", "/api/v1/documents/{id}", "/api/v1/documents/" + a, `{"subject": "V/v sửa"}`, 200, nil},
		{"clerk-a", "GET", "/api/v1/documents/{id}/history", "/api/v1/documents/" + a + "/history", "", 200, nil},
		{"leader-a", "POST", "/api/v1/documents/{id}/approve", "/api/v1/documents/" + a + "/approve", "", 200, nil},
		{"clerk-a-tm", "POST", "/api/v1/documents/{id}/retry", fmt.Sprint("/api/v1/documents/", failed.ID, "/retry"), "", 202, nil},
		{"clerk-a", "POST", "/api/v1/documents", "", "", 202, []string{"Content-Type", ctype}},
		{"clerk-a", "GET", "/api/v1/documents/{id}/related", "/api/v1/documents/" + gm + "/related", "", 200, nil},
		{"staff-a-mat", "GET", "/api/v1/registers/incoming", "/api/v1/registers/incoming?year=2025", "", 200, nil},
		{"staff-a", "GET", "/api/v1/registers/outgoing", "", "", 200, nil},
		{"staff-a", "GET", "/api/v1/tasks", "", "", 200, nil},
		{"staff-a", "GET", "/api/v1/reports", "", "", 200, nil},
		{"staff-a", "GET", "/api/v1/meetings", "", "", 200, nil},
		{"staff-a-mat", "GET", "/api/v1/search", "/api/v1/search?q=kinh+phi", "", 200, nil},
		{"leader-a", "GET", "/api/v1/dashboard", "/api/v1/dashboard?from=2025-01-01&to=2025-12-31", "", 200, nil},
		{"leader-a", "GET", "/api/v1/summary", "/api/v1/summary?from=2025-03-01&to=2025-03-31", "", 200, nil},
		{"leader-a", "GET", "/api/v1/summary", "/api/v1/summary?from=2020-03-01&to=2020-03-31", "", 200, nil}, // nothing in it: empty lists
		{"clerk-b", "GET", "/api/v1/me", "", "", 200, nil},
		{"", "GET", "/api/v1/me", "", "", 401, nil},
	}
	answers := map[string]any{}
	for _, k := range calls {
		target := k.target
		if target == "" {
			target = k.path
		}
		body := strings.NewReader(k.body)
		if k.method == "POST" && k.path == "/api/v1/documents" {
			res, b = f.do(k.user, k.method, target, pdf, k.hdr...)
		} else {
			res, b = f.do(k.user, k.method, target, body, k.hdr...)
		}
		if res.StatusCode != k.code {
			t.Errorf("%s %s: %d %s, want %d", k.method, target, res.StatusCode, b, k.code)
			continue
		}
		v := parse(b)
		if err := answer(k.method, k.path, k.code).Validate(v); err != nil {
			t.Errorf("%s %s: the answer is not what the document says: %v\n%s", k.method, target, err, b)
		}
		answers[k.method+" "+target] = v
	}
	// The tasks, and one marked done.
	tasks, _ := answers["GET /api/v1/tasks"].(map[string]any)["tasks"].([]any)
	if len(tasks) == 0 {
		t.Fatalf("no tasks to mark")
	}
	id := tasks[0].(map[string]any)["id"]
	res, b = f.do("staff-a", "PATCH", fmt.Sprint("/api/v1/tasks/", id), strings.NewReader(`{"status": "done"}`))
	if err := answer("PATCH", "/api/v1/tasks/{id}", 200).Validate(parse(b)); res.StatusCode != 200 || err != nil {
		t.Errorf("PATCH a task: %d %v %s", res.StatusCode, err, b)
	}
	// The corrections' lines are the history's items.
	_, b = f.do("clerk-a", "GET", "/api/v1/corrections", nil)
	line := compile(pointer("components", "schemas", "correctionJSON"))
	for l := range bytes.Lines(bytes.TrimSpace(b)) {
		if err := line.Validate(parse(l)); err != nil {
			t.Errorf("a correction line: %v: %s", err, l)
		}
	}

	// A test that cannot fail proves nothing: spoilt answers are refused.
	for _, k := range []struct {
		op, path string
		spoil    func(v map[string]any)
	}{
		{"GET /api/v1/me", "/api/v1/me", func(v map[string]any) { delete(v, "role") }},
		{"GET /api/v1/me", "/api/v1/me", func(v map[string]any) { v["name"] = 5 }},
		{"GET /api/v1/me", "/api/v1/me", func(v map[string]any) { v["password"] = "x" }},
		{"GET /api/v1/documents", "/api/v1/documents", func(v map[string]any) {
			v["documents"].([]any)[0].(map[string]any)["id"] = "1"
		}},
		{"GET /api/v1/documents/{id}", "/api/v1/documents/" + a, func(v map[string]any) {
			delete(v["record"].(map[string]any), "subject")
		}},
		{"GET /api/v1/documents/{id}", "/api/v1/documents/" + a, func(v map[string]any) { v["uploaded_at"] = "yesterday" }},
		{"GET /api/v1/tasks", "/api/v1/tasks", func(v map[string]any) { v["tasks"].([]any)[0].(map[string]any)["status"] = "maybe" }},
		{"GET /api/v1/search", "/api/v1/search?q=kinh+phi", func(v map[string]any) { v["hits"].([]any)[0].(map[string]any)["score"] = "high" }},
		{"GET /api/v1/dashboard", "/api/v1/dashboard?from=2025-01-01&to=2025-12-31", func(v map[string]any) { delete(v, "in_by_type") }},
		{"GET /api/v1/summary", "/api/v1/summary?from=2025-03-01&to=2025-03-31", func(v map[string]any) { v["paragraphs"] = "one" }},
		{"GET /api/v1/registers/incoming", "/api/v1/registers/incoming?year=2025", func(v map[string]any) {
			v["entries"].([]any)[0].(map[string]any)["arrival_number"] = "1"
		}},
	} {
		user := map[string]string{"GET /api/v1/documents/{id}": "clerk-a", "GET /api/v1/search": "staff-a-mat", "GET /api/v1/dashboard": "leader-a",
			"GET /api/v1/summary": "leader-a", "GET /api/v1/registers/incoming": "staff-a-mat"}[k.op]
		if user == "" {
			user = "staff-a"
		}
		_, b := f.do(user, "GET", k.path, nil)
		v := parse(b).(map[string]any)
		sch := answer("GET", strings.TrimPrefix(k.op, "GET "), 200)
		if err := sch.Validate(v); err != nil {
			t.Errorf("%s before spoiling: %v", k.path, err)
			continue
		}
		k.spoil(v)
		if err := sch.Validate(v); err == nil {
			spoilt, _ := json.Marshal(v)
			t.Errorf("%s: a spoilt answer passed: %s", k.path, spoilt)
		}
	}
}

// Every parameter a path names is declared (schemathesis refuses the
// operation otherwise, and so would any client generator).
func TestOpenAPIDeclaresPathParameters(t *testing.T) {
	d := openAPIDoc(t)
	for path, ops := range d["paths"].(map[string]any) {
		var named []string
		for rest := path; ; {
			i := strings.Index(rest, "{")
			if i < 0 {
				break
			}
			j := strings.Index(rest[i:], "}")
			named = append(named, rest[i+1:i+j])
			rest = rest[i+j:]
		}
		for method, op := range ops.(map[string]any) {
			params, _ := op.(map[string]any)["parameters"].([]any)
			for _, n := range named {
				found := false
				for _, p := range params {
					pm := p.(map[string]any)
					found = found || pm["name"] == n && pm["in"] == "path"
				}
				if !found {
					t.Errorf("%s %s: path parameter %q not declared", method, path, n)
				}
			}
		}
	}
}
