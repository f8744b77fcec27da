"""The one parser: text to a tree of whitelisted nodes, or a :class:`FormulaError` saying what is wrong and where.

Grammar (``^`` and ``**`` are the same right-associative power; unary minus binds looser than a power, so
``-x^2 = -(x^2)``)::

    expr  := term (("+" | "-") term)*
    term  := unary (("*" | "/") unary)*
    unary := ("+" | "-") unary | power
    power := atom (("^" | "**") unary)?
    atom  := number | name | func "(" expr ")" | func2 "(" expr "," expr ")" | "(" expr ")"

A :class:`Grammar` says which names and functions a text may use: :data:`SURFACE` (``x``, ``y``, ``pi``, ``e``
and :data:`FUNCTIONS`) for a surface's formula, :data:`RULE` (any plain name, ``sign``, ``min``, ``max`` and
``grad`` besides) for the lines of an update rule (:mod:`app.formula.rules`). Names and numbers are ASCII only
(a full-width ``１`` or a Cyrillic ``а`` is an unexpected character, not a look-alike of ``1`` or ``a``).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .tree import Bin, Call, FormulaError, Neg, Num, Var, fold, size

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


@dataclass(frozen=True)
class Grammar:
    """What a text may name: ``variables`` (None: any plain name that is not a function or constant),
    one-argument ``functions``, two-argument ``pairs`` (``min(a, b)``), and whether names may start with ``_``."""

    variables: tuple[str, ...] | None
    functions: tuple[str, ...]
    pairs: tuple[str, ...] = ()

    def unknown(self, name: str) -> str:
        allowed = ", ".join((*(self.variables or ()), *CONSTANTS, *self.functions, *self.pairs))
        return f"unknown name {name!r}; use {allowed}"


SURFACE = Grammar(("x", "y"), FUNCTIONS)
RULE = Grammar(None, (*FUNCTIONS, "sign", "grad"), ("min", "max"))

TOKEN = re.compile(r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_]\w*)|"
                   r"(?P<op>\*\*|[-+*/^(),=]))", re.ASCII)


def tokenize(text: str, what: str = "formula") -> list[tuple[str, str, int]]:
    if len(text) > LIMITS["length"]:
        raise FormulaError(f"the {what} is {len(text)} characters long; the limit is {LIMITS['length']}",
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


class Parser:
    """Recursive descent over one line of tokens. ``names`` collects every variable read, with its position."""

    def __init__(self, text: str, grammar: Grammar = SURFACE, what: str = "formula"):
        self.text = text
        self.what = what
        self.grammar = grammar
        self.tokens = tokenize(text, what)
        self.i = 0
        self.nesting = 0
        self.names: list[tuple[str, int]] = []

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
        self.finish()
        return node

    def finish(self):
        kind, v, pos = self.peek()
        if kind != "end":
            if kind in ("num", "name") or v == "(":
                raise FormulaError(f"missing operator before {v!r} (implicit multiplication is not supported: "
                                   f"write '*')", pos)
            raise FormulaError(f"unexpected {v!r}", pos)

    def expr(self):
        return self._left_assoc(self.term, ("+", "-"))

    def pieces(self):
        """``expr``, also returning its additive pieces at the top level: ``[(sign, node, start, end)]`` (the
        positions of each piece's text)."""
        out = []
        start = self.peek()[2]
        node = self.term()
        out.append((1, node, start, self._end()))
        while self.peek()[1] in ("+", "-"):
            _, op, pos = self.take()
            self.enter(pos)
            start = self.peek()[2]
            right = self.term()
            out.append((1 if op == "+" else -1, right, start, self._end()))
            node = fold(Bin(op, node, right), pos)
            self.nesting -= 1
        return node, out

    def _end(self) -> int:
        """Where the text of the last token taken ends."""
        kind, v, pos = self.tokens[self.i - 1]
        return pos + len(v)

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
            return self.name(v, pos)
        if v == "(":
            self.enter(pos)
            node = self.expr()
            self.nesting -= 1
            self.expect(")")
            return node
        found = f"the end of the {self.what}" if kind == "end" else repr(v)
        raise FormulaError(f"expected a number, a name, a function or '(' but found {found}", pos)

    def name(self, v: str, pos: int):
        g = self.grammar
        if v in g.functions or v in g.pairs:
            if self.peek()[1] != "(":
                raise FormulaError(f"{v} needs parentheses: {v}(...)", self.peek()[2])
            self.take()
            self.enter(pos)
            arg = self.expr()
            if v in g.pairs:
                self.expect(",")
                node = Bin(v, arg, self.expr())
            else:
                node = Call(v, arg)
            self.nesting -= 1
            self.expect(")")
            return fold(node, pos)
        if v in CONSTANTS:
            return Num(CONSTANTS[v])
        if v.startswith("_"):
            raise FormulaError(f"a name may not start with '_' ({v!r})", pos)
        if g.variables is None or v in g.variables:
            self.names.append((v, pos))
            return Var(v)
        raise FormulaError(g.unknown(v), pos)


def parse(text: str, grammar: Grammar = SURFACE):
    """The tree of ``text``, or a :class:`FormulaError` saying what is wrong and where."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("the formula is empty", 0)
    tree = Parser(text, grammar).parse()
    check_size(tree)
    return tree


def check_size(tree, what: str = "formula", position: int | None = None) -> None:
    n = size(tree)
    if n > LIMITS["nodes"]:
        raise FormulaError(f"the {what} has {n} operations and values; the limit is {LIMITS['nodes']}", position)


def _even_power_base(base, exponent):
    """``abs(u)^n`` is ``u^n`` for an even integer ``n``: written so, its derivatives hold at ``u = 0`` too
    (differentiating ``abs`` gives ``sign``, 0 there, and would make the second derivative of ``abs(x)^2`` 0)."""
    if (isinstance(base, Call) and base.fn == "abs" and isinstance(exponent, Num)
            and exponent.value == int(exponent.value) and int(exponent.value) % 2 == 0):
        return base.arg
    return base
