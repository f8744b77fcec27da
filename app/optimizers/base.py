"""The shape every optimizer shares: hyperparameter specs, validation, the rule interface, shared pieces.

**A rule is written once**, in torch's order of operations, against an ops layer ``o``
(:class:`app.numeric.FloatOps` or an :class:`app.numeric.ArrayOps` instance, which is also the step's
context)::

    state = init_state(o, p, hp)          # a SimpleNamespace under torch's optimizer.state[p] names
    p = step(o, s, p, g, hp, lr)          # updates ``s`` (its arrays in place), returns the new point

``p`` and ``g`` are one coordinate as a Python float (elementwise rules advancing a handful of runs), or
coordinate-major ``(2, n)`` arrays (``p[0]`` the x of n runs, ``p[1]`` their y). Every ``o.add/sub/mul/div/
sqrt/abs/maximum/where/copy(..., out=buffer)`` returns its result and, on arrays, writes it into ``buffer``: the
state's own arrays (``out=s.exp_avg``), ``p`` itself (``out=p``: the step is applied in place) or a named scratch
array ``o.buf("denom")`` (None on floats, where ``out`` is ignored). The shared pieces below use ``o.buf("tmp")``
for their temporaries: a rule may use it too, for a value it no longer needs when it calls one of them. ``g`` is read, never written. ``hp`` holds
the hyperparameters (``betas`` split into ``beta1``/``beta2``): Python floats, or ``(1, n)`` rows where the runs
advanced together differ. ``lr`` is this step's learning rate after the schedule (a float or a ``(1, n)`` row).

Rules that are not coordinate-separable set ``elementwise=False`` and always get arrays. Rules that need more
than the gradient name it in ``needs`` and find it on ``o``: ``o.value(p)`` (``"value"``), ``o.hessian(p)``
(``"hessian"``), ``o.rng`` (``"rng"``), ``o.evaluate(p, mask=None) -> (loss, grad)`` (``"evaluate"``: extra
evaluations at any points, counted per step and their points kept for drawing), ``o.emit(name, value)``
(an extra per-step output such as Schedule-Free's averaged point, declared in ``emits`` with its shape), ``o.domain``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Callable

import numpy as np

from ..numeric import FLOAT_OPS, ArrayOps


class HyperparameterError(ValueError):
    """A hyperparameter outside its valid range; ``name`` says which."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


@dataclass(frozen=True)
class ParamSpec:
    """One hyperparameter: its default, bounds and kind, enough for the page to give it a control.

    ``scale``: ``"linear"``/``"log"`` (a number), ``"int"`` (a whole number), ``"bool"``, ``"choice"`` (one of
    ``choices``, strings), ``"pair"`` or ``"tuple"`` (a list of ``length`` numbers; ``item_nullable[i]`` says
    element ``i`` may be null). ``nullable``: the whole value may be null (torch's ``None``, e.g. LBFGS's
    ``max_eval`` or ``line_search_fn``). ``structural``: a value that shapes the code path (a loop count, a
    branch), so runs advanced together must share it.
    """

    name: str
    default: Any
    description: str
    min: float | None = None
    max: float | None = None
    scale: str = "linear"  # "linear", "log", "int", "bool", "choice", "pair", "tuple"
    min_exclusive: bool = False
    max_exclusive: bool = False
    slider: tuple[float, float] | None = None  # a sensible UI range inside [min, max]
    nullable: bool = False
    choices: tuple | None = None
    length: int = 2
    item_nullable: tuple[bool, ...] = ()
    structural: bool = False

    def as_dict(self) -> dict:
        out = {"name": self.name, "default": self.default, "min": self.min, "max": self.max, "scale": self.scale,
               "min_exclusive": self.min_exclusive, "max_exclusive": self.max_exclusive,
               "description": self.description}
        if self.slider is not None:
            out["slider"] = list(self.slider)
        if self.nullable:
            out["nullable"] = True
        if self.choices is not None:
            out["choices"] = list(self.choices)
        if self.scale in ("pair", "tuple"):
            out["length"] = self.length
            if any(self.item_nullable):
                out["item_nullable"] = list(self.item_nullable)
        return out

    def range_text(self) -> str:
        lo = "(" if self.min_exclusive else "["
        hi = ")" if self.max_exclusive else "]"
        return f"{lo}{self.min}, {self.max}{hi}"

    def check_number(self, value, name: str | None = None) -> float:
        name = name or self.name
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise HyperparameterError(name, f"{name} must be a number, got {value!r}")
        value = float(value)
        if not math.isfinite(value):
            raise HyperparameterError(name, f"{name} must be finite, got {value}")
        too_low = self.min is not None and (value <= self.min if self.min_exclusive else value < self.min)
        too_high = self.max is not None and (value >= self.max if self.max_exclusive else value > self.max)
        if too_low or too_high:
            raise HyperparameterError(name, f"invalid {name} {value}: must be in {self.range_text()}")
        return value

    def validate(self, value):
        if value is None and self.nullable:
            return None
        if self.scale == "bool":
            if not isinstance(value, bool):
                raise HyperparameterError(self.name, f"{self.name} must be true or false, got {value!r}")
            return value
        if self.scale == "choice":
            if value not in self.choices or isinstance(value, bool):
                names = ", ".join("null" if c is None else repr(c) for c in self.choices)
                raise HyperparameterError(self.name, f"{self.name} must be one of {names}, got {value!r}")
            return value
        if self.scale in ("pair", "tuple"):
            if not isinstance(value, (list, tuple)) or len(value) != self.length:
                kind = "two" if self.length == 2 else str(self.length)
                raise HyperparameterError(self.name, f"{self.name} must be a list of {kind} numbers, got {value!r}")
            nullable = self.item_nullable or (False,) * self.length
            return [None if v is None and nullable[i] else self.check_number(v, f"{self.name}[{i}]")
                    for i, v in enumerate(value)]
        if self.scale == "int":
            number = self.check_number(value)
            if number != int(number):
                raise HyperparameterError(self.name, f"{self.name} must be a whole number, got {value!r}")
            return int(number)
        return self.check_number(value)

    @property
    def shapes_code_path(self) -> bool:
        """Runs advanced together must share this value: it picks a branch or a loop count, or it is not one
        number per run (``betas`` is split into two numbers, so it may differ)."""
        return (self.structural or self.nullable or self.scale in ("bool", "choice")
                or (self.scale in ("pair", "tuple") and self.name != "betas"))


def lr_spec(default: float, max_: float = 1000.0) -> ParamSpec:
    return ParamSpec("lr", default, "learning rate", 0.0, max_, "log", slider=(1e-5, 10.0))


def weight_decay_spec(default: float = 0.0) -> ParamSpec:
    return ParamSpec("weight_decay", default, "L2 penalty added to the gradient (decoupled in AdamW)", 0.0, 10.0,
                     "linear", slider=(0.0, 1.0))


def eps_spec(default: float) -> ParamSpec:
    return ParamSpec("eps", default, "added to the denominator for numerical stability", 0.0, 1.0, "log",
                     slider=(1e-12, 1.0))


def betas_spec() -> ParamSpec:
    return ParamSpec("betas", [0.9, 0.999], "decay rates of the first and second moment averages", 0.0, 1.0,
                     "pair", max_exclusive=True)


@dataclass(frozen=True)
class OptimizerDef:
    """One optimizer: its metadata, hyperparameters and pure update rule."""

    id: str
    name: str
    description: str
    update_latex: str
    params: tuple[ParamSpec, ...]
    step: Callable  # the rule (see the module text)
    init_state: Callable
    scalar_state: tuple[str, ...] = ("step",)  # state entries that are one number per run, not per coordinate
    state_names: Callable[[dict], tuple[str, ...]] | None = None  # what torch keeps for these hyperparameters
    torch_equivalent: str = ""
    elementwise: bool = True  # coordinate-separable: can advance Python floats one coordinate at a time
    needs: tuple[str, ...] = ()  # "value", "hessian", "rng": what the update reads from ctx
    check: Callable[[dict], None] | None = None  # combinations of hyperparameters
    reference: str = ""
    extra: dict = field(default_factory=dict)
    family: str = ""  # the optimizer menu's group (see app/optimizers/__init__.py, FAMILIES)
    description_ko: str = ""  # the one-line description in Korean
    evaluations: Callable[[dict], tuple[int, str]] | None = None  # most evaluations per step and the param setting it
    emits: dict = field(default_factory=dict)  # what ``o.emit`` reports per step: name -> "vector" or "flag"

    def evaluations_per_step(self, hyper: dict) -> int:
        """The most surface evaluations (value and gradient) one step may make with these hyperparameters:
        1 (the step's gradient) unless the rule evaluates more (LBFGS: up to ``max_eval``). Cost budgets
        count these."""
        return self.evaluations(hyper)[0] if self.evaluations is not None else 1

    def evaluations_param(self, hyper: dict) -> str | None:
        """The hyperparameter that sets :meth:`evaluations_per_step` (to name in a refusal), None if fixed."""
        return self.evaluations(hyper)[1] if self.evaluations is not None else None

    def param(self, name: str) -> ParamSpec:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def validate(self, given: dict | None) -> dict:
        """Every hyperparameter, defaults filled in, each checked; unknown names refused."""
        given = dict(given or {})
        names = [p.name for p in self.params]
        unknown = [k for k in given if k not in names]
        if unknown:
            raise HyperparameterError(unknown[0], f"unknown hyperparameter {unknown[0]!r} for {self.id}; "
                                                  f"expected one of {names}")
        out = {p.name: p.validate(given[p.name]) if p.name in given else _copy(p.default) for p in self.params}
        if self.check:
            self.check(out)
        return out

    def state_keys(self, hyper: dict) -> tuple[str, ...] | None:
        """The names torch keeps in ``optimizer.state[p]`` for these hyperparameters: ``state_names`` when given,
        else the fields of a fresh state that are not None (of one run: a float for elementwise rules, a ``(2, 1)``
        array otherwise), else None (not known before the first step: the engine reports the fields the state has).
        Known in advance, every WebSocket chunk carries every name of the run, as the whole answer does."""
        if self.state_names is not None:
            return tuple(self.state_names(hyper))
        if self.elementwise and not self.needs:
            state = self.init_state(FLOAT_OPS, 0.0, hyper_namespace(hyper))
            return tuple(k for k, v in vars(state).items() if v is not None)
        try:  # array rules (Muon, Schedule-Free): a fresh state of one run says
            state = self.init_state(ArrayOps((2, 1)), np.zeros((2, 1)), hyper_namespace(hyper))
        except Exception:  # a rule whose state needs more than the point (not known in advance)
            return None
        return tuple(k for k, v in vars(state).items() if v is not None)

    def structural(self, hyper: dict) -> tuple:
        """Hyperparameters that choose a code path (booleans, choices, loop counts, lists, nullables): equal
        within one batch of runs."""
        return tuple((p.name, _hashable(hyper[p.name])) for p in self.params if p.shapes_code_path)

    def metadata(self) -> dict:
        return {"id": self.id, "name": self.name, "description": self.description, "update": self.update_latex,
                "torch": self.torch_equivalent, "reference": self.reference, "family": self.family,
                "description_ko": self.description_ko, "params": [p.as_dict() for p in self.params]}


def _hashable(v):
    return tuple(v) if isinstance(v, list) else v


def _copy(v):
    return list(v) if isinstance(v, list) else v


def hyper_namespace(hyper: dict) -> SimpleNamespace:
    """The view of hyperparameters update rules read: ``betas`` split into ``beta1``/``beta2``."""
    ns = dict(hyper)
    if "betas" in ns:
        ns["beta1"], ns["beta2"] = ns.pop("betas")
    return SimpleNamespace(**ns)


# --- pieces several rules share, each written once ----------------------------------------------------------
def l2_penalty(o, g, p, weight_decay):
    """torch's ``grad = grad.add(param, alpha=weight_decay)`` when ``weight_decay != 0`` (else ``g`` itself)."""
    if not active(weight_decay):
        return g
    t = o.mul(p, weight_decay, out=o.buf("grad"))
    return o.add(t, g, out=t)


def decoupled_decay(o, p, lr, weight_decay):
    """AdamW's ``param.mul_(1 - lr * weight_decay)``."""
    if not active(weight_decay):
        return p
    return o.mul(p, 1 - lr * weight_decay, out=p)


def lerp(o, start, end, weight, out):
    """``torch.lerp(start, end, weight)`` as ATen computes it (``start + w (end - start)`` below 0.5, ``end - (end -
    start)(1 - w)`` from there, exact at both ends), into ``out``. Per-run weights take each run's branch."""
    if isinstance(weight, np.ndarray):
        low = o.add(start, weight * (end - start))
        high = o.sub(end, (end - start) * (1 - weight))
        return o.where(weight < 0.5, low, high, out=out)
    diff = o.sub(end, start, out=o.buf("tmp"))
    if weight < 0.5:
        return o.add(start, o.mul(diff, weight, out=diff), out=out)
    return o.sub(end, o.mul(diff, 1 - weight, out=diff), out=out)


def decay_square(o, average, g, decay):
    """``average.mul_(decay).addcmul_(g, g, value=1 - decay)``: the squared-gradient average of RMSprop,
    Adadelta, Adam and NAdam, in place."""
    average = o.mul(average, decay, out=average)
    t = o.mul(g, 1 - decay, out=o.buf("tmp"))
    return o.add(average, o.mul(t, g, out=t), out=average)


def bias_correction(beta, step: int):
    """``1 - beta ** step``."""
    return 1 - beta ** step


def active(v) -> bool:
    """torch's ``if weight_decay != 0`` for a float; an array of per-run values always takes the branch
    (a zero in it then adds exactly nothing)."""
    return v.__class__ is not float or v != 0.0  # validated hyperparameters are floats or arrays


def sign(o, v, out=None):
    """``torch.sign``: -1, 0 or 1 (0 for a zero)."""
    if o.kind == "float":
        return float((v > 0) - (v < 0))
    return np.sign(v, out=out)


def clamp(o, v, lo, hi, out=None):
    """``tensor.clamp_(lo, hi)``: ``min(max(v, lo), hi)``."""
    if o.kind == "float":
        return min(max(v, lo), hi)
    return np.minimum(np.maximum(v, lo, out=out), hi, out=out)
