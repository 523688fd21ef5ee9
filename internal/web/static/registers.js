// Văn thư số: the registers (sổ đăng ký văn bản đến / đi, Decree 30,
// Appendix IV) and the archive search. Every screen's state is in its
// address (#/so-den?year=2025&type=CV, #/tim-kiem?q=...): shareable, and
// Back returns to it. Loaded after app.js, whose helpers (el, api, toast,
// marked, directory, vnDate, today, typeNames, statusNames, me, routes)
// it uses.
"use strict";

routes.push([/^#\/so-den(?:\?(.*))?$/, q => registerView("in", q)], [/^#\/so-di(?:\?(.*))?$/, q => registerView("out", q)],
  [/^#\/tim-kiem(?:\?(.*))?$/, searchView]);

const urgencyNames = { "KHẨN": "Khẩn", "THƯỢNG KHẨN": "Thượng khẩn", "HỎA TỐC": "Hỏa tốc" };
const urgencyName = u => urgencyNames[(u || "").toUpperCase().replace("HOẢ", "HỎA")] || u || "";

// isoOf reads a day typed the Vietnamese way (20/03/2018, 20-3-2018) or
// as ISO; "" when empty, null when it is not a day.
function isoOf(s) {
  s = (s || "").trim();
  if (!s) return "";
  let m = s.match(/^(\d{1,2})[\/.-](\d{1,2})[\/.-](\d{4})$/);
  if (m) s = m[3] + "-" + m[2].padStart(2, "0") + "-" + m[1].padStart(2, "0");
  if (!/^\d{4}-\d\d-\d\d$/.test(s)) return null;
  const d = new Date(s + "T00:00:00Z");
  return isNaN(d) || d.toISOString().slice(0, 10) !== s ? null : s;
}

// dayInput is a text field for a day, written dd/mm/yyyy.
const dayInput = (id, iso) => el("input", { type: "text", id, inputmode: "numeric", placeholder: "dd/mm/yyyy", size: 10, value: vnDate(iso || ""),
  pattern: "\\d{1,2}/\\d{1,2}/\\d{4}", title: "Ngày theo dạng dd/mm/yyyy, ví dụ 20/03/2025" });

// fold is a name without marks, lower case, spaces collapsed (as the index keys it).
const fold = s => (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase().split(/\s+/).filter(Boolean).join(" ");

// go shows base with the non-empty params: a new entry in the history
// (Back returns here), or the same screen drawn again.
function go(base, params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== "" && v != null) p.set(k, v);
  const h = base + (p.toString() ? "?" + p : "");
  if (h === location.hash) route(); else location.hash = h;
}

const field = (label, input) => el("div", {}, el("label", { for: input.id }, label), input);
const choices = (id, all, entries, selected) => el("select", { id }, el("option", { value: "" }, all),
  entries.map(([v, n]) => el("option", { value: v, selected: v === selected }, n)));

// ---- registers ----

// The columns of the two registers as Decree 30 (Appendix IV) prints
// them; "screen" ones are the system's own (not printed), "print" ones are
// filled by hand on paper.
const inColumns = [
  ["Số đến"], ["Ngày đến"], ["Tác giả"], ["Số, ký hiệu"], ["Ngày tháng"], ["Tên loại và trích yếu nội dung"], ["Đơn vị hoặc người nhận"],
  ["Hạn giải quyết", "screen"], ["Trạng thái", "screen"], ["Ký nhận", "print"], ["Ghi chú"]];
const outColumns = [
  ["Số, ký hiệu"], ["Ngày tháng"], ["Tên loại và trích yếu nội dung"], ["Người ký"], ["Nơi nhận"], ["Đơn vị, người nhận bản lưu", "print"],
  ["Số lượng bản", "print"], ["Ghi chú"]];

const numberSymbol = e => [e.number, e.symbol].filter(Boolean).join("/");
const typeAndSubject = e => [typeNames[e.doc_type] || e.doc_type, e.subject].filter(Boolean).join(" — ");

function registerRow(cols, cells, extra = {}) {
  return el("tr", extra, cells.map((c, i) => el("td", { "data-label": cols[i][0], class: cols[i][1] ? cols[i][1] + "-only" : false }, c)));
}

// secretGaps are the arrival numbers of the ordinary book the list skips:
// documents the user may not read (a line raised to MẬT after it was
// numbered keeps its number). Only a list narrowed by dates alone is
// numbered without gaps; before the first line only when it starts the year.
function secretGaps(entries, fromStart) {
  const gaps = new Map(); // arrival number after which → the missing numbers
  const byYear = new Map();
  for (const e of entries) {
    if (e.book === "mật") continue;
    const y = (e.arrived_at || "").slice(0, 4);
    if (!byYear.has(y)) byYear.set(y, []);
    byYear.get(y).push(e);
  }
  for (const es of byYear.values()) {
    es.sort((a, b) => a.arrival_number - b.arrival_number);
    let last = fromStart ? 0 : es[0].arrival_number;
    let prev = null;
    for (const e of es) {
      if (e.arrival_number > last + 1) gaps.set(e, [last + 1, e.arrival_number - 1, prev]);
      last = e.arrival_number;
      prev = e;
    }
  }
  return gaps;
}

async function registerView(kind, query) {
  const incoming = kind === "in";
  const q = new URLSearchParams(query || "");
  // The secret book (sổ văn bản mật đến) is kept apart, numbered apart:
  // one at a time, on screen and on paper.
  const secretBook = incoming && q.get("book") === "mat";
  const title = incoming ? (secretBook ? "Sổ đăng ký văn bản mật đến" : "Sổ đăng ký văn bản đến") : "Sổ đăng ký văn bản đi";
  document.title = title + " — Văn thư số";
  const thisYear = +today().slice(0, 4);
  // A register is kept a year at a time (numbered from 1 each year): this
  // year's unless the address says otherwise ("year=" for every year).
  const yearQ = q.has("year") ? (q.get("year") === "all" ? "" : q.get("year")) : q.get("from") || q.get("to") ? "" : String(thisYear);
  const years = []; for (let y = thisYear; y >= thisYear - 9; y--) years.push([String(y), "Năm " + y]);
  const year = choices("r-year", "Mọi năm", years, yearQ);
  const from = dayInput("r-from", q.get("from")), to = dayInput("r-to", q.get("to"));
  const type = choices("r-type", "Tất cả", Object.entries(typeNames), q.get("type") || "");
  const sort = choices("r-sort", "Cũ trước", [["desc", "Mới trước"]], q.get("sort") || "");
  const inputs = [field("Năm", year), field("Từ ngày", from), field("Đến ngày", to), field("Loại", type)];
  let issuer, status, urgency, book;
  if (incoming && me.clearance) {
    book = choices("r-book", "Sổ văn bản đến", [["mat", "Sổ văn bản mật đến"]], secretBook ? "mat" : "");
    inputs.unshift(field("Sổ", book));
  }
  if (incoming) {
    issuer = el("input", { type: "text", id: "r-issuer", size: 24, value: q.get("issuer") || "", placeholder: "Ví dụ: UBND tỉnh Quảng Ngãi" });
    status = choices("r-status", "Tất cả", ["review", "registered", "approved"].map(s => [s, statusNames[s]]), q.get("status") || "");
    urgency = choices("r-urgency", "Tất cả", Object.entries(urgencyNames), q.get("urgency") || "");
    inputs.push(field("Tác giả (cơ quan ban hành)", issuer), field("Trạng thái", status), field("Độ khẩn", urgency));
  }
  inputs.push(field("Sắp xếp theo ngày", sort));
  const err = el("p", { class: "error", role: "alert", id: "r-error" });
  const form = el("form", { class: "inline register-filters", id: "register-filters", onsubmit: e => {
    e.preventDefault();
    const f = isoOf(from.value), t = isoOf(to.value);
    if (f === null || t === null) { err.textContent = "Ngày không hợp lệ: hãy gõ theo dạng dd/mm/yyyy, ví dụ 20/03/2025."; (f === null ? from : to).focus(); return; }
    // No year and no days: every year ("all"), not this year's default.
    go(incoming ? "#/so-den" : "#/so-di", { year: year.value || (f || t ? "" : "all"), from: f, to: t, type: type.value, sort: sort.value,
      issuer: issuer && issuer.value.trim(), status: status && status.value, urgency: urgency && urgency.value, book: book && book.value });
  } }, inputs, el("button", { type: "submit" }, "Xem"));

  const p = new URLSearchParams();
  for (const k of ["year", "from", "to", "type", ...(incoming ? ["issuer", "status", "urgency"] : [])]) {
    const v = k === "year" ? yearQ : q.get(k);
    if (v) p.set(k, v);
  }
  const path = "/registers/" + (incoming ? "incoming" : "outgoing");
  const r = await api(path + "?" + p);
  const entries = incoming ? r.entries.filter(e => (e.book === "mật") === secretBook) : r.entries;
  const narrowed = incoming && ["type", "issuer", "status", "urgency"].some(k => q.get(k));
  const gaps = incoming && !narrowed ? secretGaps(entries, !q.get("from")) : new Map();
  let hidden = 0;
  for (const [lo, hi] of gaps.values()) hidden += hi - lo + 1;

  const cols = incoming ? inColumns : outColumns;
  const rows = [];
  for (const e of entries) {
    const day = incoming ? e.arrived_at : e.issued_at;
    const subject = el("a", { href: "#/van-ban/" + e.document_id }, typeAndSubject(e));
    if (gaps.has(e)) {
      const [lo, hi] = gaps.get(e);
      const nums = lo === hi ? String(lo) : lo + "–" + hi;
      rows.push({ day, n: lo - 0.5, tr: el("tr", { class: "secret-gap" }, el("td", { "data-label": "Số đến" }, nums),
        el("td", { colspan: cols.length - 1 }, "Số đến " + nums + ": văn bản mật — không hiển thị (tài khoản này không được xem văn bản mật)")) });
    }
    const tr = incoming
      ? registerRow(cols, [e.arrival_number, vnDate(e.arrived_at), e.issuer, numberSymbol(e), vnDate(e.issued_at),
        subject, e.receiving_unit, vnDate(e.deadline), statusNames[e.status] || e.status, "",
        [urgencyName(e.urgency), e.confidentiality ? "Độ mật: " + e.confidentiality : ""].filter(Boolean).join("; ")])
      : registerRow(cols, [numberSymbol(e), vnDate(e.issued_at), subject, e.signer, e.recipients, "", "", ""]);
    rows.push({ day, n: incoming ? e.arrival_number : 0, tr });
  }
  // Sorted by day (then number); the gap rows keep their place.
  const desc = q.get("sort") === "desc";
  rows.forEach((x, i) => x.i = i);
  rows.sort((a, b) => (a.day || "").localeCompare(b.day || "") || a.i - b.i);
  if (desc) rows.reverse();

  const agency = await directory().then(d => d.name(me.agency), () => me.agency);
  const span = q.get("from") || q.get("to") ? "Từ ngày " + (vnDate(q.get("from")) || "…") + " đến ngày " + (vnDate(q.get("to")) || "…")
    : yearQ ? "Năm " + yearQ : "Mọi năm";
  const exportP = new URLSearchParams(p);
  const head = el("thead", {}, el("tr", {}, cols.map(([h, only]) => el("th", { scope: "col", class: only ? only + "-only" : false }, h))));
  const table = entries.length || hidden
    ? el("div", { class: "register-scroll" }, el("table", { id: "register", class: "register stack" }, head, el("tbody", {}, rows.map(x => x.tr))))
    : el("p", { class: "empty" }, incoming ? "Không có văn bản đến nào khớp bộ lọc." : "Không có văn bản đi nào khớp bộ lọc.");
  main.append(el("h1", { class: "screen-only" }, title),
    el("div", { class: "print-only register-title" }, el("p", {}, agency), el("h1", {}, title.toUpperCase()), el("p", {}, span)),
    form, err,
    el("p", { class: "register-actions" }, el("span", { id: "register-count" }, entries.length + " văn bản" +
      (hidden ? "; " + hidden + " số đến là văn bản mật không hiển thị" : "") + "."), " ",
      el("button", { type: "button", class: "secondary", id: "print", onclick: () => print() }, "In sổ"), " ",
      el("a", { class: "button secondary", id: "xlsx", href: "/api/v1" + path + "?" + exportP + "&format=xlsx" }, "Xuất Excel"), " ",
      el("a", { class: "button secondary", id: "csv", href: "/api/v1" + path + "?" + exportP + "&format=csv" }, "Xuất CSV")),
    table);
}

// ---- search ----

const facetGroups = [["doc_type", "type", "Loại"], ["issuer", "issuer", "Cơ quan ban hành"], ["year", "year", "Năm"],
  ["urgency", "urgency", "Độ khẩn"], ["status", "status", "Trạng thái"]];
const searchKeys = ["q", "type", "issuer", "urgency", "status", "from", "to", "sort", "offset"];
const savedKey = () => "vanthu.tim-kiem-da-luu." + (me ? me.name : "");

function savedSearches() {
  try { return JSON.parse(localStorage.getItem(savedKey()) || "[]"); } catch { return []; }
}

function savedPanel() {
  const box = el("section", { id: "saved", class: "saved-searches", "aria-labelledby": "saved-title" });
  const draw = () => {
    const list = savedSearches();
    box.replaceChildren(el("h2", { id: "saved-title" }, "Tìm kiếm đã lưu"), list.length
      ? el("ul", {}, list.map((s, i) => el("li", {}, el("a", { href: s.hash }, s.name), " ",
        el("button", { type: "button", class: "secondary small", "aria-label": "Xóa tìm kiếm đã lưu " + s.name, onclick: () => {
          const l = savedSearches(); l.splice(i, 1); localStorage.setItem(savedKey(), JSON.stringify(l)); draw(); toast("Đã xóa tìm kiếm “" + s.name + "”.");
        } }, "Xóa"))))
      : el("p", { class: "hint" }, "Chưa lưu tìm kiếm nào. Tìm rồi bấm “Lưu tìm kiếm này”."));
  };
  draw();
  return [box, draw];
}

async function searchView(query) {
  const q0 = new URLSearchParams(query || "");
  const state = {};
  for (const k of searchKeys) if (q0.get(k)) state[k] = q0.get(k);
  document.title = (state.q ? "Tìm: " + state.q : "Tìm kiếm văn bản") + " — Văn thư số";
  const q = el("input", { type: "search", id: "q", size: 50, value: state.q || "", placeholder: "Ví dụ: quyet dinh thanh lap to cong tac, 46/TB-UBND" });
  const from = dayInput("sfrom", state.from), to = dayInput("sto", state.to);
  const type = choices("stype", "Tất cả", Object.entries(typeNames), state.type || "");
  const urgency = choices("surgency", "Tất cả", Object.entries(urgencyNames), state.urgency || "");
  const status = choices("sstatus", "Tất cả", ["review", "registered", "approved"].map(s => [s, statusNames[s]]), state.status || "");
  const sort = choices("ssort", "Liên quan nhất", [["date", "Mới nhất"]], state.sort || "");
  const err = el("p", { class: "error", role: "alert", id: "s-error" });
  const again = changes => go("#/tim-kiem", { ...state, offset: "", ...changes });
  const form = el("form", { class: "inline", role: "search", onsubmit: e => {
    e.preventDefault();
    const f = isoOf(from.value), t = isoOf(to.value);
    if (f === null || t === null) { err.textContent = "Ngày không hợp lệ: hãy gõ theo dạng dd/mm/yyyy, ví dụ 20/03/2025."; (f === null ? from : to).focus(); return; }
    go("#/tim-kiem", { q: q.value.trim(), from: f, to: t, type: type.value, urgency: urgency.value, status: status.value, sort: sort.value, issuer: state.issuer });
  } }, field("Từ khóa (gõ có dấu hoặc không dấu)", q), field("Từ ngày", from), field("Đến ngày", to), field("Loại", type),
    field("Độ khẩn", urgency), field("Trạng thái", status), field("Sắp xếp", sort), el("button", { type: "submit" }, "Tìm"));
  const [saved, drawSaved] = savedPanel();
  const out = el("div", { id: "results", "aria-live": "polite" });
  main.append(el("h1", {}, "Tìm kiếm văn bản"), form, err, out, saved);
  q.focus();
  if (!Object.keys(state).length) return; // nothing asked yet

  const offset = +state.offset || 0;
  const r = await api("/search?" + new URLSearchParams({ ...state, offset, size: 10 }));
  const facets = el("div", { class: "facets", id: "facets", "aria-label": "Lọc theo" });
  // The index counts issuers by their folded key: shown as a hit prints it.
  const issuerNames = new Map(r.hits.map(h => [fold(h.issuer), h.issuer]));
  for (const [name, key, label] of facetGroups) {
    const vals = (r.facets && r.facets[name]) || [];
    if (!vals.length) continue;
    facets.append(el("div", { class: "facet-group", role: "group", "aria-label": label }, el("span", { class: "facet-name" }, label + ":"),
      vals.map(f => {
        const on = key === "year" ? state.from === f.value + "-01-01" && state.to === f.value + "-12-31" : state[key] === f.value;
        const shown = key === "type" ? typeNames[f.value] || f.value : key === "status" ? statusNames[f.value] || f.value
          : key === "urgency" ? urgencyName(f.value) : key === "issuer" ? issuerNames.get(fold(f.value)) || f.value : f.value;
        return el("button", { type: "button", class: "chip", "aria-pressed": on ? "true" : "false", onclick: () => key === "year"
          ? again(on ? { from: "", to: "" } : { from: f.value + "-01-01", to: f.value + "-12-31" })
          : again({ [key]: on ? "" : f.value }) }, shown + " (" + f.count + ")");
      })));
  }
  const nameIn = el("input", { type: "text", id: "save-name", size: 24, value: state.q || "", "aria-label": "Tên tìm kiếm cần lưu", placeholder: "Tên để lưu" });
  const link = el("input", { type: "text", id: "share-link", readonly: true, size: 40, hidden: true, "aria-label": "Liên kết tới kết quả này" });
  const tools = el("div", { class: "search-tools" },
    el("form", { class: "inline", id: "save-form", onsubmit: e => {
      e.preventDefault();
      const name = nameIn.value.trim() || state.q || "Tìm kiếm";
      const l = savedSearches().filter(s => s.name !== name);
      l.unshift({ name, hash: location.hash });
      localStorage.setItem(savedKey(), JSON.stringify(l.slice(0, 30)));
      drawSaved();
      toast("Đã lưu tìm kiếm “" + name + "”.");
    } }, el("label", { for: "save-name" }, "Lưu với tên "), nameIn, " ", el("button", { type: "submit", class: "secondary", id: "save-search" }, "Lưu tìm kiếm này")),
    el("button", { type: "button", class: "secondary", id: "copy-link", onclick: async () => {
      link.value = location.href;
      link.hidden = false;
      try { await navigator.clipboard.writeText(location.href); toast("Đã sao chép liên kết."); }
      catch { link.select(); toast(document.execCommand && document.execCommand("copy") ? "Đã sao chép liên kết." : "Hãy sao chép liên kết trong ô bên cạnh."); }
    } }, "Sao chép liên kết"), link);
  const hits = r.hits.map(h => el("div", { class: "hit" },
    el("a", { href: "#/van-ban/" + h.document_id, class: "title" }, (typeNames[h.doc_type] || h.doc_type) + " " + numberSymbol(h) + " — " + h.subject),
    el("div", { class: "hint" }, [h.issuer, vnDate(h.issued_at), statusNames[h.status] || h.status].filter(Boolean).join(" · ")),
    // The server's fragments say "…" where they cut the text: none added.
    (h.highlights || []).map(s => el("div", {}, marked(s)))));
  out.replaceChildren(el("p", { id: "search-total" }, r.total + " kết quả"), facets, tools, ...hits,
    el("p", {}, offset > 0 ? el("button", { type: "button", class: "secondary", onclick: () => again({ offset: Math.max(0, offset - 10) || "" }) }, "← Trang trước") : null, " ",
      offset + 10 < r.total ? el("button", { type: "button", class: "secondary", id: "next", onclick: () => again({ offset: offset + 10 }) }, "Trang sau →") : null));
}
