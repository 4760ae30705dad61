// The audit log (admins): who did what, and what changed, said in words: each changed
// field by the editor's label, its old value struck through and the new one beside it.
// Values are always inserted as text.

import { ROLE_NAMES, STATUS, fieldLabel, shown } from "/static/staff/admin.js";
import { api, app, el, when } from "/static/staff/staff.js";

const ACTIONS = {
  create: "Tạo",
  save_draft: "Lưu nháp",
  publish: "Công bố",
  retire: "Ngừng áp dụng",
  restore: "Áp dụng lại",
  rollback: "Khôi phục",
  import: "Nhập",
  import_file: "Nhập tệp",
  teach_question: "Dạy câu hỏi",
  user_create: "Tạo tài khoản",
  user_update: "Sửa tài khoản",
  view_handoff_contacts: "Xem liên hệ của người dân",
  update_handoff: "Cập nhật yêu cầu hỗ trợ",
  update_help_desk: "Sửa thông tin liên hệ",
  update_place: "Sửa liên hệ xã, phường",
  import_places: "Nhập liên hệ xã, phường",
};
const PLACE_FIELDS = { address: "Địa chỉ", phone: "Điện thoại", hours: "Giờ làm việc", map_url: "Bản đồ" };
const HANDOFF_STATUS = { moi: "mới", dang_xu_ly: "đang xử lý", da_xong: "đã xong" };
const DESK = { phone: "Điện thoại", email: "Thư điện tử", address: "Địa chỉ", hours: "Giờ làm việc" };
const PROCEDURE_ACTIONS = new Set(["create", "save_draft", "publish", "retire", "restore", "rollback", "import", "teach_question"]);

function change(label, before, after) {
  return el(
    "li",
    {},
    el("span", { text: `${label}: ` }),
    before === undefined ? null : el("del", { text: shown(before) }),
    before === undefined ? null : " → ",
    el("ins", { text: shown(after) }),
  );
}

function lines(items) {
  return el("ul", { class: "audit-changes" }, items);
}

/** An entry's detail in words, never raw JSON. */
export function detail(entry) {
  const d = entry.detail || {};
  if (PROCEDURE_ACTIONS.has(entry.action)) {
    const items = [];
    if (d.status) items.push(el("li", { text: `Trạng thái: ${STATUS[d.status] || d.status}` }));
    if (d.note) items.push(el("li", { text: `Ghi chú: ${d.note}` }));
    for (const c of d.changes || []) items.push(change(fieldLabel(c.path), c.before, c.after));
    const more = (d.changed || 0) - (d.changes || []).length;
    if (more > 0) items.push(el("li", { class: "muted", text: `… và ${more} thay đổi khác (xem lịch sử của thủ tục)` }));
    if (!d.changes && (d.fields || []).length) items.push(el("li", { text: `Các trường đã sửa: ${d.fields.map(fieldLabel).join(", ")}` }));
    return lines(items);
  }
  if (entry.action === "import_file") {
    return lines([el("li", { text: `${d.rows ?? 0} dòng: ${d.created ?? 0} tạo mới, ${d.updated ?? 0} cập nhật, ${d.unchanged ?? 0} không đổi` })]);
  }
  if (entry.action === "user_create") return lines([el("li", { text: `Vai trò: ${ROLE_NAMES[d.role] || d.role}` })]);
  if (entry.action === "user_update") {
    const items = [];
    if (d.role) items.push(change("Vai trò", ROLE_NAMES[d.role[0]] || d.role[0], ROLE_NAMES[d.role[1]] || d.role[1]));
    if (d.active !== undefined) items.push(el("li", { text: d.active ? "Mở khóa tài khoản" : "Khóa tài khoản" }));
    if (d.password) items.push(el("li", { text: "Đặt lại mật khẩu" }));
    return lines(items);
  }
  if (entry.action === "view_handoff_contacts") {
    return lines([el("li", { text: `Yêu cầu số: ${(d.handoffs || []).join(", ")}` })]);
  }
  if (entry.action === "update_handoff") {
    const items = [];
    if (d.status) items.push(el("li", { text: `Trạng thái: ${HANDOFF_STATUS[d.status] || d.status}` }));
    if ("assignee" in d) items.push(el("li", { text: `Cán bộ phụ trách: ${shown(d.assignee)}` }));
    if ("note" in d) items.push(el("li", { text: `Ghi chú: ${shown(d.note)}` }));
    return lines(items);
  }
  if (entry.action === "update_place") {
    return lines(Object.entries(d).map(([k, v]) => change(PLACE_FIELDS[k] || k, v.before, v.after)));
  }
  if (entry.action === "import_places") {
    return lines([el("li", { text: `${d.rows ?? 0} dòng: ${d.updated ?? 0} cập nhật, ${d.unchanged ?? 0} không đổi` })]);
  }
  if (entry.action === "update_help_desk") {
    return lines(Object.entries(d).map(([k, v]) => change(DESK[k] || k, undefined, v)));
  }
  return lines(Object.entries(d).map(([k, v]) => change(k, undefined, v)));
}

function target(e) {
  if (!e.target) return el("span", { text: "" });
  if (PROCEDURE_ACTIONS.has(e.action)) return el("a", { href: `/admin/procedures/${encodeURIComponent(e.target)}`, text: e.target });
  if (e.action === "update_handoff") return el("a", { href: "/dashboard/handoffs", text: `Yêu cầu số ${e.target}` });
  return el("span", { text: e.target });
}

export async function start() {
  const { data } = await api("/api/admin/audit?limit=200");
  app.append(
    el("h1", { text: "Nhật ký thay đổi" }),
    el(
      "div",
      { class: "table-scroll" },
      el(
        "table",
        { class: "table", id: "audit-table" },
        el("thead", {}, el("tr", {}, ["Thời gian", "Người thực hiện", "Việc", "Đối tượng", "Phiên bản", "Thay đổi"].map((h) => el("th", { text: h })))),
        el("tbody", {}, data.items.map((e) => el("tr", {}, el("td", { text: when(e.at) }), el("td", { text: e.username }), el("td", { text: ACTIONS[e.action] || e.action }), el("td", {}, target(e)), el("td", { text: e.version ?? "" }), el("td", {}, detail(e))))),
      ),
    ),
  );
}
