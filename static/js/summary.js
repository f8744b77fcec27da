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

export function renderSummary(table, lanes, surface, running) {
  const head = `<thead><tr><th>${t("col_lane")}</th><th>${t("col_final_loss")}</th><th>${t("col_nearest")}</th>` +
    `<th>${t("col_distance")}</th><th>${t("col_steps_tol")}</th><th>${t("col_status")}</th></tr></thead>`;
  const rows = lanes.map((lane, i) => {
    const s = laneSummary(lane, surface);
    const where = s.nearest ? `#${s.nearest.index + 1} (${s.nearest.point.map((c) => c.toFixed(3)).join(", ")})` : "–";
    const status = running && !lane.status ? t("status_running")
      : s.status === "diverged" ? `<span class="diverged">${t("status_diverged", { step: s.divergedAt })}</span>`
        : `<span class="ok">${t("status_ok")}</span>`;
    return `<tr data-lane="${i}" style="--lane:${lane.color}"><td><span class="swatch"></span>${escapeHtml(lane.label)}</td>` +
      `<td class="num">${fmt(s.final)}</td><td>${where}</td><td class="num">${fmt(s.distance)}</td>` +
      `<td class="num">${s.reached === null ? t("never") : s.reached}</td><td>${status}</td></tr>`;
  });
  table.innerHTML = `${head}<tbody>${rows.join("")}</tbody>`;
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}
