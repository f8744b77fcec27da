// The custom-formula box: live validation with the error underlined, a typeset preview, examples, the domain.
// The formula goes into the state only once the server has parsed it; a bad domain field is marked beside it.
import { t } from "./i18n.js";
import { parseNumber, setFieldError } from "./messages.js";

export const EXAMPLES = [
  "x^2 + 3*y^2",
  "(1 - x)^2 + 100*(y - x^2)^2",
  "sin(3*x)*cos(3*y) + 0.1*(x^2 + y^2)",
  "x^2 - y^2 + 0.25*y^4",
  "log(1 + exp(x)) + log(1 + exp(-y)) + 0.05*(x^2 + y^2)",
  "abs(x) + 2*abs(y)",
  "x^3 - 3*x*y^2",
];

/** LaTeX (as the API writes it) to plain text with superscripts as <sup> nodes: no markup from the server is parsed. */
export function latexToNodes(tex) {
  let s = String(tex);
  s = s.replace(/\\left\(/g, "(").replace(/\\right\)/g, ")").replace(/\\left\|/g, "|").replace(/\\right\|/g, "|");
  s = s.replace(/\\cdot/g, "·").replace(/\\pi/g, "π").replace(/\\times/g, "×");
  s = s.replace(/\\(sin|cos|tan|exp|log|tanh|sinh|cosh)/g, "$1");
  for (let k = 0; k < 8; k++) s = s.replace(/\\sqrt\{([^{}]*)\}/g, "√($1)").replace(/\\frac\{([^{}]*)\}\{([^{}]*)\}/g, "($1)/($2)");
  const root = document.createDocumentFragment();
  const stack = [root];
  let text = "";
  const flush = () => { if (text) { stack[stack.length - 1].append(text); text = ""; } };
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "^" && s[i + 1] === "{") {
      flush();
      const sup = document.createElement("sup");
      stack[stack.length - 1].append(sup);
      stack.push(sup);
      i += 1;
    } else if (s[i] === "}" && stack.length > 1) {
      flush();
      stack.pop();
    } else if (s[i] === "^" && /[0-9a-z]/i.test(s[i + 1] || "")) {
      flush();
      const sup = document.createElement("sup");
      sup.textContent = s[i + 1];
      stack[stack.length - 1].append(sup);
      i += 1;
    } else if (s[i] !== "{" && s[i] !== "}") text += s[i];
  }
  flush();
  return root;
}

export class FormulaBox {
  constructor({ onValid }) {
    this.onValid = onValid;
    this.box = document.getElementById("formula-box");
    this.input = document.getElementById("formula");
    this.preview = document.getElementById("formula-preview");
    this.error = document.getElementById("formula-error");
    this.domain = ["dom-x0", "dom-x1", "dom-y0", "dom-y1"].map((id) => document.getElementById(id));
    const examples = document.getElementById("formula-examples");
    examples.replaceChildren(new Option("…", ""), ...EXAMPLES.map((e) => new Option(e, e)));
    examples.addEventListener("change", () => {
      if (examples.value) { this.input.value = examples.value; this.validate(); }
      examples.value = "";
    });
    this.input.addEventListener("input", () => { clearTimeout(this.timer); this.timer = setTimeout(() => this.validate(), 250); });
    for (const d of this.domain) d.addEventListener("input", () => { clearTimeout(this.timer); this.timer = setTimeout(() => this.validate(), 400); });
    this.seq = 0;
  }

  /** Show (with the state's formula and domain, unless the user is editing them) or hide the box. */
  show(visible, formula, domain) {
    this.box.hidden = !visible;
    if (!visible) return;
    const editing = [this.input, ...this.domain].some((n) => n === document.activeElement || n.getAttribute("aria-invalid") === "true");
    if (editing) return;
    if (formula !== undefined && formula !== null) this.input.value = formula;
    if (domain) [domain.x[0], domain.x[1], domain.y[0], domain.y[1]].forEach((v, i) => { this.domain[i].value = v; });
    if (!this.input.value) this.input.value = EXAMPLES[2];
  }

  /** The typed domain, or null with each bad field marked. */
  currentDomain() {
    const parsed = this.domain.map((d) => parseNumber(d.value, { min: -1e6, max: 1e6 }));
    parsed.forEach((r, i) => setFieldError(this.domain[i], r.reason || null));
    if (parsed.some((r) => r.reason)) return null;
    const [x0, x1, y0, y1] = parsed.map((r) => r.value);
    if (!(x0 < x1)) { setFieldError(this.domain[1], t("err_max_above_min")); return null; }
    if (!(y0 < y1)) { setFieldError(this.domain[3], t("err_max_above_min")); return null; }
    return { x: [x0, x1], y: [y0, y1] };
  }

  showError(formula, detail) {
    const d = (Array.isArray(detail) ? detail[0] : { msg: String(detail) }) || {};
    const pos = d.ctx?.position;
    this.error.replaceChildren();
    if (Number.isInteger(pos)) {
      const mark = document.createElement("mark");
      mark.textContent = formula.slice(pos, pos + 1) || " ";
      this.error.append(formula.slice(0, pos), mark, formula.slice(pos + 1), "\n");
    }
    this.error.append(String(d.ctx?.reason || d.msg || t("error", { msg: "422" })));
    this.input.setAttribute("aria-invalid", "true");
  }

  async validate() {
    const formula = this.input.value;
    const domain = this.currentDomain();
    if (!domain) return;
    if (!formula.trim()) { this.showError(formula, [{ msg: t("err_empty") }]); return; }
    const seq = ++this.seq;
    let res, body;
    try {
      res = await fetch("/api/surfaces/custom", { method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ formula, domain }) });
      body = await res.json();
    } catch (err) {
      if (seq === this.seq) this.showError(formula, [{ msg: t("error", { msg: err.message }) }]);
      return;
    }
    if (seq !== this.seq) return; // a newer keystroke has been sent
    if (!res.ok) {
      this.showError(formula, body.detail);
      return;
    }
    this.error.replaceChildren();
    this.input.removeAttribute("aria-invalid");
    this.preview.replaceChildren("f(x, y) = ", latexToNodes(body.latex));
    this.onValid(formula, domain, body);
  }
}
