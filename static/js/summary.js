// The per-lane table: final loss, the nearest minimum and how far, steps to reach it, status.
import { t } from "./i18n.js";

const TOLERANCE = 1e-3; // of the domain's span: "reached" a minimum

function fmt(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(2) : v.toPrecision(4);
}

export function laneSummary(lane, surface) {
  const span = Math.max(surface.domain.x[1] - surface.domain.x[0], surface.domain.y[1] - surface.domain.y[0]);
  const last = lane.points[lane.points.length - 1];
  let nearest = null;
  let distance = Infinity;
  surface.minima.forEach((m, index) => {
    const d = Math.hypot(last[0] - m.point[0], last[1] - m.point[1]);
    if (d < distance) { distance = d; nearest = { ...m, index }; }
  });
  let reached = null;
  if (nearest) {
    const tol = TOLERANCE * span;
    const k = lane.points.findIndex((p) => Math.hypot(p[0] - nearest.point[0], p[1] - nearest.point[1]) < tol);
    reached = k >= 0 ? k : null;
  }
  return { final: lane.losses[lane.losses.length - 1], nearest, distance: nearest ? distance : null, reached,
    status: lane.status, divergedAt: lane.diverged_at };
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

/** Built with elements, textContent and attributes: a label or a colour from a shared link is data, never markup. */
export function renderSummary(table, lanes, surface, running) {
  const head = el("thead", {}, el("tr", {}, ...["col_lane", "col_final_loss", "col_nearest", "col_distance",
    "col_steps_tol", "col_status"].map((key) => el("th", {}, t(key)))));
  const body = el("tbody");
  lanes.forEach((lane, i) => {
    const s = laneSummary(lane, surface);
    const where = s.nearest ? `#${s.nearest.index + 1} (${s.nearest.point.map((c) => c.toFixed(3)).join(", ")})` : "–";
    const status = running && !lane.status ? t("status_running")
      : s.status === "diverged" ? el("span", { class: "diverged" }, t("status_diverged", { step: s.divergedAt }))
        : el("span", { class: "ok" }, t("status_ok"));
    const row = el("tr", { "data-lane": String(i) },
      el("td", {}, el("span", { class: "swatch" }), String(lane.label)),
      el("td", { class: "num" }, fmt(s.final)), el("td", {}, where), el("td", { class: "num" }, fmt(s.distance)),
      el("td", { class: "num" }, s.reached === null ? t("never") : String(s.reached)), el("td", {}, status));
    row.style.setProperty("--lane", String(lane.color)); // a CSS value, never parsed as markup
    body.append(row);
  });
  table.replaceChildren(head, body);
}
