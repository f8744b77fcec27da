// The loss and learning-rate charts under the trajectory views, with a cursor line at the shown step.
import { nextTask } from "../dom.js";
import { t } from "../i18n.js";
import { baseLayout, plain, plotConfig, themeColors } from "../figure.js";

const MAX_CHART_POINTS = 800;
const MARGIN = { l: 70, r: 15, t: 34, b: 42 };

function decimate(values, fn) {
  const stride = Math.max(1, Math.ceil(values.length / MAX_CHART_POINTS));
  const x = [], y = [];
  for (let k = 0; k < values.length; k += stride) { x.push(k); y.push(fn(values[k])); }
  if (values.length && x[x.length - 1] !== values.length - 1) { x.push(values.length - 1); y.push(fn(values[values.length - 1])); }
  return { x, y };
}

/** A lane's f*: the value of the global minimum it is judged by (its own objective's: ``minimum`` as the server echoes
 *  it, null for a loss with none, such as cross-entropy on separable data), else the surface's. */
function laneFstar(lane, fstar) { return "minimum" in lane ? lane.minimum?.value ?? null : fstar ?? null; }

/** What the loss chart plots: each lane's f − f* (its own f*) on a log axis when a lane has an f*, f itself for a lane
 *  without one; with no f* at all, f, on a log axis only when f stays positive. ``fn(lane)`` maps a lane's losses. */
export function lossAxis(lanes, fstar) {
  const own = lanes.map((l) => laneFstar(l, fstar));
  const positive = lanes.every((l, i) => own[i] !== null || l.losses.every((v) => v === null || v > 0));
  if (own.some((f) => f !== null) && positive) {
    return { title: t("loss_title"), type: "log", key: "gap",
      fn: (lane) => { const f = laneFstar(lane, fstar); return f === null ? (v) => v : (v) => Math.max(v - f, 1e-16); } };
  }
  if (own.every((f) => f === null) && positive) return { title: t("loss_title_plain"), type: "log", fn: () => (v) => v, key: "log" };
  return { title: t("loss_title_linear"), type: "linear", fn: () => (v) => v, key: "linear" };
}

export class Charts {
  constructor({ root }) {
    this.root = root;
    this.loss = root.querySelector("#plot-loss");
    this.lr = root.querySelector("#plot-lr");
    this.cursorLoss = root.querySelector("#cursor-loss");
    this.cursorLr = root.querySelector("#cursor-lr");
    this.axes = {};
  }

  /** The loss and lr charts; ``inTurns``: each in a task of its own (a first drawing, not a stream's growth). */
  async render(scene, inTurns = false) {
    const { lanes, fstar, theme } = scene;
    this.root.classList.toggle("with-data", !!scene.surface.dataset);  // the data panel takes a third of the row
    const c = themeColors(theme);
    const size = (node) => ({ width: Math.max(node.clientWidth, 100), height: Math.max(node.clientHeight, 100), autosize: false });
    // a power label (10⁻²) is about 30 px tall: at most one label per 30 px of a short chart's axis, or they collide
    const room = (node) => Math.max(2, Math.floor((size(node).height - MARGIN.t - MARGIN.b) / 30));
    const chart = (title, ytype, node) => ({ ...baseLayout(theme), ...size(node), margin: MARGIN,
      title: { text: title, font: { size: 15 }, x: 0.02, y: 0.97, yanchor: "top" },
      xaxis: { title: { text: t("step_axis"), standoff: 4 }, gridcolor: c.grid, zeroline: false },
      yaxis: { type: ytype, gridcolor: c.grid, exponentformat: "power", nticks: room(node) }, hovermode: "x unified" });
    // on a log axis Plotly labels the 2s and 5s between decades when it may: whole decades, as many as fit
    const decades = (layout, data, node) => {
      let lo = Infinity, hi = -Infinity;
      for (const d of data) for (const v of d.y) if (v > 0 && Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
      if (!(hi > 0)) return layout;
      layout.yaxis.dtick = Math.max(1, Math.ceil((Math.log10(hi) - Math.log10(lo) + 0.2) / room(node)));
      return layout;
    };
    const axis = lossAxis(lanes, fstar);
    const lossData = lanes.map((lane) => ({ type: "scatter", mode: "lines", name: plain(lane.label), ...decimate(lane.losses, axis.fn(lane)),
      line: { color: lane.color, width: 2.5, dash: lane.dash } }));
    // a search (random search: no lr, its lrs all 0) has no learning rate to draw: it is left out of that chart
    const withLr = lanes.filter((lane) => "lr" in (lane.params || {}) || lane.lrs.some((v) => v !== 0));
    const lrData = withLr.map((lane) => ({ type: "scatter", mode: "lines", name: plain(lane.label), ...decimate(lane.lrs, (v) => v),
      line: { color: lane.color, width: 2.5, dash: lane.dash, shape: "hv" } }));
    let lo = Infinity, hi = -Infinity;
    for (const l of withLr) for (const v of l.lrs) if (v > 0) { if (v < lo) lo = v; if (v > hi) hi = v; }
    const lrLog = hi > 0 && hi / lo > 50;
    const lrLayout = chart(t("lr_title"), lrLog ? "log" : "linear", this.lr);
    if (!lrLog && hi > 0) lrLayout.yaxis.range = [0, hi * 1.15];
    if (lrLog) decades(lrLayout, lrData, this.lr);
    this.lossKind = axis.key;
    this.maxStep = Math.max(1, ...lanes.map((l) => l.points.length - 1));
    const lossLayout = axis.type === "log" ? decades(chart(axis.title, "log", this.loss), lossData, this.loss)
      : chart(axis.title, axis.type, this.loss);
    if (!inTurns) {
      return Promise.all([Plotly.react(this.loss, lossData, lossLayout, plotConfig()), Plotly.react(this.lr, lrData, lrLayout, plotConfig())])
        .then(() => this.moveCursor(scene.cursor));
    }
    await Plotly.react(this.loss, lossData, lossLayout, plotConfig());
    await nextTask();
    await Plotly.react(this.lr, lrData, lrLayout, plotConfig());
    this.moveCursor(scene.cursor);
  }

  /** The dotted line at the shown step, placed from the x axis' range and the plot's fixed margins. */
  moveCursor(upto) {
    for (const [plot, line] of [[this.loss, this.cursorLoss], [this.lr, this.cursorLr]]) {
      const range = plot.layout?.xaxis?.range;
      const w = plot.clientWidth - MARGIN.l - MARGIN.r;
      if (!range || !(w > 0)) continue;
      const frac = (upto - range[0]) / (range[1] - range[0]);
      line.style.left = `${MARGIN.l + Math.max(0, Math.min(1, frac)) * w}px`;
      line.style.display = "block";
    }
  }
}
