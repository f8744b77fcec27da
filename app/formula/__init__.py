"""User-typed text parsed into a tree of whitelisted nodes: a surface's formula in x and y, and the lines of an
update rule (:mod:`app.formula.rules`). One grammar and one parser (:mod:`app.formula.parser`) serve both.

The text is never handed to Python (no eval, exec, compile, sympy parsing or lambdify of raw text). A
hand-written recursive-descent parser builds a tree of five node types (:mod:`app.formula.tree`); a surface's
tree is differentiated symbolically (so gradients and Hessians are exact) and evaluated by walking it with numpy
or Python floats (:mod:`app.formula.calculus`).

Implicit multiplication (``2x``, ``x(y+1)``) is refused with a message that says where to put the ``*``. Every
refusal is a :class:`FormulaError` carrying the 0-based position in the text (a rule's, a
:class:`~app.formula.rules.RuleError`, its line and column too).

Limits (:data:`LIMITS`): length, node count, nesting depth, the size of a literal, the size of a constant
exponent, and the size of the derivative trees. Constant sub-expressions are folded at parse time, so
``9^9^9^9`` is refused at once (its inner exponent 9^9 is far beyond the bound) instead of computed.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .calculus import diff, evaluate, latex
from .parser import CONSTANTS, FUNCTIONS, LIMITS, RULE, SURFACE, Grammar, Parser, parse, tokenize
from .tree import Bin, Call, FormulaError, Neg, Num, Var, depth, fold, size

__all__ = ["CONSTANTS", "FUNCTIONS", "LIMITS", "RULE", "SURFACE", "Bin", "Call", "Formula", "FormulaError",
           "Grammar", "Neg", "Num", "Parser", "Var", "check_numeric", "compile_formula", "depth", "diff",
           "evaluate", "fold", "latex", "parse", "size", "tokenize"]


# --- a compiled formula ------------------------------------------------------------------
@dataclass(frozen=True)
class Formula:
    text: str
    tree: object
    gradient_trees: tuple
    hessian_trees: tuple

    def value(self, x, y, xp):
        return evaluate(self.tree, x, y, xp) + 0.0 * x

    def gradient(self, x, y, xp):
        gx, gy = self.gradient_trees
        return evaluate(gx, x, y, xp) + 0.0 * x, evaluate(gy, x, y, xp) + 0.0 * y

    def hessian(self, x, y, xp):
        hxx, hxy, hyy = self.hessian_trees
        return (evaluate(hxx, x, y, xp) + 0.0 * x, evaluate(hxy, x, y, xp) + 0.0 * x,
                evaluate(hyy, x, y, xp) + 0.0 * x)

    @property
    def latex(self) -> str:
        return latex(self.tree)


@lru_cache(maxsize=256)
def compile_formula(text: str) -> Formula:
    """Parse, differentiate twice, and bound the cost; a :class:`FormulaError` says why not."""
    tree = parse(text)
    gx, gy = diff(tree, "x"), diff(tree, "y")
    hxx, hxy, hyy = diff(gx, "x"), diff(gx, "y"), diff(gy, "y")
    total = sum(size(t) for t in (gx, gy, hxx, hxy, hyy))
    if total > LIMITS["derivative_nodes"]:
        raise FormulaError(f"the formula's derivatives are too large to evaluate quickly ({total} nodes; "
                           f"the limit is {LIMITS['derivative_nodes']})")
    return Formula(text, tree, (gx, gy), (hxx, hxy, hyy))


def check_numeric(formula: Formula, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.asarray(formula.value(xs, ys, np), dtype=float)
