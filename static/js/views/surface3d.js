// 3-D: the surface with the paths on it, up to the cursor.
import { axisTitles, baseLayout, pathColumns, plain, plotConfig, SCALES, themeColors } from "../figure.js";
import { t } from "../i18n.js";
import { el } from "../dom.js";
import { View } from "./view.js";

export class Surface3DView extends View {
  constructor({ root }) {
    super(root);
    this.plot = el("div", { class: "plot", id: "plot-3d", role: "figure", "aria-label": t("view_3d") });
    root.replaceChildren(this.plot);
  }

  render(scene, upto = scene.cursor) {
    this.scene = scene;
    const { land, lanes, theme, surface } = scene;
    const c = themeColors(theme);
    const data = [{ type: "surface", x: land.grid.x, y: land.grid.y, z: land.zc, text: land.text, colorscale: SCALES[theme],
      showscale: false, opacity: 0.92, name: "f", hovertemplate: "x %{x:.3f}<br>y %{y:.3f}<br>f %{text}<extra></extra>",
      contours: { z: { show: true, usecolormap: false, color: c.line, width: 1 } } }];
    lanes.forEach((lane) => {
      const n = Math.min(upto + 1, lane.points.length);
      const z = lane.losses.slice(0, n).map((v) => land.colour.fn(v));
      const { x, y } = pathColumns(lane, upto);
      data.push({ type: "scatter3d", mode: "lines", name: plain(lane.label), x, y, z, line: { color: lane.color, width: 7 } });
      data.push({ type: "scatter3d", mode: "markers", name: plain(lane.label), x: [x[n - 1]], y: [y[n - 1]], z: [z[n - 1]],
        marker: { size: 6, color: lane.color, line: { color: c.paper, width: 1 } } });
    });
    const [xName, yName] = axisTitles(surface);
    const box = scene.zoom || surface.domain;
    const layout = { ...baseLayout(theme), ...this.size(), uirevision: land.key,
      // few, small ticks: on a short projected scene the default ones pile into each other
      scene: { xaxis: { title: { text: plain(xName) }, range: box.x, gridcolor: c.grid, nticks: 5, tickfont: { size: 12 } },
        yaxis: { title: { text: plain(yName) }, range: box.y, gridcolor: c.grid, nticks: 5, tickfont: { size: 12 } },
        zaxis: { title: { text: land.colour.log ? t("z_axis_log") : "f" }, gridcolor: c.grid, nticks: 4, tickfont: { size: 12 } },
        camera: { eye: { x: 1.25, y: -1.25, z: 0.9 } }, aspectmode: "manual", aspectratio: { x: 1, y: 1, z: 0.55 } },
      margin: { l: 0, r: 0, t: 10, b: 0 } };
    return Plotly.react(this.plot, data, layout, plotConfig());
  }

  moveCursor(scene, upto) { return this.render(scene, upto); }
}
