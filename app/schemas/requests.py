"""Request bodies: runs (and a lane's parts), custom surfaces, basins and sweeps. Bounds live here so OpenAPI
documents them and bad input is a 422 naming the field."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ..settings import settings
from .fields import STRICT, Float, Int, Params, Point, Text, _absent_as, _distinct, no_surrogates


class DomainIn(BaseModel):
    model_config = STRICT
    x: list[Float] = Field(min_length=2, max_length=2, description="[x_min, x_max]")
    y: list[Float] = Field(min_length=2, max_length=2, description="[y_min, y_max]")


class GradientIn(BaseModel):
    model_config = STRICT
    mode: Literal["analytic", "numerical"] = "analytic"
    h: Float = Field(1e-5, gt=0, le=1, description="central-difference step for numerical gradients")
    noise: Float = Field(0.0, ge=0, le=1e3, description="std of Gaussian noise added to every gradient coordinate")
    batch_size: Int | None = Field(None, ge=1, le=100_000, description="mini-batch size on data-set surfaces; "
                                                                        "null = full batch")
    seed: Int = Field(0, ge=0, le=2 ** 32 - 1)


class ScheduleIn(BaseModel):
    """``{"type": "step", "step_size": 100, "gamma": 0.5}``; parameters depend on the type."""
    model_config = ConfigDict(extra="allow", allow_inf_nan=False)
    type: Literal["constant", "step", "exponential", "cosine", "inverse_time"] = "constant"

    @model_validator(mode="before")
    @classmethod
    def _plain_keys(cls, data):
        if isinstance(data, dict):
            for key in data:
                if isinstance(key, str):
                    no_surrogates(key)
        return data


class SwitchIn(BaseModel):
    model_config = STRICT
    at_step: Int = Field(ge=0, le=settings.max_steps)
    optimizer: Text
    params: Params = Field(default_factory=dict)
    rule: Text | None = Field(None, max_length=10_000, description="for optimizer 'custom': the update rule, lines "
                                                                "name = expression (see GET /api/rules)")
    schedule: ScheduleIn | None = None


class SurfaceOptionsIn(BaseModel):
    model_config = STRICT
    l1: Float = Field(0.0, ge=0, le=100)
    l2: Float = Field(0.0, ge=0, le=100)


class LaneGradientIn(BaseModel):
    """One lane's own gradient settings; a field left out takes the request's ``gradient`` value."""
    model_config = STRICT
    mode: Literal["analytic", "numerical"] | None = None
    h: Float | None = Field(None, gt=0, le=1, description="central-difference step for numerical gradients")
    noise: Float | None = Field(None, ge=0, le=1e3, description="std of Gaussian noise added to every gradient "
                                                                "coordinate")
    seed: Int | None = Field(None, ge=0, le=2 ** 32 - 1)


class LabelsIn(BaseModel):
    """A lane's label in the page's languages, each a template like ``label``."""
    model_config = STRICT
    en: Text | None = Field(None, max_length=settings.max_label)
    ko: Text | None = Field(None, max_length=settings.max_label)


class OptimizerIn(BaseModel):
    model_config = STRICT
    optimizer: Text = Field(description="an id from GET /api/optimizers")
    params: Params = Field(default_factory=dict, description="hyperparameters; missing ones take defaults")
    rule: Text | None = Field(None, max_length=10_000, description="for optimizer 'custom': the update rule, lines "
                                                                "name = expression (see GET /api/rules)")
    label: Text | None = Field(None, max_length=settings.max_label, description=(
        "the lane's name; {field}s are filled from its values ('GD lr {lr}': any hyperparameter, beta1/beta2, "
        "optimizer, schedule.gamma, switch.lr, noise, batch_size, l1, ...; {{ }} for braces); the answer's label is "
        "the filled text and label_template this one"))
    labels: LabelsIn | None = Field(None, description="the label in each of the page's languages, filled like label "
                                                      "(the answer's labels)")
    schedule: ScheduleIn | None = None
    switch: SwitchIn | None = None
    batch_size: Int | None = Field(None, ge=1, le=100_000, description="this lane's mini-batch size on a data-set "
                                                                       "surface (null: the request's gradient.batch_size)")
    gradient: LaneGradientIn | None = Field(None, description="this lane's gradient mode, h, noise and seed (each "
                                                              "left out: the request's)")
    objective: Text | None = Field(None, max_length=64, description="data-set surfaces: the surface (same data set) "
                                                                    "whose loss this lane minimises; its losses and "
                                                                    "its minimum are that objective's")
    surface_options: SurfaceOptionsIn | None = Field(None, description="data-set surfaces: the L1/L2 penalties "
                                                                       "of the loss this lane minimises (default: "
                                                                       "the request's)")


class RunRequest(BaseModel):
    model_config = STRICT
    surface: Text = Field("rosenbrock", description="a surface id from GET /api/surfaces, or 'custom'")
    formula: Text | None = Field(None, max_length=10_000, description="for surface 'custom': f(x, y)")
    domain: DomainIn | None = None
    start: Point | None = Field(None, description="[x, y]; the surface's default start when omitted")
    steps: Int = Field(min(200, settings.max_steps), ge=0, le=settings.max_steps, validate_default=True)
    gradient: Annotated[GradientIn | None, _absent_as(GradientIn)] = Field(default_factory=GradientIn)
    surface_options: SurfaceOptionsIn | None = None
    optimizers: list[OptimizerIn] = Field(min_length=1, max_length=settings.max_optimizers)
    include: Annotated[list[Literal["state", "terms"]] | None, _absent_as(list), AfterValidator(_distinct)] = Field(
        default_factory=list, max_length=2, description=(
            "extra per-step output: 'state' adds each run's optimizer state after every step under torch's "
            "optimizer.state[p] names; 'terms' adds each step explained: its additive terms (summing to the step) "
            "and the named quantities the rule computed"))


class CustomSurfaceIn(BaseModel):
    model_config = STRICT
    formula: Text = Field(min_length=1, max_length=10_000, description="f(x, y): + - * / ^ **, numbers, pi, e, sin cos tan exp "
                                                          "log sqrt abs tanh sinh cosh")
    domain: DomainIn | None = None


class BasinRequest(BaseModel):
    """Every point of an n x n grid of starts runs one optimizer; where does each end?"""
    model_config = STRICT
    surface: Text = "himmelblau"
    formula: Text | None = Field(None, max_length=10_000)
    domain: DomainIn | None = Field(None, description="the grid of starts (default: the surface's domain); for "
                                                      "surface 'custom' also the formula's domain")
    optimizer: Text = "adam"
    params: Params = Field(default_factory=dict)
    rule: Text | None = Field(None, max_length=10_000, description="for optimizer 'custom': the update rule, lines "
                                                                "name = expression (see GET /api/rules)")
    schedule: ScheduleIn | None = None
    switch: SwitchIn | None = None
    steps: Int = Field(min(300, settings.max_steps), ge=0, le=settings.max_steps, validate_default=True)
    n: Int = Field(min(100, settings.max_basin_n), ge=2, le=settings.max_basin_n, validate_default=True)
    gradient: Annotated[GradientIn | None, _absent_as(GradientIn)] = Field(default_factory=GradientIn)
    surface_options: SurfaceOptionsIn | None = None


class SweepAxis(BaseModel):
    model_config = STRICT
    param: Text = Field(max_length=100, description="a hyperparameter of the optimizer, or betas[0] / betas[1]")
    min: Float
    max: Float
    n: Int = Field(25, ge=2, le=200)
    scale: Literal["log", "linear"] = "log"


class SweepRequest(BaseModel):
    """One optimizer from one start; one or two hyperparameters varied over a grid (x, then optionally y)."""
    model_config = STRICT
    surface: Text = "ravine"
    formula: Text | None = Field(None, max_length=10_000)
    domain: DomainIn | None = None
    start: Point | None = None
    optimizer: Text = "momentum"
    params: Params = Field(default_factory=dict, description="the values of the parameters not swept")
    rule: Text | None = Field(None, max_length=10_000, description="for optimizer 'custom': the update rule, lines "
                                                                "name = expression (see GET /api/rules)")
    schedule: ScheduleIn | None = None
    steps: Int = Field(min(200, settings.max_steps), ge=1, le=settings.max_steps, validate_default=True)
    gradient: Annotated[GradientIn | None, _absent_as(GradientIn)] = Field(default_factory=GradientIn)
    surface_options: SurfaceOptionsIn | None = None
    x: SweepAxis
    y: SweepAxis | None = None
