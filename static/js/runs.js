// The run client: the only code that asks the server for runs. From the store's state it builds the one request
// body (sanitised: nothing a surface does not take), asks for the optional fields the mounted views need, keeps
// what is wanted, sent, in flight and complete, and publishes each result (results.runs) as it streams in.
//
// Speed (benchmarks/page.py): one request in flight; the newest input goes when it returns, or replaces it after
// REPLACE_AFTER; a change to some lanes asks the stream for those lanes only ("lanes") and keeps the others' arrays;
// compact frames (float32 paths, only the fields drawn) unless the inspector needs exact ones; a short stream is
// published once, at its end, a long one also as it grows.
import { postJSON, RunStream } from "./api.js";
import { CLOUD_SIZE, maxLanes, stochastic } from "./state.js";

const STREAM_DRAW_DELAY = 90; // ms: streams that end sooner are drawn once
const REPLACE_AFTER = 1500; // ms: a request in flight longer than this is replaced at once; a quicker one is waited for
// (replacing sooner starves every request of a drag on a slow machine)
const BASE_FIELDS = ["points", "losses", "lrs"];
// The optional fields of a run come in the stream's frames (API.md, one frame shape): compact ones (float32 paths)
// carry those asked for; the optimizer's state and each step's explanation come in whole frames, float64 (the
// inspector shows them to five digits of a step that may be small beside its point). Some are asked for by name.
const COMPACT = ["points", "losses", "lrs", "gradients", "proposals", "accepted", "averaged", "evaluations", "evaluation_points"];
const INCLUDE = { state: "state", terms: "terms", quantities: "terms" };

/** The POST /api/runs body for a state: everything but the view options, and nothing the surface does not take
 *  (a batch size, an objective or penalties on a surface without a data set; a formula or a domain on a named
 *  surface). With the cloud on, each stochastic lane is followed (after all lanes) by copies that draw other seeds. */
export function requestBody(state, catalogue) {
  const dataset = catalogue.hasDataset(state.surface);
  const toLane = (o) => {
    const lane = { optimizer: o.optimizer, params: o.params };
    for (const key of ["rule", "label", "schedule", "switch", "gradient"]) if (o[key]) lane[key] = o[key];
    const labels = o.label && catalogue.lessonLabels(o.label);  // a lesson's label: the server fills it in each language
    if (labels) lane.labels = labels;
    if (dataset) for (const key of ["batch_size", "objective", "surface_options"]) if (o[key]) lane[key] = o[key];
    return lane;
  };
  const optimizers = state.optimizers.map(toLane);
  if (state.view.cloud) {
    const noisy = state.optimizers.filter((o) => stochastic(state, o));
    const copies = noisy.length ? Math.min(CLOUD_SIZE - 1, Math.floor((maxLanes() - optimizers.length) / noisy.length)) : 0;
    for (const o of noisy) for (let k = 0; k < copies; k++) optimizers.push({ ...toLane(o), label: `cloud:${state.optimizers.indexOf(o)}` });
  }
  const gradient = { ...state.gradient };
  if (!dataset) delete gradient.batch_size;
  const body = { surface: state.surface, steps: state.steps, gradient, optimizers };
  if (state.start) body.start = state.start;
  if (state.surface === "custom") {
    if (state.formula) body.formula = state.formula;
    if (state.domain) body.domain = state.domain;
  } else if (dataset && state.surface_options && (state.surface_options.l1 || state.surface_options.l2)) {
    body.surface_options = state.surface_options;
  }
  return body;
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

/** A chunk's part of one run appended to the lane: lists grow, per-name lists ({name: [...]}, the state) grow per
 *  name (a name first seen later is null before). ``steps``: the steps the lane had before this chunk. */
function append(lane, part) {
  const steps = lane.lrs.length;
  for (const [k, v] of Object.entries(part)) {
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) {
      const into = (lane[k] ||= []);
      for (const x of v) into.push(x);
    } else if (typeof v === "object") {
      const into = (lane[k] ||= {});
      for (const [name, values] of Object.entries(v)) {
        const list = (into[name] ||= new Array(steps).fill(null));
        for (const x of values) list.push(x);
      }
    }
  }
}

export class RunClient {
  /** ``results``: where each result is published (``runs``, ``runError``, ``connected``). */
  constructor({ store, results, catalogue }) {
    Object.assign(this, { store, results, catalogue });
    this.needs = new Map();  // who -> (state) => the optional fields it draws
    this.wanted = null;  // {key, sendKey, body, fields}: the newest state's request
    this.sentKey = null;  // the sendKey of the last request sent
    this.inflight = null;  // {at, key, body, base}
    this.pending = null;  // the result streaming in
    this.complete = null;  // {body, lanes} of the last whole result (a later request may keep lanes of it)
    this.shown = [];  // the lanes last published
    this.down = false;
    store.subscribe(() => this.want());
    this.stream = new RunStream((frame) => this.onFrame(frame), (up) => this.onConnection(up));
  }

  /** ``fields(state)``: the optional fields of a run that ``who`` draws for that state ("gradients", "state",
   *  "averaged", "proposals", ...). Asked for from the next request on. */
  need(who, fields) {
    this.needs.set(who, fields);
    this.want();
  }

  fieldsFor(state) {
    const out = new Set(BASE_FIELDS);
    for (const fn of this.needs.values()) for (const f of fn(state) || []) out.add(f);
    return [...out].sort();
  }

  /** The request the store's state needs; sent at once, or when the one in flight ends. */
  want() {
    const state = this.store.peek();
    if (!this.catalogue.surface(state.surface) && state.surface !== "custom") return;
    const body = requestBody(state, this.catalogue);
    const key = JSON.stringify(body);
    const fields = this.fieldsFor(state);
    const sendKey = `${key}|${fields.join()}`;
    if (sendKey === this.wanted?.sendKey) return;
    const include = [...new Set(fields.filter((f) => f in INCLUDE).map((f) => INCLUDE[f]))];
    const compact = fields.every((f) => COMPACT.includes(f));
    const sent = { ...body, ...(include.length ? { include } : {}), ...(compact ? { compact: { float32: true, fields } } : {}) };
    this.wanted = { key, sendKey, body: sent, fields };
    this.pump();
  }

  /** The key of a state's request: the same key means the same runs (whatever optional fields they carry). */
  keyOf(state) { return JSON.stringify(requestBody(state, this.catalogue)); }

  pump() {
    const wanted = this.wanted;
    if (!wanted || wanted.sendKey === this.sentKey) return;
    if (this.inflight && performance.now() - this.inflight.at < REPLACE_AFTER) return;  // sent when the one in flight ends
    this.sentKey = wanted.sendKey;
    const lanes = changedLanes(wanted.body, this.complete);
    this.inflight = { at: performance.now(), key: wanted.key, body: wanted.body, fields: wanted.fields, base: lanes ? this.complete : null };
    this.stream.send(lanes ? { ...wanted.body, lanes } : wanted.body);
    clearTimeout(this.replaceTimer);
    this.replaceTimer = setTimeout(() => this.pump(), REPLACE_AFTER + 5);
  }

  finished() {
    this.inflight = null;
    clearTimeout(this.replaceTimer);
    this.pump();
  }

  onConnection(up) {
    this.results.set({ connected: up });
    if (!up) {
      this.down = true;
      this.inflight = null;
      return;
    }
    if (this.down) {  // the server may have restarted: everything not yet on screen is asked for again
      this.down = false;
      this.sentKey = null;
      this.want();
      this.pump();
    }
  }

  onFrame(frame) {
    if (frame.type === "error") {
      this.pending = null;
      this.publish(this.shown, false);
      this.results.set({ runError: frame.detail });
      this.finished();
      return;
    }
    if (frame.type === "start") this.onStart(frame);
    else if (frame.type === "chunk" && this.pending) {
      const lanes = this.pending.lanes;
      frame.runs.forEach((part, k) => append(lanes[frame.lanes ? frame.lanes[k] : k], part));
      // a short stream is drawn once, at its end; a long one also as it grows (the paths animate in)
      if (performance.now() - this.pending.at > STREAM_DRAW_DELAY) this.adopt(this.pending, false);
    } else if (frame.type === "end" && this.pending) {
      const result = this.pending;
      frame.runs.forEach((r, k) => Object.assign(result.lanes[frame.lanes ? frame.lanes[k] : k], r));
      this.complete = { body: result.body, lanes: result.lanes };  // the next request may keep lanes of it
      const ended = performance.now();
      // (benchmarks/page.py: a request's time, send to end frame; only the newest is kept)
      performance.clearMeasures("slopes:request");
      performance.measure("slopes:request", { start: result.at, end: ended });
      this.adopt(result, true);
      this.finished();
    }
  }

  onStart(frame) {
    const own = this.store.peek().optimizers.length;
    const fresh = (r, i) => ({ ...r, cloudOf: i < own ? null : Number(String(r.label).split(":")[1]), points: [], losses: [], lrs: [],
      status: null });
    // a part of the request (frame.lanes): the other lanes are the last complete result's, their arrays kept
    const base = frame.lanes && this.inflight?.base;
    if (frame.lanes && !base) {  // a part whose other lanes are not known here (a request sent before a reconnect): ask for all
      this.complete = null;
      this.sentKey = null;
      this.inflight = null;
      this.pump();
      return;
    }
    const lanes = base ? base.lanes.map((l) => ({ ...l })) : new Array(frame.runs.length);
    frame.runs.forEach((r, k) => { const i = frame.lanes ? frame.lanes[k] : k; lanes[i] = fresh(r, i); });
    this.pending = { key: this.inflight?.key, body: this.inflight?.body, fields: this.inflight?.fields || [], at: this.inflight?.at ?? performance.now(), lanes };
    this.results.set({ runError: null });
  }

  /** A result becomes what the views draw. Paths that did not change keep their arrays (the views restyle only the others). */
  adopt(result, done) {
    // chunks grow a streamed path in place, and the views redraw a path only when its array is another one: at the end
    // each path gets a new array, or a long stream drawn while it grew stays cut where it was first drawn
    if (done) for (const lane of result.lanes) lane.points = lane.points.slice();
    const previous = new Map(this.shown.map((l) => [l.reuseKey, l]));
    const body = JSON.parse(result.key || "{}");
    // (a path of the same run at another precision is another path: float32 paths are not reused for float64 ones)
    const common = JSON.stringify([body.surface, body.start, body.steps, body.gradient, body.formula, body.domain, body.surface_options,
      !!result.body?.compact?.float32]);
    const lanes = result.lanes.filter((l) => l.cloudOf === null).map((lane, i) => {
      lane.reuseKey = `${common}|${JSON.stringify(body.optimizers?.[i])}`;
      const old = previous.get(lane.reuseKey);
      if (!old || !old.status) return lane;
      if (!done) return old;  // still streaming: show the finished one
      if (old.points.length === lane.points.length && old.status === lane.status) lane.points = old.points;  // same path: no redraw
      return lane;
    });
    this.publish(lanes, !done, { key: done ? result.key : null, request: body, fields: result.fields,
      cloud: result.lanes.filter((l) => l.cloudOf !== null) });
  }

  publish(lanes, running, extra = {}) {
    this.shown = lanes;
    const prev = this.results.get().runs || {};
    this.results.set({ runs: { ...prev, lanes, running, ...extra } });
  }

  /** The exact float64 runs of a state (POST /api/runs), for the JSON download. */
  exact(state) { return postJSON("/api/runs", requestBody(state, this.catalogue)); }
}
