"""Calculus on a surface's tree: exact symbolic derivatives, evaluation at points (numpy arrays or Python
floats), and LaTeX."""
from __future__ import annotations

import math

from .tree import ONE, TWO, ZERO, Bin, Call, Neg, Num, Var, add, div, mul, neg, pw, sub


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
_PREC = {"+": 1, "-": 1, "*": 2, "/": 2, "^": 4, "min": 5, "max": 5}


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
        if node.fn == "grad":
            return rf"\nabla f\left({latex(node.arg)}\right)"
        if node.fn == "sign":
            return rf"\operatorname{{sign}}\left({latex(node.arg)}\right)"
        return rf"\{node.fn}\left({latex(node.arg)}\right)"
    if node.op in ("min", "max"):
        return rf"\{node.op}\left({latex(node.left)}, {latex(node.right)}\right)"
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
