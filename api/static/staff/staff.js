// Staff pages of the provincial assistant: officials' dashboard and conversation review,
// and (admin.js) the knowledge-base administration. Our own code, no library, no CDN.
// Every value from the server is inserted as text (textContent), never as HTML.

export const body = document.body;
const PAGE = body.dataset.page;
const ROLE = body.dataset.role || "";

export const OUTCOMES = {
  answered: "Đã trả lời",
  unknown_fact: "Thiếu thông tin",
  no_match: "Không tìm thấy thủ tục",
  ambiguous: "Cần chọn thủ tục",
  fallback: "Không hiểu câu hỏi",
  out_of_scope: "Ngoài phạm vi",
  other: "Khác",
  pending: "Chưa có trả lời",
};
export const CHANNELS = { web: "Trang web", telegram: "Telegram", zalo: "Zalo", rest: "API" };

// ---------------------------------------------------------------- DOM helpers

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

function setAttrs(node, attrs) {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

/** Append children (nested arrays flattened, null and false skipped). */
export function put(node, ...children) {
  append(node, children);
  return node;
}

export const app = document.getElementById("app");

export function fmt(n) {
  return n === null || n === undefined ? "—" : Number(n).toLocaleString("vi-VN");
}
export function pct(x) {
  return x === null || x === undefined ? "—" : `${(x * 100).toLocaleString("vi-VN", { maximumFractionDigits: 1 })}%`;
}
export function when(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  return d.toLocaleString("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", hour12: false });
}

// ---------------------------------------------------------------- API

function cookie(name) {
  const found = document.cookie.split("; ").find((c) => c.startsWith(`${name}=`));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
}

export class ApiError extends Error {
  constructor(status, detail, body) {
    super(typeof detail === "string" ? detail : "Dữ liệu chưa hợp lệ.");
    this.status = status;
    this.detail = detail;
    this.body = body;
  }
}

export async function api(path, { method = "GET", json, form, headers = {} } = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers }, credentials: "same-origin" };
  if (method !== "GET" && method !== "HEAD") init.headers["X-CSRF-Token"] = cookie("trolyao_csrf");
  if (json !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(json);
  } else if (form !== undefined) {
    init.body = form;
  }
  const response = await fetch(path, init);
  if (response.status === 401 && PAGE !== "login") {
    location.assign(`/dashboard/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    throw new ApiError(401, "Phiên đăng nhập đã hết hạn.");
  }
  const type = response.headers.get("content-type") || "";
  const data = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw new ApiError(response.status, data && data.detail !== undefined ? data.detail : data, data);
  return { data, response };
}

/** Field errors of a 422 as {field: message}. */
export function fieldErrors(error) {
  const out = {};
  if (error instanceof ApiError && Array.isArray(error.detail)) {
    for (const item of error.detail) {
      const loc = (item.loc || []).filter((p) => p !== "body");
      out[loc.join(".") || "_"] = item.msg;
    }
  }
  return out;
}

export function notice(text, kind = "info") {
  return el("p", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status", text });
}

// ---------------------------------------------------------------- plain language

/** What citizens wanted, in Vietnamese (the model's intent names stay behind "chi tiết"). */
export const INTENT_NAMES = {
  greet: "Chào hỏi",
  goodbye: "Chào tạm biệt",
  thank: "Cảm ơn",
  affirm: "Đồng ý",
  deny: "Không đồng ý",
  bot_challenge: "Hỏi có phải máy không",
  help: "Hỏi cách dùng",
  ask_procedure_overview: "Hỏi chung về thủ tục",
  ask_procedure_documents: "Hỏi giấy tờ cần chuẩn bị",
  ask_procedure_fee: "Hỏi phí, lệ phí",
  ask_procedure_duration: "Hỏi thời gian giải quyết",
  ask_procedure_place: "Hỏi nơi nộp",
  ask_procedure_steps: "Hỏi các bước",
  ask_procedure_online: "Hỏi nộp trực tuyến",
  ask_procedure_requirements: "Hỏi điều kiện",
  list_procedures: "Hỏi danh sách thủ tục",
  check_dossier_status: "Tra cứu hồ sơ",
  ask_contact: "Hỏi số điện thoại, địa chỉ",
  request_human: "Muốn gặp cán bộ",
  request_data_deletion: "Yêu cầu xóa dữ liệu",
  out_of_scope: "Ngoài phạm vi",
  feedback: "Đánh giá câu trả lời",
  nlu_fallback: "Không hiểu",
};

/** A button press ("/feedback{...}") as the citizen saw the button. */
export function spoken(text, turn = {}) {
  const m = /^\/([a-z_]+)(\{.*\})?$/.exec(String(text || "").trim());
  if (!m) return text;
  let entities = {};
  try { entities = m[2] ? JSON.parse(m[2]) : {}; } catch { entities = {}; }
  if (m[1] === "feedback") return entities.feedback_value === "up" ? "[Bấm nút] Hữu ích" : "[Bấm nút] Chưa hữu ích";
  if (m[1] === "affirm") return "[Bấm nút] Có";
  if (m[1] === "deny") return "[Bấm nút] Không";
  const label = INTENT_NAMES[m[1]] || m[1];
  return `[Bấm nút] ${label}${turn.procedure_name ? ` — ${turn.procedure_name}` : ""}`;
}

// ---------------------------------------------------------------- chrome

function buildNav() {
  const nav = document.getElementById("nav");
  if (!nav || PAGE === "login") return;
  const links = [];
  if (ROLE === "official" || ROLE === "admin") {
    links.push(["/dashboard", "Tổng quan"], ["/dashboard/conversations", "Hội thoại"], ["/dashboard/unanswered", "Chưa trả lời được"], ["/dashboard/handoffs", "Gặp cán bộ"]);
  }
  if (ROLE === "admin" || ROLE === "editor") links.push(["/admin/procedures", "Thủ tục"], ["/admin/places", "Xã, phường"]);
  if (ROLE === "admin") links.push(["/admin/users", "Người dùng"], ["/admin/help-desk", "Liên hệ"], ["/admin/audit", "Nhật ký"]);
  for (const [href, label] of links) {
    const current = location.pathname === href || (href !== "/dashboard" && location.pathname.startsWith(href));
    nav.append(el("a", { href, "aria-current": current ? "page" : null, text: label }));
  }
  const who = document.getElementById("who");
  who.append(
    el("span", { text: `${body.dataset.user} · ${who.dataset.roleName}` }),
    el("button", {
      type: "button",
      class: "link",
      id: "logout",
      text: "Đăng xuất",
      onclick: async () => {
        try {
          await api("/api/auth/session", { method: "DELETE" });
        } finally {
          location.assign("/dashboard/login");
        }
      },
    }),
  );
}

// ---------------------------------------------------------------- charts (SVG)

/** Vertical bars, one per point: [{label, value, title}]. */
export function barChart(points, { height = 180, unit = "", id } = {}) {
  const width = 640;
  const pad = { top: 12, right: 8, bottom: 28, left: 44 };
  const max = Math.max(1, ...points.map((p) => p.value));
  const step = (width - pad.left - pad.right) / Math.max(points.length, 1);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", id, "aria-label": `${points.length} cột` });
  const inner = height - pad.top - pad.bottom;
  for (const t of [0, 0.5, 1]) {
    const y = pad.top + inner * (1 - t);
    chart.append(
      svg("line", { x1: pad.left, x2: width - pad.right, y1: y, y2: y, class: "grid" }),
      svg("text", { x: pad.left - 6, y: y + 4, class: "axis", "text-anchor": "end", text: fmt(Math.round(max * t)) }),
    );
  }
  const every = Math.ceil(points.length / 10);
  points.forEach((p, i) => {
    const h = (p.value / max) * inner;
    const barWidth = Math.min(Math.max(step * 0.7, 1), 48);
    const x = pad.left + i * step + (step - barWidth) / 2;
    chart.append(
      svg(
        "rect",
        { x, y: pad.top + inner - h, width: barWidth, height: Math.max(h, p.value ? 1 : 0), class: "bar", "data-value": p.value, "data-label": p.label },
        svg("title", { text: `${p.label}: ${fmt(p.value)}${unit}` }),
      ),
    );
    if (i % every === 0) {
      chart.append(svg("text", { x: x + barWidth / 2, y: height - 8, class: "axis", "text-anchor": "middle", text: p.short || p.label }));
    }
  });
  return chart;
}

/** A line of rates (0..1) over days: [{label, value|null}]. */
export function lineChart(points, { height = 180, id } = {}) {
  const width = 640;
  const pad = { top: 12, right: 8, bottom: 28, left: 44 };
  const inner = height - pad.top - pad.bottom;
  const max = Math.max(0.05, ...points.map((p) => p.value || 0));
  const step = (width - pad.left - pad.right) / Math.max(points.length - 1, 1);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", id, "aria-label": "Tỷ lệ theo ngày" });
  for (const t of [0, 0.5, 1]) {
    const y = pad.top + inner * (1 - t);
    chart.append(
      svg("line", { x1: pad.left, x2: width - pad.right, y1: y, y2: y, class: "grid" }),
      svg("text", { x: pad.left - 6, y: y + 4, class: "axis", "text-anchor": "end", text: pct(max * t) }),
    );
  }
  const coords = points.map((p, i) => [pad.left + i * step, pad.top + inner * (1 - (p.value || 0) / max), p]);
  const known = coords.filter(([, , p]) => p.value !== null);
  if (known.length > 1) chart.append(svg("polyline", { points: known.map(([x, y]) => `${x},${y}`).join(" "), class: "line" }));
  const every = Math.ceil(points.length / 10);
  coords.forEach(([x, y, p], i) => {
    if (p.value !== null) chart.append(svg("circle", { cx: x, cy: y, r: 3, class: "dot", "data-value": p.value }, svg("title", { text: `${p.label}: ${pct(p.value)}` })));
    if (i % every === 0) chart.append(svg("text", { x, y: height - 8, class: "axis", "text-anchor": "middle", text: p.short || p.label }));
  });
  return chart;
}

/** Horizontal bars as an HTML list: [{label, value, href}]. */
export function hbars(items, { id } = {}) {
  const max = Math.max(1, ...items.map((i) => i.value));
  const list = el("ol", { class: "hbars", id });
  for (const item of items) {
    const fill = el("span", { class: "fill" });
    fill.style.width = `${(item.value / max) * 100}%`;
    const label = item.href ? el("a", { href: item.href, text: item.label }) : el("span", { text: item.label });
    list.append(el("li", { "data-value": item.value }, el("span", { class: "label" }, label), el("span", { class: "track" }, fill), el("span", { class: "num", text: fmt(item.value) })));
  }
  if (!items.length) list.append(el("li", { class: "empty", text: "Chưa có dữ liệu." }));
  return list;
}

// ---------------------------------------------------------------- shared filters

function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

export function rangeFromUrl() {
  const q = new URLSearchParams(location.search);
  const to = q.get("to") || isoDay(new Date());
  const from = q.get("from") || isoDay(new Date(Date.parse(to) - 29 * 86400000));
  return { from, to, channel: q.get("channel") || "" };
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== "" && v !== null && v !== undefined) q.set(k, v);
  return q.toString();
}

function channelSelect(value) {
  const select = el("select", { name: "channel", id: "f-channel" }, el("option", { value: "", text: "Tất cả kênh" }));
  for (const [key, label] of Object.entries(CHANNELS)) select.append(el("option", { value: key, text: label, selected: key === value }));
  return select;
}

function field(label, control) {
  return el("label", { class: "field" }, el("span", { text: label }), control);
}

// ---------------------------------------------------------------- pages

/** ``next`` when it is a path of this site, else ``fallback``: never another origin
 * ("//evil", "/\\evil", "https://evil"), whatever the browser makes of backslashes. */
export function localPath(next, fallback) {
  if (!next.startsWith("/") || next.startsWith("//") || next.includes("\\")) return fallback;
  const url = new URL(next, location.origin);
  return url.origin === location.origin ? url.pathname + url.search + url.hash : fallback;
}

function loginPage() {
  const next = new URLSearchParams(location.search).get("next") || "";
  const message = el("div", { id: "login-message" });
  const form = el(
    "form",
    { class: "card login", id: "login-form", method: "post", action: "/api/auth/session" },
    el("h1", { text: "Đăng nhập" }),
    el("p", { class: "muted", text: "Dành cho cán bộ theo dõi, biên tập viên và quản trị viên." }),
    field("Tên đăng nhập", el("input", { name: "username", id: "username", autocomplete: "username", required: true, maxlength: 64 })),
    field("Mật khẩu", el("input", { name: "password", id: "password", type: "password", autocomplete: "current-password", required: true, maxlength: 256 })),
    message,
    el("button", { type: "submit", class: "primary", text: "Đăng nhập" }),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clear(message);
    try {
      const { data } = await api("/api/auth/session", { method: "POST", form: new URLSearchParams(new FormData(form)) });
      const fallback = data.role === "editor" ? "/admin/procedures" : "/dashboard";
      location.assign(localPath(next, fallback));
    } catch (error) {
      message.append(notice(error.message, "error"));
    }
  });
  app.append(form);
}

async function dashboardPage() {
  const range = rangeFromUrl();
  const form = el(
    "form",
    { class: "filters", id: "range" },
    field("Từ ngày", el("input", { type: "date", name: "from", value: range.from, required: true })),
    field("Đến ngày", el("input", { type: "date", name: "to", value: range.to, required: true })),
    field("Kênh", channelSelect(range.channel)),
    el("button", { type: "submit", class: "primary", text: "Xem" }),
  );
  const out = el("div", { id: "dashboard" });
  app.append(el("h1", { text: "Tổng quan sử dụng trợ lý ảo" }), form, out);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = Object.fromEntries(new FormData(form));
    history.replaceState(null, "", `?${query(params)}`);
    load(params);
  });

  async function load(params) {
    clear(out).append(notice("Đang tải…"));
    let s;
    try {
      ({ data: s } = await api(`/api/analytics/summary?${query(params)}`));
    } catch (error) {
      clear(out).append(notice(error.message, "error"));
      return;
    }
    const q = query(params);
    const kpi = (key, label, value, href) =>
      el("div", { class: "kpi", "data-kpi": key }, el("span", { class: "kpi-label", text: label }), href ? el("a", { class: "kpi-value", href, text: value }) : el("span", { class: "kpi-value", text: value }));
    const plan = s.plan;
    const kbCard = el("section", { class: "card", id: "kb-coverage", "aria-label": "Độ phủ cơ sở tri thức" }, el("h2", { text: "Độ phủ cơ sở tri thức" }), notice("Đang tải…"));
    api("/api/analytics/kb-coverage").then(({ data: c }) => {
      const names = { documents: "Thành phần hồ sơ", fee: "Phí, lệ phí", duration: "Thời hạn", steps: "Trình tự", requirements: "Điều kiện", result: "Kết quả", online: "Nộp trực tuyến", place: "Nơi thực hiện" };
      clear(kbCard).append(
        el("h2", { text: "Độ phủ cơ sở tri thức" }),
        el("p", { "data-kb": "summary", text: `${fmt(c.procedures)} thủ tục (${fmt(c.from_portal)} từ Cổng DVC quốc gia) · ô trả lời có dữ liệu ${fmt(c.filled_cells)}/${fmt(c.answer_cells)} (${pct(c.filled_share)})` + (c.filled_share_where_source_has === null ? "" : ` · trên các ô nguồn có: ${pct(c.filled_share_where_source_has)}`) }),
        el("p", { "data-kb": "everyday-words", text: `Có từ ngữ đời thường: ${fmt(c.everyday_words.with)}/${fmt(c.procedures)} thủ tục` + (c.everyday_words.without ? ` · cần bổ sung: ${c.everyday_words.work_list.slice(0, 10).join(", ")}` : "") }),
        hbars(Object.entries(c.attributes).map(([k, a]) => ({ label: names[k] || k, value: a.filled })), { id: "chart-kb-coverage" }),
      );
    }).catch((error) => clear(kbCard).append(el("h2", { text: "Độ phủ cơ sở tri thức" }), notice(error.message, "error")));
    // questions by commune: a card of its own module, loaded beside the others
    const placesSlot = el("div", { id: "places-slot" });
    import("/static/staff/places.js").then((m) => placesSlot.replaceWith(m.placesCard(q)));
    // every day of the range, the quiet ones too
    const byDate = new Map(s.by_day.map((d) => [d.date, d]));
    const dates = [];
    for (let t = Date.parse(s.from); t <= Date.parse(s.to) && dates.length < 4000; t += 86400000) dates.push(isoDay(new Date(t)));
    const days = dates.map((date) => ({ label: date, short: date.slice(5), value: byDate.has(date) ? byDate.get(date).messages : 0 }));
    const fallbackTrend = dates.map((date) => {
      const d = byDate.get(date);
      return { label: date, short: date.slice(5), value: d && d.messages ? d.fallbacks / d.messages : d ? 0 : null };
    });
    const satisfied = s.feedback_up + s.feedback_down;
    const sat = el("div", { class: "stack", id: "chart-satisfaction" });
    const up = el("span", { class: "up", "data-value": s.feedback_up, title: `Hài lòng: ${s.feedback_up}` });
    const down = el("span", { class: "down", "data-value": s.feedback_down, title: `Chưa hài lòng: ${s.feedback_down}` });
    up.style.width = satisfied ? `${(s.feedback_up / satisfied) * 100}%` : "0";
    down.style.width = satisfied ? `${(s.feedback_down / satisfied) * 100}%` : "0";
    sat.append(up, down);
    clear(out).append(
      el(
        "section",
        { class: "kpis", "aria-label": "Chỉ số chính" },
        kpi("conversations", "Cuộc hội thoại", fmt(s.conversations), `/dashboard/conversations?${q}`),
        kpi("unique_users", "Người dùng", fmt(s.unique_users)),
        kpi("messages", "Câu hỏi của người dân", fmt(s.messages)),
        kpi("answered_rate", "Tỷ lệ được trả lời", `${pct(s.answered_rate)} · ${fmt(s.answered)}/${fmt(s.questions)} câu hỏi`),
        kpi("fallback_rate", "Tỷ lệ không hiểu", `${pct(s.fallback_rate)} · ${fmt(s.fallbacks)}/${fmt(s.messages)} tin nhắn`, `/dashboard/conversations?${query({ ...params, fallback: "true" })}`),
        kpi("satisfaction", "Mức độ hài lòng", `${pct(s.satisfaction)} · ${fmt(s.feedback_up + s.feedback_down)} đánh giá`, `/dashboard/conversations?${query({ ...params, negative_feedback: "true" })}`),
        kpi("handoff_requests", "Yêu cầu gặp cán bộ", fmt(s.handoff_requests), `/dashboard/conversations?${query({ ...params, handoff: "true" })}`),
        kpi("response_ms_p95", "Thời gian trả lời p95", s.response_ms_p95 === null ? "—" : `${fmt(s.response_ms_p95)} ms`),
      ),
      el(
        "section",
        { class: "card plan", "aria-label": "Chỉ tiêu kế hoạch" },
        el("h2", { text: "Chỉ tiêu của kế hoạch chuyển đổi số" }),
        el(
          "dl",
          {},
          el("dt", { text: "Người dân, doanh nghiệp được trợ lý ảo hỗ trợ" }),
          el("dd", { "data-plan": "citizens_helped", text: fmt(plan.citizens_helped) }),
          el("dt", { text: "Thủ tục của danh mục được hỏi và trả lời" }),
          el("dd", { "data-plan": "catalog_coverage", text: `${fmt(plan.catalog_procedures_answered)} / ${fmt(plan.catalog_procedures)} (${pct(plan.catalog_coverage)})` }),
          el("dt", {}, el("a", { href: `/dashboard/unanswered?${q}`, text: "Câu hỏi chưa trả lời được" })),
          el("dd", { "data-plan": "unanswered_questions", text: fmt(plan.unanswered_questions) }),
          el("dt", { text: "Lượt chỉ dẫn tới dịch vụ công trực tuyến" }),
          el("dd", { "data-plan": "online_service_links", text: fmt(plan.online_service_links) }),
        ),
        el(
          "dl",
          { class: "definitions", id: "plan-definitions" },
          el("dt", { text: "Được hỗ trợ" }),
          el("dd", { text: "Người dân (mỗi phiên trên web, mỗi tài khoản Telegram hoặc Zalo) có ít nhất một câu hỏi được trợ lý ảo trả lời bằng thông tin của thủ tục." }),
          el("dt", { text: "Được trả lời" }),
          el("dd", { text: "Câu hỏi về thủ tục hoặc hồ sơ mà trợ lý ảo trả lời được từ cơ sở tri thức; không tính lời chào, cảm ơn, câu ngoài phạm vi." }),
          el("dt", { text: "Phủ danh mục" }),
          el("dd", { text: "Số thủ tục đã được hỏi và trả lời trong khoảng thời gian này, trên tổng số thủ tục trong cơ sở tri thức." }),
          el("dt", { text: "Người dùng và cuộc hội thoại" }),
          el("dd", { text: "Mỗi phiên trò chuyện trên web là một người dùng (trình duyệt không cho biết ai là ai); một người có thể có nhiều cuộc hội thoại (cách nhau quá 60 phút)." }),
        ),
        el("a", { class: "button", href: `/api/analytics/report.csv?${q}`, download: "", id: "report-csv", text: "Tải báo cáo (CSV)" }),
      ),
      kbCard,
      placesSlot,
      el("section", { class: "card" }, el("h2", { text: "Số câu hỏi theo ngày" }), days.length ? barChart(days, { id: "chart-by-day" }) : notice("Chưa có dữ liệu trong khoảng này.")),
      el("section", { class: "card" }, el("h2", { text: "Tỷ lệ không hiểu câu hỏi theo ngày" }), fallbackTrend.length ? lineChart(fallbackTrend, { id: "chart-fallback" }) : notice("Chưa có dữ liệu.")),
      el(
        "div",
        { class: "grid2" },
        el("section", { class: "card" }, el("h2", { text: "Theo kênh" }), hbars(s.by_channel.map((c) => ({ label: CHANNELS[c.channel] || c.channel, value: c.messages, href: `/dashboard/conversations?${query({ ...params, channel: c.channel })}` })), { id: "chart-channels" })),
        el(
          "section",
          { class: "card" },
          el("h2", { text: "Mức độ hài lòng" }),
          sat,
          el("p", { class: "muted", text: `Hài lòng ${fmt(s.feedback_up)} · Chưa hài lòng ${fmt(s.feedback_down)}` }),
        ),
      ),
      el(
        "section",
        { class: "card" },
        el("h2", { text: "Thủ tục được hỏi nhiều nhất" }),
        hbars(s.top_procedures.map((p) => ({ label: p.name || p.key, value: p.count, href: `/dashboard/conversations?${query({ ...params, procedure: p.key })}` })), { id: "chart-procedures" }),
      ),
    );
  }
  load(range);
}

function badge(text, kind) {
  return el("span", { class: `badge ${kind}`, text });
}

async function conversationsPage() {
  const q = new URLSearchParams(location.search);
  const range = rangeFromUrl();
  const flag = (name, label) =>
    field(label, el("select", { name }, el("option", { value: "", text: "Tất cả" }), el("option", { value: "true", text: "Có", selected: q.get(name) === "true" }), el("option", { value: "false", text: "Không", selected: q.get(name) === "false" })));
  const form = el(
    "form",
    { class: "filters", id: "filters" },
    field("Từ ngày", el("input", { type: "date", name: "from", value: range.from })),
    field("Đến ngày", el("input", { type: "date", name: "to", value: range.to })),
    field("Kênh", channelSelect(range.channel)),
    field("Người dân muốn", el("select", { name: "intent" }, el("option", { value: "", text: "Tất cả" }), Object.entries(INTENT_NAMES).map(([v, label]) => el("option", { value: v, text: label, selected: q.get("intent") === v })))),
    field("Thủ tục (mã)", el("input", { name: "procedure", value: q.get("procedure") || "", maxlength: 200 })),
    flag("fallback", "Không hiểu"),
    flag("unanswered", "Chưa trả lời được"),
    flag("negative_feedback", "Chưa hài lòng"),
    flag("handoff", "Gặp cán bộ"),
    field("Nhãn", el("input", { name: "tag", value: q.get("tag") || "", maxlength: 40 })),
    el("button", { type: "submit", class: "primary", text: "Lọc" }),
  );
  const out = el("div", { id: "list" });
  app.append(el("h1", { text: "Hội thoại" }), form, out);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = Object.fromEntries(new FormData(form));
    history.replaceState(null, "", `?${query(params)}`);
    load(params, 1);
  });

  async function load(params, page) {
    clear(out).append(notice("Đang tải…"));
    let data;
    try {
      ({ data } = await api(`/api/analytics/conversations?${query({ ...params, page, page_size: 50 })}`));
    } catch (error) {
      clear(out).append(notice(error.message, "error"));
      return;
    }
    const table = el(
      "table",
      { class: "table", id: "conversations" },
      el("thead", {}, el("tr", {}, ...["Thời gian", "Kênh", "Câu hỏi đầu tiên", "Lượt", "Thủ tục", "Dấu hiệu", "Nhãn"].map((h) => el("th", { scope: "col", text: h })))),
    );
    const rows = el("tbody");
    for (const item of data.items) {
      const signs = [
        item.fallback && badge("Không hiểu", "warn"),
        item.unanswered && badge("Chưa trả lời", "warn"),
        item.negative_feedback && badge("Chưa hài lòng", "bad"),
        item.handoff && badge("Gặp cán bộ", "info"),
      ];
      rows.append(
        el(
          "tr",
          { "data-id": item.id },
          el("td", {}, el("a", { href: `/dashboard/conversations/${item.id}`, text: when(item.started_at) })),
          el("td", { text: CHANNELS[item.channel] || item.channel }),
          el("td", { class: "quote", text: spoken(item.first_message) }),
          el("td", { class: "num", text: fmt(item.turns) }),
          el("td", { text: (item.procedure_names || item.procedures).join(", ") }),
          el("td", {}, signs),
          el("td", {}, item.tags.map((t) => badge(t, "tag"))),
        ),
      );
    }
    table.append(rows);
    const pages = Math.max(1, Math.ceil(data.total / data.page_size));
    const pager = el(
      "div",
      { class: "pager" },
      el("button", { type: "button", disabled: page <= 1, text: "‹ Trước", onclick: () => load(params, page - 1) }),
      el("span", { id: "total", "data-total": data.total, text: `Trang ${page}/${pages} · ${fmt(data.total)} hội thoại` }),
      el("button", { type: "button", disabled: page >= pages, text: "Sau ›", onclick: () => load(params, page + 1) }),
      el("a", { class: "button", href: `/api/analytics/conversations.csv?${query(params)}`, download: "", id: "export-csv", text: "Xuất CSV" }),
    );
    // on a phone the table scrolls sideways inside its box, never the page
    const scroller = el("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": "Danh sách hội thoại" }, table);
    clear(out).append(data.items.length ? scroller : notice("Không có hội thoại nào khớp bộ lọc."), pager);
  }
  load(Object.fromEntries(new FormData(form)), 1);
}

async function conversationPage() {
  const id = body.dataset.id;
  let c;
  try {
    ({ data: c } = await api(`/api/analytics/conversations/${encodeURIComponent(id)}`));
  } catch (error) {
    app.append(notice(error.status === 404 ? "Không tìm thấy cuộc hội thoại." : error.message, "error"));
    return;
  }
  const kb = ROLE === "admin" || ROLE === "editor";
  const transcript = el("ol", { class: "transcript", id: "transcript" });
  for (const t of c.transcript) {
    const meta = [
      when(t.at),
      t.intent ? INTENT_NAMES[t.intent] || t.intent : null,
      t.response_ms !== null ? `${fmt(t.response_ms)} ms` : null,
    ].filter(Boolean);
    const details = t.intent
      ? el("details", { class: "technical" }, el("summary", { text: "chi tiết" }), el("span", { text: `${t.intent}${t.confidence !== null ? ` (${t.confidence})` : ""}` }))
      : null;
    const procedure = t.procedure_key
      ? kb && t.procedure_code
        ? el("a", { href: `/admin/procedures/${encodeURIComponent(t.procedure_code)}`, text: t.procedure_name || t.procedure_key })
        : el("span", { text: t.procedure_name || t.procedure_key })
      : null;
    transcript.append(
      el(
        "li",
        { class: "turn", "data-outcome": t.outcome },
        el("div", { class: "said citizen" }, el("span", { class: "who", text: "Người dân" }), el("p", { class: "text", text: spoken(t.text, t) })),
        el("div", { class: "meta" }, meta.join(" · "), " ", details, " ", badge(OUTCOMES[t.outcome] || t.outcome, t.outcome === "answered" ? "ok" : "warn"), t.feedback ? badge(t.feedback === "up" ? "Hài lòng" : "Chưa hài lòng", t.feedback === "up" ? "ok" : "bad") : null, t.handoff ? badge("Gặp cán bộ", "info") : null, procedure ? [" · ", procedure] : null),
        t.reply ? el("div", { class: "said bot" }, el("span", { class: "who", text: "Trợ lý ảo" }), el("p", { class: "text", text: t.reply })) : null,
      ),
    );
  }
  const tags = el("input", { name: "tags", id: "tags", value: c.tags.join(", "), maxlength: 900, placeholder: "ví dụ: thiếu lệ phí, cần cập nhật" });
  const note = el("textarea", { name: "note", id: "note", maxlength: 2000, rows: 4 });
  note.value = c.note || "";
  const status = el("div", { id: "review-status" });
  const form = el(
    "form",
    { class: "card review", id: "review" },
    el("h2", { text: "Nhãn và ghi chú" }),
    field("Nhãn (cách nhau bởi dấu phẩy)", tags),
    field("Ghi chú", note),
    status,
    el("button", { type: "submit", class: "primary", text: "Lưu" }),
    c.reviewed_by ? el("p", { class: "muted", text: `Cập nhật bởi ${c.reviewed_by} lúc ${when(c.reviewed_at)}` }) : null,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clear(status);
    try {
      const { data } = await api(`/api/analytics/conversations/${encodeURIComponent(id)}`, {
        method: "PATCH",
        json: { tags: tags.value.split(",").map((t) => t.trim()).filter(Boolean), note: note.value },
      });
      tags.value = data.tags.join(", ");
      status.append(notice("Đã lưu.", "ok"));
    } catch (error) {
      const errors = fieldErrors(error);
      status.append(notice(Object.values(errors).join(" ") || error.message, "error"));
    }
  });
  app.append(
    el("p", {}, el("a", { href: "/dashboard/conversations", text: "‹ Danh sách hội thoại" })),
    el("h1", { text: `Hội thoại #${c.id}` }),
    el("p", { class: "muted", text: `${CHANNELS[c.channel] || c.channel} · người dùng ${c.user_ref} · ${when(c.started_at)} – ${when(c.last_at)} · ${c.turns} lượt` }),
    el("div", { class: "grid2 wide" }, el("section", { class: "card" }, el("h2", { text: "Nội dung (đã ẩn thông tin cá nhân)" }), transcript), form),
  );
}

async function unansweredPage() {
  const range = rangeFromUrl();
  const form = el(
    "form",
    { class: "filters", id: "range" },
    field("Từ ngày", el("input", { type: "date", name: "from", value: range.from })),
    field("Đến ngày", el("input", { type: "date", name: "to", value: range.to })),
    field("Kênh", channelSelect(range.channel)),
    el("button", { type: "submit", class: "primary", text: "Xem" }),
  );
  const out = el("div", { id: "inbox" });
  app.append(
    el("h1", { text: "Câu hỏi chưa trả lời được" }),
    el("p", { class: "muted", text: "Các câu hỏi giống nhau được gộp lại. Bổ sung cơ sở tri thức để trợ lý ảo trả lời được lần sau." }),
    form,
    out,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = Object.fromEntries(new FormData(form));
    history.replaceState(null, "", `?${query(params)}`);
    load(params);
  });
  const kb = ROLE === "admin" || ROLE === "editor";
  const KINDS = { missing_fact: "Thiếu thông tin", no_match: "Chưa có thủ tục", not_understood: "Chưa hiểu câu hỏi" };
  async function load(params) {
    clear(out).append(notice("Đang tải…"));
    let data;
    try {
      ({ data } = await api(`/api/analytics/unanswered?${query(params)}`));
    } catch (error) {
      clear(out).append(notice(error.message, "error"));
      return;
    }
    const list = el("ol", { class: "groups", id: "groups" });
    for (const g of data.groups) {
      const action =
        g.suggestion === "update" && g.procedure && (g.procedure.code || g.procedure.key)
          ? el("a", { class: "button", href: `/admin/procedures/${encodeURIComponent(g.procedure.code || g.procedure.key)}`, text: "Cập nhật thủ tục" })
          : el("a", { class: "button", href: `/admin/procedures/new?${query({ name: g.examples[0] || g.title })}`, text: "Tạo thủ tục mới" });
      list.append(
        el(
          "li",
          { class: "card group", "data-kind": g.kind, "data-count": g.count },
          el("div", { class: "group-head" }, badge(KINDS[g.kind] || g.kind, "warn"), el("strong", { class: "title", text: g.title }), el("span", { class: "count", text: `${fmt(g.count)} lần` })),
          el("ul", { class: "examples" }, g.examples.map((e) => el("li", { class: "quote", text: e }))),
          el("div", { class: "group-actions" }, g.conversation_ids.map((cid, i) => el("a", { href: `/dashboard/conversations/${cid}`, text: `Hội thoại ${i + 1}` })), kb ? action : null),
          teachForm(g, list.children.length),
        ),
      );
    }
    clear(out).append(el("p", { id: "questions", text: `${fmt(data.questions)} câu hỏi chưa trả lời được, ${fmt(data.groups.length)} nhóm.` }), data.groups.length ? list : notice("Không có câu hỏi nào chưa trả lời được trong khoảng này.", "ok"));
  }
  load(range);
}

/** "Gắn câu hỏi vào thủ tục": the group's question becomes a situation (or another name)
 * of the procedure it was about, published at once; search finds it at the next question. */
function teachForm(group, index) {
  const question = (group.examples && group.examples[0]) || group.title;
  const listId = `teach-options-${index}`;
  const input = el("input", { type: "search", name: "procedure", list: listId, autocomplete: "off", required: true, "aria-describedby": `teach-help-${index}` });
  const options = el("datalist", { id: listId });
  const result = el("p", { class: "teach-result", role: "status" });
  const suggest = async (text) => {
    if (!text.trim()) return;
    try {
      const { data } = await api(`/api/procedures/search?${query({ q: text, limit: 5 })}`);
      clear(options).append(...data.items.map((h) => el("option", { value: `${h.key} · ${h.name}` })));
    } catch (error) {
      /* suggestions are a help, typing the code still works */
    }
  };
  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => suggest(input.value), 250);
  });
  const form = el(
    "form",
    { class: "teach" },
    el("p", { class: "muted", id: `teach-help-${index}`, text: `Câu hỏi “${question}” thực ra hỏi về thủ tục nào? Chọn thủ tục để trợ lý ảo hiểu câu này từ lần sau.` }),
    el("label", { text: "Thủ tục" }, input),
    options,
    el("label", { text: "Thêm làm" }, el("select", { name: "as" }, el("option", { value: "situation", text: "Tình huống cần đến thủ tục" }), el("option", { value: "alias", text: "Tên gọi khác" }))),
    el("button", { type: "submit", class: "primary", text: "Gắn câu hỏi vào thủ tục" }),
    result,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const procedure = input.value.split(" · ")[0].trim();
    try {
      const { data } = await api("/api/analytics/unanswered/attach", { method: "POST", json: { question, procedure, as: form.elements.as.value } });
      result.className = "teach-result ok";
      result.textContent = `Đã thêm vào “${data.procedure.name}” (phiên bản ${data.version}). Trợ lý ảo tìm thấy thủ tục này ngay với câu hỏi đó.`;
    } catch (error) {
      result.className = "teach-result error";
      result.textContent = error.message;
    }
  });
  suggest(question);
  return form;
}

function forbiddenPage() {
  app.append(el("h1", { text: "Không có quyền truy cập" }), el("p", { text: "Tài khoản của bạn không được phép xem trang này." }));
}

const PAGES = {
  login: loginPage,
  dashboard: dashboardPage,
  conversations: conversationsPage,
  conversation: conversationPage,
  unanswered: unansweredPage,
  handoffs: () => import("/static/staff/handoffs.js").then((m) => m.start()),
  places: () => import("/static/staff/units.js").then((m) => m.start()),
  forbidden: forbiddenPage,
};

buildNav();
if (PAGES[PAGE]) {
  PAGES[PAGE]();
} else if (PAGE) {
  import("/static/staff/admin.js").then((admin) => admin.start(PAGE));
}
