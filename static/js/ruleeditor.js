// The editor of a lane's own update rule (optimizer "custom"): a monospace text area with line numbers, examples to
// start from and the grammar in a short help (GET /api/rules, in the page's language). What is typed is checked by the
// server (POST /api/rules/check) a moment after the keys stop; a valid rule goes to the store (the lane's paths follow
// it), a bad one is marked where it is (its line, its column, the server's message) and the lane keeps running the last
// valid rule. The page parses nothing: every mark comes from the server's answer.
//
// Keys: Tab and Shift+Tab leave the text area as they leave any field (a rule needs no indentation), so the editor is
// never a trap for the keyboard; the help says so.
import { el } from "./dom.js";
import { language, t } from "./i18n.js";

const CHECK_AFTER = 250;  // ms after the last key
let count = 0;

/** The text of ``texts`` ({en, ko}) in the page's language. */
const said = (texts) => (texts && typeof texts === "object" ? texts[language()] ?? texts.en ?? "" : "");

export class RuleEditor {
  /** ``lane``: the lane's index (its controls' names carry it, 1-based); ``text``: what the area shows (the lane's
   *  rule, or a draft that has not become one); ``rulebook``: the server's answers about rules; ``onValid(rule, answer,
   *  suggested)``: a valid rule typed (``suggested``: an example's values for its hyperparameters); ``onDraft(text)``:
   *  the text now shown. */
  constructor({ lane, text, rulebook, onValid, onDraft }) {
    Object.assign(this, { lane, rulebook, onValid, onDraft });
    this.id = `rule-${++count}`;
    this.errors = [];
    this.build(text);
    this.draw();
    this.checkSoon(0);
  }

  build(text) {
    const name = `${t("rule_editor")} ${this.lane + 1}`;
    this.area = el("textarea", { id: this.id, class: "rule-text", rows: 1, spellcheck: "false", autocomplete: "off",
      autocapitalize: "off", wrap: "soft", "aria-label": name, "data-rule": "", "aria-describedby": `${this.id}-help-short` });
    this.area.value = text;
    this.area.addEventListener("input", () => { this.onDraft(this.area.value); this.draw(); this.checkSoon(CHECK_AFTER); });
    this.gutter = el("div", { class: "rule-gutter", "aria-hidden": "true" });
    this.backdrop = el("div", { class: "rule-backdrop", "aria-hidden": "true" });
    const code = el("div", { class: "rule-code" }, this.backdrop, this.area);
    new ResizeObserver(() => this.fitGutter()).observe(code);
    this.list = el("ul", { id: `${this.id}-errors`, class: "rule-errors", "aria-live": "polite" });
    this.examples = el("select", { class: "rule-examples", "aria-label": `${t("rule_examples")} ${this.lane + 1}`,
      onchange: () => this.startFrom(this.examples.value) }, el("option", { value: "" }, t("rule_examples")));
    this.help = el("details", { class: "rule-help" }, el("summary", {}, t("rule_help")));
    this.helpText = el("div", { id: `${this.id}-help` });
    this.help.append(this.helpText);
    this.root = el("div", { class: "rule-editor", role: "group", "aria-label": name },
      el("div", { class: "rule-bar" }, el("label", { for: this.id, class: "rule-label" }, t("rule_editor")), this.examples),
      el("p", { id: `${this.id}-help-short`, class: "rule-hint" }, t("rule_hint")),
      el("div", { class: "rule-box" }, this.gutter, code), this.list, this.help);
    this.rulebook.grammar().then((grammar) => this.fillGrammar(grammar)).catch(() => {});
  }

  /** The examples menu and the help, from the server's grammar. */
  fillGrammar(grammar) {
    this.grammar = grammar;
    this.examples.replaceChildren(el("option", { value: "" }, t("rule_examples")),
      ...grammar.examples.map((e) => el("option", { value: e.id }, said(e.name))));
    const names = Object.entries(grammar.names).map(([n, texts]) => el("li", {}, el("code", {}, n), ` ${said(texts)}`));
    const help = Object.values(grammar.help).map((texts) => el("li", {}, said(texts)));
    const plain = grammar.functions.filter((f) => !(f in grammar.help));
    this.helpText.replaceChildren(
      el("p", {}, t("rule_help_lines")),
      el("ul", {}, ...names),
      el("p", {}, t("rule_help_state")),
      el("p", {}, `${t("rule_help_functions")} `, el("code", {}, plain.join(", ")), ` · ${t("rule_help_operators")} `,
        el("code", {}, grammar.operators.filter((o) => o !== "(" && o !== ")").join(" ")), ` · ${t("rule_help_comment")} `,
        el("code", {}, grammar.comment)),
      el("ul", {}, ...help),
      el("p", {}, t("rule_help_limits", { lines: grammar.limits.lines, length: grammar.limits.length })),
      el("p", {}, t("rule_help_keys")));
  }

  /** An example replaces the text (its hyperparameters' values come with it). */
  startFrom(id) {
    const example = this.grammar?.examples.find((e) => e.id === id);
    this.examples.value = "";
    if (!example) return;
    this.area.value = example.rule;
    this.onDraft(example.rule);
    this.draw();
    this.checkSoon(0, example.params);  // (the focus stays on the menu: its arrow keys go on choosing)
  }

  checkSoon(ms, suggested = {}) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.check(suggested), ms);
  }

  async check(suggested) {
    const text = this.area.value;
    let answer;
    try {
      answer = await this.rulebook.check(text);
    } catch (err) {
      if (text === this.area.value) this.mark([{ line: null, column: null, message: err.message }]);
      return;
    }
    if (text !== this.area.value) return;  // typed on meanwhile: the newer text is checked in its turn
    this.mark(answer.ok ? [] : answer.errors);
    if (answer.ok) this.onValid(text, answer, suggested);
  }

  /** Mark ``errors`` ({line, column, message}; a null line: the rule as a whole) where they are, or clear the marks. */
  mark(errors) {
    this.errors = errors;
    const bad = errors.length > 0;
    if (bad) this.area.setAttribute("aria-invalid", "true"); else this.area.removeAttribute("aria-invalid");
    this.area.dataset.typed = bad ? "bad" : "";  // a run's end clears the server's marks elsewhere, never these
    this.area.setAttribute("aria-describedby", bad ? `${this.id}-errors ${this.id}-help-short` : `${this.id}-help-short`);
    this.list.replaceChildren(...errors.map((e) => el("li", { "data-line": e.line ?? "" },
      e.line ? `${t(e.column ? "rule_error_at" : "rule_error_line", { line: e.line, column: e.column })} ${e.message}` : e.message)));
    this.draw();
  }

  /** The lines behind the text (each bad one tinted, its column underlined) and their numbers beside it. */
  draw() {
    const lines = this.area.value.split("\n");
    const at = new Map();
    for (const e of this.errors) if (e.line) at.set(e.line, at.get(e.line) ?? e.column ?? null);
    this.backdrop.replaceChildren(...lines.map((line, k) => {
      const row = el("div", { class: "rule-line" });
      if (!at.has(k + 1)) { row.append(line || "\u200b"); return row; }
      row.classList.add("bad");
      const c = at.get(k + 1);
      if (!c) { row.append(line || "\u200b"); return row; }
      const i = Math.min(c - 1, line.length);
      row.append(line.slice(0, i), el("mark", {}, line.slice(i, i + 1) || " "), line.slice(i + 1));
      return row;
    }));
    this.gutter.replaceChildren(...lines.map((_, k) => el("div", { class: at.has(k + 1) ? "bad" : undefined }, String(k + 1))));
    this.fitGutter();
  }

  /** Each number as tall as its line (a long line wraps). */
  fitGutter() {
    const rows = this.backdrop.children;
    [...this.gutter.children].forEach((n, k) => { n.style.height = rows[k] ? `${rows[k].offsetHeight}px` : ""; });
  }

  /** A run's refusal of the lane's rule (a 422 at [..., "rule"], ctx {line, column, reason}), marked like the check's. */
  refused(item) {
    const ctx = item.ctx || {};
    this.mark([{ line: ctx.line ?? null, column: ctx.column ?? null, message: ctx.reason ?? String(item.msg ?? "") }]);
  }
}
