"""User-typed surfaces: a formula in x and y parsed into a tree of whitelisted nodes.

The text is never handed to Python (no eval, exec, compile, sympy parsing or
lambdify of raw text). A hand-written recursive-descent parser builds a tree of
five node types; the tree is differentiated symbolically (so gradients and
Hessians are exact) and evaluated by walking it with numpy or Python floats.

Grammar (``^`` and ``**`` are the same right-associative power; unary minus binds
looser than a power, so ``-x^2 = -(x^2)``)::

    expr  := term (("+" | "-") term)*
    term  := unary (("*" | "/") unary)*
    unary := ("+" | "-") unary | power
    power := atom (("^" | "**") unary)?
    atom  := number | "x" | "y" | "pi" | "e" | func "(" expr ")" | "(" expr ")"
    func  := sin cos tan exp log sqrt abs tanh sinh cosh

Implicit multiplication (``2x``, ``x(y+1)``) is refused with a message that
says where to put the ``*``. Every refusal is a :class:`FormulaError` carrying
the 0-based position in the text.

Limits (:data:`LIMITS`): length, node count, nesting depth, the size of a
literal, the size of a constant exponent, and the size of the derivative trees.
Constant sub-expressions are folded at parse time, so ``9^9^9^9`` is refused at
once (its inner exponent 9^9 is far beyond the bound) instead of computed.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

LIMITS = {
    "length": 400,  # characters
    "nodes": 200,  # in the parsed tree
    "depth": 40,  # nesting of operations
    "literal": 1e6,  # largest absolute value of a number written out
    "exponent": 64.0,  # largest absolute value of a constant exponent
    "derivative_nodes": 20_000,  # the gradient and Hessian trees together
}
FUNCTIONS = ("sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "sinh", "cosh")
CONSTANTS = {"pi": math.pi, "e": math.e}


class FormulaError(ValueError):
    def __init__(self, message: str, position: int | None = None):
        where = f" at position {position}" if position is not None else ""
        super().__init__(f"{message}{where}")
        self.message = message
        self.position = position


# --- the tree ----------------------------------------------------------------------
@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class Var:
    name: str  # "x" or "y"


@dataclass(frozen=True)
class Neg:
    arg: object


@dataclass(frozen=True)
class Bin:
    op: str  # + - * / ^
    left: object
    right: object


@dataclass(frozen=True)
class Call:
    fn: str  # one of FUNCTIONS, or "sign" (only made by differentiating abs)
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


# --- tokens and parsing ---------------------------------------------------------------
TOKEN = re.compile(r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_]\w*)|(?P<op>\*\*|[-+*/^()]))")


def tokenize(text: str) -> list[tuple[str, str, int]]:
    if len(text) > LIMITS["length"]:
        raise FormulaError(f"the formula is {len(text)} characters long; the limit is {LIMITS['length']}",
                           LIMITS["length"])
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].isspace():
            break
        m = TOKEN.match(text, pos)
        if not m:
            start = pos + (len(text[pos:]) - len(text[pos:].lstrip()))
            raise FormulaError(f"unexpected character {text[start]!r}", start)
        kind = m.lastgroup
        start = m.start(kind)
        tokens.append((kind, m.group(kind), start))
        pos = m.end()
    tokens.append(("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.i = 0
        self.nesting = 0

    def peek(self):
        return self.tokens[self.i]

    def take(self):
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expect(self, value: str):
        kind, v, pos = self.take()
        if v != value:
            found = "the end" if kind == "end" else repr(v)
            raise FormulaError(f"expected {value!r} but found {found}", pos)

    def enter(self, pos):
        self.nesting += 1
        if self.nesting > LIMITS["depth"]:
            raise FormulaError(f"nested deeper than {LIMITS['depth']} levels", pos)

    def parse(self):
        node = self.expr()
        kind, v, pos = self.peek()
        if kind != "end":
            if kind in ("num", "name") or v == "(":
                raise FormulaError(f"missing operator before {v!r} (implicit multiplication is not supported: "
                                   f"write '*')", pos)
            raise FormulaError(f"unexpected {v!r}", pos)
        return node

    def expr(self):
        return self._left_assoc(self.term, ("+", "-"))

    def term(self):
        return self._left_assoc(self.unary, ("*", "/"))

    def _left_assoc(self, operand, ops):
        """operand (op operand)*, folded left to right."""
        node = operand()
        while self.peek()[1] in ops:
            _, op, pos = self.take()
            self.enter(pos)
            node = fold(Bin(op, node, operand()), pos)
            self.nesting -= 1
        return node

    def unary(self):
        kind, v, pos = self.peek()
        if v in ("+", "-"):
            self.take()
            self.enter(pos)
            arg = self.unary()
            self.nesting -= 1
            return arg if v == "+" else fold(Neg(arg), pos)
        return self.power()

    def power(self):
        base = self.atom()
        kind, v, pos = self.peek()
        if v in ("^", "**"):
            self.take()
            self.enter(pos)
            exponent = self.unary()
            self.nesting -= 1
            if isinstance(exponent, Num) and abs(exponent.value) > LIMITS["exponent"]:
                raise FormulaError(f"the exponent {exponent.value:g} is larger than {LIMITS['exponent']:g} "
                                   f"in absolute value", pos)
            return fold(Bin("^", _even_power_base(base, exponent), exponent), pos)
        return base

    def atom(self):
        kind, v, pos = self.take()
        if kind == "num":
            value = float(v)
            if not math.isfinite(value) or abs(value) > LIMITS["literal"]:
                raise FormulaError(f"the number {v} is larger than {LIMITS['literal']:g}", pos)
            return Num(value)
        if kind == "name":
            if v in ("x", "y"):
                return Var(v)
            if v in CONSTANTS:
                return Num(CONSTANTS[v])
            if v in FUNCTIONS:
                if self.peek()[1] != "(":
                    raise FormulaError(f"{v} needs parentheses: {v}(...)", self.peek()[2])
                self.take()
                self.enter(pos)
                arg = self.expr()
                self.nesting -= 1
                self.expect(")")
                return fold(Call(v, arg), pos)
            raise FormulaError(f"unknown name {v!r}; use x, y, pi, e and {', '.join(FUNCTIONS)}", pos)
        if v == "(":
            self.enter(pos)
            node = self.expr()
            self.nesting -= 1
            self.expect(")")
            return node
        found = "the end of the formula" if kind == "end" else repr(v)
        raise FormulaError(f"expected a number, x, y, a function or '(' but found {found}", pos)


def fold(node, pos=None):
    """Evaluate constant sub-trees now; refuse constants that overflow."""
    if isinstance(node, Bin) and isinstance(node.left, Num) and isinstance(node.right, Num):
        value = _apply_bin(node.op, node.left.value, node.right.value)
    elif isinstance(node, (Neg, Call)) and isinstance(node.arg, Num):
        value = -node.arg.value if isinstance(node, Neg) else _apply_call(node.fn, node.arg.value)
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
        return math.pow(a, b)
    except (OverflowError, ZeroDivisionError, ValueError):
        return None


def _apply_call(fn, a):
    try:
        return float(_SCALAR_FUNCS[fn](a))
    except (OverflowError, ValueError, ZeroDivisionError):
        return None


_SCALAR_FUNCS = {"sin": math.sin, "cos": math.cos, "tan": math.tan, "exp": math.exp, "log": math.log,
                 "sqrt": math.sqrt, "abs": abs, "tanh": math.tanh, "sinh": math.sinh, "cosh": math.cosh,
                 "sign": lambda v: float((v > 0) - (v < 0))}


def parse(text: str):
    """The tree of ``text``, or a :class:`FormulaError` saying what is wrong and where."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("the formula is empty", 0)
    tree = _Parser(text).parse()
    n = size(tree)
    if n > LIMITS["nodes"]:
        raise FormulaError(f"the formula has {n} operations and values; the limit is {LIMITS['nodes']}")
    return tree


def _even_power_base(base, exponent):
    """``abs(u)^n`` is ``u^n`` for an even integer ``n``: written so, its derivatives hold at ``u = 0`` too
    (differentiating ``abs`` gives ``sign``, 0 there, and would make the second derivative of ``abs(x)^2`` 0)."""
    if (isinstance(base, Call) and base.fn == "abs" and isinstance(exponent, Num)
            and exponent.value == int(exponent.value) and int(exponent.value) % 2 == 0):
        return base.arg
    return base


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


# --- differentiation -----------------------------------------------------------------
def diff(node, var: str):
    """d node / d var, simplified."""
    if isinstance(node, Num):
        return ZERO
    if isinstance(node, Var):
        return ONE if node.name == var else ZERO
    if isinstance(node, Neg):
        return neg(diff(node.arg, var))
    if isinstance(node, Call):
        u, du = node.arg, diff(node.arg, var)
        if du == ZERO:
            return ZERO
        f = node.fn
        outer = {
            "sin": lambda: Call("cos", u),
            "cos": lambda: neg(Call("sin", u)),
            "tan": lambda: div(ONE, pw(Call("cos", u), TWO)),
            "exp": lambda: node,
            "log": lambda: div(ONE, u),
            "sqrt": lambda: div(ONE, mul(TWO, node)),
            "abs": lambda: Call("sign", u),
            "tanh": lambda: sub(ONE, pw(node, TWO)),
            "sinh": lambda: Call("cosh", u),
            "cosh": lambda: Call("sinh", u),
            "sign": lambda: ZERO,
        }[f]()
        return mul(outer, du)
    a, b = node.left, node.right
    da, db = diff(a, var), diff(b, var)
    if node.op == "+":
        return add(da, db)
    if node.op == "-":
        return sub(da, db)
    if node.op == "*":
        return add(mul(da, b), mul(a, db))
    if node.op == "/":
        return div(sub(mul(da, b), mul(a, db)), pw(b, TWO))
    # power
    if isinstance(b, Num):
        return mul(mul(b, pw(a, Num(b.value - 1.0))), da)
    # a^b = exp(b log a): d = a^b (db log a + b da / a)
    return mul(node, add(mul(db, Call("log", a)), div(mul(b, da), a)))


# --- evaluation ----------------------------------------------------------------------
def evaluate(node, x, y, xp):
    """The tree's value at ``(x, y)``: arrays with numpy, floats with :data:`app.numeric.scalar`."""
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Var):
        return x if node.name == "x" else y
    if isinstance(node, Neg):
        return -evaluate(node.arg, x, y, xp)
    if isinstance(node, Call):
        return getattr(xp, node.fn)(evaluate(node.arg, x, y, xp))
    a = evaluate(node.left, x, y, xp)
    b = evaluate(node.right, x, y, xp)
    op = node.op
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return a / b
    return xp.power(a, b)


# --- LaTeX -----------------------------------------------------------------------------
_PREC = {"+": 1, "-": 1, "*": 2, "/": 2, "^": 4}


def latex(node) -> str:
    if isinstance(node, Num):
        v = node.value
        if v == math.pi:
            return r"\pi"
        if v == math.e:
            return "e"
        return f"{v:g}".replace("e+", r"\times 10^{").replace("e-", r"\times 10^{-") + ("}" if "e" in f"{v:g}" else "")
    if isinstance(node, Var):
        return node.name
    if isinstance(node, Neg):
        inner = latex(node.arg)
        return f"-{inner}" if isinstance(node.arg, (Num, Var, Call)) else f"-\\left({inner}\\right)"
    if isinstance(node, Call):
        if node.fn == "sqrt":
            return rf"\sqrt{{{latex(node.arg)}}}"
        if node.fn == "abs":
            return rf"\left|{latex(node.arg)}\right|"
        return rf"\{node.fn}\left({latex(node.arg)}\right)"
    if node.op == "/":
        return rf"\frac{{{latex(node.left)}}}{{{latex(node.right)}}}"
    if node.op == "^":
        base = latex(node.left)
        if not isinstance(node.left, (Num, Var)):
            base = rf"\left({base}\right)"
        return f"{base}^{{{latex(node.right)}}}"
    left, right = latex(node.left), latex(node.right)
    if isinstance(node.left, Bin) and _PREC[node.left.op] < _PREC[node.op]:
        left = rf"\left({left}\right)"
    if isinstance(node.right, (Bin, Neg)) and (isinstance(node.right, Neg) or _PREC[node.right.op] <= _PREC[node.op]
                                                and node.op in "-*" or _PREC[node.right.op] < _PREC[node.op]):
        right = rf"\left({right}\right)"
    sep = {"+": " + ", "-": " - ", "*": r" \cdot "}[node.op]
    return f"{left}{sep}{right}"


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
