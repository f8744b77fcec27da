"""Request and response bodies. Bounds live here so OpenAPI documents them and bad input is a 422."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..settings import settings

STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)
Point = list[float]


class DomainIn(BaseModel):
    model_config = STRICT
    x: list[float] = Field(min_length=2, max_length=2, description="[x_min, x_max]")
    y: list[float] = Field(min_length=2, max_length=2, description="[y_min, y_max]")


class GradientIn(BaseModel):
    model_config = STRICT
    mode: Literal["analytic", "numerical"] = "analytic"
    h: float = Field(1e-5, gt=0, le=1, description="central-difference step for numerical gradients")
    noise: float = Field(0.0, ge=0, le=1e3, description="std of Gaussian noise added to every gradient coordinate")
    batch_size: int | None = Field(None, ge=1, le=100_000, description="mini-batch size on data-set surfaces; "
                                                                        "null = full batch")
    seed: int = Field(0, ge=0, le=2 ** 32 - 1)


class ScheduleIn(BaseModel):
    """``{"type": "step", "step_size": 100, "gamma": 0.5}``; parameters depend on the type."""
    model_config = ConfigDict(extra="allow", allow_inf_nan=False)
    type: Literal["constant", "step", "exponential", "cosine", "inverse_time"] = "constant"


class SwitchIn(BaseModel):
    model_config = STRICT
    at_step: int = Field(ge=0, le=settings.max_steps)
    optimizer: str
    params: dict[str, Any] = Field(default_factory=dict)
    schedule: ScheduleIn | None = None


class OptimizerIn(BaseModel):
    model_config = STRICT
    optimizer: str = Field(description="an id from GET /api/optimizers")
    params: dict[str, Any] = Field(default_factory=dict, description="hyperparameters; missing ones take defaults")
    label: str | None = Field(None, max_length=settings.max_label)
    schedule: ScheduleIn | None = None
    switch: SwitchIn | None = None
    batch_size: int | None = Field(None, ge=1, le=100_000, description="this lane's mini-batch size on a data-set "
                                                                       "surface (null: the request's gradient.batch_size)")


class SurfaceOptionsIn(BaseModel):
    model_config = STRICT
    l1: float = Field(0.0, ge=0, le=100)
    l2: float = Field(0.0, ge=0, le=100)


class RunRequest(BaseModel):
    model_config = STRICT
    surface: str = Field("rosenbrock", description="a surface id from GET /api/surfaces, or 'custom'")
    formula: str | None = Field(None, description="for surface 'custom': f(x, y)")
    domain: DomainIn | None = None
    start: Point | None = Field(None, description="[x, y]; the surface's default start when omitted")
    steps: int = Field(200, ge=0, le=settings.max_steps)
    gradient: GradientIn = Field(default_factory=GradientIn)
    surface_options: SurfaceOptionsIn | None = None
    optimizers: list[OptimizerIn] = Field(min_length=1, max_length=settings.max_optimizers)
    include: list[Literal["state"]] = Field(default_factory=list, max_length=1, description=(
        "extra per-step output: 'state' adds each run's optimizer state after every step under torch's "
        "optimizer.state[p] names"))


class RunOut(BaseModel):
    optimizer: str
    label: str
    params: dict[str, Any]
    schedule: dict[str, Any]
    switch: dict[str, Any] | None = None
    points: list[Point]
    losses: list[float]
    lrs: list[float] = Field(description="the learning rate of each step taken")
    gradients: list[Point] | None = Field(None, description="the gradient each step used (noise included)")
    proposals: list[Point] | None = Field(None, description="random searches: the point tried at each step")
    accepted: list[bool] | None = None
    state: dict[str, list[Any]] | None = Field(None, description=(
        "with include ['state']: {name: [value after step 1, after step 2, ...]} under torch's optimizer.state[p] "
        "names; vectors as [x, y], scalars as numbers, null where the name does not apply at that step"))
    status: Literal["ok", "diverged"]
    steps_run: int
    diverged_at: int | None = Field(None, description="the step whose result was not finite or absurdly far")


class RunResponse(BaseModel):
    surface: str
    start: Point
    steps: int
    runs: list[RunOut]


class StationaryOut(BaseModel):
    point: Point
    value: float
    kind: str | None = None


class CustomSurfaceIn(BaseModel):
    model_config = STRICT
    formula: str = Field(min_length=1, max_length=10_000, description="f(x, y): + - * / ^ **, numbers, pi, e, sin cos tan exp "
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


class OptimizerOut(BaseModel):
    id: str
    name: str
    description: str
    update: str = Field(description="the update rule in LaTeX")
    torch: str = ""
    reference: str = ""
    params: list[ParamOut]


class BasinRequest(BaseModel):
    """Every point of an n x n grid of starts runs one optimizer; where does each end?"""
    model_config = STRICT
    surface: str = "himmelblau"
    formula: str | None = None
    domain: DomainIn | None = Field(None, description="the grid of starts (default: the surface's domain); for "
                                                      "surface 'custom' also the formula's domain")
    optimizer: str = "adam"
    params: dict[str, Any] = Field(default_factory=dict)
    schedule: ScheduleIn | None = None
    switch: SwitchIn | None = None
    steps: int = Field(300, ge=0, le=settings.max_steps)
    n: int = Field(100, ge=2, le=settings.max_basin_n)
    gradient: GradientIn = Field(default_factory=GradientIn)
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
    param: str = Field(description="a hyperparameter of the optimizer, or betas[0] / betas[1]")
    min: float
    max: float
    n: int = Field(25, ge=2, le=200)
    scale: Literal["log", "linear"] = "log"


class SweepRequest(BaseModel):
    """One optimizer from one start; one or two hyperparameters varied over a grid (x, then optionally y)."""
    model_config = STRICT
    surface: str = "ravine"
    formula: str | None = None
    domain: DomainIn | None = None
    start: Point | None = None
    optimizer: str = "momentum"
    params: dict[str, Any] = Field(default_factory=dict, description="the values of the parameters not swept")
    schedule: ScheduleIn | None = None
    steps: int = Field(200, ge=1, le=settings.max_steps)
    gradient: GradientIn = Field(default_factory=GradientIn)
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


class ErrorOut(BaseModel):
    detail: Any = Field(description="what was wrong, and where: FastAPI's [{loc, msg, type}] or a sentence")


ERROR_RESPONSES = {
    400: {"model": ErrorOut, "description": "the body is not JSON (or not UTF-8)"},
    404: {"model": ErrorOut, "description": "no such surface"},
    413: {"model": ErrorOut, "description": "the body is larger than the limit"},
    422: {"model": ErrorOut, "description": "a field is missing, malformed or out of range; detail names it"},
}
