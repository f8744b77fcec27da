"""The ``custom`` optimizer: an update rule typed by the user (:mod:`app.formula.rules`), run like any other.

:func:`rule_optimizer` makes one :class:`OptimizerDef` per rule text (cached): its hyperparameters are ``lr`` and
the names the rule reads without assigning, its state the names it assigns (0 before the first step), its step
the rule's lines evaluated top to bottom, coordinate-wise, in float64: on Python floats one coordinate at a time
(a handful of runs) or on coordinate-major ``(2, n)`` arrays (many), exactly as the built-in rules run. A rule that
calls ``grad(point)`` reads the gradient at another point through the engine's extra evaluations (``o.evaluate``:
exact, counted per step and drawn as the step's evaluation points), so it always runs on arrays.

Each line's tree is compiled once into nested closures over the whitelisted node types (never Python source). A
step that is explained reports, for each ``p = ...`` line, the additive pieces of its top-level sum as terms,
named after their text (a bare ``+ p``, the old point, is not a term; a line without one also reports ``-p``), and
each assigned name as a quantity.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache, partial
from types import SimpleNamespace

import numpy as np

from ..bilingual import Bilingual
from ..formula.rules import POINT, Piece, Rule, RuleError, parse_rule
from ..formula.tree import SCALAR_FUNCS, Bin, Call, Neg, Num, Var, scalar_maximum, scalar_minimum
from .base import OptimizerDef
from .params import HyperparameterError, ParamSpec, lr_spec

RULE_NODES_PER_EVALUATION = 50  # a rule's cost: its nodes count as surface evaluations, this many to one
LIMIT = 1e6  # the largest absolute value of a rule's hyperparameter
OPS = "_ops"  # the ops' key in a step's names (no name in a rule starts with '_')
RESERVED = {"betas": "betas is the built-ins' pair of decay rates: name one number each, b1 and b2"}

# conventional names get a conventional default and slider (the editor's starting values); others 0.5 in [0, 1]
SUGGESTED = {
    "b1": (0.9, 0.0, 0.999), "b2": (0.999, 0.0, 0.9999), "beta": (0.9, 0.0, 0.999), "beta1": (0.9, 0.0, 0.999),
    "beta2": (0.999, 0.0, 0.9999), "momentum": (0.9, 0.0, 0.999), "mu": (0.9, 0.0, 0.999), "alpha": (0.99, 0.0, 0.999),
    "rho": (0.9, 0.0, 0.999), "eps": (1e-8, 1e-12, 1.0), "wd": (0.0, 0.0, 1.0), "weight_decay": (0.0, 0.0, 1.0),
    "clip": (1.0, 0.01, 10.0), "c": (1.0, 0.01, 10.0),
}


def suggested_spec(name: str) -> ParamSpec:
    default, lo, hi = SUGGESTED.get(name, (0.5, 0.0, 1.0))
    scale = "log" if name == "eps" else "linear"
    return ParamSpec(name, default, Bilingual(f"a hyperparameter of the rule (its name {name!r} as written)",
                                              f"규칙의 하이퍼파라미터 (쓴 그대로의 이름 {name!r})"),
                     -LIMIT, LIMIT, scale, slider=(lo, hi), label=Bilingual(name, name))


# --- evaluation: trees compiled into closures -------------------------------------------------------------------
_FLOAT_CALLS = {**SCALAR_FUNCS}
_FLOAT_BIN = {"^": math.pow, "min": scalar_minimum, "max": scalar_maximum}
_ARRAY_CALLS = {"sin": np.sin, "cos": np.cos, "tan": np.tan, "exp": np.exp, "log": np.log, "sqrt": np.sqrt,
                "abs": np.abs, "tanh": np.tanh, "sinh": np.sinh, "cosh": np.cosh, "sign": np.sign, "-": np.negative}
_ARRAY_BIN = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "^": np.power, "min": np.minimum,
              "max": np.maximum}


def _float_fn(node):
    """``node`` as a function of ``env`` (a dict: name -> value) on Python floats, one coordinate: ``a / 0`` and
    overflow raise, as ``math`` does (the engine ends the run there)."""
    if isinstance(node, Num):
        value = node.value
        return lambda env: value
    if isinstance(node, Var):
        name = node.name
        return lambda env: env[name]
    if isinstance(node, Neg):
        arg = _float_fn(node.arg)
        return lambda env: -arg(env)
    if isinstance(node, Call):
        arg, fn = _float_fn(node.arg), _FLOAT_CALLS[node.fn]  # grad never runs on floats (it needs both coordinates)
        return lambda env: fn(arg(env))
    left, right, op = _float_fn(node.left), _float_fn(node.right), node.op
    if op == "+":
        return lambda env: left(env) + right(env)
    if op == "-":
        return lambda env: left(env) - right(env)
    if op == "*":
        return lambda env: left(env) * right(env)
    if op == "/":
        return lambda env: left(env) / right(env)
    fn = _FLOAT_BIN[op]
    return lambda env: fn(left(env), right(env))


def _array_fn(node, slots: list):
    """``node`` as a function of ``env`` on ``(2, n)`` arrays (numbers and ``(1, n)`` rows of per-run values
    broadcast). Each operation whose result has the points' shape writes it into a scratch array of its own
    (``o.buf``, ``env[OPS]``), reused step after step: a step allocates next to nothing."""
    if isinstance(node, Num):
        value = node.value
        return lambda env: value
    if isinstance(node, Var):
        name = node.name
        return lambda env: env[name]
    slot = f"_rule{len(slots)}"
    slots.append(slot)
    if isinstance(node, Call) and node.fn == "grad":
        arg = _array_fn(node.arg, slots)
        return lambda env: env[OPS].evaluate(_full(arg(env), env["p"]))[1]
    if isinstance(node, (Neg, Call)):
        arg, fn = _array_fn(node.arg, slots), _ARRAY_CALLS["-" if isinstance(node, Neg) else node.fn]

        def unary(env):
            a = arg(env)
            return fn(a, out=env[OPS].buf(slot)) if _pointlike(a, env) else fn(a)
        return unary
    left, right, fn = _array_fn(node.left, slots), _array_fn(node.right, slots), _ARRAY_BIN[node.op]

    def binary(env):
        a, b = left(env), right(env)
        return fn(a, b, out=env[OPS].buf(slot)) if _pointlike(a, env) or _pointlike(b, env) else fn(a, b)
    return binary


def _pointlike(value, env) -> bool:
    """Shaped like the points (so the result of an operation on it is)."""
    return value.__class__ is np.ndarray and value.shape == env["p"].shape


def _full(value, like):
    """``value`` with ``like``'s shape (a number or a ``(1, n)`` row of per-run values, spread over the
    coordinates); an array of that shape as it is."""
    if isinstance(like, np.ndarray):
        if value.__class__ is np.ndarray and value.shape == like.shape:
            return value
        out = np.empty(like.shape)
        out[...] = value
        return out
    return float(value)


@dataclass(frozen=True)
class _Line:
    target: str
    value: object  # env -> value
    pieces: tuple = ()  # ``p`` lines: (sign, env -> value, is the old point, term name)


def _program(rule: Rule, arrays: bool) -> tuple[_Line, ...]:
    slots: list = []
    compiled = (lambda node: _array_fn(node, slots)) if arrays else _float_fn
    lines = []
    for s in rule.statements:
        pieces = tuple((piece.sign, compiled(piece.tree), _is_point(piece), _term_name(piece)) for piece in s.pieces)
        lines.append(_Line(s.target, compiled(s.tree), pieces))
    return tuple(lines)


def _is_point(piece: Piece) -> bool:
    return piece.sign > 0 and piece.tree == Var(POINT)


def _term_name(piece: Piece) -> str:
    return piece.text if piece.sign > 0 else f"-{piece.text}"


def term_names(rule: Rule) -> tuple[str, ...]:
    """The names of the terms an explained step of ``rule`` reports, in order."""
    names = []
    for s in rule.statements:
        if s.target != POINT:
            continue
        points = [i for i, piece in enumerate(s.pieces) if _is_point(piece)]
        names += [_term_name(piece) for i, piece in enumerate(s.pieces) if not points or i != points[0]]
        if not points:
            names.append("-p")
    return tuple(dict.fromkeys(names))


def rule_init(o, p, hp, *, rule: Rule) -> SimpleNamespace:
    state = SimpleNamespace(**{name: o.zeros(p) for name in rule.state})
    state.t = 0  # the step counter (``t`` is read-only in a rule, so no state of the rule is called so)
    return state


def rule_step(o, s, p, g, hp, lr, *, rule: Rule, floats: tuple, arrays: tuple):
    """The rule's lines, top to bottom, at one coordinate (floats) or on ``(2, n)`` arrays."""
    s.t += 1
    on_arrays = o.kind == "array"
    env = {**vars(hp), **vars(s), "p": p, "g": g, "t": float(s.t), "lr": lr, OPS: o}
    for line in arrays if on_arrays else floats:
        if line.target == POINT and o.explaining:
            value = _explained_point(o, line, env)
        else:
            value = line.value(env)
        if line.target == POINT:  # its own array too: the value may be a state's, which a later line changes
            value = env[POINT] = o.copy(_full(value, p), out=o.buf("_rule_p")) if on_arrays else float(value)
        elif on_arrays:  # into the state's own array: the value may live in a scratch array
            value = env[line.target] = o.copy(value, out=getattr(s, line.target))
            if o.explaining:
                o.quantity(line.target, value)
        else:
            value = env[line.target] = float(value)
            setattr(s, line.target, value)
    return env[POINT]


def _explained_point(o, line: _Line, env) -> np.ndarray:
    """A ``p = ...`` line evaluated piece by piece (the same operations, left to right, as its tree), each piece
    but the old point reported as a term."""
    old = env[POINT]
    total, reported_point = None, False
    for sign, value_of, is_point, name in line.pieces:
        value = value_of(env)
        if total is None:
            total = value
        else:
            total = total + value if sign > 0 else total - value
        if is_point and not reported_point:
            reported_point = True
            continue
        o.term(name, _full(value if sign > 0 else -value, old))
    if not reported_point:
        o.term("-p", -old)
    return total


# --- the optimizer ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RuleOptimizer(OptimizerDef):
    """The ``custom`` optimizer of one rule: every name the rule reads as a hyperparameter must be given."""

    rule: Rule | None = None

    def validate(self, given: dict | None) -> dict:
        given = dict(given or {})
        unknown = self.rule.unknown(given)
        if unknown is not None:
            raise unknown
        for name in given:
            if name != "lr" and name not in self.rule.params:
                raise HyperparameterError(name, f"the rule never reads {name!r}; its hyperparameters are "
                                                f"{['lr', *self.rule.params]}")
        return {p.name: p.validate(given[p.name]) if p.name in given else p.default for p in self.params}

    def structural(self, hyper: dict) -> tuple:
        return (("rule", self.rule.text),)  # runs of one rule advance together, whatever their values

    def metadata(self) -> dict:
        return {**super().metadata(), "rule": self.rule.text}


@lru_cache(maxsize=128)
def rule_optimizer(text: str) -> RuleOptimizer:
    """The optimizer of rule ``text``; a :class:`~app.formula.rules.RuleError` (line and column) if it is bad."""
    rule = parse_rule(text)
    for name in rule.params:
        if name in RESERVED:
            line, column = rule.reads[name]
            raise RuleError(RESERVED[name], line, column)
    uses_grad = rule.grads > 0
    cost = 1 + rule.grads + rule.nodes // RULE_NODES_PER_EVALUATION
    program = {"floats": () if uses_grad else _program(rule, False), "arrays": _program(rule, True)}
    from ..formula import latex

    return RuleOptimizer(
        id="custom", names=Bilingual("Custom rule", "직접 쓴 규칙"), family="custom",
        descriptions=Bilingual("An update rule written by hand: its lines run top to bottom at every step, "
                               "coordinate-wise.", "직접 쓴 업데이트 규칙: 매 스텝 위에서 아래로, 좌표마다 계산합니다."),
        update_latex=r",\ ".join(rf"{s.target} \leftarrow {latex(s.tree)}" for s in rule.statements),
        params=(lr_spec(0.01), *(suggested_spec(name) for name in rule.params)),
        init_state=partial(rule_init, rule=rule), step=partial(rule_step, rule=rule, **program),
        scalar_state=(), state_names=lambda hyper: rule.state, elementwise=not uses_grad,
        needs=("evaluate",) if uses_grad else (), evaluations=lambda hyper: (cost, "rule"),
        reference="your own rule", rule=rule)
