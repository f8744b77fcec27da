"""An optimizer given as a Python object (notebooks only: :func:`app.notebook.run`), run by the engine like any
other: on the same surfaces, with the same gradients (noise and mini-batches from the same seeded streams), the
same learning rates after the schedule, and the same divergence test.

Two shapes are understood:

* a ``torch.optim.Optimizer`` subclass (``torch.optim.SGD``, or your own): each run is a 2-element float64
  tensor given to ``cls([x], **params)``; at every step ``x.grad`` is the engine's gradient, the group's ``lr``
  is the step's lr after the schedule, and ``optimizer.step()`` moves ``x``. torch is imported only then: it is
  never a dependency.
* any object with ``init(point) -> state`` and ``update(grad, state, point) -> (step, state)`` on numpy arrays of
  shape ``(2,)`` (optax's shape: the new point is ``point + step``). When ``update`` takes an ``lr`` keyword it
  gets ``params["lr"]`` after the schedule at every step; the other params (all of them when it takes no ``lr``)
  go to the constructor of a class (``cls(**params)``); an object already made takes none.

Each run is advanced by the object itself, one run at a time (its own Python, not vectorised).
"""
from __future__ import annotations

import inspect
import math
from dataclasses import dataclass
from functools import partial
from types import SimpleNamespace

import numpy as np

from ..bilingual import Bilingual
from .base import OptimizerDef
from .params import HyperparameterError


class ObjectError(ValueError):
    """An object that is not an optimizer Slopes can run (a message that says what it expects)."""


def is_torch_optimizer_class(obj) -> bool:
    """A subclass of ``torch.optim.Optimizer``, told by its class hierarchy (torch is not imported for it)."""
    return isinstance(obj, type) and any(
        k.__name__ == "Optimizer" and k.__module__.split(".")[0] == "torch" for k in obj.__mro__)


def _has_pair(obj) -> bool:
    return callable(getattr(obj, "init", None)) and callable(getattr(obj, "update", None))


def describe(obj) -> str:
    return obj.__name__ if isinstance(obj, type) else type(obj).__name__


def object_optimizer(obj, params: dict | None, key: str) -> OptimizerDef:
    """The optimizer of ``obj`` with constructor ``params``; ``key`` tells two lanes' objects apart (runs of one
    key advance together). Raises :class:`ObjectError` for an object it cannot run, or when torch is missing."""
    params = dict(params or {})
    if is_torch_optimizer_class(obj):
        try:
            import torch  # noqa: F401  (only now: torch is never a dependency)
        except ImportError:
            raise ObjectError(f"{describe(obj)} is a torch.optim.Optimizer, and torch is not installed here: "
                              f"pip install torch to run it") from None
        make, step_with_lr = partial(_torch_run, obj, params), True
        kind = "torch.optim.Optimizer subclass"
    elif _has_pair(obj):
        step_with_lr = _takes_lr(obj.update)
        own = {k: v for k, v in params.items() if not (step_with_lr and k == "lr")}  # lr reaches update
        if isinstance(obj, type):
            made = obj(**own)
        elif own:
            raise ObjectError(f"{describe(obj)} is already made, so it takes no params" +
                              (" but lr (its update's keyword)" if step_with_lr else "") +
                              f": pass its class to have {sorted(own)} given to its constructor")
        else:
            made = obj
        make, kind = partial(_NumpyRun, made, step_with_lr), "init/update object"
    elif is_torch_optimizer_class(type(obj)):
        raise ObjectError(f"give the class {describe(obj)}, not an optimizer already made: Slopes makes one per run "
                          f"(cls([x], **params))")
    else:
        raise ObjectError(f"{describe(obj)!s} is not an optimizer: give an optimizer id, a torch.optim.Optimizer "
                          f"subclass or an object with init(point) and update(grad, state, point) -> (step, state)")
    name = describe(obj)
    return ObjectOptimizer(
        id=name, names=Bilingual(name, name), update_latex="",
        descriptions=Bilingual(f"a Python {kind}, run in this process", f"이 프로세스에서 실행되는 파이썬 객체 ({kind})"),
        params=(), init_state=partial(_init, make=make), step=_step, scalar_state=(), state_names=lambda h: (),
        elementwise=False, reference=f"{getattr(obj, '__module__', '')}.{name}".lstrip("."), key=key,
        schedulable=step_with_lr)


@dataclass(frozen=True)
class ObjectOptimizer(OptimizerDef):
    """The optimizer of one lane's object: its params are the object's own (echoed as given)."""

    key: str = ""
    schedulable: bool = True  # the step's lr reaches the object (a torch group's lr, or update's lr keyword)

    def validate(self, given: dict | None) -> dict:
        given = dict(given or {})
        lr = given.get("lr")
        if "lr" in given and (isinstance(lr, bool) or not isinstance(lr, (int, float)) or not math.isfinite(lr)):
            raise HyperparameterError("lr", f"lr must be a finite number, got {lr!r}")
        return given

    def structural(self, hyper: dict) -> tuple:
        return (("python_object", self.key),)  # each lane's object advances its own runs


def _takes_lr(update) -> bool:
    try:
        return "lr" in inspect.signature(update).parameters
    except (TypeError, ValueError):
        return False


# --- the engine's rule: each run advanced by its own object --------------------------------------------------
def _init(o, p, hp, *, make) -> SimpleNamespace:
    return SimpleNamespace(runs=[make(np.array(p[:, i], dtype=float)) for i in range(p.shape[1])])


def _step(o, s, p, g, hp, lr, **_):
    out = np.empty_like(p)
    for i, run in enumerate(s.runs):
        out[:, i] = run.step(np.array(g[:, i], dtype=float), np.array(p[:, i], dtype=float),
                             float(lr if not isinstance(lr, np.ndarray) else lr.reshape(-1)[i]))
    return out


class _NumpyRun:
    def __init__(self, made, with_lr: bool, point: np.ndarray):
        self.made, self.with_lr = made, with_lr
        self.state = made.init(point)

    def step(self, grad, point, lr):
        kwargs = {"lr": lr} if self.with_lr else {}
        update, self.state = self.made.update(grad, self.state, point, **kwargs)
        step = np.asarray(update, dtype=float)
        if step.size != 2:
            raise ObjectError(f"{describe(self.made)}.update returned a step of shape {step.shape}: it must be two "
                              f"numbers, one per coordinate of the point (as grad and point are)")
        return point + step.reshape(2)


class _TorchRun:
    def __init__(self, cls, params: dict, point: np.ndarray):
        import torch

        self.torch = torch
        self.x = torch.tensor(point, dtype=torch.float64, requires_grad=True)
        self.optimizer = cls([self.x], **params)
        self.sets_lr = "lr" in params

    def step(self, grad, point, lr):
        torch = self.torch
        with torch.no_grad():
            self.x.copy_(torch.from_numpy(point))
        self.x.grad = torch.from_numpy(grad)
        if self.sets_lr:
            for group in self.optimizer.param_groups:
                group["lr"] = lr
        self.optimizer.step()
        return self.x.detach().numpy().copy()


def _torch_run(cls, params, point):
    return _TorchRun(cls, params, point)

