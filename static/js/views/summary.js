// The per-lane table, as the server judged each run by its own objective (the run's ``summary``, API.md "A lane's own
// objective"): final loss (and, on a surface with a test landscape, the final test loss beside it), the nearest
// minimum of its objective, the distance to that objective's global minimum, the step from which it stayed there,
// and the verdict, named in the page's language by GET /api/verdicts. Nothing here judges a run a second time.
import { t } from "../i18n.js";

function fmt(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(2) : v.toPrecision(4);
}

/** The table of the paths' results (hidden in the map views, which compute no paths). ``catalogue`` names the
 *  verdicts. */
export class Summary {
  constructor({ root, catalogue }) { this.root = root; this.catalogue = catalogue; }
  render(scene) { renderSummary(this.root, scene.lanes, scene.surface, scene.running, this.catalogue); }
  set hidden(on) { this.root.hidden = on; }
}

/** A lane's status cell: computing until its summary has come, else its verdict (diverged: at which step). */
function status(lane, running, catalogue) {
  const s = lane.summary;
  if (!s || (running && !lane.status)) return { text: t("status_running"), cls: null, title: null };
  if (s.verdict === "diverged") return { text: t("status_diverged", { step: lane.diverged_at }), cls: "diverged", title: null };
  return { text: catalogue.verdictName(s.verdict), cls: s.verdict === "reached" ? "ok" : s.verdict,
    title: catalogue.verdictDescription(s.verdict) || null };
}

/** The table, built as elements: labels and colours are data (text and a validated CSS colour), never markup. */
function renderSummary(table, lanes, surface, running, catalogue) {
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
    const th = cell("th", t(key), key === "col_nearest" ? "nearest" : null);
    th.scope = "col";
    if (key === "col_test_loss") th.title = t("col_test_loss_title", { dx: surface.test_shift[0], dy: surface.test_shift[1] });
    hr.append(th);
  }
  head.append(hr);
  const body = document.createElement("tbody");
  lanes.forEach((lane, i) => {
    const s = lane.summary || {};
    const last = (list) => (Array.isArray(list) && list.length ? list[list.length - 1] : null);
    const tr = document.createElement("tr");
    tr.dataset.lane = i;
    if (s.verdict) tr.dataset.verdict = s.verdict;
    if (/^#[0-9a-fA-F]{6}$/.test(lane.color)) tr.style.setProperty("--lane", lane.color);
    const name = cell("td", null);
    name.append(cell("span", null, "swatch"), String(lane.label));
    // the minimum's number, then its place (left to the cell's title where the table stands in a narrow column)
    const where = cell("td", s.nearest ? `#${s.nearest.index + 1}` : "–", "nearest");
    if (s.nearest) {
      const place = `(${s.nearest.point.map((c) => c.toFixed(3)).join(", ")})`;
      where.append(cell("span", ` ${place}`, "place"));
      where.title = `#${s.nearest.index + 1} ${place}`;
    }
    const st = status(lane, running, catalogue);
    const verdict = cell("span", st.text, st.cls);
    if (st.title) verdict.title = st.title;
    const stCell = cell("td", null);
    stCell.append(verdict);
    // (where the nearest minimum's column gives way, its number follows the verdict: which minimum a run ended in)
    if (s.nearest) stCell.append(cell("span", ` →\u00a0#${s.nearest.index + 1}`, "nearest-mark"));
    tr.append(name, cell("td", fmt(s.final_loss ?? last(lane.losses)), "num"),
      ...(withTest ? [cell("td", fmt(s.final_test_loss ?? last(lane.test_losses)), "num")] : []), where,
      cell("td", fmt(s.distance), "num"), cell("td", Number.isInteger(s.reached_at) ? String(s.reached_at) : t("never"), "num"), stCell);
    body.append(tr);
  });
  table.setAttribute("aria-label", t("summary_table"));
  table.replaceChildren(head, body);
}
