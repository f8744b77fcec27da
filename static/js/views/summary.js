// The per-lane table: final loss (and, on a surface with a test landscape, the final test loss beside it), the
// nearest minimum and how far, steps to reach it, status.
import { t } from "../i18n.js";

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
  const tests = Array.isArray(lane.test_losses) ? lane.test_losses : null;
  return { final: lane.losses[lane.losses.length - 1], finalTest: tests?.length ? tests[tests.length - 1] : null, nearest, distance: nearest ? distance : null, reached,
    status: lane.status, divergedAt: lane.diverged_at };
}

/** The table of the paths' results (hidden in the map views, which compute no paths). */
export class Summary {
  constructor({ root }) { this.root = root; }
  render(scene) { renderSummary(this.root, scene.lanes, scene.surface, scene.running); }
  set hidden(on) { this.root.hidden = on; }
}

/** The table, built as elements: labels and colours are data (text and a validated CSS colour), never markup. */
function renderSummary(table, lanes, surface, running) {
  const cell = (tag, text, cls) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== null && text !== undefined) node.append(text);
    return node;
  };
  // a surface with a test landscape (flat_sharp: the same function moved by test_shift) gets a test-loss column
  const withTest = Array.isArray(surface.test_shift);
  const head = document.createElement("thead");
  const hr = document.createElement("tr");
  const keys = ["col_lane", "col_final_loss", ...(withTest ? ["col_test_loss"] : []), "col_nearest", "col_distance", "col_steps_tol", "col_status"];
  for (const key of keys) {
    const th = cell("th", t(key));
    th.scope = "col";
    if (key === "col_test_loss") th.title = t("col_test_loss_title", { dx: surface.test_shift[0], dy: surface.test_shift[1] });
    hr.append(th);
  }
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
    tr.append(name, cell("td", fmt(s.final), "num"), ...(withTest ? [cell("td", fmt(s.finalTest), "num")] : []), cell("td", where), cell("td", fmt(s.distance), "num"),
      cell("td", s.reached === null ? t("never") : String(s.reached), "num"), st);
    body.append(tr);
  });
  table.setAttribute("aria-label", t("summary_table"));
  table.replaceChildren(head, body);
}
