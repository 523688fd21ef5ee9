// Package procexec runs external tools (pdftoppm, pdftotext, tesseract) as
// supervised processes: each in its own process group, killed with the group
// when the context ends, with stderr kept for the error message.
package procexec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// ErrNotInstalled is returned when the tool is not on PATH.
var ErrNotInstalled = errors.New("tool not installed")

// Run executes name with args and returns its stdout. A non-zero exit is an
// error that carries the tail of stderr.
func Run(ctx context.Context, name string, args ...string) ([]byte, error) {
	var stdout bytes.Buffer
	err := Stream(ctx, func(r io.Reader) error {
		_, err := io.Copy(&stdout, r)
		return err
	}, name, args...)
	if err != nil {
		return nil, err
	}
	return stdout.Bytes(), nil
}

// Stream executes name with args and hands its stdout to read as it comes,
// so that a large output (a page image) is never held twice. If read
// returns early with an error, the process is killed.
func Stream(ctx context.Context, read func(io.Reader) error, name string, args ...string) error {
	path, err := exec.LookPath(name)
	if err != nil {
		return fmt.Errorf("%s: %w (install poppler-utils / tesseract-ocr)", name, ErrNotInstalled)
	}
	parentCtx := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// Kill the whole group, not only the leader: pdftoppm and friends may fork.
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &tail{b: &stderr}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	rerr := read(out)
	if rerr != nil {
		cancel() // the rest is not wanted
	} else {
		io.Copy(io.Discard, out)
	}
	werr := cmd.Wait()
	if err := parentCtx.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if rerr != nil {
		return fmt.Errorf("%s: %w", name, rerr)
	}
	if werr != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 400 {
			msg = msg[len(msg)-400:]
		}
		return fmt.Errorf("%s failed: %w: %s", name, werr, msg)
	}
	return nil
}

// tail keeps the last 4 KiB written to it: a tool's stderr is bounded.
type tail struct{ b *bytes.Buffer }

func (t *tail) Write(p []byte) (int, error) {
	t.b.Write(p)
	if t.b.Len() > 8<<10 {
		keep := append([]byte(nil), t.b.Bytes()[t.b.Len()-4<<10:]...)
		t.b.Reset()
		t.b.Write(keep)
	}
	return len(p), nil
}
