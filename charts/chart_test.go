package charts

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/lint"
	"helm.sh/helm/v3/pkg/lint/support"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"knative.dev/serving/pkg/apis/config"
	servingv1 "knative.dev/serving/pkg/apis/serving/v1"
	"sigs.k8s.io/yaml"

	"github.com/vanthu/vanthu/internal/stage"
	"github.com/vanthu/vanthu/internal/testenv"
)

type manifest struct {
	source string
	kind   string
	group  string // API group
	ver    string
	name   string
	json   []byte
}

func render(t *testing.T, overrides ...map[string]any) []manifest {
	t.Helper()
	ch, err := loader.Load("vanthu")
	if err != nil {
		t.Fatal(err)
	}
	var user map[string]any
	if len(overrides) > 0 {
		user = overrides[0]
	}
	vals, err := chartutil.ToRenderValues(ch, user, chartutil.ReleaseOptions{Name: "vanthu", Namespace: "vanthu", IsInstall: true}, chartutil.DefaultCapabilities)
	if err != nil {
		t.Fatal(err)
	}
	out, err := engine.Render(ch, vals)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range out {
		names = append(names, n)
	}
	sort.Strings(names)
	var ms []manifest
	for _, n := range names {
		for _, doc := range strings.Split(out[n], "\n---") {
			if strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(doc), "---")) == "" || !strings.Contains(doc, "kind:") {
				continue
			}
			js, err := yaml.YAMLToJSON([]byte(doc))
			if err != nil {
				t.Fatalf("%s: %v\n%s", n, err, doc)
			}
			var head struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
				Metadata   struct {
					Name string `json:"name"`
				} `json:"metadata"`
			}
			json.Unmarshal(js, &head)
			group, ver, found := strings.Cut(head.APIVersion, "/")
			if !found {
				group, ver = "", head.APIVersion
			}
			ms = append(ms, manifest{source: n, kind: head.Kind, group: group, ver: ver, name: head.Metadata.Name, json: js})
		}
	}
	return ms
}

func TestChartLints(t *testing.T) {
	l := lint.All("vanthu", nil, "vanthu", false)
	for _, m := range l.Messages {
		if m.Severity >= support.WarningSev {
			t.Errorf("lint: %s", m)
		}
	}
}

func strictDecode(t *testing.T, m manifest, into any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(m.json))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		t.Errorf("%s %s/%s: %v", m.source, m.kind, m.name, err)
	}
}

// knativeAccepts defaults and validates a Service as Knative's webhook
// does, with the volume features the chart's README asks for (index and
// register keep their embedded backends on a volume).
func knativeAccepts(t *testing.T, source string, svc *servingv1.Service) {
	t.Helper()
	cfg := config.FromContextOrDefaults(context.Background())
	cfg.Features.PodSpecPersistentVolumeClaim = config.Enabled
	cfg.Features.PodSpecPersistentVolumeWrite = config.Enabled
	ctx := config.ToContext(context.Background(), cfg)
	svc.SetDefaults(ctx)
	if err := svc.Validate(ctx); err != nil {
		t.Errorf("%s: Knative rejects Service %s: %v", source, svc.Name, err)
	}
}

func TestRenderedManifestsValidate(t *testing.T) {
	ms := render(t)
	schemas := filepath.Join(filepath.Dir(testenv.RealDev(t)), "schemas", "knative")
	compiler := jsonschema.NewCompiler()
	kinds := map[string]int{}
	for _, m := range ms {
		kinds[m.kind]++
		switch {
		case m.group == "serving.knative.dev" && m.kind == "Service":
			var svc servingv1.Service
			strictDecode(t, m, &svc)
			knativeAccepts(t, m.source, &svc)
			checkService(t, svc)
			fallthrough
		case strings.HasSuffix(m.group, "knative.dev"):
			path := filepath.Join(schemas, m.group, strings.ToLower(m.kind)+"_"+m.ver+".json")
			if _, err := os.Stat(path); err != nil {
				t.Errorf("%s %s: no schema %s", m.source, m.kind, path)
				continue
			}
			sch, err := compiler.Compile(path)
			if err != nil {
				t.Fatal(err)
			}
			var inst any
			json.Unmarshal(m.json, &inst)
			if err := sch.Validate(inst); err != nil {
				t.Errorf("%s %s/%s against %s: %v", m.source, m.kind, m.name, filepath.Base(path), err)
			}
		case m.group == "batch" && m.kind == "Job":
			var job batchv1.Job
			strictDecode(t, m, &job)
		case m.group == "" && m.kind == "PersistentVolumeClaim":
			var pvc corev1.PersistentVolumeClaim
			strictDecode(t, m, &pvc)
		default:
			t.Errorf("%s: unexpected %s %s/%s", m.source, m.group, m.kind, m.name)
		}
	}
	want := map[string]int{"Service": 8, "Broker": 1, "Trigger": 5, "SinkBinding": 1, "PingSource": 2, "Job": 1, "PersistentVolumeClaim": 2}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Errorf("rendered %v, want %v", kinds, want)
	}
}

// checkService asserts what the deployment relies on: OCR concurrency
// matched to its workers and scaling to zero, secrets by reference only,
// a request deadline below the service's timeout.
func checkService(t *testing.T, svc servingv1.Service) {
	t.Helper()
	spec := svc.Spec.Template.Spec
	c := spec.Containers[0]
	ann := svc.Spec.Template.Annotations
	for _, e := range c.Env {
		if (strings.Contains(e.Name, "URL") || strings.Contains(e.Name, "TOKEN")) && (e.Value != "" || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil) {
			t.Errorf("%s: %s must come from a Secret", svc.Name, e.Name)
		}
	}
	// Metrics scraped with the metrics Secret's token, readiness on the
	// real path.
	metricsToken := false
	for _, e := range c.Env {
		metricsToken = metricsToken || e.Name == "VANTHU_METRICS_TOKEN" && e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil
	}
	if ann["prometheus.io/scrape"] != "true" || ann["prometheus.io/path"] != "/metrics" || !metricsToken {
		t.Errorf("%s: metrics not exposed (annotations %v, token from a Secret %v)", svc.Name, ann, metricsToken)
	}
	if c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet == nil || c.ReadinessProbe.HTTPGet.Path != "/readyz" {
		t.Errorf("%s: readiness probe %+v, want /readyz", svc.Name, c.ReadinessProbe)
	}
	args := strings.Join(c.Args, " ")
	if !strings.Contains(args, "--deadline=") || spec.TimeoutSeconds == nil {
		t.Errorf("%s: no request deadline (%s)", svc.Name, args)
	}
	// The read stage and feedback (photos of papers) read with Tesseract.
	if ocrImage := strings.Contains(c.Image, "vanthu-ocr"); ocrImage != (svc.Name == "vanthu-ocr" || svc.Name == "vanthu-feedback") {
		t.Errorf("%s runs image %s: only the functions that OCR need the Tesseract image", svc.Name, c.Image)
	}
	if svc.Name == "vanthu-ocr" {
		if spec.ContainerConcurrency == nil || *spec.ContainerConcurrency != 2 || !strings.Contains(args, "--workers=2") {
			t.Errorf("ocr: concurrency %v with args %q: want 2 documents for 2 workers", spec.ContainerConcurrency, args)
		}
		if ann["autoscaling.knative.dev/min-scale"] != "0" {
			t.Errorf("ocr: min-scale %q, want 0", ann["autoscaling.knative.dev/min-scale"])
		}
		if c.Resources.Requests.Cpu().String() != "2" {
			t.Errorf("ocr: cpu request %s", c.Resources.Requests.Cpu())
		}
	}
}

func TestTriggersRouteEachEventType(t *testing.T) {
	routes := map[string][]string{}
	for _, m := range render(t) {
		if m.kind != "Trigger" {
			continue
		}
		var tr struct {
			Spec struct {
				Filter struct {
					Attributes map[string]string `json:"attributes"`
				} `json:"filter"`
				Subscriber struct {
					Ref struct {
						Name string `json:"name"`
					} `json:"ref"`
				} `json:"subscriber"`
				Delivery map[string]any `json:"delivery"`
			} `json:"spec"`
		}
		json.Unmarshal(m.json, &tr)
		typ := tr.Spec.Filter.Attributes["type"]
		routes[typ] = append(routes[typ], tr.Spec.Subscriber.Ref.Name)
		if tr.Spec.Delivery["retry"] == nil {
			t.Errorf("trigger %s has no retries", m.name)
		}
	}
	// The routing's one source is the stage contract (internal/stage).
	want := map[string][]string{}
	for typ, names := range stage.Routes() {
		for _, n := range names {
			want[typ] = append(want[typ], "vanthu-"+n)
		}
	}
	for _, names := range routes {
		sort.Strings(names)
	}
	if got, w := fmt.Sprint(routes), fmt.Sprint(want); got != w {
		t.Errorf("the chart's Triggers route %s; the stage contract says %s", got, w)
	}
}

// With a collector named, every function sends its spans there; without
// one, none is told of any.
func TestTracingEndpointReachesEveryFunction(t *testing.T) {
	count := func(ms []manifest, want string) (services, with int) {
		for _, m := range ms {
			if m.group == "serving.knative.dev" && m.kind == "Service" {
				var svc servingv1.Service
				strictDecode(t, m, &svc)
				services++
				for _, e := range svc.Spec.Template.Spec.Containers[0].Env {
					if e.Name == "OTEL_EXPORTER_OTLP_ENDPOINT" && e.Value == want {
						with++
					}
				}
			}
		}
		return services, with
	}
	if n, with := count(render(t), ""); n < 7 || with != 0 {
		t.Errorf("default: %d services, %d with a collector", n, with)
	}
	url := "http://otel-collector.observability:4318"
	if n, with := count(render(t, map[string]any{"tracing": map[string]any{"otlpEndpoint": url}}), url); n < 7 || with != n {
		t.Errorf("with a collector: %d of %d services told", with, n)
	}
}

// TestSearchOnACluster: with search.engine, the index and register
// functions reach the cluster through the search Secret (never a value),
// the CA is mounted, the index function keeps no volume, and the
// rendered Services still pass Knative's validation.
func TestSearchOnACluster(t *testing.T) {
	ms := render(t, map[string]any{"search": map[string]any{"engine": "opensearch", "caConfigMap": "search-ca", "shards": 5, "replicas": 2}})
	pvcs := 0
	for _, m := range ms {
		if m.kind == "PersistentVolumeClaim" {
			pvcs++
			if m.name == "vanthu-index" {
				t.Error("the index function still claims a volume with its index on a cluster")
			}
		}
		if m.group != "serving.knative.dev" || m.kind != "Service" {
			continue
		}
		var svc servingv1.Service
		strictDecode(t, m, &svc)
		env := map[string]string{}
		for _, e := range svc.Spec.Template.Spec.Containers[0].Env {
			env[e.Name] = e.Value
			if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
				env[e.Name] = "secret:" + e.ValueFrom.SecretKeyRef.Name + "/" + e.ValueFrom.SecretKeyRef.Key
			}
		}
		searches := m.name == "vanthu-index" || m.name == "vanthu-register"
		if got := env["VANTHU_OPENSEARCH_URL"]; searches != (got == "secret:vanthu-search/url") {
			t.Errorf("%s: VANTHU_OPENSEARCH_URL %q", m.name, got)
		}
		if !searches {
			continue
		}
		if env["VANTHU_ES_SHARDS"] != "5" || env["VANTHU_ES_REPLICAS"] != "2" || env["VANTHU_ES_INDEX"] != "vanthu-docs" || env["VANTHU_ES_CA_FILE"] != "/etc/vanthu/search-ca/ca.pem" {
			t.Errorf("%s: %v", m.name, env)
		}
		if _, ok := env["VANTHU_ES_API_KEY"]; ok {
			t.Errorf("%s: an Elasticsearch API key for OpenSearch", m.name)
		}
		mounted := false
		for _, v := range svc.Spec.Template.Spec.Volumes {
			mounted = mounted || (v.ConfigMap != nil && v.ConfigMap.Name == "search-ca")
		}
		if !mounted {
			t.Errorf("%s: the CA ConfigMap is not mounted", m.name)
		}
		knativeAccepts(t, m.source, &svc)
	}
	if pvcs != 1 {
		t.Errorf("%d volume claims, want the register function's only", pvcs)
	}
	// Elasticsearch: the optional API key from the same Secret.
	for _, m := range render(t, map[string]any{"search": map[string]any{"engine": "elasticsearch"}}) {
		if m.name == "vanthu-index" && m.kind == "Service" {
			if s := string(m.json); !strings.Contains(s, `"VANTHU_ES_URL"`) || !strings.Contains(s, `"api_key"`) {
				t.Errorf("elasticsearch: %s", s)
			}
		}
	}
	// Any other engine is refused when the chart is rendered.
	ch, err := loader.Load("vanthu")
	if err != nil {
		t.Fatal(err)
	}
	vals, err := chartutil.ToRenderValues(ch, map[string]any{"search": map[string]any{"engine": "solr"}}, chartutil.ReleaseOptions{Name: "vanthu", Namespace: "vanthu", IsInstall: true}, chartutil.DefaultCapabilities)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := engine.Render(ch, vals); err == nil || !strings.Contains(err.Error(), "search.engine") {
		t.Errorf("engine solr: %v", err)
	}
}
