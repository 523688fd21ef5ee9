// Package procexec runs external tools (pdftoppm, pdftotext, tesseract) as
// supervised processes: each in its own process group, killed with the group
// when the context ends, with stderr kept for the error message.
package procexec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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
	path, err := exec.LookPath(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (install poppler-utils / tesseract-ocr)", name, ErrNotInstalled)
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// Kill the whole group, not only the leader: pdftoppm and friends may fork.
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s: %w", name, ctx.Err())
		}
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 400 {
			msg = msg[len(msg)-400:]
		}
		return nil, fmt.Errorf("%s failed: %w: %s", name, err, msg)
	}
	return stdout.Bytes(), nil
}
