// The trajectory views. Each owns its element, its layout and its handlers; the page shows one at a time.
//   OverlayView: the contour (a static plot underneath), every path on one transparent plot above, the moving
//                points and arrows in an SVG on top, so playback and drags never make Plotly redraw the contour.
//                While a slider is dragged (scene.live), the paths that move are drawn in that SVG instead (a Plotly
//                redraw of the path plot costs 20-40 ms); their traces take the new data at once, hidden, and are
//                redrawn by Plotly once the drag rests.
//   SideView:    one small contour per lane.
//   Surface3DView: the surface in 3-D with the paths on it.
import { t } from "./i18n.js";
import { axisRanges, axisTitles, baseLayout, contourTrace, fmtValue, markerTraces, pathColumns, pathTrace, plain,
  plotConfig, rejectedTrace, SCALES, STILL, themeColors, visibleMarks } from "./figure.js";

const SVG = "http://www.w3.org/2000/svg";
const MARGIN = { l: 64, r: 20, t: 12, b: 50, autoexpand: false };
const CLOUD_WIDTH = 1.5, CLOUD_OPACITY = 0.3;  // the cloud's copies of a stochastic lane: thin and faint

function el(tag, attrs = {}) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

class View {
  constructor(root) { this.root = root; }
  /** The layout size: the element's own box, so a plot always fills exactly what the page gives its view. */
  size(node = this.plot || this.main) { return { width: Math.max(node.clientWidth, 100), height: Math.max(node.clientHeight, 100), autosize: false }; }
  show() { this.root.hidden = false; }
  hide() { this.root.hidden = true; }
  get visible() { return !this.root.hidden; }
}

/** Arrows at the current step of each lane: −∇f (ink), the previous step (dashed), the next step (lane colour). */
export function arrowSegments(scene, upto) {
  const { lanes, surface, arrows } = scene;
  if (!arrows) return [];
  const span = Math.max(surface.domain.x[1] - surface.domain.x[0], surface.domain.y[1] - surface.domain.y[0]);
  const L = 0.09 * span;
  const out = [];
  const add = (p, d, color, dashed, kind, label) => {
    const len = Math.hypot(d[0], d[1]);
    if (!(len > 0) || !Number.isFinite(len)) return;
    out.push({ from: p, to: [p[0] + (d[0] / len) * L, p[1] + (d[1] / len) * L], color, dashed, kind, label });
  };
  const ink = themeColors(scene.theme).mark;
  lanes.forEach((lane) => {
    const k = Math.min(upto, lane.points.length - 1);
    const p = lane.points[k];
    if (!p) return;
    const g = lane.gradients?.[k];
    if (g) add(p, [-g[0], -g[1]], ink, false, "gradient", `${lane.label}: ${t("arrow_gradient")}`);
    if (k > 0) add(p, [p[0] - lane.points[k - 1][0], p[1] - lane.points[k - 1][1]], lane.color, true, "velocity",
      `${lane.label}: ${t("arrow_velocity")}`);
    if (k + 1 < lane.points.length) add(p, [lane.points[k + 1][0] - p[0], lane.points[k + 1][1] - p[1]], lane.color,
      false, "step", `${lane.label}: ${t("arrow_step")}`);
  });
  return out;
}

export class OverlayView extends View {
  constructor(root, { onPick, onZoom }) {
    super(root);
    this.onPick = onPick;
    this.onZoom = onZoom;
    this.bg = el("div", { class: "plot layer-bg", "aria-hidden": "true" });
    this.main = el("div", { class: "plot layer", id: "plot-main", role: "figure", "aria-label": t("aria_trajectories") });
    this.svg = document.createElementNS(SVG, "svg");
    this.svg.setAttribute("class", "overlay");
    this.svg.setAttribute("aria-hidden", "true");
    const clip = document.createElementNS(SVG, "clipPath");
    clip.id = "plot-area";
    this.clipRect = document.createElementNS(SVG, "rect");
    clip.append(this.clipRect);
    this.livePaths = document.createElementNS(SVG, "g");  // the paths of a drag, until Plotly draws them
    this.marks = document.createElementNS(SVG, "g");  // the current points and arrows
    for (const g of [this.livePaths, this.marks]) g.setAttribute("clip-path", "url(#plot-area)");
    this.livePaths.setAttribute("class", "live-paths");
    this.svg.append(clip, this.livePaths, this.marks);
    this.readoutBox = el("div", { class: "readout", "aria-hidden": "true" });  // follows the mouse: not announced
    root.replaceChildren(this.bg, this.main, this.svg, this.readoutBox);
    this.main.addEventListener("click", (event) => this.click(event));
    this.main.addEventListener("mousemove", (event) => this.readout(event));
    this.main.addEventListener("mouseleave", () => this.readoutBox.classList.remove("on"));
    this.bound = false;
    this.structure = null;
    this.paths = [];
    this.live = new Set();  // lanes drawn in the SVG: their Plotly traces hold the data, hidden, not yet redrawn
    this.liveCloud = new Set();  // the same for the cloud's copies (indices into scene.cloud)
    // the plot's size as last laid out (a ResizeObserver runs after layout): reading clientWidth while drawing would
    // force a layout after every DOM change of a drag
    this.laidOut = null;
    new ResizeObserver(() => { this.laidOut = { w: this.main.clientWidth, h: this.main.clientHeight }; }).observe(this.main);
  }

  /** The plot element's size in pixels: as last laid out, or read now when not laid out yet (or hidden then). */
  dims() {
    if (this.laidOut && this.laidOut.w > 0 && this.laidOut.h > 0) return this.laidOut;
    return { w: this.main.clientWidth, h: this.main.clientHeight };
  }

  /** The plot area in pixels (fixed margins, so both layers agree without asking Plotly). */
  area() {
    const { w, h } = this.dims();
    return { w: Math.max(w - MARGIN.l - MARGIN.r, 1), h: Math.max(h - MARGIN.t - MARGIN.b, 1) };
  }

  /** The plot area read once per drawing: each read of the element's size after a DOM change forces a layout. */
  areaOnce() {
    if (!this.box) { this.box = this.area(); queueMicrotask(() => { this.box = null; }); }
    return this.box;
  }

  ranges(scene) {
    const { w, h } = this.area();
    return axisRanges(scene.zoom || scene.surface.domain, w, h, scene.equal);
  }

  /** Data coordinates from a pixel inside the plot area, or null outside it. */
  toData(clientX, clientY) {
    if (!this.current) return null;
    const box = this.main.getBoundingClientRect();
    const { w, h } = this.area();
    const px = clientX - box.left - MARGIN.l, py = clientY - box.top - MARGIN.t;
    if (px < 0 || py < 0 || px > w || py > h) return null;
    const { x, y } = this.current;
    return [x[0] + (px / w) * (x[1] - x[0]), y[1] - (py / h) * (y[1] - y[0])];
  }

  toPixel(p) {
    const { w, h } = this.areaOnce();
    const { x, y } = this.current;
    return [MARGIN.l + ((p[0] - x[0]) / (x[1] - x[0])) * w, MARGIN.t + ((y[1] - p[1]) / (y[1] - y[0])) * h];
  }

  click(event) {
    if (STILL || event.target.closest?.(".modebar")) return;
    const p = this.toData(event.clientX, event.clientY);
    if (p) this.onPick(p);
  }

  readout(event) {
    const out = this.readoutBox;
    const p = this.toData(event.clientX, event.clientY);
    if (!p || !this.scene) { out.classList.remove("on"); return; }
    out.textContent = `x ${p[0].toFixed(3)}   y ${p[1].toFixed(3)}   f ${fmtValue(valueAt(this.scene.land.grid, p[0], p[1]))}`;
    out.classList.add("on");
  }

  async render(scene) {
    this.scene = scene;
    const { theme, land, surface } = scene;
    const ranges = this.ranges(scene);
    this.current = ranges;
    const [xName, yName] = axisTitles(surface);
    const c = themeColors(theme);
    const axis = (r, title) => ({ range: r, title: { text: plain(title) }, gridcolor: c.grid, zeroline: false, showgrid: false,
      fixedrange: false });
    const dims = this.dims();
    const bgKey = JSON.stringify([land.key, theme, ranges, dims.w, dims.h]);
    const jobs = [];
    if (bgKey !== this.bgKey) {
      this.bgKey = bgKey;
      // a fresh plot each time: Plotly.react of a contour whose data is unchanged but whose axes moved throws inside
      // plotly.js 4 ("reading 'z'"); this layer changes only with the landscape, the zoom, the theme or the size
      jobs.push(Plotly.newPlot(this.bg, [contourTrace(scene, { hoverinfo: "skip" })], {
        ...baseLayout(theme), ...this.size(), margin: MARGIN, xaxis: { range: ranges.x, visible: false }, yaxis: { range: ranges.y, visible: false },
      }, plotConfig({ staticPlot: true })));
    }
    const marks = visibleMarks(scene);
    // a lane's label (it carries the lr a slider sets) is restyled with its path; it changes the structure only where
    // another trace carries it too (the rejected proposals of a random search)
    const structure = JSON.stringify([land.key, theme, ranges, dims.w, dims.h, scene.start, marks.minima.length, marks.saddles.length,
      scene.lanes.map((l) => [l.color, l.dash, !!l.proposals, l.proposals ? l.label : null]), (scene.cloud || []).length, t("minimum")]);
    const paths = scene.lanes.map((l) => l.points);
    const labels = scene.lanes.map((l) => l.label);
    if (structure === this.structure && this.bound) {
      // only the paths that moved: one restyle of those traces (a dragged slider moves one lane)
      const moved = [];
      scene.lanes.forEach((lane, i) => { if (this.paths[i] !== lane.points || this.labels[i] !== lane.label) moved.push(i); });
      const cloud = scene.cloud || [];
      const movedCloud = [];  // the faint copies (other seeds) of a dragged stochastic lane move with it
      cloud.forEach((member, k) => { if (this.cloudPaths[k] !== member.points) movedCloud.push(k); });
      if (scene.live) {
        // a drag: the traces take the new data without a Plotly redraw (hidden, once, by a style-only restyle) and
        // the SVG draws them
        const hide = [...moved.filter((i) => !this.live.has(i)).map((i) => this.laneIndex[i]),
          ...movedCloud.filter((k) => !this.liveCloud.has(k)).map((k) => this.cloudIndex + k)];
        for (const i of moved) {
          const tr = pathTrace(scene.lanes[i], i, Infinity);
          Object.assign(this.main.data[this.laneIndex[i]], { x: tr.x, y: tr.y, name: tr.name, hovertemplate: tr.hovertemplate });
          this.live.add(i);
        }
        for (const k of movedCloud) {
          Object.assign(this.main.data[this.cloudIndex + k], pathColumns(cloud[k]));
          this.liveCloud.add(k);
        }
        if (hide.length) jobs.push(Plotly.restyle(this.main, { opacity: 0 }, hide));
      } else {
        const redraw = [...new Set([...moved, ...this.live])].filter((i) => i < scene.lanes.length).sort((a, b) => a - b);
        if (redraw.length) {
          const traces = redraw.map((i) => pathTrace(scene.lanes[i], i, Infinity));
          jobs.push(Plotly.restyle(this.main, { x: traces.map((tr) => tr.x), y: traces.map((tr) => tr.y), name: traces.map((tr) => tr.name),
            hovertemplate: traces.map((tr) => tr.hovertemplate), opacity: traces.map(() => 1) }, redraw.map((i) => this.laneIndex[i])));
        }
        const copies = [...new Set([...movedCloud, ...this.liveCloud])].filter((k) => k < cloud.length).sort((a, b) => a - b);
        if (copies.length) {  // one restyle for all of them (one each was a Plotly redraw each)
          const cols = copies.map((k) => pathColumns(cloud[k]));
          jobs.push(Plotly.restyle(this.main, { x: cols.map((c) => c.x), y: cols.map((c) => c.y), opacity: cols.map(() => CLOUD_OPACITY) },
            copies.map((k) => this.cloudIndex + k)));
        }
        this.live.clear();
        this.liveCloud.clear();
      }
    } else {
      this.structure = structure;
      this.live.clear();
      this.liveCloud.clear();
      const data = markerTraces(scene);
      this.cloudIndex = data.length;
      for (const member of scene.cloud || []) {  // other seeds of a stochastic lane, faint
        data.push({ type: "scatter", mode: "lines", ...pathColumns(member), line: { color: member.color, width: CLOUD_WIDTH }, opacity: CLOUD_OPACITY,
          hoverinfo: "skip" });
      }
      this.laneIndex = [];
      scene.lanes.forEach((lane, i) => { this.laneIndex.push(data.length); data.push(pathTrace(lane, i, Infinity)); });
      scene.lanes.forEach((lane, i) => { if (lane.proposals) data.push(rejectedTrace(lane, i, Infinity)); });
      const layout = { ...baseLayout(theme), ...this.size(), paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", margin: MARGIN,
        xaxis: axis(ranges.x, xName), yaxis: axis(ranges.y, yName), hovermode: "closest", dragmode: STILL ? false : "pan", uirevision: bgKey };
      jobs.push(Plotly.react(this.main, data, layout, plotConfig({ scrollZoom: !STILL })));
      if (!this.bound) {
        this.bound = true;
        jobs[jobs.length - 1].then(() => this.main.on("plotly_relayout", (ev) => this.relayout(ev)));
      }
    }
    this.paths = paths;
    this.labels = labels;
    this.cloudPaths = (scene.cloud || []).map((m) => m.points);
    await Promise.all(jobs);
    this.drawLive();
    this.drawPoints(scene.cursor);
  }

  /** The lanes (and cloud copies) of a drag as SVG paths, styled as their Plotly traces (Plotly's dash patterns). */
  drawLive() {
    const scene = this.scene;
    if ((!this.live.size && !this.liveCloud.size) || !scene) {
      if (this.livePaths.firstChild) this.livePaths.replaceChildren();
      this.liveDrawn = null;
      return;
    }
    const { w, h } = this.areaOnce();
    const { x, y } = this.current;
    const cloud = scene.cloud || [];
    const items = [...[...this.liveCloud].map((k) => [cloud[k], CLOUD_WIDTH, CLOUD_OPACITY, "solid", `cloud${k}`]),
      ...[...this.live].map((i) => [scene.lanes[i], 3.5, 1, scene.lanes[i]?.dash, String(i)])].filter(([l]) => l && l.points.length);
    // an input that changed nothing drawn (the newest result not in yet) leaves the layer as it is
    const drawn = [...x, ...y, w, h, ...items.flatMap(([l, , , dash, id]) => [id, l.points, l.color, dash])];
    if (this.liveDrawn && drawn.length === this.liveDrawn.length && drawn.every((v, k) => v === this.liveDrawn[k])) return;
    this.liveDrawn = drawn;
    const sx = w / (x[1] - x[0]), sy = h / (y[1] - y[0]);
    const clamp = (v) => (v > 1e5 ? 1e5 : v < -1e5 ? -1e5 : v);  // far outside the clip: keep the numbers small
    const nodes = items.map(([lane, width, opacity, dash, id]) => {
      // points closer than half a pixel to the last one drawn add nothing the eye can see (a slow crawl along a
      // valley is hundreds of them); the last point is always drawn
      const parts = [];
      let px = NaN, py = NaN;
      const last = lane.points.length - 1;
      lane.points.forEach((p, k) => {
        const u = clamp(MARGIN.l + (p[0] - x[0]) * sx), v = clamp(MARGIN.t + (y[1] - p[1]) * sy);
        if (k && k < last && Math.abs(u - px) < 0.5 && Math.abs(v - py) < 0.5) return;
        parts.push(`${k ? "L" : "M"}${u.toFixed(1)},${v.toFixed(1)}`);
        px = u; py = v;
      });
      const dlw = Math.max(width, 3);  // Plotly's dash lengths, in line widths of at least 3 px
      const dashes = { dot: [dlw, dlw], dash: [3 * dlw, 3 * dlw], longdash: [5 * dlw, 5 * dlw], dashdot: [3 * dlw, dlw, dlw, dlw],
        longdashdot: [5 * dlw, 2 * dlw, dlw, 2 * dlw] };
      const path = document.createElementNS(SVG, "path");
      path.setAttribute("d", parts.join(""));
      path.setAttribute("fill", "none");
      path.setAttribute("stroke", lane.color);
      path.setAttribute("stroke-width", width);
      path.setAttribute("stroke-linejoin", "round");
      if (opacity !== 1) path.setAttribute("stroke-opacity", opacity);
      if (dashes[dash]) path.setAttribute("stroke-dasharray", dashes[dash].join(" "));
      path.dataset.lane = id;
      return path;
    });
    this.livePaths.replaceChildren(...nodes);
  }

  /** A pan or zoom by the user: the state takes the new box (or null after a double-click's reset). */
  relayout(ev) {
    if (ev["xaxis.autorange"] || ev["yaxis.autorange"]) { this.onZoom(null); return; }
    const x = ev["xaxis.range"] || (ev["xaxis.range[0]"] !== undefined ? [ev["xaxis.range[0]"], ev["xaxis.range[1]"]] : null);
    const y = ev["yaxis.range"] || (ev["yaxis.range[0]"] !== undefined ? [ev["yaxis.range[0]"], ev["yaxis.range[1]"]] : null);
    if (!x && !y) return;
    const cur = this.current;
    const box = { x: (x || cur.x).map(Number), y: (y || cur.y).map(Number) };
    this.current = box;
    this.bgKey = null;
    this.onZoom(box);
  }

  moveCursor(scene, upto) {
    this.scene = scene;
    this.drawPoints(upto);
    return Promise.resolve();
  }

  /** The current points (and arrows) as SVG over the paths. */
  drawPoints(upto) {
    const scene = this.scene;
    if (!scene || !this.current) return;
    const paper = themeColors(scene.theme).paper;
    this.box = null;
    const { w, h } = this.areaOnce();
    const drawn = [upto, ...this.current.x, ...this.current.y, w, h, scene.theme, scene.arrows, ...scene.lanes.flatMap((l) => [l.points, l.color, l.status, l.label])];
    if (this.pointsDrawn && drawn.length === this.pointsDrawn.length && drawn.every((v, k) => v === this.pointsDrawn[k])) return;
    this.pointsDrawn = drawn;
    Object.entries({ x: MARGIN.l, y: MARGIN.t, width: w, height: h }).forEach(([k, v]) => this.clipRect.setAttribute(k, v));
    const group = this.marks;
    const nodes = [];
    for (const a of arrowSegments(scene, upto)) {
      const [x0, y0] = this.toPixel(a.from);
      const [x1, y1] = this.toPixel(a.to);
      const line = document.createElementNS(SVG, "path");
      const ang = Math.atan2(y1 - y0, x1 - x0);
      const hd = 12;
      const head = `M${x1},${y1} L${x1 - hd * Math.cos(ang - 0.4)},${y1 - hd * Math.sin(ang - 0.4)} ` +
        `M${x1},${y1} L${x1 - hd * Math.cos(ang + 0.4)},${y1 - hd * Math.sin(ang + 0.4)}`;
      line.setAttribute("d", `M${x0},${y0} L${x1},${y1} ${head}`);
      line.setAttribute("stroke", a.color);
      line.setAttribute("stroke-width", a.dashed ? 2.5 : 3.5);
      if (a.dashed) line.setAttribute("stroke-dasharray", "6 4");
      line.setAttribute("fill", "none");
      line.setAttribute("stroke-linecap", "round");
      line.dataset.kind = a.kind;
      const title = document.createElementNS(SVG, "title");
      title.textContent = a.label;
      line.append(title);
      nodes.push(line);
    }
    scene.lanes.forEach((lane, i) => {
      const k = Math.min(upto, lane.points.length - 1);
      if (k < 0) return;
      const [x, y] = this.toPixel(lane.points[k]);
      const ended = lane.status === "diverged" && k === lane.points.length - 1;
      const mark = document.createElementNS(SVG, ended ? "path" : "circle");
      if (ended) mark.setAttribute("d", `M${x - 9},${y - 9} L${x + 9},${y + 9} M${x - 9},${y + 9} L${x + 9},${y - 9}`);
      else { mark.setAttribute("cx", x); mark.setAttribute("cy", y); mark.setAttribute("r", 8.5); }
      mark.setAttribute("fill", lane.color);
      mark.setAttribute("stroke", ended ? lane.color : paper);
      mark.setAttribute("stroke-width", ended ? 4.5 : 2.5);
      mark.dataset.lane = i;
      nodes.push(mark);
    });
    group.replaceChildren(...nodes);
  }

  /** The overlay as one figure (contour, paths up to ``upto``): for images and GIFs, on white. */
  staticFigure(scene, upto) {
    const s = { ...scene, theme: "light" };
    const ranges = axisRanges(s.zoom || s.surface.domain, 1600 - 80, 1000 - 100, s.equal);
    const [xName, yName] = axisTitles(s.surface);
    const data = [contourTrace(s, { hoverinfo: "skip" }), ...markerTraces(s),
      ...s.lanes.map((lane, i) => ({ ...pathTrace(lane, i, upto), showlegend: true }))];
    const layout = { ...baseLayout("light"), margin: { l: 60, r: 20, t: 50, b: 50 }, showlegend: true,
      legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", font: { size: 14 } },
      xaxis: { range: ranges.x, title: { text: plain(xName) } }, yaxis: { range: ranges.y, title: { text: plain(yName) } } };
    data.slice(1, 4).forEach((d) => { d.showlegend = false; });
    return { data, layout };
  }
}

/** f at (x, y), bilinear from the contour's grid. */
export function valueAt(grid, x, y) {
  const n = grid.x.length, m = grid.y.length;
  const fx = ((x - grid.x[0]) / (grid.x[n - 1] - grid.x[0])) * (n - 1);
  const fy = ((y - grid.y[0]) / (grid.y[m - 1] - grid.y[0])) * (m - 1);
  if (!(fx >= 0 && fy >= 0 && fx <= n - 1 && fy <= m - 1)) return null;
  const i = Math.min(Math.floor(fx), n - 2), j = Math.min(Math.floor(fy), m - 2);
  const u = fx - i, v = fy - j;
  const z = grid.z;
  return (1 - u) * (1 - v) * z[j][i] + u * (1 - v) * z[j][i + 1] + (1 - u) * v * z[j + 1][i] + u * v * z[j + 1][i + 1];
}

function gridShape(n) {
  const cols = n <= 2 ? n : n <= 4 ? 2 : n <= 9 ? 3 : 4;
  return { cols, rows: Math.ceil(n / cols) };
}

export class SideView extends View {
  constructor(root) {
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

export class Surface3DView extends View {
  constructor(root) {
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
