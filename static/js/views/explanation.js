// One step of a run, explained for the step inspector: the rows of its table and the arrows it draws. From the run's
// own explanation (include: ["terms"]: each step's additive terms, summing to the step, and the quantities the rule
// computed), labelled by the server's catalogue; the page holds no update rule. Servers that do not explain their
// steps yet are read through the older rules of steprules.js.
import { t } from "../i18n.js";
import { explainStep, STATELESS, termLabel } from "./steprules.js";

/** The phase (optimizer) that takes step k: a lane's own optimizer, or the one it switches to. */
function phaseOf(run, k) {
  return run.switch && k >= run.switch.at_step ? { optimizer: run.switch.optimizer, start: run.switch.at_step } : { optimizer: run.optimizer, start: 0 };
}

/** A catalogue label "symbol: what it is" as a short row name and its whole text (the row's tooltip). */
function split(label, name) {
  if (!label) return { label: name, title: "" };
  const at = label.indexOf(": ");
  return at > 0 && at < 40 ? { label: label.slice(0, at), title: label } : { label, title: "" };
}

/** Step k (0-based: from points[k] to points[k + 1]) of ``run`` explained, or null past its end:
 *  {optimizer, rule, notes, rows: [{label, title, value}], arrows: [{key, label, vector}], point}. */
export function explain(run, k, catalogue) {
  if (!run || !Number.isInteger(k) || k < 0 || k + 1 >= run.points.length) return null;
  return run.terms ? fromTerms(run, k, catalogue) : fromRules(run, k);
}

function fromTerms(run, k, catalogue) {
  const { optimizer, start } = phaseOf(run, k);
  const o = catalogue.optimizer(optimizer);
  const point = run.points[k];
  const step = [run.points[k + 1][0] - point[0], run.points[k + 1][1] - point[1]];
  const quantities = run.quantities?.[k] || {};
  const rows = [{ label: t("inspector_point"), value: point }];
  if (run.gradients?.[k]) rows.push({ label: t("inspector_gradient"), value: run.gradients[k] });
  if (run.lrs?.[k] !== undefined && run.gradients && !("lr" in quantities)) rows.push({ label: t("inspector_lr"), value: run.lrs[k] });
  for (const [name, value] of Object.entries(quantities)) {
    if (value === null || value === undefined) continue;
    rows.push({ ...split(catalogue.quantityLabel(optimizer, name), name), value });
  }
  for (const [name, values] of Object.entries(run.state || {})) {
    const after = values[k];
    if (after === null || after === undefined) continue;
    const before = k > start ? values[k - 1] : null;
    const label = split(o?.state?.find((s) => s.name === name)?.[document.documentElement.lang], name);
    rows.push({ ...label, value: after, before });
  }
  rows.push({ label: t("inspector_step_taken"), value: step });
  const arrows = Object.entries(run.terms[k] || {}).filter(([, v]) => Array.isArray(v))
    .map(([key, vector]) => ({ key, vector, label: catalogue.termLabel(optimizer, key) ?? key }));
  return { optimizer, rule: catalogue.rule(optimizer), notes: [], rows, arrows, point };
}

/** (Servers before explained steps: the page's own copies of twelve rules, the others' state before and after.) */
function fromRules(run, k) {
  const ex = explainStep(run, k);
  if (!ex) return null;
  const L = document.documentElement.lang;
  const notes = [ex.stateless ? STATELESS[L] || STATELESS.en : null, ex.note ? ex.note[L] || ex.note.en : null,
    ex.generic ? t("inspector_generic") : null].filter(Boolean);
  const rows = [{ label: t("inspector_point"), value: ex.point }];
  if (ex.gradient) rows.push({ label: termLabel("gradient", L), value: ex.gradient });
  if (ex.lr !== null && ex.lr !== undefined) rows.push({ label: termLabel("lr", L), value: ex.lr });
  for (const [key, value] of Object.entries(ex.quantities || {})) {
    if (key === "decayed_gradient" && ex.gradient && value[0] === ex.gradient[0] && value[1] === ex.gradient[1]) continue;
    rows.push({ label: termLabel(key, L), value });
  }
  for (const s of ex.state || []) {
    rows.push({ label: s.symbol && s.symbol !== s.name ? `${s.name} (${s.symbol})` : s.name, value: s.after ?? s.computed, before: s.before });
  }
  rows.push({ label: termLabel("step", L), value: ex.actual });
  const arrows = Object.entries(ex.arrows || {}).map(([key, vector]) => ({ key, vector, label: termLabel(key, L) }));
  return { optimizer: ex.optimizer, rule: ex.rule ? ex.rule[L] || ex.rule.en : null, notes, rows, arrows, point: ex.point };
}
