// Side by side: one contour per lane, each with its path up to the cursor. The columns are chosen for the largest
// panels that fit the view (the view scrolls only when they would be under MIN_PANEL px), and with equal axes each
// panel's box is fitted to the panel's own aspect (as the overlay does).
import { axisRanges, baseLayout, contourTrace, markerTraces, pathTrace, plain, plotConfig, themeColors } from "../figure.js";
import { t } from "../i18n.js";
import { el } from "../dom.js";
import { DOMAIN_PAD } from "./overlay.js";
import { View } from "./view.js";

const MIN_PANEL = 180;  // px: a panel's plot area, on its short side, below which the view scrolls
const MARGIN = { l: 48, r: 12, t: 34, b: 34 };
const XGAP = 0.1, YGAP_PX = 62;  // between panels: a fraction of a cell's width; px between rows (titles and ticks)

/** Columns and rows for ``n`` panels in ``W`` x ``H`` px, and the plot's height (more than H: the view scrolls).
 *  The columns that give the largest panels within the view; only when even those would be under MIN_PANEL on their
 *  short side (many lanes on a small screen) does the view scroll, with rows MIN_PANEL tall. */
export function gridShape(n, W, H) {
  const inner = (px, k, gap) => (px * (1 - gap)) / (k - gap);  // one cell's plot area (Plotly's grid)
  const shape = (cols) => {
    const rows = Math.ceil(n / cols);
    const w = inner(W - MARGIN.l - MARGIN.r, cols, cols > 1 ? XGAP : 0);
    return { cols, rows, w, h: (H - MARGIN.t - MARGIN.b - (rows - 1) * YGAP_PX) / rows };
  };
  const shapes = Array.from({ length: Math.min(n, 4) }, (_, k) => shape(k + 1));
  const best = shapes.reduce((a, b) => (Math.min(b.w, b.h) > Math.min(a.w, a.h) ? b : a));
  if (Math.min(best.w, best.h) >= MIN_PANEL) return { cols: best.cols, rows: best.rows, height: H, panel: { w: best.w, h: best.h } };
  // scrolling: the widest panels that keep MIN_PANEL across, each row MIN_PANEL tall (or as wide as a panel)
  const wide = shapes.filter((s) => s.w >= MIN_PANEL).pop() || shapes[0];
  const rowH = Math.min(MIN_PANEL + 10, wide.w);
  return { cols: wide.cols, rows: wide.rows, panel: { w: wide.w, h: rowH },
    height: Math.max(H, Math.ceil(rowH * wide.rows + (wide.rows - 1) * YGAP_PX + MARGIN.t + MARGIN.b)) };
}

export class SideView extends View {
  /** ``cover(land, box)``: the landscape with a grid over ``box`` (the panels' axes may reach past its own grid). */
  constructor({ root, cover = (land) => land }) {
    super(root);
    this.cover = cover;
    this.plot = el("div", { class: "plot", id: "plot-side", role: "figure", "aria-label": t("view_side") });
    root.replaceChildren(this.plot);
    root.classList.add("view-scroll");
  }

  render(scene, upto = scene.cursor) {
    this.scene = scene;
    const lanes = scene.lanes;
    const n = Math.max(lanes.length, 1);
    const W = this.root.clientWidth, H = this.root.clientHeight;
    const { cols, rows, height, panel } = gridShape(n, W, H);
    this.plot.style.height = `${height}px`;
    const c = themeColors(scene.theme);
    const ygap = rows > 1 ? (YGAP_PX * rows) / (height - MARGIN.t - MARGIN.b) : 0;  // Plotly's gap: a fraction of a cell
    const layout = { ...baseLayout(scene.theme), width: Math.max(W, 100), height, autosize: false, hovermode: "closest",
      grid: { rows, columns: cols, pattern: "independent", xgap: XGAP, ygap }, annotations: [], margin: MARGIN };
    const ranges = axisRanges(scene.zoom || scene.surface.domain, panel.w, panel.h, scene.equal, scene.zoom ? 0 : DOMAIN_PAD);
    const land = this.cover(scene.land, ranges);
    const data = [];
    lanes.forEach((lane, i) => {
      const suffix = i === 0 ? "" : String(i + 1);
      const axes = { xaxis: `x${suffix}`, yaxis: `y${suffix}` };
      layout[`xaxis${suffix}`] = { range: [...ranges.x], gridcolor: c.grid, zeroline: false, ...(i ? { matches: "x" } : {}) };
      layout[`yaxis${suffix}`] = { range: [...ranges.y], gridcolor: c.grid, zeroline: false, ...(i ? { matches: "y" } : {}) };
      data.push(contourTrace({ ...scene, land }, axes), ...markerTraces({ ...scene, lanes: [lane] }, axes));
      data.push(pathTrace(lane, i, upto, axes));
      const k = Math.min(upto, lane.points.length - 1);
      if (k >= 0) data.push({ type: "scatter", mode: "markers", ...axes, x: [lane.points[k][0]], y: [lane.points[k][1]], hoverinfo: "skip",
        marker: { size: 13, color: lane.color, line: { color: c.paper, width: 2 },
          symbol: lane.status === "diverged" && k === lane.points.length - 1 ? "x" : "circle" } });
      layout.annotations.push({ text: `<b style="color:${lane.color}">■</b> ${plain(lane.label)}`, showarrow: false,
        xref: `x${suffix} domain`, yref: `y${suffix} domain`, x: 0, y: 1.0, xanchor: "left", yanchor: "bottom", font: { size: 15 } });
    });
    // the contours are redrawn from scratch when the axes change (Plotly.react of an unchanged contour on moved axes
    // throws inside plotly.js 4); a playback frame, same axes, is a react
    const key = JSON.stringify([scene.land.key, scene.theme, ranges, land.covers || null, layout.width, layout.height, lanes.length]);
    const draw = key === this.key ? Plotly.react : Plotly.newPlot;
    this.key = key;
    return draw(this.plot, data, layout, plotConfig());
  }

  moveCursor(scene, upto) { return this.render(scene, upto); }
}
