package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// progress reports files done. On a terminal it is one bar redrawn in
// place (files, pages per second, time left, the last file), with
// failures printed above it so that none scrolls away unseen; anywhere
// else (a log, CI, a pipe) it is one line per file, which greps.
type progress struct {
	mu     sync.Mutex
	w      io.Writer
	bar    bool
	total  int
	done   int
	pages  int
	failed int
	start  time.Time
	now    func() time.Time
	drawn  bool
}

func newProgress(w io.Writer, total int) *progress {
	return &progress{w: w, bar: isTerminal(w), total: total, start: time.Now(), now: time.Now}
}

// isTerminal: a character device that is not /dev/null.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(st, null)
}

// file reports one file finished; i is its place in the input.
func (p *progress) file(i int, name string, pages int, errMsg string, took time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	p.pages += pages
	status := fmt.Sprintf("%d pages", pages)
	if errMsg != "" {
		p.failed++
		status = "ERROR: " + errMsg
	}
	line := fmt.Sprintf("[%d/%d] %q %s (%.1fs)", i+1, p.total, name, status, took.Seconds())
	if !p.bar {
		fmt.Fprintln(p.w, line)
		return
	}
	if errMsg != "" {
		fmt.Fprintf(p.w, "\r\033[K%s\n", line)
	}
	fmt.Fprint(p.w, "\r\033[K"+p.render(name))
	p.drawn = true
}

// render is the bar line: [#####-----] 12/40 files · 3 failed · 2.1 pages/s · 0:42 left · name
func (p *progress) render(name string) string {
	const width = 24
	filled := width * p.done / max(1, p.total)
	var b strings.Builder
	b.WriteString("[" + strings.Repeat("#", filled) + strings.Repeat("-", width-filled) + "]")
	fmt.Fprintf(&b, " %d/%d files", p.done, p.total)
	if p.failed > 0 {
		fmt.Fprintf(&b, " · %d failed", p.failed)
	}
	elapsed := p.now().Sub(p.start)
	if s := elapsed.Seconds(); s > 0 {
		fmt.Fprintf(&b, " · %.1f pages/s", float64(p.pages)/s)
	}
	if p.done > 0 && p.done < p.total {
		left := time.Duration(float64(elapsed) / float64(p.done) * float64(p.total-p.done)).Round(time.Second)
		fmt.Fprintf(&b, " · %d:%02d left", int(left.Minutes()), int(left.Seconds())%60)
	}
	if utf8.RuneCountInString(name) > 40 {
		name = "…" + string([]rune(name)[utf8.RuneCountInString(name)-39:])
	}
	b.WriteString(" · " + name)
	return b.String()
}

// finish ends the bar's line.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar && p.drawn {
		fmt.Fprintln(p.w)
	}
}
