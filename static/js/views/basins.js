// Basins: where every start ends, one map per lane (POST-free: a socket per map, reporting progress).
import { plain, plotConfig } from "../figure.js";
import { t } from "../i18n.js";
import { startAt } from "../state.js";
import { BASIN_COLOURS, elementSize, fitTitle, MAP_POINT_STEPS, mapColours, MapView, PLOTLY_FONT, themeInk, titleWidths } from "./mapview.js";

export class BasinView extends MapView {
  constructor({ root, store }) {
    super({ root, id: "plot-basins", label: t("view_basins") });
    this.store = store;
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

  keyOf(scene) { return JSON.stringify([scene.requestKey, scene.theme, scene.lang, scene.size]); }

  async compute({ surfaceRequest, mapLanes: lanes, surface, theme, steps }, seq) {
    const n = BasinView.resolution(steps);
    this.progress.hidden = false;
    this.progress.value = 0;
    const results = [];
    for (let i = 0; i < lanes.length; i++) {
      const lane = lanes[i];
      const body = { ...surfaceRequest, optimizer: lane.optimizer, params: lane.params, steps, n };
      if (lane.rule) body.rule = lane.rule;  // a lane of your own rule: the rule beside the optimizer
      if (lane.schedule) body.schedule = lane.schedule;
      if (lane.switch) body.switch = lane.switch;
      const result = await this.request(body, (done, total) => {
        if (seq === this.seq) this.progress.value = (i + done / Math.max(total, 1)) / lanes.length;
      });
      if (seq !== this.seq) return false;
      results.push(result);
    }
    this.progress.hidden = true;
    this.domain = surface.domain;
    await this.draw(results, lanes, surface, theme, steps);
    return seq === this.seq;
  }

  request(body, onProgress) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/basins/ws`);
      ws.onopen = () => ws.send(JSON.stringify(body));
      ws.onmessage = (event) => {
        const frame = JSON.parse(event.data);
        if (frame.type === "progress") onProgress(frame.done, frame.total);
        else { ws.close(); frame.type === "result" ? resolve(frame) : reject(new Error(JSON.stringify(frame.detail))); }
      };
      ws.onerror = () => reject(new Error("basins socket"));
    });
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
    const colourOf = (k) => (k === -2 ? colours.diverged : k === -1 ? colours.none : BASIN_COLOURS[k % BASIN_COLOURS.length]);
    for (let k = -2; k < m; k++) {
      const a = (k + 2) / span, b = (k + 3) / span;
      stops.push([a, colourOf(k)], [b, colourOf(k)]);
    }
    const layout = { ...elementSize(this.el), paper_bgcolor: theme === "dark" ? "#1c1d22" : "#ffffff", plot_bgcolor: "rgba(0,0,0,0)",
      font: { color: themeInk(theme), size: 15 }, showlegend: false, margin: { l: 45, r: 10, t: 70, b: 35 },
      title: { text: t("basins_title", { steps, diverged: colours.divergedName, none: colours.noneName }), x: 0.01, xanchor: "left", y: 0.985, yanchor: "top", font: { size: 15 } },
      grid: { rows, columns: cols, pattern: "independent", xgap: 0.06, ygap: rows > 2 ? 0.26 : 0.2 }, annotations: [] };
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