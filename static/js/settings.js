// The side panel's run settings (start, steps, gradient mode and h, noise, seed, L1/L2, equal axes, markers, the
// cloud, a lane more) and the server's complaints about a field, shown beside the control they name.
import { onLanguage, t } from "./i18n.js";
import { dismiss, parseNumber, setFieldError, toast } from "./messages.js";
import { equalAxes } from "./state.js";

const $ = (id) => document.getElementById(id);

export class RunSettings {
  /** ``landKey(state)``: the key of the state's landscape (its default start is shown once it is loaded). */
  constructor({ store, results, catalogue, panel, lanes, landKey }) {
    Object.assign(this, { store, results, catalogue, panel, landKey, lanesRoot: lanes, globals: document.querySelector(".globals") });
    const startSpec = { min: -1e6, max: 1e6 };
    const currentStart = () => store.peek().start || this.landMeta(store.peek())?.default_start || [0, 0];
    this.numberField("start-x", startSpec, (v) => ({ start: [v, currentStart()[1]], view: { step: null } }));
    this.numberField("start-y", startSpec, (v) => ({ start: [currentStart()[0], v], view: { step: null } }));
    this.numberField("steps", { min: 0, max: catalogue.limits.max_steps, integer: true }, (v) => ({ steps: v }));
    this.numberField("noise", { min: 0, max: 1000 }, (v) => ({ gradient: { noise: v } }));
    this.numberField("seed", { min: 0, max: 2 ** 32 - 1, integer: true }, (v) => ({ gradient: { seed: v } }));
    this.numberField("grad-h", { min: 1e-12, max: 1 }, (v) => ({ gradient: { h: v } }));  // numerical gradients' step
    this.numberField("l1", { min: 0, max: 100 }, (v) => ({ surface_options: { l1: v, l2: store.peek().surface_options?.l2 || 0 } }));
    this.numberField("l2", { min: 0, max: 100 }, (v) => ({ surface_options: { l1: store.peek().surface_options?.l1 || 0, l2: v } }));
    const on = (id, event, patch) => $(id).addEventListener(event, (e) => store.update(patch(e.target), "control"));
    on("grad-mode", "change", (el) => ({ gradient: { mode: el.value } }));
    on("cloud", "change", (el) => ({ view: { cloud: el.checked } }));
    on("equal", "change", (el) => ({ view: { equal: el.checked } }));
    on("all-markers", "change", (el) => ({ view: { markers: el.checked ? "all" : "near" } }));
    on("arrows", "change", (el) => ({ view: { arrows: el.checked } }));
    $("add-lane").addEventListener("click", () => panel.addLane());
    store.subscribe((next, prev) => {
      if (next.surface !== prev.surface) {  // the penalties' old marks go with their surface
        for (const id of ["l1", "l2"]) { const input = $(id); input.dataset.typed = ""; setFieldError(input, null); }
      }
      this.sync(next);
    });
    results.subscribe((value, prev, patch) => {
      if ("land" in patch) this.sync(store.peek()); // the start boxes show this landscape's default start
      if ("runError" in patch) (patch.runError ? this.showRunError(patch.runError) : this.clearRunErrors());
    });
    onLanguage(() => this.sync(store.peek()));
    this.sync(store.peek());
  }

  landMeta(state) {
    const land = this.results.get().land;
    return land && land.key === this.landKey(state) ? land.meta : this.catalogue.surface(state.surface);
  }

  /** A typed number field: a bad value is marked beside it and nothing is sent; a good one becomes a patch. */
  numberField(id, spec, toPatch) {
    const input = $(id);
    const check = () => {
      const r = parseNumber(input.value, spec);
      input.dataset.typed = r.reason ? "bad" : "";
      setFieldError(input, r.reason || null);
      return r;
    };
    input.addEventListener("change", () => { const r = check(); if (!r.reason) this.store.update(toPatch(r.value), "control"); });
    input.addEventListener("input", check);
  }

  /** The controls show the state (a field being typed in, or marked bad, is left alone). */
  sync(state) {
    const [x, y] = state.start || this.landMeta(state)?.default_start || [0, 0];
    const put = (id, v) => {
      const input = $(id);
      if (document.activeElement === input || input.dataset.typed === "bad") return;
      input.value = v;
    };
    put("start-x", +(+x).toPrecision(6));
    put("start-y", +(+y).toPrecision(6));
    put("steps", state.steps);
    put("noise", state.gradient.noise);
    put("seed", state.gradient.seed);
    put("l1", state.surface_options?.l1 || 0);
    put("l2", state.surface_options?.l2 || 0);
    $("grad-mode").value = state.gradient.mode;
    put("grad-h", state.gradient.h ?? 1e-5);  // the API's default h
    $("h-box").hidden = state.gradient.mode !== "numerical";
    $("arrows").checked = !!state.view.arrows;
    $("equal").checked = equalAxes(state, this.catalogue.surface(state.surface));
    $("all-markers").checked = state.view.markers === "all";
    $("cloud").checked = !!state.view.cloud;
    $("penalties").hidden = !this.catalogue.hasDataset(state.surface);
    const mode = state.view.mode;
    $("equal-box").hidden = mode !== "overlay" && mode !== "side";
    $("markers-box").hidden = ["basins", "sweep", "3d"].includes(mode);
  }

  /** A server error, shown beside the control it names (or as a toast naming the field). */
  showRunError(detail) {
    const items = Array.isArray(detail) ? detail : [{ msg: String(detail) }];
    for (const d of items) {
      const loc = (d.loc || []).filter((p) => p !== "body");
      if (loc[0] === "optimizers" && loc[2] === "rule" && this.panel.ruleRefused(loc[1], d)) continue;  // in its editor
      const control = this.controlFor(loc);
      const msg = typeof d.msg === "string" ? d.msg : JSON.stringify(d);
      if (control) setFieldError(control, msg);
      else toast(t("error_field", { field: loc.join(".") || "request", msg }), { id: "run", error: true });
    }
  }

  controlFor(loc) {
    const [a, b, c, d] = loc;
    if (a === "optimizers" && Number.isInteger(b)) {
      const card = this.lanesRoot.querySelector(`[data-lane="${b}"]`);
      if (c === "params" && d) return card?.querySelector(`input[type=text][data-param="${CSS.escape(String(d))}"]`) || card?.querySelector(`[data-param="${CSS.escape(String(d))}"]`);
      if (c === "batch_size") return card?.querySelector('[data-param="batch_size"]');
      return null;
    }
    const ids = { steps: "steps", start: "start-x", formula: "formula" };
    if (a === "gradient") return $({ noise: "noise", seed: "seed", h: "grad-h" }[b]);
    if (a === "surface_options") return $(b);
    return ids[a] ? $(ids[a]) : null;
  }

  /** A run that started: the server's marks go (marks of what the user typed stay until it is typed again). */
  clearRunErrors() {
    for (const node of [...this.lanesRoot.querySelectorAll("[aria-invalid=true]"), ...this.globals.querySelectorAll("[aria-invalid=true]")]) {
      if (node.dataset.typed !== "bad") setFieldError(node, null);
    }
    dismiss("run");
  }
}
