"""Hyperparameter specs: what each optimizer's settings are (default, bounds, scale, slider, label and
description in both languages), how a value is checked, and the specs several optimizers share."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..bilingual import Bilingual


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
    branch), so runs advanced together must share it. ``description`` says what it does and ``label`` is the
    control's short label, both in English and Korean.
    """

    name: str
    default: Any
    description: Bilingual
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
    label: Bilingual = Bilingual("", "")

    def as_dict(self) -> dict:
        out = {"name": self.name, "default": self.default, "min": self.min, "max": self.max, "scale": self.scale,
               "min_exclusive": self.min_exclusive, "max_exclusive": self.max_exclusive,
               "description": self.description.en, "descriptions": self.description.as_dict(),
               "labels": self.label.as_dict()}
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
    return ParamSpec("lr", default, Bilingual("learning rate: the scale of every step",
                                              "학습률: 모든 스텝의 크기를 정하는 배율"),
                     0.0, max_, "log", slider=(1e-5, 10.0), label=Bilingual("learning rate", "학습률"))


L2_PENALTY = Bilingual("L2 penalty λ: λ·θ is added to the gradient before the rule uses it",
                       "L2 벌점 λ: 규칙이 기울기를 쓰기 전에 λ·θ를 더합니다")
DECOUPLED_DECAY = Bilingual("decoupled weight decay λ: the parameters shrink by the factor 1 − lr·λ each step, "
                            "apart from the gradient step",
                            "분리된 가중치 감쇠 λ: 기울기 스텝과 별도로 매 스텝 매개변수에 1 − lr·λ를 곱해 줄입니다")


def weight_decay_spec(default: float = 0.0, description: Bilingual = L2_PENALTY) -> ParamSpec:
    return ParamSpec("weight_decay", default, description, 0.0, 10.0, "linear", slider=(0.0, 1.0),
                     label=Bilingual("weight decay λ", "가중치 감쇠 λ"))


def eps_spec(default: float) -> ParamSpec:
    return ParamSpec("eps", default, Bilingual("ε, added to the denominator so that it is never zero",
                                               "ε: 분모가 0이 되지 않도록 더하는 작은 값"),
                     0.0, 1.0, "log", slider=(1e-12, 1.0), label=Bilingual("epsilon ε", "안정화 상수 ε"))


def betas_spec() -> ParamSpec:
    return ParamSpec("betas", [0.9, 0.999], Bilingual(
        "β₁, β₂: how slowly the averages of the gradient (m) and of its square (v) forget",
        "β₁, β₂: 기울기의 평균(m)과 기울기 제곱의 평균(v)이 과거를 얼마나 천천히 잊는지"),
        0.0, 1.0, "pair", max_exclusive=True, label=Bilingual("moment decays β₁, β₂", "모멘트 감쇠율 β₁, β₂"))


def flag(name: str, default: bool, description: Bilingual, label: Bilingual) -> ParamSpec:
    """A boolean hyperparameter (a branch of the rule)."""
    return ParamSpec(name, default, description, scale="bool", label=label)
