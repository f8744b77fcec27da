"""Response bodies of the computations: runs, grids, basins, sweeps."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from .catalogue import StationaryOut
from .fields import Int, Point, Text


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
