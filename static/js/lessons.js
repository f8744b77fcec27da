// The lessons menu and the open lesson's caption. A lesson is a state the server ships (GET /api/lessons) with its
// title, caption and lane labels in both languages; opening one is one patch of the store. The caption shows two
// lines (more: all of it) and says when it may no longer hold: once anything the runs compute differs from the
// lesson as shipped (the surface, the start, the steps, the gradient, a lane's optimizer, hyperparameters,
// schedule...; not the view), with a button that opens the lesson again.
import { el } from "./dom.js";
import { onLanguage, t } from "./i18n.js";
import { requestBody } from "./runs.js";

export class Lessons {
  constructor({ store, catalogue, menu, caption }) {
    Object.assign(this, { store, catalogue, menu, caption });
    this.expanded = false;
    // an action menu: it always reads "Lessons…" (a title cut to the menu's width said little); the open lesson is
    // ticked in its list, and its caption names it
    menu.addEventListener("change", () => { const id = menu.value; menu.value = ""; if (id) this.open(id); });
    store.subscribe((next, prev) => {
      if (next.view.lesson !== prev.view.lesson) { this.expanded = false; this.show(); }
      else if (next.view.lesson) this.markEdited();
    });
    onLanguage(() => { this.fill(); this.show(); });
    new ResizeObserver(() => this.fitMore()).observe(caption);
    this.fill();
    this.show();
  }

  /** The patch that opens lesson ``id``: its state, from its start, in its view; nothing of the previous state stays. */
  patchOf(id) {
    const lesson = this.catalogue.lesson(id);
    if (!lesson) return null;
    const s = structuredClone(lesson.state);
    return { surface: s.surface, start: s.start || null, steps: s.steps, formula: null, domain: null,
      surface_options: null,
      gradient: { mode: "analytic", noise: 0, seed: 0, h: null, batch_size: null, ...(s.gradient || {}) },
      optimizers: s.optimizers, view: { mode: s.view?.mode || "overlay", arrows: !!s.view?.arrows, lesson: id,
        test_contour: !!s.view?.test_contour, inspect: null, colors: [], tuned: false, cloud: false, zoom: null, step: null,
        equal: s.view?.equal ?? null, caption: null } };
  }

  /** Open lesson ``id`` as shipped. */
  open(id) {
    const patch = this.patchOf(id);
    if (patch) this.store.update(patch, "lesson");
  }

  /** Whether what the runs compute differs from lesson ``id`` as shipped (the lanes' labels do not count). */
  edited(id, state = this.store.peek()) {
    const patch = this.patchOf(id);
    if (!patch) return false;
    const computed = (s) => {  // (the cloud's faint copies are a view of the same runs)
      const body = requestBody({ ...s, view: { ...s.view, cloud: false } }, this.catalogue);
      return JSON.stringify({ ...body, optimizers: body.optimizers.map(({ label, ...lane }) => lane) });
    };
    return computed(state) !== computed(this.store.preview(patch));
  }

  fill() {
    const lang = document.documentElement.lang;
    const open = this.store.peek().view.lesson;
    this.menu.replaceChildren(new Option(t("lessons"), ""),
      ...this.catalogue.lessons.map((l) => new Option(`${l.id === open ? "✓ " : ""}${l.title[lang] || l.title.en}`, l.id)));
    this.menu.value = "";
  }

  show() {
    const lesson = this.catalogue.lesson(this.store.peek().view.lesson);
    this.caption.hidden = !lesson;
    this.fill();
    if (!lesson) return;
    const lang = document.documentElement.lang;
    this.notice = el("p", { class: "caption-edited", role: "status", hidden: true }, t("lesson_edited"), " · ",
      el("button", { type: "button", class: "caption-reset", title: t("lesson_reset_tip"), onclick: () => this.open(lesson.id) }, t("lesson_reset")));
    this.text = el("div", { class: "caption-text", id: "lesson-caption-text" }, el("b", {}, lesson.title[lang] || lesson.title.en),
      lesson.caption[lang] || lesson.caption.en);
    this.more = el("button", { type: "button", class: "ghost caption-more", "aria-controls": "lesson-caption-text",
      onclick: () => { this.expanded = !this.expanded; this.fitMore(); } });
    this.caption.replaceChildren(el("div", { class: "caption-body" }, this.notice, this.text), this.more);
    this.markEdited();
    this.fitMore();
  }

  markEdited() {
    const id = this.store.peek().view.lesson;
    if (!this.notice || !id) return;
    const on = this.edited(id);
    if (on === !this.notice.hidden) return;
    this.notice.hidden = !on;
    this.caption.classList.toggle("edited", on);
  }

  /** The more/less button: shown while the caption is longer than its two lines, or open. */
  fitMore() {
    if (!this.more || this.caption.hidden) return;
    this.caption.classList.toggle("open", this.expanded);
    this.more.textContent = this.expanded ? t("caption_less") : t("caption_more");
    this.more.setAttribute("aria-expanded", String(this.expanded));
    const cut = this.text.scrollHeight > this.text.clientHeight + 2;
    this.more.hidden = !this.expanded && !cut;
  }
}
