// Command vanthu is the one binary of the project: the CLI, and later every
// function in-process and the web UI.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/vanthu/vanthu/internal/ompenv"
	"github.com/vanthu/vanthu/internal/tracing"
)

var version = "dev"

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

var commands = []command{
	{"extract", "read scans and PDFs into Decree 30 records (JSON lines)", runExtract},
	{"read", "show the pages of one file as the pipeline reads them", runRead},
	{"index", "read files and put their records into the search index", runIndex},
	{"search", "search the archive (accents optional, number/symbol, filters, facets)", runSearch},
	{"eval", "measure extraction against a labelled folder (truth.jsonl)", runEval},
	{"corpus", "generate a labelled corpus of synthetic documents", runCorpus},
	{"serve", "run every function in one process (uploads to records)", runServe},
	{"reprocess", "read stored uploads again when a stage's version moved (corrections kept)", runReprocess},
	{"admin", "accounts and agencies: create-user, token, create-agency", runAdmin},
	{"function", "run one function as the HTTP CloudEvents service Knative deploys", runFunction},
	{"demo", "a demo agency with accounts and sample documents, served (scripts/demo)", runDemo},
	{"config", "print the environment variables Vanthu reads (secrets masked) and check them", runConfig},
	{"version", "print the version", func(_ context.Context, _ []string, stdout, _ io.Writer) int {
		fmt.Fprintln(stdout, "vanthu", version)
		return 0
	}},
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "vanthu — turns the paper of Vietnamese government offices into searchable records.")
	fmt.Fprintln(w, "\nUsage: vanthu [flags] COMMAND [flags] [args]\n\nA command's flags go before or after its name: 'vanthu --data DIR serve' is\n'vanthu serve --data DIR'.\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'vanthu COMMAND --help' for a command's flags.")
	fmt.Fprintln(w, "State lives under --data DIR (default ./data, env VANTHU_DATA) for commands that keep any.")
}

func main() {
	// Tesseract's OpenMP must start single-threaded; see ompenv.
	ompenv.EnsureSingleThread()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if strings.HasPrefix(args[0], "-") {
		moved, err := flagsAfterCommand(ctx, args)
		if err != nil {
			fmt.Fprintln(stderr, "vanthu:", err)
			fmt.Fprintln(stderr, "Usage: vanthu [flags] COMMAND [flags] [args] ('vanthu help' lists the commands)")
			return 2
		}
		args = moved
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "vanthu: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func newLogger(w io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelWarn
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(tracing.LogHandler(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level})))
}

// newFlagSet is a subcommand's flags: errors and --help go to stderr, the
// help being usage followed by every flag.
func newFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	if p, ok := stderr.(*flagProbe); ok {
		// Asked only which flags the command has (see flagsAfterCommand).
		p.fs = fs
	}
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, usage+"\n\nFlags:")
		fs.PrintDefaults()
	}
	return fs
}
