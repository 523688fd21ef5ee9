// Package config is the one table of what Vanthu reads from its
// environment: each variable's name, default, whether it is a secret, and
// how its value is checked. Every read goes through Get (a test holds the
// code to that), `vanthu config` prints the table with secrets masked, and
// Validate's errors name the variable.
package config

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
)

// Var is one environment variable.
type Var struct {
	Env     string
	Default string
	Secret  bool // never printed; URLs print without their password
	// URLSecret: only a URL's password (and password-like query values)
	// is secret; a value that is no URL (a SQLite file) prints as it is.
	URLSecret bool
	Test      bool   // read by tests and fault injection only
	Help      string // what it sets
	Check     func(string) error
}

// Table is every variable Vanthu reads.
var Table = []Var{
	{Env: "VANTHU_DATA", Default: "./data", Help: "state folder: embedded object store, Bleve index, SQLite database"},
	{Env: "VANTHU_AGENCY", Default: "default", Help: "agency of uploads whose metadata names none"},
	{Env: "VANTHU_BUCKET", Default: "uploads", Help: "bucket clerks upload to"},
	{Env: "VANTHU_MINIO_URL", Secret: true, URLSecret: true, Check: minioURL, Help: "MinIO instead of the folder store: http(s)://ACCESS:SECRET@host:port"},
	{Env: "VANTHU_ES_URL", Secret: true, URLSecret: true, Check: httpURLs, Help: "Elasticsearch 8 instead of the embedded Bleve index: its nodes' URLs, comma-separated (https://USER:PASSWORD@host:9200 or an API key)"},
	{Env: "VANTHU_OPENSEARCH_URL", Secret: true, URLSecret: true, Check: httpURLs, Help: "OpenSearch 2 instead of the embedded Bleve index: its nodes' URLs, comma-separated (https://USER:PASSWORD@host:9200)"},
	{Env: "VANTHU_ES_API_KEY", Secret: true, Help: "Elasticsearch API key (base64 of id:key), instead of a password in VANTHU_ES_URL"},
	{Env: "VANTHU_ES_CA_FILE", Help: "PEM file of the certificate authority the search cluster's TLS certificates are checked against (unset: the system's)"},
	{Env: "VANTHU_ES_INDEX", Default: "vanthu-docs", Check: indexName, Help: "alias the archive's index is read and written through (its versions are ALIAS-vN)"},
	{Env: "VANTHU_ES_SHARDS", Check: positiveInt, Help: "primary shards of a new index (unset: 1; a province: 3, see README)"},
	{Env: "VANTHU_ES_REPLICAS", Check: wholeNumber, Help: "replicas of each shard of a new index (unset: 1)"},
	{Env: "VANTHU_DB_URL", Secret: true, URLSecret: true, Check: database, Help: "PostgreSQL (postgres://...) or another SQLite file instead of DATA/vanthu.db"},
	{Env: "VANTHU_INDEX_MIN_FREE_MB", Default: "64", Check: positiveInt, Help: "free MiB the Bleve index keeps on its disk (it refuses writes below)"},
	{Env: "VANTHU_INGEST_TOKEN", Secret: true, Help: "bearer token MinIO's webhook must send to the ingest function"},
	{Env: "VANTHU_METRICS_TOKEN", Secret: true, Help: "bearer token /metrics answers (unset: /metrics answers no one)"},
	{Env: "VANTHU_SECURE_COOKIES", Check: flag, Help: "1: session cookies only over HTTPS (behind a TLS proxy)"},
	{Env: "VANTHU_LLM_URL", Secret: true, URLSecret: true, Check: httpURL, Help: "OpenAI-compatible endpoint that rewrites the summaries' prose (optional)"},
	{Env: "VANTHU_LLM_MODEL", Help: "model name for VANTHU_LLM_URL"},
	{Env: "VANTHU_LLM_KEY", Secret: true, Help: "API key for VANTHU_LLM_URL"},
	{Env: "VANTHU_LANGUAGE_MODEL", Help: "word-pair model of the archive's own text (pipelines/lm), instead of the embedded one"},
	{Env: "VANTHU_PPROF", Check: hostPort, Help: "address (keep it on loopback) for Go's profiler; unset: off"},
	{Env: "VANTHU_DEBUG_CROPS", Help: "folder the pipeline writes its prepared pages and re-read crops into (debugging)"},
	{Env: "OTEL_EXPORTER_OTLP_ENDPOINT", Check: httpURL, Help: "OpenTelemetry collector (OTLP/HTTP) the traces go to; the exporter reads the other OTEL_* variables itself; unset: traces only in the events and logs"},
	{Env: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", Check: httpURL, Help: "the collector's traces URL, when it is not OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces"},
	{Env: "VANTHU_ZALO_APP_ID", Help: "the Zalo app id the OA's webhook events carry (app_id)"},
	{Env: "VANTHU_ZALO_SECRET", Secret: true, Help: "the OA secret key the webhook's X-ZEvent-Signature is made with (unset: every event refused)"},
	{Env: "VANTHU_ZALO_AGENCY", Help: "agency code that owns the Official Account and receives its cases first"},
	{Env: "VANTHU_ZALO_ACCESS_TOKEN", Secret: true, Help: "the OA's access token for replies (unset: nothing is sent to citizens)"},
	{Env: "VANTHU_ZALO_API_URL", Default: "https://openapi.zalo.me", Check: httpURL, Help: "Zalo's OpenAPI host (a stand-in in tests)"},
	{Env: "VANTHU_FEEDBACK_DEADLINES", Check: deadlines, Help: "days a case may wait for its answer, by topic: default=10,dat-dai=15,… (the built-in table otherwise)"},
	{Env: "VANTHU_ZALO_MEDIA_HOSTS", Help: "comma-separated hosts attachments may be downloaded from (default Zalo's: zdn.vn, zadn.vn, zalo.me, zaloapp.com)"},
	{Env: "VANTHU_SMTP_ADDR", Check: hostPort, Help: "SMTP server (host:port) notices are e-mailed through; unset: no e-mail"},
	{Env: "VANTHU_SMTP_FROM", Help: "sender address of the notices' e-mail (default vanthu@ the SMTP host)"},
	{Env: "VANTHU_SMTP_USER", Help: "SMTP login (PLAIN, only over TLS or to loopback); unset: no login"},
	{Env: "VANTHU_SMTP_PASSWORD", Secret: true, Help: "password for VANTHU_SMTP_USER"},
	{Env: "VANTHU_ZNS_URL", Default: "https://business.openapi.zalo.me/message/template", Check: httpURL, Help: "Zalo ZNS template message endpoint (a stand-in in tests)"},
	{Env: "VANTHU_ZNS_TOKEN", Secret: true, Help: "the OA's access token for ZNS; unset: no Zalo notices"},
	{Env: "VANTHU_ZNS_TEMPLATE", Help: "ZNS template id of the notices (parameters subject, body, link)"},
	{Env: "VANTHU_PUBLIC_URL", Check: httpURL, Help: "where people open Vanthu (https://...): links in e-mail and Zalo notices"},
	{Env: "PORT", Default: "8080", Check: positiveInt, Help: "port a function listens on (Knative sets it)"},
	{Env: "K_SINK", Check: httpURL, Help: "where a function sends the events it emits (set by Knative's SinkBinding)"},
	{Env: "VANTHU_CRASH_AT", Test: true, Help: "fault injection: the point at which the process kills itself"},
	{Env: "VANTHU_PG_URL", Test: true, Secret: true, URLSecret: true, Help: "PostgreSQL the conformance suites run on"},
	{Env: "VANTHU_OPENSEARCH_TEST_URL", Test: true, Help: "OpenSearch node the search conformance suite runs on (scripts/test starts one: scripts/opensearch)"},
	{Env: "VANTHU_OPENSEARCH_CLUSTER_TEST", Test: true, Help: "1: the search cluster test starts three OpenSearch nodes of its own and stops one under load"},
	{Env: "VANTHU_REAL_DEV", Test: true, Help: "folder of the real dev scans"},
	{Env: "VANTHU_INGEST_ADDR", Test: true, Help: "address MinIO's test webhook to the ingest function points at"},
	{Env: "VANTHU_SERVE_ADDR", Test: true, Help: "address MinIO's test webhook to vanthu serve points at"},
}

var byEnv = func() map[string]Var {
	m := map[string]Var{}
	for _, v := range Table {
		m[v.Env] = v
	}
	return m
}()

// Get is the variable's value, or its default. A name not in the table
// is a programming error.
func Get(env string) string { return lookup(env, os.LookupEnv) }

// Source reads a variable of the table: Get (the process's environment)
// or Map (the configuration knative/func hands a function's Start).
type Source func(env string) string

// Map is a Source over cfg, with the table's defaults.
func Map(cfg map[string]string) Source {
	return func(env string) string {
		return lookup(env, func(k string) (string, bool) { v, ok := cfg[k]; return v, ok })
	}
}

func lookup(env string, find func(string) (string, bool)) string {
	v, ok := byEnv[env]
	if !ok {
		panic("config: " + env + " is not in the table (internal/config)")
	}
	if s, set := find(env); set && s != "" {
		return s
	}
	return v.Default
}

// Environ is the process's environment as knative/func hands it to Start.
func Environ() map[string]string {
	m := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

// Validate checks every variable that is set; each error names it.
func Validate() error {
	var errs []error
	for _, v := range Table {
		s, set := os.LookupEnv(v.Env)
		if !set || s == "" || v.Check == nil {
			continue
		}
		if err := v.Check(s); err != nil {
			shown := s
			if v.Secret {
				shown = Mask(v, s)
			}
			errs = append(errs, fmt.Errorf("%s=%q: %w", v.Env, shown, err))
		}
	}
	return errors.Join(errs...)
}

// Mask is a value as it may be printed: a secret URL as its scheme, host
// and path only (user and password as stars, every query value as stars),
// any other secret as stars.
func Mask(v Var, s string) string {
	if !v.Secret || s == "" {
		return s
	}
	if v.URLSecret && !strings.Contains(s, "://") && !strings.Contains(s, "=") && !strings.Contains(s, "@") {
		return s // a file's path (a SQLite database), no secret in it
	}
	if v.URLSecret && strings.Count(s, "://") > 1 && strings.Contains(s, ",") {
		// A cluster's nodes: each URL masked.
		parts := strings.Split(s, ",")
		for i, p := range parts {
			p = strings.TrimSpace(p)
			if u, err := url.Parse(p); err != nil || u.Host == "" {
				parts[i] = "****" // not a URL: a piece of a password with a comma in it
				continue
			}
			parts[i] = Mask(v, p)
		}
		return strings.Join(parts, ",")
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Opaque != "" || (u.User == nil && strings.Contains(s, "@")) || strings.Contains(strings.ToLower(s), "password=") && u.RawQuery == "" {
		return "****"
	}
	if u.User != nil {
		u.User = url.UserPassword("****", "****")
	}
	q := u.Query()
	for k := range q {
		q.Set(k, "****")
	}
	u.RawQuery = q.Encode()
	u.Fragment = ""
	return strings.ReplaceAll(u.String(), "%2A%2A%2A%2A", "****")
}

// Print writes the table: each variable, its value as it may be shown,
// where it came from, and what it sets.
func Print(w io.Writer, withTest bool) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIABLE\tVALUE\tFROM\tWHAT IT SETS")
	for _, v := range Table {
		if v.Test && !withTest {
			continue
		}
		s, set := os.LookupEnv(v.Env)
		from := "environment"
		switch {
		case !set || s == "":
			s, from = v.Default, "default"
			if s == "" {
				from = "unset"
			}
		case v.Secret:
			s = Mask(v, s)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", v.Env, s, from, v.Help)
	}
	tw.Flush()
}

func positiveInt(s string) error {
	if n, err := strconv.ParseUint(s, 10, 32); err != nil || n == 0 {
		return errors.New("want a whole number above 0")
	}
	return nil
}

func wholeNumber(s string) error {
	if _, err := strconv.ParseUint(s, 10, 8); err != nil {
		return errors.New("want a whole number from 0 to 255")
	}
	return nil
}

// httpURLs is a comma-separated list of http(s) URLs: a cluster's nodes.
func httpURLs(s string) error {
	nodes := strings.Split(s, ",")
	for i, u := range nodes {
		if err := httpURL(strings.TrimSpace(u)); err != nil {
			if len(nodes) == 1 {
				return err
			}
			return fmt.Errorf("node %d of %d: %w (several: comma-separated)", i+1, len(nodes), err)
		}
	}
	return nil
}

// indexName is what Elasticsearch and OpenSearch take as an index or
// alias name (lower case, no separators, not starting with - _ +).
func indexName(s string) error {
	if len(s) > 200 || strings.ContainsAny(s, `\/*?"<>| ,#:`) || strings.ToLower(s) != s || strings.IndexAny(s, "-_+.") == 0 {
		return errors.New("want a lower-case index name: no spaces, none of \\/*?\"<>|,#: and not starting with - _ + or a dot")
	}
	return nil
}

func flag(s string) error {
	if s != "0" && s != "1" {
		return errors.New("want 1 or 0")
	}
	return nil
}

func httpURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("want an http(s):// URL")
	}
	return nil
}

func minioURL(s string) error {
	if u, err := url.Parse(s); err != nil || u.Host == "" || u.User == nil {
		return errors.New("want http(s)://ACCESS:SECRET@host:port")
	}
	return nil
}

func database(s string) error {
	if !strings.Contains(s, "://") {
		return nil // a SQLite file
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return errors.New("want a postgres:// URL or a SQLite file's path")
	}
	return nil
}

func hostPort(s string) error {
	if _, _, err := net.SplitHostPort(s); err != nil {
		return errors.New("want host:port")
	}
	return nil
}

// deadlines checks topic=days pairs (records.ParseDeadlines says the same;
// config imports nothing of the records).
func deadlines(v string) error {
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		topic, days, ok := strings.Cut(part, "=")
		n, err := strconv.Atoi(strings.TrimSpace(days))
		if !ok || strings.TrimSpace(topic) == "" || err != nil || n < 1 || n > 365 {
			return fmt.Errorf("%q: want topic=days (1 to 365)", part)
		}
	}
	return nil
}
