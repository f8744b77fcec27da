// The top bar and the line under it: the surface (and the custom formula's box), the views' tabs, the language and
// the theme; the surface's name, formula and description; Tune lr.
import { loadLanguage, onLanguage, t } from "./i18n.js";
import { dismiss, toast } from "./messages.js";
import { requestBody } from "./runs.js";
import { tuneLearningRates } from "./views/sweep.js";

const $ = (id) => document.getElementById(id);

export class Toolbar {
  /** ``formula``: the custom formula's box; ``landKey(state)``: the key of the state's landscape. */
  constructor({ store, results, catalogue, formula, landKey, maps }) {
    Object.assign(this, { store, results, catalogue, formula, landKey, maps });
    $("surface").addEventListener("change", (e) => {
      const id = e.target.value;
      if (id === "custom") {  // the formula goes into the state once the server has parsed it
        formula.show(true, store.peek().formula, store.peek().domain);
        formula.validate();
        return;
      }
      store.update({ surface: id, view: { lesson: null } }, "control");
    });
    for (const b of $("views").querySelectorAll("button")) b.addEventListener("click", () => store.update({ view: { mode: b.dataset.view } }, "control"));
    $("theme").addEventListener("click", () => store.update({ view: { theme: document.documentElement.dataset.theme === "dark" ? "light" : "dark" } }, "control"));
    $("lang").addEventListener("click", () => store.update({ view: { lang: document.documentElement.lang === "ko" ? "en" : "ko" } }, "control"));
    $("sweep-axes").addEventListener("change", (e) => store.update({ view: { sweep: e.target.value } }, "control"));
    $("tune").addEventListener("click", () => this.tune());
    store.subscribe((next, prev) => {
      if (next.view.lang !== prev.view.lang && next.view.lang && next.view.lang !== document.documentElement.lang) loadLanguage(next.view.lang);
      if (next.view.theme !== prev.view.theme) this.applyTheme();
      if (next.surface !== prev.surface || landKey(next) !== landKey(prev)) formula.show(next.surface === "custom", next.formula, next.domain);
      this.sync(next);
    });
    results.subscribe((value, prev, patch) => { if ("land" in patch) this.showSurfaceInfo(); });
    onLanguage(() => { this.applyTheme(); this.fillSurfaces(); this.showSurfaceInfo(); this.sync(store.peek()); });
    this.applyTheme();
    this.fillSurfaces();
    const s = store.peek();
    if (s.surface === "custom") formula.show(true, s.formula, s.domain);
    this.sync(s);
  }

  fillSurfaces() {
    const options = this.catalogue.surfaces.filter((s) => s.id !== "custom").map((s) => new Option(this.catalogue.surfaceName(s.id), s.id));
    options.push(new Option(t("custom_surface"), "custom"));
    $("surface").replaceChildren(...options);
    $("surface").value = this.store.peek().surface;
  }

  applyTheme() {
    const choice = this.store.peek().view.theme;
    const theme = choice || (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
    document.documentElement.dataset.theme = theme;
    $("theme").textContent = theme === "dark" ? t("light_theme") : t("dark_theme");
  }

  sync(state) {
    $("surface").value = state.surface;
    $("sweep-axes").value = state.view.sweep;
    $("comparison").textContent = state.view.tuned ? t("comparison_tuned") : "";
    for (const b of $("views").querySelectorAll("button")) b.setAttribute("aria-selected", b.dataset.view === state.view.mode);
  }

  showSurfaceInfo() {
    const s = this.results.get().land?.meta;
    if (!s) return;
    const b = document.createElement("b");
    b.textContent = `${this.catalogue.surfaceName(s.id)}: `;
    const rest = `${s.formula}. ${this.catalogue.surfaceDescription(s)}`;
    $("surface-info").replaceChildren(b, rest);
    $("surface-info").title = b.textContent + rest;
  }

  /** The fairness helper: each lane at the lr with the lowest final loss of a log sweep. */
  async tune() {
    const land = this.results.get().land;
    if (!land) return;
    toast(t("computing"), { id: "tune" });
    const state = this.store.peek();
    const { optimizers, steps, start, ...surfaceRequest } = requestBody(state, this.catalogue);
    try {
      await tuneLearningRates(this.store, this.maps, this.catalogue, surfaceRequest, state.start || land.meta.default_start);
      dismiss("tune");
    } catch (err) {
      toast(t("error", { msg: err.message }), { id: "tune", error: true });
    }
  }
}
