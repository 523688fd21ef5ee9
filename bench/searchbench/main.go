// Command searchbench indexes the synthetic archive into Bleve and into
// PostgreSQL full-text search (unaccent + GIN: what a team would build
// without a search engine) in one run, and compares indexing throughput,
// index size, query latency over a fixed mix and relevance.
//
//	go run ./bench/searchbench -n 100000 -pg 'host=/var/run/postgresql dbname=vanthu_bench'
package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vanthu/vanthu/bench/archive"
	"github.com/vanthu/vanthu/internal/search"
	"github.com/vanthu/vanthu/internal/search/bleve"
	"github.com/vanthu/vanthu/internal/viet"
)

func main() {
	n := flag.Int("n", 100000, "documents in the archive")
	dsn := flag.String("pg", "host=/var/run/postgresql dbname=vanthu_bench", "PostgreSQL to compare with")
	dir := flag.String("dir", "", "where the Bleve index goes (default: a temporary folder)")
	flag.Parse()
	ctx := context.Background()
	if err := run(ctx, *n, *dsn, *dir); err != nil {
		log.Fatal(err)
	}
}

type engine interface {
	archive.Searcher
	Index(ctx context.Context, docs ...search.Document) error
}

func run(ctx context.Context, n int, dsn, dir string) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "searchbench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	needles, labelled := archive.Relevance(1)
	hard, hardQs := archive.Hard(1)
	docs := append(append(archive.Documents(1, n), needles...), hard...)
	mix := queryMix(labelled)
	fmt.Printf("archive: %d documents, %d + %d labelled queries, a mix of %d queries\n\n", len(docs), len(labelled), len(hardQs), len(mix))

	bx, err := bleve.Open(filepath.Join(dir, "bleve"))
	if err != nil {
		return err
	}
	defer bx.Close()
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return fmt.Errorf("postgresql %s: %w", dsn, err)
	}
	defer pool.Close()
	px := &pg{pool: pool}
	if err := px.setup(ctx); err != nil {
		return err
	}
	fmt.Println("| | Bleve (vanthu) | PostgreSQL FTS (unaccent + GIN) |")
	fmt.Println("|---|---|---|")
	var names, missed []string
	rows := map[string]*[2]string{}
	add := func(name string, col int, v string) {
		if rows[name] == nil {
			names = append(names, name)
			rows[name] = &[2]string{}
		}
		rows[name][col] = v
	}
	groups := []struct {
		name string
		qs   []archive.Labelled
	}{{"needles + numbers", labelled}}
	for _, g := range []string{archive.GroupSpelling, archive.GroupTypo, archive.GroupOCR} {
		var qs []archive.Labelled
		for _, q := range hardQs {
			if q.Group == g {
				qs = append(qs, q)
			}
		}
		groups = append(groups, struct {
			name string
			qs   []archive.Labelled
		}{g, qs})
	}
	for col, e := range []engine{bx, px} {
		start := time.Now()
		for i := 0; i < len(docs); i += 1000 {
			if err := e.Index(ctx, docs[i:min(i+1000, len(docs))]...); err != nil {
				return err
			}
		}
		if p, ok := e.(*pg); ok {
			if err := p.finish(ctx); err != nil {
				return err
			}
		}
		took := time.Since(start)
		add("indexing", col, fmt.Sprintf("%.0f docs/s (%.1f s)", float64(len(docs))/took.Seconds(), took.Seconds()))
		var size int64
		if col == 0 {
			size = dirSize(filepath.Join(dir, "bleve"))
		} else {
			pool.QueryRow(ctx, `SELECT pg_total_relation_size('docs')`).Scan(&size)
		}
		add("index size", col, fmt.Sprintf("%.0f MiB", float64(size)/(1<<20)))
		// Warm up once, then time the mix.
		for _, o := range mix {
			e.Search(ctx, o)
		}
		var lat []time.Duration
		byKind := make([][]time.Duration, len(kinds))
		for i, o := range mix {
			t0 := time.Now()
			if _, err := e.Search(ctx, o); err != nil {
				return fmt.Errorf("%q: %w", o.Query, err)
			}
			lat = append(lat, time.Since(t0))
			byKind[i%len(kinds)] = append(byKind[i%len(kinds)], time.Since(t0))
		}
		slices.Sort(lat)
		add("query p50", col, fmt.Sprintf("%.2f ms", ms(lat[len(lat)/2])))
		add("query p95", col, fmt.Sprintf("%.2f ms", ms(lat[len(lat)*95/100])))
		for k, l := range byKind {
			slices.Sort(l)
			add("p50 / p95: "+kinds[k], col, fmt.Sprintf("%.2f / %.2f ms", ms(l[len(l)/2]), ms(l[len(l)*95/100])))
		}
		for _, g := range groups {
			for _, unacc := range []bool{false, true} {
				s, err := archive.Measure(ctx, e, g.qs, unacc)
				if err != nil {
					return err
				}
				how := "accented"
				if unacc {
					how = "unaccented"
				}
				add(fmt.Sprintf("recall@10 / MRR: %s (%d), %s", g.name, len(g.qs), how), col, fmt.Sprintf("%.3f / %.3f", s.RecallAt10, s.MRR))
				if len(s.Missed) > 0 {
					missed = append(missed, fmt.Sprintf("%s, %s, %s: not in the first ten: %q", []string{"Bleve", "PostgreSQL"}[col], g.name, how, s.Missed))
				}
			}
		}
	}
	for _, name := range names {
		fmt.Printf("| %s | %s | %s |\n", name, rows[name][0], rows[name][1])
	}
	fmt.Println()
	for _, m := range missed {
		fmt.Println(m)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if i, err := d.Info(); err == nil {
				n += i.Size()
			}
		}
		return nil
	})
	return n
}

// kinds of the mix, in the order queryMix cycles through them.
var kinds = []string{"labelled, accented", "labelled, unaccented", "phrase", "words + type + dates", "browse (facets, newest first)"}

// queryMix is the fixed mix of 200 queries: the labelled ones as typed and
// unaccented (words and number/symbol), phrases, filtered by type and
// date, and plain facet browsing.
func queryMix(labelled []archive.Labelled) []search.Options {
	r := rand.New(rand.NewPCG(7, 7))
	agencies := []string{"ubnd-tinh", "so-tc", "so-nv", "so-xd", "so-yt"}
	phrases := []string{`"dự toán ngân sách"`, `"an toàn thực phẩm"`, `"chuyen doi so"`, `"giải phóng mặt bằng"`, `"phong chong thien tai"`}
	words := []string{"quyết định thành lập tổ công tác", "ke hoach phong chong dich benh", "bao cao tinh hinh thu ngan sach", "tuyển dụng công chức", "khieu nai to cao"}
	var mix []search.Options
	for len(mix) < 200 {
		c := search.Caller{Agency: agencies[r.IntN(len(agencies))]}
		switch len(mix) % 5 {
		case 0: // labelled, as typed (words or number/symbol)
			l := labelled[r.IntN(len(labelled))]
			mix = append(mix, search.Options{Caller: search.Caller{Agency: l.Agency}, Query: l.Query, Size: 10})
		case 1: // labelled, unaccented
			l := labelled[r.IntN(len(labelled))]
			mix = append(mix, search.Options{Caller: search.Caller{Agency: l.Agency}, Query: viet.Fold(l.Query), Size: 10})
		case 2:
			mix = append(mix, search.Options{Caller: c, Query: phrases[r.IntN(len(phrases))], Size: 10})
		case 3: // filtered
			mix = append(mix, search.Options{Caller: c, Query: words[r.IntN(len(words))], DocType: "QĐ", From: "2023-01-01", To: "2025-12-31", Size: 10})
		case 4: // browsing: facets of everything within reach, newest first
			mix = append(mix, search.Options{Caller: c, ByDate: true, Size: 10})
		}
	}
	return mix
}

// pg is the comparison: one table, a tsvector of the unaccented subject
// and text under a GIN index, the number key under a b-tree.
type pg struct{ pool *pgxpool.Pool }

func (p *pg) setup(ctx context.Context) error {
	for _, s := range []string{
		`CREATE EXTENSION IF NOT EXISTS unaccent`,
		`DROP TABLE IF EXISTS docs`,
		`DROP TEXT SEARCH CONFIGURATION IF EXISTS vi`,
		`CREATE TEXT SEARCH CONFIGURATION vi (COPY = simple)`,
		`ALTER TEXT SEARCH CONFIGURATION vi ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple`,
		`CREATE TABLE docs (id text PRIMARY KEY, agency text NOT NULL, secrecy text NOT NULL, doc_type text, issued_at date,
			number_key text, issuer text, subject text, body text,
			tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('vi'::regconfig, coalesce(subject,'')), 'A') || to_tsvector('vi'::regconfig, coalesce(body,''))) STORED)`,
	} {
		if _, err := p.pool.Exec(ctx, s); err != nil {
			return fmt.Errorf("postgresql %q: %w", s[:min(len(s), 40)], err)
		}
	}
	return nil
}

func (p *pg) Index(ctx context.Context, docs ...search.Document) error {
	rows := make([][]any, 0, len(docs))
	for _, d := range docs {
		sec := "public"
		if d.Confidentiality != "" {
			sec = viet.Fold(d.Confidentiality)
		}
		var at any
		if d.IssuedAt != "" {
			at, _ = time.Parse(time.DateOnly, d.IssuedAt)
		}
		rows = append(rows, []any{d.ID, d.Agency, sec, d.DocType, at, search.NumberKey(d.Number, d.Symbol), d.Issuer, d.Subject, d.Text})
	}
	_, err := p.pool.CopyFrom(ctx, pgx.Identifier{"docs"}, []string{"id", "agency", "secrecy", "doc_type", "issued_at", "number_key", "issuer", "subject", "body"}, pgx.CopyFromRows(rows))
	return err
}

// finish builds the indexes after loading, as a bulk load is done.
func (p *pg) finish(ctx context.Context) error {
	for _, s := range []string{
		`CREATE INDEX docs_tsv ON docs USING gin (tsv)`,
		`CREATE INDEX docs_number ON docs (agency, number_key)`,
		`CREATE INDEX docs_date ON docs (agency, issued_at DESC)`,
		`ANALYZE docs`,
	} {
		if _, err := p.pool.Exec(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

func (p *pg) Search(ctx context.Context, o search.Options) (search.Result, error) {
	where := []string{"agency = $1", "secrecy = ANY($2)"}
	levels := []string{"public"}
	for _, l := range o.Caller.Cleared {
		levels = append(levels, viet.Fold(l))
	}
	args := []any{o.Caller.Agency, levels}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	rank := "0"
	if o.Query != "" {
		if key, ok := search.ParseNumberKey(o.Query); ok {
			where = append(where, "number_key = "+arg(key))
		} else {
			kind, text := search.ParseQuery(o.Query)
			fn := "websearch_to_tsquery"
			if kind == search.Phrase {
				fn = "phraseto_tsquery"
			}
			q := fn + "('vi'::regconfig, " + arg(text) + ")"
			where = append(where, "tsv @@ "+q)
			rank = "ts_rank(tsv, " + q + ")"
		}
	}
	if o.DocType != "" {
		where = append(where, "doc_type = "+arg(o.DocType))
	}
	if o.From != "" {
		where = append(where, "issued_at >= "+arg(o.From)+"::date")
	}
	if o.To != "" {
		where = append(where, "issued_at <= "+arg(o.To)+"::date")
	}
	order := rank + " DESC, issued_at DESC"
	if o.ByDate || rank == "0" {
		order = "issued_at DESC"
	}
	cond := strings.Join(where, " AND ")
	rows, err := p.pool.Query(ctx, "SELECT id FROM docs WHERE "+cond+" ORDER BY "+order+fmt.Sprintf(" LIMIT %d", max(1, o.Size)), args...)
	if err != nil {
		return search.Result{}, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return search.Result{}, err
	}
	var res search.Result
	for _, id := range ids {
		res.Hits = append(res.Hits, search.Hit{ID: id})
	}
	// Facets, as Bleve computes with every search: counts by type over
	// every match.
	frows, err := p.pool.Query(ctx, "SELECT doc_type, count(*) FROM docs WHERE "+cond+" GROUP BY doc_type", args...)
	if err != nil {
		return res, err
	}
	defer frows.Close()
	res.Facets = map[string][]search.FacetCount{}
	for frows.Next() {
		var fc search.FacetCount
		frows.Scan(&fc.Value, &fc.Count)
		res.Facets["doc_type"] = append(res.Facets["doc_type"], fc)
		res.Total += uint64(fc.Count)
	}
	return res, frows.Err()
}
