// Hand-off cases for officials: the queue (mới, đang xử lý, đã xong), a page at a time, each
// with the citizen's contact (in full to its assignee and admins, masked to the others until
// they press "Nhận xử lý"; every full view is audited), the redacted description, a link to
// the conversation's transcript, the assigned official and a note. Values are always text.

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

  async function load(status, before = null) {
    if (!before) clear(out).append(notice("Đang tải…"));
    const query = new URLSearchParams();
    if (status) query.set("status", status);
    if (before) query.set("before", before);
    let page;
    try {
      ({ data: page } = await api(`/api/handoffs${query.size ? `?${query}` : ""}`));
    } catch (error) {
      clear(out).append(notice(error.message, "error"));
      return;
    }
    if (!before && !page.items.length) {
      clear(out).append(notice("Chưa có yêu cầu nào."));
      return;
    }
    let list = out.querySelector("#handoff-list");
    if (!before || !list) {
      list = el("ul", { class: "cards", id: "handoff-list" });
      clear(out).append(list);
    }
    list.append(...page.items.map(card));
    out.querySelector("#handoff-more")?.remove();
    if (page.next) {
      const more = el("button", { type: "button", id: "handoff-more", text: "Xem thêm" });
      more.addEventListener("click", () => load(status, page.next));
      out.append(more);
    }
  }

  function contactText(item) {
    if (!item.contact) return "Người dân không để lại cách liên hệ";
    return item.contact_masked ? `${item.contact} (nhận xử lý để xem đầy đủ)` : item.contact;
  }

  function card(item) {
    const me = body.dataset.user || "";
    const status = statusSelect(item.status);
    const assignee = el("input", { name: "assignee", value: item.assignee || "", maxlength: 64 });
    const note = el("textarea", { name: "note", rows: 2, maxlength: 5000 });
    note.value = item.note || "";
    const saved = el("span", { class: "muted", role: "status" });
    const li = el("li", { class: "card", "data-card": item.id });

    async function save(change) {
      saved.textContent = "Đang lưu…";
      try {
        const { data } = await api(`/api/handoffs/${item.id}`, { method: "PATCH", json: change });
        const fresh = card(data);
        li.replaceWith(fresh);
        fresh.querySelector("[role=status]").textContent = `Đã lưu: ${STATUSES[data.status]}`;
      } catch (error) {
        saved.textContent = error.message;
      }
    }

    const form = el(
      "form",
      { class: "row", "data-handoff": item.id },
      el("label", { class: "field" }, el("span", { text: "Trạng thái" }), status),
      el("label", { class: "field" }, el("span", { text: "Cán bộ phụ trách" }), assignee),
      el("label", { class: "field" }, el("span", { text: "Ghi chú" }), note),
      el("button", { type: "submit", class: "primary", text: "Lưu" }),
      saved,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      save({ status: status.value, assignee: assignee.value || null, note: note.value || null });
    });
    const take = me && item.assignee !== me && item.status !== "da_xong"
      ? el("button", { type: "button", class: "primary", "data-take": item.id, text: "Nhận xử lý" })
      : null;
    take?.addEventListener("click", () => save({ assignee: me, ...(item.status === "moi" ? { status: "dang_xu_ly" } : {}) }));
    const conversation = item.conversation_url
      ? el("a", { href: item.conversation_url, text: "Xem hội thoại" })
      : el("span", { class: "muted", text: "Đang được ghi nhận, xem lại sau ít phút" });
    li.append(
      el("h2", { text: `#${item.id} · ${STATUSES[item.status] || item.status} · ${CHANNELS[item.channel] || item.channel}` }),
      el("p", { class: "muted", text: `Gửi lúc ${when(item.created_at)}${item.assignee ? ` · phụ trách: ${item.assignee}` : ""}` }),
      el("dl", {},
        el("dt", { text: "Liên hệ" }), el("dd", { "data-contact": item.id, text: contactText(item) }),
        el("dt", { text: "Nội dung" }), el("dd", { text: item.description || "—" }),
        el("dt", { text: "Hội thoại" }), el("dd", {}, conversation),
      ),
      take,
      form,
    );
    return li;
  }

  load(params.get("status") || "");
}
