// The communes' offices (admins and editors): each current xã/phường of Lạng Sơn with the
// contact the assistant gives citizens who live there, edited in place, and the whole
// list exported or imported as CSV/XLSX (with a dry run). An empty field is not known:
// the assistant says so rather than inventing one. Values are always inserted as text.

import { api, app, clear, el, fmt, notice, when } from "/static/staff/staff.js";

const FIELDS = [
  ["address", "Địa chỉ trụ sở", 500, "text"],
  ["phone", "Điện thoại", 100, "tel"],
  ["hours", "Giờ làm việc", 300, "text"],
  ["map_url", "Bản đồ (đường dẫn)", 1000, "url"],
];

function unitForm(unit, onSaved) {
  const status = el("p", { class: "muted", role: "status", "data-status": unit.code });
  const form = el(
    "form",
    { class: "unit-form", "data-code": unit.code, "aria-label": `Liên hệ của ${unit.title}` },
    FIELDS.map(([name, label, max, type]) =>
      el("label", { class: "field" }, el("span", { text: label }), el("input", { name, type, maxlength: max, value: unit[name] || "", placeholder: "chưa biết" })),
    ),
    el("button", { type: "submit", text: "Lưu" }),
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = Object.fromEntries(FIELDS.map(([name]) => [name, form.elements[name].value.trim()]));
    try {
      const { data } = await api(`/api/admin/places/${unit.code}`, { method: "PATCH", json: body });
      clear(status).append(`Đã lưu lúc ${when(data.updated_at)}.`);
      onSaved(data);
    } catch (error) {
      clear(status).append(notice(error.message, "error"));
    }
  });
  return form;
}

function transferBox(reload) {
  const result = el("div", { id: "places-import-result", role: "status" });
  const file = el("input", { type: "file", name: "file", accept: ".csv,.xlsx", "aria-label": "Tệp liên hệ xã, phường" });
  const dry = el("input", { type: "checkbox", name: "dry_run", checked: true });
  const form = el(
    "form",
    { id: "places-import", class: "row" },
    el("a", { class: "button", href: "/api/admin/places/export?format=csv", download: "", text: "Tải về (CSV)" }),
    el("a", { class: "button", href: "/api/admin/places/export?format=xlsx", download: "", text: "Tải về (Excel)" }),
    file,
    el("label", { class: "check" }, dry, " Chạy thử (không ghi)"),
    el("button", { type: "submit", text: "Nhập tệp" }),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!file.files.length) return;
    const data = new FormData();
    data.append("file", file.files[0]);
    clear(result).append(notice("Đang nhập…"));
    try {
      const { data: r } = await api(`/api/admin/places/import?dry_run=${dry.checked}`, { method: "POST", form: data });
      clear(result).append(
        el("p", { text: `${fmt(r.rows)} dòng: ${fmt(r.updated)} cập nhật, ${fmt(r.unchanged)} không đổi, ${fmt(r.errors.length)} lỗi. ${r.written ? "Đã ghi." : "Chưa ghi gì."}` }),
        r.errors.length
          ? el("table", { class: "table", id: "places-import-errors" }, el("thead", {}, el("tr", {}, ["Dòng", "Cột", "Lỗi"].map((h) => el("th", { text: h })))), el("tbody", {}, r.errors.map((e) => el("tr", {}, el("td", { text: e.row }), el("td", { text: e.column }), el("td", { text: e.message })))))
          : "",
      );
      if (r.written) reload();
    } catch (error) {
      clear(result).append(notice(error.message, "error"));
    }
  });
  return el("section", { class: "card" }, el("h2", { text: "Nhập, xuất danh sách" }), form, result);
}

export async function start() {
  const list = el("div", { id: "places-list" });
  app.append(
    el("h1", { text: "Xã, phường và nơi tiếp nhận hồ sơ" }),
    el("p", { class: "muted", text: "Từ ngày 01/7/2025 tỉnh Lạng Sơn có 65 đơn vị hành chính cấp xã (61 xã, 4 phường), không còn cấp huyện (Nghị quyết 1672/NQ-UBTVQH15). Trợ lý ảo chỉ nơi nộp hồ sơ của thủ tục cấp xã theo xã/phường người dân cho biết, kèm liên hệ dưới đây. Ô để trống: trợ lý ảo nói là chưa có." }),
    transferBox(load),
    list,
  );
  async function load() {
    clear(list).append(notice("Đang tải…"));
    const { data } = await api("/api/admin/places");
    const filled = data.items.filter((u) => u.address || u.phone || u.hours || u.map_url).length;
    clear(list).append(
      el("p", { id: "places-filled", text: `${filled}/${data.items.length} xã, phường đã có thông tin liên hệ.` }),
      ...data.items.map((u) =>
        el(
          "section",
          { class: "card unit", id: `unit-${u.code}` },
          el("h2", { text: `${u.title} · mã ${u.code}` }),
          el("p", { class: "muted", text: `Gồm địa bàn cũ: ${u.previously.join("; ") || "—"}` }),
          unitForm(u, () => {}),
        ),
      ),
    );
  }
  await load();
}
