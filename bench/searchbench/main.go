// Command searchbench indexes the synthetic archive into search engines
// side by side and compares indexing throughput, index size, query
// latency over a fixed mix and relevance: Bleve (vanthu's embedded
// index), PostgreSQL full-text search (unaccent + GIN: what a team would
// build without a search engine) and OpenSearch, the real engine, on one
// node and on three.
//
// The engines are measured one after the other, never at once: on a
// small machine an idle engine's neighbour would distort its figures.
// Each engine can also be measured in a process of its own (-engines,
// -save), so bench/search.sh runs an OpenSearch cluster only for its own
// phase, and -table prints the saved columns side by side. The archive is
// drawn from fixed seeds, so every phase indexes the same documents: the
// fingerprint row shows it.
//
//	go run ./bench/searchbench -n 100000 -pg 'host=/var/run/postgresql dbname=vanthu_bench'
//	go run ./bench/searchbench -n 100000 -engines opensearch1 -opensearch1 http://127.0.0.1:9200 -save os1.json
//	go run ./bench/searchbench -table local.json os1.json os3.json
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	opensearchgo "github.com/opensearch-project/opensearch-go/v4"

	"github.com/vanthu/vanthu/bench/archive"
	"github.com/vanthu/vanthu/internal/search"
	"github.com/vanthu/vanthu/internal/search/bleve"
	"github.com/vanthu/vanthu/internal/search/elastic"
	"github.com/vanthu/vanthu/internal/search/opensearch"
	"github.com/vanthu/vanthu/internal/viet"
)

func main() {
	n := flag.Int("n", 100000, "documents in the archive")
	dsn := flag.String("pg", "host=/var/run/postgresql dbname=vanthu_bench", "PostgreSQL to compare with")
	dir := flag.String("dir", "", "where the Bleve index goes (default: a temporary folder)")
	list := flag.String("engines", "", "engines to measure, in this order, comma-separated: bleve, pg, opensearch1, opensearch3\n(default: bleve, pg and each OpenSearch whose URLs are given)")
	os1 := flag.String("opensearch1", "", "URLs, comma-separated, of a one-node OpenSearch (its index: 1 shard, no replica)")
	os3 := flag.String("opensearch3", "", "URLs, comma-separated, of a three-node OpenSearch (its index: 3 shards, 1 replica each)")
	save := flag.String("save", "", "also write the measured columns to this file (JSON), for -table")
	pidfile := flag.String("pids", "", "file of the OpenSearch nodes' pids, one a line (scripts/opensearch's VANTHU_ES_PIDFILE),\nso that their CPU counts as the engine's, not as other work")
	quiet := flag.Duration("quiet", 0, "before each engine's load, wait up to this long for the machine to be idle\n(the whole machine's CPU under 30 % of one core for 10 s: on a shared machine)")
	warm := flag.Duration("warm", time.Minute, "how long the query mix is run (whole rounds, at least one) before it is timed, for every engine")
	table := flag.Bool("table", false, "measure nothing: print side by side the columns saved in the files given as arguments")
	flag.Parse()
	if *table {
		cols, err := readColumns(flag.Args())
		if err != nil {
			log.Fatal(err)
		}
		printTable(os.Stdout, cols)
		return
	}
	if *list == "" {
		*list = "bleve,pg"
		if *os1 != "" {
			*list += ",opensearch1"
		}
		if *os3 != "" {
			*list += ",opensearch3"
		}
	}
	cfg := config{n: *n, warm: *warm, quiet: *quiet, pidfile: *pidfile, dsn: *dsn, dir: *dir, urls: map[string]string{"opensearch1": *os1, "opensearch3": *os3}}
	cols, err := run(context.Background(), cfg, strings.Split(*list, ","))
	if err != nil {
		log.Fatal(err)
	}
	printTable(os.Stdout, cols)
	if *save != "" {
		b, _ := json.MarshalIndent(cols, "", "  ")
		if err := os.WriteFile(*save, b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

type config struct {
	n           int
	warm, quiet time.Duration
	dsn, dir    string
	pidfile     string
	urls        map[string]string // engine name → its nodes' URLs
}

type engine interface {
	archive.Searcher
	Index(ctx context.Context, docs ...search.Document) error
}

// subject is an engine under measure, opened empty: loaded, measured,
// then closed (Bleve's and OpenSearch's index removed; PostgreSQL's table
// stays, for a look afterwards, until bench/search.sh drops its database).
type subject interface {
	engine
	// name heads the engine's column.
	name() string
	// writers is how many goroutines load it, and how many documents
	// each Index call gets.
	writers() (goroutines, per int)
	// finish makes the loaded documents searchable; it is part of the
	// indexing time (PostgreSQL builds its indexes, OpenSearch refreshes).
	finish(ctx context.Context) error
	// settle waits for what the engine still does in the background
	// after the load (OpenSearch's merges, replicas), outside the
	// indexing time but before sizes and latencies are taken, so that
	// no query competes with it for the two cores.
	settle(ctx context.Context) (time.Duration, error)
	// size is the index on disk, as text.
	size(ctx context.Context) (string, error)
	// held is how many documents the engine itself counts (-1: it has
	// no count of its own beyond searching).
	held(ctx context.Context) (int64, error)
	close(ctx context.Context) error
	// pids are the engine's processes, whose CPU is the engine's (none:
	// it runs in this process); false: they are not known.
	pids() ([]int, bool)
}

// column is one engine's figures, in the table's row order.
type column struct {
	Engine string   `json:"engine"`
	Cells  []cell   `json:"cells"`
	Missed []string `json:"missed,omitempty"`
	Slow   []string `json:"slow,omitempty"` // the slowest queries of each kind

}

type cell struct{ Row, Value string }

func (c *column) add(row, format string, a ...any) {
	c.Cells = append(c.Cells, cell{row, fmt.Sprintf(format, a...)})
}

func run(ctx context.Context, cfg config, names []string) ([]column, error) {
	if cfg.dir == "" {
		d, err := os.MkdirTemp("", "searchbench")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(d)
		cfg.dir = d
	}
	needles, labelled := archive.Relevance(1)
	hard, hardQs := archive.Hard(1)
	docs := append(append(archive.Documents(1, cfg.n), needles...), hard...)
	mix := queryMix(labelled)
	fp := fingerprint(docs)
	fmt.Printf("archive: %d documents (fingerprint %s), %d + %d labelled queries, a mix of %d queries\n\n", len(docs), fp, len(labelled), len(hardQs), len(mix))
	groups := []group{{"needles + numbers", labelled}}
	for _, g := range []string{archive.GroupSpelling, archive.GroupTypo, archive.GroupOCR} {
		var qs []archive.Labelled
		for _, q := range hardQs {
			if q.Group == g {
				qs = append(qs, q)
			}
		}
		groups = append(groups, group{g, qs})
	}
	var cols []column
	for _, name := range names {
		s, err := open(ctx, cfg, strings.TrimSpace(name))
		if err != nil {
			return cols, err
		}
		c, err := measure(ctx, cfg, s, docs, fp, mix, groups)
		if cerr := s.close(ctx); err == nil {
			err = cerr
		}
		if err != nil {
			return cols, fmt.Errorf("%s: %w", s.name(), err)
		}
		cols = append(cols, c)
	}
	return cols, nil
}

type group struct {
	name string
	qs   []archive.Labelled
}

// open makes an engine ready, empty.
func open(ctx context.Context, cfg config, name string) (subject, error) {
	switch name {
	case "bleve":
		dir := filepath.Join(cfg.dir, "bleve")
		os.RemoveAll(dir)
		bx, err := bleve.Open(dir)
		if err != nil {
			return nil, err
		}
		return &bleveBench{Indexer: bx, dir: dir}, nil
	case "pg":
		pool, err := pgxpool.New(ctx, cfg.dsn)
		if err != nil {
			return nil, fmt.Errorf("postgresql %s: %w", cfg.dsn, err)
		}
		p := &pg{pool: pool}
		if err := p.setup(ctx); err != nil {
			pool.Close()
			return nil, err
		}
		return p, nil
	case "opensearch1", "opensearch3":
		urls := cfg.urls[name]
		if urls == "" {
			return nil, fmt.Errorf("%s: no URLs (-%s)", name, name)
		}
		o := &osBench{urls: strings.Split(urls, ","), pidfile: cfg.pidfile, shards: 1, replicas: 0, nodes: 1}
		if name == "opensearch3" {
			o.shards, o.replicas, o.nodes = 3, 1, 3
		}
		return o, o.open(ctx)
	}
	return nil, fmt.Errorf("engine %q: want bleve, pg, opensearch1 or opensearch3", name)
}

// measure loads docs into s and takes its figures.
func measure(ctx context.Context, cfg config, s subject, docs []search.Document, fp string, mix []search.Options, groups []group) (column, error) {
	c := column{Engine: s.name()}
	c.add("archive (fingerprint)", "%s docs (%s)", thousands(int64(len(docs))), fp)
	if cfg.quiet > 0 {
		c.add("machine idle before the load", "%s", waitQuiet(cfg.quiet))
	}
	log.Printf("%s: loading %d documents", s.name(), len(docs))
	pids, known := s.pids()
	cpu0 := sample(pids)
	start := time.Now()
	if err := load(ctx, s, docs); err != nil {
		return c, err
	}
	if err := s.finish(ctx); err != nil {
		return c, err
	}
	took := time.Since(start)
	loadOurs, loadOthers := cpu(cpu0, sample(pids))
	log.Printf("%s: loaded in %.1f s", s.name(), took.Seconds())
	c.add("indexing", "%s docs/s (%.1f s)", thousands(int64(float64(len(docs))/took.Seconds())), took.Seconds())
	wait, err := s.settle(ctx)
	if err != nil {
		return c, err
	}
	settled := "—"
	if wait > 0 {
		log.Printf("%s: background work settled in %.1f s", s.name(), wait.Seconds())
		settled = fmt.Sprintf("%.1f s", wait.Seconds())
	}
	c.add("settling after the load (merges, replicas; not in the indexing time)", "%s", settled)
	size, err := s.size(ctx)
	if err != nil {
		return c, err
	}
	c.add("index size", "%s", size)
	found, err := countVisible(ctx, s, docs)
	if err != nil {
		return c, err
	}
	own, err := s.held(ctx)
	if err != nil {
		return c, err
	}
	held := thousands(found) + " found"
	if own >= 0 {
		held += fmt.Sprintf(", %s counted", thousands(own))
	}
	if found != int64(len(docs)) || (own >= 0 && own != int64(len(docs))) {
		held += fmt.Sprintf(" — MISMATCH: %s loaded", thousands(int64(len(docs))))
	}
	c.add("documents held", "%s", held)
	// Warm up, then time the mix. For a while, not one round: a fresh
	// JVM compiles its hot paths over the first few thousand requests
	// (OpenSearch's p50 halved between 1,000 and 8,000 warm-up queries
	// on a small index), and what is compared is engines serving warm.
	rounds := 0
	for t0 := time.Now(); rounds == 0 || time.Since(t0) < cfg.warm; rounds++ {
		for _, o := range mix {
			s.Search(ctx, o)
		}
	}
	c.add("warm-up before the timed mix", "%d rounds (%s queries)", rounds, thousands(int64(rounds*len(mix))))
	cpu0 = sample(pids)
	var lat []time.Duration
	byKind := make([][]time.Duration, len(kinds))
	type timed struct {
		took time.Duration
		o    search.Options
	}
	slow := make([][]timed, len(kinds))
	for i, o := range mix {
		t0 := time.Now()
		if _, err := s.Search(ctx, o); err != nil {
			return c, fmt.Errorf("%q: %w", o.Query, err)
		}
		took := time.Since(t0)
		lat = append(lat, took)
		byKind[i%len(kinds)] = append(byKind[i%len(kinds)], took)
		slow[i%len(kinds)] = append(slow[i%len(kinds)], timed{took, o})
	}
	// The tail by name: which queries make a kind's p95.
	for k, ts := range slow {
		slices.SortFunc(ts, func(a, b timed) int { return int(b.took - a.took) })
		var top []string
		for _, t := range ts[:min(3, len(ts))] {
			what := fmt.Sprintf("%q", t.o.Query)
			if t.o.Query == "" {
				what = "browse " + t.o.Caller.Agency
			}
			top = append(top, fmt.Sprintf("%.1f ms %s", ms(t.took), what))
		}
		c.Slow = append(c.Slow, fmt.Sprintf("%s, %s: slowest %s", s.name(), kinds[k], strings.Join(top, ", ")))
	}
	// The machine may be shared: CPU that neither the engine nor this
	// client used was taken from them, and the figures are worse for it.
	qOurs, qOthers := cpu(cpu0, sample(pids))
	c.add("CPU, engine + client / other work (200 % = 2 cores): loading", "%.0f %% / %.0f %%", loadOurs, loadOthers)
	c.add("CPU, engine + client / other work: timed queries", "%.0f %% / %.0f %%", qOurs, qOthers)
	if !known {
		c.add("CPU: note", "the engine's pids are unknown (-pids): its CPU is among the other work")
	}
	slices.Sort(lat)
	c.add("query p50", "%.2f ms", ms(lat[len(lat)/2]))
	c.add("query p95", "%.2f ms", ms(lat[len(lat)*95/100]))
	for k, l := range byKind {
		slices.Sort(l)
		c.add("p50 / p95: "+kinds[k], "%.2f / %.2f ms", ms(l[len(l)/2]), ms(l[len(l)*95/100]))
	}
	for _, g := range groups {
		for _, unacc := range []bool{false, true} {
			sc, err := archive.Measure(ctx, s, g.qs, unacc)
			if err != nil {
				return c, err
			}
			how := "accented"
			if unacc {
				how = "unaccented"
			}
			c.add(fmt.Sprintf("recall@10 / MRR: %s (%d), %s", g.name, len(g.qs), how), "%.3f / %.3f", sc.RecallAt10, sc.MRR)
			if len(sc.Missed) > 0 {
				c.Missed = append(c.Missed, fmt.Sprintf("%s, %s, %s: not in the first ten: %q", s.name(), g.name, how, sc.Missed))
			}
		}
	}
	log.Printf("%s: measured", s.name())
	return c, nil
}

// load indexes docs into s from its writers, logging the progress of a
// long load.
func load(ctx context.Context, s subject, docs []search.Document) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	goroutines, per := s.writers()
	next := make(chan int)
	go func() {
		defer close(next)
		for i := 0; i < len(docs); i += per {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	var done atomic.Int64
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(30 * time.Second)
		defer t.Stop()
		start := time.Now()
		for {
			select {
			case <-t.C:
				d := done.Load()
				log.Printf("%s: %d / %d documents, %.0f docs/s", s.name(), d, len(docs), float64(d)/time.Since(start).Seconds())
			case <-stop:
				return
			}
		}
	}()
	defer close(stop)
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for i := range next {
				part := docs[i:min(i+per, len(docs))]
				if err := s.Index(ctx, part...); err != nil {
					cancel(err)
					return
				}
				done.Add(int64(len(part)))
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}

// countVisible is how many documents searching finds: every agency
// browsed with every clearance, the totals summed. It goes through each
// engine's own search, so a document lost on the way shows.
func countVisible(ctx context.Context, e engine, docs []search.Document) (int64, error) {
	agencies := map[string]bool{}
	levels := map[string]bool{}
	for _, d := range docs {
		agencies[d.Agency] = true
		if d.Confidentiality != "" {
			levels[d.Confidentiality] = true
		}
	}
	cleared := slices.Sorted(func(yield func(string) bool) {
		for l := range levels {
			if !yield(l) {
				return
			}
		}
	})
	var n int64
	for a := range agencies {
		r, err := e.Search(ctx, search.Options{Caller: search.Caller{Agency: a, Cleared: cleared}, ByDate: true, Size: 1})
		if err != nil {
			return 0, fmt.Errorf("browse %s: %w", a, err)
		}
		n += int64(r.Total)
	}
	return n, nil
}

// usage is a sample of CPU time, in clock ticks: the whole machine's,
// busy and in all (/proc/stat, every core), and the measured side's: this
// process (the client, and Bleve inside it) and the engine's processes.
type usage struct{ busy, total, ours int64 }

func sample(pids []int) usage {
	var u usage
	b, _ := os.ReadFile("/proc/stat")
	line, _, _ := strings.Cut(string(b), "\n")
	for i, f := range strings.Fields(line) {
		var v int64
		// user nice system idle iowait irq softirq steal; the guest
		// times after them are already counted in user.
		if _, err := fmt.Sscan(f, &v); i == 0 || i > 8 || err != nil {
			continue
		}
		u.total += v
		// Waiting (idle, iowait) and the hypervisor's (steal) are not
		// this machine's work.
		if i != 4 && i != 5 && i != 8 {
			u.busy += v
		}
	}
	for _, pid := range append(pids, os.Getpid()) {
		u.ours += processTicks(pid)
	}
	return u
}

// processTicks is a process's user and system time (/proc/PID/stat).
func processTicks(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The name, in brackets, may hold spaces: the fields after it are
	// state (3rd), ..., utime (14th), stime (15th).
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	var ut, st int64
	if len(f) > 12 {
		fmt.Sscan(f[11], &ut)
		fmt.Sscan(f[12], &st)
	}
	return ut + st
}

// cpu is the CPU used between two samples, in percent of one core: by
// the measured side, and by everything else on the machine (someone
// else's work, which the figures then suffer from).
func cpu(a, b usage) (ours, others float64) {
	if b.total == a.total {
		return 0, 0
	}
	pc := func(ticks int64) float64 {
		return float64(ticks) / float64(b.total-a.total) * 100 * float64(runtime.NumCPU())
	}
	ours = pc(b.ours - a.ours)
	return ours, max(0, pc(b.busy-a.busy)-ours)
}

// waitQuiet waits, up to limit, until the whole machine's CPU has stayed
// under 30 % of one core for 10 s (an idle engine's own timers included),
// and says how it went.
func waitQuiet(limit time.Duration) string {
	start := time.Now()
	for {
		a := sample(nil)
		time.Sleep(10 * time.Second)
		ours, others := cpu(a, sample(nil))
		if b := ours + others; b < 30 {
			return fmt.Sprintf("yes, after %.0f s (%.0f %% busy)", time.Since(start).Seconds(), b)
		} else if time.Since(start) >= limit {
			log.Printf("the machine is still busy (%.0f %%) after %s: going on", b, limit)
			return fmt.Sprintf("no: still %.0f %% busy after %s", b, limit)
		}
	}
}

// fingerprint is a short hash of the archive: equal in every phase when
// the same archive was drawn.
func fingerprint(docs []search.Document) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, d := range docs {
		enc.Encode(d)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func readColumns(files []string) ([]column, error) {
	if len(files) == 0 {
		return nil, errors.New("-table: name the files written with -save")
	}
	var cols []column
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var cs []column
		if err := json.Unmarshal(b, &cs); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		cols = append(cols, cs...)
	}
	return cols, nil
}

// printTable prints the columns side by side (rows in order of first
// appearance; a figure a column lacks is a dash), then what each engine
// missed.
func printTable(w io.Writer, cols []column) {
	var rows []string
	for _, c := range cols {
		for _, x := range c.Cells {
			if !slices.Contains(rows, x.Row) {
				rows = append(rows, x.Row)
			}
		}
	}
	fmt.Fprint(w, "| |")
	for _, c := range cols {
		fmt.Fprintf(w, " %s |", c.Engine)
	}
	fmt.Fprint(w, "\n|---|")
	for range cols {
		fmt.Fprint(w, "---|")
	}
	fmt.Fprintln(w)
	for _, r := range rows {
		fmt.Fprintf(w, "| %s |", r)
		for _, c := range cols {
			v := "—"
			for _, x := range c.Cells {
				if x.Row == r {
					v = x.Value
				}
			}
			fmt.Fprintf(w, " %s |", v)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
	for _, c := range cols {
		for _, m := range c.Missed {
			fmt.Fprintln(w, m)
		}
	}
	fmt.Fprintln(w)
	for _, c := range cols {
		for _, m := range c.Slow {
			fmt.Fprintln(w, m)
		}
	}
}

// bleveBench is vanthu's embedded index, in a folder of its own.
type bleveBench struct {
	*bleve.Indexer
	dir string
}

func (b *bleveBench) name() string {
	return fmt.Sprintf("Bleve (vanthu, %d shards)", bleve.DefaultShards())
}

// writers: one, as vanthu's index stage writes; Bleve writes each call's
// shards in parallel itself.
func (b *bleveBench) writers() (int, int)                           { return 1, 1000 }
func (b *bleveBench) finish(context.Context) error                  { return nil }
func (b *bleveBench) settle(context.Context) (time.Duration, error) { return 0, nil }
func (b *bleveBench) pids() ([]int, bool)                           { return nil, true }
func (b *bleveBench) held(context.Context) (int64, error)           { return -1, nil }
func (b *bleveBench) size(context.Context) (string, error) {
	return mib(dirSize(b.dir)), nil
}

func (b *bleveBench) close(context.Context) error {
	err := b.Close()
	os.RemoveAll(b.dir)
	return err
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func mib(n int64) string { return fmt.Sprintf("%s MiB", thousands(int64(float64(n)/(1<<20)+0.5))) }

// osBench is OpenSearch through vanthu's backend (package opensearch over
// elastic.Indexer), on an index of its own (bench-docs).
type osBench struct {
	*elastic.Indexer
	urls                    []string
	pidfile                 string
	nodes, shards, replicas int
	label                   string
}

const benchAlias = "bench-docs"

func (o *osBench) open(ctx context.Context) error {
	x, err := opensearch.New(opensearchgo.Config{Addresses: o.urls})
	if err != nil {
		return err
	}
	x.Alias, x.Shards, x.Replicas, x.ReplicasSet = benchAlias, o.shards, o.replicas, true
	// No refresh per bulk request: a bulk load, made searchable at the
	// end by RefreshNow (finish), as a re-index would.
	x.Refresh = false
	o.Indexer = x
	var root struct {
		Version struct {
			Number string `json:"number"`
		} `json:"version"`
	}
	if err := o.get(ctx, "/", &root); err != nil {
		return err
	}
	var nodes struct {
		Nodes map[string]struct {
			JVM struct {
				Mem struct {
					HeapMax int64 `json:"heap_max_in_bytes"`
				} `json:"mem"`
			} `json:"jvm"`
		} `json:"nodes"`
	}
	if err := o.get(ctx, "/_nodes/jvm", &nodes); err != nil {
		return err
	}
	if len(nodes.Nodes) != o.nodes {
		return fmt.Errorf("opensearch at %s: %d nodes, want %d", o.urls[0], len(nodes.Nodes), o.nodes)
	}
	var heap int64
	for _, n := range nodes.Nodes {
		heap = n.JVM.Mem.HeapMax
	}
	o.label = fmt.Sprintf("OpenSearch %s, %s × %.1f GiB heap (%s, %d replica)", root.Version.Number, plural(o.nodes, "node"),
		float64(heap)/(1<<30), plural(o.shards, "shard"), o.replicas)
	// A previous run's index, if any, goes first: the load starts empty.
	if err := x.Drop(ctx); err != nil {
		return err
	}
	if err := x.Open(ctx); err != nil {
		return err
	}
	return o.green(ctx)
}

func (o *osBench) name() string { return o.label }

// writers: two, so the engine analyses one bulk request while the next
// is encoded and sent (one writer leaves its cores idle in between);
// Index cuts each call into bulk requests of 500.
func (o *osBench) writers() (int, int) { return 2, 2000 }

func (o *osBench) finish(ctx context.Context) error { return o.RefreshNow(ctx) }

// settle waits until every copy of every shard is allocated (green) and
// no merge runs, two polls in a row.
func (o *osBench) settle(ctx context.Context) (time.Duration, error) {
	start := time.Now()
	if err := o.green(ctx); err != nil {
		return 0, err
	}
	quiet := 0
	for quiet < 2 {
		var st struct {
			All struct {
				Total struct {
					Merges struct {
						Current int `json:"current"`
					} `json:"merges"`
				} `json:"total"`
			} `json:"_all"`
		}
		if err := o.get(ctx, "/"+benchAlias+"/_stats/merge", &st); err != nil {
			return 0, err
		}
		if st.All.Total.Merges.Current == 0 {
			quiet++
		} else {
			quiet = 0
		}
		if time.Since(start) > 30*time.Minute {
			return 0, errors.New("merges still running after 30 minutes")
		}
		time.Sleep(time.Second)
	}
	return time.Since(start), nil
}

func (o *osBench) green(ctx context.Context) error {
	var h struct {
		Status   string `json:"status"`
		TimedOut bool   `json:"timed_out"`
	}
	if err := o.get(ctx, "/_cluster/health/"+benchAlias+"?wait_for_status=green&timeout=300s", &h); err != nil {
		return err
	}
	if h.Status != "green" {
		return fmt.Errorf("index %s is %s after 5 minutes, not green", benchAlias, h.Status)
	}
	return nil
}

// size is the primaries' store, and with replicas all copies' (what the
// cluster's disks hold).
func (o *osBench) size(ctx context.Context) (string, error) {
	var st struct {
		All struct {
			Primaries struct {
				Store struct {
					Bytes int64 `json:"size_in_bytes"`
				} `json:"store"`
			} `json:"primaries"`
		} `json:"_all"`
	}
	if err := o.get(ctx, "/"+benchAlias+"/_stats/store", &st); err != nil {
		return "", err
	}
	_, total, err := o.Stats(ctx)
	if err != nil {
		return "", err
	}
	if o.replicas == 0 {
		return mib(total), nil
	}
	return fmt.Sprintf("%s (%s with the replicas)", mib(st.All.Primaries.Store.Bytes), mib(total)), nil
}

func (o *osBench) held(ctx context.Context) (int64, error) {
	docs, _, err := o.Stats(ctx)
	return docs, err
}

func (o *osBench) close(ctx context.Context) error { return o.Drop(ctx) }

// pids are the nodes' processes, from scripts/opensearch's pidfile.
func (o *osBench) pids() ([]int, bool) {
	if o.pidfile == "" {
		return nil, false
	}
	b, err := os.ReadFile(o.pidfile)
	if err != nil {
		return nil, false
	}
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		var pid int
		if _, err := fmt.Sscan(f, &pid); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids, true
}

// get reads one of the engine's JSON answers (cluster health, stats: what
// the Indexer has no call for) from the first node.
func (o *osBench) get(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(o.urls[0], "/")+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("opensearch %s: %w", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("opensearch %s: %s: %.300s", path, resp.Status, b)
	}
	return json.Unmarshal(b, v)
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

func (p *pg) name() string { return "PostgreSQL FTS (unaccent + GIN)" }

// pids are the server's processes (the pool's backends among them).
func (p *pg) pids() ([]int, bool) {
	var pids []int
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		var pid int
		if _, err := fmt.Sscan(d.Name(), &pid); err != nil {
			continue
		}
		if comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); err == nil && strings.TrimSpace(string(comm)) == "postgres" {
			pids = append(pids, pid)
		}
	}
	return pids, true
}

// writers: one COPY stream.
func (p *pg) writers() (int, int)                           { return 1, 1000 }
func (p *pg) settle(context.Context) (time.Duration, error) { return 0, nil }
func (p *pg) close(context.Context) error                   { p.pool.Close(); return nil }
func (p *pg) held(ctx context.Context) (n int64, err error) {
	err = p.pool.QueryRow(ctx, `SELECT count(*) FROM docs`).Scan(&n)
	return n, err
}

func (p *pg) size(ctx context.Context) (string, error) {
	var n int64
	err := p.pool.QueryRow(ctx, `SELECT pg_total_relation_size('docs')`).Scan(&n)
	return mib(n), err
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
