// Schedule-Free's averaged point x, drawn as a thin dotted line beside its lane's path in the trajectory plot.
// The path a Schedule-Free lane draws is y, where its gradients are taken (``points``); the point it returns
// (``optimizer.eval()``, what the paper evaluates) is the running average x, which POST /api/runs gives per step
// as ``averaged``. Like testcontour.js and the inspector, this uses only the page's public interface
// (window.slopes.state(), slopes:drawn) and the plot's element (#plot-main, whose path traces carry meta
// "lane<i>"); its traces carry meta "averaged<i>" and are re-added after each redraw. Each follows its lane's
// drawn path: as many points as the lane shows (the playback cursor).
import { stateRequest } from "./inspector.js";

const OPTIMIZER = "schedule_free_adamw";
const LABEL = { en: "x (average, what it returns)", ko: "x (평균, 돌려주는 점)" };
const cache = new Map(); // request JSON -> Promise of the runs

function usesScheduleFree(lane) {
  return lane.optimizer === OPTIMIZER || lane.switch?.optimizer === OPTIMIZER;
}

function fetchRuns(state) {
  const body = stateRequest(state);
  delete body.include;
  const key = JSON.stringify(body);
  if (!cache.has(key)) {
    if (cache.size > 8) cache.delete(cache.keys().next().value);
    cache.set(key, fetch("/api/runs", { method: "POST", headers: { "Content-Type": "application/json" }, body: key })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`)))).then((b) => b.runs));
  }
  return cache.get(key);
}

const full = new Map(); // "averaged<i>" -> the whole averaged path of the state last drawn
let version = 0;

async function sync() {
  const plot = document.getElementById("plot-main");
  const state = window.slopes?.state?.();
  if (!plot || !state || typeof Plotly === "undefined" || !plot.data) return;
  const mine = version += 1;
  const wanted = state.optimizers.map((lane, i) => (usesScheduleFree(lane) ? i : -1)).filter((i) => i >= 0);
  const stale = plot.data.map((t, k) => (String(t.meta || "").startsWith("averaged") ? k : -1)).filter((k) => k >= 0);
  if (!wanted.length || state.view?.mode !== "overlay") {
    full.clear();
    if (stale.length) await Plotly.deleteTraces(plot, stale);
    return;
  }
  let runs;
  try {
    runs = await fetchRuns(state);
  } catch {
    return;
  }
  if (mine !== version) return; // a newer state is on its way
  const lang = state.view?.lang || document.documentElement.lang || "en";
  const traces = [];
  full.clear();
  for (const i of wanted) {
    const run = runs[i];
    const lane = plot.data.find((t) => t.meta === `lane${i}`);
    if (!run?.averaged || !lane) continue;
    full.set(`averaged${i}`, run.averaged);
    const n = Math.min(lane.x?.length ?? run.averaged.length, run.averaged.length);
    traces.push({
      type: "scatter", mode: "lines", meta: `averaged${i}`, name: LABEL[lang] || LABEL.en,
      x: run.averaged.slice(0, n).map((p) => p[0]), y: run.averaged.slice(0, n).map((p) => p[1]),
      line: { color: lane.line?.color || "#333", width: 1.6, dash: "dot" }, showlegend: false,
      hovertemplate: `${LABEL[lang] || LABEL.en}<br>x %{x:.4f}<br>y %{y:.4f}<extra></extra>`,
    });
  }
  const now = plot.data.map((t, k) => (String(t.meta || "").startsWith("averaged") ? k : -1)).filter((k) => k >= 0);
  if (now.length) await Plotly.deleteTraces(plot, now);
  if (traces.length) await Plotly.addTraces(plot, traces);
}

let syncing = false;

/** After any redraw of the plot (the playback cursor moves the paths): each dotted line as long as its lane's path. */
function follow() {
  const plot = document.getElementById("plot-main");
  if (!plot?.data || !full.size) return;
  const present = new Set(plot.data.map((t) => t.meta));
  if ([...full.keys()].some((meta) => !present.has(meta))) {  // a redraw replaced the plot's traces: add ours again
    if (!syncing) { syncing = true; sync().finally(() => { syncing = false; }); }
    return;
  }
  const update = { x: [], y: [] };
  const indices = [];
  plot.data.forEach((t, k) => {
    const path = full.get(t.meta);
    if (!path) return;
    const lane = plot.data.find((d) => d.meta === `lane${String(t.meta).slice("averaged".length)}`);
    const n = Math.min(lane?.x?.length ?? path.length, path.length);
    if (t.x.length === n) return;
    indices.push(k);
    update.x.push(path.slice(0, n).map((p) => p[0]));
    update.y.push(path.slice(0, n).map((p) => p[1]));
  });
  if (indices.length) Plotly.restyle(plot, update, indices);
}

function start() {
  const plot = document.getElementById("plot-main");
  if (!window.slopes?.state || !plot) { setTimeout(start, 100); return; }
  window.addEventListener("slopes:drawn", () => { sync(); });
  let bound = null;
  const bind = () => {  // the plot's element may be replaced by a new Plotly plot: listen on the current one
    const el = document.getElementById("plot-main");
    if (el && el !== bound && typeof el.on === "function") { el.on("plotly_afterplot", follow); bound = el; }
  };
  window.addEventListener("slopes:drawn", bind);
  bind();
  sync();
}

if (typeof window !== "undefined" && typeof document !== "undefined") {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}
