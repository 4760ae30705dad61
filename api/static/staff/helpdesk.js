// The help desk's contact details (admins): what the bot tells citizens to call or visit.
// An empty field is not known, and the bot says so rather than inventing one.

import { api, app, clear, el, notice } from "/static/staff/staff.js";

const FIELDS = [
  ["phone", "Điện thoại", 100],
  ["email", "Thư điện tử", 200],
  ["address", "Địa chỉ", 500],
  ["hours", "Giờ làm việc", 300],
];

export async function start() {
  app.append(
    el("h1", { text: "Thông tin liên hệ của bộ phận hỗ trợ" }),
    el("p", { class: "muted", text: "Trợ lý ảo đưa các thông tin này cho người dân khi họ hỏi số điện thoại, muốn gặp cán bộ hoặc không tìm thấy câu trả lời. Ô để trống: trợ lý ảo nói rõ là chưa có, không tự đặt ra." }),
  );
  const status = el("p", { id: "help-desk-status", role: "status" });
  let values;
  try {
    ({ data: values } = await api("/api/admin/help-desk"));
  } catch (error) {
    app.append(notice(error.message, "error"));
    return;
  }
  const inputs = {};
  const form = el(
    "form",
    { id: "help-desk", class: "card" },
    FIELDS.map(([name, label, max]) => {
      inputs[name] = el("input", { name, maxlength: max, value: values[name] || "" });
      return el("label", { class: "field" }, el("span", { text: label }), inputs[name]);
    }),
    el("button", { type: "submit", class: "primary", text: "Lưu" }),
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clear(status).append("Đang lưu…");
    const body = Object.fromEntries(FIELDS.map(([name]) => [name, inputs[name].value.trim() || null]));
    try {
      await api("/api/admin/help-desk", { method: "PUT", json: body });
      status.textContent = "Đã lưu. Câu trả lời tiếp theo của trợ lý ảo dùng thông tin mới.";
    } catch (error) {
      status.textContent = error.message;
    }
  });
  app.append(form);
}
