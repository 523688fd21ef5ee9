package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// Flags go before or after the command's name, as with git and kubectl.
func TestFlagsBeforeOrAfterTheCommand(t *testing.T) {
	ctx := context.Background()
	call := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(ctx, args, &out, &errb)
		return code, out.String(), errb.String()
	}
	t.Run("admin create-user", func(t *testing.T) {
		data := t.TempDir()
		for i, args := range [][]string{
			{"--data", data, "admin", "create-user", "--name", "vt-a", "--role", "clerk", "--agency", "ubnd-qn"},
			{"admin", "create-user", "--data", data, "--name", "vt-b", "--role", "clerk", "--agency", "ubnd-qn"},
			{"--data=" + data, "--role", "staff", "admin", "create-user", "--name", "vt-c", "--agency", "ubnd-qn"},
		} {
			code, out, errs := call(args...)
			if code != 0 || !strings.Contains(out, "created vt-") {
				t.Fatalf("%d %q: %d %s %s", i, args, code, out, errs)
			}
		}
		// All three are in the one database the flag named, wherever it stood.
		for _, u := range []string{"vt-a", "vt-b", "vt-c"} {
			if code, out, errs := call("--data", data, "admin", "token", "--user", u); code != 0 || len(strings.TrimSpace(out)) < 20 {
				t.Errorf("token for %s: %d %s %s", u, code, out, errs)
			}
		}
		if _, out, _ := call("--data", data, "--role", "staff", "admin", "create-user", "--name", "vt-d", "--agency", "ubnd-qn"); !strings.Contains(out, "staff of ubnd-qn") {
			t.Errorf("a flag before the command was not given to it: %s", out)
		}
	})
	t.Run("config", func(t *testing.T) {
		c1, before, _ := call("--test", "config")
		c2, after, _ := call("config", "--test")
		_, plain, _ := call("config")
		if c1 != c2 || before != after || before == plain || !strings.Contains(before, "VANTHU_") {
			t.Errorf("vanthu --test config (%d) and vanthu config --test (%d) differ, or --test was lost:\n%s\n---\n%s", c1, c2, before, after)
		}
	})
	t.Run("a flag taking a value that is a command's name", func(t *testing.T) {
		// "index" is the value of --stage, the command is reprocess.
		code, _, errs := call("--stage", "index", "reprocess", "--data", t.TempDir(), "--dry-run")
		if !strings.Contains(errs, "vanthu reprocess: --stage \"index\"") {
			t.Errorf("%d %s", code, errs)
		}
	})
	t.Run("errors", func(t *testing.T) {
		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"--bogus", "serve"}, "unknown flag --bogus: not one of serve's flags"},
			{[]string{"--data", "D", "version"}, "version takes no flags"},
			{[]string{"--data"}, "no command after the flags"},
			{[]string{"--data", "D"}, "no command after the flags"},
			{[]string{"--data", "D", "nope"}, "no command after the flags"},
			{[]string{"--jobs", "extract"}, "flag needs a value: --jobs"},
			{[]string{"---data", "D", "serve"}, "is not a flag"},
		} {
			code, out, errs := call(c.args...)
			if code != 2 || out != "" || !strings.Contains(errs, c.want) {
				t.Errorf("%q: %d %q %q, want %q", c.args, code, out, errs, c.want)
			}
		}
	})
	t.Run("help", func(t *testing.T) {
		for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
			code, _, errs := call(args...)
			if code != 0 || !strings.Contains(errs, "vanthu [flags] COMMAND [flags]") || !strings.Contains(errs, "serve") {
				t.Errorf("%q: %d %s", args, code, errs)
			}
		}
		if code, _, errs := call("--data", "D", "serve", "--help"); code != 2 || !strings.Contains(errs, "-addr") {
			t.Errorf("serve --help after a flag: %d %s", code, errs)
		}
	})
}
