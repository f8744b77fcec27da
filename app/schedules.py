"""Learning-rate schedules with ``torch.optim.lr_scheduler`` semantics.

The lr used at step ``t`` (0-based) is what the scheduler gives after ``t``
calls of ``scheduler.step()``. torch's schedulers are *chainable*: each value is
computed from the previous one (``lr * gamma``), not from a closed form, and
the two differ in the last bits; :func:`learning_rates` repeats torch's
recurrences exactly.

=============  ===========================  =========================================
type           parameters                   torch equivalent
=============  ===========================  =========================================
constant       --                           no scheduler
step           step_size, gamma             ``StepLR``
exponential    gamma                        ``ExponentialLR``
cosine         T_max, eta_min               ``CosineAnnealingLR`` (periodic past T_max)
inverse_time   decay                        ``LambdaLR(lambda t: 1 / (1 + decay * t))``
=============  ===========================  =========================================
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


class ScheduleError(ValueError):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


# type -> {param: (default, min, max, integer)}
SCHEDULE_PARAMS: dict[str, dict[str, tuple]] = {
    "constant": {},
    "step": {"step_size": (100, 1, 1_000_000, True), "gamma": (0.5, 0.0, 10.0, False)},
    "exponential": {"gamma": (0.99, 0.0, 10.0, False)},
    "cosine": {"T_max": (500, 1, 1_000_000, True), "eta_min": (0.0, 0.0, 1000.0, False)},
    "inverse_time": {"decay": (0.01, 0.0, 1000.0, False)},
}


@dataclass(frozen=True)
class Schedule:
    type: str = "constant"
    params: tuple = ()

    @classmethod
    def from_dict(cls, spec: dict | None) -> "Schedule":
        """Validate ``{"type": ..., <params>}``; errors name the offending field."""
        if not spec:
            return cls()
        spec = dict(spec)
        kind = spec.pop("type", "constant")
        if kind not in SCHEDULE_PARAMS:
            raise ScheduleError("type", f"unknown schedule type {kind!r}; expected one of {list(SCHEDULE_PARAMS)}")
        allowed = SCHEDULE_PARAMS[kind]
        for name in spec:
            if name not in allowed:
                raise ScheduleError(name, f"unknown parameter {name!r} for a {kind} schedule; "
                                          f"expected one of {list(allowed)}")
        values = {}
        for name, (default, lo, hi, integer) in allowed.items():
            v = spec.get(name, default)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise ScheduleError(name, f"{name} must be a finite number, got {v!r}")
            if integer and v != int(v):
                raise ScheduleError(name, f"{name} must be a whole number, got {v}")
            if not lo <= v <= hi:
                raise ScheduleError(name, f"invalid {name} {v}: must be in [{lo}, {hi}]")
            values[name] = int(v) if integer else float(v)
        return cls(kind, tuple(sorted(values.items())))

    def as_dict(self) -> dict:
        return {"type": self.type, **dict(self.params)}

    def learning_rates(self, base_lr: float, steps: int) -> np.ndarray:
        """The lr of steps 0 .. steps-1, as torch's scheduler would set them."""
        p = dict(self.params)
        out = np.empty(steps)
        lr = float(base_lr)
        for t in range(steps):
            if t > 0:
                lr = self._next(lr, t, base_lr, p)
            out[t] = lr
        return out

    def _next(self, lr: float, t: int, base_lr: float, p: dict) -> float:
        kind = self.type
        if kind == "step":
            return lr * p["gamma"] if t % p["step_size"] == 0 else lr
        if kind == "exponential":
            return lr * p["gamma"]
        if kind == "cosine":
            t_max, eta_min = p["T_max"], p["eta_min"]
            if (t - 1 - t_max) % (2 * t_max) == 0:
                return lr + (base_lr - eta_min) * (1 - math.cos(math.pi / t_max)) / 2
            return ((1 + math.cos(math.pi * t / t_max)) / (1 + math.cos(math.pi * (t - 1) / t_max))
                    * (lr - eta_min) + eta_min)
        if kind == "inverse_time":
            return base_lr * (1.0 / (1.0 + p["decay"] * t))
        return lr
