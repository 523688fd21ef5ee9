package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/vanthu/vanthu/internal/domain"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/records/recordstest"
	"github.com/vanthu/vanthu/internal/testenv"
)

// The registers and the search in headless Chromium. Sơn Tịnh district
// received three documents last March and sent one; the second one
// received was raised to MẬT after it was numbered. The staff member, not
// cleared, finds the incoming register with arrival number 2 explained,
// not a silent gap; filters and sorting live in the address (Back
// returns); printed, the register is the Decree 30 form without the menu;
// the outgoing register has its own screen and menu entry. The search
// keeps its query in the address (Back from a hit returns to the
// results), its snippets say "…" once, its facets are grouped, it sorts by
// date and filters by urgency, and a search is saved, opened, deleted and
// its link copied. The same at 390 px, nothing scrolling sideways.
func TestWebRegisters(t *testing.T) {
	testenv.Need(t, "chromium")
	t.Setenv("VANTHU_MINIO_URL", "")
	t.Setenv("VANTHU_DB_URL", "")
	t.Setenv("VANTHU_ES_URL", "")
	ctx := context.Background()
	data := t.TempDir()
	vn := time.FixedZone("ICT", 7*3600)
	year := time.Now().In(vn).Year() - 1
	Y := fmt.Sprint(year)

	st, err := records.OpenSQLite(ctx, filepath.Join(data, "vanthu.db"))
	if err != nil {
		t.Fatal(err)
	}
	const dirCSV = "code,identifier,name,parent,kind\nubnd-st,,UBND HUYỆN SƠN TỊNH,,agency\n"
	if _, err := st.ImportDirectory(ctx, records.Operator, strings.NewReader(dirCSV)); err != nil {
		t.Fatal(err)
	}
	var clerk records.User
	for _, u := range []records.User{
		{Name: "vt-st", Role: records.RoleClerk, Agency: "ubnd-st", Clearance: "TUYỆT MẬT"},
		{Name: "cv-st", Role: records.RoleStaff, Agency: "ubnd-st"},
	} {
		made, err := st.CreateUser(ctx, u, "mat-khau-"+u.Name)
		if err != nil {
			t.Fatal(err)
		}
		if u.Role == records.RoleClerk {
			clerk = made
		}
	}
	// Long texts: the snippets are cut, and say so with "…".
	long := func(topic string) string {
		return strings.Repeat("Căn cứ Luật Tổ chức chính quyền địa phương và các văn bản hướng dẫn thi hành có liên quan. ", 3) +
			topic + " trên địa bàn huyện trong năm " + Y + ". " + strings.Repeat("Giao các phòng, ban chuyên môn phối hợp thực hiện nghiêm túc. ", 3)
	}
	idx, err := openIndexer(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for i, d := range []struct{ key, typ, num, sym, issuer, subject, urgency string }{
		{"cv-12", "CV", "12", "UBND-KT", "UBND TỈNH QUẢNG NGÃI", "V/v triển khai kế hoạch chuyển đổi số", "KHẨN"},
		{"tb-46", "TB", "46", "TB-UBND", "UBND TỈNH QUẢNG NGÃI", "Thông báo kết luận về chuyển đổi số của Chủ tịch UBND tỉnh", ""},
		{"qd-101", "QĐ", "101", "QĐ-UBND", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Quyết định thành lập tổ công tác chuyển đổi số", "THƯỢNG KHẨN"},
		{"cv-88", "CV", "88", "UBND-VP", "UBND HUYỆN SƠN TỊNH", "V/v báo cáo tiến độ chuyển đổi số", ""}, // sent: the outgoing register
	} {
		rec := recordstest.Rec(d.typ, d.num, d.sym, d.issuer, d.subject)
		rec.IssuedAt = fmt.Sprintf("%d-03-%02d", year, 1+i)
		rec.Urgency, rec.Text = d.urgency, long("Đẩy mạnh chuyển đổi số")
		if d.key == "cv-88" {
			rec.Recipients = []string{"Sở Thông tin và Truyền thông", "UBND tỉnh Quảng Ngãi"}
		}
		r, err := st.Record(ctx, records.Upload{Agency: "ubnd-st", Bucket: "uploads", Key: d.key + ".pdf", ETag: "etag-" + d.key, File: d.key + ".pdf",
			At: time.Date(year, 3, 2+i, 8, 0, 0, 0, vn)}, rec)
		if err != nil {
			t.Fatal(err)
		}
		ids[d.key] = r.Document.ID
	}
	// Raised to MẬT once numbered: its number stays in the ordinary book.
	if _, err := st.Correct(ctx, clerk, ids["tb-46"], map[string]string{"confidentiality": "MẬT"}); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		d, err := st.DocumentByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if err := idx.Index(ctx, domain.Recorded(d)); err != nil {
			t.Fatal(err)
		}
	}
	idx.(io.Closer).Close()
	st.Close()

	base, serr := startServe(t, data)
	w := newWebSession(t, base, serr)
	rows := func() string {
		return w.eval(`[...document.querySelectorAll("#register tbody tr")].map(r => r.innerText.replace(/\s+/g, " ")).join("\n")`)
	}
	firstCell := func() string { return w.eval(`document.querySelector("#register tbody tr td").textContent`) }
	hashIs := func(what, want string) {
		t.Helper()
		w.waitFor(what, fmt.Sprintf(`location.hash === %q && document.body.dataset.view === location.hash`, want))
	}
	enc := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
	reg := "#/so-den?year=" + Y

	w.login("cv-st")
	w.wantMenu("Sổ văn bản đến=#/so-den", "Sổ văn bản đi=#/so-di")
	for _, size := range []string{"desktop", "phone"} {
		if size == "phone" {
			w.phone()
		} else {
			w.desktop()
		}
		// The incoming register: number 2 is explained, in the Decree 30 columns.
		w.open(reg)
		w.waitFor("the register", `!!document.querySelector("#register")`)
		w.wantText(size+": the register", rows(), "Số đến 2: văn bản mật — không hiển thị", "02/03/"+Y, "UBND TỈNH QUẢNG NGÃI", "12/UBND-KT",
			"Công văn — V/v triển khai kế hoạch chuyển đổi số", "Khẩn")
		w.wantText(size+": the count", w.eval(`document.querySelector("#register-count").textContent`), "2 văn bản; 1 số đến là văn bản mật không hiển thị")
		w.wantText(size+": the columns", w.eval(`[...document.querySelectorAll("#register th")].map(th => th.textContent).join("|")`),
			"Số đến|Ngày đến|Tác giả|Số, ký hiệu|Ngày tháng|Tên loại và trích yếu nội dung|Đơn vị hoặc người nhận", "Ký nhận|Ghi chú")
		if size == "phone" {
			w.noSideways(size + ": the incoming register")
		}
		w.shot("so-den-" + size)

		// A filter is an address: Back returns to the whole register.
		w.do("filter by type", chromedp.SetValue(chromedp.CSS("#r-type"), "QĐ"), chromedp.Click(chromedp.CSS("#register-filters button[type=submit]")))
		hashIs("the filter in the address", "#/so-den?year="+Y+"&type="+enc("QĐ"))
		if r := rows(); !strings.Contains(r, "101/QĐ-UBND") || strings.Contains(r, "12/UBND-KT") {
			t.Errorf("%s: filtered by Quyết định:\n%s", size, r)
		}
		w.eval(`history.back(), ""`)
		hashIs("back to the register", reg)
		w.wantText(size+": back", rows(), "12/UBND-KT", "101/QĐ-UBND")
		// Newest first, and by urgency.
		w.open(reg + "&sort=desc")
		if c := firstCell(); c != "3" {
			t.Errorf("%s: newest first starts with %q", size, c)
		}
		w.open(reg + "&urgency=" + enc("THƯỢNG KHẨN"))
		if r := rows(); !strings.Contains(r, "101/QĐ-UBND") || strings.Contains(r, "12/UBND-KT") || strings.Contains(r, "văn bản mật") {
			t.Errorf("%s: Thượng khẩn only:\n%s", size, r)
		}

		// The outgoing register.
		w.open("#/so-di?year=" + Y)
		w.waitFor("the outgoing register", `!!document.querySelector("#register")`)
		w.wantText(size+": the outgoing register", rows(), "88/UBND-VP", "04/03/"+Y, "Công văn — V/v báo cáo tiến độ chuyển đổi số", "Sở Thông tin và Truyền thông; UBND tỉnh Quảng Ngãi")
		w.wantText(size+": its columns", w.eval(`[...document.querySelectorAll("#register th")].map(th => th.textContent).join("|")`),
			"Số, ký hiệu|Ngày tháng|Tên loại và trích yếu nội dung|Người ký|Nơi nhận|Đơn vị, người nhận bản lưu|Số lượng bản|Ghi chú")
		if size == "phone" {
			w.noSideways(size + ": the outgoing register")
		}
		w.shot("so-di-" + size)

		// The search: the query in the address, Back from a hit to the results.
		w.open("#/tim-kiem")
		w.do("search", chromedp.SendKeys(chromedp.CSS("#q"), "chuyen doi so\r"))
		hashIs("the query in the address", "#/tim-kiem?q=chuyen+doi+so")
		w.waitFor("the results", `!!document.querySelector("#search-total")`)
		res := w.eval(`document.querySelector("#results").innerText`)
		w.wantText(size+": the results", res, "3 kết quả", "…")
		if strings.Contains(res, "… …") || strings.Contains(res, "……") {
			t.Errorf("%s: a snippet says … twice:\n%s", size, res)
		}
		if g := w.eval(`[...document.querySelectorAll("#facets .facet-group")].map(g => g.getAttribute("aria-label") + ": " + [...g.querySelectorAll(".chip")].map(c => c.textContent).join(", ")).join("\n")`); !strings.Contains(g, "Loại: ") ||
			!strings.Contains(g, "Quyết định (1)") || !strings.Contains(g, "Cơ quan ban hành: ") || !strings.Contains(g, "UBND TỈNH QUẢNG NGÃI (1)") ||
			!strings.Contains(g, "Năm: "+Y+" (3)") || !strings.Contains(g, "Trạng thái: ") {
			t.Errorf("%s: facets not grouped by name:\n%s", size, g)
		}
		w.shot("tim-kiem-" + size)
		w.do("open a hit", chromedp.Click(chromedp.CSS(".hit a.title")))
		w.waitFor("the document", `location.hash.startsWith("#/van-ban/") && document.body.dataset.view === location.hash`)
		w.eval(`history.back(), ""`)
		hashIs("back to the results", "#/tim-kiem?q=chuyen+doi+so")
		w.waitFor("the results again", `!!document.querySelector("#search-total") && document.querySelector("#search-total").textContent === "3 kết quả" && document.querySelector("#q").value === "chuyen doi so"`)
		// Newest first; by urgency.
		w.do("sort by date", chromedp.SetValue(chromedp.CSS("#ssort"), "date"), chromedp.Click(chromedp.CSS("form[role=search] button[type=submit]")))
		hashIs("sorted", "#/tim-kiem?q=chuyen+doi+so&sort=date")
		if first := w.eval(`document.querySelector(".hit a.title").textContent`); !strings.Contains(first, "88/UBND-VP") {
			t.Errorf("%s: newest first is %q", size, first)
		}
		w.do("Thượng khẩn", chromedp.SetValue(chromedp.CSS("#surgency"), "THƯỢNG KHẨN"), chromedp.Click(chromedp.CSS("form[role=search] button[type=submit]")))
		w.waitFor("urgency in the address", `location.hash.includes("urgency=") && document.body.dataset.view === location.hash && !!document.querySelector("#search-total")`)
		w.wantText(size+": Thượng khẩn", w.eval(`document.querySelector("#results").innerText`), "1 kết quả", "101/QĐ-UBND")
		// Saved, opened, deleted; the link copied.
		saved := w.eval(`location.hash`)
		name := "Khẩn chuyển đổi số " + size
		w.do("save", chromedp.SetValue(chromedp.CSS("#save-name"), name), chromedp.Click(chromedp.CSS("#save-search")))
		w.waitFor("saved", fmt.Sprintf(`document.querySelector("#saved").textContent.includes(%q)`, name))
		w.do("copy the link", chromedp.Click(chromedp.CSS("#copy-link")))
		w.waitFor("the link shown", `!document.querySelector("#share-link").hidden && document.querySelector("#share-link").value === location.href`)
		w.open("#/tim-kiem")
		w.do("open the saved search", chromedp.Click(chromedp.CSS("#saved li a")))
		hashIs("the saved search", saved)
		w.wantText(size+": the saved search", w.eval(`document.querySelector("#results").innerText`), "1 kết quả")
		if size == "phone" {
			w.noSideways(size + ": the search")
		}
		w.shot("tim-kiem-da-luu-" + size)
		w.eval(`document.querySelector("#saved li button").click(), ""`) // under the toast on a phone
		w.waitFor("deleted", `!document.querySelector("#saved li")`)
	}

	// Printed: the Decree 30 form, without the menu, filters or buttons.
	w.desktop()
	w.open(reg)
	w.do("print media", media("print"))
	shown := func(sel string) bool {
		return w.eval(fmt.Sprintf(`[...document.querySelectorAll(%q)].some(e => getComputedStyle(e).display !== "none") ? "yes" : "no"`, sel)) == "yes"
	}
	for sel, want := range map[string]bool{"header": false, "#register-filters": false, ".register-actions": false, "#main > h1.screen-only": false,
		".register-title": true, "th.print-only": true, "th.screen-only": false, "#register": true} {
		if got := shown(sel); got != want {
			t.Errorf("printed, %s shown: %v, want %v", sel, got, want)
		}
	}
	w.wantText("the printed title", w.eval(`document.querySelector(".register-title").innerText`), "UBND HUYỆN SƠN TỊNH", "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN", "Năm "+Y)
	w.shot("so-den-ban-in")
	w.do("screen media", media(""))

	// The clerk, cleared, sees the line itself: no gap to explain.
	w.do("log out", chromedp.Click(chromedp.CSS("#logout")))
	w.login("vt-st")
	w.open(reg)
	w.waitFor("the register", `!!document.querySelector("#register")`)
	if r := rows(); strings.Contains(r, "văn bản mật — không hiển thị") || !strings.Contains(r, "46/TB-UBND") {
		t.Errorf("the cleared clerk's register:\n%s", r)
	}
}

// media emulates a CSS media type ("print"; "" the screen again).
func media(m string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
		return err
	})
}
