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
(``"emit"``: an extra per-step output such as Schedule-Free's averaged point), ``o.domain``.

The pure optax-style pair ``init(params, hp, ctx)`` / ``update(grad, state, params, hp, lr, ctx)`` on
``(N, 2)`` arrays is derived from the rule (copies in, copies out), and an optimizer given only that pair (no
``step``) still runs on the array path.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import SimpleNamespace
from functools import partial
from typing import Any, Callable

import numpy as np


class HyperparameterError(ValueError):
    """A hyperparameter outside its valid range; ``name`` says which."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


@dataclass(frozen=True)
class ParamSpec:
    name: str
    default: Any
    description: str
    min: float | None = None
    max: float | None = None
    scale: str = "linear"  # "linear", "log", "bool", "pair"
    min_exclusive: bool = False
    max_exclusive: bool = False
    slider: tuple[float, float] | None = None  # a sensible UI range inside [min, max]

    def as_dict(self) -> dict:
        out = {"name": self.name, "default": self.default, "min": self.min, "max": self.max, "scale": self.scale,
               "min_exclusive": self.min_exclusive, "max_exclusive": self.max_exclusive,
               "description": self.description}
        if self.slider is not None:
            out["slider"] = list(self.slider)
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
        if self.scale == "bool":
            if not isinstance(value, bool):
                raise HyperparameterError(self.name, f"{self.name} must be true or false, got {value!r}")
            return value
        if self.scale == "pair":
            if not isinstance(value, (list, tuple)) or len(value) != 2:
                raise HyperparameterError(self.name, f"{self.name} must be a list of two numbers, got {value!r}")
            return [self.check_number(v, f"{self.name}[{i}]") for i, v in enumerate(value)]
        return self.check_number(value)


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
    init: Callable | None = None  # the pure pair (derived from ``step`` when that is given)
    update: Callable | None = None
    step: Callable | None = None  # the rule (see the module text)
    init_state: Callable | None = None
    scalar_state: tuple[str, ...] = ("step",)  # state entries that are one number per run, not per coordinate
    state_names: Callable[[dict], tuple[str, ...]] | None = None  # what torch keeps for these hyperparameters
    torch_equivalent: str = ""
    elementwise: bool = True  # coordinate-separable: can advance Python floats one coordinate at a time
    needs: tuple[str, ...] = ()  # "value", "hessian", "rng": what the update reads from ctx
    check: Callable[[dict], None] | None = None  # combinations of hyperparameters
    reference: str = ""
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.step is not None and self.update is None:
            object.__setattr__(self, "init", partial(_pure_init, self))
            object.__setattr__(self, "update", partial(_pure_update, self))

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

    def state_keys(self, hyper: dict) -> tuple[str, ...]:
        """The names torch keeps in ``optimizer.state[p]`` for these hyperparameters: ``state_names`` when given,
        else the fields of a fresh state that are not None (elementwise rules), else none known."""
        if self.state_names is not None:
            return tuple(self.state_names(hyper))
        if self.init_state is not None and self.elementwise and not self.needs:
            from ..numeric import FLOAT_OPS

            state = self.init_state(FLOAT_OPS, 0.0, hyper_namespace(hyper))
            return tuple(k for k, v in vars(state).items() if v is not None)
        return ()

    def structural(self, hyper: dict) -> tuple:
        """Hyperparameters that choose a code path (booleans): equal within one batch of runs."""
        return tuple((p.name, hyper[p.name]) for p in self.params if p.scale == "bool")

    def metadata(self) -> dict:
        return {"id": self.id, "name": self.name, "description": self.description, "update": self.update_latex,
                "torch": self.torch_equivalent, "reference": self.reference,
                "params": [p.as_dict() for p in self.params]}


def _copy(v):
    return list(v) if isinstance(v, list) else v


def hyper_namespace(hyper: dict) -> SimpleNamespace:
    """The view of hyperparameters update rules read: ``betas`` split into ``beta1``/``beta2``."""
    ns = dict(hyper)
    if "betas" in ns:
        ns["beta1"], ns["beta2"] = ns.pop("betas")
    return SimpleNamespace(**ns)


def _rows(hp: SimpleNamespace) -> SimpleNamespace:
    """``(N, 1)`` per-run columns as ``(1, N)`` rows."""
    return SimpleNamespace(**{k: (v.T if isinstance(v, np.ndarray) else v) for k, v in vars(hp).items()})


def _pure_init(opt: "OptimizerDef", params, hp, ctx=None):
    from ..numeric import FLOAT_OPS

    if not isinstance(params, np.ndarray):
        return opt.init_state(FLOAT_OPS, params, hp)
    return opt.init_state(_pure_ctx(ctx), np.array(params, dtype=float).T, _rows(hp))


def _pure_ctx(ctx):
    from ..numeric import ArrayOps

    o = ArrayOps()
    for name in ("value", "hessian", "rng", "domain", "evaluate", "emit"):
        if hasattr(ctx, name):
            setattr(o, name, getattr(ctx, name))
    return o


def _pure_update(opt: "OptimizerDef", grad, state, params, hp, lr, ctx=None):
    """The rule as a pure function of ``(N, 2)`` arrays (or Python floats): nothing given is modified."""
    from ..numeric import FLOAT_OPS

    state = copy_state(state)
    if not isinstance(params, np.ndarray):
        return opt.step(FLOAT_OPS, state, params, grad, hp, lr), state
    lr = lr.T if isinstance(lr, np.ndarray) else lr
    p = opt.step(_pure_ctx(ctx), state, np.array(params, dtype=float).T, np.asarray(grad, dtype=float).T,
                 _rows(hp), lr)
    return p.T, state


def copy_state(state: SimpleNamespace) -> SimpleNamespace:
    """A state whose arrays are its own."""
    return SimpleNamespace(**{k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in vars(state).items()})


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
