"""Update rules typed by a user: a few lines ``name = expression``, each expression in the formula grammar
(:data:`app.formula.parser.RULE`), parsed by the one parser into whitelisted trees. Nothing is evaluated here
(:mod:`app.optimizers.custom` runs a parsed rule).

    m = b1*m + (1-b1)*g          # a state: 0 before the first step
    v = b2*v + (1-b2)*g^2
    p = p - lr/(1-b1^t) * m/(sqrt(v)/sqrt(1-b2^t) + eps)

A rule reads ``p`` (the point), ``g`` (the gradient at the step's point), ``t`` (the step, from 1), ``lr`` (this
step's learning rate after the schedule), the names it assigns (its state: the value of the last assignment,
from this step or the one before, 0 before the first) and its hyperparameters: every other name it reads, whose
values a run's ``params`` gives. It calls the formula functions, ``sign``, ``min(a, b)``, ``max(a, b)`` and
``grad(point)`` (the gradient at another point). ``#`` starts a comment. It must assign ``p``.

Refusals are :class:`RuleError`: a message with the line and column (1-based) where the problem is,
``"line 2, column 9: unknown name 'm2'"``; :func:`check_rule` gives every line's at once (an editor marks
them), :func:`parse_rule` raises the first. Limits (:data:`RULE_LIMITS`, each line also within the formula's
:data:`~app.formula.parser.LIMITS`) are checked before anything is tokenized where they can be.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .parser import CONSTANTS, RULE, Parser, check_size
from .tree import Call, FormulaError, Neg, Num, Var, size

RULE_LIMITS = {
    "length": 4000,  # characters of the whole rule
    "lines": 40,  # lines, blank lines and comments included
    "nodes": 1000,  # operations and values over all lines
    "grads": 4,  # grad(...) calls: each is one more surface evaluation a step
}
POINT = "p"
READ_ONLY = {"g": "the gradient at p", "t": "the step number (from 1)", "lr": "this step's learning rate"}
BUILTIN = (POINT, *READ_ONLY)


class RuleError(FormulaError):
    """A refusal at ``line`` and ``column`` (1-based; either may be None: the whole rule)."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        ValueError.__init__(self, where(line, column) + message)
        self.message = message
        self.line = line
        self.column = column
        self.position = None if column is None else column - 1  # within the line, as a formula's position

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message}


def where(line: int | None, column: int | None) -> str:
    if line is None:
        return ""
    return f"line {line}, column {column}: " if column is not None else f"line {line}: "


@dataclass(frozen=True)
class Piece:
    """An additive piece of a ``p = ...`` line: ``sign * tree``, written as ``text``."""

    sign: int
    tree: object
    text: str


@dataclass(frozen=True)
class Statement:
    line: int  # 1-based
    target: str
    tree: object
    text: str  # the expression as written
    pieces: tuple[Piece, ...] = ()  # the top-level sum's pieces, for ``p`` (its terms when a step is explained)


@dataclass(frozen=True)
class Rule:
    text: str
    statements: tuple[Statement, ...]
    state: tuple[str, ...]  # the names it assigns other than p, in order of first assignment
    params: tuple[str, ...]  # the names it reads but neither assigns nor gets from the engine, in order of first read
    reads: dict = field(default_factory=dict, compare=False)  # name -> (line, column) of its first read
    nodes: int = 0
    grads: int = 0  # grad(...) calls

    def unknowns(self, params) -> list[RuleError]:
        """A refusal for each name the rule reads that is neither its own, the engine's nor one of ``params``."""
        out = []
        for name in self.params:
            if name not in params:
                line, column = self.reads[name]
                out.append(RuleError(f"unknown name {name!r}: assign it in the rule (a state) or give it a value "
                                     f"in params (a hyperparameter)", line, column))
        return out

    def unknown(self, params) -> RuleError | None:
        """The first of :meth:`unknowns`."""
        found = self.unknowns(params)
        return found[0] if found else None


def check_rule(text: str) -> tuple[Rule | None, list[RuleError]]:
    """The rule as far as it parses (the lines that do; None when the whole text is refused) and every
    refusal, each line's at once: an editor marks each line and keeps the sliders of the lines that parse."""
    errors = _whole(text)
    if errors:
        return None, errors
    statements: list[Statement] = []
    reads: dict[str, tuple[int, int]] = {}
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        try:
            statement, names = _statement(line, number)
        except RuleError as e:
            errors.append(e)
            continue
        statements.append(statement)
        for name, pos in names:
            reads.setdefault(name, (number, pos + 1))
    assigned = list(dict.fromkeys(s.target for s in statements))
    nodes = sum(size(s.tree) for s in statements)
    grads = sum(_count_grads(s.tree) for s in statements)
    if not errors:
        if not statements:
            errors.append(RuleError("the rule is empty: write lines name = expression, one of them p = ..."))
        elif POINT not in assigned:
            errors.append(RuleError("the rule never assigns p, so the point never moves: add a line p = ..."))
    if nodes > RULE_LIMITS["nodes"]:
        errors.append(RuleError(f"the rule has {nodes} operations and values; the limit is {RULE_LIMITS['nodes']}"))
    if grads > RULE_LIMITS["grads"]:
        line = next(s.line for s in statements if _count_grads(s.tree))
        errors.append(RuleError(f"the rule calls grad {grads} times; the limit is {RULE_LIMITS['grads']}", line))
    state = tuple(n for n in assigned if n != POINT)
    params = tuple(n for n in reads if n not in BUILTIN and n not in assigned)
    return Rule(text, tuple(statements), state, params, reads, nodes, grads), errors


@lru_cache(maxsize=256)
def parse_rule(text: str) -> Rule:
    """The parsed rule, or its first :class:`RuleError`."""
    rule, errors = check_rule(text)
    if errors:
        raise errors[0]
    return rule


def _whole(text) -> list[RuleError]:
    """Refusals of the whole text, before any line is read."""
    if not isinstance(text, str) or not text.strip():
        return [RuleError("the rule is empty: write lines name = expression, one of them p = ...")]
    if len(text) > RULE_LIMITS["length"]:
        return [RuleError(f"the rule is {len(text)} characters long; the limit is {RULE_LIMITS['length']}")]
    lines = text.count("\n") + 1
    if lines > RULE_LIMITS["lines"]:
        return [RuleError(f"the rule has {lines} lines; the limit is {RULE_LIMITS['lines']}",
                          RULE_LIMITS["lines"] + 1)]
    return []


def _statement(line: str, number: int) -> tuple[Statement, list[tuple[str, int]]]:
    try:
        parser = Parser(line, RULE, "line")
        kind, target, pos = parser.peek()
        after = parser.tokens[1][1] if len(parser.tokens) > 1 else ""
        if kind != "name" or after != "=":
            at = next((p for _, v, p in parser.tokens if v == "="), None)
            if at is not None:
                raise RuleError("only a name can be assigned: write name = expression", number, pos + 1)
            raise RuleError("assigns nothing: write name = expression", number)
        _assignable(target, number, pos)
        parser.take(), parser.take()
        if parser.peek()[0] == "end":
            raise RuleError(f"{target} = what? The expression is missing", number, parser.peek()[2] + 1)
        start = parser.peek()[2]
        if target == POINT:
            tree, pieces = parser.pieces()
            pieces = tuple(Piece(sign, node, line[a:b].strip()) for sign, node, a, b in pieces)
        else:
            tree, pieces = parser.expr(), ()
        parser.finish()
        check_size(tree, "line", start)
    except RuleError:
        raise
    except FormulaError as e:
        raise RuleError(e.message, number, None if e.position is None else e.position + 1) from None
    return Statement(number, target, tree, line[start:].strip(), pieces), parser.names


def _assignable(target: str, number: int, pos: int) -> None:
    if target in READ_ONLY:
        raise RuleError(f"{target} is {READ_ONLY[target]}: it is read, not assigned", number, pos + 1)
    if target in CONSTANTS:
        raise RuleError(f"{target} is a constant: it is read, not assigned", number, pos + 1)
    if target in RULE.functions or target in RULE.pairs:
        raise RuleError(f"{target} is a function: it is called, not assigned", number, pos + 1)
    if target.startswith("_"):
        raise RuleError(f"a name may not start with '_' ({target!r})", number, pos + 1)


def _count_grads(node) -> int:
    if isinstance(node, (Num, Var)):
        return 0
    if isinstance(node, (Neg, Call)):
        return (isinstance(node, Call) and node.fn == "grad") + _count_grads(node.arg)
    return _count_grads(node.left) + _count_grads(node.right)
