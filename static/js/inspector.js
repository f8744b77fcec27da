// The step inspector: pick a lane and a step (click a point of its path, or the arrow keys while the panel is
// open) and see that step's update rule with its numbers, and each term drawn as an arrow from the point.
//
// It talks to the page only through its public interface: window.slopes.state() / update(patch), the
// slopes:drawn event, and the trajectory plot's element (#plot-main, whose path traces carry meta "lane<i>").
// Its own state lives in the page's state as view.inspect = {lane, step} (null: closed), so a copied address or
// an embed opens it where it was. The numbers come from its own POST /api/runs with "include": ["state"] (the
// optimizer's state after every step); the math is in steprules.js.
import { tOr } from "./i18n.js";
import { explainStep, STATELESS, termLabel } from "./steprules.js";

const TEXT = {
  title: { en: "Step inspector", ko: "스텝 살펴보기" },
  open: { en: "Inspect a step", ko: "스텝 살펴보기" },
  close: { en: "Close the step inspector", ko: "스텝 살펴보기 닫기" },
  lane: { en: "Lane", ko: "레인" },
  step: { en: "Step", ko: "스텝" },
  prev: { en: "Previous step", ko: "이전 스텝" },
  next: { en: "Next step", ko: "다음 스텝" },
  rule: { en: "Update rule", ko: "갱신 규칙" },
  quantity: { en: "Quantity", ko: "값" },
  value: { en: "Value", ko: "수치" },
  before: { en: "before", ko: "이전" },
  after: { en: "after", ko: "이후" },
  point: { en: "point θ", ko: "점 θ" },
  arrows: { en: "Arrows from the point", ko: "점에서 그린 화살표" },
  scaled: { en: "arrows drawn ×{s} (same scale for all)", ko: "화살표는 ×{s}로 그림 (모두 같은 배율)" },
  generic: {
    en: "This rule is not written out here: the state below is the engine's, before and after the step.",
    ko: "이 규칙은 여기서 풀어 쓰지 않았습니다: 아래 상태는 엔진이 계산한 스텝 전후의 값입니다.",
  },
  loading: { en: "Computing the optimizer's state…", ko: "옵티마이저 상태를 계산하는 중…" },
  failed: { en: "The state of this run could not be computed.", ko: "이 실행의 상태를 계산하지 못했습니다." },
  hint: {
    en: "Click a point of a path to inspect that step; ← → step, Shift ×10, ↑ ↓ change lane, Esc closes.",
    ko: "경로의 점을 클릭하면 그 스텝을 봅니다. ← → 스텝 이동, Shift는 10스텝, ↑ ↓ 레인 변경, Esc로 닫기.",
  },
  none: { en: "This run has no step here.", ko: "이 실행에는 이 스텝이 없습니다." },
};

const COLORS = {  // apart from the lanes' palette: grey for plain GD, purples for momentum, black for the step taken
  minus_lr_g: "#8a8a8a", gradient_share: "#b8860b", momentum_carry: "#8e44ad", lookahead: "#8e44ad",
  momentum_direction: "#c2185b", decoupled_decay: "#8d6e63", step: "#111111",
};
const ARROW_MIN = 0.02; // arrows are drawn to scale while the longest lies between these fractions of the view's span;
const ARROW_MAX = 0.3;  // otherwise all are scaled by one factor (shown in the legend) so the longest is ARROW_MAX

function lang() {
  const s = window.slopes?.state?.();
  return s?.view?.lang || document.documentElement.lang || "en";
}

function tr(key, vars = {}) {
  const entry = TEXT[key];
  let s = entry ? entry[lang()] || entry.en : key;
  for (const [k, v] of Object.entries(vars)) s = s.replace(`{${k}}`, v);
  return s;
}

function fmt(v) {
  if (v === null || v === undefined) return "—";
  if (Array.isArray(v)) return `[${v.map(fmt).join(", ")}]`;
  if (typeof v !== "number" || !Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e4 ? Number(v.toPrecision(5)).toString() : v.toExponential(3);
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) node.append(c);
  return node;
}

// Lessons label their lanes in English in the state and carry {en: [...], ko: [...]} beside it (GET /api/lessons):
// the lane menu shows a lesson's label in the reader's language.
let lessons = [];
let lessonsLoaded = null;
function loadLessons() {
  lessonsLoaded ||= fetch("/api/lessons").then((r) => (r.ok ? r.json() : [])).then((list) => {
    lessons = Array.isArray(list) ? list : [];
  }).catch(() => {});
  return lessonsLoaded;
}

/** A lane's label as the reader should see it: a lesson's label translated, else the label itself. */
export function readerLabel(label, language = lang()) {
  for (const lesson of lessons) {
    const k = lesson.labels?.en?.indexOf(label) ?? -1;
    if (k >= 0) return String(lesson.labels[language]?.[k] ?? label);
  }
  return label;
}

/** The POST /api/runs body of a page state, asking for the optimizer's state after every step. */
export function stateRequest(state) {
  const lanes = state.optimizers.map((o) => {
    const lane = { optimizer: o.optimizer, params: o.params };
    for (const key of ["label", "schedule", "switch", "batch_size", "gradient", "objective", "surface_options"]) {
      if (o[key] !== undefined && o[key] !== null) lane[key] = o[key];
    }
    return lane;
  });
  const body = { surface: state.surface, steps: state.steps, gradient: state.gradient, optimizers: lanes, include: ["state"] };
  if (state.start) body.start = state.start;
  for (const key of ["formula", "domain", "surface_options"]) if (state[key]) body[key] = state[key];
  if (state.surface !== "custom") { delete body.formula; delete body.domain; }
  return body;
}

export class Inspector {
  constructor() {
    this.cache = new Map(); // request JSON -> Promise of the runs
    this.root = el("section", { id: "inspector", class: "inspector", "aria-labelledby": "inspector-title", hidden: true });
    // the page's playback bar holds the button (a control among the others; it never covers the plot)
    this.openButton = document.getElementById("inspector-open") || el("button", { type: "button", hidden: true });
    this.openButton.addEventListener("click", () => this.open(this.preferredLane(), window.slopes.state().view.step ?? 0));
    this.swallowClick = false;
    this.drawn = false;
    this.syncs = 0;
    this.build();
    window.addEventListener("slopes:drawn", () => this.sync());
    window.addEventListener("keydown", (e) => this.key(e), true);
  }

  // --- the page's state ---------------------------------------------------------------------
  get inspect() {
    const v = window.slopes?.state?.().view?.inspect;
    return v && Number.isInteger(v.lane) && Number.isInteger(v.step) ? v : this.local || null;
  }

  set(patch) {
    // view.step moves the page's cursor to the step, so its moving point stands where the arrows start
    this.local = patch;
    const view = { inspect: patch };
    if (patch) view.step = patch.step;
    return window.slopes.update({ view }).then(() => this.sync());
  }

  open(lane = 0, step = 0) { return this.set({ lane, step }); }

  preferredLane() { return 0; }

  close() {
    this.local = null;
    return window.slopes.update({ view: { inspect: null } }).then(() => this.sync());
  }

  // --- mounting -------------------------------------------------------------------------------
  mount() {
    const plot = document.getElementById("plot-main");
    if (!plot) return false;
    if (!this.root.isConnected) {
      // a card of its own over the plot's area (placed by place()), so opening it never resizes or reflows the
      // page's views, and no view finds an element it does not own among its children
      document.body.append(this.root);
      window.addEventListener("resize", () => this.place());
      // the page scrolls inside its own panes and its layout shifts (a lesson's caption, the charts): follow the plot
      document.addEventListener("scroll", () => this.place(), { capture: true, passive: true });
      if (typeof ResizeObserver === "function") {
        const watch = new ResizeObserver(() => this.place());
        for (const node of [document.body, document.getElementById("view-area")]) if (node) watch.observe(node);
      }
    }
    if (this.plot !== plot) {
      this.plot = plot;
      this.bindPlot(plot);
    }
    return true;
  }

  bindPlot(plot) {
    const bind = () => {
      if (typeof plot.on !== "function") return false;
      plot.on("plotly_click", (ev) => {
        const pt = ev?.points?.[0];
        const meta = pt?.data?.meta;
        if (!this.inspect || typeof meta !== "string" || !/^lane\d+$/.test(meta)) return;
        this.swallowClick = true;  // this click picks a step; it does not move the start
        this.set({ lane: Number(meta.slice(4)), step: pt.pointNumber });
      });
      return true;
    };
    if (!bind()) setTimeout(() => bind(), 500);
    plot.addEventListener("click", (e) => {
      if (this.swallowClick) { e.stopPropagation(); this.swallowClick = false; }
    }, true);
  }

  /** The inspector explains a step of a path drawn in 2-D: the overlay and side-by-side views, not 3-D or the maps. */
  usable() {
    return ["overlay", "side"].includes(window.slopes?.state?.().view?.mode ?? "overlay");
  }

  /** Over the right side of the plot's area, below its top edge; the open button shown when it can be used. */
  place() {
    const area = document.getElementById("view-area") || this.plot;
    if (!area) return;
    const r = area.getBoundingClientRect();
    // the visible part of the pane that scrolls the plot (.stage): the card stays inside it
    const pane = area.closest?.(".stage")?.getBoundingClientRect() || { top: 0, bottom: window.innerHeight };
    this.openButton.hidden = !this.root.hidden || !this.usable() || document.body.dataset.mode === "embed";
    if (this.root.hidden) return;
    const width = Math.min(390, Math.max(260, r.width * 0.42));
    this.root.style.width = `${width}px`;
    const top = Math.max(r.top, pane.top);
    this.root.style.top = `${top + window.scrollY + 8}px`;
    this.root.style.maxHeight = `${Math.max(200, Math.min(r.bottom, pane.bottom) - top - 16)}px`;
    // the right side of the plot, unless the inspected point (or its arrows' heads) would be under the card there:
    // then the left side, whichever hides less of what the student is looking at
    const right = Math.max(8, r.right - width - 8), left = r.left + 8;
    const height = this.root.offsetHeight || 0;
    const hidden = (x0) => this.anchorPixels().reduce((n, [x, y, w]) =>
      n + (x >= x0 - 12 && x <= x0 + width + 12 && y >= top - 4 && y <= top + 8 + height + 12 ? w : 0), 0);
    const side = hidden(right) > hidden(left) ? left : right;
    this.root.dataset.side = side === right ? "right" : "left";
    this.root.style.left = `${side + window.scrollX}px`;
  }

  /** The inspected point (weight 10) and its arrows' heads (weight 1), in the viewport's pixels. */
  anchorPixels() {
    const plot = this.plot, fl = plot?._fullLayout;
    if (!this.anchors || !fl?.xaxis?.l2p || !fl?.yaxis?.l2p) return [];
    const box = plot.getBoundingClientRect();
    return this.anchors.map(([x, y], i) => [box.left + fl.xaxis._offset + fl.xaxis.l2p(x),
      box.top + fl.yaxis._offset + fl.yaxis.l2p(y), i === 0 ? 10 : 1]).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  }

  build() {
    this.title = el("h2", { id: "inspector-title" });
    this.closeButton = el("button", { type: "button", class: "ghost inspector-close", onclick: () => this.close() }, "×");
    this.laneSelect = el("select", { id: "inspector-lane", onchange: () => this.set({ lane: Number(this.laneSelect.value), step: this.inspect?.step ?? 0 }) });
    this.stepInput = el("input", { id: "inspector-step", type: "number", min: 0, step: 1, inputmode: "numeric",
      onchange: () => {
        const k = Number(this.stepInput.value);
        if (Number.isInteger(k) && k >= 0) this.set({ lane: this.inspect?.lane ?? 0, step: k });
        else this.stepInput.setAttribute("aria-invalid", "true");
      } });
    this.prevButton = el("button", { type: "button", class: "ghost", onclick: () => this.move(-1) }, "◀");
    this.nextButton = el("button", { type: "button", class: "ghost", onclick: () => this.move(1) }, "▶");
    this.laneLabel = el("label", { for: "inspector-lane" });
    this.stepLabel = el("label", { for: "inspector-step" });
    this.controls = el("div", { class: "inspector-controls" }, this.laneLabel, this.laneSelect, this.stepLabel, this.prevButton,
      this.stepInput, this.nextButton);
    this.body = el("div", { class: "inspector-body", "aria-live": "polite" });
    this.hint = el("p", { class: "inspector-hint" });
    this.root.append(el("header", { class: "inspector-head" }, this.title, this.closeButton), this.controls, this.body, this.hint);
  }

  // --- keys: while the inspector is open, arrows step through the run -------------------------------
  key(e) {
    const at = this.inspect;
    if (!at || !this.usable() || e.altKey || e.ctrlKey || e.metaKey) return;
    const tag = e.target?.tagName;
    if (tag === "INPUT" && e.target !== this.stepInput) return;
    if (tag === "TEXTAREA" || tag === "SELECT") return;
    let handled = true;
    if (e.key === "ArrowRight") this.move(e.shiftKey ? 10 : 1);
    else if (e.key === "ArrowLeft") this.move(e.shiftKey ? -10 : -1);
    else if (e.key === "ArrowDown") this.changeLane(1);
    else if (e.key === "ArrowUp") this.changeLane(-1);
    else if (e.key === "Escape") this.close();
    else handled = false;
    if (handled) { e.preventDefault(); e.stopPropagation(); }
  }

  move(d) {
    const at = this.inspect;
    if (!at) return;
    const run = this.runs?.[at.lane];
    const last = run ? run.points.length - 2 : at.step + d;
    this.set({ lane: at.lane, step: Math.max(0, Math.min(last, at.step + d)) });
  }

  changeLane(d) {
    const at = this.inspect;
    const n = window.slopes.state().optimizers.length;
    if (!at || n < 2) return;
    this.set({ lane: (at.lane + d + n) % n, step: at.step });
  }

  // --- data -----------------------------------------------------------------------------------
  fetchRuns(state) {
    const body = stateRequest(state);
    const key = JSON.stringify(body);
    if (!this.cache.has(key)) {
      if (this.cache.size > 8) this.cache.delete(this.cache.keys().next().value);
      this.cache.set(key, fetch("/api/runs", { method: "POST", headers: { "Content-Type": "application/json" }, body: key })
        .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`)))).then((b) => b.runs));
    }
    return this.cache.get(key);
  }

  async sync() {
    this.mount();
    this.openButton.textContent = tr("open");
    const at = this.inspect;
    if (!at || !this.usable()) {  // closed, or kept in the state while a view without paths in 2-D is shown
      this.syncs += 1;
      this.root.hidden = true;
      this.place();
      this.clearArrows();
      return;
    }
    const state = window.slopes.state();
    const token = ++this.syncs;  // the newest sync wins: an older one that resolves later draws nothing
    this.root.hidden = false;
    this.place();
    delete this.root.dataset.shown;
    this.render(state, null, tr("loading"));
    let runs;
    try {
      [runs] = await Promise.all([this.fetchRuns(state), loadLessons()]);
    } catch {
      if (token === this.syncs) this.render(state, null, tr("failed"));
      return;
    }
    if (token !== this.syncs || JSON.stringify(this.inspect) !== JSON.stringify(at)) return; // moved on meanwhile
    this.runs = runs;
    const lane = Math.min(at.lane, runs.length - 1);
    if (state.view.step !== at.step && at.step < runs[lane].points.length) {
      // the page's cursor follows the inspected step (its moving point is where the arrows start)
      window.slopes.update({ view: { step: at.step } });
    }
    const ex = explainStep(runs[lane], at.step);
    this.render(state, ex, ex ? null : tr("none"), lane);
    this.drawArrows(ex, state, lane);
    this.root.dataset.shown = `${lane}:${at.step}`;  // what the panel shows (for scripts and tests)
    this.root.dispatchEvent(new CustomEvent("inspector:shown", { bubbles: true, detail: { lane, step: at.step, explanation: ex } }));
  }

  render(state, ex, message, lane = this.inspect?.lane ?? 0) {
    const L = lang();
    this.title.textContent = tr("title");
    this.closeButton.setAttribute("aria-label", tr("close"));
    this.laneLabel.textContent = tr("lane");
    this.stepLabel.textContent = tr("step");
    this.prevButton.setAttribute("aria-label", tr("prev"));
    this.nextButton.setAttribute("aria-label", tr("next"));
    this.hint.textContent = tr("hint");
    // a lane is called what the plot's legend calls it (an unlabelled lane: the optimizer's name in the page's
    // language with its lr, not the API's English default label)
    const drawn = (i) => (this.plot?.data || []).find((t) => t.meta === `lane${i}`)?.name;
    const labels = state.optimizers.map((o, i) => (o.label ? readerLabel(o.label, L)
      : drawn(i) || this.runs?.[i]?.label || `${o.optimizer} ${i + 1}`));
    this.laneSelect.replaceChildren(...labels.map((label, i) => el("option", { value: i, selected: i === lane }, label)));
    this.laneSelect.value = String(lane);
    this.stepInput.value = String(this.inspect?.step ?? 0);
    this.stepInput.removeAttribute("aria-invalid");
    const run = this.runs?.[lane];
    if (run) this.stepInput.max = String(Math.max(0, run.points.length - 2));
    if (!ex) {
      this.body.replaceChildren(el("p", { class: "inspector-message" }, message || ""));
      return;
    }
    const parts = [];
    if (ex.rule) parts.push(el("p", { class: "inspector-rule" }, el("b", {}, `${tr("rule")} · ${tOr(`opt_${ex.optimizer}_name`, ex.optimizer)}: `), ex.rule[L] || ex.rule.en));
    if (ex.stateless) parts.push(el("p", { class: "inspector-note" }, STATELESS[L] || STATELESS.en));
    if (ex.note) parts.push(el("p", { class: "inspector-note" }, ex.note[L] || ex.note.en));
    if (ex.generic) parts.push(el("p", { class: "inspector-note" }, tr("generic")));
    const rows = [];
    const row = (name, value) => rows.push(el("tr", {}, el("th", { scope: "row" }, name), el("td", {}, value)));
    row(tr("point"), fmt(ex.point));
    if (ex.gradient) row(termLabel("gradient", L), fmt(ex.gradient));
    if (ex.lr !== null && ex.lr !== undefined) row(termLabel("lr", L), fmt(ex.lr));
    for (const [key, value] of Object.entries(ex.quantities || {})) {
      if (key === "decayed_gradient" && ex.gradient && value[0] === ex.gradient[0] && value[1] === ex.gradient[1]) continue;
      row(termLabel(key, L), fmt(value));
    }
    for (const s of ex.state || []) {
      row(s.symbol && s.symbol !== s.name ? `${s.name} (${s.symbol})` : s.name, `${tr("before")} ${fmt(s.before)} → ${tr("after")} ${fmt(s.after ?? s.computed)}`);
    }
    row(termLabel("step", L), fmt(ex.actual));
    const table = el("table", { class: "inspector-table" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, tr("quantity")), el("th", { scope: "col" }, tr("value")))),
      el("tbody", {}, ...rows));
    parts.push(table);
    const legend = el("ul", { class: "inspector-legend", "aria-label": tr("arrows") });
    for (const [key, v] of Object.entries(ex.arrows || {})) {
      legend.append(el("li", { "data-term": key }, el("span", { class: "swatch", style: `background:${COLORS[key] || "#444"}` }),
        `${termLabel(key, L)}  ${fmt(v)}`));
    }
    parts.push(el("h3", {}, tr("arrows")), legend);
    if (this.arrowScale && this.arrowScale !== 1) parts.push(el("p", { class: "inspector-note" }, tr("scaled", { s: fmt(this.arrowScale) })));
    this.body.replaceChildren(...parts);
  }

  // --- arrows on the trajectory plot (Plotly annotations in data coordinates) ----------------------------
  clearArrows() {
    const plot = this.plot;
    if (!plot || !this.drawn || typeof Plotly === "undefined" || !plot.layout) return;
    const keep = (plot.layout.annotations || []).filter((a) => !String(a.name || "").startsWith("inspector:"));
    this.drawn = false;
    this.anchors = null;
    Plotly.relayout(plot, { annotations: keep });
  }

  drawArrows(ex, state, lane) {
    const plot = this.plot;
    if (!plot || typeof Plotly === "undefined" || !plot.layout) return;
    const keep = (plot.layout.annotations || []).filter((a) => !String(a.name || "").startsWith("inspector:"));
    if (!ex) { this.drawn = false; this.anchors = null; Plotly.relayout(plot, { annotations: keep }); return; }
    const xr = plot.layout.xaxis?.range || [0, 1];
    const yr = plot.layout.yaxis?.range || [0, 1];
    const span = Math.min(Math.abs(xr[1] - xr[0]), Math.abs(yr[1] - yr[0]));  // the shorter side: arrows fit either way
    const entries = Object.entries(ex.arrows || {}).filter(([, v]) => v && Number.isFinite(v[0]) && Number.isFinite(v[1]));
    const longest = Math.max(...entries.map(([, v]) => Math.hypot(v[0], v[1])), 0);
    // arrows too small to see or too long to fit are scaled, all by one factor, so their sizes still compare
    this.arrowScale = longest > 0 && (longest < ARROW_MIN * span || longest > ARROW_MAX * span) ? (ARROW_MAX * span) / longest : 1;
    const [px, py] = ex.point;
    const notes = entries.filter(([, v]) => Math.hypot(v[0], v[1]) > 0).map(([key, v]) => ({
      name: `inspector:${key}`, x: px + v[0] * this.arrowScale, y: py + v[1] * this.arrowScale, ax: px, ay: py,
      xref: "x", yref: "y", axref: "x", ayref: "y", showarrow: true, arrowhead: 2, arrowsize: key === "step" ? 1.3 : 1.1,
      arrowwidth: key === "step" ? 4 : 2.5,
      arrowcolor: COLORS[key] || "#444", text: "", hovertext: termLabel(key, lang()),
    }));
    this.drawn = true;
    this.anchors = [[px, py], ...notes.map((a) => [a.x, a.y])];
    this.place();  // the axes stay as drawn: the card moves off the point before the panel says it is shown
    Plotly.relayout(plot, { annotations: [...keep, ...notes] });
    // the legend's note about the scale
    this.render(state, ex, null, lane);
  }
}

function start() {
  if (!window.slopes?.state) { setTimeout(start, 100); return; }
  if (!document.querySelector('link[href$="/css/inspector.css"]')) {
    document.head.append(el("link", { rel: "stylesheet", href: new URL("../css/inspector.css", import.meta.url).href }));
  }
  const inspector = new Inspector();
  window.slopes.inspector = inspector;
  inspector.sync();
}

if (typeof window !== "undefined" && typeof document !== "undefined") {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}
