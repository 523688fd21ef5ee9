// Package elastic is the search backend for the Elasticsearch family of
// engines, for deployments: Elasticsearch 8 through go-elasticsearch (New),
// and OpenSearch 2 through opensearch-go (package opensearch, over the same
// Indexer). The two speak one query language for everything Vanthu asks, so
// the requests are built here once and each engine's official client only
// carries them (its connection pool, retries on another node, TLS and
// credentials). Same contract as the embedded Bleve backend: the shared
// suite in searchtest runs against a real OpenSearch node in every test run,
// and against Elasticsearch when VANTHU_ES_URL is set.
//
// The index is versioned behind an alias (vanthu-docs → vanthu-docs-v4): a
// mapping change bumps Version, Migrate copies the documents into the new
// index and moves the alias in one step, so searches never fail meanwhile.
package elastic

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/vanthu/vanthu/internal/search"
	"github.com/vanthu/vanthu/internal/viet"
)

// Version of the mapping; bump it when the template changes (4: long_id).
const Version = 4

// Alias the application reads and writes through (Indexer.Alias overrides
// it: VANTHU_ES_INDEX, and tests against a shared cluster).
const Alias = "vanthu-docs"

func (x *Indexer) alias() string {
	if x.Alias != "" {
		return x.Alias
	}
	return Alias
}

func (x *Indexer) version() int {
	if x.Version > 0 {
		return x.Version
	}
	return Version
}

// IndexName is the versioned index behind the alias.
func (x *Indexer) IndexName() string { return fmt.Sprintf("%s-v%d", x.alias(), x.version()) }

// Transport is what the Indexer needs of an engine's Go client: one
// request performed against some node of the cluster. go-elasticsearch's
// and opensearch-go's clients both are one.
type Transport interface {
	Perform(*http.Request) (*http.Response, error)
}

// Indexer talks to an Elasticsearch or OpenSearch cluster.
type Indexer struct {
	t      Transport
	engine string // "elasticsearch", "opensearch": named in errors
	// Refresh makes writes visible to the next search (tests; off in
	// production, where the refresh interval does it).
	Refresh bool
	Alias   string
	// Version overrides the mapping Version (a test rolling out a change).
	Version int
	// Shards and Replicas of a new index (Shards 0, ReplicasSet false:
	// the engine's defaults, one shard and one replica).
	Shards, Replicas int
	ReplicasSet      bool
}

var _ search.Indexer = (*Indexer)(nil)

// New connects to Elasticsearch with cfg; Open also creates the template,
// index and alias.
func New(cfg elasticsearch.Config) (*Indexer, error) {
	es, err := elasticsearch.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("elasticsearch: %w", err)
	}
	return NewWith("elasticsearch", es), nil
}

// NewWith is an Indexer over another engine's client (package opensearch).
func NewWith(engine string, t Transport) *Indexer { return &Indexer{t: t, engine: engine} }

// Template is the index's settings and mappings, in the shape of an
// index template (create makes each index with them): the printed fields
// analysed as they are, folded copies analysed with ASCII folding
// (đ → d), keywords for filters, facets and the number/symbol key.
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
					// An ID too long for an _id (engineID), kept, not searched.
					"long_id": map[string]any{"type": "keyword", "index": false, "doc_values": false},
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
	// "id" is not in the strict mapping; an ID too long for an _id is
	// kept whole in long_id.
	var m map[string]any
	json.Unmarshal(b, &m)
	delete(m, "id")
	if engineID(d.ID) != d.ID {
		m["long_id"] = d.ID
	}
	return json.Marshal(m)
}

// maxID is the longest _id Elasticsearch and OpenSearch take, in bytes.
const maxID = 512

// engineID is the _id a document is kept under: its ID, or a digest of an
// ID longer than the engines take (an upload's object key alone may be
// 1,024 bytes); the whole ID is then in the source's long_id.
func engineID(id string) string {
	if len(id) <= maxID {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return "sha256-" + hex.EncodeToString(sum[:])
}

// stored is a document's source as read back: long_id, when set, is its
// ID.
type stored struct {
	search.Document
	LongID string `json:"long_id"`
}

func (s stored) doc(engineID string) search.Document {
	d := s.Document
	d.ID = engineID
	if s.LongID != "" {
		d.ID = s.LongID
	}
	return d
}

// maxAnswer bounds what is read of one answer: a page of 100 hits of
// whole documents, with highlights, is far below it.
const maxAnswer = 64 << 20

// call sends one request and reads its answer. A status in ok is an
// answer, not an error (404 of a document already gone).
func (x *Indexer) call(ctx context.Context, method, path string, query url.Values, body []byte, what string, ok ...int) (int, []byte, error) {
	u := &url.URL{Path: path, RawQuery: query.Encode()} // paths here hold no ID: IDs go in bodies
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", x.engine, what, err)
	}
	if body != nil {
		ct := "application/json"
		if strings.HasSuffix(path, "/_bulk") {
			ct = "application/x-ndjson"
		}
		req.Header.Set("Content-Type", ct)
	}
	res, err := x.t.Perform(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, nil, fmt.Errorf("%s %s: %w", x.engine, what, err)
		}
		// No node answered, after the client's retries on the others.
		return 0, nil, fmt.Errorf("%w: %s %s: %w", search.ErrUnavailable, x.engine, what, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer+1))
	if err != nil {
		return res.StatusCode, nil, fmt.Errorf("%s %s: reading the answer: %w", x.engine, what, err)
	}
	if len(b) > maxAnswer {
		return res.StatusCode, nil, fmt.Errorf("%s %s: the answer is larger than %d MiB", x.engine, what, maxAnswer>>20)
	}
	if res.StatusCode >= 300 {
		for _, s := range ok {
			if res.StatusCode == s {
				return res.StatusCode, b, nil
			}
		}
		err := fmt.Errorf("%s %s: %s: %s", x.engine, what, res.Status, clip(strings.TrimSpace(string(b))))
		switch {
		case res.StatusCode == http.StatusTooManyRequests, res.StatusCode == http.StatusBadGateway,
			res.StatusCode == http.StatusServiceUnavailable, res.StatusCode == http.StatusGatewayTimeout,
			res.StatusCode == http.StatusForbidden && bytes.Contains(b, []byte("cluster_block_exception")):
			err = fmt.Errorf("%w: %w", search.ErrUnavailable, err)
		}
		return res.StatusCode, b, err
	}
	return res.StatusCode, b, nil
}

func encode(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // the highlight tags as written
	enc.Encode(v)            // maps of strings, numbers and slices: cannot fail
	return b.Bytes()
}

// Open creates, when no index carries the alias yet, the versioned index
// with it. An alias already on another version is left there and used
// (reads and writes go through the alias): moving it is Migrate's, run
// once by an operator (vanthu admin migrate-index), not by every process
// that starts. No template is kept in the cluster: each index is made
// with its own version's settings and mappings, so a process of an older
// version starting meanwhile cannot give a new index its old mapping.
func (x *Indexer) Open(ctx context.Context) error {
	on, err := x.aliasedTo(ctx)
	if err != nil {
		return err
	}
	switch {
	case len(on) > 1:
		return x.onSeveral(on)
	case len(on) == 1:
		if v := versionOf(x.alias(), on[0]); v > x.version() {
			slog.WarnContext(ctx, "search index is on a newer mapping than this program: upgrade it", "alias", x.alias(), "index", on[0], "this", x.IndexName())
		} else if v < x.version() {
			slog.WarnContext(ctx, "search index is on an older mapping: run vanthu admin migrate-index", "alias", x.alias(), "index", on[0], "want", x.IndexName())
		}
		return nil
	}
	err = x.create(ctx, x.IndexName(), true)
	if err == nil || !errors.Is(err, errExists) {
		return err
	}
	// Another process opening at once made it (with the alias), or an
	// interrupted migration left it without.
	if on, err := x.aliasedTo(ctx); err != nil || len(on) > 0 {
		return err
	}
	return x.moveAlias(ctx, "", x.IndexName())
}

func (x *Indexer) onSeveral(on []string) error {
	return fmt.Errorf("%s: alias %s is on %d indexes (%s): writes through it fail; remove it from all but the newest (POST /_aliases)",
		x.engine, x.alias(), len(on), strings.Join(on, ", "))
}

// versionOf is N of an index named ALIAS-vN (0: not one of ours).
func versionOf(alias, index string) int {
	v, err := strconv.Atoi(strings.TrimPrefix(index, alias+"-v"))
	if err != nil || !strings.HasPrefix(index, alias+"-v") {
		return 0
	}
	return v
}

// aliasedTo is the indexes the alias is on (none: it does not exist).
func (x *Indexer) aliasedTo(ctx context.Context) ([]string, error) {
	status, out, err := x.call(ctx, http.MethodGet, "/_alias/"+x.alias(), nil, nil, "get alias", http.StatusNotFound)
	if err != nil || status == http.StatusNotFound {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(out, &m); err != nil {
		return nil, fmt.Errorf("%s alias answer: %w", x.engine, err)
	}
	return slices.Sorted(maps.Keys(m)), nil
}

// moveAlias moves the alias from index from (none: "") to index to, in
// one atomic step: a search through it sees one index or the other. The
// client may send the request again after a lost answer: an alias found
// where it was to go is success.
func (x *Indexer) moveAlias(ctx context.Context, from, to string) error {
	actions := []any{}
	if from != "" {
		actions = append(actions, map[string]any{"remove": map[string]any{"index": from, "alias": x.alias()}})
	}
	actions = append(actions, map[string]any{"add": map[string]any{"index": to, "alias": x.alias()}})
	_, _, err := x.call(ctx, http.MethodPost, "/_aliases", nil, encode(map[string]any{"actions": actions}), "move alias to "+to)
	if err != nil {
		if on, aerr := x.aliasedTo(ctx); aerr == nil && len(on) == 1 && on[0] == to {
			return nil
		}
	}
	return err
}

// Migrate rolls the archive's index out to this version's mapping
// (IndexName) when the alias is on an older index: writes to the old
// index are blocked, the new index is made, every document is copied
// across and re-analysed (through Body, so derived fields follow the new
// code), the copy is made searchable and the alias moves in one atomic
// step. Searches through the alias answer throughout. A write sent during
// the copy is refused as unavailable for now (the API keeps the
// document marked for repair, the pipeline's delivery retries), never
// taken into the old index and lost; vanthu admin migrate-index then puts
// every record in again. A failed migration unblocks the old index and
// can be run again. The old index is kept, blocked, for the operator to
// check and delete. It returns the old index ("" if there was nothing to
// do) and how many documents were copied.
func (x *Indexer) Migrate(ctx context.Context) (old string, copied int, err error) {
	on, err := x.aliasedTo(ctx)
	if err != nil {
		return "", 0, err
	}
	switch {
	case len(on) == 0:
		return "", 0, x.Open(ctx)
	case len(on) > 1:
		return "", 0, x.onSeveral(on)
	case on[0] == x.IndexName():
		return "", 0, nil
	case versionOf(x.alias(), on[0]) > x.version():
		return "", 0, fmt.Errorf("%s: alias %s is on %s, newer than this program's %s: upgrade vanthu instead", x.engine, x.alias(), on[0], x.IndexName())
	}
	old = on[0]
	if err := x.blockWrites(ctx, old, true); err != nil {
		return old, 0, err
	}
	defer func() {
		if err != nil {
			// Still the archive's index: writable again.
			if uerr := x.blockWrites(context.WithoutCancel(ctx), old, false); uerr != nil {
				err = errors.Join(err, uerr)
			}
		}
	}()
	if err := x.create(ctx, x.IndexName(), false); err != nil && !errors.Is(err, errExists) {
		return old, 0, err // exists: an earlier migration stopped half-way; copying again is harmless
	}
	n, err := x.copyAll(ctx, old, "index")
	if err != nil {
		return old, n, fmt.Errorf("%s migrate %s → %s: %w", x.engine, old, x.IndexName(), err)
	}
	// What was copied is made searchable before the alias moves: a
	// search just after the move must not find the archive half empty.
	if _, _, err := x.call(ctx, http.MethodPost, "/"+x.IndexName()+"/_refresh", nil, nil, "refresh "+x.IndexName()); err != nil {
		return old, n, err
	}
	return old, n, x.moveAlias(ctx, old, x.IndexName())
}

// blockWrites sets or clears index.blocks.write on index.
func (x *Indexer) blockWrites(ctx context.Context, index string, on bool) error {
	body := encode(map[string]any{"index": map[string]any{"blocks": map[string]any{"write": on}}})
	_, _, err := x.call(ctx, http.MethodPut, "/"+index+"/_settings", nil, body, "block writes to "+index)
	return err
}

// copyAll copies every document of index from into the current index,
// page by page through a scroll, with the bulk action.
func (x *Indexer) copyAll(ctx context.Context, from, action string) (int, error) {
	if _, _, err := x.call(ctx, http.MethodPost, "/"+from+"/_refresh", nil, nil, "refresh "+from); err != nil {
		return 0, err
	}
	// Pages of 100: a page of whole documents (OCR text included) stays
	// far below maxAnswer.
	body := encode(map[string]any{"size": 100, "sort": []string{"_doc"}, "query": map[string]any{"match_all": map[string]any{}}})
	_, out, err := x.call(ctx, http.MethodPost, "/"+from+"/_search", url.Values{"scroll": {"2m"}}, body, "scroll "+from)
	copied := 0
	var scrollID string
	defer func() {
		if scrollID != "" {
			x.call(context.WithoutCancel(ctx), http.MethodDelete, "/_search/scroll", nil, encode(map[string]any{"scroll_id": scrollID}), "clear scroll", http.StatusNotFound)
		}
	}()
	for err == nil {
		var page struct {
			ScrollID string `json:"_scroll_id"`
			Hits     struct {
				Hits []struct {
					ID     string `json:"_id"`
					Source stored `json:"_source"`
				} `json:"hits"`
			} `json:"hits"`
		}
		if err := json.Unmarshal(out, &page); err != nil {
			return copied, fmt.Errorf("scroll answer: %w", err)
		}
		scrollID = page.ScrollID
		if len(page.Hits.Hits) == 0 {
			return copied, nil
		}
		docs := make([]search.Document, len(page.Hits.Hits))
		for i, h := range page.Hits.Hits {
			docs[i] = h.Source.doc(h.ID)
		}
		w, berr := x.bulk(ctx, x.IndexName(), action, docs)
		copied += w
		if berr != nil {
			return copied, berr
		}
		_, out, err = x.call(ctx, http.MethodPost, "/_search/scroll", nil, encode(map[string]any{"scroll": "2m", "scroll_id": scrollID}), "scroll "+from)
	}
	return copied, err
}

// RefreshNow makes every write so far visible to searches (a bulk load
// done without Refresh; benchmarks).
func (x *Indexer) RefreshNow(ctx context.Context) error {
	_, _, err := x.call(ctx, http.MethodPost, "/"+x.alias()+"/_refresh", nil, nil, "refresh")
	return err
}

// Stats is how many documents the index behind the alias holds and its
// size on disk, replicas included.
func (x *Indexer) Stats(ctx context.Context) (docs, bytes int64, err error) {
	_, out, err := x.call(ctx, http.MethodGet, "/"+x.alias()+"/_stats/docs,store", nil, nil, "stats")
	if err != nil {
		return 0, 0, err
	}
	var st struct {
		All struct {
			Primaries struct {
				Docs struct {
					Count int64 `json:"count"`
				} `json:"docs"`
			} `json:"primaries"`
			Total struct {
				Store struct {
					Bytes int64 `json:"size_in_bytes"`
				} `json:"store"`
			} `json:"total"`
		} `json:"_all"`
	}
	if err := json.Unmarshal(out, &st); err != nil {
		return 0, 0, fmt.Errorf("%s stats answer: %w", x.engine, err)
	}
	return st.All.Primaries.Docs.Count, st.All.Total.Store.Bytes, nil
}

// Drop deletes the current versioned index (tests; and an operator
// removing an old one through another Indexer's Version).
func (x *Indexer) Drop(ctx context.Context) error {
	_, _, err := x.call(ctx, http.MethodDelete, "/"+x.IndexName(), nil, nil, "delete index "+x.IndexName(), http.StatusNotFound)
	return err
}

// errExists is an index that exists already.
var errExists = errors.New("index exists already")

// create makes a versioned index with this version's settings and
// mappings (Template), with the alias when withAlias (a first index;
// Migrate moves the alias itself).
func (x *Indexer) create(ctx context.Context, name string, withAlias bool) error {
	tpl := Template(x.alias())["template"].(map[string]any)
	settings := maps.Clone(tpl["settings"].(map[string]any))
	if x.Shards > 0 {
		settings["number_of_shards"] = x.Shards
	}
	if x.ReplicasSet {
		settings["number_of_replicas"] = x.Replicas
	}
	body := map[string]any{"settings": settings, "mappings": tpl["mappings"]}
	if withAlias {
		body["aliases"] = map[string]any{x.alias(): map[string]any{}}
	}
	// Wait for the primaries only: a replica on a node still joining must
	// not hold the first write up.
	q := url.Values{"wait_for_active_shards": {"1"}}
	status, out, err := x.call(ctx, http.MethodPut, "/"+name, q, encode(body), "create index "+name, http.StatusBadRequest)
	if err == nil && status == http.StatusBadRequest {
		if bytes.Contains(out, []byte("resource_already_exists_exception")) {
			return fmt.Errorf("%s create index %s: %w", x.engine, name, errExists)
		}
		return fmt.Errorf("%s create index %s: 400 Bad Request: %s", x.engine, name, clip(string(out)))
	}
	return err
}

// Bulk requests are cut at this many documents or bytes, so one call of
// a re-index of the whole archive never builds a body the engine refuses
// (http.max_content_length, 100 MB by default).
const (
	bulkDocs  = 500
	bulkBytes = 8 << 20
)

// bulkAnswer is the part of a _bulk answer read.
type bulkAnswer struct {
	Errors bool `json:"errors"`
	Items  []map[string]struct {
		ID     string `json:"_id"`
		Status int    `json:"status"`
		Error  *struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		} `json:"error"`
	} `json:"items"`
}

// Index writes documents in bulk (same ID: replaced).
func (x *Indexer) Index(ctx context.Context, docs ...search.Document) error {
	_, err := x.bulk(ctx, x.alias(), "index", docs)
	return err
}

// item is one action of a _bulk request: id is the document's own ID
// (errors name it), source is nil for a delete.
type item struct {
	action, index, id string
	source            []byte
}

// bulk writes docs into index with the action (index: replace; create:
// only where missing). It returns how many were written (create: not
// those already there).
func (x *Indexer) bulk(ctx context.Context, index, action string, docs []search.Document) (int, error) {
	items := make([]item, 0, len(docs))
	var errs []error
	for _, d := range docs {
		b, err := Body(d)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s index %s: %w", x.engine, d.ID, err))
			continue
		}
		items = append(items, item{action, index, d.ID, b})
	}
	n, err := x.send(ctx, items)
	return n, errors.Join(append(errs, err)...)
}

// send carries items in _bulk requests of at most bulkDocs documents or
// bulkBytes. An item the engine pushes back (429: its queues are full;
// 503: a shard without its primary while a node leaves) is sent again, a
// few times, with a growing pause. An item refused for good is named in
// the error and the others go on: one bad document never keeps the rest
// out. A request no node answers ends it (the rest would fare the same).
func (x *Indexer) send(ctx context.Context, items []item) (int, error) {
	var errs []error
	done := 0
	for len(items) > 0 {
		var body bytes.Buffer
		n := 0
		for n < len(items) && n < bulkDocs && body.Len() < bulkBytes {
			body.Write(items[n].line())
			n++
		}
		batch := items[:n]
		items = items[n:]
		for try := 0; ; try++ {
			again, ok, refused, err := x.bulkOnce(ctx, batch, body.Bytes())
			done += ok
			errs = append(errs, refused...)
			if err != nil {
				return done, errors.Join(append(errs, err)...)
			}
			if len(again) == 0 {
				break
			}
			if try == 5 {
				for _, it := range again {
					errs = append(errs, fmt.Errorf("%s %s %s: pushed back (429/503) six times", x.engine, it.action, it.id))
				}
				break
			}
			select {
			case <-ctx.Done():
				return done, errors.Join(append(errs, ctx.Err())...)
			case <-time.After(time.Duration((try+1)*(try+1)) * 200 * time.Millisecond):
			}
			batch = again
			body.Reset()
			for _, it := range batch {
				body.Write(it.line())
			}
		}
	}
	return done, errors.Join(errs...)
}

// line is the item's lines of a _bulk body.
func (it item) line() []byte {
	b := encode(map[string]any{it.action: map[string]any{"_index": it.index, "_id": engineID(it.id)}})
	if it.source != nil {
		b = append(append(b, it.source...), '\n')
	}
	return b
}

// bulkOnce sends one _bulk body of batch. It returns the items to send
// again, how many were written, the items refused for good, and an error
// of the request itself.
func (x *Indexer) bulkOnce(ctx context.Context, batch []item, body []byte) (again []item, written int, refused []error, err error) {
	q := url.Values{}
	if x.Refresh {
		q.Set("refresh", "wait_for")
	}
	_, out, err := x.call(ctx, http.MethodPost, "/_bulk", q, body, "bulk")
	if err != nil {
		return nil, 0, nil, err
	}
	var a bulkAnswer
	if err := json.Unmarshal(out, &a); err != nil {
		return nil, 0, nil, fmt.Errorf("%s bulk answer: %w", x.engine, err)
	}
	if len(a.Items) != len(batch) {
		return nil, 0, nil, fmt.Errorf("%s bulk: %d answers for %d documents", x.engine, len(a.Items), len(batch))
	}
	for i, res := range a.Items {
		it := batch[i]
		r := res[it.action]
		switch {
		case r.Error == nil:
			if it.action != "delete" {
				written++
			}
		case r.Status == http.StatusTooManyRequests || r.Status == http.StatusServiceUnavailable:
			again = append(again, it)
		case it.action == "create" && r.Status == http.StatusConflict:
			// Already there: what create is for.
		case r.Error.Type == "cluster_block_exception":
			// The index is blocked for a migration: the write is to be
			// sent again once the alias has moved.
			refused = append(refused, fmt.Errorf("%w: %s %s %s: %s: %s", search.ErrUnavailable, x.engine, it.action, it.id, r.Error.Type, clip(r.Error.Reason)))
		default:
			refused = append(refused, fmt.Errorf("%s %s %s: %s: %s", x.engine, it.action, it.id, r.Error.Type, clip(r.Error.Reason)))
		}
	}
	return again, written, refused, nil
}

// Delete removes documents, in bulk (one already gone is no error).
func (x *Indexer) Delete(ctx context.Context, ids ...string) error {
	items := make([]item, len(ids))
	for i, id := range ids {
		items[i] = item{action: "delete", index: x.alias(), id: id}
	}
	_, err := x.send(ctx, items)
	return err
}

// clip bounds an engine's words carried into an error (and the logs).
func clip(s string) string {
	const most = 2000
	if len(s) > most {
		return s[:most] + "…"
	}
	return s
}

// Query is the request body of a search: the caller's agency and clearance
// are filters inside the query, so no path (hits, facets, highlights)
// sees past them.
func Query(opt search.Options) map[string]any { return buildQuery(opt, false) }

// TypoQuery is Query with typos forgiven in the folded words: asked only
// when Query finds nothing, as the Bleve backend does, since expanding
// every word over the index's terms costs more than the search itself
// (a tenth of a second and more at a million documents) and an exact
// match must never be outranked.
func TypoQuery(opt search.Options) map[string]any { return buildQuery(opt, true) }

func buildQuery(opt search.Options, typos bool) map[string]any {
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
				if typos {
					folded["fuzziness"] = "AUTO"
					folded["prefix_length"] = 1 // a typo is rarely in the first letter; this bounds the expansion
				}
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
			Source    stored              `json:"_source"`
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
		d := h.Source.doc(h.ID)
		hit := search.Hit{ID: d.ID, Score: h.Score, Doc: d}
		// Per field, the printed field's fragments, unless the folded
		// field's mark more: "kì họp" marks Kỳ only through the folded
		// words, "mã" alone through the printed ones.
		for _, f := range []string{"subject", "text"} {
			exact, folded := h.Highlight[f], h.Highlight[f+".folded"]
			if marks(folded) > marks(exact) {
				exact = folded
			}
			hit.Highlights = append(hit.Highlights, exact...)
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

func marks(fragments []string) int {
	n := 0
	for _, f := range fragments {
		n += strings.Count(f, "<mark>")
	}
	return n
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
	res, err := x.query(ctx, Query(opt))
	if err != nil || res.Total > 0 || opt.Query == "" {
		return res, err
	}
	if kind, _ := search.ParseQuery(opt.Query); kind != search.Words {
		return res, nil
	}
	if _, number := search.ParseNumberKey(opt.Query); number {
		return res, nil
	}
	// Nothing as typed or unaccented: allow typos.
	return x.query(ctx, TypoQuery(opt))
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
	// A shard whose copy is on a node going away fails the whole search
	// (503, which the client asks another node again) rather than
	// answering without that shard's documents, unnoticed.
	q := url.Values{"allow_partial_search_results": {"false"}}
	b := encode(body)
	for try := 0; ; try++ {
		status, out, err := x.call(ctx, http.MethodPost, "/"+x.alias()+"/_search", q, b, "search")
		if err == nil {
			return Parse(out)
		}
		// The node coordinating the search lost the node holding a
		// shard's copy mid-search (a 500, which the client does not ask
		// again): a search is a read, asked again it goes to the copy
		// that is left.
		if status < 500 || !nodeGone(out) {
			return search.Result{}, err
		}
		if try == 2 {
			return search.Result{}, fmt.Errorf("%w: %w", search.ErrUnavailable, err)
		}
		select {
		case <-ctx.Done():
			return search.Result{}, err
		case <-time.After(time.Duration(100*(try+1)) * time.Millisecond):
		}
	}
}

// nodeGone says an error answer is about a node that left the cluster,
// not about the request.
func nodeGone(answer []byte) bool {
	for _, e := range []string{"node_disconnected_exception", "node_not_connected_exception", "connect_transport_exception",
		"node_closed_exception", "no_shard_available_action_exception", "cluster_block_exception"} {
		if bytes.Contains(answer, []byte(e)) {
			return true
		}
	}
	return false
}

// visible fetches a document the caller may see (ErrNotFound otherwise).
func (x *Indexer) visible(ctx context.Context, c search.Caller, id string) (search.Hit, error) {
	if c.Agency == "" {
		return search.Hit{}, errors.New("search without a caller's agency")
	}
	filter := append(reach(c), map[string]any{"ids": map[string]any{"values": []string{engineID(id)}}})
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
				"like":          []any{map[string]any{"_index": alias, "_id": engineID(id)}},
				"min_term_freq": 1, "min_doc_freq": 1, "max_query_terms": 25,
			}}},
			"must_not": []any{map[string]any{"ids": map[string]any{"values": []string{engineID(id)}}}},
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
		"filter": filter, "must_not": []any{map[string]any{"ids": map[string]any{"values": []string{engineID(id)}}}}}}, "size": 50})
}

// Ping checks the cluster answers.
func (x *Indexer) Ping(ctx context.Context) error {
	_, _, err := x.call(ctx, http.MethodHead, "/", nil, nil, "ping")
	return err
}

// Close releases nothing: the client is stateless.
func (x *Indexer) Close() error { return nil }
