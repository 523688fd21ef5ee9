package opensearch

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/opensearch-project/opensearch-go/v4"

	"github.com/vanthu/vanthu/internal/search"
	"github.com/vanthu/vanthu/internal/search/elastic"
	"github.com/vanthu/vanthu/internal/search/searchtest"
)

// node is the OpenSearch node scripts/test starts (scripts/opensearch);
// the suite is skipped only where none runs.
func node(t *testing.T) string {
	t.Helper()
	u := os.Getenv("VANTHU_OPENSEARCH_TEST_URL")
	if u == "" {
		t.Skip("VANTHU_OPENSEARCH_TEST_URL not set: scripts/test starts an OpenSearch node (scripts/opensearch)")
	}
	return u
}

// unopened is an Indexer on an alias of the test's own, refreshing
// after every write, one shard without replica (one node).
func unopened(t *testing.T, addrs ...string) *elastic.Indexer {
	t.Helper()
	x, err := New(opensearch.Config{Addresses: addrs})
	if err != nil {
		t.Fatal(err)
	}
	x.Refresh = true
	x.Alias = "vanthu-test-" + strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name()))
	x.Replicas, x.ReplicasSet = 0, true // one node: no replica to place
	return x
}

// fresh is an unopened Indexer, its index emptied and opened.
func fresh(t *testing.T, addrs ...string) *elastic.Indexer {
	t.Helper()
	x := unopened(t, addrs...)
	ctx := context.Background()
	if err := x.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := x.Open(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Drop(context.Background()) })
	return x
}

func TestConformance(t *testing.T) {
	searchtest.Run(t, fresh(t, node(t)))
}

// TestClusterUnreachable: no node answers: the error says the index is
// unavailable for now (the API answers 503 with Retry-After, not 500).
func TestClusterUnreachable(t *testing.T) {
	x, err := New(opensearch.Config{Addresses: []string{"http://127.0.0.1:1"}, MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = x.Search(context.Background(), search.Options{Caller: search.Caller{Agency: "a"}, Query: "x"})
	if !errors.Is(err, search.ErrUnavailable) || !strings.Contains(err.Error(), "opensearch search") {
		t.Errorf("no node: %v", err)
	}
	if err := x.Ping(context.Background()); !errors.Is(err, search.ErrUnavailable) {
		t.Errorf("ping: %v", err)
	}
}
