// What the map views (Basins, Sweep) share: their elements (controls, a progress bar, the plot and its live layer),
// colours, titles that fit their column, and when to compute: the whole figure is asked for once its scene rests for a
// moment, is kept while nothing it shows changes, and a newer scene or leaving the view drops one on its way; while a
// slider is dragged, the view draws the dragged lane's map on its live layer as each arrives (maplayer.js).
import { plain } from "../figure.js";
import { t } from "../i18n.js";
import { LiveLayer } from "./maplayer.js";

export const BASIN_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"];
// diverged and "no minimum" must stand out from the page: black and white on light, white and grey on dark
const MAP_COLOURS = {
  light: { diverged: "#222222", none: "#ffffff", names: ["colour_black", "colour_white"] },
  dark: { diverged: "#f2f2f2", none: "#6b6b6b", names: ["colour_white", "colour_grey"] },
};

export function mapColours(theme) {
  const c = MAP_COLOURS[theme === "dark" ? "dark" : "light"];
  return { ...c, divergedName: t(c.names[0]), noneName: t(c.names[1]) };
}
export const MAP_POINT_STEPS = 6e6; // per lane: about a tenth of a second of the engine, so a map follows the sliders

export function themeInk(theme) { return theme === "dark" ? "#f1f1f3" : "#1d1d1f"; }

/** A map view's own element: its controls (if any), a progress bar and its plot. */
function mapElements(root, id, label, controls = null) {
  const progress = document.createElement("progress");
  progress.className = "map-progress";
  progress.max = 1;
  progress.value = 0;
  progress.hidden = true;
  progress.setAttribute("aria-label", t("computing"));
  const el = document.createElement("div");
  el.className = "plot";
  el.id = id;
  el.setAttribute("role", "figure");
  el.setAttribute("aria-label", label);
  root.replaceChildren(...(controls ? [controls] : []), progress, el);
  return { el, progress };
}

/** A map's title (lane label, then its note) that fits ``px`` pixels: the font shrinks to ``minSize`` at most, then the
 *  label loses its middle ("Momentum (he…ball) lr=0.001"), so titles of a crowded grid never run into each other.
 *  ``family``: the font Plotly draws it in. Returns Plotly annotation text (the label escaped) and its font size. */
let measureCtx = null;
export const PLOTLY_FONT = '"Open Sans", verdana, arial, sans-serif';  // Plotly's default: the maps' layouts set none
export function fitTitle(label, note, px, family, size = 15, { mark = "■ ", minSize = 12 } = {}) {
  measureCtx ||= document.createElement("canvas").getContext("2d");
  const width = (text, at) => { measureCtx.font = `${at}px ${family}`; return measureCtx.measureText(text).width; };
  const whole = (l) => `${mark}${l}${note}`;
  let at = size;
  while (at > minSize && width(whole(label), at) > px) at -= 0.5;
  let shown = String(label ?? "");
  if (width(whole(shown), at) > px) {
    const chars = [...shown];
    let keep = chars.length;
    do {
      keep -= 1;
      shown = chars.slice(0, Math.ceil(keep / 2)).join("") + "…" + chars.slice(chars.length - Math.floor(keep / 2)).join("");
    } while (keep > 2 && width(whole(shown), at) > px);
  }
  return { text: plain(shown), size: at };
}

/** The width each column's title may take: up to the next column (the last: to the plot's right edge). */
export function titleWidths(layoutWidth, margin, cols, xgap, rightRoom = margin.r) {
  const plotW = Math.max(layoutWidth - margin.l - margin.r, 100);
  const stride = plotW / (cols - xgap);
  const cell = stride * (1 - xgap);
  // 5% slack: the SVG text and the canvas measure may resolve the font list a little differently
  return Array.from({ length: cols }, (_, c) => 0.95 * (c < cols - 1 ? stride - 8 : cell + rightRoom - 4));
}

export function elementSize(node) {
  return { width: Math.max(node.clientWidth, 100), height: Math.max(node.clientHeight, 100), autosize: false };
}

export function mapLayout(theme) {
  return { paper_bgcolor: theme === "dark" ? "#1c1d22" : "#ffffff", plot_bgcolor: "rgba(0,0,0,0)",
    font: { color: themeInk(theme), size: 16 } };
}

const REST = 250;  // ms a scene must stand before its maps are computed (none after a drag: the stage waited)

export class MapView {
  /** ``keyOf(scene)``: everything the maps show; ``compute(scene, seq)``: compute and draw them, resolving true when
   *  drawn (false when ``seq`` is no longer this.seq: another scene came first); ``live(scene)``: while a slider is
   *  dragged (``scene.live``), draw what it changes on the live layer as it arrives. ``maps``: the map client; the
   *  view's requests use the slots ``${slot}:...``. */
  constructor({ root, id, label, controls = null, maps, slot }) {
    this.root = root;
    Object.assign(this, mapElements(root, id, label, controls));
    this.maps = maps;
    this.slot = slot;
    this.layer = new LiveLayer(this.el);
    this.seq = 0;
    this.drawnKey = null;
    this.pending = null;
    this.wasLive = false;
  }

  show() { this.root.hidden = false; }

  hide() {
    this.root.hidden = true;
    this.seq += 1;
    this.progress.hidden = true;
    this.cancel();
    this.maps.cancel((slot) => String(slot).startsWith(`${this.slot}:`));
  }

  get visible() { return !this.root.hidden; }

  cancel() {
    clearTimeout(this.timer);
    this.pending?.resolve(false);
    this.pending = null;
  }

  /** The maps of ``scene`` on screen: resolves true once they are (at once when they already are), false when another
   *  scene came first or the same one is already on its way (its own call says when it is drawn), or while a slider
   *  is dragged (the live layer follows it; the whole figure is drawn once it rests). */
  render(scene) {
    if (scene.live && this.layer.ready) {
      this.cancel();
      this.wasLive = true;
      this.live(scene);
      return Promise.resolve(false);
    }
    const key = this.keyOf(scene);
    if (this.drawnKey === key) { this.cancel(); this.layer.clear(); return Promise.resolve(true); }
    if (this.pending?.key === key) return Promise.resolve(false);
    this.cancel();
    const rest = this.wasLive ? 0 : REST;
    this.wasLive = false;
    return new Promise((resolve, reject) => {
      const pending = { key, resolve };
      this.pending = pending;
      this.timer = setTimeout(async () => {
        try {
          const ok = await this.compute(scene, ++this.seq);
          if (this.pending !== pending) return;
          this.pending = null;
          if (ok) this.drawnKey = key;
          resolve(ok);
        } catch (err) {
          if (this.pending === pending) this.pending = null;
          reject(err);
        }
      }, rest);
    });
  }

  live() {}

  /** Ask the map client for the maps of ``requests`` ([{kind, body, slot}]) at once (it sends them one at a time);
   *  the progress bar shows how far they are. Resolves with their answers, or null when any is no longer wanted; a
   *  refusal rejects, or gives ``refused`` in its place when that is given. */
  async fetchAll(requests, seq, { refused } = {}) {
    const done = requests.map(() => 0);
    const show = () => { if (seq === this.seq) this.progress.value = done.reduce((a, b) => a + b, 0) / Math.max(requests.length, 1); };
    this.progress.hidden = !requests.length;
    this.progress.value = 0;
    try {
      const answers = await Promise.all(requests.map(({ kind, body, slot }, k) => this.maps.request(kind, body,
        { slot: `${this.slot}:${slot}`, onProgress: (d, total) => { done[k] = d / Math.max(total, 1); show(); } })
        .then((answer) => { done[k] = 1; show(); return answer; }, (err) => { if (refused === undefined) throw err; return refused; })));
      return answers.some((a) => a === null) ? null : answers;
    } finally {
      if (seq === this.seq) this.progress.hidden = true;
    }
  }

  /** Tell whoever listens that a lane's map (or curve) is on screen: live (while a slider is dragged) or whole. */
  announce(lane, request, live) {
    window.dispatchEvent(new CustomEvent("slopes:map", { detail: { view: this.slot, lane, request, live } }));
  }

  /** Forget what is drawn (another language: the titles change). */
  forget() { this.drawnKey = null; }

  moveCursor() { return Promise.resolve(); }

  /** The click handler, installed once on this view's own plot. */
  bind() {
    if (this.bound) return;
    this.bound = true;
    this.el.on("plotly_click", (ev) => this.click(ev));
  }
}
