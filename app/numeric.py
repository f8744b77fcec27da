"""Array namespaces shared by surfaces and optimizers.

Surfaces are written once against a namespace ``xp``: :mod:`numpy` (arrays with a leading runs axis,
meshgrids) or :data:`scalar`, the same functions on Python floats. Update rules are written once against the ops
layer below (:class:`FloatOps`, :class:`ArrayOps`): every op returns its result and, on arrays, writes it into a
buffer the rule owns, so one rule runs on floats and in place on arrays. numpy costs about a microsecond per call
whatever the array size, so for a handful of runs the engine advances plain floats; for many, whole arrays. The
two agree to the last bit wherever both call the platform's IEEE operations (``+ - * /``, ``sqrt``) and to an ulp
elsewhere (numpy's ``pow`` of an array may differ from Python's in the last bit).

Python floats raise where numpy returns ``inf``/``nan`` (``math.exp(1000)``, ``1.0 / 0.0``);
:data:`SCALAR_ERRORS` lists what the engine treats as a non-finite result.
"""
from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np

SCALAR_ERRORS = (OverflowError, ZeroDivisionError, ValueError)


def _where(condition, if_true, if_false):
    return if_true if condition else if_false


def _sign(v):
    return float((v > 0) - (v < 0))


scalar = SimpleNamespace(
    name="scalar",
    sqrt=math.sqrt,
    exp=math.exp,
    log=math.log,
    sin=math.sin,
    cos=math.cos,
    tan=math.tan,
    tanh=math.tanh,
    sinh=math.sinh,
    cosh=math.cosh,
    abs=abs,
    sign=_sign,
    power=math.pow,  # raises where numpy gives NaN (a negative base, a fractional exponent): never complex
    maximum=max,
    minimum=min,
    where=_where,
    pi=math.pi,
    e=math.e,
)


def is_scalar_namespace(xp) -> bool:
    return xp is scalar


# --- the ops layer the update rules are written against -----------------------------------------------------
#
# A rule calls ``ops.mul(a, b, out=buffer)``: it always *returns* the result, and when the operands are arrays it
# writes that result into ``out`` (one of the state's own arrays, or a named scratch array from ``ops.buf``), so
# a step allocates nothing. On Python floats ``out`` is ignored. Both run the same IEEE operations in the same
# order, so a rule's float, array and blocked runs agree to the bit (tests/test_inplace.py).

def _f_add(a, b, out=None):
    return a + b


def _f_sub(a, b, out=None):
    return a - b


def _f_mul(a, b, out=None):
    return a * b


def _f_div(a, b, out=None):
    return a / b


def _f_sqrt(a, out=None):
    return math.sqrt(a)


def _f_abs(a, out=None):
    return abs(a)


def _f_maximum(a, b, out=None):
    return a if a >= b or b != b else b  # NaN propagates from either side, as numpy's maximum does


def _f_where(condition, a, b, out=None):
    return a if condition else b


def _f_copy(a, out=None):
    return a


def _f_zeros(like):
    return 0.0


class FloatOps:
    """The ops on Python floats, one coordinate at a time (``out`` ignored, ``buf`` gives None). Never
    explaining: a step that must be explained runs on arrays (:class:`ArrayOps` with ``explaining``)."""

    kind = "float"
    explaining = False
    add, sub, mul, div, sqrt, abs = (staticmethod(f) for f in (_f_add, _f_sub, _f_mul, _f_div, _f_sqrt, _f_abs))
    maximum, where, copy, zeros = (staticmethod(f) for f in (_f_maximum, _f_where, _f_copy, _f_zeros))
    errors = SCALAR_ERRORS

    @staticmethod
    def buf(name: str):
        return None

    @staticmethod
    def full(like, value: float) -> float:
        return float(value)

    @staticmethod
    def term(name: str, value) -> None:
        pass

    @staticmethod
    def quantity(name: str, value) -> None:
        pass


def _a_copy(a, out=None):
    if out is None:
        return np.array(a, dtype=float)
    np.copyto(out, a)
    return out


def _a_where(condition, a, b, out=None):
    if out is None:
        return np.where(condition, a, b)
    condition = np.asarray(condition, dtype=bool)
    if out is b:
        np.copyto(out, a, where=condition)
        return out
    if out is not a:
        np.copyto(out, a)
    np.copyto(out, b, where=~condition)
    return out


class ArrayOps:
    """The ops on numpy arrays (numpy's ufuncs, which take ``out``), with named scratch arrays shaped like the
    points they were made for. One instance per set of lanes: its buffers are reused step after step.

    **Explained steps.** A rule reports what it computes through ``o.term(name, value)`` (an additive piece of
    the step, ``(2, n)``: the pieces of one step sum to the new point minus the old) and ``o.quantity(name,
    value)`` (a named intermediate: a number, a ``(1, n)`` row or a ``(2, n)`` array), under torch's names where
    torch has one. Work done only to report it sits under ``if o.explaining:``. Both are no-ops unless the
    instance was made with ``explaining=True``; then each call keeps a copy in :attr:`terms` /
    :attr:`quantities` (a term reported twice in one step adds up), which the engine reads and clears after
    every step (:meth:`take_explained`)."""

    kind = "array"
    explaining = False
    add, sub, mul, div, sqrt, abs, maximum = (np.add, np.subtract, np.multiply, np.divide, np.sqrt, np.abs,
                                              np.maximum)
    where, copy = staticmethod(_a_where), staticmethod(_a_copy)
    errors = ()

    def __init__(self, shape: tuple[int, ...] | None = None, explaining: bool = False):
        self.shape = shape
        self._buffers: dict[str, np.ndarray] = {}
        if explaining:
            self.explaining = True
            self.terms: dict[str, np.ndarray] = {}
            self.quantities: dict[str, np.ndarray] = {}

    def term(self, name: str, value) -> None:
        if self.explaining:
            v = np.array(value, dtype=float)  # a copy: the rule goes on writing into its buffers
            self.terms[name] = self.terms[name] + v if name in self.terms else v

    def quantity(self, name: str, value) -> None:
        if self.explaining:
            self.quantities[name] = np.array(value, dtype=float)

    def take_explained(self) -> tuple[dict, dict]:
        """This step's terms and quantities, cleared for the next step."""
        out = (self.terms, self.quantities)
        self.terms, self.quantities = {}, {}
        return out

    def buf(self, name: str) -> np.ndarray | None:
        """A scratch array called ``name``, shaped like the points; None in a pure (allocating) instance."""
        if self.shape is None:
            return None
        b = self._buffers.get(name)
        if b is None:
            b = self._buffers[name] = np.empty(self.shape)
        return b

    @staticmethod
    def zeros(like) -> np.ndarray:
        return np.zeros(np.shape(like))

    @staticmethod
    def full(like, value) -> np.ndarray:
        return np.zeros(np.shape(like)) + value


FLOAT_OPS = FloatOps()


# --- the float specialisation of a rule ---------------------------------------------------------------------
# On Python floats every ``o.mul(a, b, out=...)`` is a function call around one ``a * b``: half a rule's time.
# :func:`for_floats` rewrites a rule's own source once, call by call, into the operators themselves
# (``o.mul(a, b, out=t)`` -> ``(a * b)``, ``o.sqrt(a, out=t)`` -> ``_sqrt(a)``, ``o.buf(..)`` -> ``None``), and
# does the same to the shared pieces it calls (any module-level function whose first parameter is ``o``). The
# operations and their order are unchanged, so the result is the same to the bit (tests/test_inplace.py); a rule
# whose source cannot be read runs unchanged with :class:`FloatOps`.
import ast as _ast
import functools as _functools
import inspect as _inspect
import textwrap as _textwrap

_BINARY = {"add": _ast.Add, "sub": _ast.Sub, "mul": _ast.Mult, "div": _ast.Div}
_CALLS = {"sqrt": "_float_sqrt", "abs": "abs", "maximum": "_float_maximum"}


class _Inline(_ast.NodeTransformer):
    def __init__(self, name: str):
        self.o = name

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if isinstance(node.value, _ast.Name) and node.value.id == self.o and node.attr == "explaining":
            return _ast.Constant(False)  # ``if o.explaining:`` blocks vanish from the float specialisation
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        f = node.func
        if not (isinstance(f, _ast.Attribute) and isinstance(f.value, _ast.Name) and f.value.id == self.o):
            return node
        args, op = node.args, f.attr
        if op in _BINARY and len(args) == 2:
            return _ast.BinOp(args[0], _BINARY[op](), args[1])
        if op in _CALLS and len(args) == (2 if op == "maximum" else 1):
            return _ast.Call(_ast.Name(_CALLS[op], _ast.Load()), list(args), [])
        if op == "where" and len(args) == 3:
            return _ast.IfExp(args[0], args[1], args[2])
        if op == "copy" and len(args) == 1:
            return args[0]
        if op == "buf":
            return _ast.Constant(None)
        if op in ("term", "quantity"):  # floats never explain (see FloatOps)
            return _ast.Constant(None)
        if op == "zeros" and len(args) == 1:
            return _ast.Constant(0.0)
        return node


_SPECIALISED: dict = {}


def for_floats(fn):
    """``fn`` (a rule, maybe a ``functools.partial`` of one) with its ops inlined for Python floats; still called
    as ``fn(o, ...)`` (``o`` is then unused except for what was not inlined)."""
    if isinstance(fn, _functools.partial):
        return _functools.partial(for_floats(fn.func), *fn.args, **fn.keywords)
    if fn in _SPECIALISED:
        return _SPECIALISED[fn]
    _SPECIALISED[fn] = fn  # while in progress (recursion), and the fallback
    try:
        tree = _ast.parse(_textwrap.dedent(_inspect.getsource(fn)))
        func = tree.body[0]
        if not isinstance(func, _ast.FunctionDef) or not func.args.args or func.args.args[0].arg != "o":
            return fn
        func.decorator_list = []
        func = _Inline("o").visit(func)
        module = _ast.fix_missing_locations(_ast.Module([func], []))
        namespace = dict(fn.__globals__)
        namespace.update(_float_sqrt=math.sqrt, _float_maximum=_f_maximum)
        for name, value in fn.__globals__.items():
            if _inspect.isfunction(value) and value is not fn and _first_param(value) == "o":
                namespace[name] = for_floats(value)
        exec(compile(module, f"<float {fn.__module__}.{fn.__name__}>", "exec"), namespace)  # our own source
        _SPECIALISED[fn] = namespace[fn.__name__]
    except (OSError, TypeError, SyntaxError):
        pass
    return _SPECIALISED[fn]


def _first_param(fn) -> str | None:
    try:
        params = list(_inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return None
    return params[0] if params else None
