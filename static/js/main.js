// The page, wired. One store holds the state the address keeps; every change (a control, a click, the address, a
// script, a parent frame) is a patch to it. The run client turns the state into the one run request and publishes
// what the server computes (results); the landscape loader publishes the surface's grid there too. Each view and
// control is a module built with the store and the results, owning its element and handlers; the stage draws the
// shown view once per frame. This module only builds and connects them.
import { Catalogue } from "./catalogue.js";
import { accepts, LanePanel } from "./controls.js";
import { forwardKeys, frameOptions, framed, releasePointerFocus } from "./deck.js";
import { CONFIG } from "./figure.js";
import { FormulaBox } from "./formula.js";
import { loadLanguage, onLanguage, pickLanguage, t } from "./i18n.js";
import { Landscapes } from "./landscape.js";
import { Layout } from "./layout.js";
import { Lessons } from "./lessons.js";
import { MapClient } from "./maps.js";
import { mountLiveControls, parseControls } from "./livecontrols.js";
import { dismiss, toast } from "./messages.js";
import { Playback } from "./playback.js";
import { RunClient } from "./runs.js";
import { exposeScripting } from "./scripting.js";
import { RunSettings } from "./settings.js";
import { Sharing } from "./sharing.js";
import { Stage } from "./stage.js";
import { configure, defaultState, followChange, sanitize, stateFromLocation } from "./state.js";
import { Published, Store } from "./store.js";
import { Toolbar } from "./toolbar.js";
import { AveragedPath } from "./views/averaged.js";
import { BasinView } from "./views/basins.js";
import { Charts } from "./views/charts.js";
import { DataPanel } from "./views/datapanel.js";
import { Inspector } from "./views/inspector.js";
import { Legend } from "./views/legend.js";
import { OverlayView } from "./views/overlay.js";
import { SideView } from "./views/side.js";
import { Summary } from "./views/summary.js";
import { Surface3DView } from "./views/surface3d.js";
import { SweepView } from "./views/sweep.js";
import { TestContour } from "./views/testcontour.js";

const $ = (id) => document.getElementById(id);
// an embed: ?autoplay=1&loop=1&interactive=1&controls=lr:0,momentum:0 (static/js/deck.js, livecontrols.js)
const EMBED = { on: document.body.dataset.mode === "embed", ...frameOptions(),
  controls: parseControls(new URLSearchParams(location.search).get("controls")) };

let started;
exposeScripting({ ready: new Promise((resolve) => { started = resolve; }) });

/** The state the address asks for, as far as this server can give it: a surface and optimizers it offers, within its
 *  limits, each hyperparameter within its optimizer's bounds (the defaults where not). */
function initialState(catalogue, checkParam) {
  const state = stateFromLocation(window.location, checkParam);
  if ((!catalogue.surface(state.surface) && state.surface !== "custom") || (state.surface === "custom" && !state.formula)) state.surface = "rosenbrock";
  const known = state.optimizers.filter((o) => catalogue.offers(o.optimizer));
  return sanitize({ ...state, optimizers: known.length ? known : defaultState().optimizers }, defaultState(), checkParam);
}

async function main() {
  Plotly.setPlotConfig(CONFIG);
  await loadLanguage(pickLanguage(stateFromLocation().view.lang));
  const catalogue = await Catalogue.load();
  configure({ limits: catalogue.limits, schedules: catalogue.schedules.map((s) => s.type) });
  const checkParam = (optimizer, name, value) => accepts(catalogue, optimizer, name, value);
  const clean = (raw, prev) => sanitize(raw, prev, checkParam);
  const store = new Store(initialState(catalogue, checkParam), { defaults: defaultState, clean,
    follow: (patch, prev) => followChange(patch, prev, (id) => catalogue.hasDataset(id)) });
  const results = new Published({ land: null, runs: null, runError: null, connected: null });
  const runs = new RunClient({ store, results, catalogue });
  const maps = new MapClient();

  const panel = new LanePanel({ root: $("lanes"), store, catalogue });
  let stage = null;
  const landscapes = new Landscapes({ store, results, catalogue, onError: (err, state) => {
    if (err.detail && state.surface === "custom") formula.showError(state.formula, err.detail);
    else toast(t("error_landscape", { msg: err.message }), { id: "landscape", error: true });
    stage.failed();
  } });
  const formula = new FormulaBox({ onValid: (text, domain, meta) => {
    landscapes.remember(text, domain, meta);
    store.update({ surface: "custom", formula: text, domain }, "formula");
  } });
  const landKey = (state) => landscapes.key(state);

  const cover = (land, box) => landscapes.cover(land, box, () => stage.schedule());
  const overlay = new OverlayView({ root: $("view-overlay"), store, runs, cover });
  const views = { overlay, side: new SideView({ root: $("view-side"), cover }), "3d": new Surface3DView({ root: $("view-3d") }),
    basins: new BasinView({ root: $("view-basins"), store, maps }),
    sweep: new SweepView({ root: $("view-sweep"), store, maps, controls: $("map-options") }) };
  stage = new Stage({ store, results, catalogue, runs, views, parts: { legend: new Legend({ root: $("legend") }),
    charts: new Charts({ root: $("charts") }), summary: new Summary({ root: $("summary"), catalogue }),
    dataPanel: new DataPanel({ root: $("data-panel"), plot: $("plot-data") }),
    area: $("view-area"), playback: $("playback"), chartsBox: $("charts"), analysis: $("analysis"), announce: $("announce"),
    covering: () => landscapes.covering() } });
  new AveragedPath({ runs, overlay });
  new TestContour({ store, overlay, onChange: () => stage.schedule() });
  new Inspector({ store, results, catalogue, runs, overlay, area: $("view-area"), openButton: $("inspector-open"), embed: EMBED.on });
  new Playback({ store, results, stage, root: $("playback"), embed: EMBED });
  new RunSettings({ store, results, catalogue, panel, lanes: $("lanes"), landKey });
  new Toolbar({ store, results, catalogue, formula, landKey, maps });
  new Lessons({ store, catalogue, menu: $("lessons"), caption: $("lesson-caption") });
  if (!EMBED.on) new Layout({ store });
  new Sharing({ store, runs, scene: () => stage.scene(store.peek()), history: !EMBED.on,
    fromLocation: () => initialState(catalogue, checkParam), text: () => catalogue.figureText(store.peek(), results.get().land?.meta) });
  onLanguage(() => stage.relabel());
  results.subscribe((value, prev, patch) => {
    if (patch.land) dismiss("landscape");
    if (patch.connected === false) toast(t("connection_lost"), { id: "connection", error: true });
    if (patch.connected) dismiss("connection");
  });

  if (EMBED.on) {
    if (framed()) { forwardKeys(); releasePointerFocus(); }
    mountLiveControls($("live-controls"), EMBED.controls, store, catalogue, t("live_controls"));
  }
  // a11y: Plotly's modebar buttons (a dozen per plot) stay usable by mouse but leave the tab order
  new MutationObserver((records) => {
    // (a drag changes SVG nodes many times a second: look for buttons only when HTML was added)
    if (!records.some((r) => [...r.addedNodes].some((n) => n instanceof HTMLElement))) return;
    for (const b of document.querySelectorAll(".modebar-btn:not([tabindex='-1'])")) b.setAttribute("tabindex", "-1");
  }).observe(document.body, { childList: true, subtree: true });

  panel.render(store.peek());
  started({ store, stage, catalogue });
  landscapes.load();
  runs.want();
}

main().catch((err) => toast(t("error", { msg: err.message }), { id: "start", error: true }));
