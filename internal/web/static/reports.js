// Văn thư số: the reporting system (chế độ báo cáo, Decree 09/2019) —
// the regimes an agency receives reports under and those it reports
// under, a regime's period with who reported, and the figures summed.
// Loaded after app.js, whose helpers (el, api, toast, directory, vnDate,
// today, me, routes) it uses.
"use strict";

routes.push([/^#\/bao-cao$/, regimesView], [/^#\/bao-cao\/(\d+)(?:\?(.*))?$/, regimeView], [/^#\/toan-thanh-pho(?:\?(.*))?$/, cityView]);

const regimeKinds = { month: "Tháng", quarter: "Quý", half: "6 tháng", year: "Năm", once: "Một lần" };
const reporterStatuses = { on_time: "Đúng hạn", late: "Trễ hạn", doubtful: "Chờ xác nhận", missing: "Chưa báo cáo" };
const romans = ["", "I", "II", "III", "IV"];

// periodName is a period as Vietnamese offices write it: "Tháng 3/2025",
// "Quý I/2025", "6 tháng đầu năm 2025", "Năm 2025".
function periodName(p) {
  let m;
  if (!p) return "";
  if (p === "once") return "Một lần";
  if ((m = p.match(/^(\d{4})-(\d\d)$/))) return "Tháng " + +m[2] + "/" + m[1];
  if ((m = p.match(/^(\d{4})-Q([1-4])$/))) return "Quý " + romans[+m[2]] + "/" + m[1];
  if ((m = p.match(/^(\d{4})-H([12])$/))) return "6 tháng " + (m[2] === "1" ? "đầu" : "cuối") + " năm " + m[1];
  if ((m = p.match(/^(\d{4})$/))) return "Năm " + m[1];
  return p;
}

// periodsBefore are the regime's periods up to the current one, newest first.
function periodsBefore(kind, current, n) {
  let m;
  const out = [];
  if (kind === "once" || !current) return [current || "once"];
  if (kind === "month" && (m = current.match(/^(\d{4})-(\d\d)$/))) {
    for (let y = +m[1], mo = +m[2], i = 0; i < n; i++) {
      out.push(y + "-" + String(mo).padStart(2, "0"));
      if (--mo === 0) { mo = 12; y--; }
    }
  } else if (kind === "quarter" && (m = current.match(/^(\d{4})-Q([1-4])$/))) {
    for (let y = +m[1], q = +m[2], i = 0; i < n; i++) { out.push(y + "-Q" + q); if (--q === 0) { q = 4; y--; } }
  } else if (kind === "half" && (m = current.match(/^(\d{4})-H([12])$/))) {
    for (let y = +m[1], h = +m[2], i = 0; i < n; i++) { out.push(y + "-H" + h); if (--h === 0) { h = 2; y--; } }
  } else if (kind === "year" && (m = current.match(/^(\d{4})$/))) {
    for (let y = +m[1], i = 0; i < n; i++) out.push(String(y - i));
  } else out.push(current);
  return out;
}

// dueRule is a regime's due day in words.
function dueRule(r) {
  let m;
  if (r.period === "once") return "Ngày " + vnDate(r.due);
  if ((m = r.due.match(/^(\d{1,2})-(\d{1,2})$/))) return "Ngày " + m[2].padStart(2, "0") + "/" + m[1].padStart(2, "0") + " hằng năm";
  if (/^\d{1,2}$/.test(r.due)) return "Ngày " + r.due + " tháng cuối kỳ";
  return r.due;
}

// viNum writes a number the Vietnamese way: 1.234.567,5.
function viNum(v) {
  if (v == null || isNaN(v)) return "";
  const neg = v < 0, x = Math.abs(v);
  let whole = Math.trunc(x), frac = Math.round((x - whole) * 100);
  if (frac === 100) { whole++; frac = 0; }
  const w = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  const f = frac ? "," + String(frac).padStart(2, "0").replace(/0$/, "") : "";
  return (neg ? "-" : "") + w + f;
}

// parseViNum reads a number as a person types it in Vietnamese: dots
// group thousands, a comma starts the decimals.
function parseViNum(s) {
  const t = s.trim().replace(/\s/g, "").replace(/\./g, "").replace(",", ".");
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : NaN;
}

const statusBadge = s => el("span", { class: "badge rs-" + s, "data-status": s }, reporterStatuses[s] || s);
const canConfirm = () => me.role === "clerk" || me.role === "leader";

// rgError says in Vietnamese what went wrong with a request about a regime.
function rgError(e) {
  const m = String((e && (e.raw || e.message)) || ""); // the API's own words (api() says them in Vietnamese in e.message)
  let x;
  const line = (x = m.match(/CSV line (\d+)/)) ? "Dòng " + x[1] + " của tệp CSV: " : "";
  switch (e && e.status) {
    case 400:
      if ((x = m.match(/reporters the directory does not know: (.*)$/))) return line + "Đơn vị báo cáo không có trong danh mục cơ quan: " + x[1] + ".";
      if (/already exists/.test(m)) return line + "Cơ quan đã có chế độ báo cáo trùng tên này.";
      if (/a day of the month is 1 to 31/.test(m)) return line + "Hạn báo cáo không hợp lệ: ngày trong tháng là từ 1 đến 31.";
      if (/no such day/.test(m)) return line + "Hạn báo cáo không hợp lệ: không có ngày đó trong năm.";
      if (/a month and day is for a yearly regime/.test(m)) return line + "Dạng “tháng-ngày” chỉ dùng cho chế độ báo cáo năm; với kỳ khác hãy ghi ngày của tháng cuối kỳ (ví dụ 20).";
      if (/one-off report is due on a day/.test(m)) return line + "Báo cáo một lần cần hạn là một ngày cụ thể (năm-tháng-ngày, ví dụ 2025-06-30).";
      if (/due "/.test(m)) return line + "Hạn báo cáo không hợp lệ: ghi ngày của tháng cuối kỳ (ví dụ 20), hoặc với báo cáo năm “tháng-ngày” (ví dụ 12-20).";
      if (/needs a name/.test(m)) return line + "Hãy nhập tên chế độ báo cáo.";
      if (/at least one reporter/.test(m)) return line + "Hãy chọn ít nhất một đơn vị báo cáo.";
      if (/named twice/.test(m)) return line + "Có chỉ tiêu bị ghi hai lần.";
      if (/no column/.test(m)) return "Tệp CSV cần dòng tiêu đề: name,period,due,reporters,indicators.";
      if (/period "/.test(m)) return line + "Kỳ báo cáo không hợp lệ: cần dạng 2025-03, 2025-Q1, 2025-H1 hoặc 2025 (năm từ 2000 đến 2100).";
      if (/does not report under this regime/.test(m)) return "Đơn vị này không thuộc diện báo cáo theo chế độ này.";
      if (/has no record yet/.test(m)) return "Văn bản chưa đọc xong nên chưa xác nhận được.";
      return (e && e.message) || "Yêu cầu không hợp lệ."; // api()'s Vietnamese (vi.js), never the API's English
    case 403: return "Bạn không có quyền thực hiện thao tác này.";
    case 404: return "Không tìm thấy chế độ báo cáo hoặc báo cáo, hoặc bạn không xem được.";
    case 503: return "Hệ thống đang bận, chưa thực hiện gì. Hãy thử lại sau giây lát.";
    case 500: return "Lỗi hệ thống. Hãy thử lại, hoặc báo quản trị hệ thống nếu lỗi lặp lại.";
  }
  if (e instanceof TypeError) return "Không kết nối được máy chủ. Hãy kiểm tra mạng rồi thử lại.";
  return (e && e.message) || "Không thực hiện được.";
}

// ---- the list: regimes received, regimes reported under ----
async function regimesView() {
  const [list, dir] = await Promise.all([api("/report-regimes"), directory().catch(() => noDirectory)]);
  const received = list.regimes.filter(r => r.role === "receiver"), reporting = list.regimes.filter(r => r.role === "reporter");
  main.append(el("h1", {}, "Chế độ báo cáo"));
  const L = "data-label";
  main.append(el("h2", {}, "Báo cáo cơ quan tiếp nhận"));
  if (!received.length) main.append(el("p", { class: "empty", id: "regimes-none" }, "Cơ quan chưa khai báo chế độ báo cáo nào."));
  else {
    // This period's count of each: drawn together, before the screen counts as drawn.
    const states = await Promise.all(received.map(r => api("/report-regimes/" + r.id + "/status").then(s => s.periods[0]).catch(() => null)));
    main.append(el("table", { class: "stack", id: "regimes" },
      el("thead", {}, el("tr", {}, ["Tên chế độ báo cáo", "Kỳ", "Hạn", "Kỳ hiện tại", "Đúng hạn", "Trễ hạn", "Chờ xác nhận", "Chưa báo cáo"].map(h => el("th", { scope: "col" }, h)))),
      el("tbody", {}, received.map((r, i) => {
        const p = states[i];
        const n = (k, cls) => el("td", { [L]: reporterStatuses[k], class: "num" + (cls && p && p[k] ? " " + cls : "") }, p ? p[k] : "—");
        return el("tr", { "data-regime": r.id },
          el("td", { [L]: "Tên" }, el("a", { href: "#/bao-cao/" + r.id }, r.name)),
          el("td", { [L]: "Kỳ" }, regimeKinds[r.period] || r.period),
          el("td", { [L]: "Hạn" }, dueRule(r)),
          el("td", { [L]: "Kỳ hiện tại" }, periodName(r.current_period), r.current_due ? el("span", { class: "hint" }, " (hạn " + vnDate(r.current_due) + ")") : null),
          n("on_time"), n("late", "overdue"), n("doubtful", "soon"), n("missing", p && p.overdue ? "overdue" : ""));
      }))));
  }
  if (reporting.length) {
    main.append(el("h2", {}, "Báo cáo cơ quan phải gửi"),
      el("table", { class: "stack", id: "my-regimes" },
        el("thead", {}, el("tr", {}, ["Tên chế độ báo cáo", "Cơ quan nhận", "Kỳ", "Kỳ hiện tại", "Hạn nộp", "Kỳ gần nhất", "Tình trạng"].map(h => el("th", { scope: "col" }, h)))),
        el("tbody", {}, reporting.map(r => {
          const late = r.current_due && r.current_due < today();
          return el("tr", { "data-regime": r.id },
            el("td", { [L]: "Tên" }, r.name), el("td", { [L]: "Cơ quan nhận" }, dir.name(r.agency)),
            el("td", { [L]: "Kỳ" }, regimeKinds[r.period] || r.period), el("td", { [L]: "Kỳ hiện tại" }, periodName(r.current_period)),
            el("td", { [L]: "Hạn nộp" }, vnDate(r.current_due) || "—"),
            el("td", { [L]: "Kỳ gần nhất" }, r.own_period ? periodName(r.own_period) : "—", " ", r.own_status ? statusBadge(r.own_status) : null),
            el("td", { [L]: "Tình trạng" }, late ? el("span", { class: "overdue" }, "Đã quá hạn nộp kỳ này") : "Còn hạn"));
        }))),
      el("p", { class: "hint" }, "Kỳ gần nhất: kỳ đã đến hạn gần đây nhất (hoặc kỳ hiện tại) và báo cáo của cơ quan đã được cơ quan nhận ghi nhận hay chưa."));
  }
  if (me.role === "admin") main.append(regimeForm(dir), regimeImport());
}

// regimeForm is the admin's declaration of a regime.
function regimeForm(dir) {
  const name = el("input", { id: "rg-name", maxlength: 200, required: true, autocomplete: "off" });
  const period = el("select", { id: "rg-period" }, Object.entries(regimeKinds).map(([k, v]) => el("option", { value: k, selected: k === "month" }, v)));
  const due = el("input", { id: "rg-due", maxlength: 10, autocomplete: "off", "aria-describedby": "rg-due-hint" });
  const dueHint = el("p", { class: "hint", id: "rg-due-hint" });
  const syncDue = () => {
    dueHint.textContent = period.value === "once" ? "Ngày phải nộp, dạng năm-tháng-ngày (ví dụ 2025-06-30)."
      : period.value === "year" ? "Ngày của tháng cuối kỳ (ví dụ 20), hoặc tháng-ngày (ví dụ 12-20 là ngày 20/12)."
      : "Ngày của tháng cuối kỳ phải nộp (ví dụ 20).";
  };
  period.addEventListener("change", syncDue);
  syncDue();
  const agencies = dir.list.filter(a => a.kind !== "unit" && a.code !== me.agency).sort((a, b) => a.name.localeCompare(b.name, "vi"));
  const filter = el("input", { id: "rg-filter", type: "search", placeholder: "Lọc theo tên", autocomplete: "off", "aria-label": "Lọc đơn vị báo cáo theo tên" });
  const checks = el("div", { class: "checks", id: "rg-reporters" }, agencies.length ? agencies.map((a, i) => el("label", {},
    el("input", { type: "checkbox", name: "rg-reporter", value: a.code, id: "rg-rep-" + i }), a.name))
    : el("p", { class: "hint" }, "Danh mục chưa có cơ quan nào: hãy nhập danh mục cơ quan trước."));
  filter.addEventListener("input", () => {
    const q = filter.value.trim().toLocaleLowerCase("vi");
    checks.querySelectorAll("label").forEach(l => { l.hidden = q && !l.textContent.toLocaleLowerCase("vi").includes(q); });
  });
  const inds = el("textarea", { id: "rg-indicators", rows: 4, "aria-describedby": "rg-ind-hint" });
  const err = el("p", { class: "error", role: "alert" });
  const btn = el("button", { type: "submit", id: "rg-send" }, "Khai báo");
  return el("form", { id: "regime-form", class: "action", novalidate: true, onsubmit: async ev => {
    ev.preventDefault();
    err.textContent = "";
    const body = { name: name.value.trim(), period: period.value, due: due.value.trim(),
      reporters: [...checks.querySelectorAll("input:checked")].map(i => i.value),
      indicators: inds.value.split("\n").map(s => s.trim()).filter(Boolean) };
    if (!body.name) { err.textContent = "Hãy nhập tên chế độ báo cáo."; name.focus(); return; }
    if (!body.due) { err.textContent = "Hãy nhập hạn báo cáo."; due.focus(); return; }
    if (!body.reporters.length) { err.textContent = "Hãy chọn ít nhất một đơn vị báo cáo."; return; }
    btn.disabled = true;
    try {
      const r = await api("/report-regimes", { method: "POST", body: JSON.stringify(body) });
      toast("Đã khai báo chế độ báo cáo “" + r.name + "”.");
      location.hash = "#/bao-cao/" + r.id;
    } catch (e) { err.textContent = rgError(e); btn.disabled = false; }
  } }, el("h2", {}, "Khai báo chế độ báo cáo"),
    el("label", { for: "rg-name" }, "Tên chế độ báo cáo"), name,
    el("label", { for: "rg-period" }, "Kỳ báo cáo"), period,
    el("label", { for: "rg-due" }, "Hạn báo cáo"), due, dueHint,
    el("fieldset", { class: "coop" }, el("legend", {}, "Đơn vị báo cáo"), filter, checks),
    el("label", { for: "rg-indicators" }, "Chỉ tiêu"), inds, el("p", { class: "hint", id: "rg-ind-hint" }, "Mỗi dòng một chỉ tiêu, ví dụ “Tổng thu ngân sách”."),
    el("p", {}, btn), err);
}

// regimeImport declares regimes from a CSV file: all or nothing.
function regimeImport() {
  const file = el("input", { type: "file", id: "rg-csv-file", accept: ".csv,text/csv" });
  const text = el("textarea", { id: "rg-csv", rows: 4, spellcheck: "false", placeholder: "name,period,due,reporters,indicators" });
  file.addEventListener("change", async () => { if (file.files[0]) text.value = await file.files[0].text(); });
  const err = el("p", { class: "error", role: "alert" });
  const btn = el("button", { type: "submit", id: "rg-csv-send", class: "secondary" }, "Nhập");
  return el("form", { id: "regime-import", class: "action", novalidate: true, onsubmit: async ev => {
    ev.preventDefault();
    err.textContent = "";
    if (!text.value.trim()) { err.textContent = "Hãy chọn tệp CSV hoặc dán nội dung."; return; }
    btn.disabled = true;
    try {
      const r = await api("/report-regimes/import", { method: "POST", body: JSON.stringify({ csv: text.value }) });
      toast("Đã nhập " + r.regimes.length + " chế độ báo cáo.");
      route();
    } catch (e) { err.textContent = rgError(e); btn.disabled = false; }
  } }, el("h2", {}, "Nhập chế độ báo cáo từ tệp CSV"),
    el("p", { class: "hint" }, "Dòng đầu của tệp ghi tên các cột như sau: name,period,due,reporters,indicators (tên chế độ, kỳ, hạn, đơn vị báo cáo, chỉ tiêu). Kỳ ghi bằng mã: month (tháng), quarter (quý), half (6 tháng), year (năm), once (một lần); đơn vị báo cáo là mã cơ quan; đơn vị và chỉ tiêu cách nhau bằng dấu chấm phẩy. Tệp có dòng sai thì không nhập dòng nào."),
    el("label", { for: "rg-csv-file" }, "Tệp CSV"), file, el("label", { for: "rg-csv" }, "Nội dung"), text, el("p", {}, btn), err);
}

// ---- one regime: a period's reporters and figures ----
async function regimeView(id, query) {
  const q = new URLSearchParams(query || "");
  const ky = q.get("ky") || "";
  const base = "/report-regimes/" + id;
  const p = ky ? "?" + new URLSearchParams({ period: ky }) : "";
  const [st, fig] = await Promise.all([api(base + "/status" + p), api(base + "/figures" + p)]);
  const r = st.regime, per = st.periods[0];
  const periods = periodsBefore(r.period, r.current_period, { month: 12, quarter: 8, half: 6, year: 5 }[r.period] || 1);
  if (!periods.includes(per.period)) periods.push(per.period);
  const pick = el("select", { id: "ky", onchange: () => { location.hash = "#/bao-cao/" + id + "?ky=" + encodeURIComponent(pick.value); } },
    periods.map(x => el("option", { value: x, selected: x === per.period }, periodName(x))));
  const row = (k, ...v) => [el("dt", {}, k), el("dd", {}, ...v)];
  main.append(el("p", { class: "crumbs" }, el("a", { href: "#/bao-cao" }, "← Chế độ báo cáo")),
    el("h1", {}, r.name),
    el("dl", { class: "casehead" }, row("Kỳ báo cáo", regimeKinds[r.period] || r.period), row("Hạn báo cáo", dueRule(r)),
      row("Đơn vị báo cáo", String(r.reporters.length)), row("Chỉ tiêu", r.indicators.length ? r.indicators.join("; ") : "Không khai báo chỉ tiêu")),
    el("form", { class: "inline", id: "ky-form", onsubmit: e => e.preventDefault() }, el("div", {}, el("label", { for: "ky" }, "Kỳ"), pick)),
    el("p", { id: "period-head" }, el("strong", {}, periodName(per.period)), ": hạn " + (vnDate(per.due) || "—"),
      per.overdue ? el("span", { class: "overdue" }, " (đã qua hạn)") : "", " · ",
      ["on_time", "late", "doubtful", "missing"].flatMap((k, i) => [i ? ", " : "", el("span", { "data-count": k }, per[k] + " " + reporterStatuses[k].toLowerCase())])));
  const L = "data-label";
  const reload = msg => { if (msg) toast(msg); route(); };
  main.append(el("h2", {}, "Tình hình báo cáo"), el("table", { class: "stack", id: "reporters" },
    el("thead", {}, el("tr", {}, ["Đơn vị báo cáo", "Tình trạng", "Báo cáo", "Ngày nhận", ""].map(h => el("th", { scope: "col" }, h)))),
    el("tbody", {}, per.reporters.map(rs => {
      const s = rs.submission;
      return el("tr", { "data-reporter": rs.code, "data-status": rs.status, class: rs.status === "missing" && per.overdue ? "late" : false },
        el("td", { [L]: "Đơn vị báo cáo" }, rs.name || rs.code),
        el("td", { [L]: "Tình trạng" }, statusBadge(rs.status)),
        el("td", { [L]: "Báo cáo" }, !s ? "—" : s.secret ? el("span", { class: "hint" }, "Báo cáo mật (ngoài phạm vi được xem)") : [
          el("a", { href: "#/van-ban/" + s.document_id }, [[s.number, s.symbol].filter(Boolean).join("/"), s.subject].filter(Boolean).join(" — ") || "Văn bản mã " + s.document_id), " ",
          el("a", { class: "file", href: "/api/v1" + base + "/submissions/" + s.id + "/file", target: "_blank", rel: "noopener" }, "Mở tệp")]),
        el("td", { [L]: "Ngày nhận" }, s ? vnDate(s.received_at) : "—"),
        el("td", { [L]: "Thao tác" }, s && rs.status === "doubtful" && canConfirm() ? doubtfulActions(base, per.period, rs, reload) : null));
    }))));
  main.append(figuresTable(base, per, fig, reload));
}

// doubtfulActions confirm a doubtful match, or say it is no report of the regime (asked twice).
function doubtfulActions(base, period, rs, reload) {
  const s = rs.submission;
  return el("span", { class: "buttons" },
    el("button", { type: "button", class: "confirm", onclick: async ev => {
      ev.currentTarget.disabled = true;
      try {
        await api(base + "/submissions", { method: "POST", body: JSON.stringify({ document_id: s.document_id, period, reporter: rs.code }) });
        reload("Đã xác nhận báo cáo của " + (rs.name || rs.code) + ".");
      } catch (e) { toast(rgError(e)); ev.target.disabled = false; }
    } }, "Xác nhận"), " ",
    el("button", { type: "button", class: "secondary danger reject", onclick: async ev => {
      const b = ev.currentTarget;
      if (!b.dataset.armed) {
        b.dataset.armed = "1"; b.textContent = "Bấm lần nữa: không phải báo cáo này";
        setTimeout(() => { delete b.dataset.armed; b.textContent = "Không phải"; }, 5000);
        return;
      }
      b.disabled = true;
      try { await api(base + "/submissions/" + s.id, { method: "DELETE" }); reload("Đã bỏ văn bản khỏi chế độ báo cáo; văn bản vẫn trong sổ."); }
      catch (e) { toast(rgError(e)); b.disabled = false; }
    } }, "Không phải"));
}

// figuresTable is the consolidation: reporters × indicators, the totals,
// who is missing; a clerk or leader puts a figure right in place.
function figuresTable(base, per, fig, reload) {
  const box = el("section", { id: "consolidation", "aria-labelledby": "fig-title" });
  const xlsx = "/api/v1" + base + "/figures?" + new URLSearchParams({ period: per.period, format: "xlsx" });
  box.append(el("div", { class: "titlebar" }, el("h2", { id: "fig-title" }, "Tổng hợp số liệu"),
    el("a", { class: "button secondary", id: "xlsx", href: xlsx }, "Tải Excel")));
  if (!fig.indicators.length) { box.append(el("p", { class: "empty" }, "Chế độ báo cáo không khai báo chỉ tiêu nên không có số liệu tổng hợp.")); return box; }
  const sid = Object.fromEntries(per.reporters.filter(rs => rs.submission).map(rs => [rs.code, rs.submission.id]));
  const edit = (td, row, i) => {
    const input = el("input", { class: "fig-input", inputmode: "decimal", value: row.values[i] != null ? viNum(row.values[i]) : "", size: 12,
      "aria-label": fig.indicators[i] + " của " + row.name });
    const err = el("span", { class: "error", role: "alert" });
    const save = async () => {
      const v = parseViNum(input.value);
      if (isNaN(v)) { err.textContent = "Số không hợp lệ (ví dụ 1.234.567,5)."; input.focus(); return; }
      try {
        await api(base + "/submissions/" + sid[row.reporter] + "/figures", { method: "PATCH", body: JSON.stringify({ [fig.indicators[i]]: v }) });
        reload("Đã sửa " + fig.indicators[i] + " của " + row.name + ": " + viNum(v) + ".");
      } catch (e) { err.textContent = rgError(e); }
    };
    input.addEventListener("keydown", e => { if (e.key === "Enter") { e.preventDefault(); save(); } if (e.key === "Escape") reload(); });
    td.replaceChildren(input, " ", el("button", { type: "button", class: "fig-save", onclick: save }, "Lưu"), " ",
      el("button", { type: "button", class: "secondary", onclick: () => reload() }, "Huỷ"), err);
    input.focus();
  };
  const L = "data-label";
  const table = el("table", { class: "stack", id: "figures" },
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "STT"), el("th", { scope: "col" }, "Đơn vị báo cáo"), el("th", { scope: "col" }, "Tình trạng"),
      fig.indicators.map(ind => el("th", { scope: "col", class: "num" }, ind)))),
    el("tbody", {}, fig.rows.map((row, n) => el("tr", { "data-reporter": row.reporter, "data-status": row.status },
      el("td", { [L]: "STT" }, n + 1), el("td", { [L]: "Đơn vị báo cáo" }, row.name || row.reporter), el("td", { [L]: "Tình trạng" }, statusBadge(row.status)),
      row.values.map((v, i) => {
        const td = el("td", { [L]: fig.indicators[i], class: "num" + (row.unsure[i] ? " unsure" : ""), "data-indicator": fig.indicators[i] },
          v == null ? el("span", { class: "hint" }, "—") : viNum(v),
          row.unsure[i] ? el("span", { class: "unsure-mark", title: "Máy đọc chưa chắc: hãy kiểm tra" }, " ⚠", el("span", { class: "sr" }, " máy đọc chưa chắc")) : null);
        if (canConfirm() && sid[row.reporter] && row.status !== "doubtful" && row.status !== "missing")
          td.append(" ", el("button", { type: "button", class: "secondary fig-edit", "aria-label": "Sửa " + fig.indicators[i] + " của " + row.name, onclick: () => edit(td, row, i) }, "Sửa"));
        return td;
      })))),
    el("tfoot", {}, el("tr", { class: "totals" }, el("td", { [L]: "" }), el("th", { scope: "row" }, "Tổng cộng"),
      el("td", { [L]: "Đã báo cáo" }, (fig.rows.length - fig.missing.length) + "/" + fig.rows.length + " đơn vị"),
      fig.totals.map((v, i) => el("td", { [L]: fig.indicators[i], class: "num" }, el("strong", {}, viNum(v)),
        fig.counted[i] < fig.rows.length ? el("span", { class: "hint" }, " (" + fig.counted[i] + " đơn vị)") : null)))));
  box.append(el("div", { class: "scroll" }, table));
  if (fig.rows.some(r => r.unsure.some(Boolean))) box.append(el("p", { class: "hint" }, "⚠ Số máy đọc chưa chắc: hãy mở báo cáo để kiểm tra, sửa nếu sai."));
  box.append(fig.missing.length ? el("p", { id: "missing" }, el("strong", {}, "Chưa báo cáo: "), fig.missing.join(", ") + ".")
    : el("p", { id: "missing" }, "Mọi đơn vị đã báo cáo."));
  return box;
}

// ---- the city-wide view ----

// cityView is a leader's view over the agencies in their reach: per
// agency, documents in and out, tasks overdue, reports owed and awaited
// (GET /city), for a range of days kept in the URL.
async function cityView(query) {
  const L = "data-label";
  const q = new URLSearchParams(query || "");
  const to = q.get("den") || today();
  const from = q.get("tu") || (() => { const d = new Date(to + "T00:00:00Z"); d.setUTCDate(d.getUTCDate() - 29); return d.toISOString().slice(0, 10); })();
  const c = await api("/city?" + new URLSearchParams({ from, to }));
  const fromIn = el("input", { type: "date", id: "city-from", value: from }), toIn = el("input", { type: "date", id: "city-to", value: to });
  const form = el("form", { id: "city-range", class: "inline" }, el("label", { for: "city-from" }, "Từ ngày "), fromIn, " ",
    el("label", { for: "city-to" }, "đến ngày "), toIn, " ", el("button", { type: "submit" }, "Xem"));
  form.addEventListener("submit", e => { e.preventDefault(); location.hash = "#/toan-thanh-pho?" + new URLSearchParams({ tu: fromIn.value, den: toIn.value }); });
  const sum = k => c.agencies.reduce((a, x) => a + x[k], 0);
  const cols = [["documents_in", "Văn bản đến"], ["documents_out", "Văn bản đi"], ["tasks_overdue", "Nhiệm vụ quá hạn"],
    ["reports_missing", "Báo cáo còn nợ"], ["reporters_late", "Đơn vị chưa gửi báo cáo"]];
  main.append(el("h1", {}, "Toàn thành phố"),
    el("p", { class: "hint" }, "Từ " + vnDate(c.from) + " đến " + vnDate(c.to) + ", trong phạm vi độ mật của tài khoản; "
      + "báo cáo còn nợ: kỳ gần nhất đã đến hạn mà cơ quan chưa gửi."), form,
    el("table", { class: "stack", id: "city" },
      el("thead", {}, el("tr", {}, [el("th", { scope: "col" }, "Cơ quan"), ...cols.map(([, h]) => el("th", { scope: "col", class: "num" }, h))])),
      el("tbody", {}, c.agencies.map(a => el("tr", { "data-agency": a.code },
        el("td", { [L]: "Cơ quan" }, a.name || a.code),
        ...cols.map(([k, h]) => el("td", { [L]: h, class: "num" + (a[k] && (k === "tasks_overdue" || k === "reports_missing") ? " overdue" : "") }, a[k]))))),
      el("tfoot", {}, el("tr", {}, el("th", { scope: "row" }, "Cộng " + c.agencies.length + " cơ quan"), ...cols.map(([k]) => el("td", { class: "num" }, sum(k)))))));
}
