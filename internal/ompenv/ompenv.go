// Package ompenv makes sure Tesseract's OpenMP runtime starts with one
// thread. libgomp reads OMP_THREAD_LIMIT once, when the shared library is
// loaded, before any Go code runs; setting it from Go is too late. So a
// process that will run Tesseract re-executes itself with the variable set.
// Without it each page uses every core and a pool of workers oversubscribes
// the machine (OCRmyPDF's documented 20× slowdown).
package ompenv

import (
	"os"
	"syscall"
)

// EnsureSingleThread re-executes the running binary with
// OMP_THREAD_LIMIT=1 unless it is already set. It returns only if the
// variable was set already or the re-exec failed (then Tesseract simply
// runs with its default threads).
func EnsureSingleThread() {
	if os.Getenv("OMP_THREAD_LIMIT") != "" {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	env := append(os.Environ(), "OMP_THREAD_LIMIT=1")
	_ = syscall.Exec(exe, os.Args, env)
}
