// Knowledge-base administration pages: list, edit (every field, nested ones included),
// bot-answer preview, publish, history with diff and rollback, import/export, users, audit.
// Values are always inserted as text.

import { api, app, body, clear, el, fieldErrors, fmt, notice, put, when } from "/static/staff/staff.js";

const ROLE = body.dataset.role || "";
export const STATUS = { draft: "Bản nháp", published: "Đang áp dụng", retired: "Ngừng áp dụng" };
const ATTRIBUTES = {
  overview: "Thông tin chung",
  documents: "Thành phần hồ sơ",
  fee: "Phí, lệ phí",
  duration: "Thời hạn giải quyết",
  place: "Nơi nộp",
  steps: "Trình tự thực hiện",
  online: "Nộp trực tuyến",
  requirements: "Điều kiện",
};

function badge(status) {
  return el("span", { class: `badge ${status}`, text: STATUS[status] || status });
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== "" && v !== null && v !== undefined) q.set(k, v);
  return q.toString();
}

// ---------------------------------------------------------------- the record's form

const opt = (pairs) => Object.entries(pairs).map(([value, label]) => ({ value, label }));
const FEE = [
  { key: "loai", label: "Loại", type: "select", options: opt({ "": "Chưa rõ", phi: "Phí", le_phi: "Lệ phí" }) },
  { key: "so_tien_vnd", label: "Số tiền (đồng)", type: "int" },
  { key: "nguyen_van", label: "Nội dung (nguyên văn)", type: "textarea", required: true, max: 10000 },
  { key: "mien_giam", label: "Miễn, giảm", type: "textarea", max: 10000 },
  { key: "can_cu", label: "Căn cứ", type: "textarea", max: 10000 },
];
const CHANNEL = [
  { key: "hinh_thuc", label: "Hình thức nộp", type: "select", options: opt({ "": "Chưa rõ", truc_tiep: "Trực tiếp", truc_tuyen: "Trực tuyến", buu_chinh: "Bưu chính" }) },
  {
    key: "thoi_han",
    label: "Thời hạn giải quyết",
    type: "group",
    fields: [
      { key: "gia_tri", label: "Số", type: "number" },
      { key: "don_vi", label: "Đơn vị", type: "select", options: opt({ "": "Chưa rõ", gio: "giờ", ngay: "ngày", ngay_lam_viec: "ngày làm việc", trong_ngay: "trong ngày" }) },
      { key: "nguyen_van", label: "Nguyên văn", type: "textarea", max: 10000 },
    ],
  },
  { key: "phi_le_phi", label: "Phí, lệ phí", type: "list", item: FEE, empty: () => ({ nguyen_van: "" }), itemLabel: "khoản phí" },
  { key: "mo_ta", label: "Mô tả", type: "textarea", max: 10000 },
];
const DOCUMENT = [
  { key: "ten_giay_to", label: "Tên giấy tờ", type: "textarea", required: true, max: 10000 },
  { key: "truong_hop", label: "Trường hợp", type: "textarea", max: 10000 },
  { key: "so_ban_chinh", label: "Số bản chính", type: "int" },
  { key: "so_ban_sao", label: "Số bản sao", type: "int" },
  { key: "mau_don", label: "Mẫu đơn", type: "group", optional: true, fields: [
    { key: "ten", label: "Tên mẫu", type: "text", max: 500 },
    { key: "url", label: "Địa chỉ tải mẫu", type: "text", max: 1000 },
  ] },
];
const FORM = [
  { key: "ma_thu_tuc", label: "Mã thủ tục (quốc gia)", type: "text", max: 16, hint: "vd 1.001193; để trống nếu chưa có" },
  { key: "ma_noi_bo", label: "Mã nội bộ", type: "text", max: 200, hint: "tự tạo từ tên nếu để trống" },
  { key: "ma_thu_tuc_dia_phuong", label: "Mã thủ tục địa phương", type: "text", max: 40 },
  { key: "so_quyet_dinh_cong_bo", label: "Số quyết định công bố", type: "text", max: 500 },
  { key: "ten_thu_tuc", label: "Tên thủ tục", type: "text", required: true, max: 500 },
  { key: "ten_ngan", label: "Tên ngắn (cho nút bấm và danh sách, phân biệt với thủ tục gần giống)", type: "text", max: 60 },
  { key: "ten_goi_khac", label: "Tên gọi khác (mỗi dòng một tên)", type: "lines" },
  { key: "tinh_huong", label: "Tình huống người dân cần đến thủ tục (mỗi dòng một tình huống, lời của người dân: “vừa sinh con”, “bị mất căn cước”)", type: "lines" },
  { key: "su_kien", label: "Sự kiện (người dân tìm theo việc xảy ra trong đời)", type: "checks", options: opt({ co_con_nho: "Có con nhỏ", ket_hon_gia_dinh: "Kết hôn và gia đình", nguoi_than_qua_doi: "Người thân qua đời", cu_tru_giay_to: "Cư trú và giấy tờ tùy thân", dat_dai_nha_o: "Đất đai và nhà ở", xay_dung: "Xây dựng", phuong_tien_nguoi_lai: "Phương tiện và người lái", viec_lam_bao_hiem: "Việc làm và bảo hiểm", huu_tri: "Hưu trí", kinh_doanh_doanh_nghiep: "Kinh doanh và doanh nghiệp", thue_hai_quan: "Thuế và hải quan", nong_nghiep: "Nông nghiệp", tu_phap_toa_an: "Tư pháp và tòa án", nguoi_co_cong_tro_cap: "Người có công và trợ cấp" }) },
  { key: "linh_vuc", label: "Lĩnh vực", type: "text", required: true, max: 500 },
  { key: "loai_thu_tuc", label: "Loại thủ tục", type: "text", max: 500 },
  { key: "cap_thuc_hien", label: "Cấp thực hiện", type: "checks", options: opt({ trung_uong: "Trung ương", tinh: "Tỉnh", huyen: "Huyện", xa: "Xã", co_quan_khac: "Cơ quan khác" }) },
  { key: "doi_tuong_thuc_hien", label: "Đối tượng thực hiện (mỗi dòng một đối tượng)", type: "lines" },
  { key: "co_quan", label: "Cơ quan", type: "group", fields: [
    { key: "co_tham_quyen", label: "Cơ quan có thẩm quyền", type: "textarea", max: 10000 },
    { key: "thuc_hien", label: "Cơ quan thực hiện", type: "textarea", max: 10000 },
    { key: "duoc_uy_quyen", label: "Cơ quan được ủy quyền", type: "textarea", max: 10000 },
    { key: "phoi_hop", label: "Cơ quan phối hợp", type: "textarea", max: 10000 },
    { key: "dia_chi_tiep_nhan", label: "Địa chỉ tiếp nhận hồ sơ", type: "textarea", max: 10000 },
  ] },
  { key: "trinh_tu_thuc_hien", label: "Trình tự thực hiện (mỗi dòng một bước)", type: "lines" },
  { key: "cach_thuc_thuc_hien", label: "Cách thức thực hiện (thời hạn, phí theo từng cách nộp)", type: "list", item: CHANNEL, empty: () => ({ phi_le_phi: [] }), itemLabel: "cách nộp" },
  { key: "thanh_phan_ho_so", label: "Thành phần hồ sơ", type: "list", item: DOCUMENT, empty: () => ({ ten_giay_to: "" }), itemLabel: "giấy tờ" },
  { key: "so_bo_ho_so", label: "Số bộ hồ sơ", type: "int" },
  { key: "yeu_cau_dieu_kien", label: "Yêu cầu, điều kiện", type: "textarea", max: 10000 },
  { key: "ket_qua_thuc_hien", label: "Kết quả thực hiện (mỗi dòng một kết quả)", type: "lines" },
  { key: "can_cu_phap_ly", label: "Căn cứ pháp lý", type: "list", itemLabel: "văn bản", empty: () => ({ so_ky_hieu: "" }), item: [
    { key: "so_ky_hieu", label: "Số, ký hiệu", type: "text", required: true, max: 500 },
    { key: "trich_yeu", label: "Trích yếu", type: "textarea", max: 10000 },
    { key: "ngay_ban_hanh", label: "Ngày ban hành", type: "date" },
  ] },
  { key: "thu_tuc_lien_quan", label: "Thủ tục liên quan (mỗi dòng một mã)", type: "lines" },
  { key: "dvc_truc_tuyen", label: "Dịch vụ công trực tuyến", type: "group", fields: [
    { key: "muc_do", label: "Mức độ", type: "select", options: opt({ "": "Chưa rõ", toan_trinh: "Toàn trình", mot_phan: "Một phần", khong: "Không trực tuyến" }) },
    { key: "muc_do_cu_1_4", label: "Mức độ cũ (1–4)", type: "int" },
    { key: "url_nop", label: "Địa chỉ nộp trực tuyến", type: "text", max: 1000 },
  ] },
  { key: "dia_ban", label: "Địa bàn", type: "group", fields: [
    { key: "ma_tinh_H", label: "Mã tỉnh", type: "text", max: 8 },
    { key: "ten_tinh", label: "Tỉnh", type: "text", max: 500 },
  ] },
  { key: "hieu_luc", label: "Hiệu lực", type: "group", fields: [
    { key: "trang_thai", label: "Tình trạng", type: "select", options: opt({ dang_ap_dung: "Đang áp dụng", het_hieu_luc: "Hết hiệu lực", thay_the: "Đã được thay thế" }) },
    { key: "tu_ngay", label: "Có hiệu lực từ", type: "date" },
    { key: "den_ngay", label: "Hết hiệu lực từ", type: "date" },
    { key: "thay_the_boi", label: "Thay thế bởi (mã thủ tục)", type: "text", max: 16 },
  ] },
  { key: "nguon", label: "Nguồn", type: "group", fields: [
    { key: "url", label: "Địa chỉ nguồn", type: "text", max: 1000 },
    { key: "ngay_thu_thap", label: "Ngày thu thập", type: "date" },
    { key: "sha256", label: "SHA-256 của nguồn", type: "text", max: 64 },
    { key: "ghi_chu", label: "Ghi chú", type: "textarea", max: 10000 },
  ] },
];

/** A record's dotted path said as the editor's labels: "cach_thuc_thuc_hien.0.phi_le_phi.1.so_tien_vnd"
 * → "Cách thức thực hiện › cách nộp 1 › Phí, lệ phí › khoản phí 2 › Số tiền (đồng)". */
export function fieldLabel(path) {
  const parts = String(path).split(".");
  const said = [];
  let spec = FORM;
  for (let i = 0; i < parts.length; i++) {
    const f = spec && spec.find((x) => x.key === parts[i]);
    if (!f) { said.push(...parts.slice(i)); break; }
    said.push(f.label.replace(/ \((mỗi dòng|thời hạn, phí).*\)$/, ""));
    if ((f.type === "list" || f.type === "lines" || f.type === "checks") && /^\d+$/.test(parts[i + 1] || "")) {
      i += 1;
      said.push(f.type === "list" ? `${f.itemLabel} ${Number(parts[i]) + 1}` : `dòng ${Number(parts[i]) + 1}`);
      spec = f.item;
    } else {
      spec = f.fields;
    }
  }
  return said.join(" › ");
}

/** A value as an editor reads it: empty is "—", a list one item per line. */
export function shown(v) {
  if (v === null || v === undefined || (Array.isArray(v) && !v.length)) return "—";
  if (Array.isArray(v)) return v.map(shown).join("\n");
  if (typeof v === "object") return Object.entries(v).map(([k, x]) => `${k}: ${shown(x)}`).join("\n");
  return String(v);
}

/** Build inputs for ``spec`` bound to ``obj``; ``path`` is the dotted field path. */
function buildFields(spec, obj, path, refresh) {
  const out = [];
  for (const f of spec) {
    const here = path ? `${path}.${f.key}` : f.key;
    if (f.type === "group") {
      if (obj[f.key] === null || obj[f.key] === undefined) obj[f.key] = {};
      out.push(el("fieldset", { class: "group", "data-path": here }, el("legend", { text: f.label }), buildFields(f.fields, obj[f.key], here, refresh)));
    } else if (f.type === "list") {
      if (!Array.isArray(obj[f.key])) obj[f.key] = [];
      const items = obj[f.key];
      const box = el("fieldset", { class: "group list", "data-path": here }, el("legend", { text: f.label }));
      items.forEach((item, i) => {
        box.append(
          el(
            "div",
            { class: "repeat", "data-path": `${here}.${i}` },
            el("div", { class: "row" }, el("strong", { text: `${f.itemLabel} ${i + 1}` }), el("button", { type: "button", class: "danger", text: `Xóa ${f.itemLabel}`, onclick: () => { items.splice(i, 1); refresh(); } })),
            buildFields(f.item, item, `${here}.${i}`, refresh),
          ),
        );
      });
      box.append(el("button", { type: "button", "data-add": here, text: `+ Thêm ${f.itemLabel}`, onclick: () => { items.push(f.empty()); refresh(); } }));
      out.push(box);
    } else {
      out.push(input(f, obj, here));
    }
  }
  return out;
}

function checks(f, obj, path) {
  const chosen = new Set(obj[f.key] || []);
  const boxes = f.options.map((o) => {
    const box = el("input", { type: "checkbox", value: o.value, name: `${path}.${o.value}`, checked: chosen.has(o.value) });
    box.addEventListener("change", () => {
      if (box.checked) chosen.add(o.value);
      else chosen.delete(o.value);
      obj[f.key] = f.options.map((x) => x.value).filter((v) => chosen.has(v));
    });
    return el("label", { class: "check" }, box, ` ${o.label}`);
  });
  return el("fieldset", { class: "field checks", "data-field": path }, el("legend", { text: f.label }), boxes);
}

function input(f, obj, path) {
  if (f.type === "checks") return checks(f, obj, path);
  const value = obj[f.key];
  let control;
  const common = { name: path, id: `f-${path}`, "data-path": path, required: f.required || null, maxlength: f.max || null };
  if (f.type === "select") {
    control = el("select", common, f.options.map((o) => el("option", { value: o.value, text: o.label, selected: (value ?? "") === o.value })));
    control.addEventListener("change", () => { obj[f.key] = control.value || null; });
  } else if (f.type === "textarea" || f.type === "lines") {
    control = el("textarea", { ...common, rows: f.type === "lines" ? 3 : 2 });
    control.value = f.type === "lines" ? (value || []).join("\n") : value ?? "";
    control.addEventListener("input", () => {
      obj[f.key] = f.type === "lines" ? control.value.split("\n").map((s) => s.trim()).filter(Boolean) : control.value.trim() ? control.value : null;
    });
  } else {
    const type = f.type === "int" || f.type === "number" ? "number" : f.type === "date" ? "date" : "text";
    control = el("input", { ...common, type, step: f.type === "number" ? "any" : f.type === "int" ? "1" : null, value: value ?? "" });
    control.addEventListener("input", () => {
      const raw = control.value.trim();
      if (!raw) obj[f.key] = null;
      else if (f.type === "int") obj[f.key] = Number.isInteger(Number(raw)) ? Number(raw) : raw;
      else if (f.type === "number") obj[f.key] = Number.isFinite(Number(raw)) ? Number(raw) : raw;
      else obj[f.key] = raw;
    });
  }
  return el("label", { class: "field", "data-field": path }, el("span", { text: f.label + (f.required ? " *" : "") }), control, f.hint ? el("small", { class: "muted", text: f.hint }) : null);
}

/** Drop empty optional objects so that the record validates as the API expects. */
function cleaned(record) {
  const copy = JSON.parse(JSON.stringify(record));
  for (const doc of copy.thanh_phan_ho_so || []) {
    if (doc.mau_don && !doc.mau_don.ten) doc.mau_don = null;
  }
  for (const ch of copy.cach_thuc_thuc_hien || []) {
    if (ch.thoi_han && ch.thoi_han.gia_tri == null && !ch.thoi_han.don_vi && !ch.thoi_han.nguyen_van) ch.thoi_han = null;
  }
  return copy;
}

function showErrors(form, errors) {
  for (const bad of form.querySelectorAll(".field.invalid")) {
    bad.classList.remove("invalid");
    bad.querySelector(".error")?.remove();
  }
  const unplaced = [];
  for (const e of errors) {
    const target = form.querySelector(`[data-field="${CSS.escape(e.field)}"]`);
    if (target) {
      target.classList.add("invalid");
      target.append(el("span", { class: "error", role: "alert", text: e.message }));
    } else {
      unplaced.push(`${e.field}: ${e.message}`);
    }
  }
  const first = form.querySelector(".field.invalid input, .field.invalid textarea, .field.invalid select");
  if (first) first.focus();
  return unplaced;
}

// ---------------------------------------------------------------- pages

async function listPage() {
  const q = new URLSearchParams(location.search);
  const form = el(
    "form",
    { class: "filters", id: "kb-filters" },
    el("label", { class: "field" }, el("span", { text: "Tìm theo tên hoặc mã" }), el("input", { name: "q", id: "kb-q", value: q.get("q") || "", maxlength: 200 })),
    el("label", { class: "field" }, el("span", { text: "Trạng thái" }), el("select", { name: "status" }, el("option", { value: "", text: "Tất cả" }), Object.entries(STATUS).map(([k, v]) => el("option", { value: k, text: v, selected: q.get("status") === k })))),
    el("label", { class: "field" }, el("span", { text: "Lĩnh vực" }), el("select", { name: "field", id: "kb-field" }, el("option", { value: "", text: "Tất cả" }))),
    el("button", { type: "submit", class: "primary", text: "Tìm" }),
    el("a", { class: "button", href: "/admin/procedures/new", id: "kb-new", text: "+ Thêm thủ tục" }),
  );
  const out = el("div", { id: "kb-list" });
  const importBox = el("section", { class: "card" }, el("h2", { text: "Nhập, xuất dữ liệu" }));
  app.append(el("h1", { text: "Thủ tục hành chính" }), form, out, importBox);

  const exports = el("p", {}, "Xuất toàn bộ: ", ["json", "csv", "xlsx"].map((k) => [el("a", { class: "button", href: `/api/admin/export?format=${k}`, download: "", text: k.toUpperCase() }), " "]));
  const file = el("input", { type: "file", name: "file", id: "import-file", accept: ".json,.csv,.xlsx,.jsonl", required: true });
  const format = el("select", { name: "format", id: "import-format" }, [
    el("option", { value: "", text: "Theo đuôi tệp" }),
    el("option", { value: "dvc-portal", text: "Bản ghi Cổng DVC quốc gia (dvc-portal)" }),
  ]);
  const dry = el("input", { type: "checkbox", name: "dry_run", id: "import-dry", checked: true });
  const log = el("div", { id: "import-log" });
  const importForm = el(
    "form",
    { id: "import-form", class: "row" },
    el("label", { class: "field" }, el("span", { text: "Tệp .json, .csv hoặc .xlsx (tên cột theo CSDL quốc gia), hoặc .jsonl bản ghi Cổng DVC quốc gia" }), file),
    el("label", { class: "field" }, el("span", { text: "Định dạng" }), format),
    el("label", {}, dry, " Chạy thử (chỉ kiểm tra, không ghi)"),
    el("button", { type: "submit", class: "primary", text: "Nhập" }),
  );
  importForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clear(log);
    const data = new FormData();
    data.append("file", file.files[0]);
    const progress = el("p", { id: "import-progress", class: "muted", text: "Đang tải lên…" });
    log.append(progress);
    try {
      const query = `dry_run=${dry.checked}` + (format.value ? `&format=${encodeURIComponent(format.value)}` : "");
      const response = await fetch(`/api/admin/import?${query}`, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRF-Token": document.cookie.split("; ").find((c) => c.startsWith("trolyao_csrf="))?.slice(13) || "" },
      });
      if (!response.ok) {
        const err = await response.json().catch(() => ({}));
        log.append(notice(typeof err.detail === "string" ? err.detail : "Không nhập được tệp.", "error"));
        return;
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      let last = null;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        const lines = buffer.split("\n");
        buffer = lines.pop();
        for (const line of lines.filter(Boolean)) {
          last = JSON.parse(line);
          if (last.phase !== "done") progress.textContent = `${last.phase === "validate" ? "Đã kiểm tra" : "Đã ghi"} ${fmt(last.rows)} dòng…`;
        }
      }
      if (!last) return;
      if (last.error) {
        log.append(notice(last.error, "error"));
        return;
      }
      progress.textContent = `${fmt(last.rows)} dòng: ${fmt(last.created)} mới, ${fmt(last.updated)} cập nhật, ${fmt(last.unchanged)} không đổi, ${fmt(last.error_count)} lỗi${last.skipped ? `, ${fmt(last.skipped)} dòng bỏ qua` : ""}${last.note_count ? `, ${fmt(last.note_count)} ô để trống` : ""}${last.dry_run ? " (chạy thử, chưa ghi)" : ""}.`;
      progress.id = "import-result";
      if (last.errors.length) {
        log.append(
          notice(last.dry_run ? "Sửa các lỗi dưới đây rồi nhập lại." : last.written ? "Đã ghi các dòng hợp lệ; các dòng lỗi dưới đây bị bỏ qua." : "Chưa ghi gì vì tệp còn lỗi.", "error"),
          el("table", { class: "table", id: "import-errors" }, el("thead", {}, el("tr", {}, ["Dòng", "Cột", "Lỗi"].map((h) => el("th", { text: h })))), el("tbody", {}, last.errors.map((e) => el("tr", {}, el("td", { text: e.row }), el("td", { text: e.field }), el("td", { text: e.message }))))),
        );
      } else if (!last.dry_run) {
        load();
      }
      if (last.notes && last.notes.length) {
        log.append(
          el("h3", { text: "Ô để trống vì không đọc được chắc chắn (giữ nguyên văn ở nguồn)" }),
          el("table", { class: "table", id: "import-notes" }, el("thead", {}, el("tr", {}, ["Dòng", "Ô", "Ghi chú"].map((h) => el("th", { text: h })))), el("tbody", {}, last.notes.map((n) => el("tr", {}, el("td", { text: n.row }), el("td", { text: n.field }), el("td", { text: n.message }))))),
        );
      }
    } catch (error) {
      log.append(notice(String(error.message || error), "error"));
    }
  });
  importBox.append(exports, importForm, log);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = Object.fromEntries(new FormData(form));
    history.replaceState(null, "", `?${query(params)}`);
    load();
  });

  async function load() {
    const params = Object.fromEntries(new FormData(form));
    clear(out).append(notice("Đang tải…"));
    let data;
    try {
      ({ data } = await api(`/api/admin/procedures?${query({ ...params, page_size: 500 })}`));
    } catch (error) {
      clear(out).append(notice(error.message, "error"));
      return;
    }
    const fieldSelect = document.getElementById("kb-field");
    if (fieldSelect.options.length === 1) {
      for (const f of data.fields) fieldSelect.append(el("option", { value: f, text: f, selected: q.get("field") === f }));
    }
    const table = el(
      "table",
      { class: "table", id: "kb-table" },
      el("thead", {}, el("tr", {}, ["Mã", "Tên thủ tục", "Lĩnh vực", "Trạng thái", "Phiên bản", "Cập nhật"].map((h) => el("th", { scope: "col", text: h })))),
      el(
        "tbody",
        {},
        data.items.map((p) =>
          el(
            "tr",
            { "data-key": p.key },
            el("td", { text: p.code || "—" }),
            el("td", {}, el("a", { href: `/admin/procedures/${encodeURIComponent(p.key)}`, text: p.name })),
            el("td", { text: p.field }),
            el("td", {}, badge(p.status), p.has_draft && p.status !== "draft" ? badge("draft") : null),
            el("td", { class: "num", text: p.version }),
            el("td", { text: `${when(p.updated_at)}${p.updated_by ? ` · ${p.updated_by}` : ""}` }),
          ),
        ),
      ),
    );
    clear(out).append(el("p", { id: "kb-total", "data-total": data.total, text: `${fmt(data.total)} thủ tục` }), data.items.length ? table : notice("Không có thủ tục nào khớp."));
  }
  load();
}

async function editPage() {
  const key = body.dataset.id;
  let record;
  if (key) {
    try {
      ({ data: record } = await api(`/api/admin/procedures/${encodeURIComponent(key)}`));
    } catch (error) {
      app.append(notice(error.status === 404 ? "Không tìm thấy thủ tục." : error.message, "error"));
      return;
    }
  } else {
    const name = new URLSearchParams(location.search).get("name") || "";
    record = { ten_thu_tuc: name.slice(0, 500), linh_vuc: "", status: "draft", cach_thuc_thuc_hien: [], thanh_phan_ho_so: [], can_cu_phap_ly: [] };
  }
  const state = record;
  const fields = el("div", { id: "fields" });
  const status = el("div", { id: "save-status", "aria-live": "polite" });
  const note = el("input", { id: "change-note", name: "ghi_chu_thay_doi", maxlength: 500, placeholder: "Ghi chú thay đổi (không bắt buộc)" });
  const form = el("form", { id: "kb-form", novalidate: true }, fields);
  const refresh = () => put(clear(fields), buildFields(FORM, state, "", refresh));
  refresh();

  const header = el("div", { id: "kb-head" });
  // "Ngừng áp dụng" only on a live procedure, "Áp dụng lại" only on a withdrawn one
  const retire = key ? el("button", { type: "button", class: "danger", id: "retire", text: "Ngừng áp dụng", onclick: () => act("retire") }) : null;
  const restore = key ? el("button", { type: "button", id: "restore", text: "Áp dụng lại", onclick: () => act("restore") }) : null;
  function showActions() {
    if (retire) retire.hidden = state.status === "retired" || !state.phien_ban_dang_ap_dung;
    if (restore) restore.hidden = state.status !== "retired";
  }

  // edits not saved yet: leaving the page asks first
  let dirty = false;
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("change", () => { dirty = true; });
  window.addEventListener("beforeunload", (event) => {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";
  });

  function renderHead() {
    if (typeof showActions === "function" && retire) showActions();
    put(
      clear(header),
      el("h1", { id: "kb-title", text: state.ten_thu_tuc || "Thủ tục mới" }),
      key ? el("p", { class: "muted", id: "kb-meta" }, badge(state.status), ` Phiên bản ${state.version}`, state.phien_ban_dang_ap_dung ? ` · đang áp dụng: phiên bản ${state.phien_ban_dang_ap_dung}` : " · chưa công bố", state.cap_nhat_boi ? ` · ${state.cap_nhat_boi}, ${when(state.cap_nhat_luc)}` : "") : null,
      // every answer names its source: say so when this record has no link to one
      key && !(state.nguon && state.nguon.url) ? el("p", { class: "notice warn", id: "source-missing", role: "status", text: "Chưa có đường dẫn nguồn (mục “Nguồn”): câu trả lời chỉ ghi “Cơ sở dữ liệu thủ tục của tỉnh”. Hãy bổ sung trang thủ tục trên Cổng Dịch vụ công." }) : null,
    );
  }
  renderHead();

  async function saveAs(newStatus) {
    clear(status);
    const payload = { ...cleaned(state), status: newStatus, ghi_chu_thay_doi: note.value.trim() || null };
    try {
      const { data } = key
        ? await api(`/api/admin/procedures/${encodeURIComponent(key)}`, { method: "PUT", json: payload })
        : await api("/api/admin/procedures", { method: "POST", json: payload });
      if (!key) {
        location.assign(`/admin/procedures/${encodeURIComponent(data.ma_thu_tuc || data.ma_noi_bo)}?saved=1`);
        return;
      }
      Object.assign(state, data);
      refresh(); // the inputs follow the saved record's objects
      dirty = false;
      note.value = "";
      renderHead();
      status.append(notice(newStatus === "published" ? `Đã công bố phiên bản ${data.version}. Trợ lý ảo trả lời theo nội dung mới ngay.` : `Đã lưu bản nháp (phiên bản ${data.version}).`, "ok"));
      loadHistory();
    } catch (error) {
      if (error.status === 409) {
        status.append(notice(error.message, "error"), el("button", { type: "button", id: "reload", text: "Tải lại bản mới nhất", onclick: () => location.reload() }));
      } else if (error.status === 422) {
        const errors = errorsOf(error);
        const unplaced = showErrors(form, errors);
        status.append(notice(`Chưa lưu: có ${errors.length} trường chưa hợp lệ (đánh dấu đỏ).${unplaced.length ? " " + unplaced.join("; ") : ""}`, "error"));
      } else {
        status.append(notice(error.message, "error"));
      }
    }
  }

  const actions = el(
    "div",
    { class: "row toolbar" },
    note,
    el("button", { type: "button", id: "save-draft", text: "Lưu nháp", onclick: () => saveAs("draft") }),
    el("button", { type: "button", class: "primary", id: "publish", text: "Lưu và công bố", onclick: () => saveAs("published") }),
    retire,
    restore,
  );
  showActions();

  async function act(kind) {
    if (kind === "retire" && !window.confirm("Ngừng áp dụng thủ tục này? Người dân và trợ lý ảo sẽ không còn thấy thủ tục này cho đến khi áp dụng lại.")) return;
    clear(status);
    try {
      const { data } = await api(`/api/admin/procedures/${encodeURIComponent(key)}/${kind}`, { method: "POST", json: { version: state.version } });
      Object.assign(state, data);
      refresh();
      renderHead();
      status.append(notice(kind === "retire" ? "Đã ngừng áp dụng: người dân không còn thấy thủ tục này." : "Đã áp dụng lại.", "ok"));
      loadHistory();
    } catch (error) {
      status.append(notice(error.message, "error"));
    }
  }

  // preview of the bot's answer, from what is in the form now
  const attribute = el("select", { id: "preview-attribute", "aria-label": "Câu hỏi để xem trước" }, Object.entries(ATTRIBUTES).map(([k, v]) => el("option", { value: k, text: v })));
  // shown as the chat bubble shows it (a proportional font keeps Vietnamese accents in place)
  const previewOut = el("div", { class: "preview bubble", id: "preview-text" });
  const preview = el(
    "section",
    { class: "card" },
    el("h2", { text: "Xem trước câu trả lời của trợ lý ảo" }),
    el("div", { class: "row" }, attribute, el("button", { type: "button", id: "preview", text: "Xem trước", onclick: async () => {
      previewOut.textContent = "…";
      try {
        const { data } = await api("/api/admin/preview", { method: "POST", json: { record: { ...cleaned(state), status: "draft" }, attribute: attribute.value } });
        previewOut.textContent = data.text;
      } catch (error) {
        previewOut.textContent = "";
        showErrors(form, errorsOf(error));
        previewOut.textContent = error.status === 422 ? "Sửa các trường đánh dấu đỏ để xem trước." : error.message;
      }
    } })),
    previewOut,
  );

  const historyBox = el("section", { class: "card", id: "history" }, el("h2", { text: "Lịch sử phiên bản" }));
  const diffBox = el("div", { id: "diff" });
  async function loadHistory() {
    if (!key) return;
    let data;
    try {
      ({ data } = await api(`/api/admin/procedures/${encodeURIComponent(key)}/versions`));
    } catch (error) {
      return;
    }
    clear(historyBox).append(el("h2", { text: "Lịch sử phiên bản" }));
    const list = el("ol", { class: "versions", id: "versions", reversed: true });
    for (const v of data.items) {
      list.append(
        el(
          "li",
          { "data-version": v.version },
          el("strong", { text: `Phiên bản ${v.version}` }), " ", badge(v.status), v.live ? el("span", { class: "badge ok", text: "đang áp dụng" }) : null,
          el("div", { class: "muted", text: `${v.created_by || "hệ thống"} · ${when(v.created_at)}${v.note ? ` · ${v.note}` : ""}` }),
          v.version !== state.version
            ? el("div", { class: "row" },
                el("button", { type: "button", class: "diff-button", text: "So sánh với bản hiện tại", onclick: () => showDiff(v.version, state.version) }),
                el("button", { type: "button", class: "rollback-button", text: "Khôi phục phiên bản này", onclick: () => rollback(v.version) }))
            : null,
        ),
      );
    }
    historyBox.append(list, diffBox);
  }

  async function showDiff(from, to) {
    clear(diffBox);
    const { data } = await api(`/api/admin/procedures/${encodeURIComponent(key)}/diff?from=${from}&to=${to}`);
    diffBox.append(
      el("h3", { text: `Thay đổi từ phiên bản ${from} đến ${to}` }),
      data.changes.length
        ? el("table", { class: "table diff", id: "diff-table" }, el("thead", {}, el("tr", {}, ["Trường", `Phiên bản ${from}`, `Phiên bản ${to}`].map((h) => el("th", { text: h })))), el("tbody", {}, data.changes.map((c) => el("tr", {}, el("td", { text: fieldLabel(c.path), title: c.path }), el("td", { class: "del", text: shown(c.before) }), el("td", { class: "ins", text: shown(c.after) })))))
        : notice("Không có thay đổi."),
    );
  }

  async function rollback(version) {
    clear(status);
    try {
      const { data } = await api(`/api/admin/procedures/${encodeURIComponent(key)}/rollback`, { method: "POST", json: { version: state.version, to_version: version } });
      for (const k of Object.keys(state)) delete state[k];
      Object.assign(state, data);
      refresh();
      renderHead();
      status.append(notice(`Đã khôi phục phiên bản ${version} (thành phiên bản ${data.version}, đang áp dụng).`, "ok"));
      loadHistory();
    } catch (error) {
      status.append(notice(error.message, "error"));
    }
  }

  put(
    app,
    el("p", {}, el("a", { href: "/admin/procedures", text: "‹ Danh sách thủ tục" })),
    header,
    new URLSearchParams(location.search).get("saved") ? notice("Đã lưu.", "ok") : null,
    el("div", { class: "grid2 wide" }, el("section", { class: "card" }, form), el("div", {}, el("section", { class: "card sticky" }, actions, status), preview, historyBox)),
  );
  loadHistory();
}

function errorsOf(error) {
  if (!error || error.status !== 422) return [];
  if (Array.isArray(error.detail)) return Object.entries(fieldErrors(error)).map(([field, message]) => ({ field, message }));
  return (error.body && Array.isArray(error.body.errors) && error.body.errors) || [];
}

async function usersPage() {
  const out = el("div", { id: "users" });
  const status = el("div", { id: "users-status" });
  const form = el(
    "form",
    { class: "card row", id: "user-form" },
    el("label", { class: "field" }, el("span", { text: "Tên đăng nhập" }), el("input", { name: "username", required: true, minlength: 3, maxlength: 64, pattern: "[a-z0-9][a-z0-9._-]{2,63}" })),
    el("label", { class: "field" }, el("span", { text: "Vai trò" }), el("select", { name: "role" }, ["official", "editor", "admin"].map((r) => el("option", { value: r, text: ROLE_NAMES[r] })))),
    el("label", { class: "field" }, el("span", { text: "Mật khẩu (ít nhất 10 ký tự)" }), el("input", { name: "password", type: "password", required: true, minlength: 10, maxlength: 256, autocomplete: "new-password" })),
    el("button", { type: "submit", class: "primary", text: "Tạo tài khoản" }),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clear(status);
    try {
      await api("/api/admin/users", { method: "POST", json: Object.fromEntries(new FormData(form)) });
      form.reset();
      status.append(notice("Đã tạo tài khoản.", "ok"));
      load();
    } catch (error) {
      status.append(notice(error.message, "error"));
    }
  });
  app.append(el("h1", { text: "Người dùng và vai trò" }), form, status, out);
  async function change(username, patch) {
    clear(status);
    try {
      await api(`/api/admin/users/${encodeURIComponent(username)}`, { method: "PATCH", json: patch });
      status.append(notice("Đã cập nhật.", "ok"));
    } catch (error) {
      status.append(notice(error.message, "error"));
    }
    load();
  }
  async function load() {
    const { data } = await api("/api/admin/users");
    clear(out).append(
      el(
        "table",
        { class: "table", id: "users-table" },
        el("thead", {}, el("tr", {}, ["Tên đăng nhập", "Vai trò", "Trạng thái", "Tạo lúc", ""].map((h) => el("th", { text: h })))),
        el(
          "tbody",
          {},
          data.items.map((u) => {
            const role = el("select", { "aria-label": `Vai trò của ${u.username}` }, data.roles.map((r) => el("option", { value: r, text: ROLE_NAMES[r], selected: r === u.role })));
            role.addEventListener("change", () => change(u.username, { role: role.value }));
            return el(
              "tr",
              { "data-user": u.username },
              el("td", { text: u.username }),
              el("td", {}, role),
              el("td", { text: `${u.active ? "Hoạt động" : "Đã khóa"}${u.locked ? " (tạm khóa do đăng nhập sai)" : ""}` }),
              el("td", { text: when(u.created_at) }),
              el("td", {}, el("button", { type: "button", text: u.active ? "Khóa" : "Mở khóa", onclick: () => change(u.username, { active: !u.active }) })),
            );
          }),
        ),
      ),
    );
  }
  load();
}

export const ROLE_NAMES = { admin: "Quản trị", editor: "Biên tập", official: "Cán bộ theo dõi" };

export function start(page) {
  const pages = {
    "kb-list": listPage,
    "kb-edit": editPage,
    "kb-users": usersPage,
    "kb-audit": () => import("/static/staff/audit.js").then((m) => m.start()),
    "help-desk": () => import("/static/staff/helpdesk.js").then((m) => m.start()),
  };
  if (pages[page]) pages[page]();
  void ROLE;
}
