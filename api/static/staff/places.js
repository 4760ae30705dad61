// Questions by commune (officials): where citizens ask from, per current xã/phường of
// Lạng Sơn. A table, a bar chart of the most asked, and a map-like grid drawn from each
// unit's position: no map tiles, nothing fetched from elsewhere.

import { api, clear, el, fmt, hbars, notice, svg } from "/static/staff/staff.js";

const TITLE = "Câu hỏi theo xã/phường";

function grid(items) {
  const placed = items.filter((i) => i.lat !== null && i.lon !== null);
  if (!placed.length) return null;
  const lats = placed.map((i) => i.lat);
  const lons = placed.map((i) => i.lon);
  const [minLat, maxLat, minLon, maxLon] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
  const width = 360;
  const height = Math.round(width * ((maxLat - minLat) / Math.max(maxLon - minLon, 0.01)));
  const max = Math.max(1, ...placed.map((i) => i.questions));
  const x = (lon) => 12 + ((lon - minLon) / Math.max(maxLon - minLon, 0.01)) * (width - 24);
  const y = (lat) => 12 + ((maxLat - lat) / Math.max(maxLat - minLat, 0.01)) * (height - 24);
  const asked = placed.filter((i) => i.questions).length;
  return svg(
    "svg",
    { viewBox: `0 0 ${width} ${height}`, class: "place-grid", id: "chart-places-grid", role: "img", "aria-label": `Sơ đồ vị trí ${placed.length} xã, phường; ${asked} nơi có câu hỏi` },
    placed.map((i) =>
      svg(
        "circle",
        { cx: x(i.lon).toFixed(1), cy: y(i.lat).toFixed(1), r: (3 + 9 * Math.sqrt(i.questions / max)).toFixed(1), class: i.questions ? "asked" : "quiet", "data-code": i.code },
        svg("title", { text: `${i.title}: ${fmt(i.questions)} câu hỏi` }),
      ),
    ),
  );
}

/** The dashboard's card for the range in ``q`` (a query string). */
export function placesCard(q) {
  const card = el("section", { class: "card", id: "places", "aria-label": TITLE }, el("h2", { text: TITLE }), notice("Đang tải…"));
  api(`/api/analytics/places?${q}`).then(({ data }) => {
    const asked = data.items.filter((i) => i.questions);
    clear(card).append(
      el("h2", { text: TITLE }),
      el("p", { class: "muted", "data-places": "summary", text: `${fmt(data.with_place)} lượt hỏi có nêu xã/phường (trên ${fmt(data.turns)} lượt hỏi) · ${asked.length}/${data.items.length} xã, phường. Đơn vị hành chính sau ngày 01/7/2025; địa chỉ cũ được quy về đơn vị mới.` }),
      el(
        "div",
        { class: "places-layout" },
        grid(data.items),
        hbars(asked.slice(0, 10).map((i) => ({ label: i.title, value: i.questions })), { id: "chart-places" }),
      ),
      el(
        "details",
        {},
        el("summary", { text: "Bảng đủ 65 xã, phường" }),
        el(
          "div",
          { class: "table-scroll" },
          el(
            "table",
            { class: "table", id: "places-table" },
            el("thead", {}, el("tr", {}, ["Xã/phường", "Lượt hỏi", "Người hỏi"].map((h) => el("th", { text: h })))),
            el("tbody", {}, data.items.map((i) => el("tr", { "data-code": i.code }, el("td", { text: i.title }), el("td", { text: fmt(i.questions) }), el("td", { text: fmt(i.people) })))),
          ),
        ),
      ),
    );
  }).catch((error) => clear(card).append(el("h2", { text: TITLE }), notice(error.message, "error")));
  return card;
}
