package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/testenv"
	"github.com/vanthu/vanthu/internal/viet"
	"github.com/vanthu/vanthu/pipelines/corpus"
)

// The web application in headless Chromium, as its three kinds of users
// use it: a clerk uploads generated scans, waits for them to be
// registered, corrects a field and approves; a user of another agency
// sees none of it; a leader searches without diacritics, opens the hit,
// and finds the documents counted on the dashboard and in the summary.
// A screenshot of each screen goes to $VANTHU_SCREENSHOTS (default: a
// folder under the system's temporary folder, named in the log).
func TestWebApplication(t *testing.T) {
	testenv.Need(t, "chromium")
	t.Setenv("VANTHU_MINIO_URL", "")
	t.Setenv("VANTHU_DB_URL", "")
	ctx := context.Background()
	data, src := t.TempDir(), t.TempDir()
	shots := os.Getenv("VANTHU_SCREENSHOTS")
	if shots == "" {
		shots = filepath.Join(os.TempDir(), "vanthu-screenshots")
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", shots)
	if err := corpus.Generate(ctx, src, corpus.Options{N: 2, Seed: 44, Formats: []string{"pdf", "png"}}); err != nil {
		t.Fatal(err)
	}
	var truth []map[string]any
	b, _ := os.ReadFile(filepath.Join(src, "truth.jsonl"))
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var m map[string]any
		json.Unmarshal([]byte(line), &m)
		truth = append(truth, m)
	}
	st, err := records.OpenSQLite(ctx, filepath.Join(data, "vanthu.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []records.User{
		// Generated scans may carry a MẬT stamp: the clerk and the leader
		// are cleared for it.
		{Name: "vanthu-qn", Role: records.RoleClerk, Agency: "ubnd-qn", Clearance: "TUYỆT MẬT"},
		{Name: "lanhdao-qn", Role: records.RoleLeader, Agency: "ubnd-qn", Clearance: "TUYỆT MẬT"},
		{Name: "chuyenvien-stc", Role: records.RoleStaff, Agency: "so-tc"},
	} {
		if _, err := st.CreateUser(ctx, u, "mat-khau-"+u.Name); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	base, serr := startServe(t, data)

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath("/usr/bin/chromium"), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.WindowSize(1280, 1000), chromedp.UserDataDir(t.TempDir()))
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelA()
	bctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()

	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(bctx, chromedp.FullScreenshot(80))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		os.WriteFile(filepath.Join(shots, name+".jpg"), png, 0o644)
	}
	login := func(name string) {
		t.Helper()
		t.Logf("log in as %s", name)
		if err := chromedp.Do(bctx, chromedp.Navigate(base+"/#/dang-nhap")); err != nil {
			t.Fatalf("open the login page: %v", err)
		}
		t.Logf("at the login page")
		err := chromedp.Do(bctx,
			chromedp.WaitVisible(chromedp.CSS("#login")),
			chromedp.SendKeys(chromedp.CSS("#name"), name),
			chromedp.SendKeys(chromedp.CSS("#password"), "mat-khau-"+name),
			chromedp.Click(chromedp.CSS("#login button[type=submit]")), // Submit would call form.submit(), which skips the page's handler
			chromedp.WaitVisible(chromedp.CSS("#nav:not([hidden])")),
			chromedp.WaitVisible(chromedp.CSS(`body[data-view]:not([data-view="#/dang-nhap"])`)),
		)
		if err != nil {
			t.Fatalf("login as %s: %v\n%s", name, err, serr.String())
		}
	}
	// open shows a screen and waits until the application has drawn it.
	open := func(hash string) {
		t.Helper()
		if err := chromedp.Do(bctx, chromedp.Navigate(base+"/"+hash)); err != nil {
			t.Fatalf("open %s: %v", hash, err)
		}
		for range 600 {
			if v, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`document.body.dataset.view || ""`)); v == hash {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("the screen %s was never drawn", hash)
	}
	text := func() string {
		s, _ := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#main")))
		return s
	}
	waitText := func(want string) {
		t.Helper()
		for range 600 {
			if strings.Contains(text(), want) {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		toast, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector("#toast").textContent`))
		t.Fatalf("the page never said %q (last message %q):\n%s\nserve:\n%s", want, toast, text(), serr.String())
	}

	// The clerk uploads both files and waits for them to be registered.
	login("vanthu-qn")
	var files []string
	for _, tr := range truth {
		files = append(files, filepath.Join(src, tr["file"].(string)))
	}
	open("#/tai-len")
	if err := chromedp.Do(bctx, chromedp.SetUploadFiles(chromedp.CSS("#files"), files)); err != nil {
		t.Fatal(err)
	}
	var done int
	for range 3000 {
		done, _ = chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('li[data-status="registered"], li[data-status="review"]').length`))
		if done == 2 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	shot("1-tai-len")
	if done != 2 {
		t.Fatalf("registered %d of 2:\n%s\n%s", done, text(), serr.String())
	}
	id, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector('li[data-id]').dataset.id`))

	// A file that cannot be read ends failed, with its reason, in a queue
	// the clerk acts on: read it again, delete it (asked twice).
	bad := filepath.Join(t.TempDir(), "công văn hỏng.pdf")
	good, _ := os.ReadFile(files[0])
	os.WriteFile(bad, good[:len(good)/3], 0o644) // truncated
	if err := chromedp.Do(bctx, chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{bad})); err != nil {
		t.Fatal(err)
	}
	waitFor := func(js string) {
		t.Helper()
		for range 600 {
			if ok, _ := chromedp.Run(bctx, chromedp.Evaluate[bool](js)); ok {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("never true: %s\n%s", js, text())
	}
	waitFor(`!!document.querySelector('li[data-status="failed"] button[data-action="retry"]')`)
	open("#/tai-len")
	waitFor(`!!document.querySelector('#failed li[data-failed] button[data-action="retry"]')`)
	if s := text(); !strings.Contains(s, "Văn bản không đọc được (1)") || !strings.Contains(s, "công văn hỏng.pdf") {
		t.Errorf("the failed queue:\n%s", s)
	}
	shot("1b-khong-doc-duoc")
	t0, _ := chromedp.Run(bctx, chromedp.Evaluate[float64](`Date.now()`))
	chromedp.Do(bctx, chromedp.Click(chromedp.CSS(`#failed button[data-action="retry"]`)))
	// Read again, failed again (still truncated), listed again.
	waitFor(fmt.Sprintf(`+document.querySelector('#failed').dataset.at > %f && !!document.querySelector('#failed li[data-failed] button[data-action="delete"]')`, t0))
	chromedp.Do(bctx, chromedp.Click(chromedp.CSS(`#failed button[data-action="delete"]`)))
	waitText("Bấm lần nữa để xoá")
	chromedp.Do(bctx, chromedp.Click(chromedp.CSS(`#failed button[data-action="delete"]`)))
	waitFor(`!document.querySelector('#failed li[data-failed]')`)

	// The review screen: correct the subject, approve with the keyboard.
	const corrected = "Về việc nghiệm thu công trình kè sông Trà Bồng"
	open("#/duyet/" + id)
	time.Sleep(500 * time.Millisecond) // the page image and its boxes
	shot("2-duyet")
	err = chromedp.Do(bctx, chromedp.SetValue(chromedp.CSS("#f-receiving_unit"), "Phòng Kinh tế - Hạ tầng"), chromedp.SetValue(chromedp.CSS("#f-subject"), corrected), chromedp.Focus(chromedp.CSS("#f-subject")), chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	if err != nil {
		t.Fatal(err)
	}
	// With fields the machine doubted left as read, approving is asked
	// twice: the second Ctrl+Enter approves.
	time.Sleep(300 * time.Millisecond)
	if armed, _ := chromedp.Run(bctx, chromedp.Evaluate[bool](`!!document.querySelector('#approve') && !!document.querySelector('#approve').dataset.armed`)); armed {
		if !strings.Contains(text(), "bấm lần nữa") {
			t.Errorf("approving with doubted fields untouched does not say so:\n%s", text())
		}
		chromedp.Do(bctx, chromedp.Focus(chromedp.CSS("#f-subject")), chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	}
	// Saved and approved, the app moves on (the next in the queue, or the
	// document): wait for it, or the test's own navigation races the app's.
	waitFor(fmt.Sprintf(`location.hash !== "#/duyet/%s" && document.body.dataset.view === location.hash`, id))
	open("#/van-ban/" + id)
	waitText(corrected)
	waitText("Đã duyệt")
	shot("3-van-ban")
	if s := text(); !strings.Contains(s, "vanthu-qn") || !strings.Contains(s, "Lịch sử sửa đổi") {
		t.Errorf("the document view lacks the correction's history:\n%s", s)
	}
	open("#/so-den")
	waitText("2 văn bản")
	waitText("Phòng Kinh tế - Hạ tầng") // the unit the clerk assigned, in the register
	shot("4-so-den")

	// Another agency sees nothing of it.
	chromedp.Do(bctx, chromedp.Click(chromedp.CSS("#logout")))
	login("chuyenvien-stc")
	open("#/so-den")
	waitText("0 văn bản")
	open("#/van-ban/" + id)
	waitText("bạn không được phép xem") // not there, or not theirs to read: one answer
	shot("5-co-quan-khac")
	open("#/tim-kiem")
	chromedp.Do(bctx, chromedp.SendKeys(chromedp.CSS("#q"), "nghiem thu cong trinh ke song tra bong\r"))
	waitText("0 kết quả")

	// The leader searches without diacritics, opens the hit, and sees the
	// documents counted on the dashboard and in the summary.
	chromedp.Do(bctx, chromedp.Click(chromedp.CSS("#logout")))
	login("lanhdao-qn")
	query := viet.Fold(strings.ToLower(corrected))
	t.Logf("search %q", query)
	open("#/tim-kiem")
	if err := chromedp.Do(bctx, chromedp.SendKeys(chromedp.CSS("#q"), query+"\r")); err != nil {
		t.Fatal(err)
	}
	waitText("1 kết quả")
	shot("6-tim-kiem")
	t.Logf("open the hit")
	href, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector(".hit a.title").getAttribute("href")`))
	if err := chromedp.Do(bctx, chromedp.Click(chromedp.CSS(".hit a.title"))); err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		if v, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`document.body.dataset.view || ""`)); v == href {
			break
		}
		if i == 600 {
			t.Fatalf("the hit %s never opened:\n%s", href, text())
		}
		time.Sleep(100 * time.Millisecond)
	}
	waitText(corrected)
	t.Logf("dashboard")
	open("#/tong-quan")
	waitText("Văn bản đến theo tháng")
	inTotal, _ := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#in-total")))
	shot("7-tong-quan")
	if inTotal != "2" {
		t.Errorf("the dashboard counts %q documents in, want 2", inTotal)
	}
	open("#/tom-tat")
	waitText("đã tiếp nhận 2 văn bản đến")
	shot("8-tom-tat")

	// On a phone: the same screens, one column, nothing cut off.
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	open("#/tim-kiem")
	if err := chromedp.Do(bctx, chromedp.SendKeys(chromedp.CSS("#q"), query+"\r")); err != nil {
		t.Fatal(err)
	}
	waitText("1 kết quả")
	wide, _ := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > 391`))
	shot("9-dien-thoai")
	if wide {
		t.Error("the search screen is wider than a phone: it scrolls sideways")
	}
}
