// The Basins view (where every start ends, one map per lane) and the Sweep view (final loss over lr, per lane).
import { t } from "./i18n.js";
import { plain, plotConfig } from "./figure.js";

const BASIN_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"];
// diverged and "no minimum" must stand out from the page: black and white on light, white and grey on dark
const MAP_COLOURS = {
  light: { diverged: "#222222", none: "#ffffff", names: ["colour_black", "colour_white"] },
  dark: { diverged: "#f2f2f2", none: "#6b6b6b", names: ["colour_white", "colour_grey"] },
};

function mapColours(theme) {
  const c = MAP_COLOURS[theme === "dark" ? "dark" : "light"];
  return { ...c, divergedName: t(c.names[0]), noneName: t(c.names[1]) };
}
const MAP_POINT_STEPS = 6e6; // per lane: about a tenth of a second of the engine, so a map follows the sliders

function themeInk(theme) { return theme === "dark" ? "#f1f1f3" : "#1d1d1f"; }

/** One map per lane over a socket that reports progress; a new request cancels the one before. */
/** A map view's own element: its controls (if any), a progress bar and its plot. */
function mapElements(root, id, label, controls = null) {
  const progress = document.createElement("progress");
  progress.className = "map-progress";
  progress.max = 1;
  progress.value = 0;
  progress.hidden = true;
  progress.setAttribute("aria-label", t("computing"));
  const el = document.createElement("div");
  el.className = "plot";
  el.id = id;
  el.setAttribute("role", "figure");
  el.setAttribute("aria-label", label);
  root.replaceChildren(...(controls ? [controls] : []), progress, el);
  return { el, progress };
}

/** A map's title (lane label, then its note) that fits ``px`` pixels: the font shrinks to ``minSize`` at most, then the
 *  label loses its middle ("Momentum (he…ball) lr=0.001"), so titles of a crowded grid never run into each other.
 *  ``family``: the font Plotly draws it in. Returns Plotly annotation text (the label escaped) and its font size. */
let measureCtx = null;
const PLOTLY_FONT = '"Open Sans", verdana, arial, sans-serif';  // Plotly's default: the maps' layouts set none
export function fitTitle(label, note, px, family, size = 15, { mark = "■ ", minSize = 12 } = {}) {
  measureCtx ||= document.createElement("canvas").getContext("2d");
  const width = (text, at) => { measureCtx.font = `${at}px ${family}`; return measureCtx.measureText(text).width; };
  const whole = (l) => `${mark}${l}${note}`;
  let at = size;
  while (at > minSize && width(whole(label), at) > px) at -= 0.5;
  let shown = String(label ?? "");
  if (width(whole(shown), at) > px) {
    const chars = [...shown];
    let keep = chars.length;
    do {
      keep -= 1;
      shown = chars.slice(0, Math.ceil(keep / 2)).join("") + "…" + chars.slice(chars.length - Math.floor(keep / 2)).join("");
    } while (keep > 2 && width(whole(shown), at) > px);
  }
  return { text: plain(shown), size: at };
}

/** The width each column's title may take: up to the next column (the last: to the plot's right edge). */
function titleWidths(layoutWidth, margin, cols, xgap, rightRoom = margin.r) {
  const plotW = Math.max(layoutWidth - margin.l - margin.r, 100);
  const stride = plotW / (cols - xgap);
  const cell = stride * (1 - xgap);
  // 5% slack: the SVG text and the canvas measure may resolve the font list a little differently
  return Array.from({ length: cols }, (_, c) => 0.95 * (c < cols - 1 ? stride - 8 : cell + rightRoom - 4));
}

function elementSize(node) {
  return { width: Math.max(node.clientWidth, 100), height: Math.max(node.clientHeight, 100), autosize: false };
}

class MapView {
  show() { this.root.hidden = false; }
  hide() { this.root.hidden = true; this.seq += 1; this.progress.hidden = true; }
  /** The click handler, installed once on this view's own plot. */
  bind() {
    if (this.bound) return;
    this.bound = true;
    this.el.on("plotly_click", (ev) => this.click(ev));
  }
}

export class BasinView extends MapView {
  constructor({ root, onPick }) {
    super();
    this.root = root;
    Object.assign(this, mapElements(root, "plot-basins", t("view_basins")));
    this.onPick = onPick;
    this.seq = 0;
  }

  click(ev) {
    const p = ev.points?.[0];
    if (p && p.data.type === "heatmap") this.onPick([p.x, p.y]);
  }

  /** Starts per side: as fine as the budget allows for this many steps, 60 to 160. */
  static resolution(steps) {
    return Math.max(60, Math.min(160, Math.round(Math.sqrt(MAP_POINT_STEPS / Math.max(steps, 1)))));
  }

  async render({ surfaceRequest, lanes, surface, theme, steps, n = BasinView.resolution(steps) }) {
    const seq = ++this.seq;
    this.progress.hidden = false;
    this.progress.value = 0;
    const results = [];
    for (let i = 0; i < lanes.length; i++) {
      const lane = lanes[i];
      const body = { ...surfaceRequest, optimizer: lane.optimizer, params: lane.params, steps, n };
      if (lane.schedule) body.schedule = lane.schedule;
      if (lane.switch) body.switch = lane.switch;
      const result = await this.request(body, (done, total) => {
        if (seq === this.seq) this.progress.value = (i + done / Math.max(total, 1)) / lanes.length;
      });
      if (seq !== this.seq) return false;
      results.push(result);
    }
    this.progress.hidden = true;
    await this.draw(results, lanes, surface, theme, steps);
    return seq === this.seq;
  }

  request(body, onProgress) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/basins/ws`);
      ws.onopen = () => ws.send(JSON.stringify(body));
      ws.onmessage = (event) => {
        const frame = JSON.parse(event.data);
        if (frame.type === "progress") onProgress(frame.done, frame.total);
        else { ws.close(); frame.type === "result" ? resolve(frame) : reject(new Error(JSON.stringify(frame.detail))); }
      };
      ws.onerror = () => reject(new Error("basins socket"));
    });
  }

  draw(results, lanes, surface, theme, steps) {
    const n = Math.max(results.length, 1);
    const cols = n <= 2 ? n : n <= 4 ? 2 : n <= 9 ? 3 : 4;
    const rows = Math.ceil(n / cols);
    const m = surface.minima.length;
    // categorical colours: value k in [-2, m-1] -> its own band
    const stops = [];
    const span = m + 2;
    const colours = mapColours(theme);
    const colourOf = (k) => (k === -2 ? colours.diverged : k === -1 ? colours.none : BASIN_COLOURS[k % BASIN_COLOURS.length]);
    for (let k = -2; k < m; k++) {
      const a = (k + 2) / span, b = (k + 3) / span;
      stops.push([a, colourOf(k)], [b, colourOf(k)]);
    }
    const layout = { ...elementSize(this.el), paper_bgcolor: theme === "dark" ? "#1c1d22" : "#ffffff", plot_bgcolor: "rgba(0,0,0,0)",
      font: { color: themeInk(theme), size: 15 }, showlegend: false, margin: { l: 45, r: 10, t: 70, b: 35 },
      title: { text: t("basins_title", { steps, diverged: colours.divergedName, none: colours.noneName }), x: 0.01, xanchor: "left", y: 0.985, yanchor: "top", font: { size: 15 } },
      grid: { rows, columns: cols, pattern: "independent", xgap: 0.06, ygap: rows > 2 ? 0.26 : 0.2 }, annotations: [] };
    const data = [];
    const widths = titleWidths(layout.width, layout.margin, cols, layout.grid.xgap);
    results.forEach((r, i) => {
      const suffix = i === 0 ? "" : String(i + 1);
      layout[`xaxis${suffix}`] = { range: [r.x[0], r.x[r.x.length - 1]], ...(i ? { matches: "x" } : {}) };
      layout[`yaxis${suffix}`] = { range: [r.y[0], r.y[r.y.length - 1]], ...(i ? { matches: "y" } : {}) };
      const axes = { xaxis: `x${suffix}`, yaxis: `y${suffix}` };
      data.push({ type: "heatmap", ...axes, x: r.x, y: r.y, z: r.basin, zmin: -2.5, zmax: m - 0.5, colorscale: stops,
        showscale: false, customdata: r.steps_to_converge,
        hovertemplate: `x %{x:.3f}<br>y %{y:.3f}<br>${t("basin")} %{z}<br>${t("steps_to_converge")} %{customdata}<extra></extra>` });
      data.push({ type: "scatter", mode: "markers", ...axes, x: r.minima.map((q) => q.point[0]), y: r.minima.map((q) => q.point[1]),
        marker: { symbol: "star", size: 15, color: "#ffffff", line: { color: "#000000", width: 1.5 } },
        hoverinfo: "skip" });
      const counts = r.basin.flat().reduce((acc, k) => { acc[k] = (acc[k] || 0) + 1; return acc; }, {});
      const share = (counts[-2] || 0) / r.basin.flat().length * 100;
      const diverged = share > 0 && share < 1 ? "<1" : share.toFixed(0);
      const note = counts[-2] ? ` · ${t("diverged_share", { pct: diverged })}` : "";
      const title = fitTitle(lanes[i].label, note, widths[i % cols], PLOTLY_FONT);
      layout.annotations.push({ text: `<b style="color:${lanes[i].color}">■</b> ${title.text}${plain(note)}`, showarrow: false,
        font: { size: title.size }, hovertext: plain(lanes[i].label),
        xref: `x${suffix} domain`, yref: `y${suffix} domain`, x: 0, y: 1.02, xanchor: "left", yanchor: "bottom" });
    });
    this.results = results;
    return Plotly.react(this.el, data, layout, plotConfig()).then(() => this.bind());
  }
}

/** The second axis of a phase map, per optimizer: the momentum-like parameter and its sensible range. */
const PHASE_AXIS = {
  momentum: ["momentum", 0.05, 0.99], nesterov: ["momentum", 0.05, 0.99], rmsprop: ["alpha", 0.5, 0.999],
  adadelta: ["rho", 0.5, 0.999], adam: ["betas[0]", 0.0, 0.99], adamw: ["betas[0]", 0.0, 0.99],
  nadam: ["betas[0]", 0.0, 0.99], adamax: ["betas[0]", 0.0, 0.99],
};
const LR_AXIS = { param: "lr", min: 1e-4, max: 3, scale: "log" };
// viridis without its darkest quarter, low loss bright: the diverged colour never looks like one of the scale
const PHASE_COLOURS = [[0, "#fde725"], [0.25, "#7ad151"], [0.5, "#22a884"], [0.75, "#2a788e"], [1, "#3b528b"]];

function paramValue(params, name) {
  return name.startsWith("betas[") ? params.betas?.[Number(name[6])] : params[name];
}

/** Final loss over a log sweep of lr, one curve per lane, the current lr marked; a click adopts an lr.
 * As a phase map (``axes: "lr_momentum"``): one heatmap per lane over lr x its momentum-like parameter. */
export class SweepView extends MapView {
  constructor({ root, controls, onPick }) {
    super();
    this.root = root;
    Object.assign(this, mapElements(root, "plot-sweep", t("view_sweep"), controls));
    this.onPick = onPick;
    this.seq = 0;
  }

  click(ev) {
    const p = ev.points?.[0];
    if (!p || p.customdata === undefined || p.customdata === null) return;
    const [lane, param] = Array.isArray(p.customdata) ? p.customdata : [p.customdata, null];
    this.onPick(lane, p.x, param ? { [param]: p.y } : {});
  }

  static sweepRequest(surfaceRequest, lane, steps, n = 31, y = null) {
    return { ...surfaceRequest, optimizer: lane.optimizer, params: lane.params, steps,
      ...(lane.schedule ? { schedule: lane.schedule } : {}), x: { ...LR_AXIS, n },
      ...(y ? { y: { param: y[0], min: y[1], max: y[2], n: 21, scale: "linear" } } : {}) };
  }

  static async sweepLane(surfaceRequest, lane, steps, n = 31, y = null) {
    const res = await fetch("/api/sweeps", { method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify(SweepView.sweepRequest(surfaceRequest, lane, steps, n, y)) });
    if (!res.ok) return null;
    return res.json();
  }

  static phaseAxis(lane) { return PHASE_AXIS[lane.optimizer] || null; }

  async render({ surfaceRequest, lanes, theme, steps, fstar, axes = "lr" }) {
    const seq = ++this.seq;
    this.progress.hidden = false;
    const phase = axes === "lr_momentum";
    const sweepable = lanes.filter((l) => "lr" in l.params && (!phase || SweepView.phaseAxis(l)));
    const results = await Promise.all(sweepable.map((l) => SweepView.sweepLane(surfaceRequest, l, steps, 31,
      phase ? SweepView.phaseAxis(l) : null)));
    if (seq !== this.seq) return false;
    this.progress.hidden = true;
    const gap = (v) => (v === null ? null : Math.max(fstar === null ? v : v - fstar, 1e-16));
    const { data, layout } = phase ? this.phaseFigure(results, sweepable, lanes, theme, steps, gap)
      : this.curveFigure(results, sweepable, lanes, theme, steps, gap);
    await Plotly.react(this.el, data, { ...layout, ...elementSize(this.el) }, plotConfig());
    this.bind();
    this.results = results;
    return seq === this.seq;
  }

  curveFigure(results, sweepable, lanes, theme, steps, gap) {
    const data = [];
    const finite = results.flatMap((r) => (r ? r.final_loss.filter((v) => v !== null).map(gap) : []));
    const top = finite.length ? Math.max(...finite) * 30 : 1;  // diverged crosses above the curves, one row per lane
    // (lane i at top · 2.2^i on the log axis), so two lanes diverging at one lr do not hide each other
    results.forEach((r, i) => {
      if (!r) return;
      const lane = sweepable[i];
      const lrs = r.axes[0].values;
      data.push({ type: "scatter", mode: "lines+markers", name: plain(lane.label), x: lrs, y: r.final_loss.map(gap),
        line: { color: lane.color, width: 3, dash: lane.dash }, marker: { size: 7, color: lane.color },
        customdata: lrs.map(() => lanes.indexOf(lane)),
        hovertemplate: `${plain(lane.label)}<br>lr %{x:.3g}<br>f − f* %{y:.3g}<extra></extra>` });
      const diverged = lrs.filter((_, k) => r.diverged[k]);
      if (diverged.length) data.push({ type: "scatter", mode: "markers", showlegend: false, x: diverged,
        y: diverged.map(() => top * 2.2 ** i), marker: { symbol: "x-thin", size: 11, line: { width: 3, color: lane.color } },
        hovertemplate: `${plain(lane.label)}<br>lr %{x:.3g}: ${t("diverged")}<extra></extra>` });
      const cur = lane.params.lr;
      data.push({ type: "scatter", mode: "markers", showlegend: false, x: [cur], y: [gap(nearestValue(lrs, r.final_loss, cur))],
        marker: { size: 16, symbol: "diamond", color: lane.color, line: { width: 2, color: themeInk(theme) } },
        hovertemplate: `${plain(lane.label)}: ${t("current_setting")} lr=${cur}<extra></extra>` });
    });
    const layout = { ...baseLayout(theme), margin: { l: 90, r: 20, t: 44, b: 100 },
      xaxis: { type: "log", title: { text: "lr" } },
      yaxis: { type: "log", title: { text: t("sweep_y"), standoff: 12 }, exponentformat: "power" },
      // the legend under the plot, the title above it: neither hides the other
      showlegend: true, legend: { orientation: "h", x: 0, xanchor: "left", yref: "container", y: 0.01, yanchor: "bottom", font: { size: 15 } },
      title: { text: t("sweep_title", { steps }) + (data.some((d) => d.marker?.symbol === "x-thin") ? ` · × ${t("diverged")}` : ""),
        x: 0.01, xanchor: "left", y: 0.985, yanchor: "top", font: { size: 16 } } };
    return { data, layout };
  }

  phaseFigure(results, sweepable, lanes, theme, steps, gap) {
    const shown = results.map((r, i) => [r, sweepable[i]]).filter(([r]) => r);
    const n = Math.max(shown.length, 1);
    const cols = n <= 2 ? n : n <= 4 ? 2 : 3;
    const rows = Math.ceil(n / cols);
    const logs = shown.flatMap(([r]) => r.final_loss.flat().filter((v) => v !== null).map((v) => Math.log10(gap(v))));
    const zmin = logs.length ? Math.min(...logs) : -16, zmax = logs.length ? Math.max(...logs) : 1;
    const crowded = cols > 2;  // three columns: smaller ticks, axis titles on the outer maps only
    const layout = { ...baseLayout(theme), margin: { l: 70, r: 100, t: 84, b: 50 },
      grid: { rows, columns: cols, pattern: "independent", xgap: crowded ? 0.12 : 0.16, ygap: rows > 2 ? 0.42 : 0.3 }, annotations: [],
      title: { text: t("phase_title", { steps, diverged: mapColours(theme).divergedName }), x: 0.01, xanchor: "left", y: 0.985, yanchor: "top", font: { size: 16 } } };
    const data = [];
    const widths = titleWidths(this.el.clientWidth || 800, layout.margin, cols, layout.grid.xgap, 0);  // the colour bar is at the right
    const tickfont = crowded ? { size: 12 } : {};
    shown.forEach(([r, lane], i) => {
      const suffix = i === 0 ? "" : String(i + 1);
      const axes = { xaxis: `x${suffix}`, yaxis: `y${suffix}` };
      const [param] = SweepView.phaseAxis(lane);
      const xs = r.axes[0].values, ys = r.axes[1].values;
      const bottom = i + cols >= shown.length, left = i % cols === 0;
      layout[`xaxis${suffix}`] = { type: "log", title: { text: !crowded || bottom ? "lr" : "", standoff: 4 }, tickfont,
        ...(crowded ? { nticks: 4, tickangle: 0 } : {}) };
      layout[`yaxis${suffix}`] = { title: { text: !crowded || left ? param : "", standoff: 4 }, tickfont,
        ...(crowded ? { nticks: 3 } : {}) };
      const laneIndex = lanes.indexOf(lane);
      const custom = ys.map(() => xs.map(() => [laneIndex, param]));
      data.push({ type: "heatmap", ...axes, x: xs, y: ys, customdata: custom, zmin, zmax, colorscale: PHASE_COLOURS,
        showscale: i === 0, colorbar: { title: { text: "log₁₀(f − f*)", side: "right" }, len: 0.9, x: 1.02, xanchor: "left", thickness: 18 },
        z: r.final_loss.map((row) => row.map((v) => (v === null ? null : Math.log10(gap(v))))),
        hovertemplate: `lr %{x:.3g}<br>${param} %{y:.3g}<br>log₁₀(f − f*) %{z:.2f}<extra>${plain(lane.label)}</extra>` });
      data.push({ type: "heatmap", ...axes, x: xs, y: ys, customdata: custom, showscale: false, hoverinfo: "skip",
        z: r.diverged.map((row) => row.map((d) => (d ? 1 : null))), colorscale: [[0, mapColours(theme).diverged], [1, mapColours(theme).diverged]] });
      data.push({ type: "scatter", mode: "markers", ...axes, showlegend: false, x: [lane.params.lr],
        y: [paramValue(lane.params, param)],
        marker: { size: 16, symbol: "diamond", color: lane.color, line: { width: 2, color: "#ffffff" } },
        hovertemplate: `${plain(lane.label)}: ${t("current_setting")}<extra></extra>` });
      const title = fitTitle(lane.label, "", widths[i % cols], FONT_FAMILY, 16);
      const best = r.best ? `${t("best_cell")}: lr=${r.best.lr.toPrecision(2)}, ${param}=${r.best[param].toPrecision(2)}` : "";
      const bestFit = best ? fitTitle(best, "", widths[i % cols], FONT_FAMILY, 13, { mark: "", minSize: 10.5 }) : null;
      layout.annotations.push({ text: `<b style="color:${lane.color}">■</b> ${title.text}` + (bestFit
        ? `<br><span style="font-size:${Math.min(bestFit.size, 13)}px">${bestFit.text}</span>` : ""),
        font: { size: title.size }, hovertext: plain(lane.label),
        showarrow: false, align: "left", xref: `x${suffix} domain`, yref: `y${suffix} domain`, x: 0, y: 1.02,
        xanchor: "left", yanchor: "bottom" });
    });
    if (!shown.length) {  // the message alone: no empty axes behind it
      layout.annotations.push({ text: t("phase_none"), showarrow: false, xref: "paper", yref: "paper", x: 0.5, y: 0.5 });
      layout.xaxis = { visible: false };
      layout.yaxis = { visible: false };
    }
    return { data, layout };
  }
}

const FONT_FAMILY = PLOTLY_FONT;  // the sweep's layouts set no family either

function baseLayout(theme) {
  return { paper_bgcolor: theme === "dark" ? "#1c1d22" : "#ffffff", plot_bgcolor: "rgba(0,0,0,0)",
    font: { color: themeInk(theme), size: 16 } };
}

function nearestValue(xs, ys, x) {
  let best = 0;
  xs.forEach((v, k) => { if (Math.abs(Math.log(v) - Math.log(x)) < Math.abs(Math.log(xs[best]) - Math.log(x))) best = k; });
  return ys[best];
}
