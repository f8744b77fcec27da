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
from typing import NamedTuple

import numpy as np

from .bilingual import Bilingual


class ScheduleError(ValueError):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


class ScheduleParam(NamedTuple):
    """One parameter of a schedule type: its default, bounds (inclusive), whether it is a whole number, and the
    page's texts (a short label and a description, in both languages)."""

    default: float
    min: float
    max: float
    integer: bool
    label: Bilingual
    description: Bilingual

    def as_dict(self, name: str) -> dict:
        """The same shape as an optimizer's hyperparameter in ``GET /api/optimizers``."""
        return {"name": name, "default": self.default, "min": self.min, "max": self.max,
                "scale": "int" if self.integer else "linear", "min_exclusive": False, "max_exclusive": False,
                "description": self.description.en, "descriptions": self.description.as_dict(),
                "labels": self.label.as_dict()}


GAMMA = Bilingual("γ: the factor the learning rate is multiplied by", "γ: 학습률에 곱하는 배율")

# type -> {param: ScheduleParam}
SCHEDULE_PARAMS: dict[str, dict[str, ScheduleParam]] = {
    "constant": {},
    "step": {
        "step_size": ScheduleParam(100, 1, 1_000_000, True, Bilingual("every (steps)", "간격 (스텝)"),
                                   Bilingual("the learning rate drops every step_size steps",
                                             "step_size 스텝마다 학습률이 떨어집니다")),
        "gamma": ScheduleParam(0.5, 0.0, 10.0, False, Bilingual("factor γ", "배율 γ"), GAMMA)},
    "exponential": {"gamma": ScheduleParam(0.99, 0.0, 10.0, False, Bilingual("factor γ", "배율 γ"), Bilingual(
        "γ: the learning rate is multiplied by γ after every step", "γ: 매 스텝 뒤에 학습률에 γ를 곱합니다"))},
    "cosine": {
        "T_max": ScheduleParam(500, 1, 1_000_000, True, Bilingual("half period T_max", "반주기 T_max"),
                               Bilingual("the steps from the starting lr down to eta_min (then back up)",
                                         "처음 학습률에서 eta_min까지 내려가는 스텝 수 (그다음 다시 올라감)")),
        "eta_min": ScheduleParam(0.0, 0.0, 1000.0, False, Bilingual("lowest lr", "최저 학습률"),
                                 Bilingual("eta_min: the lowest learning rate of the cosine",
                                           "eta_min: 코사인이 내려가는 가장 낮은 학습률"))},
    "inverse_time": {"decay": ScheduleParam(0.01, 0.0, 1000.0, False, Bilingual("decay", "감소율"), Bilingual(
        "the learning rate at step t is lr / (1 + decay·t)", "스텝 t의 학습률은 lr / (1 + decay·t)입니다"))},
}
SCHEDULE_NAMES: dict[str, Bilingual] = {
    "constant": Bilingual("constant", "고정"),
    "step": Bilingual("step", "계단식"),
    "exponential": Bilingual("exponential", "지수 감소"),
    "cosine": Bilingual("cosine", "코사인"),
    "inverse_time": Bilingual("inverse time", "역시간 감소"),
}
SCHEDULE_DESCRIPTIONS: dict[str, Bilingual] = {
    "constant": Bilingual("the same learning rate at every step", "모든 스텝에서 같은 학습률"),
    "step": Bilingual("torch's StepLR: lr·γ every step_size steps", "torch의 StepLR: step_size 스텝마다 lr·γ"),
    "exponential": Bilingual("torch's ExponentialLR: lr·γᵗ", "torch의 ExponentialLR: lr·γᵗ"),
    "cosine": Bilingual("torch's CosineAnnealingLR: half a cosine from lr down to eta_min over T_max steps",
                        "torch의 CosineAnnealingLR: T_max 스텝 동안 코사인 반주기로 lr에서 eta_min까지"),
    "inverse_time": Bilingual("lr / (1 + decay·t)", "lr / (1 + decay·t)"),
}


def catalogue() -> list[dict]:
    """Every schedule type with its names and parameters, for ``GET /api/schedules``."""
    return [{"type": kind, "names": SCHEDULE_NAMES[kind].as_dict(),
             "descriptions": SCHEDULE_DESCRIPTIONS[kind].as_dict(),
             "params": [spec.as_dict(name) for name, spec in params.items()]}
            for kind, params in SCHEDULE_PARAMS.items()]


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
        for name, param in allowed.items():
            v = spec.get(name, param.default)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise ScheduleError(name, f"{name} must be a finite number, got {v!r}")
            if param.integer and v != int(v):
                raise ScheduleError(name, f"{name} must be a whole number, got {v}")
            if not param.min <= v <= param.max:
                raise ScheduleError(name, f"invalid {name} {v}: must be in [{param.min}, {param.max}]")
            values[name] = int(v) if param.integer else float(v)
        return cls(kind, tuple(sorted(values.items())))

    def as_dict(self) -> dict:
        return {"type": self.type, **dict(self.params)}

    def learning_rates(self, base_lr: float, steps: int) -> np.ndarray:
        """The lr of steps 0 .. steps-1, as torch's scheduler would set them (closed forms where torch's are: the
        same operations, so the same values; the others step by step)."""
        p = dict(self.params)
        if self.type == "constant":  # (a sweep plans one table per cell: no loop over the steps)
            return np.full(steps, float(base_lr))
        if self.type == "inverse_time":
            return float(base_lr) * (1.0 / (1.0 + p["decay"] * np.arange(steps, dtype=float)))
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
