"""Update rules for an editor: the grammar a rule is written in (``GET /api/rules``) and one rule checked
(``POST /api/rules/check``): every line's refusal with its line and column, the names it assigns, the
hyperparameters it reads (each with a slider's spec), the terms an explained step reports and its cost. The page
marks lines and builds sliders from this answer; it parses nothing itself."""
from __future__ import annotations

from ..formula.parser import CONSTANTS, LIMITS, RULE
from ..formula.rules import READ_ONLY, RULE_LIMITS, RuleError, check_rule
from ..optimizers.params import lr_spec
from ..optimizers.custom import rule_optimizer, suggested_spec, term_names
from ..optimizers.rule_examples import EXAMPLES
from ..schemas import RuleCheckIn
from .errors import validate

NAMES = {
    "p": {"en": "the point: read it, and assign it to move", "ko": "점: 읽고, 대입하면 움직입니다"},
    "g": {"en": READ_ONLY["g"], "ko": "p에서의 기울기"},
    "t": {"en": READ_ONLY["t"], "ko": "스텝 번호 (1부터)"},
    "lr": {"en": "this step's learning rate (after the schedule)", "ko": "이번 스텝의 학습률 (스케줄 적용 후)"},
}
FUNCTION_HELP = {
    "grad": {"en": "grad(q): the gradient at the point q (one more evaluation a step)",
             "ko": "grad(q): 점 q에서의 기울기 (스텝마다 평가 한 번 추가)"},
    "sign": {"en": "sign(a): -1, 0 or 1", "ko": "sign(a): -1, 0 또는 1"},
    "min": {"en": "min(a, b): the smaller", "ko": "min(a, b): 더 작은 값"},
    "max": {"en": "max(a, b): the larger", "ko": "max(a, b): 더 큰 값"},
}


def grammar() -> dict:
    """What a rule may contain, its limits and the examples to start from (``GET /api/rules``)."""
    return {
        "names": NAMES,
        "functions": [*RULE.functions, *RULE.pairs],
        "help": FUNCTION_HELP,
        "operators": ["+", "-", "*", "/", "^", "**", "(", ")"],
        "constants": list(CONSTANTS),
        "comment": "#",
        "limits": {**RULE_LIMITS, "line_length": LIMITS["length"], "line_nodes": LIMITS["nodes"],
                   "depth": LIMITS["depth"], "literal": LIMITS["literal"], "exponent": LIMITS["exponent"]},
        "examples": [{k: v for k, v in e.items() if not k.startswith("twin")} for e in EXAMPLES],
    }


def check(body: RuleCheckIn | dict) -> dict:
    """``POST /api/rules/check``: always an answer (``ok`` false with ``errors`` for a bad rule), so an editor can
    mark each line; with ``params``, names the rule reads that they do not give are errors too, as a run says."""
    body = validate(RuleCheckIn, body)
    rule, errors = check_rule(body.rule)
    errors = [e.as_dict() for e in errors]
    if rule is None:
        return {"ok": False, "errors": errors, "lines": [], "state": [], "params": [], "terms": [],
                "evaluations_per_step": None}
    opt = None
    if not errors:
        try:
            opt = rule_optimizer(body.rule)
        except RuleError as e:  # a reserved name
            errors.append(e.as_dict())
    if body.params is not None:
        errors += [e.as_dict() for e in rule.unknowns(body.params)]
        errors += [{"line": None, "column": None, "param": name, "message": f"the rule never reads {name!r}"}
                   for name in body.params if name != "lr" and name not in rule.params]
    specs = opt.params if opt is not None else (lr_spec(0.01), *(suggested_spec(n) for n in rule.params))
    return {
        "ok": not errors,
        "errors": errors,
        "lines": [{"line": s.line, "target": s.target, "kind": "point" if s.target == "p" else "state",
                   "text": s.text} for s in rule.statements],
        "state": list(rule.state),
        "params": [spec.as_dict() for spec in specs],
        "terms": list(term_names(rule)),
        "quantities": list(rule.state),
        "evaluations_per_step": opt.evaluations_per_step({}) if opt is not None else None,
        "grads": rule.grads,
        "update": opt.update_latex if opt is not None else "",
    }
