// Package opensearch is the OpenSearch search backend: the Elasticsearch
// family's Indexer (package elastic, whose requests OpenSearch 2 answers
// alike) carried by OpenSearch's official Go client, opensearch-go, with
// its connection pool over the cluster's nodes and its retries on another
// node when one goes away.
package opensearch

import (
	"fmt"
	"net/http"

	"github.com/opensearch-project/opensearch-go/v4"

	"github.com/vanthu/vanthu/internal/search/elastic"
)

// New connects to OpenSearch with cfg; the Indexer's Open creates the
// template, index and alias.
func New(cfg opensearch.Config) (*elastic.Indexer, error) {
	if len(cfg.RetryOnStatus) == 0 {
		// 429 too: a node whose queues are full is asked again, later.
		cfg.RetryOnStatus = []int{http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout, http.StatusTooManyRequests}
	}
	c, err := opensearch.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("opensearch: %w", err)
	}
	return elastic.NewWith("opensearch", c), nil
}
