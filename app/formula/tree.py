"""The tree a formula or a rule parses into: five whitelisted node types, their size, constant folding, and
constructors that keep derived trees small. Nothing here reads text."""
from __future__ import annotations

import math
from dataclasses import dataclass


class FormulaError(ValueError):
    def __init__(self, message: str, position: int | None = None):
        where = f" at position {position}" if position is not None else ""
        super().__init__(f"{message}{where}")
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class Var:
    name: str  # "x" or "y" in a surface; p, g, t, lr, a hyperparameter or a state name in a rule


@dataclass(frozen=True)
class Neg:
    arg: object


@dataclass(frozen=True)
class Bin:
    op: str  # + - * / ^, and min max (rules)
    left: object
    right: object


@dataclass(frozen=True)
class Call:
    fn: str  # one of FUNCTIONS, "sign" (rules; or made by differentiating abs), "grad" (rules)
    arg: object


ZERO, ONE, TWO = Num(0.0), Num(1.0), Num(2.0)


def size(node) -> int:
    if isinstance(node, (Num, Var)):
        return 1
    if isinstance(node, (Neg, Call)):
        return 1 + size(node.arg)
    return 1 + size(node.left) + size(node.right)


def depth(node) -> int:
    if isinstance(node, (Num, Var)):
        return 1
    if isinstance(node, (Neg, Call)):
        return 1 + depth(node.arg)
    return 1 + max(depth(node.left), depth(node.right))


def fold(node, pos=None):
    """Evaluate constant sub-trees now; refuse constants that overflow. ``grad`` of a constant is not a
    constant (it is the gradient at that point): it stays."""
    if isinstance(node, Bin) and isinstance(node.left, Num) and isinstance(node.right, Num):
        value = _apply_bin(node.op, node.left.value, node.right.value)
    elif isinstance(node, Neg) and isinstance(node.arg, Num):
        value = -node.arg.value
    elif isinstance(node, Call) and isinstance(node.arg, Num) and node.fn in SCALAR_FUNCS:
        value = _apply_call(node.fn, node.arg.value)
    else:
        return node
    if value is None or not math.isfinite(value):
        raise FormulaError("a constant part of the formula is not a finite number", pos)
    return Num(value)


def _apply_bin(op, a, b):
    try:
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            return a / b
        if op == "min":
            return scalar_minimum(a, b)
        if op == "max":
            return scalar_maximum(a, b)
        return math.pow(a, b)
    except (OverflowError, ZeroDivisionError, ValueError):
        return None


def _apply_call(fn, a):
    try:
        return float(SCALAR_FUNCS[fn](a))
    except (OverflowError, ValueError, ZeroDivisionError):
        return None


def scalar_sign(v: float) -> float:
    return float((v > 0) - (v < 0)) if v == v else v  # torch.sign: NaN stays NaN


def scalar_maximum(a: float, b: float) -> float:
    """numpy's ``maximum`` on floats: NaN propagates from either side."""
    return a if a >= b or a != a else b


def scalar_minimum(a: float, b: float) -> float:
    return a if a <= b or a != a else b


SCALAR_FUNCS = {"sin": math.sin, "cos": math.cos, "tan": math.tan, "exp": math.exp, "log": math.log,
                "sqrt": math.sqrt, "abs": abs, "tanh": math.tanh, "sinh": math.sinh, "cosh": math.cosh,
                "sign": scalar_sign}


# --- simplifying constructors (keep derivative trees small) ------------------------------
def add(a, b):
    if a == ZERO:
        return b
    if b == ZERO:
        return a
    return _const(Bin("+", a, b))


def sub(a, b):
    if b == ZERO:
        return a
    if a == ZERO:
        return neg(b)
    return _const(Bin("-", a, b))


def mul(a, b):
    if a == ZERO or b == ZERO:
        return ZERO
    if a == ONE:
        return b
    if b == ONE:
        return a
    return _const(Bin("*", a, b))


def div(a, b):
    if a == ZERO:
        return ZERO
    if b == ONE:
        return a
    return _const(Bin("/", a, b))


def neg(a):
    if isinstance(a, Num):
        return Num(-a.value)
    if isinstance(a, Neg):
        return a.arg
    return Neg(a)


def pw(a, b):
    if b == ONE:
        return a
    if b == ZERO:
        return ONE
    return _const(Bin("^", a, b))


def _const(node):
    try:
        return fold(node)
    except FormulaError:
        return node  # leave it for evaluation: it will be non-finite there
