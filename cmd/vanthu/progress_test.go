package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgressBar(t *testing.T) {
	var out bytes.Buffer
	p := newProgress(&out, 4)
	if p.bar {
		t.Fatal("a buffer taken for a terminal")
	}
	p.bar = true // as on a terminal
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p.start, p.now = t0, func() time.Time { return t0.Add(10 * time.Second) }
	p.file(0, "a.pdf", 10, "", time.Second)
	p.file(1, "hỏng.pdf", 0, "not a PDF", time.Second)
	p.finish()
	got := out.String()
	for _, want := range []string{
		"\r\033[K[######------------------] 1/4 files · 1.0 pages/s · 0:30 left · a.pdf",
		"\r\033[K[2/4] \"hỏng.pdf\" ERROR: not a PDF (1.0s)\n", // a failure stays on screen
		"[############------------] 2/4 files · 1 failed · 1.0 pages/s · 0:10 left · hỏng.pdf\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("bar output lacks %q:\n%q", want, got)
		}
	}
}

func TestProgressLines(t *testing.T) {
	var out bytes.Buffer
	p := newProgress(&out, 2)
	p.file(1, "b.png", 1, "", 1500*time.Millisecond)
	p.finish()
	if got := out.String(); got != "[2/2] \"b.png\" 1 pages (1.5s)\n" {
		t.Errorf("line output: %q", got)
	}
}
