// The custom-formula box: live validation with the error underlined, a typeset preview, examples.
import { t } from "./i18n.js";

export const EXAMPLES = [
  "x^2 + 3*y^2",
  "(1 - x)^2 + 100*(y - x^2)^2",
  "sin(3*x)*cos(3*y) + 0.1*(x^2 + y^2)",
  "x^2 - y^2 + 0.25*y^4",
  "log(1 + exp(x)) + log(1 + exp(-y)) + 0.05*(x^2 + y^2)",
  "abs(x) + 2*abs(y)",
  "x^3 - 3*x*y^2",
];

/** LaTeX (as the API writes it) to HTML good enough for a preview: sup, fractions, Greek, functions. */
export function latexToHtml(tex) {
  let s = tex.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]);
  s = s.replace(/\\left\(/g, "(").replace(/\\right\)/g, ")").replace(/\\left\|/g, "|").replace(/\\right\|/g, "|");
  s = s.replace(/\\cdot/g, "·").replace(/\\pi/g, "π").replace(/\\times/g, "×");
  s = s.replace(/\\(sin|cos|tan|exp|log|tanh|sinh|cosh)/g, "$1");
  for (let k = 0; k < 8; k++) {
    s = s.replace(/\\sqrt\{([^{}]*)\}/g, "√($1)").replace(/\\frac\{([^{}]*)\}\{([^{}]*)\}/g, "($1)/($2)")
      .replace(/\^\{([^{}]*)\}/g, "<sup>$1</sup>");
  }
  return s;
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
    for (const d of this.domain) d.addEventListener("change", () => this.validate());
    this.seq = 0;
  }

  show(visible, formula, domain) {
    this.box.hidden = !visible;
    if (!visible) return;
    if (formula !== undefined) this.input.value = formula;
    if (domain) [domain.x[0], domain.x[1], domain.y[0], domain.y[1]].forEach((v, i) => { this.domain[i].value = v; });
    if (!this.input.value) this.input.value = EXAMPLES[2];
  }

  currentDomain() {
    const [x0, x1, y0, y1] = this.domain.map((d) => Number(d.value));
    return { x: [x0, x1], y: [y0, y1] };
  }

  async validate() {
    const formula = this.input.value;
    const domain = this.currentDomain();
    const seq = ++this.seq;
    const res = await fetch("/api/surfaces/custom", { method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ formula, domain }) });
    if (seq !== this.seq) return; // a newer keystroke has been sent
    const body = await res.json();
    if (!res.ok) {
      const d = body.detail?.[0] || {};
      const pos = d.ctx?.position;
      this.error.replaceChildren();
      if (Number.isInteger(pos)) {
        const mark = document.createElement("mark");
        mark.textContent = formula.slice(pos, pos + 1) || " ";
        this.error.append(formula.slice(0, pos), mark, formula.slice(pos + 1), "\n");
      }
      this.error.append(d.ctx?.reason || d.msg || t("error", { msg: res.status }));
      this.input.setAttribute("aria-invalid", "true");
      return;
    }
    this.error.replaceChildren();
    this.input.removeAttribute("aria-invalid");
    this.preview.innerHTML = `f(x, y) = ${latexToHtml(body.latex)}`;
    this.onValid(formula, domain, body);
  }
}
