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
