// Command recordsbench measures the records store on both engines in one
// run: records written per second from extraction records (as the
// register function writes them, several at once), and the API's latency
// listing the incoming register when it holds N entries.
//
//	go run ./bench/recordsbench -n 100000 -pg 'postgres:///vanthu_bench?host=/var/run/postgresql'
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vanthu/vanthu/bench/archive"
	"github.com/vanthu/vanthu/internal/api"
	"github.com/vanthu/vanthu/internal/objstore/local"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/pipelines/doc"
)

func main() {
	n := flag.Int("n", 100000, "register entries")
	pg := flag.String("pg", "postgres:///vanthu_bench?host=/var/run/postgresql", "PostgreSQL database (emptied first)")
	writers := flag.Int("writers", 8, "concurrent writers (register function instances)")
	flag.Parse()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "recordsbench")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	recs := extraction(*n)
	fmt.Printf("%d extraction records, %d writers\n\n| | SQLite | PostgreSQL |\n|---|---|---|\n", len(recs), *writers)
	rows := map[string]*[2]string{}
	var names []string
	add := func(name string, col int, v string) {
		if rows[name] == nil {
			rows[name] = &[2]string{}
			names = append(names, name)
		}
		rows[name][col] = v
	}
	for col, open := range []func() (*records.Store, error){
		func() (*records.Store, error) { return records.OpenSQLite(ctx, filepath.Join(dir, "vanthu.db")) },
		func() (*records.Store, error) { return records.OpenPostgres(ctx, *pg) },
	} {
		st, err := open()
		if err != nil {
			log.Fatal(err)
		}
		if err := measure(ctx, st, recs, *writers, dir, func(name, v string) { add(name, col, v) }); err != nil {
			log.Fatal(err)
		}
		st.Close()
	}
	for _, name := range names {
		fmt.Printf("| %s | %s | %s |\n", name, rows[name][0], rows[name][1])
	}
}

// extraction turns the synthetic archive into extraction records of one
// agency's incoming mail, arriving over five years.
func extraction(n int) []doc.Record {
	var out []doc.Record
	r := rand.New(rand.NewPCG(3, 3))
	for i, d := range archive.Documents(5, n) {
		rec := doc.NewRecord(fmt.Sprintf("bench/%06d.pdf", i))
		rec.DocType, rec.Number, rec.Symbol, rec.Issuer, rec.IssuedAt = d.DocType, fmt.Sprint(i+1), d.Symbol, d.Issuer, d.IssuedAt
		rec.Subject, rec.Signer, rec.Urgency, rec.Confidentiality, rec.Text, rec.Pages = d.Subject, d.Signer, d.Urgency, d.Confidentiality, d.Text, 1+r.IntN(3)
		for _, f := range []string{"doc_type", "number", "symbol", "issuer", "issued_at", "subject", "signer"} {
			rec.Confidence[f] = 0.85 + 0.15*r.Float64()
		}
		if r.IntN(10) == 0 {
			rec.Confidence["number"] = 0.4 // a handwritten number: review
		}
		if r.IntN(4) == 0 {
			rec.Tasks = []doc.Task{{Assignee: "Phòng " + []string{"Tài chính", "Nội vụ", "Kinh tế", "Văn hóa"}[r.IntN(4)], Task: "tham mưu", Due: d.IssuedAt}}
		}
		out = append(out, rec)
	}
	return out
}

func measure(ctx context.Context, st *records.Store, recs []doc.Record, writers int, dir string, add func(name, v string)) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	start := time.Now()
	for range writers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(recs) {
					return
				}
				at, _ := time.Parse(time.DateOnly, recs[i].IssuedAt)
				u := records.Upload{Agency: "ubnd-tinh", Bucket: "uploads", Key: recs[i].File, ETag: "e", At: at.Add(26 * time.Hour)}
				if _, err := st.Record(ctx, u, recs[i]); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	took := time.Since(start)
	add("records written from extraction", fmt.Sprintf("%.0f /s (%.1f s)", float64(len(recs))/took.Seconds(), took.Seconds()))

	u, err := st.CreateUser(ctx, records.User{Name: "bench", Role: records.RoleStaff, Agency: "ubnd-tinh", Clearance: "MẬT"}, "bench-password")
	if err != nil {
		return err
	}
	tok, err := st.NewToken(ctx, u.ID, records.TokenAPI, time.Hour)
	if err != nil {
		return err
	}
	store, err := local.New(filepath.Join(dir, "objects"))
	if err != nil {
		return err
	}
	srv := httptest.NewServer((&api.Server{Records: st, Store: store, Bucket: "uploads", Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler())
	defer srv.Close()
	get := func(path string) (time.Duration, error) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		t0 := time.Now()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			return 0, fmt.Errorf("%s: %d", path, res.StatusCode)
		}
		return time.Since(t0), nil
	}
	r := rand.New(rand.NewPCG(9, 9))
	perYear := len(recs) / 8
	kinds := []struct {
		name string
		path func() string
	}{
		{"a page of 50, by year", func() string {
			return fmt.Sprintf("/api/v1/registers/incoming?year=%d&limit=50&offset=%d", 2019+r.IntN(7), r.IntN(max(1, perYear-50)))
		}},
		{"a week, by arrival date", func() string {
			d := time.Date(2019+r.IntN(7), time.Month(1+r.IntN(12)), 1+r.IntN(20), 0, 0, 0, 0, time.UTC)
			return "/api/v1/registers/incoming?from=" + d.Format(time.DateOnly) + "&to=" + d.AddDate(0, 0, 6).Format(time.DateOnly)
		}},
		{"an issuer in a year, page of 50", func() string {
			return fmt.Sprintf("/api/v1/registers/incoming?year=%d&issuer=S%%E1%%BB%%9E+T%%C3%%80I+CH%%C3%%8DNH&limit=50", 2019+r.IntN(7))
		}},
		{"waiting for review, page of 50", func() string { return "/api/v1/registers/incoming?status=review&limit=50" }},
	}
	var all []time.Duration
	for _, k := range kinds {
		var lat []time.Duration
		for i := range 60 {
			d, err := get(k.path())
			if err != nil {
				return err
			}
			if i >= 10 { // the first ten warm up
				lat = append(lat, d)
			}
		}
		slices.Sort(lat)
		all = append(all, lat...)
		add("API p50 / p95: "+k.name, fmt.Sprintf("%.2f / %.2f ms", ms(lat[len(lat)/2]), ms(lat[len(lat)*95/100])))
	}
	slices.Sort(all)
	add("API p50 / p95: register listing, all kinds", fmt.Sprintf("%.2f / %.2f ms", ms(all[len(all)/2]), ms(all[len(all)*95/100])))
	d, err := get("/api/v1/registers/incoming?year=2024&format=xlsx")
	if err != nil {
		return err
	}
	add("export a year as Excel (.xlsx)", fmt.Sprintf("%.0f ms", ms(d)))
	d, err = get("/api/v1/registers/incoming?year=2024&format=csv")
	if err != nil {
		return err
	}
	add("export a year as CSV", fmt.Sprintf("%.0f ms", ms(d)))
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
