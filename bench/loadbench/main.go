// Command loadbench drives a running vanthu binary as careless and busy
// users do (issue 10), and reports what they got:
//
//	load: U uploaders and S searchers against one `vanthu serve` for D:
//	      uploads/s, acceptance latency p50/p95, answers by status,
//	      searches/s and p95; then every accepted upload followed to its end.
//	kill: R rounds of N uploads with `vanthu serve` killed (SIGKILL) at a
//	      random moment in each; then restarted until every upload settles:
//	      uploaded, recorded, failed, lost (the target is 0).
//
// It starts the server itself (-vanthu BIN) on a fresh state folder, on
// embedded defaults.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	mode := flag.String("mode", "load", "load or kill")
	bin := flag.String("vanthu", "bin/vanthu", "the vanthu binary")
	docsDir := flag.String("docs", "", "folder of born-digital PDFs to upload (default: generated with vanthu corpus)")
	uploaders := flag.Int("uploaders", 50, "load: concurrent uploaders")
	searchers := flag.Int("searchers", 20, "load: concurrent search clients")
	dur := flag.Duration("duration", 30*time.Second, "load: how long")
	rounds := flag.Int("rounds", 6, "kill: rounds")
	perRound := flag.Int("n", 40, "kill: uploads per round")
	flag.Parse()
	data, err := os.MkdirTemp("", "vanthu-loadbench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(data)
	docs := loadDocs(*bin, *docsDir, data)
	token := makeUser(*bin, data)
	addr := freeAddr()
	switch *mode {
	case "load":
		runLoad(*bin, data, addr, token, docs, *uploaders, *searchers, *dur)
	case "kill":
		runKill(*bin, data, addr, token, docs, *rounds, *perRound)
	default:
		log.Fatalf("mode %q: load or kill", *mode)
	}
}

func loadDocs(bin, dir, data string) [][]byte {
	if dir == "" {
		dir = filepath.Join(data, "corpus")
		out, err := exec.Command(bin, "corpus", "--out", dir, "--n", "40", "--formats", "pdf", "--seed", "5").CombinedOutput()
		if err != nil {
			log.Fatalf("corpus: %v %s", err, out)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	var docs [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			log.Fatal(err)
		}
		docs = append(docs, b)
	}
	if len(docs) == 0 {
		log.Fatalf("no PDFs in %s", dir)
	}
	return docs
}

func makeUser(bin, data string) string {
	if out, err := exec.Command(bin, "admin", "create-user", "--data", data, "--name", "bench", "--role", "clerk", "--agency", "ubnd-qn", "--clearance", "TUYỆT MẬT").CombinedOutput(); err != nil {
		log.Fatalf("create-user: %v %s", err, out)
	}
	out, err := exec.Command(bin, "admin", "token", "--data", data, "--user", "bench").Output()
	if err != nil {
		log.Fatalf("token: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type server struct {
	cmd  *exec.Cmd
	done chan struct{}
	base string
}

func start(bin, data, addr string) *server {
	logf, _ := os.OpenFile(filepath.Join(data, "serve.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	cmd := exec.Command(bin, "serve", "--addr", addr, "--data", data, "--reconcile", "2s")
	cmd.Env = append(os.Environ(), "VANTHU_MINIO_URL=", "VANTHU_DB_URL=", "VANTHU_ES_URL=")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	s := &server{cmd: cmd, done: make(chan struct{}), base: "http://" + addr}
	go func() { cmd.Wait(); logf.Close(); close(s.done) }()
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if res, err := http.Get(s.base + "/healthz"); err == nil {
			res.Body.Close()
			return s
		}
	}
	log.Fatal("serve did not start; see serve.log")
	return nil
}

func (s *server) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	<-s.done
}

var httpc = &http.Client{Timeout: 2 * time.Minute}

func call(base, token, method, path string, body io.Reader, ctype string) (int, []byte, error) {
	req, _ := http.NewRequest(method, base+path, body)
	req.Header.Set("Authorization", "Bearer "+token)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := httpc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

func upload(base, token, name string, data []byte) (int64, int, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	code, b, err := call(base, token, "POST", "/api/v1/documents", &body, mw.FormDataContentType())
	if err != nil || code != http.StatusAccepted {
		return 0, code, err
	}
	var out struct{ ID int64 }
	json.Unmarshal(b, &out)
	return out.ID, code, nil
}

func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[min(len(ds)-1, int(p*float64(len(ds))))]
}

var queries = []string{"quyet dinh", "thành lập", "ke hoach", "báo cáo tình hình", "giay moi hop", "ubnd tinh", "\"ban chỉ đạo\"", "chuyen doi so", "xa*", "kinh phí"}

func runLoad(bin, data, addr, token string, docs [][]byte, uploaders, searchers int, dur time.Duration) {
	s := start(bin, data, addr)
	defer s.stop()
	var mu sync.Mutex
	var upLat, searchLat []time.Duration
	codes := map[string]int{}
	var ids []int64
	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()
	var wg sync.WaitGroup
	seq := 0
	for i := range uploaders {
		wg.Go(func() {
			for j := 0; ctx.Err() == nil; j++ {
				mu.Lock()
				seq++
				n := seq
				mu.Unlock()
				doc := append(append([]byte(nil), docs[n%len(docs)]...), fmt.Sprintf("\n%% load %d\n", n)...)
				t0 := time.Now()
				id, code, err := upload(s.base, token, fmt.Sprintf("u%d-%d.pdf", i, j), doc)
				lat := time.Since(t0)
				mu.Lock()
				if err != nil {
					codes["error: "+err.Error()]++
				} else {
					codes[fmt.Sprint("upload ", code)]++
				}
				if id != 0 {
					ids = append(ids, id)
					upLat = append(upLat, lat)
				}
				mu.Unlock()
			}
		})
	}
	for i := range searchers {
		wg.Go(func() {
			for j := 0; ctx.Err() == nil; j++ {
				q := queries[(i+j)%len(queries)]
				t0 := time.Now()
				code, _, err := call(s.base, token, "GET", "/api/v1/search?q="+strings.ReplaceAll(q, " ", "+"), nil, "")
				lat := time.Since(t0)
				mu.Lock()
				if err != nil {
					codes["search error"]++
				} else {
					codes[fmt.Sprint("search ", code)]++
					if code == 200 {
						searchLat = append(searchLat, lat)
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	fmt.Printf("load: %d uploaders, %d searchers, %v, born-digital PDFs, loopback, %d cores\n", uploaders, searchers, dur, cores())
	fmt.Printf("  uploads taken %d (%.1f/s), acceptance p50 %v p95 %v\n", len(upLat), float64(len(upLat))/dur.Seconds(), pct(upLat, .5).Round(time.Millisecond), pct(upLat, .95).Round(time.Millisecond))
	fmt.Printf("  searches %d (%.1f/s), p50 %v p95 %v\n", len(searchLat), float64(len(searchLat))/dur.Seconds(), pct(searchLat, .5).Round(time.Millisecond), pct(searchLat, .95).Round(time.Millisecond))
	var keys []string
	for k := range codes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("  %-40s %d\n", k, codes[k])
	}
	t0 := time.Now()
	st := settle(s.base, token, ids, 30*time.Minute)
	fmt.Printf("  all taken uploads at their end %v after the load: %s\n", time.Since(t0).Round(time.Second), summary(st, ids))
}

func runKill(bin, data, addr, token string, docs [][]byte, rounds, n int) {
	rng := rand.New(rand.NewPCG(1, 2))
	var ids []int64
	tried := 0
	var mu sync.Mutex
	for r := range rounds {
		s := start(bin, data, addr)
		at := time.Duration(300+rng.IntN(1100)) * time.Millisecond
		var wg sync.WaitGroup
		next := make(chan int)
		for range 8 {
			wg.Go(func() {
				for i := range next {
					doc := append(append([]byte(nil), docs[i%len(docs)]...), fmt.Sprintf("\n%% kill round %d\n", r)...)
					id, _, err := upload(s.base, token, fmt.Sprintf("k%d-%d.pdf", r, i), doc)
					mu.Lock()
					tried++
					if err == nil && id != 0 {
						ids = append(ids, id)
					}
					mu.Unlock()
				}
			})
		}
		go func() {
			for i := range n {
				next <- i
			}
			close(next)
		}()
		time.Sleep(at)
		s.kill()
		wg.Wait()
		fmt.Printf("round %d: killed at %v; %d uploads taken so far\n", r+1, at, len(ids))
	}
	s := start(bin, data, addr)
	defer s.stop()
	st := settle(s.base, token, ids, 30*time.Minute)
	fmt.Printf("kill -9: %d rounds × %d uploads (born-digital PDFs), %d sent, %d taken: %s\n", rounds, n, tried, len(ids), summary(st, ids))
}

// settle follows ids until none is received, and returns their statuses.
func settle(base, token string, ids []int64, within time.Duration) map[int64]string {
	st := map[int64]string{}
	for deadline := time.Now().Add(within); ; time.Sleep(500 * time.Millisecond) {
		pending := 0
		for _, id := range ids {
			if s := st[id]; s != "" && s != "received" && !strings.HasPrefix(s, "answer") {
				continue
			}
			code, b, err := call(base, token, "GET", fmt.Sprint("/api/v1/documents/", id), nil, "")
			var d struct{ Status string }
			json.Unmarshal(b, &d)
			if err != nil || code != 200 {
				d.Status = fmt.Sprint("answer ", code)
			}
			st[id] = d.Status
			if d.Status == "received" {
				pending++
			}
		}
		if pending == 0 || time.Now().After(deadline) {
			return st
		}
	}
}

func summary(st map[int64]string, ids []int64) string {
	c := map[string]int{}
	for _, id := range ids {
		s := st[id]
		switch s {
		case "registered", "review", "approved":
			s = "recorded"
		case "failed":
		case "received":
			s = "still received"
		default:
			s = "lost (" + s + ")"
		}
		c[s]++
	}
	return fmt.Sprintf("recorded %d, failed %d, lost %d, still received %d", c["recorded"], c["failed"], len(ids)-c["recorded"]-c["failed"]-c["still received"], c["still received"])
}

func cores() int {
	b, _ := os.ReadFile("/proc/cpuinfo")
	return strings.Count(string(b), "processor\t:")
}
