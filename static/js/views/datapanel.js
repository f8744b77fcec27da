// The data panel of a loss landscape: the data set and each lane's current model (line or classifier).
import { t } from "../i18n.js";
import { plain, plotConfig } from "../figure.js";

/** Shown on data-set surfaces only, beside the charts. */
export class DataPanel {
  constructor({ root, plot }) { Object.assign(this, { root, plot }); }

  render(scene, cursor = scene.cursor) {
    const dataset = !!scene.surface.dataset;
    this.root.hidden = !dataset;
    if (dataset) return renderDataPanel(this.plot, scene.surface, scene.lanes, cursor, scene.theme);
    return Promise.resolve();
  }

  moveCursor(scene, cursor) { return scene.surface.dataset ? this.render(scene, cursor) : Promise.resolve(); }
}

function renderDataPanel(el, surface, lanes, cursor, theme) {
  const data = surface.dataset;
  const ink = theme === "dark" ? "#f1f1f3" : "#1d1d1f";
  const paper = theme === "dark" ? "#1c1d22" : "#ffffff";
  const xs = data.x;
  const lo = Math.min(...xs) - 0.3, hi = Math.max(...xs) + 0.3;
  const grid = Array.from({ length: 60 }, (_, k) => lo + ((hi - lo) * k) / 59);
  const traces = [];
  const classification = data.kind === "classification";
  traces.push({ type: "scatter", mode: "markers", x: xs, y: classification ? data.y : data.y, hoverinfo: "x+y",
    marker: { size: 9, color: classification ? data.y.map((v) => (v ? "#D55E00" : "#0072B2")) : ink, opacity: 0.75,
      symbol: classification ? data.y.map((v) => (v ? "triangle-up" : "circle")) : "circle" }, showlegend: false });
  for (const lane of lanes) {
    const p = lane.points[Math.min(cursor, lane.points.length - 1)];
    if (!p) continue;
    const [w, b] = p;
    let y;
    if (!classification) y = grid.map((x) => w * x + b);
    else if (surface.loss === "ce") y = grid.map((x) => 1 / (1 + Math.exp(-(w * x + b))));
    else y = grid.map((x) => Math.max(-0.25, Math.min(1.25, 0.5 + 0.5 * (w * x + b) / 2)));
    traces.push({ type: "scatter", mode: "lines", x: grid, y, name: plain(lane.label), showlegend: false,
      line: { color: lane.color, width: 3, dash: lane.dash }, hoverinfo: "name" });
    if (classification && Math.abs(w) > 1e-9) {
      const boundary = -b / w;
      if (boundary > lo && boundary < hi) traces.push({ type: "scatter", mode: "lines", x: [boundary, boundary], y: [-0.2, 1.2],
        line: { color: lane.color, width: 2, dash: "dot" }, showlegend: false, hoverinfo: "skip" });
    }
  }
  const layout = { width: Math.max(el.clientWidth, 100), height: Math.max(el.clientHeight, 100), autosize: false, paper_bgcolor: paper, plot_bgcolor: paper, font: { color: ink, size: 14 }, showlegend: false,
    margin: { l: 50, r: 10, t: 34, b: 42 }, title: { text: t(classification ? "data_title_class" : "data_title"), x: 0.02, font: { size: 16 } },
    xaxis: { range: [lo, hi], title: { text: "x" } },
    yaxis: classification ? { range: [-0.25, 1.25], title: { text: "y" } }
      : { range: [Math.min(...data.y) - 1, Math.max(...data.y) + 1], title: { text: "y" } } };
  return Plotly.react(el, traces, layout, plotConfig());
}
