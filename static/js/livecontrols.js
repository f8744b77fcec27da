// Live controls in an embed: `/embed?...&controls=lr:0,momentum:0` shows those lane sliders only, under the
// figure, so a lecturer can drag a learning rate on a slide. Uses the store (the state and its patches, as a script
// would) and the catalogue (each parameter's range and scale, the optimizer's name).

const MAX_CONTROLS = 6;
const NAME = /^[a-z_][a-z0-9_]{0,40}$/;
const STEPS = 1000; // slider positions

/** "lr:0,momentum:0" -> [{param: "lr", lane: 0}, {param: "momentum", lane: 0}]; bad items are dropped. */
export function parseControls(text) {
  if (!text) return [];
  const out = [];
  for (const item of String(text).split(",").slice(0, MAX_CONTROLS * 2)) {
    const [param, laneText = "0"] = item.trim().split(":");
    const lane = Number(laneText);
    if (!NAME.test(param || "") || !Number.isInteger(lane) || lane < 0 || lane > 63) continue;
    if (!out.some((c) => c.param === param && c.lane === lane)) out.push({ param, lane });
  }
  return out.slice(0, MAX_CONTROLS);
}

/** A slider's mapping between positions 0..STEPS and values, from the parameter's metadata. */
export function scaleFor(meta) {
  const [lo, hi] = meta.slider || [meta.min, meta.max];
  if (meta.scale === "log" && lo > 0 && hi > lo) {
    const a = Math.log10(lo);
    const b = Math.log10(hi);
    return { toValue: (pos) => round(10 ** (a + (pos / STEPS) * (b - a))),
      toPos: (v) => Math.round(((Math.log10(Math.min(hi, Math.max(lo, v))) - a) / (b - a)) * STEPS) };
  }
  return { toValue: (pos) => round(lo + (pos / STEPS) * (hi - lo)),
    toPos: (v) => Math.round(((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * STEPS) };
}

function round(v) {
  return Number(v.toPrecision(3));
}

function format(v) {
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? String(v) : v.toExponential(1);
}

/**
 * Build the sliders in `container`. `store`: the page's store; `catalogue`: the server's catalogue; `groupLabel` names
 * the group for screen readers. Each slider carries data-lane and data-param like the page's own. Returns the number
 * of sliders shown.
 */
export function mountLiveControls(container, spec, store, catalogue, groupLabel = "live controls") {
  const controls = [];
  container.replaceChildren();
  for (const { param, lane } of spec) {
    const run = store.peek().optimizers[lane];
    const meta = run && catalogue.param(run.optimizer, param);
    if (!meta || !["log", "linear"].includes(meta.scale) || typeof meta.default !== "number") continue;
    const [lo, hi] = meta.slider || [meta.min, meta.max];
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) continue; // no finite range: no slider
    const scale = scaleFor(meta);
    const label = document.createElement("label");
    label.className = "live-control";
    const name = document.createElement("span");
    name.textContent = `${param} · ${run.label ? catalogue.laneLabel(run.label, run) : catalogue.optimizerName(run.optimizer)}`;
    const input = document.createElement("input");
    input.type = "range";
    input.min = "0";
    input.max = String(STEPS);
    input.step = "1";
    input.dataset.lane = String(lane);
    input.dataset.param = param;
    const output = document.createElement("output");
    label.append(name, input, output);
    container.append(label);
    const value = () => (store.peek().optimizers[lane] || {}).params?.[param] ?? meta.default;
    const sync = () => {
      const v = Number(value());
      input.value = String(scale.toPos(v));
      output.textContent = format(v);
      input.setAttribute("aria-valuetext", format(v));
    };
    let pending = null;
    input.addEventListener("input", () => {
      const v = scale.toValue(Number(input.value));
      output.textContent = format(v);
      input.setAttribute("aria-valuetext", format(v));
      pending = v;
      requestAnimationFrame(() => {
        if (pending === null) return;
        const next = pending;
        pending = null;
        const optimizers = store.get().optimizers.map((o, i) => (i === lane ? { ...o, params: { ...o.params, [param]: next } } : o));
        store.update({ optimizers }, "slider");
      });
    });
    sync();
    controls.push(sync);
  }
  store.subscribe((next, prev, source) => { if (source !== "slider") controls.forEach((sync) => sync()); });
  container.hidden = controls.length === 0;
  if (controls.length) {
    container.setAttribute("role", "group");
    container.setAttribute("aria-label", groupLabel);
  }
  return controls.length;
}
