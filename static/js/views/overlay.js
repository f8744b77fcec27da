// The overlay view: the contour (a static plot underneath), every path on one transparent plot above, the moving
// points and arrows in an SVG on top, so playback and drags never make Plotly redraw the contour. While a slider is
// dragged (scene.live), the paths that move are drawn in that SVG instead (a Plotly redraw of the path plot costs
// 20-40 ms); their traces take the new data at once, hidden, and are redrawn by Plotly once the drag rests.
//
// Playback before the end (the cursor at step k < N) draws the paths at step k (paths.js): the full paths' traces are
// hidden (one restyle when the playback leaves or reaches the end) and the SVG draws each path up to k, a slice of its
// pixel path made once per result.
//
// Layers (the averaged path, the test landscape, the step inspector) add to it through addLayer(): Plotly traces
// drawn with the paths, an SVG group drawn with the axes' mapping (axes(): the one place where data coordinates
// become pixels, from the ranges and margins this view sets itself), and clicks they claim before a click moves the
// start.
import { axisRanges, axisTitles, baseLayout, contourTrace, fmtValue, markerTraces, pathColumns, pathTrace, plain,
  plotConfig, rejectedTrace, STILL, themeColors, visibleMarks } from "../figure.js";
import { t } from "../i18n.js";
import { lastStep, laneStep, partial, svgPath } from "../paths.js";
import { startAt } from "../state.js";
import { el } from "../dom.js";
import { View } from "./view.js";

const SVG = "http://www.w3.org/2000/svg";
const MARGIN = { l: 64, r: 14, t: 12, b: 50, autoexpand: false };
const CLOUD_WIDTH = 1.5, CLOUD_OPACITY = 0.3;  // the cloud's copies of a stochastic lane: thin and faint
export const DOMAIN_PAD = 22;  // px of margin around the domain (unzoomed): a start on its edge is drawn whole

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
  /** ``cover(land, box)``: the landscape with a grid over ``box`` (the axes may reach past its own grid). */
  constructor({ root, store, runs, cover = (land) => land }) {
    super(root);
    this.store = store;
    this.cover = cover;
    this.layers = [];
    // the arrows need each step's gradient; a random search's rejected proposals are drawn faint
    runs.need("overlay", (s) => [...(s.view.arrows ? ["gradients"] : []),
      ...(s.optimizers.some((o) => o.optimizer.startsWith("random")) ? ["proposals", "accepted"] : [])]);
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
    this.layerGroups = document.createElementNS(SVG, "g");  // one group per layer that draws in SVG
    this.layerGroups.setAttribute("clip-path", "url(#plot-area)");
    this.svg.append(clip, this.livePaths, this.marks, this.layerGroups);
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
    this.pixelPaths = new WeakMap();  // points -> {key, d, ends}: a path in pixels, and where each step ends in it
    this.pathNodes = new Map();  // the SVG paths drawn, by id
    this.rejectedIndex = [];
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
    return axisRanges(scene.zoom || scene.surface.domain, w, h, scene.equal, scene.zoom ? 0 : DOMAIN_PAD);
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

  /** The axes' mapping as drawn (null before the first drawing): ``toPixel(p)`` in the plot element's pixels,
   *  ``toClient(p)`` in the viewport's, ``toData(clientX, clientY)`` (null outside the plot area), and the ranges. */
  axes() {
    if (!this.current) return null;
    return { ranges: this.current, toPixel: (p) => this.toPixel(p), toData: (cx, cy) => this.toData(cx, cy),
      toClient: (p) => { const box = this.main.getBoundingClientRect(); const [u, v] = this.toPixel(p); return [box.left + u, box.top + v]; } };
  }

  /** A layer: ``traces(scene)`` (Plotly traces drawn after the paths; ``key(scene)`` says when they change),
   *  ``draw(group, axes, scene)`` (an SVG group over the plot area), ``click(event, point, axes)`` (true: the click is
   *  the layer's, the start stays). */
  addLayer(layer) {
    const group = document.createElementNS(SVG, "g");
    this.layerGroups.append(group);
    this.layers.push({ layer, group });
    return { redraw: () => this.drawLayer(layer), group };
  }

  drawLayer(layer) {
    const entry = this.layers.find((l) => l.layer === layer);
    const axes = this.axes();
    if (entry?.layer.draw && axes && this.scene) entry.layer.draw(entry.group, axes, this.scene);
  }

  click(event) {
    if (STILL || event.target.closest?.(".modebar") || !this.scene) return;
    const p = this.toData(event.clientX, event.clientY);
    if (!p) return;
    const axes = this.axes();
    if (this.layers.some(({ layer }) => layer.click?.(event, p, axes))) return;
    this.store.update({ start: startAt(p, this.scene.surface.domain), view: { step: null } }, "click");
  }

  /** The figure in words (its text alternative). */
  describe(text) { this.main.setAttribute("aria-label", text); }

  readout(event) {
    const out = this.readoutBox;
    const p = this.toData(event.clientX, event.clientY);
    if (!p || !this.scene) { out.classList.remove("on"); return; }
    out.textContent = `x ${p[0].toFixed(3)}   y ${p[1].toFixed(3)}   f ${fmtValue(valueAt((this.drawnLand || this.scene.land).grid, p[0], p[1]))}`;
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
    const drawnLand = this.cover(land, ranges);  // a grid over the whole box drawn, where the axes reach past the landscape's
    this.drawnLand = drawnLand;
    const bgKey = JSON.stringify([land.key, theme, ranges, dims.w, dims.h, drawnLand.covers || null]);
    const jobs = [];
    if (bgKey !== this.bgKey) {
      this.bgKey = bgKey;
      // a fresh plot each time: Plotly.react of a contour whose data is unchanged but whose axes moved throws inside
      // plotly.js 4 ("reading 'z'"); this layer changes only with the landscape, the zoom, the theme or the size
      jobs.push(Plotly.newPlot(this.bg, [contourTrace({ ...scene, land: drawnLand }, { hoverinfo: "skip" })], {
        ...baseLayout(theme), ...this.size(), margin: MARGIN, xaxis: { range: ranges.x, visible: false }, yaxis: { range: ranges.y, visible: false },
      }, plotConfig({ staticPlot: true })));
    }
    const marks = visibleMarks(scene);
    // a lane's label (it carries the lr a slider sets) is restyled with its path; it changes the structure only where
    // another trace carries it too (the rejected proposals of a random search)
    const structure = JSON.stringify([land.key, theme, ranges, dims.w, dims.h, scene.start, marks.minima.length, marks.saddles.length,
      scene.lanes.map((l) => [l.color, l.dash, !!l.proposals, l.proposals ? l.label : null]), (scene.cloud || []).length, t("minimum"),
      this.layers.map(({ layer }) => layer.key?.(scene) ?? "")]);
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
        const grow = partial(scene.cursor, lastStep(scene.lanes));  // the full traces stay hidden before the end
        const redraw = [...new Set([...moved, ...this.live])].filter((i) => i < scene.lanes.length).sort((a, b) => a - b);
        if (redraw.length) {
          const traces = redraw.map((i) => pathTrace(scene.lanes[i], i, Infinity));
          jobs.push(Plotly.restyle(this.main, { x: traces.map((tr) => tr.x), y: traces.map((tr) => tr.y), name: traces.map((tr) => tr.name),
            hovertemplate: traces.map((tr) => tr.hovertemplate), opacity: traces.map(() => (grow ? 0 : 1)) }, redraw.map((i) => this.laneIndex[i])));
        }
        const copies = [...new Set([...movedCloud, ...this.liveCloud])].filter((k) => k < cloud.length).sort((a, b) => a - b);
        if (copies.length) {  // one restyle for all of them (one each was a Plotly redraw each)
          const cols = copies.map((k) => pathColumns(cloud[k]));
          jobs.push(Plotly.restyle(this.main, { x: cols.map((c) => c.x), y: cols.map((c) => c.y), opacity: cols.map(() => (grow ? 0 : CLOUD_OPACITY)) },
            copies.map((k) => this.cloudIndex + k)));
        }
        this.live.clear();
        this.liveCloud.clear();
      }
    } else {
      this.structure = structure;
      this.live.clear();
      this.liveCloud.clear();
      const grow = partial(scene.cursor, lastStep(scene.lanes));
      const data = markerTraces(scene);
      this.cloudIndex = data.length;
      for (const member of scene.cloud || []) {  // other seeds of a stochastic lane, faint
        data.push({ type: "scatter", mode: "lines", ...pathColumns(member), line: { color: member.color, width: CLOUD_WIDTH },
          opacity: grow ? 0 : CLOUD_OPACITY, hoverinfo: "skip" });
      }
      this.laneIndex = [];
      scene.lanes.forEach((lane, i) => { this.laneIndex.push(data.length); data.push({ ...pathTrace(lane, i, Infinity), opacity: grow ? 0 : 1 }); });
      this.rejectedIndex = [];
      scene.lanes.forEach((lane, i) => {
        if (!lane.proposals) return;
        this.rejectedIndex.push(data.length);
        data.push({ ...rejectedTrace(lane, i, Infinity), opacity: grow ? 0 : 1 });
      });
      for (const { layer } of this.layers) if (layer.traces) data.push(...layer.traces(scene));
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
    this.drawPaths(scene.cursor);
    await this.showWhole(scene.cursor);
    this.drawPoints(scene.cursor);
    for (const { layer } of this.layers) this.drawLayer(layer);
  }

  /** A path in this view's pixels as SVG path data and where each step ends in it (paths.js' svgPath), made once per
   *  result and plot box: the path at step k is ``d.slice(0, ends[k])``. */
  pixelPath(points) {
    const { w, h } = this.areaOnce();
    const { x, y } = this.current;
    const key = `${x[0]},${x[1]},${y[0]},${y[1]},${w},${h}`;
    const known = this.pixelPaths.get(points);
    if (known && known.key === key) return known;
    const sx = w / (x[1] - x[0]), sy = h / (y[1] - y[0]);
    const made = { key, ...svgPath(points, (p) => [MARGIN.l + (p[0] - x[0]) * sx, MARGIN.t + (y[1] - p[1]) * sy]) };
    this.pixelPaths.set(points, made);
    return made;
  }

  /** The paths the SVG draws, styled as their Plotly traces (Plotly's dash patterns): before the end of a playback
   *  every lane and cloud copy up to step ``upto``; otherwise only those of a drag (whole), until Plotly draws them. */
  drawPaths(upto = this.scene?.cursor) {
    const scene = this.scene;
    if (!scene || !this.current) return;
    const grow = partial(upto, lastStep(scene.lanes));
    const cloud = scene.cloud || [];
    const lanes = grow ? scene.lanes.map((_, i) => i) : [...this.live];
    const copies = grow ? cloud.map((_, k) => k) : [...this.liveCloud];
    const items = [...copies.map((k) => [cloud[k], CLOUD_WIDTH, CLOUD_OPACITY, "solid", `cloud${k}`]),
      ...lanes.map((i) => [scene.lanes[i], 3.5, 1, scene.lanes[i]?.dash, String(i)])].filter(([l]) => l && l.points?.length);
    if (!items.length) {
      if (this.pathNodes.size) { this.livePaths.replaceChildren(); this.pathNodes.clear(); }
      return;
    }
    const nodes = items.map(([lane, width, opacity, dash, id]) => {
      const { d, ends } = this.pixelPath(lane.points);
      const data = grow ? d.slice(0, ends[laneStep(lane, upto)]) : d;
      const style = `${lane.color} ${width} ${opacity} ${dash}`;
      let path = this.pathNodes.get(id);
      if (!path) { path = document.createElementNS(SVG, "path"); path.dataset.lane = id; this.pathNodes.set(id, path); }
      if (path.dataset.style !== style) {
        path.dataset.style = style;
        const dlw = Math.max(width, 3);  // Plotly's dash lengths, in line widths of at least 3 px
        const dashes = { dot: [dlw, dlw], dash: [3 * dlw, 3 * dlw], longdash: [5 * dlw, 5 * dlw], dashdot: [3 * dlw, dlw, dlw, dlw],
          longdashdot: [5 * dlw, 2 * dlw, dlw, 2 * dlw] };
        path.setAttribute("fill", "none");
        path.setAttribute("stroke", lane.color);
        path.setAttribute("stroke-width", width);
        path.setAttribute("stroke-linejoin", "round");
        if (opacity !== 1) path.setAttribute("stroke-opacity", opacity); else path.removeAttribute("stroke-opacity");
        if (dashes[dash]) path.setAttribute("stroke-dasharray", dashes[dash].join(" ")); else path.removeAttribute("stroke-dasharray");
      }
      if (path.getAttribute("d") !== data) path.setAttribute("d", data);
      return path;
    });
    const ids = new Set(items.map((item) => item[4]));
    for (const id of [...this.pathNodes.keys()]) if (!ids.has(id)) this.pathNodes.delete(id);
    if (nodes.length !== this.livePaths.childNodes.length || nodes.some((n, k) => this.livePaths.childNodes[k] !== n)) {
      this.livePaths.replaceChildren(...nodes);
    }
  }

  /** The full paths' traces shown at the end of a playback and hidden before it (while the SVG draws the paths at the
   *  step), with one restyle when that changes; a drag's lanes stay hidden until Plotly has their new data. */
  showWhole(upto) {
    const scene = this.scene;
    const gd = this.main;
    if (!scene || !gd.data || !this.laneIndex) return Promise.resolve();
    const grow = partial(upto, lastStep(scene.lanes));
    const want = new Map();
    this.laneIndex.forEach((idx, i) => want.set(idx, grow || this.live.has(i) ? 0 : 1));
    (scene.cloud || []).forEach((_, k) => want.set(this.cloudIndex + k, grow || this.liveCloud.has(k) ? 0 : CLOUD_OPACITY));
    for (const idx of this.rejectedIndex) want.set(idx, grow ? 0 : 1);
    const change = [...want].filter(([idx, o]) => gd.data[idx] && (gd.data[idx].opacity ?? 1) !== o);
    if (!change.length) return Promise.resolve();
    return Plotly.restyle(gd, { opacity: change.map(([, o]) => o) }, change.map(([idx]) => idx));
  }

  /** A pan or zoom by the user: the state takes the new box (or null after a double-click's reset). */
  relayout(ev) {
    if (ev["xaxis.autorange"] || ev["yaxis.autorange"]) { this.store.update({ view: { zoom: null } }, "zoom"); return; }
    const x = ev["xaxis.range"] || (ev["xaxis.range[0]"] !== undefined ? [ev["xaxis.range[0]"], ev["xaxis.range[1]"]] : null);
    const y = ev["yaxis.range"] || (ev["yaxis.range[0]"] !== undefined ? [ev["yaxis.range[0]"], ev["yaxis.range[1]"]] : null);
    if (!x && !y) return;
    const cur = this.current;
    const box = { x: (x || cur.x).map(Number), y: (y || cur.y).map(Number) };
    this.current = box;
    this.bgKey = null;
    this.store.update({ view: { zoom: box } }, "zoom");
  }

  moveCursor(scene, upto) {
    this.scene = scene;
    this.drawPaths(upto);
    this.drawPoints(upto);
    return this.showWhole(upto);
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
