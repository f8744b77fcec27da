// Side by side: one small contour per lane, each with its path up to the cursor.
import { baseLayout, contourTrace, markerTraces, pathTrace, plain, plotConfig, themeColors } from "../figure.js";
import { t } from "../i18n.js";
import { el } from "../dom.js";
import { View } from "./view.js";

function gridShape(n) {
  const cols = n <= 2 ? n : n <= 4 ? 2 : n <= 9 ? 3 : 4;
  return { cols, rows: Math.ceil(n / cols) };
}

export class SideView extends View {
  constructor({ root }) {
    super(root);
    this.plot = el("div", { class: "plot", id: "plot-side", role: "figure", "aria-label": t("view_side") });
    root.replaceChildren(this.plot);
  }

  render(scene, upto = scene.cursor) {
    this.scene = scene;
    const lanes = scene.lanes;
    const n = Math.max(lanes.length, 1);
    const { cols, rows } = gridShape(n);
    const c = themeColors(scene.theme);
    const layout = { ...baseLayout(scene.theme), ...this.size(), hovermode: "closest",
      grid: { rows, columns: cols, pattern: "independent", xgap: 0.08, ygap: rows > 2 ? 0.26 : 0.2 }, annotations: [],
      margin: { l: 45, r: 10, t: 30, b: 30 } };
    const box = scene.zoom || scene.surface.domain;
    const data = [];
    lanes.forEach((lane, i) => {
      const suffix = i === 0 ? "" : String(i + 1);
      const axes = { xaxis: `x${suffix}`, yaxis: `y${suffix}` };
      const bottomRow = Math.floor(i / cols) === rows - 1 || i + cols >= n;
      layout[`xaxis${suffix}`] = { range: [...box.x], gridcolor: c.grid, zeroline: false, showticklabels: bottomRow,
        ...(i ? { matches: "x" } : {}) };
      layout[`yaxis${suffix}`] = { range: [...box.y], gridcolor: c.grid, zeroline: false, ...(i ? { matches: "y" } : {}),
        ...(scene.equal ? { scaleanchor: `x${suffix}`, scaleratio: 1 } : {}) };
      data.push(contourTrace(scene, axes), ...markerTraces({ ...scene, lanes: [lane] }, axes));
      data.push(pathTrace(lane, i, upto, axes));
      const k = Math.min(upto, lane.points.length - 1);
      if (k >= 0) data.push({ type: "scatter", mode: "markers", ...axes, x: [lane.points[k][0]], y: [lane.points[k][1]], hoverinfo: "skip",
        marker: { size: 13, color: lane.color, line: { color: c.paper, width: 2 },
          symbol: lane.status === "diverged" && k === lane.points.length - 1 ? "x" : "circle" } });
      layout.annotations.push({ text: `<b style="color:${lane.color}">■</b> ${plain(lane.label)}`, showarrow: false,
        xref: `x${suffix} domain`, yref: `y${suffix} domain`, x: 0, y: 1.0, xanchor: "left", yanchor: "bottom", font: { size: 14 } });
    });
    // the contours are redrawn from scratch when the axes change (Plotly.react of an unchanged contour on moved axes
    // throws inside plotly.js 4); a playback frame, same axes, is a react
    const key = JSON.stringify([scene.land.key, scene.theme, box, scene.equal, layout.width, layout.height, lanes.length]);
    const draw = key === this.key ? Plotly.react : Plotly.newPlot;
    this.key = key;
    return draw(this.plot, data, layout, plotConfig());
  }

  moveCursor(scene, upto) { return this.render(scene, upto); }
}

