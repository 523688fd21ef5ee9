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

function toast(msg) {
  const t = $("#toast");
  t.textContent = msg;
  t.classList.add("show");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.remove("show"), 4000);
}

async function api(path, opts = {}) {
  const res = await fetch("/api/v1" + path, Object.assign({ credentials: "same-origin", headers: { "Content-Type": "application/json" } }, opts));
  if (res.status === 401 && path !== "/login") { me = null; location.hash = "#/dang-nhap"; throw new Error("Cần đăng nhập"); }
  const ct = res.headers.get("Content-Type") || "";
  const body = ct.includes("json") ? await res.json() : null;
  // The status goes with the message: screens tell people what it means.
  if (!res.ok) throw Object.assign(new Error((body && body.error) || res.statusText), { status: res.status });
  return body;
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
const typeNames = { "QĐ": "Quyết định", CV: "Công văn", TB: "Thông báo", GM: "Giấy mời", BC: "Báo cáo", KH: "Kế hoạch", TTr: "Tờ trình", CT: "Chỉ thị", HD: "Hướng dẫn" };
const vnDate = d => (d && /^\d{4}-\d\d-\d\d/.test(d)) ? d.slice(8, 10) + "/" + d.slice(5, 7) + "/" + d.slice(0, 4) : (d || "");
const today = () => new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);

// ---- routing ----
const routes = [
  [/^#\/dang-nhap$/, loginView], [/^#\/tai-len$/, uploadView], [/^#\/duyet$/, queueView], [/^#\/duyet\/(\d+)$/, reviewView],
  [/^#\/so-den$/, registerView], [/^#\/tim-kiem$/, searchView], [/^#\/van-ban\/(\d+)$/, documentView],
  [/^#\/tong-quan$/, dashboardView], [/^#\/tom-tat$/, summaryView],
  [/^#\/phan-anh(?:\?(.*))?$/, feedbackInboxView], [/^#\/phan-anh\/(\d+)$/, caseView], [/^#\/phan-anh-thong-ke$/, feedbackStatsView],
];

async function route() {
  if (!me && location.hash !== "#/dang-nhap") {
    try { me = await api("/me"); } catch { location.hash = "#/dang-nhap"; return; }
  }
  const nav = $("#nav");
  nav.hidden = !me;
  if (me) {
    $("#who").textContent = me.name + " (" + me.agency + ")";
    for (const a of nav.querySelectorAll("a")) {
      a.hidden = a.dataset.roles && !a.dataset.roles.split(" ").includes(me.role);
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
      try { await view(...m.slice(1)); } catch (e) { main.append(el("p", { class: "error", role: "alert" }, "Lỗi: " + e.message)); }
      if (location.hash === h) document.body.dataset.view = h; // the screen is drawn (tests wait on it)
      main.focus();
      return;
    }
  }
  main.replaceChildren(el("p", {}, "Không có trang này."));
}
addEventListener("hashchange", route);
$("#logout").addEventListener("click", async () => { await api("/logout", { method: "POST" }).catch(() => {}); me = null; location.hash = "#/dang-nhap"; });

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
    } catch (e) { err.textContent = e.message === "wrong name or password" ? "Sai tên đăng nhập hoặc mật khẩu." : e.message; }
  } }, el("label", { for: "name" }, "Tên đăng nhập"), name, el("label", { for: "password" }, "Mật khẩu"), pw, el("p", {}, el("button", { type: "submit" }, "Đăng nhập")), err));
  name.focus();
}

// ---- upload ----
function uploadView() {
  const list = el("ul", { class: "files", "aria-live": "polite" });
  const pick = el("input", { type: "file", id: "files", multiple: true, accept: ".pdf,.png,.jpg,.jpeg,.tif,.tiff,.webp" });
  const dir = el("input", { type: "file", id: "folder", webkitdirectory: true, multiple: true });
  const drop = el("div", { class: "drop", tabindex: "0", role: "button", "aria-label": "Kéo thả tệp hoặc thư mục vào đây, hoặc nhấn Enter để chọn tệp" },
    "Kéo thả văn bản (PDF, ảnh quét) hoặc cả thư mục vào đây");
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
    if (x.status !== 202) { state.replaceChildren(el("span", { class: "error" }, "Không nhận: " + (r.error || x.status))); li.dataset.status = "rejected"; return; }
    bar.value = 100;
    follow(r.id, li, state);
  };
  x.onerror = () => { state.textContent = "Lỗi mạng khi tải lên"; };
  x.send(fd);
}

// follow shows a document's stages until it is registered or failed.
async function follow(id, li, state) {
  for (;;) {
    let d;
    try { d = await api("/documents/" + id); } catch (e) {
      state.textContent = e.message === "not found" ? "Đã nhận; bạn không xem được văn bản này (văn bản mật)" : "Lỗi: " + e.message;
      li.dataset.status = "hidden"; return;
    }
    li.dataset.status = d.status; li.dataset.id = id;
    state.replaceChildren(...stageNames.map(([k, n]) => el("span", { class: "stage" + (d.stages[k] ? " done" : "") }, n)), " ",
      d.status === "failed" ? el("span", {}, el("span", { class: "error" }, "Không đọc được: " + d.error), " ",
        failedActions(id, how => { if (how === "retry") { li.dataset.status = "received"; follow(id, li, state); } else li.remove(); })) :
      d.status === "review" ? el("a", { href: "#/duyet/" + id }, "Cần duyệt →") :
      d.status === "received" ? "" : el("a", { href: "#/van-ban/" + id }, statusNames[d.status]));
    if (d.status !== "received") return;
    await new Promise(r => setTimeout(r, 1000));
  }
}

// ---- review ----
async function queueView() {
  const r = await api("/documents?status=review");
  main.append(el("h1", {}, "Văn bản cần duyệt"));
  if (!r.documents.length) { main.append(el("p", {}, "Không có văn bản nào chờ duyệt.")); return; }
  main.append(el("table", {}, el("tr", {}, el("th", {}, "Tệp"), el("th", {}, "Trường cần kiểm tra"), el("th", {}, "Tải lên lúc")),
    r.documents.map(d => el("tr", {}, el("td", {}, el("a", { href: "#/duyet/" + d.id }, d.file)), el("td", {}, d.review.map(f => fieldNames[f] || f).join(", ")),
      el("td", {}, new Date(d.uploaded_at).toLocaleString("vi-VN"))))));
}

// pageWithBoxes shows page n of a document with the evidence boxes of
// the fields read on it.
function pageWithBoxes(d, n, low) {
  const wrap = el("div", { class: "pageview" });
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
        sheet.append(el("div", { class: "box" + (low.includes(f) ? " low" : ""), "data-field": f,
          style: `left:${x * k}%;top:${y * kh}%;width:${w * k}%;height:${h * kh}%` }));
      }
    };
  });
  return wrap;
}

async function reviewView(id) {
  const d = await api("/documents/" + id);
  const rec = d.record || {};
  const low = d.review || [];
  const inputs = {};
  const form = el("form", { class: "fields", id: "review", onsubmit: e => { e.preventDefault(); save(false); } });
  // Every page, one at a time: the one where the field in focus was read
  // is shown; zoom for a pen's digits.
  const pages = Math.max(1, rec.pages || 1);
  const viewer = el("div", { class: "pages" });
  let shown = 0, zoomed = false;
  const label = el("span", { class: "pageno", "aria-live": "polite" });
  const show = n => {
    if (n < 1 || n > pages) return;
    if (n !== shown) { shown = n; viewer.replaceChildren(pageWithBoxes(d, n, low)); viewer.firstChild.classList.toggle("zoom", zoomed); }
    label.textContent = "Trang " + n + "/" + pages;
  };
  const bar = el("p", { class: "pagebar" },
    el("button", { type: "button", class: "secondary", id: "prev-page", onclick: () => show(shown - 1) }, "‹ Trang trước"), " ", label, " ",
    el("button", { type: "button", class: "secondary", id: "next-page", onclick: () => show(shown + 1) }, "Trang sau ›"), " ",
    el("button", { type: "button", class: "secondary", id: "zoom", "aria-pressed": "false", onclick: e => {
      zoomed = !zoomed; e.currentTarget.setAttribute("aria-pressed", zoomed); viewer.firstChild && viewer.firstChild.classList.toggle("zoom", zoomed);
    } }, "Phóng to"));
  const pageOf = f => (rec.evidence && rec.evidence[f] && rec.evidence[f].page) || 1;
  for (const f of Object.keys(fieldNames)) {
    const conf = rec.confidence && rec.confidence[f];
    const input = el("input", { id: "f-" + f, name: f, value: rec[f] || "", "aria-describedby": low.includes(f) ? "n-" + f : false, size: 40 });
    input.addEventListener("focus", () => {
      show(pageOf(f));
      viewer.querySelectorAll(".box").forEach(b => b.classList.toggle("active", b.dataset.field === f));
    });
    inputs[f] = input;
    form.append(el("div", { class: "field" + (low.includes(f) ? " low" : "") }, el("label", { for: "f-" + f }, fieldNames[f]), input,
      low.includes(f) ? el("div", { class: "note", id: "n-" + f }, "⚠ Máy đọc chưa chắc" + (conf != null ? " (độ tin cậy " + Math.round(conf * 100) + "%)" : "") +
        ", trang " + pageOf(f) + ": hãy kiểm tra") : null));
  }
  show(low.length ? pageOf(low[0]) : 1);
  const page1 = el("div", { class: "pagepane" }, bar, viewer);
  if (d.register) {
    // Who handles it: the register's, assigned by the clerk.
    const unit = el("input", { id: "f-receiving_unit", name: "receiving_unit", value: d.register.receiving_unit || "", size: 40 });
    inputs.receiving_unit = unit;
    form.prepend(el("div", { class: "field" }, el("label", { for: "f-receiving_unit" }, "Đơn vị xử lý (số đến " + d.register.arrival_number + (d.register.book === "mật" ? " sổ mật" : "") + ", hạn " + (vnDate(d.register.deadline) || "—") + ")"), unit));
  }
  const original = f => f === "receiving_unit" ? ((d.register && d.register.receiving_unit) || "") : (rec[f] || "");
  const approveBtn = el("button", { type: "button", id: "approve", onclick: () => save(true) }, "Duyệt (Ctrl+Enter)");
  const save = async approve => {
    const changes = {};
    for (const [f, i] of Object.entries(inputs)) if (i.value !== original(f)) changes[f] = i.value;
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
        const q = await api("/documents?status=review");
        location.hash = q.documents.length ? "#/duyet/" + q.documents[0].id : "#/van-ban/" + id;
      } else { toast("Đã lưu sửa đổi"); route(); }
    } catch (e) { toast("Lỗi: " + e.message); }
  };
  form.append(el("p", {}, el("button", { type: "submit", id: "save" }, "Lưu (Ctrl+S)"), " ",
    approveBtn),
    el("p", { class: "hint" }, "Tab để chuyển trường; khung trên ảnh cho biết chỗ máy đã đọc."));
  form.addEventListener("keydown", e => {
    if (e.ctrlKey && e.key === "Enter") { e.preventDefault(); save(true); }
    if (e.ctrlKey && (e.key === "s" || e.key === "S")) { e.preventDefault(); save(false); }
  });
  main.append(el("h1", {}, "Duyệt: " + d.file + " — " + statusNames[d.status]), el("div", { class: "review" }, page1, form));
  const first = low.length ? inputs[low[0]] : inputs.subject;
  if (first) first.focus();
}

// ---- register ----
async function registerView() {
  const q = new URLSearchParams(location.hash.split("?")[1] || "");
  const from = el("input", { type: "date", id: "from", value: q.get("from") || today().slice(0, 8) + "01" });
  const to = el("input", { type: "date", id: "to", value: q.get("to") || today() });
  const type = el("select", { id: "type" }, el("option", { value: "" }, "Tất cả"), Object.entries(typeNames).map(([k, v]) => el("option", { value: k }, v)));
  const status = el("select", { id: "status" }, el("option", { value: "" }, "Tất cả"), ["review", "registered", "approved"].map(s => el("option", { value: s }, statusNames[s])));
  const out = el("div");
  const params = () => new URLSearchParams({ from: from.value, to: to.value, type: type.value, status: status.value });
  const load = async () => {
    const r = await api("/registers/incoming?" + params());
    const p = params();
    out.replaceChildren(el("p", {}, r.entries.length + " văn bản. Xuất: ",
      el("a", { class: "button secondary", href: "/api/v1/registers/incoming?" + p + "&format=xlsx" }, "Excel"), " ",
      el("a", { class: "button secondary", href: "/api/v1/registers/incoming?" + p + "&format=csv" }, "CSV")),
      el("table", { id: "register" }, el("tr", {}, ["Số đến", "Ngày đến", "Tác giả", "Số, ký hiệu", "Ngày văn bản", "Loại", "Trích yếu", "Đơn vị nhận", "Hạn xử lý", "Trạng thái"].map(h => el("th", { scope: "col" }, h))),
        r.entries.map(e => el("tr", {}, el("td", {}, e.book === "mật" ? e.arrival_number + " (sổ mật)" : e.arrival_number), el("td", {}, vnDate(e.arrived_at)), el("td", {}, e.issuer), el("td", {}, e.number + "/" + e.symbol),
          el("td", {}, vnDate(e.issued_at)), el("td", {}, typeNames[e.doc_type] || e.doc_type), el("td", {}, el("a", { href: "#/van-ban/" + e.document_id }, e.subject)),
          el("td", {}, e.receiving_unit), el("td", {}, vnDate(e.deadline)), el("td", {}, statusNames[e.status] || e.status)))));
  };
  main.append(el("h1", {}, "Sổ đăng ký văn bản đến"), el("form", { class: "inline", onsubmit: e => { e.preventDefault(); load(); } },
    el("div", {}, el("label", { for: "from" }, "Từ ngày"), from), el("div", {}, el("label", { for: "to" }, "Đến ngày"), to),
    el("div", {}, el("label", { for: "type" }, "Loại"), type), el("div", {}, el("label", { for: "status" }, "Trạng thái"), status),
    el("button", { type: "submit" }, "Xem")), out);
  await load();
}

// ---- search ----
async function searchView() {
  const q = el("input", { type: "search", id: "q", size: 50, placeholder: "Ví dụ: quyet dinh thanh lap to cong tac, 46/TB-UBND" });
  const from = el("input", { type: "date", id: "sfrom" }), to = el("input", { type: "date", id: "sto" });
  const out = el("div", { "aria-live": "polite" });
  let filters = {}, offset = 0;
  const run = async () => {
    const p = new URLSearchParams({ q: q.value, from: from.value, to: to.value, offset, size: 10, ...filters });
    const r = await api("/search?" + p);
    const facets = el("div", { class: "facets", "aria-label": "Lọc theo" });
    for (const [name, key] of [["doc_type", "type"], ["issuer", "issuer"], ["year", "year"]]) {
      for (const f of (r.facets && r.facets[name]) || []) {
        const on = key === "year" ? filters.from === f.value + "-01-01" : filters[key] === f.value;
        facets.append(el("button", { type: "button", class: "chip", "aria-pressed": on ? "true" : "false", onclick: () => {
          if (key === "year") { if (on) { delete filters.from; delete filters.to; } else { filters.from = f.value + "-01-01"; filters.to = f.value + "-12-31"; } }
          else if (on) delete filters[key]; else filters[key] = f.value;
          offset = 0; run();
        } }, (key === "type" ? (typeNames[f.value] || f.value) : f.value) + " (" + f.count + ")"));
      }
    }
    out.replaceChildren(el("p", {}, r.total + " kết quả"), facets,
      ...r.hits.map(h => el("div", { class: "hit" }, el("a", { href: "#/van-ban/" + h.document_id, class: "title" }, (typeNames[h.doc_type] || h.doc_type) + " " + h.number + "/" + h.symbol + " — " + h.subject),
        el("div", { class: "hint" }, h.issuer + " · " + vnDate(h.issued_at) + " · " + h.file), h.highlights.map(s => el("div", {}, "… ", marked(s), " …")))),
      el("p", {}, offset > 0 ? el("button", { type: "button", class: "secondary", onclick: () => { offset -= 10; run(); } }, "← Trang trước") : null, " ",
        offset + 10 < r.total ? el("button", { type: "button", class: "secondary", id: "next", onclick: () => { offset += 10; run(); } }, "Trang sau →") : null));
  };
  main.append(el("h1", {}, "Tìm kiếm văn bản"), el("form", { class: "inline", role: "search", onsubmit: e => { e.preventDefault(); offset = 0; run(); } },
    el("div", {}, el("label", { for: "q" }, "Từ khóa (gõ có dấu hoặc không dấu)"), q), el("div", {}, el("label", { for: "sfrom" }, "Từ ngày"), from),
    el("div", {}, el("label", { for: "sto" }, "Đến ngày"), to), el("button", { type: "submit" }, "Tìm")), out);
  q.focus();
}

// ---- document ----
async function documentView(id) {
  const d = await api("/documents/" + id);
  const rec = d.record || {};
  main.append(el("h1", {}, d.file), el("p", {}, stageNames.map(([k, n]) => el("span", { class: "stage" + (d.stages[k] ? " done" : "") }, n)), " ",
    el("a", { class: "button secondary", href: "/api/v1/documents/" + id + "/file" }, "Tải bản gốc"),
    (me.role === "clerk" || me.role === "leader") && d.status !== "failed" && d.status !== "received" ? [" ", el("a", { class: "button secondary", href: "#/duyet/" + id }, "Sửa / duyệt")] : null));
  if (d.error) main.append(el("p", { class: "error" }, "Lỗi: " + d.error));
  const fields = el("table", {}, Object.entries(fieldNames).filter(([f]) => rec[f]).map(([f, n]) => el("tr", {}, el("th", { scope: "row" }, n), el("td", {}, rec[f]))));
  if (rec.tasks && rec.tasks.length) fields.append(el("tr", {}, el("th", {}, "Nhiệm vụ"), el("td", {}, el("ul", {}, rec.tasks.map(t => el("li", {}, t.assignee + ": " + t.task + (t.due ? " (hạn " + vnDate(t.due) + ")" : "")))))));
  const pages = el("div");
  for (let n = 1; n <= Math.min(rec.pages || 1, 20); n++) pages.append(el("h2", {}, "Trang " + n), pageWithBoxes(d, n, d.review || []));
  const hist = await api("/documents/" + id + "/history");
  const rel = await api("/documents/" + id + "/related");
  const relList = (xs) => xs.length ? el("ul", {}, xs.map(h => el("li", {}, el("a", { href: "#/van-ban/" + h.document_id }, h.number + "/" + h.symbol + " — " + h.subject)))) : el("p", {}, "Không có.");
  main.append(el("div", { class: "review" }, el("div", { class: "fields" }, el("h2", {}, "Thông tin văn bản"), fields,
    el("h2", {}, "Lịch sử sửa đổi"), hist.corrections.length ? el("table", {}, el("tr", {}, ["Lúc", "Người sửa", "Trường", "Cũ", "Mới"].map(h => el("th", {}, h))),
      hist.corrections.map(c => c.field === "reading"
        // Read again by a newer reader (vanthu reprocess): what moved.
        ? el("tr", {}, el("td", {}, new Date(c.at).toLocaleString("vi-VN")), el("td", {}, "Hệ thống"), el("td", {}, "Đọc lại văn bản"), el("td", {}, ""),
          el("td", {}, c.new ? "Thay đổi: " + c.new.split(", ").map(f => fieldNames[f] || f).join(", ") : "Không trường nào thay đổi"))
        : el("tr", {}, el("td", {}, new Date(c.at).toLocaleString("vi-VN")), el("td", {}, c.user), el("td", {}, fieldNames[c.field] || c.field), el("td", {}, c.old), el("td", {}, c.new)))) : el("p", {}, "Chưa sửa lần nào."),
    el("h2", {}, "Văn bản trùng (cùng số, ký hiệu, cơ quan)"), relList(rel.duplicates), el("h2", {}, "Văn bản liên quan"), relList(rel.similar),
    el("h2", {}, "Nội dung"), el("pre", { class: "text" }, rec.text || "")), el("div", { class: "pageview" }, pages)));
}

// ---- dashboard ----
function bars(title, data, color) {
  const w = 560, h = 180, max = Math.max(1, ...data.map(d => d.n)), bw = data.length ? Math.min(40, (w - 40) / data.length - 4) : 0;
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `0 0 ${w} ${h + 40}`); svg.setAttribute("role", "img"); svg.setAttribute("aria-label", title + ": " + data.map(d => d.label + " " + d.n).join(", "));
  svg.style.width = "100%"; svg.style.maxWidth = w + "px";
  data.forEach((d, i) => {
    const bh = (d.n / max) * (h - 20), x = 30 + i * (bw + 4);
    const r = document.createElementNS(svg.namespaceURI, "rect");
    Object.entries({ x, y: h - bh, width: bw, height: bh, fill: color }).forEach(([k, v]) => r.setAttribute(k, v));
    const t = document.createElementNS(svg.namespaceURI, "text");
    Object.entries({ x: x + bw / 2, y: h + 14, "text-anchor": "middle" }).forEach(([k, v]) => t.setAttribute(k, v)); t.textContent = d.label.slice(-5);
    const n = document.createElementNS(svg.namespaceURI, "text");
    Object.entries({ x: x + bw / 2, y: h - bh - 4, "text-anchor": "middle" }).forEach(([k, v]) => n.setAttribute(k, v)); n.textContent = d.n;
    svg.append(r, t, n);
  });
  return el("div", { class: "card" }, el("h2", {}, title), svg);
}

async function dashboardView() {
  const d = await api("/dashboard");
  const total = xs => xs.reduce((a, x) => a + x.n, 0);
  main.append(el("h1", {}, "Tổng quan"), el("div", { class: "cards" },
    el("div", { class: "card" }, el("div", {}, "Văn bản đến (12 tháng)"), el("div", { class: "big", id: "in-total" }, total(d.in_by_month))),
    el("div", { class: "card" }, el("div", {}, "Văn bản đi (12 tháng)"), el("div", { class: "big" }, total(d.out_by_month))),
    el("div", { class: "card" }, el("div", {}, "Chờ duyệt"), el("div", { class: "big" }, d.waiting_review)),
    el("div", { class: "card" }, el("div", {}, "Nhiệm vụ quá hạn"), el("div", { class: "big error" }, total(d.tasks_overdue)))),
    el("div", { class: "cards" }, bars("Văn bản đến theo tháng", d.in_by_month, "#0b4f8a"), bars("Văn bản đi theo tháng", d.out_by_month, "#1d6b2a"),
      bars("Văn bản đến theo loại", d.in_by_type.map(x => ({ label: x.label, n: x.n })), "#6a3d9a")),
    el("div", { class: "cards" },
      el("div", { class: "card" }, el("h2", {}, "Nhiệm vụ theo người được giao"), el("table", {}, el("tr", {}, el("th", {}, "Đơn vị"), el("th", {}, "Còn hạn"), el("th", {}, "Quá hạn")),
        [...new Set([...d.tasks_due, ...d.tasks_overdue].map(x => x.label))].map(a => el("tr", {}, el("td", {}, a),
          el("td", {}, (d.tasks_due.find(x => x.label === a) || { n: 0 }).n), el("td", { class: "error" }, (d.tasks_overdue.find(x => x.label === a) || { n: 0 }).n))))),
      el("div", { class: "card" }, el("h2", {}, "Lịch họp tuần này"), d.meetings_week.length ? el("ul", {}, d.meetings_week.map(m => el("li", {}, el("a", { href: "#/van-ban/" + m.document_id }, m.starts.replace("T", " ")), " — " + m.place + (m.chair ? " (chủ trì: " + m.chair + ")" : "")))) : el("p", {}, "Không có cuộc họp.")),
      el("div", { class: "card" }, el("h2", {}, "Báo cáo đã nhận"), d.reports.length ? el("table", {}, el("tr", {}, ["Chế độ", "Kỳ", "Đã nhận", "Trễ hạn", "Chưa báo cáo"].map(h => el("th", {}, h))),
        d.reports.map(r => el("tr", {}, el("td", {}, r.regime), el("td", {}, r.period), el("td", {}, r.received), el("td", {}, r.late), el("td", {}, r.missing.join(", "))))) : el("p", {}, "Chưa có báo cáo định kỳ."))));
}

// ---- summary ----
async function summaryView() {
  const period = el("select", { id: "period" }, [["day", "Ngày"], ["week", "Tuần"], ["month", "Tháng"]].map(([v, n]) => el("option", { value: v }, n)));
  period.value = "week";
  const date = el("input", { type: "date", id: "date", value: today() });
  const out = el("div", { class: "summary", "aria-live": "polite" });
  const load = async () => {
    const p = new URLSearchParams({ period: period.value, date: date.value });
    const s = await api("/summary?" + p);
    out.replaceChildren(el("p", { class: "hint" }, "Từ " + vnDate(s.from) + " đến " + vnDate(s.to) + " · ",
      el("a", { href: "/api/v1/summary?" + p + "&format=pdf" }, "Tải bản PDF để in")), ...s.paragraphs.map(t => el("p", {}, t)));
  };
  main.append(el("h1", {}, "Tóm tắt tình hình"), el("form", { class: "inline", onsubmit: e => { e.preventDefault(); load(); } },
    el("div", {}, el("label", { for: "period" }, "Kỳ"), period), el("div", {}, el("label", { for: "date" }, "Ngày"), date), el("button", { type: "submit" }, "Xem")), out);
  await load();
}

route();
