"""Request and response bodies. Bounds live here so OpenAPI documents them and bad input is a 422."""
from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, model_validator, Strict

from .settings import settings

STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)
_SURROGATE = re.compile("[\ud800-\udfff]")


def no_surrogates(text: str) -> str:
    """Refuse a lone surrogate (JSON's ``"\\udc00"``): it is not a character and cannot be written back."""
    if _SURROGATE.search(text):
        raise ValueError("a lone surrogate (\\ud800-\\udfff) is not valid Unicode text")
    return text


def no_bool(value):
    """``true`` is not a number (pydantic's lax mode would read it as 1)."""
    if isinstance(value, bool):
        raise ValueError("a number is expected, not true/false")
    return value


Text = Annotated[str, AfterValidator(no_surrogates)]
# strict: "50" is not a number (pydantic's lax mode would read it as 50, while params.lr "0.1" is refused);
# a whole number is still a fine float
Int = Annotated[int, BeforeValidator(no_bool), Strict()]
Float = Annotated[float, BeforeValidator(no_bool), Strict()]
Point = list[Float]


def _distinct(values: list) -> list:
    if len(set(values)) != len(values):
        raise ValueError("each name at most once")
    return values


def _absent_as(empty):
    """An optional field given as ``null``: the same as leaving it out (OpenAPI says null is allowed)."""
    return AfterValidator(lambda v: empty() if v is None else v)
Params = dict[Text, Any]


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


class OptimizerIn(BaseModel):
    model_config = STRICT
    optimizer: Text = Field(description="an id from GET /api/optimizers")
    params: Params = Field(default_factory=dict, description="hyperparameters; missing ones take defaults")
    rule: Text | None = Field(None, max_length=10_000, description="for optimizer 'custom': the update rule, lines "
                                                                "name = expression (see GET /api/rules)")
    label: Text | None = Field(None, max_length=settings.max_label)
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


class MinimumOut(BaseModel):
    point: Point
    value: float


class RunOut(BaseModel):
    optimizer: Text
    label: str
    params: dict[str, Any]
    rule: str | None = Field(None, description="optimizer 'custom': its rule")
    schedule: dict[str, Any]
    switch: dict[str, Any] | None = None
    points: list[Point]
    losses: list[float]
    lrs: list[float] = Field(description="the learning rate of each step taken")
    gradients: list[Point] | None = Field(None, description="the gradient each step used (noise included)")
    proposals: list[Point] | None = Field(None, description="random searches: the point tried at each step")
    accepted: list[bool] | None = None
    gradient: dict[str, Any] | None = Field(None, description="a lane with its own gradient settings: all of them")
    objective: str | None = Field(None, description="a lane that minimises another data-set loss: its surface id")
    minimum: MinimumOut | None = Field(None, description=(
        "the global minimum this run is judged by: its own objective's (another loss or other L1/L2 penalties), "
        "else the surface's; null where there is none"))
    test_losses: list[float | None] | None = Field(None, description="surfaces with a test_shift: the test "
                                                                      "landscape's value at each point")
    averaged: list[Point] | None = Field(None, description="Schedule-Free: the point eval() gives after each step "
                                                           "(aligned with points, the start first)")
    evaluations: list[int] | None = Field(None, description="LBFGS: surface evaluations in each step")
    evaluation_points: list[list[Point]] | None = Field(None, description="LBFGS: per step, the points evaluated "
                                                                          "(the step's start first)")
    terms: list[dict[str, Point]] | None = Field(None, description=(
        "with include ['terms']: per step, {name: [dx, dy]}: the additive pieces of the step in the rule's own words, "
        "whose sum is points[k+1] - points[k]; a rule that names none gives one, 'step'"))
    quantities: list[dict[str, Any]] | None = Field(None, description=(
        "with include ['terms']: per step, {name: number or [x, y]}: the intermediates the rule computed, under "
        "torch's names where torch has one; a name is absent where that step did not compute it"))
    state: dict[str, list[Any]] | None = Field(None, description=(
        "with include ['state']: {name: [value after step 1, after step 2, ...]} under torch's optimizer.state[p] "
        "names; vectors as [x, y], scalars as numbers, null where the name does not apply at that step"))
    status: Literal["ok", "diverged"]
    steps_run: int
    diverged_at: Int | None = Field(None, description="the step whose result was not finite or absurdly far")


class RunResponse(BaseModel):
    surface: str
    start: Point
    steps: int
    runs: list[RunOut]


class StationaryOut(BaseModel):
    point: Point
    value: float
    kind: str | None = None
    sharpness: float | None = Field(None, description="minima: the largest eigenvalue of the Hessian; null where "
                                                      "the surface has a kink there")


class CustomSurfaceIn(BaseModel):
    model_config = STRICT
    formula: Text = Field(min_length=1, max_length=10_000, description="f(x, y): + - * / ^ **, numbers, pi, e, sin cos tan exp "
                                                          "log sqrt abs tanh sinh cosh")
    domain: DomainIn | None = None


class SurfaceOut(BaseModel):
    id: str
    name: str
    description: str
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


class GridOut(BaseModel):
    x: list[float]
    y: list[float]
    z: list[list[float | None]] = Field(description="z[j][i] = f(x[i], y[j]); null where not finite")


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


class OptimizerOut(BaseModel):
    id: str
    name: str
    description: str
    description_ko: str = Field("", description="the description in Korean")
    family: str = Field("", description="the optimizer menu's group: 'SGD family', 'adaptive', 'Adam family', "
                                        "'modern', 'second-order and quasi-Newton', 'search'")
    update: str = Field(description="the update rule in LaTeX")
    torch: str = ""
    reference: str = ""
    params: list[ParamOut]


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


class BasinResponse(BaseModel):
    x: list[float]
    y: list[float]
    basin: list[list[int]] = Field(description="basin[j][i]: index in minima of where the start (x[i], y[j]) ends; "
                                               "-1 none, -2 diverged")
    minima: list[StationaryOut]
    final_loss: list[list[float | None]] = Field(description="null where the run diverged")
    steps_to_converge: list[list[float | None]] = Field(description="the step after which the run stayed within "
                                                                    "1e-3 of the domain's span of one point; null "
                                                                    "unless it ended at a minimum")
    steps: int


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


class SweepResponse(BaseModel):
    axes: list[dict[str, Any]] = Field(description="[{param, values}] for x (and y)")
    final_loss: list[Any] = Field(description="[j][i] for two axes, [i] for one; null where diverged")
    diverged: list[Any]
    basin: list[Any]
    steps_to_converge: list[Any]
    final_point: list[Any]
    minima: list[StationaryOut]
    best: dict[str, float] | None = Field(None, description="the cell with the lowest final loss")
    steps: int


Color = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$", description="#rrggbb")]
Word = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")]
_PLAIN = re.compile(r"^[A-Za-z0-9 _.:#,-]{0,100}$")


def plain_scalar(value):
    """A view option the server does not know: a bool, null, a finite number or a short plain word."""
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float) and abs(value) < 1e300:
        return value
    if isinstance(value, str) and _PLAIN.match(value):
        return value
    raise ValueError("an unknown view option may only hold true/false, null, a finite number or a short plain "
                     "word (letters, digits, space and _ . : # , -)")


class InspectIn(BaseModel):
    """The step inspector's place: lane ``lane`` (0-based), step ``step`` (0-based: from point k to k + 1)."""
    model_config = STRICT
    lane: Int = Field(ge=0, le=settings.max_optimizers)
    step: Int = Field(ge=0, le=10 ** 7)


class ViewIn(BaseModel):
    """The page's view options inside ``?state=``: what reaches the page's DOM, so every value is typed."""
    model_config = ConfigDict(extra="allow", allow_inf_nan=False)
    mode: Word | None = None
    arrows: StrictBool | None = None
    step: Float | None = Field(None, ge=0, le=1e7)  # the player's cursor
    theme: Literal["light", "dark"] | None = None
    lang: Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Za-z]{2,4})?$")] | None = None
    colors: list[Color | None] = Field(default_factory=list, max_length=256, description="lane colours, #rrggbb")
    sweep: Word | None = None
    cloud: StrictBool | None = None
    tuned: StrictBool | None = None
    lesson: Word | None = None
    caption: Text | None = Field(None, max_length=300)
    zoom: DomainIn | None = Field(None, description="the plot's box, {x: [x0, x1], y: [y0, y1]}; null: the domain")
    equal: StrictBool | None = None
    markers: Word | None = None
    inspect: InspectIn | None = Field(None, description="the step inspector, open on {lane, step}")
    test_contour: StrictBool | None = Field(None, description="draw the test landscape's contour (surfaces with a "
                                                              "test_shift)")
    # read by /embed and the offline export (issue 16)
    autoplay: StrictBool | None = None
    loop: StrictBool | None = None
    interactive: StrictBool | None = Field(None, description="clicks, drags and legend clicks may change the figure")
    variants: list[dict[str, Any]] | None = Field(None, max_length=8, description="the export only: patches of the "
                                                  "state precomputed so that slopes:update can show them offline")

    @model_validator(mode="after")
    def _plain_extras(self):
        for key, value in (self.model_extra or {}).items():
            if not _PLAIN.match(key) or not key:
                raise ValueError(f"unknown view option {key[:40]!r}: a name is letters, digits and _ only")
            try:
                plain_scalar(value)
            except ValueError as e:
                raise ValueError(f"view.{key}: {e}") from None
        return self


class RuleCheckIn(BaseModel):
    model_config = STRICT
    rule: Text = Field(max_length=10_000, description="the update rule: lines name = expression")
    params: Params | None = Field(None, description="the values a run would give: names the rule reads and these "
                                                    "do not give are errors too")


class RuleErrorOut(BaseModel):
    line: int | None = Field(description="1-based; null: the whole rule")
    column: int | None = Field(description="1-based; null: the whole line")
    param: str | None = Field(None, description="a key of params the rule never reads")
    message: str


class RuleCheckOut(BaseModel):
    ok: bool
    errors: list[RuleErrorOut]
    lines: list[dict[str, Any]] = Field(description="[{line, target, kind: 'point' | 'state', text}]")
    state: list[str] = Field(description="the names the rule assigns other than p (include: ['state'])")
    params: list[ParamOut] = Field(description="lr and every hyperparameter the rule reads, with a suggested "
                                               "default and slider")
    terms: list[str] = Field(description="the terms an explained step reports (include: ['terms'])")
    quantities: list[str] = Field(default_factory=list)
    evaluations_per_step: int | None = Field(description="the rule's cost a step, in surface evaluations")
    grads: int = 0
    update: str = Field("", description="the rule in LaTeX")


class ErrorOut(BaseModel):
    detail: Any = Field(description="what was wrong, and where: FastAPI's [{loc, msg, type}] or a sentence")


ERROR_RESPONSES = {
    400: {"model": ErrorOut, "description": "the body is not JSON (or not UTF-8)"},
    404: {"model": ErrorOut, "description": "no such surface"},
    413: {"model": ErrorOut, "description": "the body is larger than the limit"},
    422: {"model": ErrorOut, "description": "a field is missing, malformed or out of range; detail names it"},
}
