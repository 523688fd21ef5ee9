package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Flags go before or after the command's name, as with git and kubectl:
// "vanthu --data DIR serve" is "vanthu serve --data DIR". Every command
// has flags of its own (a FlagSet made inside its run function), so the
// flags before the name are moved after it, where that command's own
// parser reads them; which of them take a value, and whether the command
// has them at all, is asked of the command itself (flagProbe).

// flagProbe is the stderr a command is run with when only its flags are
// wanted: newFlagSet hands it the FlagSet, and the command, given -h,
// stops at its Parse having done nothing.
type flagProbe struct {
	fs *flag.FlagSet
}

func (*flagProbe) Write(b []byte) (int, error) { return len(b), nil }

// commandFlags is the FlagSet of a command (nil: it takes no flags).
// sub is the subcommand of a command that has them (admin).
func commandFlags(ctx context.Context, c command, sub string) *flag.FlagSet {
	args := []string{"-h"}
	if c.name == "admin" {
		if sub == "" || strings.HasPrefix(sub, "-") || sub == "help" {
			sub = "create-user"
		}
		args = []string{sub, "-h"}
	}
	p := &flagProbe{}
	c.run(ctx, args, io.Discard, p)
	return p.fs
}

// flagsAfterCommand turns "--data D serve --addr A" into
// "serve --data D --addr A" (and "--data D admin token --user U" into
// "admin token --data D --user U"). The command is the first word after
// the flags that are the command's own and their values; a flag no
// command placed after them has is an error that names it.
func flagsAfterCommand(ctx context.Context, args []string) ([]string, error) {
	var firstErr error
	for i, a := range args {
		c, ok := commandNamed(a)
		if !ok {
			continue
		}
		rest := args[i+1:]
		sub := ""
		if c.name == "admin" && len(rest) > 0 {
			sub = rest[0]
		}
		err := flagsFit(args[:i], commandFlags(ctx, c, sub), c.name)
		if err == nil {
			moved := append([]string{c.name}, args[:i]...)
			if c.name == "admin" && len(rest) > 0 {
				moved = append([]string{c.name, rest[0]}, args[:i]...)
				rest = rest[1:]
			}
			return append(moved, rest...), nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return nil, fmt.Errorf("no command after the flags %s", strings.Join(args, " "))
}

func commandNamed(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// flagsFit says whether args are all flags of fs with their values.
func flagsFit(args []string, fs *flag.FlagSet, cmd string) error {
	for i := 0; i < len(args); i++ {
		a := args[i]
		name := strings.TrimLeft(a, "-")
		if !strings.HasPrefix(a, "-") || a == "-" || a == "--" || len(a)-len(name) > 2 || name == "" {
			return fmt.Errorf("%q before the command %s is not a flag", a, cmd)
		}
		name, _, hasValue := strings.Cut(name, "=")
		var f *flag.Flag
		if fs != nil {
			f = fs.Lookup(name)
		}
		if f == nil {
			if fs == nil {
				return fmt.Errorf("unknown flag %s: %s takes no flags", a, cmd)
			}
			return fmt.Errorf("unknown flag %s: not one of %s's flags ('vanthu %s --help' lists them)", a, cmd, cmd)
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); hasValue || (ok && b.IsBoolFlag()) {
			continue
		}
		if i+1 == len(args) {
			return errors.New("flag needs a value: " + a)
		}
		i++
	}
	return nil
}
