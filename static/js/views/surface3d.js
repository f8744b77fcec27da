// 3-D: the surface with the paths on it, up to the cursor. The scene fills the view (its box stretched to the view's
// aspect, the camera close), each path lies on the surface (z = the surface's own height of f, lifted a little so the
// surface never hides it), and what the height means is written level in the corner, not along a turned axis.
import { axisTitles, baseLayout, pathColumns, plain, plotConfig, SCALES, themeColors } from "../figure.js";
import { t } from "../i18n.js";
import { el } from "../dom.js";
import { View } from "./view.js";

const LIFT = 0.02;  // of the surface's height range: a path drawn this much above the surface

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
    const [lo, hi] = land.colour.range || [0, 1];
    const lift = (hi - lo) * LIFT;
    const data = [{ type: "surface", x: land.grid.x, y: land.grid.y, z: land.zc, text: land.text, colorscale: SCALES[theme],
      showscale: false, opacity: 0.9, name: "f", hovertemplate: "x %{x:.3f}<br>y %{y:.3f}<br>f %{text}<extra></extra>",
      ...(land.colour.range ? { cmin: lo, cmax: hi } : {}),
      lighting: { ambient: 0.75, diffuse: 0.5, specular: 0.05, roughness: 0.9, fresnel: 0.1 },
      contours: { z: { show: true, usecolormap: false, color: c.line, width: 1, start: lo, end: hi, size: (hi - lo) / 14 } } }];
    lanes.forEach((lane) => {
      const n = Math.min(upto + 1, lane.points.length);
      const z = lane.losses.slice(0, n).map((v) => land.colour.fn(v) + lift);
      const { x, y } = pathColumns(lane, upto);
      data.push({ type: "scatter3d", mode: "lines", name: plain(lane.label), x, y, z, line: { color: lane.color, width: 7 } });
      data.push({ type: "scatter3d", mode: "markers", name: plain(lane.label), x: [x[n - 1]], y: [y[n - 1]], z: [z[n - 1]],
        marker: { size: 6, color: lane.color, line: { color: c.paper, width: 1 } } });
    });
    const [xName, yName] = axisTitles(surface);
    const box = scene.zoom || surface.domain;
    const size = this.size();
    // the box as wide as the view allows: a wide view gets a wide box (a cube left two fifths of it empty)
    const wide = Math.min(Math.max(size.width / Math.max(size.height, 1), 1), 2);
    const font = { size: 14 };
    const layout = { ...baseLayout(theme), ...size, uirevision: land.key,
      scene: { xaxis: { title: { text: plain(xName) }, range: box.x, gridcolor: c.grid, nticks: 5, tickfont: font },
        yaxis: { title: { text: plain(yName) }, range: box.y, gridcolor: c.grid, nticks: 5, tickfont: font },
        zaxis: { title: { text: "" }, gridcolor: c.grid, nticks: 4, tickfont: font },
        camera: { eye: { x: 0.45 * wide, y: -1.0, z: 1.55 }, center: { x: 0, y: 0.05, z: -0.3 } },
        aspectmode: "manual", aspectratio: { x: wide, y: 1, z: 0.6 }, domain: { x: [0, 1], y: [0, 1] } },
      annotations: [{ text: `z = ${land.colour.log ? t("z_axis_log") : "f"}`, showarrow: false, xref: "paper", yref: "paper", x: 0.01, y: 0.99,
        xanchor: "left", yanchor: "top", font: { size: 15 } }],
      margin: { l: 0, r: 0, t: 0, b: 0 } };
    return Plotly.react(this.plot, data, layout, plotConfig());
  }

  moveCursor(scene, upto) { return this.render(scene, upto); }
}
