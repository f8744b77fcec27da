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

export class Figures {
  constructor({ main, loss, lr, onClick }) {
    this.el = { main, loss, lr };
    this.onClick = onClick;
    this.cursorTraces = [];
    this.bound = false;
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

  laneTraces(lane, i, upto, axes = {}, legend = true) {
    const n = Math.min(upto + 1, lane.points.length);
    const pts = lane.points.slice(0, n);
    const cur = pts[pts.length - 1] || this.scene.start;
    const traces = [{
      type: "scatter", mode: "lines", name: lane.label, legendgroup: `l${i}`, showlegend: legend, ...axes,
      x: pts.map((p) => p[0]), y: pts.map((p) => p[1]),
      line: { color: lane.color, width: 3.5, dash: lane.dash },
      hovertemplate: `${lane.label}<br>x %{x:.4f}<br>y %{y:.4f}<extra></extra>`,
    }, {
      type: "scatter", mode: "markers", name: lane.label, legendgroup: `l${i}`, showlegend: false, ...axes,
      x: [cur[0]], y: [cur[1]], hoverinfo: "skip",
      marker: { size: 15, color: lane.color, line: { color: themeColors(this.scene.theme).paper, width: 2.5 },
        symbol: lane.status === "diverged" && n === lane.points.length ? "x" : "circle" },
    }];
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
    return { xaxis: ax(surface.domain.x, "x"), yaxis: ax(surface.domain.y, "y") };
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

  renderMain(upto) {
    const { view } = this.scene;
    if (view === "3d") return this.render3d(upto);
    if (view === "side") return this.renderSide(upto);
    const data = [this.contourTrace(), ...this.markerTraces()];
    this.cursorTraces = [];
    this.scene.lanes.forEach((lane, i) => {
      const traces = this.laneTraces(lane, i, upto);
      this.cursorTraces.push({ lane: i, index: data.length, axes: {} });
      data.push(...traces);
    });
    const layout = { ...baseLayout(this.scene.theme), ...this.axesLayout(), annotations: this.arrowAnnotations(upto),
      uirevision: this.scene.surface.id, hovermode: "closest", dragmode: "pan" };
    return this.react(this.el.main, data, layout);
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
    this.cursorTraces = [];
    lanes.forEach((lane, i) => {
      const suffix = i === 0 ? "" : String(i + 1);
      const axes = { xaxis: `x${suffix}`, yaxis: `y${suffix}` };
      const { xaxis, yaxis } = this.axesLayout(i === 0 ? {} : {});
      const bottomRow = Math.floor(i / cols) === rows - 1 || i + cols >= n;
      layout[`xaxis${suffix}`] = { ...xaxis, title: { text: "" }, showticklabels: bottomRow, ...(i ? { matches: "x" } : {}) };
      layout[`yaxis${suffix}`] = { ...yaxis, title: { text: "" }, ...(i ? { matches: "y" } : {}) };
      data.push(this.contourTrace(axes), ...this.markerTraces(axes, false));
      this.cursorTraces.push({ lane: i, index: data.length, axes });
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
    this.cursorTraces = [];
    lanes.forEach((lane, i) => {
      const n = Math.min(upto + 1, lane.points.length);
      const z = lane.losses.slice(0, n).map((v) => colour.fn(v));
      this.cursorTraces.push({ lane: i, index: data.length, three: true });
      data.push({ type: "scatter3d", mode: "lines", name: lane.label, x: lane.points.slice(0, n).map((p) => p[0]),
        y: lane.points.slice(0, n).map((p) => p[1]), z, line: { color: lane.color, width: 7 } });
      data.push({ type: "scatter3d", mode: "markers", showlegend: false, name: lane.label,
        x: [lane.points[n - 1]?.[0]], y: [lane.points[n - 1]?.[1]], z: [z[n - 1]],
        marker: { size: 6, color: lane.color, line: { color: c.paper, width: 1 } } });
    });
    const layout = { ...baseLayout(theme), uirevision: this.scene.surface.id,
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
    const line = (x) => ({ type: "line", x0: x, x1: x, yref: "paper", y0: 0, y1: 1, line: { color: c.mark, width: 1.5, dash: "dot" } });
    const chart = (title, ytype) => ({ ...baseLayout(theme), showlegend: false, margin: { l: 70, r: 15, t: 36, b: 45 },
      title: { text: title, font: { size: 16 }, x: 0.02 }, xaxis: { title: { text: t("step_axis") }, gridcolor: c.grid },
      yaxis: { type: ytype, gridcolor: c.grid, exponentformat: "power" }, shapes: [line(upto)], hovermode: "x unified" });
    const lossData = lanes.map((lane) => ({ type: "scatter", mode: "lines", name: lane.label,
      x: lane.losses.map((_, k) => k), y: lane.losses.map(gap), line: { color: lane.color, width: 2.5, dash: lane.dash } }));
    const lrData = lanes.map((lane) => ({ type: "scatter", mode: "lines", name: lane.label,
      x: lane.lrs.map((_, k) => k), y: lane.lrs, line: { color: lane.color, width: 2.5, dash: lane.dash, shape: "hv" } }));
    const lrs = lanes.flatMap((l) => l.lrs).filter((v) => v > 0);
    const lrLog = lrs.length && Math.max(...lrs) / Math.min(...lrs) > 50;
    return Promise.all([
      this.react(this.el.loss, lossData, chart(fstar === null ? t("loss_title_plain") : t("loss_title"), "log")),
      this.react(this.el.lr, lrData, chart(t("lr_title"), lrLog ? "log" : "linear")),
    ]);
  }

  /** A playback frame: move every lane's path end and marker, and the charts' step line. */
  moveCursor(upto) {
    const { lanes } = this.scene;
    if (this.scene.arrows || this.scene.view === "3d") return this.renderMain(upto).then(() => this.moveChartLine(upto));
    const xs = [], ys = [], idx = [];
    for (const { lane, index } of this.cursorTraces) {
      const l = lanes[lane];
      const n = Math.min(upto + 1, l.points.length);
      const pts = l.points.slice(0, n);
      const cur = pts[n - 1];
      xs.push(pts.map((p) => p[0]), [cur[0]]);
      ys.push(pts.map((p) => p[1]), [cur[1]]);
      idx.push(index, index + 1);
    }
    const moves = idx.length ? Plotly.restyle(this.el.main, { x: xs, y: ys }, idx) : Promise.resolve();
    return moves.then(() => this.moveChartLine(upto));
  }

  moveChartLine(upto) {
    const update = { "shapes[0].x0": upto, "shapes[0].x1": upto };
    return Promise.all([Plotly.relayout(this.el.loss, update), Plotly.relayout(this.el.lr, update)]);
  }

  react(el, data, layout) {
    const done = Plotly.react(el, data, layout, { displaylogo: false, responsive: true, scrollZoom: true,
      modeBarButtonsToRemove: ["lasso2d", "select2d"] });
    if (el === this.el.main && !el._slopesClick) {
      el._slopesClick = true;
      el.addEventListener("click", (event) => this.handleClick(event));
    }
    return done;
  }

  /** A click inside the contour's plot area: data coordinates from the axis' pixel mapping. */
  handleClick(event) {
    if (this.scene?.view !== "overlay") return;
    const gd = this.el.main;
    const full = gd._fullLayout;
    if (!full?.xaxis || event.target.closest(".modebar, .legend")) return;
    const box = gd.querySelector(".nsewdrag")?.getBoundingClientRect() || gd.getBoundingClientRect();
    const px = event.clientX - box.left;
    const py = event.clientY - box.top;
    if (px < 0 || py < 0 || px > box.width || py > box.height) return;
    this.onClick([full.xaxis.p2c(px), full.yaxis.p2c(py)]);
  }
}
