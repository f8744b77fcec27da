// Schedule-Free's averaged point x, drawn as a thin dotted line beside its lane's path in the overlay. The path a
// Schedule-Free lane draws is y, where its gradients are taken (``points``); the point it returns (``optimizer.eval()``,
// what the paper evaluates) is the running average x, which every run of such a lane carries as ``averaged`` (the
// run client asks for it while such a lane is drawn). A layer of the overlay: its traces are drawn with the paths.
import { plain } from "../figure.js";
import { t } from "../i18n.js";

const OPTIMIZER = "schedule_free_adamw";
const usesScheduleFree = (lane) => lane.optimizer === OPTIMIZER || lane.switch?.optimizer === OPTIMIZER;

export class AveragedPath {
  constructor({ runs, overlay }) {
    runs.need("averaged", (s) => (s.optimizers.some(usesScheduleFree) ? ["averaged"] : []));
    overlay.addLayer(this);
  }

  lanes(scene) { return scene.lanes.map((lane, i) => [lane, i]).filter(([lane]) => lane.averaged?.length && usesScheduleFree(lane)); }

  key(scene) {
    return JSON.stringify(this.lanes(scene).map(([lane, i]) => [i, lane.averaged.length, lane.averaged.at(-1), lane.color, t("averaged_path")]));
  }

  traces(scene) {
    const name = t("averaged_path");
    return this.lanes(scene).map(([lane, i]) => ({
      type: "scatter", mode: "lines", meta: `averaged${i}`, name: plain(name), showlegend: false,
      x: lane.averaged.map((p) => p[0]), y: lane.averaged.map((p) => p[1]),
      line: { color: lane.color, width: 1.6, dash: "dot" },
      hovertemplate: `${plain(name)}<br>x %{x:.4f}<br>y %{y:.4f}<extra></extra>`,
    }));
  }
}
