// The test landscape, drawn faintly over the trajectories: on a surface with a test_shift (flat_sharp), the
// same function moved by [dx, dy], as dashed contour lines, when the state says view.test_contour.
// Like the inspector, it uses only the page's public interface (window.slopes.state(), slopes:drawn) and the
// trajectory plot's element (#plot-main); its trace is named "test landscape" and re-added after each redraw.
const NAME = "test-landscape";
const LABEL = { en: "test landscape (shifted)", ko: "테스트 지형 (이동됨)" };
const grids = new Map(); // surface id -> Promise of {x, y, z} of the test landscape

function testGrid(surface) {
  if (!grids.has(surface.id)) {
    const [dx, dy] = surface.test_shift;
    const { x, y } = surface.domain;
    // the test landscape at (x, y) is f(x - dx, y - dy): the surface's grid over the domain moved back by the shift
    const q = new URLSearchParams({ n: "120", x0: x[0] - dx, x1: x[1] - dx, y0: y[0] - dy, y1: y[1] - dy });
    grids.set(surface.id, fetch(`/api/surfaces/${encodeURIComponent(surface.id)}/grid?${q}`)
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((g) => ({ x: g.x.map((v) => v + dx), y: g.y.map((v) => v + dy), z: g.z })));
  }
  return grids.get(surface.id);
}

const surfaces = new Map();
function surfaceMeta(id) {
  if (!surfaces.has(id)) {
    surfaces.set(id, fetch(`/api/surfaces/${encodeURIComponent(id)}`).then((r) => (r.ok ? r.json() : null)).catch(() => null));
  }
  return surfaces.get(id);
}

async function sync() {
  const plot = document.getElementById("plot-main");
  const state = window.slopes?.state?.();
  if (!plot || !state || typeof Plotly === "undefined" || !plot.data) return;
  const index = plot.data.findIndex((t) => t.meta === NAME);
  const meta = state.view?.test_contour && state.surface !== "custom" ? await surfaceMeta(state.surface) : null;
  if (!meta || !Array.isArray(meta.test_shift)) {
    if (index >= 0) await Plotly.deleteTraces(plot, index);
    return;
  }
  if (index >= 0) return; // still drawn
  let grid;
  try {
    grid = await testGrid(meta);
  } catch {
    return;
  }
  if (plot.data.some((t) => t.meta === NAME)) return;
  const lang = state.view?.lang || document.documentElement.lang || "en";
  await Plotly.addTraces(plot, {
    type: "contour", meta: NAME, name: LABEL[lang] || LABEL.en, x: grid.x, y: grid.y, z: grid.z,
    contours: { coloring: "none", showlabels: false }, ncontours: 24, showscale: false, hoverinfo: "skip",
    line: { color: "rgba(120, 40, 140, 0.55)", width: 1.2, dash: "dot" }, showlegend: false,
  });
}

function start() {
  if (!window.slopes?.state) { setTimeout(start, 100); return; }
  window.addEventListener("slopes:drawn", () => { sync(); });
  sync();
}

if (typeof window !== "undefined" && typeof document !== "undefined") {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}
