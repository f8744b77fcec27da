// The step inspector: pick a lane and a step (click a point of its path, or the arrow keys while the card is open)
// and see that step's update rule with its numbers, and each term drawn as an arrow from the point.
//
// Its place is the state's view.inspect = {lane, step} (null: closed), so a copied address or an embed opens it
// where it was. Its numbers are the run's own: while it is open the run client asks for the optimizer's state and
// each step's terms and quantities with every run (results.runs; explanation.js); the arrows are drawn in the
// overlay's SVG through the overlay's axes, and a click on a path point is a layer's click the overlay offers it first.
import { el } from "../dom.js";
import { onLanguage, t } from "../i18n.js";
import { explain } from "./explanation.js";

const COLORS = {  // apart from the lanes' palette: grey for the gradient's share, purple for momentum, black for a whole step
  gradient: "#8a8a8a", velocity: "#8e44ad", momentum: "#8e44ad", decay: "#8d6e63", weight_decay: "#8d6e63", step: "#111111",
};
const OTHER_COLORS = ["#8a8a8a", "#8e44ad", "#c2185b", "#b8860b", "#8d6e63", "#2e7d32"];
const ARROW_MIN = 0.02; // arrows are drawn to scale while the longest lies between these fractions of the view's span;
const ARROW_MAX = 0.3;  // otherwise all are scaled by one factor (shown in the legend) so the longest is ARROW_MAX
const PICK_RADIUS = 12; // px: a click this close to a point of a path inspects that step
const SVG = "http://www.w3.org/2000/svg";

function fmt(v) {
  if (v === null || v === undefined) return "—";
  if (Array.isArray(v)) return `[${v.map(fmt).join(", ")}]`;
  if (typeof v !== "number" || !Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e4 ? Number(v.toPrecision(5)).toString() : v.toExponential(3);
}

export class Inspector {
  /** ``area``: the element the card stays over (the views' area); ``openButton``: the playback bar's button. */
  constructor({ store, results, catalogue, runs, overlay, area, openButton, embed }) {
    Object.assign(this, { store, results, catalogue, overlay, area, embed, client: runs });
    this.openButton = openButton || el("button", { type: "button", hidden: true });
    this.openButton.addEventListener("click", () => this.set({ lane: 0, step: store.peek().view.step ?? 0 }));
    this.layer = overlay.addLayer(this);
    this.onKey = (e) => this.key(e);
    this.build();
    runs.need("inspector", (s) => (this.usable(s) && s.view.inspect ? ["gradients", "state", "terms", "quantities"] : []));
    store.subscribe((next, prev) => {
      if (next.view.inspect !== prev.view.inspect || next.view.mode !== prev.view.mode || next.view.lang !== prev.view.lang
        || next.optimizers !== prev.optimizers) this.sync();
    });
    results.subscribe((value, prev, patch) => { if ("runs" in patch) this.sync(); });
    onLanguage(() => this.sync());  // (the state names the new language before its words have arrived)
    window.addEventListener("resize", () => this.place());
    // the page scrolls inside its own panes and its layout shifts (a lesson's caption, the charts): follow the plot
    document.addEventListener("scroll", () => this.place(), { capture: true, passive: true });
    new ResizeObserver(() => this.place()).observe(area);
    this.sync();
  }

  get at() {
    const v = this.store.peek().view.inspect;
    return v && Number.isInteger(v.lane) && Number.isInteger(v.step) ? v : null;
  }

  /** The inspector explains a step of a path drawn in 2-D: the overlay and side-by-side views, not 3-D or the maps. */
  usable(state = this.store.peek()) { return ["overlay", "side"].includes(state.view.mode); }

  /** Inspect ``at`` ({lane, step}); the page's cursor goes to the step, so its moving point is where the arrows start. */
  set(at) { this.store.update({ view: { inspect: at, step: at.step } }, "inspector"); }
  close() { this.store.update({ view: { inspect: null } }, "inspector"); }

  move(d) {
    const at = this.at;
    if (!at) return;
    const run = this.results.get().runs?.lanes[at.lane];
    const last = run ? run.points.length - 2 : at.step + d;
    this.set({ lane: at.lane, step: Math.max(0, Math.min(last, at.step + d)) });
  }

  changeLane(d) {
    const at = this.at;
    const n = this.store.peek().optimizers.length;
    if (at && n > 1) this.set({ lane: (at.lane + d + n) % n, step: at.step });
  }

  /** While the card is open, the arrows step through the run (Shift: ten), up and down change the lane, Esc closes. */
  key(e) {
    if (!this.at || e.altKey || e.ctrlKey || e.metaKey) return;
    const tag = e.target?.tagName;
    if ((tag === "INPUT" && e.target !== this.stepInput) || tag === "TEXTAREA" || tag === "SELECT") return;
    const actions = { ArrowRight: () => this.move(e.shiftKey ? 10 : 1), ArrowLeft: () => this.move(e.shiftKey ? -10 : -1),
      ArrowDown: () => this.changeLane(1), ArrowUp: () => this.changeLane(-1), Escape: () => this.close() };
    if (!actions[e.key]) return;
    actions[e.key]();
    e.preventDefault();
    e.stopPropagation();
  }

  /** A click near a point of a path, while the card is open, inspects that step (and leaves the start where it is). */
  click(event, point, axes) {
    if (!this.at || !this.usable()) return false;
    const lanes = this.results.get().runs?.lanes || [];
    const [cx, cy] = axes.toPixel(point);
    let best = null;
    lanes.forEach((lane, i) => lane.points.forEach((p, k) => {
      const [u, v] = axes.toPixel(p);
      const d = Math.hypot(u - cx, v - cy);
      if (d <= PICK_RADIUS && (!best || d < best.d) && k + 1 < lane.points.length) best = { d, lane: i, step: k };
    }));
    if (!best) return false;
    this.set({ lane: best.lane, step: best.step });
    return true;
  }

  // --- the card ------------------------------------------------------------------------------------------
  build() {
    this.root = el("section", { id: "inspector", class: "inspector", "aria-labelledby": "inspector-title", hidden: true });
    this.title = el("h2", { id: "inspector-title" });
    this.closeButton = el("button", { type: "button", class: "ghost inspector-close", onclick: () => this.close() }, "×");
    this.laneSelect = el("select", { id: "inspector-lane", onchange: () => this.set({ lane: Number(this.laneSelect.value), step: this.at?.step ?? 0 }) });
    this.stepInput = el("input", { id: "inspector-step", type: "number", min: 0, step: 1, inputmode: "numeric",
      onchange: () => {
        const k = Number(this.stepInput.value);
        if (Number.isInteger(k) && k >= 0) this.set({ lane: this.at?.lane ?? 0, step: k });
        else this.stepInput.setAttribute("aria-invalid", "true");
      } });
    this.prevButton = el("button", { type: "button", class: "ghost", onclick: () => this.move(-1) }, "◀");
    this.nextButton = el("button", { type: "button", class: "ghost", onclick: () => this.move(1) }, "▶");
    this.laneLabel = el("label", { for: "inspector-lane" });
    this.stepLabel = el("label", { for: "inspector-step" });
    const controls = el("div", { class: "inspector-controls" }, this.laneLabel, this.laneSelect, this.stepLabel, this.prevButton,
      this.stepInput, this.nextButton);
    this.body = el("div", { class: "inspector-body", "aria-live": "polite" });
    this.hint = el("p", { class: "inspector-hint" });
    this.root.append(el("header", { class: "inspector-head" }, this.title, this.closeButton), controls, this.body, this.hint);
    document.body.append(this.root);
  }

  /** Show what the state and the results say: closed, loading, no such step, or the step explained. */
  sync() {
    const at = this.at;
    const open = !!at && this.usable();
    this.openButton.textContent = t("inspector_open");
    window.removeEventListener("keydown", this.onKey, true);
    if (open) window.addEventListener("keydown", this.onKey, true);
    const wasOpen = !this.root.hidden;
    this.root.hidden = !open;
    this.explained = null;
    delete this.root.dataset.shown;
    if (!open) {  // closed, or kept in the state while a view without paths in 2-D is shown (a drag costs nothing here)
      this.place();
      if (wasOpen) this.layer.redraw();
      return;
    }
    const state = this.store.peek();
    const runs = this.results.get().runs;
    const lane = Math.min(at.lane, state.optimizers.length - 1);
    const run = runs?.lanes[lane];
    // the runs of this very state, with the optimizer's state (asked for while the card is open)
    const current = runs && !runs.running && runs.key === this.client.keyOf(state) && run?.state !== undefined;
    if (!current) {
      this.render(state, null, t("inspector_loading"), lane);
    } else {
      if (state.view.step !== at.step && at.step < run.points.length) this.store.update({ view: { step: at.step } }, "inspector");
      const ex = explain(run, at.step, this.catalogue);
      this.explained = ex ? { ex, lane } : null;
      this.arrowScale = this.scaleOf(ex);
      this.render(state, ex, ex ? null : t("inspector_none"), lane);
      this.root.dataset.shown = `${lane}:${at.step}`;  // what the card shows (for scripts and tests)
    }
    this.place();
    this.layer.redraw();
  }

  render(state, ex, message, lane) {
    this.title.textContent = t("inspector_title");
    this.closeButton.setAttribute("aria-label", t("inspector_close"));
    this.laneLabel.textContent = t("inspector_lane");
    this.stepLabel.textContent = t("inspector_step");
    this.prevButton.setAttribute("aria-label", t("inspector_prev"));
    this.nextButton.setAttribute("aria-label", t("inspector_next"));
    this.hint.textContent = t("inspector_hint");
    // a lane is called what the plot's legend calls it (its label, or the optimizer's name with its lr)
    const runs = this.results.get().runs?.lanes || [];
    const labels = state.optimizers.map((o, i) => this.catalogue.laneLabel(o.label, runs[i] || o));
    this.laneSelect.replaceChildren(...labels.map((label, i) => el("option", { value: i, selected: i === lane }, label)));
    this.laneSelect.value = String(lane);
    this.stepInput.value = String(this.at?.step ?? 0);
    this.stepInput.removeAttribute("aria-invalid");
    if (runs[lane]) this.stepInput.max = String(Math.max(0, runs[lane].points.length - 2));
    if (!ex) {
      this.body.replaceChildren(el("p", { class: "inspector-message" }, message || ""));
      return;
    }
    const parts = [];
    parts.push(el("p", { class: "inspector-rule" }, el("b", {}, `${t("inspector_rule")} · ${this.catalogue.optimizerName(ex.optimizer)}:`),
      ex.rule && ex.own ? el("code", { class: "rule-lines" }, ex.rule) : ex.rule ? ` ${ex.rule}` : null));
    const rows = ex.rows.map((row) => el("tr", { "data-name": row.name }, el("th", { scope: "row", title: row.title || undefined }, row.label),
      el("td", {}, "before" in row ? `${t("inspector_before")} ${fmt(row.before)} → ${t("inspector_after")} ${fmt(row.value)}` : fmt(row.value))));
    parts.push(el("table", { class: "inspector-table" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("inspector_quantity")), el("th", { scope: "col" }, t("inspector_value")))),
      el("tbody", {}, ...rows)));
    const legend = el("ul", { class: "inspector-legend", "aria-label": t("inspector_arrows") });
    ex.arrows.forEach((a, i) => {
      legend.append(el("li", { "data-term": a.key }, el("span", { class: "swatch", style: `background:${this.colour(a.key, i)}` }),
        `${a.label}  ${fmt(a.vector)}`));
    });
    parts.push(el("h3", {}, t("inspector_arrows")), legend);
    if (this.arrowScale && this.arrowScale !== 1) parts.push(el("p", { class: "inspector-note" }, t("inspector_scaled", { s: fmt(this.arrowScale) })));
    this.body.replaceChildren(...parts);
  }

  colour(key, i) { return COLORS[key] || OTHER_COLORS[i % OTHER_COLORS.length]; }

  // --- the arrows: an SVG layer of the overlay, in its axes ------------------------------------------------------
  /** One factor for every arrow: to scale while the longest lies between ARROW_MIN and ARROW_MAX of the view's span. */
  scaleOf(ex) {
    const ranges = this.overlay.axes()?.ranges;
    if (!ex || !ranges) return 1;
    const span = Math.min(Math.abs(ranges.x[1] - ranges.x[0]), Math.abs(ranges.y[1] - ranges.y[0]));
    const longest = Math.max(...ex.arrows.map((a) => Math.hypot(a.vector[0], a.vector[1])).filter(Number.isFinite), 0);
    return longest > 0 && (longest < ARROW_MIN * span || longest > ARROW_MAX * span) ? (ARROW_MAX * span) / longest : 1;
  }

  /** The arrows of the explained step, each from the point to point + scale × term (drawn by the overlay). */
  arrows() {
    const ex = this.explained?.ex;
    if (!ex || this.root.hidden || this.store.peek().view.mode !== "overlay") return [];
    const [px, py] = ex.point;
    return ex.arrows.map((a, i) => ({ key: a.key, label: a.label, colour: this.colour(a.key, i), from: [px, py],
      to: [px + a.vector[0] * this.arrowScale, py + a.vector[1] * this.arrowScale] }))
      .filter((a) => Number.isFinite(a.to[0]) && Number.isFinite(a.to[1]) && (a.to[0] !== px || a.to[1] !== py));
  }

  draw(group, axes) {
    group.replaceChildren(...this.arrows().map((a) => {
      const [x0, y0] = axes.toPixel(a.from);
      const [x1, y1] = axes.toPixel(a.to);
      const ang = Math.atan2(y1 - y0, x1 - x0), hd = a.key === "step" ? 14 : 11;
      const path = document.createElementNS(SVG, "path");
      path.setAttribute("d", `M${x0},${y0} L${x1},${y1} M${x1},${y1} L${x1 - hd * Math.cos(ang - 0.45)},${y1 - hd * Math.sin(ang - 0.45)} `
        + `M${x1},${y1} L${x1 - hd * Math.cos(ang + 0.45)},${y1 - hd * Math.sin(ang + 0.45)}`);
      path.setAttribute("stroke", a.colour);
      path.setAttribute("stroke-width", a.key === "step" ? 4 : 2.5);
      path.setAttribute("fill", "none");
      path.setAttribute("stroke-linecap", "round");
      Object.assign(path.dataset, { term: a.key, from: a.from.join(","), to: a.to.join(",") });  // data coordinates
      const title = document.createElementNS(SVG, "title");
      title.textContent = a.label;
      path.append(title);
      return path;
    }));
    this.place();
  }

  // --- where the card sits ------------------------------------------------------------------------------
  /** In the side panel, over the run settings, whenever the panel is shown: beside the plot, never over it, as tall as
   *  the window; presenting, in a column of its own beside the figure (the figure narrows). Without either (a narrow
   *  window, an embed), over the corner of the views' area that hides least: never the inspected point, the arrows'
   *  heads or a lane's end where another corner leaves them free. The open button is shown when the inspector can be
   *  used. */
  place() {
    this.openButton.hidden = !this.root.hidden || !this.usable() || this.embed;
    if (this.root.hidden) { document.body.classList.remove("inspecting"); return; }
    const panel = document.querySelector(".panel");
    const dock = panel && panel.offsetParent !== null && panel.clientWidth >= 300 && getComputedStyle(panel).display !== "none"
      && panel.getBoundingClientRect().top < window.innerHeight / 2;
    const present = "present" in document.body.dataset && window.innerWidth >= 900;
    document.body.classList.toggle("inspecting", present);  // (the CSS gives the card its column)
    if (dock || present) {  // the panel's first section (the run settings scroll on under it), or the figure's side
      const home = dock ? panel : document.querySelector(".layout");
      if (this.root.parentElement !== home) { if (dock) home.prepend(this.root); else home.append(this.root); }
      this.root.classList.add("docked");
      for (const k of ["left", "top", "width", "maxHeight"]) this.root.style[k] = "";
      this.root.dataset.side = dock ? "panel" : "beside";
      return;
    }
    if (this.root.parentElement !== document.body) document.body.append(this.root);
    this.root.classList.remove("docked");
    const r = this.area.getBoundingClientRect();
    const pane = this.area.closest(".stage")?.getBoundingClientRect() || { top: 0, bottom: window.innerHeight };
    const width = Math.min(390, Math.max(260, r.width * 0.42));
    this.root.style.width = `${width}px`;
    const top = Math.max(r.top, pane.top) + 8, bottom = Math.min(r.bottom, pane.bottom) - 8;
    this.root.style.maxHeight = `${Math.max(200, bottom - top)}px`;
    const height = Math.min(this.root.offsetHeight || 0, bottom - top);
    const axes = this.overlay.axes();
    const lanes = this.results.get().runs?.lanes || [];
    const anchors = axes ? [...this.arrows().flatMap((a, i) => [...(i ? [] : [[...axes.toClient(a.from), 10]]), [...axes.toClient(a.to), 3]]),
      ...lanes.filter((l) => l.points.length).map((l) => [...axes.toClient(l.points[l.points.length - 1]), 5])] : [];
    const corners = [[r.right - width - 8, top, "right"], [r.left + 8, top, "left"], [r.right - width - 8, bottom - height, "right-bottom"],
      [r.left + 8, bottom - height, "left-bottom"]];
    const hidden = ([x0, y0]) => anchors.reduce((n, [x, y, w]) =>
      n + (x >= x0 - 12 && x <= x0 + width + 12 && y >= y0 - 12 && y <= y0 + height + 12 ? w : 0), 0);
    const best = corners.reduce((a, b) => (hidden(b) < hidden(a) ? b : a));
    this.root.dataset.side = best[2];
    this.root.style.left = `${best[0] + window.scrollX}px`;
    this.root.style.top = `${best[1] + window.scrollY}px`;
  }
}
