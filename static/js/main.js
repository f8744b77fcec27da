// Wiring: state <-> controls <-> stream <-> figures. Each module has one job; this one connects them.
import { getJSON, RunStream } from "./api.js";
import { LanePanel } from "./controls.js";
import { applyTranslations, loadLanguage, pickLanguage, t, tOr } from "./i18n.js";
import { FormulaBox } from "./formula.js";
import { download, embedSnippet } from "./downloads.js";
import { BasinView, SweepView } from "./maps.js";
import { Figures, colourTransform } from "./plots.js";
import { laneStyle, runRequest, stateFromLocation, writeLocation } from "./state.js";
import { renderDataPanel } from "./datapanel.js";
import { renderSummary } from "./summary.js";

const $ = (id) => document.getElementById(id);
const STREAM_DRAW_DELAY = 90; // ms: streams that end sooner are drawn once
const QUERY = new URLSearchParams(location.search);
const EMBED = { on: document.body.dataset.mode === "embed", autoplay: QUERY.get("autoplay") === "1", loop: QUERY.get("loop") === "1" };
const state = stateFromLocation();
const app = { surfaces: {}, grids: {}, lanes: [], maxStep: 0, cursor: 0, follow: true, playing: false, running: false };
window.slopes = { state, app }; // for tests and the curious: the live state

async function main() {
  await loadLanguage(pickLanguage(state.view.lang));
  state.view.lang = document.documentElement.lang;
  applyTheme();
  applyTranslations();
  const [surfaces, optimizers] = await Promise.all([getJSON("/api/surfaces"), getJSON("/api/optimizers")]);
  for (const s of surfaces) app.surfaces[s.id] = s;
  app.lessons = await getJSON("/api/lessons");
  app.formula = new FormulaBox({ onValid: useFormula });
  if (state.surface === "custom" && state.formula) {
    app.formula.show(true, state.formula, state.domain);
    await app.formula.validate();
  }
  if (!app.surfaces[state.surface]) state.surface = "rosenbrock";
  if (state.surface_options && app.surfaces[state.surface]?.dataset) await refreshSurfaceMeta();
  app.panel = new LanePanel($("lanes"), { optimizers, getState: () => state, getSurface: () => surface(), onChange: () => {
    state.view.tuned = false;
    requestRun();
  } });
  app.figures = new Figures({ bg: $("plot-bg"), main: $("plot-main"), overlay: $("overlay"), readout: $("readout"), legend: $("legend"),
    loss: $("plot-loss"), lr: $("plot-lr"), cursorLoss: $("cursor-loss"), cursorLr: $("cursor-lr"), onClick: setStart });
  app.basins = new BasinView({ el: $("plot-maps"), progress: $("map-progress"), onPick: (p) => {
    state.view.mode = "overlay";
    setStart(p);
  } });
  app.sweep = new SweepView({ el: $("plot-maps"), progress: $("map-progress"), onPick: (lane, lr, others) => {
    const params = state.optimizers[lane].params;
    params.lr = +lr.toPrecision(3);
    for (const [name, value] of Object.entries(others)) {
      if (name.startsWith("betas[")) params.betas = Object.assign([...(params.betas || [0.9, 0.999])], { [Number(name[6])]: +value.toPrecision(3) });
      else params[name] = +value.toPrecision(3);
    }
    state.view.tuned = false;
    app.panel.render();
    requestRun();
  } });
  app.stream = new RunStream(onFrame, (up) => setStatus(up ? "" : t("connection_lost"), !up));
  fillSurfaceSelect();
  fillLessons();
  bindGlobals();
  app.panel.render();
  syncGlobals();
  await loadGrid();
  requestRun();
}

function fillSurfaceSelect() {
  const select = $("surface");
  const options = Object.values(app.surfaces).filter((s) => s.id !== "custom")
    .map((s) => new Option(tOr(`surface_${s.id}_name`, s.name), s.id));
  options.push(new Option(t("custom_surface"), "custom"));
  select.replaceChildren(...options);
  select.value = state.surface;
}

/** A formula that the server accepted: it becomes the surface. */
async function useFormula(formula, domain, meta) {
  app.surfaces.custom = meta;
  const changed = state.surface !== "custom" || state.formula !== formula || JSON.stringify(state.domain) !== JSON.stringify(domain);
  state.surface = "custom";
  state.formula = formula;
  state.domain = domain;
  if (state.start && !(state.start[0] >= domain.x[0] && state.start[0] <= domain.x[1] && state.start[1] >= domain.y[0]
    && state.start[1] <= domain.y[1])) state.start = null;
  if (!changed && app.grids[gridKey()]) return;
  await loadGrid();
  syncGlobals();
  if (app.figures) requestRun();
}

function gridKey() {
  if (state.surface === "custom") return `custom|${state.formula}|${JSON.stringify(state.domain)}`;
  const o = state.surface_options;
  return o && (o.l1 || o.l2) ? `${state.surface}|${o.l1}|${o.l2}` : state.surface;
}

function fillLessons() {
  const select = $("lessons");
  const lang = document.documentElement.lang;
  select.replaceChildren(new Option(t("lessons"), ""), ...app.lessons.map((l) => new Option(l.title[lang] || l.title.en, l.id)));
  select.value = state.view.lesson || "";
  showLessonCaption();
}

function showLessonCaption() {
  const box = $("lesson-caption");
  const lesson = app.lessons?.find((l) => l.id === state.view.lesson);
  box.hidden = !lesson;
  if (!lesson) return;
  const lang = document.documentElement.lang;
  const title = document.createElement("b");
  title.textContent = lesson.title[lang] || lesson.title.en;
  box.replaceChildren(title, lesson.caption[lang] || lesson.caption.en);
}

async function applyLesson(id) {
  const lesson = app.lessons.find((l) => l.id === id);
  if (!lesson) return;
  const s = structuredClone(lesson.state);
  for (const key of ["formula", "domain", "surface_options"]) delete state[key];
  Object.assign(state, { surface: s.surface, start: s.start || null, steps: s.steps,
    gradient: { mode: "analytic", noise: 0, seed: 0, ...(s.gradient || {}) },
    optimizers: s.optimizers.map((o, i) => ({ ...o, label: lesson.labels?.[document.documentElement.lang]?.[i] ?? o.label })) });
  state.view = { ...state.view, mode: s.view?.mode || "overlay", arrows: !!s.view?.arrows, lesson: id, colors: [],
    tuned: false, cloud: false };
  app.formula.show(false);
  app.follow = true;
  await loadGrid();
  syncGlobals();
  app.panel.render();
  showLessonCaption();
  requestRun();
}

function surface() { return app.surfaces[state.surface]; }
function start() { return state.start || surface().default_start; }

async function loadGrid() {
  const s = surface();
  const key = gridKey();
  if (!app.grids[key]) {
    const n = s.minima.length > 50 ? 220 : 160;
    const url = s.id === "custom"
      ? `/api/surfaces/custom/grid?n=${n}&formula=${encodeURIComponent(state.formula)}&x0=${state.domain.x[0]}` +
        `&x1=${state.domain.x[1]}&y0=${state.domain.y[0]}&y1=${state.domain.y[1]}`
      : `/api/surfaces/${s.id}/grid?n=${n}&l1=${state.surface_options?.l1 || 0}&l2=${state.surface_options?.l2 || 0}`;
    app.grids[key] = await getJSON(url);
  }
  const info = $("surface-info");
  info.innerHTML = "";
  const b = document.createElement("b");
  b.textContent = `${tOr(`surface_${s.id}_name`, s.name)}: `;
  info.append(b, `${s.formula}. ${tOr(`surface_${s.id}_desc`, s.description)}`);
}

function bindGlobals() {
  $("surface").addEventListener("change", async (e) => {
    state.start = null;
    app.follow = true;
    if (e.target.value === "custom") {
      app.formula.show(true, state.formula, state.domain);
      await app.formula.validate();
      return;
    }
    app.formula.show(false);
    delete state.formula;
    delete state.domain;
    delete state.surface_options;
    state.view.lesson = null;
    showLessonCaption();
    $("lessons").value = "";
    state.surface = e.target.value;
    await loadGrid();
    syncGlobals();
    requestRun();
  });
  const num = (id, apply) => $(id).addEventListener("change", (e) => {
    const v = Number(e.target.value);
    if (Number.isFinite(v)) { apply(v); requestRun(); }
  });
  num("start-x", (v) => { state.start = [v, start()[1]]; });
  num("start-y", (v) => { state.start = [start()[0], v]; });
  num("steps", (v) => { state.steps = Math.max(0, Math.min(20000, Math.round(v))); });
  num("noise", (v) => { state.gradient.noise = Math.max(0, v); });
  num("seed", (v) => { state.gradient.seed = Math.max(0, Math.round(v)); });
  $("grad-mode").addEventListener("change", (e) => { state.gradient.mode = e.target.value; requestRun(); });
  $("add-lane").addEventListener("click", () => app.panel.addLane());
  $("lessons").addEventListener("change", (e) => applyLesson(e.target.value));
  $("cloud").addEventListener("change", (e) => { state.view.cloud = e.target.checked; requestRun(); });
  for (const id of ["l1", "l2"]) $(id).addEventListener("change", () => {
    const l1 = Math.max(0, Number($("l1").value) || 0), l2 = Math.max(0, Number($("l2").value) || 0);
    state.surface_options = { l1, l2 };
    refreshSurfaceMeta().then(requestRun);
  });
  $("tune").addEventListener("click", tuneLearningRates);
  for (const b of $("views").querySelectorAll("button")) b.addEventListener("click", () => {
    state.view.mode = b.dataset.view;
    syncGlobals();
    draw();
    saveState();
  });
  $("arrows").addEventListener("change", (e) => { state.view.arrows = e.target.checked; draw(); saveState(); });
  $("sweep-axes").addEventListener("change", (e) => { state.view.sweep = e.target.value; draw(); saveState(); });
  $("theme").addEventListener("click", () => {
    state.view.theme = state.view.theme === "dark" ? "light" : "dark";
    applyTheme();
    draw();
    saveState();
  });
  $("lang").addEventListener("click", async () => {
    await loadLanguage(state.view.lang === "ko" ? "en" : "ko");
    state.view.lang = document.documentElement.lang;
    applyTranslations();
    applyTheme();
    fillSurfaceSelect();
    fillLessons();
    await loadGrid();
    app.panel.render();
    draw();
    saveState();
  });
  $("share").addEventListener("click", async () => {
    saveState();
    try { await navigator.clipboard.writeText(window.location.href); } catch { /* no clipboard: the address bar has it */ }
    setStatus(t("copied"));
  });
  $("play").addEventListener("click", () => (app.playing ? pause() : play()));
  $("embed-code").addEventListener("click", async () => {
    const snippet = embedSnippet(state);
    const box = $("embed-snippet");
    box.value = snippet;
    box.hidden = false;
    box.select();
    try { await navigator.clipboard.writeText(snippet); } catch { /* the snippet is selected in the panel */ }
    setStatus(t("embed_copied"));
  });
  $("download").addEventListener("change", async (e) => {
    const kind = e.target.value;
    e.target.value = "";
    if (!kind) return;
    try {
      await download(kind, { figures: app.figures, lanes: app.lanes, state, maxStep: app.maxStep, onStatus: setStatus });
    } catch (err) {
      setStatus(t("error", { msg: err.message }), true);
    }
  });
  $("scrub").addEventListener("input", (e) => {
    pause();
    app.follow = Number(e.target.value) >= app.maxStep;
    setCursor(Number(e.target.value));
  });
}

function applyTheme() {
  const theme = state.view.theme || (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
  document.documentElement.dataset.theme = theme;
  $("theme").textContent = theme === "dark" ? t("light_theme") : t("dark_theme");
}

function syncGlobals() {
  const [x, y] = start();
  $("start-x").value = +x.toPrecision(6);
  $("start-y").value = +y.toPrecision(6);
  $("steps").value = state.steps;
  $("noise").value = state.gradient.noise;
  $("seed").value = state.gradient.seed;
  $("grad-mode").value = state.gradient.mode;
  $("arrows").checked = !!state.view.arrows;
  $("sweep-axes").value = state.view.sweep === "lr_momentum" ? "lr_momentum" : "lr";
  $("map-options").hidden = state.view.mode !== "sweep";
  $("cloud").checked = !!state.view.cloud;
  const dataset = !!surface()?.dataset;
  $("penalties").hidden = !dataset;
  $("l1").value = state.surface_options?.l1 || 0;
  $("l2").value = state.surface_options?.l2 || 0;
  $("surface").value = state.surface;
  for (const b of $("views").querySelectorAll("button")) b.setAttribute("aria-selected", b.dataset.view === state.view.mode);
}

function setStart(point) {
  const d = surface().domain;
  const clamp = (v, [lo, hi]) => Math.min(hi, Math.max(lo, v));
  state.start = [+clamp(point[0], d.x).toPrecision(5), +clamp(point[1], d.y).toPrecision(5)];
  app.follow = true;
  syncGlobals();
  requestRun();
}

// --- runs ------------------------------------------------------------------------
let queued = false;
let lastSent = -Infinity;
function requestRun() {
  // at most one request per animation frame: the first of a burst goes at once, the last is never lost
  if (queued) return;
  const send = () => {
    queued = false;
    lastSent = performance.now();
    app.requestedAt = lastSent;
    app.stream.send(runRequest(state));
    saveState();
  };
  if (performance.now() - lastSent > 16) send();
  else { queued = true; requestAnimationFrame(send); }
}

function onFrame(frame) {
  if (frame.type === "error") {
    setStatus(t("error", { msg: (frame.detail || []).map((d) => d.msg || d).join("; ") }), true);
    return;
  }
  if (frame.type === "start") {
    app.running = true;
    const own = state.optimizers.length;
    app.pendingLanes = frame.runs.map((r, i) => ({ ...r, label: i < own ? laneLabel(r, i) : r.label,
      ...laneStyle(state, i < own ? i : Number(r.label.split(":")[1])), cloudOf: i < own ? null : Number(r.label.split(":")[1]), points: [],
      losses: [], lrs: [],
      gradients: r.optimizer.startsWith("random") ? null : [], proposals: null, accepted: null, status: null }));
    setStatus("");
    return;
  }
  if (frame.type === "chunk") {
    const lanes = app.pendingLanes;
    frame.runs.forEach((part, i) => {
      const lane = lanes[i];
      lane.points.push(...part.points);
      lane.losses.push(...part.losses);
      lane.lrs.push(...part.lrs);
      if (lane.gradients && part.gradients) lane.gradients.push(...part.gradients);
    });
    splitCloud(lanes);
    // a short stream is drawn once, at its end; a long one also as it grows (the paths animate in)
    const age = performance.now() - app.requestedAt;
    if (age > STREAM_DRAW_DELAY) scheduleDraw();
    else if (!app.streamTimer) app.streamTimer = setTimeout(() => { app.streamTimer = null; if (app.running) scheduleDraw(); },
      STREAM_DRAW_DELAY - age);
    return;
  }
  if (frame.type === "end") {
    frame.runs.forEach((r, i) => Object.assign(app.pendingLanes[i], r));
    splitCloud(app.pendingLanes);
    app.running = false;
    if (EMBED.autoplay && !app.autoplayed) { app.autoplayed = true; requestAnimationFrame(() => play()); }
    app.lastLatency = performance.now() - app.requestedAt;
    if (app.lanes.some((l) => l.optimizer.startsWith("random"))) fetchProposals();
    draw();
  }
}

function splitCloud(all) {
  app.lanes = all.filter((l) => l.cloudOf === null);
  app.cloud = all.filter((l) => l.cloudOf !== null);
}

/** Surface metadata again after L1/L2 change (the minima move). */
async function refreshSurfaceMeta() {
  const o = state.surface_options || {};
  if (!surface()?.dataset) return;
  app.surfaces[state.surface] = await getJSON(`/api/surfaces/${state.surface}?l1=${o.l1 || 0}&l2=${o.l2 || 0}`);
  await loadGrid();
}

/** The user's label, or the optimizer's name in the page's language with its lr (and switch). */
function laneLabel(run, i) {
  if (state.optimizers[i]?.label) return run.label;
  let label = tOr(`opt_${run.optimizer}_name`, run.label);
  if ("lr" in run.params) label += ` lr=${+run.params.lr.toPrecision(3)}`;
  if (run.switch) label += ` → ${tOr(`opt_${run.switch.optimizer}_name`, run.switch.optimizer)} @${run.switch.at_step}`;
  return label;
}

/** Random searches' rejected proposals come with the POST answer (the stream carries paths only). */
async function fetchProposals() {
  const lanes = app.lanes;
  const res = await fetch("/api/runs", { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify(runRequest(state)) });
  if (!res.ok || lanes !== app.lanes) return;
  const body = await res.json();
  body.runs.forEach((r, i) => { if (r.proposals) { lanes[i].proposals = r.proposals; lanes[i].accepted = r.accepted; } });
  scheduleDraw();
}

let drawQueued = false;
function scheduleDraw() {
  if (drawQueued) return;
  drawQueued = true;
  requestAnimationFrame(() => { drawQueued = false; draw(); });
}

function draw() {
  if (!app.figures || !surface() || !app.grids[gridKey()]) return;
  app.maxStep = Math.max(0, ...app.lanes.map((l) => l.points.length - 1));
  if (app.follow && !app.playing) app.cursor = app.maxStep;
  app.cursor = Math.min(app.cursor, app.maxStep);
  const grid = app.grids[gridKey()];
  const minima = surface().minima;
  const dataset = !!surface().dataset;
  $("data-panel").hidden = !dataset;
  $("charts").classList.toggle("with-data", dataset);
  app.figures.setScene({
    surface: surface(), grid, colour: colourTransform(surface(), grid), start: start(), lanes: app.lanes,
    cloud: app.cloud || [],
    theme: document.documentElement.dataset.theme, view: state.view.mode, arrows: !!state.view.arrows,
    fstar: minima.length ? Math.min(...minima.map((m) => m.value)) : null,
  });
  const maps = state.view.mode === "basins" || state.view.mode === "sweep";
  $("stack-main").style.display = maps ? "none" : "";
  $("legend").style.display = maps ? "none" : "";
  $("plot-maps").style.display = maps ? "" : "none";
  $("comparison").textContent = t(state.view.tuned ? "comparison_tuned" : "comparison_same");
  if (maps) scheduleMaps();
  // the paths first; the charts and the table in the next frame, so a dragged slider feels immediate
  const lanes = app.lanes;
  (maps ? Promise.resolve() : app.figures.renderMain(app.cursor)).then(() => {
    window.dispatchEvent(new CustomEvent("slopes:path-drawn"));
    requestAnimationFrame(() => {
      if (lanes !== app.lanes) return; // a newer result is on its way
      renderSummary($("summary"), app.lanes, surface(), app.running);
      if (dataset) renderDataPanel($("plot-data"), surface(), app.lanes, app.cursor, document.documentElement.dataset.theme);
      app.figures.renderCharts(app.cursor).then(() => window.dispatchEvent(new CustomEvent("slopes:drawn")));
    });
  });
  syncScrubber();
}

function syncScrubber() {
  const scrub = $("scrub");
  scrub.max = app.maxStep;
  scrub.value = app.cursor;
  $("step-label").textContent = `${app.cursor} / ${app.maxStep}`;
}

// --- basins and sweeps ----------------------------------------------------------------
function surfaceRequest() {
  const body = { surface: state.surface, gradient: state.gradient };
  if (state.surface === "custom") { body.formula = state.formula; body.domain = state.domain; }
  return body;
}

let mapsTimer = null;
let mapsKey = null;
function scheduleMaps() {
  const key = JSON.stringify([state.view.mode, state.view.sweep, runRequest(state), document.documentElement.dataset.theme]);
  if (key === mapsKey) return;
  mapsKey = key;
  clearTimeout(mapsTimer);
  mapsTimer = setTimeout(() => {
    const lanes = app.lanes.length ? app.lanes : [];
    const args = { surfaceRequest: surfaceRequest(), lanes, surface: surface(), theme: document.documentElement.dataset.theme,
      steps: state.steps, fstar: surface().minima.length ? Math.min(...surface().minima.map((m) => m.value)) : null,
      axes: state.view.sweep === "lr_momentum" ? "lr_momentum" : "lr" };
    const view = state.view.mode === "basins" ? app.basins : app.sweep;
    if (state.view.mode === "basins") args.start = start();
    view.render({ ...args, surfaceRequest: { ...args.surfaceRequest, ...(state.view.mode === "sweep" ? { start: start() } : {}) } })
      .then(() => window.dispatchEvent(new CustomEvent("slopes:maps-drawn")))
      .catch((err) => setStatus(t("error", { msg: err.message }), true));
  }, 250);
}

/** The fairness helper: each lane gets the lr with the lowest final loss from a log sweep. */
async function tuneLearningRates() {
  setStatus(t("computing"));
  const results = await Promise.all(state.optimizers.map((lane) => ("lr" in lane.params
    ? SweepView.sweepLane({ ...surfaceRequest(), start: start() }, lane, state.steps) : null)));
  results.forEach((r, i) => { if (r?.best) state.optimizers[i].params.lr = +r.best.lr.toPrecision(3); });
  state.view.tuned = true;
  app.panel.render();
  setStatus("");
  requestRun();
}

// --- playback --------------------------------------------------------------------
function setCursor(step) {
  app.cursor = Math.max(0, Math.min(app.maxStep, Math.round(step)));
  syncScrubber();
  state.view.step = app.cursor;
  if (surface()?.dataset) renderDataPanel($("plot-data"), surface(), app.lanes, app.cursor, document.documentElement.dataset.theme);
  return app.figures.moveCursor(app.cursor);
}

function play() {
  if (app.cursor >= app.maxStep) app.cursor = 0;
  app.playing = true;
  app.follow = false;
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
      else { position = app.maxStep; pause(); app.follow = true; }
    }
    if (!busy) {
      busy = true;
      setCursor(position).then(() => { busy = false; app.frames = (app.frames || 0) + 1; });
    }
    if (app.playing) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

function pause() {
  app.playing = false;
  $("play").textContent = t("play");
}

function setStatus(text, error = false) {
  const s = $("status");
  s.textContent = text;
  s.classList.toggle("error", error);
}

let saveTimer = null;
function saveState() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => writeLocation(state), 150);
}

main().catch((err) => setStatus(t("error", { msg: err.message }), true));
