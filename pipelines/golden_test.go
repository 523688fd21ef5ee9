package pipelines_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/vanthu/vanthu/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden records in testdata/golden")

// The records of the two real born-digital PDFs are read from their text
// layers, deterministically: any change to them is a change of behaviour,
// shown as a diff against the golden file. Text and evidence boxes are
// left out (long, and covered elsewhere); confidences are kept.
func TestGoldenBornDigitalRecords(t *testing.T) {
	p := newPipeline(t)
	dir := testenv.RealDev(t)
	for _, name := range []string{"192bb0d8cafa9b40.pdf", "86840a27afc7aa35.pdf"} {
		rec := p.Process(context.Background(), filepath.Join(dir, name))
		rec.File, rec.Text, rec.Evidence = name, "", nil
		got, err := json.MarshalIndent(rec, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", "golden", name+".json")
		if *update {
			if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test ./pipelines -run Golden -update)", err)
		}
		if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(want)) {
			t.Errorf("%s differs from %s:\n%s", name, golden, got)
		}
	}
}
