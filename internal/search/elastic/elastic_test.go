package elastic

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/vanthu/vanthu/internal/search"
	"github.com/vanthu/vanthu/internal/search/searchtest"
)

// recorder is an Elasticsearch that records what it is sent and answers
// with canned responses, so that the requests our code makes are checked
// without a cluster.
type recorder struct {
	mu   sync.Mutex
	reqs []string // "METHOD path\nbody"
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, req.Method+" "+req.URL.Path+"\n"+string(body))
	r.mu.Unlock()
	status, out := 200, `{"acknowledged":true}`
	switch {
	case req.Method == http.MethodHead, strings.HasPrefix(req.URL.Path, "/_alias/"):
		status, out = 404, "{}"
	case strings.HasSuffix(req.URL.Path, "/_bulk"):
		out = `{"took":1,"errors":false,"items":[{"index":{"_id":"a","status":201}}]}`
	case strings.HasSuffix(req.URL.Path, "/_search"):
		b, _ := os.ReadFile("testdata/search_response.json")
		out = string(b)
	}
	h := http.Header{}
	h.Set("X-Elastic-Product", "Elasticsearch")
	h.Set("Content-Type", "application/json")
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(out)), Request: req}, nil
}

func (r *recorder) find(prefix string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, q := range r.reqs {
		if strings.HasPrefix(q, prefix) {
			return q
		}
	}
	return ""
}

func newRecorded(t *testing.T) (*Indexer, *recorder) {
	t.Helper()
	rec := &recorder{}
	x, err := New(elasticsearch.Config{Addresses: []string{"http://es.test:9200"}, Transport: rec})
	if err != nil {
		t.Fatal(err)
	}
	return x, rec
}

func TestRequestsWeSend(t *testing.T) {
	x, rec := newRecorded(t)
	ctx := context.Background()
	if err := x.Open(ctx); err != nil {
		t.Fatal(err)
	}
	// The index is made with its own settings and mappings: no template
	// another version's process could overwrite.
	create := rec.find("PUT /vanthu-docs-v4")
	for _, want := range []string{`"aliases":{"vanthu-docs":{}}`, `"asciifolding"`, `"vi_lone_y"`, `"index_phrases":true`, `"dynamic":"strict"`, `"long_id"`} {
		if !strings.Contains(create, want) {
			t.Errorf("create request lacks %s: %q", want, create)
		}
	}
	if tpl := rec.find("PUT /_index_template"); tpl != "" {
		t.Errorf("a template was sent: %s", tpl)
	}
	doc := search.Document{ID: "uploads/a.pdf@e1", Agency: "ubnd-qn", DocType: "QĐ", Number: "06", Symbol: "QĐ-UBND",
		Issuer: "UỶ BAN NHÂN DÂN TỈNH QUẢNG NGÃI", IssuedAt: "2024-06-01", Subject: "Về việc thành lập Tổ công tác", Confidentiality: "MẬT"}
	if err := x.Index(ctx, doc); err != nil {
		t.Fatal(err)
	}
	bulk := rec.find("POST /_bulk")
	lines := strings.Split(strings.TrimSpace(strings.SplitN(bulk, "\n", 2)[1]), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"_id":"uploads/a.pdf@e1"`) || !strings.Contains(lines[0], `"_index":"vanthu-docs"`) {
		t.Fatalf("bulk request: %q", bulk)
	}
	var src map[string]any
	json.Unmarshal([]byte(lines[1]), &src)
	if src["number_key"] != "6/qd-ubnd" || src["secrecy"] != "mat" || src["issuer"] != "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI" || src["year"] != "2024" || src["id"] != nil {
		t.Errorf("document sent: %v", src)
	}
	res, err := x.Search(ctx, search.Options{Caller: search.Caller{Agency: "ubnd-qn"}, Query: "thanh lap"})
	if err != nil {
		t.Fatal(err)
	}
	q := rec.find("POST /vanthu-docs/_search")
	for _, want := range []string{`{"terms":{"agency":["ubnd-qn"]}}`, `{"terms":{"secrecy":["public"]}}`, `"subject.folded^3"`, `"<mark>"`, `"text.folded":{}`} {
		if !strings.Contains(q, want) {
			t.Errorf("search request lacks %s:\n%s", want, q)
		}
	}
	if res.Total != 2 || res.Hits[0].ID != "uploads/a.pdf@e1" || res.Hits[0].Doc.Number != "06" {
		t.Errorf("parsed %+v", res)
	}
}

func TestQueryKeepsCallerInsideEveryPath(t *testing.T) {
	b, _ := json.Marshal(Query(search.Options{Caller: search.Caller{Agency: "so-tc", Cleared: []string{"MẬT"}}, Query: "46/TB-UBND", ByDate: true}))
	s := string(b)
	// The filters sit in the query itself, so hits, highlights and the
	// aggregations (facets) are all computed inside them.
	for _, want := range []string{`{"terms":{"agency":["so-tc"]}}`, `{"terms":{"secrecy":["public","mat"]}}`, `{"term":{"number_key":"46/tb-ubnd"}}`, `"sort":[{"issued_at":"desc"},"_score"]`} {
		if !strings.Contains(s, want) {
			t.Errorf("query lacks %s:\n%s", want, s)
		}
	}
	if strings.Contains(s, `"post_filter"`) {
		t.Error("a post_filter would let aggregations count documents out of reach")
	}
}

func TestParseRecordedResponse(t *testing.T) {
	b, err := os.ReadFile("testdata/search_response.json")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if r.Total != 2 || len(r.Hits) != 2 || r.Hits[0].Doc.Subject != "Về việc thành lập Tổ công tác" || len(r.Hits[0].Highlights) != 1 {
		t.Errorf("%+v", r)
	}
	// b matched only on its folded text: the printed words, marked.
	if fmt.Sprint(r.Hits[1].Highlights) != "[Đề nghị <mark>góp</mark> <mark>ý</mark> dự thảo]" {
		t.Errorf("folded highlights: %q", r.Hits[1].Highlights)
	}
	if len(r.Facets["doc_type"]) != 2 || r.Facets["issuer"][0].Count != 2 {
		t.Errorf("facets %v", r.Facets)
	}
}

// TestConformance runs the shared suite against a live cluster when
// VANTHU_ES_URL is set; no cluster runs where this was written.
func TestConformance(t *testing.T) {
	url := os.Getenv("VANTHU_ES_URL")
	if url == "" {
		t.Skip("VANTHU_ES_URL not set: no Elasticsearch to test against")
	}
	x, err := New(elasticsearch.Config{Addresses: []string{url}})
	if err != nil {
		t.Fatal(err)
	}
	x.Refresh = true
	x.Alias = "vanthu-conformance-" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))
	ctx := context.Background()
	if err := x.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := x.Open(ctx); err != nil {
		t.Fatal(err)
	}
	searchtest.Run(t, x)
}

func TestPhraseAndPrefixQueries(t *testing.T) {
	c := search.Caller{Agency: "a"}
	phrase, _ := json.Marshal(Query(search.Options{Caller: c, Query: `"tổ công tác"`}))
	prefix, _ := json.Marshal(Query(search.Options{Caller: c, Query: "thanh l*"}))
	words, _ := json.Marshal(Query(search.Options{Caller: c, Query: "thanh lap"}))
	if !strings.Contains(string(phrase), `"type":"phrase"`) || !strings.Contains(string(phrase), `"query":"to cong tac"`) {
		t.Errorf("phrase: %s", phrase)
	}
	if !strings.Contains(string(prefix), `"type":"bool_prefix"`) || !strings.Contains(string(prefix), `"query":"thanh l"`) {
		t.Errorf("prefix: %s", prefix)
	}
	if strings.Contains(string(words), `"fuzziness"`) {
		t.Errorf("typos forgiven before anything was looked for as typed: %s", words)
	}
	typos, _ := json.Marshal(TypoQuery(search.Options{Caller: c, Query: "thanh lap"}))
	if !strings.Contains(string(typos), `"fuzziness":"AUTO"`) || !strings.Contains(string(typos), `"prefix_length":1`) {
		t.Errorf("words without typo tolerance: %s", typos)
	}
}

func TestSimilarQueryStaysInReach(t *testing.T) {
	b, _ := json.Marshal(SimilarQuery(Alias, search.Caller{Agency: "so-tc"}, "x", 10))
	s := string(b)
	for _, want := range []string{`"more_like_this"`, `{"terms":{"agency":["so-tc"]}}`, `{"terms":{"secrecy":["public"]}}`, `"must_not":[{"ids":{"values":["x"]}}]`} {
		if !strings.Contains(s, want) {
			t.Errorf("similar query lacks %s:\n%s", want, s)
		}
	}
}

func TestQueryAgencyAndStatusFilters(t *testing.T) {
	c := search.Caller{Agency: "ubnd-qn", Also: []string{"so-tc", "so-xd"}}
	b, _ := json.Marshal(Query(search.Options{Caller: c, Query: "kế hoạch"}))
	if !strings.Contains(string(b), `{"terms":{"agency":["ubnd-qn","so-tc","so-xd"]}}`) {
		t.Errorf("reach of an office over its departments: %s", b)
	}
	b, _ = json.Marshal(Query(search.Options{Caller: c, Agency: "so-tc", Status: "registered"}))
	for _, want := range []string{`{"terms":{"agency":["so-tc"]}}`, `{"term":{"status":"registered"}}`, `"status":{"terms":{"field":"status"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("query lacks %s: %s", want, b)
		}
	}
	// An agency out of reach matches nothing, and Search refuses it.
	b, _ = json.Marshal(Query(search.Options{Caller: c, Agency: "so-yt"}))
	if !strings.Contains(string(b), `{"terms":{"agency":[]}}`) {
		t.Errorf("out of reach: %s", b)
	}
	x, _ := newRecorded(t)
	if _, err := x.Search(context.Background(), search.Options{Caller: c, Agency: "so-yt"}); !errors.Is(err, search.ErrOutOfReach) {
		t.Errorf("search of an agency out of reach: %v", err)
	}
}

// flaky answers the first searches with what a coordinating node says
// when the node holding a shard's copy drops out mid-search.
type flaky struct {
	fails    int
	searches int
	answer   string
}

func (f *flaky) Perform(req *http.Request) (*http.Response, error) {
	f.searches++
	status, out := 200, `{"hits":{"total":{"value":1},"hits":[]}}`
	if f.searches <= f.fails {
		status, out = 500, f.answer
	}
	return &http.Response{StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)), Body: io.NopCloser(strings.NewReader(out)), Request: req}, nil
}

func TestSearchAskedAgainWhenANodeDropsOut(t *testing.T) {
	gone := `{"error":{"type":"search_phase_execution_exception","caused_by":{"type":"node_disconnected_exception"}},"status":500}`
	f := &flaky{fails: 2, answer: gone}
	x := NewWith("opensearch", f)
	if _, err := x.Search(context.Background(), search.Options{Caller: search.Caller{Agency: "a"}, Query: "x"}); err != nil || f.searches != 3 {
		t.Errorf("after two dropped nodes: %v, %d searches", err, f.searches)
	}
	// Three times is the end: the error is the engine's, named.
	f = &flaky{fails: 5, answer: gone}
	x = NewWith("opensearch", f)
	if _, err := x.Search(context.Background(), search.Options{Caller: search.Caller{Agency: "a"}, Query: "x"}); !errors.Is(err, search.ErrUnavailable) || !strings.Contains(err.Error(), "opensearch search: 500") || f.searches != 3 {
		t.Errorf("a cluster that keeps failing: %v, %d searches", err, f.searches)
	}
	// A refusal of the request itself is not asked again.
	f = &flaky{fails: 5, answer: `{"error":{"type":"query_shard_exception"},"status":500}`}
	x = NewWith("opensearch", f)
	if _, err := x.Search(context.Background(), search.Options{Caller: search.Caller{Agency: "a"}, Query: "x"}); err == nil || f.searches != 1 {
		t.Errorf("a bad query: %v, %d searches", err, f.searches)
	}
}
