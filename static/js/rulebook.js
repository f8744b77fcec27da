// What the server says about update rules (optimizer "custom", API.md "Your own optimizer"): the grammar a rule is
// written in, its limits and the examples to start from (GET /api/rules), and each rule checked (POST /api/rules/check:
// every line's error with its line and column, the hyperparameters it reads with their slider specs, its state and
// terms). The page parses no rule itself; answers are kept per text, so a rule is asked about once.
import { getJSON, postJSON } from "./api.js";

const KEEP = 64;  // checked rules remembered (a few lanes, each typed a little)

export class RuleBook {
  constructor() {
    this.grammarAnswer = null;
    this.asked = new Map();  // rule text -> the promise of its check
    this.answers = new Map();  // rule text -> its check, once answered
  }

  /** GET /api/rules, asked once. */
  grammar() {
    this.grammarAnswer ||= getJSON("/api/rules").catch((err) => { this.grammarAnswer = null; throw err; });
    return this.grammarAnswer;
  }

  /** The check of ``rule`` (without params: every name it reads and does not assign is a hyperparameter). */
  check(rule) {
    let asked = this.asked.get(rule);
    if (!asked) {
      asked = postJSON("/api/rules/check", { rule }).then((answer) => {
        remember(this.answers, rule, answer);
        return answer;
      }, (err) => { this.asked.delete(rule); throw err; });
      remember(this.asked, rule, asked);
    }
    return asked;
  }

  /** The check of ``rule`` if it has been answered, else null: what can be drawn without waiting. */
  known(rule) { return this.answers.get(rule) || null; }
}

function remember(map, key, value) {
  map.set(key, value);
  if (map.size > KEEP) map.delete(map.keys().next().value);
}

/** The hyperparameters a checked rule reads, valued: each name's value in ``params`` where it has one, else the one of
 *  ``suggested`` (an example's), else its spec's default. Exactly the names the rule reads (and lr), as the server
 *  takes them: a run refuses a hyperparameter the rule never reads. */
export function ruleParams(answer, params = {}, suggested = {}) {
  const out = {};
  for (const spec of answer.params) {
    const v = spec.name in params ? params[spec.name] : spec.name in suggested ? suggested[spec.name] : spec.default;
    out[spec.name] = typeof v === "number" && Number.isFinite(v) ? v : spec.default;
  }
  return out;
}
