package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vanthu/vanthu/internal/records"
)

// webToken is a bearer token for user, from vanthu admin.
func webToken(t *testing.T, data, user string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"admin", "token", "--data", data, "--user", user}, &out, &errb); code != 0 {
		t.Fatalf("token for %s: %s", user, errb.String())
	}
	return strings.TrimSpace(out.String())
}

// webSession is a headless Chromium on vanthu serve, with the steps the
// web tests take: log in, open a screen and wait until it is drawn, wait
// for a condition, read, take a screenshot.
type webSession struct {
	t     *testing.T
	base  string
	serr  *bytes.Buffer
	ctx   context.Context
	shots string
}

func newWebSession(t *testing.T, base string, serr *bytes.Buffer) *webSession {
	shots := os.Getenv("VANTHU_SCREENSHOTS")
	if shots == "" {
		shots = filepath.Join(os.TempDir(), "vanthu-screenshots")
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", shots)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath("/usr/bin/chromium"), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.WindowSize(1280, 1000), chromedp.UserDataDir(t.TempDir()))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelB(); cancelA() })
	return &webSession{t: t, base: base, serr: serr, ctx: bctx, shots: shots}
}

func (w *webSession) text() string {
	s, _ := chromedp.Run(w.ctx, chromedp.Text(chromedp.CSS("#main")))
	return s
}

func (w *webSession) eval(js string) string {
	s, _ := chromedp.Run(w.ctx, chromedp.Evaluate[string](js))
	return s
}

func (w *webSession) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	w.t.Helper()
	if err := chromedp.Do(w.ctx, steps...); err != nil {
		w.t.Fatalf("%s: %v\n%s\nserve:\n%s", what, err, w.text(), w.serr.String())
	}
}

func (w *webSession) shot(name string) {
	w.t.Helper()
	jpg, err := chromedp.Run(w.ctx, chromedp.FullScreenshot(80))
	if err != nil {
		w.t.Fatalf("screenshot %s: %v", name, err)
	}
	os.WriteFile(filepath.Join(w.shots, name+".jpg"), jpg, 0o644)
}

func (w *webSession) waitFor(what, js string) {
	w.t.Helper()
	for range 300 {
		if ok, _ := chromedp.Run(w.ctx, chromedp.Evaluate[bool](js)); ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	w.t.Fatalf("never %s (%s); last message %q:\n%s\nserve:\n%s", what, js, w.eval(`document.querySelector("#toast").textContent`), w.text(), w.serr.String())
}

func (w *webSession) open(hash string) {
	w.t.Helper()
	w.do("open "+hash, chromedp.Navigate(w.base+"/"+hash))
	w.waitFor("drawn "+hash, fmt.Sprintf(`document.body.dataset.view === %q`, hash))
}

func (w *webSession) login(name string) {
	w.t.Helper()
	w.do("log in as "+name, chromedp.Navigate(w.base+"/#/dang-nhap"), chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.SendKeys(chromedp.CSS("#name"), name), chromedp.SendKeys(chromedp.CSS("#password"), "mat-khau-"+name),
		chromedp.Click(chromedp.CSS("#login button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("#nav:not([hidden])")),
		chromedp.WaitVisible(chromedp.CSS(`body[data-view]:not([data-view="#/dang-nhap"])`)))
}

func (w *webSession) wantText(where, within string, wants ...string) {
	w.t.Helper()
	for _, s := range wants {
		if !strings.Contains(within, s) {
			w.t.Errorf("%s does not say %q:\n%s", where, s, within)
		}
	}
}

// wantMenu checks the menu shows entries ("Báo cáo=#/bao-cao").
func (w *webSession) wantMenu(entries ...string) {
	w.t.Helper()
	w.wantText("the menu", w.eval(`[...document.querySelectorAll("#nav a")].filter(a => !a.hidden).map(a => a.textContent.trim() + "=" + a.getAttribute("href")).join(" ")`), entries...)
}

func (w *webSession) phone() {
	w.do("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
}
func (w *webSession) desktop() { w.do("desktop", chromedp.EmulateViewport(1280, 1000)) }

// noSideways checks that nothing on the screen scrolls sideways on a 390 px phone.
func (w *webSession) noSideways(what string) {
	w.t.Helper()
	if wide, _ := chromedp.Run(w.ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); wide > 391 {
		w.t.Errorf("%s is %d px wide on a 390 px phone", what, wide)
	}
}

// seedWeb writes what a web test starts from into data's database: the
// directory (CSV as `vanthu admin import-agencies` takes it; every line
// taken) and the accounts, each with the password "mat-khau-" + its
// name. The caller closes the store before vanthu serve opens it.
func seedWeb(t *testing.T, data, dirCSV string, users []records.User) *records.Store {
	t.Helper()
	ctx := context.Background()
	st, err := records.OpenSQLite(ctx, filepath.Join(data, "vanthu.db"))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Count(strings.TrimSpace(dirCSV), "\n")
	if n, err := st.ImportDirectory(ctx, records.Operator, strings.NewReader(dirCSV)); err != nil || n != want {
		t.Fatalf("directory: %d of %d %v", n, want, err)
	}
	for _, u := range users {
		if _, err := st.CreateUser(ctx, u, "mat-khau-"+u.Name); err != nil {
			t.Fatal(err)
		}
	}
	return st
}
