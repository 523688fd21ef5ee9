package main

import (
	"context"
	"fmt"
	"io"

	"github.com/vanthu/vanthu/internal/config"
)

// runConfig prints every environment variable Vanthu reads, its value
// (secrets masked) and where it came from, and checks the values.
func runConfig(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("config", "Usage: vanthu config [--test]\n\nPrints every environment variable Vanthu reads: its value (secrets masked), whether it\ncomes from the environment or is the default, and what it sets; then checks the values\n(exit 1, each error naming its variable).", stderr)
	withTest := fs.Bool("test", false, "also the variables only tests and fault injection read")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	config.Print(stdout, *withTest)
	if err := config.Validate(); err != nil {
		fmt.Fprintln(stderr, "vanthu config:", err)
		return 1
	}
	return 0
}

// checkConfig refuses to start on a value that cannot be right.
func checkConfig(cmd string, stderr io.Writer) bool {
	if err := config.Validate(); err != nil {
		fmt.Fprintf(stderr, "vanthu %s: %v\n", cmd, err)
		return false
	}
	return true
}
