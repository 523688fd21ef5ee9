package functions

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/vanthu/vanthu/internal/stage"
)

// funcYAML mirrors knative/func's func.yaml schema (additionalProperties
// false everywhere), so that strict decoding rejects any unknown field.
type funcYAML struct {
	SpecVersion string `yaml:"specVersion"`
	Name        string `yaml:"name"`
	Runtime     string `yaml:"runtime"`
	Created     string `yaml:"created"`
	Invoke      string `yaml:"invoke"`
	Namespace   string `yaml:"namespace"`
	Image       string `yaml:"image"`
	Run         struct {
		Envs []struct {
			Name  string `yaml:"name"`
			Value string `yaml:"value"`
		} `yaml:"envs"`
	} `yaml:"run"`
	Deploy struct {
		Namespace       string `yaml:"namespace"`
		HealthEndpoints struct {
			Liveness  string `yaml:"liveness"`
			Readiness string `yaml:"readiness"`
		} `yaml:"healthEndpoints"`
		Options struct {
			Scale struct {
				Min    *int     `yaml:"min"`
				Max    *int     `yaml:"max"`
				Metric string   `yaml:"metric"`
				Target *float64 `yaml:"target"`
			} `yaml:"scale"`
			Resources struct {
				Requests struct {
					CPU    string `yaml:"cpu"`
					Memory string `yaml:"memory"`
				} `yaml:"requests"`
				Limits struct {
					CPU         string `yaml:"cpu"`
					Memory      string `yaml:"memory"`
					Concurrency *int   `yaml:"concurrency"`
				} `yaml:"limits"`
			} `yaml:"resources"`
		} `yaml:"options"`
		Subscriptions []struct {
			Source  string            `yaml:"source"`
			Filters map[string]string `yaml:"filters"`
		} `yaml:"subscriptions"`
	} `yaml:"deploy"`
}

var (
	namePattern     = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	envPattern      = regexp.MustCompile(`^[-._a-zA-Z][-._a-zA-Z0-9]*$`)
	quantityPattern = regexp.MustCompile(`^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$`)
)

func TestFuncYAMLFollowsTheSchema(t *testing.T) {
	files, _ := filepath.Glob("*/func.yaml")
	if len(files) != 8 {
		t.Fatalf("func.yaml files: %v", files)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		var fy funcYAML
		if err := dec.Decode(&fy); err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if fy.SpecVersion == "" || fy.Created == "" || !namePattern.MatchString(fy.Name) || fy.Runtime != "go" {
			t.Errorf("%s: required fields: %+v", f, fy)
		}
		if fy.Invoke != "http" && fy.Invoke != "cloudevent" {
			t.Errorf("%s: invoke %q", f, fy.Invoke)
		}
		o := fy.Deploy.Options
		if o.Scale.Min == nil || o.Scale.Max == nil || *o.Scale.Min < 0 || *o.Scale.Max < *o.Scale.Min || o.Scale.Metric != "concurrency" {
			t.Errorf("%s: scale %+v", f, o.Scale)
		}
		for _, q := range []string{o.Resources.Requests.CPU, o.Resources.Requests.Memory, o.Resources.Limits.Memory} {
			if !quantityPattern.MatchString(q) {
				t.Errorf("%s: resource quantity %q", f, q)
			}
		}
		if fy.Deploy.HealthEndpoints.Readiness != "/readyz" || fy.Deploy.HealthEndpoints.Liveness != "/livez" {
			t.Errorf("%s: health endpoints %+v (vanthu function serves /readyz and /livez)", f, fy.Deploy.HealthEndpoints)
		}
		for _, e := range fy.Run.Envs {
			if !envPattern.MatchString(e.Name) {
				t.Errorf("%s: env name %q", f, e.Name)
			}
			if (strings.Contains(e.Name, "URL") || strings.Contains(e.Name, "TOKEN")) && !strings.HasPrefix(e.Value, "{{ secret:") {
				t.Errorf("%s: %s must come from a Secret, not be written in the file", f, e.Name)
			}
		}
	}
}

// Every function's subscription is the stage contract's (internal/stage):
// the event it takes, nothing else; a function the contract does not
// trigger subscribes to nothing, and its name is vanthu-<stage>.
func TestFuncYAMLFollowsTheContract(t *testing.T) {
	files, _ := filepath.Glob("*/func.yaml")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var fy funcYAML
		if err := yaml.Unmarshal(data, &fy); err != nil {
			t.Fatal(err)
		}
		name := filepath.Dir(f)
		if fy.Name != "vanthu-"+name {
			t.Errorf("%s: name %q, want vanthu-%s", f, fy.Name, name)
		}
		var takes []string
		for _, sub := range fy.Deploy.Subscriptions {
			takes = append(takes, sub.Filters["type"])
		}
		def, inContract := stage.ByName(name)
		switch {
		case !inContract && len(takes) > 0:
			t.Errorf("%s: subscribes to %v, but the contract has no stage %q", f, takes, name)
		case inContract && def.Takes == "" && len(takes) > 0:
			t.Errorf("%s: subscribes to %v, but the contract triggers %s by no event", f, takes, name)
		case inContract && def.Takes != "" && (len(takes) != 1 || takes[0] != def.Takes):
			t.Errorf("%s: subscribes to %v, the contract says %s takes %s", f, takes, name, def.Takes)
		}
	}
	for _, d := range stage.Contract {
		if _, err := os.Stat(filepath.Join(d.Name, "func.yaml")); err != nil {
			t.Errorf("the contract's stage %s has no functions/%s/func.yaml", d.Name, d.Name)
		}
	}
}

// The OCR function's concurrency matches its workers: Knative sends it as
// many documents at once as it has Tesseract workers.
func TestOCRConcurrencyMatchesWorkers(t *testing.T) {
	data, _ := os.ReadFile("ocr/func.yaml")
	var fy funcYAML
	if err := yaml.Unmarshal(data, &fy); err != nil {
		t.Fatal(err)
	}
	lim := fy.Deploy.Options.Resources.Limits.Concurrency
	if lim == nil || *lim != 2 || fy.Deploy.Options.Resources.Requests.CPU != "2000m" || *fy.Deploy.Options.Scale.Min != 0 {
		t.Errorf("ocr: concurrency %v, cpu %s: want 2 documents on 2 cores, scale to zero", lim, fy.Deploy.Options.Resources.Requests.CPU)
	}
}
