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

	"github.com/chromedp/chromedp"

	"github.com/vanthu/vanthu/internal/objstore/local"
	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/records/recordstest"
	"github.com/vanthu/vanthu/internal/testenv"
	"github.com/vanthu/vanthu/pipelines/corpus"
	"github.com/vanthu/vanthu/pipelines/doc"
)

// Upload, the review queue, review and the document view in headless
// Chromium, at desktop and on a 390 px phone (issue 16):
//   - review opens with the focus on the first field to check, names the
//     unsure fields of every page with a page switcher, offers drop-downs
//     for type, urgency and secrecy;
//   - a date typed 20/03/2018 is saved as 2018-03-20 with the other
//     corrections; a bad date is named and loses nothing;
//   - the history reads "Trạng thái: Cần duyệt → Đã duyệt", dates dd/mm/yyyy,
//     type names instead of codes;
//   - a duplicate upload says it duplicates the registered one (its arrival
//     number, a link), not "Đã vào sổ";
//   - the clerk approves several documents at once, the menu's badge counts
//     the queue;
//   - a MẬT document its uploader may not read is explained.
func TestWebReview(t *testing.T) {
	testenv.Need(t, "chromium")
	axe := axeSource(t)
	t.Setenv("VANTHU_MINIO_URL", "")
	t.Setenv("VANTHU_DB_URL", "")
	ctx := context.Background()
	data, src := t.TempDir(), t.TempDir()

	// Generated documents: one plain (uploaded twice: the second a
	// duplicate), one stamped MẬT.
	if err := corpus.Generate(ctx, src, corpus.Options{N: 16, Seed: 16, Formats: []string{"pdf"}}); err != nil {
		t.Fatal(err)
	}
	var plain, secret string
	b, _ := os.ReadFile(filepath.Join(src, "truth.jsonl"))
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var m map[string]any
		json.Unmarshal([]byte(line), &m)
		file, _ := m["file"].(string)
		conf, _ := m["confidentiality"].(string)
		num, _ := m["number"].(string)
		switch {
		case conf == "MẬT" && secret == "":
			secret = filepath.Join(src, file)
		case conf == "" && num != "" && plain == "" && m["doc_type"] != "GM" && m["doc_type"] != "BC":
			plain = filepath.Join(src, file)
		}
	}
	if plain == "" || secret == "" {
		t.Fatalf("the corpus has no plain or no secret document:\n%s", b)
	}
	copies := t.TempDir()
	copyAs := func(from, name string) string {
		b, _ := os.ReadFile(from)
		p := filepath.Join(copies, name)
		os.WriteFile(p, b, 0o644)
		return p
	}

	st, err := records.OpenSQLite(ctx, filepath.Join(data, "vanthu.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []records.User{
		{Name: "vt-qn", Role: records.RoleClerk, Agency: "ubnd-qn", Clearance: "TUYỆT MẬT"},
		{Name: "vt-moi", Role: records.RoleClerk, Agency: "ubnd-qn"}, // not cleared for secrets
	} {
		if _, err := st.CreateUser(ctx, u, "mat-khau-"+u.Name); err != nil {
			t.Fatal(err)
		}
	}
	// Documents waiting for review, as the pipeline records them: the
	// number doubted on page 1, the date on page 2.
	objects, err := local.New(filepath.Join(data, "objects"))
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := os.ReadFile(plain)
	seed := func(n int, doubt bool) int64 {
		t.Helper()
		key := fmt.Sprintf("seed/tb-%d.pdf", n)
		info, err := objects.Put(ctx, "uploads", key, bytes.NewReader(pdf), int64(len(pdf)), map[string]string{"agency": "ubnd-qn"})
		if err != nil {
			t.Fatal(err)
		}
		rec := recordstest.Rec("TB", fmt.Sprint(40+n), "TB-UBND", "ỦY BAN NHÂN DÂN HUYỆN BA TƠ", fmt.Sprintf("Về việc kiểm tra công tác văn thư đợt %d", n))
		rec.Pages, rec.IssuedAt, rec.Urgency = 2, "2018-03-02", "KHẨN"
		rec.Evidence = map[string]doc.Evidence{"number": {Page: 1, Box: [4]int{100, 200, 300, 60}}, "issued_at": {Page: 2, Box: [4]int{900, 200, 500, 60}},
			"subject": {Page: 1, Box: [4]int{300, 700, 1500, 80}}, "signer": {Page: 2, Box: [4]int{1400, 2600, 600, 60}}}
		if doubt {
			// The signer too, left as read: approving is asked twice, from review.
			rec.Confidence["number"], rec.Confidence["issued_at"], rec.Confidence["signer"] = 0.31, 0.42, 0.5
		} else {
			rec.Confidence["subject"] = 0.4
		}
		file := fmt.Sprintf("scan-%02d.pdf", n)
		if n%2 == 0 {
			// As scanners and e-office exports name them: a hash, unbroken.
			file = fmt.Sprintf("%064x.pdf", uint64(n)*0x9e3779b97f4a7c15)
		}
		r, err := st.Record(ctx, records.Upload{Agency: "ubnd-qn", Bucket: "uploads", Key: key, ETag: info.ETag, File: file, By: "vt-qn"}, rec)
		if err != nil {
			t.Fatal(err)
		}
		return r.Document.ID
	}
	reviewDesk, reviewPhone := seed(1, true), seed(2, true)
	bulk := []int64{seed(3, false), seed(4, false), seed(5, false), seed(6, false)}
	st.Close()

	base, serr := startServe(t, data)
	clerkAPI := &client{t: t, base: base, token: webToken(t, data, "vt-qn")}
	getDoc := func(id int64) map[string]any {
		code, b, _ := clerkAPI.call("GET", fmt.Sprint("/api/v1/documents/", id), nil, "")
		var m map[string]any
		json.Unmarshal(b, &m)
		if code != http.StatusOK {
			t.Fatalf("document %d: %d %s", id, code, b)
		}
		return m
	}
	queueLen := func() int {
		_, b, _ := clerkAPI.call("GET", "/api/v1/documents?status=review&limit=1000", nil, "")
		var q struct{ Documents []struct{ ID int64 } }
		json.Unmarshal(b, &q)
		return len(q.Documents)
	}
	w := newWebSession(t, base, serr)
	w.login("vt-qn")

	badge := func(what string) {
		t.Helper()
		want := fmt.Sprint(queueLen())
		if want == "0" {
			want = "" // none waiting: no badge
		}
		w.waitFor(what+": the badge says "+want, fmt.Sprintf(`(document.querySelector('#nav a[href="#/duyet"] .count') || {}).textContent === %q`, want))
	}

	// Review, at desktop then on a phone, each on its own document.
	for _, vp := range []struct {
		name string
		id   int64
		set  func()
	}{{"desktop", reviewDesk, w.desktop}, {"phone", reviewPhone, w.phone}} {
		vp.set()
		hash := fmt.Sprint("#/duyet/", vp.id)
		w.open(hash)
		badge(vp.name + " review")
		// The focus on the first field to check, not on the page.
		w.waitFor(vp.name+": the focus on the doubted number", `document.activeElement && document.activeElement.id === "f-number"`)
		// Every unsure field named with its page; a switcher for the pages.
		w.wantText(vp.name+": the fields to check", w.eval(`(document.querySelector("#tocheck") || {}).innerText || ""`), "Cần kiểm tra 3 trường", "Số · trang 1", "Ngày ban hành · trang 2", "Người ký · trang 2")
		if n := w.eval(`String(document.querySelectorAll(".thumbs .thumb").length)`); n != "2" {
			t.Errorf("%s: %s page buttons, want 2", vp.name, n)
		}
		w.do(vp.name+": page 2's doubted date", chromedp.Click(chromedp.CSS(`#tocheck button[data-field="issued_at"]`)))
		w.waitFor(vp.name+": page 2 shown", `document.querySelector(".pageno").textContent === "Trang 2/2" && document.querySelector('.thumb[data-page="2"]').getAttribute("aria-pressed") === "true"`)
		if z := w.eval(`String(!!document.querySelector("#zoom"))`); z != "true" {
			t.Errorf("%s: no zoom", vp.name)
		}
		// Drop-downs: every type by its name, urgency, secrecy.
		if got := w.eval(`(() => { const s = document.querySelector("#f-doc_type"); return s.tagName + " " + s.options.length + " " + s.selectedOptions[0].textContent })()`); got != "SELECT 32 Thông báo (TB)" {
			t.Errorf("%s: the type's control: %q", vp.name, got)
		}
		if got := w.eval(`(() => { const s = document.querySelector("#f-urgency"); return s.tagName + " " + [...s.options].map(o => o.textContent).join(",") + " " + s.value })()`); got != "SELECT Thường,Khẩn,Thượng khẩn,Hỏa tốc KHẨN" {
			t.Errorf("%s: the urgency's control: %q", vp.name, got)
		}
		if got := w.eval(`(() => { const s = document.querySelector("#f-confidentiality"); return s.tagName + " " + [...s.options].map(o => o.value + "=" + o.textContent).join(",") })()`); got != "SELECT =Không mật,MẬT=Mật,TỐI MẬT=Tối mật,TUYỆT MẬT=Tuyệt mật" {
			t.Errorf("%s: the secrecy's control: %q", vp.name, got)
		}
		// The date as people write it, with a picker.
		if got := w.eval(`document.querySelector("#f-issued_at").value + " " + document.querySelector("#p-issued_at").type + " " + document.querySelector("#p-issued_at").value`); got != "02/03/2018 date 2018-03-02" {
			t.Errorf("%s: the date shown: %q", vp.name, got)
		}
		if vp.name == "phone" {
			w.do("zoom", chromedp.Click(chromedp.CSS("#zoom")))
			w.noSideways("the review screen, zoomed")
			w.do("zoom out", chromedp.Click(chromedp.CSS("#zoom")))
			w.noSideways("the review screen")
		}
		w.shot("rv-1-duyet-" + vp.name)
		w.axeCheck(axe, "the review screen ("+vp.name+")")

		// A bad date: named, nothing lost, nothing sent.
		number := "0" + fmt.Sprint(40+map[string]int{"desktop": 1, "phone": 2}[vp.name])
		subject := "Về việc kiểm tra công tác văn thư, lưu trữ năm 2018 (" + vp.name + ")"
		w.do(vp.name+": correct with a bad date", chromedp.SetValue(chromedp.CSS("#f-number"), number), chromedp.SetValue(chromedp.CSS("#f-subject"), subject),
			chromedp.SetValue(chromedp.CSS("#f-doc_type"), "CV"), chromedp.SetValue(chromedp.CSS("#f-issued_at"), "31/02/2018"), chromedp.Click(chromedp.CSS("#save")))
		w.waitFor(vp.name+": the bad date named", `document.querySelector("#review-error").textContent !== ""`)
		w.wantText(vp.name+": the refusal", w.eval(`document.querySelector("#review-error").textContent + " | " + document.querySelector("#e-issued_at").textContent`),
			"Chưa lưu", "Ngày ban hành", "“31/02/2018” không phải ngày hợp lệ", "20/03/2018")
		if got := w.eval(`[location.hash, document.querySelector("#f-number").value, document.querySelector("#f-subject").value, document.querySelector("#f-doc_type").value, document.activeElement.id].join("|")`); got != strings.Join([]string{hash, number, subject, "CV", "f-issued_at"}, "|") {
			t.Errorf("%s: after a bad date the form is %q", vp.name, got)
		}
		if r := getDoc(vp.id)["record"].(map[string]any); r["number"] != fmt.Sprint(40+map[string]int{"desktop": 1, "phone": 2}[vp.name]) {
			t.Errorf("%s: a save with a bad date sent something: %v", vp.name, r["number"])
		}
		w.shot("rv-2-ngay-sai-" + vp.name)
		if vp.name == "phone" {
			w.noSideways("the review screen with its error")
		}
		// Typed the Vietnamese way: saved with the others.
		w.eval(`document.querySelector("#review").dataset.before = "1", ""`) // the form drawn before the save
		w.do(vp.name+": the date as 20/03/2018", chromedp.SetValue(chromedp.CSS("#f-issued_at"), "20/03/2018"), chromedp.Click(chromedp.CSS("#save")))
		w.waitFor(vp.name+": saved and drawn again", fmt.Sprintf(`document.body.dataset.view === %q && !!document.querySelector("#review:not([data-before])") && document.querySelector("#f-issued_at").value === "20/03/2018" && document.querySelector("#review-error").textContent === ""`, hash))
		r := getDoc(vp.id)["record"].(map[string]any)
		if r["issued_at"] != "2018-03-20" || r["number"] != number || r["subject"] != subject || r["doc_type"] != "CV" {
			t.Errorf("%s: saved %v %v %v %v", vp.name, r["issued_at"], r["number"], r["subject"], r["doc_type"])
		}
		// Approved; the history in Vietnamese, the date dd/mm/yyyy, the type by name.
		w.do(vp.name+": approve", chromedp.Click(chromedp.CSS("#approve")))
		w.waitFor(vp.name+": asked twice for the signer left as read", `!!document.querySelector("#approve").dataset.armed`)
		// The second press by its key (on a phone the toast sits over the button).
		w.do(vp.name+": approve all the same", chromedp.Focus(chromedp.CSS("#f-subject")), chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
		w.waitFor(vp.name+": approved", fmt.Sprintf(`location.hash !== %q && document.body.dataset.view === location.hash`, hash))
		w.open(fmt.Sprint("#/van-ban/", vp.id))
		hist := w.eval(`document.querySelector("#history").innerText`)
		w.wantText(vp.name+": the history", hist, "Trạng thái: Cần duyệt → Đã duyệt", "Ngày ban hành: 02/03/2018 → 20/03/2018", "Loại văn bản: Thông báo → Công văn", "vt-qn")
		if strings.Contains(hist, "review") || strings.Contains(hist, "approved") || strings.Contains(hist, "2018-03") {
			t.Errorf("%s: the history shows machine words: %s", vp.name, hist)
		}
		fields := w.eval(`document.querySelector("#doc-fields").innerText`)
		w.wantText(vp.name+": the document's fields", fields, "20/03/2018", "Công văn")
		if strings.Contains(fields, "2018-03-20") || strings.Contains(fields, "\tCV") {
			t.Errorf("%s: the document's fields in machine form:\n%s", vp.name, fields)
		}
		if vp.name == "phone" {
			w.noSideways("the document view")
		}
		w.shot("rv-3-van-ban-" + vp.name)
		w.axeCheck(axe, "the document view ("+vp.name+")")
	}

	// The queue: several approved at once, each with its own POST; the badge follows.
	for i, vp := range []struct {
		name string
		set  func()
	}{{"desktop", w.desktop}, {"phone", w.phone}} {
		vp.set()
		w.open("#/tai-len") // the same hash again would not draw the screen again
		w.open("#/duyet")
		badge(vp.name + " queue")
		mine := bulk[2*i : 2*i+2]
		for _, id := range mine {
			w.do(fmt.Sprint("pick ", id), chromedp.Click(chromedp.CSS(fmt.Sprintf(`#queue tr[data-doc="%d"] input.pick`, id))))
		}
		w.wantText(vp.name+": the button", w.eval(`document.querySelector("#approve-selected").textContent`), "Duyệt các văn bản đã chọn (2)")
		if vp.name == "phone" {
			w.noSideways("the review queue")
		}
		w.shot("rv-4-hang-doi-" + vp.name)
		w.axeCheck(axe, "the review queue ("+vp.name+")")
		w.do(vp.name+": approve the two", chromedp.Click(chromedp.CSS("#approve-selected")))
		w.waitFor(vp.name+": asked twice", `document.querySelector("#approve-selected").textContent.includes("Bấm lần nữa")`)
		w.do(vp.name+": approve the two, again", chromedp.Click(chromedp.CSS("#approve-selected")))
		w.waitFor(vp.name+": the result", `document.querySelector("#bulk-result").textContent.includes("Đã duyệt 2 văn bản")`)
		for _, id := range mine {
			if s := getDoc(id)["status"]; s != "approved" {
				t.Errorf("%s: document %d is %v after the bulk approval", vp.name, id, s)
			}
			if n := w.eval(fmt.Sprintf(`String(document.querySelectorAll('#queue tr[data-doc="%d"]').length)`, id)); n != "0" {
				t.Errorf("%s: document %d still listed", vp.name, id)
			}
		}
		badge(vp.name + " after the bulk approval")
		w.shot("rv-5-da-duyet-" + vp.name)
	}

	// A duplicate upload: the first registered, then its copies, at desktop and on a phone.
	w.desktop()
	w.open("#/tai-len")
	w.do("upload the first", chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{copyAs(plain, "ban-goc.pdf")}))
	w.waitFor("the first registered", `(li => li && li.dataset.status && li.dataset.status !== "received")(document.querySelector('li[data-file="ban-goc.pdf"]'))`)
	first := w.eval(`document.querySelector('li[data-file="ban-goc.pdf"]').dataset.id`)
	var firstID int64
	fmt.Sscan(first, &firstID)
	reg, _ := getDoc(firstID)["register"].(map[string]any)
	if reg == nil || reg["arrival_number"].(float64) == 0 {
		t.Fatalf("the first upload is not in the register: %v\n%s", reg, w.text())
	}
	arrival := fmt.Sprint(reg["arrival_number"])
	for _, vp := range []struct {
		name string
		set  func()
	}{{"desktop", w.desktop}, {"phone", w.phone}} {
		vp.set()
		w.open("#/tai-len")
		file := "ban-sao-" + vp.name + ".pdf"
		li := fmt.Sprintf(`document.querySelector('li[data-file=%q]')`, file)
		w.do(vp.name+": upload a copy", chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{copyAs(plain, file)}))
		w.waitFor(vp.name+": the copy read", fmt.Sprintf(`(li => li && li.dataset.status && li.dataset.status !== "received")(%s)`, li))
		txt := w.eval(li + `.innerText`)
		w.wantText(vp.name+": the copy's line", txt, "Trùng với văn bản đã vào sổ", "số đến "+arrival, "không vào sổ")
		if strings.Contains(txt, "Đã vào sổ —") || strings.Contains(txt, "số đến 0") {
			t.Errorf("%s: the copy is said to be registered: %s", vp.name, txt)
		}
		if got := w.eval(li + `.dataset.duplicate + " " + ` + li + `.querySelector(".dup a").getAttribute("href")`); got != first+" #/van-ban/"+first {
			t.Errorf("%s: the copy points at %q, want the document %s", vp.name, got, first)
		}
		if vp.name == "phone" {
			w.noSideways("the upload list")
		}
		w.shot("rv-6-trung-" + vp.name)
		copyID := w.eval(li + `.dataset.id`)
		w.open("#/van-ban/" + copyID)
		w.wantText(vp.name+": the copy's document view", w.eval(`(document.querySelector("#duplicate") || {}).innerText || ""`), "Trùng với văn bản đã vào sổ", "số đến "+arrival)
		if h := w.eval(`document.querySelector("#duplicate a").getAttribute("href")`); h != "#/van-ban/"+first {
			t.Errorf("%s: the document view links %q", vp.name, h)
		}
		w.shot("rv-7-trung-van-ban-" + vp.name)
	}

	// A MẬT document its uploader may not read: explained where it was listed.
	w.desktop()
	w.do("log out", chromedp.Click(chromedp.CSS("#logout")))
	w.login("vt-moi")
	for _, vp := range []struct {
		name string
		set  func()
	}{{"desktop", w.desktop}, {"phone", w.phone}} {
		vp.set()
		w.open("#/tai-len")
		file := "mat-" + vp.name + ".pdf"
		li := fmt.Sprintf(`document.querySelector('li[data-file=%q]')`, file)
		w.do(vp.name+": upload a secret one", chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{copyAs(secret, file)}))
		w.waitFor(vp.name+": the secret one read", fmt.Sprintf(`(li => li && li.dataset.status && li.dataset.status !== "received")(%s)`, li))
		if s := w.eval(li + `.dataset.status`); s != "hidden" {
			t.Fatalf("%s: the secret upload is %q to its uncleared uploader:\n%s", vp.name, s, w.text())
		}
		w.wantText(vp.name+": the secret one's line", w.eval(li+`.innerText`), "Văn bản mật — bạn không được phép xem")
		id := w.eval(li + `.dataset.id || ""`)
		if vp.name == "phone" {
			w.noSideways("the upload list with a secret one")
		}
		w.shot("rv-8-mat-" + vp.name)
		if id == "" {
			// Hidden before its first answer: the API's listing says which.
			continue
		}
		w.open("#/van-ban/" + id)
		w.wantText(vp.name+": the secret one's document view", w.eval(`(document.querySelector("#not-readable") || {}).innerText || ""`), "văn bản mật — bạn không được phép xem")
		w.shot("rv-9-mat-van-ban-" + vp.name)
	}
}
