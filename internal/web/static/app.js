// Văn thư số: the web application. Plain script, no framework, no CDN:
// every screen is built from /api/v1 with the session cookie.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const main = $("#main");
let me = null;

// el builds an element: el("a", {href: "#"}, "text", child...). Text is
// always set as text, never parsed as HTML.
function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v == null) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "class") e.className = v;
    else if (k === "style") e.style.cssText = v; // CSSOM: allowed by the page's policy, a style attribute is not
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const k of kids.flat()) if (k != null) e.append(k instanceof Node ? k : String(k));
  return e;
}

// toast shows a short message (an Error: its Vietnamese message). With an
// action ({label, run}) it carries a button and stays until it is used or
// replaced. A "Lỗi: …" with the API's English after it is said in Vietnamese.
function toast(msg, action) {
  const t = $("#toast");
  let text = msg instanceof Error ? msg.message : String(msg == null ? "" : msg);
  const x = text.match(/^Lỗi: (.*)$/s);
  if (x && !viLetters.test(x[1])) text = "Lỗi: " + viText(x[1]);
  t.replaceChildren(el("span", {}, text));
  if (action) t.append(" ", el("button", { type: "button", class: "secondary", onclick: () => { t.classList.remove("show"); action.run(); } }, action.label));
  t.classList.add("show");
  t.dataset.sticky = action ? "1" : "";
  clearTimeout(toast.timer);
  if (!action) toast.timer = setTimeout(() => t.classList.remove("show"), 4000);
}
const sleep = ms => new Promise(r => setTimeout(r, ms));

// api calls /api/v1 with the session cookie. Its errors carry the status,
// the API's own words (raw) and, as their message, what they mean in
// Vietnamese (vi.js). A GET whose connection fails is tried again a few
// times (0.5, 1, 2 s); a 503 (busy: nothing was done) too, whatever the
// method. When the server stays out of reach, the message says so with a
// "Thử lại" button.
async function api(path, opts = {}) {
  const method = String(opts.method || "GET").toUpperCase();
  const tries = method === "GET" ? 4 : 1, busyTries = 3;
  for (let attempt = 0, busy = 0; ; ) {
    let res;
    try {
      res = await fetch("/api/v1" + path, Object.assign({ credentials: "same-origin", headers: { "Content-Type": "application/json" } }, opts));
    } catch (err) {
      if (opts.signal && opts.signal.aborted) throw err;
      if (++attempt < tries) { toast("Mất kết nối máy chủ, đang thử lại…"); await sleep(500 * 2 ** (attempt - 1)); continue; }
      toast("Mất kết nối máy chủ.", { label: "Thử lại", run: () => route() });
      throw Object.assign(new TypeError(viStatus[0]), { status: 0, raw: String((err && err.message) || err), network: true });
    }
    if (res.status === 503 && ++busy < busyTries) {
      toast("Hệ thống đang bận, đang thử lại…");
      await sleep(Math.min(2000, 1000 * (Number(res.headers.get("Retry-After")) || 1)));
      continue;
    }
    if (/^Mất kết nối|đang thử lại/.test($("#toast").textContent)) $("#toast").classList.remove("show"); // reached again
    if (res.status === 401 && path !== "/login") { me = null; location.hash = "#/dang-nhap"; throw Object.assign(new Error("Cần đăng nhập"), { status: 401, raw: "log in first" }); }
    const ct = res.headers.get("Content-Type") || "";
    const body = ct.includes("json") ? await res.json().catch(() => null) : null;
    if (!res.ok) {
      const raw = (body && body.error) || res.statusText || String(res.status);
      throw Object.assign(new Error(viText(raw, res.status)), { status: res.status, raw });
    }
    return body;
  }
}

// marked shows a highlight fragment: the text is the server's, escaped;
// only <mark> becomes markup, everything else stays text.
function marked(html) {
  const span = el("span", { class: "snippet" });
  const dec = document.createElement("textarea");
  html.split(/(<mark>|<\/mark>)/).reduce((inMark, part) => {
    if (part === "<mark>") return true;
    if (part === "</mark>") return false;
    dec.innerHTML = part; // RCDATA: entities decoded, no elements made
    span.append(inMark ? el("mark", {}, dec.value) : dec.value);
    return inMark;
  }, false);
  return span;
}

const statusNames = { received: "Đang xử lý", failed: "Lỗi", review: "Cần duyệt", registered: "Đã vào sổ", approved: "Đã duyệt" };
const stageNames = [["received", "Đã nhận"], ["read", "Đã đọc"], ["extracted", "Đã trích xuất"], ["registered", "Đã vào sổ"], ["approved", "Đã duyệt"]];
const fieldNames = { doc_type: "Loại văn bản", number: "Số", symbol: "Ký hiệu", issuer: "Cơ quan ban hành", parent: "Cơ quan chủ quản",
  issued_at: "Ngày ban hành", place: "Địa danh", subject: "Trích yếu", signer: "Người ký", signer_title: "Chức vụ người ký",
  signing_authority: "Thẩm quyền ký", urgency: "Độ khẩn", confidentiality: "Độ mật", meeting_time: "Thời gian họp", meeting_place: "Địa điểm họp" };
// The types of Decree 30 (Art. 7, Appendix III) that have a code, and the copies (domain.md section 1; a thư công has none).
const typeNames = { NQ: "Nghị quyết", "QĐ": "Quyết định", CT: "Chỉ thị", QC: "Quy chế", "QyĐ": "Quy định", TC: "Thông cáo", TB: "Thông báo", HD: "Hướng dẫn",
  CTr: "Chương trình", PA: "Phương án", DA: "Dự án", BC: "Báo cáo", BB: "Biên bản", TTr: "Tờ trình", "HĐ": "Hợp đồng", CV: "Công văn", "CĐ": "Công điện",
  BGN: "Bản ghi nhớ", KH: "Kế hoạch", "ĐA": "Đề án", BTT: "Bản thỏa thuận", GUQ: "Giấy ủy quyền", GM: "Giấy mời", GGT: "Giấy giới thiệu", GNP: "Giấy nghỉ phép",
  PG: "Phiếu gửi", PC: "Phiếu chuyển", PB: "Phiếu báo", SY: "Bản sao y", TrS: "Bản trích sao", SL: "Bản sao lục" };
const vnDate = d => (d && /^\d{4}-\d\d-\d\d/.test(d)) ? d.slice(8, 10) + "/" + d.slice(5, 7) + "/" + d.slice(0, 4) : (d || "");
const today = () => new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);

// ---- routing ----
const routes = [
  [/^#\/dang-nhap$/, loginView], [/^#\/tai-len$/, uploadView], [/^#\/duyet$/, queueView], [/^#\/duyet\/(\d+)$/, reviewView],
  [/^#\/van-ban\/(\d+)$/, documentView],
  [/^#\/phan-anh(?:\?(.*))?$/, feedbackInboxView], [/^#\/phan-anh\/(\d+)$/, caseView], [/^#\/phan-anh-thong-ke$/, feedbackStatsView],
  [/^#\/viec-cua-toi$/, myWorkView],
];

// failBox says in Vietnamese why a screen could not be drawn, with "Thử lại".
function failBox(e) {
  const said = e && (e.status !== undefined || viLetters.test(String(e.message))) ? e.message : "Không hiển thị được màn hình này.";
  return el("div", { class: "failbox", role: "alert" }, el("p", { class: "error" }, e && e.network ? said + "." : "Lỗi: " + said),
    el("button", { type: "button", class: "retry", onclick: () => route() }, "Thử lại"));
}

// setTitle makes the tab's title: the screen's heading, then the product.
function setTitle() {
  const h1 = main.querySelector("h1");
  const t = h1 && h1.textContent.trim();
  document.title = t ? t + " — Văn thư số" : "Văn thư số";
}

let routing = 0;
async function route() {
  const run = ++routing;
  if (!me && location.hash !== "#/dang-nhap") {
    try { me = await api("/me"); } catch (e) {
      if (e.status === 401 || e.status === 403) { location.hash = "#/dang-nhap"; return; }
      if (location.hash === "#/dang-nhap") return;
      main.replaceChildren(el("h1", {}, "Văn thư số"), failBox(e)); setTitle(); return;
    }
  }
  const nav = $("#nav"), header = $("header"), toggle = $("#menu-toggle");
  // The login screen shows no menu (nor "Đăng xuất"), logged in or not.
  nav.hidden = !me || location.hash === "#/dang-nhap";
  toggle.hidden = nav.hidden;
  header.classList.remove("open"); toggle.setAttribute("aria-expanded", "false");
  if (me) {
    $("#who").textContent = me.name + " (" + me.agency + ")";
    for (const a of nav.querySelectorAll("a")) {
      a.hidden = a.dataset.roles && !a.dataset.roles.split(" ").includes(me.role) || "reach" in a.dataset && !(me.reach || []).length;
      // The entry's screen and those under it (#/duyet/5), not a longer name (#/phan-anh-thong-ke is not #/phan-anh).
      const href = a.getAttribute("href"), at = location.hash;
      a.toggleAttribute("aria-current", at === href || at.startsWith(href + "/") || at.startsWith(href + "?"));
      if (a.hasAttribute("aria-current")) a.setAttribute("aria-current", "page");
    }
  }
  const h = location.hash || (me ? (me.role === "leader" ? "#/tong-quan" : me.role === "clerk" ? "#/tai-len" : "#/tim-kiem") : "#/dang-nhap");
  if (h !== location.hash) { location.hash = h; return; }
  for (const [re, view] of routes) {
    const m = h.match(re);
    if (m) {
      main.replaceChildren();
      delete document.body.dataset.view;
      const cur = nav.querySelector('a[aria-current="page"]');
      document.title = (cur ? cur.textContent.trim() + " — " : "") + "Văn thư số";
      // A screen slower than 300 ms says it is loading: never a blank area.
      main.removeAttribute("aria-busy");
      const slow = setTimeout(() => {
        if (run !== routing) return;
        main.setAttribute("aria-busy", "true");
        main.append(el("p", { class: "loading", id: "screen-loading", role: "status" }, "Đang tải…"));
      }, 300);
      try { await view(...m.slice(1)); } catch (e) { if (run === routing) main.append(failBox(e)); }
      clearTimeout(slow);
      if (run !== routing) return; // another screen was asked for meanwhile
      main.removeAttribute("aria-busy");
      const ld = $("#screen-loading"); if (ld) ld.remove();
      if (!main.textContent.trim() && !main.querySelector("img, svg, canvas, input")) main.append(el("p", { class: "empty" }, "Không có nội dung để hiển thị."));
      setTitle();
      if (location.hash === h) document.body.dataset.view = h; // the screen is drawn (tests wait on it)
      main.focus();
      return;
    }
  }
  main.replaceChildren(el("h1", {}, "Không có trang này"), el("p", {}, el("a", { href: "#" }, "Về trang đầu")));
  setTitle();
}
addEventListener("hashchange", route);
$("#logout").addEventListener("click", async () => { await api("/logout", { method: "POST" }).catch(() => {}); me = null; location.hash = "#/dang-nhap"; });
$("#menu-toggle").addEventListener("click", () => {
  const open = $("header").classList.toggle("open");
  $("#menu-toggle").setAttribute("aria-expanded", String(open));
});
$(".skip").addEventListener("click", e => { e.preventDefault(); main.focus(); }); // not a route: #main is no screen

// ---- keyboard shortcuts: "?" lists them; none fires while typing ----
const shortcuts = [["g t", "#/tai-len", "Tải lên"], ["g d", "#/duyet", "Duyệt"], ["g s", "#/so-den", "Sổ văn bản đến"], ["g k", "#/tim-kiem", "Tìm kiếm"],
  ["g q", "#/tong-quan", "Tổng quan"], ["g v", "#/viec-cua-toi", "Việc của tôi"], ["g h", "#/lich-hop", "Lịch họp"]];
function keysHelp() {
  let d = $("#keys-help");
  if (!d) {
    const kbd = k => k.split(" ").flatMap((x, i) => i ? [" rồi ", el("kbd", {}, x)] : [el("kbd", {}, x)]);
    d = el("dialog", { id: "keys-help", "aria-labelledby": "keys-help-title" }, el("h2", { id: "keys-help-title" }, "Phím tắt"),
      el("table", {}, el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Phím"), el("th", { scope: "col" }, "Việc"))), el("tbody", {},
        el("tr", {}, el("td", {}, kbd("?")), el("td", {}, "Hiện danh sách phím tắt này")),
        el("tr", {}, el("td", {}, kbd("/")), el("td", {}, "Đến ô tìm kiếm")),
        shortcuts.map(([k, , name]) => el("tr", {}, el("td", {}, kbd(k)), el("td", {}, "Mở " + name))),
        el("tr", {}, el("td", {}, kbd("Esc")), el("td", {}, "Đóng hộp thoại, menu")))),
      el("p", { class: "hint" }, "Phím tắt không có tác dụng khi đang gõ trong ô nhập liệu."),
      el("p", {}, el("button", { type: "button", onclick: () => d.close() }, "Đóng")));
    document.body.append(d);
  }
  if (!d.open) d.showModal();
}
let gPressed = 0;
addEventListener("keydown", e => {
  if (e.key === "Escape" && $("header").classList.contains("open")) { $("header").classList.remove("open"); $("#menu-toggle").setAttribute("aria-expanded", "false"); $("#menu-toggle").focus(); return; }
  const t = e.target;
  if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || !me || location.hash === "#/dang-nhap") return;
  if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || t.closest && t.closest("dialog[open]"))) return;
  if (e.key === "?") { e.preventDefault(); keysHelp(); return; }
  if (e.key === "/") {
    e.preventDefault();
    const q = $("#q");
    if (q) { q.focus(); return; }
    location.hash = "#/tim-kiem";
    const wait = setInterval(() => { const q = $("#q"); if (q) { clearInterval(wait); q.focus(); } }, 50);
    setTimeout(() => clearInterval(wait), 5000);
    return;
  }
  if (gPressed && Date.now() - gPressed < 1500) {
    gPressed = 0;
    const s = shortcuts.find(([k]) => k === "g " + e.key.toLowerCase());
    const a = s && $('#nav a[href="' + s[1] + '"]');
    if (a && !a.hidden) { e.preventDefault(); location.hash = s[1]; }
    return;
  }
  if (e.key === "g") gPressed = Date.now();
});

// ---- login ----
function loginView() {
  const name = el("input", { id: "name", name: "name", autocomplete: "username", required: true });
  const pw = el("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const err = el("p", { class: "error", role: "alert" });
  main.append(el("h1", {}, "Đăng nhập"), el("form", { id: "login", onsubmit: async ev => {
    ev.preventDefault();
    try {
      const r = await api("/login", { method: "POST", body: JSON.stringify({ name: name.value, password: pw.value }) });
      me = r.user;
      location.hash = me.role === "leader" ? "#/tong-quan" : me.role === "clerk" ? "#/tai-len" : "#/tim-kiem";
    } catch (e) { err.textContent = e.message; }
  } }, el("label", { for: "name" }, "Tên đăng nhập"), name, el("label", { for: "password" }, "Mật khẩu"), pw, el("p", {}, el("button", { type: "submit" }, "Đăng nhập")), err));
  name.focus();
}

// ---- upload ----
function uploadView() {
  const list = el("ul", { class: "files", "aria-live": "polite" });
  const pick = el("input", { type: "file", id: "files", multiple: true, accept: ".pdf,.png,.jpg,.jpeg,.tif,.tiff,.webp" });
  const dir = el("input", { type: "file", id: "folder", webkitdirectory: true, multiple: true });
  // Its name is what it says (axe: label-content-name-mismatch).
  const drop = el("div", { class: "drop", tabindex: "0", role: "button" },
    "Kéo thả văn bản (PDF, ảnh quét) hoặc cả thư mục vào đây", el("br"), el("span", { class: "hint" }, "hoặc nhấn Enter để chọn tệp"));
  drop.addEventListener("keydown", e => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); pick.click(); } });
  drop.addEventListener("dragover", e => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", async e => {
    e.preventDefault(); drop.classList.remove("over");
    const files = [];
    const walk = async entry => {
      if (entry.isFile) files.push(await new Promise(r => entry.file(r)));
      else if (entry.isDirectory) {
        const reader = entry.createReader();
        for (;;) { const batch = await new Promise(r => reader.readEntries(r)); if (!batch.length) break; for (const x of batch) await walk(x); }
      }
    };
    const items = [...(e.dataTransfer.items || [])].map(i => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
    if (items.length) for (const it of items) await walk(it); else files.push(...e.dataTransfer.files);
    send(files);
  });
  const send = files => { for (const f of files) uploadOne(f, list); };
  pick.addEventListener("change", () => send([...pick.files]));
  dir.addEventListener("change", () => send([...dir.files]));
  const failed = el("section", { id: "failed", "aria-live": "polite" });
  main.append(el("h1", {}, "Tải văn bản lên"), drop,
    el("p", {}, el("label", { for: "files" }, "Chọn tệp"), pick, " ", el("label", { for: "folder" }, "hoặc chọn thư mục"), dir),
    el("h2", {}, "Tiến độ"), list, failed);
  reviewBadge();
  return failedList(failed);
}

// failedList shows the documents that could not be read, each with its
// reason and what a clerk can do: read it again, delete it, upload it again.
async function failedList(box) {
  const r = await api("/documents?status=failed");
  // Refreshed while the screen is shown: a document read again comes back
  // here if it fails again.
  clearTimeout(box.timer);
  box.timer = setTimeout(() => { if (box.isConnected) failedList(box).catch(() => {}); }, 3000);
  if (box.querySelector("[data-armed]")) return; // a deletion is being confirmed
  box.replaceChildren();
  box.dataset.at = Date.now(); // when the list was last drawn (tests wait on it)
  if (!r.documents.length) return;
  box.append(el("h2", {}, "Văn bản không đọc được (" + r.documents.length + ")"),
    el("ul", { class: "files" }, r.documents.map(d => el("li", { "data-failed": d.id }, el("strong", {}, d.file), " ",
      el("span", { class: "error" }, d.error), " ", failedActions(d.id, () => failedList(box))))));
}

function failedActions(id, done) {
  const act = async (how, ok) => {
    try { await api("/documents/" + id + (how === "retry" ? "/retry" : ""), { method: how === "retry" ? "POST" : "DELETE" }); toast(ok); done(how); }
    catch (e) { toast("Lỗi: " + e.message); }
  };
  return el("span", { class: "actions" },
    el("button", { type: "button", class: "secondary", "data-action": "retry", onclick: () => act("retry", "Đang đọc lại văn bản") }, "Đọc lại"), " ",
    el("button", { type: "button", class: "secondary", "data-action": "delete", onclick: ev => {
      // Asked twice, in place: the second press deletes.
      const b = ev.currentTarget;
      if (b.dataset.armed) { act("delete", "Đã xoá"); return; }
      b.dataset.armed = "1"; b.textContent = "Bấm lần nữa để xoá";
      setTimeout(() => { delete b.dataset.armed; b.textContent = "Xoá"; }, 5000);
    } }, "Xoá"), " ",
    el("label", { class: "button secondary", for: "files" }, "Tải lên lại"));
}

function uploadOne(file, list) {
  const bar = el("progress", { max: 100, value: 0, "aria-label": "Tiến độ tải " + file.name });
  const state = el("span", { class: "state" }, "Đang tải…");
  const li = el("li", { "data-file": file.name }, el("strong", {}, file.webkitRelativePath || file.name), " ", bar, " ", state);
  list.append(li);
  const fd = new FormData();
  fd.append("file", file, file.name);
  const x = new XMLHttpRequest();
  x.open("POST", "/api/v1/documents");
  x.upload.onprogress = e => { if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total); };
  x.onload = () => {
    let r = {};
    try { r = JSON.parse(x.responseText); } catch {}
    if (x.status !== 202) {
      const why = r.error ? (typeof viText === "function" ? viText(r.error, x.status) : r.error) : "lỗi " + x.status;
      state.replaceChildren(el("span", { class: "error" }, "Không nhận: " + why)); li.dataset.status = "rejected"; return;
    }
    bar.value = 100;
    follow(r.id, li, state);
  };
  x.onerror = () => { state.textContent = "Lỗi mạng khi tải lên"; };
  x.send(fd);
}

// secretText explains a document its own uploader may no longer open: it
// was taken, and read as secret above their clearance.
const secretText = "Văn bản mật — bạn không được phép xem";

// duplicateOf is the line a duplicate upload points at: the document
// registered before with the same number, symbol and issuer. Null for a
// document that is not a duplicate.
const duplicateOf = d => d && d.register && d.register.duplicate_of ? d.register : null;

// duplicateNote tells that a document is a duplicate and is not in the
// register again: the one that is, with its arrival number.
function duplicateNote(d) {
  const r = duplicateOf(d);
  if (!r) return null;
  return el("span", { class: "dup", "data-duplicate-of": r.duplicate_document || "" }, "Trùng với văn bản đã vào sổ",
    r.duplicate_document ? [" ", el("a", { href: "#/van-ban/" + r.duplicate_document },
      "số đến " + r.duplicate_arrival_number + (r.book === "mật" ? " (sổ mật)" : ""))] : "",
    " — bản này không vào sổ lần nữa");
}

// follow shows a document's stages until it is registered or failed.
async function follow(id, li, state) {
  for (;;) {
    let d;
    try { d = await api("/documents/" + id); } catch (e) {
      // Taken, then read as secret above the uploader's clearance: the API
      // no longer shows it to them.
      state.replaceChildren(e.status === 404 || e.raw === "not found" || e.message === "not found" ? el("span", { class: "secret" }, "Đã nhận. " + secretText + ".") :
        el("span", { class: "error" }, "Lỗi: " + e.message));
      li.dataset.status = "hidden"; return;
    }
    li.dataset.status = d.status; li.dataset.id = id;
    const dup = duplicateOf(d);
    if (dup) li.dataset.duplicate = dup.duplicate_document || "";
    state.replaceChildren(...stageNames.map(([k, n]) => dup && k === "registered" ? el("span", { class: "stage dup" }, "Trùng, không vào sổ")
      : el("span", { class: "stage" + (d.stages[k] ? " done" : "") }, n)), " ",
      d.status === "failed" ? el("span", {}, el("span", { class: "error" }, "Không đọc được: " + d.error), " ",
        failedActions(id, how => { if (how === "retry") { li.dataset.status = "received"; follow(id, li, state); } else li.remove(); })) :
      dup ? el("span", {}, duplicateNote(d), " ", el("a", { href: "#/van-ban/" + id }, "Xem bản tải lên →")) :
      d.status === "review" ? el("a", { href: "#/duyet/" + id }, "Cần duyệt →") :
      d.status === "received" ? "" : el("a", { href: "#/van-ban/" + id }, statusNames[d.status] + (d.register && d.register.arrival_number ? " — số đến " + d.register.arrival_number : "")));
    if (d.status !== "received") { if (d.status === "review") reviewBadge(); return; }
    await new Promise(r => setTimeout(r, 1000));
  }
}

// ---- review ----
// The review queue's count on the "Duyệt" menu entry (limit: the API's
// most per page).
const reviewLimit = 1000;
async function reviewBadge(n) {
  const a = document.querySelector('#nav a[href="#/duyet"]');
  if (!a || !me || (me.role !== "clerk" && me.role !== "leader")) return;
  if (n == null) { try { n = (await api("/documents?status=review&limit=" + reviewLimit)).documents.length; } catch { return; } }
  let b = a.querySelector(".count");
  if (!b) a.append(" ", b = el("span", { class: "count", id: "review-n" })); // read "Duyệt 6", as seen
  b.textContent = n ? (n >= reviewLimit ? reviewLimit + "+" : String(n)) : "";
  b.title = n ? n + " văn bản chờ duyệt" : "";
}
addEventListener("hashchange", () => setTimeout(() => reviewBadge(), 0));
{ const boot = setInterval(() => { if (me) { clearInterval(boot); reviewBadge(); } }, 500); }
setInterval(() => { if (me && !document.hidden) reviewBadge(); }, 60000);

async function queueView() {
  const r = await api("/documents?status=review&limit=" + reviewLimit);
  reviewBadge(r.documents.length);
  main.append(el("h1", { class: "rv-title" }, "Văn bản cần duyệt" + (r.documents.length ? " (" + r.documents.length + ")" : "")));
  if (!r.documents.length) { main.append(el("p", {}, "Không có văn bản nào chờ duyệt.")); return; }
  const picks = [];
  const all = el("input", { type: "checkbox", id: "q-all", "aria-label": "Chọn tất cả", onchange: () => { for (const p of picks) p.checked = all.checked; update(); } });
  const go = el("button", { type: "button", id: "approve-selected", disabled: true }, "Duyệt các văn bản đã chọn");
  const result = el("div", { id: "bulk-result", role: "status", "aria-live": "polite" });
  const chosen = () => picks.filter(p => p.checked);
  const update = () => {
    const n = chosen().length;
    go.disabled = !n;
    delete go.dataset.armed;
    go.textContent = "Duyệt các văn bản đã chọn" + (n ? " (" + n + ")" : "");
    all.checked = n === picks.length; all.indeterminate = n > 0 && n < picks.length;
  };
  go.addEventListener("click", async () => {
    const sel = chosen();
    if (!sel.length) return;
    // Approving vouches for every field, those the machine doubted too: asked twice.
    if (!go.dataset.armed) {
      go.dataset.armed = "1";
      go.textContent = "Bấm lần nữa để duyệt " + sel.length + " văn bản (kể cả trường máy chưa chắc)";
      return;
    }
    go.disabled = true; go.textContent = "Đang duyệt…";
    const ok = [], bad = [];
    for (const p of sel) {
      const d = p.doc;
      try { await api("/documents/" + d.id + "/approve", { method: "POST" }); ok.push(d); p.closest("tr").remove(); picks.splice(picks.indexOf(p), 1); }
      catch (e) { bad.push([d, e.message]); p.closest("tr").dataset.failed = "1"; }
    }
    result.replaceChildren(...[ok.length ? el("p", { class: "ok" }, "Đã duyệt " + ok.length + " văn bản.") : null,
      bad.length ? el("div", { class: "error" }, el("p", {}, "Không duyệt được " + bad.length + " văn bản:"),
        el("ul", {}, bad.map(([d, m]) => el("li", {}, d.file + ": " + m)))) : null].filter(Boolean));
    toast(bad.length ? "Đã duyệt " + ok.length + ", " + bad.length + " không duyệt được" : "Đã duyệt " + ok.length + " văn bản");
    update();
    reviewBadge();
    if (!picks.length) table.replaceWith(el("p", {}, "Không còn văn bản nào chờ duyệt."));
  });
  const table = el("div", { class: "rv-scroll" }, el("table", { id: "queue" }, el("tr", {}, el("th", { scope: "col" }, all), el("th", { scope: "col" }, "Tệp"),
    el("th", { scope: "col" }, "Trường cần kiểm tra"), el("th", { scope: "col" }, "Tải lên lúc")),
    r.documents.map(d => {
      const p = el("input", { type: "checkbox", class: "pick", value: d.id, "aria-label": "Chọn " + d.file, onchange: () => update() });
      p.doc = d; picks.push(p);
      return el("tr", { "data-doc": d.id }, el("td", {}, p), el("td", { class: "file" }, el("a", { href: "#/duyet/" + d.id }, d.file)),
        el("td", {}, d.review.map(f => fieldNames[f] || f).join(", ") || "—"), el("td", {}, vnStamp(d.uploaded_at)));
    })));
  main.append(el("p", { class: "bulk" }, go), result, table);
}

// pageWithBoxes shows page n of a document with the evidence boxes of
// the fields read on it.
function pageWithBoxes(d, n, low) {
  const wrap = el("div", { class: "pageview", "data-page": n });
  const sheet = el("div", { class: "sheet" });
  const img = el("img", { alt: "Trang " + n + " của " + d.file });
  sheet.append(img);
  wrap.append(sheet);
  fetch("/api/v1/documents/" + d.id + "/pages/" + n, { credentials: "same-origin" }).then(async res => {
    if (!res.ok) { wrap.append(el("p", {}, "Không hiển thị được trang " + n)); return; }
    const scale = parseFloat(res.headers.get("X-Vanthu-Scale") || "1");
    img.src = URL.createObjectURL(await res.blob());
    img.onload = () => {
      // In hundredths of the image: the boxes follow it when zoomed.
      const k = 100 * scale / img.naturalWidth, kh = 100 * scale / img.naturalHeight;
      for (const [f, ev] of Object.entries((d.record && d.record.evidence) || {})) {
        if (ev.page !== n) continue;
        const [x, y, w, h] = ev.box;
        sheet.append(el("div", { class: "box" + (low.includes(f) ? " low" : ""), "data-field": f, title: fieldNames[f] || f,
          style: `left:${x * k}%;top:${y * kh}%;width:${w * k}%;height:${h * kh}%` }));
      }
      wrap.dispatchEvent(new Event("boxes"));
    };
  });
  return wrap;
}

// ---- dates and choices as a person types and reads them ----
// isoDate reads a day typed the Vietnamese way (20/03/2018, also 20-03-2018,
// 20.3.2018, or 2018-03-20): YYYY-MM-DD, "" when empty, null when not a day.
function isoDate(s) {
  s = (s || "").trim();
  if (!s) return "";
  let m = s.match(/^(\d{1,2})\s*[\/.\-]\s*(\d{1,2})\s*[\/.\-]\s*(\d{4})$/), y, mo, d;
  if (m) [d, mo, y] = [+m[1], +m[2], +m[3]];
  else if ((m = s.match(/^(\d{4})-(\d\d)-(\d\d)$/))) [y, mo, d] = [+m[1], +m[2], +m[3]];
  else return null;
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1900 || y > 2200 || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return null;
  return t.toISOString().slice(0, 10);
}
// A meeting's time: "15/02/2023 14:00" ↔ "2023-02-15T14:00".
const vnDateTime = v => /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(v || "") ? vnDate(v) + " " + v.slice(11, 16) : vnDate(v);
function isoDateTime(s) {
  s = (s || "").trim();
  if (!s) return "";
  const m = s.match(/^(\S+?)(?:[\sT]+(\d{1,2})\s*[:hg]\s*(\d{2})?)?$/i);
  const day = m && isoDate(m[1]);
  if (!day) return null;
  if (m[2] == null) return day;
  const h = +m[2], mi = +(m[3] || 0);
  return h < 24 && mi < 60 ? day + "T" + String(h).padStart(2, "0") + ":" + String(mi).padStart(2, "0") : null;
}
const dateFields = { issued_at: [vnDate, isoDate, "ngày/tháng/năm, ví dụ 20/03/2018"], meeting_time: [vnDateTime, isoDateTime, "ngày/tháng/năm giờ:phút, ví dụ 15/02/2023 14:00"] };
const urgencies = [["", "Thường"], ["KHẨN", "Khẩn"], ["THƯỢNG KHẨN", "Thượng khẩn"], ["HỎA TỐC", "Hỏa tốc"]];
const secrecies = [["", "Không mật"], ["MẬT", "Mật"], ["TỐI MẬT", "Tối mật"], ["TUYỆT MẬT", "Tuyệt mật"]];
// canon puts a stamp as printed ("Hoả tốc", "mật") in the form of the choices.
const canon = v => (v || "").normalize("NFC").toUpperCase().replace(/\s+/g, " ").trim().replace("HOẢ", "HỎA");
// shownValue is a field as the form shows it.
const shownValue = (f, v) => dateFields[f] ? dateFields[f][0](v || "") : (f === "urgency" || f === "confidentiality") ? canon(v) : (v || "");
// readValue is what a person put in a field, as the API takes it: null when it is not of the field's form.
const readValue = (f, v) => dateFields[f] ? dateFields[f][1](v) : v;
// fieldText is a field's value for reading (document view, history).
const fieldText = (f, v) => f === "doc_type" ? (typeNames[v] || v) : f === "status" ? (statusNames[v] || v) : dateFields[f] ? dateFields[f][0](v || "")
  : f === "urgency" ? ((urgencies.find(u => u[0] && u[0] === canon(v)) || [, v])[1]) : (v || "");
const fieldLabelOf = f => f === "status" ? "Trạng thái" : f === "receiving_unit" ? "Đơn vị xử lý" : (fieldNames[f] || f);
// historyText is a line of a document's history: "Trạng thái: Cần duyệt → Đã duyệt".
function historyText(c) {
  if (c.field === "reading") return "Đọc lại văn bản: " + (c.new ? "thay đổi " + c.new.split(", ").map(fieldLabelOf).join(", ") : "không trường nào thay đổi");
  const v = x => fieldText(c.field, x) || "(trống)";
  if (c.old === c.new) return fieldLabelOf(c.field) + ": xác nhận đúng " + v(c.new);
  return fieldLabelOf(c.field) + ": " + v(c.old) + " → " + v(c.new);
}
// choice is a drop-down of [value, label]; a value read that is none of them stays, as read.
function choice(f, opts, v, attrs) {
  const s = el("select", Object.assign({ id: "f-" + f, name: f }, attrs));
  const known = opts.some(([k]) => k === v);
  for (const [k, n, off] of (known || !v) ? opts : [...opts, [v, v + " (máy đọc)"]]) s.append(el("option", { value: k, selected: k === v, disabled: off && k !== v }, n));
  s.value = v;
  return s;
}
// fieldInput is the control of a field in review.
function fieldInput(f, v, attrs) {
  if (f === "doc_type") return choice(f, [["", "— Chưa rõ —"], ...Object.entries(typeNames).map(([k, n]) => [k, n + " (" + k + ")"])], v || "", attrs);
  if (f === "urgency") return choice(f, urgencies, canon(v), attrs);
  if (f === "confidentiality") {
    // Up to the person's own clearance: a level above it would hide the document from them.
    const rank = l => secrecies.findIndex(s => s[0] === l);
    const top = rank(canon(me && me.clearance));
    return choice(f, secrecies.map(([k, n]) => [k, n, rank(k) > Math.max(top, 0)]), canon(v), attrs);
  }
  if (dateFields[f]) {
    const input = el("input", Object.assign({ id: "f-" + f, name: f, value: shownValue(f, v), placeholder: f === "issued_at" ? "dd/mm/yyyy" : "dd/mm/yyyy hh:mm",
      inputmode: "numeric", autocomplete: "off", size: 18 }, attrs));
    const picker = el("input", { type: f === "issued_at" ? "date" : "datetime-local", class: "picker", id: "p-" + f, tabindex: "-1",
      "aria-label": "Chọn " + fieldNames[f].toLowerCase() + " trên lịch" });
    const sync = () => { const iso = readValue(f, input.value); picker.value = iso && (f === "issued_at" || iso.includes("T")) ? iso : ""; };
    sync();
    input.addEventListener("input", sync);
    picker.addEventListener("change", () => { if (picker.value) { input.value = shownValue(f, picker.value); input.dispatchEvent(new Event("input", { bubbles: true })); } });
    input.picker = picker;
    return input;
  }
  return el("input", Object.assign({ id: "f-" + f, name: f, value: v || "", size: 40 }, attrs));
}
// reviewError names the field the API refused, in Vietnamese.
function reviewError(e) {
  const raw = e.raw || e.message || "";
  const f = Object.keys(fieldNames).concat("receiving_unit").find(k => new RegExp("\\b" + k + "\\b").test(raw));
  if (f && dateFields[f]) return fieldLabelOf(f) + " không hợp lệ: hãy nhập " + dateFields[f][2] + ".";
  return (f && !e.message.includes(fieldLabelOf(f)) ? fieldLabelOf(f) + ": " : "") + e.message;
}

async function reviewView(id) {
  const d = await api("/documents/" + id);
  const rec = d.record || {};
  const low = d.review || [];
  const inputs = {};
  const form = el("form", { class: "fields", id: "review", novalidate: true, onsubmit: e => { e.preventDefault(); save(false); } });
  // Every page, one at a time: the one where the field in focus was read
  // is shown; zoom for a pen's digits.
  const pages = Math.max(1, rec.pages || 1);
  const viewer = el("div", { class: "pages" });
  let shown = 0, zoomed = false;
  const label = el("span", { class: "pageno", "aria-live": "polite" });
  const pageOf = f => (rec.evidence && rec.evidence[f] && rec.evidence[f].page) || 1;
  // The page switcher: each page, with how many unsure fields were read on it.
  const thumbs = el("div", { class: "thumbs", role: "group", "aria-label": "Các trang" });
  for (let n = 1; n <= Math.min(pages, 50); n++) {
    const k = low.filter(f => pageOf(f) === n).length;
    thumbs.append(el("button", { type: "button", class: "thumb" + (k ? " low" : ""), "data-page": n, "aria-pressed": "false", onclick: () => show(n) },
      "Trang " + n, k ? el("span", { class: "count" }, k) : null));
  }
  const show = n => {
    if (n < 1 || n > pages) return;
    if (n !== shown) { shown = n; viewer.replaceChildren(pageWithBoxes(d, n, low)); viewer.firstChild.classList.toggle("zoom", zoomed); }
    label.textContent = "Trang " + n + "/" + pages;
    for (const t of thumbs.children) t.setAttribute("aria-pressed", String(+t.dataset.page === n));
  };
  const bar = el("p", { class: "pagebar" },
    el("button", { type: "button", class: "secondary", id: "prev-page", onclick: () => show(shown - 1) }, "‹ Trang trước"), " ", label, " ",
    el("button", { type: "button", class: "secondary", id: "next-page", onclick: () => show(shown + 1) }, "Trang sau ›"), " ",
    el("button", { type: "button", class: "secondary", id: "zoom", "aria-pressed": "false", onclick: e => {
      zoomed = !zoomed; e.currentTarget.setAttribute("aria-pressed", zoomed); viewer.firstChild && viewer.firstChild.classList.toggle("zoom", zoomed);
      e.currentTarget.textContent = zoomed ? "Thu nhỏ" : "Phóng to";
    } }, "Phóng to"));
  // The fields to check, every page's: each goes to its field (and its page).
  const toCheck = low.length ? el("div", { class: "tocheck", id: "tocheck" }, el("strong", {}, "Cần kiểm tra " + low.length + " trường: "),
    low.map(f => el("button", { type: "button", class: "chip", "data-field": f, onclick: () => inputs[f] && inputs[f].focus() },
      (fieldNames[f] || f) + " · trang " + pageOf(f)))) : null;
  const err = el("p", { class: "error", id: "review-error", role: "alert" });
  for (const f of Object.keys(fieldNames)) {
    const conf = rec.confidence && rec.confidence[f];
    const described = [low.includes(f) ? "n-" + f : "", dateFields[f] ? "h-" + f : "", dateFields[f] ? "e-" + f : ""].filter(Boolean).join(" ");
    const input = fieldInput(f, rec[f] || "", { "aria-describedby": described || false });
    input.addEventListener("focus", () => {
      show(pageOf(f));
      const mark = () => viewer.querySelectorAll(".box").forEach(b => b.classList.toggle("active", b.dataset.field === f));
      mark();
      viewer.firstChild && viewer.firstChild.addEventListener("boxes", mark, { once: true });
    });
    inputs[f] = input;
    form.append(el("div", { class: "field" + (low.includes(f) ? " low" : ""), "data-field": f }, el("label", { for: "f-" + f }, fieldNames[f]),
      input.picker ? el("span", { class: "datepair" }, input, input.picker) : input,
      dateFields[f] ? el("div", { class: "hint", id: "h-" + f }, "Nhập " + dateFields[f][2] + ", hoặc chọn trên lịch") : null,
      dateFields[f] ? el("div", { class: "error", id: "e-" + f }) : null,
      low.includes(f) ? el("div", { class: "note", id: "n-" + f }, "⚠ Máy đọc chưa chắc" + (conf != null ? " (độ tin cậy " + Math.round(conf * 100) + "%)" : "") +
        ", trang " + pageOf(f) + ": hãy kiểm tra") : null));
  }
  show(low.length ? pageOf(low[0]) : 1);
  const page1 = el("div", { class: "pagepane" }, pages > 1 ? thumbs : null, bar, viewer);
  if (d.register) {
    // Who handles it: the register's, assigned by the clerk.
    const r = d.register, dup = duplicateOf(d);
    const unit = el("input", { id: "f-receiving_unit", name: "receiving_unit", value: r.receiving_unit || "", size: 40 });
    inputs.receiving_unit = unit;
    form.prepend(el("div", { class: "field" }, el("label", { for: "f-receiving_unit" }, "Đơn vị xử lý (" +
      (dup ? "văn bản trùng, không vào sổ" : "số đến " + r.arrival_number + (r.book === "mật" ? " sổ mật" : "")) + ", hạn " + (vnDate(r.deadline) || "—") + ")"), unit));
    if (dup) form.prepend(el("p", { class: "note dupnote" }, duplicateNote(d)));
  }
  if (toCheck) form.prepend(toCheck);
  const original = f => f === "receiving_unit" ? ((d.register && d.register.receiving_unit) || "") : (rec[f] || "");
  const approveBtn = el("button", { type: "button", id: "approve", onclick: () => save(true) }, "Duyệt (Ctrl+Enter)");
  const save = async approve => {
    const changes = {}, bad = [];
    err.textContent = "";
    for (const [f, i] of Object.entries(inputs)) {
      const out = $("#e-" + f, form);
      if (out) out.textContent = "";
      i.removeAttribute("aria-invalid");
      if (i.value === shownValue(f, original(f))) continue; // as read: unchanged
      const v = readValue(f, i.value);
      if (v === null) { bad.push(f); continue; }
      if (v !== original(f)) changes[f] = v;
    }
    if (bad.length) {
      // Nothing sent: every correction stays in the form, the wrong one named.
      for (const f of bad) {
        inputs[f].setAttribute("aria-invalid", "true");
        $("#e-" + f, form).textContent = "“" + inputs[f].value + "” không phải ngày hợp lệ: hãy nhập " + dateFields[f][2] + ".";
      }
      err.textContent = "Chưa lưu: " + bad.map(fieldLabelOf).join(", ") + " không hợp lệ. Các sửa đổi khác vẫn giữ trên màn hình; hãy sửa rồi lưu lại.";
      toast("Chưa lưu: " + bad.map(fieldLabelOf).join(", ") + " không hợp lệ");
      inputs[bad[0]].focus();
      return;
    }
    // Approving vouches for every field: with fields the machine doubted
    // left as read, it is asked twice.
    const unchecked = low.filter(f => inputs[f] && !(f in changes) && !inputs[f].dataset.checked);
    if (approve && unchecked.length && !approveBtn.dataset.armed) {
      approveBtn.dataset.armed = "1";
      approveBtn.textContent = "Còn " + unchecked.length + " trường máy chưa chắc chưa sửa — bấm lần nữa (Ctrl+Enter) để vẫn duyệt";
      toast("Hãy kiểm tra: " + unchecked.map(f => fieldNames[f] || f).join(", "));
      setTimeout(() => { delete approveBtn.dataset.armed; approveBtn.textContent = "Duyệt (Ctrl+Enter)"; }, 8000);
      return;
    }
    try {
      if (Object.keys(changes).length) await api("/documents/" + id, { method: "PATCH", body: JSON.stringify(changes) });
      if (approve) {
        await api("/documents/" + id + "/approve", { method: "POST" });
        toast("Đã duyệt văn bản " + d.file);
        const q = await api("/documents?status=review&limit=" + reviewLimit);
        reviewBadge(q.documents.length);
        location.hash = q.documents.length ? "#/duyet/" + q.documents[0].id : "#/van-ban/" + id;
      } else { toast("Đã lưu sửa đổi"); reviewBadge(); route(); }
    } catch (e) {
      // The form keeps what was typed: put right, saved again.
      const why = reviewError(e);
      err.textContent = "Chưa lưu được: " + why;
      toast("Chưa lưu được: " + why);
    }
  };
  form.append(err, el("p", {}, el("button", { type: "submit", id: "save" }, "Lưu (Ctrl+S)"), " ",
    approveBtn),
    el("p", { class: "hint" }, "Tab để chuyển trường; khung trên ảnh cho biết chỗ máy đã đọc."));
  form.addEventListener("keydown", e => {
    if (e.ctrlKey && e.key === "Enter") { e.preventDefault(); save(true); }
    if (e.ctrlKey && (e.key === "s" || e.key === "S")) { e.preventDefault(); save(false); }
  });
  main.append(el("h1", { class: "rv-title" }, "Duyệt: " + docTitle(d) + " — " + statusNames[d.status]), rec.doc_type || rec.number ? el("p", { class: "hint rv-file" }, "Tệp: " + d.file) : null,
    el("div", { class: "review" }, page1, form));
  // The first field to check, after the screen takes the focus (route).
  const first = low.length ? inputs[low[0]] : inputs.subject;
  if (first) { first.focus(); setTimeout(() => first.focus(), 0); }
}

// docTitle names a document as people do: "Thông báo 46/TB-UBND", else its file.
const docTitle = d => {
  const r = d.record || {};
  const no = r.number ? r.number + (r.symbol ? "/" + r.symbol : "") : "";
  return r.doc_type || no ? [typeNames[r.doc_type] || r.doc_type, no].filter(Boolean).join(" ") : d.file;
};

// ---- document ----
async function documentView(id) {
  let d;
  try { d = await api("/documents/" + id); } catch (e) {
    if (e.status !== 404) throw e;
    // The API tells "not there" and "not yours to read" alike.
    main.append(el("h1", {}, "Văn bản không xem được"), el("p", { class: "note secret", id: "not-readable" },
      "Không tìm thấy văn bản này, hoặc đây là văn bản mật — bạn không được phép xem. Văn bản mật chỉ người được cấp độ mật tương ứng mới xem được; hãy hỏi văn thư hoặc lãnh đạo cơ quan."));
    return;
  }
  const rec = d.record || {};
  main.append(el("h1", { class: "rv-title" }, docTitle(d)), el("p", {}, stageNames.map(([k, n]) => el("span", { class: "stage" + (d.stages[k] ? " done" : "") }, n)), " ",
    el("a", { class: "button secondary", href: "/api/v1/documents/" + id + "/file" }, "Tải bản gốc"),
    (me.role === "clerk" || me.role === "leader") && d.status !== "failed" && d.status !== "received" ? [" ", el("a", { class: "button secondary", href: "#/duyet/" + id }, "Sửa / duyệt")] : null),
    rec.doc_type || rec.number ? el("p", { class: "hint rv-file" }, "Tệp: " + d.file) : null);
  if (duplicateOf(d)) main.append(el("p", { class: "note dupnote", id: "duplicate" }, duplicateNote(d), " (cùng số, ký hiệu và cơ quan ban hành)."));
  else if (d.register) main.append(el("p", { id: "arrival" }, "Số đến " + d.register.arrival_number + (d.register.book === "mật" ? " (sổ mật)" : "") + ", ngày đến " + vnDate(d.register.arrived_at) +
    (d.register.deadline ? ", hạn xử lý " + vnDate(d.register.deadline) : "")));
  if (d.error) main.append(el("p", { class: "error" }, "Lỗi: " + d.error));
  // The leader's direction and its handling, drawn before the screen counts as drawn.
  const handling = el("section", { id: "handling", class: "handling-panel", "aria-labelledby": "handling-title" });
  main.append(handling);
  await handlingPanel(id, d, handling);
  const exchange = el("section", { id: "exchange", class: "handling-panel" });
  main.append(exchange);
  await exchangePanel(id, d, exchange);
  const fields = el("table", { id: "doc-fields" }, Object.entries(fieldNames).filter(([f]) => rec[f]).map(([f, n]) => el("tr", { "data-field": f }, el("th", { scope: "row" }, n), el("td", {}, fieldText(f, rec[f])))));
  if (rec.tasks && rec.tasks.length) fields.append(el("tr", {}, el("th", {}, "Nhiệm vụ"), el("td", {}, el("ul", {}, rec.tasks.map(t => el("li", {}, t.assignee + ": " + t.task + (t.due ? " (hạn " + vnDate(t.due) + ")" : "")))))));
  const pages = el("div");
  for (let n = 1; n <= Math.min(rec.pages || 1, 20); n++) pages.append(el("h2", {}, "Trang " + n), pageWithBoxes(d, n, d.review || []));
  const hist = await api("/documents/" + id + "/history");
  const rel = await api("/documents/" + id + "/related");
  const relList = (xs) => xs.length ? el("ul", {}, xs.map(h => el("li", {}, el("a", { href: "#/van-ban/" + h.document_id }, [typeNames[h.doc_type] || h.doc_type, h.number + "/" + h.symbol].filter(Boolean).join(" ") + " — " + h.subject)))) : el("p", {}, "Không có.");
  main.append(el("div", { class: "review" }, el("div", { class: "fields" }, el("h2", {}, "Thông tin văn bản"), fields,
    el("h2", {}, "Lịch sử sửa đổi"), hist.corrections.length ? el("div", { class: "rv-scroll" }, el("table", { id: "history" }, el("tr", {}, ["Lúc", "Người sửa", "Thay đổi"].map(h => el("th", { scope: "col" }, h))),
      hist.corrections.map(c => el("tr", { "data-field": c.field }, el("td", {}, vnStamp(c.at)), el("td", {}, c.field === "reading" ? "Hệ thống" : c.user), el("td", {}, historyText(c)))))) : el("p", {}, "Chưa sửa lần nào."),
    el("h2", {}, "Văn bản trùng (cùng số, ký hiệu, cơ quan)"), relList(rel.duplicates), el("h2", {}, "Văn bản liên quan"), relList(rel.similar),
    el("h2", {}, "Nội dung"), el("pre", { class: "text" }, rec.text || "")), el("div", { class: "pageview" }, pages)));
}

// ---- dashboard and summary: dashboard.js ----

// ---- citizens' feedback over Zalo (phản ánh) ----
const caseTopics = { "dat-dai": "Đất đai", "xay-dung": "Xây dựng", "moi-truong": "Môi trường", "giao-thong": "Giao thông", "ho-tich": "Hộ tịch – cư trú",
  "an-ninh": "An ninh trật tự", "y-te": "Y tế", "giao-duc": "Giáo dục", "dien-nuoc": "Điện – nước", "thue-kinh-doanh": "Thuế – kinh doanh",
  "lao-dong-bhxh": "Lao động – BHXH", "dich-vu-cong": "Dịch vụ công", "ngoai-pham-vi": "Ngoài phạm vi", "tra-cuu": "Tra cứu" };
const topicName = t => caseTopics[t] || (t && t !== "chưa rõ" ? t : "Chưa phân loại");
const caseStatuses = { received: "Mới tiếp nhận", classified: "Chờ giao xử lý", assigned: "Đang xử lý", answered: "Đã trả lời", closed: "Đã đóng", rejected: "Đã từ chối" };
const caseStatus = s => caseStatuses[s] || s;
const caseActions = { opened: "Tiếp nhận", routed: "Máy phân loại", assigned: "Giao xử lý", forwarded: "Chuyển cơ quan", replied: "Trả lời công dân",
  status: "Đổi trạng thái", closed: "Đóng phản ánh", rejected: "Từ chối phản ánh" };
const maxReply = 2000; // Zalo's limit on a consultation message
const windowText = "Đã quá 48 giờ kể từ tin nhắn cuối của công dân; Zalo không cho gửi tin tư vấn.";
// vnStamp is an instant (RFC 3339) as dd/mm/yyyy hh:mm in Vietnam's time (UTC+7, no summer time).
const vnStamp = s => {
  const t = Date.parse(s || "");
  if (isNaN(t)) return s || "";
  const iso = new Date(t + 7 * 3600e3).toISOString();
  return vnDate(iso) + " " + iso.slice(11, 16);
};
const canAssign = () => me.role === "clerk" || me.role === "leader";
const canReply = () => me.role === "clerk" || me.role === "staff" || me.role === "leader";

// fbError says in Vietnamese what went wrong with a request about a case.
function fbError(e) {
  const m = String((e && (e.raw || e.message)) || ""); // the API's own words (api() says them in Vietnamese in e.message)
  switch (e && e.status) {
    case 400:
      if (/forwarding to another agency needs a reason/.test(m)) return "Cần ghi lý do khi chuyển phản ánh sang cơ quan khác.";
      if (/rejection needs a reason/.test(m)) return "Từ chối phản ánh cần ghi lý do (tối đa 1.000 ký tự).";
      if (/is (closed|rejected)/.test(m)) return "Phản ánh đã đóng hoặc đã bị từ chối; không thể thay đổi nữa.";
      if (/"text"/.test(m)) return "Nội dung trả lời phải có từ 1 đến " + maxReply + " ký tự.";
      if (/agency code/.test(m)) return "Mã cơ quan không hợp lệ: cần nhập mã cơ quan (tối đa 100 ký tự); đơn vị tối đa 200, lý do tối đa 1.000 ký tự.";
      return (e && e.message) || "Yêu cầu không hợp lệ."; // api()'s Vietnamese (vi.js), never the API's English
    case 403: return "Bạn không có quyền thực hiện thao tác này.";
    case 404: return "Không tìm thấy phản ánh, hoặc phản ánh không thuộc cơ quan của bạn.";
    case 409: return windowText;
    case 502: return "Zalo không nhận tin trả lời nên tin chưa được gửi tới công dân. Hãy thử lại sau ít phút.";
    case 503: return /Zalo/.test(m) ? "Máy chủ chưa được cấu hình kết nối Zalo OA nên không gửi được tin trả lời. Hãy báo quản trị hệ thống."
      : "Hệ thống đang bận, chưa thực hiện gì. Hãy thử lại sau giây lát.";
    case 500: return "Lỗi hệ thống. Hãy thử lại, hoặc báo quản trị hệ thống nếu lỗi lặp lại.";
  }
  if (e instanceof TypeError) return "Không kết nối được máy chủ. Hãy kiểm tra mạng rồi thử lại.";
  return (e && e.message) || "Lỗi không xác định.";
}

// refusedText is why an attachment was not taken, in Vietnamese.
function refusedText(why) {
  let m;
  if ((m = why.match(/^(\S+) is not one of Zalo's hosts$/))) return "địa chỉ " + m[1] + " không thuộc máy chủ của Zalo";
  if ((m = why.match(/^download: HTTP (\d+)$/))) return "không tải được tệp (HTTP " + m[1] + ")";
  if (/^download:/.test(why)) return "không tải được tệp";
  if ((m = why.match(/(\d+) MiB/))) return "tệp quá lớn (tối đa " + m[1] + " MiB)";
  if (/^not an image or a PDF/.test(why)) return "không phải ảnh hoặc tệp PDF";
  if (/want https/.test(why)) return "địa chỉ tệp không dùng https";
  if (/not a URL|too long|credentials/.test(why)) return "địa chỉ tệp không hợp lệ";
  return why;
}

// historyDetail puts a history line's detail in Vietnamese where it is the machine's words.
function historyDetail(h) {
  let m;
  if (h.action === "routed" && (m = h.detail.match(/^topic (\S+) \(([\d.]+)\)(?: → (.+))?$/)))
    return "Chủ đề " + topicName(m[1]) + " (độ tin cậy " + Math.round(100 * +m[2]) + "%)" + (m[3] ? " → giao " + m[3] : ", chờ giao xử lý");
  if (h.action === "status" && (m = h.detail.match(/^(\w+) → (\w+): the citizen wrote again$/)))
    return caseStatus(m[1]) + " → " + caseStatus(m[2]) + ": công dân nhắn thêm";
  return h.detail;
}

const deadlineCell = c => c.overdue
  ? el("span", { class: "overdue" }, vnDate(c.deadline), " ", el("strong", {}, "(Quá hạn)"))
  : vnDate(c.deadline) || "—";
const agencyText = c => c.agency + (c.unit ? " – " + c.unit : "");

// The inbox's tabs: what each asks the API for.
const fbTabs = [
  ["moi", "Mới tiếp nhận", [{ status: "received" }, { status: "classified" }], "Không có phản ánh mới chờ giao xử lý."],
  ["dang-xu-ly", "Đang xử lý", [{ status: "assigned" }], "Không có phản ánh đang xử lý."],
  ["da-tra-loi", "Đã trả lời", [{ status: "answered" }], "Chưa có phản ánh nào đã trả lời."],
  ["qua-han", "Quá hạn", [{ overdue: "1" }], "Không có phản ánh quá hạn."],
  ["tat-ca", "Tất cả", [{}], "Chưa có phản ánh nào qua Zalo."],
];
const fbPage = 50;

async function feedbackInboxView(query) {
  const q = new URLSearchParams(query || "");
  const tab = fbTabs.find(t => t[0] === q.get("loc")) || fbTabs[4];
  const topic = q.get("topic") || "", agency = q.get("agency") || "";
  const link = (over) => {
    const p = new URLSearchParams({ loc: tab[0], topic, agency, ...over });
    for (const [k, v] of [...p]) if (!v) p.delete(k);
    return "#/phan-anh?" + p;
  };
  const tabs = el("nav", { class: "tabs", "aria-label": "Lọc phản ánh theo tình trạng" });
  const topicSel = el("select", { id: "fb-topic" }, el("option", { value: "" }, "Tất cả chủ đề"),
    Object.entries(caseTopics).map(([k, v]) => el("option", { value: k, selected: k === topic }, v)));
  const agencySel = el("select", { id: "fb-agency" }, el("option", { value: "" }, "Tất cả cơ quan"));
  const filters = el("form", { class: "inline", id: "fb-filters", onsubmit: e => { e.preventDefault(); location.hash = link({ topic: topicSel.value, agency: agencySel.value }); } },
    el("div", {}, el("label", { for: "fb-topic" }, "Chủ đề"), topicSel), el("div", {}, el("label", { for: "fb-agency" }, "Cơ quan xử lý"), agencySel),
    el("button", { type: "submit" }, "Lọc"));
  const box = el("div", { id: "fb-list", "aria-live": "polite" }, el("p", { class: "loading", role: "status" }, "Đang tải danh sách phản ánh…"));
  main.append(el("div", { class: "titlebar" }, el("h1", {}, "Phản ánh của công dân qua Zalo"),
    el("a", { class: "button secondary", href: "#/phan-anh-thong-ke" }, "Xem thống kê")), tabs, filters, box);
  box.setAttribute("aria-busy", "true");
  // The counts on the tabs and the agencies to filter by, from the stats (never in the way of the list).
  const stats = api("/feedback/stats").catch(() => null);
  const tabCount = (st, t) => {
    if (!st || topic || agency) return null;
    const by = s => (st.by_status.find(x => x.label === s) || { n: 0 }).n;
    return { moi: by("received") + by("classified"), "dang-xu-ly": by("assigned"), "da-tra-loi": by("answered"), "qua-han": st.overdue, "tat-ca": st.total }[t];
  };
  const drawTabs = st => tabs.replaceChildren(...fbTabs.map(t => {
    const n = tabCount(st, t[0]);
    return el("a", { href: link({ loc: t[0] }), class: "tab" + (t[0] === "qua-han" ? " late" : ""), "data-tab": t[0], "aria-current": t === tab ? "page" : false },
      t[1], n != null ? " (" + n + ")" : "");
  }));
  drawTabs(null);
  let offset = 0, rows = [];
  const fetchPage = async () => {
    const parts = await Promise.all(tab[2].map(f => api("/feedback?" + new URLSearchParams({ ...f, ...(topic && { topic }), ...(agency && { agency }), limit: fbPage, offset }))));
    const got = parts.flatMap(p => p.cases).sort((a, b) => (b.created_at || "").localeCompare(a.created_at || ""));
    return { got, more: parts.some(p => p.cases.length === fbPage) };
  };
  const draw = more => {
    box.removeAttribute("aria-busy");
    if (!rows.length) {
      box.replaceChildren(el("p", { class: "empty" }, topic || agency ? "Không có phản ánh nào khớp bộ lọc." : tab[3]));
      return;
    }
    box.replaceChildren(el("p", { class: "hint" }, rows.length + " phản ánh" + (more ? " (còn nữa)" : "")),
      el("table", { class: "stack", id: "cases" }, el("thead", {}, el("tr", {}, ["Mã phản ánh", "Chủ đề", "Cơ quan xử lý", "Trạng thái", "Hạn trả lời", "Lúc nhận"].map(h => el("th", { scope: "col" }, h)))),
        el("tbody", {}, rows.map(c => el("tr", { "data-case": c.id, "data-status": c.status, class: c.overdue ? "late" : false },
          el("td", { "data-label": "Mã phản ánh" }, el("a", { href: "#/phan-anh/" + c.id }, c.code)),
          el("td", { "data-label": "Chủ đề" }, topicName(c.topic)),
          el("td", { "data-label": "Cơ quan xử lý" }, agencyText(c)),
          el("td", { "data-label": "Trạng thái" }, el("span", { class: "badge s-" + c.status }, caseStatus(c.status))),
          el("td", { "data-label": "Hạn trả lời" }, deadlineCell(c)),
          el("td", { "data-label": "Lúc nhận" }, vnStamp(c.created_at)))))));
    if (more) box.append(el("p", {}, el("button", { type: "button", class: "secondary", id: "fb-more", onclick: async ev => {
        ev.currentTarget.disabled = true; ev.currentTarget.textContent = "Đang tải…";
        try { offset += fbPage; const r = await fetchPage(); rows = rows.concat(r.got); draw(r.more); }
        catch (e) { toast(fbError(e)); draw(true); }
      } }, "Xem thêm")));
  };
  try {
    const r = await fetchPage();
    rows = r.got;
    draw(r.more);
  } catch (e) {
    box.removeAttribute("aria-busy");
    box.replaceChildren(el("p", { class: "error", role: "alert" }, "Không tải được danh sách phản ánh: " + fbError(e)));
  }
  const st = await stats;
  drawTabs(st);
  const codes = new Set([agency, ...((st && st.by_agency) || []).map(x => x.label), ...rows.map(c => c.agency)].filter(Boolean));
  agencySel.append(...[...codes].sort().map(a => el("option", { value: a, selected: a === agency }, a)));
}

// messageItem is one message of the conversation: the citizen's on the
// left, replies and acknowledgements on the right.
function messageItem(c, m) {
  const who = m.direction === "in" ? (c.citizen_name || "Công dân") : m.kind === "ack" ? "Tin tự động xác nhận" : "Trả lời" + (m.by ? " — " + m.by : "");
  const body = [];
  if (m.text) body.push(el("p", { class: "text" }, m.text));
  if (m.kind === "sticker" && !m.text) body.push(el("p", { class: "hint" }, "(Nhãn dán)"));
  if (m.kind === "location") body.push(el("p", {}, "Vị trí đã gửi: ", c.lat && c.lon ? c.lat + ", " + c.lon : "không rõ tọa độ"));
  if (m.has_file) {
    const url = "/api/v1/feedback/" + c.id + "/messages/" + m.id + "/file";
    if (m.kind === "image") {
      const img = el("img", { src: url, alt: "Ảnh công dân gửi lúc " + vnStamp(m.at), class: "thumb", loading: "lazy" });
      img.addEventListener("error", () => img.replaceWith(el("span", { class: "error" }, "Không hiển thị được ảnh")));
      body.push(el("a", { href: url, target: "_blank", rel: "noopener", class: "thumblink", title: "Mở ảnh cỡ đầy đủ" }, img));
    } else body.push(el("p", {}, el("a", { href: url, target: "_blank", rel: "noopener" }, "Mở tệp đính kèm")));
  }
  if (m.attachment_text) body.push(el("details", { class: "ocr", open: true },
    el("summary", {}, m.kind === "image" ? "Nội dung đọc được từ ảnh" : "Nội dung đọc được từ tệp"), el("p", { class: "text" }, m.attachment_text)));
  if (m.refused) body.push(el("p", { class: "error refused" }, "Tệp không nhận: " + refusedText(m.refused)));
  return el("li", { class: "msg " + m.direction + (m.kind === "ack" ? " ack" : ""), "data-message": m.id, "data-kind": m.kind },
    el("div", { class: "meta" }, el("strong", {}, who), " · ", el("time", { datetime: m.at }, vnStamp(m.at))), body);
}

// armed asks for a second press before an action that cannot be undone.
function armed(btn, again) {
  if (btn.dataset.armed) return true;
  const was = btn.textContent;
  btn.dataset.armed = "1"; btn.textContent = again;
  setTimeout(() => { delete btn.dataset.armed; btn.textContent = was; }, 5000);
  return false;
}

async function caseView(id) {
  main.append(el("p", { class: "loading", role: "status" }, "Đang tải phản ánh…"));
  let r;
  try { r = await api("/feedback/" + id); } catch (e) {
    main.replaceChildren(el("h1", {}, "Phản ánh"), el("p", { class: "error", role: "alert" }, fbError(e)), el("p", {}, el("a", { href: "#/phan-anh" }, "← Về hộp thư phản ánh")));
    return;
  }
  const c = r.case, open = c.status !== "closed" && c.status !== "rejected";
  const reload = msg => { toast(msg); route(); };
  const row = (k, ...v) => [el("dt", {}, k), el("dd", {}, ...v)];
  const head = el("dl", { class: "casehead", id: "case-head" },
    row("Trạng thái", el("span", { class: "badge s-" + c.status, id: "case-status" }, caseStatus(c.status))),
    row("Chủ đề", topicName(c.topic), c.topic && c.topic_confidence ? el("span", { class: "hint" }, " (máy phân loại, độ tin cậy " + Math.round(100 * c.topic_confidence) + "%)") : null),
    row("Cơ quan xử lý", el("span", { id: "case-agency" }, agencyText(c))),
    c.oa_agency !== c.agency ? row("Cơ quan tiếp nhận", c.oa_agency) : null,
    row("Hạn trả lời", deadlineCell(c)),
    row("Lúc nhận", vnStamp(c.created_at)),
    c.answered_at ? row("Trả lời lần đầu", vnStamp(c.answered_at)) : null,
    row("Công dân", c.citizen_name || c.citizen_phone ? [c.citizen_name, c.citizen_phone].filter(Boolean).join(" · ") : el("span", { class: "hint" }, "Không cung cấp họ tên, số điện thoại")),
    c.lat && c.lon ? row("Vị trí", c.lat + ", " + c.lon) : null);
  const chat = el("ol", { class: "chat", id: "conversation" }, r.messages.map(m => messageItem(c, m)));
  const history = r.history.length ? el("table", { class: "stack", id: "case-history" },
    el("thead", {}, el("tr", {}, ["Lúc", "Người thực hiện", "Thao tác", "Chi tiết"].map(h => el("th", { scope: "col" }, h)))),
    el("tbody", {}, r.history.map(h => el("tr", {}, el("td", { "data-label": "Lúc" }, vnStamp(h.at)), el("td", { "data-label": "Người thực hiện" }, h.user || "Hệ thống"),
      el("td", { "data-label": "Thao tác" }, caseActions[h.action] || h.action), el("td", { "data-label": "Chi tiết" }, historyDetail(h))))))
    : el("p", {}, "Chưa có thao tác nào.");

  const actions = el("div", { class: "actions-col" });
  if (!open) actions.append(el("p", { class: "note" }, "Phản ánh " + (c.status === "rejected" ? "đã bị từ chối" : "đã đóng") + "; không còn thao tác nào."));
  if (open && canReply()) {
    const text = el("textarea", { id: "reply-text", rows: 6, disabled: !c.can_reply, "aria-describedby": "reply-count" + (c.can_reply ? "" : " reply-window") });
    const count = el("span", { id: "reply-count", class: "hint", "aria-live": "polite" }, "0/" + maxReply + " ký tự");
    const send = el("button", { type: "submit", id: "reply-send", disabled: !c.can_reply }, "Gửi trả lời");
    const err = el("p", { class: "error", role: "alert" });
    const len = () => [...text.value].length; // characters as Zalo counts them, not UTF-16 units
    text.addEventListener("input", () => {
      const n = len();
      count.textContent = n + "/" + maxReply + " ký tự" + (n > maxReply ? " — vượt quá " + (n - maxReply) + " ký tự" : "");
      count.classList.toggle("error", n > maxReply);
      send.disabled = n > maxReply;
    });
    actions.append(el("form", { id: "reply", class: "action", onsubmit: async ev => {
      ev.preventDefault();
      err.textContent = "";
      if (!text.value.trim()) { err.textContent = "Hãy nhập nội dung trả lời."; text.focus(); return; }
      if (len() > maxReply) { err.textContent = "Nội dung trả lời tối đa " + maxReply + " ký tự."; return; }
      send.disabled = true; send.textContent = "Đang gửi…";
      try {
        await api("/feedback/" + id + "/reply", { method: "POST", body: JSON.stringify({ text: text.value }) });
        reload("Đã gửi trả lời tới công dân qua Zalo (phản ánh " + c.code + ").");
      } catch (e) { err.textContent = fbError(e); send.disabled = false; send.textContent = "Gửi trả lời"; }
    } }, el("h2", {}, "Trả lời công dân"),
      c.can_reply ? null : el("p", { class: "note", id: "reply-window" }, windowText),
      el("label", { for: "reply-text" }, "Nội dung trả lời (gửi qua Zalo OA)"), text, el("p", {}, count), el("p", {}, send), err));
  }
  if (open && canAssign()) {
    const known = new Set([me.agency, c.oa_agency, c.agency]);
    const list = el("datalist", { id: "agency-codes" });
    const agency = el("input", { id: "assign-agency", list: "agency-codes", value: c.agency, "aria-required": "true", autocomplete: "off", spellcheck: "false", "aria-describedby": "assign-hint" });
    const unit = el("input", { id: "assign-unit", value: c.unit || "", maxlength: 200 });
    const reason = el("textarea", { id: "assign-reason", rows: 3, maxlength: 1000, "aria-describedby": "assign-hint" });
    const reasonLabel = el("label", { for: "assign-reason" }, "Lý do");
    const hint = el("p", { class: "hint", id: "assign-hint" }, "Khi chuyển sang cơ quan khác (không phải " + me.agency + (c.agency !== me.agency ? " hay " + c.agency : "") + ") bắt buộc ghi lý do chuyển.");
    const err = el("p", { class: "error", role: "alert" });
    const btn = el("button", { type: "submit", id: "assign-send" }, "Giao xử lý");
    const needsReason = () => { const a = agency.value.trim(); return a !== "" && a !== me.agency && a !== c.agency; };
    const sync = () => {
      reason.setAttribute("aria-required", needsReason()); // checked here, in Vietnamese, not by the browser
      reasonLabel.textContent = needsReason() ? "Lý do chuyển (bắt buộc)" : "Lý do (không bắt buộc)";
      btn.textContent = agency.value.trim() !== c.agency ? "Chuyển sang " + (agency.value.trim() || "…") : "Giao xử lý";
    };
    agency.addEventListener("input", sync);
    sync();
    // Known agencies: those of the cases this user sees, and of the routing rules.
    const fill = () => list.replaceChildren(...[...known].filter(Boolean).sort().map(a => el("option", { value: a })));
    fill();
    api("/feedback?limit=500").then(l => { for (const x of l.cases) known.add(x.agency).add(x.oa_agency); fill(); }).catch(() => {});
    api("/feedback/rules").then(x => { for (const a of Object.values(x.rules || {})) known.add(a); fill(); }).catch(() => {});
    actions.append(el("form", { id: "assign", class: "action", novalidate: true, onsubmit: async ev => {
      ev.preventDefault();
      err.textContent = "";
      const a = agency.value.trim();
      if (!a) { err.textContent = "Hãy nhập mã cơ quan xử lý."; agency.focus(); return; }
      if (needsReason() && !reason.value.trim()) { err.textContent = "Cần ghi lý do khi chuyển phản ánh sang cơ quan khác."; reason.focus(); return; }
      btn.disabled = true;
      try {
        await api("/feedback/" + id + "/assign", { method: "POST", body: JSON.stringify({ agency: a, unit: unit.value.trim(), reason: reason.value.trim() }) });
        const msg = a !== c.agency ? "Đã chuyển phản ánh " + c.code + " sang " + a + "." : "Đã giao xử lý phản ánh " + c.code + ".";
        // Sent out of this user's reach (neither their agency nor the OA's): back to the inbox.
        if (a !== me.agency && me.agency !== c.oa_agency) { toast(msg); location.hash = "#/phan-anh"; } else reload(msg);
      } catch (e) { err.textContent = fbError(e); btn.disabled = false; }
    } }, el("h2", {}, "Giao xử lý / chuyển"), list,
      el("label", { for: "assign-agency" }, "Mã cơ quan xử lý"), agency, el("label", { for: "assign-unit" }, "Đơn vị (phòng, ban)"), unit,
      reasonLabel, reason, hint, el("p", {}, btn), err));
  }
  if (open && canAssign()) {
    const reason = el("textarea", { id: "close-reason", rows: 2, maxlength: 1000 });
    const err = el("p", { class: "error", role: "alert" });
    const act = async (reject, btn) => {
      err.textContent = "";
      if (reject && !reason.value.trim()) { err.textContent = "Cần ghi lý do từ chối phản ánh."; reason.focus(); return; }
      if (!armed(btn, reject ? "Bấm lần nữa để từ chối" : "Bấm lần nữa để đóng")) return;
      btn.disabled = true;
      try {
        await api("/feedback/" + id + "/close", { method: "POST", body: JSON.stringify({ reject, reason: reason.value.trim() }) });
        reload(reject ? "Đã từ chối phản ánh " + c.code + " (ngoài phạm vi)." : "Đã đóng phản ánh " + c.code + ".");
      } catch (e) { err.textContent = fbError(e); btn.disabled = false; }
    };
    actions.append(el("form", { id: "close-form", class: "action", onsubmit: e => e.preventDefault() }, el("h2", {}, "Kết thúc phản ánh"),
      el("label", { for: "close-reason" }, "Lý do (bắt buộc khi từ chối)"), reason,
      el("p", { class: "buttons" }, el("button", { type: "button", class: "secondary", id: "close", onclick: e => act(false, e.currentTarget) }, "Đóng"), " ",
        el("button", { type: "button", class: "secondary danger", id: "reject", onclick: e => act(true, e.currentTarget) }, "Từ chối (ngoài phạm vi)")), err));
  }
  main.replaceChildren(el("p", { class: "crumbs" }, el("a", { href: "#/phan-anh" }, "← Hộp thư phản ánh")),
    el("h1", {}, "Phản ánh " + c.code), head,
    el("div", { class: "case" }, el("section", { class: "conv", "aria-label": "Trao đổi với công dân" }, el("h2", {}, "Trao đổi với công dân"), chat,
      el("h2", {}, "Lịch sử xử lý"), history), actions));
}

async function feedbackStatsView() {
  main.append(el("p", { class: "loading", role: "status" }, "Đang tải thống kê…"));
  let s;
  try { s = await api("/feedback/stats"); } catch (e) {
    main.replaceChildren(el("h1", {}, "Thống kê phản ánh"), el("p", { class: "error", role: "alert" }, fbError(e)));
    return;
  }
  const h = s.answered_in_hours, hours = !h ? "—" : h >= 1 ? h.toLocaleString("vi-VN", { maximumFractionDigits: 1 }) + " giờ"
    : h.toLocaleString("vi-VN", { maximumFractionDigits: 2 }) + " giờ (khoảng " + Math.max(1, Math.round(h * 60)) + " phút)";
  const table = (id, head, xs, name, link) => xs.length
    ? el("table", { id }, el("thead", {}, el("tr", {}, el("th", { scope: "col" }, head), el("th", { scope: "col", class: "num" }, "Số phản ánh"))),
      el("tbody", {}, xs.map(x => {
        const href = link && link(x.label);
        return el("tr", {}, el("td", {}, href ? el("a", { href }, name(x.label)) : name(x.label)), el("td", { class: "num" }, x.n));
      })))
    : el("p", { class: "empty" }, "Chưa có phản ánh.");
  main.replaceChildren(el("div", { class: "titlebar" }, el("h1", {}, "Thống kê phản ánh"), el("a", { class: "button secondary", href: "#/phan-anh" }, "← Hộp thư phản ánh")),
    el("div", { class: "cards" },
      el("div", { class: "card" }, el("div", {}, "Tổng số phản ánh"), el("div", { class: "big", id: "fs-total" }, s.total)),
      el("div", { class: "card" }, el("div", {}, "Đang mở"), el("div", { class: "big", id: "fs-open" }, s.open)),
      el("div", { class: "card" }, el("div", {}, "Quá hạn"), el("div", { class: "big" + (s.overdue ? " error" : ""), id: "fs-overdue" }, s.overdue)),
      el("div", { class: "card" }, el("div", {}, "Thời gian trả lời trung bình"), el("div", { class: "big", id: "fs-hours" }, hours),
        el("div", { class: "hint" }, "Từ lúc nhận đến lần trả lời đầu tiên"))),
    s.total >= 500 ? el("p", { class: "hint" }, "Số liệu tính trên 500 phản ánh gần nhất.") : "",
    el("div", { class: "cards" },
      el("div", { class: "card" }, el("h2", {}, "Theo chủ đề"), table("fs-topic", "Chủ đề", s.by_topic, topicName,
        t => t in caseTopics ? "#/phan-anh?" + new URLSearchParams({ loc: "tat-ca", topic: t }) : null)),
      el("div", { class: "card" }, el("h2", {}, "Theo cơ quan xử lý"), table("fs-agency", "Cơ quan", s.by_agency, a => a, a => "#/phan-anh?" + new URLSearchParams({ loc: "tat-ca", agency: a }))),
      el("div", { class: "card" }, el("h2", {}, "Theo trạng thái"), table("fs-status", "Trạng thái", s.by_status, caseStatus))));
}

// ---- handling of a received document: the leader's direction (bút phê), the handler's steps ----
const handlingStatuses = { assigned: "Đã giao", in_progress: "Đang xử lý", done: "Đã hoàn thành" };
const handlingStatus = s => handlingStatuses[s] || s;
const handlingActions = { directed: "Chỉ đạo, giao xử lý", progress: "Cập nhật tiến độ", forwarded: "Chuyển xử lý", finished: "Hoàn thành" };
const canDirect = () => me.role === "leader" || me.role === "clerk";

// directory is the agency directory (agencies and their units), fetched
// once a page; without it codes are shown as they are.
let directoryP = null;
const noDirectory = { list: [], by: new Map(), name: c => c };
function directory() {
  if (!directoryP) directoryP = api("/agencies").then(r => {
    const by = new Map(r.agencies.map(a => [a.code, a]));
    return { list: r.agencies, by, name: c => (by.get(c) || {}).name || c };
  }).catch(e => { directoryP = null; throw e; });
  return directoryP;
}

// unitGroups splits the directory: the user's agency and the units under
// it first, then every other agency and unit, each sorted by name.
function unitGroups(dir) {
  const under = a => {
    for (let p = a.parent, n = 0; p && n < 20; p = (dir.by.get(p) || {}).parent, n++) if (p === me.agency) return true;
    return false;
  };
  const label = a => a.name + (a.parent && a.parent !== me.agency ? " – " + dir.name(a.parent) : "");
  const byName = (a, b) => label(a).localeCompare(label(b), "vi");
  const own = dir.list.filter(a => a.code !== me.agency && under(a)).sort(byName);
  const self = dir.by.get(me.agency);
  const other = dir.list.filter(a => a.code !== me.agency && !under(a)).sort(byName);
  return { self, own, other, label };
}

// unitSelect is a select of the directory's units and agencies: names shown, codes sent.
function unitSelect(id, dir, selected, extra = {}) {
  const g = unitGroups(dir);
  const opt = a => el("option", { value: a.code, selected: a.code === selected }, g.label(a));
  const sel = el("select", Object.assign({ id }, extra), el("option", { value: "" }, "— Chọn đơn vị —"));
  if (g.self || g.own.length) sel.append(el("optgroup", { label: "Thuộc " + dir.name(me.agency) }, g.self ? opt(g.self) : null, g.own.map(opt)));
  if (g.other.length) sel.append(el("optgroup", { label: "Cơ quan, đơn vị khác" }, g.other.map(opt)));
  if (selected && !dir.by.has(selected)) sel.append(el("option", { value: selected, selected: true }, selected));
  return sel;
}

// unitChecks are checkboxes of the directory's entries: the agency's own
// units shown, the others in a fold drawn when opened (a province's
// directory is long).
function unitChecks(id, dir, checked) {
  const g = unitGroups(dir);
  let off = ""; // the main unit: it does not also cooperate
  const box = (a, i) => el("label", {}, el("input", { type: "checkbox", name: id, value: a.code, id: id + "-" + i,
    checked: checked.includes(a.code) && a.code !== off, disabled: a.code === off }), g.label(a));
  const own = el("div", { class: "checks", id }, g.own.length ? g.own.map(box) : el("p", { class: "hint" }, "Danh mục chưa có đơn vị nào thuộc " + dir.name(me.agency) + "."));
  // A unit asked for (the draft's, the former direction's) outside the agency: shown, checked.
  const outside = checked.filter(c => !g.own.some(a => a.code === c));
  const others = g.other.concat(outside.filter(c => !dir.by.has(c)).map(c => ({ code: c, name: c })));
  const list = el("div", { class: "checks" });
  const fold = el("details", { class: "more-units" }, el("summary", {}, "Cơ quan, đơn vị khác (" + others.length + ")"), list);
  let drawn = false;
  const draw = () => { if (!drawn) { drawn = true; list.append(...others.map((a, i) => box(a, g.own.length + i))); } };
  fold.addEventListener("toggle", () => { if (fold.open) draw(); });
  if (outside.length) { draw(); fold.open = true; }
  const wrap = el("fieldset", { class: "coop" }, el("legend", {}, "Đơn vị phối hợp"), own, others.length ? fold : null);
  wrap.values = () => [...wrap.querySelectorAll("input[type=checkbox]:checked")].map(i => i.value);
  wrap.exclude = code => {
    off = code;
    wrap.querySelectorAll("input[type=checkbox]").forEach(i => { i.disabled = i.value === off; if (i.disabled) i.checked = false; });
  };
  return wrap;
}

// who is the unit and the person who handle it, by name.
const whoText = (dir, unit, user) => [unit ? dir.name(unit) : "", user || ""].filter(Boolean).join(" – ") || "—";

// hsError says in Vietnamese what went wrong with a request about a handling.
function hsError(e) {
  const m = String((e && (e.raw || e.message)) || ""); // the API's own words (api() says them in Vietnamese in e.message)
  let x;
  switch (e && e.status) {
    case 400:
      if (/names the main unit or person/.test(m)) return "Hãy chọn đơn vị chủ trì hoặc nhập người chủ trì.";
      if ((x = m.match(/"([^"]*)" is no account of this agency/))) return "Không có tài khoản “" + x[1] + "” trong cơ quan (hoặc tài khoản đã bị khoá).";
      if ((x = m.match(/^(\S+) is not cleared for this document \((.*)\)$/))) return "Tài khoản " + x[1] + " không được phép đọc văn bản này (độ mật: " + x[2] + ").";
      if ((x = m.match(/"([^"]*)" is no (?:unit of the directory|directory code)/))) return "Không có đơn vị “" + x[1] + "” trong danh mục cơ quan, đơn vị.";
      if (/at most 20 cooperating/.test(m)) return "Chỉ chọn tối đa 20 đơn vị phối hợp.";
      if (/at most 2,000 characters/.test(m)) return "Nội dung ghi tối đa 2.000 ký tự.";
      if (/deadline/.test(m)) return "Hạn xử lý không hợp lệ (cần một ngày cụ thể).";
      if (/nothing to direct yet/.test(m)) return "Văn bản chưa đọc xong (hoặc không đọc được) nên chưa giao xử lý được.";
      if (/forward to a unit or a person/.test(m)) return "Hãy chọn đơn vị hoặc nhập người nhận chuyển xử lý.";
      if (/finishing needs a result/.test(m)) return "Hoàn thành cần ghi kết quả xử lý hoặc mã văn bản trả lời.";
      if ((x = m.match(/^reply document (\d+)/))) return "Không tìm thấy văn bản trả lời mã " + x[1] + ", hoặc bạn không xem được văn bản đó.";
      if (/the handling is done/.test(m)) return "Văn bản đã xử lý xong; không chuyển hay hoàn thành lại được nữa.";
      if (/^send \{/.test(m)) return "Yêu cầu không hợp lệ.";
      return (e && e.message) || "Yêu cầu không hợp lệ."; // api()'s Vietnamese (vi.js), never the API's English
    case 403: return "Bạn không có quyền thực hiện thao tác này: chỉ lãnh đạo, văn thư hoặc người được giao xử lý.";
    case 404: return "Không tìm thấy văn bản, hoặc bạn không xem được văn bản này.";
    case 503: return "Hệ thống đang bận, chưa thực hiện gì. Hãy thử lại sau giây lát.";
    case 500: return "Lỗi hệ thống. Hãy thử lại, hoặc báo quản trị hệ thống nếu lỗi lặp lại.";
  }
  if (e instanceof TypeError) return "Không kết nối được máy chủ. Hãy kiểm tra mạng rồi thử lại.";
  return (e && e.message) || "Lỗi không xác định.";
}

// stepDetail puts a history line's detail in Vietnamese words: names for
// codes, dates as dd/mm/yyyy.
function stepDetail(s, dir) {
  const who = w => w.trim().split(/\s+/).filter(Boolean).map(x => dir.name(x)).join(" – ");
  let m;
  if (s.action === "directed" && (m = s.detail.match(/^chủ trì: ([^;]*)(?:; phối hợp: ([^;]*))?(?:; hạn: (\d{4}-\d\d-\d\d))?(?:; ([\s\S]*))?$/)))
    return [["Chủ trì", who(m[1])], ["Phối hợp", m[2] && m[2].split(", ").map(c => dir.name(c)).join(", ")], ["Hạn xử lý", m[3] && vnDate(m[3])], ["Ý kiến", m[4]]]
      .filter(([, v]) => v).map(([k, v]) => k + ": " + v).join(". ");
  if (s.action === "forwarded" && (m = s.detail.match(/^([^→]*) → ([^:]*): ([\s\S]*)$/)))
    return "Từ " + (who(m[1]) || "—") + " sang " + who(m[2]) + (m[3].trim() ? ": " + m[3] : "");
  if (s.action === "finished") return "Kết quả: " + (s.detail.trim() || "—");
  return s.detail.trim() || "(không ghi nội dung)";
}

// handlingDeadline is a handling's deadline, and whether it has passed.
const handlingDeadline = h => !h.deadline ? el("span", { class: "hint" }, "Không đặt hạn")
  : h.status !== "done" && h.deadline < today() ? el("span", { class: "overdue" }, vnDate(h.deadline), " ", el("strong", {}, "(Quá hạn)"))
  : vnDate(h.deadline);

// handlingPanel draws the direction of document id in box: the form for a
// leader or clerk while there is none, else the direction, its history
// and the steps the user may take.
// exchangeStatus are a receiver's statuses as the sender reads them.
const exchangeStatus = { received: "Đã nhận", assigned: "Đã giao xử lý", in_progress: "Đang xử lý", done: "Đã xử lý xong", refused: "Từ chối" };

// exchangePanel: the agencies an outgoing document was sent to
// electronically, with what each did with it, and for a clerk a form to
// send it (liên thông văn bản).
async function exchangePanel(id, d, box) {
  let ex = { exchanges: [] };
  try { ex = await api("/documents/" + id + "/exchanges"); } catch (e) { /* not readable: nothing to show */ }
  box.replaceChildren(el("h2", {}, "Gửi liên thông"));
  if (ex.exchanges.length) {
    box.append(el("table", { id: "exchanges" }, el("tr", {}, ["Cơ quan nhận", "Tình trạng", "Lý do / kết quả", "Cập nhật"].map(h => el("th", {}, h))),
      ex.exchanges.map(x => el("tr", {}, el("td", {}, x.receiver), el("td", {}, exchangeStatus[x.status] || x.status), el("td", {}, x.reason || ""),
        el("td", {}, x.updated_at ? new Date(x.updated_at).toLocaleString("vi-VN") : "")))));
  } else {
    box.append(el("p", { class: "empty" }, "Văn bản chưa gửi liên thông đến cơ quan nào."));
  }
  if (me.role !== "clerk" || d.status === "received" || d.status === "failed") return;
  const to = el("input", { id: "send-to", placeholder: "mã cơ quan, cách nhau bằng dấu phẩy" });
  const send = el("button", { type: "submit" }, "Gửi liên thông");
  const form = el("form", { id: "send-form" }, el("label", { for: "send-to" }, "Gửi đến cơ quan (mã trong danh bạ): "), to, " ", send);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const codes = to.value.split(",").map(x => x.trim()).filter(Boolean);
    if (!codes.length) { toast("Hãy nhập mã cơ quan nhận."); return; }
    try {
      await api("/documents/" + id + "/send", { method: "POST", body: JSON.stringify({ to: codes }) });
      toast("Đã gửi liên thông văn bản.");
      exchangePanel(id, d, box);
    } catch (err) {
      toast(err.status === 400 ? "Không gửi được: chỉ văn bản trong sổ văn bản đi của cơ quan mới gửi liên thông được, đến cơ quan có mã định danh trong danh bạ (văn bản mật: chỉ đến cơ quan được phép nhận)."
        : err.status === 403 ? "Chỉ văn thư gửi liên thông văn bản." : "Không gửi được văn bản, hãy thử lại.");
    }
  });
  box.append(form);
}

async function handlingPanel(id, d, box) {
  const title = () => el("h2", { id: "handling-title", tabindex: "-1" }, "Chỉ đạo xử lý");
  box.replaceChildren(title(), el("p", { class: "loading", role: "status" }, "Đang tải thông tin xử lý…"));
  const dirP = directory().catch(() => noDirectory);
  let r = null;
  try { r = await api("/documents/" + id + "/handling"); } catch (e) {
    if (e.status !== 404) {
      box.dataset.status = "error";
      box.replaceChildren(title(), el("p", { class: "error", role: "alert" }, "Không tải được thông tin xử lý: " + hsError(e)));
      return;
    }
  }
  const dir = await dirP;
  const done = (r, msg) => { toast(msg); drawHandling(id, d, box, dir, r, title); box.querySelector("h2").focus(); };
  if (r) { drawHandling(id, d, box, dir, r, title); return; }
  box.dataset.status = "none";
  if (!canDirect()) { box.replaceChildren(title(), el("p", { class: "empty", id: "handling-none" }, "Văn bản chưa có ý kiến chỉ đạo xử lý.")); return; }
  if (d.status === "received" || d.status === "failed") {
    box.replaceChildren(title(), el("p", { class: "note" }, d.status === "failed" ? "Văn bản không đọc được nên chưa giao xử lý được." : "Văn bản đang được đọc; giao xử lý khi đã đọc xong."));
    return;
  }
  let draft = {}, drafted = false;
  try {
    draft = await api("/documents/" + id + "/direction/draft");
    drafted = !!(draft.main_unit || (draft.cooperating || []).length || draft.note);
  } catch { draft = {}; }
  box.replaceChildren(title(), el("p", { class: "hint" }, "Văn bản chưa được giao xử lý."),
    directionForm(id, dir, draft, drafted ? "Đã điền sẵn theo nhiệm vụ máy đọc được trong văn bản: hãy kiểm tra trước khi giao." : "", done));
}

// directionForm is the leader's direction: main unit or person, cooperating units, deadline, note.
function directionForm(id, dir, init, hintText, done, again = false) {
  const unit = unitSelect("dir-unit", dir, init.main_unit || "", { "aria-describedby": "dir-who-hint" });
  const user = el("input", { id: "dir-user", value: init.main_user || "", maxlength: 64, autocomplete: "off", spellcheck: "false", "aria-describedby": "dir-who-hint" });
  const coop = unitChecks("dir-coop", dir, init.cooperating || []);
  // The main unit does not also cooperate.
  unit.addEventListener("change", () => coop.exclude(unit.value));
  coop.exclude(unit.value);
  const deadline = el("input", { type: "date", id: "dir-deadline", value: init.deadline || "", "aria-describedby": "dir-deadline-vn" });
  const dl = el("span", { class: "hint", id: "dir-deadline-vn", "aria-live": "polite" });
  const syncDl = () => { dl.textContent = deadline.value ? "Tức ngày " + vnDate(deadline.value) + (deadline.value < today() ? " — ngày đã qua" : "") : "Không đặt hạn xử lý"; };
  deadline.addEventListener("input", syncDl);
  deadline.addEventListener("change", syncDl);
  syncDl();
  const note = el("textarea", { id: "dir-note", rows: 4, maxlength: 2000 }, init.note || "");
  const err = el("p", { class: "error", role: "alert" });
  const btn = el("button", { type: "submit", id: "dir-send" }, again ? "Giao xử lý lại" : "Giao xử lý");
  return el("form", { id: "direction", class: "action", novalidate: true, onsubmit: async ev => {
    ev.preventDefault();
    err.textContent = "";
    const body = { main_unit: unit.value, main_user: user.value.trim(), cooperating: coop.values().filter(c => c !== unit.value),
      deadline: deadline.value, note: note.value.trim() };
    if (!body.main_unit && !body.main_user) { err.textContent = "Hãy chọn đơn vị chủ trì hoặc nhập người chủ trì."; unit.focus(); return; }
    if (deadline.value === "" && deadline.validity && deadline.validity.badInput) { err.textContent = "Hạn xử lý chưa đủ ngày, tháng, năm."; deadline.focus(); return; }
    if (body.cooperating.length > 20) { err.textContent = "Chỉ chọn tối đa 20 đơn vị phối hợp."; return; }
    btn.disabled = true; btn.textContent = "Đang giao…";
    try {
      const r = await api("/documents/" + id + "/direction", { method: "POST", body: JSON.stringify(body) });
      done(r, "Đã giao xử lý: " + whoText(dir, body.main_unit, body.main_user) + " chủ trì" + (body.deadline ? ", hạn " + vnDate(body.deadline) : "") + ".");
    } catch (e) { err.textContent = hsError(e); btn.disabled = false; btn.textContent = again ? "Giao xử lý lại" : "Giao xử lý"; }
  } }, el("h3", {}, again ? "Chỉ đạo lại" : "Ý kiến chỉ đạo (bút phê)"), hintText ? el("p", { class: "hint" }, hintText) : null,
    el("label", { for: "dir-unit" }, "Đơn vị chủ trì"), unit,
    dir.list.length ? null : el("p", { class: "note" }, "Không tải được danh mục cơ quan, đơn vị (hoặc danh mục còn trống): hãy nhập người chủ trì, hoặc báo quản trị hệ thống."),
    el("label", { for: "dir-user" }, "Người chủ trì (tên đăng nhập)"), user,
    el("p", { class: "hint", id: "dir-who-hint" }, "Chọn đơn vị chủ trì, hoặc nhập người chủ trì (hoặc cả hai)."),
    coop,
    el("label", { for: "dir-deadline" }, "Hạn xử lý"), deadline, " ", dl,
    el("label", { for: "dir-note" }, "Ý kiến chỉ đạo"), note,
    el("p", {}, btn), err);
}

// drawHandling shows a direction, its history, and the steps the user may take.
function drawHandling(id, d, box, dir, r, title) {
  const h = r.handling, coop = h.cooperating || [];
  const mainPerson = h.main_user === me.name, mainUnit = !!me.unit && h.main_unit === me.unit, isMain = mainPerson || mainUnit;
  const isCoop = !!me.unit && coop.includes(me.unit);
  box.dataset.status = h.status;
  const row = (k, ...v) => [el("dt", {}, k), el("dd", {}, ...v)];
  const head = el("dl", { class: "casehead", id: "handling-head" },
    row("Trạng thái", el("span", { class: "badge hs-" + h.status, id: "handling-status" }, handlingStatus(h.status))),
    row("Chủ trì", el("span", { id: "handling-main" }, whoText(dir, h.main_unit, h.main_user)), isMain ? el("span", { class: "hint" }, mainPerson ? " (bạn)" : " (đơn vị của bạn)") : null),
    row("Phối hợp", el("span", { id: "handling-coop" }, coop.length ? coop.map(c => dir.name(c)).join(", ") : "Không"), isCoop ? el("span", { class: "hint" }, " (đơn vị của bạn)") : null),
    row("Hạn xử lý", el("span", { id: "handling-deadline" }, handlingDeadline(h))),
    row("Ý kiến chỉ đạo", h.note ? el("span", { class: "text", id: "handling-note" }, h.note) : el("span", { class: "hint" }, "Không ghi ý kiến")),
    row("Người chỉ đạo", h.directed_by || "—"),
    h.status === "done" || h.result ? row("Kết quả", el("span", { class: "text", id: "handling-result" }, h.result || "—")) : null,
    h.reply_document ? row("Văn bản trả lời", el("a", { href: "#/van-ban/" + h.reply_document }, "Văn bản mã " + h.reply_document)) : null,
    h.updated_at ? row("Cập nhật lúc", vnStamp(h.updated_at)) : null);
  const steps = r.steps.length ? el("ol", { class: "steps", id: "handling-steps" }, r.steps.map(s => el("li", { "data-action": s.action },
    el("div", { class: "meta" }, el("time", { datetime: s.at }, vnStamp(s.at)), " · ", s.user || "Hệ thống"),
    el("strong", {}, handlingActions[s.action] || s.action), el("p", {}, stepDetail(s, dir)))))
    : el("p", {}, "Chưa có thao tác nào.");
  const done = (r, msg) => { toast(msg); drawHandling(id, d, box, dir, r, title); box.querySelector("h2").focus(); };
  const actions = el("div", { class: "actions-col" });
  const step = async (body, btn, err, busy, msg) => {
    btn.disabled = true;
    const was = btn.textContent;
    btn.textContent = busy;
    try { done(await api("/documents/" + id + "/handling", { method: "POST", body: JSON.stringify(body) }), msg); }
    catch (e) { err.textContent = hsError(e); btn.disabled = false; btn.textContent = was; }
  };
  if (h.status === "done") actions.append(el("p", { class: "note", id: "handling-closed" }, "Văn bản đã xử lý xong; không còn thao tác nào."));
  else if (!(isMain || isCoop || canDirect())) actions.append(el("p", { class: "hint" }, "Bạn không phải người được giao xử lý văn bản này."));
  if (h.status !== "done" && (isMain || isCoop || canDirect())) {
    const note = el("textarea", { id: "hs-progress-note", rows: 3, maxlength: 2000 });
    const err = el("p", { class: "error", role: "alert" });
    const btn = el("button", { type: "submit", id: "hs-progress-send" }, "Cập nhật tiến độ");
    actions.append(el("form", { id: "hs-progress", class: "action", novalidate: true, onsubmit: ev => {
      ev.preventDefault();
      err.textContent = "";
      if (!note.value.trim()) { err.textContent = "Hãy ghi nội dung tiến độ."; note.focus(); return; }
      step({ action: "progress", note: note.value.trim() }, btn, err, "Đang lưu…", "Đã cập nhật tiến độ.");
    } }, el("h3", {}, "Cập nhật tiến độ"), el("label", { for: "hs-progress-note" }, "Đã làm được gì"), note, el("p", {}, btn), err));
  }
  if (h.status !== "done" && (isMain || canDirect())) {
    const unit = unitSelect("hs-forward-unit", dir, "");
    const user = el("input", { id: "hs-forward-user", maxlength: 64, autocomplete: "off", spellcheck: "false" });
    const note = el("textarea", { id: "hs-forward-note", rows: 2, maxlength: 2000 });
    const err = el("p", { class: "error", role: "alert" });
    const btn = el("button", { type: "submit", id: "hs-forward-send", class: "secondary" }, "Chuyển xử lý");
    actions.append(el("form", { id: "hs-forward", class: "action", novalidate: true, onsubmit: ev => {
      ev.preventDefault();
      err.textContent = "";
      if (!unit.value && !user.value.trim()) { err.textContent = "Hãy chọn đơn vị hoặc nhập người nhận chuyển xử lý."; unit.focus(); return; }
      step({ action: "forward", to_unit: unit.value, to_user: user.value.trim(), note: note.value.trim() }, btn, err, "Đang chuyển…",
        "Đã chuyển xử lý sang " + whoText(dir, unit.value, user.value.trim()) + ".");
    } }, el("h3", {}, "Chuyển xử lý"), el("label", { for: "hs-forward-unit" }, "Chuyển đến đơn vị"), unit,
      el("label", { for: "hs-forward-user" }, "hoặc người (tên đăng nhập)"), user,
      el("label", { for: "hs-forward-note" }, "Ghi chú"), note, el("p", {}, btn), err));
    const result = el("textarea", { id: "hs-finish-note", rows: 3, maxlength: 2000, "aria-describedby": "hs-finish-hint" });
    const reply = el("input", { id: "hs-finish-reply", inputmode: "numeric", maxlength: 20, autocomplete: "off", "aria-describedby": "hs-finish-hint" });
    const ferr = el("p", { class: "error", role: "alert" });
    const fbtn = el("button", { type: "submit", id: "hs-finish-send" }, "Hoàn thành");
    actions.append(el("form", { id: "hs-finish", class: "action", novalidate: true, onsubmit: ev => {
      ev.preventDefault();
      ferr.textContent = "";
      const rd = reply.value.trim();
      if (rd && !/^\d{1,18}$/.test(rd)) { ferr.textContent = "Mã văn bản trả lời là một số (xem ở địa chỉ trang văn bản, ví dụ #/van-ban/123)."; reply.focus(); return; }
      if (!result.value.trim() && !rd) { ferr.textContent = "Hoàn thành cần ghi kết quả xử lý hoặc mã văn bản trả lời."; result.focus(); return; }
      step({ action: "finish", note: result.value.trim(), reply_document: rd ? Number(rd) : 0 }, fbtn, ferr, "Đang lưu…", "Đã hoàn thành xử lý văn bản.");
    } }, el("h3", {}, "Hoàn thành"), el("label", { for: "hs-finish-note" }, "Kết quả xử lý"), result,
      el("label", { for: "hs-finish-reply" }, "Mã văn bản trả lời (nếu có)"), reply,
      el("p", { class: "hint", id: "hs-finish-hint" }, "Ghi kết quả, hoặc mã văn bản đi đã trả lời (hoặc cả hai)."), el("p", {}, fbtn), ferr));
  }
  if (canDirect()) actions.append(el("details", { class: "redirect" }, el("summary", {}, "Chỉ đạo lại (thay ý kiến chỉ đạo)"),
    directionForm(id, dir, h, "", done, true)));
  box.replaceChildren(title(), el("div", { class: "handling" },
    el("div", { class: "hs-main" }, head, el("h3", {}, "Quá trình xử lý"), steps), actions));
}

// ---- my work (việc của tôi) ----
const dueCell = it => !it.due ? el("span", { class: "hint" }, "Không có hạn")
  : it.overdue ? el("span", { class: "overdue" }, vnDate(it.due), " ", el("strong", {}, "Quá hạn"))
  : it.soon_due ? el("span", { class: "soon" }, vnDate(it.due), " ", el("strong", {}, "Sắp đến hạn"))
  : vnDate(it.due);

async function myWorkView() {
  const box = el("div", { id: "work-list", "aria-live": "polite", "aria-busy": "true" }, el("p", { class: "loading", role: "status" }, "Đang tải việc của bạn…"));
  main.append(el("h1", {}, "Việc của tôi"), el("p", { class: "hint" },
    "Văn bản giao cho bạn" + (me.unit ? " hoặc đơn vị của bạn" : "") + " chủ trì hoặc phối hợp, chưa hoàn thành; hạn gần nhất lên trước."), box);
  let r, dir;
  try { [r, dir] = await Promise.all([api("/my-work"), directory().catch(() => noDirectory)]); } catch (e) {
    box.removeAttribute("aria-busy");
    box.replaceChildren(el("p", { class: "error", role: "alert" }, "Không tải được danh sách việc: " + hsError(e)));
    return;
  }
  box.removeAttribute("aria-busy");
  if (!r.items.length) { box.replaceChildren(el("p", { class: "empty", id: "work-empty" }, "Không có việc nào đang chờ.")); return; }
  const late = r.items.filter(i => i.overdue).length, soon = r.items.filter(i => i.soon_due).length;
  const L = "data-label";
  box.replaceChildren(el("p", { id: "work-count" }, r.items.length + " việc đang chờ" + (late ? ", " : ""), late ? el("strong", { class: "overdue" }, late + " quá hạn") : null,
    soon ? ", " + soon + " sắp đến hạn" : "", "."),
    el("table", { class: "stack", id: "my-work" }, el("thead", {}, el("tr", {}, ["Số, ký hiệu", "Trích yếu", "Cơ quan ban hành", "Chủ trì", "Hạn xử lý", "Trạng thái"].map(h => el("th", { scope: "col" }, h)))),
      el("tbody", {}, r.items.map(it => {
        const h = it.handling, coop = !!me.unit && (h.cooperating || []).includes(me.unit) && h.main_unit !== me.unit && h.main_user !== me.name;
        return el("tr", { "data-document": it.document_id, "data-status": h.status, class: it.overdue ? "late" : false },
          el("td", { [L]: "Số, ký hiệu" }, [it.number, it.symbol].filter(Boolean).join("/") || "—"),
          el("td", { [L]: "Trích yếu" }, el("a", { href: "#/van-ban/" + it.document_id }, it.subject || "(chưa có trích yếu)")),
          el("td", { [L]: "Cơ quan ban hành" }, it.issuer || "—"),
          el("td", { [L]: "Chủ trì" }, whoText(dir, h.main_unit, h.main_user), coop ? el("span", { class: "hint" }, " (bạn phối hợp)") : null),
          el("td", { [L]: "Hạn xử lý" }, dueCell(it)),
          el("td", { [L]: "Trạng thái" }, el("span", { class: "badge hs-" + h.status }, handlingStatus(h.status))));
      }))));
}

route();
