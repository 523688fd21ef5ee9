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
)

// The handling of a received document in headless Chromium: a born-digital
// PDF uploaded and registered; the agency's leader opens it and, through
// the "Chỉ đạo xử lý" form, directs it to the economic department with the
// office cooperating, a deadline and a note (a direction naming no one is
// refused first, in Vietnamese, and nothing is sent); the department's
// officer finds it in "Việc của tôi" with its deadline, opens it, records
// progress and finishes it with a result (a finish without a result is
// refused first); the API then says it is done, with its three steps.
func TestWebHandling(t *testing.T) {
	testenv.Need(t, "chromium")
	t.Setenv("VANTHU_MINIO_URL", "")
	t.Setenv("VANTHU_DB_URL", "")
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

	st, err := records.OpenSQLite(ctx, filepath.Join(data, "vanthu.db"))
	if err != nil {
		t.Fatal(err)
	}
	// The directory: the agency, two of its units, and an agency outside.
	const dirCSV = "code,identifier,name,parent,kind\n" +
		"ubnd-tk,,ỦY BAN NHÂN DÂN XÃ TỊNH KHÊ THỬ NGHIỆM,,agency\n" +
		"tk-kt,,Phòng Kinh tế,ubnd-tk,unit\n" +
		"tk-vp,,Văn phòng HĐND và UBND,ubnd-tk,unit\n" +
		"so-tc-tn,,SỞ TÀI CHÍNH THỬ NGHIỆM,,agency\n"
	if n, err := st.ImportDirectory(ctx, records.Operator, strings.NewReader(dirCSV)); err != nil || n != 4 {
		t.Fatalf("directory: %d %v", n, err)
	}
	// Generated documents may carry a MẬT stamp: everyone is cleared for it.
	for _, u := range []records.User{
		{Name: "vt-tk", Role: records.RoleClerk, Agency: "ubnd-tk", Clearance: "TUYỆT MẬT"},
		{Name: "lanhdao-tk", Role: records.RoleLeader, Agency: "ubnd-tk", Clearance: "TUYỆT MẬT"},
		{Name: "cv-kt", Role: records.RoleStaff, Agency: "ubnd-tk", Clearance: "TUYỆT MẬT", Unit: "tk-kt"},
	} {
		if _, err := st.CreateUser(ctx, u, "mat-khau-"+u.Name); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	token := func(user string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := run(ctx, []string{"admin", "token", "--data", data, "--user", user}, &out, &errb); code != 0 {
			t.Fatalf("token for %s: %s", user, errb.String())
		}
		return strings.TrimSpace(out.String())
	}
	clerk := token("vt-tk")
	leaderToken := token("lanhdao-tk")

	base, serr := startServe(t, data)
	c := &client{t: t, base: base, token: clerk}
	leaderAPI := &client{t: t, base: base, token: leaderToken}

	// A born-digital PDF, uploaded by the clerk through the API and read
	// to its register line (approved, if the reader doubted a field).
	id, err := c.upload("Công văn đề nghị.pdf", bornDigital(t, 1, 61)[0])
	if err != nil {
		t.Fatal(err)
	}
	if s := c.settle(t, []int64{id}, 3*time.Minute)[id]; s == "review" {
		if code, b, _ := c.call("POST", fmt.Sprint("/api/v1/documents/", id, "/approve"), nil, ""); code != http.StatusOK {
			t.Fatalf("approve: %d %s", code, b)
		}
	} else if s != "registered" {
		t.Fatalf("the document is %q, want registered:\n%s", s, serr.String())
	}
	var doc struct {
		Status string
		Stages map[string]bool
		Record struct{ Subject, Number, Symbol string }
	}
	_, b, _ := c.call("GET", fmt.Sprint("/api/v1/documents/", id), nil, "")
	json.Unmarshal(b, &doc)
	if !doc.Stages["registered"] || doc.Record.Subject == "" {
		t.Fatalf("the document is not registered: %s", b)
	}
	handling := func() (int, handlingResponseT) {
		code, b, _ := leaderAPI.call("GET", fmt.Sprint("/api/v1/documents/", id, "/handling"), nil, "")
		var h handlingResponseT
		json.Unmarshal(b, &h)
		return code, h
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath("/usr/bin/chromium"), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.WindowSize(1280, 1000), chromedp.UserDataDir(t.TempDir()))
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelA()
	bctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()
	text := func() string {
		s, _ := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#main")))
		return s
	}
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v\n%s\nserve:\n%s", what, err, text(), serr.String())
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
	waitFor := func(what, js string) {
		t.Helper()
		for range 300 {
			if ok, _ := chromedp.Run(bctx, chromedp.Evaluate[bool](js)); ok {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		toast, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector("#toast").textContent`))
		t.Fatalf("never %s (%s); last message %q:\n%s\nserve:\n%s", what, js, toast, text(), serr.String())
	}
	open := func(hash string) {
		t.Helper()
		do("open "+hash, chromedp.Navigate(base+"/"+hash))
		waitFor("drawn "+hash, fmt.Sprintf(`document.body.dataset.view === %q`, hash))
	}
	login := func(name string) {
		t.Helper()
		do("log in as "+name, chromedp.Navigate(base+"/#/dang-nhap"), chromedp.WaitVisible(chromedp.CSS("#login")),
			chromedp.SendKeys(chromedp.CSS("#name"), name), chromedp.SendKeys(chromedp.CSS("#password"), "mat-khau-"+name),
			chromedp.Click(chromedp.CSS("#login button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("#nav:not([hidden])")),
			chromedp.WaitVisible(chromedp.CSS(`body[data-view]:not([data-view="#/dang-nhap"])`)))
	}
	wantText := func(where, within string, wants ...string) {
		t.Helper()
		for _, w := range wants {
			if !strings.Contains(within, w) {
				t.Errorf("%s does not say %q:\n%s", where, w, within)
			}
		}
	}
	panel := func() string {
		s, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`(document.querySelector("#handling") || {}).innerText || ""`))
		return s
	}
	errorOf := func(form string) string {
		s, _ := chromedp.Run(bctx, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector("#%s .error") || {}).textContent || ""`, form)))
		return s
	}
	// Two days ahead in Vietnam: soon due.
	due := time.Now().In(time.FixedZone("ICT", 7*3600)).AddDate(0, 0, 2).Format(time.DateOnly)
	dueVN := due[8:10] + "/" + due[5:7] + "/" + due[:4]
	const note = "Phòng Kinh tế chủ trì, tham mưu văn bản trả lời; Văn phòng phối hợp."

	// The leader: no direction yet, the form; a direction naming no one
	// is refused in Vietnamese and nothing is sent.
	login("lanhdao-tk")
	open(fmt.Sprint("#/van-ban/", id))
	waitFor("the direction form", `document.querySelector("#handling").dataset.status === "none" && !!document.querySelector("#direction #dir-send")`)
	wantText("the document view", panel(), "Chỉ đạo xử lý", "Đơn vị chủ trì", "Người chủ trì", "Đơn vị phối hợp", "Hạn xử lý", "Ý kiến chỉ đạo", "Giao xử lý")
	options, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#dir-unit option")].map(o => o.value + "=" + o.textContent).join("|")`))
	if !strings.Contains(options, "tk-kt=Phòng Kinh tế") || !strings.Contains(options, "tk-vp=Văn phòng HĐND và UBND") {
		t.Errorf("the main unit's choices: %s", options)
	}
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.querySelector("#dir-unit").value = ""; document.querySelector("#dir-user").value = ""; true`)); err != nil {
		t.Fatal(err)
	}
	do("direct to no one", chromedp.Click(chromedp.CSS("#dir-send")))
	waitFor("a main unit asked for", `document.querySelector("#direction .error").textContent !== ""`)
	if s := errorOf("direction"); s != "Hãy chọn đơn vị chủ trì hoặc nhập người chủ trì." {
		t.Errorf("directing to no one says %q", s)
	}
	if code, _ := handling(); code != http.StatusNotFound {
		t.Fatalf("directed to no one: the handling answers %d", code)
	}

	// Directed to the economic department, the office cooperating.
	// What the draft filled in is cleared first: the note and the cooperating units.
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.querySelector("#dir-note").value = "";
		document.querySelectorAll("#direction input[type=checkbox]:checked").forEach(i => i.checked = false); true`)); err != nil {
		t.Fatal(err)
	}
	do("fill the direction", chromedp.SetValue(chromedp.CSS("#dir-unit"), "tk-kt"),
		chromedp.SetValue(chromedp.CSS("#dir-deadline"), due), chromedp.SendKeys(chromedp.CSS("#dir-note"), note))
	do("pick the office", chromedp.Click(chromedp.CSS(`#dir-coop input[value="tk-vp"]`)))
	shot("xl-1-chi-dao")
	do("direct", chromedp.Click(chromedp.CSS("#dir-send")))
	waitFor("the direction shown", `document.querySelector("#handling").dataset.status === "assigned" && !!document.querySelector("#handling-steps")`)
	p := panel()
	wantText("the direction", p, "Đã giao", "Phòng Kinh tế", "Văn phòng HĐND và UBND", dueVN, note, "lanhdao-tk", "Quá trình xử lý", "Chỉ đạo, giao xử lý",
		"Cập nhật tiến độ", "Chuyển xử lý", "Hoàn thành")
	if strings.Contains(p, due) || strings.Contains(p, "tk-kt") {
		t.Errorf("the direction shows a code or an ISO date:\n%s", p)
	}
	shot("xl-2-da-giao")
	code, h := handling()
	if code != http.StatusOK || h.Handling.MainUnit != "tk-kt" || strings.Join(h.Handling.Cooperating, ",") != "tk-vp" || h.Handling.Deadline != due ||
		h.Handling.Note != note || h.Handling.Status != "assigned" || h.Handling.DirectedBy != "lanhdao-tk" {
		t.Fatalf("the handling after the direction: %d %+v", code, h)
	}

	// The department's officer: the document in "Việc của tôi", soon due.
	do("log out", chromedp.Click(chromedp.CSS("#logout")))
	login("cv-kt")
	menu, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#nav a")].filter(a => !a.hidden).map(a => a.textContent + "=" + a.getAttribute("href")).join(" ")`))
	if !strings.Contains(menu, "Việc của tôi=#/viec-cua-toi") {
		t.Errorf("the officer's menu: %s", menu)
	}
	open("#/viec-cua-toi")
	row := fmt.Sprintf(`#my-work tr[data-document="%d"]`, id)
	waitFor("the work listed", fmt.Sprintf(`!!document.querySelector(%q)`, row))
	rowText, _ := chromedp.Run(bctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).innerText`, row)))
	wantText("the work's row", rowText, doc.Record.Subject, dueVN, "Sắp đến hạn", "Phòng Kinh tế", "Đã giao")
	if n, _ := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll("#my-work tbody tr").length`)); n != 1 {
		t.Errorf("%d rows of work, want 1:\n%s", n, text())
	}
	shot("xl-3-viec-cua-toi")
	// On a phone: nothing scrolls sideways.
	do("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	open("#/viec-cua-toi")
	waitFor("the work on a phone", fmt.Sprintf(`!!document.querySelector(%q)`, row))
	wide, _ := chromedp.Run(bctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	shot("xl-4-dien-thoai")
	if wide > 391 {
		t.Errorf("Việc của tôi is %d px wide on a 390 px phone", wide)
	}
	open(fmt.Sprint("#/van-ban/", id))
	waitFor("the handling on a phone", `document.querySelector("#handling").dataset.status === "assigned"`)
	// The panel and its forms fit the phone (the page image below is the
	// document view's own).
	right, _ := chromedp.Run(bctx, chromedp.Evaluate[float64](`Math.max(...[...document.querySelectorAll("#handling, #handling *")].map(e => e.getBoundingClientRect().right))`))
	pageWide, _ := chromedp.Run(bctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	t.Logf("document view on a phone: %d px wide, the panel's right edge at %.0f px", pageWide, right)
	shot("xl-4b-dien-thoai-van-ban")
	if right > 390 {
		t.Errorf("the handling panel reaches %.0f px on a 390 px phone", right)
	}
	// Back to the list, then to a desktop's window.
	open("#/viec-cua-toi")
	do("desktop", chromedp.EmulateViewport(1280, 1000))

	// Opened from the list: progress noted, then finished with a result.
	waitFor("the work listed", fmt.Sprintf(`!!document.querySelector(%q)`, row))
	do("open the work", chromedp.Click(chromedp.CSS(row+" a")))
	waitFor("the document opened", fmt.Sprintf(`document.body.dataset.view === "#/van-ban/%d" && document.querySelector("#handling").dataset.status === "assigned"`, id))
	if ok, _ := chromedp.Run(bctx, chromedp.Evaluate[bool](`!document.querySelector("#direction") && !!document.querySelector("#hs-progress") && !!document.querySelector("#hs-finish")`)); !ok {
		t.Errorf("the officer's actions:\n%s", panel())
	}
	const progress = "Đã làm việc với các hộ dân, đang dự thảo văn bản trả lời."
	do("note progress", chromedp.SendKeys(chromedp.CSS("#hs-progress-note"), progress), chromedp.Click(chromedp.CSS("#hs-progress-send")))
	waitFor("in progress", `document.querySelector("#handling").dataset.status === "in_progress"`)
	wantText("the handling in progress", panel(), "Đang xử lý", "Cập nhật tiến độ", progress, "cv-kt")
	do("finish without a result", chromedp.Click(chromedp.CSS("#hs-finish-send")))
	waitFor("a result asked for", `document.querySelector("#hs-finish .error").textContent !== ""`)
	if s := errorOf("hs-finish"); s != "Hoàn thành cần ghi kết quả xử lý hoặc mã văn bản trả lời." {
		t.Errorf("finishing without a result says %q", s)
	}
	if _, h := handling(); h.Handling.Status != "in_progress" {
		t.Fatalf("finished without a result: %+v", h.Handling)
	}
	const result = "Đã trả lời các hộ dân bằng văn bản; đề nghị lưu hồ sơ."
	do("finish", chromedp.SendKeys(chromedp.CSS("#hs-finish-note"), result), chromedp.Click(chromedp.CSS("#hs-finish-send")))
	waitFor("done", `document.querySelector("#handling").dataset.status === "done"`)
	p = panel()
	wantText("the finished handling", p, "Đã hoàn thành", result, "Văn bản đã xử lý xong; không còn thao tác nào.")
	if strings.Contains(p, "Chuyển xử lý") {
		t.Errorf("a finished handling still offers to forward it:\n%s", p)
	}
	steps, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#handling-steps li")].map(li => li.dataset.action).join(",")`))
	if steps != "directed,progress,finished" {
		t.Errorf("the history shown: %s", steps)
	}
	shot("xl-5-hoan-thanh")

	code, h = handling()
	var actions []string
	for _, s := range h.Steps {
		actions = append(actions, s.Action)
	}
	if code != http.StatusOK || h.Handling.Status != "done" || h.Handling.Result != result || strings.Join(actions, ",") != "directed,progress,finished" {
		t.Errorf("the handling at the end: %d %+v", code, h)
	}
	if len(h.Steps) == 3 && (h.Steps[1].User != "cv-kt" || h.Steps[1].Detail != progress || h.Steps[2].User != "cv-kt") {
		t.Errorf("the steps: %+v", h.Steps)
	}

	// Nothing left to do.
	open("#/viec-cua-toi")
	wantText("Việc của tôi at the end", text(), "Không có việc nào đang chờ.")
}

// handlingResponseT is GET /api/v1/documents/{id}/handling as the test reads it.
type handlingResponseT struct {
	Handling struct {
		MainUnit    string   `json:"main_unit"`
		MainUser    string   `json:"main_user"`
		Cooperating []string `json:"cooperating"`
		Deadline    string   `json:"deadline"`
		Note        string   `json:"note"`
		Status      string   `json:"status"`
		Result      string   `json:"result"`
		DirectedBy  string   `json:"directed_by"`
	} `json:"handling"`
	Steps []struct {
		User   string `json:"user"`
		Action string `json:"action"`
		Detail string `json:"detail"`
	} `json:"steps"`
}
