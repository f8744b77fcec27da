// The view's state: a run request (the POST /api/runs body) plus view options, kept in ?state=.
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B", "#7F7F7F"];
export const DASHES = ["solid", "dash", "dot"];

export function defaultState() {
  return {
    surface: "rosenbrock",
    start: null,
    steps: 500,
    gradient: { mode: "analytic", noise: 0, seed: 0 },
    optimizers: [
      { optimizer: "gd", params: { lr: 0.001 } },
      { optimizer: "momentum", params: { lr: 0.001, momentum: 0.9 } },
      { optimizer: "rmsprop", params: { lr: 0.01 } },
      { optimizer: "adam", params: { lr: 0.05 } },
    ],
    view: { mode: "overlay", arrows: false, step: null, theme: null, lang: null, colors: [], sweep: "lr" },
  };
}

export function laneStyle(state, i) {
  const colors = state.view.colors || [];
  const color = colors[i] || PALETTE[i % PALETTE.length];
  return { color, dash: DASHES[Math.floor(i / PALETTE.length) % DASHES.length] };
}

export function nextColor(state) {
  const used = new Set(state.optimizers.map((_, i) => laneStyle(state, i).color));
  return PALETTE.find((c) => !used.has(c)) || PALETTE[state.optimizers.length % PALETTE.length];
}

export const MAX_LANES = 32;
export const CLOUD_SIZE = 8;

/** Lanes whose path depends on the seed: gradient noise, mini-batches, random searches. */
export function stochastic(state, lane) {
  return state.gradient.noise > 0 || lane.batch_size || state.gradient.batch_size || lane.optimizer.startsWith("random");
}

/** The POST /api/runs body for a state: everything but the view options. With the cloud on, each
 *  stochastic lane is followed (after all lanes) by copies that draw other seeds (each run has its own stream). */
export function runRequest(state) {
  const toLane = (o) => {
    const lane = { optimizer: o.optimizer, params: o.params };
    for (const key of ["label", "schedule", "switch", "batch_size", "gradient", "objective", "surface_options"]) if (o[key]) lane[key] = o[key];
    return lane;
  };
  const optimizers = state.optimizers.map(toLane);
  if (state.view.cloud) {
    const noisy = state.optimizers.filter((o) => stochastic(state, o));
    const copies = noisy.length ? Math.min(CLOUD_SIZE - 1, Math.floor((MAX_LANES - optimizers.length) / noisy.length)) : 0;
    for (const o of noisy) for (let k = 0; k < copies; k++) optimizers.push({ ...toLane(o), label: `cloud:${state.optimizers.indexOf(o)}` });
  }
  const body = { surface: state.surface, steps: state.steps, gradient: state.gradient, optimizers };
  if (state.start) body.start = state.start;
  for (const key of ["formula", "domain", "surface_options"]) if (state[key]) body[key] = state[key];
  return body;
}

export function encodeState(state) {
  const bytes = new TextEncoder().encode(JSON.stringify(state));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeState(text) {
  try {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const binary = atob(b64 + "===".slice((b64.length + 3) % 4));
    const parsed = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    const state = { ...defaultState(), ...parsed };
    state.view = { ...defaultState().view, ...(parsed.view || {}) };
    state.gradient = { ...defaultState().gradient, ...(parsed.gradient || {}) };
    if (!Array.isArray(state.optimizers) || !state.optimizers.length) state.optimizers = defaultState().optimizers;
    return state;
  } catch {
    return null;
  }
}

export function stateFromLocation(location = window.location) {
  const params = new URLSearchParams(location.search);
  const state = (params.get("state") && decodeState(params.get("state"))) || defaultState();
  if (params.get("lang")) state.view.lang = params.get("lang");
  return state;
}

export function writeLocation(state) {
  const url = new URL(window.location.href);
  url.searchParams.set("state", encodeState(state));
  url.searchParams.delete("lang");
  window.history.replaceState(null, "", url);
}
