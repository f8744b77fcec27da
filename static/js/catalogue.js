// What the server offers, as the server says it: optimizers (names, descriptions, update rules, parameter specs, the
// names of the terms and quantities a step reports), surfaces, schedules, limits and lessons, each in the reader's
// language. The page's own words live in static/i18n; nothing here is a second copy of the server's catalogue.
import { getJSON } from "./api.js";
import { language, t } from "./i18n.js";
import { CUSTOM } from "./state.js";

/** ``texts`` ({en, ko}) in the page's language (English when it has none). */
function inLanguage(texts) {
  if (!texts || typeof texts !== "object") return null;
  return texts[language()] ?? texts.en ?? null;
}

export class Catalogue {
  static async load() {
    const [optimizers, surfaces, lessons, limits, schedules, verdicts] = await Promise.all([getJSON("/api/optimizers"),
      getJSON("/api/surfaces"), getJSON("/api/lessons").catch(() => []), getJSON("/api/limits").catch(() => ({})),
      getJSON("/api/schedules"), getJSON("/api/verdicts")]);
    return new Catalogue({ optimizers, surfaces, lessons, limits, schedules, verdicts });
  }

  constructor({ optimizers, surfaces, lessons, limits, schedules, verdicts = [] }) {
    this.optimizers = optimizers;
    this.optimizerById = new Map(optimizers.map((o) => [o.id, o]));
    this.surfaces = surfaces;
    this.surfaceById = new Map(surfaces.map((s) => [s.id, s]));
    this.lessons = lessons;
    this.limits = limits;
    this.schedules = schedules;
    this.verdicts = new Map(verdicts.map((v) => [v.verdict, v]));
  }

  optimizer(id) { return this.optimizerById.get(id) || null; }
  /** Whether a lane may name ``id``: an optimizer of the catalogue, or "custom" (the lane's own update rule). */
  offers(id) { return id === CUSTOM || this.optimizerById.has(id); }
  surface(id) { return this.surfaceById.get(id) || null; }
  lesson(id) { return this.lessons.find((l) => l.id === id) || null; }
  hasDataset(id) { return !!this.surfaceById.get(id)?.dataset; }
  param(optimizer, name) { return this.optimizer(optimizer)?.params.find((p) => p.name === name) || null; }
  schedule(type) { return this.schedules.find((s) => s.type === type) || null; }

  /** An optimizer's name in the page's language ("custom": the page's name for a rule of your own). */
  optimizerName(id) {
    if (id === CUSTOM) return t("rule_name");
    return inLanguage(this.optimizer(id)?.names) ?? id;
  }

  optimizerDescription(id) {
    if (id === CUSTOM) return t("rule_desc");
    return inLanguage(this.optimizer(id)?.descriptions) ?? "";
  }

  surfaceName(id) {
    if (id === "custom") return t("custom_surface_name");
    return inLanguage(this.surface(id)?.names) ?? id;
  }

  surfaceDescription(meta) {
    if (meta.id === "custom") return t("custom_surface_desc");
    return inLanguage((this.surface(meta.id) || meta).descriptions) ?? "";
  }

  /** A hyperparameter's label (``spec`` from the optimizer's params), and its description (a tooltip). */
  paramLabel(spec) { return inLanguage(spec?.labels) ?? spec?.name ?? ""; }
  paramDescription(spec) { return inLanguage(spec?.descriptions) ?? ""; }

  /** A run summary's verdict (GET /api/verdicts), its short name and its meaning in the page's language. */
  verdictName(verdict) { return inLanguage(this.verdicts.get(verdict)?.names) ?? verdict; }
  verdictDescription(verdict) { return inLanguage(this.verdicts.get(verdict)?.descriptions) ?? ""; }

  scheduleName(type) { return inLanguage(this.schedule(type)?.names) ?? type; }

  /** An optimizer's update rule as text, and the labels of the terms and quantities its steps report, or null. */
  rule(id) { return inLanguage(this.optimizer(id)?.rule); }
  termLabel(id, name) { return inLanguage(this.optimizer(id)?.terms?.find((x) => x.name === name)); }
  quantityLabel(id, name) { return inLanguage(this.optimizer(id)?.quantities?.find((x) => x.name === name)); }

  /** A figure's title and caption in the page's language (slides, videos, GIFs): the open lesson's title and caption,
   *  else the surface's name and its formula; the state's own ``view.caption`` wins over either caption (as in the
   *  HTML export). */
  figureText(state, meta) {
    const lesson = this.lesson(state.view?.lesson);
    const own = state.view?.caption;
    if (lesson) return { title: inLanguage(lesson.title) ?? "", caption: own || (inLanguage(lesson.caption) ?? "") };
    return { title: this.surfaceName(state.surface), caption: own || (meta?.formula ? `f(x, y) = ${meta.formula}` : "") };
  }

  /** A lesson's lane label in the page's language (lessons carry labels: {en: [...], ko: [...]}), or null. Labels are
   *  templates ("GD lr {lr}") the server fills from the lane's values. */
  lessonLabel(label) { return this.lessonLabels(label)?.[language()] ?? null; }

  /** A lesson's lane label in every language ({en, ko}: the templates the request's ``labels`` carries), or null. */
  lessonLabels(label) {
    for (const lesson of this.lessons) {
      const i = lesson.labels?.en?.indexOf(label) ?? -1;
      if (i >= 0) return Object.fromEntries(Object.entries(lesson.labels).map(([lang, list]) => [lang, list[i] ?? label]));
    }
    return null;
  }

  /** A lane's name as the legend shows it. ``own``: the label the state gives it (a template); ``run``: the lane as the
   *  server echoed it, whose ``labels``/``label`` are that template filled from the lane's live values (so "GD lr {lr}"
   *  reads "GD lr 0.9" once lr is 0.9). Without an echo of ``own`` (a map view, before the first answer) the
   *  template's plain {fields} are filled from the lane's own params; with no label, the optimizer's name and lr. */
  laneLabel(own, run) {
    if (own) {
      if (run && (run.label_template ?? run.label) === own) return run.labels?.[language()] ?? run.label;
      const template = this.lessonLabel(own) ?? own;
      return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (field, name) => {
        const v = run?.params?.[name];
        return typeof v === "number" ? String(+v.toPrecision(6)) : field;
      });
    }
    let label = this.optimizerName(run.optimizer);
    if (run.params && typeof run.params.lr === "number") label += ` lr=${+run.params.lr.toPrecision(3)}`;
    if (run.switch) label += ` → ${this.optimizerName(run.switch.optimizer)} @${run.switch.at_step}`;
    return label;
  }
}
