package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vanthu/vanthu/internal/objstore/local"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/records/recordstest"
	"github.com/vanthu/vanthu/internal/testenv"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// The reporting system in headless Chromium. Ba Tơ district's report
// on the first quarter's budget reached the finance department on the
// 20th of March, before the regime existed; the department's admin
// declares the regime through the form (an impossible due day refused
// first, in Vietnamese) with Ba Tơ and Minh Long reporting, and the report
// already there is matched to it. The clerk finds the regime in the
// list, picks the quarter: Ba Tơ on time with its report, Minh Long not
// reported and named as missing, the figures read, summed and written
// the Vietnamese way; the clerk puts a figure right in place, and the
// API has it. Nothing scrolls sideways on a phone.
func TestWebReports(t *testing.T) {
	testenv.Need(t, "chromium")
	t.Setenv("VANTHU_MINIO_URL", "")
	t.Setenv("VANTHU_DB_URL", "")
	ctx := context.Background()
	data := t.TempDir()
	vn := time.FixedZone("ICT", 7*3600)
	year := time.Now().In(vn).Year() - 1 // last year's: the regime finds it
	q1 := fmt.Sprint(year, "-Q1")

	const dirCSV = "code,identifier,name,parent,kind\n" +
		"so-tc,,SỞ TÀI CHÍNH THỬ NGHIỆM,,agency\n" +
		"ubnd-bt,,UBND HUYỆN BA TƠ,,agency\n" +
		"ubnd-ml,,UBND HUYỆN MINH LONG,,agency\n"
	st := seedWeb(t, data, dirCSV, []records.User{
		{Name: "qt-stc", Role: records.RoleAdmin, Agency: "so-tc"},
		{Name: "vt-stc", Role: records.RoleClerk, Agency: "so-tc", Clearance: "TUYỆT MẬT"},
		{Name: "vt-bt", Role: records.RoleClerk, Agency: "ubnd-bt"},
		{Name: "ld-tp", Role: records.RoleLeader, Agency: "so-tc"},
	})
	if err := st.SetReach(ctx, records.Operator, "ld-tp", []string{"ubnd-bt", "ubnd-ml"}); err != nil {
		t.Fatal(err)
	}
	// Ba Tơ's report, as the pipeline records a báo cáo: its file in the
	// object store, its record with the figures read.
	objects, err := local.New(filepath.Join(data, "objects"))
	if err != nil {
		t.Fatal(err)
	}
	pdf := bornDigital(t, 1, 15)[0]
	info, err := objects.Put(ctx, "uploads", "bao-cao/bc-ba-to.pdf", bytes.NewReader(pdf), int64(len(pdf)), map[string]string{"agency": "so-tc"})
	if err != nil {
		t.Fatal(err)
	}
	rec := recordstest.Rec("BC", "12", "BC-UBND", "UBND HUYỆN BA TƠ", fmt.Sprintf("Báo cáo tình hình thu chi ngân sách quý I năm %d", year))
	rec.IssuedAt = fmt.Sprintf("%d-03-18", year)
	rec.Figures = []doc.Figure{
		{Label: "Tổng thu ngân sách", Value: 1234567890, Text: "1.234.567.890 đồng", Unit: "đồng", Confidence: 0.95, Evidence: doc.Evidence{Page: 1, Box: [4]int{10, 20, 30, 40}}},
		{Label: "Tổng chi ngân sách", Value: 987654321, Text: "987.654.321 đồng", Unit: "đồng", Confidence: 0.4, Evidence: doc.Evidence{Page: 1, Box: [4]int{10, 60, 30, 40}}},
	}
	r, err := st.Record(ctx, records.Upload{Agency: "so-tc", Bucket: "uploads", Key: "bao-cao/bc-ba-to.pdf", ETag: info.ETag, File: "bc-ba-to.pdf",
		At: time.Date(year, 3, 20, 8, 0, 0, 0, vn)}, rec)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.ResolveNames(ctx, r.Document); err != nil {
		t.Fatal(err)
	}
	st.Close()
	clerkAPI := &client{t: t, base: "", token: webToken(t, data, "vt-stc")}

	base, serr := startServe(t, data)
	clerkAPI.base = base
	w := newWebSession(t, base, serr)

	// The admin declares the regime: an impossible due day first.
	const name = "Báo cáo thu chi ngân sách"
	w.login("qt-stc")
	w.wantMenu("Báo cáo=#/bao-cao")
	w.open("#/bao-cao")
	w.waitFor("the regime form", `!!document.querySelector("#regime-form #rg-send")`)
	w.wantText("the empty list", w.text(), "Cơ quan chưa khai báo chế độ báo cáo nào.", "Khai báo chế độ báo cáo", "Nhập chế độ báo cáo từ tệp CSV")
	w.do("fill the regime", chromedp.SendKeys(chromedp.CSS("#rg-name"), name), chromedp.SetValue(chromedp.CSS("#rg-period"), "quarter"),
		chromedp.SendKeys(chromedp.CSS("#rg-due"), "45"), chromedp.SendKeys(chromedp.CSS("#rg-indicators"), "Tổng thu ngân sách\nTổng chi ngân sách"),
		chromedp.Click(chromedp.CSS(`#rg-reporters input[value="ubnd-bt"]`)), chromedp.Click(chromedp.CSS(`#rg-reporters input[value="ubnd-ml"]`)))
	w.shot("bc-1-khai-bao")
	w.do("declare with day 45", chromedp.Click(chromedp.CSS("#rg-send")))
	w.waitFor("the due day refused", `document.querySelector("#regime-form .error").textContent !== ""`)
	if s := w.eval(`document.querySelector("#regime-form .error").textContent`); s != "Hạn báo cáo không hợp lệ: ngày trong tháng là từ 1 đến 31." {
		t.Errorf("a due day of 45 says %q", s)
	}
	w.do("due on the 25th", chromedp.SetValue(chromedp.CSS("#rg-due"), "25"), chromedp.Click(chromedp.CSS("#rg-send")))
	w.waitFor("the regime's screen", `/^#\/bao-cao\/\d+$/.test(location.hash) && document.body.dataset.view === location.hash`)
	id := strings.TrimPrefix(w.eval(`location.hash`), "#/bao-cao/")
	code, b, _ := clerkAPI.call("GET", "/api/v1/report-regimes/"+id, nil, "")
	var reg struct {
		Name, Period, Due string
		Reporters         []string
	}
	json.Unmarshal(b, &reg)
	if code != http.StatusOK || reg.Name != name || reg.Period != "quarter" || reg.Due != "25" || strings.Join(reg.Reporters, ",") != "ubnd-bt,ubnd-ml" {
		t.Fatalf("the regime declared: %d %s", code, b)
	}

	// The clerk: the list with this quarter's counts, then the first quarter.
	w.do("log out", chromedp.Click(chromedp.CSS("#logout")))
	w.login("vt-stc")
	w.open("#/bao-cao")
	row := fmt.Sprintf(`#regimes tr[data-regime="%s"]`, id)
	w.waitFor("the regime listed", fmt.Sprintf(`!!document.querySelector(%q)`, row))
	w.wantText("the regime's row", w.eval(fmt.Sprintf(`document.querySelector(%q).innerText`, row)), name, "Quý", "Ngày 25 tháng cuối kỳ")
	if w.eval(`String(!!document.querySelector("#regime-form"))`) != "false" {
		t.Error("a clerk is offered the admin's form")
	}
	w.shot("bc-2-danh-sach")
	w.do("open the regime", chromedp.Click(chromedp.CSS(row+" a")))
	w.waitFor("the regime opened", fmt.Sprintf(`document.body.dataset.view === "#/bao-cao/%s"`, id))
	picker := w.eval(`[...document.querySelectorAll("#ky option")].map(o => o.value + "=" + o.textContent).join("|")`)
	w.wantText("the period picker", picker, fmt.Sprintf("%s=Quý I/%d", q1, year))
	w.do("pick the first quarter", chromedp.SetValue(chromedp.CSS("#ky"), q1))
	w.eval(`document.querySelector("#ky").dispatchEvent(new Event("change")), ""`)
	w.waitFor("the first quarter", fmt.Sprintf(`document.body.dataset.view === "#/bao-cao/%s?ky=%s"`, id, q1))
	statusOf := func(code string) string {
		return w.eval(fmt.Sprintf(`(document.querySelector('#reporters tr[data-reporter=%q]') || {dataset: {}}).dataset.status || ""`, code))
	}
	if a, b := statusOf("ubnd-bt"), statusOf("ubnd-ml"); a != "on_time" || b != "missing" {
		t.Errorf("Ba Tơ is %q and Minh Long %q, want on_time and missing:\n%s\nserve:\n%s", a, b, w.text(), serr.String())
	}
	rowText := func(table, code string) string {
		return w.eval(fmt.Sprintf(`(document.querySelector('#%s tr[data-reporter=%q]') || {}).innerText || ""`, table, code))
	}
	w.wantText("Ba Tơ's line", rowText("reporters", "ubnd-bt"), "UBND HUYỆN BA TƠ", "Đúng hạn", "12/BC-UBND", "Mở tệp", fmt.Sprintf("20/03/%d", year))
	w.wantText("Minh Long's line", rowText("reporters", "ubnd-ml"), "UBND HUYỆN MINH LONG", "Chưa báo cáo")
	w.wantText("the period", w.eval(`document.querySelector("#period-head").innerText`), fmt.Sprintf("Quý I/%d", year), fmt.Sprintf("hạn 25/03/%d", year),
		"1 đúng hạn", "1 chưa báo cáo")
	// The report's file opens.
	href := w.eval(`document.querySelector('#reporters tr[data-reporter="ubnd-bt"] a.file').getAttribute("href")`)
	if code, body, _ := clerkAPI.call("GET", href, nil, ""); code != http.StatusOK || !bytes.Equal(body, pdf) {
		t.Errorf("the report's file %s: %d, %d bytes", href, code, len(body))
	}
	// The figures: read, unsure marked, summed, Minh Long missing.
	w.wantText("Ba Tơ's figures", rowText("figures", "ubnd-bt"), "1.234.567.890", "987.654.321")
	if n := w.eval(`String(document.querySelectorAll('#figures tr[data-reporter="ubnd-bt"] td.unsure').length)`); n != "1" {
		t.Errorf("%s unsure figures marked, want 1 (Tổng chi)", n)
	}
	w.wantText("the totals", w.eval(`document.querySelector("#figures tfoot").innerText`), "Tổng cộng", "1/2 đơn vị", "1.234.567.890")
	w.wantText("who is missing", w.eval(`document.querySelector("#missing").innerText`), "Chưa báo cáo", "UBND HUYỆN MINH LONG")
	if x := w.eval(`document.querySelector("#xlsx").getAttribute("href")`); !strings.Contains(x, "format=xlsx") || !strings.Contains(x, "period="+q1) {
		t.Errorf("the Excel link: %s", x)
	}
	w.shot("bc-3-tinh-hinh")

	// The clerk puts the doubted figure right, the Vietnamese way.
	w.do("edit Tổng chi", chromedp.Click(chromedp.CSS(`#figures tr[data-reporter="ubnd-bt"] td[data-indicator="Tổng chi ngân sách"] .fig-edit`)))
	w.waitFor("the figure's input", `!!document.querySelector("#figures .fig-input")`)
	w.do("type the figure", chromedp.SetValue(chromedp.CSS("#figures .fig-input"), "987.654.321,5"), chromedp.Click(chromedp.CSS("#figures .fig-save")))
	w.waitFor("the figure saved", `!document.querySelector("#figures .fig-input") && document.body.dataset.view === location.hash &&
		document.querySelector('#figures tr[data-reporter="ubnd-bt"] td[data-indicator="Tổng chi ngân sách"]').innerText.includes("987.654.321,5")`)
	if n := w.eval(`String(document.querySelectorAll('#figures td.unsure').length)`); n != "0" {
		t.Errorf("a figure put right is still marked unsure (%s)", n)
	}
	code, b, _ = clerkAPI.call("GET", "/api/v1/report-regimes/"+id+"/figures?period="+q1, nil, "")
	var fig struct{ Totals []float64 }
	json.Unmarshal(b, &fig)
	if code != http.StatusOK || len(fig.Totals) != 2 || fig.Totals[0] != 1234567890 || fig.Totals[1] != 987654321.5 {
		t.Errorf("the figures after the correction: %d %s", code, b)
	}

	// The dashboard names the regime and who is missing.
	w.open("#/tong-quan")
	w.waitFor("the dashboard's regimes", fmt.Sprintf(`!!document.querySelector('#dash-regimes tr[data-regime="%s"]')`, id))
	if txt := w.eval(`document.querySelector("#dash-regimes").textContent`); !strings.Contains(txt, "MINH LONG") {
		t.Errorf("the dashboard does not name the reporter missing: %q", txt)
	}

	// On a phone.
	w.phone()
	w.open("#/bao-cao/" + id + "?ky=" + q1)
	w.noSideways("the regime's status")
	w.shot("bc-4-dien-thoai-tinh-hinh")
	w.open("#/bao-cao")
	w.noSideways("the regimes")
	w.shot("bc-5-dien-thoai-danh-sach")
	w.desktop()

	// The city's leader: every agency of their reach, one row each.
	w.do("log out", chromedp.Click(chromedp.CSS("#logout")))
	w.login("ld-tp")
	w.open(fmt.Sprintf("#/toan-thanh-pho?tu=%d-01-01&den=%d-12-31", year, year))
	if n := w.eval(`String(document.querySelectorAll("#city tbody tr").length)`); n != "3" {
		t.Errorf("the city view lists %s agencies, want 3:\n%s", n, w.text())
	}
	if in := w.eval(`document.querySelector('#city tr[data-agency="so-tc"] td:nth-child(2)').textContent`); in == "" || in == "0" {
		t.Errorf("the Sở's documents in: %q", in)
	}
	w.shot("bc-7-toan-thanh-pho")
	w.login("vt-stc")
	if hidden := w.eval(`String(document.querySelector('#nav a[href="#/toan-thanh-pho"]').hidden)`); hidden != "true" {
		t.Errorf("the city view offered to a clerk without reach")
	}

	// Ba Tơ's clerk: the regime it reports under, its own part only.
	w.do("log out", chromedp.Click(chromedp.CSS("#logout")))
	w.login("vt-bt")
	w.open("#/bao-cao")
	w.waitFor("the regime reported under", fmt.Sprintf(`!!document.querySelector('#my-regimes tr[data-regime="%s"]')`, id))
	w.wantText("the reporter's list", w.text(), "Báo cáo cơ quan phải gửi", name, "SỞ TÀI CHÍNH THỬ NGHIỆM")
	if strings.Contains(w.text(), "MINH LONG") {
		t.Errorf("a reporter sees who else reports:\n%s", w.text())
	}
	w.shot("bc-6-don-vi-bao-cao")
}
