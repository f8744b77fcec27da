// The lessons menu and the open lesson's caption. A lesson is a state the server ships (GET /api/lessons) with its
// title, caption and lane labels in both languages; opening one is one patch of the store.
import { onLanguage, t } from "./i18n.js";

export class Lessons {
  constructor({ store, catalogue, menu, caption }) {
    Object.assign(this, { store, catalogue, menu, caption });
    menu.addEventListener("change", () => { if (menu.value) this.open(menu.value); });
    store.subscribe((next, prev) => { if (next.view.lesson !== prev.view.lesson) this.show(); });
    onLanguage(() => { this.fill(); this.show(); });
    this.fill();
    this.show();
  }

  /** Open lesson ``id``: its state, from its start, in its view; nothing of the previous state stays behind. */
  open(id) {
    const lesson = this.catalogue.lesson(id);
    if (!lesson) return;
    const s = structuredClone(lesson.state);
    this.store.update({ surface: s.surface, start: s.start || null, steps: s.steps, formula: null, domain: null,
      surface_options: null, gradient: { mode: "analytic", noise: 0, seed: 0, h: null, batch_size: null, ...(s.gradient || {}) },
      optimizers: s.optimizers, view: { mode: s.view?.mode || "overlay", arrows: !!s.view?.arrows, lesson: id,
        test_contour: !!s.view?.test_contour, inspect: null, colors: [], tuned: false, cloud: false, zoom: null, step: null } }, "lesson");
  }

  fill() {
    const lang = document.documentElement.lang;
    this.menu.replaceChildren(new Option(t("lessons"), ""),
      ...this.catalogue.lessons.map((l) => new Option(l.title[lang] || l.title.en, l.id)));
    this.menu.value = this.store.peek().view.lesson || "";
  }

  show() {
    const lesson = this.catalogue.lesson(this.store.peek().view.lesson);
    this.caption.hidden = !lesson;
    this.menu.value = lesson ? lesson.id : "";
    if (!lesson) return;
    const lang = document.documentElement.lang;
    const title = document.createElement("b");
    title.textContent = lesson.title[lang] || lesson.title.en;
    this.caption.replaceChildren(title, lesson.caption[lang] || lesson.caption.en);
  }
}
