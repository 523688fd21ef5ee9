package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/testenv"
)

// The admin's screens in headless Chromium. The home affairs department's
// admin, cleared for MẬT, creates a staff account in a unit through the
// form — offered no level above MẬT, and refused one forced into the
// page, in Vietnamese; resets its password (shown once: the new one logs
// in, the old one no longer), disables it (its session refused at once,
// the login refused); writes the department's directory entry and adds a
// unit. Nothing scrolls sideways on a phone.
func TestWebAdmin(t *testing.T) {
	testenv.Need(t, "chromium")
	t.Setenv("VANTHU_MINIO_URL", "")
	t.Setenv("VANTHU_DB_URL", "")
	data := t.TempDir()
	const dirCSV = "code,identifier,name,parent,kind\n" +
		"so-nv,,SỞ NỘI VỤ THỬ NGHIỆM,,agency\n" +
		"so-nv-vp,,Văn phòng Sở,so-nv,unit\n" +
		"so-tp,,SỞ TƯ PHÁP THỬ NGHIỆM,,agency\n"
	st := seedWeb(t, data, dirCSV, []records.User{
		{Name: "qt-snv", Role: records.RoleAdmin, Agency: "so-nv", Clearance: "MẬT"},
		{Name: "vt-snv-tm", Role: records.RoleClerk, Agency: "so-nv", Clearance: "TỐI MẬT"},
		{Name: "vt-stp", Role: records.RoleClerk, Agency: "so-tp"},
	})
	st.Close()
	adminAPI := &client{t: t, token: webToken(t, data, "qt-snv")}
	base, serr := startServe(t, data)
	adminAPI.base = base
	w := newWebSession(t, base, serr)
	logIn := func(name, pw string) {
		t.Helper()
		w.do("open the login", chromedp.Navigate(base+"/#/dang-nhap"), chromedp.WaitVisible(chromedp.CSS("#login")))
		w.eval(`(() => { document.querySelector("#login .error").textContent = ""; document.querySelector("#name").value = ""; document.querySelector("#password").value = ""; return ""; })()`)
		w.do("log in as "+name, chromedp.SendKeys(chromedp.CSS("#name"), name), chromedp.SendKeys(chromedp.CSS("#password"), pw),
			chromedp.Click(chromedp.CSS("#login button[type=submit]")))
	}
	logOut := func() {
		w.do("log out", chromedp.Click(chromedp.CSS("#logout")))
		w.waitFor("logged out", `location.hash === "#/dang-nhap"`)
	}
	loginSays := func(what string) {
		t.Helper()
		w.waitFor(what+" refused", `document.querySelector("#login .error") && document.querySelector("#login .error").textContent !== ""`)
		if s := w.eval(`document.querySelector("#login .error").textContent`); !strings.Contains(s, "Sai tên đăng nhập hoặc mật khẩu") {
			t.Errorf("%s: the login says %q", what, s)
		}
	}
	options := func(sel string) string {
		return w.eval(`[...document.querySelectorAll(` + jsString(sel) + ` + " option")].filter(o => !o.disabled).map(o => o.value || "-").join(",")`)
	}

	w.login("qt-snv")
	w.wantMenu("Tài khoản=#/tai-khoan", "Cơ quan, đơn vị=#/co-quan")
	w.open("#/tai-khoan")
	w.wantText("the accounts", w.text(), "qt-snv", "vt-snv-tm", "Tạo tài khoản", "Tài khoản của bạn")
	if strings.Contains(w.text(), "vt-stp") {
		t.Error("another agency's account is listed")
	}
	// No level above the admin's own is offered; the one an account holds
	// above it is shown, not offered.
	if got := options("#acc-clearance"); got != "-,MẬT" {
		t.Errorf("the create form offers the levels %s", got)
	}
	if got := options("#acc-role"); got != "clerk,staff,leader" {
		t.Errorf("the create form offers the roles %s", got)
	}
	if s := w.eval(`document.querySelector('tr[data-user="vt-snv-tm"] td[data-label="Độ mật"]').innerText`); !strings.Contains(s, "TỐI MẬT (cao hơn của bạn)") {
		t.Errorf("the account cleared above the admin shows %q", s)
	}
	if w.eval(`String(document.querySelectorAll('tr[data-user="qt-snv"] button').length)`) != "0" {
		t.Error("the admin is offered to disable or reset their own account")
	}

	// Create a staff account in the Văn phòng, cleared for MẬT.
	w.do("fill the account", chromedp.SendKeys(chromedp.CSS("#acc-name"), "cv-moi"), chromedp.SendKeys(chromedp.CSS("#acc-password"), "ngan"),
		chromedp.SetValue(chromedp.CSS("#acc-role"), "staff"), chromedp.SetValue(chromedp.CSS("#acc-unit"), "so-nv-vp"), chromedp.SetValue(chromedp.CSS("#acc-clearance"), "MẬT"),
		chromedp.Click(chromedp.CSS("#acc-send")))
	if s := w.eval(`document.querySelector("#acc-form .error").textContent`); s != "Mật khẩu cần ít nhất 10 ký tự." {
		t.Errorf("a short password says %q", s)
	}
	w.do("a longer password", chromedp.SetValue(chromedp.CSS("#acc-password"), "mat-khau-cv-moi"), chromedp.Click(chromedp.CSS("#acc-send")))
	row := `tr[data-user="cv-moi"]`
	w.waitFor("the account listed", `!!document.querySelector('`+row+`') && document.body.dataset.view === "#/tai-khoan"`)
	code, b, _ := adminAPI.call("GET", "/api/v1/users", nil, "")
	var list struct {
		Users []struct {
			ID               int64
			Name, Role, Unit string
			Clearance        string
			Disabled         bool
		}
	}
	json.Unmarshal(b, &list)
	var id int64
	for _, u := range list.Users {
		if u.Name == "cv-moi" {
			id = u.ID
			if u.Role != "staff" || u.Unit != "so-nv-vp" || u.Clearance != "MẬT" || u.Disabled {
				t.Errorf("the account made: %+v", u)
			}
		}
	}
	if code != http.StatusOK || id == 0 {
		t.Fatalf("the accounts: %d %s", code, b)
	}
	if got := options(row + ` select[id$="-clearance"]`); got != "-,MẬT" {
		t.Errorf("the row offers the levels %s", got)
	}
	// A level above the admin's forced into the page: refused, said in
	// Vietnamese, the choice put back.
	w.eval(`(() => { const s = document.querySelector('` + row + ` select[id$="-clearance"]'); s.append(new Option("TỐI MẬT", "TỐI MẬT")); s.value = "TỐI MẬT"; s.dispatchEvent(new Event("change")); return ""; })()`)
	w.waitFor("the level refused", `document.querySelector('`+row+` .row-msg').classList.contains("error")`)
	if s := w.eval(`document.querySelector('` + row + ` .row-msg').textContent`); s != "Không thể cấp độ mật cao hơn độ mật của chính bạn (MẬT)." {
		t.Errorf("a level above the admin's says %q", s)
	}
	if s := w.eval(`document.querySelector('` + row + ` select[id$="-clearance"]').value`); s != "MẬT" {
		t.Errorf("after the refusal the row shows %q", s)
	}
	if s := w.text(); strings.Contains(s, "null") || strings.Contains(s, "undefined") {
		t.Errorf("the accounts screen shows null or undefined:\n%s", s)
	}
	w.shot("qt-1-tai-khoan")

	// Reset the password: shown once, with a copy button.
	w.do("reset the password", chromedp.Click(chromedp.CSS(row+" button.reset")))
	w.waitFor("asked to confirm", `!!document.querySelector('`+row+` .confirm-yes')`)
	w.do("confirm", chromedp.Click(chromedp.CSS(row+" .confirm-yes")))
	w.waitFor("the new password", `!!document.querySelector("#pw-new")`)
	pw := w.eval(`document.querySelector("#pw-new").value`)
	if len(pw) < 16 || w.eval(`String(!!document.querySelector("#pw-copy"))`) != "true" {
		t.Fatalf("the new password %q (copy button %s)", pw, w.eval(`String(!!document.querySelector("#pw-copy"))`))
	}
	w.wantText("the password's note", w.text(), "Mật khẩu mới của cv-moi", "chỉ hiện một lần")
	w.shot("qt-2-mat-khau-moi")
	logOut()
	logIn("cv-moi", "mat-khau-cv-moi")
	loginSays("the old password")
	logIn("cv-moi", pw)
	w.waitFor("logged in with the new password", `document.body.dataset.view && document.body.dataset.view !== "#/dang-nhap"`)
	w.wantMenu("Tìm kiếm=#/tim-kiem")
	if strings.Contains(w.eval(`[...document.querySelectorAll("#nav a")].filter(a => !a.hidden).map(a => a.textContent).join(" ")`), "Tài khoản") {
		t.Error("a staff member is offered the accounts")
	}
	// A session of the account, to see it end when disabled.
	staff := &client{t: t, base: base}
	{
		res, err := http.Post(base+"/api/v1/login", "application/json", strings.NewReader(`{"name":"cv-moi","password":"`+pw+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		var lr struct{ Token string }
		json.NewDecoder(res.Body).Decode(&lr)
		res.Body.Close()
		staff.token = lr.Token
	}
	if code, _, _ := staff.call("GET", "/api/v1/me", nil, ""); code != http.StatusOK {
		t.Fatalf("the staff member's session: %d", code)
	}
	logOut()

	// Disable it: the session refused at once, the login refused.
	w.login("qt-snv")
	w.open("#/tai-khoan")
	w.do("disable", chromedp.Click(chromedp.CSS(row+" button.toggle")))
	w.waitFor("asked to confirm", `!!document.querySelector('`+row+` .confirm-yes')`)
	w.do("confirm", chromedp.Click(chromedp.CSS(row+" .confirm-yes")))
	w.waitFor("shown disabled", `(document.querySelector('`+row+` .state') || {}).textContent === "Đã khoá"`)
	if code, _, _ := staff.call("GET", "/api/v1/me", nil, ""); code != http.StatusUnauthorized {
		t.Errorf("a disabled account's session: %d", code)
	}
	if s := w.eval(`document.querySelector('` + row + ` button.toggle').textContent`); s != "Mở khoá" {
		t.Errorf("the disabled account's button says %q", s)
	}
	w.shot("qt-3-da-khoa")

	// The department's entry and a unit.
	w.open("#/co-quan")
	if got := options("#ag-cleared"); got != "-,MẬT" {
		t.Errorf("the agency form offers the levels %s", got)
	}
	w.do("a malformed identifier", chromedp.SetValue(chromedp.CSS("#ag-identifier"), "31.H48"), chromedp.Click(chromedp.CSS("#ag-send")))
	if s := w.eval(`document.querySelector("#ag-form .error").textContent`); !strings.Contains(s, "Mã định danh không đúng dạng") {
		t.Errorf("a malformed identifier says %q", s)
	}
	w.do("the entry", chromedp.SetValue(chromedp.CSS("#ag-name"), "SỞ NỘI VỤ TỈNH QUẢNG NGÃI"), chromedp.SetValue(chromedp.CSS("#ag-identifier"), "000.00.31.H48"),
		chromedp.SetValue(chromedp.CSS("#ag-names"), "SNV\nSở Nội vụ"), chromedp.SetValue(chromedp.CSS("#ag-cleared"), "MẬT"), chromedp.Click(chromedp.CSS("#ag-send")))
	w.waitFor("the entry saved", `document.body.dataset.view === "#/co-quan" && document.querySelector("#ag-name").value === "SỞ NỘI VỤ TỈNH QUẢNG NGÃI" && document.querySelector("#ag-identifier").value === "000.00.31.H48"`)
	// The screen is drawn again once the save is done: wait for its word
	// and for the new drawing's units form.
	w.waitFor("the entry's save told", `document.querySelector("#toast").textContent.includes("Đã lưu thông tin cơ quan")`)
	w.waitFor("the units' form", `document.body.dataset.view === "#/co-quan" && !!document.querySelector("#unit-code") && !document.querySelector("#main").innerText.includes("Đang tải danh mục")`)
	w.do("a unit", chromedp.SendKeys(chromedp.CSS("#unit-code"), "so-nv-tccb"), chromedp.SendKeys(chromedp.CSS("#unit-name"), "Phòng Tổ chức cán bộ"),
		chromedp.SendKeys(chromedp.CSS("#unit-names"), "P.TCCB"), chromedp.Click(chromedp.CSS("#unit-send")))
	w.waitFor("the unit listed", `!!document.querySelector('#units tr[data-unit="so-nv-tccb"]')`)
	code, b, _ = adminAPI.call("GET", "/api/v1/agencies", nil, "")
	var dir struct {
		Agencies []struct {
			Code, Identifier, Name, Parent, Kind, Cleared string
			Names                                         []string
		}
	}
	json.Unmarshal(b, &dir)
	found := 0
	for _, a := range dir.Agencies {
		switch a.Code {
		case "so-nv":
			found++
			if a.Identifier != "000.00.31.H48" || a.Cleared != "MẬT" || a.Name != "SỞ NỘI VỤ TỈNH QUẢNG NGÃI" || strings.Join(a.Names, ",") != "SNV,Sở Nội vụ" {
				t.Errorf("the department's entry: %+v", a)
			}
		case "so-nv-tccb":
			found++
			if a.Parent != "so-nv" || a.Kind != "unit" || strings.Join(a.Names, ",") != "P.TCCB" {
				t.Errorf("the unit: %+v", a)
			}
		}
	}
	if code != http.StatusOK || found != 2 {
		t.Errorf("the directory: %d %s", code, b)
	}
	for _, bad := range []string{"null", "undefined", "NaN"} {
		if strings.Contains(w.text(), bad) {
			t.Errorf("the agency screen shows %q:\n%s", bad, w.text())
		}
	}
	// A unit edited in place: its code kept.
	w.do("edit the unit", chromedp.Click(chromedp.CSS(`#units tr[data-unit="so-nv-vp"] button.edit`)))
	if w.eval(`String(document.querySelector("#unit-code").readOnly) + " " + document.querySelector("#unit-code").value`) != "true so-nv-vp" {
		t.Error("editing a unit does not keep its code")
	}
	w.do("rename the unit", chromedp.SetValue(chromedp.CSS("#unit-name"), "Văn phòng Sở Nội vụ"), chromedp.Click(chromedp.CSS("#unit-send")))
	w.waitFor("the unit renamed", `(document.querySelector('#units tr[data-unit="so-nv-vp"]') || {}).textContent.includes("Văn phòng Sở Nội vụ")`)
	w.shot("qt-4-co-quan")

	// On a phone.
	w.phone()
	w.open("#/tai-khoan")
	w.noSideways("the accounts")
	w.shot("qt-5-dien-thoai-tai-khoan")
	w.open("#/co-quan")
	w.noSideways("the agency and its units")
	w.shot("qt-6-dien-thoai-co-quan")
	w.desktop()
}

// jsString is s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
