// The view's state: a run request (the POST /api/runs body) plus view options, kept in ?state=.
// Everything that enters the state (the address, a control, a script, a parent frame) passes through
// sanitize(): known keys with the right types only, colours only #rrggbb; a bad field keeps its last valid value.
// The limits (lanes, steps, label length) and the schedule types are the server's (configure()).
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B", "#7F7F7F"];
export const DASHES = ["solid", "dash", "dot"];
export const VIEWS = ["overlay", "side", "3d", "basins", "sweep"];
export const MAP_VIEWS = ["basins", "sweep"];  // views of many runs (maps, sweeps): no paths drawn
export const CLOUD_SIZE = 8;
export const CUSTOM = "custom";  // the optimizer whose update rule the lane carries (rule: text)
const MAX_NOISE = 1000;  // the contract's bounds of gradient.noise (API.md)
const limits = { lanes: 32, steps: 20000, label: 120, rule: 4000 };  // rule: GET /api/rules limits.length
let SCHEDULES = ["constant"];

/** The server's limits (GET /api/limits) and schedule types (GET /api/schedules): what the state may hold. */
export function configure({ limits: l = {}, schedules = null } = {}) {
  if (Number.isInteger(l.max_optimizers)) limits.lanes = l.max_optimizers;
  if (Number.isInteger(l.max_steps)) limits.steps = l.max_steps;
  if (Number.isInteger(l.max_label)) limits.label = l.max_label;
  if (Array.isArray(schedules)) SCHEDULES = schedules;
}

export const maxLanes = () => limits.lanes;
export const maxSteps = () => limits.steps;

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
    view: defaultView(),
  };
}

function defaultView() {
  return { mode: "overlay", arrows: false, step: null, theme: null, lang: null, colors: [], sweep: "lr", cloud: false,
    tuned: false, lesson: null, equal: null, zoom: null, markers: "near", inspect: null, test_contour: false, present: false };
}

// --- checks: each returns the value when valid, else undefined ---------------------------------
const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const num = (v, lo = -Infinity, hi = Infinity) => (typeof v === "number" && Number.isFinite(v) && v >= lo && v <= hi ? v : undefined);
const int = (v, lo, hi) => (Number.isInteger(v) && v >= lo && v <= hi ? v : undefined);
const bool = (v) => (typeof v === "boolean" ? v : undefined);
const oneOf = (list) => (v) => (list.includes(v) ? v : undefined);
const ident = (v) => (typeof v === "string" && /^[A-Za-z_][A-Za-z0-9_]{0,40}$/.test(v) ? v : undefined);
// a lone surrogate ("\ud800" in a crafted address) is not text: the server refuses it, and the whole view with it
const wellFormed = (v) => (typeof v.isWellFormed === "function" ? v.isWellFormed() : !/[\uD800-\uDFFF]/u.test(v));
const text = (max) => (v) => (typeof v === "string" && v.length <= max && wellFormed(v) ? v : undefined);
export const isColour = (v) => typeof v === "string" && /^#[0-9a-fA-F]{6}$/.test(v);
const point = (v) => (Array.isArray(v) && v.length === 2 && v.every((c) => num(c, -1e12, 1e12) !== undefined) ? [...v] : undefined);
const range = (v) => (point(v) && v[0] < v[1] ? [...v] : undefined);
const box = (v) => (isObj(v) && range(v.x) && range(v.y) ? { x: [...v.x], y: [...v.y] } : undefined);

function paramValue(v) {
  if (v === null || typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v === "string") return /^[A-Za-z0-9_.\-]{0,40}$/.test(v) ? v : undefined;
  if (Array.isArray(v) && v.length <= 8 && v.every((x) => x === null || (typeof x === "number" && Number.isFinite(x)))) return [...v];  // null: an item torch takes as None (Adafactor eps[0])
  return undefined;
}

/** A hyperparameter object: known-looking names, plain values; ``check(name, value)`` may veto a value. */
function params(v, fallback = {}, check = () => true) {
  if (!isObj(v)) return undefined;
  const out = {};
  for (const [name, value] of Object.entries(v)) {
    if (!ident(name)) continue;
    const ok = paramValue(value);
    if (ok !== undefined && check(name, ok)) out[name] = ok;
    else if (name in fallback) out[name] = fallback[name];
  }
  return out;
}

function schedule(v) {
  if (!isObj(v) || !SCHEDULES.includes(v.type)) return undefined;
  const out = { type: v.type };
  for (const [k, x] of Object.entries(v)) if (k !== "type" && ident(k) && num(x) !== undefined) out[k] = x;
  return out;
}

/** The update rule of an optimizer "custom" (API.md, "Your own optimizer"): text the server parses; the page only
 *  carries it. Undefined for any other optimizer, or a rule that is not text within the limit. */
const ruleOf = (v) => (v.optimizer === CUSTOM && typeof v.rule === "string" && v.rule.trim() !== "" ? text(limits.rule)(v.rule) : undefined);

function lane(v, fallback, checkParam) {
  if (!isObj(v) || !ident(v.optimizer)) return undefined;
  const same = fallback && fallback.optimizer === v.optimizer ? fallback : null;
  const out = { optimizer: v.optimizer };
  if (v.optimizer === CUSTOM) {  // a lane of your own rule: its rule, else the last valid one, else no lane
    const rule = ruleOf(v) ?? same?.rule;
    if (rule === undefined) return undefined;
    out.rule = rule;
  }
  out.params = params(v.params ?? {}, same?.params, (name, value) => checkParam(v.optimizer, name, value)) ?? { ...(same?.params || {}) };
  if (v.label !== undefined && v.label !== null && v.label !== "") {
    const label = text(limits.label)(v.label);
    if (label !== undefined) out.label = label;
    else if (same?.label) out.label = same.label;
  }
  if (v.schedule) { const s = schedule(v.schedule); if (s) out.schedule = s; }
  if (isObj(v.switch) && ident(v.switch.optimizer) && int(v.switch.at_step, 0, limits.steps) !== undefined) {
    const rule = ruleOf(v.switch);
    if (v.switch.optimizer !== CUSTOM || rule !== undefined) {
      out.switch = { at_step: v.switch.at_step, optimizer: v.switch.optimizer, params: params(v.switch.params ?? {}) ?? {} };
      if (rule !== undefined) out.switch.rule = rule;
    }
  }
  if (v.batch_size !== undefined && v.batch_size !== null) {
    const b = int(v.batch_size, 1, 100000);
    if (b !== undefined) out.batch_size = b;
  }
  if (v.gradient !== undefined && v.gradient !== null) { const g = laneGradient(v.gradient); if (g) out.gradient = g; }
  if (v.objective !== undefined && v.objective !== null) { const o = ident(v.objective); if (o) out.objective = o; }
  if (v.surface_options !== undefined && v.surface_options !== null) {
    const o = penalties(v.surface_options);
    if (o) out.surface_options = o;
  }
  return out;
}

/** The step inspector's place: a lane and a step (0-based), or undefined. */
const inspectAt = (v) => (isObj(v) && int(v.lane, 0, limits.lanes - 1) !== undefined && int(v.step, 0, limits.steps) !== undefined
  ? { lane: v.lane, step: v.step } : undefined);

/** A lane's own gradient settings: any of mode, h, noise, seed. */
function laneGradient(v) {
  if (!isObj(v)) return undefined;
  const out = {};
  if (v.mode !== undefined) { const m = oneOf(["analytic", "numerical"])(v.mode); if (m === undefined) return undefined; out.mode = m; }
  if (v.h !== undefined) { const h = num(v.h, 1e-12, 1); if (h === undefined) return undefined; out.h = h; }
  if (v.noise !== undefined) { const n = num(v.noise, 0, MAX_NOISE); if (n === undefined) return undefined; out.noise = n; }
  if (v.seed !== undefined) { const s = int(v.seed, 0, 2 ** 32 - 1); if (s === undefined) return undefined; out.seed = s; }
  return out;
}

function penalties(v) {
  if (!isObj(v)) return undefined;
  const l1 = num(v.l1 ?? 0, 0, 100), l2 = num(v.l2 ?? 0, 0, 100);
  return l1 === undefined || l2 === undefined ? undefined : { l1, l2 };
}

function field(value, check, fallback) {
  const ok = check(value);
  return ok === undefined ? fallback : ok;
}

/**
 * A valid state from ``raw``: unknown keys dropped, every known key checked; a field that fails its check takes
 * its value from ``fallback`` (the last valid state, or the defaults). ``checkParam(optimizer, name, value)``
 * lets the page veto hyperparameter values the optimizer's own bounds reject.
 */
export function sanitize(raw, fallback = defaultState(), checkParam = () => true) {
  const r = isObj(raw) ? raw : {};
  const f = fallback;
  const out = {
    surface: field(r.surface, (v) => (typeof v === "string" && /^[a-z0-9_]{1,40}$/.test(v) ? v : undefined), f.surface),
    start: r.start === null ? null : field(r.start, point, f.start),
    steps: field(r.steps, (v) => int(v, 0, limits.steps), f.steps),
  };
  const g = isObj(r.gradient) ? r.gradient : {};
  const fg = f.gradient || {};
  out.gradient = {
    mode: field(g.mode, oneOf(["analytic", "numerical"]), fg.mode ?? "analytic"),
    noise: field(g.noise, (v) => num(v, 0, MAX_NOISE), fg.noise ?? 0),
    seed: field(g.seed, (v) => int(v, 0, 2 ** 32 - 1), fg.seed ?? 0),
  };
  // optional fields: absent (or null) is their default; an invalid value keeps the last valid one
  const h = g.h === undefined || g.h === null ? undefined : field(g.h, (v) => num(v, 1e-12, 1), fg.h);
  if (h !== undefined) out.gradient.h = h;
  const batch = g.batch_size === undefined || g.batch_size === null ? undefined
    : field(g.batch_size, (v) => int(v, 1, 100000), fg.batch_size);
  if (batch) out.gradient.batch_size = batch;
  if (Array.isArray(r.optimizers) && r.optimizers.length >= 1 && r.optimizers.length <= limits.lanes) {
    const lanes = r.optimizers.map((v, i) => lane(v, f.optimizers?.[i], checkParam));
    out.optimizers = lanes.every(Boolean) ? lanes : structuredClone(f.optimizers);
  } else out.optimizers = structuredClone(f.optimizers);
  if (r.formula !== undefined && r.formula !== null) {
    const formula = field(r.formula, (v) => (typeof v === "string" && v.length >= 1 && v.length <= 400 ? v : undefined), f.formula);
    if (formula !== undefined) out.formula = formula;
  }
  if (r.domain !== undefined && r.domain !== null) {
    const d = field(r.domain, box, f.domain);
    if (d) out.domain = d;
  }
  if (r.surface_options !== undefined && r.surface_options !== null) {
    const o = r.surface_options;
    const fo = f.surface_options || { l1: 0, l2: 0 };
    if (isObj(o)) out.surface_options = { l1: field(o.l1 ?? 0, (v) => num(v, 0, 100), fo.l1 ?? 0), l2: field(o.l2 ?? 0, (v) => num(v, 0, 100), fo.l2 ?? 0) };
  }
  const v = isObj(r.view) ? r.view : {};
  const fv = { ...defaultView(), ...(f.view || {}) };
  out.view = {
    mode: field(v.mode, oneOf(VIEWS), fv.mode),
    arrows: field(v.arrows, bool, fv.arrows),
    step: v.step === null ? null : field(v.step, (x) => int(x, 0, limits.steps), fv.step),
    theme: v.theme === null ? null : field(v.theme, oneOf(["light", "dark"]), fv.theme),
    lang: v.lang === null ? null : field(v.lang, oneOf(["en", "ko"]), fv.lang),
    colors: Array.isArray(v.colors) && v.colors.length <= limits.lanes && v.colors.every(isColour) ? [...v.colors] : [...fv.colors],
    sweep: field(v.sweep, oneOf(["lr", "lr_momentum"]), fv.sweep),
    cloud: field(v.cloud, bool, fv.cloud),
    tuned: field(v.tuned, bool, fv.tuned),
    lesson: v.lesson === null ? null : field(v.lesson, ident, fv.lesson),
    equal: v.equal === null ? null : field(v.equal, bool, fv.equal ?? null),  // null: as the surface says (equalAxes)
    zoom: v.zoom === null ? null : field(v.zoom, box, fv.zoom),
    markers: field(v.markers, oneOf(["near", "all"]), fv.markers),
    inspect: v.inspect === null ? null : field(v.inspect, inspectAt, fv.inspect ?? null),
    test_contour: field(v.test_contour, bool, fv.test_contour ?? false),
    present: field(v.present, bool, fv.present ?? false),
  };
  // a caption of one's own for the stills, videos and export (else the lesson's): kept only when given (null removes it)
  if (v.caption !== undefined && v.caption !== null) {
    const caption = field(v.caption, text(300), fv.caption);
    if (caption) out.view.caption = caption;
  }
  return out;
}

/** Everything that defines the landscape (its grid, minima and domain): the key of every per-landscape cache. */
export function landscapeKey(state) {
  const o = state.surface_options || {};
  if (state.surface === "custom") return JSON.stringify(["custom", state.formula ?? null, state.domain ?? null]);
  return JSON.stringify([state.surface, o.l1 || 0, o.l2 || 0]);
}

export function laneStyle(state, i) {
  const colors = state.view.colors || [];
  const color = isColour(colors[i]) ? colors[i] : PALETTE[i % PALETTE.length];
  return { color, dash: DASHES[Math.floor(i / PALETTE.length) % DASHES.length] };
}

export function nextColor(state) {
  const used = new Set(state.optimizers.map((_, i) => laneStyle(state, i).color));
  return PALETTE.find((c) => !used.has(c)) || PALETTE[state.optimizers.length % PALETTE.length];
}

/** Lanes whose path depends on the seed: gradient noise, mini-batches, random searches. */
export function stochastic(state, lane) {
  return state.gradient.noise > 0 || lane.batch_size || state.gradient.batch_size || lane.optimizer.startsWith("random");
}

/** What a patch implies inside the state (the store's ``follow``): a new landscape starts at its default start,
 *  unzoomed, at the end of the runs (unless the same patch says otherwise). ``hasDataset(id)``: whether a surface has a
 *  data set. L1/L2 belong to the model whose loss they penalise: another surface starts without them (a lecturer's
 *  penalty on linear regression must not reappear, unseen, on logistic regression after a detour through Himmelblau). */
export function followChange(patch, before, hasDataset) {
  // clearing a custom surface's formula (a host's {formula: null}) leaves the custom surface for the default one
  if (patch.formula === null && before.surface === "custom" && !("surface" in patch)) patch = { ...patch, surface: null, domain: null };
  if (patch.surface !== undefined && patch.surface !== before.surface && !("surface_options" in patch)
    && before.surface_options) {
    patch = { ...patch, surface_options: null };
  }
  const touches = ["surface", "formula", "domain", "surface_options"].some((k) => k in patch);
  const landKey = (s) => landKeyOf(s, hasDataset);
  if (!touches || landKey({ ...before, ...patch }) === landKey(before)) return patch;
  const view = { ...(patch.view || {}) };
  if (!("zoom" in view)) view.zoom = null;
  if (!("equal" in view)) view.equal = null;  // a new landscape opens as its surface asks (equal axes or not)
  if (!("step" in view)) view.step = null;
  const out = { ...patch, view };
  if (!("start" in patch) && patch.surface !== undefined && (patch.surface ?? defaultState().surface) !== before.surface) out.start = null;
  return out;
}

export function encodeState(state) {
  const bytes = new TextEncoder().encode(JSON.stringify(state));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The JSON a ?state= carries, or null when it is not base64url JSON at all. */
export function decodeState(text) {
  try {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const binary = atob(b64 + "===".slice((b64.length + 3) % 4));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
  } catch {
    return null;
  }
}

/** The state the address asks for (sanitized against the defaults). */
export function stateFromLocation(location = window.location, checkParam = () => true) {
  const query = new URLSearchParams(location.search);
  const raw = (query.get("state") && decodeState(query.get("state"))) || {};
  const state = sanitize(raw, defaultState(), checkParam);
  if (query.get("lang")) state.view.lang = oneOf(["en", "ko"])(query.get("lang")) ?? state.view.lang;
  return state;
}

export function writeLocation(state) {
  const url = new URL(window.location.href);
  url.searchParams.set("state", encodeState(state));
  url.searchParams.delete("lang");
  window.history.replaceState(null, "", url);
}

/** A start picked at ``point`` (a click on a plot): inside the domain, to 5 significant digits. */
export function startAt(point, domain) {
  const clamp = (v, [lo, hi]) => Math.min(hi, Math.max(lo, v));
  return [+clamp(point[0], domain.x).toPrecision(5), +clamp(point[1], domain.y).toPrecision(5)];
}

/** Whether the state's axes are drawn to one scale: its own choice, else the surface's (the catalogue's "equal-axes" tag:
 *  a surface whose geometry is the point, a round bowl, a ravine, a diagonal). */
export function equalAxes(state, surface) {
  return state.view.equal ?? !!surface?.tags?.includes("equal-axes");
}

/** The key of a state's landscape: penalties count only on a surface with a data set (``hasDataset(id)``). */
export function landKeyOf(state, hasDataset) {
  return landscapeKey(hasDataset(state.surface) ? state : { ...state, surface_options: null });
}
