// Which plotly.js draws a plot. The page loads plotly.js's cartesian bundle first (contour, heatmap, scatter:
// every 2-D view and chart; a third of the full bundle, so the first paint does not wait for WebGL code it
// does not use) and the gl3d bundle (surface, scatter3d) only when a 3-D plot is first drawn.
//
// Loaded as a module before main.js (static/vendor/plotly/plotly-cartesian.min.js, a deferred classic script,
// runs just before it), it puts a stand-in for window.Plotly in place: the same functions, each sent to the
// bundle that owns the plot. A plot stays with the bundle that first drew it (its event handlers, drag layers
// and internal state were made by that bundle), unless it is given traces that bundle lacks: then it is purged
// and drawn anew by the other one. A call that needs the gl3d bundle before it has arrived returns a Promise
// that settles once it is drawn (Plotly's own calls return Promises too), in the order the calls were made.
const GL3D_URL = "/vendor/plotly-gl3d.min.js";
const GL3D_TYPES = new Set(["surface", "scatter3d", "mesh3d", "cone", "streamtube", "isosurface", "volume"]);
// the functions whose first argument is a plot (an element or its id)
const PLOT_CALLS = ["newPlot", "react", "restyle", "relayout", "update", "redraw", "purge", "addTraces",
  "deleteTraces", "moveTraces", "extendTraces", "prependTraces", "addFrames", "deleteFrames", "animate",
  "toImage", "downloadImage"];
// the calls that hand over a whole figure (its traces decide which bundle draws it)
const DRAWS = new Set(["newPlot", "react", "toImage", "downloadImage"]);

const cartesian = window.Plotly;
let gl3d = null;
let loading = null;
let plotConfig = null;
const owners = new WeakMap(); // plot element -> the bundle that drew it
const waiting = new WeakMap(); // plot element -> its last call queued behind the gl3d bundle's arrival

function plotOf(target) {
  const element = typeof target === "string" ? document.getElementById(target) : target;
  return element instanceof Element ? element : null;
}

/** The trace types a call hands over (a draw's traces or figure); none for calls that change a plot. */
function traceTypes(name, args) {
  if (!DRAWS.has(name)) return [];
  const [target, second] = args;
  let traces = [];
  if (Array.isArray(second)) traces = second;
  else if (second && Array.isArray(second.data)) traces = second.data;
  else if (!plotOf(target) && target && Array.isArray(target.data)) traces = target.data; // toImage(figure)
  return traces.map((trace) => (trace && trace.type) || "scatter");
}

function loadGl3d() {
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = GL3D_URL;
    script.async = true;
    script.onload = () => {
      gl3d = window.Plotly; // the bundle put itself on window: take it, and put the stand-in back
      window.Plotly = facade;
      if (plotConfig) gl3d.setPlotConfig(plotConfig);
      resolve(gl3d);
    };
    script.onerror = () => {
      loading = null;
      script.remove();
      reject(new Error(`${GL3D_URL} could not be loaded`));
    };
    document.head.append(script);
  });
  return loading;
}

function callNow(name, args, element, types) {
  const owner = element ? owners.get(element) : undefined;
  let bundle = owner || cartesian;
  if (types.some((type) => GL3D_TYPES.has(type))) bundle = gl3d;
  else if (types.some((type) => type !== "scatter")) bundle = cartesian; // a type the gl3d bundle lacks
  if (element && (name === "newPlot" || name === "react")) {
    if (owner && owner !== bundle) owner.purge(element); // drawn by the other bundle: start afresh
    owners.set(element, bundle);
  }
  if (element && name === "purge") owners.delete(element);
  return bundle[name](...args);
}

function call(name, args) {
  const element = plotOf(args[0]);
  const queued = element ? waiting.get(element) : undefined;
  const types = traceTypes(name, args);
  const needs3d = types.some((type) => GL3D_TYPES.has(type));
  if (!queued && (gl3d || !needs3d)) return callNow(name, args, element, types);
  // this plot's first 3-D draw waits for the bundle: this call goes after it, in the order the calls were made
  const result = (queued ? queued.catch(() => {}) : Promise.resolve())
    .then(() => (needs3d ? loadGl3d() : null))
    .then(() => callNow(name, args, element, types));
  if (element) {
    waiting.set(element, result);
    const done = () => { if (waiting.get(element) === result) waiting.delete(element); };
    result.then(done, done);
  }
  return result;
}

const overrides = {
  setPlotConfig(config) {
    plotConfig = { ...(plotConfig || {}), ...config };
    if (gl3d) gl3d.setPlotConfig(config);
    return cartesian.setPlotConfig(config);
  },
};
for (const name of PLOT_CALLS) overrides[name] = (...args) => call(name, args);

const facade = new Proxy(cartesian || {}, {
  get(target, key) {
    return Object.hasOwn(overrides, key) ? overrides[key] : Reflect.get(target, key);
  },
});

if (cartesian) window.Plotly = facade;

/** The gl3d bundle, loaded once (to warm it up before 3-D is opened, e.g. when the pointer nears its tab). */
export function plotly3d() {
  return gl3d ? Promise.resolve(gl3d) : loadGl3d();
}
