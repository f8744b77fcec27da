// Sweep: the final loss over a log sweep of lr, one curve per lane (or, as a phase map, one heatmap per lane over lr
// and its momentum-like parameter); a click adopts an lr. Tune lr gives each lane the lr of its lowest final loss.
import { plain, plotConfig } from "../figure.js";
import { t } from "../i18n.js";
import { elementSize, fitTitle, mapColours, mapLayout as baseLayout, MapView, PLOTLY_FONT, themeInk, titleWidths } from "./mapview.js";

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
  constructor({ root, store, controls }) {
    super({ root, id: "plot-sweep", label: t("view_sweep"), controls });
    this.store = store;
  }

  /** A click on a curve's point (or a phase map's cell) gives its lane that lr (and that momentum-like value). */
  click(ev) {
    const p = ev.points?.[0];
    if (!p || p.customdata === undefined || p.customdata === null) return;
    const [laneIndex, param] = Array.isArray(p.customdata) ? p.customdata : [p.customdata, null];
    const state = this.store.get();
    const lane = state.optimizers[laneIndex];
    if (!lane) return;
    lane.params.lr = +p.x.toPrecision(3);
    if (param?.startsWith("betas[")) {
      const betas = [...(lane.params.betas || [0.9, 0.999])];
      betas[Number(param[6])] = +p.y.toPrecision(3);
      lane.params.betas = betas;
    } else if (param) lane.params[param] = +p.y.toPrecision(3);
    this.store.update({ optimizers: state.optimizers, view: { tuned: false } }, "sweep");
  }

  static sweepRequest(surfaceRequest, lane, steps, n = 31, y = null) {
    return { ...surfaceRequest, optimizer: lane.optimizer, params: lane.params, steps, ...(lane.rule ? { rule: lane.rule } : {}),
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

  keyOf(scene) { return JSON.stringify([scene.sweepAxes, scene.requestKey, scene.theme, scene.lang, scene.size]); }

  async compute({ surfaceRequest, start, mapLanes: lanes, theme, steps, fstar, sweepAxes: axes }, seq) {
    surfaceRequest = { ...surfaceRequest, start };
    steps = Math.max(1, steps);
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

function nearestValue(xs, ys, x) {
  let best = 0;
  xs.forEach((v, k) => { if (Math.abs(Math.log(v) - Math.log(x)) < Math.abs(Math.log(xs[best]) - Math.log(x))) best = k; });
  return ys[best];
}

/** The fairness helper: each lane gets the lr with the lowest final loss from a log sweep (``surfaceRequest``: the run
 *  request without its lanes, steps and start). */
export async function tuneLearningRates(store, surfaceRequest, start) {
  const state = store.get();
  const results = await Promise.all(state.optimizers.map((lane) => ("lr" in lane.params
    ? SweepView.sweepLane({ ...surfaceRequest, start }, lane, Math.max(1, state.steps)) : null)));
  results.forEach((r, i) => { if (r?.best) state.optimizers[i].params.lr = +r.best.lr.toPrecision(3); });
  store.update({ optimizers: state.optimizers, view: { tuned: true } }, "tune");
}
