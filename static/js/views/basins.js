// Basins: where every start ends, one map per lane, from the map client. A lane's map is kept while its request
// stands, so a slider moved on one lane recomputes that lane's map only. While the slider is dragged, that lane's map
// is asked for on a coarser grid (LIVE_POINT_STEPS) and drawn on the live layer over its subplot as each arrives; the
// full grid follows once the slider rests, and Plotly draws the figure again.
import { plain, plotConfig } from "../figure.js";
import { t } from "../i18n.js";
import { startAt } from "../state.js";
import { BASIN_COLOURS, elementSize, fitTitle, MAP_POINT_STEPS, mapColours, MapView, PLOTLY_FONT, themeInk, titleWidths } from "./mapview.js";

const LIVE_POINT_STEPS = 750e3;  // a dragged lane's map: 50 x 50 starts at 300 steps (a twentieth of a second of the engine)
const LIVE_TARGET = 80;  // ms from asking for a live map to having it: a slower machine gets a coarser grid (to 0.7 of its side)

/** The colour of basin ``k`` (-2 diverged, -1 no minimum). */
function basinColour(theme) {
  const colours = mapColours(theme);
  return (k) => (k === -2 ? colours.diverged : k === -1 ? colours.none : BASIN_COLOURS[k % BASIN_COLOURS.length]);
}

export class BasinView extends MapView {
  constructor({ root, store, maps }) {
    super({ root, id: "plot-basins", label: t("view_basins"), maps, slot: "basins" });
    this.store = store;
    this.kept = new Map();  // a lane's map request (JSON) -> its answer: the maps of the figure drawn last
    this.drawnLanes = [];  // the request of each lane's map in the figure drawn last
    this.liveAsked = [];  // per lane: the live request asked for last
    this.liveFine = 1;  // the live grid's fraction of its budget's side (LIVE_TARGET)
  }

  /** A click on a map starts the paths there, in the overlay. */
  click(ev) {
    const p = ev.points?.[0];
    if (!p || p.data.type !== "heatmap" || !this.domain) return;
    this.store.update({ start: startAt([p.x, p.y], this.domain), view: { step: null, mode: "overlay" } }, "click");
  }

  /** Starts per side: as fine as the budget allows for this many steps, 60 to 160. */
  static resolution(steps) {
    return Math.max(60, Math.min(160, Math.round(Math.sqrt(MAP_POINT_STEPS / Math.max(steps, 1)))));
  }

  /** Starts per side of a dragged lane's map: its budget (times ``fine``), 24 at least, never more than the full grid. */
  static liveResolution(steps, fine = 1) {
    const n = Math.round(fine * Math.sqrt(LIVE_POINT_STEPS / Math.max(steps, 1)));
    return Math.max(24, Math.min(BasinView.resolution(steps), n));
  }

  static request(surfaceRequest, lane, steps, n) {
    const body = { ...surfaceRequest, optimizer: lane.optimizer, params: lane.params, steps, n };
    if (lane.rule) body.rule = lane.rule;  // a lane of your own rule: the rule beside the optimizer
    if (lane.schedule) body.schedule = lane.schedule;
    if (lane.switch) body.switch = lane.switch;
    return body;
  }

  keyOf(scene) { return JSON.stringify([scene.requestKey, scene.theme, scene.lang, scene.size]); }

  async compute({ surfaceRequest, mapLanes: lanes, surface, theme, steps }, seq) {
    const n = BasinView.resolution(steps);
    const bodies = lanes.map((lane) => BasinView.request(surfaceRequest, lane, steps, n));
    const keys = bodies.map((b) => JSON.stringify(b));
    const missing = keys.map((k, i) => i).filter((i) => !this.kept.has(keys[i]));
    const answers = await this.fetchAll(missing.map((i) => ({ kind: "basins", body: bodies[i], slot: i })), seq);
    if (answers === null || seq !== this.seq) return false;
    const fresh = new Map(missing.map((i, k) => [keys[i], answers[k]]));
    const results = keys.map((k) => fresh.get(k) || this.kept.get(k));
    this.kept = new Map(keys.map((k, i) => [k, results[i]]));
    this.domain = surface.domain;
    await this.draw(results, lanes, surface, theme, steps);
    if (seq !== this.seq) return false;
    this.drawnLanes = keys;
    this.liveAsked = [];
    this.layer.reset(results.length);
    for (const i of missing) this.announce(i, bodies[i], false);
    return true;
  }

  /** A slider is dragged: each lane whose map request changed gets a coarse map, drawn on the live layer as it comes
   *  (the newest request per lane; one in flight). A lane back at the request of its drawn map shows that one. */
  live({ surfaceRequest, mapLanes: lanes, surface, theme, steps }) {
    if (lanes.length !== this.drawnLanes.length) return;
    lanes.forEach((lane, i) => {
      const full = BasinView.request(surfaceRequest, lane, steps, BasinView.resolution(steps));
      if (JSON.stringify(full) === this.drawnLanes[i]) {
        this.liveAsked[i] = null;
        if (this.layer.has(i)) this.layer.clear(i);
        return;
      }
      const body = { ...full, n: BasinView.liveResolution(steps, this.liveFine) };
      const key = JSON.stringify({ ...body, n: null });
      if (this.liveAsked[i]?.key === key) return;
      const asked = { key, at: performance.now(), drawn: this.drawnLanes };
      this.liveAsked[i] = asked;
      this.maps.request("basins", body, { slot: `basins:${i}` }).then((r) => {
        // drawn unless the figure was drawn anew since it was asked for (a newer live map for the lane may follow)
        if (!r || !this.visible || this.drawnLanes !== asked.drawn) return;
        const took = performance.now() - asked.at;
        this.liveFine = Math.max(0.7, Math.min(1, this.liveFine * Math.sqrt(LIVE_TARGET / Math.max(took, 1))));
        this.layer.set(i, i, this.liveItems(r, surface, theme));
        this.announce(i, body, true);
      }, () => {});  // a refused live map: the full one, once the slider rests, says why
    });
  }

  /** A map on the live layer as Plotly draws it: the basins in their colours, the minima as stars. */
  liveItems(r, surface, theme) {
    return [{ type: "heatmap", x: r.x, y: r.y, z: r.basin, colour: basinColour(theme) },
      { type: "markers", points: r.minima.map((q) => q.point), symbol: "star", fill: "#ffffff", stroke: "#000000" }];
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
    const colourOf = basinColour(theme);
    for (let k = -2; k < m; k++) {
      const a = (k + 2) / span, b = (k + 3) / span;
      stops.push([a, colourOf(k)], [b, colourOf(k)]);
    }
    const layout = { ...elementSize(this.el), paper_bgcolor: theme === "dark" ? "#1c1d22" : "#ffffff", plot_bgcolor: "rgba(0,0,0,0)",
      font: { color: themeInk(theme), size: 15 }, showlegend: false, margin: { l: 45, r: 10, t: 70, b: 35 },
      title: { text: t("basins_title", { steps, diverged: colours.divergedName, none: colours.noneName }), x: 0.01, xanchor: "left", y: 0.985, yanchor: "top", font: { size: 15 } },
      grid: { rows, columns: cols, pattern: "independent", xgap: 0.12, ygap: rows > 2 ? 0.26 : 0.2 }, annotations: [] };
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