// The stage: which view is shown and when it is drawn. From the store (what to show) and the results (what the
// server computed) it builds one scene and hands it to the shown view, the legend, the charts and the table, once per
// animation frame at most; it says when the newest state is on screen (slopes:drawn, the figure's aria-busy, the
// promises of update()) and puts every drawn result's request in a slopes:frame event.
//
// Speed (benchmarks/page.py): while a slider is dragged only the paths redraw (the views' quick way), or in a map view
// the dragged lane's map (its live layer); the charts, the table and whole maps follow once it rests, and at most every
// CHART_INTERVAL while results stream in. The cursor (the step
// shown) moves without a redraw of the paths.
import { nextTask } from "./dom.js";
import { t } from "./i18n.js";
import { dismiss, toast } from "./messages.js";
import { lastStep } from "./paths.js";
import { requestBody } from "./runs.js";
import { equalAxes, landKeyOf, laneStyle, MAP_VIEWS } from "./state.js";

const CHART_INTERVAL = 120; // ms: while results arrive quickly (a stream), the charts and the table redraw at most this often
const DRAG_IDLE = 250; // ms: a slider that has not moved for this long is no longer being dragged
export const MAP_MODES = MAP_VIEWS;

function fstar(meta) {
  return meta.minima.length ? Math.min(...meta.minima.map((m) => m.value)) : null;
}

export class Stage {
  /** ``views``: {overlay, side, 3d, basins, sweep}; ``parts``: {legend, charts, summary, dataPanel} and the elements
   *  around them ({area, playback, chartsBox, announce}); ``covering()``: a wider landscape grid is on its way. */
  constructor({ store, results, catalogue, runs, views, parts }) {
    Object.assign(this, { store, results, catalogue, runs, views, ...parts });
    this.cursor = 0;
    this.maxStep = 0;
    this.playing = false;  // set by the playback: frames move the cursor, not the state
    this.drawnVersion = 0;
    this.waiters = [];
    this.cursorListeners = [];
    this.slidAt = -Infinity;
    this.lastCharts = 0;
    store.subscribe((next, prev, source) => this.onState(next, prev, source));
    results.subscribe((value, prev, patch) => {
      if ("runs" in patch || "land" in patch) this.schedule("runs" in patch);
      if (patch.runError) this.failed();
    });
    // a new size is drawn anew: until it is, the figure is busy (presenting, a window resized, a frame laid out)
    let size = "";
    new ResizeObserver(() => {
      const now = `${this.area.clientWidth}x${this.area.clientHeight}`;
      if (now === size) return;
      size = now;
      this.area.setAttribute("aria-busy", "true");
      this.schedule();
    }).observe(this.area);
  }

  landKey(state) { return landKeyOf(state, (id) => this.catalogue.hasDataset(id)); }
  dragging() { return performance.now() - this.slidAt < DRAG_IDLE; }

  onState(next, prev, source) {
    if (source === "slider") this.slidAt = performance.now();
    const onlyStep = JSON.stringify({ ...next, view: { ...next.view, step: null } }) === JSON.stringify({ ...prev, view: { ...prev.view, step: null } });
    const land = this.results.get().land;
    if (onlyStep && !MAP_MODES.includes(next.view.mode) && land && !this.results.get().runs?.running) this.moveCursor();
    else this.schedule(source === "slider");
  }

  /** The language changed: what is drawn with words is drawn again. */
  relabel() {
    this.views.overlay.structure = null;
    for (const mode of MAP_MODES) this.views[mode].forget();
    this.schedule();
  }

  // --- when the newest state is on screen -------------------------------------------------------------
  /** A promise of the state once ``version`` (or a later one) is drawn. */
  whenDrawn(version) {
    if (this.drawnVersion >= version) return Promise.resolve(this.store.get());
    return new Promise((resolve) => this.waiters.push({ version, resolve }));
  }

  /** Resolve the promises of every version up to ``version`` (drawn, or failed: a promise never hangs). */
  settle(version) {
    for (let k = this.waiters.length - 1; k >= 0; k--) {
      if (this.waiters[k].version <= version) { this.waiters[k].resolve(this.store.get()); this.waiters.splice(k, 1); }
    }
  }

  /** The newest state could not be drawn (the server refused it, a drawing failed): nothing is on its way any more,
   *  and no promise waits for it. */
  failed() {
    this.area.setAttribute("aria-busy", "false");
    this.settle(this.store.version);
  }

  announceDrawn(version) {
    if (version <= this.drawnVersion && version !== this.store.version) return;
    this.drawnVersion = Math.max(this.drawnVersion, version);
    const state = this.store.get();
    if (!this.dragging()) this.describe(state);  // a drag is announced once, where it rests (not 30 times a second)
    if (version === this.store.version) this.area.setAttribute("aria-busy", "false");
    window.dispatchEvent(new CustomEvent("slopes:drawn", { detail: state }));
    if (window.parent !== window) window.parent.postMessage({ type: "slopes:drawn", state }, "*");
    this.settle(version);
  }

  /** The figure in words (its text alternative, and what the one live region says once a result is drawn): the
   *  surface, then each lane and where it ended. Playback frames and mouse moves are never announced. */
  describe(state) {
    const runs = this.results.get().runs;
    if (MAP_MODES.includes(state.view.mode) || !runs?.lanes.length) return;
    const fmt = (v) => (v === null || v === undefined || !Number.isFinite(Number(v)) ? "–" : Number(Number(v).toPrecision(4)).toString());
    const lanes = this.scene(state).lanes.filter((lane) => lane.points?.length).map((lane) => {
      const end = lane.points[lane.points.length - 1];
      const loss = lane.losses ? lane.losses[lane.losses.length - 1] : null;
      const where = t("figure_lane_ended", { x: fmt(end[0]), y: fmt(end[1]), loss: fmt(loss) });
      const label = String(lane.label ?? "").replace(/<[^>]*>/g, "");
      return `${label}: ${lane.status === "diverged" ? t("figure_lane_diverged", { n: lane.steps_run ?? lane.points.length - 1 }) + ", " : ""}${where}`;
    });
    const text = `${this.catalogue.surfaceName(state.surface)}. ${lanes.join("; ")}.`;
    this.views.overlay.describe(text);
    if (text !== this.announced) { this.announced = text; this.announce.textContent = text; }
  }

  // --- the scene: what every view draws -----------------------------------------------------------------
  scene(state) {
    const { land, runs } = this.results.get();
    const meta = land.meta;
    const style = (l, i) => ({ ...l, label: this.catalogue.laneLabel(state.optimizers[i]?.label, l), ...laneStyle(state, i) });
    return { surface: meta, land, lanes: (runs?.lanes || []).map(style),
      cloud: (runs?.cloud || []).map((m) => ({ ...m, ...laneStyle(state, m.cloudOf) })), running: !!runs?.running,
      start: state.start || meta.default_start, theme: document.documentElement.dataset.theme, arrows: !!state.view.arrows,
      equal: equalAxes(state, meta), zoom: state.view.zoom, markers: state.view.markers, cursor: this.cursor, fstar: fstar(meta) };
  }

  /** What the map views draw. Each lane's ``settings``: its hyperparameters, the defaults filled in (its ``params``
   *  are what the request sends). */
  mapScene(state) {
    const { land } = this.results.get();
    const defaults = (id) => Object.fromEntries((this.catalogue.optimizer(id)?.params || []).map((p) => [p.name, p.default]));
    const body = requestBody(state, this.catalogue);
    const { optimizers, steps, start, ...surfaceRequest } = body;
    return { surface: land.meta, theme: document.documentElement.dataset.theme, lang: document.documentElement.lang,
      size: [this.area.clientWidth, this.area.clientHeight], requestKey: JSON.stringify(body), surfaceRequest,
      start: state.start || land.meta.default_start, steps: state.steps, sweepAxes: state.view.sweep, fstar: fstar(land.meta),
      mapLanes: state.optimizers.map((o, i) => ({ ...o, settings: { ...defaults(o.optimizer), ...o.params },
        label: this.catalogue.laneLabel(o.label, o), ...laneStyle(state, i) })) };
  }

  showView(mode) {
    for (const [name, view] of Object.entries(this.views)) if ((name === mode) !== view.visible) (name === mode ? view.show() : view.hide());
    const maps = MAP_MODES.includes(mode);
    document.body.dataset.view = mode;
    this.playback.hidden = maps;
    this.chartsBox.hidden = maps;
    this.legend.hidden = maps;
    this.summary.hidden = maps;  // the table is of the paths, which map views do not compute
    if (this.analysis) this.analysis.hidden = maps;
    const toAnalysis = document.getElementById("to-analysis");
    if (toAnalysis) toAnalysis.hidden = maps;
  }

  // --- drawing ---------------------------------------------------------------------------------------
  schedule(fast = false) {
    this.fast ||= fast;
    if (this.queued) return;
    this.queued = true;
    requestAnimationFrame(() => { this.queued = false; const f = this.fast; this.fast = false; this.render(f); });
  }

  async render(fast = false) {
    if (this.rendering) { this.again = true; this.fast ||= fast; return; }
    this.rendering = true;
    try {
      const state = this.store.peek();
      const version = this.store.version;
      if (!(this.drawnVersion >= version)) this.area.setAttribute("aria-busy", "true");
      this.showView(state.view.mode);
      const { land, runs } = this.results.get();
      if (!land || land.key !== this.landKey(state)) return;
      // the first drawing waits for both the result and the area's size (a frame laid out after the result came)
      if (!this.area.clientWidth || !this.area.clientHeight) return;
      if (MAP_MODES.includes(state.view.mode)) { this.renderMaps(state, version); return; }
      if (!runs?.lanes.length) return;
      this.maxStep = lastStep(runs.lanes);
      if (!this.playing) this.cursor = state.view.step === null ? this.maxStep : Math.min(state.view.step, this.maxStep);
      // while a slider is dragged, only the paths redraw, the quick way; the rest follows once it rests
      const live = this.dragging();
      const sc = { ...this.scene(state), live };
      await this.views[state.view.mode].render(sc);
      this.holdLegend(live);
      this.legend.render(sc.lanes);
      if (runs.key && this.framedKey !== runs.key) {  // the request whose paths are now on screen, complete or not
        this.framedKey = runs.key;
        window.dispatchEvent(new CustomEvent("slopes:frame", { detail: runs.request }));
      }
      this.tellCursor();
      const complete = !runs.running && runs.key === this.runs.keyOf(state);
      // a complete result draws its charts and table now (only a growing stream's wait for a later frame): the
      // result is announced drawn once all of it is on screen
      await this.renderCharts(sc, runs, live, fast && !complete);
      // (drawn once the landscape's grid reaches over the whole plot: a wider one on its way redraws when it comes)
      if (complete && version === this.store.version && !this.covering?.()) this.announceDrawn(version);
    } catch (err) {
      console.error(err);
      toast(t("error", { msg: err.message }), { id: "draw", error: true });
      this.failed();  // a promise never hangs on a failed drawing
    } finally {
      this.rendering = false;
      if (this.again) { this.again = false; const f = this.fast; this.fast = false; this.schedule(f); }
    }
  }

  /** While a slider is dragged the legend keeps the height it had (a label a digit longer that wrapped would resize the
   *  figure mid-drag, and redraw it whole); it takes its own height again once the drag rests. */
  holdLegend(live) {
    const root = this.legend.root;
    if (!root || live === !!root.style.height) return;
    root.style.height = live ? `${root.offsetHeight}px` : "";
    root.style.overflow = live ? "hidden" : "";
  }

  /** The charts, the table and the data panel: after a drag rests, and not more often than CHART_INTERVAL while a
   *  stream grows. (A drag reads no element sizes here: each read after the paths changed would force a layout.) */
  async renderCharts(sc, runs, live, fast) {
    const now = performance.now();
    const draw = async (inTurns = false) => {
      this.lastCharts = performance.now();
      this.summary.render(sc);
      this.dataPanel.render(sc);
      if (inTurns) await nextTask();
      return this.charts.render(sc, inTurns);
    };
    clearTimeout(this.chartsTimer);
    const key = live ? null : [runs.lanes, sc.theme, document.documentElement.lang, this.chartsBox.clientWidth, this.chartsBox.clientHeight,
      runs.lanes.map((l) => l.status).join(), sc.lanes.map((l) => l.color + l.label).join()];
    const same = key && this.chartsKey && key.every((v, k) => v === this.chartsKey[k]);
    if (live) this.chartsTimer = setTimeout(() => this.schedule(), Math.max(0, this.slidAt + DRAG_IDLE - now) + 5);
    else if (same) this.charts.moveCursor(this.cursor);
    else if (fast && now - this.lastCharts < CHART_INTERVAL) this.chartsTimer = setTimeout(() => { this.chartsKey = key; draw(); }, CHART_INTERVAL);
    else if (fast) { this.chartsKey = key; requestAnimationFrame(() => draw()); }
    else { this.chartsKey = key; await nextTask(); await draw(true); }  // (the figure is painted before the charts)
  }

  /** The shown map view's scene; while a slider is dragged it draws what the slider changes live, and the whole figure
   *  follows once the slider rests. */
  renderMaps(state, version) {
    const mode = state.view.mode;
    const live = this.dragging();
    clearTimeout(this.mapsTimer);
    if (live) this.mapsTimer = setTimeout(() => this.schedule(), Math.max(0, this.slidAt + DRAG_IDLE - performance.now()) + 5);
    this.views[mode].render({ ...this.mapScene(state), live }).then((ok) => {
      if (!ok) return;
      dismiss("maps");
      if (version === this.store.version) this.announceDrawn(version);
    }, (err) => {
      toast(t("error", { msg: err.message }), { id: "maps", error: true });
      this.failed();
    });
  }

  // --- the cursor: the step every view shows -----------------------------------------------------------
  /** ``fn(cursor, maxStep)`` after every change of the cursor (the playback bar shows it). */
  onCursor(fn) { this.cursorListeners.push(fn); }
  tellCursor() { for (const fn of this.cursorListeners) fn(this.cursor, this.maxStep); }

  /** The state's step, drawn: the moving points, the chart lines, the data panel. */
  moveCursor() {
    const state = this.store.peek();
    this.cursor = state.view.step === null ? this.maxStep : Math.min(state.view.step, this.maxStep);
    return this.drawCursor().then(() => this.announceDrawn(this.store.version));
  }

  /** Draw the cursor as it is (a playback frame sets it first). */
  drawCursor() {
    this.cursor = Math.max(0, Math.min(this.cursor, this.maxStep));
    this.tellCursor();
    const state = this.store.peek();
    const runs = this.results.get().runs;
    if (!this.results.get().land || !runs?.lanes.length || MAP_MODES.includes(state.view.mode)) return Promise.resolve();
    const sc = this.scene(state);
    this.charts.moveCursor(this.cursor);
    this.dataPanel.moveCursor(sc, this.cursor);
    return this.views[state.view.mode].moveCursor(sc, this.cursor);
  }
}
