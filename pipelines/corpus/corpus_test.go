package corpus

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/pipelines/sniff"
)

func TestGenerateWritesEveryFormatWithTruth(t *testing.T) {
	dir := t.TempDir()
	if err := Generate(context.Background(), dir, Options{N: 5, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "truth.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d truth lines", len(lines))
	}
	kinds := map[sniff.Kind]bool{}
	for _, l := range lines {
		var tr map[string]any
		if err := json.Unmarshal([]byte(l), &tr); err != nil {
			t.Fatal(err)
		}
		f, err := os.ReadFile(filepath.Join(dir, tr["file"].(string)))
		if err != nil {
			t.Fatal(err)
		}
		k, err := sniff.Sniff(f[:min(len(f), sniff.HeaderLen)])
		if err != nil {
			t.Fatal(err)
		}
		kinds[k] = true
		for _, key := range []string{"doc_type", "number", "symbol", "issuer", "issued_at", "subject", "signer", "signer_title", "text"} {
			if s, _ := tr[key].(string); s == "" {
				t.Errorf("%s: empty %s", tr["file"], key)
			}
		}
		if !strings.Contains(tr["text"].(string), tr["signer"].(string)) {
			t.Errorf("%s: truth text lacks the signer", tr["file"])
		}
	}
	for _, k := range []sniff.Kind{sniff.PDF, sniff.TIFF} {
		if !kinds[k] {
			t.Errorf("no %s written: %v", k, kinds)
		}
	}
}

func TestSameSeedSameCorpus(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		if err := Generate(context.Background(), d, Options{N: 2, Seed: 42, Formats: []string{"pdf"}}); err != nil {
			t.Fatal(err)
		}
	}
	ta, _ := os.ReadFile(filepath.Join(a, "truth.jsonl"))
	tb, _ := os.ReadFile(filepath.Join(b, "truth.jsonl"))
	if string(ta) != string(tb) {
		t.Error("the same seed wrote different truth")
	}
}
