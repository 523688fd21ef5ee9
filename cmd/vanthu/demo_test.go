package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The demo makes its agency and accounts, uploads its sample through the
// API and waits until it is read; run again it uploads nothing and prints
// the same passwords. Born-digital PDFs only, to be quick.
func TestDemoIsIdempotent(t *testing.T) {
	// Embedded defaults: scripts/test's MinIO and PostgreSQL are other tests'.
	t.Setenv("VANTHU_MINIO_URL", "")
	t.Setenv("VANTHU_DB_URL", "")
	data := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	demo := func() string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := run(context.Background(), []string{"--data", data, "demo", "--addr", addr, "--n", "3", "--formats", "pdf", "--no-serve"}, &out, &errb); code != 0 {
			t.Fatalf("demo: %d\n%s\n%s", code, out.String(), errb.String())
		}
		return out.String()
	}
	passwords := regexp.MustCompile(`(?m)^  (\S+) +(\S{4}-\S{4}-\S{4}-\S{4})`)
	first := demo()
	for _, want := range []string{"http://" + addr + "/", "van-thu", "chuyen-vien", "lanh-dao", "quan-tri", "Văn bản: 3 (vào sổ", "tải lên 3 trong 3"} {
		if !strings.Contains(first, want) {
			t.Errorf("first run lacks %q:\n%s", want, first)
		}
	}
	if got := passwords.FindAllStringSubmatch(first, -1); len(got) != 4 {
		t.Fatalf("want 4 accounts with passwords:\n%s", first)
	}
	second := demo()
	if !strings.Contains(second, "Văn bản: 3 (") || !strings.Contains(second, "tải lên 0 trong 3") {
		t.Errorf("second run duplicated documents:\n%s", second)
	}
	if fmt.Sprint(passwords.FindAllString(first, -1)) != fmt.Sprint(passwords.FindAllString(second, -1)) {
		t.Errorf("passwords changed:\n%s\n%s", first, second)
	}
	// Their file lost, the accounts get new passwords, printed; nothing else moves.
	os.Remove(filepath.Join(data, "demo", "accounts.txt"))
	third := demo()
	if fmt.Sprint(passwords.FindAllString(first, -1)) == fmt.Sprint(passwords.FindAllString(third, -1)) || !strings.Contains(third, "Văn bản: 3 (") {
		t.Errorf("lost passwords not reset, or documents moved:\n%s", third)
	}
	// One directory and one regime, however many runs.
	st, err := openRecords(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dir, err := st.Directory(context.Background())
	if err != nil || len(dir) != 6 {
		t.Errorf("the demo directory: %d entries %v", len(dir), err)
	}
	clerk, _ := st.UserByName(context.Background(), "van-thu")
	if regs, err := st.Regimes(context.Background(), clerk); err != nil || len(regs) != 1 || len(regs[0].Reporters) != 3 {
		t.Errorf("the demo regime: %+v %v", regs, err)
	}
}

// scripts/demo parses, and --dry-run says what it would do without doing it.
func TestDemoScript(t *testing.T) {
	script := filepath.Join("..", "..", "scripts", "demo")
	if out, err := exec.Command("bash", "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("bash -n scripts/demo: %v %s", err, out)
	}
	for _, c := range []struct {
		args []string
		want []string
	}{
		{nil, []string{"scripts/install", "go build -o bin/vanthu ./cmd/vanthu", "bin/vanthu demo --data ./data"}},
		{[]string{"--eval"}, []string{"bin/vanthu corpus --out ./data/sample", "bin/vanthu eval ./data/sample"}},
		{[]string{"--eval", "a.pdf"}, []string{"bin/vanthu extract a.pdf"}},
		{[]string{"scans/"}, []string{"bin/vanthu demo --data ./data --addr 127.0.0.1:8080 --n 12 scans/"}},
	} {
		cmd := exec.Command("bash", append([]string{script, "--dry-run"}, c.args...)...)
		cmd.Env = append(os.Environ(), "VANTHU_DATA=", "VANTHU_DEMO_ADDR=", "VANTHU_DEMO_N=")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%q: %v %s", c.args, err, out)
		}
		for _, w := range c.want {
			if !strings.Contains(string(out), w) {
				t.Errorf("scripts/demo --dry-run %q lacks %q:\n%s", c.args, w, out)
			}
		}
	}
}
