// Văn thư số: meetings (lịch họp, giấy mời) and the notices' bell.
// Loaded after app.js, whose helpers (el, api, toast, directory, vnDate,
// today, me, routes, route) it uses.
"use strict";

routes.push([/^#\/lich-hop(?:\?(.*))?$/, calendarView], [/^#\/cuoc-hop\/(\d+)$/, meetingView], [/^#\/giay-moi(?:\?(.*))?$/, invitationsView],
  [/^#\/thong-bao$/, noticesView]);

const answerNames = { attend: "Tham dự", decline: "Không tham dự", delegate: "Cử người dự", "": "Chưa trả lời" };
const weekdays = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"];
const isoDay = ms => new Date(ms).toISOString().slice(0, 10);
const addDays = (d, n) => isoDay(Date.parse(d + "T00:00:00Z") + n * 864e5);
// mondayOf is the Monday of the week a day is in.
const mondayOf = d => addDays(d, -((new Date(d + "T00:00:00Z").getUTCDay() + 6) % 7));
// mtTime is a meeting's local time ("2025-03-12T14:00") as people read it: 14:00 ngày 12/03/2025.
const mtTime = s => (s && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(s)) ? s.slice(11, 16) + " ngày " + vnDate(s) : (s || "");
const answerBadge = a => el("span", { class: "badge an-" + (a || "none"), "data-answer": a || "" }, answerNames[a || ""] || a);
const isOrganiserStaff = m => m.organiser && (me.role === "clerk" || me.role === "leader");

// mtError says in Vietnamese what went wrong with a request about a meeting.
function mtError(e) {
  const m = String((e && (e.raw || e.message)) || ""); // the API's own words (api() says them in Vietnamese in e.message)
  let x;
  switch (e && e.status) {
    case 400:
      if (/the meeting has begun: its answers are closed/.test(m)) return "Cuộc họp đã bắt đầu: không trả lời giấy mời được nữa.";
      if (/the meeting has begun/.test(m)) return "Cuộc họp đã bắt đầu: không mời thêm được nữa.";
      if ((x = m.match(/"([^"]*)" is neither an agency code nor an account/))) return "“" + x[1] + "” không phải mã cơ quan trong danh mục hay tài khoản nào.";
      if ((x = m.match(/^(\S+) is a unit/))) return x[1] + " là đơn vị trực thuộc: hãy mời cơ quan hoặc mời người cụ thể.";
      if ((x = m.match(/^(\S+) organises the meeting/))) return x[1] + " là cơ quan tổ chức: hãy mời người của cơ quan theo tên đăng nhập.";
      if ((x = m.match(/^(\S+) is not cleared for (.*?):/))) return x[1] + " không được phép dự cuộc họp " + x[2] + ".";
      if ((x = m.match(/^"([^"]*)" cannot be invited/))) return "Không mời được “" + x[1] + "”: chỉ mời người của cơ quan mình theo tên đăng nhập (đã được phép xem cuộc họp); cơ quan khác hãy mời theo mã cơ quan.";
      if ((x = m.match(/^(\S+) has \d+ invitations from your agency/))) return x[1] + " đã có quá nhiều giấy mời chưa diễn ra từ cơ quan bạn (tối đa 200).";
      if (/a delegate needs a name/.test(m)) return "Hãy ghi tên người được cử dự họp.";
      if (/a meeting ends after it starts/.test(m)) return "Giờ kết thúc phải sau giờ bắt đầu.";
      if (/time "/.test(m)) return "Thời gian không hợp lệ: cần ngày và giờ.";
      if (/is not in the organiser's archive/.test(m)) return "Văn bản này không có trong kho văn bản của cơ quan tổ chức (hoặc bạn không xem được).";
      if (/agenda_item/.test(m)) return "Hãy chọn một mục trong chương trình họp.";
      if (/invite 1 to/.test(m)) return "Hãy chọn hoặc nhập ít nhất một cơ quan, người được mời (tối đa 200).";
      return (e && e.message) || "Yêu cầu không hợp lệ."; // api()'s Vietnamese (vi.js), never the API's English
    case 403: return "Bạn không có quyền thực hiện thao tác này.";
    case 404: return "Không tìm thấy cuộc họp hoặc giấy mời, hoặc bạn không xem được.";
    case 503: return "Hệ thống đang bận, chưa thực hiện gì. Hãy thử lại sau giây lát.";
    case 500: return "Lỗi hệ thống. Hãy thử lại, hoặc báo quản trị hệ thống nếu lỗi lặp lại.";
  }
  if (e instanceof TypeError) return "Không kết nối được máy chủ. Hãy kiểm tra mạng rồi thử lại.";
  return (e && e.message) || "Không thực hiện được.";
}

// ---- the week's calendar ----
async function calendarView(query) {
  const q = new URLSearchParams(query || "");
  const mon = mondayOf(/^\d{4}-\d\d-\d\d$/.test(q.get("tuan") || "") ? q.get("tuan") : today()), sun = addDays(mon, 6);
  const mine = q.get("cua-toi") === "1";
  const link = over => "#/lich-hop?" + new URLSearchParams(Object.assign({ tuan: mon }, mine ? { "cua-toi": "1" } : {}, over));
  const [own, inv] = await Promise.all([api("/meetings?" + new URLSearchParams({ from: mon, to: sun })), api("/invitations?past=1")]);
  const byID = new Map();
  for (const m of own.meetings) byID.set(m.id, Object.assign({ own: true }, m));
  for (const i of inv.invitations) {
    const day = (i.meeting.starts || "").slice(0, 10);
    if (day < mon || day > sun) continue;
    const m = byID.get(i.meeting.id) || Object.assign({}, i.meeting);
    (m.invitations = m.invitations || []).push(i);
    byID.set(m.id, m);
  }
  let ms = [...byID.values()];
  // The leader's week: the meetings they chair or are invited to (by name, or as the delegate).
  if (mine) ms = ms.filter(m => (m.invitations || []).some(i => (i.kind === "user" && i.invitee === me.name) || i.who === me.name) ||
    (m.chair && m.chair.toLocaleLowerCase("vi").includes(me.name.toLocaleLowerCase("vi"))));
  ms.sort((a, b) => (a.starts || "").localeCompare(b.starts || ""));
  main.append(el("div", { class: "titlebar" }, el("h1", {}, mine ? "Lịch họp của tôi" : "Lịch họp"),
    el("p", { class: "weeknav" }, el("a", { class: "button secondary", id: "prev-week", href: link({ tuan: addDays(mon, -7) }) }, "‹ Tuần trước"), " ",
      el("a", { class: "button secondary", href: link({ tuan: mondayOf(today()) }) }, "Tuần này"), " ",
      el("a", { class: "button secondary", id: "next-week", href: link({ tuan: addDays(mon, 7) }) }, "Tuần sau ›"), " ",
      weekJump(d => { location.hash = link({ tuan: mondayOf(d) }); }))),
    el("nav", { class: "tabs", "aria-label": "Lịch của ai" },
      el("a", { href: "#/lich-hop?" + new URLSearchParams({ tuan: mon }), "aria-current": mine ? false : "page" }, "Cả cơ quan"),
      el("a", { href: "#/lich-hop?" + new URLSearchParams({ tuan: mon, "cua-toi": "1" }), "aria-current": mine ? "page" : false }, "Tôi chủ trì hoặc được mời")),
    el("p", { class: "hint", id: "week" }, "Tuần từ " + vnDate(mon) + " đến " + vnDate(sun) + ": " + (ms.length ? ms.length + " cuộc họp." : "không có cuộc họp nào.")));
  const grid = el("div", { class: "week", id: "calendar" });
  for (let d = 0; d < 7; d++) {
    const day = addDays(mon, d), here = ms.filter(m => (m.starts || "").slice(0, 10) === day);
    grid.append(el("section", { class: "day" + (day === today() ? " today" : ""), "data-day": day, "aria-label": weekdays[d] + " " + vnDate(day) },
      el("h2", {}, weekdays[d], el("span", { class: "hint" }, " " + vnDate(day).slice(0, 5))),
      here.length ? here.map(m => el("article", { class: "mt" + (m.own ? " own" : " invited"), "data-meeting": m.id },
        el("div", { class: "mt-time" }, (m.starts || "").slice(11, 16) + (m.ends ? "–" + m.ends.slice(11, 16) : "")),
        el("a", { href: "#/cuoc-hop/" + m.id }, m.subject || "(chưa có nội dung)"),
        m.place ? el("div", { class: "hint" }, m.place) : null,
        m.chair ? el("div", { class: "hint" }, "Chủ trì: " + m.chair) : null,
        !m.own ? el("div", { class: "hint" }, "Được mời" + (m.organiser_name ? " · " + m.organiser_name : ""), " ", answerBadge((m.invitations[0] || {}).answer)) : null))
        : el("p", { class: "hint empty-day" }, "Không có")));
  }
  main.append(grid);
}

// ---- one meeting ----
async function meetingView(id) {
  const [m, dir] = await Promise.all([api("/meetings/" + id), directory().catch(() => noDirectory)]);
  const reload = msg => { if (msg) toast(msg); route(); };
  const row = (k, ...v) => [el("dt", {}, k), el("dd", {}, ...v)];
  const who = i => i.kind === "agency" ? dir.name(i.invitee) : i.invitee + (i.agency && i.agency !== m.agency ? " (" + dir.name(i.agency) + ")" : "");
  main.append(el("p", { class: "crumbs" }, el("a", { href: "#/lich-hop?" + new URLSearchParams({ tuan: mondayOf((m.starts || today()).slice(0, 10)) }) }, "← Lịch họp")),
    el("h1", {}, m.subject || "Cuộc họp"),
    el("dl", { class: "casehead", id: "meeting-head" },
      row("Thời gian", el("span", { id: "mt-starts" }, mtTime(m.starts)), m.ends ? " – " + mtTime(m.ends) : ""),
      row("Địa điểm", el("span", { id: "mt-place" }, m.place || "—")),
      row("Chủ trì", m.chair || "—"),
      row("Cơ quan tổ chức", dir.name(m.agency)),
      m.secrecy ? row("Độ mật", el("strong", {}, m.secrecy)) : null,
      m.document_id ? row("Giấy mời", el("a", { href: "#/van-ban/" + m.document_id }, "Xem giấy mời")) : null));
  // The agenda with its papers.
  const agenda = m.agenda.length ? m.agenda : [m.subject];
  main.append(el("h2", {}, "Chương trình và tài liệu"), el("ol", { class: "agenda", id: "agenda" }, agenda.map((a, i) => {
    const papers = m.papers.filter(p => p.agenda_item === i + 1);
    return el("li", {}, a, papers.length ? el("ul", {}, papers.map(p => el("li", { "data-paper": p.document_id },
      el("a", { href: "/api/v1/meetings/" + id + "/papers/" + p.document_id + "/file" }, [[p.number, p.symbol].filter(Boolean).join("/"), p.subject || p.file].filter(Boolean).join(" — ")),
      m.organiser ? [" ", el("a", { class: "hint", href: "#/van-ban/" + p.document_id }, "(văn bản)")] : null))) : null);
  })));
  // Answers.
  main.append(el("h2", {}, m.organiser ? "Thành phần mời và trả lời" : "Giấy mời của bạn"));
  if (!m.invitations.length) main.append(el("p", { class: "empty", id: "no-invitations" }, "Chưa mời cơ quan, người nào qua hệ thống."));
  else {
    const L = "data-label";
    main.append(el("table", { class: "stack", id: "invitations" },
      el("thead", {}, el("tr", {}, ["Được mời", "Trả lời", "Người dự", "Ghi chú", "Trả lời lúc"].map(h => el("th", { scope: "col" }, h)))),
      el("tbody", {}, m.invitations.map(i => el("tr", { "data-invitee": i.invitee, "data-answer": i.answer },
        el("td", { [L]: "Được mời" }, who(i)), el("td", { [L]: "Trả lời" }, answerBadge(i.answer)),
        el("td", { [L]: "Người dự" }, i.who || (i.answer === "attend" && i.kind === "user" ? i.invitee : "—")),
        el("td", { [L]: "Ghi chú" }, i.note || ""), el("td", { [L]: "Trả lời lúc" }, i.answered_at ? vnStamp(i.answered_at) + (i.answered_by ? " (" + i.answered_by + ")" : "") : "—"))))));
    if (!m.organiser) for (const i of m.invitations) main.append(answerForm(i, () => reload("Đã gửi trả lời giấy mời.")));
  }
  if (m.organiser) main.append(el("p", { id: "not-answered" }, m.not_answered.length
    ? [el("strong", {}, "Chưa trả lời: "), m.not_answered.map(c => dir.name(c)).join(", ") + "."] : "Mọi nơi được mời đã trả lời."));
  if (m.invitees.length) main.append(el("details", { class: "redirect" }, el("summary", {}, "Thành phần ghi trên giấy mời (" + m.invitees.length + ")"),
    el("ul", {}, m.invitees.map(x => el("li", {}, x.name, x.code ? el("span", { class: "hint" }, " → " + dir.name(x.code)) : null)))));
  // The conclusion and its tasks.
  main.append(el("h2", {}, "Kết luận cuộc họp"));
  const c = m.conclusion;
  if (!c) main.append(el("p", { class: "empty", id: "no-conclusion" }, "Chưa có thông báo kết luận."));
  else main.append(el("p", { id: "conclusion" }, el("a", { href: "#/van-ban/" + c.document_id }, [[c.number, c.symbol].filter(Boolean).join("/"), c.subject].filter(Boolean).join(" — ")),
    c.issued_at ? " (" + vnDate(c.issued_at) + ")" : ""),
    c.tasks.length ? el("table", { class: "stack", id: "conclusion-tasks" }, el("thead", {}, el("tr", {}, ["Đơn vị, người thực hiện", "Nhiệm vụ", "Hạn", "Tình trạng"].map(h => el("th", { scope: "col" }, h)))),
      el("tbody", {}, c.tasks.map(t => el("tr", {}, el("td", { "data-label": "Thực hiện" }, t.assignee_name || t.assignee), el("td", { "data-label": "Nhiệm vụ" }, t.task),
        el("td", { "data-label": "Hạn" }, vnDate(t.due) || "—"), el("td", { "data-label": "Tình trạng" }, t.status === "done" ? "Đã xong" : "Đang thực hiện")))))
      : el("p", { class: "hint" }, "Thông báo kết luận không giao nhiệm vụ nào."));
  if (isOrganiserStaff(m)) main.append(el("div", { class: "cards", id: "organiser-forms" }, inviteForm(id, dir, m, reload), changeForm(id, m, reload),
    me.role === "clerk" ? paperForm(id, agenda, reload) : null));
}

// inviteForm invites agencies of the directory (checked) or persons (their account names).
function inviteForm(id, dir, m, reload) {
  const invited = new Set(m.invitations.map(i => i.invitee));
  const agencies = dir.list.filter(a => a.kind !== "unit" && a.code !== m.agency && !invited.has(a.code)).sort((a, b) => a.name.localeCompare(b.name, "vi"));
  const checks = el("div", { class: "checks", id: "inv-agencies" }, agencies.length ? agencies.map((a, i) => el("label", {},
    el("input", { type: "checkbox", value: a.code, id: "inv-a-" + i }), a.name)) : el("p", { class: "hint" }, "Không còn cơ quan nào trong danh mục để mời."));
  const users = el("input", { id: "inv-users", autocomplete: "off", spellcheck: "false", placeholder: "tên đăng nhập, cách nhau bằng dấu phẩy" });
  const err = el("p", { class: "error", role: "alert" });
  const btn = el("button", { type: "submit", id: "inv-send" }, "Mời");
  return el("form", { id: "invite-form", class: "action card", novalidate: true, onsubmit: async ev => {
    ev.preventDefault();
    err.textContent = "";
    const to = [...checks.querySelectorAll("input:checked")].map(i => i.value).concat(users.value.split(",").map(s => s.trim()).filter(Boolean));
    if (!to.length) { err.textContent = "Hãy chọn cơ quan hoặc nhập tên đăng nhập người được mời."; return; }
    btn.disabled = true;
    try { await api("/meetings/" + id + "/invitations", { method: "POST", body: JSON.stringify({ to }) }); reload("Đã gửi giấy mời đến " + to.length + " nơi."); }
    catch (e) { err.textContent = mtError(e); btn.disabled = false; }
  } }, el("h2", {}, "Mời họp"), el("fieldset", { class: "coop" }, el("legend", {}, "Cơ quan"), checks),
    el("label", { for: "inv-users" }, "Hoặc người của cơ quan mình (tên đăng nhập; cơ quan khác được mời theo cơ quan và tự cử người dự)"), users, el("p", {}, btn), err);
}

// changeForm changes the time or the place; everyone invited is told.
function changeForm(id, m, reload) {
  const starts = el("input", { type: "datetime-local", id: "mt-new-starts", value: (m.starts || "").slice(0, 16) });
  const ends = el("input", { type: "datetime-local", id: "mt-new-ends", value: (m.ends || "").slice(0, 16) });
  const place = el("input", { id: "mt-new-place", value: m.place || "", maxlength: 500 });
  const err = el("p", { class: "error", role: "alert" });
  return el("form", { id: "change-form", class: "action card", novalidate: true, onsubmit: async ev => {
    ev.preventDefault();
    err.textContent = "";
    const body = {};
    if (starts.value && starts.value !== (m.starts || "").slice(0, 16)) body.starts = starts.value;
    if (ends.value !== (m.ends || "").slice(0, 16)) body.ends = ends.value;
    if (place.value.trim() && place.value.trim() !== m.place) body.place = place.value.trim();
    if (!Object.keys(body).length) { err.textContent = "Chưa thay đổi thời gian hay địa điểm."; return; }
    try { await api("/meetings/" + id, { method: "PATCH", body: JSON.stringify(body) }); reload("Đã đổi lịch họp; mọi nơi được mời được báo."); }
    catch (e) { err.textContent = mtError(e); }
  } }, el("h2", {}, "Đổi thời gian, địa điểm"), el("label", { for: "mt-new-starts" }, "Bắt đầu"), starts,
    el("label", { for: "mt-new-ends" }, "Kết thúc"), ends, el("label", { for: "mt-new-place" }, "Địa điểm"), place,
    el("p", { class: "hint" }, "Mọi nơi được mời (cả nơi đã báo không dự) sẽ được thông báo."), el("p", {}, el("button", { type: "submit", id: "change-send" }, "Lưu thay đổi")), err);
}

// paperForm links a document of the archive to an agenda item.
function paperForm(id, agenda, reload) {
  const doc = el("input", { id: "paper-doc", inputmode: "numeric", maxlength: 20, autocomplete: "off", "aria-describedby": "paper-hint" });
  const item = el("select", { id: "paper-item" }, agenda.map((a, i) => el("option", { value: i + 1 }, (i + 1) + ". " + a)));
  const err = el("p", { class: "error", role: "alert" });
  return el("form", { id: "paper-form", class: "action card", novalidate: true, onsubmit: async ev => {
    ev.preventDefault();
    err.textContent = "";
    if (!/^\d{1,18}$/.test(doc.value.trim())) { err.textContent = "Mã văn bản là một số (xem ở địa chỉ trang văn bản, ví dụ #/van-ban/123)."; doc.focus(); return; }
    try {
      await api("/meetings/" + id + "/papers", { method: "POST", body: JSON.stringify({ document_id: Number(doc.value.trim()), agenda_item: Number(item.value) }) });
      reload("Đã thêm tài liệu họp.");
    } catch (e) { err.textContent = mtError(e); }
  } }, el("h2", {}, "Thêm tài liệu họp"), el("label", { for: "paper-doc" }, "Mã văn bản"), doc,
    el("p", { class: "hint", id: "paper-hint" }, "Văn bản trong kho của cơ quan, ví dụ số ở cuối địa chỉ #/van-ban/123."),
    el("label", { for: "paper-item" }, "Thuộc mục"), item, el("p", {}, el("button", { type: "submit", id: "paper-send" }, "Thêm")), err);
}

// canAnswer: the invited person, or a clerk or leader of the invited agency.
const canAnswer = i => i.kind === "user" ? i.invitee === me.name : (me.role === "clerk" || me.role === "leader") && i.agency === me.agency;

// answerForm is an invitation's one-click answers: attend, decline, or send someone (named).
function answerForm(i, done) {
  const box = el("div", { class: "answers", "data-invitation": i.id });
  if (!canAnswer(i)) { box.append(el("p", { class: "hint" }, "Văn thư hoặc lãnh đạo cơ quan trả lời giấy mời này.")); return box; }
  const err = el("p", { class: "error", role: "alert" });
  const whoIn = el("input", { id: "who-" + i.id, class: "who", maxlength: 200, autocomplete: "off", placeholder: "Họ tên hoặc tên đăng nhập", value: i.answer === "delegate" ? i.who : "" });
  const send = async (answer, btns) => {
    err.textContent = "";
    const body = { answer };
    if (answer === "delegate") {
      body.who = whoIn.value.trim();
      if (!body.who) { err.textContent = "Hãy ghi tên người được cử dự họp."; whoIn.focus(); return; }
    }
    btns.forEach(b => { b.disabled = true; });
    try { await api("/invitations/" + i.id, { method: "POST", body: JSON.stringify(body) }); done(answer); }
    catch (e) { err.textContent = mtError(e); btns.forEach(b => { b.disabled = false; }); }
  };
  const delegate = el("div", { class: "delegate", hidden: i.answer !== "delegate" }, el("label", { for: "who-" + i.id }, "Người được cử dự"), whoIn, " ",
    el("button", { type: "button", class: "send-delegate", onclick: e => send("delegate", [e.currentTarget]) }, "Gửi"));
  const b = (answer, text, extra) => el("button", Object.assign({ type: "button", "data-answer": answer, class: i.answer === answer ? "" : "secondary",
    "aria-pressed": i.answer === answer ? "true" : "false" }, extra), text);
  const attend = b("attend", "Tham dự"), decline = b("decline", "Không tham dự"),
    del = b("delegate", "Cử người dự…", { onclick: () => { delegate.hidden = false; whoIn.focus(); } });
  attend.addEventListener("click", () => send("attend", [attend, decline, del]));
  decline.addEventListener("click", () => send("decline", [attend, decline, del]));
  box.append(el("p", { class: "buttons" }, attend, " ", decline, " ", del), delegate, err);
  return box;
}

// ---- the invitations reaching me ----
async function invitationsView(query) {
  const past = new URLSearchParams(query || "").get("cu") === "1";
  const r = await api("/invitations" + (past ? "?past=1" : ""));
  main.append(el("div", { class: "titlebar" }, el("h1", {}, "Giấy mời họp"),
    el("a", { class: "button secondary", href: past ? "#/giay-moi" : "#/giay-moi?cu=1" }, past ? "Chỉ cuộc họp sắp tới" : "Xem cả cuộc họp đã qua")));
  if (!r.invitations.length) { main.append(el("p", { class: "empty", id: "invitations-none" }, "Không có giấy mời nào.")); return; }
  const list = el("ul", { class: "files", id: "my-invitations" });
  const draw = (i, li) => {
    const m = i.meeting;
    li.replaceChildren(el("div", { class: "mt-time" }, mtTime(m.starts), m.place ? " · " + m.place : ""),
      el("a", { href: "#/cuoc-hop/" + m.id }, el("strong", {}, m.subject || "Cuộc họp")),
      el("div", { class: "hint" }, "Cơ quan tổ chức: " + (m.organiser_name || m.organiser) + (m.chair ? " · Chủ trì: " + m.chair : ""),
        " · Mời: " + (i.kind === "user" ? i.invitee : "cơ quan")),
      el("div", {}, "Trả lời: ", answerBadge(i.answer), i.who ? " — " + i.who : ""),
      (m.starts || "") > new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 16) ? answerForm(i, answer => {
        toast("Đã trả lời: " + answerNames[answer] + ".");
        api("/invitations" + (past ? "?past=1" : "")).then(r2 => {
          const n = r2.invitations.find(x => x.id === i.id);
          if (n) { draw(n, li); li.dataset.answer = n.answer; }
        });
      }) : el("p", { class: "hint" }, "Cuộc họp đã bắt đầu: không trả lời được nữa."));
  };
  for (const i of r.invitations) {
    const li = el("li", { "data-invitation": i.id, "data-meeting": i.meeting.id, "data-answer": i.answer });
    draw(i, li);
    list.append(li);
  }
  main.append(list);
}

// ---- notices: the bell in the header, and the list ----
async function noticesView() {
  const r = await api("/notices");
  main.append(el("h1", {}, "Thông báo"));
  if (!r.notices.length) { main.append(el("p", { class: "empty" }, "Chưa có thông báo nào.")); return; }
  main.append(el("ul", { class: "files", id: "notices" }, r.notices.map(n => el("li", { class: n.read ? "read" : "unread", "data-kind": n.kind },
    el("div", { class: "hint" }, vnStamp(n.created_at), n.read ? "" : " · mới"),
    n.link && n.link.startsWith("#/") ? el("a", { href: n.link, onclick: () => { api("/notices/" + n.id + "/read", { method: "POST" }).catch(() => {}); } }, el("strong", {}, n.subject))
      : el("strong", {}, n.subject),
    n.body ? el("p", {}, n.body) : null))));
  // Seen: read all shown.
  for (const n of r.notices) if (!n.read) api("/notices/" + n.id + "/read", { method: "POST" }).catch(() => {});
}

async function refreshBell() {
  const bell = $("#bell");
  if (!bell || !me) return;
  try {
    const r = await api("/notices?unread=1&limit=100");
    const n = r.notices.length;
    $("#bell-n").textContent = n ? (n >= 100 ? "99+" : String(n)) : "";
    bell.dataset.unread = n;
    bell.setAttribute("aria-label", n ? "Thông báo: " + n + " chưa đọc" : "Thông báo: không có thông báo mới");
  } catch { /* the bell waits for the next look */ }
}
// Looked at each time a screen is drawn, and every minute.
new MutationObserver(() => { if (document.body.dataset.view) refreshBell(); }).observe(document.body, { attributes: true, attributeFilter: ["data-view"] });
setInterval(refreshBell, 60000);

// weekJump goes to the week of a day typed dd/mm/yyyy: a meeting months
// away is one step, not a hundred "Tuần trước".
function weekJump(go) {
  const day = el("input", { type: "text", id: "week-day", size: 10, inputmode: "numeric", placeholder: "dd/mm/yyyy", "aria-label": "Đến tuần có ngày" });
  const f = el("form", { class: "inline", id: "week-jump", onsubmit: e => {
    e.preventDefault();
    const m = day.value.trim().match(/^(\d{1,2})\/(\d{1,2})\/(\d{4})$/);
    const iso = m && `${m[3]}-${m[2].padStart(2, "0")}-${m[1].padStart(2, "0")}`;
    if (!iso || isNaN(Date.parse(iso + "T00:00:00Z")) || new Date(iso + "T00:00:00Z").getUTCDate() !== +m[1]) {
      toast("Ngày không hợp lệ: hãy gõ theo dạng dd/mm/yyyy, ví dụ 13/07/2023.");
      day.focus();
      return;
    }
    go(iso);
  } }, el("label", { for: "week-day" }, "Đến tuần có ngày "), day, " ", el("button", { type: "submit", class: "secondary" }, "Xem"));
  return f;
}
