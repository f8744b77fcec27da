"""The shape every optimizer shares: hyperparameter specs, validation, state.

An optimizer is a pair of pure functions over arrays with a leading runs axis
(optax's ``init``/``update``), written once against an array namespace ``xp``:

    state = init(params, hp, ctx)
    params, state = update(grad, state, params, hp, lr, ctx)

``hp`` holds the hyperparameters (each a float, or an array broadcasting
against ``params`` when the runs advanced together differ in it); ``lr`` is the
learning rate of this step after the schedule; ``ctx`` carries ``xp`` and, for
the optimizers that need them, the surface's value and Hessian and a seeded
random generator. Nothing is mutated in place, so a run can be replayed,
batched and tested.

The torch optimizers also have ``update_inplace``, the same rule as torch's
own ``_single_tensor_*`` code runs it: the very operations of ``update``, in
the same order, written into ``params`` and the state's arrays (plus three
scratch arrays), so a basin map of 160,000 runs allocates nothing per step.

    state = update_inplace(grad, state, params, hp, lr, work)

It reads ``grad`` and never writes it; its results equal ``update``'s bit for
bit (tests/test_inplace.py), which is what lets the parity tests against torch
vouch for both. It needs a state whose arrays are its own (:func:`own_arrays`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import SimpleNamespace
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
    init: Callable
    update: Callable
    update_inplace: Callable | None = None  # the same rule overwriting params and state (see the module text)
    torch_equivalent: str = ""
    elementwise: bool = True  # coordinate-separable: can advance Python floats one coordinate at a time
    needs: tuple[str, ...] = ()  # "value", "hessian", "rng": what the update reads from ctx
    check: Callable[[dict], None] | None = None  # combinations of hyperparameters
    reference: str = ""
    extra: dict = field(default_factory=dict)

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


def zeros_like(params):
    """Zeros shaped like ``params``, for arrays and Python floats alike."""
    return params * 0.0


def active(v) -> bool:
    """torch's ``if weight_decay != 0`` for a float; an array of per-run values always takes the branch
    (a zero in it then adds exactly nothing)."""
    return v.__class__ is not float or v != 0.0  # validated hyperparameters are floats or arrays


def decayed_(grad, params, weight_decay, out):
    """``grad + weight_decay * params`` written into ``out`` (torch's L2 penalty), or ``grad`` when there is
    none: the in-place rules' first line, as :func:`active` decides it."""
    if not active(weight_decay):
        return grad
    np.multiply(params, weight_decay, out=out)
    out += grad
    return out


def own_arrays(state):
    """A state whose arrays are copies, none shared (``init`` may hand one zeros array to two fields)."""
    return type(state)(*[v.copy() if isinstance(v, np.ndarray) else v for v in state])
