package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/testenv"
)

// axeVersion is the axe-core scripts/test fetches from npm and caches.
const axeVersion = "4.14.1"

// axeSource is axe.min.js: from VANTHU_AXE (scripts/test), else from the
// cache, fetched there with npm when missing. A checker that cannot be
// had fails the test: an accessibility pass never silently skips.
func axeSource(t *testing.T) string {
	t.Helper()
	path := os.Getenv("VANTHU_AXE")
	if path == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			t.Fatalf("axe-core: no cache directory: %v", err)
		}
		path = filepath.Join(cache, "vanthu", "axe-core-"+axeVersion, "axe.min.js")
	}
	if b, err := os.ReadFile(path); err == nil && len(b) > 100000 {
		return string(b)
	}
	tmp := t.TempDir()
	pack := exec.Command("npm", "pack", "--silent", "axe-core@"+axeVersion)
	pack.Dir = tmp
	if out, err := pack.CombinedOutput(); err != nil {
		t.Fatalf("axe-core %s cannot be fetched from npm (run scripts/test, or set VANTHU_AXE to axe.min.js): %v\n%s", axeVersion, err, out)
	}
	if out, err := exec.Command("tar", "xzf", filepath.Join(tmp, "axe-core-"+axeVersion+".tgz"), "-C", tmp, "package/axe.min.js").CombinedOutput(); err != nil {
		t.Fatalf("axe-core: unpack: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(tmp, "package", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Dir(path), 0o755)
	os.WriteFile(path, b, 0o644)
	return string(b)
}

// axeCheck runs axe-core on the screen drawn and reports its serious and
// critical violations.
func (w *webSession) axeCheck(src, where string) {
	w.t.Helper()
	if ok, err := chromedp.Run(w.ctx, chromedp.Evaluate[bool](src+"\n;typeof axe === 'object'")); err != nil || !ok {
		w.t.Fatalf("axe-core did not load in the page: %v", err)
	}
	js := `axe.run(document, { resultTypes: ["violations"] }).then(r => JSON.stringify(r.violations
	  .filter(v => v.impact === "serious" || v.impact === "critical")
	  .map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + (n.failureSummary || "").split("\n").slice(1, 2).join("")) }))))`
	out, err := chromedp.Run(w.ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		w.t.Fatalf("axe on %s: %v", where, err)
	}
	var vs []struct {
		ID, Impact, Help string
		Nodes            []string
	}
	json.Unmarshal([]byte(out), &vs)
	for _, v := range vs {
		w.t.Errorf("axe, %s: %s (%s) %s:\n  %s", where, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  "))
	}
}

func (w *webSession) media(p emulation.SetEmulatedMediaParams) {
	w.t.Helper()
	w.do("media", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, p)
		return err
	}))
}

func (w *webSession) js(what, expr string) {
	w.t.Helper()
	if _, err := chromedp.Run(w.ctx, chromedp.Evaluate[bool](expr)); err != nil {
		w.t.Fatalf("%s: %v", what, err)
	}
}

func (w *webSession) key(keys string) {
	w.t.Helper()
	w.do("keys "+keys, chromedp.KeyEvent(keys))
}

// The application's core and chrome in headless Chromium: the login
// screen without the menu; the tab's title per screen; the API's machine
// messages in Vietnamese, in one place (vi.js), the English kept for the
// screens' own wording; a lost connection said as "Mất kết nối máy chủ",
// retried with backoff, with a "Thử lại" button that draws the screen
// when the server is back; a busy server retried; a slow screen says
// "Đang tải…" (aria-busy) instead of a blank area; the shortcuts' list on
// "?", none while typing; printing shows only the content; the dark
// setting followed; a 390 px phone's header at most 64 px with a "Menu"
// button. Then axe-core, served by the test, finds no serious or
// critical violation on each main screen at desktop and phone widths,
// light and (for a few) dark.
func TestWebCore(t *testing.T) {
	testenv.Need(t, "chromium")
	axe := axeSource(t)
	t.Setenv("VANTHU_MINIO_URL", "")
	t.Setenv("VANTHU_DB_URL", "")
	data := t.TempDir()
	const dirCSV = "code,identifier,name,parent,kind\n" + "ubnd-qn,,ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI THỬ NGHIỆM,,agency\n"
	st := seedWeb(t, data, dirCSV, []records.User{
		{Name: "vt-qn", Role: records.RoleClerk, Agency: "ubnd-qn", Clearance: "TUYỆT MẬT"},
		{Name: "cv-qn", Role: records.RoleStaff, Agency: "ubnd-qn"},
		{Name: "ld-qn", Role: records.RoleLeader, Agency: "ubnd-qn"},
	})
	st.Close()
	base, serr := startServe(t, data)
	call := bearer(t, base)
	clerkTok := webToken(t, data, "vt-qn")
	for i, pdf := range bornDigital(t, 3, 16) {
		uploadRead(t, call, clerkTok, fmt.Sprintf("vb-%d.pdf", i+1), pdf, serr)
	}
	w := newWebSession(t, base, serr)

	// The login screen: no menu, no "Đăng xuất"; a wrong password said in Vietnamese.
	w.open("#/dang-nhap")
	if s := w.eval(`String(document.querySelector("#nav").hidden) + " " + (document.querySelector("#logout").getClientRects().length === 0) + " " + document.querySelector("#menu-toggle").hidden`); s != "true true true" {
		t.Errorf("the login screen shows the menu (nav hidden, logout hidden, menu button hidden: %s)", s)
	}
	if s := w.eval(`document.title`); s != "Đăng nhập — Văn thư số" {
		t.Errorf("the login screen's title is %q", s)
	}
	w.do("a wrong password", chromedp.SendKeys(chromedp.CSS("#name"), "vt-qn"), chromedp.SendKeys(chromedp.CSS("#password"), "sai-mat-khau"),
		chromedp.Click(chromedp.CSS("#login button[type=submit]")))
	w.waitFor("the refusal", `document.querySelector("#login .error").textContent !== ""`)
	if s := w.eval(`document.querySelector("#login .error").textContent`); s != "Sai tên đăng nhập hoặc mật khẩu." {
		t.Errorf("a wrong password says %q", s)
	}
	w.shot("core-dang-nhap")
	w.axeCheck(axe, "đăng nhập (desktop)")

	w.do("leave", chromedp.Navigate("about:blank")) // the same URL again is no navigation
	w.login("vt-qn")
	// Logged in, the login screen still shows no menu.
	w.js("back to login", `location.hash = "#/dang-nhap"; true`)
	w.waitFor("the login screen drawn", `document.body.dataset.view === "#/dang-nhap"`)
	if s := w.eval(`String(document.querySelector("#nav").hidden)`); s != "true" {
		t.Errorf("the login screen, logged in, shows the menu")
	}

	// The tab's title is the screen's heading.
	screens := []string{"#/tai-len", "#/duyet", "#/so-den", "#/tim-kiem", "#/tong-quan", "#/tom-tat", "#/bao-cao", "#/lich-hop", "#/giay-moi", "#/phan-anh", "#/viec-cua-toi"}
	for _, h := range screens {
		w.open(h)
		head := w.eval(`(document.querySelector("#main h1") || {textContent: ""}).textContent.trim()`)
		if head == "" {
			t.Errorf("%s has no heading", h)
		}
		if s := w.eval(`document.title`); s != head+" — Văn thư số" {
			t.Errorf("%s: the title is %q, its heading %q", h, s, head)
		}
		if s := w.text(); strings.TrimSpace(s) == "" {
			t.Errorf("%s is blank", h)
		}
	}

	// The API's machine messages in Vietnamese; the English and the status kept.
	got, _ := chromedp.Run(w.ctx, chromedp.Evaluate[string](`(async () => { try { await api("/documents/999999"); return "no error"; } catch (e) { return e.status + "|" + e.raw + "|" + e.message; } })()`, chromedp.EvalAwaitPromise))
	if got != "404|not found|Không tìm thấy (hoặc bạn không có quyền xem)" {
		t.Errorf("a document not found: %q", got)
	}
	for msg, want := range map[string]string{
		"not found|404":                      "Không tìm thấy (hoặc bạn không có quyền xem)",
		"the role staff may not do this|403": "Vai trò của bạn không được làm việc này",
		"unsupported file type: a ZIP archive or Office file; export it to PDF first|415": "Định dạng tệp không hỗ trợ: tệp nén ZIP hoặc tệp Office; hãy xuất ra PDF trước",
		"unsupported file type: not a PDF, PNG, JPEG, TIFF or WebP file|415":              "Định dạng tệp không hỗ trợ: không phải tệp PDF, PNG, JPEG, TIFF hay WebP",
		"busy for now: nothing was done, send the request again in a moment|503":          "Hệ thống đang bận, chưa thực hiện gì. Hãy thử lại sau giây lát.",
		`date "20/03/2018": want YYYY-MM-DD|400`:                                          "Ngày “20/03/2018” không hợp lệ: hãy nhập ngày/tháng/năm, ví dụ 20/03/2018.",
		"Failed to fetch|0":                                                               "Mất kết nối máy chủ",
		"something nobody translated|400":                                                 "Yêu cầu không hợp lệ.",
		"internal error|500":                                                              "Lỗi hệ thống. Hãy thử lại, hoặc báo quản trị hệ thống nếu lỗi lặp lại.",
	} {
		m, code, _ := strings.Cut(msg, "|")
		if s := w.eval(fmt.Sprintf(`viText(%q, %s)`, m, code)); s != want {
			t.Errorf("%q (%s) is said %q, want %q", m, code, s, want)
		}
	}
	// A staff member asking for the clerk's review queue is told in Vietnamese.
	w.login("cv-qn")
	got, _ = chromedp.Run(w.ctx, chromedp.Evaluate[string](`(async () => { try { await api("/documents/1/edxml?to=x"); return "no error"; } catch (e) { return e.status + "|" + e.message; } })()`, chromedp.EvalAwaitPromise))
	if got != "403|Vai trò của bạn không được làm việc này" {
		t.Errorf("a staff member refused: %q", got)
	}
	w.axeCheck(axe, "việc của tôi, nhân viên (desktop)")
	w.login("vt-qn")

	// The connection lost: retried with backoff, then said, with "Thử lại".
	w.open("#/so-den")
	w.js("cut the connection", `window.__fetch = window.fetch; window.__calls = 0;
	  window.fetch = (...a) => { window.__calls++; return Promise.reject(new TypeError("Failed to fetch")); }; location.hash = "#/tim-kiem"; true`)
	w.waitFor("the lost connection said", `/Mất kết nối máy chủ\./.test(document.querySelector("#toast").textContent) && !!document.querySelector("#toast button")`)
	w.waitFor("the screen drawn", `document.body.dataset.view === "#/tim-kiem"`)
	w.do("search while cut", chromedp.SendKeys(chromedp.CSS("#q"), "quyết định\r"))
	w.waitFor("the search said lost", `window.__calls >= 4 && /Mất kết nối máy chủ\./.test(document.querySelector("#toast").textContent)`)
	page := w.eval(`document.body.innerText`)
	for _, en := range []string{"Failed to fetch", "not found", "Lỗi: Failed", "TypeError"} {
		if strings.Contains(page, en) {
			t.Errorf("the lost connection shows %q:\n%s", en, page)
		}
	}
	if n, _ := strconv.Atoi(w.eval(`String(window.__calls)`)); n < 4 {
		t.Errorf("a GET was tried %d times without the server, want a few retries", n)
	}
	w.waitFor("the retry button", `!!document.querySelector("#toast button")`)
	if s := w.eval(`document.querySelector("#toast button").textContent`); s != "Thử lại" {
		t.Errorf("the lost connection's button says %q", s)
	}
	w.shot("core-mat-ket-noi")
	w.js("the server back; Thử lại", `window.fetch = window.__fetch; location.hash = "#/so-den"; true`)
	w.waitFor("the register drawn", `document.body.dataset.view === "#/so-den"`)
	w.js("cut again", `window.fetch = () => Promise.reject(new TypeError("Failed to fetch")); route(); true`)
	w.waitFor("the failure box", `!!document.querySelector("#main .failbox button.retry") || /Mất kết nối/.test(document.querySelector("#main").textContent)`)
	w.waitFor("the retry button again", `!!document.querySelector("#toast button")`)
	w.js("back; Thử lại", `window.fetch = window.__fetch; document.querySelector("#toast button").click(); true`)
	w.waitFor("the register again", `document.body.dataset.view === "#/so-den" && !document.querySelector("#main .failbox") && !document.querySelector("#toast").classList.contains("show")`)

	// A busy server (503) is retried: the person sees it is, then the screen.
	w.js("busy once", `window.__busy = 1; window.__seen = [];
	  new MutationObserver(() => window.__seen.push(document.querySelector("#toast").textContent)).observe(document.querySelector("#toast"), { childList: true, subtree: true });
	  window.fetch = (...a) => window.__busy-- > 0 ? Promise.resolve(new Response(JSON.stringify({ error: "busy for now: nothing was done, send the request again in a moment" }),
	    { status: 503, headers: { "Content-Type": "application/json", "Retry-After": "1" } })) : window.__fetch(...a);
	  location.hash = "#/tong-quan"; true`)
	w.waitFor("the dashboard after the busy answer", `document.body.dataset.view === "#/tong-quan"`)
	if s := w.eval(`window.__seen.join(" | ")`); !strings.Contains(s, "Hệ thống đang bận, đang thử lại…") {
		t.Errorf("a busy server was not said: %q", s)
	}
	if s := w.text(); strings.Contains(s, "busy") || strings.Contains(s, "Lỗi") {
		t.Errorf("the dashboard after one busy answer says:\n%s", s)
	}

	// A slow screen says it is loading.
	w.js("slow server", `window.fetch = (...a) => new Promise(r => setTimeout(r, 1500)).then(() => window.__fetch(...a)); location.hash = "#/so-den"; true`)
	time.Sleep(700 * time.Millisecond)
	if s := w.eval(`document.querySelector("#main").getAttribute("aria-busy") + "|" + (document.querySelector("#screen-loading") || {textContent: ""}).textContent`); s != "true|Đang tải…" {
		t.Errorf("a slow screen at 700 ms: %q", s)
	}
	w.shot("core-dang-tai")
	w.waitFor("the slow register drawn", `document.body.dataset.view === "#/so-den" && !document.querySelector("#main").hasAttribute("aria-busy") && !document.querySelector("#screen-loading")`)
	w.js("fast again", `window.fetch = window.__fetch; true`)

	// The shortcuts: "?" lists them, Esc closes, "g s" opens the register,
	// "/" the search box; none while typing.
	w.open("#/tai-len")
	w.key("?")
	w.waitFor("the shortcuts' list", `!!document.querySelector("dialog#keys-help[open]")`)
	w.wantText("the shortcuts' list", w.eval(`document.querySelector("#keys-help").innerText`), "Phím tắt", "Tải lên", "Duyệt", "Sổ văn bản đến", "Đến ô tìm kiếm", "Esc")
	w.shot("core-phim-tat")
	w.axeCheck(axe, "phím tắt (desktop)")
	w.key("\x1b") // Esc
	w.waitFor("the list closed", `!document.querySelector("dialog#keys-help[open]")`)
	w.js("focus the page", `document.querySelector("#main").focus(); true`)
	w.key("gs")
	w.waitFor("g s: the register", `document.body.dataset.view === "#/so-den"`)
	w.key("/")
	w.waitFor("/: the search box", `document.activeElement && document.activeElement.id === "q"`)
	w.key("gd")
	time.Sleep(300 * time.Millisecond)
	if s := w.eval(`location.hash + "|" + document.querySelector("#q").value`); s != "#/tim-kiem|gd" {
		t.Errorf("typing g d in the search box: %q", s)
	}

	// Printing the register prints its content only.
	w.open("#/so-den")
	w.media(emulation.SetEmulatedMediaParams{Media: "print"})
	if s := w.eval(`["header", "#nav", "#main form", "#main button, #main .button"].map(s => [...document.querySelectorAll(s)].every(e => getComputedStyle(e).display === "none")).join(" ") + " " + (getComputedStyle(document.querySelector("#main table") || document.querySelector("#main")).display !== "none")`); s != "true true true true true" {
		t.Errorf("printing the register (header, menu, filters, buttons hidden; the table shown): %s", s)
	}
	w.shot("core-in-so-den")
	w.media(emulation.SetEmulatedMediaParams{Media: ""})
	w.open("#/tai-len")

	// The system's dark setting.
	w.media(emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}})
	for _, h := range []string{"#/so-den", "#/tim-kiem", "#/tong-quan", "#/phan-anh"} {
		w.open(h)
		if s := w.eval(`getComputedStyle(document.body).backgroundColor`); s != "rgb(18, 20, 23)" {
			t.Errorf("%s in the dark: the page is %s", h, s)
		}
		w.axeCheck(axe, h+" (tối)")
	}
	w.shot("core-toi-so-den")
	w.media(emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "light"}}})

	// Every main screen, desktop then phone: axe finds nothing serious.
	for _, h := range screens {
		w.open(h)
		w.axeCheck(axe, h+" (desktop)")
	}
	w.phone()
	for _, h := range screens {
		w.open(h)
		w.axeCheck(axe, h+" (390 px)")
		w.noSideways(h)
		if px, _ := chromedp.Run(w.ctx, chromedp.Evaluate[float64](`document.querySelector("header").getBoundingClientRect().height`)); px > 64 {
			t.Errorf("%s: the header is %.0f px high on a phone", h, px)
		}
	}
	// The phone's menu: a button, closed at first, that opens and closes it.
	w.open("#/so-den")
	if s := w.eval(`const b = document.querySelector("#menu-toggle"); [b.getClientRects().length > 0, b.textContent, b.getAttribute("aria-expanded"), b.getAttribute("aria-controls"), document.querySelector('#nav a[href="#/tim-kiem"]').getClientRects().length].join("|")`); s != "true|Menu|false|nav|0" {
		t.Errorf("the phone's menu button (visible, name, expanded, controls, a link's boxes): %s", s)
	}
	w.shot("core-dien-thoai-so-den")
	w.do("open the menu", chromedp.Click(chromedp.CSS("#menu-toggle")))
	if s := w.eval(`document.querySelector("#menu-toggle").getAttribute("aria-expanded") + "|" + document.querySelector('#nav a[href="#/tim-kiem"]').getClientRects().length + "|" + document.querySelector("#logout").getClientRects().length`); s != "true|1|1" {
		t.Errorf("the phone's menu opened (expanded, a link shown, logout shown): %s", s)
	}
	w.shot("core-dien-thoai-menu")
	w.axeCheck(axe, "menu mở (390 px)")
	w.do("a menu entry", chromedp.Click(chromedp.CSS(`#nav a[href="#/tim-kiem"]`)))
	w.waitFor("the search, the menu closed", `document.body.dataset.view === "#/tim-kiem" && document.querySelector("#menu-toggle").getAttribute("aria-expanded") === "false"`)
	w.do("log out", chromedp.Click(chromedp.CSS("#menu-toggle")), chromedp.Click(chromedp.CSS("#logout")))
	w.waitFor("the login screen", `document.body.dataset.view === "#/dang-nhap"`)
	w.axeCheck(axe, "đăng nhập (390 px)")
	w.shot("core-dien-thoai-dang-nhap")
}
