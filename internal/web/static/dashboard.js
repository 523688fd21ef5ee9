// Văn thư số: the leader's dashboard (#/tong-quan?tu=…&den=…) and the
// summary (#/tom-tat?ky=…&ngay=…). Every number opens what it counts: the
// register filtered to a month, a type or an issuer (#/so-den?from=…&
// to=…&type=…&issuer=…, the register's own keys), the review queue, the
// tasks behind a count. Loaded after app.js, whose helpers (el, api,
// main, vnDate, today, typeNames, routes) it uses; its own names start
// with dash or sum, so as not to meet another script's.
"use strict";

routes.push([/^#\/tong-quan(?:\?(.*))?$/, dashboardView], [/^#\/tom-tat(?:\?(.*))?$/, summaryView]);

// dashIso reads a day typed dd/mm/yyyy (or ISO); "" when empty, null when not a day.
function dashIso(s) {
  s = (s || "").trim();
  if (!s) return "";
  const m = s.match(/^(\d{1,2})[\/.-](\d{1,2})[\/.-](\d{4})$/);
  if (m) s = m[3] + "-" + m[2].padStart(2, "0") + "-" + m[1].padStart(2, "0");
  if (!/^\d{4}-\d\d-\d\d$/.test(s)) return null;
  const d = new Date(s + "T00:00:00Z");
  return isNaN(d) || d.toISOString().slice(0, 10) !== s ? null : s;
}

// dashDay is a day field written dd/mm/yyyy, with the calendar beside it.
function dashDay(id, label, iso) {
  const text = el("input", { type: "text", id, inputmode: "numeric", placeholder: "dd/mm/yyyy", size: 10, value: vnDate(iso || ""),
    title: "Ngày theo dạng dd/mm/yyyy, ví dụ 20/03/2025", autocomplete: "off" });
  const pick = el("input", { type: "date", class: "dash-pick", "aria-label": label + ": chọn trên lịch", tabindex: "-1", value: iso || "",
    onchange: () => { text.value = vnDate(pick.value); } });
  text.addEventListener("change", () => { const v = dashIso(text.value); if (v) pick.value = v; });
  return { text, box: el("div", {}, el("label", { for: id }, label), el("span", { class: "dash-day" }, text, pick)) };
}

const dashShift = (iso, months, days = 0) => {
  const d = new Date(iso + "T00:00:00Z");
  d.setUTCMonth(d.getUTCMonth() + months, months ? 1 : d.getUTCDate());
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};
const dashMonthEnd = ym => dashShift(ym + "-01", 1, -1);
// dashMonth writes "2026-12" as "T12/2026".
const dashMonth = ym => /^\d{4}-\d\d$/.test(ym) ? "T" + ym.slice(5) + "/" + ym.slice(0, 4) : ym;

// dashMonths are the months of [from, to], every one (a month with
// nothing is a bar of 0, not a gap), with the counts of xs.
function dashMonths(from, to, xs) {
  const by = new Map(xs.map(x => [x.label, x.n]));
  const out = [];
  for (let m = from.slice(0, 7); m <= to.slice(0, 7) && out.length < 240; m = dashShift(m + "-01", 1).slice(0, 7)) out.push({ label: m, n: by.get(m) || 0 });
  return out;
}

// dashBars is a chart as a list of bars, each number a link: label, bar
// and count readable at any width.
function dashBars(id, title, rows, color, href, name = x => x.label) {
  const total = rows.reduce((a, x) => a + x.n, 0), max = Math.max(1, ...rows.map(x => x.n));
  const body = total === 0 ? el("p", { class: "dash-empty" }, "Chưa có văn bản trong khoảng này.")
    : el("ol", { class: "dash-bars", "aria-label": title }, rows.map(x => el("li", { "data-label": x.label },
      el("span", { class: "dash-label" }, name(x)),
      el("span", { class: "dash-track", "aria-hidden": "true" }, el("span", { class: "dash-bar", style: `width:${(100 * x.n / max).toFixed(1)}%;background:${color}` })),
      x.n ? el("a", { class: "dash-n", href: href(x), title: "Xem " + x.n + " văn bản: " + name(x) }, x.n) : el("span", { class: "dash-n zero" }, "0"))));
  return el("section", { class: "card dash-chart", id }, el("h2", {}, title), body);
}

const dashRegister = (book, params) => "#/" + book + "?" + new URLSearchParams(Object.entries(params).filter(([, v]) => v));

async function dashboardView(query) {
  const q = new URLSearchParams(query || "");
  const ask = new URLSearchParams();
  if (dashIso(q.get("tu"))) ask.set("from", q.get("tu"));
  if (dashIso(q.get("den"))) ask.set("to", q.get("den"));
  const d = await api("/dashboard?" + ask);
  document.title = "Tổng quan — Văn thư số";
  const from = d.from, to = d.to, total = xs => xs.reduce((a, x) => a + x.n, 0);
  const span = { from, to };
  // The register's days are those of the month within the range.
  const monthSpan = ym => ({ from: ym + "-01" < from ? from : ym + "-01", to: dashMonthEnd(ym) > to ? to : dashMonthEnd(ym) });

  // The range, kept in the address.
  const f = dashDay("dash-from", "Từ ngày", from), t = dashDay("dash-to", "Đến ngày", to);
  const err = el("p", { class: "error", role: "alert", id: "dash-error" });
  const goRange = (a, b) => { const h = "#/tong-quan?" + new URLSearchParams({ tu: a, den: b }); if (h === location.hash) route(); else location.hash = h; };
  const now = today();
  const presets = [["Tháng này", now.slice(0, 7) + "-01"], ["3 tháng", dashShift(now, -2)], ["12 tháng", dashShift(now, -11)], ["Năm nay", now.slice(0, 4) + "-01-01"]];
  const form = el("form", { class: "inline dash-range", id: "dash-range", onsubmit: e => {
    e.preventDefault();
    const a = dashIso(f.text.value), b = dashIso(t.text.value);
    if (!a || !b) { err.textContent = "Ngày không hợp lệ: hãy gõ theo dạng dd/mm/yyyy, ví dụ 20/03/2025."; (a ? t : f).text.focus(); return; }
    if (b < a) { err.textContent = "Ngày kết thúc trước ngày bắt đầu."; t.text.focus(); return; }
    goRange(a, b);
  } }, f.box, t.box, el("button", { type: "submit" }, "Xem"),
    el("div", { class: "dash-presets" }, presets.map(([n, a]) => el("button", { type: "button", class: "secondary", onclick: () => goRange(a, now) }, n))));

  const inTotal = total(d.in_by_month), outTotal = total(d.out_by_month), overdueTotal = total(d.tasks_overdue);
  const tasksBox = el("div", { id: "dash-task-list", "aria-live": "polite" });
  const showTasks = (title, list) => {
    tasksBox.replaceChildren(el("h3", {}, title + " (" + list.length + ")"), list.length ? el("ul", { class: "dash-tasks" }, list.map(x => el("li", { "data-task": x.id },
      el("strong", {}, x.unit), ": ", x.task, x.due ? " — hạn " + vnDate(x.due) : "", " · ",
      el("a", { href: "#/van-ban/" + x.document_id }, "Mở văn bản")))) : el("p", { class: "dash-empty" }, "Không có nhiệm vụ."));
    tasksBox.scrollIntoView({ block: "nearest" });
    const a = tasksBox.querySelector("a"); if (a) a.focus();
  };
  const countBtn = (n, cls, title, list) => n ? el("button", { type: "button", class: "dash-link dash-count " + cls, onclick: () => showTasks(title, list) }, n) : el("span", { class: "dash-n zero" }, "0");
  const card = (label, n, link, cls = "") => el("div", { class: "card dash-stat" }, el("div", {}, label), link ? link : el("div", { class: "big " + cls }, n));

  const units = [...new Set([...d.tasks_overdue, ...d.tasks_due].map(x => x.label))];
  const nOf = (xs, a) => (xs.find(x => x.label === a) || { n: 0 }).n;
  const tasksCard = el("section", { class: "card", id: "dash-tasks" }, el("h2", {}, "Nhiệm vụ theo đơn vị được giao"),
    units.length ? el("table", {}, el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Đơn vị"), el("th", { scope: "col" }, "Còn hạn"), el("th", { scope: "col" }, "Quá hạn"))),
      el("tbody", {}, units.map(a => el("tr", { "data-unit": a }, el("td", {}, a),
        el("td", {}, countBtn(nOf(d.tasks_due, a), "due", "Nhiệm vụ còn hạn của " + a, d.due_tasks.filter(x => x.unit === a))),
        el("td", {}, countBtn(nOf(d.tasks_overdue, a), "overdue", "Nhiệm vụ quá hạn của " + a, d.overdue.filter(x => x.unit === a))))))) :
      el("p", { class: "dash-empty" }, "Không có nhiệm vụ đang mở."), tasksBox);

  const typeName = x => typeNames[x.label] || (x.label ? "Văn bản " + x.label : "Chưa rõ loại");
  main.append(el("h1", {}, "Tổng quan"),
    el("p", { class: "hint", id: "dash-span" }, "Từ ngày " + vnDate(from) + " đến ngày " + vnDate(to) + ". Bấm vào một con số để xem các văn bản."), form, err,
    el("div", { class: "cards" },
      card("Văn bản đến", inTotal, el("a", { class: "big", id: "in-total", href: dashRegister("so-den", span) }, inTotal)),
      card("Văn bản đi", outTotal, el("a", { class: "big", id: "out-total", href: dashRegister("so-di", span) }, outTotal)),
      card("Chờ duyệt", d.waiting_review, me && (me.role === "clerk" || me.role === "leader") ? el("a", { class: "big", id: "review-total", href: "#/duyet" }, d.waiting_review) : null),
      card("Nhiệm vụ quá hạn", overdueTotal, overdueTotal ? el("button", { type: "button", class: "dash-link big error", id: "overdue-total",
        onclick: () => showTasks("Tất cả nhiệm vụ quá hạn", d.overdue) }, overdueTotal) : null, "error")),
    el("div", { class: "cards" },
      dashBars("dash-in-month", "Văn bản đến theo tháng", dashMonths(from, to, d.in_by_month), "#0b4f8a", x => dashRegister("so-den", monthSpan(x.label)), x => dashMonth(x.label)),
      dashBars("dash-out-month", "Văn bản đi theo tháng", dashMonths(from, to, d.out_by_month), "#1d6b2a", x => dashRegister("so-di", monthSpan(x.label)), x => dashMonth(x.label)),
      dashBars("dash-in-type", "Văn bản đến theo loại", d.in_by_type, "#6a3d9a", x => dashRegister("so-den", { ...span, type: x.label }), typeName),
      dashBars("dash-in-issuer", "Cơ quan gửi nhiều văn bản đến nhất", d.in_by_issuer, "#8a4b00", x => dashRegister("so-den", { ...span, issuer: x.label }), x => x.label || "Chưa rõ")),
    el("div", { class: "cards" }, tasksCard,
      el("section", { class: "card" }, el("h2", {}, "Lịch họp tuần này"), d.meetings_week.length ? el("ul", {}, d.meetings_week.map(m => el("li", {},
        el("a", { href: m.id ? "#/cuoc-hop/" + m.id : "#/van-ban/" + m.document_id }, vnDate(m.starts) + (m.starts.length > 10 ? " " + m.starts.slice(11, 16) : "")),
        " — " + (m.subject ? m.subject + ", " : "") + m.place + (m.chair ? " (chủ trì: " + m.chair + ")" : "")))) : el("p", { class: "dash-empty" }, "Không có cuộc họp.")),
      d.regimes && d.regimes.length ? regimesCard(d.regimes) : legacyReportsCard(d.reports)));
}

// regimesCard is the dashboard's part of the reporting system: each
// regime the agency receives at its latest period due, who is missing;
// each count opens the regime's period.
function regimesCard(rs) {
  return el("section", { class: "card", id: "dash-regimes" }, el("h2", {}, "Chế độ báo cáo"),
    el("table", {}, el("tr", {}, ["Chế độ", "Kỳ", "Hạn", "Đúng hạn", "Trễ hạn", "Chờ xác nhận", "Chưa báo cáo"].map(h => el("th", { scope: "col" }, h))),
      rs.map(r => {
        const href = "#/bao-cao/" + r.id + "?ky=" + encodeURIComponent(r.period), n = v => v ? el("a", { href }, v) : "0";
        return el("tr", { "data-regime": r.id },
          el("td", {}, el("a", { href }, r.name)), el("td", {}, r.period_label), el("td", {}, r.due ? vnDate(r.due) : "—"),
          el("td", {}, n(r.on_time)), el("td", {}, n(r.late)), el("td", {}, n(r.doubtful)),
          el("td", { class: r.missing && r.overdue ? "error" : false }, r.missing ? [el("a", { href }, r.missing), ": " + r.missing_names.join("; ")] : "0"));
      })));
}

// legacyReportsCard is the reports received before any regime was
// declared, by the period the subject names.
function legacyReportsCard(reports) {
  const kinds = { monthly: "Tháng", quarterly: "Quý", semiannual: "6 tháng", annual: "Năm", thematic: "Chuyên đề", "ad hoc": "Đột xuất" };
  return el("section", { class: "card" }, el("h2", {}, "Báo cáo đã nhận"), reports.length ? el("table", {}, el("tr", {}, ["Loại", "Kỳ", "Đã nhận", "Trễ hạn", "Chưa báo cáo"].map(h => el("th", { scope: "col" }, h))),
    reports.map(r => el("tr", {}, el("td", {}, kinds[r.regime] || "Khác"), el("td", {}, r.period), el("td", {}, r.received), el("td", {}, r.late), el("td", {}, r.missing.join(", "))))) :
    el("p", { class: "dash-empty" }, "Chưa có báo cáo định kỳ. Quản trị viên khai báo chế độ báo cáo tại ", el("a", { href: "#/bao-cao" }, "Báo cáo"), "."));
}

// ---- summary ----
// #/tom-tat?ky=week&ngay=2025-03-15: headings, each a lead and a short list.
async function summaryView(query) {
  const q = new URLSearchParams(query || "");
  const kind = ["day", "week", "month"].includes(q.get("ky")) ? q.get("ky") : "week";
  const day = dashIso(q.get("ngay")) || today();
  document.title = "Tóm tắt tình hình — Văn thư số";
  const period = el("select", { id: "period" }, [["day", "Ngày"], ["week", "Tuần"], ["month", "Tháng"]].map(([v, n]) => el("option", { value: v, selected: v === kind }, n)));
  const date = dashDay("date", "Ngày", day);
  const err = el("p", { class: "error", role: "alert", id: "sum-error" });
  const p = new URLSearchParams({ period: kind, date: day });
  const s = await api("/summary?" + p);
  const form = el("form", { class: "inline", id: "sum-form", onsubmit: e => {
    e.preventDefault();
    const v = dashIso(date.text.value);
    if (!v) { err.textContent = "Ngày không hợp lệ: hãy gõ theo dạng dd/mm/yyyy, ví dụ 20/03/2025."; date.text.focus(); return; }
    const h = "#/tom-tat?" + new URLSearchParams({ ky: period.value, ngay: v });
    if (h === location.hash) route(); else location.hash = h;
  } }, el("div", {}, el("label", { for: "period" }, "Kỳ"), period), date.box, el("button", { type: "submit" }, "Xem"));
  const secs = s.sections || [];
  const model = s.written_by === "model";
  main.append(el("h1", {}, "Tóm tắt tình hình"), form, err,
    el("p", { class: "hint", id: "sum-head" }, (s.agency_name ? s.agency_name + " · " : "") + "Từ ngày " + vnDate(s.from) + " đến ngày " + vnDate(s.to) + " · ",
      el("a", { href: "/api/v1/summary?" + p + "&format=pdf", id: "sum-pdf" }, "Tải bản PDF để in")),
    el("div", { class: "summary", id: "summary" }, secs.map((sec, i) => el("section", { class: "sum-section" },
      el("h2", {}, sec.title),
      el("p", {}, model && s.paragraphs[i] ? s.paragraphs[i] : sec.lead),
      sec.items.length ? el("ul", {}, sec.items.map(t => el("li", {}, t))) : null,
      sec.more ? el("p", { class: "hint sum-more" }, sec.more + ".") : null))));
}
