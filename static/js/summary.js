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
  const last = lane.last_point || lane.points[lane.points.length - 1];  // exact, when the paths came as float32
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

/** The table, built as elements: labels and colours are data (text and a validated CSS colour), never markup. */
export function renderSummary(table, lanes, surface, running) {
  const cell = (tag, text, cls) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== null && text !== undefined) node.append(text);
    return node;
  };
  const head = document.createElement("thead");
  const hr = document.createElement("tr");
  for (const key of ["col_lane", "col_final_loss", "col_nearest", "col_distance", "col_steps_tol", "col_status"]) hr.append(cell("th", t(key)));
  head.append(hr);
  const body = document.createElement("tbody");
  lanes.forEach((lane, i) => {
    const s = laneSummary(lane, surface);
    const tr = document.createElement("tr");
    tr.dataset.lane = i;
    if (/^#[0-9a-fA-F]{6}$/.test(lane.color)) tr.style.setProperty("--lane", lane.color);
    const name = cell("td", null);
    name.append(cell("span", null, "swatch"), String(lane.label));
    const where = s.nearest ? `#${s.nearest.index + 1} (${s.nearest.point.map((c) => c.toFixed(3)).join(", ")})` : "–";
    const status = running && !lane.status ? cell("span", t("status_running"))
      : s.status === "diverged" ? cell("span", t("status_diverged", { step: s.divergedAt }), "diverged") : cell("span", t("status_ok"), "ok");
    const st = cell("td", null);
    st.append(status);
    tr.append(name, cell("td", fmt(s.final), "num"), cell("td", where), cell("td", fmt(s.distance), "num"),
      cell("td", s.reached === null ? t("never") : String(s.reached), "num"), st);
    body.append(tr);
  });
  table.replaceChildren(head, body);
}
