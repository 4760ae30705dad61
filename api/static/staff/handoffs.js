// Hand-off cases for officials: the queue (mới, đang xử lý, đã xong), each with the
// citizen's contact (shown only to officials and admins; every view is audited), the
// redacted description, a link to the conversation, the assigned official and a note.
// Values are always inserted as text.

import { api, app, body, clear, el, notice, when } from "/static/staff/staff.js";

const STATUSES = { moi: "Mới", dang_xu_ly: "Đang xử lý", da_xong: "Đã xong" };
const CHANNELS = { web: "Trang web", telegram: "Telegram", zalo: "Zalo" };

function statusSelect(value, name = "status", withAll = false) {
  const options = withAll ? [["", "Tất cả"], ...Object.entries(STATUSES)] : Object.entries(STATUSES);
  return el("select", { name }, options.map(([v, label]) => el("option", { value: v, text: label, selected: v === (value || "") })));
}

export function start() {
  const params = new URLSearchParams(location.search);
  const filter = el("form", { class: "filters", id: "handoff-filter" }, el("label", { class: "field" }, el("span", { text: "Trạng thái" }), statusSelect(params.get("status"), "status", true)), el("button", { type: "submit", class: "primary", text: "Xem" }));
  const out = el("div", { id: "handoffs" });
  app.append(
    el("h1", { text: "Yêu cầu gặp cán bộ" }),
    el("p", { class: "muted", text: "Người dân để lại cách liên hệ khi đồng ý. Thông tin liên hệ chỉ cán bộ được giao xem; mỗi lần xem được ghi nhật ký, và được xóa sau khi xong việc." }),
    filter,
    out,
  );
  filter.addEventListener("submit", (event) => {
    event.preventDefault();
    const status = new FormData(filter).get("status") || "";
    history.replaceState(null, "", status ? `?status=${status}` : location.pathname);
    load(status);
  });

  async function load(status) {
    clear(out).append(notice("Đang tải…"));
    let items;
    try {
      ({ data: { items } } = await api(`/api/handoffs${status ? `?status=${encodeURIComponent(status)}` : ""}`));
    } catch (error) {
      clear(out).append(notice(error.message, "error"));
      return;
    }
    if (!items.length) {
      clear(out).append(notice("Chưa có yêu cầu nào."));
      return;
    }
    clear(out).append(el("ul", { class: "cards", id: "handoff-list" }, items.map(card)));
  }

  function card(item) {
    const status = statusSelect(item.status);
    const assignee = el("input", { name: "assignee", value: item.assignee || "", maxlength: 64, placeholder: body.dataset.user || "" });
    const note = el("textarea", { name: "note", rows: 2, maxlength: 5000 });
    note.value = item.note || "";
    const saved = el("span", { class: "muted", role: "status" });
    const form = el(
      "form",
      { class: "row", "data-handoff": item.id },
      el("label", { class: "field" }, el("span", { text: "Trạng thái" }), status),
      el("label", { class: "field" }, el("span", { text: "Cán bộ phụ trách" }), assignee),
      el("label", { class: "field" }, el("span", { text: "Ghi chú" }), note),
      el("button", { type: "submit", class: "primary", text: "Lưu" }),
      saved,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      saved.textContent = "Đang lưu…";
      try {
        const { data } = await api(`/api/handoffs/${item.id}`, { method: "PATCH", json: { status: status.value, assignee: assignee.value || null, note: note.value || null } });
        saved.textContent = `Đã lưu: ${STATUSES[data.status]}`;
      } catch (error) {
        saved.textContent = error.message;
      }
    });
    return el(
      "li",
      { class: "card" },
      el("h2", { text: `#${item.id} · ${STATUSES[item.status] || item.status} · ${CHANNELS[item.channel] || item.channel}` }),
      el("p", { class: "muted", text: `Gửi lúc ${when(item.created_at)}` }),
      el("dl", {},
        el("dt", { text: "Liên hệ" }), el("dd", { "data-contact": item.id, text: item.contact || "Người dân không để lại cách liên hệ" }),
        el("dt", { text: "Nội dung" }), el("dd", { text: item.description || "—" }),
        el("dt", { text: "Hội thoại" }), el("dd", {}, el("a", { href: `/dashboard/conversations/${encodeURIComponent(item.conversation_id)}`, text: "Xem hội thoại" })),
      ),
      form,
    );
  }

  load(params.get("status") || "");
}
