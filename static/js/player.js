// The player inside an exported HTML file: no server, no network. The export inlines static/js/deck.js,
// static/js/paths.js (the paths at step k, as the page draws them) and then this file in one <script type="module">,
// so framed(), forwardKeys(), deckPlayback(), pathUpTo(), advance()... are in scope.
// Reads the precomputed runs from <script id="slopes-data" type="application/json"> (written by
// app/api/export.py) and draws them with the inlined plotly.js.
//
// Address options (file:///figure.html?autoplay=1&loop=1 or /export.html?state=...&autoplay=1):
//   autoplay=1  play when first seen (not under prefers-reduced-motion)   loop=1  start over at the end
//   interactive=1  zoom, pan and legend clicks change the figure (off by default: a click to focus a
//   slide must not alter it). The state's "view" may set the same three as defaults.
// Scripting, as on the page: window.slopes.state(), window.slopes.update(patch) -> Promise, and from a host
// postMessage({type: "slopes:update", patch}); "slopes:drawn" is dispatched and posted after each draw.
// The export holds only what was precomputed: the state it was made from and its "view.variants"
// (patches of that state); update() to any other run request rejects and posts {type: "slopes:error"}.

const data = JSON.parse(document.getElementById("slopes-data").textContent);
const plot = document.getElementById("plot");
const scrub = document.getElementById("scrub");
const playButton = document.getElementById("play");
const stepLabel = document.getElementById("step");
const speed = document.getElementById("speed");
const summary = document.getElementById("summary");
const announce = document.getElementById("announce"); // the only live region: results, never frames
const options = frameOptions(location.search, data.view || {});
const stillness = reducedMotion();
const baseState = data.state || {};
const variants = [{ state: baseState, runs: data.runs }].concat(data.variants || []);

// light unless the state pins "dark" (the embed snippet pins the theme the lecturer saw)
const THEMES = {
  light: { paper: "#ffffff", ink: "#1d1d1f", line: "rgba(0,0,0,0.22)", mark: "#1d1d1f",
    scale: [[0, "#7f9cc6"], [0.15, "#a9bfdb"], [0.35, "#d0dcea"], [0.6, "#ebebe8"], [0.85, "#f5efe3"], [1, "#fbf6ec"]] },
  dark: { paper: "#1c1d22", ink: "#f1f1f3", line: "rgba(255,255,255,0.18)", mark: "#f1f1f3",
    scale: [[0, "#1f4e85"], [0.2, "#24426a"], [0.45, "#2a3546"], [0.75, "#34343a"], [1, "#403e40"]] },
};
const theme = THEMES[(baseState.view || {}).theme === "dark" ? "dark" : "light"];
document.documentElement.dataset.theme = theme === THEMES.dark ? "dark" : "light";

let current = variants[0];
let state = clone(baseState);
let lanes = [];
let maxStep = 0;
let firstLane = 0;
let firstMarker = 0;
let cursor = 0;
let playing = false;
let last = 0;

function clone(value) {
  return JSON.parse(JSON.stringify(value));
}

/** Objects merge key by key; arrays and everything else replace. */
function merge(base, patch) {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return clone(patch);
  const out = base !== null && typeof base === "object" && !Array.isArray(base) ? clone(base) : {};
  for (const [key, value] of Object.entries(patch)) out[key] = merge(out[key], value);
  return out;
}

/** A JSON text that does not depend on key order, for comparing run requests. */
function canonical(value) {
  if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
  if (value !== null && typeof value === "object") {
    return "{" + Object.keys(value).sort().map((k) => JSON.stringify(k) + ":" + canonical(value[k])).join(",") + "}";
  }
  return JSON.stringify(value);
}

function request(s) {
  const out = clone(s);
  delete out.view;
  return canonical(out);
}

function contour() {
  const grid = data.grid;
  let zmin = Infinity;
  let zmax = -Infinity;
  grid.z.forEach((row) => row.forEach((v) => { if (v !== null) { zmin = Math.min(zmin, v); zmax = Math.max(zmax, v); } }));
  const eps = Math.max((zmax - zmin) * 1e-7, 1e-12);
  const z = data.surface.log_scale ? grid.z.map((row) => row.map((v) => (v === null ? null : Math.log10(v - zmin + eps)))) : grid.z;
  return { type: "contour", x: grid.x, y: grid.y, z, showscale: false, ncontours: 28, hoverinfo: "skip",
    colorscale: theme.scale, contours: { coloring: "fill" }, line: { color: theme.line, width: 0.6, smoothing: 0 } };
}

/** Text as Plotly shows it literally: it reads <a href>, <b>, <br> in a trace's name as markup (a label is text). */
function plotlyText(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function traces() {
  const out = [contour()];
  out.push({ type: "scatter", mode: "markers", name: "minima", showlegend: false, hoverinfo: "skip",
    x: data.surface.minima.map((m) => m.point[0]), y: data.surface.minima.map((m) => m.point[1]),
    marker: { symbol: "star", size: 14, color: theme.mark } });
  firstLane = out.length;
  lanes.forEach((lane) => {  // drawn up to the cursor by show()
    out.push({ type: "scatter", mode: "lines", name: plotlyText(lane.label), ...pathUpTo(lane.points, cursor),
      line: { color: lane.color, width: 3.5 } });
  });
  firstMarker = out.length;
  lanes.forEach((lane) => {
    out.push({ type: "scatter", mode: "markers", showlegend: false, hoverinfo: "skip", x: [lane.points[0][0]],
      y: [lane.points[0][1]], marker: { size: 15, color: lane.color, line: { color: theme.paper, width: 2.5 } } });
  });
  return out;
}

function layout() {
  const view = state.view || {};
  const fixed = !options.interactive;
  return { margin: { l: 55, r: 15, t: 40, b: 45 }, font: { size: 16, color: theme.ink }, paper_bgcolor: theme.paper,
    plot_bgcolor: theme.paper,
    legend: { orientation: "h", y: 1.08, itemclick: fixed ? false : "toggle", itemdoubleclick: fixed ? false : "toggleothers" },
    dragmode: fixed ? false : "zoom", uirevision: data.surface.id,
    xaxis: { range: data.surface.domain.x, fixedrange: fixed, title: { text: data.surface.axes ? data.surface.axes[0] : "x" } },
    yaxis: { range: data.surface.domain.y, fixedrange: fixed, title: { text: data.surface.axes ? data.surface.axes[1] : "y" },
      ...(view.equal ? { scaleanchor: "x", scaleratio: 1 } : {}) } };
}

function config() {
  // the wheel always scrolls the host page; the modebar only where zooming is on, and only what a lecturer uses
  return options.interactive
    ? { displaylogo: false, responsive: true, scrollZoom: false,
      modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "hoverClosestCartesian", "hoverCompareCartesian", "toggleSpikelines"] }
    : { displaylogo: false, responsive: true, scrollZoom: false, displayModeBar: false, doubleClick: false };
}

function describe() {
  // the figure's text alternative: what is drawn and where each lane ended
  const parts = lanes.map((lane) => {
    const end = lane.points[lane.points.length - 1];
    const loss = lane.losses[lane.losses.length - 1];
    const how = lane.status === "diverged" ? `diverged after ${lane.steps_run} steps` : `${lane.steps_run} steps`;
    return `${lane.label}: ${how}, ended at (${fmt(end[0])}, ${fmt(end[1])}), loss ${loss === null ? "—" : fmt(loss)}`;
  });
  return `${data.title || data.surface.name} (${data.surface.formula}). ${parts.join("; ")}.`;
}

function fmt(v) {
  return Number(v).toPrecision(4).replace(/\.?0+(e|$)/, "$1");
}

function load(variant) {
  current = variant;
  lanes = variant.runs.runs;
  maxStep = lastStep(lanes);
  cursor = stillness || !options.autoplay ? maxStep : 0;
  scrub.max = String(maxStep);
  const text = describe();
  plot.setAttribute("role", options.interactive ? "figure" : "img");
  plot.setAttribute("aria-label", text);
  if (summary) summary.textContent = text;
  return Plotly.react(plot, traces(), layout(), config()).then(() => show(cursor));
}

/** Step ``step`` drawn: each path up to it (paths.js) and each lane's point there. */
function show(step) {
  cursor = Math.max(0, Math.min(maxStep, Math.floor(step)));
  scrub.value = String(cursor);
  stepLabel.textContent = cursor + " / " + maxStep;
  scrub.setAttribute("aria-valuetext", cursor + " / " + maxStep);
  const xs = [];
  const ys = [];
  const idx = [];
  lanes.forEach((lane, i) => {
    const path = pathUpTo(lane.points, cursor);
    xs.push(path.x);
    ys.push(path.y);
    idx.push(firstLane + i);
  });
  lanes.forEach((lane, i) => {
    const p = lane.points[laneStep(lane, cursor)];
    xs.push([p[0]]);
    ys.push([p[1]]);
    idx.push(firstMarker + i);
  });
  return Plotly.restyle(plot, { x: xs, y: ys }, idx);
}

function setPlaying(on) {
  playing = on;
  playButton.textContent = on ? data.text.pause : data.text.play;
  playButton.setAttribute("aria-pressed", on ? "true" : "false");
}

let position = 0;  // the playback clock, in (fractional) steps

function tick(now) {
  if (!playing) return;
  const next = advance(position, (now - last) / 1000, Number(speed.value), maxStep, options.loop);
  position = next.position;
  last = now;
  if (next.ended) { setPlaying(false); if (announce) announce.textContent = describe(); }
  show(next.step).then(() => { if (playing) requestAnimationFrame(tick); });
}

const player = {
  play() {
    if (playing) return;
    if (cursor >= maxStep) cursor = 0;
    position = cursor;
    setPlaying(true);
    last = performance.now();
    requestAnimationFrame(tick);
  },
  pause() { setPlaying(false); },
  playing: () => playing,
};

playButton.addEventListener("click", () => (playing ? player.pause() : player.play()));
scrub.addEventListener("input", () => { player.pause(); show(Number(scrub.value)); });

function drawn() {
  const detail = clone(state);
  window.dispatchEvent(new CustomEvent("slopes:drawn", { detail }));
  tellHost({ type: "slopes:drawn", state: detail });
}

/** Deep-merge a patch into the state; resolves once drawn, rejects if the export holds no such runs. */
function update(patch) {
  const next = merge(state, patch || {});
  const wanted = request(next);
  const match = variants.find((v) => request(v.state) === wanted);
  if (!match) {
    const error = new Error("this export holds no precomputed runs for that state (see view.variants)");
    tellHost({ type: "slopes:error", detail: error.message, patch });
    return Promise.reject(error);
  }
  state = next;
  const caption = (state.view || {}).caption;
  if (caption && document.getElementById("caption")) document.getElementById("caption").textContent = caption;
  const wasPlaying = playing;
  player.pause();
  const done = match === current ? Promise.resolve() : load(match);
  return done.then(() => {
    if (announce) announce.textContent = describe();
    if (wasPlaying) player.play();
    drawn();
    return clone(state);
  });
}

window.addEventListener("message", (event) => {
  const message = event.data;
  if (message && typeof message === "object" && message.type === "slopes:update") {
    update(message.patch).catch(() => {});
  }
});

window.slopes = { state: () => clone(state), update };
window.slopesExport = { data, show, player };

if (framed()) {
  forwardKeys();
  releasePointerFocus();
}
load(current).then(() => {
  deckPlayback(player, { element: plot, autoplay: options.autoplay });
  drawn();
});
