package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/testenv"
	"github.com/vanthu/vanthu/internal/zalo"
	"github.com/vanthu/vanthu/internal/zalo/zalotest"
	"github.com/vanthu/vanthu/pipelines/corpus"
)

// The citizens' feedback screens in headless Chromium, on a vanthu serve
// that takes signed Zalo events and replies through a stand-in OA API: a
// citizen's pothole (routed to the transport department, with a photo of
// a paper and a refused off-host image) and a greeting (out of scope,
// left in the OA agency's inbox). The OA agency's clerk finds both in the
// inbox, forwards the greeting to another agency through the form (a
// reason asked for first), replies to the pothole through the form (the
// stand-in receives the text), and nothing scrolls sideways on a phone.
func TestWebFeedback(t *testing.T) {
	testenv.Need(t, "chromium")
	ctx := context.Background()
	data := t.TempDir()
	shots := os.Getenv("VANTHU_SCREENSHOTS")
	if shots == "" {
		shots = filepath.Join(os.TempDir(), "vanthu-screenshots")
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", shots)
	oa := zalotest.New(zaloToken)
	defer oa.Close()
	src := t.TempDir()
	if err := corpus.Generate(ctx, src, corpus.Options{N: 1, Seed: 11, Formats: []string{"png"}}); err != nil {
		t.Fatal(err)
	}
	scans, _ := filepath.Glob(filepath.Join(src, "*.png"))
	scan, _ := os.ReadFile(scans[0])
	photoURL := oa.Media("giay-to.png", "image/png", scan)

	st, err := records.OpenSQLite(ctx, filepath.Join(data, "vanthu.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, records.User{Name: "vt-tp", Role: records.RoleClerk, Agency: "ubnd-tp"}, "mat-khau-vt-tp"); err != nil {
		t.Fatal(err)
	}
	// The city's directory knows the construction department (a case
	// goes only to an agency Vanthu knows).
	if err := st.PutAgency(ctx, records.Agency{Code: "so-xd", Name: "SỞ XÂY DỰNG THÀNH PHỐ"}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	var out, errb bytes.Buffer
	if code := run(ctx, []string{"admin", "token", "--data", data, "--user", "vt-tp"}, &out, &errb); code != 0 {
		t.Fatalf("token: %s", errb.String())
	}
	token := strings.TrimSpace(out.String())

	p := spawn(t, data, freeAddr(t), []string{"VANTHU_ZALO_APP_ID=" + zaloApp, "VANTHU_ZALO_SECRET=" + zaloSecret, "VANTHU_ZALO_AGENCY=ubnd-tp",
		"VANTHU_ZALO_ACCESS_TOKEN=" + zaloToken, "VANTHU_ZALO_API_URL=" + oa.URL, "VANTHU_ZALO_MEDIA_HOSTS=127.0.0.1"}, "--reconcile", "500ms")
	c := &client{t: t, base: p.base, token: token}
	post := func(b []byte) {
		t.Helper()
		if code := zaloPost(t, p.base, b, signed(b)); code != http.StatusOK {
			t.Fatalf("webhook: %d\n%s", code, p.tail())
		}
	}
	type caseJSON struct {
		ID       int64  `json:"id"`
		Code     string `json:"code"`
		Agency   string `json:"agency"`
		Topic    string `json:"topic"`
		Status   string `json:"status"`
		Deadline string `json:"deadline"`
	}
	cases := func() []caseJSON {
		_, b, _ := c.call("GET", "/api/v1/feedback", nil, "")
		var l struct{ Cases []caseJSON }
		json.Unmarshal(b, &l)
		return l.Cases
	}
	getCase := func(id int64) caseView {
		_, b, _ := c.call("GET", fmt.Sprint("/api/v1/feedback/", id), nil, "")
		var v caseView
		json.Unmarshal(b, &v)
		return v
	}
	until := func(what string, within time.Duration, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(within); !ok(); time.Sleep(100 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("never: %s\n%s", what, p.tail())
			}
		}
	}

	// The pothole: routed to the transport department; its photo read, the
	// off-host image refused. Then the greeting, from another citizen.
	const pothole = "duong Le Loi p.3 co o ga rat lon, toi qua xe may te nga lien tuc, de nghi so giao thong sua gap"
	post(zaloEvent(zalo.SendText, "zu-201", "w-1", pothole))
	var routed, greeting caseJSON
	until("the pothole routed", time.Minute, func() bool {
		for _, x := range cases() {
			if x.Status == "assigned" {
				routed = x
			}
		}
		return routed.ID != 0
	})
	post(zaloEvent(zalo.SendImage, "zu-201", "w-2", "anh giay to dinh kem", map[string]any{"type": "image", "payload": map[string]string{"url": photoURL}}))
	post(zaloEvent(zalo.SendImage, "zu-201", "w-3", "", map[string]any{"type": "image", "payload": map[string]string{"url": "https://evil.example/a.jpg"}}))
	post(zaloEvent(zalo.SendText, "zu-202", "w-4", "xin chao ad"))
	until("the greeting classified", time.Minute, func() bool {
		for _, x := range cases() {
			if x.ID != routed.ID && x.Status == "classified" {
				greeting = x
			}
		}
		return greeting.ID != 0
	})
	until("the photo read and the other image refused", time.Minute, func() bool {
		read, refused := false, false
		for _, m := range getCase(routed.ID).Messages {
			read = read || m.HasFile && m.AttachmentText != ""
			refused = refused || m.Refused != ""
		}
		return read && refused
	})
	if routed.Agency != "so-gtvt" || routed.Topic != "giao-thong" || greeting.Agency != "ubnd-tp" || greeting.Topic != "ngoai-pham-vi" {
		t.Fatalf("routing: %+v %+v", routed, greeting)
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath("/usr/bin/chromium"), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.WindowSize(1280, 1000), chromedp.UserDataDir(t.TempDir()))
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelA()
	bctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v\n%s", what, err, p.tail())
		}
	}
	shot := func(name string) {
		t.Helper()
		jpg, err := chromedp.Run(bctx, chromedp.FullScreenshot(80))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		os.WriteFile(filepath.Join(shots, name+".jpg"), jpg, 0o644)
	}
	text := func() string {
		s, _ := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#main")))
		return s
	}
	waitFor := func(what, js string) {
		t.Helper()
		for range 300 {
			if ok, _ := chromedp.Run(bctx, chromedp.Evaluate[bool](js)); ok {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		toast, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector("#toast").textContent`))
		t.Fatalf("never %s (%s); last message %q:\n%s\nserve:\n%s", what, js, toast, text(), p.tail())
	}
	open := func(hash string) {
		t.Helper()
		do("open "+hash, chromedp.Navigate(p.base+"/"+hash))
		waitFor("drawn "+hash, fmt.Sprintf(`document.body.dataset.view === %q`, hash))
	}
	wantText := func(where string, wants ...string) {
		t.Helper()
		s := text()
		for _, w := range wants {
			if !strings.Contains(s, w) {
				t.Errorf("%s does not say %q:\n%s", where, w, s)
			}
		}
	}
	rowText := func(id int64) string {
		s, _ := chromedp.Run(bctx, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector('#cases tr[data-case="%d"]') || {}).innerText || ""`, id)))
		return s
	}
	vn := func(d string) string { return d[8:10] + "/" + d[5:7] + "/" + d[:4] } // YYYY-MM-DD as dd/mm/yyyy

	do("log in", chromedp.Navigate(p.base+"/#/dang-nhap"), chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.SendKeys(chromedp.CSS("#name"), "vt-tp"), chromedp.SendKeys(chromedp.CSS("#password"), "mat-khau-vt-tp"),
		chromedp.Click(chromedp.CSS("#login button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("#nav:not([hidden])")))
	menu, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#nav a")].filter(a => !a.hidden).map(a => a.textContent + "=" + a.getAttribute("href")).join(" ")`))
	if !strings.Contains(menu, "Phản ánh=#/phan-anh") || strings.Contains(menu, "Thống kê phản ánh") {
		t.Errorf("a clerk's menu: %s", menu)
	}

	// The inbox: both cases, in Vietnamese.
	open("#/phan-anh")
	waitFor("both cases listed", `document.querySelectorAll("#cases tr[data-case]").length === 2`)
	shot("pa-1-hop-thu")
	if s := rowText(routed.ID); !strings.Contains(s, routed.Code) || !strings.Contains(s, "Giao thông") || !strings.Contains(s, "so-gtvt") ||
		!strings.Contains(s, "Đang xử lý") || !strings.Contains(s, vn(routed.Deadline)) {
		t.Errorf("the routed case's row: %q (deadline %s)", s, routed.Deadline)
	}
	if s := rowText(greeting.ID); !strings.Contains(s, greeting.Code) || !strings.Contains(s, "Ngoài phạm vi") || !strings.Contains(s, "ubnd-tp") || !strings.Contains(s, "Chờ giao xử lý") {
		t.Errorf("the greeting's row: %q", s)
	}
	waitFor("the tabs counted", `(document.querySelector('.tabs a[data-tab="moi"]') || {}).textContent === "Mới tiếp nhận (1)"`)
	open("#/phan-anh?loc=moi")
	waitFor("the new tab lists the greeting alone", fmt.Sprintf(`document.querySelectorAll("#cases tr[data-case]").length === 1 && !!document.querySelector('#cases tr[data-case="%d"]')`, greeting.ID))
	open("#/phan-anh?loc=qua-han")
	wantText("the overdue tab", "Không có phản ánh quá hạn.")

	// The greeting: forwarded to the construction department; without a
	// reason the form says one is needed and nothing is sent.
	do("open the greeting", chromedp.Navigate(p.base+"/#/phan-anh"))
	waitFor("the inbox", `!!document.querySelector("#cases")`)
	do("click the greeting", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#cases tr[data-case="%d"] a`, greeting.ID))))
	waitFor("the case drawn", fmt.Sprintf(`document.body.dataset.view === "#/phan-anh/%d" && !!document.querySelector("#assign")`, greeting.ID))
	wantText("the greeting's case", "Phản ánh "+greeting.Code, "xin chao ad", "Chờ giao xử lý", "Ngoài phạm vi", "Tin tự động xác nhận", "Lịch sử xử lý", "Tiếp nhận", "Máy phân loại")
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector("#assign-agency").value = ""`)); err != nil {
		t.Fatal(err)
	}
	do("forward without a reason", chromedp.SendKeys(chromedp.CSS("#assign-agency"), "so-xd"),
		chromedp.SendKeys(chromedp.CSS("#assign-unit"), "Phòng Quản lý đô thị"), chromedp.Click(chromedp.CSS("#assign-send")))
	waitFor("the reason asked for", `document.querySelector("#assign .error").textContent === "Cần ghi lý do khi chuyển phản ánh sang cơ quan khác."`)
	if v := getCase(greeting.ID); v.Case.Agency != "ubnd-tp" || v.Case.Status != "classified" {
		t.Fatalf("forwarded without a reason: %+v", v.Case)
	}
	const reason = "Công dân hỏi về giấy phép xây dựng"
	do("forward with a reason", chromedp.SendKeys(chromedp.CSS("#assign-reason"), reason), chromedp.Click(chromedp.CSS("#assign-send")))
	waitFor("the case reloaded as forwarded", `(document.querySelector("#case-agency") || {}).textContent === "so-xd – Phòng Quản lý đô thị"`)
	wantText("the forwarded case", "Đang xử lý", "Chuyển cơ quan", "ubnd-tp → so-xd (Phòng Quản lý đô thị): "+reason)
	waitFor("the toast", fmt.Sprintf(`document.querySelector("#toast").textContent === "Đã chuyển phản ánh %s sang so-xd."`, greeting.Code))
	shot("pa-2-chuyen")
	if v := getCase(greeting.ID); v.Case.Agency != "so-xd" || v.Case.Status != "assigned" {
		t.Errorf("the API after forwarding: %+v", v.Case)
	}

	// The pothole: its photo shown with what was read of it, the refused
	// image with its reason; a reply through the form reaches the OA API.
	open(fmt.Sprintf("#/phan-anh/%d", routed.ID))
	wantText("the routed case", "Phản ánh "+routed.Code, pothole, "Giao thông", "so-gtvt", vn(routed.Deadline), "Nội dung đọc được từ ảnh",
		"Tệp không nhận: địa chỉ evil.example không thuộc máy chủ của Zalo")
	waitFor("the photo shown", `(() => { const i = document.querySelector("li.msg.in img.thumb"); return !!i && i.complete && i.naturalWidth > 0 && i.closest("a").target === "_blank" })()`)
	// Which side each message is on (not their order: the records order
	// messages of the same second by their stamps' text).
	sides, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#conversation li.msg")].map(li =>
		(li.classList.contains("in") ? "in:" : "out:") + li.dataset.kind + (li.querySelector("img.thumb") ? "+photo" : "") + (li.querySelector(".refused") ? "+refused" : "")).sort().join(" ")`))
	if sides != "in:image+photo in:image+refused in:text out:ack" {
		t.Errorf("the conversation's sides: %s", sides)
	}
	const answer = "Sở GTVT đã cử đội duy tu vá ổ gà trên đường Lê Lợi trong tuần này."
	do("write the reply", chromedp.SendKeys(chromedp.CSS("#reply-text"), answer))
	counter, _ := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#reply-count")))
	if want := fmt.Sprintf("%d/2000 ký tự", len([]rune(answer))); counter != want {
		t.Errorf("the counter says %q, want %q", counter, want)
	}
	before := len(oa.Sent())
	do("send the reply", chromedp.Click(chromedp.CSS("#reply-send")))
	until("the reply at the OA API", 30*time.Second, func() bool { return len(oa.Sent()) > before })
	if s := oa.Sent()[before]; s.Text != answer || s.UserID != "zu-201" {
		t.Errorf("the OA API took %+v", s)
	}
	waitFor("the case reloaded as answered", `(document.querySelector("#case-status") || {}).textContent === "Đã trả lời"`)
	waitFor("the reply in the conversation", fmt.Sprintf(`[...document.querySelectorAll("#conversation li.msg.out")].some(li => li.textContent.includes(%q) && li.textContent.includes("Trả lời — vt-tp"))`, answer))
	wantText("the answered case", "Trả lời công dân")
	shot("pa-3-tra-loi")
	if v := getCase(routed.ID); v.Case.Status != "answered" {
		t.Errorf("the API after the reply: %+v", v.Case)
	}

	// The greeting rejected as out of scope: a reason asked for, then the
	// button pressed twice.
	open(fmt.Sprintf("#/phan-anh/%d", greeting.ID))
	do("reject without a reason", chromedp.Click(chromedp.CSS("#reject")))
	waitFor("the reason asked for", `document.querySelector("#close-form .error").textContent === "Cần ghi lý do từ chối phản ánh."`)
	do("reject with a reason", chromedp.SendKeys(chromedp.CSS("#close-reason"), "Tin chào hỏi, không có nội dung phản ánh"), chromedp.Click(chromedp.CSS("#reject")))
	waitFor("asked twice", `document.querySelector("#reject").textContent === "Bấm lần nữa để từ chối"`)
	do("reject", chromedp.Click(chromedp.CSS("#reject")))
	waitFor("the case reloaded as rejected", `(document.querySelector("#case-status") || {}).textContent === "Đã từ chối" && !document.querySelector("#assign")`)
	wantText("the rejected case", "Từ chối phản ánh", "Tin chào hỏi, không có nội dung phản ánh", "Phản ánh đã bị từ chối; không còn thao tác nào.")
	if v := getCase(greeting.ID); v.Case.Status != "rejected" {
		t.Errorf("the API after rejecting: %+v", v.Case)
	}

	// The stats: both counted.
	open("#/phan-anh-thong-ke")
	total, _ := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#fs-total")))
	opened, _ := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#fs-open")))
	if total != "2" || opened != "1" {
		t.Errorf("stats: total %q, open %q", total, opened)
	}
	wantText("the stats", "Giao thông", "Ngoài phạm vi", "so-gtvt", "so-xd", "Đã trả lời", "Đã từ chối")
	shot("pa-4-thong-ke")

	// On a phone: nothing scrolls sideways.
	do("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	for i, h := range []string{"#/phan-anh", fmt.Sprintf("#/phan-anh/%d", routed.ID), "#/phan-anh-thong-ke"} {
		open(h)
		if h == "#/phan-anh" {
			waitFor("the inbox on a phone", `!!document.querySelector("#cases")`)
		}
		wide, _ := chromedp.Run(bctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		shot(fmt.Sprint("pa-5-dien-thoai-", i+1))
		if wide > 391 {
			t.Errorf("%s is %d px wide on a 390 px phone", h, wide)
		}
	}
	if p.exited() {
		t.Fatalf("serve died:\n%s", p.tail())
	}
}
