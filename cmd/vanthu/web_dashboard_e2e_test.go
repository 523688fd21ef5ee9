package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/records/recordstest"
	"github.com/vanthu/vanthu/internal/testenv"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// The leader's dashboard and the summary in headless Chromium. The
// province's people's committee received, last month, two công văn from
// Ba Tơ and a quyết định of the province (its issuer typed in Title Case,
// "Uỷ" the old way) giving the finance department a task due "trước
// ngày …", now past; the month before, one công văn. The dashboard's
// months read "T03/2026", its labels are readable, and every number
// opens what it counts: a month the register filtered to that month, a
// type to that type, an issuer to that issuer, the overdue tasks their
// list with the documents. A range with nothing says so; the range is
// picked in dd/mm/yyyy and kept in the address. The month's summary has
// headings and short lists, the names written as a sentence writes them,
// one "Ủy", the deadline said once, the agency's name on the screen and
// in the PDF. On a phone nothing scrolls sideways.
func TestWebDashboard(t *testing.T) {
	testenv.Need(t, "chromium")
	t.Setenv("VANTHU_MINIO_URL", "")
	t.Setenv("VANTHU_DB_URL", "")
	ctx := context.Background()
	data := t.TempDir()
	vn := time.FixedZone("ICT", 7*3600)
	now := time.Now().In(vn)
	first := time.Date(now.Year(), now.Month(), 1, 9, 0, 0, 0, vn)
	last := first.AddDate(0, -1, 0)   // last month
	before := first.AddDate(0, -2, 0) // the month before
	ym := last.Format("2006-01")      // "2026-03"
	monthLabel := "T" + ym[5:] + "/" + ym[:4]
	lastEnd := first.AddDate(0, 0, -1) // last month's last day
	due := last.AddDate(0, 0, 9)       // the task's day, past

	const dirCSV = "code,identifier,name,parent,kind\n" +
		"so-tc,,SỞ TÀI CHÍNH TỈNH QUẢNG NGÃI,,agency\n"
	st := seedWeb(t, data, dirCSV, []records.User{
		{Name: "ld-stc", Role: records.RoleLeader, Agency: "so-tc"},
		{Name: "vt-stc", Role: records.RoleClerk, Agency: "so-tc"},
	})
	vnDay := func(d time.Time) string { return d.Format("02/01/2006") }
	task := "Báo cáo kết quả thực hiện trước ngày " + vnDay(due)
	put := func(key string, at time.Time, rec doc.Record) int64 {
		r, err := st.Record(ctx, records.Upload{Agency: "so-tc", Bucket: "uploads", Key: key, ETag: "e-" + key, File: key + ".pdf", At: at}, rec)
		if err != nil {
			t.Fatal(err)
		}
		return r.Document.ID
	}
	cv1 := recordstest.Rec("CV", "11", "UBND-VP", "UBND HUYỆN BA TƠ", "V/v kiểm tra công tác phòng chống thiên tai")
	cv2 := recordstest.Rec("CV", "12", "UBND-VP", "UBND HUYỆN BA TƠ", "V/v tổng hợp số liệu dân số")
	qd := recordstest.Rec("QĐ", "345", "QĐ-UBND", "Uỷ Ban Nhân Dân Tỉnh Quảng Ngãi", "Về việc phê duyệt kế hoạch chuyển đổi số")
	qd.IssuedAt = last.Format(time.DateOnly)
	qd.Tasks = []doc.Task{{Assignee: "SỞ TÀI CHÍNH", Task: task, Due: due.Format(time.DateOnly)}}
	cv3 := recordstest.Rec("CV", "7", "UBND", "UBND HUYỆN MINH LONG", "V/v báo cáo tình hình giải ngân")
	put("cv-11", last.AddDate(0, 0, 2), cv1)
	put("cv-12", last.AddDate(0, 0, 3), cv2)
	qdID := put("qd-345", last.AddDate(0, 0, 4), qd)
	put("cv-7", before.AddDate(0, 0, 5), cv3)
	st.Close()

	base, serr := startServe(t, data)
	leaderAPI := &client{t: t, base: base, token: webToken(t, data, "ld-stc")}
	w := newWebSession(t, base, serr)
	// click waits for what it clicks first: a missing element fails, not hangs.
	click := func(what, sel string) {
		t.Helper()
		w.waitFor(what+": "+sel, fmt.Sprintf(`!!document.querySelector(%q)`, sel))
		w.do(what, chromedp.Click(chromedp.CSS(sel)))
	}
	w.login("ld-stc")
	w.open("#/tong-quan")

	// Months as "T03/2026", every one of the range, the numbers links.
	labels := w.eval(`[...document.querySelectorAll("#dash-in-month .dash-label")].map(e => e.textContent).join("|")`)
	if !strings.Contains(labels, monthLabel) || regexp.MustCompile(`(^|\|)\d\d-\d\d($|\|)`).MatchString(labels) || strings.Count(labels, "|") < 11 {
		t.Errorf("the months read %q, want every month of twelve as %s", labels, monthLabel)
	}
	readable := func(where string) {
		t.Helper()
		// The smallest label's rendered height, in CSS pixels, not a viewBox's.
		s := w.eval(`String(Math.min(...[...document.querySelectorAll(".dash-label, .dash-n")].map(e => parseFloat(getComputedStyle(e).fontSize) * (e.getBoundingClientRect().height > 0 ? 1 : 0))))`)
		if px, _ := strconv.ParseFloat(s, 64); px < 13 {
			t.Errorf("%s: the dashboard's smallest label is %s px", where, s)
		}
		if n := w.eval(`String(document.querySelectorAll("#main svg text").length)`); n != "0" {
			t.Errorf("%s: %s chart labels drawn in an SVG that shrinks with the screen", where, n)
		}
	}
	readable("desktop")
	w.wantText("the cards", w.eval(`document.querySelector("#in-total").textContent + " " + document.querySelector("#in-total").tagName`), "4 A")
	if h := w.eval(`document.querySelector("#review-total").getAttribute("href")`); h != "#/duyet" {
		t.Errorf("waiting review opens %q", h)
	}
	w.shot("tq-1-tong-quan")

	// A month → the register of that month.
	click("open last month", fmt.Sprintf(`#dash-in-month li[data-label=%q] a`, ym))
	wantHash := fmt.Sprintf("#/so-den?from=%s&to=%s", last.Format(time.DateOnly), lastEnd.Format(time.DateOnly))
	w.waitFor("the month's register", fmt.Sprintf(`document.body.dataset.view === %q`, wantHash))
	w.wantText("the month's register", w.text(), "phòng chống thiên tai", "dân số", "chuyển đổi số")
	if strings.Contains(w.text(), "giải ngân") {
		t.Errorf("the register of %s shows the month before's công văn", monthLabel)
	}
	// A type → the register of that type.
	w.open("#/tong-quan")
	click("open the decisions", `#dash-in-type li[data-label="QĐ"] a`)
	w.waitFor("the decisions' register", `location.hash.startsWith("#/so-den?") && new URLSearchParams(location.hash.split("?")[1]).get("type") === "QĐ" && document.body.dataset.view === location.hash`)
	w.wantText("the decisions' register", w.text(), "chuyển đổi số")
	if strings.Contains(w.text(), "thiên tai") {
		t.Error("the register of decisions shows a công văn")
	}
	// An issuer → the register of that issuer.
	w.open("#/tong-quan")
	w.wantText("the issuers", w.eval(`document.querySelector("#dash-in-type").innerText`), "Công văn", "Quyết định")
	click("open Ba Tơ", `#dash-in-issuer li[data-label="UBND HUYỆN BA TƠ"] a`)
	w.waitFor("Ba Tơ's register", `new URLSearchParams(location.hash.split("?")[1] || "").get("issuer") === "UBND HUYỆN BA TƠ" && document.body.dataset.view === location.hash`)
	w.wantText("Ba Tơ's register", w.text(), "thiên tai", "dân số")
	if strings.Contains(w.text(), "chuyển đổi số") || strings.Contains(w.text(), "giải ngân") {
		t.Error("Ba Tơ's register shows another's documents")
	}
	// The overdue tasks → their list, each opening its document.
	w.open("#/tong-quan")
	click("the overdue tasks", `#dash-tasks tr[data-unit="SỞ TÀI CHÍNH"] button.overdue`)
	w.waitFor("the overdue list", `!!document.querySelector("#dash-task-list li")`)
	w.wantText("the overdue list", w.eval(`document.querySelector("#dash-task-list").innerText`), "SỞ TÀI CHÍNH", task, "Mở văn bản")
	if h := w.eval(`document.querySelector("#dash-task-list li a").getAttribute("href")`); h != fmt.Sprintf("#/van-ban/%d", qdID) {
		t.Errorf("the overdue task opens %q, want the decision %d", h, qdID)
	}
	w.shot("tq-2-viec-qua-han")

	// The range, typed dd/mm/yyyy, kept in the address.
	w.do("pick last month", chromedp.SetValue(chromedp.CSS("#dash-from"), vnDay(last)), chromedp.SetValue(chromedp.CSS("#dash-to"), vnDay(lastEnd)),
		chromedp.Click(chromedp.CSS("#dash-range button[type=submit]")))
	rangeHash := fmt.Sprintf("#/tong-quan?tu=%s&den=%s", last.Format(time.DateOnly), lastEnd.Format(time.DateOnly))
	w.waitFor("the range in the address", fmt.Sprintf(`document.body.dataset.view === %q`, rangeHash))
	w.open(rangeHash) // a reload: the same range
	w.wantText("the range", w.eval(`document.querySelector("#dash-span").textContent`), "Từ ngày "+vnDay(last)+" đến ngày "+vnDay(lastEnd))
	if s := w.eval(`document.querySelector("#in-total").textContent + "/" + document.querySelectorAll("#dash-in-month li").length`); s != "3/1" {
		t.Errorf("last month alone counts %s (documents/months), want 3/1", s)
	}
	w.do("a day that is not one", chromedp.SetValue(chromedp.CSS("#dash-from"), "31/02/2025"), chromedp.Click(chromedp.CSS("#dash-range button[type=submit]")))
	w.waitFor("the day refused", `document.querySelector("#dash-error").textContent.includes("dd/mm/yyyy")`)

	// Nothing in the range: said, not a blank chart.
	w.open("#/tong-quan?tu=2010-01-01&den=2010-03-31")
	for _, id := range []string{"dash-in-month", "dash-out-month", "dash-in-type", "dash-in-issuer"} {
		if s := w.eval(fmt.Sprintf(`document.querySelector("#%s").innerText`, id)); !strings.Contains(s, "Chưa có văn bản trong khoảng này") ||
			w.eval(fmt.Sprintf(`String(!!document.querySelector("#%s .dash-bars"))`, id)) != "false" {
			t.Errorf("an empty range's %s: %q", id, s)
		}
	}
	w.shot("tq-3-khong-co-van-ban")

	// The summary of last month: headings, short lists, names as written in a sentence.
	sumHash := "#/tom-tat?ky=month&ngay=" + last.AddDate(0, 0, 14).Format(time.DateOnly)
	w.open(sumHash)
	heads := w.eval(`[...document.querySelectorAll("#summary h2")].map(h => h.textContent).join("|")`)
	w.wantText("the summary's headings", heads, "Văn bản đến và đi", "Quyết định", "Nhiệm vụ và hạn", "Quá hạn")
	sum := w.eval(`document.querySelector("#summary").innerText`)
	w.wantText("the summary", sum, "tiếp nhận 3 văn bản đến", "Quyết định số 345/QĐ-UBND", "của Ủy ban nhân dân tỉnh Quảng Ngãi về việc phê duyệt",
		"Sở Tài chính: "+task)
	for _, bad := range []string{"Uỷ", "Ban Nhân Dân", "(hạn " + vnDay(due) + ")", "Tỉnh Quảng"} {
		if strings.Contains(sum, bad) {
			t.Errorf("the summary says %q:\n%s", bad, sum)
		}
	}
	if n := w.eval(`String(document.querySelectorAll("#summary li").length)`); n == "0" {
		t.Error("the summary has no lists")
	}
	w.wantText("the summary's head", w.eval(`document.querySelector("#sum-head").textContent`), "SỞ TÀI CHÍNH TỈNH QUẢNG NGÃI", "Từ ngày "+vnDay(last))
	if v := w.eval(`document.querySelector("#period").value + " " + document.querySelector("#date").value`); v != "month "+vnDay(last.AddDate(0, 0, 14)) {
		t.Errorf("the summary's form says %q", v)
	}
	w.shot("tt-1-tom-tat")
	// The PDF: the agency's name, not its code.
	href := w.eval(`document.querySelector("#sum-pdf").getAttribute("href")`)
	code, pdf, _ := leaderAPI.call("GET", href, nil, "")
	if code != http.StatusOK || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("the summary's PDF %s: %d", href, code)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		f := filepath.Join(t.TempDir(), "tom-tat.pdf")
		os.WriteFile(f, pdf, 0o644)
		out, _ := exec.Command("pdftotext", f, "-").Output()
		text := strings.Join(strings.Fields(string(out)), " ")
		w.wantText("the PDF", text, "SỞ TÀI CHÍNH TỈNH QUẢNG NGÃI", "Nhiệm vụ và hạn", "Ủy ban nhân dân tỉnh Quảng Ngãi")
		if strings.Contains(text, "so-tc") {
			t.Errorf("the PDF names the agency by its code:\n%s", text)
		}
	}

	// On a phone.
	w.phone()
	w.open("#/tong-quan")
	readable("phone")
	w.noSideways("the dashboard")
	w.shot("tq-4-dien-thoai")
	w.open(sumHash)
	w.noSideways("the summary")
	w.shot("tt-2-dien-thoai")
	w.desktop()
}
