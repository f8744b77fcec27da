// Every figure on the page: contour (overlay or side by side), 3-D surface, loss and lr charts.
// Full redraws go through Plotly.react; playback only restyles the traces that move.
import { t } from "./i18n.js";

const SCALES = {
  light: [[0, "#7f9cc6"], [0.15, "#a9bfdb"], [0.35, "#d0dcea"], [0.6, "#ebebe8"], [0.85, "#f5efe3"], [1, "#fbf6ec"]],
  dark: [[0, "#1f4e85"], [0.2, "#24426a"], [0.45, "#2a3546"], [0.75, "#34343a"], [1, "#403e40"]],
};

function themeColors(theme) {
  return theme === "dark"
    ? { paper: "#1c1d22", ink: "#f1f1f3", grid: "#34353d", line: "rgba(255,255,255,0.18)", mark: "#f1f1f3" }
    : { paper: "#ffffff", ink: "#1d1d1f", grid: "#e3e3e8", line: "rgba(0,0,0,0.22)", mark: "#1d1d1f" };
}

/** How the contour colours values: log10(f - min + eps) where the range is huge (Rosenbrock), else f. */
export function colourTransform(surface, grid) {
  const flat = grid.z.flat().filter((v) => v !== null && Number.isFinite(v));
  if (!flat.length) return { log: false, fn: (v) => v, zmin: 0 };
  const sorted = [...flat].sort((a, b) => a - b);
  const zmin = sorted[0];
  const zmax = sorted[sorted.length - 1];
  const median = sorted[Math.floor(sorted.length / 2)];
  const log = surface.log_scale || (zmax - zmin) > 50 * Math.max(median - zmin, 1e-300);
  const eps = Math.max((zmax - zmin) * 1e-7, 1e-12);
  return { log, zmin, fn: log ? (v) => Math.log10(Math.max(v - zmin, 0) + eps) : (v) => v };
}

function fmtValue(v) {
  if (v === null || !Number.isFinite(v)) return "–";
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(3) : v.toPrecision(5);
}

function baseLayout(theme) {
  const c = themeColors(theme);
  return {
    paper_bgcolor: c.paper, plot_bgcolor: c.paper, font: { color: c.ink, size: 16, family: "Noto Sans, system-ui, sans-serif" },
    margin: { l: 60, r: 20, t: 30, b: 50 }, showlegend: true,
    legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", font: { size: 15 } },
    hoverlabel: { font: { size: 15 } },
  };
}

const MARGIN = { l: 64, r: 20, t: 16, b: 50, autoexpand: false };
const SVG = "http://www.w3.org/2000/svg";
const MAX_CHART_POINTS = 800;

function decimate(values) {
  if (values.length <= MAX_CHART_POINTS) return values.map((v, k) => [k, v]);
  const stride = Math.ceil(values.length / MAX_CHART_POINTS);
  const out = [];
  for (let k = 0; k < values.length; k += stride) out.push([k, values[k]]);
  if (out[out.length - 1][0] !== values.length - 1) out.push([values.length - 1, values[values.length - 1]]);
  return out;
}

export class Figures {
  /**
   * The overlay view is two stacked Plotly plots and an SVG: the contour below (redrawn only when the
   * surface, theme or zoom changes), the paths above on a transparent background, and the moving
   * markers and arrows in the SVG, so playback frames never make Plotly redraw a contour.
   */
  constructor({ bg, main, overlay, readout, legend, loss, lr, cursorLoss, cursorLr, onClick }) {
    this.el = { bg, main, overlay, readout, legend, loss, lr, cursorLoss, cursorLr };
    this.onClick = onClick;
    this.cursor = 0;
  }

  /** Everything that a full redraw needs; kept so playback frames can restyle from it. */
  setScene(scene) {
    this.scene = scene;
  }

  contourTrace(extra = {}) {
    const { surface, grid, colour, theme } = this.scene;
    const key = `${surface.id}|${grid.x.length}|${colour.log}`;
    if (this._contourKey !== key) {
      this._contourKey = key;
      this._zc = grid.z.map((row) => row.map((v) => (v === null ? null : colour.fn(v))));
      this._text = grid.z.map((row) => row.map(fmtValue));
    }
    return {
      type: "contour", x: grid.x, y: grid.y, z: this._zc, text: this._text, name: "f",
      colorscale: SCALES[theme], showscale: false, ncontours: 28, hoverongaps: false,
      contours: { coloring: "fill", showlines: true },
      line: { color: themeColors(theme).line, width: 0.6, smoothing: 0.6 },
      hovertemplate: "x %{x:.4f}<br>y %{y:.4f}<br>f %{text}<extra></extra>", showlegend: false, ...extra,
    };
  }

  markerTraces(axes = {}, legend = true) {
    const { surface, start, theme } = this.scene;
    const c = themeColors(theme);
    const few = surface.minima.length <= 12;
    const traces = [{
      type: "scatter", mode: "markers", name: t("minimum"), showlegend: false, ...axes,
      x: surface.minima.map((m) => m.point[0]), y: surface.minima.map((m) => m.point[1]),
      marker: { symbol: surface.minima.map((m) => (m.kind === "global" ? "star" : "circle")),
        size: surface.minima.map((m) => (m.kind === "global" ? 16 : few ? 10 : 6)),
        color: c.mark, line: { color: c.paper, width: 1 } },
      hovertemplate: surface.minima.map((m) => `${t(m.kind === "global" ? "global_minimum" : "minimum")}<br>` +
        `(${m.point[0].toFixed(4)}, ${m.point[1].toFixed(4)})<br>f ${fmtValue(m.value)}<extra></extra>`),
    }, {
      type: "scatter", mode: "markers", name: t("saddle"), showlegend: false, ...axes,
      x: surface.saddles.map((s) => s.point[0]), y: surface.saddles.map((s) => s.point[1]),
      marker: { symbol: "x-thin", size: surface.saddles.length <= 12 ? 14 : 8, color: c.mark, line: { width: 2.5, color: c.mark } },
      hovertemplate: surface.saddles.map((s) => `${t("saddle")}<br>(${s.point[0].toFixed(4)}, ${s.point[1].toFixed(4)})` +
        `<br>f ${fmtValue(s.value)}<extra></extra>`),
    }, {
      type: "scatter", mode: "markers", name: t("start"), showlegend: false, ...axes, x: [start[0]], y: [start[1]],
      marker: { symbol: "circle", size: 14, color: c.paper, line: { color: c.mark, width: 3 } },
      hovertemplate: `${t("start")} (%{x:.4f}, %{y:.4f})<extra></extra>`,
    }];
    return legend ? traces : traces;
  }

  laneTraces(lane, i, upto, axes = {}, legend = true, withMarker = true) {
    const n = Math.min(upto + 1, lane.points.length);
    const pts = lane.points.slice(0, n);
    const cur = pts[pts.length - 1] || this.scene.start;
    const path = {
      type: "scatter", mode: "lines", name: lane.label, legendgroup: `l${i}`, showlegend: legend, ...axes,
      x: pts.map((p) => p[0]), y: pts.map((p) => p[1]),
      line: { color: lane.color, width: 3.5, dash: lane.dash },
      hovertemplate: `${lane.label}<br>x %{x:.4f}<br>y %{y:.4f}<extra></extra>`,
    };
    const traces = withMarker ? [path, {
      type: "scatter", mode: "markers", name: lane.label, legendgroup: `l${i}`, showlegend: false, ...axes,
      x: [cur[0]], y: [cur[1]], hoverinfo: "skip",
      marker: { size: 15, color: lane.color, line: { color: themeColors(this.scene.theme).paper, width: 2.5 },
        symbol: lane.status === "diverged" && n === lane.points.length ? "x" : "circle" },
    }] : [path];
    if (lane.proposals) {
      const rej = [];
      for (let k = 0; k < Math.min(upto, lane.proposals.length); k++) if (!lane.accepted[k]) rej.push(lane.proposals[k]);
      traces.push({
        type: "scatter", mode: "markers", name: `${lane.label}: ${t("rejected")}`, legendgroup: `l${i}`, showlegend: false,
        ...axes, x: rej.map((p) => p?.[0]), y: rej.map((p) => p?.[1]), hoverinfo: "skip",
        marker: { size: 6, color: lane.color, opacity: 0.35, symbol: "x-thin", line: { width: 1.5, color: lane.color } },
      });
    }
    return traces;
  }

  axesLayout(extra = {}) {
    const { surface, theme } = this.scene;
    const c = themeColors(theme);
    const ax = (range, title) => ({ range, title: { text: title }, gridcolor: c.grid, zeroline: false, ...extra });
    const [xName, yName] = surface.axes || ["x", "y"];
    return { xaxis: ax(surface.domain.x, xName), yaxis: ax(surface.domain.y, yName) };
  }

  arrowAnnotations(upto, axes = { xref: "x", yref: "y" }) {
    const { lanes, surface, arrows } = this.scene;
    if (!arrows) return [];
    const span = Math.max(surface.domain.x[1] - surface.domain.x[0], surface.domain.y[1] - surface.domain.y[0]);
    const L = 0.09 * span;
    const notes = [];
    const arrow = (p, d, color, dash, label) => {
      const len = Math.hypot(d[0], d[1]);
      if (!(len > 0) || !Number.isFinite(len)) return;
      notes.push({ ...axes, axref: axes.xref, ayref: axes.yref, x: p[0] + (d[0] / len) * L, y: p[1] + (d[1] / len) * L,
        ax: p[0], ay: p[1], showarrow: true, arrowhead: 2, arrowsize: 1.2, arrowwidth: dash ? 2 : 3, arrowcolor: color,
        text: "", hovertext: label, opacity: dash ? 0.75 : 1 });
    };
    lanes.forEach((lane) => {
      const k = Math.min(upto, lane.points.length - 1);
      const p = lane.points[k];
      if (!p) return;
      const g = lane.gradients?.[k];
      if (g) arrow(p, [-g[0], -g[1]], themeColors(this.scene.theme).mark, false, `${lane.label}: ${t("arrow_gradient")}`);
      if (k > 0) arrow(p, [p[0] - lane.points[k - 1][0], p[1] - lane.points[k - 1][1]], lane.color, true,
        `${lane.label}: ${t("arrow_velocity")}`);
      if (k + 1 < lane.points.length) arrow(p, [lane.points[k + 1][0] - p[0], lane.points[k + 1][1] - p[1]], lane.color,
        false, `${lane.label}: ${t("arrow_step")}`);
    });
    return notes;
  }

  renderLegend() {
    const bar = this.el.legend;
    if (!bar) return;
    bar.replaceChildren(...this.scene.lanes.map((lane) => {
      const item = document.createElement("span");
      item.style.setProperty("--lane", lane.color);
      const swatch = document.createElement("i");
      if (lane.dash !== "solid") swatch.className = lane.dash;
      item.append(swatch, lane.label);
      if (lane.status === "diverged") item.classList.add("diverged");
      return item;
    }));
  }

  renderMain(upto) {
    const { view } = this.scene;
    this.renderLegend();
    this.cursor = upto;
    this.el.bg.style.display = view === "overlay" ? "" : "none";
    this.el.overlay.replaceChildren();
    if (view === "3d") return this.render3d(upto);
    if (view === "side") return this.renderSide(upto);
    const theme = this.scene.theme;
    const current = this.el.main._fullLayout?.xaxis && this.el.main.layout?.uirevision === this.scene.surface.id
      ? { x: [...this.el.main._fullLayout.xaxis.range], y: [...this.el.main._fullLayout.yaxis.range] } : null;
    const axes = this.axesLayout();
    if (current) { axes.xaxis.range = current.x; axes.yaxis.range = current.y; }
    const bgKey = `${this.scene.surface.id}|${theme}|${this.scene.grid.x.length}|${JSON.stringify(axes.xaxis.range)}|${JSON.stringify(axes.yaxis.range)}`;
    const background = this._bgKey === bgKey ? Promise.resolve() : this.react(this.el.bg, [this.contourTrace({ hoverinfo: "skip" })], {
      ...baseLayout(theme), showlegend: false, margin: MARGIN,
      xaxis: { ...axes.xaxis, visible: false }, yaxis: { ...axes.yaxis, visible: false } }, { staticPlot: true });
    this._bgKey = bgKey;
    const data = [...this.markerTraces()];
    for (const member of this.scene.cloud || []) {  // other seeds of a stochastic lane, faint
      data.push({ type: "scatter", mode: "lines", x: member.points.map((p) => p[0]), y: member.points.map((p) => p[1]),
        line: { color: member.color, width: 1.5 }, opacity: 0.3, hoverinfo: "skip", showlegend: false });
    }
    this.scene.lanes.forEach((lane, i) => data.push(...this.laneTraces(lane, i, Infinity, {}, true, false)));
    const layout = { ...baseLayout(theme), ...axes, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      // the legend is HTML above the plot: cheaper to redraw, and larger type
      margin: MARGIN, showlegend: false, uirevision: this.scene.surface.id, hovermode: "closest", dragmode: "pan" };
    layout.xaxis.showgrid = false;
    layout.yaxis.showgrid = false;
    return Promise.all([background, this.react(this.el.main, data, layout)]).then(() => this.drawOverlay(upto));
  }

  /** Current points (and arrows) as SVG over the paths: pixel positions from the axes' own mapping. */
  drawOverlay(upto) {
    const svg = this.el.overlay;
    const full = this.el.main._fullLayout;
    if (this.scene.view !== "overlay" || !full?.xaxis) { svg.replaceChildren(); return; }
    const xa = full.xaxis, ya = full.yaxis;
    const px = (p) => [xa._offset + xa.l2p(p[0]), ya._offset + ya.l2p(p[1])];
    const paper = themeColors(this.scene.theme).paper;
    const nodes = [];
    const clip = document.createElementNS(SVG, "clipPath");
    clip.id = "plot-area";
    const rect = document.createElementNS(SVG, "rect");
    Object.entries({ x: xa._offset, y: ya._offset, width: xa._length, height: ya._length })
      .forEach(([k, v]) => rect.setAttribute(k, v));
    clip.append(rect);
    nodes.push(clip);
    const group = document.createElementNS(SVG, "g");
    group.setAttribute("clip-path", "url(#plot-area)");
    for (const a of this.arrowSegments(upto)) {
      const [x0, y0] = px(a.from);
      const [x1, y1] = px(a.to);
      const line = document.createElementNS(SVG, "path");
      const ang = Math.atan2(y1 - y0, x1 - x0);
      const h = 12;
      const head = `M${x1},${y1} L${x1 - h * Math.cos(ang - 0.4)},${y1 - h * Math.sin(ang - 0.4)} ` +
        `M${x1},${y1} L${x1 - h * Math.cos(ang + 0.4)},${y1 - h * Math.sin(ang + 0.4)}`;
      line.setAttribute("d", `M${x0},${y0} L${x1},${y1} ${head}`);
      line.setAttribute("stroke", a.color);
      line.setAttribute("stroke-width", a.dashed ? 2.5 : 3.5);
      if (a.dashed) line.setAttribute("stroke-dasharray", "6 4");
      line.setAttribute("fill", "none");
      line.setAttribute("stroke-linecap", "round");
      line.dataset.kind = a.kind;
      const title = document.createElementNS(SVG, "title");
      title.textContent = a.label;
      line.append(title);
      group.append(line);
    }
    this.scene.lanes.forEach((lane, i) => {
      const k = Math.min(upto, lane.points.length - 1);
      if (k < 0) return;
      const [x, y] = px(lane.points[k]);
      const ended = lane.status === "diverged" && k === lane.points.length - 1;
      const mark = document.createElementNS(SVG, ended ? "path" : "circle");
      if (ended) mark.setAttribute("d", `M${x - 9},${y - 9} L${x + 9},${y + 9} M${x - 9},${y + 9} L${x + 9},${y - 9}`);
      else { mark.setAttribute("cx", x); mark.setAttribute("cy", y); mark.setAttribute("r", 8.5); }
      mark.setAttribute("fill", lane.color);
      mark.setAttribute("stroke", ended ? lane.color : paper);
      mark.setAttribute("stroke-width", ended ? 4.5 : 2.5);
      mark.dataset.lane = i;
      group.append(mark);
    });
    nodes.push(group);
    svg.replaceChildren(...nodes);
  }

  arrowSegments(upto) {
    const { lanes, surface, arrows } = this.scene;
    if (!arrows) return [];
    const span = Math.max(surface.domain.x[1] - surface.domain.x[0], surface.domain.y[1] - surface.domain.y[0]);
    const L = 0.09 * span;
    const out = [];
    const add = (p, d, color, dashed, kind, label) => {
      const len = Math.hypot(d[0], d[1]);
      if (!(len > 0) || !Number.isFinite(len)) return;
      out.push({ from: p, to: [p[0] + (d[0] / len) * L, p[1] + (d[1] / len) * L], color, dashed, kind, label });
    };
    const ink = themeColors(this.scene.theme).mark;
    lanes.forEach((lane) => {
      const k = Math.min(upto, lane.points.length - 1);
      const p = lane.points[k];
      if (!p) return;
      const g = lane.gradients?.[k];
      if (g) add(p, [-g[0], -g[1]], ink, false, "gradient", `${lane.label}: ${t("arrow_gradient")}`);
      if (k > 0) add(p, [p[0] - lane.points[k - 1][0], p[1] - lane.points[k - 1][1]], lane.color, true, "velocity",
        `${lane.label}: ${t("arrow_velocity")}`);
      if (k + 1 < lane.points.length) add(p, [lane.points[k + 1][0] - p[0], lane.points[k + 1][1] - p[1]], lane.color,
        false, "step", `${lane.label}: ${t("arrow_step")}`);
    });
    return out;
  }

  /** The overlay view as one figure (contour, paths up to ``upto``, current points): for images and GIFs. */
  staticFigure(upto) {
    const saved = this.scene;
    this.scene = { ...saved, theme: "light" }; // images go on white slides
    const data = [this.contourTrace({ hoverinfo: "skip" }), ...this.markerTraces(),
      ...this.scene.lanes.flatMap((lane, i) => this.laneTraces(lane, i, upto))];
    const layout = { ...baseLayout("light"), ...this.axesLayout(), margin: { l: 60, r: 20, t: 50, b: 50 },
      legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", font: { size: 14 } }, showlegend: true };
    this.scene = saved;
    return { data, layout };
  }

  /** x, y, f under the pointer (f interpolated bilinearly from the contour's grid). */
  readout(event) {
    const out = this.el.readout;
    const full = this.el.main._fullLayout;
    if (this.scene?.view !== "overlay" || !full?.xaxis) { out.classList.remove("on"); return; }
    const box = this.el.main.getBoundingClientRect();
    const xa = full.xaxis, ya = full.yaxis;
    const px = event.clientX - box.left - xa._offset;
    const py = event.clientY - box.top - ya._offset;
    if (px < 0 || py < 0 || px > xa._length || py > ya._length) { out.classList.remove("on"); return; }
    const x = xa.p2l(px), y = ya.p2l(py);
    out.textContent = `x ${x.toFixed(3)}   y ${y.toFixed(3)}   f ${fmtValue(this.valueAt(x, y))}`;
    out.classList.add("on");
  }

  valueAt(x, y) {
    const { grid } = this.scene;
    const n = grid.x.length, m = grid.y.length;
    const fx = ((x - grid.x[0]) / (grid.x[n - 1] - grid.x[0])) * (n - 1);
    const fy = ((y - grid.y[0]) / (grid.y[m - 1] - grid.y[0])) * (m - 1);
    if (!(fx >= 0 && fy >= 0 && fx <= n - 1 && fy <= m - 1)) return null;
    const i = Math.min(Math.floor(fx), n - 2), j = Math.min(Math.floor(fy), m - 2);
    const u = fx - i, v = fy - j;
    const z = grid.z;
    return (1 - u) * (1 - v) * z[j][i] + u * (1 - v) * z[j][i + 1] + (1 - u) * v * z[j + 1][i] + u * v * z[j + 1][i + 1];
  }

  renderSide(upto) {
    const lanes = this.scene.lanes;
    const n = Math.max(lanes.length, 1);
    const cols = n <= 2 ? n : n <= 4 ? 2 : n <= 9 ? 3 : 4;
    const rows = Math.ceil(n / cols);
    const layout = { ...baseLayout(this.scene.theme), showlegend: false, hovermode: "closest",
      grid: { rows, columns: cols, pattern: "independent", xgap: 0.06, ygap: 0.16 }, annotations: [],
      margin: { l: 45, r: 10, t: 36, b: 35 }, uirevision: this.scene.surface.id };
    const data = [];
    lanes.forEach((lane, i) => {
      const suffix = i === 0 ? "" : String(i + 1);
      const axes = { xaxis: `x${suffix}`, yaxis: `y${suffix}` };
      const { xaxis, yaxis } = this.axesLayout(i === 0 ? {} : {});
      const bottomRow = Math.floor(i / cols) === rows - 1 || i + cols >= n;
      layout[`xaxis${suffix}`] = { ...xaxis, title: { text: "" }, showticklabels: bottomRow, ...(i ? { matches: "x" } : {}) };
      layout[`yaxis${suffix}`] = { ...yaxis, title: { text: "" }, ...(i ? { matches: "y" } : {}) };
      data.push(this.contourTrace(axes), ...this.markerTraces(axes, false));
      data.push(...this.laneTraces(lane, i, upto, axes, false));
      layout.annotations.push({ text: `<b style="color:${lane.color}">■</b> ${lane.label}`, showarrow: false,
        xref: `x${suffix} domain`, yref: `y${suffix} domain`, x: 0, y: 1.02, xanchor: "left", yanchor: "bottom",
        font: { size: 15 } });
      layout.annotations.push(...this.arrowAnnotations(upto, { xref: `x${suffix}`, yref: `y${suffix}` })
        .filter((a) => a.hovertext.startsWith(lane.label)));
    });
    return this.react(this.el.main, data, layout);
  }

  render3d(upto) {
    const { grid, colour, lanes, theme } = this.scene;
    const c = themeColors(theme);
    this.contourTrace();
    const data = [{ type: "surface", x: grid.x, y: grid.y, z: this._zc, text: this._text, colorscale: SCALES[theme],
      showscale: false, opacity: 0.92, name: "f", hovertemplate: "x %{x:.3f}<br>y %{y:.3f}<br>f %{text}<extra></extra>",
      contours: { z: { show: true, usecolormap: false, color: c.line, width: 1 } } }];
    lanes.forEach((lane, i) => {
      const n = Math.min(upto + 1, lane.points.length);
      const z = lane.losses.slice(0, n).map((v) => colour.fn(v));
      data.push({ type: "scatter3d", mode: "lines", name: lane.label, x: lane.points.slice(0, n).map((p) => p[0]),
        y: lane.points.slice(0, n).map((p) => p[1]), z, line: { color: lane.color, width: 7 } });
      data.push({ type: "scatter3d", mode: "markers", showlegend: false, name: lane.label,
        x: [lane.points[n - 1]?.[0]], y: [lane.points[n - 1]?.[1]], z: [z[n - 1]],
        marker: { size: 6, color: lane.color, line: { color: c.paper, width: 1 } } });
    });
    const layout = { ...baseLayout(theme), showlegend: false, uirevision: this.scene.surface.id,
      scene: { xaxis: { title: { text: "x" }, range: this.scene.surface.domain.x, gridcolor: c.grid },
        yaxis: { title: { text: "y" }, range: this.scene.surface.domain.y, gridcolor: c.grid },
        zaxis: { title: { text: colour.log ? t("z_axis_log") : "f" }, gridcolor: c.grid },
        camera: { eye: { x: 1.25, y: -1.25, z: 0.9 } }, aspectmode: "manual", aspectratio: { x: 1, y: 1, z: 0.55 } },
      margin: { l: 0, r: 0, t: 30, b: 0 } };
    return this.react(this.el.main, data, layout);
  }

  renderCharts(upto) {
    const { lanes, fstar, theme } = this.scene;
    const c = themeColors(theme);
    const gap = (v) => Math.max(fstar === null ? v : v - fstar, 1e-16);
    const chart = (title, ytype) => ({ ...baseLayout(theme), showlegend: false, margin: { l: 70, r: 15, t: 36, b: 45 },
      title: { text: title, font: { size: 16 }, x: 0.02 }, xaxis: { title: { text: t("step_axis") }, gridcolor: c.grid },
      yaxis: { type: ytype, gridcolor: c.grid, exponentformat: "power" }, hovermode: "x unified" });
    const series = (values, fn = (v) => v) => {
      const pts = decimate(values);
      return { x: pts.map((p) => p[0]), y: pts.map((p) => fn(p[1])) };
    };
    const lossData = lanes.map((lane) => ({ type: "scatter", mode: "lines", name: lane.label, ...series(lane.losses, gap),
      line: { color: lane.color, width: 2.5, dash: lane.dash } }));
    const lrData = lanes.map((lane) => ({ type: "scatter", mode: "lines", name: lane.label, ...series(lane.lrs),
      line: { color: lane.color, width: 2.5, dash: lane.dash, shape: "hv" } }));
    const lrs = lanes.flatMap((l) => l.lrs).filter((v) => v > 0);
    const lrLog = lrs.length && Math.max(...lrs) / Math.min(...lrs) > 50;
    const lrLayout = chart(t("lr_title"), lrLog ? "log" : "linear");
    if (!lrLog && lrs.length) lrLayout.yaxis.range = [0, Math.max(...lrs) * 1.15];
    return Promise.all([
      this.react(this.el.loss, lossData, chart(fstar === null ? t("loss_title_plain") : t("loss_title"), "log")),
      this.react(this.el.lr, lrData, lrLayout),
    ]).then(() => this.moveChartLine(upto));
  }

  /** A playback frame: overlay view moves SVG only; side-by-side and 3-D redraw their paths. */
  moveCursor(upto) {
    this.cursor = upto;
    this.moveChartLine(upto);
    if (this.scene.view === "overlay") {
      this.drawOverlay(upto);
      return Promise.resolve();
    }
    return this.renderMain(upto);
  }

  moveChartLine(upto) {
    for (const [plot, line] of [[this.el.loss, this.el.cursorLoss], [this.el.lr, this.el.cursorLr]]) {
      const xa = plot._fullLayout?.xaxis;
      if (!xa) continue;
      line.style.left = `${xa._offset + xa.l2p(upto)}px`;
      line.style.display = "block";
    }
  }

  react(el, data, layout, config = {}) {
    const done = Plotly.react(el, data, layout, { displaylogo: false, responsive: true, scrollZoom: true,
      modeBarButtonsToRemove: ["lasso2d", "select2d"], ...config });
    if (el === this.el.main && !el._slopesBound) {
      el._slopesBound = true;
      el.addEventListener("click", (event) => this.handleClick(event));
      el.addEventListener("mousemove", (event) => this.readout(event));
      el.addEventListener("mouseleave", () => this.el.readout.classList.remove("on"));
      done.then(() => {
        el.on("plotly_relayouting", () => this.drawOverlay(this.cursor));
        el.on("plotly_relayout", () => this.followZoom());
      });
    }
    return done;
  }

  /** Zoom and pan act on the paths' plot; the contour below takes the same ranges. */
  followZoom() {
    const full = this.el.main._fullLayout;
    if (this.scene?.view !== "overlay" || !full?.xaxis) return;
    const ranges = { "xaxis.range": [...full.xaxis.range], "yaxis.range": [...full.yaxis.range] };
    this._bgKey = null;
    Plotly.relayout(this.el.bg, ranges).then(() => {
      this._bgKey = `${this.scene.surface.id}|${this.scene.theme}|${this.scene.grid.x.length}|${JSON.stringify(ranges["xaxis.range"])}|${JSON.stringify(ranges["yaxis.range"])}`;
    });
    this.drawOverlay(this.cursor);
  }

  /** A click inside the contour's plot area: data coordinates from the axis' pixel mapping. */
  handleClick(event) {
    if (this.scene?.view !== "overlay") return;
    const gd = this.el.main;
    const full = gd._fullLayout;
    if (!full?.xaxis || event.target.closest(".modebar, .legend")) return;
    const box = gd.getBoundingClientRect();
    const px = event.clientX - box.left - full.xaxis._offset;
    const py = event.clientY - box.top - full.yaxis._offset;
    if (px < 0 || py < 0 || px > full.xaxis._length || py > full.yaxis._length) return;
    this.onClick([full.xaxis.p2l(px), full.yaxis.p2l(py)]);
  }
}
