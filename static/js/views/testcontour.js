// The test landscape, drawn faintly over the trajectories: on a surface with a test_shift (flat_sharp), the same
// function moved by [dx, dy], as dotted contour lines, when the state says view.test_contour. A layer of the overlay.
import { getJSON } from "../api.js";
import { plain } from "../figure.js";
import { t } from "../i18n.js";

export class TestContour {
  constructor({ store, overlay, onChange }) {
    this.store = store;
    this.onChange = onChange;  // the grid has arrived: the overlay draws again
    this.grids = new Map();  // surface id -> {x, y, z} of its test landscape, or a Promise of it
    overlay.addLayer(this);
  }

  /** The test landscape's grid when the state asks for it and it has arrived (it is asked for on the way). */
  grid(scene) {
    const surface = scene.surface;
    if (!this.store.peek().view.test_contour || surface.id === "custom" || !Array.isArray(surface.test_shift)) return null;
    const known = this.grids.get(surface.id);
    if (known && !(known instanceof Promise)) return known;
    if (!known) {
      const [dx, dy] = surface.test_shift;
      const { x, y } = surface.domain;
      // the test landscape at (x, y) is f(x - dx, y - dy): the surface's grid over the domain moved back by the shift
      const q = new URLSearchParams({ n: "120", x0: x[0] - dx, x1: x[1] - dx, y0: y[0] - dy, y1: y[1] - dy });
      this.grids.set(surface.id, getJSON(`/api/surfaces/${encodeURIComponent(surface.id)}/grid?${q}`).then((g) => {
        this.grids.set(surface.id, { x: g.x.map((v) => v + dx), y: g.y.map((v) => v + dy), z: g.z });
        this.onChange();
      }, () => this.grids.delete(surface.id)));
    }
    return null;
  }

  key(scene) { return this.grid(scene) ? `${scene.surface.id}:${t("test_landscape")}` : ""; }

  traces(scene) {
    const grid = this.grid(scene);
    if (!grid) return [];
    return [{ type: "contour", meta: "test-landscape", name: plain(t("test_landscape")), x: grid.x, y: grid.y, z: grid.z,
      contours: { coloring: "none", showlabels: false }, ncontours: 24, showscale: false, hoverinfo: "skip",
      line: { color: "rgba(120, 40, 140, 0.55)", width: 1.2, dash: "dot", smoothing: 0 }, showlegend: false }];
  }
}
