// Văn thư số: the admin's screens — the agency's accounts (create, role,
// unit and clearance within the admin's own, disable, reset a password
// shown once) and its directory entry with its units. Loaded after
// app.js, whose helpers (el, api, toast, me, routes, directoryP) it uses.
"use strict";

routes.push([/^#\/tai-khoan$/, accountsView], [/^#\/co-quan$/, agencyAdminView]);

const roleNames = { clerk: "Văn thư", staff: "Chuyên viên", leader: "Lãnh đạo", admin: "Quản trị" };
const secrecyLevels = ["MẬT", "TỐI MẬT", "TUYỆT MẬT"];
const clearanceName = c => c || "Không";

// levelsUpTo are the levels at or below the admin's own clearance.
const levelsUpTo = c => secrecyLevels.slice(0, secrecyLevels.indexOf(c) + 1);

// admError says in Vietnamese what went wrong with an account or a
// directory entry (the API's English is in e.raw, or the message).
function admError(e) {
  const m = String((e && (e.raw || e.message)) || "");
  let x;
  if (/at most their own clearance/.test(m))
    return "Không thể cấp độ mật cao hơn độ mật của chính bạn (" + clearanceName(me.clearance) + ").";
  if (/may make accounts with the roles|an admin account is made by the operator/.test(m))
    return "Bạn chỉ cấp được vai trò Văn thư, Chuyên viên hoặc Lãnh đạo; tài khoản quản trị do người vận hành hệ thống tạo.";
  if (/of their own account/.test(m)) return "Bạn không thể tự đổi vai trò, độ mật hay khoá tài khoản của chính mình.";
  if (/an admin account is changed by the operator/.test(m)) return "Tài khoản quản trị do người vận hành hệ thống thay đổi.";
  if (/an admin's password is reset by the operator/.test(m)) return "Mật khẩu tài khoản quản trị do người vận hành hệ thống đặt lại.";
  if (/above the admin's own clearance: the operator resets/.test(m))
    return "Tài khoản này có độ mật cao hơn của bạn: mật khẩu do người vận hành hệ thống đặt lại.";
  if (/cleared for .* above the admin's own clearance/.test(m)) return "Không thể đặt mức mật được nhận cao hơn độ mật của chính bạn (" + clearanceName(me.clearance) + ").";
  if (/is not a unit of/.test(m)) return "Đơn vị đã chọn không thuộc cơ quan của bạn trong danh mục.";
  if (/nor one of its units|belongs to another agency/.test(m)) return "Mã này thuộc cơ quan khác: chỉ người vận hành hệ thống sửa được.";
  if (/^clearance "/.test(m) || /cleared "/.test(m)) return "Độ mật không hợp lệ.";
  if (/a password needs at least (\d+)/.test(m)) return "Mật khẩu cần ít nhất 10 ký tự.";
  if (/name is taken|this name cannot be used/.test(m)) return "Tên đăng nhập này không dùng được: hãy chọn tên khác.";
  if (/a user needs a name/.test(m)) return "Hãy nhập tên đăng nhập.";
  if (/^unit "/.test(m)) return "Mã đơn vị không hợp lệ.";
  if ((x = m.match(/identifier (\S+) is (\S+)'s already/))) return "Mã định danh " + x[1] + " đã thuộc đơn vị khác (" + x[2] + ").";
  if (/identifier "/.test(m)) return "Mã định danh không đúng dạng: bốn nhóm số như 000.00.31.H55.";
  if (/a name of 1 to 300/.test(m)) return "Tên cần từ 1 đến 300 ký tự.";
  if (/another name of 1 to 300|at most 20 other names/.test(m)) return "Tên khác, viết tắt: tối đa 20 tên, mỗi tên từ 1 đến 300 ký tự.";
  if (/code "/.test(m)) return "Mã đơn vị chỉ gồm chữ không dấu, số và . _ - (tối đa 64 ký tự).";
  switch (e && e.status) {
    case 400: return "Yêu cầu không hợp lệ. Hãy kiểm tra lại các ô đã nhập.";
    case 403: return "Bạn không có quyền thực hiện thao tác này.";
    case 404: return "Không tìm thấy tài khoản hoặc đơn vị trong cơ quan của bạn.";
    case 409: return "Tên đăng nhập này không dùng được: hãy chọn tên khác.";
    case 503: return "Hệ thống đang bận, chưa thực hiện gì. Hãy thử lại sau giây lát.";
    case 500: return "Lỗi hệ thống. Hãy thử lại, hoặc báo quản trị hệ thống nếu lỗi lặp lại.";
  }
  if (e instanceof TypeError) return "Không kết nối được máy chủ. Hãy kiểm tra mạng rồi thử lại.";
  return "Không thực hiện được.";
}

// ownUnits are the directory's units of the admin's agency, by name.
async function ownUnits() {
  const r = await api("/agencies");
  return { self: r.agencies.find(a => a.code === me.agency), units: r.agencies.filter(a => a.parent === me.agency).sort((a, b) => a.name.localeCompare(b.name, "vi")) };
}

const option = (value, text, selected) => el("option", { value, selected: selected || false }, text);

// unitChoice is a select of "the agency as a whole" and its units (the
// current one kept if the directory lost it).
function unitChoice(id, units, current, label) {
  const s = el("select", { id, "aria-label": label || null },
    option("", "Cả cơ quan", !current), units.map(u => option(u.code, u.name, u.code === current)));
  if (current && !units.some(u => u.code === current)) s.append(option(current, current, true));
  return s;
}

// clearanceChoice offers no level above the admin's own; a higher one the
// account already holds is shown as it is, not offered to others.
function clearanceChoice(id, levels, current, label) {
  const s = el("select", { id, "aria-label": label || null }, option("", "Không", !current), levels.map(l => option(l, l, l === current)));
  if (current && !levels.includes(current)) s.append(el("option", { value: current, selected: true, disabled: true }, current + " (cao hơn của bạn)"));
  return s;
}

// ---- accounts ----
async function accountsView() {
  main.append(el("h1", {}, "Tài khoản"), el("p", { class: "loading", role: "status" }, "Đang tải danh sách tài khoản…"));
  let list, dir;
  try { [list, dir] = await Promise.all([api("/users"), ownUnits()]); }
  catch (e) { main.replaceChildren(el("h1", {}, "Tài khoản"), el("p", { class: "error", role: "alert" }, "Không tải được danh sách tài khoản: " + admError(e))); return; }
  const unitName = c => (dir.units.find(u => u.code === c) || {}).name || c;
  const shown = el("div", { id: "pw-shown", "aria-live": "polite" });
  const rows = el("tbody", {});
  const draw = () => rows.replaceChildren(...list.users.map(u => accountRow(u, list, dir, unitName, shown, draw)));
  draw();
  main.replaceChildren(el("h1", {}, "Tài khoản"),
    el("p", { class: "hint" }, "Tài khoản của " + (dir.self ? dir.self.name : me.agency) + ". Bạn cấp được độ mật tới " + clearanceName(me.clearance) +
      "; tài khoản quản trị do người vận hành hệ thống quản lý."),
    shown,
    el("div", { class: "scroll" }, el("table", { class: "stack", id: "accounts" },
      el("thead", {}, el("tr", {}, ["Tên đăng nhập", "Vai trò", "Đơn vị", "Độ mật", "Trạng thái", "Liên hệ", "Thao tác"].map(h => el("th", { scope: "col" }, h)))),
      rows)),
    accountForm(list, dir));
}

function accountRow(u, list, dir, unitName, shown, redraw) {
  const L = "data-label";
  const locked = u.role === "admin"; // the operator's
  const self = u.name === me.name;
  const msg = el("span", { class: "row-msg", role: "status" });
  const patch = async (body, done) => {
    msg.textContent = "Đang lưu…";
    msg.className = "row-msg";
    try {
      const got = await api("/users/" + u.id, { method: "PATCH", body: JSON.stringify(body) });
      Object.assign(u, got);
      msg.textContent = "Đã lưu.";
      if (done) done();
    } catch (e) {
      msg.textContent = admError(e);
      msg.className = "row-msg error";
      msg.setAttribute("role", "alert");
      return false;
    }
    return true;
  };
  const tag = "acc-" + u.id;
  let role, unit, clear;
  if (locked) {
    role = roleNames[u.role] || u.role;
    clear = clearanceName(u.clearance);
  } else {
    role = el("select", { id: tag + "-role", "aria-label": "Vai trò của " + u.name }, list.roles.map(r => option(r, roleNames[r] || r, r === u.role)));
    role.addEventListener("change", async () => { if (!await patch({ role: role.value })) role.value = u.role; });
    clear = clearanceChoice(tag + "-clearance", list.clearances, u.clearance, "Độ mật của " + u.name);
    clear.addEventListener("change", async () => { if (!await patch({ clearance: clear.value })) clear.value = u.clearance; });
  }
  unit = unitChoice(tag + "-unit", dir.units, u.unit, "Đơn vị của " + u.name);
  unit.addEventListener("change", async () => { if (!await patch({ unit: unit.value })) unit.value = u.unit; });
  const buttons = el("div", { class: "buttons" });
  const confirmBar = (text, yes, run) => {
    const bar = el("div", { class: "confirm", role: "group", "aria-label": text }, el("span", {}, text + " "),
      el("button", { type: "button", class: "danger confirm-yes", onclick: async () => { bar.remove(); await run(); } }, yes),
      el("button", { type: "button", class: "secondary", onclick: () => { bar.remove(); buttons.hidden = false; } }, "Huỷ"));
    buttons.hidden = true;
    buttons.after(bar);
    bar.querySelector(".confirm-yes").focus();
  };
  if (!locked && !self) {
    buttons.append(
      el("button", { type: "button", class: "secondary toggle", onclick: () => u.disabled
        ? patch({ disabled: false }, redraw)
        : confirmBar("Khoá tài khoản " + u.name + "? Các phiên đăng nhập của tài khoản kết thúc ngay.", "Khoá", () => patch({ disabled: true }, redraw).then(() => { buttons.hidden = false; })) },
      u.disabled ? "Mở khoá" : "Khoá tài khoản"),
      el("button", { type: "button", class: "secondary reset", onclick: () => confirmBar("Đặt lại mật khẩu cho " + u.name + "?", "Đặt lại", async () => {
        buttons.hidden = false;
        try {
          const r = await api("/users/" + u.id + "/password", { method: "POST" });
          showPassword(shown, r.user.name, r.password);
        } catch (e) { msg.textContent = admError(e); msg.className = "row-msg error"; msg.setAttribute("role", "alert"); }
      }) }, "Đặt lại mật khẩu"));
  } else {
    buttons.append(el("span", { class: "hint" }, self ? "Tài khoản của bạn" : "Do người vận hành hệ thống quản lý"));
  }
  const contact = [u.email, u.zalo ? "Zalo " + u.zalo : ""].filter(Boolean).join(", ") || "—";
  return el("tr", { "data-user": u.name, class: u.disabled ? "disabled" : null },
    el("td", { [L]: "Tên đăng nhập", class: "acc-name" }, el("strong", {}, u.name)),
    el("td", { [L]: "Vai trò" }, role),
    el("td", { [L]: "Đơn vị" }, unit),
    el("td", { [L]: "Độ mật" }, clear),
    el("td", { [L]: "Trạng thái", class: "state" }, u.disabled ? el("span", { class: "badge acc-off" }, "Đã khoá") : el("span", { class: "badge acc-on" }, "Đang hoạt động")),
    el("td", { [L]: "Liên hệ" }, contact),
    el("td", { [L]: "Thao tác" }, buttons, msg));
}

// showPassword shows a new password this once, with a copy button.
function showPassword(box, name, pw) {
  const field = el("input", { id: "pw-new", readonly: true, value: pw, "aria-label": "Mật khẩu mới của " + name, spellcheck: "false", autocomplete: "off" });
  const said = el("span", { class: "hint", role: "status" });
  box.replaceChildren(el("div", { class: "note pw-note" },
    el("p", {}, el("strong", {}, "Mật khẩu mới của " + name + ": "), "chỉ hiện một lần. Hãy sao chép và trao tận tay người dùng; các phiên đăng nhập cũ của tài khoản đã kết thúc."),
    el("div", { class: "pw-line" }, field,
      el("button", { type: "button", id: "pw-copy", onclick: async () => {
        field.select();
        try { await navigator.clipboard.writeText(pw); said.textContent = "Đã sao chép."; }
        catch { said.textContent = document.execCommand && document.execCommand("copy") ? "Đã sao chép." : "Hãy chọn và sao chép mật khẩu bằng tay."; }
      } }, "Sao chép"),
      el("button", { type: "button", class: "secondary", onclick: () => box.replaceChildren() }, "Đã ghi lại, ẩn đi")), said));
  field.focus();
  field.select();
}

// accountForm makes an account of the agency, within what the admin may give.
function accountForm(list, dir) {
  const name = el("input", { id: "acc-name", maxlength: 64, required: true, autocomplete: "off", spellcheck: "false" });
  const pw = el("input", { id: "acc-password", type: "text", minlength: 10, maxlength: 1024, required: true, autocomplete: "new-password", "aria-describedby": "acc-pw-hint" });
  const role = el("select", { id: "acc-role" }, list.roles.map(r => option(r, roleNames[r] || r, r === "staff")));
  const unit = unitChoice("acc-unit", dir.units, "");
  const clear = clearanceChoice("acc-clearance", list.clearances, "");
  const err = el("p", { class: "error", role: "alert" });
  const btn = el("button", { type: "submit", id: "acc-send" }, "Tạo tài khoản");
  return el("form", { id: "acc-form", class: "action", novalidate: true, onsubmit: async ev => {
    ev.preventDefault();
    err.textContent = "";
    if (!name.value.trim()) { err.textContent = "Hãy nhập tên đăng nhập."; name.focus(); return; }
    if ([...pw.value].length < 10) { err.textContent = "Mật khẩu cần ít nhất 10 ký tự."; pw.focus(); return; }
    btn.disabled = true;
    try {
      const u = await api("/users", { method: "POST", body: JSON.stringify({ name: name.value.trim(), password: pw.value, role: role.value, unit: unit.value, clearance: clear.value }) });
      toast("Đã tạo tài khoản " + u.name + ".");
      await route();
    } catch (e) { err.textContent = admError(e); btn.disabled = false; }
  } }, el("h2", {}, "Tạo tài khoản"),
    el("label", { for: "acc-name" }, "Tên đăng nhập"), name,
    el("label", { for: "acc-password" }, "Mật khẩu ban đầu"), pw,
    el("p", { class: "hint", id: "acc-pw-hint" }, "Ít nhất 10 ký tự. Hãy trao mật khẩu tận tay người dùng."),
    el("label", { for: "acc-role" }, "Vai trò"), role,
    el("label", { for: "acc-unit" }, "Đơn vị"), unit,
    el("label", { for: "acc-clearance" }, "Độ mật được đọc"), clear,
    el("p", { class: "hint" }, list.clearances.length ? "Chỉ cấp được độ mật tới " + me.clearance + " (độ mật của bạn)." : "Bạn không có độ mật nên không cấp được độ mật cho tài khoản khác."),
    el("p", {}, btn), err);
}

// ---- the agency's directory entry and its units ----
async function agencyAdminView() {
  main.append(el("h1", {}, "Cơ quan, đơn vị"), el("p", { class: "loading", role: "status" }, "Đang tải danh mục…"));
  let dir;
  try { dir = await ownUnits(); }
  catch (e) { main.replaceChildren(el("h1", {}, "Cơ quan, đơn vị"), el("p", { class: "error", role: "alert" }, "Không tải được danh mục: " + admError(e))); return; }
  const levels = levelsUpTo(me.clearance);
  const self = dir.self || { code: me.agency, name: "", identifier: "", cleared: "", names: [] };
  const unitBox = el("div", {});
  const form = entryForm("ag", self, levels, "Lưu thông tin cơ quan", false);
  const unitForm = entryForm("unit", null, levels, "Thêm đơn vị", true);
  const drawUnits = () => unitBox.replaceChildren(dir.units.length
    ? el("table", { class: "stack", id: "units" },
      el("thead", {}, el("tr", {}, ["Mã", "Tên đơn vị", "Mã định danh", "Tên khác, viết tắt", "Mức mật được nhận", "Thao tác"].map(h => el("th", { scope: "col" }, h)))),
      el("tbody", {}, dir.units.map(u => el("tr", { "data-unit": u.code },
        el("td", { "data-label": "Mã" }, u.code), el("td", { "data-label": "Tên đơn vị" }, el("strong", {}, u.name)),
        el("td", { "data-label": "Mã định danh" }, u.identifier || "—"), el("td", { "data-label": "Tên khác, viết tắt" }, (u.names || []).join("; ") || "—"),
        el("td", { "data-label": "Mức mật được nhận" }, clearanceName(u.cleared)),
        el("td", { "data-label": "Thao tác" }, el("button", { type: "button", class: "secondary edit", "aria-label": "Sửa đơn vị " + u.name, onclick: () => unitForm.fill(u) }, "Sửa"))))))
    : el("p", { class: "empty", id: "units-none" }, "Cơ quan chưa có đơn vị nào trong danh mục."));
  drawUnits();
  main.replaceChildren(...[el("h1", {}, "Cơ quan, đơn vị"),
    el("p", { class: "hint" }, "Thông tin cơ quan trong danh mục dùng để nhận diện cơ quan ban hành, nơi nhận và đơn vị được giao việc khi đọc văn bản. Mã cơ quan: " + me.agency + "."),
    dir.self ? null : el("p", { class: "note" }, "Cơ quan chưa có trong danh mục: hãy nhập tên cơ quan rồi lưu."),
    form, el("h2", {}, "Đơn vị trực thuộc"), unitBox, unitForm].filter(Boolean));
}

// entryForm edits a directory entry: the agency's own (code fixed) or a
// unit (a new code, or the one being edited).
function entryForm(p, entry, levels, send, isUnit) {
  const code = el("input", { id: p + "-code", maxlength: 64, autocomplete: "off", spellcheck: "false", "aria-describedby": p + "-code-hint" });
  const name = el("input", { id: p + "-name", maxlength: 300, autocomplete: "off" });
  const ident = el("input", { id: p + "-identifier", maxlength: 20, autocomplete: "off", placeholder: "000.00.31.H55", spellcheck: "false" });
  const names = el("textarea", { id: p + "-names", rows: 3, "aria-describedby": p + "-names-hint" });
  let cleared = clearanceChoice(p + "-cleared", levels, "");
  const err = el("p", { class: "error", role: "alert" });
  const btn = el("button", { type: "submit", id: p + "-send" }, send);
  const cancel = el("button", { type: "button", class: "secondary", hidden: true, onclick: () => fill(null) }, "Huỷ sửa");
  const title = el("h2", {}, isUnit ? "Thêm đơn vị" : "Thông tin cơ quan");
  let editing = null;
  const fill = e => {
    editing = e;
    code.value = e ? e.code : "";
    code.readOnly = !!e || !isUnit;
    name.value = e ? e.name : "";
    ident.value = e ? e.identifier || "" : "";
    names.value = e ? (e.names || []).join("\n") : "";
    const c = clearanceChoice(p + "-cleared", levels, e ? e.cleared : "");
    cleared.replaceWith(c);
    cleared = c;
    if (isUnit) {
      title.textContent = e ? "Sửa đơn vị " + e.name : "Thêm đơn vị";
      btn.textContent = e ? "Lưu đơn vị" : "Thêm đơn vị";
      cancel.hidden = !e;
      if (e) name.focus();
    }
  };
  const f = el("form", { id: p + "-form", class: "action entry-form", novalidate: true, onsubmit: async ev => {
    ev.preventDefault();
    err.textContent = "";
    const c = code.value.trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(c)) { err.textContent = "Mã đơn vị chỉ gồm chữ không dấu, số và . _ - (tối đa 64 ký tự)."; code.focus(); return; }
    if (!name.value.trim()) { err.textContent = "Hãy nhập tên."; name.focus(); return; }
    if (ident.value.trim() && !/^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/.test(ident.value.trim())) { err.textContent = "Mã định danh không đúng dạng: bốn nhóm số như 000.00.31.H55."; ident.focus(); return; }
    btn.disabled = true;
    try {
      await api("/agencies/" + encodeURIComponent(c), { method: "PUT", body: JSON.stringify({ name: name.value.trim(), identifier: ident.value.trim(), cleared: cleared.value,
        names: names.value.split("\n").map(s => s.trim()).filter(Boolean) }) });
      if (typeof directoryP !== "undefined") directoryP = null; // the other screens read it again
      toast(isUnit ? (editing ? "Đã lưu đơn vị." : "Đã thêm đơn vị.") : "Đã lưu thông tin cơ quan.");
      await route();
    } catch (e) { err.textContent = admError(e); btn.disabled = false; }
  } }, title,
    el("label", { for: p + "-code" }, isUnit ? "Mã đơn vị" : "Mã cơ quan"), code,
    el("p", { class: "hint", id: p + "-code-hint" }, isUnit ? "Chữ không dấu, số và . _ -, ví dụ " + me.agency + "-vp. Không đổi được sau khi thêm." : "Mã cơ quan do người vận hành hệ thống đặt."),
    el("label", { for: p + "-name" }, isUnit ? "Tên đơn vị" : "Tên cơ quan"), name,
    el("label", { for: p + "-identifier" }, "Mã định danh (QCVN 102:2016)"), ident,
    el("label", { for: p + "-names" }, "Tên khác, viết tắt"), names,
    el("p", { class: "hint", id: p + "-names-hint" }, "Mỗi dòng một tên, như văn bản hay ghi (ví dụ “UBND tỉnh”, “VP”)."),
    el("label", { for: p + "-cleared" }, "Mức mật được nhận văn bản điện tử"), cleared,
    el("p", { class: "hint" }, levels.length ? "Tối đa " + me.clearance + " (độ mật của bạn)." : "Bạn không có độ mật nên không đặt được mức mật."),
    el("p", { class: "buttons" }, btn, " ", cancel), err);
  f.fill = fill;
  fill(entry);
  return f;
}
