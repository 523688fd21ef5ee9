// Package testenv finds what tests need outside the repository: the shared
// folder beside the checkout (real scans), and external tools.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/vanthu/vanthu/internal/config"
	"github.com/vanthu/vanthu/internal/ompenv"
)

// RealDev returns the folder of real development scans
// (../shared/real-dev beside the checkout, or $VANTHU_REAL_DEV).
func RealDev(t testing.TB) string {
	t.Helper()
	if d := config.Get("VANTHU_REAL_DEV"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "real-dev")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's folder")
		}
		dir = parent
	}
}

// Main runs a package's tests with Tesseract's OpenMP at one thread
// (see ompenv): call it from TestMain in packages that run OCR.
func Main(m *testing.M) {
	ompenv.EnsureSingleThread()
	os.Exit(m.Run())
}

// Need fails the test when a tool the project installs (scripts/install)
// is missing: these tests run against the real tools, never stubs.
func Need(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed; run scripts/install", tool)
		}
	}
}
