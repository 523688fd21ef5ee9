// Command zalobench measures Zalo's webhook with the processing behind
// it, on loopback: N signed citizen events posted C at a time to the
// feedback function's webhook (signature, freshness, inbox, the bus) with
// the processing (case, routing, acknowledgement to a stand-in OA API)
// running in the same process, as vanthu serve runs them; beside it, the
// floor — a handler that only checks the signature and answers. Prints
// requests per second and latency percentiles of each, and how long until
// every event was a case message.
//
//	go run ./bench/zalobench -n 1000 -c 20
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/vanthu/vanthu/functions/feedback"
	"github.com/vanthu/vanthu/internal/dispatch"
	"github.com/vanthu/vanthu/internal/events"
	"github.com/vanthu/vanthu/internal/objstore/local"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/zalo"
	"github.com/vanthu/vanthu/internal/zalo/zalotest"
)

const app, secret = "bench-app", "bench-secret"

var texts = []string{
	"duong %d Le Loi co o ga rat lon, xe may te nga lien tuc",
	"khu pho %d rac ko ai thu gom 3 ngay roi boc mui qua",
	"nha so %d mat nuoc tu sang, xin hoi bao gio co nuoc",
	"cho e hoi lam lai cccd o dau a, so nha %d",
	"hang xom so %d hat karaoke toi 1h sang",
}

func event(i int) []byte {
	ts := fmt.Sprint(time.Now().UnixMilli())
	return fmt.Appendf(nil, `{"app_id":%q,"event_name":"user_send_text","timestamp":%q,"sender":{"id":"zu-%d"},"recipient":{"id":"oa"},"message":{"msg_id":"m-%d","text":%q}}`,
		app, ts, i, i, fmt.Sprintf(texts[i%len(texts)], i))
}

// load posts n events, c at a time, and returns each request's latency.
func load(url string, n, c int) ([]time.Duration, time.Duration) {
	lat := make([]time.Duration, n)
	next := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for range c {
		wg.Go(func() {
			for i := range next {
				body := event(i)
				var ev struct{ Timestamp string }
				ev.Timestamp = string(bytes.Split(bytes.Split(body, []byte(`"timestamp":"`))[1], []byte(`"`))[0])
				req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
				req.Header.Set("X-ZEvent-Signature", "mac="+zalo.Sign(app, body, ev.Timestamp, secret))
				t := time.Now()
				res, err := http.DefaultClient.Do(req)
				if err != nil || res.StatusCode != 200 {
					log.Fatalf("event %d: %v %v", i, err, res)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				lat[i] = time.Since(t)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return lat, time.Since(start)
}

func report(name string, lat []time.Duration, total time.Duration) {
	s := slices.Clone(lat)
	slices.Sort(s)
	p := func(q float64) time.Duration { return s[int(q*float64(len(s)-1))] }
	fmt.Printf("%-34s %8.0f req/s   p50 %6.2f ms   p95 %6.2f ms   p99 %6.2f ms\n", name, float64(len(s))/total.Seconds(),
		ms(p(0.5)), ms(p(0.95)), ms(p(0.99)))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func main() {
	n := flag.Int("n", 1000, "events")
	c := flag.Int("c", 20, "events in flight")
	flag.Parse()
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "zalobench")
	defer os.RemoveAll(dir)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))

	// The floor: the signature checked, nothing kept.
	floor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, zalo.MaxBody+1))
		ev, err := zalo.Parse(body)
		if err != nil || !zalo.Verify(r.Header.Get("X-ZEvent-Signature"), app, body, ev.Timestamp, secret) {
			w.WriteHeader(401)
			return
		}
		w.Write([]byte(`{"ok":true}`))
	}))
	lat, total := load(floor.URL, *n, *c)
	floor.Close()
	report("signature check only (floor)", lat, total)

	store, err := local.New(filepath.Join(dir, "objects"))
	if err != nil {
		log.Fatal(err)
	}
	reg, err := records.OpenSQLite(ctx, filepath.Join(dir, "vanthu.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer reg.Close()
	oa := zalotest.New("tok")
	defer oa.Close()
	d := dispatch.New()
	d.Log = quiet
	fn := &feedback.Function{Store: store, Bucket: "uploads", Records: reg, Emit: d, AppID: app, Secret: secret, Agency: "ubnd-tp",
		Zalo: &zalo.Client{API: oa.URL, Token: "tok"}, Log: quiet}
	d.On(events.TypeFeedback, fn.Handle)
	srv := httptest.NewServer(http.HandlerFunc(fn.Webhook))
	defer srv.Close()
	start := time.Now()
	lat, total = load(srv.URL, *n, *c)
	report("webhook (kept, sent on, processed)", lat, total)
	d.Wait()
	all := time.Since(start)
	cs, err := reg.Cases(ctx, records.User{Name: "bench", Role: records.RoleClerk, Agency: "ubnd-tp"}, records.CaseFilter{Limit: 500})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d events → cases in %.2f s (%.0f events/s end to end; %d acknowledgements sent; first page of cases: %d)\n",
		*n, all.Seconds(), float64(*n)/all.Seconds(), len(oa.Sent()), len(cs))
}
