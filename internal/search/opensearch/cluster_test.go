package opensearch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/opensearch-project/opensearch-go/v4"

	"github.com/vanthu/vanthu/internal/search"
)

// cluster is three OpenSearch nodes on loopback, started by
// scripts/opensearch for this test alone.
type cluster struct {
	t    *testing.T
	dir  string
	urls []string
	mu   sync.Mutex
	pids []int // by node, 0: stopped
}

func startCluster(t *testing.T, nodes int) *cluster {
	t.Helper()
	if os.Getenv("VANTHU_OPENSEARCH_CLUSTER_TEST") != "1" {
		t.Skip("VANTHU_OPENSEARCH_CLUSTER_TEST not 1: scripts/test sets it, and this test starts three OpenSearch nodes (Java) of its own")
	}
	c := &cluster{t: t, dir: t.TempDir()}
	pidfile := filepath.Join(c.dir, "pids")
	cmd := exec.Command("bash", "../../../scripts/opensearch")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Env = append(os.Environ(), "OPENSEARCH_NODES="+strconv.Itoa(nodes), "OPENSEARCH_DIR="+filepath.Join(c.dir, "os"),
		"VANTHU_ES_PIDFILE="+pidfile, "VANTHU_ES_HEAP=384m")
	out, err := cmd.Output()
	if b, _ := os.ReadFile(pidfile); len(b) > 0 {
		for _, f := range strings.Fields(string(b)) {
			pid, _ := strconv.Atoi(f)
			c.pids = append(c.pids, pid)
		}
	}
	t.Cleanup(func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, pid := range c.pids {
			if pid > 0 {
				syscall.Kill(pid, syscall.SIGKILL)
				gone(pid)
			}
		}
	})
	if err != nil {
		t.Fatalf("scripts/opensearch: %v\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	c.urls = strings.Split(lines[len(lines)-1], ",")
	if len(c.urls) != nodes || len(c.pids) != nodes {
		t.Fatalf("scripts/opensearch printed %q, pids %v", out, c.pids)
	}
	return c
}

// get asks node i directly (not through the client's pool).
func (c *cluster) get(i int, path string, v any) error {
	res, err := http.Get(c.urls[i] + path)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s: %s", path, res.Status, b)
	}
	return json.Unmarshal(b, v)
}

// manager is the index of the elected cluster manager.
func (c *cluster) manager(from int) int {
	c.t.Helper()
	var nodes []struct {
		Node string `json:"node"`
	}
	if err := c.get(from, "/_cat/cluster_manager?format=json", &nodes); err != nil || len(nodes) != 1 {
		c.t.Fatalf("cluster manager: %v %v", nodes, err)
	}
	i, err := strconv.Atoi(strings.TrimPrefix(nodes[0].Node, "vanthu-"))
	if err != nil {
		c.t.Fatalf("cluster manager %q", nodes[0].Node)
	}
	return i - 1
}

// health waits until node from sees the cluster with nodes members and the
// status wanted.
func (c *cluster) health(from, nodes int, status string) {
	c.t.Helper()
	var h struct {
		Status   string `json:"status"`
		Nodes    int    `json:"number_of_nodes"`
		TimedOut bool   `json:"timed_out"`
	}
	path := fmt.Sprintf("/_cluster/health?wait_for_nodes=%d&wait_for_status=%s&timeout=90s", nodes, status)
	if err := c.get(from, path, &h); err != nil || h.TimedOut {
		c.t.Fatalf("cluster health (%d nodes, %s): %+v %v", nodes, status, h, err)
	}
}

func (c *cluster) kill(i int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	syscall.Kill(c.pids[i], syscall.SIGKILL)
	gone(c.pids[i])
	c.pids[i] = 0
}

// gone waits (up to 10 s) until the process pid has exited: the nodes
// are not this process's children, so there is nothing to Wait for, and
// their folders are removed after them.
func gone(pid int) {
	for range 100 {
		if syscall.Kill(pid, 0) != nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (c *cluster) restart(i int) {
	c.t.Helper()
	out, err := exec.Command(filepath.Join(c.dir, "os", fmt.Sprintf("node-%d", i+1), "start")).Output()
	pid, perr := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil || perr != nil {
		c.t.Fatalf("restart node %d: %v %v", i+1, err, perr)
	}
	c.mu.Lock()
	c.pids[i] = pid
	c.mu.Unlock()
}

func clusterDoc(i int) search.Document {
	return search.Document{ID: fmt.Sprintf("uploads/f-%05d.pdf@e1", i), Agency: "ubnd-qn", DocType: "CV", Number: strconv.Itoa(i), Symbol: "UBND-VP",
		Issuer: "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", IssuedAt: "2026-11-20", Subject: fmt.Sprintf("Về việc kiểm tra hồ sơ số %d", i),
		Text: "Ủy ban nhân dân tỉnh yêu cầu kiểm tra hồ sơ đất đai và báo cáo kết quả"}
}

// TestClusterLosesANode: three nodes, the index in 3 shards with a
// replica each; the elected cluster manager is killed (SIGKILL, as a
// crash) while documents are indexed and searched through the official
// client, which knows all three nodes; it comes back on its own data.
// No document is lost, searches keep answering, the node rejoins and the
// cluster is whole again (green).
func TestClusterLosesANode(t *testing.T) {
	c := startCluster(t, 3)
	ctx := context.Background()
	x, err := New(opensearch.Config{Addresses: c.urls, MaxRetries: 5})
	if err != nil {
		t.Fatal(err)
	}
	x.Alias, x.Shards, x.Replicas, x.ReplicasSet = "vanthu-failover", 3, 1, true
	if err := x.Open(ctx); err != nil {
		t.Fatal(err)
	}
	c.health(0, 3, "green")
	caller := search.Caller{Agency: "ubnd-qn"}

	const batches, per = 60, 50
	var indexed atomic.Int64
	var indexErrs []string // what the client saw, batch by batch
	stop := make(chan struct{})
	// floor: documents indexed and refreshed before the node went away;
	// every search after must count at least those (a shard's results
	// missing would show as fewer).
	var searches, failed, slowest, floor, short atomic.Int64
	var searchErrs sync.Map
	var searching sync.WaitGroup
	searching.Add(1)
	go func() { // a clerk's searches, without pause
		defer searching.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			searches.Add(1)
			began := time.Now()
			least := floor.Load()
			if r, err := x.Search(ctx, search.Options{Caller: caller, Query: "kiem tra ho so"}); err != nil {
				failed.Add(1)
				searchErrs.Store(err.Error(), true)
			} else if int64(r.Total) < least {
				short.Add(1)
			}
			if d := int64(time.Since(began)); d > slowest.Load() {
				slowest.Store(d)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	// The pipeline's writes, here: a batch refused is sent again, as the
	// register stage's retry does (same IDs: never a duplicate).
	killed := -1
	for b := range batches {
		if b == batches/3 {
			if err := x.RefreshNow(ctx); err != nil {
				t.Fatal(err)
			}
			floor.Store(indexed.Load())
			killed = c.manager(0)
			t.Logf("killing node %d, the cluster manager, after %d documents", killed+1, indexed.Load())
			c.kill(killed)
			began := time.Now()
			c.health((killed+1)%3, 2, "yellow") // the cluster saw it go, and elected another manager
			t.Logf("the two others formed the cluster again in %v", time.Since(began).Round(time.Millisecond))
		}
		if b == 2*batches/3 {
			t.Logf("restarting node %d after %d documents", killed+1, indexed.Load())
			c.restart(killed)
		}
		docs := make([]search.Document, per)
		for i := range docs {
			docs[i] = clusterDoc(b*per + i)
		}
		for try := 0; ; try++ {
			err := x.Index(ctx, docs...)
			if err == nil {
				break
			}
			indexErrs = append(indexErrs, fmt.Sprintf("batch %d try %d: %v", b, try, err))
			if try == 20 {
				t.Fatalf("batch %d refused 20 times: %v", b, err)
			}
			time.Sleep(time.Second)
		}
		indexed.Add(per)
	}
	// The searches run on until the node is back and the cluster whole.
	other := (killed + 1) % 3
	c.health(other, 3, "green")
	close(stop)
	searching.Wait()
	for _, e := range indexErrs {
		t.Logf("the client saw, while writing: %s", e)
	}
	searchErrs.Range(func(k, _ any) bool { t.Logf("the client saw, while searching: %s", k); return true })
	t.Logf("%d searches, %d failed, the slowest %v; %d write attempts refused", searches.Load(), failed.Load(),
		time.Duration(slowest.Load()).Round(time.Millisecond), len(indexErrs))

	if err := x.RefreshNow(ctx); err != nil {
		t.Fatal(err)
	}
	docs, _, err := x.Stats(ctx)
	if err != nil || docs != batches*per {
		t.Errorf("the index holds %d documents, want %d: %v", docs, batches*per, err)
	}
	r, err := x.Search(ctx, search.Options{Caller: caller, Query: "kiem tra ho so"})
	if err != nil || r.Total != batches*per {
		t.Errorf("a search finds %d, want %d: %v", r.Total, batches*per, err)
	}
	for _, i := range []int{0, batches * per / 2, batches*per - 1} { // before, while and after the node was away
		r, err := x.Search(ctx, search.Options{Caller: search.Caller{Agency: "ubnd-qn"}, Query: fmt.Sprintf("%d/UBND-VP", i)})
		if err != nil || r.Total != 1 {
			t.Errorf("document %d by its number: %d hits, %v", i, r.Total, err)
		}
	}
	// Every search answered: the ones sent while a node was dying were
	// asked again of another node by the client.
	if failed.Load() > 0 || short.Load() > 0 {
		t.Errorf("%d of %d searches failed while the node was away, %d came back short", failed.Load(), searches.Load(), short.Load())
	}
	if searches.Load() < 20 {
		t.Errorf("only %d searches ran", searches.Load())
	}
	// The node is back in the cluster and holds shards again.
	var shards []struct {
		Node  string `json:"node"`
		State string `json:"state"`
	}
	if err := c.get(other, "/_cat/shards/"+x.IndexName()+"?format=json", &shards); err != nil {
		t.Fatal(err)
	}
	on := 0
	for _, s := range shards {
		if s.Node == fmt.Sprintf("vanthu-%d", killed+1) && s.State == "STARTED" {
			on++
		}
	}
	if len(shards) != 6 || on == 0 {
		t.Errorf("shards after the node came back: %+v (want 6, some on vanthu-%d)", shards, killed+1)
	}
}

// TestMigrateUnderSearch: a mapping change rolled out while clerks search
// and the pipeline writes: the archive is copied into the new versioned
// index and the alias moved in one step; no search fails or comes back
// short; a write sent while the copy runs is refused as unavailable for
// now (never taken into the old index and lost), and sent again it lands.
func TestMigrateUnderSearch(t *testing.T) {
	ctx := context.Background()
	old := unopened(t, node(t))
	old.Version = 1
	if err := old.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { old.Drop(context.Background()) })
	if err := old.Open(ctx); err != nil {
		t.Fatal(err)
	}
	const n = 2000
	docs := make([]search.Document, n)
	for i := range docs {
		docs[i] = clusterDoc(i)
	}
	old.Refresh = false
	if err := old.Index(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	if err := old.RefreshNow(ctx); err != nil {
		t.Fatal(err)
	}
	next := *old
	next.Version, next.Shards = 2, 2 // a change an index cannot take in place
	t.Cleanup(func() { next.Drop(context.Background()) })
	if err := next.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	caller := search.Caller{Agency: "ubnd-qn"}
	stop := make(chan struct{})
	var searches, failed, short atomic.Int64
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				searches.Add(1)
				r, err := next.Search(ctx, search.Options{Caller: caller, Query: "kiem tra ho so"})
				switch {
				case err != nil:
					failed.Add(1)
					t.Logf("search failed: %v", err)
				case r.Total < n:
					short.Add(1)
				}
			}
		}()
	}
	// The pipeline's writes go on through the alias: new documents, and a
	// correction of one already copied. A refused write is kept to be sent
	// again, as the records keep a document marked for repair.
	var mu sync.Mutex
	var refused []search.Document
	var other []error
	var written atomic.Int64
	wrote := make(chan struct{})
	migrated := make(chan struct{})
	corrected := clusterDoc(7)
	corrected.Subject = "Về việc giải thể tổ kiểm tra hồ sơ"
	go func() {
		defer close(wrote)
		for i := n; ; i++ {
			d := clusterDoc(i)
			if i%10 == 0 {
				d = corrected
			}
			err := old.Index(ctx, d)
			mu.Lock()
			switch {
			case errors.Is(err, search.ErrUnavailable):
				refused = append(refused, d)
			case err != nil:
				other = append(other, err)
			default:
				written.Add(1)
			}
			mu.Unlock()
			select {
			case <-migrated:
				return
			default:
			}
		}
	}()
	time.Sleep(200 * time.Millisecond)
	was, copied, err := next.Migrate(ctx)
	close(migrated)
	<-wrote
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // searches on the new index
	close(stop)
	wg.Wait()
	t.Logf("migrated from %s: %d copied; %d searches meanwhile; %d writes landed, %d refused for the copy", was, copied, searches.Load(), written.Load(), len(refused))
	if was != old.IndexName() || copied < n {
		t.Errorf("migrated from %q, %d copied", was, copied)
	}
	if failed.Load() > 0 || short.Load() > 0 {
		t.Errorf("%d of %d searches failed, %d came back short", failed.Load(), searches.Load(), short.Load())
	}
	if searches.Load() < 10 {
		t.Errorf("only %d searches ran during the migration", searches.Load())
	}
	if len(other) > 0 {
		t.Errorf("writes failed otherwise than unavailable for now: %v", other)
	}
	if len(refused) == 0 {
		t.Error("no write was sent while the copy ran: the test proves nothing of it")
	}
	// The refused writes, sent again (the repair), land in the new index.
	if err := old.Index(ctx, refused...); err != nil {
		t.Fatal(err)
	}
	if err := next.RefreshNow(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _, err := next.Stats(ctx); err != nil || got < n {
		t.Errorf("the new index holds %d, want at least %d: %v", got, n, err)
	}
	r, err := next.Search(ctx, search.Options{Caller: caller, Query: "giai the to kiem tra"})
	if err != nil || r.Total != 1 || r.Hits[0].ID != corrected.ID {
		t.Errorf("the correction sent during the migration: %+v %v", r.Hits, err)
	}
	// Every new document written or sent again is there.
	mu.Lock()
	defer mu.Unlock()
	for _, d := range refused {
		if d.ID == corrected.ID {
			continue
		}
		if r, err := next.Search(ctx, search.Options{Caller: caller, Query: d.Number + "/UBND-VP"}); err != nil || r.Total != 1 {
			t.Errorf("%s, refused then sent again: %d %v", d.ID, r.Total, err)
		}
	}
	// Run again: nothing to do.
	if was, _, err := next.Migrate(ctx); err != nil || was != "" {
		t.Errorf("second migration: %q %v", was, err)
	}
	// A process still on the old version opens without moving the alias
	// back, and reads and writes the new index through it; it cannot
	// migrate the archive back.
	if err := old.Open(ctx); err != nil {
		t.Fatal(err)
	}
	if r, err := old.Search(ctx, search.Options{Caller: caller, Query: "kiem tra ho so"}); err != nil || r.Total < n {
		t.Errorf("an old process's search: %d %v", r.Total, err)
	}
	if _, _, err := old.Migrate(ctx); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("an old process migrating back: %v", err)
	}
}
