// Figures for slides (PowerPoint, Keynote, Google Slides: no iframe there): the overlay at a slide's size in the light
// theme, read from the back of a room (a lane another runs over is drawn wider, so that lanes along one line all show). Text scales with the height (at 1080 px: ticks 24 px, legend 26 px, caption
// 26 px, title 40 px); the title (the lesson's or the surface's name) and the caption sit above the plot, the legend to
// its right, and every lane's start and its point at the step (its end, once the playback is over) are marked.
//   slideFigure(scene, text, size, {upto}): one Plotly figure, for PNG and SVG (Plotly.toImage).
//   SlideFrames: the same figure without the paths drawn once as a background, then each frame of a video or GIF on a
//   canvas: the paths at step k (paths.js), the points, the start, and the step counter burnt in.
import { baseLayout, contourTrace, markerTraces, pathTrace, plain, axisRanges, axisTitles, themeColors } from "./figure.js";
import { laneStep, lastStep, pathUpTo } from "./paths.js";
import { t } from "./i18n.js";

export const SLIDE_SIZES = { "16:9": { width: 1920, height: 1080 }, "4:3": { width: 1440, height: 1080 } };
export const VIDEO_SIZES = { "1280x720": { width: 1280, height: 720 }, "1920x1080": { width: 1920, height: 1080 } };
const FONT = "Noto Sans, Noto Sans CJK KR, system-ui, sans-serif";
const CAPTION_COLOUR = "#3a3a40";
const MAX_CAPTION_LINES = 3;

let measurer = null;
function textWidth(text, px, bold = false) {
  measurer ||= document.createElement("canvas").getContext("2d");
  measurer.font = `${bold ? "bold " : ""}${px}px ${FONT}`;
  return measurer.measureText(text).width;
}

/** ``text`` cut into lines no wider than ``width`` px (at words; a word longer than a line at characters), at most
 *  ``max`` lines (the last one ending in "…" when text is left over). */
export function wrap(text, px, width, max = MAX_CAPTION_LINES) {
  const lines = [];
  let line = "";
  const words = String(text || "").split(/\s+/).filter(Boolean);
  for (let w = 0; w < words.length; w++) {
    let word = words[w];
    const candidate = line ? `${line} ${word}` : word;
    if (textWidth(candidate, px) <= width) { line = candidate; continue; }
    if (line) { lines.push(line); line = ""; }
    while (textWidth(word, px) > width) {  // a word wider than the line (CJK text without spaces)
      let n = word.length - 1;
      while (n > 1 && textWidth(word.slice(0, n), px) > width) n--;
      lines.push(word.slice(0, n));
      word = word.slice(n);
    }
    line = word;
  }
  if (line) lines.push(line);
  if (lines.length <= max) return lines;
  const kept = lines.slice(0, max);
  let last = kept[max - 1];
  while (last.length > 1 && textWidth(`${last}…`, px) > width) last = last.slice(0, -1);
  kept[max - 1] = `${last}…`;
  return kept;
}

/** ``text`` shortened with "…" to at most ``width`` px. */
function fit(text, px, width) {
  let out = String(text);
  if (textWidth(out, px) <= width) return out;
  while (out.length > 1 && textWidth(`${out}…`, px) > width) out = out.slice(0, -1);
  return `${out}…`;
}

/** Where everything goes on a slide of ``size``: the scale, the margins around the plot area, the plot box and its
 *  axis ranges, the title and caption lines, the legend's labels. */
export function slideLayout(scene, text, size) {
  const { width: W, height: H } = size;
  const s = H / 1080;
  const px = { title: Math.round(40 * s), caption: Math.round(26 * s), legend: Math.round(26 * s), tick: Math.round(24 * s),
    axis: Math.round(28 * s), counter: Math.round(30 * s) };
  const pad = Math.round(36 * s);
  const title = fit(text.title || "", px.title, W - 2 * pad);
  const caption = wrap(text.caption || "", px.caption, W - 2 * pad);
  const legendText = Math.min(...[W * 0.3], Math.max(0, ...scene.lanes.map((l) => textWidth(l.label, px.legend))));
  const labels = scene.lanes.map((l) => fit(l.label, px.legend, legendText));
  const legendWidth = scene.lanes.length ? Math.round(legendText + 90 * s) : 0;
  const top = Math.round(pad + px.title * 1.35 + caption.length * px.caption * 1.4 + 22 * s);
  const margin = { l: Math.round(120 * s), r: Math.round(legendWidth + 40 * s), t: top, b: Math.round(104 * s) };
  const plot = { x: margin.l, y: margin.t, w: W - margin.l - margin.r, h: H - margin.t - margin.b };
  const ranges = axisRanges(scene.zoom || scene.surface.domain, plot.w, plot.h, scene.equal);
  const L = { W, H, s, px, pad, title, caption, labels, margin, plot, ranges };
  return { ...L, widths: laneWidths(scene, L) };
}

/** Where lane ``points`` at step ``k`` is marked inside the box ``ranges``: the point itself, or, when it lies outside
 *  (a run that diverged off the plot), where the path last leaves the box; null when it never enters it. */
export function markedPoint(points, k, ranges) {
  const { x, y } = ranges;
  const inside = (p) => p[0] >= x[0] && p[0] <= x[1] && p[1] >= y[0] && p[1] <= y[1];
  if (inside(points[k])) return points[k];
  let j = k - 1;
  while (j >= 0 && !(Number.isFinite(points[j][0]) && inside(points[j]))) j--;
  if (j < 0) return null;
  const [a, b] = [points[j], points[j + 1]];
  let f = 1;  // the fraction of the segment a -> b inside the box
  for (const [d, lo, hi] of [[0, x[0], x[1]], [1, y[0], y[1]]]) {
    const delta = b[d] - a[d];
    if (!Number.isFinite(delta) || delta === 0) continue;
    const edge = delta > 0 ? hi : lo;
    f = Math.min(f, (edge - a[d]) / delta);
  }
  if (!Number.isFinite(f)) return a;
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])];
}

/** Each lane's line width on a slide (of scale ``L.s``): 5 px at 1080, and wider by a few px for each later lane (drawn
 *  over it) that runs along most of it, so that lanes along one line (GD at three step sizes on a round bowl) still
 *  show each colour, as stripes beside the one on top; a lane nothing covers keeps 5 px. Overlap is counted in cells
 *  of 6 px along each path inside the plot. */
export function laneWidths(scene, L) {
  const n = scene.lanes.length;
  const cell = 6 * L.s;
  const { x: left, y: top, w, h } = L.plot;
  const cols = Math.ceil(w / cell) + 1;
  const cells = scene.lanes.map((lane) => {
    const seen = new Set();
    const add = (x, y) => seen.add(Math.floor((y - top) / cell) * cols + Math.floor((x - left) / cell));
    let prev = null;
    for (const p of lane.points) {
      const [x, y] = Number.isFinite(p[0]) && Number.isFinite(p[1]) ? toPixel(L, p) : [NaN, NaN];
      if (!(x >= left && x <= left + w && y >= top && y <= top + h)) { prev = null; continue; }
      if (prev) {
        const parts = Math.min(400, Math.ceil(Math.hypot(x - prev[0], y - prev[1]) / cell));
        for (let k = 1; k < parts; k++) add(prev[0] + ((x - prev[0]) * k) / parts, prev[1] + ((y - prev[1]) * k) / parts);
      }
      add(x, y);
      prev = [x, y];
    }
    return seen;
  });
  const step = n > 1 ? Math.min(4, 18 / (n - 1)) : 0;
  return cells.map((mine, i) => {
    let under = 0;
    for (let j = i + 1; j < n; j++) {
      let shared = 0;
      for (const c of mine) if (cells[j].has(c)) shared++;
      if (mine.size && shared >= 0.3 * mine.size) under++;
    }
    return (5 + step * under) * L.s;
  });
}

/** A data point in the slide's pixels. */
function toPixel(L, p) {
  const { x, y } = L.ranges;
  return [L.plot.x + ((p[0] - x[0]) / (x[1] - x[0])) * L.plot.w, L.plot.y + ((y[1] - p[1]) / (y[1] - y[0])) * L.plot.h];
}

/** The slide as one Plotly figure: with ``paths``, each lane up to step ``upto`` and its point there (its end at N);
 *  without, the background of a video's frames (the legend keeps the lanes, drawn with no data). */
export function slideFigure(scene, text, size, { upto = Infinity, paths = true } = {}) {
  const sc = { ...scene, theme: "light" };
  const L = slideLayout(sc, text, size);
  const c = themeColors("light");
  const { s, px } = L;
  const lanes = sc.lanes.map((lane, i) => {
    const tr = pathTrace(lane, i, paths ? upto : -1);
    return { ...tr, name: plain(L.labels[i]), showlegend: true, hoverinfo: "skip", hovertemplate: undefined,
      line: { ...tr.line, width: L.widths[i] }, ...(paths ? {} : { x: [null], y: [null] }) };
  });
  const marks = markerTraces(sc).map((tr) => {
    const big = { ...tr, showlegend: false, hoverinfo: "skip", hovertemplate: undefined };
    if (tr.meta === "start") big.marker = { ...tr.marker, size: 26 * s, line: { color: c.mark, width: 4 * s } };
    else big.marker = { ...tr.marker, size: Array.isArray(tr.marker.size) ? tr.marker.size.map((v) => v * 1.6 * s) : tr.marker.size * 1.6 * s };
    return big;
  });
  const ends = paths ? sc.lanes.map((lane) => {
    const k = laneStep(lane, upto);
    const p = markedPoint(lane.points, k, L.ranges) || [null, null];
    const diverged = lane.status === "diverged" && k === lane.points.length - 1;
    return { type: "scatter", mode: "markers", x: [p[0]], y: [p[1]], showlegend: false, hoverinfo: "skip", meta: "end", cliponaxis: false,
      marker: diverged ? { symbol: "x", size: 30 * s, color: lane.color, line: { color: c.paper, width: 2 * s } }
        : { symbol: "circle", size: 24 * s, color: lane.color, line: { color: c.paper, width: 3.5 * s } } };
  }) : [];
  const [xName, yName] = axisTitles(sc.surface);
  const axis = (range, name) => ({ range, title: { text: plain(name), font: { size: px.axis }, standoff: Math.round(14 * s) },
    tickfont: { size: px.tick }, showgrid: false, zeroline: false, ticks: "outside", ticklen: Math.round(8 * s), tickwidth: Math.max(1, 2 * s),
    linecolor: c.ink, linewidth: Math.max(1, 1.5 * s), mirror: true, nticks: 7, fixedrange: true });
  const paper = (x, y) => ({ x: (x - L.plot.x) / L.plot.w, y: (L.plot.y + L.plot.h - y) / L.plot.h });
  const at = (x, y) => ({ ...paper(x, y), xref: "paper", yref: "paper", xanchor: "left", yanchor: "top", showarrow: false, align: "left" });
  const annotations = [{ ...at(L.pad, L.pad), text: `<b>${plain(L.title)}</b>`, font: { size: px.title, color: c.ink } }];
  if (L.caption.length) {
    annotations.push({ ...at(L.pad, L.pad + px.title * 1.35), text: L.caption.map(plain).join("<br>"),
      font: { size: px.caption, color: CAPTION_COLOUR } });
  }
  const layout = { ...baseLayout("light"), width: L.W, height: L.H, margin: { ...L.margin, pad: 0, autoexpand: false },
    font: { ...baseLayout("light").font, size: px.tick }, showlegend: sc.lanes.length > 0,
    legend: { x: 1 + (24 * s) / L.plot.w, xanchor: "left", y: 1, yanchor: "top", font: { size: px.legend },
      itemwidth: Math.max(30, Math.round(50 * s)), tracegroupgap: 0, itemclick: false },
    xaxis: axis(L.ranges.x, xName), yaxis: axis(L.ranges.y, yName), annotations };
  return { data: [contourTrace(sc, { hoverinfo: "skip", hovertemplate: undefined }), ...lanes, ...marks, ...ends], layout, slide: L };
}

/** A still of the slide: a PNG or SVG as a Blob. */
export async function slideImage(scene, text, size, format) {
  const { data, layout } = slideFigure(scene, text, size);
  const url = await Plotly.toImage({ data, layout }, { format, width: size.width, height: size.height, scale: 1 });
  return (await fetch(url)).blob();
}

/** The frames of a video or GIF of the playback: ``await SlideFrames.make(scene, text, size)``, then ``draw(step)``
 *  paints step ``step`` onto ``canvas``. */
export class SlideFrames {
  static async make(scene, text, size) {
    const figure = slideFigure(scene, text, size, { paths: false });
    const url = await Plotly.toImage({ data: figure.data, layout: figure.layout }, { format: "png", width: size.width, height: size.height });
    const background = new Image();
    background.src = url;
    await background.decode();
    return new SlideFrames({ ...scene, theme: "light" }, figure.slide, background);
  }

  constructor(scene, layout, background) {
    Object.assign(this, { scene, layout, background });
    this.last = lastStep(scene.lanes);
    this.canvas = document.createElement("canvas");
    this.canvas.width = layout.W;
    this.canvas.height = layout.H;
    this.ctx = this.canvas.getContext("2d", { willReadFrequently: true });
    // each lane in pixels once: a frame draws a prefix of it
    this.pixels = scene.lanes.map((lane) => { const { x, y } = pathUpTo(lane.points); return x.map((u, k) => toPixel(layout, [u, y[k]])); });
  }

  draw(step) {
    const { ctx, layout: L, scene } = this;
    const c = themeColors("light");
    const s = L.s;
    ctx.drawImage(this.background, 0, 0);
    ctx.save();
    ctx.beginPath();
    ctx.rect(L.plot.x, L.plot.y, L.plot.w, L.plot.h);
    ctx.clip();
    ctx.lineJoin = "round";
    ctx.lineCap = "round";
    scene.lanes.forEach((lane, i) => {
      const k = laneStep(lane, step);
      const px = this.pixels[i];
      ctx.strokeStyle = lane.color;
      ctx.lineWidth = L.widths[i];
      const d = Math.max(5 * s, 3);
      ctx.setLineDash({ dot: [d, d], dash: [3 * d, 3 * d] }[lane.dash] || []);
      ctx.beginPath();
      ctx.moveTo(px[0][0], px[0][1]);
      for (let j = 1; j <= k; j++) ctx.lineTo(px[j][0], px[j][1]);
      ctx.stroke();
    });
    ctx.setLineDash([]);
    ctx.restore();  // the marks are whole even at the plot's edge
    const [sx, sy] = toPixel(L, scene.start);  // the start, over the paths that leave it
    ctx.beginPath();
    ctx.arc(sx, sy, 13 * s - 2 * s, 0, 2 * Math.PI);
    ctx.fillStyle = c.paper;
    ctx.fill();
    ctx.lineWidth = 4 * s;
    ctx.strokeStyle = c.mark;
    ctx.stroke();
    scene.lanes.forEach((lane, i) => {  // each lane's point at the step: its end on the last frame
      const k = laneStep(lane, step);
      const mark = markedPoint(lane.points, k, L.ranges);
      if (!mark) return;
      const [x, y] = toPixel(L, mark);
      if (lane.status === "diverged" && k === lane.points.length - 1) {
        const r = 12 * s;
        ctx.strokeStyle = lane.color;
        ctx.lineWidth = 6 * s;
        ctx.beginPath();
        ctx.moveTo(x - r, y - r); ctx.lineTo(x + r, y + r); ctx.moveTo(x - r, y + r); ctx.lineTo(x + r, y - r);
        ctx.stroke();
        return;
      }
      ctx.beginPath();
      ctx.arc(x, y, 12 * s - 1.75 * s, 0, 2 * Math.PI);
      ctx.fillStyle = lane.color;
      ctx.fill();
      ctx.lineWidth = 3.5 * s;
      ctx.strokeStyle = c.paper;
      ctx.stroke();
    });
    // the step counter, bottom right (the x axis' title is centred)
    ctx.font = `${L.px.counter}px ${FONT}`;
    ctx.fillStyle = c.ink;
    ctx.textAlign = "right";
    ctx.textBaseline = "bottom";
    ctx.fillText(t("video_step", { k: step, n: this.last }), L.W - L.pad, L.H - Math.round(20 * s));
    return this.canvas;
  }
}
