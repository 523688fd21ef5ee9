// Văn thư số: the API's machine messages in Vietnamese, in one place.
// The API answers in English ({"error": "not found"}); a person reads
// Vietnamese. viText(message, status) is what api() puts in an error's
// message (the English stays in e.raw); screens with their own wording
// (fbError, hsError, mtError, rgError) read e.raw and e.status.
"use strict";

// A message's English, as a pattern, and its Vietnamese: a string, or a
// function of the pattern's groups. First match wins.
const viMessages = [
  [/^not found$/, "Không tìm thấy (hoặc bạn không có quyền xem)"],
  [/^the role (\S+) may not do this$/, "Vai trò của bạn không được làm việc này"],
  [/^not allowed for this role$/, "Vai trò của bạn không được làm việc này"],
  [/^unsupported file type: empty file/, "Định dạng tệp không hỗ trợ: tệp rỗng (0 byte)"],
  [/^unsupported file type: (.*)$/, m => "Định dạng tệp không hỗ trợ: " + viFileKind(m[1])],
  [/^unsupported file type$/, "Định dạng tệp không hỗ trợ"],
  [/^busy for now/, "Hệ thống đang bận, chưa thực hiện gì. Hãy thử lại sau giây lát."],
  [/^unavailable for now/, "Hệ thống đang bận, chưa thực hiện gì. Hãy thử lại sau giây lát."],
  [/^internal error$/, "Lỗi hệ thống. Hãy thử lại, hoặc báo quản trị hệ thống nếu lỗi lặp lại."],
  [/^wrong name or password$/, "Sai tên đăng nhập hoặc mật khẩu."],
  [/^too many failed logins/, "Đăng nhập sai quá nhiều lần. Hãy thử lại sau ít phút."],
  [/^log in first/, "Cần đăng nhập"],
  [/^the token or session is not valid/, "Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại."],
  [/^a (?:request changing data|login) must come from this site$/, "Yêu cầu phải gửi từ chính trang Văn thư số. Hãy tải lại trang."],
  [/^a read key may only read$/, "Khoá truy cập này chỉ được đọc."],
  [/^that agency is outside your reach$/, "Cơ quan này ngoài phạm vi bạn được xem."],
  [/^an admin makes accounts of their own agency only$/, "Quản trị chỉ tạo tài khoản của cơ quan mình."],
  [/^an admin grants at most their own clearance/, "Quản trị chỉ cấp độ mật không cao hơn độ mật của chính mình."],
  [/^a password needs at least (\d+) characters$/, m => "Mật khẩu cần ít nhất " + m[1] + " ký tự."],
  [/^(?:the name is taken|this name cannot be used: choose another)$/, "Tên đăng nhập này không dùng được: hãy chọn tên khác."],
  [/already exists$/, "Đã có mục trùng tên."],
  [/^the original is no longer stored$/, "Tệp gốc không còn được lưu."],
  [/^the original was replaced by a later upload/, "Tệp gốc đã được thay bằng một lần tải lên sau."],
  [/^no search index configured$/, "Máy chủ chưa có chỉ mục tìm kiếm. Hãy báo quản trị hệ thống."],
  [/^(?:"([^"]*)": )?the upload is over (\d+) MiB$/, m => (m[1] ? "“" + m[1] + "”: " : "") + "Tệp quá lớn (tối đa " + m[2] + " MiB)."],
  [/^no file: send it|^send the files as multipart/, "Chưa chọn tệp nào để tải lên."],
  [/^malformed multipart body/, "Tải lên bị gián đoạn. Hãy thử lại."],
  [/^unreadable body$|^send \{|^send the |want a JSON object|something follows the JSON object|^a JSON object with/, "Yêu cầu không hợp lệ. Hãy tải lại trang rồi thử lại."],
  [/^(?:date|(\S+)) "([^"]*)": want (?:a date as )?YYYY-MM-DD$/, m => "Ngày “" + m[2] + "” không hợp lệ: hãy nhập ngày/tháng/năm, ví dụ 20/03/2018."],
  [/^(\S+) "([^"]*)": want a whole number from (-?\d+) to (-?\d+)$/, m => "Giá trị “" + m[2] + "” không hợp lệ: cần số nguyên từ " + m[3] + " đến " + m[4] + "."],
  [/^(\S+) given \d+ times$/, "Yêu cầu không hợp lệ: một điều kiện bị ghi hai lần."],
  [/^(\S+): (\d+) characters, at most (\d+)$/, m => (fieldLabel(m[1])) + " quá dài: " + m[2] + " ký tự, tối đa " + m[3] + "."],
  [/^(\S+): (\d+) to (\d+) characters$/, m => (fieldLabel(m[1])) + " cần từ " + m[2] + " đến " + m[3] + " ký tự."],
  [/^(\S+) is not cleared for this document \((.*)\)$/, m => "Tài khoản " + m[1] + " không được phép đọc văn bản này (độ mật: " + m[2] + ")."],
  [/^a meeting above your own clearance$/, "Cuộc họp có độ mật cao hơn mức bạn được xem."],
  [/^period "([^"]*)": want day, week or month$/, "Kỳ không hợp lệ: chọn ngày, tuần hoặc tháng."],
  [/^sort "([^"]*)": want relevance or date$/, "Cách sắp xếp không hợp lệ."],
  [/^status "([^"]*)": want one of/, m => "Trạng thái “" + m[1] + "” không hợp lệ."],
  [/^the period ends \(([^)]*)\) before it starts \(([^)]*)\)$/, "Khoảng thời gian không hợp lệ: ngày kết thúc trước ngày bắt đầu."],
  [/^the period .* is longer than (\d+) days$/, m => "Khoảng thời gian quá dài (tối đa " + m[1] + " ngày)."],
  [/^format: /, "Định dạng xuất không hỗ trợ."],
  [/^document (\d+) is (\S+): only a document that could not be read/, "Chỉ văn bản không đọc được mới đọc lại hoặc xoá được."],
  [/^an edXML packet is at most/, "Gói tin edXML quá lớn (tối đa 64 MiB)."],
];

// viFileKind says what the upload was instead of a document.
function viFileKind(s) {
  const kinds = [
    [/executable \(ELF\)/, "tệp chương trình (ELF), không phải văn bản"],
    [/Windows executable/, "tệp chương trình Windows, không phải văn bản"],
    [/a script/, "tệp kịch bản (script), không phải văn bản"],
    [/ZIP archive or Office file/, "tệp nén ZIP hoặc tệp Office; hãy xuất ra PDF trước"],
    [/legacy Office file/, "tệp Office cũ (.doc/.xls); hãy xuất ra PDF trước"],
    [/a GIF image/, "ảnh GIF; hãy quét ra PDF, PNG, JPEG hoặc TIFF"],
    [/a BMP image/, "ảnh BMP; hãy quét ra PDF, PNG, JPEG hoặc TIFF"],
    [/not a PDF, PNG, JPEG, TIFF or WebP/, "không phải tệp PDF, PNG, JPEG, TIFF hay WebP"],
  ];
  for (const [re, vi] of kinds) if (re.test(s)) return vi;
  return "không phải tệp PDF, PNG, JPEG, TIFF hay WebP";
}

// fieldLabel is a record field's Vietnamese name, for the length messages.
function fieldLabel(f) {
  const names = { subject: "Trích yếu", note: "Nội dung", text: "Nội dung", name: "Tên", reason: "Lý do", place: "Địa điểm", issuer: "Cơ quan ban hành",
    signer: "Người ký", number: "Số", symbol: "Ký hiệu", q: "Từ khoá tìm kiếm", unit: "Đơn vị", password: "Mật khẩu" };
  return names[f] || "Nội dung";
}

// What a status means when the message itself has no Vietnamese.
const viStatus = {
  0: "Mất kết nối máy chủ",
  400: "Yêu cầu không hợp lệ.",
  401: "Cần đăng nhập",
  403: "Bạn không có quyền làm việc này.",
  404: "Không tìm thấy (hoặc bạn không có quyền xem)",
  409: "Dữ liệu vừa được người khác thay đổi. Hãy tải lại trang rồi thử lại.",
  410: "Tệp gốc không còn được lưu.",
  413: "Tệp quá lớn.",
  415: "Định dạng tệp không hỗ trợ",
  422: "Dữ liệu không hợp lệ.",
  429: "Quá nhiều yêu cầu. Hãy thử lại sau ít phút.",
  500: "Lỗi hệ thống. Hãy thử lại, hoặc báo quản trị hệ thống nếu lỗi lặp lại.",
  502: "Máy chủ liên quan không trả lời. Hãy thử lại sau ít phút.",
  503: "Hệ thống đang bận, chưa thực hiện gì. Hãy thử lại sau giây lát.",
  504: "Máy chủ trả lời quá chậm. Hãy thử lại.",
};

// Vietnamese letters a message in English does not have.
const viLetters = /[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]/i;

// viText is a message of the API (or the browser) in Vietnamese: its own
// translation, else what its status means. Vietnamese stays as it is.
function viText(msg, status) {
  const m = String(msg == null ? "" : msg).trim();
  if (/^(?:Failed to fetch|NetworkError|Load failed|network error)/i.test(m)) return viStatus[0];
  for (const [re, vi] of viMessages) {
    const x = m.match(re);
    if (x) return typeof vi === "function" ? vi(x) : vi;
  }
  if (m && viLetters.test(m)) return m;
  if (status != null && viStatus[status]) return viStatus[status];
  if (status >= 500) return viStatus[500];
  if (status >= 400) return viStatus[400];
  return m ? "Không thực hiện được." : "Lỗi không xác định.";
}
