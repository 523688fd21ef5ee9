// Package bleve is the embedded search backend (the default on a laptop).
// Vietnamese: every text field is indexed twice, as printed (NFC, one
// tone-mark convention) and accent-folded, so that "quyet dinh" finds
// "Quyết định" and the exact spelling ranks first.
package bleve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	stdunicode "unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/shingle"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/vanthu/vanthu/internal/search"
	"github.com/vanthu/vanthu/internal/viet"
)

// Indexer is a Bleve index on disk, split into shards searched in
// parallel: a broad query walks long posting lists, and a shard per core
// walks them side by side (what Elasticsearch does with primary shards).
type Indexer struct {
	shards []bleve.Index
	idx    bleve.IndexAlias // all shards: searched together, results merged
	path   string
	// MinFree is the free space the index's disk must keep for a write to
	// be attempted (default DefaultMinFree). Bleve does not survive a
	// full disk: after a failed write its background merger panics in a
	// goroutine of its own, where nothing can recover it, and the process
	// ends. So a write that could fill the disk is refused before Bleve
	// sees it: an error the stage retries, and /readyz reports.
	MinFree uint64
}

// DefaultMinFree is the free space kept on the index's disk.
const DefaultMinFree = 64 << 20

// ErrNoSpace is a write refused for want of free space.
var ErrNoSpace = errors.New("search index: not enough free disk space")

// roomToWrite refuses a write when the index's disk is nearly full.
func (x *Indexer) roomToWrite() error {
	min := x.MinFree
	if min == 0 {
		min = DefaultMinFree
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(x.path, &st); err != nil {
		return nil // cannot tell: let Bleve try
	}
	if free := st.Bavail * uint64(st.Bsize); free < min {
		return fmt.Errorf("%w: %d MiB free at %s, %d MiB kept", ErrNoSpace, free>>20, x.path, min>>20)
	}
	return nil
}

var _ search.Indexer = (*Indexer)(nil)

// indexed is the stored form: the document plus its folded copies.
type indexed struct {
	search.Document
	SubjectFolded string `json:"subject_folded"`
	TextFolded    string `json:"text_folded"`
	IssuerFolded  string `json:"issuer_folded"`
	// PhraseFolded is the folded subject, issuer and text as pairs of
	// adjacent words: a phrase is then the conjunction of its pairs, a
	// few short posting lists, where matching positions in the text cost
	// more than the rest of the search (Elasticsearch's index_phrases).
	PhraseFolded string `json:"phrase_folded"`
	NumberKey    string `json:"number_key"`
	Secrecy      string `json:"secrecy"` // "public" when not secret: a keyword never empty
	Year         string `json:"year"`
	Month        string `json:"month"` // YYYY-MM: whole months of a date range are one term
	// IssuedDate is issued_at as a date: a range over it is a few numeric
	// terms, where a range over the keyword walked every distinct day.
	IssuedDate *time.Time `json:"issued_date,omitempty"`
	IssuerKey  string     `json:"issuer_key"` // the issuer as one keyword, for filters and facets
	UrgencyKey string     `json:"urgency_key"`
}

// analyzer is Bleve's standard analyzer without its English stop words:
// folded Vietnamese is full of them ("to" is tổ, "the" is thẻ, "do" is
// do), and dropping them lost words users search for.
const analyzer = "vi"

// pairsAnalyzer makes the word pairs of PhraseFolded.
const pairsAnalyzer = "vi_pairs"

func newMapping() mapping.IndexMapping {
	m := bleve.NewIndexMapping()
	if err := m.AddCustomAnalyzer(analyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []string{lowercase.Name},
	}); err != nil {
		panic(err) // a fixed definition: fails in every test or never
	}
	if err := m.AddCustomTokenFilter("pairs", map[string]any{
		"type": shingle.Name, "min": 2.0, "max": 2.0, "output_original": false, "separator": " ", "filler": "",
	}); err != nil {
		panic(err)
	}
	if err := m.AddCustomAnalyzer(pairsAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []string{lowercase.Name, "pairs"},
	}); err != nil {
		panic(err)
	}
	doc := bleve.NewDocumentMapping()
	// Nothing goes into Bleve's composite _all field (every query names
	// its fields) and text is not sorted or faceted on: without these
	// the index was a third larger and slower to build.
	text := func(store, positions bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = store
		f.IncludeInAll = false
		f.DocValues = false
		f.IncludeTermVectors = positions
		return f
	}
	kw := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = keyword.Name
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		return f
	}
	// Phrases are matched on the word pairs, so the long fields keep no
	// positions; the short printed ones do, for a phrase as spelled.
	doc.AddFieldMappingsAt("text", text(true, false))
	for _, name := range []string{"subject", "issuer", "signer"} {
		doc.AddFieldMappingsAt(name, text(true, true))
	}
	for _, name := range []string{"subject_folded", "text_folded", "issuer_folded"} {
		doc.AddFieldMappingsAt(name, text(false, false))
	}
	pairs := text(false, false)
	pairs.Analyzer = pairsAnalyzer
	doc.AddFieldMappingsAt("phrase_folded", pairs)
	date := bleve.NewDateTimeFieldMapping()
	date.IncludeInAll = false
	doc.AddFieldMappingsAt("issued_date", date)
	for _, name := range []string{"agency", "secrecy", "number_key", "doc_type", "issued_at", "year", "month", "issuer_key", "urgency_key", "status"} {
		doc.AddFieldMappingsAt(name, kw())
	}
	// Other fields (number, symbol, file, ...) are kept to be shown, not
	// searched.
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	m.DefaultMapping = doc
	return m
}

// mappingVersion names the mapping and layout; change it with newMapping.
const mappingVersion = "10"

// layoutFile records, beside the shards, how many there are and the
// mapping they were built with.
const layoutFile = "vanthu-index.json"

type layout struct {
	Mapping string `json:"mapping"`
	Shards  int    `json:"shards"`
}

// DefaultShards is a shard per core up to four: beyond the cores a
// query gains nothing, and on a laptop with many cores tiny shards only
// add merging.
func DefaultShards() int { return min(max(runtime.NumCPU(), 1), 4) }

// Open opens the index at path, creating it with DefaultShards if needed.
func Open(path string) (*Indexer, error) { return OpenShards(path, DefaultShards()) }

// OpenShards opens the index at path, creating it with n shards if it
// does not exist; an existing index keeps the shards it was made with.
func OpenShards(path string, n int) (*Indexer, error) {
	meta := filepath.Join(path, layoutFile)
	var l layout
	b, err := os.ReadFile(meta)
	switch {
	case err == nil:
		if err := json.Unmarshal(b, &l); err != nil || l.Shards < 1 {
			return nil, fmt.Errorf("search index %s: %s is damaged: move the index aside and run `vanthu index` again", path, layoutFile)
		}
	case errors.Is(err, fs.ErrNotExist):
		// An empty folder (a volume mounted for the index) is a new index.
		if ents, err := os.ReadDir(path); err == nil && len(ents) > 0 {
			// An index keeps the mapping it was made with; searching one
			// made with another gives quietly wrong answers, so say so.
			return nil, fmt.Errorf("search index %s was built by an older vanthu (mapping before %q): move it aside and run `vanthu index` again", path, mappingVersion)
		}
		if n < 1 {
			n = 1
		}
		if err := os.MkdirAll(path, 0o750); err != nil {
			return nil, fmt.Errorf("search index %s: %w", path, err)
		}
		l = layout{Mapping: mappingVersion, Shards: n}
		x := &Indexer{}
		for i := range n {
			s, err := bleve.New(filepath.Join(path, strconv.Itoa(i)), newMapping())
			if err != nil {
				x.closeShards()
				return nil, fmt.Errorf("search index %s: %w", path, err)
			}
			x.shards = append(x.shards, s)
		}
		x.closeShards()
		// Written last: an index whose creation was cut short has no
		// layout file and is reported, not half used.
		b, _ := json.Marshal(l)
		if err := os.WriteFile(meta, b, 0o640); err != nil {
			return nil, fmt.Errorf("search index %s: %w", path, err)
		}
	default:
		return nil, fmt.Errorf("search index %s: %w", path, err)
	}
	if l.Mapping != mappingVersion {
		return nil, fmt.Errorf("search index %s was built with mapping %q, this vanthu needs %q: move it aside and run `vanthu index` again", path, l.Mapping, mappingVersion)
	}
	x := &Indexer{}
	for i := range l.Shards {
		s, err := bleve.Open(filepath.Join(path, strconv.Itoa(i)))
		if err != nil {
			x.closeShards()
			return nil, fmt.Errorf("search index %s: shard %d: %w", path, i, err)
		}
		x.shards = append(x.shards, s)
	}
	x.idx = bleve.NewIndexAlias(x.shards...)
	x.path = path
	return x, nil
}

func (x *Indexer) closeShards() error {
	var errs []error
	for _, s := range x.shards {
		errs = append(errs, s.Close())
	}
	x.shards = nil
	return errors.Join(errs...)
}

// shard is where a document lives: by a hash of its ID, so that indexing
// it again replaces it in the same shard.
func (x *Indexer) shard(id string) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % uint32(len(x.shards)))
}

// Index adds or replaces documents (same ID: replaced, never duplicated).
// The shards' batches are written in parallel.
func (x *Indexer) Index(ctx context.Context, docs ...search.Document) error {
	batches := make([]*bleve.Batch, len(x.shards))
	for i, s := range x.shards {
		batches[i] = s.NewBatch()
	}
	for _, d := range docs {
		in := indexed{Document: d,
			SubjectFolded: search.Fold(d.Subject), TextFolded: search.Fold(d.Text), IssuerFolded: search.Fold(d.Issuer),
			NumberKey: search.NumberKey(d.Number, d.Symbol), Secrecy: secrecy(d.Confidentiality), UrgencyKey: search.UrgencyKey(d.Urgency),
			IssuerKey: viet.Canonical(d.Issuer)}
		if len(d.IssuedAt) >= 4 {
			in.Year = d.IssuedAt[:4]
		}
		if t, err := time.Parse(time.DateOnly, d.IssuedAt); err == nil {
			in.IssuedDate = &t
			in.Month = d.IssuedAt[:7]
		}
		in.Subject, in.Text, in.Issuer = viet.Canonical(d.Subject), viet.NormalizeTone(d.Text), viet.Canonical(d.Issuer)
		// A full stop between the fields: no pair spans two of them.
		in.PhraseFolded = in.SubjectFolded + " . " + in.IssuerFolded + " . " + in.TextFolded
		if err := batches[x.shard(d.ID)].Index(d.ID, in); err != nil {
			return fmt.Errorf("index %s: %w", d.ID, err)
		}
	}
	return x.apply(ctx, batches)
}

// apply writes the non-empty batches, one goroutine a shard.
func (x *Indexer) apply(ctx context.Context, batches []*bleve.Batch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := x.roomToWrite(); err != nil {
		return err
	}
	errs := make([]error, len(batches))
	var wg sync.WaitGroup
	for i, b := range batches {
		if b.Size() == 0 {
			continue
		}
		wg.Go(func() {
			// A write Bleve cannot make (a full or read-only disk, a
			// closed index) can panic inside it: an error of this write,
			// which the stage retries and reports, never the process's end.
			defer func() {
				if p := recover(); p != nil {
					errs[i] = fmt.Errorf("search index shard %d: write failed: %v", i, p)
				}
			}()
			errs[i] = x.shards[i].Batch(b)
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

func secrecy(c string) string {
	if c == "" {
		return "public"
	}
	return viet.Fold(c)
}

// Delete removes documents.
func (x *Indexer) Delete(ctx context.Context, ids ...string) error {
	batches := make([]*bleve.Batch, len(x.shards))
	for i, s := range x.shards {
		batches[i] = s.NewBatch()
	}
	for _, id := range ids {
		batches[x.shard(id)].Delete(id)
	}
	return x.apply(ctx, batches)
}

// Search runs a query inside the caller's agency and clearance.
func (x *Indexer) Search(ctx context.Context, opt search.Options) (search.Result, error) {
	opt, err := opt.Check()
	if err != nil {
		return search.Result{}, err
	}
	res, err := x.search(ctx, opt, exactWords) // checks the caller's reach first
	// Nothing as typed or unaccented: allow typos. Only then, since
	// expanding every word over the dictionary costs more than the
	// search itself, and an exact match must never be outranked. First
	// in the words the archive does not know, then in every word (a typo
	// can make another real word: "Trà Khú" is "khu", zone).
	for _, t := range []typos{unknownWords, allWords} {
		if kind, _ := search.ParseQuery(opt.Query); err != nil || res.Total > 0 || kind != search.Words || opt.Query == "" {
			break
		}
		res, err = x.search(ctx, opt, t)
	}
	return res, err
}

// typos says which words of a query may be misspelt.
type typos int

const (
	exactWords   typos = iota // none
	unknownWords              // those the archive does not hold as typed
	allWords
)

func (x *Indexer) search(ctx context.Context, opt search.Options, typos typos) (search.Result, error) {
	agencies, err := search.AgencyFilter(opt)
	if err != nil {
		return search.Result{}, err
	}
	must := reachOf(agencies, opt.Caller.Cleared)
	if opt.Status != "" {
		must = append(must, termQ("status", opt.Status))
	}
	if opt.DocType != "" {
		must = append(must, termQ("doc_type", opt.DocType))
	}
	if opt.Issuer != "" {
		must = append(must, termQ("issuer_key", viet.Canonical(opt.Issuer)))
	}
	if opt.Urgency != "" {
		must = append(must, termQ("urgency_key", search.UrgencyKey(opt.Urgency)))
	}
	if opt.From != "" || opt.To != "" {
		var lo, hi time.Time
		var err error
		if opt.From != "" {
			if lo, err = time.Parse(time.DateOnly, opt.From); err != nil {
				return search.Result{}, fmt.Errorf("from date %q: want YYYY-MM-DD", opt.From)
			}
		}
		if opt.To != "" {
			if hi, err = time.Parse(time.DateOnly, opt.To); err != nil {
				return search.Result{}, fmt.Errorf("to date %q: want YYYY-MM-DD", opt.To)
			}
		}
		must = append(must, dateQuery(lo, hi))
	}
	if q := opt.Query; q != "" {
		if key, ok := search.ParseNumberKey(q); ok {
			must = append(must, termQ("number_key", key))
		} else {
			var known func(string) bool
			switch typos {
			case unknownWords:
				known = func(w string) bool { return x.known(ctx, w) }
			case allWords:
				known = func(string) bool { return false }
			}
			must = append(must, textQuery(q, known))
		}
	}
	req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(must...), opt.Size, opt.Offset, false)
	req.Fields = []string{"*"}
	if opt.ByDate {
		req.SortBy([]string{"-issued_at", "-_score"})
	}
	// Facets are computed on the filtered query: a caller never learns
	// counts of documents out of their reach.
	for _, f := range []string{"doc_type", "issuer_key", "year", "status"} {
		req.AddFacet(f, bleve.NewFacetRequest(f, 20))
	}
	return x.run(ctx, req, opt.Query)
}

// dateQuery matches issue dates in [lo, hi] (a zero bound is open). A
// bounded range is cut into whole years and whole months, each one term,
// and date ranges only for the days at its ends: a date range walks many
// numeric terms, and it was what made filtered searches slow.
func dateQuery(lo, hi time.Time) query.Query {
	incl := true
	days := func(a, b time.Time) query.Query {
		r := bleve.NewDateRangeInclusiveQuery(a, b, &incl, &incl)
		r.SetField("issued_date")
		return r
	}
	if lo.IsZero() || hi.IsZero() || hi.Before(lo) || hi.Sub(lo) > 200*366*24*time.Hour {
		return days(lo, hi)
	}
	var parts []query.Query
	for d := lo; !d.After(hi); {
		switch {
		case d.YearDay() == 1 && !d.AddDate(1, 0, -1).After(hi):
			parts = append(parts, termQ("year", d.Format("2006")))
			d = d.AddDate(1, 0, 0)
		case d.Day() == 1 && !d.AddDate(0, 1, -1).After(hi):
			parts = append(parts, termQ("month", d.Format("2006-01")))
			d = d.AddDate(0, 1, 0)
		default:
			end := time.Date(d.Year(), d.Month()+1, 0, 0, 0, 0, 0, d.Location()) // the month's last day
			if end.After(hi) {
				end = hi
			}
			parts = append(parts, days(d, end))
			d = end.AddDate(0, 0, 1)
		}
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return bleve.NewDisjunctionQuery(parts...)
}

// reach is the caller's agency and clearance, as query clauses every
// search carries.
func reach(c search.Caller) []query.Query { return reachOf(c.Agencies(), c.Cleared) }

func reachOf(agencies, cleared []string) []query.Query {
	levels := []query.Query{termQ("secrecy", "public")}
	for _, l := range cleared {
		levels = append(levels, termQ("secrecy", viet.Fold(l)))
	}
	var in []query.Query
	for _, a := range agencies {
		in = append(in, termQ("agency", a))
	}
	return []query.Query{bleve.NewDisjunctionQuery(in...), bleve.NewDisjunctionQuery(levels...)}
}

// get fetches a document the caller may see.
func (x *Indexer) get(ctx context.Context, c search.Caller, id string) (search.Document, indexed, error) {
	if c.Agency == "" {
		return search.Document{}, indexed{}, errors.New("search without a caller's agency")
	}
	q := bleve.NewConjunctionQuery(append(reach(c), bleve.NewDocIDQuery([]string{id}))...)
	req := bleve.NewSearchRequest(q)
	req.Fields = []string{"*"}
	res, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return search.Document{}, indexed{}, err
	}
	if len(res.Hits) == 0 {
		return search.Document{}, indexed{}, search.ErrNotFound
	}
	h := res.Hits[0]
	str := func(k string) string { s, _ := h.Fields[k].(string); return s }
	d := search.Document{ID: h.ID, Subject: str("subject"), Text: str("text"), Number: str("number"), Symbol: str("symbol"), Issuer: str("issuer")}
	return d, indexed{NumberKey: str("number_key"), IssuerKey: str("issuer_key")}, nil
}

// Similar finds documents sharing the characteristic words of id's.
func (x *Indexer) Similar(ctx context.Context, c search.Caller, id string, size int) (search.Result, error) {
	d, _, err := x.get(ctx, c, id)
	if err != nil {
		return search.Result{}, err
	}
	var words []query.Query
	for _, w := range search.Keywords(d.Subject+" "+d.Subject+" "+d.Text, 25) {
		for _, f := range []string{"subject_folded", "text_folded"} {
			words = append(words, termQ(f, w))
		}
	}
	if len(words) == 0 {
		return search.Result{}, nil
	}
	like := bleve.NewDisjunctionQuery(words...)
	like.SetMin(2)
	not := bleve.NewBooleanQuery()
	not.AddMustNot(bleve.NewDocIDQuery([]string{id}))
	not.AddMust(bleve.NewConjunctionQuery(append(reach(c), like)...))
	req := bleve.NewSearchRequestOptions(not, min(max(1, size), search.MaxSize), 0, false)
	req.Fields = []string{"*"}
	return x.run(ctx, req, "")
}

// Duplicates finds documents with id's number, symbol and issuer.
func (x *Indexer) Duplicates(ctx context.Context, c search.Caller, id string) (search.Result, error) {
	_, in, err := x.get(ctx, c, id)
	if err != nil {
		return search.Result{}, err
	}
	if in.NumberKey == "" {
		return search.Result{}, nil
	}
	q := bleve.NewBooleanQuery()
	q.AddMust(append(reach(c), termQ("number_key", in.NumberKey), termQ("issuer_key", in.IssuerKey))...)
	q.AddMustNot(bleve.NewDocIDQuery([]string{id}))
	req := bleve.NewSearchRequestOptions(q, 50, 0, false)
	req.Fields = []string{"*"}
	return x.run(ctx, req, "")
}

// run searches; q is the user's query, for snippets.
func (x *Indexer) run(ctx context.Context, req *bleve.SearchRequest, q string) (search.Result, error) {
	res, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return search.Result{}, err
	}
	out := search.Result{Total: res.Total}
	for _, h := range res.Hits {
		d := search.Document{ID: h.ID}
		str := func(k string) string { s, _ := h.Fields[k].(string); return s }
		d.Agency, d.Confidentiality, d.File, d.DocType = str("agency"), str("confidentiality"), str("file"), str("doc_type")
		d.Number, d.Symbol, d.Issuer, d.IssuedAt, d.Subject = str("number"), str("symbol"), str("issuer"), str("issued_at"), str("subject")
		d.Signer, d.Urgency, d.Status = str("signer"), str("urgency"), str("status")
		hit := search.Hit{ID: h.ID, Score: h.Score, Doc: d}
		if q != "" {
			// Marked in Go rather than by Bleve's highlighter: it is twice
			// as fast here, and it marks the printed words whether the
			// query matched them as typed, unaccented or misspelt.
			hit.Highlights = append(search.Snippets(d.Subject, q, 1), search.Snippets(str("text"), q, 2)...)
		}
		out.Hits = append(out.Hits, hit)
	}
	out.Facets = map[string][]search.FacetCount{}
	for name, fr := range res.Facets {
		key := map[string]string{"issuer_key": "issuer"}[name]
		if key == "" {
			key = name
		}
		for _, t := range fr.Terms.Terms() {
			out.Facets[key] = append(out.Facets[key], search.FacetCount{Value: t.Term, Count: t.Count})
		}
	}
	return out, nil
}

func termQ(field, v string) query.Query {
	q := bleve.NewTermQuery(v)
	q.SetField(field)
	return q
}

// textQuery matches the printed fields (boosted) or the folded ones: all
// the words, a "phrase", or words ending in a prefix*.
func textQuery(q string, known func(word string) bool) query.Query {
	kind, text := search.ParseQuery(q)
	exact, folded := viet.Canonical(text), search.Fold(text)
	var any []query.Query
	add := func(fields []string, t string, boost float64) {
		for _, f := range fields {
			switch kind {
			case search.Phrase:
				if f == "text" {
					continue // no positions: the pairs answer phrases
				}
				if strings.HasSuffix(f, "_folded") {
					continue // the pairs, below
				}
				m := bleve.NewMatchPhraseQuery(t)
				m.SetField(f)
				m.SetBoost(boost)
				any = append(any, m)
			case search.Prefix:
				words := strings.Fields(strings.ToLower(t))
				if len(words) == 0 {
					continue
				}
				parts := []query.Query{}
				if len(words) > 1 {
					m := bleve.NewMatchQuery(strings.Join(words[:len(words)-1], " "))
					m.SetField(f)
					m.SetOperator(query.MatchQueryOperatorAnd)
					parts = append(parts, m)
				}
				p := bleve.NewPrefixQuery(words[len(words)-1])
				p.SetField(f)
				parts = append(parts, p)
				c := bleve.NewConjunctionQuery(parts...)
				c.SetBoost(boost)
				any = append(any, c)
			default:
				m := bleve.NewMatchQuery(t)
				m.SetField(f)
				m.SetBoost(boost)
				m.SetOperator(query.MatchQueryOperatorAnd)
				any = append(any, m)
			}
		}
	}
	// signer has no folded copy: it is matched as typed.
	add([]string{"signer"}, exact, 2)
	var spelled []query.Query
	if folded != strings.ToLower(exact) {
		// Typed with accents: the exact spelling's weight is far above
		// anything the folded fields give, so that scores fall in two
		// tiers: every document with the words as typed, then those that
		// only fold alike. (A small boost was not enough once the index
		// is sharded: each shard weighs a rare word by its own counts.)
		// It is an optional clause beside the folded match, which finds
		// the documents: the printed fields are then only looked up for
		// those, not walked from end to end as a disjunction would.
		n := len(any)
		add([]string{"subject", "text", "issuer", "signer"}, exact, 1000)
		spelled = append(spelled, any[n:]...)
		any = any[:n]
	}
	if p, ok := pairsQuery(folded); kind == search.Phrase && ok {
		any = append(any, p)
	} else {
		if kind == search.Phrase {
			kind = search.Words // one word in quotes is that word
		}
		add([]string{"subject_folded", "text_folded", "issuer_folded"}, folded, 1)
	}
	if known != nil && kind == search.Words {
		any = append(any, typoQuery(folded, known))
	}
	match := bleve.NewDisjunctionQuery(any...)
	if len(spelled) == 0 {
		return match
	}
	b := bleve.NewBooleanQuery()
	b.AddMust(match)
	b.AddShould(spelled...)
	return b
}

// pairsQuery is a folded phrase as the conjunction of its adjacent word
// pairs in phrase_folded; false for fewer than two words.
func pairsQuery(folded string) (query.Query, bool) {
	words := strings.FieldsFunc(folded, func(r rune) bool { return !stdunicode.IsLetter(r) && !stdunicode.IsDigit(r) })
	if len(words) < 2 {
		return nil, false
	}
	var qs []query.Query
	for i := 1; i < len(words); i++ {
		qs = append(qs, termQ("phrase_folded", words[i-1]+" "+words[i]))
	}
	return bleve.NewConjunctionQuery(qs...), true
}

// known reports whether a folded word is in the archive's subjects or
// texts as it is.
func (x *Indexer) known(ctx context.Context, w string) bool {
	q := bleve.NewDisjunctionQuery(termQ("subject_folded", w), termQ("text_folded", w))
	res, err := x.idx.SearchInContext(ctx, bleve.NewSearchRequestOptions(q, 0, 0, false))
	return err == nil && res.Total > 0
}

// typoQuery tolerates misspellings: words the archive knows are taken as
// they are (a clerk's "bau" is bàu, not bao or ban, whatever else is
// misspelt), and every other folded word must be within an
// edit or two (by its length, as Elasticsearch's AUTO) of a word of the
// subject or text. Its low boost ranks exact and folded matches first.
func typoQuery(folded string, known func(string) bool) query.Query {
	var words []query.Query
	for _, w := range strings.FieldsFunc(folded, func(r rune) bool { return !stdunicode.IsLetter(r) && !stdunicode.IsDigit(r) }) {
		n := len([]rune(w))
		fuzziness := 2
		if n <= 5 {
			fuzziness = 1
		}
		var per []query.Query
		// Long words are taken as typed: a fuzzy automaton grows with the
		// word, and no Vietnamese syllable is that long.
		exact := n < 3 || n > search.MaxFuzzyRunes || known(w)
		for _, f := range []string{"subject_folded", "text_folded"} {
			if exact {
				per = append(per, termQ(f, w))
				continue
			}
			q := bleve.NewFuzzyQuery(w)
			q.SetField(f)
			q.SetFuzziness(fuzziness)
			q.SetPrefix(1) // a typo is rarely in the first letter; this bounds the expansion
			per = append(per, q)
		}
		words = append(words, bleve.NewDisjunctionQuery(per...))
	}
	c := bleve.NewConjunctionQuery(words...)
	c.SetBoost(0.2)
	return c
}

// Ping checks the index answers.
func (x *Indexer) Ping(ctx context.Context) error {
	_, err := x.idx.DocCount()
	return err
}

// Close closes the index.
func (x *Indexer) Close() error { return x.closeShards() }
