package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ReadTruth reads a truth.jsonl: one labelled record a line, each with
// its "file".
func ReadTruth(path string) ([]map[string]any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("labels: %w", err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var t map[string]any
		if err := json.Unmarshal([]byte(line), &t); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, n, err)
		}
		if _, ok := t["file"].(string); !ok {
			return nil, fmt.Errorf("%s line %d: no \"file\"", path, n)
		}
		out = append(out, t)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no labelled files", path)
	}
	return out, nil
}

// ByFile keys labelled records by their file's base name.
func ByFile(truth []map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, t := range truth {
		if n, ok := t["file"].(string); ok {
			out[filepath.Base(n)] = t
		}
	}
	return out
}
