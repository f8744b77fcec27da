"""Response bodies of the computations: runs, grids, basins, sweeps."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from .catalogue import StationaryOut
from .fields import Int, Point, Text


class MinimumOut(BaseModel):
    point: Point
    value: float


class NearestMinimumOut(BaseModel):
    index: int = Field(description="its index in the minima its objective lists (GET /api/surfaces/{id} for a run "
                                   "without an objective of its own)")
    point: Point
    value: float
    kind: str = Field(description="'global' or 'local'")
    distance: float = Field(description="from the run's final point")


class SummaryOut(BaseModel):
    """How a run ended, judged by its own objective (a lane's objective or surface_options, else the surface): see
    GET /api/verdicts for the verdicts in both languages and the tolerances."""
    verdict: Literal["reached", "moving", "stalled", "diverged", "no_steps"] = Field(description=(
        "reached: at the minimum from reached_at to the end; moving: not there, still travelling or hopping; stalled: "
        "at rest away from the minimum; diverged; no_steps: steps 0, not starting at the minimum"))
    reached_at: int | None = Field(description=(
        "the first step from which every later point is at the minimum (within tolerance of a global minimum, or "
        "excess loss within loss_tolerance), if the run then stayed there at least 2% of its steps (at least 2); "
        "null otherwise"))
    final_point: Point | None = Field(description="the last point, exactly (float64 even in a compact stream)")
    final_loss: float | None = Field(description="the run's own objective at its last point")
    final_test_loss: float | None = Field(description="surfaces with a test_shift: the test loss at its last point")
    excess_loss: float | None = Field(description="final_loss - f*, f* the value of its own objective's global "
                                                  "minimum; null where it has none")
    distance: float | None = Field(description="from the last point to `minimum`; null where there is none")
    minimum: MinimumOut | None = Field(description=(
        "the global minimum of its own objective nearest its last point (the run's minimum unless several share "
        "the lowest value)"))
    nearest: NearestMinimumOut | None = Field(description="the listed minimum (global or local) of its own "
                                                          "objective nearest its last point")
    tolerance: float = Field(description="1e-3 x the domain's span: a point this close to a global minimum is at it")
    loss_tolerance: float | None = Field(description="1e-6 x the excess loss at the start: a point whose excess "
                                                     "loss is this small is at the minimum")


class RunOut(BaseModel):
    optimizer: Text
    label: str = Field(description="the lane's label with its {fields} filled from its values (README: label fields)")
    label_template: str | None = Field(None, description="the label as the request gave it, when it had {fields}")
    labels: dict[str, str] | None = Field(None, description="the request's labels {language: template}, each "
                                                            "filled like label")
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
    summary: SummaryOut = Field(description="how the run ended, judged by its own objective (in the stream: the "
                                            "end frame's runs)")


class RunResponse(BaseModel):
    surface: str
    start: Point
    steps: int
    runs: list[RunOut]


class GridOut(BaseModel):
    x: list[float]
    y: list[float]
    z: list[list[float | None]] = Field(description="z[j][i] = f(x[i], y[j]); null where not finite")


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
