// What every figure shares: theme colours, the contour's colour scale and transform, Plotly's config (no cloud),
// marker and path traces, equal-scale axis ranges.
import { t } from "./i18n.js";
import { pathUpTo } from "./paths.js";

export const SCALES = {
  light: [[0, "#7f9cc6"], [0.15, "#a9bfdb"], [0.35, "#d0dcea"], [0.6, "#ebebe8"], [0.85, "#f5efe3"], [1, "#fbf6ec"]],
  dark: [[0, "#1f4e85"], [0.2, "#24426a"], [0.45, "#2a3546"], [0.75, "#34343a"], [1, "#403e40"]],
};

/** Plotly's config for every plot: no logo, no "Share chart" / Chart Studio (a lecture tool never uploads). */
export const CONFIG = {
  displaylogo: false, responsive: true, showSendToCloud: false, showEditInChartStudio: false, showLink: false,
  modeBarButtonsToRemove: ["sendDataToCloud", "editInChartStudio", "lasso2d", "select2d"],
};

/** An embed (in someone's slide or page) that did not ask for interactive=1: clicks, drags and the wheel leave the
 *  figure as it is, the wheel scrolls the host, and there is no modebar to tab through. */
export const STILL = document.body.dataset.mode === "embed" && new URLSearchParams(location.search).get("interactive") !== "1";

export function plotConfig(extra = {}) {
  const still = STILL ? { scrollZoom: false, displayModeBar: false, doubleClick: false } : {};
  return { ...CONFIG, ...extra, ...still,
    modeBarButtonsToRemove: [...CONFIG.modeBarButtonsToRemove, ...(extra.modeBarButtonsToRemove || [])] };
}

export function themeColors(theme) {
  return theme === "dark"
    ? { paper: "#1c1d22", ink: "#f1f1f3", grid: "#34353d", line: "rgba(255,255,255,0.18)", mark: "#f1f1f3" }
    : { paper: "#ffffff", ink: "#1d1d1f", grid: "#e3e3e8", line: "rgba(0,0,0,0.22)", mark: "#1d1d1f" };
}

export function baseLayout(theme) {
  const c = themeColors(theme);
  return {
    paper_bgcolor: c.paper, plot_bgcolor: c.paper, font: { color: c.ink, size: 16, family: "Noto Sans, Noto Sans CJK KR, system-ui, sans-serif" },
    margin: { l: 60, r: 20, t: 30, b: 50 }, showlegend: false, hoverlabel: { font: { size: 15 } },
  };
}

const LOG_FLOOR_QUANTILE = 0.015;

/** The grid's values inside ``box`` (all of them without one). */
function valuesIn(grid, box) {
  const out = [];
  grid.z.forEach((row, j) => {
    if (box && (grid.y[j] < box.y[0] || grid.y[j] > box.y[1])) return;
    row.forEach((v, i) => {
      if (v !== null && Number.isFinite(v) && (!box || (grid.x[i] >= box.x[0] && grid.x[i] <= box.x[1]))) out.push(v);
    });
  });
  return out;
}

/** How the contour colours values: log10(f - min + eps) where the range is huge (Rosenbrock), else f; from the values
 *  inside the surface's domain only (a grid that reaches past it, for equal axes or a margin, colours the domain as a
 *  grid of the domain would, and what lies past the domain's highest value takes the top colour). */
export function colourTransform(surface, grid) {
  let flat = valuesIn(grid, surface.domain);
  if (!flat.length) flat = valuesIn(grid);
  if (!flat.length) return { log: false, fn: (v) => v, zmin: 0, range: null };
  const sorted = flat.sort((a, b) => a - b);
  const zmin = sorted[0];
  const zmax = sorted[sorted.length - 1];
  const median = sorted[Math.floor(sorted.length / 2)];
  const log = surface.log_scale || (zmax - zmin) > 50 * Math.max(median - zmin, 1e-300);
  const eps = Math.max((zmax - zmin) * 1e-7, 1e-12);
  // on a log scale, the values below the lowest few per mille of the grid are one colour (and, in 3-D, one height): a
  // narrow valley's floor sampled by a grid gives depths that jump from point to point (a saw-tooth comb of contour
  // lines along Rosenbrock's valley), which no grid of this size resolves
  const floor = log ? Math.max(sorted[Math.floor(sorted.length * LOG_FLOOR_QUANTILE)] - zmin, 0) : 0;
  const fn = log ? (v) => Math.log10(Math.max(v - zmin, floor) + eps) : (v) => v;
  return { log, zmin, fn, range: [fn(zmin), fn(zmax)] };
}

/** Per-landscape work done once: the transformed z and the hover text (``colour``: a transform already chosen, for
 *  another grid of the same landscape). */
export function prepareLandscape(meta, grid, colour = colourTransform(meta, grid)) {
  return { colour, zc: grid.z.map((row) => row.map((v) => (v === null ? null : colour.fn(v)))), text: grid.z.map((row) => row.map(fmtValue)) };
}

/** Text for Plotly (names, titles, annotations, hover): Plotly reads a few HTML tags in them, so user text is
 *  escaped and can never become a tag or a link. */
/** ``s`` as Plotly shows it literally in a name, title or hover template: its pseudo-HTML escaped and ``%`` as an
 *  entity (so ``%{y}`` in a label is not a template field). Plotly decodes numeric entities and a few named ones,
 *  not ``&quot;`` (which it printed as is), and a quote needs no escaping once ``<`` is. */
export function plain(s) {
  return String(s ?? "").replace(/[&<>%]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "%": "&#37;" })[c]);
}

export function fmtValue(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(3) : v.toPrecision(5);
}

export function contourTrace(scene, extra = {}) {
  const { land, theme } = scene;
  return {
    type: "contour", x: land.grid.x, y: land.grid.y, z: land.zc, text: land.text, name: "f",
    colorscale: SCALES[theme], showscale: false, ncontours: 28, hoverongaps: false,
    // the levels and colours of the domain's values, wherever the grid reaches
    ...(land.colour?.range && land.colour.range[1] > land.colour.range[0] ? { zauto: false, zmin: land.colour.range[0], zmax: land.colour.range[1] } : {}),
    contours: { coloring: "fill", showlines: true },
    line: { color: themeColors(theme).line, width: 0.6, smoothing: 0 },  // (a fine grid: smoothing adds work, not shape)
    hovertemplate: "x %{x:.4f}<br>y %{y:.4f}<br>f %{text}<extra></extra>", ...extra,
  };
}

/** The minima and saddles to mark: with ``markers: "near"``, the global minima and those near a drawn path. */
export function visibleMarks(scene) {
  const { surface, lanes, markers } = scene;
  if (markers === "all" || surface.minima.length + surface.saddles.length <= 16) return { minima: surface.minima, saddles: surface.saddles };
  const span = Math.max(surface.domain.x[1] - surface.domain.x[0], surface.domain.y[1] - surface.domain.y[0]);
  const r2 = (0.06 * span) ** 2;
  const samples = [];
  for (const lane of lanes) {
    const stride = Math.max(1, Math.floor(lane.points.length / 400));
    for (let k = 0; k < lane.points.length; k += stride) samples.push(lane.points[k]);
    if (lane.points.length) samples.push(lane.points[lane.points.length - 1]);
  }
  samples.push(scene.start);
  const near = (p) => samples.some((q) => q && (q[0] - p[0]) ** 2 + (q[1] - p[1]) ** 2 < r2);
  return { minima: surface.minima.filter((m) => m.kind === "global" || near(m.point)), saddles: surface.saddles.filter((s) => near(s.point)) };
}

export function markerTraces(scene, axes = {}) {
  const { start, theme } = scene;
  const c = themeColors(theme);
  const { minima, saddles } = visibleMarks(scene);
  const few = minima.length <= 12;
  return [{
    type: "scatter", mode: "markers", name: t("minimum"), ...axes, meta: "minima",
    x: minima.map((m) => m.point[0]), y: minima.map((m) => m.point[1]),
    marker: { symbol: minima.map((m) => (m.kind === "global" ? "star" : "circle")),
      size: minima.map((m) => (m.kind === "global" ? 16 : few ? 10 : 7)), color: c.mark, line: { color: c.paper, width: 1 } },
    hovertemplate: minima.map((m) => `${t(m.kind === "global" ? "global_minimum" : "minimum")}<br>` +
      `(${m.point[0].toFixed(4)}, ${m.point[1].toFixed(4)})<br>f ${fmtValue(m.value)}<extra></extra>`),
  }, {
    type: "scatter", mode: "markers", name: t("saddle"), ...axes, meta: "saddles",
    x: saddles.map((s) => s.point[0]), y: saddles.map((s) => s.point[1]),
    marker: { symbol: "x-thin", size: saddles.length <= 12 ? 14 : 9, color: c.mark, line: { width: 2.5, color: c.mark } },
    hovertemplate: saddles.map((s) => `${t("saddle")}<br>(${s.point[0].toFixed(4)}, ${s.point[1].toFixed(4)})` +
      `<br>f ${fmtValue(s.value)}<extra></extra>`),
  }, {
    type: "scatter", mode: "markers", name: t("start"), ...axes, x: [start[0]], y: [start[1]], meta: "start",
    marker: { symbol: "circle", size: 14, color: c.paper, line: { color: c.mark, width: 3 } },
    hovertemplate: `${t("start")} (%{x:.4f}, %{y:.4f})<extra></extra>`,
  }];
}

/** A lane's path up to step ``upto`` as columns (what Plotly wants): the paths at step k (paths.js). */
export function pathColumns(lane, upto = Infinity) {
  return pathUpTo(lane.points, upto);
}

export function pathTrace(lane, i, upto, axes = {}) {
  return {
    type: "scatter", mode: "lines", name: plain(lane.label), ...axes, meta: `lane${i}`, ...pathColumns(lane, upto),
    line: { color: lane.color, width: 3.5, dash: lane.dash },
    hovertemplate: `${plain(lane.label)}<br>x %{x:.4f}<br>y %{y:.4f}<extra></extra>`,
  };
}

export function rejectedTrace(lane, i, upto, axes = {}) {
  const rej = [];
  for (let k = 0; k < Math.min(upto, lane.proposals.length); k++) if (!lane.accepted[k]) rej.push(lane.proposals[k]);
  return { type: "scatter", mode: "markers", name: plain(`${lane.label}: ${t("rejected")}`), ...axes,
    x: rej.map((p) => p?.[0]), y: rej.map((p) => p?.[1]), hoverinfo: "skip",
    marker: { size: 6, color: lane.color, opacity: 0.35, symbol: "x-thin", line: { width: 1.5, color: lane.color } } };
}

/** Axis ranges for a plot of ``width`` x ``height`` pixels (plot area) showing ``box``; with ``equal``, one data unit is as
 *  long on both axes (the box grows along the axis that has room to spare), so a round bowl is round and still fills
 *  the plot. ``pad``: pixels of margin kept around the box (a start on the domain's edge is drawn whole). */
export function axisRanges(box, width, height, equal, pad = 0) {
  let x = [...box.x], y = [...box.y];
  if (pad > 0 && width > 4 * pad && height > 4 * pad) {
    const grow = (r, px) => { const d = ((r[1] - r[0]) * pad) / (px - 2 * pad); return [r[0] - d, r[1] + d]; };
    x = grow(x, width);
    y = grow(y, height);
  }
  if (!equal || !(width > 0 && height > 0)) return { x, y };
  const sx = (x[1] - x[0]) / width, sy = (y[1] - y[0]) / height;
  if (sx > sy) { const h = (sx * height - (y[1] - y[0])) / 2; y[0] -= h; y[1] += h; }
  else { const w = (sy * width - (x[1] - x[0])) / 2; x[0] -= w; x[1] += w; }
  return { x, y };
}

export function axisTitles(surface) {
  return surface.axes || ["x", "y"];
}
