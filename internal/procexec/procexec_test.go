package procexec

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestRunOutputAndError(t *testing.T) {
	out, err := Run(context.Background(), "sh", "-c", "echo hello")
	if err != nil || strings.TrimSpace(string(out)) != "hello" {
		t.Fatalf("got %q, %v", out, err)
	}
	_, err = Run(context.Background(), "sh", "-c", "echo broken >&2; exit 3")
	if err == nil || !strings.Contains(err.Error(), "broken") {
		t.Fatalf("want stderr in error, got %v", err)
	}
	_, err = Run(context.Background(), "no-such-tool-vanthu")
	if !errors.Is(err, ErrNotInstalled) {
		t.Fatalf("want ErrNotInstalled, got %v", err)
	}
}

func TestRunKillsGroupOnCancel(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	// The child sleeps in a grandchild; killing only the leader would hang on the pipe.
	_, err := Run(ctx, "sh", "-c", "sleep 30 & sleep 30; wait")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want deadline error, got %v", err)
	}
}
