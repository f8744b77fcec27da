// The side panel: one card per lane (optimizer, label, a control per hyperparameter, schedule, switch), built from
// the server's catalogue (names, descriptions, parameter labels and specs, schedules). Controls change nothing
// themselves: each sends a patch to the store; a bad value is marked where it was typed, with its reason, and nothing
// is sent. A lane of your own rule (optimizer "custom") gets the rule's editor and a control per hyperparameter the
// server found in the rule.
import { el } from "./dom.js";
import { onLanguage, t } from "./i18n.js";
import { checkNumber, parseNumber, setFieldError } from "./messages.js";
import { RuleBook, ruleParams } from "./rulebook.js";
import { RuleEditor } from "./ruleeditor.js";
import { CUSTOM, laneStyle, nextColor } from "./state.js";

const FIRST_RULE = "p = p - lr*g";  // "Your own…" starts from gradient descent, at the lane's lr

export function defaultsFor(meta) {
  const params = {};
  for (const p of meta.params) params[p.name] = Array.isArray(p.default) ? [...p.default] : p.default;
  return params;
}

export function fmt(v) {
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : String(+v.toPrecision(4));
}

/** Why a value is not acceptable for a hyperparameter, or null. Every kind GET /api/optimizers describes: bool,
 *  choice (one of ``choices``, null among them), a number (int/linear/log, ``nullable``: null too), a pair/tuple of
 *  ``length`` numbers (``item_nullable[k]``: element k may be null). */
export function paramProblem(spec, value) {
  if (!spec) return null;
  if (spec.scale === "bool" || typeof spec.default === "boolean") return typeof value === "boolean" ? null : t("err_bool");
  if (spec.nullable && value === null) return null;
  if (spec.scale === "choice" || spec.choices) {
    const choices = spec.choices || [spec.default];
    return choices.includes(value) ? null : t("err_not_number", { text: String(value).slice(0, 24) });
  }
  if (spec.scale === "pair" || spec.scale === "tuple" || Array.isArray(spec.default)) {
    const n = spec.length || (Array.isArray(spec.default) ? spec.default.length : 2);
    if (!Array.isArray(value) || value.length !== n) return t("err_count", { n });
    for (let k = 0; k < n; k++) {
      if (value[k] === null && spec.item_nullable?.[k]) continue;
      const r = checkNumber(value[k], spec);
      if (r.reason) return r.reason;
    }
    return null;
  }
  if (typeof spec.default === "number" || spec.nullable || ["int", "linear", "log"].includes(spec.scale)) {
    return checkNumber(value, { ...spec, integer: spec.scale === "int" || spec.integer }).reason || null;
  }
  return null;
}

/** Whether a hyperparameter value is acceptable to the optimizer's spec (the store's check of every incoming
 *  state); an optimizer the catalogue does not know is left to the server. */
export function accepts(catalogue, optimizer, name, value) {
  if (!catalogue.optimizer(optimizer)) return true;
  const spec = catalogue.param(optimizer, name);
  return !!spec && paramProblem(spec, value) === null;
}

/** A slider and a number box bound to one number; log-scaled sliders move in log10 units. Both carry data-param.
 *  ``label``: their accessible name; ``text``: the visible label (within the name); ``title``: the tooltip.
 *  ``nullable``: the value may also be null (torch's None): the box is then empty (placeholder "None") and a
 *  "None" button sets it back; typing a number or moving the slider gives it a number again. An out-of-range
 *  value is marked where it was typed and never sent (the last valid value stays). */
function numberControl(name, spec, value, onValue, label = name, nullable = false, title = "", text = label) {
  const lo0 = spec.slider?.[0] ?? spec.min ?? 0, hi0 = spec.slider?.[1] ?? spec.max ?? Math.max(1, (spec.min ?? 0) * 10);
  const log = spec.scale === "log";
  const lo = log && !(lo0 > 0) ? Math.max(hi0 * 1e-6, 1e-8) : lo0;
  const hi = log ? Math.min(hi0, Math.max(lo * 1e7, 10)) : hi0;
  const toSlider = (v) => (v === null ? (log ? Math.log10(lo) : lo) : log ? Math.log10(Math.max(v, lo)) : v);
  const fromSlider = (s) => (log ? +Math.pow(10, s).toPrecision(3) : +(+s).toPrecision(6));
  const integer = spec.scale === "int" || spec.integer;
  const shown = (v) => (v === null || v === undefined ? "" : fmt(v));
  const range = el("input", { type: "range", min: toSlider(lo), max: toSlider(hi), step: integer ? 1 : log ? 0.01 : (hi - lo) / 500,
    value: toSlider(value ?? null), "aria-label": label, "data-param": name });
  const box = el("input", { type: "text", inputmode: "decimal", value: shown(value), "aria-label": `${label} ${t("value")}`,
    "data-param": name, spellcheck: "false", autocomplete: "off", placeholder: nullable ? "None" : undefined });
  range.addEventListener("input", () => {
    const v = integer ? Math.round(Number(range.value)) : fromSlider(range.value);
    box.value = fmt(v);
    box.dataset.typed = "";
    setFieldError(box, null);
    sent = before = v;
    onValue(v, "slider");
  });
  // Typing commits each valid value at once (the paths follow the keys), so "1e308" passes through "1e3" on its
  // way: when the text ends invalid, the value it had before this edit is restored, never a value half typed.
  let sent = value ?? null, before = sent;
  const send = (v) => { if (v !== sent) { sent = v; onValue(v, "control"); } };
  let settle = null;  // a valid value that stands a moment (or is confirmed by Enter / leaving the box) is the one kept
  box.addEventListener("focus", () => { before = sent; });
  const typed = (confirmed) => {
    const text = box.value.trim();
    if (nullable && (text === "" || /^(none|null)$/i.test(text))) {
      box.dataset.typed = "";
      clearTimeout(settle);
      setFieldError(box, null);
      send(null);
      if (confirmed) before = null;
      return;
    }
    const r = parseNumber(text, { ...spec, integer });
    box.dataset.typed = r.reason ? "bad" : "";  // a run's end clears server marks, never this one
    setFieldError(box, r.reason || null);
    clearTimeout(settle);
    if (r.reason) { send(before); return; }
    range.value = toSlider(r.value);
    send(r.value);
    if (confirmed) before = r.value; else settle = setTimeout(() => { if (!box.hasAttribute("aria-invalid")) before = sent; }, 700);
  };
  box.addEventListener("input", () => typed(false));
  box.addEventListener("change", () => typed(true));
  const row = el("div", { class: "param" }, el("label", { title: title || text }, text), range, box);
  if (nullable) {
    row.classList.add("nullable");
    row.append(el("button", { type: "button", class: "icon none", title: `${label} = None`, "aria-label": `${label} None`,
      onclick: () => { box.value = ""; box.dataset.typed = ""; setFieldError(box, null); sent = before = null; onValue(null, "control"); } }, "∅"));
  }
  return row;
}

/** A hyperparameter's accessible name: the server's label, and its name as a rule or the API writes it. */
const named = (label, name) => (label === name ? name : `${label} (${name})`);

export class LanePanel {
  constructor({ root, store, catalogue, rulebook = new RuleBook() }) {
    Object.assign(this, { root, store, catalogue, rulebook });
    this.drafts = new Map();  // lane -> {text, rule}: text typed in its editor that is not (yet) a valid rule
    this.editors = new Map();  // lane -> its rule's editor, in the cards shown
    this.meta = Object.fromEntries(catalogue.optimizers.map((o) => [o.id, o]));
    this.order = catalogue.optimizers.map((o) => o.id);
    // the cards are rebuilt when what they show changes (a value alone is set in place by its control); a change that
    // came from elsewhere (a script, a lesson, the address) rebuilds them too
    const cardsKey = (s) => JSON.stringify([s.optimizers.map((o) => [o.optimizer, o.schedule?.type, o.switch?.optimizer ?? null,
      o.label ?? null]), this.dataset(s), s.view.colors]);
    store.subscribe((next, prev, source) => {
      if (cardsKey(next) !== cardsKey(prev) || (source !== "control" && source !== "slider"
        && JSON.stringify(next.optimizers) !== JSON.stringify(prev.optimizers))) this.render(next);
    });
    onLanguage(() => this.render(store.peek()));
  }

  /** The data set of the state's surface (lanes on it get a batch size), or null. */
  dataset(state) { return this.catalogue.surface(state.surface)?.dataset || null; }
  getState() { return this.store.get(); }
  onPatch(patch, source) { this.store.update(patch, source); }

  render(state) {
    // the control that had the focus has it again in the new cards (a keyboard user's place survives a rebuild)
    const active = this.root.contains(document.activeElement) ? document.activeElement : null;
    const name = active?.getAttribute("aria-label");
    const caret = active && "selectionStart" in active ? { start: active.selectionStart, end: active.selectionEnd } : null;
    if (state.optimizers.length !== this.lanes) this.drafts.clear();  // a lane added or removed: drafts lose their lane
    this.lanes = state.optimizers.length;
    this.editors.clear();
    this.root.replaceChildren(...state.optimizers.map((lane, i) => this.card(lane, i, state)));
    const again = name && [...this.root.querySelectorAll(`${active.tagName}[aria-label]`)].find((n) => n.getAttribute("aria-label") === name);
    if (!again) return;
    again.focus();
    if (caret && again.value !== undefined) try { again.setSelectionRange(caret.start, caret.end); } catch { /* not a text field */ }
  }

  /** Patch lane ``i`` with ``change(lane)`` applied to a copy of the lanes (arrays replace as a whole). */
  patchLane(i, change, source = "control", view = undefined) {
    const state = this.getState();
    const lanes = state.optimizers;
    change(lanes[i], lanes, state);
    const patch = { optimizers: lanes, view: { tuned: false, ...(view ? view(state) : {}) } };
    this.onPatch(patch, source);
  }

  addLane(optimizer = "adam") {
    const state = this.getState();
    const colors = state.optimizers.map((_, i) => laneStyle(state, i).color);
    colors.push(nextColor(state));
    this.onPatch({ optimizers: [...state.optimizers, { optimizer, params: defaultsFor(this.meta[optimizer]) }], view: { colors } }, "control");
  }

  card(lane, i, state) {
    const meta = this.meta[lane.optimizer];
    const { color } = laneStyle(state, i);
    const select = el("select", { "aria-label": `${t("optimizer")} ${i + 1}`, onchange: () => this.patchLane(i, (l) => {
      const lr = l.params?.lr;
      l.optimizer = select.value;
      if (select.value === CUSTOM) {
        l.rule = FIRST_RULE;
        l.params = { lr: typeof lr === "number" ? lr : 0.01 };
      } else {
        delete l.rule;
        l.params = defaultsFor(this.meta[select.value]);
      }
      delete l.schedule;
      if (/\{[A-Za-z_]/.test(l.label ?? "")) delete l.label;  // "momentum {momentum}" names the old optimizer's values
    }) }, ...this.order.map((id) => el("option", { value: id, selected: id === lane.optimizer },
      this.catalogue.optimizerName(id))), el("option", { value: CUSTOM, selected: lane.optimizer === CUSTOM }, t("rule_choice")));
    const label = el("input", { class: "label", placeholder: t("label"), maxlength: this.catalogue.limits.max_label,
      value: lane.label ? this.catalogue.lessonLabel(lane.label) ?? lane.label : "",
      "aria-label": `${t("label")} ${i + 1}`,
      onchange: () => this.patchLane(i, (l) => { if (label.value.trim()) l.label = label.value.trim(); else delete l.label; }) });
    const colours = (s) => s.optimizers.map((_, k) => laneStyle(s, k).color);
    const head = el("div", { class: "lane-head" }, select, label,
      el("button", { class: "icon", title: t("duplicate"), "aria-label": `${t("duplicate")} ${i + 1}`, onclick: () => {
        const s = this.getState();
        const copy = structuredClone(s.optimizers[i]);
        delete copy.label;
        const colors = colours(s);
        const lanes = [...s.optimizers];
        lanes.splice(i + 1, 0, copy);
        colors.splice(i + 1, 0, nextColor(s));
        this.onPatch({ optimizers: lanes, view: { colors } }, "control");
      } }, "⊕"),
      el("button", { class: "icon", title: t("remove"), "aria-label": `${t("remove")} ${i + 1}`, disabled: state.optimizers.length <= 1,
        onclick: () => {
          const s = this.getState();
          const colors = colours(s);
          const lanes = [...s.optimizers];
          lanes.splice(i, 1);
          colors.splice(i, 1);
          this.onPatch({ optimizers: lanes, view: { colors } }, "control");
        } }, "✕"));
    const card = el("div", { class: "lane", style: `--lane:${color}`, "data-lane": i }, head);
    card.title = this.catalogue.optimizerDescription(lane.optimizer);
    if (lane.optimizer === CUSTOM) return this.ruleCard(card, lane, i, state);
    if (!meta) { card.append(el("p", { class: "field-error" }, t("unknown_optimizer", { id: lane.optimizer }))); return card; }
    for (const spec of meta.params) card.append(...this.paramControls(lane, i, spec));
    if (this.dataset(state)) card.append(this.batchControl(lane, i, this.dataset(state).n));
    card.append(this.extras(lane, i, meta));
    return card;
  }

  /** A lane of your own rule: its editor, a control per hyperparameter the rule reads (once the server has said which),
   *  the batch size and the schedule. The text being typed stays across a rebuild of the cards while it is not valid. */
  ruleCard(card, lane, i, state) {
    const draft = this.drafts.get(i);
    if (draft && draft.rule !== lane.rule) this.drafts.delete(i);  // the lane's rule changed elsewhere (a lesson, a script)
    const params = el("div", { class: "rule-params" });
    const editor = new RuleEditor({ lane: i, text: this.drafts.get(i)?.text ?? lane.rule, rulebook: this.rulebook,
      onDraft: (text) => this.drafts.set(i, { text, rule: this.getState().optimizers[i]?.rule }),
      onValid: (rule, answer, suggested) => {
        this.drafts.delete(i);
        this.commitRule(i, rule, answer, suggested);
        this.ruleParamControls(params, i);
      } });
    this.editors.set(i, editor);
    card.append(editor.root, params);
    this.ruleParamControls(params, i);
    if (this.dataset(state)) card.append(this.batchControl(lane, i, this.dataset(state).n));
    card.append(this.extras(lane, i, { params: [{ name: "lr" }] }));
    return card;
  }

  /** Lane ``i`` runs ``rule`` with exactly the hyperparameters it reads (the server refuses others): the values it has,
   *  an example's (``suggested``), else the server's defaults. Nothing is sent when nothing changes. */
  commitRule(i, rule, answer, suggested = {}) {
    const lane = this.getState().optimizers[i];
    if (!lane || lane.optimizer !== CUSTOM) return;
    const params = ruleParams(answer, lane.params, suggested);
    const same = (a, b) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
    if (rule !== lane.rule || !same(params, lane.params)) this.patchLane(i, (l) => { l.rule = rule; l.params = params; });
  }

  /** The controls of the hyperparameters lane ``i``'s rule reads, into ``box``: at once when the server's answer about
   *  the rule is known, else when it comes (and then a lane whose params do not fit its rule, from an address or a
   *  script, is given the ones that do). */
  ruleParamControls(box, i) {
    const lane = this.getState().optimizers[i];
    const answer = this.rulebook.known(lane.rule);
    if (!answer) {
      this.rulebook.check(lane.rule).then((a) => {
        const now = this.getState().optimizers[i];
        if (!box.isConnected || now?.rule !== lane.rule) return;
        if (a.ok) this.commitRule(i, lane.rule, a);
        this.ruleParamControls(box, i);
      }).catch(() => {});
      return;
    }
    const current = answer.ok ? { ...lane, params: ruleParams(answer, lane.params) } : lane;
    box.replaceChildren(...answer.params.flatMap((spec) => this.paramControls(current, i, spec)));
  }

  /** Mark a run's refusal of lane ``i``'s rule in its editor; false when the lane shows none. */
  ruleRefused(i, item) {
    const editor = this.editors.get(i);
    if (!editor || !editor.root.isConnected) return false;
    editor.refused(item);
    return true;
  }

  /** Data-set surfaces: full batch (BGD), 1 (SGD) or a mini-batch, for this lane. */
  batchControl(lane, i, n) {
    const sizes = [null, 1, 4, 8, 16].filter((k) => k === null || k < n);
    const select = el("select", { "aria-label": `${t("batch")} ${i + 1}`, "data-param": "batch_size", onchange: () => this.patchLane(i, (l) => {
      if (select.value) l.batch_size = Number(select.value); else delete l.batch_size;
    }) }, ...sizes.map((k) => el("option", { value: k ?? "", selected: (lane.batch_size ?? null) === k },
      k === null ? `${t("full_batch")} (${n})` : String(k))));
    return el("div", { class: "param" }, el("label", { title: t("batch_tip") }, t("batch")), select, el("span"));
  }

  /** The controls of one hyperparameter, whatever its kind (see paramProblem). */
  paramControls(lane, i, spec) {
    const set = (v, source) => this.patchLane(i, (l) => { l.params[spec.name] = v; }, source === "slider" ? "slider" : "control");
    const value = spec.name in lane.params ? lane.params[spec.name] : spec.default;
    const label = this.catalogue.paramLabel(spec);
    const title = this.catalogue.paramDescription(spec);
    if (spec.scale === "bool" || typeof spec.default === "boolean") {
      const box = el("input", { type: "checkbox", checked: !!value, "data-param": spec.name, "aria-label": named(label, spec.name),
        onchange: () => set(box.checked) });
      return [el("div", { class: "param bool" }, el("label", { title }, label), el("span", {}, box))];
    }
    if (spec.scale === "choice" || spec.choices || typeof spec.default === "string") {
      const choices = spec.choices || [spec.default];
      const select = el("select", { "data-param": spec.name, "aria-label": named(label, spec.name),
        onchange: () => set(select.value === "" ? null : select.value) },
        ...choices.map((c) => el("option", { value: c ?? "", selected: c === value }, c === null ? "None" : String(c))));
      return [el("div", { class: "param" }, el("label", { title }, label), select, el("span"))];
    }
    if (spec.scale === "pair" || spec.scale === "tuple" || Array.isArray(spec.default)) {
      const n = spec.length || spec.default.length;
      const items = [...(Array.isArray(value) && value.length === n ? value : spec.default)];
      const defaults = spec.default.filter((v) => typeof v === "number");
      const unit = spec.min !== null && spec.min >= 0 && spec.max !== null && spec.max <= 1;
      const wide = !unit && spec.min !== null && spec.min >= 0 && defaults.some((v) => v > 0 && v < 1e-2);
      const part = { ...spec, scale: wide ? "log" : "linear",
        slider: unit ? [spec.min, spec.max_exclusive ? 0.999 : spec.max]
          : wide ? [Math.min(...defaults.filter((v) => v > 0)) / 10, spec.max]
          : [Math.max(spec.min ?? -10, -10), Math.min(spec.max ?? 10, 10)] };
      // the server's label over the items (each named as the API writes it: betas[0], betas[1])
      return [el("div", { class: "param-caption", title: title || label }, label), ...items.map((v, k) => numberControl(`${spec.name}[${k}]`, part, v, (x, source) => {
        const now = this.getState().optimizers[i].params[spec.name];
        const next = [...(Array.isArray(now) && now.length === n ? now : items)];
        next[k] = x;
        set(next, source);
      }, `${label} (${spec.name}[${k}])`, !!spec.item_nullable?.[k], title, `${spec.name}[${k}]`))];
    }
    return [numberControl(spec.name, spec, value, set, named(label, spec.name), !!spec.nullable, title, label)];
  }

  extras(lane, i, meta) {
    const hasLr = meta.params.some((p) => p.name === "lr");
    const box = el("details", { class: "extra", open: !!(lane.schedule || lane.switch) || undefined },
      el("summary", {}, t("more")));
    if (hasLr) {
      const sched = lane.schedule || { type: "constant" };
      const defaults = (type) => Object.fromEntries((this.catalogue.schedule(type)?.params || []).map((p) => [p.name, p.default]));
      const type = el("select", { "aria-label": `${t("schedule")} ${i + 1}`, onchange: () => this.patchLane(i, (l) => {
        if (type.value === "constant") delete l.schedule; else l.schedule = { type: type.value, ...defaults(type.value) };
      }) }, ...this.catalogue.schedules.map((s) => el("option", { value: s.type, selected: s.type === sched.type }, this.catalogue.scheduleName(s.type))));
      box.append(el("div", { class: "param" }, el("label", {}, t("schedule")), type, el("span")));
      for (const spec of this.catalogue.schedule(sched.type)?.params || []) {
        const name = spec.name;
        const input = el("input", { type: "text", inputmode: "decimal", value: sched[name] ?? spec.default, "aria-label": `${name} ${i + 1}` });
        input.addEventListener("change", () => {
          const r = parseNumber(input.value, { ...spec, integer: spec.scale === "int" || spec.integer });
          setFieldError(input, r.reason || null);
          if (!r.reason) this.patchLane(i, (l) => { l.schedule = { ...(l.schedule || { type: sched.type }), [name]: r.value }; });
        });
        box.append(el("div", { class: "param" }, el("label", { title: this.catalogue.paramDescription(spec) }, this.catalogue.paramLabel(spec)), input, el("span")));
      }
    }
    const sw = lane.switch;
    const enable = el("input", { type: "checkbox", checked: !!sw, "aria-label": `${t("switch")} ${i + 1}`, onchange: () => this.patchLane(i, (l, _, s) => {
      if (enable.checked) l.switch = { at_step: Math.round((s.steps || 200) / 2), optimizer: "gd", params: { lr: 0.001 } };
      else delete l.switch;
    }) });
    box.append(el("div", { class: "param" }, el("label", {}, t("switch")), el("span", {}, enable), el("span")));
    if (sw) {
      const at = el("input", { type: "text", inputmode: "numeric", value: sw.at_step, "aria-label": `${t("switch_enable")} ${i + 1}` });
      at.addEventListener("change", () => {
        const r = parseNumber(at.value, { min: 0, max: this.catalogue.limits.max_steps, integer: true });
        setFieldError(at, r.reason || null);
        if (!r.reason) this.patchLane(i, (l) => { l.switch.at_step = r.value; });
      });
      const to = el("select", { "aria-label": `${t("switch_to")} ${i + 1}`, onchange: () => this.patchLane(i, (l) => {
        const lr = defaultsFor(this.meta[to.value]).lr;
        l.switch = { ...l.switch, optimizer: to.value, params: lr === undefined ? {} : { lr } };
      }) }, ...this.order.map((id) => el("option", { value: id, selected: id === sw.optimizer }, this.catalogue.optimizerName(id))));
      box.append(el("div", { class: "param" }, el("label", {}, t("switch_enable")), at, el("span")));
      box.append(el("div", { class: "param" }, el("label", {}, t("switch_to")), to, el("span")));
      const lrSpec = this.meta[sw.optimizer]?.params.find((p) => p.name === "lr");
      if (lrSpec) {
        const control = numberControl("lr", lrSpec, sw.params.lr ?? lrSpec.default, (v) => this.patchLane(i, (l) => { l.switch.params.lr = v; }),
          `${t("switch_to")} lr`);
        control.querySelectorAll("[data-param]").forEach((n) => { n.dataset.param = "switch.lr"; });
        box.append(control);
      }
    }
    return box;
  }
}
