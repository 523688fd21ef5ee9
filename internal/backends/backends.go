// Package backends opens the seams' implementations a deployment names:
// the object store (a folder, or MinIO), the search index (Bleve, or
// Elasticsearch), the records (SQLite, or PostgreSQL) and the event sink
// (Knative's K_SINK). vanthu serve opens each once for all its functions;
// a function run alone opens its own in Start and closes them in Stop,
// as knative/func's shape has it.
package backends

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/cloudevents/sdk-go/v2/protocol"
	"github.com/elastic/go-elasticsearch/v8"
	opensearchgo "github.com/opensearch-project/opensearch-go/v4"

	"github.com/vanthu/vanthu/internal/config"
	"github.com/vanthu/vanthu/internal/metrics"
	"github.com/vanthu/vanthu/internal/objstore"
	"github.com/vanthu/vanthu/internal/objstore/local"
	vminio "github.com/vanthu/vanthu/internal/objstore/minio"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/search"
	bleveidx "github.com/vanthu/vanthu/internal/search/bleve"
	"github.com/vanthu/vanthu/internal/search/elastic"
	"github.com/vanthu/vanthu/internal/search/opensearch"
)

// Store is the object store: MinIO when VANTHU_MINIO_URL is set (its
// bucket must exist), else the folder DATA/objects.
func Store(ctx context.Context, src config.Source, data, bucket string) (objstore.Store, error) {
	if raw := src("VANTHU_MINIO_URL"); raw != "" {
		cfg, err := vminio.ParseURL(raw)
		if err != nil {
			return nil, err
		}
		s, err := vminio.New(cfg)
		if err != nil {
			return nil, err
		}
		ok, err := s.Client().BucketExists(ctx, bucket)
		if err != nil {
			return nil, fmt.Errorf("MinIO at %s: %w", cfg.Endpoint, err)
		}
		if !ok {
			return nil, errors.New("MinIO has no bucket " + bucket + "; create it and its notification (infra/)")
		}
		return s, nil
	}
	root := filepath.Join(data, "objects")
	if err := os.MkdirAll(filepath.Join(root, bucket), 0o750); err != nil {
		return nil, err
	}
	return local.New(root)
}

// StoreReachable is the object store's readiness probe: a Stat answered,
// found or not.
func StoreReachable(ctx context.Context, store objstore.Store, bucket string) error {
	_, err := store.Stat(ctx, bucket, "vanthu/readyz-probe")
	if errors.Is(err, objstore.ErrNotFound) {
		return nil
	}
	return err
}

// Clustered says the search index is a cluster (Elasticsearch or
// OpenSearch), not the embedded Bleve index in DATA/index.
func Clustered(src config.Source) bool {
	return src("VANTHU_ES_URL") != "" || src("VANTHU_OPENSEARCH_URL") != ""
}

// Cluster is the search index on Elasticsearch (VANTHU_ES_URL) or
// OpenSearch (VANTHU_OPENSEARCH_URL): its nodes, credentials, CA, alias,
// shards and replicas as the table's VANTHU_ES_* say. It is not opened.
func Cluster(src config.Source) (*elastic.Indexer, error) {
	esURL, osURL := src("VANTHU_ES_URL"), src("VANTHU_OPENSEARCH_URL")
	if esURL != "" && osURL != "" {
		return nil, errors.New("both VANTHU_ES_URL and VANTHU_OPENSEARCH_URL are set: the archive's index is on one cluster; unset one")
	}
	nodes := func(list string) []string {
		var out []string
		for _, u := range strings.Split(list, ",") {
			if u = strings.TrimSpace(u); u != "" {
				out = append(out, u)
			}
		}
		return out
	}
	var ca []byte
	if f := src("VANTHU_ES_CA_FILE"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("VANTHU_ES_CA_FILE: %w", err)
		}
		ca = b
	}
	var x *elastic.Indexer
	var err error
	if esURL != "" {
		x, err = elastic.New(elasticsearch.Config{Addresses: nodes(esURL), APIKey: src("VANTHU_ES_API_KEY"), CACert: ca})
	} else {
		if src("VANTHU_ES_API_KEY") != "" {
			return nil, errors.New("VANTHU_ES_API_KEY is Elasticsearch's: OpenSearch takes its user and password in VANTHU_OPENSEARCH_URL (https://USER:PASSWORD@host:9200)")
		}
		x, err = opensearch.New(opensearchgo.Config{Addresses: nodes(osURL), CACert: ca})
	}
	if err != nil {
		return nil, err
	}
	x.Alias = src("VANTHU_ES_INDEX")
	for _, n := range []struct {
		env string
		dst *int
	}{{"VANTHU_ES_SHARDS", &x.Shards}, {"VANTHU_ES_REPLICAS", &x.Replicas}} {
		if v := src(n.env); v != "" {
			i, err := strconv.ParseUint(v, 10, 8)
			if err != nil {
				return nil, fmt.Errorf("%s=%q: want a whole number", n.env, v)
			}
			*n.dst = int(i)
			if n.env == "VANTHU_ES_REPLICAS" {
				x.ReplicasSet = true
			}
		}
	}
	return x, nil
}

// Index is the search backend: a cluster when Clustered, else the
// embedded Bleve index in DATA/index.
func Index(ctx context.Context, src config.Source, data string) (search.Indexer, error) {
	if Clustered(src) {
		x, err := Cluster(src)
		if err != nil {
			return nil, err
		}
		if err := x.Open(ctx); err != nil {
			return nil, err
		}
		return x, nil
	}
	x, err := bleveidx.Open(filepath.Join(data, "index"))
	if err != nil {
		return nil, err
	}
	if v := src("VANTHU_INDEX_MIN_FREE_MB"); v != "" {
		// The free space the index's disk keeps (default 64 MiB).
		mb, err := strconv.ParseUint(v, 10, 32)
		if err != nil || mb == 0 {
			x.Close()
			return nil, fmt.Errorf("VANTHU_INDEX_MIN_FREE_MB=%q: want a number of MiB", v)
		}
		x.MinFree = mb << 20
	}
	return x, nil
}

// Records is the records database: PostgreSQL when VANTHU_DB_URL
// (postgres://...) is set, else SQLite in DATA/vanthu.db.
func Records(ctx context.Context, src config.Source, data string) (*records.Store, error) {
	if url := src("VANTHU_DB_URL"); url != "" {
		return records.Open(ctx, url)
	}
	return records.OpenSQLite(ctx, filepath.Join(data, "vanthu.db"))
}

// Sink posts events to K_SINK, the address a SinkBinding injects (the
// Broker).
type Sink struct{ c cloudevents.Client }

// NewSink is the sink K_SINK names.
func NewSink(src config.Source) (*Sink, error) {
	sink := src("K_SINK")
	if sink == "" {
		return nil, errors.New("K_SINK is not set: bind this function to the broker with a SinkBinding")
	}
	c, err := cloudevents.NewClientHTTP(cloudevents.WithTarget(sink))
	if err != nil {
		return nil, err
	}
	return &Sink{c: c}, nil
}

// Emit sends ev; a refusal is an error.
func (s *Sink) Emit(ctx context.Context, ev event.Event) error {
	if res := s.c.Send(ctx, ev); cloudevents.IsUndelivered(res) || protocol.IsNACK(res) {
		return fmt.Errorf("send %s to the broker: %w", ev.Type(), res)
	}
	return nil
}

// Opened is what a function's Start opened, for its Stop to close. The
// fields a caller set before Start (vanthu serve shares one store, index
// and records among its functions) are left as they are.
type Opened struct {
	Get     config.Source
	closers []func() error
}

// Open starts an Opened over cfg (knative/func's Start configuration).
func Open(cfg map[string]string) *Opened { return &Opened{Get: config.Map(cfg)} }

// Data is the state folder the configuration names.
func (o *Opened) Data() string { return o.Get("VANTHU_DATA") }

// Bucket is the upload bucket the configuration names.
func (o *Opened) Bucket() string { return o.Get("VANTHU_BUCKET") }

// Store opens the object store into *dst unless it is set.
func (o *Opened) Store(ctx context.Context, dst *objstore.Store) error {
	if *dst != nil {
		return nil
	}
	s, err := Store(ctx, o.Get, o.Data(), o.Bucket())
	*dst = s
	return err
}

// Index opens the search index into *dst unless it is set.
func (o *Opened) Index(ctx context.Context, dst *search.Indexer) error {
	if *dst != nil {
		return nil
	}
	x, err := Index(ctx, o.Get, o.Data())
	if err != nil {
		return err
	}
	*dst = metrics.Timed(x)
	o.closers = append(o.closers, x.Close)
	return nil
}

// Records opens the records into *dst unless it is set.
func (o *Opened) Records(ctx context.Context, dst **records.Store) error {
	if *dst != nil {
		return nil
	}
	r, err := Records(ctx, o.Get, o.Data())
	if err != nil {
		return err
	}
	*dst = r
	o.closers = append(o.closers, r.Close)
	return nil
}

// OnStop adds something for Close to close.
func (o *Opened) OnStop(f func() error) { o.closers = append(o.closers, f) }

// Close closes what was opened, last first. A nil Opened (Start never
// ran) has nothing to close.
func (o *Opened) Close() error {
	if o == nil {
		return nil
	}
	var errs []error
	for i := len(o.closers) - 1; i >= 0; i-- {
		errs = append(errs, o.closers[i]())
	}
	o.closers = nil
	return errors.Join(errs...)
}
