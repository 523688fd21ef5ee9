package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/vanthu/vanthu/internal/config"
	"github.com/vanthu/vanthu/internal/domain"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/search"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// runIndex extracts files and puts them into the search index under DATA.
func runIndex(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("index", "Usage: vanthu index [flags] FILE|DIR...\n\nReads the files (as vanthu extract does) and indexes their records for vanthu search.\nA file indexed again replaces its entry. Exits 1 if any file failed.", stderr)
	var pf pipelineFlags
	pf.register(fs)
	data := fs.String("data", config.Get("VANTHU_DATA"), "state folder (env VANTHU_DATA); the index lives in DATA/index, or in Elasticsearch or OpenSearch when VANTHU_ES_URL or VANTHU_OPENSEARCH_URL is set")
	agency := fs.String("agency", config.Get("VANTHU_AGENCY"), "agency the documents belong to (env VANTHU_AGENCY)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	files, err := expandInputs(fs.Args())
	if err != nil {
		fs.Usage()
		return 2
	}
	idx, err := openIndexer(ctx, *data)
	if err != nil {
		fmt.Fprintln(stderr, "vanthu index:", err)
		return 1
	}
	defer idx.Close()
	p, engine := pf.build(stderr)
	defer engine.Close()
	failed := 0
	processAll(ctx, p, files, pf.jobs, stderr, func(rec doc.Record) {
		if rec.Error != "" {
			failed++
			return
		}
		id := "file:" + rec.File
		if abs, err := filepath.Abs(rec.File); err == nil {
			id = "file:" + abs
		}
		// Kept under the level its marking says (an unreadable one is the
		// highest), as the functions and the API keep it.
		d := domain.SearchDocument(id, *agency, rec.File, rec, records.SecrecyOf(rec.Confidentiality), records.StatusOf(rec))
		if err := idx.Index(ctx, d); err != nil {
			fmt.Fprintf(stderr, "vanthu index: %q: %v\n", rec.File, err)
			failed++
		}
	})
	fmt.Fprintf(stderr, "indexed %d of %d files into %s\n", len(files)-failed, len(files), filepath.Join(*data, "index"))
	if failed > 0 {
		return 1
	}
	return 0
}

// searchHit is the JSON of one hit (vanthu search --json).
type searchHit struct {
	ID         string   `json:"id"`
	File       string   `json:"file"`
	Score      float64  `json:"score"`
	DocType    string   `json:"doc_type"`
	Number     string   `json:"number"`
	Symbol     string   `json:"symbol"`
	Issuer     string   `json:"issuer"`
	IssuedAt   string   `json:"issued_at"`
	Subject    string   `json:"subject"`
	Highlights []string `json:"highlights"`
}

// runSearch queries the index, within an agency and a clearance.
func runSearch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("search", "Usage: vanthu search [flags] [QUERY]\n\nSearches the index built by vanthu index or vanthu serve. Accents are optional\n(\"quyet dinh\" finds \"Quyết định\"); a number and symbol (\"46/TB-UBND\", \"46 tb ubnd\")\nfinds that document.", stderr)
	data := fs.String("data", config.Get("VANTHU_DATA"), "state folder (env VANTHU_DATA)")
	agency := fs.String("agency", config.Get("VANTHU_AGENCY"), "search as a member of this agency")
	var opt search.Options
	also := fs.String("also", "", "other agencies the searcher may read, comma-separated (an office over its departments)")
	fs.StringVar(&opt.Agency, "in", "", "only this agency's documents (the searcher's own or one of --also)")
	fs.StringVar(&opt.Status, "status", "", "only records in this state")
	cleared := fs.String("cleared", "", "secrecy levels the searcher is cleared for, comma-separated (MẬT,TỐI MẬT,TUYỆT MẬT)")
	asJSON := fs.Bool("json", false, "one JSON object per hit, best first")
	fs.StringVar(&opt.DocType, "type", "", "only this document type (QĐ, CV, TB, ...)")
	fs.StringVar(&opt.Issuer, "issuer", "", "only this issuing body, as printed")
	fs.StringVar(&opt.Urgency, "urgency", "", "only this urgency (Khẩn, Thượng khẩn, Hỏa tốc; accents optional)")
	year := fs.Int("year", 0, "only documents issued in this year (shorthand for --from and --to)")
	fs.StringVar(&opt.From, "from", "", "issued on or after (YYYY-MM-DD)")
	fs.StringVar(&opt.To, "to", "", "issued on or before (YYYY-MM-DD)")
	fs.BoolVar(&opt.ByDate, "by-date", false, "newest first instead of best first")
	similar := fs.String("similar", "", "more like the document with this id (as --json prints it)")
	duplicates := fs.String("duplicates", "", "documents with the same number, symbol and issuer as this id")
	page := fs.Int("page", 1, "result page")
	fs.IntVar(&opt.Size, "size", 20, "hits per page")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	opt.Query = strings.Join(fs.Args(), " ")
	if *year != 0 {
		if *year < 1945 || *year > 9999 {
			fmt.Fprintf(stderr, "vanthu search: --year %d is not a year of the archive\n", *year)
			return 2
		}
		opt.From, opt.To = fmt.Sprintf("%d-01-01", *year), fmt.Sprintf("%d-12-31", *year)
	}
	opt.Offset = max(0, *page-1) * max(1, opt.Size)
	opt.Caller = search.Caller{Agency: *agency, Cleared: commaList(*cleared), Also: commaList(*also)}
	idx, err := openIndexer(ctx, *data)
	if err != nil {
		fmt.Fprintln(stderr, "vanthu search:", err)
		return 1
	}
	defer idx.Close()
	var res search.Result
	switch {
	case *similar != "":
		res, err = idx.Similar(ctx, opt.Caller, *similar, opt.Size)
	case *duplicates != "":
		res, err = idx.Duplicates(ctx, opt.Caller, *duplicates)
	default:
		res, err = idx.Search(ctx, opt)
	}
	if err != nil {
		fmt.Fprintln(stderr, "vanthu search:", err)
		return 1
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	for _, h := range res.Hits {
		d := h.Doc
		if *asJSON {
			hl := h.Highlights
			if hl == nil {
				hl = []string{}
			}
			enc.Encode(searchHit{ID: h.ID, File: d.File, Score: h.Score, DocType: d.DocType, Number: d.Number, Symbol: d.Symbol,
				Issuer: d.Issuer, IssuedAt: d.IssuedAt, Subject: d.Subject, Highlights: hl})
			continue
		}
		fmt.Fprintf(stdout, "%-5s %s/%s  %s  %s\n      %s\n", d.DocType, d.Number, d.Symbol, d.IssuedAt, d.Issuer, d.Subject)
		for _, f := range h.Highlights {
			fmt.Fprintf(stdout, "      … %s\n", strings.Join(strings.Fields(f), " "))
		}
		fmt.Fprintf(stdout, "      %s\n", d.File)
	}
	if !*asJSON {
		fmt.Fprintf(stdout, "%d documents", res.Total)
		for _, name := range []string{"doc_type", "year", "issuer"} {
			var parts []string
			for _, f := range res.Facets[name] {
				parts = append(parts, fmt.Sprintf("%s %d", f.Value, f.Count))
			}
			if len(parts) > 0 {
				fmt.Fprintf(stdout, "; %s: %s", name, strings.Join(parts, ", "))
			}
		}
		fmt.Fprintln(stdout)
	}
	return 0
}

// commaList splits a flag's comma-separated values, dropping empty ones.
func commaList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
