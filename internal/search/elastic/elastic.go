// Package elastic is the Elasticsearch search backend (go-elasticsearch v8),
// for deployments. Same contract as the embedded Bleve backend: the shared
// suite in searchtest runs against it when VANTHU_ES_URL is set.
//
// The index is versioned behind an alias (vanthu-docs → vanthu-docs-v1): a
// mapping change bumps Version, the documents are re-indexed from the
// records into the new index, and the alias moves without downtime.
package elastic

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"
	"github.com/elastic/go-elasticsearch/v8/esutil"

	"github.com/vanthu/vanthu/internal/search"
	"github.com/vanthu/vanthu/internal/viet"
)

// Version of the mapping; bump it when the template changes.
const Version = 3

// Alias the application reads and writes through (Indexer.Alias overrides
// it, for tests against a shared cluster).
const Alias = "vanthu-docs"

func (x *Indexer) alias() string {
	if x.Alias != "" {
		return x.Alias
	}
	return Alias
}

// IndexName is the versioned index behind the alias.
func (x *Indexer) IndexName() string { return fmt.Sprintf("%s-v%d", x.alias(), Version) }

// Indexer talks to Elasticsearch.
type Indexer struct {
	es *elasticsearch.Client
	// Refresh makes writes visible to the next search (tests; off in
	// production, where the refresh interval does it).
	Refresh bool
	Alias   string
}

var _ search.Indexer = (*Indexer)(nil)

// New connects with cfg; Open also creates the template, index and alias.
func New(cfg elasticsearch.Config) (*Indexer, error) {
	es, err := elasticsearch.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("elasticsearch: %w", err)
	}
	return &Indexer{es: es}, nil
}

// Template is the index template: the printed fields analysed as they
// are, folded copies analysed with ASCII folding (đ → d), keywords for
// filters, facets and the number/symbol key.
func Template(alias string) map[string]any {
	text := map[string]any{"type": "text", "analyzer": "vi_exact",
		// index_phrases: word pairs indexed, so phrases need no positions
		// walk (as the Bleve backend's phrase_folded).
		"fields": map[string]any{"folded": map[string]any{"type": "text", "analyzer": "vi_folded", "index_phrases": true}}}
	kw := map[string]any{"type": "keyword"}
	return map[string]any{
		"index_patterns": []string{alias + "-v*"},
		"template": map[string]any{
			"settings": map[string]any{
				"analysis": map[string]any{
					"analyzer": map[string]any{
						"vi_exact":  map[string]any{"type": "custom", "tokenizer": "standard", "filter": []string{"lowercase"}},
						"vi_folded": map[string]any{"type": "custom", "tokenizer": "standard", "filter": []string{"lowercase", "asciifolding", "vi_lone_y"}},
					},
					// search.Fold's lone final y: Kỳ and Kì, lý and lí alike.
					"filter": map[string]any{
						"vi_lone_y": map[string]any{"type": "pattern_replace", "pattern": "^([bcdghklmnprstvx]+|qu)y$", "replacement": "$1i"},
					},
				},
			},
			"mappings": map[string]any{
				"dynamic": "strict",
				"properties": map[string]any{
					"agency": kw, "secrecy": kw, "confidentiality": kw, "doc_type": kw, "number": kw, "symbol": kw,
					"number_key": kw, "issuer_key": kw, "issued_at": map[string]any{"type": "date", "format": "yyyy-MM-dd", "ignore_malformed": true},
					"year": kw, "file": kw, "urgency": kw, "urgency_key": kw, "status": kw,
					"subject": text, "text": text, "issuer": text, "signer": text,
				},
			},
		},
	}
}

// source is the stored document.
type source struct {
	search.Document
	NumberKey string `json:"number_key"`
	IssuerKey string `json:"issuer_key"`
	Secrecy   string `json:"secrecy"`
	Year      string `json:"year,omitempty"`
	// UrgencyKey is the urgency folded: "HỎA TỐC" and "Hỏa tốc" filter alike.
	UrgencyKey string `json:"urgency_key,omitempty"`
}

// Body is what is sent for one document.
func Body(d search.Document) ([]byte, error) {
	s := source{Document: d, NumberKey: search.NumberKey(d.Number, d.Symbol), IssuerKey: viet.Canonical(d.Issuer), Secrecy: "public"}
	if d.Confidentiality != "" {
		s.Secrecy = viet.Fold(d.Confidentiality)
	}
	if len(d.IssuedAt) >= 4 {
		s.Year = d.IssuedAt[:4]
	}
	s.UrgencyKey = search.UrgencyKey(d.Urgency)
	s.Subject, s.Issuer, s.Text = viet.Canonical(d.Subject), viet.Canonical(d.Issuer), viet.NormalizeTone(d.Text)
	s.ID = "" // the ID is the _id, not a field
	b, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	// "id" is not in the strict mapping.
	var m map[string]any
	json.Unmarshal(b, &m)
	delete(m, "id")
	return json.Marshal(m)
}

func (x *Indexer) do(res *esapi.Response, err error, what string) ([]byte, error) {
	if err != nil {
		return nil, fmt.Errorf("elasticsearch %s: %w", what, err)
	}
	if res == nil || res.Body == nil {
		return nil, fmt.Errorf("elasticsearch %s: empty answer", what)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if res.StatusCode >= 300 {
		return b, fmt.Errorf("elasticsearch %s: %s: %s", what, res.Status(), strings.TrimSpace(string(b)))
	}
	return b, nil
}

// Open creates the template and, if missing, the versioned index and its
// alias.
func (x *Indexer) Open(ctx context.Context) error {
	tb, _ := json.Marshal(Template(x.alias()))
	res, err := x.es.Indices.PutIndexTemplate(x.alias(), bytes.NewReader(tb), x.es.Indices.PutIndexTemplate.WithContext(ctx))
	if _, err := x.do(res, err, "put template"); err != nil {
		return err
	}
	ex, err := x.es.Indices.Exists([]string{x.IndexName()}, x.es.Indices.Exists.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("elasticsearch index exists: %w", err)
	}
	ex.Body.Close()
	if ex.StatusCode == http.StatusOK {
		return nil
	}
	body := fmt.Sprintf(`{"aliases":{%q:{}}}`, x.alias())
	res, err = x.es.Indices.Create(x.IndexName(), x.es.Indices.Create.WithBody(strings.NewReader(body)), x.es.Indices.Create.WithContext(ctx))
	_, err = x.do(res, err, "create index")
	return err
}

// Index writes documents through the BulkIndexer (same ID: replaced).
func (x *Indexer) Index(ctx context.Context, docs ...search.Document) error {
	refresh := "false"
	if x.Refresh {
		refresh = "wait_for"
	}
	bi, err := esutil.NewBulkIndexer(esutil.BulkIndexerConfig{Client: x.es, Index: x.alias(), NumWorkers: 1, Refresh: refresh})
	if err != nil {
		return err
	}
	var mu sync.Mutex
	var errs []error
	for _, d := range docs {
		b, err := Body(d)
		if err != nil {
			return err
		}
		err = bi.Add(ctx, esutil.BulkIndexerItem{Action: "index", DocumentID: d.ID, Body: bytes.NewReader(b),
			OnFailure: func(_ context.Context, it esutil.BulkIndexerItem, r esutil.BulkIndexerResponseItem, err error) {
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					err = fmt.Errorf("%s: %s", r.Error.Type, r.Error.Reason)
				}
				errs = append(errs, fmt.Errorf("index %s: %w", it.DocumentID, err))
			}})
		if err != nil {
			return err
		}
	}
	if err := bi.Close(ctx); err != nil {
		return err
	}
	return errors.Join(errs...)
}

// Delete removes documents.
func (x *Indexer) Delete(ctx context.Context, ids ...string) error {
	var errs []error
	for _, id := range ids {
		res, err := x.es.Delete(x.alias(), id, x.es.Delete.WithContext(ctx), x.es.Delete.WithRefresh(map[bool]string{true: "wait_for", false: "false"}[x.Refresh]))
		if err == nil && res.StatusCode == http.StatusNotFound {
			res.Body.Close()
			continue
		}
		if _, err := x.do(res, err, "delete "+id); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Query is the request body of a search: the caller's agency and clearance
// are filters inside the query, so no path (hits, facets, highlights)
// sees past them.
func Query(opt search.Options) map[string]any {
	// An agency outside the reach leaves no agency: nothing matches
	// (Search refuses it before asking).
	agencies, _ := search.AgencyFilter(opt)
	filter := reachOf(agencies, opt.Caller.Cleared)
	if opt.Status != "" {
		filter = append(filter, map[string]any{"term": map[string]any{"status": opt.Status}})
	}
	if opt.DocType != "" {
		filter = append(filter, map[string]any{"term": map[string]any{"doc_type": opt.DocType}})
	}
	if opt.Urgency != "" {
		filter = append(filter, map[string]any{"term": map[string]any{"urgency_key": search.UrgencyKey(opt.Urgency)}})
	}
	if opt.Issuer != "" {
		filter = append(filter, map[string]any{"term": map[string]any{"issuer_key": viet.Canonical(opt.Issuer)}})
	}
	if opt.From != "" || opt.To != "" {
		r := map[string]any{}
		if opt.From != "" {
			r["gte"] = opt.From
		}
		if opt.To != "" {
			r["lte"] = opt.To
		}
		filter = append(filter, map[string]any{"range": map[string]any{"issued_at": r}})
	}
	var must []any
	if q := opt.Query; q != "" {
		if key, ok := search.ParseNumberKey(q); ok {
			filter = append(filter, map[string]any{"term": map[string]any{"number_key": key}})
		} else {
			kind, text := search.ParseQuery(q)
			exact := map[string]any{"query": viet.Canonical(text), "fields": []string{"subject^3", "text", "issuer^2", "signer"}, "boost": 2}
			folded := map[string]any{"query": search.Fold(text), "fields": []string{"subject.folded^3", "text.folded", "issuer.folded^2", "signer.folded"}}
			switch kind {
			case search.Phrase:
				exact["type"], folded["type"] = "phrase", "phrase"
			case search.Prefix:
				exact["type"], folded["type"] = "bool_prefix", "bool_prefix"
			default:
				exact["operator"], folded["operator"] = "and", "and"
				folded["fuzziness"] = "AUTO" // typo tolerance on the folded words
			}
			must = append(must, map[string]any{"bool": map[string]any{"should": []any{
				map[string]any{"multi_match": exact}, map[string]any{"multi_match": folded},
			}, "minimum_should_match": 1}})
		}
	}
	size := opt.Size
	if size <= 0 {
		size = 20
	}
	body := map[string]any{
		"query": map[string]any{"bool": map[string]any{"filter": filter, "must": must}},
		"from":  max(0, opt.Offset),
		"size":  size,
		"highlight": map[string]any{"pre_tags": []string{"<mark>"}, "post_tags": []string{"</mark>"}, "fields": map[string]any{
			// The folded subfields highlight the printed source text, so
			// an unaccented query gets its words marked as printed.
			"subject": map[string]any{}, "text": map[string]any{}, "subject.folded": map[string]any{}, "text.folded": map[string]any{}}},
		"aggs": map[string]any{
			"doc_type": map[string]any{"terms": map[string]any{"field": "doc_type", "size": 30}},
			"issuer":   map[string]any{"terms": map[string]any{"field": "issuer_key", "size": 20}},
			"year":     map[string]any{"terms": map[string]any{"field": "year", "size": 20}},
			"status":   map[string]any{"terms": map[string]any{"field": "status", "size": 20}},
		},
		"track_total_hits": true,
	}
	if must == nil {
		body["query"].(map[string]any)["bool"].(map[string]any)["must"] = []any{map[string]any{"match_all": map[string]any{}}}
	}
	if opt.ByDate {
		body["sort"] = []any{map[string]any{"issued_at": "desc"}, "_score"}
	}
	return body
}

// response is the part of a search response read.
type response struct {
	Hits struct {
		Total struct {
			Value uint64 `json:"value"`
		} `json:"total"`
		Hits []struct {
			ID        string              `json:"_id"`
			Score     float64             `json:"_score"`
			Source    search.Document     `json:"_source"`
			Highlight map[string][]string `json:"highlight"`
		} `json:"hits"`
	} `json:"hits"`
	Aggregations map[string]struct {
		Buckets []struct {
			Key      string `json:"key"`
			DocCount int    `json:"doc_count"`
		} `json:"buckets"`
	} `json:"aggregations"`
}

// Parse reads a search response.
func Parse(b []byte) (search.Result, error) {
	var r response
	if err := json.Unmarshal(b, &r); err != nil {
		return search.Result{}, fmt.Errorf("elasticsearch response: %w", err)
	}
	out := search.Result{Total: r.Hits.Total.Value, Facets: map[string][]search.FacetCount{}}
	for _, h := range r.Hits.Hits {
		d := h.Source
		d.ID = h.ID
		hit := search.Hit{ID: h.ID, Score: h.Score, Doc: d}
		hit.Highlights = append(hit.Highlights, h.Highlight["subject"]...)
		hit.Highlights = append(hit.Highlights, h.Highlight["text"]...)
		if len(hit.Highlights) == 0 {
			hit.Highlights = append(h.Highlight["subject.folded"], h.Highlight["text.folded"]...)
		}
		out.Hits = append(out.Hits, hit)
	}
	for name, a := range r.Aggregations {
		for _, b := range a.Buckets {
			out.Facets[name] = append(out.Facets[name], search.FacetCount{Value: b.Key, Count: b.DocCount})
		}
	}
	return out, nil
}

// Search runs a query inside the caller's agency and clearance.
func (x *Indexer) Search(ctx context.Context, opt search.Options) (search.Result, error) {
	opt, err := opt.Check()
	if err != nil {
		return search.Result{}, err
	}
	if _, err := search.AgencyFilter(opt); err != nil {
		return search.Result{}, err
	}
	return x.query(ctx, Query(opt))
}

// reach is the caller's agency and clearance as filters.
func reach(c search.Caller) []any { return reachOf(c.Agencies(), c.Cleared) }

func reachOf(agencies, cleared []string) []any {
	levels := []string{"public"}
	for _, l := range cleared {
		levels = append(levels, viet.Fold(l))
	}
	if agencies == nil {
		agencies = []string{}
	}
	return []any{
		map[string]any{"terms": map[string]any{"agency": agencies}},
		map[string]any{"terms": map[string]any{"secrecy": levels}},
	}
}

func (x *Indexer) query(ctx context.Context, body map[string]any) (search.Result, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // the highlight tags as written
	if err := enc.Encode(body); err != nil {
		return search.Result{}, err
	}
	res, err := x.es.Search(x.es.Search.WithContext(ctx), x.es.Search.WithIndex(x.alias()), x.es.Search.WithBody(&b))
	out, err := x.do(res, err, "search")
	if err != nil {
		return search.Result{}, err
	}
	return Parse(out)
}

// visible fetches a document the caller may see (ErrNotFound otherwise).
func (x *Indexer) visible(ctx context.Context, c search.Caller, id string) (search.Hit, error) {
	if c.Agency == "" {
		return search.Hit{}, errors.New("search without a caller's agency")
	}
	filter := append(reach(c), map[string]any{"ids": map[string]any{"values": []string{id}}})
	r, err := x.query(ctx, map[string]any{"query": map[string]any{"bool": map[string]any{"filter": filter}}, "size": 1})
	if err != nil {
		return search.Hit{}, err
	}
	if len(r.Hits) == 0 {
		return search.Hit{}, search.ErrNotFound
	}
	return r.Hits[0], nil
}

// SimilarQuery is the body of "more like this" for id within the caller's reach.
func SimilarQuery(alias string, c search.Caller, id string, size int) map[string]any {
	return map[string]any{
		"query": map[string]any{"bool": map[string]any{
			"filter": reach(c),
			"must": []any{map[string]any{"more_like_this": map[string]any{
				"fields":        []string{"subject.folded", "text.folded"},
				"like":          []any{map[string]any{"_index": alias, "_id": id}},
				"min_term_freq": 1, "min_doc_freq": 1, "max_query_terms": 25,
			}}},
			"must_not": []any{map[string]any{"ids": map[string]any{"values": []string{id}}}},
		}},
		"size": max(1, size),
	}
}

// Similar is "more like this", inside the caller's reach.
func (x *Indexer) Similar(ctx context.Context, c search.Caller, id string, size int) (search.Result, error) {
	if _, err := x.visible(ctx, c, id); err != nil {
		return search.Result{}, err
	}
	return x.query(ctx, SimilarQuery(x.alias(), c, id, min(max(1, size), search.MaxSize)))
}

// Duplicates finds documents with id's number, symbol and issuer.
func (x *Indexer) Duplicates(ctx context.Context, c search.Caller, id string) (search.Result, error) {
	h, err := x.visible(ctx, c, id)
	if err != nil {
		return search.Result{}, err
	}
	key := search.NumberKey(h.Doc.Number, h.Doc.Symbol)
	if key == "" {
		return search.Result{}, nil
	}
	filter := append(reach(c),
		map[string]any{"term": map[string]any{"number_key": key}},
		map[string]any{"term": map[string]any{"issuer_key": viet.Canonical(h.Doc.Issuer)}})
	return x.query(ctx, map[string]any{"query": map[string]any{"bool": map[string]any{
		"filter": filter, "must_not": []any{map[string]any{"ids": map[string]any{"values": []string{id}}}}}}, "size": 50})
}

// Ping checks the cluster answers.
func (x *Indexer) Ping(ctx context.Context) error {
	res, err := x.es.Ping(x.es.Ping.WithContext(ctx))
	_, err = x.do(res, err, "ping")
	return err
}

// Close releases nothing: the client is stateless.
func (x *Indexer) Close() error { return nil }
