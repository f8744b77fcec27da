// One step of a run, explained for the step inspector: the rows of its table and the arrows it draws, from the run's
// own explanation (include: ["terms"]: each step's additive terms, summing to the step, and the quantities the rule
// computed), labelled by the server's catalogue. The page holds no update rule.
import { t } from "../i18n.js";
import { CUSTOM } from "../state.js";

/** The phase (optimizer) that takes step k: a lane's own optimizer (and rule), or the one it switches to. */
function phaseOf(run, k) {
  return run.switch && k >= run.switch.at_step ? { optimizer: run.switch.optimizer, rule: run.switch.rule, start: run.switch.at_step }
    : { optimizer: run.optimizer, rule: run.rule, start: 0 };
}

/** A catalogue label "symbol: what it is" as a short row name and its whole text (the row's tooltip). */
function split(label, name) {
  if (!label) return { label: name, title: "" };
  const at = label.indexOf(": ");
  return at > 0 && at < 40 ? { label: label.slice(0, at), title: label } : { label, title: "" };
}

/** Step k (0-based: from points[k] to points[k + 1]) of ``run`` explained, or null past its end:
 *  {optimizer, rule, rows: [{name, label, title, value, before?}], arrows: [{key, label, vector}], point}. */
export function explain(run, k, catalogue) {
  if (!run?.terms || !Number.isInteger(k) || k < 0 || k + 1 >= run.points.length) return null;
  const { optimizer, rule, start } = phaseOf(run, k);
  const o = catalogue.optimizer(optimizer);
  const point = run.points[k];
  const step = [run.points[k + 1][0] - point[0], run.points[k + 1][1] - point[1]];
  const quantities = run.quantities?.[k] || {};
  const rows = [{ name: "point", label: t("inspector_point"), value: point }];
  if (run.gradients?.[k]) rows.push({ name: "gradient", label: t("inspector_gradient"), value: run.gradients[k] });
  if (run.lrs?.[k] !== undefined && run.gradients && !("lr" in quantities)) rows.push({ name: "lr", label: t("inspector_lr"), value: run.lrs[k] });
  for (const [name, value] of Object.entries(quantities)) {
    // a rule's quantities are its state: shown below, before and after
    if (value === null || value === undefined || (optimizer === CUSTOM && name in (run.state || {}))) continue;
    rows.push({ name, ...split(catalogue.quantityLabel(optimizer, name) ?? (name === "lr" ? t("inspector_lr") : null), name), value });
  }
  for (const [name, values] of Object.entries(run.state || {})) {
    const after = values[k];
    if (after === null || after === undefined) continue;
    const before = k > start ? values[k - 1] : null;
    const label = split(o?.state?.find((s) => s.name === name)?.[document.documentElement.lang], name);
    rows.push({ name, ...label, value: after, before });
  }
  rows.push({ name: "step_taken", label: t("inspector_step_taken"), value: step });
  const arrows = Object.entries(run.terms[k] || {}).filter(([, v]) => Array.isArray(v))
    .map(([key, vector]) => ({ key, vector, label: catalogue.termLabel(optimizer, key) ?? key }));
  // a lane's own rule is its own text (its terms are named after its pieces: "-lr*m"); a built-in's is the catalogue's
  return { optimizer, rule: optimizer === CUSTOM ? rule ?? null : catalogue.rule(optimizer), own: optimizer === CUSTOM, rows, arrows, point };
}
