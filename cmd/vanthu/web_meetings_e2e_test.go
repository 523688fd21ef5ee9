package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vanthu/vanthu/internal/records"
	"github.com/vanthu/vanthu/internal/testenv"
)

// Meetings in headless Chromium. The commune's clerk makes a meeting for
// tomorrow through the API and, on the meeting's screen, invites the
// finance department (an agency) and the commune's own chairman (by
// name: another agency's people are invited through it); the meeting
// is on the week's calendar on its day. The department's clerk sees the
// bell's count, opens "Giấy mời" and answers with one click, Tham dự;
// the organiser's screen then shows the answer and the chairman not
// answered yet; the clerk moves the meeting to another room. Nothing
// scrolls sideways on a phone.
func TestWebMeetings(t *testing.T) {
	testenv.Need(t, "chromium")
	t.Setenv("VANTHU_MINIO_URL", "")
	t.Setenv("VANTHU_DB_URL", "")
	data := t.TempDir()
	const dirCSV = "code,identifier,name,parent,kind\n" +
		"ubnd-tk,,ỦY BAN NHÂN DÂN XÃ TỊNH KHÊ THỬ NGHIỆM,,agency\n" +
		"so-tc-tn,,SỞ TÀI CHÍNH THỬ NGHIỆM,,agency\n"
	st := seedWeb(t, data, dirCSV, []records.User{
		{Name: "vt-tk", Role: records.RoleClerk, Agency: "ubnd-tk"},
		{Name: "vt-stc", Role: records.RoleClerk, Agency: "so-tc-tn"},
		{Name: "ld-tk", Role: records.RoleLeader, Agency: "ubnd-tk"},
	})
	st.Close()
	clerk := &client{t: t, token: webToken(t, data, "vt-tk")}
	base, serr := startServe(t, data)
	clerk.base = base

	day := time.Now().In(time.FixedZone("ICT", 7*3600)).AddDate(0, 0, 1).Format(time.DateOnly)
	dayVN := day[8:10] + "/" + day[5:7] + "/" + day[:4]
	const subject = "Họp bàn kế hoạch giải phóng mặt bằng dự án kè sông"
	body := fmt.Sprintf(`{"subject": %q, "starts": "%sT08:30", "ends": "%sT10:00", "place": "Hội trường UBND xã", "chair": "Chủ tịch UBND xã",
		"agenda": ["Báo cáo tiến độ giải phóng mặt bằng", "Ý kiến các sở, ngành"]}`, subject, day, day)
	code, b, _ := clerk.call("POST", "/api/v1/meetings", strings.NewReader(body), "application/json")
	var m struct{ ID int64 }
	json.Unmarshal(b, &m)
	if code != http.StatusCreated || m.ID == 0 {
		t.Fatalf("make the meeting: %d %s", code, b)
	}
	id := fmt.Sprint(m.ID)
	w := newWebSession(t, base, serr)

	// The organiser's clerk invites the department and the chairman.
	w.login("vt-tk")
	w.wantMenu("Lịch họp=#/lich-hop", "Giấy mời=#/giay-moi", "Báo cáo=#/bao-cao")
	w.open("#/cuoc-hop/" + id)
	w.wantText("the meeting", w.text(), subject, "08:30 ngày "+dayVN, "Hội trường UBND xã", "Chủ tịch UBND xã", "Báo cáo tiến độ giải phóng mặt bằng",
		"Chưa mời cơ quan, người nào qua hệ thống.", "Chưa có thông báo kết luận.", "Mời họp", "Đổi thời gian, địa điểm", "Thêm tài liệu họp")
	w.do("invite", chromedp.Click(chromedp.CSS(`#inv-agencies input[value="so-tc-tn"]`)), chromedp.SendKeys(chromedp.CSS("#inv-users"), "ld-tk"),
		chromedp.Click(chromedp.CSS("#inv-send")))
	w.waitFor("the invitations listed", `document.querySelectorAll("#invitations tbody tr").length === 2`)
	w.wantText("who has not answered", w.eval(`document.querySelector("#not-answered").innerText`), "Chưa trả lời")
	w.shot("mt-1-cuoc-hop")

	// The week's calendar: on its day.
	w.open("#/lich-hop?tuan=" + day)
	w.waitFor("the meeting on its day", fmt.Sprintf(`!!document.querySelector('#calendar [data-day=%q] [data-meeting=%q]')`, day, id))
	if n := w.eval(`String(document.querySelectorAll("#calendar .day").length)`); n != "7" {
		t.Errorf("the week has %s days", n)
	}
	w.wantText("the calendar", w.text(), "Thứ Hai", "Chủ nhật", "Tuần trước", "Tuần sau", subject, "08:30–10:00")
	w.shot("mt-2-lich-hop")
	// A day months away is one step: the week of 13/07/2023 (a Thursday).
	w.do("jump to a week", chromedp.SendKeys(chromedp.CSS("#week-day"), "13/07/2023"), chromedp.Click(chromedp.CSS("#week-jump button")))
	w.waitFor("the week of 13/07/2023", `location.hash.includes("tuan=2023-07-10") && document.body.dataset.view === location.hash`)

	// The invited department's clerk answers from "Giấy mời".
	w.do("log out", chromedp.Click(chromedp.CSS("#logout")))
	w.login("vt-stc")
	w.waitFor("the bell's count", `+(document.querySelector("#bell").dataset.unread || 0) > 0`)
	w.open("#/giay-moi")
	li := fmt.Sprintf(`#my-invitations li[data-meeting=%q]`, id)
	w.waitFor("the invitation listed", fmt.Sprintf(`!!document.querySelector(%q)`, li))
	w.wantText("the invitation", w.eval(fmt.Sprintf(`document.querySelector(%q).innerText`, li)), subject, "08:30 ngày "+dayVN,
		"ỦY BAN NHÂN DÂN XÃ TỊNH KHÊ THỬ NGHIỆM", "Chưa trả lời", "Tham dự", "Không tham dự", "Cử người dự…")
	w.shot("mt-3-giay-moi")
	w.do("attend", chromedp.Click(chromedp.CSS(li+` button[data-answer="attend"]`)))
	w.waitFor("the answer shown", fmt.Sprintf(`document.querySelector(%q).dataset.answer === "attend"`, li))
	w.phone()
	w.open("#/giay-moi")
	w.noSideways("Giấy mời")
	w.shot("mt-4-dien-thoai-giay-moi")
	w.desktop()

	// The organiser sees the answer, and who has not answered.
	w.do("log out", chromedp.Click(chromedp.CSS("#logout")))
	w.login("vt-tk")
	w.open("#/cuoc-hop/" + id)
	if a := w.eval(`(document.querySelector('#invitations tr[data-invitee="so-tc-tn"]') || {dataset: {}}).dataset.answer || ""`); a != "attend" {
		t.Errorf("the department's answer on the organiser's screen is %q:\n%s\nserve:\n%s", a, w.text(), serr.String())
	}
	w.wantText("the department's line", w.eval(`(document.querySelector('#invitations tr[data-invitee="so-tc-tn"]') || {}).innerText || ""`),
		"SỞ TÀI CHÍNH THỬ NGHIỆM", "Tham dự", "vt-stc")
	w.wantText("who has not answered", w.eval(`document.querySelector("#not-answered").innerText`), "Chưa trả lời", "ld-tk")
	w.do("move the meeting", chromedp.SetValue(chromedp.CSS("#mt-new-place"), "Phòng họp số 2"), chromedp.Click(chromedp.CSS("#change-send")))
	w.waitFor("the new place", `document.querySelector("#mt-place").textContent === "Phòng họp số 2"`)
	w.shot("mt-5-da-tra-loi")
	w.phone()
	w.open("#/cuoc-hop/" + id)
	w.noSideways("the meeting")
	w.shot("mt-6-dien-thoai-cuoc-hop")
	w.open("#/lich-hop?tuan=" + day)
	w.noSideways("the calendar")
	w.shot("mt-7-dien-thoai-lich-hop")
}
