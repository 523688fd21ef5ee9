// Package search is the seam to the archive's search index (issue 4 builds
// it out: Elasticsearch beside Bleve, facets, highlighting). Every search
// is filtered by the caller's agency and clearance inside the query.
package search

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vanthu/vanthu/internal/viet"
)

// Document is what is indexed of a record.
type Document struct {
	ID              string `json:"id"` // bucket/key@etag: one version of an upload
	Agency          string `json:"agency"`
	Confidentiality string `json:"confidentiality"` // "", MẬT, TỐI MẬT, TUYỆT MẬT
	File            string `json:"file"`
	DocType         string `json:"doc_type"`
	Number          string `json:"number"`
	Symbol          string `json:"symbol"`
	Issuer          string `json:"issuer"`
	IssuedAt        string `json:"issued_at"`
	Subject         string `json:"subject"`
	Signer          string `json:"signer"`
	Urgency         string `json:"urgency"`
	// Status is the record's state as the records keep it (waiting for
	// review, registered, ...): a keyword to filter and count by.
	Status string `json:"status,omitempty"`
	Text   string `json:"text"`
}

// Caller is who searches: results are limited to their agency and to the
// secrecy levels they are cleared for.
type Caller struct {
	Agency  string
	Cleared []string // secrecy levels beyond "" this caller may see
	// Also are other agencies whose archives this caller may read: a
	// city's office over its departments. Secrecy applies to them too.
	Also []string
}

// Agencies is every agency in the caller's reach, their own first.
func (c Caller) Agencies() []string { return append([]string{c.Agency}, c.Also...) }

// ErrOutOfReach is a filter on an agency the caller may not read.
var ErrOutOfReach = errors.New("agency outside the caller's reach")

// AgencyFilter checks opt.Agency against the caller's reach and returns
// the agencies to search.
func AgencyFilter(opt Options) ([]string, error) {
	if opt.Caller.Agency == "" {
		return nil, errors.New("search without a caller's agency")
	}
	all := opt.Caller.Agencies()
	if opt.Agency == "" {
		return all, nil
	}
	for _, a := range all {
		if a == opt.Agency {
			return []string{a}, nil
		}
	}
	return nil, fmt.Errorf("%w: %q", ErrOutOfReach, opt.Agency)
}

// Options of a search.
type Options struct {
	Caller  Caller
	Query   string
	DocType string
	Issuer  string
	Urgency string // only this urgency (Khẩn, Thượng khẩn, Hỏa tốc), however written
	Status  string // only records in this state
	Agency  string // only this agency's documents (one in the caller's reach)
	From    string // issued on or after, YYYY-MM-DD
	To      string // issued on or before, YYYY-MM-DD
	// ByDate sorts newest first instead of by relevance.
	ByDate bool
	Offset int
	Size   int // default 20
}

// Bounds of a search request. A query comes from anybody: every number
// and length in it is bounded before a backend sees it (Bleve adds size
// to offset in a goroutine of its own, where an overflow kills the
// process; a fuzzy query over one long word builds an automaton as large
// as the word).
const (
	MaxSize        = 100    // hits per page
	MaxWindow      = 10_000 // offset + size: as deep as paging goes (Elasticsearch's max_result_window)
	MaxQueryRunes  = 500    // a pasted subject line fits
	MaxQueryWords  = 32
	MaxFilterRunes = 200 // type, issuer, urgency, status, agency
	// MaxFuzzyRunes: longer words are matched as typed, never fuzzily.
	MaxFuzzyRunes = 20
)

// ErrInvalid wraps every refusal of a malformed search request; its
// message says what is wrong and is fit to show.
var ErrInvalid = errors.New("invalid search")

// Earliest and latest issue dates a date filter distinguishes: bounds
// outside them are open (Bleve keeps dates as Unix nanoseconds, which
// cannot hold the year 1 or 9999).
var (
	EarliestDate = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	LatestDate   = time.Date(2200, 12, 31, 0, 0, 0, 0, time.UTC)
)

// Check refuses a request out of bounds and returns it with its defaults
// filled in (size 20) and its date bounds read: every backend calls it
// first.
func (o Options) Check() (Options, error) {
	bad := func(format string, a ...any) (Options, error) {
		return o, fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, a...)...)
	}
	if o.Size == 0 {
		o.Size = 20
	}
	switch {
	case o.Size < 0 || o.Size > MaxSize:
		return bad("size %d: want 1 to %d", o.Size, MaxSize)
	case o.Offset < 0 || o.Offset > MaxWindow-o.Size:
		return bad("offset %d: want 0 to %d (results are paged %d deep)", o.Offset, MaxWindow-o.Size, MaxWindow)
	case !utf8.ValidString(o.Query):
		return bad("the query is not UTF-8 text")
	case utf8.RuneCountInString(o.Query) > MaxQueryRunes:
		return bad("the query has %d characters: at most %d", utf8.RuneCountInString(o.Query), MaxQueryRunes)
	case len(strings.Fields(o.Query)) > MaxQueryWords:
		return bad("the query has %d words: at most %d", len(strings.Fields(o.Query)), MaxQueryWords)
	}
	for name, v := range map[string]string{"type": o.DocType, "issuer": o.Issuer, "urgency": o.Urgency, "status": o.Status, "agency": o.Agency} {
		if utf8.RuneCountInString(v) > MaxFilterRunes || !utf8.ValidString(v) {
			return bad("%s: at most %d characters of text", name, MaxFilterRunes)
		}
	}
	for _, d := range []struct {
		name string
		v    *string
	}{{"from", &o.From}, {"to", &o.To}} {
		if *d.v == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, *d.v)
		if err != nil {
			return bad("%s date %q: want YYYY-MM-DD", d.name, *d.v)
		}
		if t.Before(EarliestDate) || t.After(LatestDate) {
			*d.v = "" // beyond every document: the bound is open
		}
	}
	if o.From != "" && o.To != "" && o.To < o.From {
		return bad("the date range ends (%s) before it starts (%s)", o.To, o.From)
	}
	return o, nil
}

// Hit is one result.
type Hit struct {
	ID         string
	Score      float64
	Doc        Document
	Highlights []string // fragments of the subject and text with the matches marked
}

// FacetCount is a value of a facet and how many hits have it.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Result of a search.
type Result struct {
	Total  uint64
	Hits   []Hit
	Facets map[string][]FacetCount // doc_type, issuer, year: within the caller's reach only
}

// ErrUnavailable wraps a failure of the search backend that may pass (a
// cluster unreachable, overloaded or without a copy of a shard): the
// request can be sent again in a moment.
var ErrUnavailable = errors.New("search index unavailable for now")

// ErrNotFound is returned for a document the caller cannot see, whether it
// does not exist or is out of their reach: the two are not told apart.
var ErrNotFound = errors.New("document not found")

// Indexer is a search backend.
type Indexer interface {
	Index(ctx context.Context, docs ...Document) error
	Delete(ctx context.Context, ids ...string) error
	Search(ctx context.Context, opt Options) (Result, error)
	// Similar is "more like this": documents whose words resemble the
	// document id's, within the caller's reach.
	Similar(ctx context.Context, caller Caller, id string, size int) (Result, error)
	// Duplicates are documents with the same number, symbol and issuer.
	Duplicates(ctx context.Context, caller Caller, id string) (Result, error)
	Ping(ctx context.Context) error
	Close() error
}

var numberSymbol = regexp.MustCompile(`(?i)^\s*(\d{1,5})\s*[/\s]\s*((?:\d{4}\s*/\s*)?[\pL]{1,6})\s*[-\s]\s*([\pL]{1,10}(?:[-\s][\pL]{1,10})?)\s*$`)

// NumberKey is the normalised "number/symbol" a document is found by:
// "46/TB-UBND", "46/tb-ubnd" and "46 TB UBND" are the same key.
func NumberKey(number, symbol string) string {
	if number == "" || symbol == "" {
		return ""
	}
	return viet.Fold(strings.TrimLeft(number, "0") + "/" + strings.ReplaceAll(strings.ReplaceAll(symbol, " ", "-"), "--", "-"))
}

// ParseNumberKey recognises a query that is a number and symbol.
func ParseNumberKey(q string) (string, bool) {
	m := numberSymbol.FindStringSubmatch(q)
	if m == nil {
		return "", false
	}
	return NumberKey(m[1], strings.ReplaceAll(m[2], " ", "")+"-"+strings.ReplaceAll(m[3], " ", "-")), true
}

// QueryKind says how a free-text query is meant.
type QueryKind int

const (
	Words  QueryKind = iota // all the words, in any order
	Phrase                  // "in quotes": the words in this order
	Prefix                  // ends with *: the last word is a beginning
)

// ParseQuery reads the user's intent from the query text.
func ParseQuery(q string) (QueryKind, string) {
	q = strings.TrimSpace(q)
	switch {
	case len(q) > 2 && strings.HasPrefix(q, `"`) && strings.HasSuffix(q, `"`):
		return Phrase, strings.Trim(q, `"`)
	case len(q) > 1 && strings.HasSuffix(q, "*"):
		return Prefix, strings.TrimSuffix(q, "*")
	}
	return Words, q
}

// Keywords picks the words that characterise a text for "more like this":
// the most frequent folded words of three letters or more.
func Keywords(text string, n int) []string {
	counts := map[string]int{}
	var order []string
	for _, w := range strings.FieldsFunc(Fold(text), func(r rune) bool { return !(r >= 'a' && r <= 'z') }) {
		if len(w) < 3 {
			continue
		}
		if counts[w] == 0 {
			order = append(order, w)
		}
		counts[w]++
	}
	sort.SliceStable(order, func(i, j int) bool { return counts[order[i]] > counts[order[j]] })
	if len(order) > n {
		order = order[:n]
	}
	return order
}

// UrgencyKey is an urgency as filtered on: folded, one space between words.
func UrgencyKey(u string) string { return strings.Join(strings.Fields(viet.Fold(u)), " ") }
