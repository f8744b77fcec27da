// The side panel: one card per lane (optimizer, label, a control per hyperparameter, schedule, switch).
import { t, tOr } from "./i18n.js";
import { laneStyle, nextColor } from "./state.js";

const SCHEDULE_FIELDS = {
  constant: {},
  step: { step_size: 100, gamma: 0.5 },
  exponential: { gamma: 0.99 },
  cosine: { T_max: 500, eta_min: 0 },
  inverse_time: { decay: 0.01 },
};

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k === "style") node.style.cssText = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

export function defaultsFor(meta) {
  const params = {};
  for (const p of meta.params) params[p.name] = Array.isArray(p.default) ? [...p.default] : p.default;
  return params;
}

function fmt(v) {
  if (typeof v !== "number") return v === null || v === undefined ? "" : String(v);  // nullable defaults (LBFGS)
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : String(+v.toPrecision(4));
}

/** A slider and a number box bound to one number; log-scaled sliders move in log10 units. */
function numberControl(name, spec, value, onInput) {
  const [lo, hi] = spec.slider || [spec.min ?? 0, spec.max ?? 1];
  const log = spec.scale === "log" && lo > 0;
  const toSlider = (v) => (log ? Math.log10(Math.max(v, lo)) : v);
  const fromSlider = (s) => (log ? +Math.pow(10, s).toPrecision(3) : +(+s).toPrecision(6));
  const range = el("input", { type: "range", min: toSlider(lo), max: toSlider(hi), step: log ? 0.01 : (hi - lo) / 500,
    value: toSlider(value), "aria-label": name, "data-param": name });
  const box = el("input", { type: "number", step: "any", value: fmt(value), "aria-label": `${name} value` });
  range.addEventListener("input", () => {
    const v = fromSlider(range.value);
    box.value = fmt(v);
    onInput(v);
  });
  box.addEventListener("change", () => {
    const v = Number(box.value);
    if (!Number.isFinite(v)) return;
    range.value = toSlider(v);
    onInput(v);
  });
  return el("div", { class: "param" }, el("label", { title: spec.description }, name), range, box);
}

export class LanePanel {
  constructor(root, { optimizers, getState, getSurface = () => null, onChange }) {
    this.getSurface = getSurface;
    this.root = root;
    this.meta = Object.fromEntries(optimizers.map((o) => [o.id, o]));
    this.order = optimizers.map((o) => o.id);
    this.getState = getState;
    this.onChange = onChange; // (kind) with kind "params" (redraw) or "structure" (lanes added/removed)
  }

  render() {
    const state = this.getState();
    this.root.replaceChildren(...state.optimizers.map((lane, i) => this.card(lane, i, state)));
  }

  addLane(optimizer = "adam") {
    const state = this.getState();
    state.view.colors = state.optimizers.map((_, i) => laneStyle(state, i).color);
    state.view.colors.push(nextColor(state));
    state.optimizers.push({ optimizer, params: defaultsFor(this.meta[optimizer]) });
    this.changed("structure");
  }

  changed(kind) {
    if (kind === "structure") this.render();
    this.onChange(kind);
  }

  card(lane, i, state) {
    const meta = this.meta[lane.optimizer];
    const { color } = laneStyle(state, i);
    const select = el("select", { "aria-label": `optimizer ${i + 1}`, onchange: () => {
      lane.optimizer = select.value;
      lane.params = defaultsFor(this.meta[select.value]);
      delete lane.schedule;
      this.changed("structure");
    } }, ...this.order.map((id) => el("option", { value: id, selected: id === lane.optimizer },
      tOr(`opt_${id}_name`, this.meta[id].name))));
    const label = el("input", { class: "label", placeholder: t("label"), value: lane.label || "", maxlength: 120,
      onchange: () => { lane.label = label.value.trim() || undefined; this.onChange("params"); } });
    const head = el("div", { class: "lane-head" }, select, label,
      el("button", { class: "icon", title: t("duplicate"), "aria-label": t("duplicate"), onclick: () => {
        const copy = structuredClone(lane);
        delete copy.label;
        state.view.colors = state.optimizers.map((_, k) => laneStyle(state, k).color);
        state.optimizers.splice(i + 1, 0, copy);
        state.view.colors.splice(i + 1, 0, nextColor(state));
        this.changed("structure");
      } }, "⊕"),
      el("button", { class: "icon", title: t("remove"), "aria-label": t("remove"), disabled: state.optimizers.length <= 1,
        onclick: () => {
          state.view.colors = state.optimizers.map((_, k) => laneStyle(state, k).color);
          state.optimizers.splice(i, 1);
          state.view.colors.splice(i, 1);
          this.changed("structure");
        } }, "✕"));
    const card = el("div", { class: "lane", style: `--lane:${color}`, "data-lane": i }, head);
    card.title = tOr(`opt_${meta.id}_desc`, meta.description);
    for (const spec of meta.params) card.append(...this.paramControls(lane, spec));
    if (this.getSurface()?.dataset) card.append(this.batchControl(lane));
    card.append(this.extras(lane, i, meta));
    return card;
  }

  /** Data-set surfaces: full batch (BGD), 1 (SGD) or a mini-batch, for this lane. */
  batchControl(lane) {
    const n = this.getSurface().dataset.n;
    const sizes = [null, 1, 4, 8, 16].filter((k) => k === null || k < n);
    const select = el("select", { "aria-label": t("batch"), "data-param": "batch_size", onchange: () => {
      lane.batch_size = select.value ? Number(select.value) : undefined;
      this.onChange("params");
    } }, ...sizes.map((k) => el("option", { value: k ?? "", selected: (lane.batch_size ?? null) === k },
      k === null ? `${t("full_batch")} (${n})` : String(k))));
    return el("div", { class: "param" }, el("label", {}, t("batch")), select, el("span"));
  }

  paramControls(lane, spec) {
    const set = (v) => { lane.params[spec.name] = v; this.onChange("params"); };
    const value = lane.params[spec.name] ?? spec.default;
    if (spec.scale === "bool") {
      const box = el("input", { type: "checkbox", checked: !!value, "data-param": spec.name,
        onchange: () => set(box.checked) });
      return [el("div", { class: "param" }, el("label", { title: spec.description }, spec.name), el("span", {}, box),
        el("span"))];
    }
    if (spec.scale === "pair") {
      const pair = [...(value || spec.default)];
      const part = { ...spec, scale: "linear", slider: [0, 0.999] };
      return pair.map((v, k) => numberControl(`${spec.name}[${k}]`, part, v, (x) => {
        pair[k] = x;
        set([...pair]);
      }));
    }
    return [numberControl(spec.name, spec, value, set)];
  }

  extras(lane, i, meta) {
    const hasLr = meta.params.some((p) => p.name === "lr");
    const box = el("details", { class: "extra", open: !!(lane.schedule || lane.switch) || undefined },
      el("summary", {}, t("more")));
    if (hasLr) {
      const sched = lane.schedule || { type: "constant" };
      const type = el("select", { "aria-label": t("schedule"), onchange: () => {
        lane.schedule = type.value === "constant" ? undefined : { type: type.value, ...SCHEDULE_FIELDS[type.value] };
        this.changed("structure");
      } }, ...Object.keys(SCHEDULE_FIELDS).map((k) => el("option", { value: k, selected: k === sched.type },
        t(`schedule_${k}`))));
      box.append(el("div", { class: "param" }, el("label", {}, t("schedule")), type, el("span")));
      for (const [name, def] of Object.entries(SCHEDULE_FIELDS[sched.type])) {
        const input = el("input", { type: "number", step: "any", value: sched[name] ?? def, onchange: () => {
          const v = Number(input.value);
          if (Number.isFinite(v)) { lane.schedule[name] = v; this.onChange("params"); }
        } });
        box.append(el("div", { class: "param" }, el("label", {}, name), input, el("span")));
      }
    }
    const sw = lane.switch;
    const enable = el("input", { type: "checkbox", checked: !!sw, onchange: () => {
      lane.switch = enable.checked ? { at_step: Math.round((this.getState().steps || 200) / 2), optimizer: "gd",
        params: { lr: 0.001 } } : undefined;
      this.changed("structure");
    } });
    box.append(el("div", { class: "param" }, el("label", {}, t("switch")), el("span", {}, enable), el("span")));
    if (sw) {
      const at = el("input", { type: "number", min: 0, step: 1, value: sw.at_step, onchange: () => {
        sw.at_step = Math.max(0, Math.round(Number(at.value) || 0)); this.onChange("params");
      } });
      const to = el("select", { onchange: () => {
        sw.optimizer = to.value;
        sw.params = { lr: defaultsFor(this.meta[to.value]).lr ?? undefined };
        if (sw.params.lr === undefined) delete sw.params.lr;
        this.changed("structure");
      } }, ...this.order.map((id) => el("option", { value: id, selected: id === sw.optimizer }, this.meta[id].name)));
      box.append(el("div", { class: "param" }, el("label", {}, t("switch_enable")), at, el("span")));
      box.append(el("div", { class: "param" }, el("label", {}, t("switch_to")), to, el("span")));
      const lrSpec = this.meta[sw.optimizer].params.find((p) => p.name === "lr");
      if (lrSpec) box.append(numberControl("lr", lrSpec, sw.params.lr ?? lrSpec.default, (v) => {
        sw.params.lr = v; this.onChange("params");
      }));
    }
    return box;
  }
}
