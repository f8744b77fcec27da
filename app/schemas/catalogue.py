"""The catalogue's bodies: surfaces, optimizers, schedules and their parameters, with texts in both languages."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from .fields import Point


class StationaryOut(BaseModel):
    point: Point
    value: float
    kind: str | None = None
    sharpness: float | None = Field(None, description="minima: the largest eigenvalue of the Hessian; null where "
                                                      "the surface has a kink there")


class Languages(BaseModel):
    """One text in the page's two languages."""
    en: str = Field(description="English")
    ko: str = Field(description="Korean")


class ReportedName(BaseModel):
    """A name a rule reports when it explains a step (``include: ["terms"]``), with what it is in both languages."""
    name: str = Field(description="the key in a step's ``terms`` or ``quantities``")
    en: str = Field(description="what it is, in English")
    ko: str = Field(description="what it is, in Korean")


class SurfaceOut(BaseModel):
    id: str
    name: str = Field(description="the name in English (names.en)")
    description: str = Field(description="the description in English (descriptions.en)")
    names: Languages = Field(description="the name in both of the page's languages")
    descriptions: Languages = Field(description="the description in both of the page's languages")
    formula: str
    latex: str
    tags: list[str]
    domain: dict[str, list[float]]
    default_start: Point
    minima: list[StationaryOut]
    saddles: list[StationaryOut]
    reference: str = ""
    log_scale: bool = False
    stationary_points: str | None = Field(None, description="custom surfaces: 'found numerically, not proven'")
    test_shift: Point | None = Field(None, description="the test landscape is this surface shifted by [dx, dy]")


class ParamOut(BaseModel):
    name: str
    default: Any
    min: float | None
    max: float | None
    scale: str
    min_exclusive: bool = False
    max_exclusive: bool = False
    slider: list[float] | None = None
    description: str
    nullable: bool = Field(False, description="the value may be null (the reference's None)")
    choices: list[str | None] | None = Field(None, description="scale 'choice': the allowed values")
    length: int | None = Field(None, description="scale 'pair'/'tuple': how many numbers")
    item_nullable: list[bool] | None = Field(None, description="scale 'pair'/'tuple': which elements may be null")
    labels: Languages = Field(description="the control's short label, in both languages")
    descriptions: Languages = Field(description="what it does, in both languages (description is the English)")


class OptimizerOut(BaseModel):
    id: str
    name: str = Field(description="the name in English (names.en)")
    description: str = Field(description="the one-line description in English (descriptions.en)")
    description_ko: str = Field("", description="the description in Korean (descriptions.ko)")
    names: Languages = Field(description="the name in both of the page's languages")
    descriptions: Languages = Field(description="the one-line description in both languages")
    family: str = Field("", description="the optimizer menu's group: 'SGD family', 'adaptive', 'Adam family', "
                                        "'modern', 'second-order and quasi-Newton', 'search'")
    family_names: Languages = Field(description="the menu group's name in both languages")
    update: str = Field(description="the update rule in LaTeX")
    rule: Languages = Field(description="the update rule as plain text, one line per operation "
                                        "('m ← β₁·m + (1 − β₁)·g'), in both languages")
    terms: list[ReportedName] = Field(description="every term the rule can report: the additive pieces of a step "
                                                  "(their sum is the step), with labels")
    quantities: list[ReportedName] = Field(description="every quantity the rule can report (torch's names where "
                                                       "torch has one), with labels")
    state: list[ReportedName] = Field(description="every name of its state (include: ['state'], the reference's "
                                                  "optimizer.state[p]), with labels")
    torch: str = ""
    reference: str = ""
    params: list[ParamOut]


class ScheduleOut(BaseModel):
    """A learning-rate schedule type (``torch.optim.lr_scheduler`` semantics) and its parameters."""
    type: str = Field(description="the value of a lane's schedule.type")
    names: Languages = Field(description="the name in both languages")
    descriptions: Languages = Field(description="what it does, in both languages")
    params: list[ParamOut] = Field(description="its parameters: default, bounds (inclusive), scale, labels")


class VerdictOut(BaseModel):
    """A verdict a run's summary may give, and the tolerances every summary uses."""
    verdict: str = Field(description="the value of summary.verdict")
    names: Languages = Field(description="its short name in both languages (the summary table's status)")
    descriptions: Languages = Field(description="what it means, in both languages")
    tolerance: float = Field(description="x the domain's span: distance to a global minimum that counts as at it")
    loss_tolerance: float = Field(description="x the excess loss at the start: excess loss that counts as at it")
    settle_fraction: float = Field(description="of the run's steps: how long it must stay to have reached")
    min_settle: int = Field(description="steps: the shortest stay that counts, in runs longer than that")
    recent_fraction: float = Field(description="of the run's steps: the stretch whose path length tells moving "
                                               "from stalled")
