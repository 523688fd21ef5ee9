package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vanthu/vanthu/internal/crashpoint"
	"github.com/vanthu/vanthu/internal/objstore/minio/miniotest"
	"github.com/vanthu/vanthu/internal/stage"
	"github.com/vanthu/vanthu/pipelines/corpus"
)

// proc is vanthu serve run as a process of its own, so that a test can
// kill it as the kernel would (SIGKILL: no shutdown, no flush).
type proc struct {
	cmd  *exec.Cmd
	log  *os.File
	base string
	done chan struct{} // closed when the process has ended
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// spawn starts the test binary as `vanthu serve` (TestMain hands it to
// main) on addr with data as its state; it returns once /healthz answers.
// Embedded backends, unless env (KEY=VALUE) says otherwise.
func spawn(t *testing.T, data, addr string, env []string, args ...string) *proc {
	t.Helper()
	log, err := os.OpenFile(filepath.Join(data, "serve.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--addr", addr, "--data", data, "--workers", "2"}, args...)...)
	cmd.Env = append(append(os.Environ(), "VANTHU_TEST_AS_VANTHU=1", "VANTHU_MINIO_URL=", "VANTHU_DB_URL=", "VANTHU_ES_URL="), env...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, log: log, base: "http://" + addr, done: make(chan struct{})}
	go func() { cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.kill() })
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		if res, err := http.Get(p.base + "/healthz"); err == nil {
			res.Body.Close()
			return p
		}
		if time.Now().After(deadline) || p.exited() {
			b, _ := os.ReadFile(log.Name())
			t.Fatalf("serve did not start:\n%s", b)
		}
	}
}

// kill sends SIGKILL and reaps the process.
func (p *proc) kill() {
	if !p.exited() {
		p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.done
	}
	p.log.Close()
}

// client calls the API with a bearer token.
type client struct {
	t     *testing.T
	base  string
	token string
}

func (c *client) call(method, path string, body io.Reader, ctype string) (int, []byte, error) {
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// upload sends one file; the id when it was taken (202).
func (c *client) upload(name string, data []byte) (int64, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	code, b, err := c.call("POST", "/api/v1/documents", &body, mw.FormDataContentType())
	if err != nil {
		return 0, err
	}
	if code != http.StatusAccepted {
		return 0, fmt.Errorf("upload %s: %d %s", name, code, b)
	}
	var out struct{ ID int64 }
	json.Unmarshal(b, &out)
	return out.ID, nil
}

// makeClerk makes a clerk cleared TUYỆT MẬT (who sees every document)
// in data's records and returns a bearer token.
func makeClerk(t *testing.T, data string) string {
	t.Helper()
	ctx := context.Background()
	var out, errb bytes.Buffer
	if code := run(ctx, []string{"admin", "create-user", "--data", data, "--name", "vt", "--role", "clerk", "--agency", "ubnd-qn", "--clearance", "TUYỆT MẬT"}, &out, &errb); code != 0 {
		t.Fatalf("create-user: %s", errb.String())
	}
	out.Reset()
	if code := run(ctx, []string{"admin", "token", "--data", data, "--user", "vt"}, &out, &errb); code != 0 {
		t.Fatalf("token: %s", errb.String())
	}
	return strings.TrimSpace(out.String())
}

// bornDigital generates n born-digital PDFs (no OCR: fast to read).
func bornDigital(t *testing.T, n int, seed uint64) [][]byte {
	t.Helper()
	dir := t.TempDir()
	if err := corpus.Generate(context.Background(), dir, corpus.Options{N: n, Seed: seed, Formats: []string{"pdf"}}); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	var out [][]byte
	for _, f := range files {
		b, _ := os.ReadFile(f)
		out = append(out, b)
	}
	return out
}

// settle waits until none of ids is still received (read, or failed), and
// returns their statuses.
func (c *client) settle(t *testing.T, ids []int64, within time.Duration) map[int64]string {
	t.Helper()
	status := map[int64]string{}
	for deadline := time.Now().Add(within); ; time.Sleep(300 * time.Millisecond) {
		pending := 0
		for _, id := range ids {
			if s := status[id]; s != "" && s != "received" {
				continue
			}
			code, b, err := c.call("GET", fmt.Sprint("/api/v1/documents/", id), nil, "")
			var d struct{ Status string }
			json.Unmarshal(b, &d)
			if err != nil || code != 200 {
				d.Status = fmt.Sprintf("answer %d %v", code, err)
			}
			status[id] = d.Status
			if d.Status == "received" {
				pending++
			}
		}
		if pending == 0 || time.Now().After(deadline) {
			return status
		}
	}
}

// consistent checks what every fault must leave: each accepted upload
// recorded once, at its end (registered, in review or failed — never
// hanging), the arrival numbers gapless, every stored upload recorded,
// and the index holding every readable record.
func (c *client) consistent(t *testing.T, ids []int64, status map[int64]string, stored func() int) {
	t.Helper()
	failed := 0
	for _, id := range ids {
		switch status[id] {
		case "registered", "review", "approved":
		case "failed":
			failed++
		default:
			t.Errorf("document %d is %q: it never reached its end", id, status[id])
		}
	}
	_, b, _ := c.call("GET", "/api/v1/documents?limit=1000", nil, "")
	var docs struct {
		Documents []struct {
			ID     int64
			Status string
		}
	}
	json.Unmarshal(b, &docs)
	recorded := map[int64]bool{}
	readable := 0 // of every document, accepted or not (a 202 lost with the process)
	for _, d := range docs.Documents {
		recorded[d.ID] = true
		if d.Status == "registered" || d.Status == "review" || d.Status == "approved" {
			readable++
		}
	}
	for _, id := range ids {
		if !recorded[id] {
			t.Errorf("document %d was accepted and is not recorded", id)
		}
	}
	// Every stored upload has its document (none stored but unrecorded,
	// none recorded twice: the key is unique).
	if n := stored(); n != len(docs.Documents) {
		t.Errorf("%d uploads stored, %d documents recorded", n, len(docs.Documents))
	}
	_, b, _ = c.call("GET", "/api/v1/registers/incoming?limit=100000", nil, "")
	var reg struct {
		Entries []struct {
			ArrivalNumber int    `json:"arrival_number"`
			Book          string `json:"book"`
		}
	}
	json.Unmarshal(b, &reg)
	books := map[string][]int{} // each book (ordinary, secret) is numbered on its own
	for _, e := range reg.Entries {
		books[e.Book] = append(books[e.Book], e.ArrivalNumber)
	}
	for book, nums := range books {
		sort.Ints(nums)
		for i, n := range nums {
			if n != i+1 {
				t.Errorf("arrival numbers of book %q are not 1..%d without gaps: %v", book, len(nums), nums)
				break
			}
		}
	}
	nums := reg.Entries
	var sr struct{ Total int }
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(300 * time.Millisecond) {
		_, b, _ = c.call("GET", "/api/v1/search?size=1", nil, "")
		json.Unmarshal(b, &sr)
		if sr.Total == readable || time.Now().After(deadline) {
			break
		}
	}
	if sr.Total != readable {
		t.Errorf("the index holds %d documents, the records %d", sr.Total, readable)
	}
	t.Logf("%d accepted: %d recorded, %d failed, %d register lines, %d indexed", len(ids), len(recorded), failed, len(nums), sr.Total)
}

// kill -9 while documents are being uploaded and read, in rounds: after a
// restart every accepted upload ends recorded once or failed, arrival
// numbers stay gapless and the index agrees with the records. (Issue 10:
// 7 of 240 were lost before the terminal stages marked their end.)
func TestKillNineLosesNoUpload(t *testing.T) {
	data := t.TempDir()
	token := makeClerk(t, data)
	addr := freeAddr(t)
	docs := bornDigital(t, 40, 7)
	rounds := 3
	var ids []int64
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(10, 20))
	for round := range rounds {
		p := spawn(t, data, addr, nil, "--reconcile", "1s")
		c := &client{t: t, base: p.base, token: token}
		killAt := time.Duration(300+rng.IntN(1100)) * time.Millisecond
		var wg sync.WaitGroup
		next := make(chan int)
		for range 8 {
			wg.Go(func() {
				for i := range next {
					// Each round's bytes differ: a new document each time.
					id, err := c.upload(fmt.Sprintf("r%d-%d.pdf", round, i), append(docs[i], fmt.Sprintf("\n%% round %d\n", round)...))
					if err == nil {
						mu.Lock()
						ids = append(ids, id)
						mu.Unlock()
					}
				}
			})
		}
		go func() {
			for i := range docs {
				next <- i
			}
			close(next)
		}()
		time.Sleep(killAt)
		p.kill()
		wg.Wait()
		t.Logf("round %d: killed at %v, %d accepted so far", round+1, killAt, len(ids))
	}
	p := spawn(t, data, addr, nil, "--reconcile", "1s")
	c := &client{t: t, base: p.base, token: token}
	status := c.settle(t, ids, 5*time.Minute)
	c.consistent(t, ids, status, localUploads(data))
}

// localUploads counts the uploads stored in the embedded object store.
func localUploads(data string) func() int {
	return func() int {
		n := 0
		filepath.WalkDir(filepath.Join(data, "objects", "uploads", "api"), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && !strings.HasPrefix(d.Name(), ".") && !strings.HasSuffix(d.Name(), ".meta.json") {
				n++
			}
			return nil
		})
		return n
	}
}

// smallDisk mounts a tmpfs of size at dir (a full disk on demand), or
// skips the test where mounting is not allowed.
func smallDisk(t *testing.T, dir, size string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small disk here (root and mount(8) are needed): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
}

// fill takes every free byte of the disk at dir; the returned func gives
// them back.
func fill(t *testing.T, dir string) func() {
	t.Helper()
	f := filepath.Join(dir, "filler")
	exec.Command("dd", "if=/dev/zero", "of="+f, "bs=64k").Run() // ends with "no space left"
	return func() { os.Remove(f) }
}

func ready(base string) (int, string) {
	res, err := http.Get(base + "/readyz")
	if err != nil {
		return 0, err.Error()
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func waitReady(t *testing.T, base string, want int, within time.Duration) string {
	t.Helper()
	var code int
	var body string
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if code, body = ready(base); code == want {
			return body
		}
	}
	t.Fatalf("/readyz answered %d %q, want %d", code, body, want)
	return ""
}

// tail is the end of serve's log, for a failure's message.
func (p *proc) tail() string {
	b, _ := os.ReadFile(p.log.Name())
	if len(b) > 6000 {
		b = b[len(b)-6000:]
	}
	return string(b)
}

// The search index on a full disk: documents are still registered, the
// index's failures are errors (never a crash), /readyz says the index is
// not ready, a correction made meanwhile waits; once there is room the
// reconciler and the repair pass put everything in, and /readyz is ready.
func TestIndexOnAFullDisk(t *testing.T) {
	data := t.TempDir()
	smallDisk(t, filepath.Join(data, "index"), "24m")
	token := makeClerk(t, data)
	addr := freeAddr(t)
	// The disk is small: the index keeps 4 MiB free of it.
	p := spawn(t, data, addr, []string{"VANTHU_INDEX_MIN_FREE_MB=4", "VANTHU_METRICS_TOKEN=metrics-token"}, "--reconcile", "1s")
	c := &client{t: t, base: p.base, token: token}
	docs := bornDigital(t, 10, 3)
	var ids []int64
	for i, d := range docs[:5] {
		id, err := c.upload(fmt.Sprint("before-", i, ".pdf"), d)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	c.settle(t, ids, 3*time.Minute)
	waitReady(t, p.base, 200, time.Minute)
	free := fill(t, filepath.Join(data, "index"))
	for i, d := range docs[5:] {
		id, err := c.upload(fmt.Sprint("during-", i, ".pdf"), d)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	status := c.settle(t, ids, 3*time.Minute)
	if p.exited() {
		t.Fatalf("serve died on a full disk:\n%s", p.tail())
	}
	body := waitReady(t, p.base, http.StatusServiceUnavailable, time.Minute)
	if p.exited() {
		t.Fatalf("serve died on a full disk:\n%s", p.tail())
	}
	if !strings.Contains(body, "index") {
		t.Errorf("/readyz does not name the index: %q", body)
	}
	code, b, _ := c.call("PATCH", fmt.Sprint("/api/v1/documents/", ids[0]), strings.NewReader(`{"subject": "Về việc sửa chữa trụ sở khi đĩa đầy"}`), "application/json")
	if code != http.StatusOK {
		t.Errorf("a correction while the index is full: %d %s", code, b)
	}
	if p.exited() {
		t.Fatal("serve died on a full disk")
	}
	free()
	if p.exited() {
		t.Fatalf("serve died on a full disk:\n%s", p.tail())
	}
	waitReady(t, p.base, 200, 2*time.Minute)
	c.consistent(t, ids, status, localUploads(data))
	// Until the reconciler has indexed it again: other documents may
	// match some of the words meanwhile, which says nothing of it.
	var hits struct {
		Hits []struct {
			DocumentID int64 `json:"document_id"`
		}
	}
	found := func() bool { return len(hits.Hits) > 0 && hits.Hits[0].DocumentID == ids[0] }
	for deadline := time.Now().Add(2 * time.Minute); !found() && time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		_, b, _ = c.call("GET", "/api/v1/search?q=%22s%E1%BB%ADa+ch%E1%BB%AFa+tr%E1%BB%A5+s%E1%BB%9F+khi+%C4%91%C4%A9a+%C4%91%E1%BA%A7y%22", nil, "")
		hits.Hits = nil
		json.Unmarshal(b, &hits)
	}
	if !found() {
		t.Errorf("the correction made while the disk was full is not in the index: %s", b)
	}
	// What the operator saw: the index stage's failures while the disk was
	// full, its successes, and the routes' codes.
	req, _ := http.NewRequest("GET", p.base+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer metrics-token")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{`vanthu_stage_documents_total{outcome="error",stage="index"}`, `vanthu_stage_documents_total{outcome="ok",stage="index"}`,
		`vanthu_stage_documents_total{outcome="ok",stage="register"}`, `vanthu_http_requests_total{code="503",route="GET /readyz"}`,
		`vanthu_pages_read_total{source=`, `vanthu_search_seconds_count{op="search"}`, `vanthu_search_seconds_count{op="index"}`} {
		if !strings.Contains(string(m), want) {
			t.Errorf("metrics (%d) lack %s:\n%s", res.StatusCode, want, m)
		}
	}
}

// The records database on a full disk: an upload is refused as busy
// (503, Retry-After) and nothing of it is kept; once there is room the
// same upload is taken and read.
func TestDatabaseOnAFullDisk(t *testing.T) {
	data := t.TempDir()
	dbDir := filepath.Join(t.TempDir(), "db")
	smallDisk(t, dbDir, "16m")
	dbURL := filepath.Join(dbDir, "vanthu.db")
	t.Setenv("VANTHU_DB_URL", dbURL)
	token := makeClerk(t, data)
	addr := freeAddr(t)
	p := spawn(t, data, addr, []string{"VANTHU_DB_URL=" + dbURL}, "--reconcile", "1s")
	c := &client{t: t, base: p.base, token: token}
	docs := bornDigital(t, 2, 5)
	free := fill(t, dbDir)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "full.pdf")
	fw.Write(docs[0])
	mw.Close()
	// Small writes may still find a page free: fill again until refused.
	var code int
	var b []byte
	for range 20 {
		code, b, _ = c.call("POST", "/api/v1/documents", bytes.NewReader(body.Bytes()), mw.FormDataContentType())
		if code != http.StatusAccepted {
			break
		}
		fill(t, dbDir)
	}
	if code != http.StatusServiceUnavailable {
		t.Fatalf("an upload on a full database: %d %s", code, b)
	}
	if localUploads(data)() != 0 && code == http.StatusServiceUnavailable {
		// Accepted ones before the disk was full are recorded; none of the
		// refused ones may be stored.
		_, lb, _ := c.call("GET", "/api/v1/documents", nil, "")
		var docsNow struct{ Documents []struct{ ID int64 } }
		json.Unmarshal(lb, &docsNow)
		if localUploads(data)() != len(docsNow.Documents) {
			t.Errorf("a refused upload was kept: %d stored, %d recorded", localUploads(data)(), len(docsNow.Documents))
		}
	}
	free()
	id, err := c.upload("after.pdf", docs[1])
	if err != nil {
		t.Fatal(err)
	}
	status := c.settle(t, []int64{id}, 3*time.Minute)
	if s := status[id]; s != "registered" && s != "review" {
		t.Errorf("after room was made: %q", s)
	}
	if p.exited() {
		t.Fatal("serve died on a full disk")
	}
}

// kill -9 with uploads in a real MinIO: the API stores them there, MinIO
// notifies serve's webhook (queueing while serve is dead), the reconciler
// lists the bucket. After the rounds every accepted upload is recorded
// once or failed, as with the embedded store.
func TestKillNineWithMinIO(t *testing.T) {
	bucket := "kill-test"
	store, addr, token := miniotest.Bucket(t, "VANTHU_SERVE_ADDR", bucket, "arn:minio:sqs::SERVE:webhook")
	data := t.TempDir()
	clerk := makeClerk(t, data)
	env := []string{"VANTHU_MINIO_URL=" + os.Getenv("VANTHU_MINIO_URL"), "VANTHU_INGEST_TOKEN=" + token}
	docs := bornDigital(t, 20, 11)
	var ids []int64
	for round := range 2 {
		p := spawn(t, data, addr, env, "--reconcile", "1s", "--bucket", bucket)
		c := &client{t: t, base: p.base, token: clerk}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i, d := range docs {
			wg.Go(func() {
				id, err := c.upload(fmt.Sprintf("m%d-%d.pdf", round, i), append(d, fmt.Sprintf("\n%% minio round %d\n", round)...))
				if err == nil {
					mu.Lock()
					ids = append(ids, id)
					mu.Unlock()
				}
			})
		}
		time.Sleep(time.Duration(400+300*round) * time.Millisecond)
		p.kill()
		wg.Wait()
		t.Logf("round %d: %d accepted so far", round+1, len(ids))
	}
	p := spawn(t, data, addr, env, "--reconcile", "1s", "--bucket", bucket)
	c := &client{t: t, base: p.base, token: clerk}
	status := c.settle(t, ids, 5*time.Minute)
	c.consistent(t, ids, status, func() int {
		objs, err := store.List(context.Background(), bucket, "api/")
		if err != nil {
			t.Fatal(err)
		}
		return len(objs)
	})
}

// kill -9 at each point of an upload's way — stored by the API but not
// recorded, recorded but not passed on, each stage's artifact written but
// not answered, the register committed and the index written but their
// markers not — then a restart: the upload ends recorded once, indexed,
// numbered 1, whatever the point.
func TestKillNineAtEachStage(t *testing.T) {
	doc := bornDigital(t, 1, 21)[0]
	for _, point := range []string{crashpoint.Stored, crashpoint.Received, stage.PagesStage, stage.RecordsStage, stage.RegisteredStage, stage.IndexedStage} {
		t.Run(point, func(t *testing.T) {
			data := t.TempDir()
			token := makeClerk(t, data)
			addr := freeAddr(t)
			p := spawn(t, data, addr, []string{"VANTHU_CRASH_AT=" + point}, "--reconcile", "0")
			c := &client{t: t, base: p.base, token: token}
			id, err := c.upload("cv.pdf", doc)
			select {
			case <-p.done:
			case <-time.After(2 * time.Minute):
				t.Fatalf("the process never reached %s", point)
			}
			accepted := err == nil && id != 0
			if accepted == (point == crashpoint.Stored || point == crashpoint.Received) {
				t.Fatalf("killed at %s, the upload was accepted=%v (%v)", point, accepted, err)
			}
			p = spawn(t, data, addr, nil, "--reconcile", "1s")
			c.base = p.base
			var ids []int64
			for deadline := time.Now().Add(2 * time.Minute); len(ids) == 0 && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
				_, b, _ := c.call("GET", "/api/v1/documents", nil, "")
				var ds struct{ Documents []struct{ ID int64 } }
				json.Unmarshal(b, &ds)
				for _, d := range ds.Documents {
					ids = append(ids, d.ID)
				}
			}
			if accepted && (len(ids) != 1 || ids[0] != id) {
				t.Fatalf("documents after the restart: %v, want [%d]", ids, id)
			}
			if len(ids) != 1 {
				// Stored before it was recorded: the reconciler records it,
				// once (the client, told nothing, may send it again).
				t.Fatalf("documents after the restart: %v, want the stored upload", ids)
			}
			if _, b, _ := c.call("GET", fmt.Sprint("/api/v1/documents/", ids[0]), nil, ""); !strings.Contains(string(b), `"file":"cv.pdf"`) || !strings.Contains(string(b), `"uploaded_by":"vt"`) {
				t.Errorf("the document lost its name or uploader: %s", b)
			}
			status := c.settle(t, ids, 2*time.Minute)
			c.consistent(t, ids, status, localUploads(data))
		})
	}
}
