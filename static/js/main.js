// The page: one store holds the state; every change (a control, a click, the address, a script, a parent frame)
// is a patch to it; what follows (the landscape, the runs, the drawing, the address) is derived from what changed,
// in one place: onState() below. Each view owns its element; this module only connects them.
import { getJSON, RunStream } from "./api.js";
import { Charts } from "./charts.js";
import { LanePanel } from "./controls.js";
import { renderDataPanel } from "./datapanel.js";
import { download, embedSnippet } from "./downloads.js";
import { CONFIG, prepareLandscape } from "./figure.js";
import { FormulaBox } from "./formula.js";
import { applyTranslations, loadLanguage, pickLanguage, t, tOr } from "./i18n.js";
import { BasinView, SweepView } from "./maps.js";
import { dismiss, parseNumber, setFieldError, toast } from "./messages.js";
import { defaultState, landscapeKey, laneStyle, runRequest, sanitize, stateFromLocation, writeLocation } from "./state.js";
import { Store } from "./store.js";
import { deckPlayback, forwardKeys, frameOptions, framed, releasePointerFocus } from "./deck.js";
import { mountLiveControls, parseControls } from "./livecontrols.js";
import { renderSummary } from "./summary.js";
import { OverlayView, SideView, Surface3DView } from "./views.js";

const $ = (id) => document.getElementById(id);
const STREAM_DRAW_DELAY = 90; // ms: streams that end sooner are drawn once
const CHART_INTERVAL = 120; // ms: while results arrive quickly (a stream), the charts and the table redraw at most this often
const DRAG_IDLE = 250; // ms: a slider that has not moved for this long is no longer being dragged; until then only the paths redraw (the charts and the table follow once it rests)
const REPLACE_AFTER = 1500; // ms: a request in flight longer than this is replaced at once; a quicker one is waited for (replacing sooner starves every request of a drag on a slow machine)
const QUERY = new URLSearchParams(location.search);
// an embed: ?autoplay=1&loop=1&interactive=1&controls=lr:0,momentum:0 (static/js/deck.js, livecontrols.js)
const EMBED = { on: document.body.dataset.mode === "embed", ...frameOptions(), controls: parseControls(QUERY.get("controls")) };
const MAP_MODES = ["basins", "sweep"];

const app = { surfaces: {}, lessons: [], landscapes: new Map(), land: null, lanes: [], cloud: [], running: false, cursor: 0,
  maxStep: 0, playing: false, drawnVersion: 0, frames: 0, redraws: 0 };
const store = new Store(stateFromLocation(), {
  checkParam: (optimizer, name, value) => !app.panel || app.panel.accepts(optimizer, name, value),
  follow: followChange,
});
const waiters = [];
let resolveReady;
const ready = new Promise((resolve) => { resolveReady = resolve; });

/** Page scripting (README, "Scripting the page"): state(), update(patch) -> Promise, slopes:drawn, slopes:update. */
window.slopes = {
  state: () => store.get(),
  update: (patch) => ready.then(() => commit(patch, "script")),
  app,
};
window.addEventListener("message", (event) => {
  const data = event.data;
  if (!data || typeof data !== "object" || data.type !== "slopes:update") return;
  if (event.source !== window.parent && event.source !== window) return;
  if (data.patch && typeof data.patch === "object" && !Array.isArray(data.patch)) {
    ready.then(() => commit(data.patch, "message")).catch((e) => console.warn(e.message));
  }
});

// --- the store and its effects -------------------------------------------------------------
/** What a patch implies inside the state: a new landscape starts at its default start, unzoomed, at the end of
 *  the runs (unless the same patch says otherwise). */
function followChange(patch, before) {
  // L1/L2 belong to the model whose loss they penalise: another surface starts without them (a lecturer's penalty on
  // linear regression must not reappear, unseen, on logistic regression after a detour through Himmelblau)
  if (patch.surface !== undefined && patch.surface !== before.surface && !("surface_options" in patch) && before.surface_options) {
    patch = { ...patch, surface_options: undefined };
  }
  const touches = ["surface", "formula", "domain", "surface_options"].some((k) => k in patch);
  if (!touches || landKey({ ...before, ...patch }) === landKey(before)) return patch;
  const view = { ...(patch.view || {}) };
  if (!("zoom" in view)) view.zoom = null;
  if (!("step" in view)) view.step = null;
  const out = { ...patch, view };
  if (!("start" in patch) && patch.surface !== undefined && patch.surface !== before.surface) out.start = null;
  return out;
}

/** The first field of a script's ``patch`` that the state would not take as given (``next``: the state it gives),
 *  as "path: reason", or null. A leaf the sanitizer replaced (a number out of range, a wrong type) was invalid; an
 *  optimizer the server does not offer, or a hyperparameter it dropped, too. */
function patchProblem(patch, next) {
  const known = app.panel?.meta;
  const walk = (p, n, path) => {
    if (p === null || typeof p !== "object" || Array.isArray(p)) {
      return JSON.stringify(p) === JSON.stringify(n) ? null : `${path}: ${JSON.stringify(p)?.slice(0, 40)} is not valid`;
    }
    if (n === null || typeof n !== "object") return `${path}: ${JSON.stringify(p).slice(0, 40)} is not valid`;
    for (const [k, v] of Object.entries(p)) {
      if (v === undefined) continue;
      const r = walk(v, n[k], path ? `${path}.${k}` : k);
      if (r) return r;
    }
    return null;
  };
  for (const [k, v] of Object.entries(patch)) {
    if (k === "optimizers") {
      if (!Array.isArray(v) || JSON.stringify(next.optimizers.map((o) => o.optimizer)) !== JSON.stringify(v.map((o) => o?.optimizer))) {
        return "optimizers: a list of 1 to 8 lanes, each {optimizer, params}";
      }
      for (const [i, lane] of v.entries()) {
        if (known && !known[lane.optimizer]) return `optimizers[${i}].optimizer: unknown optimizer ${JSON.stringify(lane.optimizer).slice(0, 40)}`;
        const r = walk(lane.params || {}, next.optimizers[i].params, `optimizers[${i}].params`);
        if (r) return r;
      }
    } else if (["surface", "start", "steps", "gradient", "formula", "domain", "surface_options", "view"].includes(k)) {
      const r = walk(v, next[k], k);
      if (r) return r;
    } else return `${k}: not a field of the state`;
  }
  return null;
}

/** Apply a patch; the promise resolves with the state once its result is drawn. A script's (or a parent frame's)
 *  patch with an invalid field is refused whole: the promise rejects with an Error naming the field, the state stays. */
function commit(patch, source = "control") {
  if (source === "script" || source === "message") {
    const problem = !patch || typeof patch !== "object" || Array.isArray(patch) ? "patch: must be an object"
      : patchProblem(patch, store.preview(patch));
    if (problem) return Promise.reject(new Error(`slopes.update: ${problem}`));
  }
  const { version } = store.update(patch, source);
  if (app.drawnVersion >= version) return Promise.resolve(store.get());
  return new Promise((resolve) => waiters.push({ version, resolve }));
}

function settle(version) {
  for (let k = waiters.length - 1; k >= 0; k--) {
    if (waiters[k].version <= version) { waiters[k].resolve(store.get()); waiters.splice(k, 1); }
  }
}

/** The figure in words (its text alternative, and what the one live region says once a result is drawn):
 *  the surface, then each lane and where it ended. Playback frames and mouse moves are never announced. */
function describeFigure(state) {
  const s = app.surfaces[state.surface];
  const name = state.surface === "custom" ? t("custom_surface_name") : tOr(`surface_${state.surface}_name`, s ? s.name : state.surface);
  const fmt = (v) => (v === null || v === undefined || !Number.isFinite(Number(v)) ? "–" : Number(Number(v).toPrecision(4)).toString());
  const lanes = app.lanes.filter((lane) => lane.points && lane.points.length).map((lane) => {
    const end = lane.points[lane.points.length - 1];
    const loss = lane.losses ? lane.losses[lane.losses.length - 1] : null;
    const where = t("figure_lane_ended", { x: fmt(end[0]), y: fmt(end[1]), loss: fmt(loss) });
    return `${plainText(lane.label)}: ${lane.status === "diverged" ? t("figure_lane_diverged", { n: lane.steps_run ?? lane.points.length - 1 }) + ", " : ""}${where}`;
  });
  return `${name}. ${lanes.join("; ")}.`;
}

function plainText(text) {
  return String(text ?? "").replace(/<[^>]*>/g, "");
}

let lastAnnounced = "";
function announceResult(state) {
  if (MAP_MODES.includes(state.view.mode) || !app.lanes.length) return;
  const text = describeFigure(state);
  if (app.views?.overlay?.main) app.views.overlay.main.setAttribute("aria-label", text);
  if (text !== lastAnnounced) { lastAnnounced = text; $("announce").textContent = text; }
}

const dragging = () => performance.now() - (app.slidAt ?? -Infinity) < DRAG_IDLE;

function announceDrawn(version) {
  if (version <= app.drawnVersion && version !== store.version) return;
  app.drawnVersion = Math.max(app.drawnVersion, version);
  const state = store.get();
  if (!dragging()) announceResult(state);  // a drag is announced once, where it rests (not 30 times a second)
  window.dispatchEvent(new CustomEvent("slopes:drawn", { detail: state }));
  if (window.parent !== window) window.parent.postMessage({ type: "slopes:drawn", state }, "*");
  settle(version);
}

const isDataset = (state) => !!app.surfaces[state.surface]?.dataset;
const landKey = (state) => landscapeKey(isDataset(state) ? state : { ...state, surface_options: null });
const runKeyOf = (state) => JSON.stringify(runRequest(state, isDataset(state)));
/** What, if it changes, means the lane cards must be rebuilt (values alone are set in place by the controls). */
const panelKey = (state) => JSON.stringify([state.optimizers.map((o) => [o.optimizer, o.schedule?.type, o.switch?.optimizer ?? null,
  o.label ?? null]), isDataset(state), state.view.colors, state.view.lang, app.surfaces[state.surface]?.dataset?.n]);

/** The one place where effects follow from a change: next and prev states, and who made the change. */
function onState(next, prev, source) {
  if (next.view.lang !== prev.view.lang && next.view.lang && next.view.lang !== document.documentElement.lang) {
    switchLanguage(next.view.lang);
    return;
  }
  if (next.view.theme !== prev.view.theme) applyTheme();
  const landChanged = landKey(next) !== landKey(prev);
  if (landChanged) loadLandscape();
  if (panelKey(next) !== panelKey(prev) || (source !== "control" && source !== "slider"
    && JSON.stringify(next.optimizers) !== JSON.stringify(prev.optimizers))) app.panel.render(next);
  if (next.surface !== prev.surface || landChanged) app.formula.show(next.surface === "custom", next.formula, next.domain);
  if (next.surface !== prev.surface) {
    for (const id of ["l1", "l2"]) { const input = $(id); input.dataset.typed = ""; setFieldError(input, null); }
  }
  syncGlobals(next);
  if (next.view.lesson !== prev.view.lesson) showLessonCaption();
  if (next.view.mode !== prev.view.mode && app.playing) pause();
  if (source === "slider") app.slidAt = performance.now();
  requestRun();
  const onlyStep = JSON.stringify({ ...next, view: { ...next.view, step: null } }) === JSON.stringify({ ...prev, view: { ...prev.view, step: null } });
  if (onlyStep && !MAP_MODES.includes(next.view.mode) && app.land && !app.running) moveCursor();
  else scheduleRender(source === "slider");
  saveLocation();
}
store.subscribe(onState);

// --- start-up ----------------------------------------------------------------------------
async function main() {
  Plotly.setPlotConfig(CONFIG);
  const state = store.peek();
  await loadLanguage(pickLanguage(state.view.lang));
  applyTheme();
  applyTranslations();
  const [surfaces, optimizers, lessons] = await Promise.all([getJSON("/api/surfaces"), getJSON("/api/optimizers"),
    getJSON("/api/lessons").catch(() => [])]);
  for (const s of surfaces) app.surfaces[s.id] = s;
  app.lessons = lessons;
  app.optimizers = optimizers;
  if (!app.surfaces[state.surface] && state.surface !== "custom") store.state = { ...state, surface: "rosenbrock" };
  if (store.peek().surface === "custom" && !store.peek().formula) store.state = { ...store.peek(), surface: "rosenbrock" };
  app.panel = new LanePanel($("lanes"), { optimizers, getState: () => store.get(), getSurface: () => app.surfaces[store.peek().surface],
    onPatch: (patch, source) => commit(patch, source), showLabel: (label) => lessonLabel(label) ?? tOr(`label:${label}`, label) });
  // drop what the optimizers' own bounds reject (a crafted address), keeping the defaults for it
  const known = store.peek().optimizers.filter((o) => app.panel.meta[o.optimizer]);
  store.state = sanitize({ ...store.peek(), optimizers: known.length ? known : defaultState().optimizers }, defaultState(), store.checkParam);
  app.customMeta = new Map();
  app.formula = new FormulaBox({
    onValid: (formula, domain, meta) => {
      app.customMeta.set(landscapeKey({ surface: "custom", formula, domain }), meta);
      commit({ surface: "custom", formula, domain }, "formula");
    },
  });
  app.views = {
    overlay: new OverlayView($("view-overlay"), { onPick: setStart, onZoom: (zoom) => commit({ view: { zoom } }, "zoom") }),
    side: new SideView($("view-side")),
    "3d": new Surface3DView($("view-3d")),
    basins: new BasinView({ root: $("view-basins"), onPick: (p) => { setStart(p, "overlay"); } }),
    sweep: new SweepView({ root: $("view-sweep"), controls: $("map-options"), onPick: pickFromSweep }),
  };
  app.charts = new Charts($("charts"));
  app.stream = new RunStream(onFrame, onConnection);
  fillSurfaceSelect();
  fillLessons();
  bindGlobals();
  const s = store.peek();
  app.panel.render(s);
  if (s.surface === "custom") app.formula.show(true, s.formula, s.domain);
  syncGlobals(s);
  showLessonCaption();
  new ResizeObserver(() => scheduleRender()).observe($("view-area"));
  if (EMBED.on) {
    if (framed()) { forwardKeys(); releasePointerFocus(); }
    mountLiveControls($("live-controls"), EMBED.controls, window.slopes, optimizers, t("live_controls"));
  }
  // a11y: Plotly's modebar buttons (a dozen per plot) stay usable by mouse but leave the tab order
  new MutationObserver((records) => {
    // (a drag changes SVG nodes many times a second: look for buttons only when HTML was added)
    if (!records.some((r) => [...r.addedNodes].some((n) => n instanceof HTMLElement))) return;
    for (const b of document.querySelectorAll(".modebar-btn:not([tabindex='-1'])")) b.setAttribute("tabindex", "-1");
  }).observe(document.body, { childList: true, subtree: true });
  resolveReady();
  await loadLandscape();
  requestRun();
}

function fillSurfaceSelect() {
  const select = $("surface");
  const options = Object.values(app.surfaces).filter((s) => s.id !== "custom")
    .map((s) => new Option(tOr(`surface_${s.id}_name`, s.name), s.id));
  options.push(new Option(t("custom_surface"), "custom"));
  select.replaceChildren(...options);
  select.value = store.peek().surface;
}

function fillLessons() {
  const select = $("lessons");
  const lang = document.documentElement.lang;
  select.replaceChildren(new Option(t("lessons"), ""), ...app.lessons.map((l) => new Option(l.title[lang] || l.title.en, l.id)));
  select.value = store.peek().view.lesson || "";
}

function showLessonCaption() {
  const box = $("lesson-caption");
  const lesson = app.lessons.find((l) => l.id === store.peek().view.lesson);
  box.hidden = !lesson;
  $("lessons").value = lesson ? lesson.id : "";
  if (!lesson) return;
  const lang = document.documentElement.lang;
  const title = document.createElement("b");
  title.textContent = lesson.title[lang] || lesson.title.en;
  box.replaceChildren(title, lesson.caption[lang] || lesson.caption.en);
}

function applyLesson(id) {
  const lesson = app.lessons.find((l) => l.id === id);
  if (!lesson) return null;
  const s = structuredClone(lesson.state);
  return commit({ surface: s.surface, start: s.start || null, steps: s.steps, formula: undefined, domain: undefined,
    surface_options: undefined, gradient: { mode: "analytic", noise: 0, seed: 0, batch_size: null, ...(s.gradient || {}) },
    optimizers: s.optimizers, view: { mode: s.view?.mode || "overlay", arrows: !!s.view?.arrows, lesson: id, test_contour: !!s.view?.test_contour, inspect: null, colors: [], tuned: false,
      cloud: false, zoom: null, step: null } }, "lesson");
}

async function switchLanguage(lang) {
  await loadLanguage(lang);
  applyTranslations();
  applyTheme();
  fillSurfaceSelect();
  fillLessons();
  showLessonCaption();
  showSurfaceInfo();
  app.panel.render(store.peek());
  syncGlobals(store.peek());
  app.views.overlay.structure = null;
  mapsKey = null;
  for (const k of Object.keys(mapsDrawn)) delete mapsDrawn[k];
  scheduleRender();
  saveLocation();
}

// --- the landscape: metadata and grid, cached by everything that defines them --------------------
function gridURL(state, meta) {
  const n = meta.minima.length > 50 ? 220 : 160;
  if (state.surface === "custom") {
    const d = state.domain || meta.domain;
    return `/api/surfaces/custom/grid?n=${n}&formula=${encodeURIComponent(state.formula)}&x0=${d.x[0]}&x1=${d.x[1]}&y0=${d.y[0]}&y1=${d.y[1]}`;
  }
  const o = isDataset(state) ? state.surface_options || {} : {};
  return `/api/surfaces/${encodeURIComponent(state.surface)}/grid?n=${n}&l1=${o.l1 || 0}&l2=${o.l2 || 0}`;
}

async function fetchMeta(state, key) {
  if (state.surface === "custom") {
    if (app.customMeta.has(key)) return app.customMeta.get(key);
    const res = await fetch("/api/surfaces/custom", { method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ formula: state.formula, domain: state.domain }) });
    const body = await res.json();
    if (!res.ok) { const err = new Error("formula"); err.detail = body.detail; throw err; }
    return body;
  }
  const o = state.surface_options || {};
  if (isDataset(state) && (o.l1 || o.l2)) return getJSON(`/api/surfaces/${state.surface}?l1=${o.l1 || 0}&l2=${o.l2 || 0}`);
  return app.surfaces[state.surface];
}

function ensureLandscape(state) {
  const key = landKey(state);
  if (!app.landscapes.has(key)) {
    const job = (async () => {
      const meta = await fetchMeta(state, key);
      const grid = await getJSON(gridURL(state, meta));
      return { key, meta, grid, ...prepareLandscape(meta, grid) };
    })();
    app.landscapes.set(key, job);
    job.catch(() => app.landscapes.delete(key));
  }
  return app.landscapes.get(key);
}

async function loadLandscape() {
  const state = store.peek();
  const key = landKey(state);
  const version = store.version;
  try {
    const land = await ensureLandscape(state);
    if (key !== landKey(store.peek())) return;
    app.land = land;
    syncGlobals(store.peek()); // the start boxes show this landscape's default start (a custom formula has none before)
    dismiss("landscape");
    showSurfaceInfo();
    scheduleRender();
  } catch (err) {
    if (key !== landKey(store.peek())) return;
    if (err.detail && state.surface === "custom") app.formula.showError(state.formula, err.detail);
    else toast(t("error_landscape", { msg: err.message }), { id: "landscape", error: true });
    settle(version);
  }
}

function showSurfaceInfo() {
  const s = app.land?.meta;
  if (!s) return;
  const b = document.createElement("b");
  b.textContent = `${s.id === "custom" ? t("custom_surface_name") : tOr(`surface_${s.id}_name`, s.name)}: `;
  const rest = `${s.formula}. ${s.id === "custom" ? t("custom_surface_desc") : tOr(`surface_${s.id}_desc`, s.description)}`;
  $("surface-info").replaceChildren(b, rest);
  $("surface-info").title = b.textContent + rest;
}

// --- runs: one request in flight; the newest input goes when it returns -----------------------
function requestRun() {
  const state = store.peek();
  const key = runKeyOf(state);
  // the page asks for compact frames: float32 paths and lrs (the eye cannot tell), gradients only for the arrows
  const sendKey = `${key}|${state.view.arrows ? "g" : ""}`;
  if (sendKey === app.wantedSendKey) return;
  app.wantedSendKey = sendKey;
  app.wantedKey = key;
  app.wantedBody = { ...runRequest(state, isDataset(state)),
    compact: { float32: true, fields: ["points", "losses", "lrs", ...(state.view.arrows ? ["gradients"] : [])] } };
  pump();
}

/** The lanes of ``body`` that differ from the last complete result's request, when only some do (a dragged slider
 *  moves one lane): those are asked for, the others kept. Null when everything must be computed. */
function changedLanes(body, base) {
  if (!base || base.body.optimizers.length !== body.optimizers.length) return null;
  const { optimizers: a, ...restA } = base.body;
  const { optimizers: b, ...restB } = body;
  if (JSON.stringify(restA) !== JSON.stringify(restB)) return null;
  const lanes = [];
  b.forEach((o, i) => { if (JSON.stringify(o) !== JSON.stringify(a[i])) lanes.push(i); });
  return lanes.length && lanes.length < b.length ? lanes : null;
}

function pump() {
  if (!app.stream || app.wantedSendKey === app.sentSendKey) return;
  if (app.inflight && performance.now() - app.inflight.at < REPLACE_AFTER) return;  // sent when the one in flight ends
  app.sentSendKey = app.wantedSendKey;
  app.requestedAt = performance.now();
  const lanes = changedLanes(app.wantedBody, app.complete);
  app.inflight = { at: app.requestedAt, key: app.wantedKey, body: app.wantedBody, version: store.version, base: lanes ? app.complete : null };
  app.stream.send(lanes ? { ...app.wantedBody, lanes } : app.wantedBody);
  clearTimeout(app.replaceTimer);
  app.replaceTimer = setTimeout(pump, REPLACE_AFTER + 5);
}

function finished() {
  app.inflight = null;
  clearTimeout(app.replaceTimer);
  pump();
}

function onConnection(up) {
  if (!up) {
    toast(t("connection_lost"), { id: "connection", error: true });
    app.inflight = null;
    return;
  }
  if (document.querySelector('#toasts [data-toast="connection"]')) {
    dismiss("connection");
    // the server may have restarted: everything not yet on screen is asked for again
    app.sentSendKey = null;
    if (!app.land || app.land.key !== landKey(store.peek())) loadLandscape();
    requestRun();
    pump();
  }
}

/** A lesson's lane label in the page's language (lessons carry labels: {en: [...], ko: [...]}), or null. */
function lessonLabel(label) {
  const lang = document.documentElement.lang;
  for (const lesson of app.lessons) {
    const i = lesson.labels?.en?.indexOf(label) ?? -1;
    if (i >= 0) return lesson.labels[lang]?.[i] ?? label;
  }
  return null;
}

/** The user's label (translated when it is a lesson's), or the optimizer's name in the page's language with its lr. */
function laneLabel(run, i) {
  const own = store.peek().optimizers[i]?.label;
  if (own) return lessonLabel(own) ?? tOr(`label:${own}`, own);
  let label = tOr(`opt_${run.optimizer}_name`, run.optimizer);
  if (run.params && "lr" in run.params && typeof run.params.lr === "number") label += ` lr=${+run.params.lr.toPrecision(3)}`;
  if (run.switch) label += ` → ${tOr(`opt_${run.switch.optimizer}_name`, run.switch.optimizer)} @${run.switch.at_step}`;
  return label;
}

function onFrame(frame) {
  if (frame.type === "error") {
    showRunError(frame.detail);
    app.running = false;
    finished();
    settle(store.version);
    return;
  }
  const state = store.peek();
  if (frame.type === "start") {
    app.running = true;
    const own = state.optimizers.length;
    const fresh = (r, i) => {
      const cloudOf = i < own ? null : Number(String(r.label).split(":")[1]);
      return { ...r, label: i < own ? laneLabel(r, i) : "", ...laneStyle(state, i < own ? i : cloudOf), cloudOf, points: [], losses: [],
        lrs: [], gradients: r.optimizer.startsWith("random") ? null : [], proposals: null, accepted: null, status: null };
    };
    // a part of the request (frame.lanes): the other lanes are the last complete result's, their arrays kept
    const base = frame.lanes && app.inflight?.base;
    if (frame.lanes && !base) {  // a part whose other lanes are not known here (a request sent before a reconnect): ask for all
      app.complete = null;
      app.sentSendKey = null;
      app.inflight = null;
      pump();
      return;
    }
    const lanes = base ? base.lanes.map((l, i) => ({ ...l, label: i < own ? laneLabel(l, i) : "", ...laneStyle(state, i < own ? i : l.cloudOf) }))
      : new Array(frame.runs.length);
    frame.runs.forEach((r, k) => { const i = frame.lanes ? frame.lanes[k] : k; lanes[i] = fresh(r, i); });
    app.pending = { key: app.inflight?.key, body: app.inflight?.body, lanes };
    dismiss("run");
    clearRunErrors();
    return;
  }
  if (frame.type === "chunk") {
    const lanes = app.pending.lanes;
    frame.runs.forEach((part, k) => {
      const lane = lanes[frame.lanes ? frame.lanes[k] : k];
      for (const p of part.points) lane.points.push(p);
      for (const v of part.losses) lane.losses.push(v);
      for (const v of part.lrs || []) lane.lrs.push(v);
      if (lane.gradients && part.gradients) for (const g of part.gradients) lane.gradients.push(g);
      if (part.test_losses) (lane.test_losses ||= []).push(...part.test_losses);  // surfaces with a test shift
    });
    // a short stream is drawn once, at its end; a long one also as it grows (the paths animate in)
    const age = performance.now() - app.requestedAt;
    if (age > STREAM_DRAW_DELAY) { adopt(app.pending); scheduleRender(true); }
    return;
  }
  if (frame.type === "end") {
    frame.runs.forEach((r, k) => Object.assign(app.pending.lanes[frame.lanes ? frame.lanes[k] : k], r));
    app.running = false;
    if (app.pending.body) app.complete = { body: app.pending.body, lanes: app.pending.lanes };  // the next request may keep lanes of it
    app.endedAt = performance.now();
    app.lastLatency = app.endedAt - app.requestedAt;  // (benchmarks/page.py: a request's time, send to end frame)
    adopt(app.pending, true);
    finished();
    if (EMBED.on && !app.deck) {  // plays when first seen (autoplay=1, no reduced motion); pauses while hidden
      app.deck = deckPlayback({ play, pause: () => pause(), playing: () => app.playing }, { element: $("view-area"), autoplay: EMBED.autoplay });
    }
    if (app.lanes.some((l) => l.optimizer.startsWith("random"))) fetchProposals();
    scheduleRender(true);
  }
}

/** A result becomes what the views draw. Paths that did not change keep their arrays (the views restyle only the others). */
function adopt(result, done = false) {
  // chunks grow a streamed path in place, and the views redraw a path only when its array is another one: at the end
  // each path gets a new array, or a long stream drawn while it grew stays cut where it was first drawn
  if (done) for (const lane of result.lanes) lane.points = lane.points.slice();
  const previous = new Map(app.lanes.map((l) => [l.reuseKey, l]));
  const body = JSON.parse(result.key || "{}");
  const common = JSON.stringify([body.surface, body.start, body.steps, body.gradient, body.formula, body.domain, body.surface_options]);
  const lanes = result.lanes.filter((l) => l.cloudOf === null).map((lane, i) => {
    lane.reuseKey = `${common}|${JSON.stringify(body.optimizers?.[i])}`;
    const old = previous.get(lane.reuseKey);
    if (!old || !old.status) return lane;
    if (!done) return { ...old, label: lane.label, color: lane.color, dash: lane.dash };  // still streaming: show the finished one
    if (old.points.length === lane.points.length && old.status === lane.status) lane.points = old.points;  // same path: no redraw
    return lane;
  });
  app.lanes = lanes;
  app.cloud = result.lanes.filter((l) => l.cloudOf !== null);
  app.resultKey = done ? result.key : null;
}

/** Random searches' rejected proposals come with the POST answer (the stream carries paths only). */
async function fetchProposals() {
  const lanes = app.lanes;
  const res = await fetch("/api/runs", { method: "POST", headers: { "content-type": "application/json" }, body: app.resultKey });  // exact
  if (!res.ok || lanes !== app.lanes) return;
  const body = await res.json();
  body.runs.forEach((r, i) => { if (r.proposals && lanes[i]) { lanes[i].proposals = r.proposals; lanes[i].accepted = r.accepted; } });
  scheduleRender();
}

/** A server error, shown beside the control it names (or as a toast naming the field). */
function showRunError(detail) {
  const items = Array.isArray(detail) ? detail : [{ msg: String(detail) }];
  for (const d of items) {
    const loc = (d.loc || []).filter((p) => p !== "body");
    const control = controlFor(loc);
    const msg = typeof d.msg === "string" ? d.msg : JSON.stringify(d);
    if (control) setFieldError(control, msg);
    else toast(t("error_field", { field: loc.join(".") || "request", msg }), { id: "run", error: true });
  }
}

function controlFor(loc) {
  const [a, b, c, d] = loc;
  if (a === "optimizers" && Number.isInteger(b)) {
    const card = document.querySelector(`[data-lane="${b}"]`);
    if (c === "params" && d) return card?.querySelector(`input[type=text][data-param="${CSS.escape(String(d))}"]`) || card?.querySelector(`[data-param="${CSS.escape(String(d))}"]`);
    if (c === "batch_size") return card?.querySelector('[data-param="batch_size"]');
    return null;
  }
  const ids = { steps: "steps", start: "start-x", formula: "formula" };
  if (a === "gradient") return $({ noise: "noise", seed: "seed", h: "grad-h" }[b]);
  if (a === "surface_options") return $(b);
  return ids[a] ? $(ids[a]) : null;
}

function clearRunErrors() {
  for (const node of [...$("lanes").querySelectorAll("[aria-invalid=true]"), ...document.querySelector(".globals").querySelectorAll("[aria-invalid=true]")]) {
    if (node.dataset.typed !== "bad") setFieldError(node, null);
  }
}

// --- drawing ------------------------------------------------------------------------------
let renderQueued = false;
let rendering = false;
let renderAgain = false;
let lastCharts = 0;
let chartsTimer = null;

function scheduleRender(fast = false) {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => { renderQueued = false; render(fast); });
}

function fstar(meta) {
  return meta.minima.length ? Math.min(...meta.minima.map((m) => m.value)) : null;
}

function scene(state) {
  const meta = app.land.meta;
  return { surface: meta, land: app.land, lanes: app.lanes, cloud: app.cloud, start: state.start || meta.default_start,
    theme: document.documentElement.dataset.theme, arrows: !!state.view.arrows, equal: !!state.view.equal, zoom: state.view.zoom,
    markers: state.view.markers, cursor: app.cursor, fstar: fstar(meta) };
}

function showView(mode) {
  for (const [name, view] of Object.entries(app.views)) if ((name === mode) !== view.visible) (name === mode ? view.show() : view.hide());
  const maps = MAP_MODES.includes(mode);
  document.body.dataset.view = mode;
  $("playback").hidden = maps;
  $("charts").hidden = maps;
  $("equal-box").hidden = mode !== "overlay" && mode !== "side";
  $("markers-box").hidden = maps || mode === "3d";
  $("legend").hidden = maps;
  $("summary").hidden = maps;  // the table is of the paths, which map views do not compute (it kept older lanes)
}

async function render(fast = false) {
  if (rendering) { renderAgain = true; return; }
  rendering = true;
  try {
    const state = store.peek();
    const version = store.version;
    showView(state.view.mode);
    if (!app.land || app.land.key !== landKey(state)) return;
    if (MAP_MODES.includes(state.view.mode)) { renderMaps(state, version); return; }
    if (!app.lanes.length) return;
    app.maxStep = Math.max(0, ...app.lanes.map((l) => l.points.length - 1));
    if (!app.playing) app.cursor = state.view.step === null ? app.maxStep : Math.min(state.view.step, app.maxStep);
    // while a slider is dragged, only the paths redraw, the quick way (views.js); the rest follows once it rests
    const live = dragging();
    const sc = { ...scene(state), live };
    await app.views[state.view.mode].render(sc);
    renderLegend(sc.lanes);
    app.redraws += 1;
    // instrumentation (benchmarks/page.py): the request whose paths are now on screen, complete or not
    if (app.resultKey && app.framedKey !== app.resultKey) {
      app.framedKey = app.resultKey;
      window.dispatchEvent(new CustomEvent("slopes:frame", { detail: app.resultKey }));
    }
    syncScrubber();
    const complete = !app.running && app.resultKey === runKeyOf(state);
    const now = performance.now();
    const chartsNow = () => {
      lastCharts = performance.now();
      renderSummary($("summary"), app.lanes, sc.surface, app.running);
      const dataset = !!sc.surface.dataset;
      $("data-panel").hidden = !dataset;
      $("charts").classList.toggle("with-data", dataset);
      if (dataset) renderDataPanel($("plot-data"), sc.surface, app.lanes, app.cursor, sc.theme);
      return app.charts.render(sc);
    };
    clearTimeout(chartsTimer);
    // (a drag reads no element sizes here: each read after the paths changed would force a layout)
    const chartsKey = live ? null : [app.lanes, sc.theme, document.documentElement.lang, $("charts").clientWidth, $("charts").clientHeight,
      app.lanes.map((l) => l.status).join()];
    const same = chartsKey && app.chartsKey && chartsKey.every((v, k) => v === app.chartsKey[k]);
    if (live) chartsTimer = setTimeout(() => scheduleRender(), Math.max(0, app.slidAt + DRAG_IDLE - now) + 5);
    else if (same) app.charts.moveCursor(app.cursor);
    else if (fast && now - lastCharts < CHART_INTERVAL) chartsTimer = setTimeout(() => { app.chartsKey = chartsKey; chartsNow(); }, CHART_INTERVAL);
    else if (fast) { app.chartsKey = chartsKey; requestAnimationFrame(() => chartsNow()); }
    else { app.chartsKey = chartsKey; await chartsNow(); }
    if (complete && version === store.version) announceDrawn(version);
  } catch (err) {
    console.error(err);
    toast(t("error", { msg: err.message }), { id: "draw", error: true });
    settle(store.version);  // a promise never hangs on a failed drawing
  } finally {
    rendering = false;
    if (renderAgain) { renderAgain = false; scheduleRender(fast); }
  }
}

function renderLegend(lanes) {
  const key = JSON.stringify(lanes.map((l) => [l.label, l.color, l.dash, l.status]));
  if (key === app.legendKey && $("legend").childElementCount === lanes.length) return;
  app.legendKey = key;
  $("legend").replaceChildren(...lanes.map((lane) => {
    const item = document.createElement("span");
    item.style.setProperty("--lane", lane.color);
    const swatch = document.createElement("i");
    if (lane.dash !== "solid") swatch.className = lane.dash;
    item.append(swatch, lane.label);
    if (lane.status === "diverged") item.classList.add("diverged");
    return item;
  }));
}

function syncScrubber() {
  const scrub = $("scrub");
  scrub.max = app.maxStep;
  scrub.value = app.cursor;
  $("step-label").textContent = `${app.cursor} / ${app.maxStep}`;
}

/** A new cursor only: the moving points, the chart lines, the data panel. */
function moveCursor() {
  const state = store.peek();
  app.cursor = state.view.step === null ? app.maxStep : Math.min(state.view.step, app.maxStep);
  return drawCursor().then(() => announceDrawn(store.version));
}

function drawCursor() {
  syncScrubber();
  const state = store.peek();
  if (!app.land || !app.lanes.length || MAP_MODES.includes(state.view.mode)) return Promise.resolve();
  const sc = scene(state);
  app.charts.moveCursor(app.cursor);
  if (sc.surface.dataset) renderDataPanel($("plot-data"), sc.surface, app.lanes, app.cursor, sc.theme);
  return app.views[state.view.mode].moveCursor(sc, app.cursor);
}

// --- basins and sweeps ----------------------------------------------------------------------
let mapsTimer = null;
let mapsKey = null;
const mapsDrawn = {};  // per map view: the key of what its element holds

function surfaceRequest(state) {
  const body = runRequest(state, isDataset(state));
  delete body.optimizers;
  delete body.steps;
  delete body.start;
  return body;
}

function renderMaps(state, version) {
  const area = $("view-area");
  const key = JSON.stringify([state.view.mode, state.view.sweep, runKeyOf(state), document.documentElement.dataset.theme,
    document.documentElement.lang, area.clientWidth, area.clientHeight]);
  if (mapsDrawn[state.view.mode] === key) { mapsKey = null; clearTimeout(mapsTimer); announceDrawn(version); return; }
  if (key === mapsKey) return;
  mapsKey = key;
  clearTimeout(mapsTimer);
  const mode = state.view.mode;
  mapsTimer = setTimeout(async () => {
    if (store.peek().view.mode !== mode) { mapsKey = null; return; }
    const lanes = state.optimizers.map((o, i) => ({ ...o, label: laneLabel({ ...o }, i), ...laneStyle(state, i) }));
    const meta = app.land.meta;
    const start = state.start || meta.default_start;
    const theme = document.documentElement.dataset.theme;
    try {
      const ok = mode === "basins"
        ? await app.views.basins.render({ surfaceRequest: surfaceRequest(state), lanes, surface: meta, theme, steps: state.steps })
        : await app.views.sweep.render({ surfaceRequest: { ...surfaceRequest(state), start }, lanes, theme,
          steps: Math.max(1, state.steps), fstar: fstar(meta), axes: state.view.sweep });
      if (mapsKey === key) mapsKey = null;
      if (ok) {
        mapsDrawn[mode] = key;
        dismiss("maps");
        if (version === store.version) announceDrawn(version);
      } else if (store.peek().view.mode === mode) scheduleRender();
    } catch (err) {
      if (mapsKey === key) mapsKey = null;
      toast(t("error", { msg: err.message }), { id: "maps", error: true });
      settle(version);
    }
  }, 250);
}

function pickFromSweep(laneIndex, lr, others) {
  const state = store.get();
  const lane = state.optimizers[laneIndex];
  if (!lane) return;
  lane.params.lr = +lr.toPrecision(3);
  for (const [name, value] of Object.entries(others)) {
    if (name.startsWith("betas[")) {
      const betas = [...(lane.params.betas || [0.9, 0.999])];
      betas[Number(name[6])] = +value.toPrecision(3);
      lane.params.betas = betas;
    } else lane.params[name] = +value.toPrecision(3);
  }
  commit({ optimizers: state.optimizers, view: { tuned: false } }, "sweep");
}

/** The fairness helper: each lane gets the lr with the lowest final loss from a log sweep. */
async function tuneLearningRates() {
  toast(t("computing"), { id: "tune" });
  const state = store.get();
  const start = state.start || app.land.meta.default_start;
  const results = await Promise.all(state.optimizers.map((lane) => ("lr" in lane.params
    ? SweepView.sweepLane({ ...surfaceRequest(state), start }, lane, Math.max(1, state.steps)) : null)));
  results.forEach((r, i) => { if (r?.best) state.optimizers[i].params.lr = +r.best.lr.toPrecision(3); });
  dismiss("tune");
  commit({ optimizers: state.optimizers, view: { tuned: true } }, "tune");
}

// --- controls outside the lane cards --------------------------------------------------------
function setStart(point, mode = null) {
  const d = app.land?.meta.domain;
  if (!d) return;
  const clamp = (v, [lo, hi]) => Math.min(hi, Math.max(lo, v));
  const start = [+clamp(point[0], d.x).toPrecision(5), +clamp(point[1], d.y).toPrecision(5)];
  commit({ start, view: { step: null, ...(mode ? { mode } : {}) } }, "click");
}

/** A typed number field: a bad value is marked beside it and nothing is sent; a good one becomes a patch. */
function numberField(id, spec, toPatch) {
  const input = $(id);
  const handle = () => {
    const r = parseNumber(input.value, spec);
    input.dataset.typed = r.reason ? "bad" : "";
    setFieldError(input, r.reason || null);
    if (!r.reason) commit(toPatch(r.value), "control");
  };
  input.addEventListener("change", handle);
  input.addEventListener("input", () => {
    const r = parseNumber(input.value, spec);
    input.dataset.typed = r.reason ? "bad" : "";
    setFieldError(input, r.reason || null);
  });
}

function bindGlobals() {
  $("surface").addEventListener("change", (e) => {
    const id = e.target.value;
    if (id === "custom") {
      app.formula.show(true, store.peek().formula, store.peek().domain);
      app.formula.validate();
      return;
    }
    commit({ surface: id, view: { lesson: null } }, "control");
  });
  const startSpec = { min: -1e6, max: 1e6 };
  const currentStart = () => store.peek().start || app.land?.meta.default_start || [0, 0];
  numberField("start-x", startSpec, (v) => ({ start: [v, currentStart()[1]], view: { step: null } }));
  numberField("start-y", startSpec, (v) => ({ start: [currentStart()[0], v], view: { step: null } }));
  numberField("steps", { min: 0, max: 20000, integer: true }, (v) => ({ steps: v }));
  numberField("noise", { min: 0, max: 1000 }, (v) => ({ gradient: { noise: v } }));
  numberField("seed", { min: 0, max: 2 ** 32 - 1, integer: true }, (v) => ({ gradient: { seed: v } }));
  numberField("grad-h", { min: 1e-12, max: 1 }, (v) => ({ gradient: { h: v } }));  // numerical gradients' step
  numberField("l1", { min: 0, max: 100 }, (v) => ({ surface_options: { l1: v, l2: store.peek().surface_options?.l2 || 0 } }));
  numberField("l2", { min: 0, max: 100 }, (v) => ({ surface_options: { l1: store.peek().surface_options?.l1 || 0, l2: v } }));
  $("grad-mode").addEventListener("change", (e) => commit({ gradient: { mode: e.target.value } }, "control"));
  $("add-lane").addEventListener("click", () => app.panel.addLane());
  $("lessons").addEventListener("change", (e) => { if (e.target.value) applyLesson(e.target.value); });
  $("cloud").addEventListener("change", (e) => commit({ view: { cloud: e.target.checked } }, "control"));
  $("tune").addEventListener("click", tuneLearningRates);
  for (const b of $("views").querySelectorAll("button")) b.addEventListener("click", () => commit({ view: { mode: b.dataset.view } }, "control"));
  $("arrows").addEventListener("change", (e) => commit({ view: { arrows: e.target.checked } }, "control"));
  $("equal").addEventListener("change", (e) => commit({ view: { equal: e.target.checked } }, "control"));
  $("all-markers").addEventListener("change", (e) => commit({ view: { markers: e.target.checked ? "all" : "near" } }, "control"));
  $("sweep-axes").addEventListener("change", (e) => commit({ view: { sweep: e.target.value } }, "control"));
  $("theme").addEventListener("click", () => commit({ view: { theme: document.documentElement.dataset.theme === "dark" ? "light" : "dark" } }, "control"));
  $("lang").addEventListener("click", () => commit({ view: { lang: document.documentElement.lang === "ko" ? "en" : "ko" } }, "control"));
  $("share").addEventListener("click", () => { writeLocation(store.peek()); copyText(location.href, t("copied"), t("copy_link_manual")); });
  const snippet = () => embedSnippet(store.peek(), { caption: $("embed-caption").value.trim(), size: $("embed-size").value,
    theme: document.documentElement.dataset.theme === "dark" ? "dark" : "light" });
  $("embed-code").addEventListener("click", () => {
    const box = $("embed-snippet");  // the code stays in the panel, selected, whether or not a clipboard exists
    box.value = snippet();
    box.hidden = false;
    $("embed-options").hidden = false;
    box.select();
    copyText(box.value, t("embed_copied"), t("copy_embed_manual"), false);
  });
  for (const id of ["embed-size", "embed-caption"]) {
    $(id).addEventListener("input", () => { $("embed-snippet").value = snippet(); });
  }
  $("copy-close").addEventListener("click", () => { $("copy-box").hidden = true; });
  $("play").addEventListener("click", () => (app.playing ? pause() : play()));
  $("download").addEventListener("change", async (e) => {
    const kind = e.target.value;
    e.target.value = "";
    if (!kind) return;
    try {
      const sc = scene(store.peek());
      await download(kind, { figure: (upto) => app.views.overlay.staticFigure(sc, upto), request: runRequest(store.peek(), isDataset(store.peek())), state: store.get(),
        maxStep: app.maxStep, onStatus: (msg) => (msg ? toast(msg, { id: "download" }) : dismiss("download")) });
    } catch (err) {
      toast(t("error", { msg: err.message }), { id: "download", error: true });
    }
  });
  $("scrub").addEventListener("input", (e) => {
    pause();
    const v = Number(e.target.value);
    commit({ view: { step: v >= app.maxStep ? null : v } }, "scrub");
  });
}

/** Copy to the clipboard where there is one (https or localhost); otherwise say so and show the text to copy. */
async function copyText(text, done, manual, showBox = true) {
  const box = $("copy-box");
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      box.hidden = true;
      toast(done, { id: "copy" });
      return;
    } catch { manual = t("copy_failed"); }  // a clipboard that said no: the text to copy by hand, and why
  }
  toast(manual, { id: "copy" });
  if (!showBox) return;
  $("copy-box-title").textContent = manual;
  const area = $("copy-text");
  area.value = text;
  box.hidden = false;
  area.focus();
  area.select();
}

function applyTheme() {
  const choice = store.peek().view.theme;
  const theme = choice || (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
  document.documentElement.dataset.theme = theme;
  $("theme").textContent = theme === "dark" ? t("light_theme") : t("dark_theme");
}

/** The controls outside the lane cards show the state (a field being typed in, or marked bad, is left alone). */
function syncGlobals(state) {
  const meta = app.land?.key === landKey(state) ? app.land.meta : app.surfaces[state.surface];
  const [x, y] = state.start || meta?.default_start || [0, 0];
  const put = (id, v) => {
    const input = $(id);
    if (document.activeElement === input || input.dataset.typed === "bad") return;
    input.value = v;
  };
  put("start-x", +(+x).toPrecision(6));
  put("start-y", +(+y).toPrecision(6));
  put("steps", state.steps);
  put("noise", state.gradient.noise);
  put("seed", state.gradient.seed);
  put("l1", state.surface_options?.l1 || 0);
  put("l2", state.surface_options?.l2 || 0);
  $("grad-mode").value = state.gradient.mode;
  put("grad-h", state.gradient.h ?? 1e-5);  // the API's default h
  $("h-box").hidden = state.gradient.mode !== "numerical";
  $("arrows").checked = !!state.view.arrows;
  $("equal").checked = !!state.view.equal;
  $("all-markers").checked = state.view.markers === "all";
  $("sweep-axes").value = state.view.sweep;
  $("cloud").checked = !!state.view.cloud;
  $("penalties").hidden = !isDataset(state);
  $("surface").value = state.surface;
  $("comparison").textContent = state.view.tuned ? t("comparison_tuned") : "";
  for (const b of $("views").querySelectorAll("button")) b.setAttribute("aria-selected", b.dataset.view === state.view.mode);
}

// --- playback: frames move the cursor directly; the state takes the step when playback stops ----
function play() {
  if (app.cursor >= app.maxStep) app.cursor = 0;
  app.playing = true;
  $("play").textContent = t("pause");
  let last = performance.now();
  let position = app.cursor;
  let busy = false;
  const tick = (now) => {
    if (!app.playing) return;
    position += ((now - last) / 1000) * Number($("speed").value);
    last = now;
    if (position >= app.maxStep) {
      if (EMBED.loop) position = 0;
      else { position = app.maxStep; app.cursor = app.maxStep; pause(true); return; }
    }
    if (!busy) {
      busy = true;
      app.cursor = Math.round(position);
      drawCursor().then(() => { busy = false; app.frames += 1; });
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

function pause(atEnd = false) {
  if (!app.playing) return;
  app.playing = false;
  $("play").textContent = t("play");
  commit({ view: { step: atEnd || app.cursor >= app.maxStep ? null : app.cursor } }, "playback");
}

let saveTimer = null;
function saveLocation() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => writeLocation(store.peek()), 150);
}

main().catch((err) => toast(t("error", { msg: err.message }), { id: "start", error: true }));
