"""Array namespaces shared by surfaces and optimizers.

Every surface and every update rule is written once, against a namespace ``xp``
that is either :mod:`numpy` (arrays with a leading runs axis, meshgrids) or
:data:`scalar`, the same functions on Python floats. numpy costs about a
microsecond per call whatever the array size, so for a handful of runs the
engine advances plain floats through the very same code; for many runs it
advances whole arrays. The two agree to the last bit wherever both call the
platform's IEEE operations (``+ - * /``, ``sqrt``) and to an ulp elsewhere.

Python floats raise where numpy returns ``inf``/``nan`` (``math.exp(1000)``,
``1.0 / 0.0``); :data:`SCALAR_ERRORS` lists what the engine treats as a
non-finite result.
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


def lerp(start, end, weight):
    """``torch.lerp(start, end, weight)`` for a Python-float weight, as ATen computes it.

    ATen takes ``start + weight * (end - start)`` below 0.5 and
    ``end - (end - start) * (1 - weight)`` otherwise, which keeps the result
    exact at both ends.
    """
    if isinstance(weight, np.ndarray):  # one weight per run (sweeps)
        return np.where(weight < 0.5, start + weight * (end - start), end - (end - start) * (1 - weight))
    if weight < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)


def lerp_(start: np.ndarray, end: np.ndarray, weight, work: np.ndarray) -> np.ndarray:
    """:func:`lerp` written into ``start`` (``work``: a scratch array of its shape), bit for bit the same."""
    if isinstance(weight, np.ndarray):  # per-run weights (sweeps over betas): both branches, as lerp does
        np.copyto(start, lerp(start, end, weight))
        return start
    diff = np.subtract(end, start, out=work)
    if weight < 0.5:
        diff *= weight
        start += diff
    else:
        diff *= 1 - weight
        np.subtract(end, diff, out=start)
    return start


def decay_square_(average: np.ndarray, grad: np.ndarray, decay, work: np.ndarray) -> np.ndarray:
    """``average * decay + (1 - decay) * grad * grad`` written into ``average``: torch's
    ``mul_(decay).addcmul_(grad, grad, value=1 - decay)``, the second-moment average of RMSprop, Adadelta, Adam
    and NAdam, bit for bit as their pure rules compute it."""
    average *= decay
    np.multiply(grad, 1 - decay, out=work)
    work *= grad
    average += work
    return average
